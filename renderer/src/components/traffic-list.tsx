// The live list, virtualized with a fixed row height. New rows arrive at the top; when the user has
// scrolled away from the top, the rows they are looking at stay in place (the scroll offset moves by
// the height of what was inserted above). The scrollbar spans every stored request the list can hold,
// not only the pages loaded so far: rows not loaded yet are placeholders, and older pages load, one
// after another, while the end of what is loaded is near or in view. React renders the frame of the
// list; the rows in it are kept by a ListWindow (list-window.ts), outside React, because they change
// in every live frame.
import { useLayoutEffect, useRef } from 'react'
import { useStores, useTraffic } from '../state/context'
import { EmptyState } from './empty-state'
import { ListWindow } from './list-window'
import { isFiltered } from '../state/capture-filter'

export function TrafficList() {
  const loaded = useTraffic((s) => s.loaded)
  const empty = useTraffic((s) => s.ids.length === 0)
  const filtered = useTraffic((s) => isFiltered(s.filter))
  if (loaded && empty) return filtered ? <p className="list-empty" data-testid="no-matches">No requests match this search.</p> : <EmptyState />
  return <LiveList />
}

function LiveList() {
  const { traffic, app, sync } = useStores()
  const footer = useTraffic((s) => (s.olderLimited ? 'limited' : s.hasOlder ? 'loading' : null))
  const grid = useRef<HTMLDivElement>(null)
  const scroller = useRef<HTMLDivElement>(null)
  const canvas = useRef<HTMLDivElement>(null)
  const rows = useRef<HTMLDivElement>(null)
  const footerElement = useRef<HTMLDivElement>(null)
  const list = useRef<ListWindow | null>(null)

  useLayoutEffect(() => {
    const view = new ListWindow(
      { grid: grid.current!, scroller: scroller.current!, canvas: canvas.current!, rows: rows.current!, footer: () => footerElement.current },
      { traffic, app, loadOlder: () => void sync.loadOlder() },
    )
    list.current = view
    const detach = view.attach()
    return () => {
      detach()
      list.current = null
    }
  }, [traffic, app, sync])

  // The footer comes and goes with React: it is placed below the last row as it appears.
  useLayoutEffect(() => list.current?.update(), [footer])

  return (
    <div className="traffic-list" role="grid" aria-label="Captured requests" ref={grid}>
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
        <div className="traffic-canvas" ref={canvas} data-testid="traffic-list">
          <div className="traffic-window" ref={rows} />
          {footer !== null && (
            <div className="list-footer" ref={footerElement} data-testid="list-footer">
              {footer === 'limited' ? 'The list holds the newest requests only; search to find older ones.' : 'Loading older requests…'}
            </div>
          )}
        </div>
      </div>
    </div>
  )
}
