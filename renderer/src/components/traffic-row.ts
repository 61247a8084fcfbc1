// One row of the live list, built and updated as DOM, not through React: the list is the page's hot
// path (at 500 requests a second a frame mounts a dozen rows), and React's work for each new row
// (elements, props, fibers, effects) was a large part of every live frame. The row is exactly what a
// component would render; a change of its capture touches only the cells whose text changed.
// Captured text only ever becomes text nodes and attribute values (setVisibleText), never markup.
import type { CaptureSummary } from '../../../shared/model'
import { formatBytes, formatClock, formatDateTime, formatDuration, statusClassOf } from '../text/format'
import type { DeliveryHold } from '../text/forward-text'
import { appendBadges } from './capture-badges'
import { setVisibleText } from './visible-text'

export const ROW_HEIGHT = 30

// Only a cell whose text can outgrow its column is clipped (with an ellipsis). Times, sizes,
// statuses, short durations and the usual methods always fit. Every clip is a paint property node and
// a paint chunk of its own: with about 60 rows on screen, clipping all eight cells (and the row) made
// the browser's paint and layerizing cost a third more in every frame in which rows arrived.
const FITTING_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
/** Monospace characters that fit the duration column, the narrowest numeric column. */
const DURATION_FITS = 8
/** The narrowest the endpoint column gets (app.css: `minmax(60px, 110px)`). */
const ENDPOINT_MIN_PX = 60

const nameFits = new Map<string, boolean>()
let measure: CanvasRenderingContext2D | null | undefined

/** Whether an endpoint name fits its column at its narrowest, measured once per name in the page's font. */
function endpointNameFits(name: string): boolean {
  let fits = nameFits.get(name)
  if (fits !== undefined) return fits
  if (measure === undefined) {
    measure = typeof document === 'undefined' ? null : (document.createElement('canvas').getContext('2d') ?? null)
    if (measure) {
      const style = getComputedStyle(document.body)
      measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
      // A font the canvas did not take would measure in its default: clip rather than guess.
      if (!measure.font.includes(style.fontSize)) measure = null
    }
  }
  fits = measure ? measure.measureText(name).width <= ENDPOINT_MIN_PX - 2 : false
  if (nameFits.size >= 1000) nameFits.clear()
  nameFits.set(name, fits)
  return fits
}

const clipUnless = (fits: boolean) => (fits ? '' : ' clip')

/** What a row shows. A row is updated by comparing the model it was last drawn from with the new one. */
export interface RowModel {
  capture: CaptureSummary
  /** The endpoint's name, for the endpoint column (undefined when the endpoint was removed). */
  endpointName: string | undefined
  /** The name a removed endpoint had, when known. */
  removedName?: string | undefined
  selected: boolean
  opened: boolean
  /** Marked as one side of a comparison (Compare). */
  marked: boolean
  /** What holds its delivery, waiting for a target that sends nothing now (null: nothing). */
  hold: DeliveryHold | null
}

/** The cells, in order. */
const Cell = { Time: 0, Method: 1, Path: 2, Status: 3, Size: 4, Duration: 5, Endpoint: 6, Flags: 7 } as const

const MARKED_TITLE = 'Marked for comparison: choose Compare on another request (Esc unmarks it)'

/** The DOM id of a capture's row: the list names its selected row with it (aria-activedescendant). */
export function rowElementId(captureId: string): string {
  return `traffic-row-${captureId}`
}

/** A new row element for `model` (role "row" of "gridcell"s, data-testid "traffic-row", its capture's id). */
export function createRow(doc: Document, model: RowModel): HTMLDivElement {
  const row = doc.createElement('div')
  row.id = rowElementId(model.capture.id)
  row.setAttribute('role', 'row')
  row.setAttribute('data-testid', 'traffic-row')
  row.setAttribute('data-capture-id', model.capture.id)
  for (let i = 0; i <= Cell.Flags; i++) row.appendChild(doc.createElement('span')).setAttribute('role', 'gridcell')
  const cells = row.children
  cells[Cell.Time]!.className = 'cell time'
  cells[Cell.Method]!.setAttribute('data-testid', 'row-method')
  cells[Cell.Path]!.className = 'cell path'
  cells[Cell.Path]!.setAttribute('data-testid', 'row-path')
  cells[Cell.Status]!.setAttribute('data-testid', 'row-status')
  cells[Cell.Size]!.className = 'cell size'
  drawRow(row, null, model)
  return row
}

/** Brings a row drawn from `previous` up to `next` (the same capture id), touching only what changed. */
export function updateRow(row: HTMLDivElement, previous: RowModel, next: RowModel): void {
  if (
    previous.capture === next.capture &&
    previous.endpointName === next.endpointName &&
    previous.removedName === next.removedName &&
    previous.selected === next.selected &&
    previous.opened === next.opened &&
    previous.marked === next.marked &&
    previous.hold === next.hold
  )
    return
  drawRow(row, previous, next)
}

