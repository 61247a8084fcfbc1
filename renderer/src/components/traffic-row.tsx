// One row of the live list. It selects its own record (by id) and nothing else: the list passes what
// every row shares (the selection, endpoint names), so a batch renders only new rows and rows whose
// captures changed, and mounting a row subscribes it to the store once.
import { memo } from 'react'
import type { Endpoint } from '../../../shared/model'
import { useStores, useTraffic } from '../state/context'
import { formatBytes, formatClock, formatDuration, statusClassOf } from '../text/format'
import { CaptureBadges, ForwardBadge, SignatureBadge } from './capture-badges'
import { VisibleText } from './visible-text'

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

export interface TrafficRowProps {
  id: string
  selected?: boolean
  opened?: boolean
  /** Endpoints by id, for the endpoint column (the list passes one map to every row). */
  endpoints?: Record<string, Endpoint>
}

export const TrafficRow = memo(function TrafficRow({ id, selected = false, opened = false, endpoints }: TrafficRowProps) {
  const { traffic } = useStores()
  const capture = useTraffic((s) => s.byId[id])
  const endpointName = capture && endpoints ? endpoints[capture.endpointId]?.name : undefined
  if (!capture) return null
  const duration = formatDuration(capture.durationMs)
  const hasBadges = capture.forward !== null || capture.signature !== null || capture.flags.length > 0
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`traffic-row${selected ? ' selected' : ''}${opened ? ' opened' : ''}`}
      data-testid="traffic-row"
      data-capture-id={id}
      onClick={() => traffic.getState().open(id)}
    >
      <span className="cell time">{formatClock(capture.receivedAt)}</span>
      <span className={`cell method method-${capture.method.toLowerCase()}${clipUnless(FITTING_METHODS.has(capture.method))}`} data-testid="row-method">
        <VisibleText value={capture.method} byteString />
      </span>
      <span className="cell path" data-testid="row-path">
        <VisibleText value={capture.target} byteString />
      </span>
      <span className={`cell status ${statusClassOf(capture.status)}`} data-testid="row-status">
        {capture.status ?? '…'}
      </span>
      <span className="cell size">{formatBytes(capture.bodySize)}</span>
      <span className={`cell duration${clipUnless(duration.length <= DURATION_FITS)}`}>{duration}</span>
      <span className={`cell endpoint${clipUnless(endpointName === undefined || endpointNameFits(endpointName))}`}>{endpointName ?? ''}</span>
      <span className={`cell flags${clipUnless(!hasBadges)}`}>
        {/* Mounted only when there is something to show: most rows have no badge at all. */}
        {capture.forward && <ForwardBadge forward={capture.forward} />}
        {capture.signature && <SignatureBadge verdict={capture.signature} />}
        {capture.flags.length > 0 && <CaptureBadges flags={capture.flags} />}
      </span>
    </div>
  )
})
