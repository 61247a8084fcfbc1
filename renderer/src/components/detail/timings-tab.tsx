// When the request arrived and how long each step took, on one time axis.
import type { Capture } from '../../../../shared/model'
import { formatDateTime, formatDuration } from '../../text/format'

export function TimingsTab({ capture }: { capture: Capture }) {
  const steps: Array<{ label: string; ms: number | null }> = [
    { label: 'Body received', ms: capture.timings.bodyEndMs },
    { label: 'Stored on disk', ms: capture.timings.storedMs },
    { label: 'Response sent', ms: capture.timings.respondedMs },
  ]
  const end = Math.max(1, ...steps.map((s) => s.ms ?? 0), capture.durationMs ?? 0)
  return (
    <div className="tab-panel-content" data-testid="timings">
      <p>
        Received at <strong>{formatDateTime(capture.receivedAt)}</strong>; total <strong data-testid="timing-total">{formatDuration(capture.durationMs)}</strong> from
        the first byte to the response.
      </p>
      <table className="kv-table timings-table">
        <tbody>
          <tr>
            <td className="kv-name">Headers parsed</td>
            <td className="timing-value">0 ms</td>
            <td className="timing-bar-cell" />
          </tr>
          {steps.map((step) => (
            <tr key={step.label} data-testid="timing-row">
              <td className="kv-name">{step.label}</td>
              <td className="timing-value">{step.ms === null ? '—' : formatDuration(step.ms)}</td>
              <td className="timing-bar-cell">{step.ms !== null && <span className="timing-bar" style={{ width: `${Math.max(1, (step.ms / end) * 100)}%` }} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
