// "Export": the requests the list shows (the current search and filters), as HAR with their
// recorded responses or as cURL commands, downloaded as a file.
import { useState } from 'react'
import { useStores, useTraffic } from '../../state/context'
import { useWorkbench } from '../../workbench/commands'
import '../../styles/workbench.css'

export function TrafficExport() {
  const { traffic } = useStores()
  const workbench = useWorkbench()
  const count = useTraffic((s) => s.ids.length)
  const [busy, setBusy] = useState(false)
  const run = async (format: 'har' | 'curl') => {
    setBusy(true)
    try {
      await workbench.exportCaptures(traffic.getState().ids.slice(0, 100_000), format)
    } finally {
      setBusy(false)
    }
  }
  return (
    <span className="export-buttons" role="group" aria-label="Export the requests shown">
      <span className="muted">Export</span>
      <button type="button" className="small" data-testid="traffic-export-har" disabled={busy || count === 0} title="Export the requests shown as HAR (with their responses)" onClick={() => void run('har')}>
        HAR
      </button>
      <button type="button" className="small" data-testid="traffic-export-curl" disabled={busy || count === 0} title="Export the requests shown as cURL commands" onClick={() => void run('curl')}>
        cURL
      </button>
    </span>
  )
}
