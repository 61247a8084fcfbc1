// Forwarding and signature methods for the fake engine: endpoint updates validated with the real
// contract schemas (and refused with the engine's "… at <path>" messages), secrets that are recorded
// but never returned, target statuses, attempts with their bodies, retry, retry now, drop and verify.
import { methods } from '../../../shared/api'
import { toErrorShape } from '../../../shared/errors'
import {
  defaultForwardConfig,
  defaultSignatureConfig,
  type BodyChunk,
  type Endpoint,
  type ForwardAttempt,
  type TargetStatus,
} from '../../../shared/model'
import type { Verdict } from '../../../shared/signatures'
import { toBase64, type FakeEngine } from './fake-api'

export interface ForwardFakes {
  /** Secrets as the engine would store them (tests assert the page never shows them). */
  secrets: Map<string, string | null>
  targets: TargetStatus[]
  attempts: Map<string, Array<{ attempt: ForwardAttempt; body: Uint8Array }>>
  verdicts: Map<string, Verdict | null>
  endpoint(id?: string): Endpoint
}

/** Gives the fake engine's endpoints complete forward and signature configs, and the methods. */
export function installForwardFakes(engine: FakeEngine): ForwardFakes {
  engine.endpoints = engine.endpoints.map((endpoint) => ({
    ...endpoint,
    forward: endpoint.forward ?? defaultForwardConfig(),
    signature: endpoint.signature ?? defaultSignatureConfig(),
  }))
  const fakes: ForwardFakes = {
    secrets: new Map(),
    targets: [],
    attempts: new Map(),
    verdicts: new Map(),
    endpoint(id = 'ep_1') {
      const found = engine.endpoints.find((e) => e.id === id)
      if (!found) throw new Error(`No endpoint ${id}.`)
      return found
    },
  }
  const parse = <T>(name: keyof typeof methods, input: unknown): T => {
    try {
      return methods[name].input.parse(input) as T
    } catch (error) {
      throw new Error(toErrorShape(error).message, { cause: error })
    }
  }
  const replace = (next: Endpoint) => {
    engine.endpoints = engine.endpoints.map((e) => (e.id === next.id ? next : e))
    return next
  }

  engine.override('endpoints.update', (raw) => {
    const { id, patch } = parse<{ id: string; patch: Record<string, never> & { forward?: object; signature?: object; response?: object } }>('endpoints.update', raw)
    const current = fakes.endpoint(id)
    return replace({
      ...current,
      ...patch,
      response: { ...current.response, ...(patch.response ?? {}) },
      forward: { ...current.forward, ...(patch.forward ?? {}) },
      signature: { ...current.signature, ...(patch.signature ?? {}) },
    } as Endpoint)
  })
  engine.override('endpoints.create', (raw) => {
    const draft = parse<{ name: string; host: string; port: number; enabled: boolean; forward?: object }>('endpoints.create', raw)
    const created = {
      ...fakes.endpoint(),
      id: `ep_${engine.endpoints.length + 1}`,
      name: draft.name,
      host: draft.host,
      port: draft.port,
      forward: { ...defaultForwardConfig(), ...(draft.forward ?? {}) },
      signature: defaultSignatureConfig(),
    } as Endpoint
    engine.endpoints = [...engine.endpoints, created]
    engine.statuses = [...engine.statuses, { ...engine.statuses[0]!, id: created.id }]
    return created
  })
  engine.override('endpoints.setSecret', (raw) => {
    const { id, secret } = parse<{ id: string; secret: string | null }>('endpoints.setSecret', raw)
    fakes.secrets.set(id, secret)
    const current = fakes.endpoint(id)
    return replace({ ...current, signature: { ...current.signature, hasSecret: Boolean(secret) } })
  })
  engine.override('forward.status', () => fakes.targets)
  engine.override('forward.attempts', (raw) => {
    const { id } = parse<{ id: string }>('forward.attempts', raw)
    return (fakes.attempts.get(id) ?? []).map((a) => a.attempt)
  })
  engine.override('forward.attemptBody', (raw): BodyChunk => {
    const input = parse<{ captureId: string; attemptId: string; offset: number; length: number }>('forward.attemptBody', raw)
    const found = fakes.attempts.get(input.captureId)?.find((a) => a.attempt.id === input.attemptId)
    if (!found) throw new Error(`No forward attempt ${input.attemptId} with a body.`)
    const slice = found.body.subarray(input.offset, input.offset + input.length)
    return { base64: toBase64(slice), offset: input.offset, size: slice.length, totalSize: found.body.length, decodedFrom: [], capped: false, decodeError: null }
  })
  // Held, as the engine counts them: queued for a paused target, or on an endpoint not in async mode.
  const holds = (endpointId: string, targetId: string | null | undefined) => {
    const forward = engine.endpoints.find((e) => e.id === endpointId)?.forward
    return forward !== undefined && (forward.mode !== 'async' || forward.targets.find((t) => t.id === targetId)?.paused === true)
  }
  engine.override('forward.retry', (raw) => {
    const { ids } = parse<{ ids: string[] }>('forward.retry', raw)
    const held = ids.filter((id) => {
      const capture = engine.captures.get(id)?.capture
      return capture !== undefined && holds(capture.endpointId, capture.forward?.targetId ?? capture.forwardPlan?.targetId)
    }).length
    return { count: ids.length, held }
  })
  engine.override('forward.retryFailed', (raw) => {
    const { endpointId, targetId } = parse<{ endpointId: string; targetId?: string }>('forward.retryFailed', raw)
    const statuses = fakes.targets.filter((t) => t.endpointId === endpointId && (!targetId || t.targetId === targetId))
    return { count: statuses.reduce((n, t) => n + t.failed, 0), held: statuses.reduce((n, t) => n + (holds(endpointId, t.targetId) ? t.failed : 0), 0) }
  })
  engine.override('forward.retryNow', (raw) => {
    const { endpointId, targetId } = parse<{ endpointId: string; targetId: string }>('forward.retryNow', raw)
    const status = fakes.targets.find((t) => t.endpointId === endpointId && t.targetId === targetId)
    return { started: status !== undefined && status.nextAttemptAt !== null }
  })
  engine.override('forward.drop', (raw) => {
    const input = parse<{ ids: string[] } | { endpointId: string; targetId?: string; which: 'waiting' | 'failed' }>('forward.drop', raw)
    if ('ids' in input) return { count: input.ids.length }
    const statuses = fakes.targets.filter((t) => t.endpointId === input.endpointId && (!input.targetId || t.targetId === input.targetId))
    return { count: statuses.reduce((n, t) => n + (input.which === 'failed' ? t.failed : t.waiting), 0) }
  })
  engine.override('captures.verify', (raw) => fakes.verdicts.get(parse<{ id: string }>('captures.verify', raw).id) ?? null)
  return fakes
}

