// The Forwarding tab: where a capture's delivery stands (kept live by traffic batches), every attempt
// with what was sent and what the target answered (headers in raw order, the body in the same viewers
// as request bodies), and retrying or dropping this one request (neither for one never sent by design:
// retrying it would not send the request as it came).
import { useState } from 'react'
import type { Capture, ForwardAttempt, ForwardSummary } from '../../../../shared/model'
import { useStores, useTraffic } from '../../state/context'
import { dropCaptures, errorText, retryCaptures, retryTargetNow, setTargetPaused } from '../../state/forward-commands'
import { formatBytes, formatClock, formatDateTime, formatDuration, statusClassOf } from '../../text/format'
import { attemptCountText, deliveringNote, forwardBadge, forwardSentence, forwardStateWord, goneTargetName, heldReason, heldText, RELAYING_BADGE, RELAYING_SENTENCE, wrongPathHint, type WrongPathHint } from '../../text/forward-text'
import { displayText } from '../../text/visible-text'
import { AttemptBody } from '../forwarding/attempt-body'
import { useKeepFocus } from '../forwarding/keep-focus'
import { PathHint } from '../forwarding/path-hint'
import { RawHeaderTable } from '../forwarding/raw-header-table'
import { VisibleText } from '../visible-text'
import { useDelivery } from './delivery'
import '../../styles/forwarding.css'

const RETRYABLE = new Set<ForwardSummary['state']>(['pending', 'retrying', 'failed', 'dropped', 'delivered', 'blocked', 'unrouted'])

/** The retry button's words for where a delivery stands. */
function retryLabel(state: ForwardSummary['state'] | undefined): string {
  if (state === 'delivered') return 'Deliver again'
  if (state === 'blocked') return 'Forward anyway'
  if (state === 'unrouted') return 'Route again'
  return 'Retry'
}
const DROPPABLE = new Set<ForwardSummary['state']>(['pending', 'retrying', 'failed'])