function drawRow(row: HTMLDivElement, previous: RowModel | null, next: RowModel): void {
  if (!previous || previous.selected !== next.selected || previous.opened !== next.opened || previous.marked !== next.marked) {
    row.className = `traffic-row${next.selected ? ' selected' : ''}${next.opened ? ' opened' : ''}${next.marked ? ' compare-marked' : ''}`
    row.setAttribute('aria-selected', String(next.selected))
  }
  if (previous ? previous.marked !== next.marked : next.marked) {
    if (next.marked) row.setAttribute('title', MARKED_TITLE)
    else row.removeAttribute('title')
  }
  const capture = next.capture
  const before = previous?.capture
  const cells = row.children
  if (before?.receivedAt !== capture.receivedAt) {
    // The day only in the title: the column fits a clock, and a history spans days (and midnight).
    cells[Cell.Time]!.textContent = formatClock(capture.receivedAt)
    cells[Cell.Time]!.setAttribute('title', `Received ${formatDateTime(capture.receivedAt)}`)
  }
  if (before?.method !== capture.method) {
    cells[Cell.Method]!.className = `cell method method-${capture.method.toLowerCase()}${clipUnless(FITTING_METHODS.has(capture.method))}`
    setVisibleText(cells[Cell.Method]!, capture.method, { byteString: true })
  }
  // The whole path as the cell's title, for a path its ellipsis cuts: set with the text, only when it changes.
  if (before?.target !== capture.target) cells[Cell.Path]!.setAttribute('title', setVisibleText(cells[Cell.Path]!, capture.target, { byteString: true }))
  if (before === undefined || before.status !== capture.status || before.inFlight !== capture.inFlight) {
    const cell = cells[Cell.Status]!
    cell.className = `cell status ${statusClassOf(capture.status)}`
    // Without a status: still on its way (…), or never answered (—), as when its sender gave up waiting.
    cell.textContent = capture.status !== null ? String(capture.status) : capture.inFlight ? '…' : '—'
    if (capture.status !== null) {
      if (before?.status === null) cell.removeAttribute('title')
    } else cell.setAttribute('title', capture.inFlight ? 'In progress: still being received or answered' : 'No response was sent: the sender went away, or the request was cut short')
  }
  if (before?.bodySize !== capture.bodySize) cells[Cell.Size]!.textContent = formatBytes(capture.bodySize)
  if (before === undefined || before.durationMs !== capture.durationMs) {
    const duration = formatDuration(capture.durationMs)
    cells[Cell.Duration]!.className = `cell duration${clipUnless(duration.length <= DURATION_FITS)}`
    cells[Cell.Duration]!.textContent = duration
  }
  if (!previous || previous.endpointName !== next.endpointName || previous.removedName !== next.removedName) {
    const name = next.endpointName
    const cell = cells[Cell.Endpoint]!
    if (name === undefined) {
      cell.className = 'cell endpoint removed muted'
      cell.textContent = next.removedName !== undefined ? `${next.removedName} (removed)` : '(removed)'
      cell.setAttribute('title', next.removedName !== undefined ? `The endpoint “${next.removedName}” was removed` : 'This endpoint was removed')
    } else {
      const fits = endpointNameFits(name)
      cell.className = `cell endpoint${clipUnless(fits)}`
      cell.textContent = name
      // A name its ellipsis cuts can still be read whole, as a path can.
      if (!fits) cell.setAttribute('title', name)
      else if (previous) cell.removeAttribute('title')
    }
  }
  if (before === undefined || previous!.hold !== next.hold || !sameBadges(before, capture)) {
    const flags = cells[Cell.Flags]!
    const hasBadges = capture.forward !== null || capture.signature !== null || capture.flags.length > 0
    flags.className = `cell flags${clipUnless(!hasBadges)}`
    // Filled only when there is something to show: most rows have no badge at all.
    if (flags.firstChild) flags.replaceChildren()
    // The cell's title names every badge: those that gave way to an ellipsis can still be read.
    if (hasBadges) flags.setAttribute('title', appendBadges(flags, capture, next.hold).join(' · '))
    else if (before !== undefined) flags.removeAttribute('title')
  }
}

function sameBadges(a: CaptureSummary, b: CaptureSummary): boolean {
  if ((a.forward === null) !== (b.forward === null) || (a.signature === null) !== (b.signature === null) || a.flags.length !== b.flags.length) return false
  if (a.flags.some((flag, i) => b.flags[i] !== flag)) return false
  if (JSON.stringify(a.signatureOnArrival ?? null) !== JSON.stringify(b.signatureOnArrival ?? null)) return false
  return (a.forward === null || JSON.stringify(a.forward) === JSON.stringify(b.forward)) && (a.signature === null || JSON.stringify(a.signature) === JSON.stringify(b.signature))
}

/** A stored request whose page has not loaded yet. */
export function createPendingRow(doc: Document): HTMLDivElement {
  const row = doc.createElement('div')
  row.className = 'traffic-row pending'
  row.setAttribute('role', 'row')
  row.setAttribute('aria-busy', 'true')
  row.setAttribute('data-testid', 'pending-row')
  return row
}
