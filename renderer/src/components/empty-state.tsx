// Shown before the first request: the exact command that sends one to a listening endpoint.
import { firstRequestCommand } from '../export/curl-command'
import { useApp, useStores, useTraffic } from '../state/context'
import { copyText } from '../text/clipboard'

export function EmptyState() {
  const { app } = useStores()
  const filterEndpoint = useTraffic((s) => s.filter.endpointId)
  const url = useApp((s) => {
    const ids = filterEndpoint ? [filterEndpoint] : s.endpointIds
    for (const id of ids) {
      const status = s.statusById[id]
      if (status?.state === 'listening' && status.url) return status.url
    }
    return null
  })
  if (!url) {
    return (
      <div className="empty-state" data-testid="empty-state">
        <h2>No requests yet</h2>
        <p>Start an endpoint in the sidebar to receive requests.</p>
      </div>
    )
  }
  const command = firstRequestCommand(url)
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>Waiting for the first request</h2>
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
      <p className="muted">Requests appear here as they arrive.</p>
    </div>
  )
}
