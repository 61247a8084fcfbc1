// The rows of the live list that are on screen (and a few around them), kept in step with the stores
// without React. Owns: which rows are mounted (a fixed row height makes that arithmetic on the scroll
// offset), creating, updating and removing their elements in order, placeholders for stored requests
// whose page has not loaded yet, keeping the rows a user scrolled to in place while new ones arrive
// above them, bringing the selected row into view, asking for the next older page as its end comes
// near, and opening a row that is clicked.
// Why not React: the list changes in every live frame. It is updated synchronously when the store
// changes (inside the frame that applies a batch), and costs only the rows that arrived or changed.
import type { AppStore } from '../state/app-store'
import type { TrafficStore } from '../state/traffic-store'
import { deliveryHold } from '../text/forward-text'
import { offsetToReveal, rowsInView } from './row-window'
import { createPendingRow, createRow, ROW_HEIGHT, rowElementId, updateRow, type RowModel } from './traffic-row'

export { OVERSCAN_ROWS } from './row-window'
// The next older page is asked for this many rows ahead (a second of a fast fling), so that it has
// arrived before its rows come into view: a screenful of placeholders turning into rows at once makes
// a long frame.
export const LOAD_OLDER_WITHIN_ROWS = 300

export interface ListElements {
  /** The element with role "grid" (its aria-rowcount and aria-activedescendant are kept current). */
  grid: HTMLElement
  scroller: HTMLElement
  /** Sized to every row the list spans. */
  canvas: HTMLElement
  /** Holds the mounted rows, moved down to the first of them. */
  rows: HTMLElement
  /** The footer below the last row, when there is one. */
  footer: () => HTMLElement | null
}

export interface ListSources {
  traffic: TrafficStore
  app: AppStore
  loadOlder: () => void
  /** The capture marked for comparison, if any, and a way to hear when that changes. */
  compareMark?: { get: () => string | null; subscribe: (listener: () => void) => () => void }
}

interface Mounted {
  element: HTMLDivElement
  model: RowModel
  /** The row's aria-rowindex as last set. */
  rowIndex: number
}

/**
 * A row's place for assistive technology (aria-rowindex, counted from 1 with the header row first):
 * only the rows on screen are in the page, so its place in the DOM does not say it.
 */
function gridRowIndex(index: number): number {
  return index + 2
}

export class ListWindow {
  private readonly mounted = new Map<string, Mounted>()
  private readonly pending = new Map<number, HTMLDivElement>()
  private readonly offs: Array<() => void> = []
  /** The scroll offset as last read from a scroll event or set here (reading it could force layout). */
  private scrollTop = 0
  private viewport: number
  private ids: readonly string[] | null = null
  private selectedId: string | null = null
  private rowCount = -1
  private footer: HTMLElement | null = null
  private first = -1
  /** The DOM id the grid names as its active row (the selected row, while it is mounted). */
  private active: string | null = null
  private updating = false
  private again = false

  constructor(
    private readonly elements: ListElements,
    private readonly sources: ListSources,
  ) {
    this.viewport = elements.scroller.clientHeight
    this.scrollTop = elements.scroller.scrollTop
  }

