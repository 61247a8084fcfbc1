// Search and filters, the pause toggle and clear history.
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { METHODS, STATUS_CLASSES, TIME_RANGES, type TimeRangeId } from '../state/capture-filter'
import { useApp, useStores, useTraffic } from '../state/context'
import { formatCount } from '../text/format'
import { focusTrafficList } from './traffic-list'
import { TrafficExport } from './workbench/traffic-export'

export const SEARCH_INPUT_ID = 'traffic-search'
const SEARCH_DEBOUNCE_MS = 200

/** How many requests the list counts; before its first page, whether that is on its way: a page that
 * cannot reach the engine (no token, a refused one, the host gone) says it is not connected, as its
 * banner does, since nothing loads until it is. */
function TrafficCount() {
  const total = useTraffic((s) => s.total)
  const loaded = useTraffic((s) => s.loaded)
  const failed = useTraffic((s) => s.queryFailed !== null)
  const down = useApp((s) => s.connection.kind === 'no-token' || s.connection.kind === 'unauthorized' || s.connection.kind === 'disconnected')
  return (
    <span className="muted count" data-testid="traffic-count">
      {loaded ? `${formatCount(total)} ${total === 1 ? 'request' : 'requests'}` : failed ? 'Not searched' : down ? 'Not connected' : 'Loading…'}
    </span>
  )
}

/** The focus goes from the search to the list (or nowhere, when no list is shown). */
function leaveSearch(input: HTMLInputElement): void {
  if (!focusTrafficList()) input.blur()
}

export function TrafficToolbar() {
  const { traffic, app } = useStores()
  const filter = useTraffic((s) => s.filter)
  const { paused, heldCount } = useTraffic(useShallow((s) => ({ paused: s.paused, heldCount: s.held.length })))
  const endpointIds = useApp(useShallow((s) => s.endpointIds))
  const endpointNames = useApp(useShallow((s) => s.endpointIds.map((id) => s.endpointsById[id]?.name ?? id)))
  const removedNames = useApp((s) => s.removedEndpointNames)
  const [text, setText] = useState(filter.text)
  // Captures of endpoints since removed keep their endpoint's id: the filter offers those ids too. The
  // loaded captures are read when the menu is about to open, not on every batch the list receives.
  const [removedIds, setRemovedIds] = useState<string[]>([])
  const findRemoved = () => {
    const known = app.getState().endpointsById
    const found = new Set<string>()
    for (const capture of Object.values(traffic.getState().byId)) if (!known[capture.endpointId]) found.add(capture.endpointId)
    const current = traffic.getState().filter.endpointId
    if (current !== null && !known[current]) found.add(current)
    const next = [...found].sort()
    setRemovedIds((before) => (before.length === next.length && before.every((id, i) => id === next[i]) ? before : next))
  }
  useEffect(() => setText(filter.text), [filter.text])
  useEffect(() => {
    if (text === traffic.getState().filter.text) return
    const timer = setTimeout(() => traffic.getState().setFilter({ text }), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text, traffic])
  const set = traffic.getState().setFilter

  return (
    <div className="traffic-toolbar" data-testid="traffic-toolbar">
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        className="search"
        placeholder="Search requests  ( / )"
        title="Search the path, the headers and the body of every stored request ( / )"
        aria-label="Search"
        data-testid="search-input"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') traffic.getState().setFilter({ text })
          if (event.key === 'Escape') {
            // Esc clears the search at once and goes back to the traffic: j/k move the selection again.
            event.stopPropagation()
            if (text) {
              setText('')
              traffic.getState().setFilter({ text: '' })
            }
            leaveSearch(event.currentTarget)
          }
          if (event.key === 'ArrowDown') {
            event.preventDefault()
            leaveSearch(event.currentTarget)
          }
        }}
      />
      <select aria-label="Method" data-testid="filter-method" value={filter.method ?? ''} onChange={(e) => set({ method: e.target.value || null })}>
        <option value="">Any method</option>
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <select
        aria-label="Status"
        data-testid="filter-status"
        value={filter.statusClass === null ? '' : String(filter.statusClass)}
        onChange={(e) => set({ statusClass: e.target.value === '' ? null : Number(e.target.value) })}
      >
        <option value="">Any status</option>
        {STATUS_CLASSES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Endpoint"
        data-testid="filter-endpoint"
        value={filter.endpointId ?? ''}
        onChange={(e) => set({ endpointId: e.target.value || null })}
        onFocus={findRemoved}
        onPointerDown={findRemoved}
      >
        <option value="">All endpoints</option>
        {endpointIds.map((id, index) => (
          <option key={id} value={id}>
            {endpointNames[index]}
          </option>
        ))}
        {removedIds.length > 0 && (
          <optgroup label="Removed endpoints" data-testid="filter-endpoint-removed">
            {removedIds.map((id) => (
              <option key={id} value={id}>
                {removedNames[id] !== undefined ? `${removedNames[id]} (removed)` : `(removed) ${id}`}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <select aria-label="Time range" data-testid="filter-time" value={filter.range} onChange={(e) => set({ range: e.target.value as TimeRangeId })}>
        {TIME_RANGES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
      </select>
      <span className="spacer" />
      <TrafficCount />
      <button
        type="button"
        className={paused ? 'toggle on' : 'toggle'}
        aria-pressed={paused}
        data-testid="pause-toggle"
        title="Pause live updates (p)"
        onClick={() => traffic.getState().setPaused(!paused)}
      >
        {paused ? `Resume${heldCount > 0 ? ` (${formatCount(heldCount)} new)` : ''}` : 'Pause'}
      </button>
      {paused && heldCount > 0 && (
        <span className="held" data-testid="held-count">
          {formatCount(heldCount)} waiting
        </span>
      )}
      <TrafficExport />
      <button type="button" className="danger-outline" data-testid="clear-history" title="Clear history (x)" onClick={() => app.getState().setConfirmingClear(true)}>
        Clear
      </button>
    </div>
  )
}
