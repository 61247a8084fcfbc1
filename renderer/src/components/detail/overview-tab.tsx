// What happened, at a glance: method and URL, what became of it (forwarded where, with what result;
// its signature's verdict), the response returned, sizes, who sent it, flags.
// A long URL must not push the rest below the fold: it is shown in full once (the URL row, folded to
// a few lines until asked for), and cut to two lines elsewhere, whole in the tooltip.
import { useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import type { Capture } from '../../../../shared/model'
import type { DetailTab } from '../../state/app-store'
import { useApp, useStores, useTraffic } from '../../state/context'
import { formatBytes, formatClock, formatCount, formatDateTime, formatDuration, statusClassOf } from '../../text/format'
import { attemptCountText, attemptErrorKind, deliveringNote, forwardBadge, forwardSentence, forwardStateWord, goneTargetName, heldText, RELAYING_BADGE, RELAYING_SENTENCE, wrongPathHint } from '../../text/forward-text'
import { explainVerdict, SCHEME_LABELS, verdictBadge } from '../../text/verdict-text'
import { displayText } from '../../text/visible-text'
import { captureUrl } from '../../export/capture-request'
import { CaptureBadges } from '../capture-badges'
import { PathHint } from '../forwarding/path-hint'
import { VisibleText } from '../visible-text'
import { useDelivery, useLiveVerdict } from './delivery'

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
  const removedName = useApp((s) => s.removedEndpointNames[capture.endpointId])
  const endpointUrl = useApp((s) => s.statusById[capture.endpointId]?.url ?? null)
  const rows: Array<[string, ReactNode]> = [
    ['URL', <FoldedText key={capture.id} value={captureUrl(capture, endpointUrl)} testId="overview-url" />],
    ['Request target', <ClampedText key="target" value={capture.target} testId="overview-request-target" />],
    ['Received', formatDateTime(capture.receivedAt)],
    ['Endpoint', endpoint?.name ?? (removedName !== undefined ? `${removedName} (removed)` : capture.endpointId)],
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
      <table className="kv-table" data-testid="overview-table">
        <tbody>
          <StoryRows capture={capture} />
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

/** A link to the tab that holds the details. */
function TabLink({ tab, label, testId }: { tab: DetailTab; label: string; testId: string }) {
  const { app } = useStores()
  return (
    <button type="button" className="link-button story-link" data-testid={testId} onClick={() => app.getState().setDetailTab(tab)}>
      {label} →
    </button>
  )
}

/** The request's story beyond its arrival: whether and where it was forwarded, with what result, and
 * its signature's verdict, each with a way to the tab that tells the rest. */
function StoryRows({ capture }: { capture: Capture }) {
  return (
    <>
      <tr className="overview-story">
        <td className="kv-name">Forwarding</td>
        <td className="kv-value" data-testid="overview-forwarding">
          <ForwardingStory capture={capture} />
        </td>
      </tr>
      <tr className="overview-story">
        <td className="kv-name">Signature</td>
        <td className="kv-value" data-testid="overview-signature">
          <SignatureStory capture={capture} />
        </td>
      </tr>
    </>
  )
}

function ForwardingStory({ capture }: { capture: Capture }) {
  const { forward, plan, forwarded, relaying, targetId, targetUrl, goneTargetUrl, timeoutMs, maxAttempts, blockerId, hold, attempts } = useDelivery(capture)
  const blocker = useTraffic((s) => (blockerId ? s.byId[blockerId] : undefined))
  if (!forwarded) {
    return (
      <>
        <span className="muted">Not forwarded: its endpoint did not forward requests when it arrived.</span> <TabLink tab="forwarding" label="Forwarding" testId="overview-open-forwarding" />
      </>
    )
  }
  const badge = relaying ? RELAYING_BADGE : forward ? forwardBadge(forward, hold) : null
  const list = attempts.status === 'loaded' ? attempts.attempts : []
  const last = list[list.length - 1] ?? null
  const hint = last ? wrongPathHint(last, targetUrl, capture.target) : null
  return (
    <div className="story-forwarding">
      <p className="story-line">
        {badge && (
          <span className={`badge ${badge.tone}`} title={badge.title} data-testid="overview-forwarding-badge">
            {relaying ? 'relaying' : forwardStateWord(forward!, hold)}
          </span>
        )}{' '}
        <span data-testid="overview-forwarding-sentence">{relaying ? RELAYING_SENTENCE : forward ? forwardSentence(forward, hold) : 'Not decided yet.'}</span> <TabLink tab="forwarding" label="Forwarding" testId="overview-open-forwarding" />
      </p>
      {last ? (
        <p className="story-line" data-testid="overview-forwarding-last">
          {list.length === 1 && forward?.state !== 'delivering' ? 'Sent' : `Attempt ${last.n}`} at {formatClock(last.startedAt)}:{' '}
          <code>
            <VisibleText value={`${last.method} ${last.url}`} byteString />
          </code>{' '}
          →{' '}
          {last.inProgress ? (
            <span className="muted" data-testid="overview-forwarding-in-progress">
              waiting for the answer
            </span>
          ) : last.error ? (
            // The sentence above already gives the delivery's error: the attempt names its kind.
            <span className="attempt-error" title={displayText(last.error.message, { byteString: false })}>
              {forward?.error === last.error.message ? attemptErrorKind(last.error.code) : <VisibleText value={last.error.message} />}
            </span>
          ) : (
            <span className={`status ${statusClassOf(last.status)}`}>
              <VisibleText value={`${last.status ?? '—'}${last.statusText ? ` ${last.statusText}` : ''}`} byteString />
            </span>
          )}
          {last.timings.totalMs !== null && ` in ${formatDuration(last.timings.totalMs)}`}
          {last.signature && <span className={last.signature.kind === 'stale' ? 'warning' : 'muted'}> ({last.signature.kind === 'stale' ? 'stale signature' : 're-signed'})</span>}
        </p>
      ) : (
        <p className="story-line muted" data-testid="overview-forwarding-target">
          {targetUrl ? (
            <>
              Target: <VisibleText value={targetUrl} />
            </>
          ) : targetId && goneTargetUrl ? (
            <>
              Target: <VisibleText value={goneTargetUrl} /> (no longer configured)
            </>
          ) : targetId ? (
            `${goneTargetName(targetId)} (no longer configured).`
          ) : (
            'No target.'
          )}
        </p>
      )}
      {forward?.state === 'delivering' && (
        <p className="story-line" data-testid="overview-forwarding-delivering">
          {deliveringNote(timeoutMs)}
        </p>
      )}
      {forward && plan?.mode === 'async' && forward.attempts > 0 && (forward.state === 'pending' || forward.state === 'retrying' || forward.state === 'delivering') && (
        <p className="story-line muted" data-testid="overview-forwarding-attempts">
          Attempts: {attemptCountText(forward, maxAttempts)}.
        </p>
      )}
      {hold && (
        <p className="story-line warning" data-testid="overview-forwarding-held">
          Held: {heldText(hold)}.
        </p>
      )}
      {blockerId && !hold && (
        <p className="story-line muted" data-testid="overview-forwarding-waits-behind">
          It waits behind {blocker ? <VisibleText value={`${blocker.method} ${blocker.target}`} byteString /> : 'another request'} to this target.
        </p>
      )}
      {hint && <PathHint hint={hint} testId="overview-path-hint" />}
    </div>
  )
}

function SignatureStory({ capture }: { capture: Capture }) {
  const shown = useLiveVerdict(capture)
  const scheme = useApp((s) => s.endpointsById[capture.endpointId]?.signature?.scheme ?? null)
  const verdict = shown.verdict
  const badge = verdict ? verdictBadge(verdict) : null
  return (
    <>
      <p className="story-line">
        {verdict && badge ? (
          <>
            <span className={`badge ${badge.tone}`} title={badge.title} data-testid="overview-signature-badge">
              {badge.label}
            </span>{' '}
            <span data-testid="overview-signature-headline">{explainVerdict(verdict).headline}.</span>
          </>
        ) : (
          <span className="muted" data-testid="overview-signature-headline">
            {scheme === null ? 'Not checked: this endpoint checks no signature.' : `Not judged yet with ${SCHEME_LABELS[scheme]}.`}
          </span>
        )}{' '}
        <TabLink tab="signature" label="Signature" testId="overview-open-signature" />
      </p>
      {shown.note && (
        <p className="story-line muted" data-testid="overview-signature-note">
          {shown.note}
        </p>
      )}
    </>
  )
}
