// The live list, virtualized with a fixed row height. New rows arrive at the top; when the user has
// scrolled away from the top, the rows they are looking at stay in place (the scroll offset moves by
// the height of what was inserted above). The scrollbar spans every stored request the list can hold,
// not only the pages loaded so far: rows not loaded yet are placeholders, and older pages load, one
// after another, while the end of what is loaded is near or in view. React renders the frame of the
// list; the rows in it are kept by a ListWindow (list-window.ts), outside React, because they change
// in every live frame.
import { useLayoutEffect, useRef } from 'react'
import { useApp, useStores, useTraffic } from '../state/context'
import { EmptyState } from './empty-state'
import { ListWindow, type ListSources } from './list-window'
import { emptyFilter, isFiltered, STATUS_CLASSES, TIME_RANGES } from '../state/capture-filter'
import type { WorkbenchStore } from '../state/workbench-store'
import { useWorkbench } from '../workbench/commands'
import { focusTrafficList, TRAFFIC_LIST_ID, useFocusRescue } from '../keyboard/focus-home'

export { focusTrafficList, TRAFFIC_LIST_ID }

/** The list's columns: each row's cells carry the same classes (see traffic-row.ts). */
const COLUMNS = [
  ['time', 'Time'],
  ['method', 'Method'],
  ['path', 'Path'],
  ['status', 'Status'],
  ['size', 'Size'],
  ['duration', 'Duration'],
  ['endpoint', 'Endpoint'],
] as const

export function TrafficList() {
  const loaded = useTraffic((s) => s.loaded)
  const empty = useTraffic((s) => s.ids.length === 0)
  const filtered = useTraffic((s) => isFiltered({ ...s.filter, endpointId: null }))
  const endpointId = useTraffic((s) => s.filter.endpointId)
  // An endpoint shown on its own (as the sidebar shows one) with no requests yet waits for its first
  // one, at its own URL; an endpoint since removed never will.
  const endpointKnown = useApp((s) => endpointId === null || s.endpointsById[endpointId] !== undefined)
  const failed = useTraffic((s) => !s.loaded && s.queryFailed !== null)
  // Paused, requests that arrived wait to be shown: the list is not waiting for its first one, though
  // it may have none left (retention removed what it listed meanwhile).
  const waiting = useTraffic((s) => s.paused && s.held.length > 0)
  const shown = failed ? 'failed' : loaded && empty ? (filtered || !endpointKnown ? 'no-matches' : waiting ? 'paused' : 'empty') : 'list'
  // The list replaced by a note (a clear, a search that finds nothing) or back: the focus it held moves on.
  useFocusRescue([shown])
  if (shown === 'failed') return <QueryFailed />
  if (shown === 'no-matches') return <NoMatches />
  if (shown === 'paused') return <PausedEmpty />
  if (shown === 'empty') return <EmptyState />
  return <LiveList />
}

/** The query for the current search and filters was not run, or failed: why, and what happens next. */
function QueryFailed() {
  const { sync } = useStores()
  const failure = useTraffic((s) => s.queryFailed)
  const connected = useApp((s) => s.connection.kind === 'open')
  if (!failure) return null
  return (
    <div className="list-empty" role="status" data-testid="query-failed">
      {failure.disconnected ? (
        <>
          <p>The search was not run: this page is not connected to Hookscope.</p>
          <p className="muted">{connected ? 'The page is connected again.' : 'It runs as soon as the page is connected again.'}</p>
        </>
      ) : (
        <p>
          The search failed: <span data-testid="query-failed-reason">{failure.message}</span>
        </p>
      )}
      {(connected || !failure.disconnected) && (
        <button type="button" data-testid="query-retry" onClick={() => void sync.retryQuery()}>
          Search again
        </button>
      )}
    </div>
  )
}

/** Nothing listed while live updates are paused and requests wait to be shown (the toolbar's Resume counts them). */
function PausedEmpty() {
  const { traffic } = useStores()
  return (
    <div className="list-empty" data-testid="paused-empty">
      <p>Live updates are paused: the requests that arrived meanwhile are shown when you resume.</p>
      <button type="button" data-testid="paused-resume" onClick={() => traffic.getState().setPaused(false)}>
        Resume
      </button>
    </div>
  )
}

/** What found nothing (the search text and each filter that is on), and a way back to every request. */
function NoMatches() {
  const { traffic } = useStores()
  const filter = useTraffic((s) => s.filter)
  const endpointName = useApp((s) => (filter.endpointId === null ? null : (s.endpointsById[filter.endpointId]?.name ?? s.removedEndpointNames[filter.endpointId] ?? filter.endpointId)))
  const conditions: string[] = []
  if (filter.text.trim() !== '') conditions.push(`“${filter.text.trim()}” in the path, headers or body`)
  if (filter.method !== null) conditions.push(`method ${filter.method}`)
  if (filter.statusClass !== null) conditions.push(`status ${STATUS_CLASSES.find((c) => c.value === filter.statusClass)?.label ?? filter.statusClass}`)
  if (endpointName !== null) conditions.push(`endpoint ${endpointName}`)
  if (filter.range !== 'all') conditions.push((TIME_RANGES.find((r) => r.id === filter.range)?.label ?? filter.range).toLowerCase())
  return (
    <div className="list-empty" data-testid="no-matches">
      <p>No requests match {conditions.join(', ')}.</p>
      {filter.text.trim() !== '' && <p>Search reads the first 64 KB of each body, decompressed and with form values decoded.</p>}
      <button type="button" data-testid="no-matches-clear" onClick={() => traffic.getState().setFilter(emptyFilter())}>
        Clear search and filters
      </button>
    </div>
  )
}

/** The capture marked for comparison, for the list to mark its row. */
function markedCaptureOf(store: WorkbenchStore): ListSources['compareMark'] {
  const get = () => {
    const mark = store.getState().compareMark
    return mark?.ref.kind === 'capture' ? mark.ref.id : null
  }
  return {
    get,
    subscribe: (listener) =>
      store.subscribe((state, previous) => {
        if (state.compareMark !== previous.compareMark) listener()
      }),
  }
}

function LiveList() {
  const { traffic, app, sync } = useStores()
  const workbench = useWorkbench()
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
      { traffic, app, loadOlder: () => void sync.loadOlder(), compareMark: markedCaptureOf(workbench.store) },
    )
    list.current = view
    const detach = view.attach()
    return () => {
      detach()
      list.current = null
    }
  }, [traffic, app, sync, workbench])

  // The footer comes and goes with React: it is placed below the last row as it appears.
  useLayoutEffect(() => list.current?.update(), [footer])

  return (
    <div id={TRAFFIC_LIST_ID} className="traffic-list" role="grid" aria-label="Captured requests" tabIndex={0} ref={grid}>
      <div className="traffic-head" role="row" aria-rowindex={1}>
        {COLUMNS.map(([cell, label]) => (
          <span key={cell} className={`cell ${cell}`} role="columnheader">
            {label}
          </span>
        ))}
        <span className="cell flags" role="columnheader" aria-label="Notes" />
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
