// What happened, at a glance: method and URL, the response returned, sizes, who sent it, flags.
// A long URL must not push the rest below the fold: it is shown in full once (the URL row, folded to
// a few lines until asked for), and cut to two lines elsewhere, whole in the tooltip.
import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import type { Capture } from '../../../../shared/model'
import { useApp } from '../../state/context'
import { formatBytes, formatCount, formatDateTime, formatDuration, statusClassOf } from '../../text/format'
import { displayText } from '../../text/visible-text'
import { captureUrl } from '../../export/capture-request'
import { CaptureBadges } from '../capture-badges'
import { VisibleText } from '../visible-text'

/** Text longer than this is folded to a few lines (app.css: .folded) until "Show all". */
export const FOLD_CHARS = 200

/** A byte string shown whole, folded when long, with a button to unfold it when the fold hides some of it. */
function FoldedText({ value, testId }: { value: string; testId: string }) {
  const long = value.length > FOLD_CHARS
  const [open, setOpen] = useState(false)
  // Whether the fold hides anything: assumed until measured (a wide pane may show a long URL whole).
  const [cut, setCut] = useState(true)
  const element = useRef<HTMLSpanElement>(null)
  const id = useId()
  useLayoutEffect(() => {
    const text = element.current
    if (!long || open || !text) return
    // With no layout (clientHeight 0) there is nothing to measure: the button stays.
    const measure = () => setCut(text.clientHeight === 0 || text.scrollHeight > text.clientHeight + 1)
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(text)
    return () => observer.disconnect()
  }, [long, open])
  return (
    <>
      <span id={id} ref={element} className={long && !open ? 'folded' : undefined} data-testid={testId}>
        <VisibleText value={value} byteString />
      </span>
      {long && (open || cut) && (
        <button type="button" className="link-button fold-toggle" aria-expanded={open} aria-controls={id} data-testid={`${testId}-toggle`} onClick={() => setOpen(!open)}>
          {open ? 'Show less' : `Show all (${formatCount(displayText(value).length)} characters)`}
        </button>
      )}
    </>
  )
}

/** A byte string cut to two lines (app.css: .clamp-2), whole in its tooltip (as text). */
function ClampedText({ value, testId, className }: { value: string; testId?: string; className?: string }) {
  return (
    <span className={className ? `${className} clamp-2` : 'clamp-2'} data-testid={testId} title={displayText(value)}>
      <VisibleText value={value} byteString />
    </span>
  )
}

export function OverviewTab({ capture }: { capture: Capture }) {
  const endpoint = useApp((s) => s.endpointsById[capture.endpointId])
  const endpointUrl = useApp((s) => s.statusById[capture.endpointId]?.url ?? null)
  const rows: Array<[string, ReactNode]> = [
    ['URL', <FoldedText key={capture.id} value={captureUrl(capture, endpointUrl)} testId="overview-url" />],
    ['Request target', <ClampedText key="target" value={capture.target} testId="overview-request-target" />],
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
        <ClampedText className="overview-path" value={capture.target} testId="overview-target" />
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
