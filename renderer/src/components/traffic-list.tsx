// The live list, virtualized with a fixed row height. New rows arrive at the top; when the user has
// scrolled away from the top, the rows they are looking at stay in place (the scroll offset moves by
// the height of what was inserted above). The scrollbar spans every stored request the list can hold,
// not only the pages loaded so far: rows not loaded yet are placeholders, and older pages load, one
// after another, while the end of what is loaded is near or in view.
import { useEffect, useLayoutEffect, useRef } from 'react'
import { observeElementOffset, useVirtualizer } from '@tanstack/react-virtual'
import { useApp, useStores, useTraffic } from '../state/context'
import { EmptyState } from './empty-state'
import { ROW_HEIGHT, TrafficRow } from './traffic-row'
import { isFiltered } from '../state/capture-filter'

// The next older page is asked for this many rows ahead (a second of a fast fling), so that it has
// arrived before its rows come into view: a screenful of placeholders turning into rows at once makes
// a long frame.
const LOAD_OLDER_WITHIN_ROWS = 300

export function TrafficList() {
  const { traffic, sync } = useStores()
  const ids = useTraffic((s) => s.ids)
  const loaded = useTraffic((s) => s.loaded)
  const filtered = useTraffic((s) => isFiltered(s.filter))
  const hasOlder = useTraffic((s) => s.hasOlder)
  const olderLimited = useTraffic((s) => s.olderLimited)
  const total = useTraffic((s) => s.total)
  const memoryCap = useTraffic((s) => s.memoryCap)
  const loadingOlder = useTraffic((s) => s.loadingOlder)
  const selectedId = useTraffic((s) => s.selectedId)
  const openedId = useTraffic((s) => s.openedId)
  const endpointsById = useApp((s) => s.endpointsById)
  const scroller = useRef<HTMLDivElement>(null)
  const reportOffset = useRef<((offset: number, isScrolling: boolean) => void) | null>(null)
  const previousIds = useRef<string[]>(ids)
  // Loaded rows, then a placeholder for each stored request not loaded yet (up to what the list holds).
  const rowCount = hasOlder ? Math.max(ids.length, Math.min(total, memoryCap)) : ids.length

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Keys stay the virtualizer's own (the index): every row has the same height, and a function that
    // changed with the list would make it lay out all its rows again (up to 50,000) at every render.
    observeElementOffset: (instance, callback) => {
      reportOffset.current = callback
      return observeElementOffset(instance, callback)
    },
  })

  useLayoutEffect(() => {
    const element = scroller.current
    const before = previousIds.current
    previousIds.current = ids
    // The virtualizer's offset, not element.scrollTop: reading layout here would force it every batch.
    const scrollTop = virtualizer.scrollOffset ?? 0
    if (!element || before === ids || scrollTop <= 0 || before.length === 0) return
    const anchorIndex = Math.min(before.length - 1, Math.floor(scrollTop / ROW_HEIGHT))
    const anchorId = before[anchorIndex]!
    const shift = ids.indexOf(before[0]!)
    const newIndex = shift >= 0 && ids[anchorIndex + shift] === anchorId ? anchorIndex + shift : ids.indexOf(anchorId)
    if (newIndex < 0 || newIndex === anchorIndex) return
    const offset = scrollTop + (newIndex - anchorIndex) * ROW_HEIGHT
    element.scrollTop = offset
    reportOffset.current?.(offset, false)
  }, [ids, virtualizer])

  const items = virtualizer.getVirtualItems()
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1
  useEffect(() => {
    if (hasOlder && !loadingOlder && lastIndex >= 0 && lastIndex >= ids.length - LOAD_OLDER_WITHIN_ROWS) void sync.loadOlder()
  }, [hasOlder, loadingOlder, lastIndex, ids.length, sync])

  useEffect(() => {
    if (selectedId === null) return
    const index = traffic.getState().ids.indexOf(selectedId)
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' })
  }, [selectedId, traffic, virtualizer])

  if (loaded && ids.length === 0) return filtered ? <p className="list-empty" data-testid="no-matches">No requests match this search.</p> : <EmptyState />

  return (
    <div className="traffic-list" role="grid" aria-label="Captured requests" aria-rowcount={rowCount}>
      <div className="traffic-head" role="row">
        <span className="cell time">Time</span>
        <span className="cell method">Method</span>
        <span className="cell path">Path</span>
        <span className="cell status">Status</span>
        <span className="cell size">Size</span>
        <span className="cell duration">Duration</span>
        <span className="cell endpoint">Endpoint</span>
        <span className="cell flags" />
      </div>
      <div className="traffic-scroll" ref={scroller} data-testid="traffic-scroll">
        <div className="traffic-canvas" style={{ height: virtualizer.getTotalSize() + (hasOlder || olderLimited ? ROW_HEIGHT : 0) }} data-testid="traffic-list">
          <div className="traffic-window" style={{ transform: `translateY(${items[0]?.start ?? 0}px)` }}>
            {items.map((item) => {
              const id = ids[item.index]
              if (id === undefined) return <div key={`pending-${item.index}`} className="traffic-row pending" role="row" aria-busy="true" data-testid="pending-row" />
              return <TrafficRow key={id} id={id} selected={id === selectedId} opened={id === openedId} endpoints={endpointsById} />
            })}
          </div>
          {(hasOlder || olderLimited) && (
            <div className="list-footer" style={{ transform: `translateY(${virtualizer.getTotalSize()}px)` }} data-testid="list-footer">
              {olderLimited ? 'The list holds the newest requests only; search to find older ones.' : 'Loading older requests…'}
            </div>
          )}
        </div>
      </div>
    </div>
  )
}
