// Says plainly when the page cannot reach the engine, and what to do about it; and when it keeps
// falling behind the live traffic, which the host cuts it off for. The warnings are said in a status
// region that stays on the page (one that appears with its message is not announced); a refused or
// missing token is an alert of its own.
import { useState, type ReactNode } from 'react'
import type { ConnectionState } from '../api/connection-state'
import { useApp } from '../state/context'

function Warning({ connection, dismissed, onDismiss }: { connection: ConnectionState; dismissed: ConnectionState | null; onDismiss: () => void }): ReactNode {
  const host = useApp((s) => s.info?.host)
  switch (connection.kind) {
    case 'open':
      if (!connection.fellBehind || dismissed === connection) return null
      return (
        <div className="banner warning with-action" data-testid="connection-banner" data-state="fell-behind">
          <span>
            This page could not keep up with the live traffic: Hookscope reconnected it {connection.fellBehind.times} times in the last {connection.fellBehind.minutes} minutes,
            reloading the list each time, so no request is missing. A busy browser, or this tab in the background, slows it down.
          </span>
          <button type="button" className="small" data-testid="connection-banner-dismiss" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )
    case 'disconnected':
      if (connection.reason === 'too-many-pages') {
        return (
          <div className="banner warning" data-testid="connection-banner" data-state="too-many-pages">
            Hookscope is running, but too many pages are connected to it. Close some of its tabs; this page tries again in {Math.ceil(connection.retryInMs / 1000)} s…
          </div>
        )
      }
      return (
        <div className="banner warning" data-testid="connection-banner" data-state="disconnected">
          This page lost its connection to Hookscope. Reconnecting in {Math.ceil(connection.retryInMs / 1000)} s…{' '}
          {host === 'electron'
            ? 'Whether the engine is still capturing is unknown until the window reconnects.'
            : 'Whether it is still capturing is unknown: if hookscope serve stopped, its endpoints are not listening.'}
        </div>
      )
    default:
      return null
  }
}

function Alert({ connection }: { connection: ConnectionState }): ReactNode {
  switch (connection.kind) {
    case 'unauthorized':
      return (
        <div className="banner error" role="alert" data-testid="connection-banner" data-state="unauthorized">
          This page's access token was refused. Open the URL printed by <code>hookscope serve</code> (it carries a new token each run).
        </div>
      )
    case 'no-token':
      return (
        <div className="banner error" role="alert" data-testid="connection-banner" data-state="no-token">
          This page has no access token. Open the URL printed by <code>hookscope serve</code>.
        </div>
      )
    default:
      return null
  }
}

export function ConnectionBanner() {
  const connection = useApp((s) => s.connection)
  const [dismissed, setDismissed] = useState<ConnectionState | null>(null)
  return (
    <>
      <div role="status" data-testid="connection-region">
        <Warning connection={connection} dismissed={dismissed} onDismiss={() => setDismissed(connection)} />
      </div>
      <Alert connection={connection} />
    </>
  )
}
