// The forward targets of one endpoint in the sidebar: each with its state (not tried, up, delivering,
// retrying, down, paused), how many requests wait, how many failed, the last error and the next
// attempt; and pausing or resuming it, trying now instead of waiting out a backoff, retrying what
// failed, dropping what waits (after confirming). A target that was removed is listed while requests
// that failed for it remain, to retry them (routed anew) or drop them; with forwarding off (or in
// proxy mode), a target is shown while requests still wait for it, held, to drop them. Live through
// forward.changed.
import { memo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ForwardMode, ForwardTarget } from '../../../../shared/model'
import { useApp, useStores } from '../../state/context'
import { dropFailed, dropWaiting, errorText, retryFailed, retryTargetNow, setTargetPaused } from '../../state/forward-commands'
import { useForward } from '../../state/forward-hooks'
import { targetKey } from '../../state/forward-store'
import { formatClock, formatCount } from '../../text/format'
import { goneTargetName, heldReason, TARGET_STATE_LABELS, TARGET_STATE_TITLES, TARGET_TONES } from '../../text/forward-text'
import { ConfirmDialog } from '../dialog'
import { useKeepFocus } from './keep-focus'
import { VisibleText } from '../visible-text'
import '../../styles/forwarding.css'

export function TargetStatusList({ endpointId }: { endpointId: string }) {
  const forward = useApp((s) => s.endpointsById[endpointId]?.forward)
  const loadError = useForward((s) => s.loadError)
  // Targets the endpoint no longer has, listed while requests that failed for them remain.
  const removedIds = useForward(useShallow((s) => Object.values(s.byKey).flatMap((t) => (t.endpointId === endpointId && t.removed ? [t.targetId] : []))))
  // With forwarding off, only the targets that requests still wait for (held until it is on again).
  const waitingIds = useForward(
    useShallow((s) => (forward?.mode === 'off' ? forward.targets.filter((t) => (s.byKey[targetKey(endpointId, t.id)]?.waiting ?? 0) > 0).map((t) => t.id) : [])),
  )
  if (!forward) return null
  const targets = forward.mode === 'off' ? forward.targets.filter((t) => waitingIds.includes(t.id)) : forward.targets
  if (targets.length === 0 && removedIds.length === 0) return null
  return (
    <div className="target-status" data-testid="target-status">
      <div className="target-status-head muted">
        Forwarding · {forward.mode}
        {loadError && (
          <span className="target-load-error" title={loadError}>
            {' '}
            (status unavailable)
          </span>
        )}
      </div>
      <ul className="target-list">
        {targets.map((target) => (
          <TargetStatusItem key={target.id} endpointId={endpointId} target={target} mode={forward.mode} />
        ))}
        {removedIds.map((targetId) => (
          <RemovedTargetItem key={targetId} endpointId={endpointId} targetId={targetId} />
        ))}
      </ul>
    </div>
  )
}

/** What Retry now does, or why it is not offered, in words for its tooltip. */
function retryNowTitle(nextAttemptAt: number | null, state: string, waiting: number): string {
  if (nextAttemptAt !== null) return `Try what waits now instead of at ${formatClock(nextAttemptAt)}; if it fails again, the backoff goes on`
  if (state === 'paused') return waiting > 0 ? `The target is paused: the ${plural(waiting)} waiting ${waiting === 1 ? 'is' : 'are'} sent once you resume it` : 'The target is paused, and nothing waits for it'
  if (state === 'delivering') return 'A request is being sent to this target now: Retry now is for a target waiting out its backoff'
  return 'Nothing waits for a retry: Retry now is for a target waiting out its backoff, to try it at once'
}

const plural = (n: number) => `${formatCount(n)} ${n === 1 ? 'request' : 'requests'}`

/** Runs one of a target's actions: busy meanwhile, its outcome (or failure) in a toast. */
function useTargetAction(): { busy: boolean; run: (what: string, action: () => Promise<string | null>) => Promise<void> } {
  const { app } = useStores()
  const [busy, setBusy] = useState(false)
  const run = async (what: string, action: () => Promise<string | null>) => {
    setBusy(true)
    try {
      const message = await action()
      if (message) app.getState().showToast(message)
    } catch (error) {
      app.getState().showToast(`${what} failed: ${errorText(error)}`, 'error')
    } finally {
      setBusy(false)
    }
  }
  return { busy, run }
}

/**
 * Queues again what failed for a target: for one the endpoint still has, to that target; for one it
 * no longer has (`removed`), to the target its routes choose now, which may take none or only some.
 */