  /** Starts following the stores, scrolling, resizing and clicks; returns the function that stops. */
  attach(): () => void {
    const { scroller, rows } = this.elements
    const { traffic, app } = this.sources
    rows.replaceChildren()
    this.selectedId = traffic.getState().selectedId
    this.offs.push(traffic.subscribe(() => this.update()))
    if (this.sources.compareMark) this.offs.push(this.sources.compareMark.subscribe(() => this.update()))
    this.offs.push(
      app.subscribe((state, previous) => {
        if (state.endpointsById !== previous.endpointsById || state.removedEndpointNames !== previous.removedEndpointNames || state.ready !== previous.ready) this.update()
      }),
    )
    const onScroll = () => {
      this.scrollTop = scroller.scrollTop
      this.update()
    }
    scroller.addEventListener('scroll', onScroll, { passive: true })
    this.offs.push(() => scroller.removeEventListener('scroll', onScroll))
    if (typeof ResizeObserver !== 'undefined') {
      const observer = new ResizeObserver(() => {
        const height = scroller.clientHeight
        if (height === this.viewport) return
        this.viewport = height
        this.update()
      })
      observer.observe(scroller)
      this.offs.push(() => observer.disconnect())
    }
    const onClick = (event: MouseEvent) => {
      const row = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-testid="traffic-row"]') : null
      const id = row && rows.contains(row) ? row.dataset.captureId : undefined
      if (id !== undefined) traffic.getState().open(id)
    }
    rows.addEventListener('click', onClick)
    this.offs.push(() => rows.removeEventListener('click', onClick))
    this.update()
    // Brings the selection into view once mounted, as when it changes.
    if (this.selectedId !== null) {
      this.reveal(this.selectedId)
      this.update()
    }
    return () => {
      for (const off of this.offs.splice(0)) off()
      this.mounted.clear()
      this.pending.clear()
      rows.replaceChildren()
      this.active = null
      this.elements.grid.removeAttribute('aria-activedescendant')
    }
  }

  /** Draws what the stores hold now (the stores call it as they change, inside the same frame). */
  update(): void {
    // A change made while drawing (a page asked for) is drawn right after.
    if (this.updating) {
      this.again = true
      return
    }
    this.updating = true
    try {
      do {
        this.again = false
        this.draw()
      } while (this.again)
    } finally {
      this.updating = false
    }
  }

  private draw(): void {
    const { grid, canvas, rows } = this.elements
    const s = this.sources.traffic.getState()
    const { endpointsById: endpoints, removedEndpointNames, ready } = this.sources.app.getState()
    // Until the endpoints are loaded, an endpoint not known yet is not a removed one.
    const unknownName = ready ? undefined : ''
    const marked = this.sources.compareMark?.get() ?? null
    const ids = s.ids
    // Loaded rows, then a placeholder for each stored request not loaded yet (up to what the list holds).
    const rowCount = s.hasOlder ? Math.max(ids.length, Math.min(s.total, s.memoryCap)) : ids.length
    const footer = this.elements.footer()
    const height = rowCount * ROW_HEIGHT + (footer ? ROW_HEIGHT : 0)
    if (rowCount !== this.rowCount || footer !== this.footer) {
      this.rowCount = rowCount
      this.footer = footer
      // The header row is one of the grid's rows.
      grid.setAttribute('aria-rowcount', String(rowCount + 1))
      canvas.style.height = `${height}px`
      if (footer) footer.style.transform = `translateY(${rowCount * ROW_HEIGHT}px)`
    }

    const before = this.ids
    this.ids = ids
    if (before !== null && before !== ids) this.keepInPlace(before, ids)
    // The list is now shorter than where it was scrolled (a search, a clear, removals): the browser
    // brings the offset back within it at its next layout and reports that a frame later, so rows
    // drawn for the offset as last read would leave the list blank meanwhile. Read where it is now
    // (this forces layout, only in this case).
    if (this.scrollTop > Math.max(0, height - this.viewport)) {
      const { scroller } = this.elements
      this.viewport = scroller.clientHeight
      this.scrollTop = Math.min(scroller.scrollTop, Math.max(0, height - this.viewport))
    }
    if (s.selectedId !== this.selectedId) {
      this.selectedId = s.selectedId
      if (s.selectedId !== null) this.reveal(s.selectedId)
    }

    const { first, end } = rowsInView(this.scrollTop, this.viewport, ROW_HEIGHT, rowCount)
    const wanted: HTMLDivElement[] = []
    const keep = new Set<string>()
    const keepPending = new Set<number>()
    const doc = rows.ownerDocument
    for (let index = first; index < end; index++) {
      const id = ids[index]
      // An id without its record yet stands as a placeholder too, so that every row below keeps its place.
      const capture = id === undefined ? undefined : s.byId[id]
      if (id === undefined || !capture) {
        let placeholder = this.pending.get(index)
        if (!placeholder) {
          this.pending.set(index, (placeholder = createPendingRow(doc)))
          placeholder.setAttribute('aria-rowindex', String(gridRowIndex(index)))
        }
        keepPending.add(index)
        wanted.push(placeholder)
        continue
      }
      const model: RowModel = {
        capture,
        endpointName: endpoints[capture.endpointId]?.name ?? unknownName,
        removedName: removedEndpointNames[capture.endpointId],
        selected: id === s.selectedId,
        opened: id === s.openedId,
        marked: id === marked,
        hold: deliveryHold(capture.forward?.state, capture.forward?.targetId ?? null, endpoints[capture.endpointId]?.forward),
      }
      const row = this.mounted.get(id)
      const rowIndex = gridRowIndex(index)
      if (row) {
        updateRow(row.element, row.model, model)
        row.model = model
        // Rows arriving above move it down: its place is written only when it changed.
        if (row.rowIndex !== rowIndex) {
          row.rowIndex = rowIndex
          row.element.setAttribute('aria-rowindex', String(rowIndex))
        }
        wanted.push(row.element)
      } else {
        const element = createRow(doc, model)
        element.setAttribute('aria-rowindex', String(rowIndex))
        this.mounted.set(id, { element, model, rowIndex })
        wanted.push(element)
      }
      keep.add(id)
    }
    for (const [id, row] of this.mounted) {
      if (keep.has(id)) continue
      row.element.remove()
      this.mounted.delete(id)
    }
    for (const [index, placeholder] of this.pending) {
      if (keepPending.has(index)) continue
      placeholder.remove()
      this.pending.delete(index)
    }
    // What is left is in order; the rows to mount go in between (new rows arrive together at the top).
    let cursor = rows.firstChild
    for (const element of wanted) {
      if (cursor === element) cursor = cursor.nextSibling
      else rows.insertBefore(element, cursor)
    }
    if (first !== this.first) {
      this.first = first
      rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`
    }
    // With the focus on the grid, assistive technology reads the selected row as the current one.
    const active = s.selectedId !== null && this.mounted.has(s.selectedId) ? rowElementId(s.selectedId) : null
    if (active !== this.active) {
      this.active = active
      if (active === null) grid.removeAttribute('aria-activedescendant')
      else grid.setAttribute('aria-activedescendant', active)
    }

    if (s.hasOlder && !s.loadingOlder && end > 0 && end - 1 >= ids.length - LOAD_OLDER_WITHIN_ROWS) {
      const loadOlder = this.sources.loadOlder
      queueMicrotask(loadOlder)
    }
  }

  /**
   * When the user has scrolled away from the top, the rows in view stay where they are as new ones
   * arrive above them: the scroll offset moves by the height of what was inserted.
   */
  private keepInPlace(before: readonly string[], ids: readonly string[]): void {
    const scrollTop = this.scrollTop
    if (scrollTop <= 0 || before.length === 0) return
    const anchorIndex = Math.min(before.length - 1, Math.floor(scrollTop / ROW_HEIGHT))
    const anchorId = before[anchorIndex]!
    const shift = ids.indexOf(before[0]!)
    const newIndex = shift >= 0 && ids[anchorIndex + shift] === anchorId ? anchorIndex + shift : ids.indexOf(anchorId)
    if (newIndex < 0 || newIndex === anchorIndex) return
    this.scrollTo(scrollTop + (newIndex - anchorIndex) * ROW_HEIGHT)
  }

  /** Scrolls as little as needed for the row of `id` to be wholly in view. */
  private reveal(id: string): void {
    const index = this.sources.traffic.getState().ids.indexOf(id)
    if (index < 0) return
    const offset = offsetToReveal(index, ROW_HEIGHT, this.scrollTop, this.viewport)
    if (offset !== null) this.scrollTo(offset)
  }

  private scrollTo(offset: number): void {
    this.elements.scroller.scrollTop = offset
    this.scrollTop = offset
  }
}
