// What happened, at a glance: method and URL, the response returned, sizes, who sent it, flags.
import type { ReactNode } from 'react'
import type { Capture } from '../../../../shared/model'
import { useApp } from '../../state/context'
import { formatBytes, formatDateTime, formatDuration, statusClassOf } from '../../text/format'
import { captureUrl } from '../../export/capture-request'
import { CaptureBadges } from '../capture-badges'
import { VisibleText } from '../visible-text'

export function OverviewTab({ capture }: { capture: Capture }) {
  const endpoint = useApp((s) => s.endpointsById[capture.endpointId])
  const endpointUrl = useApp((s) => s.statusById[capture.endpointId]?.url ?? null)
  const rows: Array<[string, ReactNode]> = [
    ['URL', <VisibleText key="url" value={captureUrl(capture, endpointUrl)} byteString />],
    ['Request target', <VisibleText key="target" value={capture.target} byteString />],
    ['Received', formatDateTime(capture.receivedAt)],
    ['Endpoint', endpoint?.name ?? capture.endpointId],
    ['HTTP version', capture.httpVersion],
    ['From', capture.remoteAddress ? `${capture.remoteAddress}:${capture.remotePort ?? '?'}` : 'unknown'],
    ['Content type', capture.contentType ? <VisibleText key="ct" value={capture.contentType} byteString /> : '—'],
    ['Body', `${formatBytes(capture.body.size)}${capture.body.truncated ? ' (truncated)' : ''}${capture.body.declaredSize !== null ? `, ${formatBytes(capture.body.declaredSize)} declared` : ''}`],
    ['SHA-256', <code key="sha">{capture.body.sha256}</code>],
    ['Duration', formatDuration(capture.durationMs)],
    ['Response', capture.response ? `${capture.response.status}, ${capture.response.headers.length} headers, ${formatBytes(capture.response.bodySize)}` : 'none sent'],
  ]
  return (
    <div className="tab-panel-content" data-testid="overview">
      <div className="overview-title">
        <span className={`method method-${capture.method.toLowerCase()}`}>
          <VisibleText value={capture.method} byteString />
        </span>
        <span className="overview-path" data-testid="overview-target">
          <VisibleText value={capture.target} byteString />
        </span>
        <span className={`status ${statusClassOf(capture.status)}`} data-testid="overview-status">
          {capture.status ?? '—'}
        </span>
      </div>
      <CaptureBadges flags={capture.flags} />
      <table className="kv-table">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}>
              <td className="kv-name">{label}</td>
              <td className="kv-value">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