export function ForwardingTab({ capture }: { capture: Capture }) {
  const stores = useStores()
  const { api, app, traffic } = stores
  const { forward, plan, forwarded, relaying, targetId, targetUrl, goneTargetUrl, timeoutMs, maxAttempts, targetStatus, blockerId, attemptCount, deliveryState, hold, attempts: state } = useDelivery(capture)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // Retry and Drop are disabled while they run, and Drop once there is nothing to drop: the focus stays in the tab.
  const tab = useKeepFocus<HTMLDivElement>(busy)
  const blocker = useTraffic((s) => (blockerId ? s.byId[blockerId] : undefined))

  if (!forwarded) {
    return (
      <div className="tab-panel-content forwarding-tab" data-testid="forwarding-tab">
        <p className="viewer-note" data-testid="forwarding-none">
          This request was not forwarded: its endpoint did not forward requests when it arrived.
        </p>
        <button type="button" data-testid="forwarding-configure" onClick={() => app.getState().setEditingEndpoint(capture.endpointId)}>
          Set up forwarding…
        </button>
      </div>
    )
  }

  const act = async (what: 'retry' | 'drop') => {
    setBusy(true)
    try {
      const retried = what === 'retry' ? await retryCaptures(api, [capture.id]) : null
      const count = retried ? retried.count : await dropCaptures(api, [capture.id])
      app
        .getState()
        .showToast(
          count > 0
            ? retried
              ? retried.held > 0
                ? `Queued, not sent yet: ${heldReason(app.getState().endpointsById[capture.endpointId]?.forward.mode)}.`
                : 'Queued for delivery again'
              : 'Dropped: it will not be delivered'
            : what === 'retry'
              ? forward?.state === 'blocked' || forward?.state === 'unrouted'
                ? 'Not queued: no route matches it and the endpoint has no default target.'
                : targetUrl === undefined && plan?.mode === 'async'
                  ? 'Not queued: its target is no longer configured, and no route or default target takes it now.'
                  : 'Nothing to retry: only queued deliveries (async mode) can be retried.'
              : 'Nothing to drop: it is not waiting.',
        )
    } catch (error) {
      app.getState().showToast(`${what === 'retry' ? 'Retrying' : 'Dropping'} failed: ${errorText(error)}`, 'error')
    } finally {
      setBusy(false)
    }
  }

  const attempts = state.status === 'loaded' ? state.attempts : []
  const selected = attempts.find((a) => a.id === selectedId) ?? attempts[attempts.length - 1] ?? null
  const badge = relaying ? RELAYING_BADGE : forward ? forwardBadge(forward, hold) : null
  const canRetry = forward !== null && RETRYABLE.has(forward.state) && plan?.mode !== 'proxy'
  // A proxied request is never queued: what failed was relayed to its sender, and there is nothing to drop.
  const canDrop = forward !== null && DROPPABLE.has(forward.state) && plan?.mode !== 'proxy'
  const skipped = forward?.state === 'skipped'

  return (
    <div ref={tab} className="tab-panel-content forwarding-tab" data-testid="forwarding-tab">
      <section className="delivery-state" data-testid="forwarding-state" data-state={forward?.state ?? ''}>
        <div className="delivery-head">
          {badge && (
            <span className={`badge ${badge.tone}`} title={badge.title} data-testid="forwarding-state-badge">
              {relaying ? 'relaying' : forwardStateWord(forward!, hold)}
            </span>
          )}
          <span data-testid="forwarding-sentence">{relaying ? RELAYING_SENTENCE : forward ? forwardSentence(forward, hold) : 'Not decided yet.'}</span>
          <span className="spacer" />
          {!skipped && (
            <>
              <button type="button" className="small" data-testid="forwarding-retry" disabled={busy || !canRetry} onClick={() => void act('retry')} title={forward?.state === 'blocked' || forward?.state === 'unrouted' ? 'Queue this request for the target the routes choose now' : 'Put this request in its target’s queue again'}>
                {retryLabel(forward?.state)}
              </button>
              <button type="button" className="small danger-outline" data-testid="forwarding-drop" data-focus-instead="forwarding-retry" disabled={busy || !canDrop} onClick={() => void act('drop')} title="Do not deliver this request">
                Drop
              </button>
            </>
          )}
        </div>
        {forward?.state === 'delivering' && (
          <p className="viewer-note" data-testid="forwarding-delivering">
            {deliveringNote(timeoutMs)}
          </p>
        )}
        {hold && (
          <p className="viewer-note warning" data-testid="forwarding-held">
            Held: {heldText(hold)}.{' '}
            {hold === 'paused' ? (
              <button
                type="button"
                className="small"
                data-testid="forwarding-resume"
                disabled={busy}
                onClick={() => void setTargetPaused(stores, capture.endpointId, targetId!, false).catch((error: unknown) => app.getState().showToast(`Resuming failed: ${errorText(error)}`, 'error'))}
              >
                Resume
              </button>
            ) : (
              <button type="button" className="small" data-testid="forwarding-edit-endpoint" onClick={() => app.getState().setEditingEndpoint(capture.endpointId)}>
                Edit endpoint…
              </button>
            )}
          </p>
        )}
        {blockerId && targetStatus && (
          <p className="viewer-note" data-testid="forwarding-waits-behind">
            It waits behind {blocker ? <VisibleText value={`${blocker.method} ${blocker.target}`} byteString /> : 'another request'} to this target
            {targetStatus.state === 'retrying'
              ? `, which is being retried${targetStatus.nextAttemptAt !== null ? ` (next try at ${formatClock(targetStatus.nextAttemptAt)})` : ''}`
              : targetStatus.state === 'down'
                ? ', which cannot reach it'
                : targetStatus.state === 'paused'
                  ? ' (the target is paused)'
                  : ''}
            : a target gets its requests in the order they arrived.{' '}
            <span className="note-actions">
              <button type="button" className="small" data-testid="forwarding-open-blocker" onClick={() => traffic.getState().open(blockerId)}>
                Open it
              </button>
              {targetStatus.nextAttemptAt !== null && (
                <button
                  type="button"
                  className="small"
                  data-testid="forwarding-retry-now"
                  onClick={() => void retryTargetNow(api, capture.endpointId, targetStatus.targetId).catch((error: unknown) => app.getState().showToast(`Retrying failed: ${errorText(error)}`, 'error'))}
                >
                  Retry now
                </button>
              )}
            </span>
          </p>
        )}
        <table className="kv-table compact">
          <tbody>
            <tr>
              <td className="kv-name">Target</td>
              <td className="kv-value" data-testid="forwarding-target">
                {targetUrl ? (
                  <VisibleText value={targetUrl} />
                ) : targetId && goneTargetUrl ? (
                  <>
                    <VisibleText value={goneTargetUrl} /> <span className="muted">(no longer configured)</span>
                  </>
                ) : targetId ? (
                  <span className="muted">{goneTargetName(targetId)} (no longer configured)</span>
                ) : (
                  <span className="muted">none</span>
                )}
              </td>
            </tr>
            <tr>
              <td className="kv-name">Mode</td>
              <td className="kv-value">{plan?.mode === 'proxy' ? 'proxy (the sender gets the target’s answer)' : plan?.mode === 'async' ? 'async (queued delivery)' : (plan?.mode ?? '—')}</td>
            </tr>
            <tr>
              <td className="kv-name">Attempts</td>
              <td className="kv-value" data-testid="forwarding-attempt-count">
                {forward && plan?.mode === 'async' ? attemptCountText(forward, maxAttempts) : attemptCount}
              </td>
            </tr>
            {forward && forward.nextAttemptAt !== null && forward.state !== 'delivering' && !hold && (
              <tr>
                <td className="kv-name">Next attempt</td>
                <td className="kv-value" data-testid="forwarding-next-attempt">
                  {formatDateTime(forward.nextAttemptAt)}
                </td>
              </tr>
            )}
            {forward?.error && !skipped && (
              <tr>
                <td className="kv-name">Last error</td>
                <td className="kv-value" data-testid="forwarding-error">
                  <VisibleText value={forward.error} />
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>

      {state.status === 'loading' ? (
        <p className="viewer-status">Loading attempts…</p>
      ) : state.status === 'failed' ? (
        <p className="viewer-note error" data-testid="attempts-error">
          Could not load the attempts: {state.message}
        </p>
      ) : attempts.length === 0 ? (
        <p className="muted" data-testid="attempts-empty">
          {/* "Yet" only while one is to come: a delivery that failed or was dropped before its turn gets none unless it is retried. */}
          {deliveryState === null || deliveryState === 'pending' || deliveryState === 'retrying' || deliveryState === 'delivering' ? 'No attempt yet.' : 'No attempt was made.'}
        </p>
      ) : (
        <>
          <table className="kv-table attempts-table" data-testid="attempts-table">
            <thead>
              <tr>
                <th>#</th>
                <th>Sent</th>
                <th>URL</th>
                <th>Result</th>
                <th>Connect</th>
                <th>First byte</th>
                <th>Total</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((attempt, index) => (
                <tr
                  key={attempt.id}
                  className={attempt.id === selected?.id ? 'attempt-row selected' : 'attempt-row'}
                  aria-selected={attempt.id === selected?.id}
                  data-testid="attempt-row"
                  data-attempt-id={attempt.id}
                  tabIndex={attempt.id === selected?.id ? 0 : -1}
                  onClick={() => setSelectedId(attempt.id)}
                  onKeyDown={(event) => {
                    const to = attemptKeyTarget(event.key, index, attempts.length)
                    if (to === null) return
                    event.preventDefault()
                    setSelectedId(attempts[to]!.id)
                    const row = event.currentTarget.parentElement?.children[to]
                    if (row instanceof HTMLElement) row.focus()
                  }}
                >
                  <td className="kv-index">{attempt.n}</td>
                  <td className="nowrap">{formatClock(attempt.startedAt)}</td>
                  <td className="kv-value attempt-url attempt-clip" title={displayText(attempt.url)}>
                    <span className="attempt-url-text">
                      <VisibleText value={attempt.url} byteString />
                    </span>
                  </td>
                  <td className="attempt-clip" data-testid="attempt-result" title={attempt.error ? displayText(attempt.error.message, { byteString: false }) : undefined}>
                    <AttemptResult attempt={attempt} clipped />
                    {attempt.cutShort && (
                      <span className="attempt-cut-short warning" data-testid="attempt-cut-short-mark" title={cutShortText(attempt)}>
                        {' · '}answer cut short
                      </span>
                    )}
                    {attempt.signature && (
                      <span className={attempt.signature.kind === 'stale' ? 'attempt-signature warning' : 'attempt-signature muted'} data-testid="attempt-signature-mark" title={attempt.signature.message}>
                        {' · '}
                        {attempt.signature.kind === 'stale' ? 'stale signature' : 're-signed'}
                      </span>
                    )}
                  </td>
                  <td className="nowrap">{formatDuration(attempt.timings.connectMs)}</td>
                  <td className="nowrap">{formatDuration(attempt.timings.firstByteMs)}</td>
                  <td className="nowrap">{formatDuration(attempt.timings.totalMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {selected && <AttemptDetail key={selected.id} captureId={capture.id} attempt={selected} pathHint={wrongPathHint(selected, targetUrl, capture.target)} />}
        </>
      )}
    </div>
  )
}

/**
 * The attempt a key on a focused attempt row moves to (the rows are one tab stop: ↑ ↓ Home End move
 * between them, as in a list; Enter or Space shows the focused one), or null for other keys.
 */
function attemptKeyTarget(key: string, index: number, count: number): number | null {
  switch (key) {
    case 'ArrowUp':
      return Math.max(0, index - 1)
    case 'ArrowDown':
      return Math.min(count - 1, index + 1)
    case 'Home':
      return 0
    case 'End':
      return count - 1
    case 'Enter':
    case ' ':
      return index
    default:
      return null
  }
}

function AttemptResult({ attempt, clipped = false }: { attempt: ForwardAttempt; clipped?: boolean }) {
  if (attempt.inProgress) {
    return (
      <span className="muted" data-testid="attempt-in-progress">
        {clipped ? 'in progress: waiting for the answer' : `In progress: sent at ${formatDateTime(attempt.startedAt)}, waiting for the target’s answer.`}
      </span>
    )
  }
  if (attempt.error) {
    return (
      <span className={clipped ? 'attempt-error attempt-error-clipped' : 'attempt-error'}>
        <VisibleText value={attempt.error.message} />
      </span>
    )
  }
  if (attempt.status === null) return <span className="muted">—</span>
  return (
    <span className={`status ${statusClassOf(attempt.status)}`}>
      {attempt.status}
      {attempt.statusText ? (
        <>
          {' '}
          <VisibleText value={attempt.statusText} byteString />
        </>
      ) : null}
    </span>
  )
}

/**
 * Why a 2xx answer whose body was cut short still counts as delivered, in words: how it was cut, how
 * much of the body came, and that the request is not sent again.
 */
function cutShortText(attempt: ForwardAttempt): string {
  const declared = attempt.rawHeaders.find(([name]) => name.toLowerCase() === 'content-length')?.[1]?.trim()
  const came = attempt.body?.size ?? 0
  const of = declared && /^\d+$/.test(declared) ? `, of the ${formatBytes(Number(declared))} its Content-Length announced` : ''
  const reason = attempt.cutShort!.message.replace(/\.$/, '')
  return `The answer was cut short after its status and headers: ${reason}. ${came === 0 ? 'None of its body came' : `${formatBytes(came)} of its body came${of}`}. The app answered ${attempt.status}, so the request counts as delivered and is not sent again.`
}

function AttemptDetail({ captureId, attempt, pathHint }: { captureId: string; attempt: ForwardAttempt; pathHint: WrongPathHint | null }) {
  return (
    <section className="attempt-detail" data-testid="attempt-detail" data-attempt-n={attempt.n}>
      <h3>
        Attempt {attempt.n} · {formatDateTime(attempt.startedAt)}
      </h3>
      <p className="attempt-line">
        <code className="method">
          <VisibleText value={attempt.method} byteString />
        </code>{' '}
        <code data-testid="attempt-url">
          <VisibleText value={attempt.url} byteString />
        </code>
      </p>
      <p data-testid="attempt-outcome">
        <AttemptResult attempt={attempt} />
      </p>
      {pathHint && <PathHint hint={pathHint} testId="attempt-path-hint" />}
      {attempt.cutShort && (
        <p className="viewer-note warning" data-testid="attempt-cut-short">
          <VisibleText value={cutShortText(attempt)} />
        </p>
      )}
      {attempt.signature && (
        <p className={attempt.signature.kind === 'stale' ? 'viewer-note warning' : 'viewer-note'} data-testid="attempt-signature" data-kind={attempt.signature.kind}>
          {attempt.signature.message}
        </p>
      )}
      <h4>Headers sent</h4>
      <RawHeaderTable headers={attempt.sentHeaders} testId="attempt-sent-headers" empty="No headers were sent." />
      {(attempt.status !== null || attempt.rawHeaders.length > 0) && (
        <>
          <h4>Response headers</h4>
          <RawHeaderTable headers={attempt.rawHeaders} testId="attempt-response-headers" empty="The target sent no headers." />
          <h4>Response body</h4>
          <AttemptBody captureId={captureId} attempt={attempt} />
        </>
      )}
    </section>
  )
}
