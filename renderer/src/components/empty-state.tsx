// Shown before the first request, for every endpoint or for the one the sidebar shows: the exact
// command that sends one to a listening endpoint, which endpoint to start, or why the one shown cannot listen.
import { firstRequestCommand } from '../export/curl-command'
import { useApp, useStores, useTraffic } from '../state/context'
import { copyText } from '../text/clipboard'

export function EmptyState() {
  const { app, traffic } = useStores()
  const filterEndpoint = useTraffic((s) => s.filter.endpointId)
  const endpointName = useApp((s) => (filterEndpoint ? (s.endpointsById[filterEndpoint]?.name ?? null) : null))
  const url = useApp((s) => {
    const ids = filterEndpoint ? [filterEndpoint] : s.endpointIds
    for (const id of ids) {
      const status = s.statusById[id]
      if (status?.state === 'listening' && status.url) return status.url
    }
    return null
  })
  // Why the endpoint shown cannot listen (a port another program holds): starting it again would not help.
  const failure = useApp((s) => {
    const status = filterEndpoint ? s.statusById[filterEndpoint] : undefined
    return status?.state === 'error' ? (status.error?.message ?? null) : null
  })
  // Only this endpoint's requests are shown: the others may well have some.
  const showAll = endpointName !== null && (
    <button type="button" className="link-button" data-testid="empty-show-all" onClick={() => traffic.getState().setFilter({ endpointId: null })}>
      Show every endpoint’s requests
    </button>
  )
  if (!url) {
    return (
      <div className="empty-state" data-testid="empty-state">
        <h2>{endpointName !== null ? `No requests on “${endpointName}” yet` : 'No requests yet'}</h2>
        {endpointName !== null && failure !== null ? (
          <p>
            “{endpointName}” cannot listen: {failure}{' '}
            <button type="button" className="link-button" data-testid="empty-edit-endpoint" onClick={() => app.getState().setEditingEndpoint(filterEndpoint)}>
              Edit “{endpointName}”
            </button>
          </p>
        ) : (
          <p>{endpointName !== null ? `“${endpointName}” is not listening: start it in the sidebar to receive requests.` : 'Start an endpoint in the sidebar to receive requests.'}</p>
        )}
        {showAll && <p>{showAll}</p>}
      </div>
    )
  }
  const command = firstRequestCommand(url)
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>{endpointName !== null ? `Waiting for the first request on “${endpointName}”` : 'Waiting for the first request'}</h2>
      <p>
        Point a webhook at <code data-testid="empty-url">{url}</code>, or send one from a terminal:
      </p>
      <div className="command-box">
        <code data-testid="empty-curl">{command}</code>
        <button
          type="button"
          data-testid="empty-copy"
          onClick={() => void copyText(command).then((ok) => app.getState().showToast(ok ? 'Copied the command' : 'The clipboard refused the text', ok ? 'info' : 'error'))}
        >
          Copy
        </button>
      </div>
      <p className="muted">Requests appear here as they arrive.{showAll && <> {showAll}</>}</p>
    </div>
  )
}
