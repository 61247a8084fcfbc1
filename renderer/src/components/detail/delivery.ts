// Where an opened capture's delivery and signature stand, kept live by traffic batches: shared by the
// Overview (the request's story at a glance) and the Forwarding and Signature tabs (the details).
import { useEffect, useState } from 'react'
import type { Capture, ForwardAttempt } from '../../../../shared/model'
import { useApp, useStores, useTraffic } from '../../state/context'
import { errorText, loadAttempts } from '../../state/forward-commands'
import { useForward } from '../../state/forward-hooks'
import { targetKey } from '../../state/forward-store'
import { deliveryHold } from '../../text/forward-text'
import { shownVerdict, type ShownVerdict } from '../../text/verdict-text'

export type AttemptsState = { status: 'loading' } | { status: 'loaded'; attempts: ForwardAttempt[] } | { status: 'failed'; message: string }

export function useDelivery(capture: Capture) {
  const { api } = useStores()
  const liveForward = useTraffic((s) => {
    const summary = s.byId[capture.id]
    return summary ? summary.forward : undefined
  })
  const forward = (liveForward === undefined ? capture.forward : liveForward) ?? null
  const plan = capture.forwardPlan ?? null
  const targetId = forward?.targetId ?? plan?.targetId ?? null
  const targetUrl = useApp((s) => (targetId ? s.endpointsById[capture.endpointId]?.forward?.targets.find((t) => t.id === targetId)?.url : undefined))
  // How long an attempt waits for its answer, and how many attempts a delivery gets, as configured now.
  const timeoutMs = useApp((s) => s.endpointsById[capture.endpointId]?.forward?.timeoutMs)
  const maxAttempts = useApp((s) => s.endpointsById[capture.endpointId]?.forward?.retry.maxAttempts)
  const forwarded = forward !== null || plan !== null
  // Deliveries to a target keep their order: a waiting request says what it waits behind.
  const targetStatus = useForward((s) => (targetId ? s.byKey[targetKey(capture.endpointId, targetId)] : undefined))
  const blockerId = forward?.state === 'pending' && targetStatus?.headId && targetStatus.headId !== capture.id ? targetStatus.headId : null
  const attemptCount = forward?.attempts ?? 0
  const deliveryState = forward?.state ?? null
  // Waiting, and held: its target is paused, or its endpoint no longer queues deliveries (as the list says).
  const forwardConfig = useApp((s) => s.endpointsById[capture.endpointId]?.forward)
  const hold = plan?.mode === 'async' ? deliveryHold(forward?.state, targetId, forwardConfig) : null
  // Proxy mode: sent to the target while its sender waits for the answer, which settles it.
  const relaying = plan?.mode === 'proxy' && plan.targetId !== null && (forward === null || forward.state === 'pending' || forward.state === 'delivering')
  const [attempts, setAttempts] = useState<AttemptsState>({ status: 'loading' })
  // A target the endpoint no longer has: its URL as the engine knows it, else as its last attempt was sent to.
  const attemptedUrl = attempts.status === 'loaded' ? attempts.attempts.findLast((a) => a.targetId === targetId && a.targetUrl)?.targetUrl : undefined
  const goneTargetUrl = targetUrl === undefined && targetId ? (targetStatus?.removed ? targetStatus.url : '') || attemptedUrl || null : null

  useEffect(() => {
    if (!forwarded) return
    let alive = true
    loadAttempts(api, capture.id).then(
      (loaded) => alive && setAttempts({ status: 'loaded', attempts: loaded }),
      (error: unknown) => alive && setAttempts({ status: 'failed', message: errorText(error) }),
    )
    return () => {
      alive = false
    }
  }, [api, capture.id, forwarded, attemptCount, deliveryState])

  return { forward, plan, forwarded, relaying, targetId, targetUrl, goneTargetUrl, timeoutMs, maxAttempts, targetStatus, blockerId, attemptCount, deliveryState, hold, attempts }
}

/** A capture's signature verdicts as they are now: the live list's, once it has them, else the capture's own. */
export function useLiveSignature(capture: Capture): Pick<Capture, 'signature'> & { signatureOnArrival: Capture['signatureOnArrival'] | null } {
  const liveVerdict = useTraffic((s) => {
    const summary = s.byId[capture.id]
    return summary ? summary.signature : undefined
  })
  const liveOnArrival = useTraffic((s) => {
    const summary = s.byId[capture.id]
    return summary ? (summary.signatureOnArrival ?? null) : undefined
  })
  return {
    signature: liveVerdict === undefined ? capture.signature : liveVerdict,
    signatureOnArrival: liveOnArrival === undefined ? (capture.signatureOnArrival ?? null) : liveOnArrival,
  }
}

/** The verdict a capture is shown with now (live), and the note on a secret changed since it arrived. */
export function useLiveVerdict(capture: Capture): ShownVerdict {
  return shownVerdict(useLiveSignature(capture))
}
