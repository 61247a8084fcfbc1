// The commands of the forwarding and signature views: pausing a target, retrying and dropping
// deliveries, storing or forgetting a signing secret, judging a capture again, reading attempts and
// their bodies. Components call these; none of them names an engine method itself.
import type { ApiClient, MethodInput, MethodOutput } from '../../../shared/api'
import type { BodyChunk, ForwardAttempt } from '../../../shared/model'
import type { Verdict } from '../../../shared/signatures'
import type { Stores } from './context'
import { errorMessage } from '../../../shared/errors'

/** Hold or resume delivery to one target (its `paused` flag in the endpoint's forward config). */
export async function setTargetPaused(stores: Stores, endpointId: string, targetId: string, paused: boolean): Promise<void> {
  const endpoint = stores.app.getState().endpointsById[endpointId]
  if (!endpoint) throw new Error('That endpoint no longer exists.')
  const targets = endpoint.forward.targets.map((target) => (target.id === targetId ? { ...target, paused } : target))
  await stores.sync.updateEndpoint(endpointId, { forward: { targets } })
}

/** What a retry queued: `held` of them wait for a target that sends nothing now (paused, or its endpoint not in async mode). */
export type RetryResult = MethodOutput<'forward.retry'>

export function retryFailed(api: ApiClient, endpointId: string, targetId: string): Promise<RetryResult> {
  return api['forward.retryFailed']({ endpointId, targetId })
}

/** Try what waits for a target now instead of waiting out its backoff; false when nothing waited for one. */
export async function retryTargetNow(api: ApiClient, endpointId: string, targetId: string): Promise<boolean> {
  return (await api['forward.retryNow']({ endpointId, targetId })).started
}

export async function dropWaiting(api: ApiClient, endpointId: string, targetId: string): Promise<number> {
  return (await api['forward.drop']({ endpointId, targetId })).count
}

/** Drop what failed for a target (one that was removed, say): no longer counted as failed. */
export async function dropFailed(api: ApiClient, endpointId: string, targetId: string): Promise<number> {
  return (await api['forward.drop']({ endpointId, targetId, which: 'failed' })).count
}

export function retryCaptures(api: ApiClient, ids: string[]): Promise<RetryResult> {
  return api['forward.retry']({ ids })
}

export async function dropCaptures(api: ApiClient, ids: string[]): Promise<number> {
  return (await api['forward.drop']({ ids })).count
}

export function loadAttempts(api: ApiClient, captureId: string): Promise<ForwardAttempt[]> {
  return api['forward.attempts']({ id: captureId })
}

/**
 * The bodies of one capture's attempts, shaped like `captures.body` (the attempt's id in `id`), so
 * the body loader and viewers of request bodies read them unchanged.
 */
export function attemptBodySource(api: ApiClient, captureId: string): { 'captures.body': (input: MethodInput<'captures.body'>) => Promise<BodyChunk> } {
  return {
    'captures.body': ({ id, offset, length, decode }) => api['forward.attemptBody']({ captureId, attemptId: id, offset, length, decode }),
  }
}

/** Store (or, with null, forget) an endpoint's signing secret; it is never read back. */
export async function setSigningSecret(stores: Stores, endpointId: string, secret: string | null): Promise<void> {
  const endpoint = await stores.api['endpoints.setSecret']({ id: endpointId, secret })
  stores.app.getState().setEndpoint(endpoint)
}

export function verifyCapture(api: ApiClient, captureId: string): Promise<Verdict | null> {
  return api['captures.verify']({ id: captureId })
}

export function errorText(error: unknown): string {
  return errorMessage(error)
}
