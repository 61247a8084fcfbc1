// An in-memory engine for component tests: the real Api client (createApiClient) over a transport
// whose handlers read fixtures. Events are pushed by the test.
import { HookscopeError } from '../../../shared/errors'
import { createApiClient, type ApiClient, type EventName, type MethodName, type TimelinePage, type Transport } from '../../../shared/api'
import type { Result } from '../../../shared/errors'
import type { BodyChunk, BodyPart, Capture, CapturePage, CaptureSummary, Endpoint, EndpointStatus, Settings } from '../../../shared/model'
import { defaultResponseRule, defaultSettings, emptyRejections } from '../../../shared/model'

export interface FakeCapture {
  capture: Capture
  body: Uint8Array
  /** What captures.body with decode:true returns instead of the raw bytes. */
  decoded?: { bytes: Uint8Array; from: string[]; capped?: boolean; error?: string | null }
  parts?: { parts: BodyPart[]; error: string | null }
}

export interface FakeEngine {
  api: ApiClient
  transport: Transport
  calls: Array<{ method: MethodName; input: unknown }>
  captures: Map<string, FakeCapture>
  summaries: CaptureSummary[]
  endpoints: Endpoint[]
  statuses: EndpointStatus[]
  settings: Settings
  emit(event: EventName, payload: unknown): void
  /** Make a method answer with this (or throw this error) instead of the fixture (which it may call). */
  override(method: MethodName, handler: (input: unknown, fixture: () => unknown) => unknown): void
}

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

// A Uint8Array of this realm (jsdom's TextEncoder hands out another realm's).
export const utf8 = (text: string): Uint8Array => Uint8Array.from(new TextEncoder().encode(text))

export function makeEndpoint(id = 'ep_1', name = 'Default', port = 4567): { endpoint: Endpoint; status: EndpointStatus } {
  const endpoint = {
    id,
    name,
    host: '127.0.0.1',
    port,
    enabled: true,
    response: defaultResponseRule(),
    createdAt: 0,
  } as Endpoint
  const status: EndpointStatus = { id, state: 'listening', port, url: `http://127.0.0.1:${port}`, error: null, rejected: emptyRejections(), connections: 0 }
  return { endpoint, status }
}

let sequence = 0
/** Time-sortable ids like the engine's: later calls sort after earlier ones. */
export function nextId(): string {
  sequence++
  return `01J${String(Date.now()).padStart(15, '0')}${String(sequence).padStart(6, '0')}`
}

export function makeSummary(patch: Partial<CaptureSummary> = {}): CaptureSummary {
  return {
    id: nextId(),
    endpointId: 'ep_1',
    receivedAt: Date.now(),
    method: 'POST',
    target: '/hook',
    status: 200,
    bodySize: 0,
    contentType: null,
    durationMs: 1.5,
    flags: [],
    ...patch,
  } as CaptureSummary
}

export function makeCapture(patch: Partial<Capture> = {}, body: Uint8Array = new Uint8Array(0)): Capture {
  const summary = makeSummary(patch)
  return {
    ...summary,
    httpVersion: '1.1',
    rawHeaders: [['Host', '127.0.0.1:4567']],
    rawTrailers: [],
    body: { size: body.length, sha256: 'f'.repeat(64), truncated: false, declaredSize: body.length, storage: body.length ? 'inline' : 'none' },
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localPort: 4567,
    timings: { bodyEndMs: 0.4, storedMs: 1.1, respondedMs: 1.4 },
    response: { status: 200, headers: [['Content-Type', 'application/json']], bodySize: 12 },
    ...patch,
    bodySize: body.length,
  } as Capture
}

