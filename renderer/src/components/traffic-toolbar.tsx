// Search and filters, the pause toggle (while paused, the one place that counts the requests waiting
// to be shown) and clear history.
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { isMethodToken, METHODS, STATUS_CLASSES, TIME_RANGES, type TimeRangeId } from '../state/capture-filter'
import { useApp, useStores, useTraffic } from '../state/context'
import { formatCount } from '../text/format'
import { countedRequests } from '../state/traffic-store'
import { focusTrafficList } from './traffic-list'
import { TrafficExport } from './workbench/traffic-export'

export const SEARCH_INPUT_ID = 'traffic-search'
const SEARCH_DEBOUNCE_MS = 200

/** How many requests the list counts; before its first page, whether that is on its way: a page that
 * cannot reach the engine (no token, a refused one, the host gone) says it is not connected, as its
 * banner does, since nothing loads until it is. */
function TrafficCount() {
  // While paused, those waiting to be shown are stored requests too.
  const total = useTraffic(countedRequests)
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

const OTHER_METHOD = ' other'

/**
 * The method filter: the common methods, the others seen in the loaded history (WebDAV's PROPFIND,
 * QUERY, a provider's own), read when the menu is about to open, and "Other…" to type any method,
 * for one only in older pages. The engine matches any method token.
 */
function MethodFilter() {
  const { traffic } = useStores()
  const method = useTraffic((s) => s.filter.method)
  const [seen, setSeen] = useState<string[]>([])
  const [typing, setTyping] = useState(false)
  const [draft, setDraft] = useState('')
  const [invalid, setInvalid] = useState(false)
  const select = useRef<HTMLSelectElement>(null)
  const returnFocus = useRef(false)
  useEffect(() => {
    if (typing || !returnFocus.current) return
    returnFocus.current = false
    select.current?.focus()
  }, [typing])
  const findSeen = () => {
    const common = new Set<string>(METHODS)
    const found = new Set<string>()
    for (const capture of Object.values(traffic.getState().byId)) {
      const name = capture.method.toUpperCase()
      if (!common.has(name)) found.add(name)
    }
    const next = [...found].sort()
    setSeen((before) => (before.length === next.length && before.every((m, i) => m === next[i]) ? before : next))
  }
  const others = method !== null && !(METHODS as readonly string[]).includes(method) && !seen.includes(method) ? [...seen, method].sort() : seen
  const finish = (apply: boolean) => {
    const value = draft.trim().toUpperCase()
    if (apply && value !== '' && !isMethodToken(value)) {
      setInvalid(true)
      return
    }
    if (apply && value !== '') traffic.getState().setFilter({ method: value })
    returnFocus.current = true
    setTyping(false)
  }
  if (typing) {
    return (
      <input
        className="method-input"
        aria-label="Method"
        aria-invalid={invalid}
        title={invalid ? 'A method is one word of letters, digits and ! # $ % & \' * + - . ^ _ ` | ~' : 'A method (Enter to filter, Esc to cancel)'}
        placeholder="Method, e.g. PROPFIND"
        data-testid="filter-method-input"
        autoFocus
        spellCheck={false}
        autoCapitalize="characters"
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value)
          setInvalid(false)
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') finish(true)
          if (event.key === 'Escape') {
            event.stopPropagation()
            finish(false)
          }
        }}
        onBlur={() => {
          if (isMethodToken(draft.trim())) finish(true)
          else {
            setTyping(false)
          }
        }}
      />
    )
  }
  return (
    <select
      ref={select}
      aria-label="Method"
      data-testid="filter-method"
      value={method ?? ''}
      onFocus={findSeen}
      onPointerDown={findSeen}
      onChange={(e) => {
        if (e.target.value === OTHER_METHOD) {
          setDraft('')
          setInvalid(false)
          setTyping(true)
          return
        }
        traffic.getState().setFilter({ method: e.target.value || null })
      }}
    >
      <option value="">Any method</option>
      {METHODS.map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
      {others.length > 0 && (
        <optgroup label="Seen in history" data-testid="filter-method-seen">
          {others.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </optgroup>
      )}
      <option value={OTHER_METHOD}>Other…</option>
    </select>
  )
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
      <MethodFilter />
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
      {/* Its label names what it does (no aria-pressed, whose label would have to stay the same), and,
          while paused, how many requests wait to be shown: said here only. */}
      <button
        type="button"
        className={paused ? 'toggle on' : 'toggle'}
        data-testid="pause-toggle"
        title={paused ? 'Resume live updates, showing the requests that arrived meanwhile (p)' : 'Pause live updates (p)'}
        onClick={() => traffic.getState().setPaused(!paused)}
      >
        {paused ? `Resume${heldCount > 0 ? ` (${formatCount(heldCount)} new)` : ''}` : 'Pause'}
      </button>
      {/* Export and Clear wrap as one: Clear never stands alone on a line of its own. */}
      <span className="toolbar-actions">
        <TrafficExport />
        <button type="button" className="danger-outline" data-testid="clear-history" title="Clear history (x)" onClick={() => app.getState().setConfirmingClear(true)}>
          Clear
        </button>
      </span>
    </div>
  )
}
