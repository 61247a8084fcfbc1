// When the request arrived and how long each step took, on one time axis that starts as its headers
// arrive: each step's bar runs from the end of the step before it, so that a slow body and the few
// milliseconds of storing it after are told apart.
import type { Capture } from '../../../../shared/model'
import { formatDateTime, formatDuration } from '../../text/format'

export function TimingsTab({ capture }: { capture: Capture }) {
  const steps: Array<{ label: string; ms: number | null }> = [
    { label: 'Body received', ms: capture.timings.bodyEndMs },
    { label: 'Stored on disk', ms: capture.timings.storedMs },
    { label: 'Response sent', ms: capture.timings.respondedMs },
  ]
  const end = Math.max(1, ...steps.map((s) => s.ms ?? 0), capture.durationMs ?? 0)
  let previous = 0
  const rows = steps.map((step) => {
    const from = previous
    if (step.ms !== null) previous = step.ms
    return { ...step, from, took: step.ms === null ? null : Math.max(0, step.ms - from) }
  })
  const percent = (ms: number) => `${(ms / end) * 100}%`
  return (
    <div className="tab-panel-content" data-testid="timings">
      <p>
        Received at <strong>{formatDateTime(capture.receivedAt)}</strong>;{' '}
        {capture.durationMs === null ? (
          'not answered.'
        ) : (
          <>
            answered <strong data-testid="timing-total">{formatDuration(capture.durationMs)}</strong> after its headers arrived.
          </>
        )}
      </p>
      <table className="kv-table timings-table">
        <thead>
          <tr>
            <th>Step</th>
            <th className="timing-value">At</th>
            <th className="timing-value">Took</th>
            <th>Timeline</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="timing-headers">
            <td className="kv-name">Headers received</td>
            <td className="timing-value">0 ms</td>
            <td className="timing-value">—</td>
            <td className="timing-bar-cell" />
          </tr>
          {rows.map((step) => (
            <tr key={step.label} data-testid="timing-row">
              <td className="kv-name">{step.label}</td>
              <td className="timing-value">{formatDuration(step.ms)}</td>
              <td className="timing-value">{formatDuration(step.took)}</td>
              <td className="timing-bar-cell">
                {step.took !== null && <span className="timing-bar" style={{ marginLeft: percent(step.from), width: percent(step.took), minWidth: 2 }} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