export function createFakeEngine(): FakeEngine {
  const listeners = new Set<(event: EventName, payload: unknown) => void>()
  const calls: FakeEngine['calls'] = []
  const captures = new Map<string, FakeCapture>()
  const overrides = new Map<MethodName, (input: unknown, fixture: () => unknown) => unknown>()
  const { endpoint, status } = makeEndpoint()
  const engine: Omit<FakeEngine, 'api' | 'transport'> = {
    calls,
    captures,
    summaries: [],
    endpoints: [endpoint],
    statuses: [status],
    settings: defaultSettings(),
    emit(event, payload) {
      for (const listener of [...listeners]) listener(event, payload)
    },
    override(method, handler) {
      overrides.set(method, handler)
    },
  }

  const bodyChunk = (input: { id: string; offset?: number; length?: number; decode?: boolean }): BodyChunk => {
    const fake = captures.get(input.id)
    if (!fake) throw Object.assign(new Error('not found'), { code: 'NOT_FOUND' })
    const useDecoded = input.decode && fake.decoded
    const bytes = useDecoded ? fake.decoded!.bytes : fake.body
    const offset = input.offset ?? 0
    const slice = bytes.subarray(offset, offset + (input.length ?? 1024 * 1024))
    return {
      base64: toBase64(slice),
      offset,
      size: slice.length,
      totalSize: bytes.length,
      decodedFrom: useDecoded ? fake.decoded!.from : [],
      capped: useDecoded ? (fake.decoded!.capped ?? false) : false,
      decodeError: input.decode && fake.decoded?.error ? fake.decoded.error : null,
    }
  }

  const handlers: Record<string, (input: never) => unknown> = {
    'app.info': () => ({ name: 'Hookscope', version: '0.1.0-test', host: 'headless', dataDir: '/tmp/x', platform: 'linux' }),
    'app.notices': () => [],
    'endpoints.list': () => engine.endpoints,
    'endpoints.status': () => engine.statuses,
    'settings.get': () => engine.settings,
    'settings.update': (patch: Partial<Settings>) => {
      engine.settings = {
        limits: { ...engine.settings.limits, ...(patch.limits ?? {}) },
        retention: { ...engine.settings.retention, ...(patch.retention ?? {}) },
        storage: { ...engine.settings.storage, ...(patch.storage ?? {}) },
        ui: { ...engine.settings.ui, ...(patch.ui ?? {}) },
      }
      return engine.settings
    },
    'captures.query': (query: { limit?: number; before?: string; endpointId?: string; methods?: string[]; text?: string; since?: number }): CapturePage => {
      let items = [...engine.summaries].sort((a, b) => (a.id < b.id ? 1 : -1))
      if (query.since !== undefined) items = items.filter((s) => s.receivedAt >= query.since!)
      if (query.endpointId) items = items.filter((s) => s.endpointId === query.endpointId)
      if (query.methods?.length) items = items.filter((s) => query.methods!.some((m) => m.toUpperCase() === s.method.toUpperCase()))
      if (query.text) items = items.filter((s) => s.target.toLowerCase().includes(query.text!.toLowerCase()))
      const total = items.length
      if (query.before) items = items.filter((s) => s.id < query.before!)
      const limit = query.limit ?? 200
      const page = items.slice(0, limit)
      return { items: page, total, next: items.length > limit ? page[page.length - 1]!.id : null }
    },
    'captures.timeline': (query: { since: number; before?: string; limit?: number }): TimelinePage => {
      let items = [...engine.summaries].sort((a, b) => (a.id < b.id ? 1 : -1)).filter((s) => s.receivedAt >= query.since)
      if (query.before) items = items.filter((s) => s.id < query.before!)
      const limit = query.limit ?? 5000
      const page = items.slice(0, limit).map(({ id, receivedAt, status, endpointId }) => ({ id, receivedAt, status, endpointId }))
      return { items: page, next: items.length > limit ? page[page.length - 1]!.id : null }
    },
    'captures.get': (input: { id: string }) => {
      const fake = captures.get(input.id)
      if (!fake) throw new Error(`No capture with id ${input.id}.`)
      return fake.capture
    },
    'captures.body': bodyChunk,
    'captures.parts': (input: { id: string }) => captures.get(input.id)?.parts ?? { parts: [], error: null },
    'captures.clear': () => {
      const removed = engine.summaries.length
      engine.summaries = []
      return { removed }
    },
  }

  const transport: Transport = {
    async invoke(method, input): Promise<Result<unknown>> {
      calls.push({ method, input })
      const fixture = handlers[method]
      const override = overrides.get(method)
      if (!fixture && !override) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `fake engine has no ${method}` } }
      try {
        return { ok: true, value: await (override ? override(input, () => fixture!(input as never)) : fixture!(input as never)) }
      } catch (error) {
        // A coded error keeps its code, as the real engine's does; anything else reads as not found.
        return { ok: false, error: { code: error instanceof HookscopeError ? error.code : 'NOT_FOUND', message: (error as Error).message } }
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
  return Object.assign(engine, { api: createApiClient(transport), transport }) as FakeEngine
}

/** Adds a capture with a body to the fake engine (its summary is queryable and its body readable). */
export function addCapture(engine: FakeEngine, patch: Partial<Capture>, body: Uint8Array | string = new Uint8Array(0), extra: Omit<FakeCapture, 'capture' | 'body'> = {}): Capture {
  const bytes = typeof body === 'string' ? utf8(body) : body
  const capture = makeCapture(patch, bytes)
  engine.captures.set(capture.id, { capture, body: bytes, ...extra })
  const { httpVersion: _h, rawHeaders: _r, rawTrailers: _t, body: _b, remoteAddress: _ra, remotePort: _rp, localPort: _lp, timings: _ti, response: _re, ...summary } = capture
  engine.summaries.push(summary as CaptureSummary)
  return capture
}