function RetryFailedButton(props: { endpointId: string; targetId: string; failed: number; removed: boolean; busy: boolean; run: ReturnType<typeof useTargetAction>['run'] }) {
  const { api, app } = useStores()
  const { endpointId, targetId, failed, removed } = props
  return (
    <button
      type="button"
      className="small"
      data-testid="target-retry-failed" data-focus-instead="target-pause"
      disabled={props.busy || failed === 0}
      title={removed ? 'Queue these requests for the target the endpoint’s routes choose now (the default target when no route matches)' : 'Queue every failed delivery to this target again'}
      onClick={() =>
        void props.run('Retrying', async () => {
          const { count, held } = await retryFailed(api, endpointId, targetId)
          if (count === 0) return removed ? 'Not queued: no route or default target of the endpoint takes them now.' : 'Nothing was queued: no request that failed for this target waits to be retried any more.'
          const rest = removed ? failed - count : 0
          return `Queued ${plural(count)} again${rest > 0 ? ` (no route or default target takes the other ${formatCount(rest)})` : ''}${held > 0 ? `, not sent yet: ${heldReason(app.getState().endpointsById[endpointId]?.forward.mode)}` : ''}`
        })
      }
    >
      Retry failed
    </button>
  )
}

/**
 * A target the endpoint no longer has, with requests that failed for it (as it was removed, or before:
 * a 404, say): they can be queued again for the target the endpoint's routes choose now (its default
 * target, without routes), or dropped so that they no longer count as failed.
 */
const RemovedTargetItem = memo(function RemovedTargetItem({ endpointId, targetId }: { endpointId: string; targetId: string }) {
  const { api } = useStores()
  const status = useForward((s) => s.byKey[targetKey(endpointId, targetId)])
  const { busy, run } = useTargetAction()
  const item = useKeepFocus<HTMLLIElement>(busy)
  const [confirmDrop, setConfirmDrop] = useState(false)
  if (!status) return null
  const { failed } = status
  const name = status.url || goneTargetName(targetId)
  return (
    <li ref={item} className="target-item" data-testid="removed-target-item" data-target-id={targetId} data-state="removed">
      <div className="target-line">
        <span className="badge muted" data-testid="target-state" title="This target is no longer in the endpoint’s forwarding settings.">
          removed
        </span>
        {status.url ? (
          <code className="target-url" data-testid="target-url" title={name}>
            <VisibleText value={name} />
          </code>
        ) : (
          <span className="target-url muted" data-testid="target-url" title={name}>
            {name}
          </span>
        )}
      </div>
      <div className="target-counts">
        <span data-testid="target-failed" data-count={failed} className={failed > 0 ? 'nonzero danger' : undefined}>
          {formatCount(failed)} failed
        </span>
      </div>
      <p className="target-error" data-testid="removed-target-note">
        This target is no longer configured. {failed === 1 ? 'The request that failed for it' : 'The requests that failed for it'} (each one’s Forwarding tab says why) can be sent again: Retry queues {failed === 1 ? 'it' : 'them'} for the target the endpoint’s routes choose now.
      </p>
      <div className="target-actions">
        <RetryFailedButton endpointId={endpointId} targetId={targetId} failed={failed} removed busy={busy} run={run} />
        <button type="button" className="small danger-outline" data-testid="target-drop" disabled={busy || failed === 0} title="Do not deliver these requests" onClick={() => setConfirmDrop(true)}>
          Drop
        </button>
      </div>
      {confirmDrop && (
        <ConfirmDialog
          title="Drop failed requests"
          testId="target-drop-confirm"
          message={`Do not deliver the ${plural(failed)} that failed for this target, which is no longer configured? They stay captured, and you can retry them one by one.`}
          confirmLabel="Drop"
          onCancel={() => setConfirmDrop(false)}
          onConfirm={() => {
            setConfirmDrop(false)
            void run('Dropping', async () => `Dropped ${plural(await dropFailed(api, endpointId, targetId))}`)
          }}
        />
      )}
    </li>
  )
})

