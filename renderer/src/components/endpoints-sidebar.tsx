// The endpoints: each with its URL, listener state, new requests since it was last viewed, the
// requests it refused, and the state of its forward targets; selecting one filters the list to it.
import { memo } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { RejectionCounters } from '../../../shared/model'
import { useApp, useStores, useTraffic } from '../state/context'
import { copyText } from '../text/clipboard'
import { formatCount } from '../text/format'
import { TargetStatusList } from './forwarding/target-status-list'
import { errorMessage } from '../../../shared/errors'

const REJECTION_LABELS: Array<[keyof RejectionCounters, string]> = [
  ['malformed', 'malformed'],
  ['headersTooLarge', 'headers too large'],
  ['timeout', 'timed out'],
  ['connectionLimit', 'over connection limit'],
]

export function EndpointsSidebar() {
  const { app, traffic } = useStores()
  const endpointIds = useApp(useShallow((s) => s.endpointIds))
  const viewing = useTraffic((s) => s.filter.endpointId)
  return (
    <nav className="sidebar" aria-label="Endpoints" data-testid="endpoints-sidebar">
      <div className="sidebar-header">
        <h2>Endpoints</h2>
        <button type="button" className="small" data-testid="endpoint-new" onClick={() => app.getState().setEditingEndpoint('new')}>
          + New
        </button>
      </div>
      <button
        type="button"
        className={viewing === null ? 'endpoint-all active' : 'endpoint-all'}
        aria-pressed={viewing === null}
        data-testid="endpoint-all"
        onClick={() => traffic.getState().setFilter({ endpointId: null })}
      >
        All endpoints
      </button>
      <ul className="endpoint-list">
        {endpointIds.map((id) => (
          <EndpointItem key={id} id={id} active={viewing === id} />
        ))}
      </ul>
    </nav>
  )
}

const EndpointItem = memo(function EndpointItem({ id, active }: { id: string; active: boolean }) {
  const { app, traffic, sync } = useStores()
  const endpoint = useApp((s) => s.endpointsById[id])
  const status = useApp((s) => s.statusById[id])
  const newCount = useTraffic((s) => s.newByEndpoint[id] ?? 0)
  // While the page cannot reach the engine, the last state it heard of may no longer hold (the host
  // may have stopped, and its listeners with it): say so rather than show it.
  const connected = useApp((s) => s.connection.kind === 'open')
  if (!endpoint) return null
  const state = connected ? (status?.state ?? 'stopped') : 'unknown'
  const running = state === 'listening' || state === 'starting'
  const rejected = status?.rejected
  const toggle = () =>
    void sync.setEndpointRunning(id, !running).catch((error: unknown) => app.getState().showToast(`${running ? 'Stopping' : 'Starting'} failed: ${errorMessage(error)}`, 'error'))
  // Each endpoint's buttons say which endpoint they act on: a screen reader lists them out of context.
  return (
    <li className={`endpoint-item${active ? ' active' : ''}${connected ? '' : ' state-unknown'}`} data-testid="endpoint-item" data-endpoint-id={id}>
      <button type="button" className="endpoint-select" aria-pressed={active} data-testid="endpoint-select" onClick={() => traffic.getState().setFilter({ endpointId: id })}>
        <span className={`state-dot state-${state}`} aria-hidden="true" />
        <span className="endpoint-name" data-testid="endpoint-name">
          {endpoint.name}
        </span>
        {newCount > 0 && (
          <span className="new-count" data-testid="endpoint-new-count" title="New requests since you last viewed this endpoint, among those the history still keeps">
            <span className="visually-hidden">, </span>
            {formatCount(newCount)}
            <span className="visually-hidden"> new</span>
          </span>
        )}
      </button>
      <div className="endpoint-meta">
        <span
          className={`endpoint-state state-${state}`}
          data-testid="endpoint-state"
          data-state={state}
          title={connected ? undefined : 'The page is disconnected from Hookscope, so whether this endpoint is listening is unknown'}
        >
          {connected ? state : 'state unknown while disconnected'}
        </span>
        {status?.url ? (
          <span className="endpoint-url">
            <code data-testid="endpoint-url">{status.url}</code>
            <button
              type="button"
              className="small link-button"
              data-testid="endpoint-copy-url"
              title="Copy URL"
              aria-label={`Copy the URL of ${endpoint.name}`}
              onClick={() => void copyText(status.url!).then((ok) => app.getState().showToast(ok ? 'Copied the URL' : 'The clipboard refused the text', ok ? 'info' : 'error'))}
            >
              Copy
            </button>
          </span>
        ) : (
          <code className="muted">
            {endpoint.host}:{endpoint.port || 'auto'}
          </code>
        )}
      </div>
      {connected && status?.networkUrls && (
        <div
          className="endpoint-exposed"
          data-testid="endpoint-exposed"
          title={`Bound to ${endpoint.host}: other machines that can reach this one can send requests to it. Bind to 127.0.0.1 to keep it to this machine.`}
        >
          <span className="exposed-label">⚠ Exposed to your network</span> on {endpoint.host}
          {status.networkUrls.map((url) => (
            <code key={url} data-testid="endpoint-network-url">
              {url}
            </code>
          ))}
        </div>
      )}
      {connected && state === 'error' && status?.error && (
        <p className="endpoint-error" data-testid="endpoint-error">
          {status.error.message}
        </p>
      )}
      {rejected && (
        <div className="endpoint-rejected" data-testid="endpoint-rejected" title="Requests this endpoint refused before they became captures, counted since Hookscope started">
          {REJECTION_LABELS.map(([key, label]) => (
            <span key={key} data-testid={`rejected-${key}`} data-count={rejected[key]}>
              <span className={rejected[key] > 0 ? 'rejected-count nonzero' : 'rejected-count'}>{formatCount(rejected[key])}</span> {label}
            </span>
          ))}
        </div>
      )}
      {status?.forwardThisRunOnly && (
        <p
          className="endpoint-run-only muted"
          data-testid="endpoint-forward-run-only"
          title="Started with hookscope serve --forward: the next start without the flag forwards as saved. Saving a forwarding change in Edit saves it instead."
        >
          Forwarding set for this run only (--forward)
        </p>
      )}
      <TargetStatusList endpointId={id} />
      <div className="endpoint-actions">
        <button type="button" className="small" data-testid="endpoint-toggle" aria-label={`${running ? 'Stop' : 'Start'} ${endpoint.name}`} onClick={toggle} disabled={!connected}>
          {running ? 'Stop' : 'Start'}
        </button>
        <button type="button" className="small" data-testid="endpoint-edit" aria-label={`Edit ${endpoint.name}`} onClick={() => app.getState().setEditingEndpoint(id)}>
          Edit
        </button>
      </div>
    </li>
  )
})