export function targetStatus(patch: Partial<TargetStatus> = {}): TargetStatus {
  return { endpointId: 'ep_1', targetId: 't-app', url: 'http://localhost:3000/hooks', state: 'idle', waiting: 0, failed: 0, lastError: null, nextAttemptAt: null, headId: null, removed: false, ...patch }
}

let attemptSequence = 0
export function makeAttempt(captureId: string, patch: Partial<ForwardAttempt> = {}): ForwardAttempt {
  attemptSequence++
  return {
    id: `att-${attemptSequence}`,
    captureId,
    endpointId: 'ep_1',
    targetId: 't-app',
    n: 1,
    method: 'POST',
    url: 'http://localhost:3000/hooks/order',
    sentHeaders: [
      ['Host', 'localhost:3000'],
      ['Content-Type', 'application/json'],
      ['Content-Length', '2'],
    ],
    startedAt: Date.now(),
    status: 200,
    statusText: 'OK',
    rawHeaders: [['Content-Type', 'application/json']],
    body: null,
    timings: { connectMs: 0.8, firstByteMs: 2.1, totalMs: 2.5 },
    error: null,
    ...patch,
  }
}

export function bodyRef(bytes: Uint8Array): ForwardAttempt['body'] {
  return { size: bytes.length, sha256: 'a'.repeat(64), truncated: false, declaredSize: bytes.length, storage: 'inline' }
}