const TargetStatusItem = memo(function TargetStatusItem({ endpointId, target, mode }: { endpointId: string; target: ForwardTarget; mode: ForwardMode }) {
  const stores = useStores()
  const { api, app } = stores
  const status = useForward((s) => s.byKey[targetKey(endpointId, target.id)])
  const { busy, run } = useTargetAction()
  const item = useKeepFocus<HTMLLIElement>(busy)
  const [confirmDrop, setConfirmDrop] = useState(false)
  const state = target.paused ? 'paused' : (status?.state ?? 'unknown')
  const waiting = status?.waiting ?? 0
  const failed = status?.failed ?? 0
  const queued = mode === 'async'
  // Requests queued while the endpoint forwarded in async mode wait until it does again.
  const held = !queued && waiting > 0
  const nextAttemptAt = state !== 'paused' ? (status?.nextAttemptAt ?? null) : null


  return (
    <li ref={item} className="target-item" data-testid="target-item" data-target-id={target.id} data-state={state}>
      <div className="target-line">
        {held && !target.paused ? (
          <span className={`badge ${TARGET_TONES.paused}`} data-testid="target-state" title="Nothing is sent while the endpoint does not forward in async mode.">
            held
          </span>
        ) : (
          <span className={`badge ${TARGET_TONES[state]}`} data-testid="target-state" title={TARGET_STATE_TITLES[state]}>
            {TARGET_STATE_LABELS[state]}
          </span>
        )}
        <code className="target-url" data-testid="target-url" title={target.url}>
          <VisibleText value={target.url} />
        </code>
      </div>
      {(queued || held) && (
        <div className="target-counts">
          <span data-testid="target-waiting" data-count={waiting} className={waiting > 0 ? 'nonzero' : undefined}>
            {formatCount(waiting)} waiting
          </span>
          <span data-testid="target-failed" data-count={failed} className={failed > 0 ? 'nonzero danger' : undefined}>
            {formatCount(failed)} failed
          </span>
        </div>
      )}
      {status?.lastError && state === 'delivering' ? (
        // Sending again: the error is the previous attempt's, not what the target does now.
        <p className="target-next muted" data-testid="target-previous-error">
          previous attempt: <VisibleText value={status.lastError} />
        </p>
      ) : (
        status?.lastError &&
        state !== 'idle' && (
          <p className="target-error" data-testid="target-error">
            <VisibleText value={status.lastError} />
          </p>
        )
      )}
      {nextAttemptAt !== null && (
        <p className="target-next muted" data-testid="target-next">
          next attempt {formatClock(nextAttemptAt)}
        </p>
      )}
      {held && (
        <>
          <p className="target-next muted" data-testid="target-held">
            {waiting === 1 ? 'It waits' : 'They wait'} because {mode === 'off' ? 'forwarding is off for this endpoint' : 'the endpoint now forwards in proxy mode, which keeps no queue'}: nothing is sent until it
            forwards in async mode again.
          </p>
          <div className="target-actions">
            <button type="button" className="small" data-testid="target-edit-endpoint" onClick={() => app.getState().setEditingEndpoint(endpointId)}>
              Edit endpoint…
            </button>
            <button type="button" className="small danger-outline" data-testid="target-drop" disabled={busy} title="Do not deliver what waits for this target" onClick={() => setConfirmDrop(true)}>
              Drop waiting
            </button>
          </div>
        </>
      )}
      {queued && (
        <div className="target-actions">
          <button
            type="button"
            className="small"
            data-testid="target-pause"
            disabled={busy}
            onClick={() => void run(target.paused ? 'Resuming' : 'Pausing', async () => (await setTargetPaused(stores, endpointId, target.id, !target.paused), null))}
          >
            {target.paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            className="small"
            data-testid="target-retry-now" data-focus-instead="target-pause"
            disabled={busy || nextAttemptAt === null}
            title={retryNowTitle(nextAttemptAt, state, waiting)}
            onClick={() => void run('Retrying', async () => ((await retryTargetNow(api, endpointId, target.id)) ? `Trying ${target.url} now` : 'Nothing was waiting for a retry'))}
          >
            Retry now
          </button>
          <RetryFailedButton endpointId={endpointId} targetId={target.id} failed={failed} removed={false} busy={busy} run={run} />
          <button type="button" className="small danger-outline" data-testid="target-drop" data-focus-instead="target-pause" disabled={busy || waiting === 0} title="Do not deliver what waits for this target" onClick={() => setConfirmDrop(true)}>
            Drop waiting
          </button>
        </div>
      )}
      {confirmDrop && (
        <ConfirmDialog
          title="Drop waiting requests"
          testId="target-drop-confirm"
          message={`Do not deliver the ${plural(waiting)} waiting for ${target.url}? They stay captured, and you can retry them one by one.`}
          confirmLabel="Drop"
          onCancel={() => setConfirmDrop(false)}
          onConfirm={() => {
            setConfirmDrop(false)
            void run('Dropping', async () => `Dropped ${plural(await dropWaiting(api, endpointId, target.id))}`)
          }}
        />
      )}
    </li>
  )
})
