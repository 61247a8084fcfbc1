// Forwarding captured requests to the user's app. Owns: deciding each capture's delivery at capture
// time (route, mode, browser policy), the ordered delivery queue per target with retries and backoff
// (async mode), relaying a target's response to the sender (proxy mode), recording every attempt,
// and rebuilding all of that after a restart.
//
// Durability: the decision is part of the capture's own record (forwardPlan), made durable before the
// sender is answered. Attempts and state changes are appended to `forward/seg-<n>.journal`, next to the
// capture's history segment (so retention drops them together). A successful delivery's line is
// durable before the queue moves on, so a restart never delivers a request twice that it knows was
// delivered, and never loses one that was not.
import { createReadStream, promises as fs } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import type { Writable } from 'node:stream'
import { z } from 'zod'
import type { Notice } from '../../../shared/api'
import { HookscopeError } from '../../../shared/errors'
import {
  ForwardAttempt as ForwardAttemptSchema,
  type CaptureFlag,
  type CaptureSummary,
  type Endpoint,
  type ForwardAttempt,
  type ForwardConfig,
  type ForwardState,
  type ForwardSummary,
  type ForwardTarget,
  type Limits,
  type RawHeaders,
  type TargetStatus,
} from '../../../shared/model'
import type { Clock } from '../clock'
import type { BlobStore } from '../store/blobs'
import { inlineBody, inlineBytes, InlineBody, type CaptureRecord, type HistoryStore } from '../store/history'
import { Journal, parseJournal, type SyncMode } from '../store/journal'
import { headerValue } from '../capture/headers'
import { schemes, UnusableSecretError } from '../signatures'
import { carriesSignature } from '../../../shared/signatures'
import { publicUrlOf } from '../verdicts/checker'
import { AttemptLines } from './attempt-lines'
import { defaultTarget, isEncoded, readsBody, route, routableBody, ROUTE_JSON_LIMIT } from './router'
import { send, StopGroup, type ResponseHead, type SendResult } from './sender'
import { relayHeaders, UnforwardableTarget, upstreamHeaders, upstreamPath } from './upstream'

const StoredAttempt = ForwardAttemptSchema.extend({ t: z.literal('a'), inline: InlineBody.nullable() })
const StoredState = z.object({
  t: z.literal('s'),
  captureId: z.string(),
  state: z.enum(['pending', 'retrying', 'delivered', 'failed', 'dropped', 'skipped']),
  at: z.number(),
  reason: z.string().nullable(),
  /** The target it was queued for again (a retry after its target was removed routes it anew). */
  targetId: z.string().optional(),
  /** Retrying: when its next attempt is due, so that a restart waits it out too. */
  nextAttemptAt: z.number().optional(),
})
type StoredAttempt = z.infer<typeof StoredAttempt>
/**
 * A queued attempt as it left, before any answer: followed by its attempt line (same id) once it
 * ends. One a crash left alone was sent, and the app may have taken it: a start lists it as cut short.
 */
const BegunAttempt = ForwardAttemptSchema.omit({ inProgress: true }).extend({ t: z.literal('b') })
type BegunAttempt = z.infer<typeof BegunAttempt>
const INTERRUPTED = 'Hookscope stopped before the target answered: the app may have taken this request, so the next attempt may deliver it twice'

interface Delivery {
  captureId: string
  endpointId: string
  targetId: string | null
  receivedAt: number
  /** When it last joined its queue: when it was captured, or when the user retried it. maxAgeMs counts from here. */
  queuedAt: number
  state: ForwardState
  /** Attempts since it was (re)queued: what maxAttempts counts. */
  sinceQueued: number
  error: string | null
  nextAttemptAt: number | null
  // Its attempts are lines in its segment's AttemptLines (see there); here, what the summary shows.
  attemptCount: number
  /** The last attempt's slot in its segment's lines (-1: none kept). */
  lastSlot: number
  lastStatus: number | null
  /** The last attempt got an answer the target accepted (2xx). */
  lastDelivered: boolean
  /** Blobs its attempts' bodies use (larger answers only), released when it is forgotten. */
  blobs: string[] | null
  /** Relayed in proxy mode: its one attempt's answer (or the 502/504) went to the sender, so a failure
   * is final, not a failed delivery that a target counts or "Retry failed" could send. */
  proxied: boolean
  /** The attempt being sent, still waiting for its answer (null: none). */
  current: ForwardAttempt | null
}

/** What sending to a target needs of its URL, worked out once per target (a target object is replaced when edited). */
interface Destination {
  url: string
  origin: URL
  /** scheme://host[:port], the start of an attempt's URL. */
  originText: string
  host: string
  agent: http.Agent
}

interface TargetQueue {
  endpointId: string
  targetId: string
  items: string[]
  running: boolean
  timer: NodeJS.Timeout | null
  state: TargetStatus['state']
  /** What the last attempt that reached a verdict found (unknown: none since start): the state at rest. */
  health: TargetHealth
  /** The target's URL that `health` and `lastError` speak of: a new URL starts unknown again. */
  url: string | null
  lastError: string | null
  nextAttemptAt: number | null
}

type TargetHealth = Extract<TargetStatus['state'], 'unknown' | 'idle' | 'down'>

export interface ForwarderDeps {
  dir: string
  history: HistoryStore
  blobs: BlobStore
  clock: Clock
  newId: () => string
  endpoint: (id: string) => Endpoint | undefined
  limits: () => Limits
  onCaptureChanged: (summary: CaptureSummary) => void
  onTargetsChanged: () => void
  onNotice: (notice: Omit<Notice, 'at'>) => void
  /** How durable a delivery state is before the queue moves on (see Settings.storage.sync). */
  sync?: () => SyncMode
  /** The endpoint's signing secret (null: none stored), for re-signing deliveries that waited too long. */
  secretOf?: (endpointId: string) => Promise<string | null>
}

export interface ProxyAnswer {
  status: number
  headers: RawHeaders
  bodySize: number
  /** The body, when Hookscope wrote it itself (an explanation); a relayed one is kept with its attempt. */
  body?: string
}

const TERMINAL = new Set<ForwardState>(['delivered', 'failed', 'dropped', 'blocked', 'unrouted', 'skipped'])
/**
 * What the user can put back in its queue: sent now if waiting, again if it failed, was dropped or was
 * delivered ("Deliver again"); and, routed by the rules as they are then, one held back at capture
 * as a browser's (the user forwards it anyway) or because nothing routed it.
 */
const RETRYABLE_STATES = new Set<ForwardState>(['failed', 'dropped', 'pending', 'retrying', 'delivered', 'blocked', 'unrouted'])

/** The sender's connection is gone (the response learns of it a little later than its socket). */
function senderGone(res: http.ServerResponse): boolean {
  return res.destroyed || res.socket?.destroyed === true
}

/** Proxy mode with nothing to relay: a plain explanation, once the capture is durable. */
async function explain(res: http.ServerResponse, durable: Promise<void>, status: number, text: string): Promise<ProxyAnswer | null> {
  await durable
  if (senderGone(res) || res.headersSent) return null
  const headers: RawHeaders = [['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(text))]]
  res.writeHead(status, headers.flat())
  res.end(text)
  return { status, headers, bodySize: Buffer.byteLength(text), body: text }
}

/**
 * Why a capture is never forwarded (null: it can be). What was kept of it is not the request as sent,
 * or it asks for a tunnel: retrying would not change that. Read from what its summary holds too, so a
 * restart gives the same reason.
 */
function notForwardable({ flags, method }: { flags: readonly CaptureFlag[]; method: string }): string | null {
  if (flags.includes('truncated')) return 'its body went past the body cap, so only its first part was kept'
  if (flags.includes('incomplete')) return 'its body did not arrive whole (the sender went away or timed out)'
  if (flags.includes('too-many-headers')) return 'it had more header lines than the endpoint accepts'
  if (method === 'CONNECT') return 'a CONNECT request asks for a tunnel, which is not forwarded'
  return null
}

const UNANSWERED = 'its sender was never answered'

/** What waited for a target the endpoint no longer has: removed, or given for one run (`serve --forward`). */
const TARGET_GONE = 'its forward target is no longer configured: it was removed, or set for an earlier run only (hookscope serve --forward)'

function retryable(result: SendResult): boolean {
  if (result.error) return true
  const status = result.head!.status
  return status >= 500 || status === 429 || status === 408
}

/**
 * Only a 2xx is a delivery. A redirect is not followed (the request would go elsewhere, and a POST
 * would turn into a GET), so the app never handled the request: as Stripe, GitHub and Svix count it,
 * it is not delivered, and not retried either.
 */
function delivered(result: SendResult): boolean {
  return !result.error && result.head !== null && accepts(result.head.status)
}

const accepts = (status: number) => status >= 200 && status < 300

/**
 * A 2xx whose status line and headers came whole, then whose body did not (the connection reset or
 * closed before its end, the body stalled past the timeout, a stop): the app took the request, so it
 * is delivered and never sent again. An answer that is not valid HTTP is no answer the app gave.
 */
function cutShortAnswer(result: Pick<SendResult, 'head' | 'error'>): boolean {
  return result.head !== null && accepts(result.head.status) && result.error !== null && result.error.code !== 'INVALID_RESPONSE'
}

/**
 * How long a target asked to wait before the next attempt (`Retry-After`, in seconds or as an HTTP
 * date), or null when it did not say (or said something unreadable).
 */
function retryAfterMs(rawHeaders: RawHeaders, now: number): number | null {
  const value = headerValue(rawHeaders, 'retry-after')?.trim()
  if (!value) return null
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}

function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  return seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`
}

/** Statuses that send the client elsewhere, with or without a Location (a 304 or 300 without one does not). */
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** Why an answer that is not retried failed the delivery; a redirect says where it pointed. */
function refusal(status: number | null, rawHeaders: RawHeaders): string {
  if (status === null || status < 300 || status >= 400) return `the target answered ${status}`
  const location = headerValue(rawHeaders, 'location')
  if (location === null && !REDIRECTS.has(status)) return `the target answered ${status}`
  return `the target answered ${status}, a redirect${location !== null ? ` to ${location}` : ''}, which is not followed: the app did not take the request (point the target at the address it redirects to)`
}

/**
 * What went wrong with an attempt, in the words a failed delivery gives (null: the target accepted
 * it, or it was not answered yet). A proxied request settles with its one attempt, so this is its
 * reason; a queued one's settles with the queue's own words.
 */
function attemptError(attempt: Pick<ForwardAttempt, 'error' | 'status' | 'rawHeaders' | 'timings'>): string | null {
  if (attempt.error) return answeredLate(attempt) ? `${attempt.error.message}: ${LATE}` : attempt.error.message
  if (attempt.status === null || accepts(attempt.status)) return null
  return refusal(attempt.status, attempt.rawHeaders)
}

/**
 * No answer in time from a target that took the connection: the app has the request (it is up, only
 * slow), and may well handle it, so a retry can deliver it twice.
 */
function answeredLate({ error, timings }: Pick<ForwardAttempt, 'error' | 'timings'>): boolean {
  return error?.code === 'TIMEOUT' && timings.connectMs !== null
}

const LATE = 'your app received the request but did not answer in time, and may still handle it (a retry sends it again): if it needs longer, raise the timeout in the endpoint’s forwarding settings'

const queueKey = (endpointId: string, targetId: string) => `${endpointId}\u0000${targetId}`

function newDelivery(captureId: string, endpointId: string, targetId: string | null, receivedAt: number, state: ForwardState, error: string | null): Delivery {
  return {
    captureId,
    endpointId,
    targetId,
    receivedAt,
    queuedAt: receivedAt,
    state,
    sinceQueued: 0,
    error,
    nextAttemptAt: null,
    attemptCount: 0,
    lastSlot: -1,
    lastStatus: null,
    lastDelivered: false,
    blobs: null,
    proxied: false,
    current: null,
  }
}

/** An attempt as the Api shows it: the stored line without its bookkeeping. */
function shown({ t: _t, inline: _inline, ...attempt }: StoredAttempt): ForwardAttempt {
  return attempt
}

/**
 * A kept-alive connection to a target is closed after this long unused, or a second before the
 * target's own `Keep-Alive: timeout=` hint when that is sooner (Node's agent applies the hint only
 * under a timeout of its own). Reused later, it could meet the target closing it at that moment: an
 * idempotent request is then sent again, a POST is not (the target may have it), so the connection
 * is given up first. Servers commonly close idle connections after 5 s (Node, uvicorn) or later.
 */
export const IDLE_CONNECTION_MS = 4_000

export class Forwarder {
  private readonly deliveries = new Map<string, Delivery>()
  private readonly queues = new Map<string, TargetQueue>()
  /** Per history segment: its forward journal (opened when first written to), and its attempts in memory. */
  private readonly journals = new Map<number, Journal>()
  private readonly attemptLines = new Map<number, AttemptLines>()
  private readonly agents = new Map<string, http.Agent>()
  private readonly destinations = new WeakMap<ForwardTarget, Destination>()
  /** Per target (queue key): the URL its last attempt went to, which names it once it is removed. */
  private readonly attemptedUrls = new Map<string, string>()
  /** Per target (queue key): whether its latest attempt read back at start could reach it; a wait carried over shows it down when not. */
  private readonly reachedAtStart = new Map<string, { at: number; reached: boolean }>()
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly stopping = new StopGroup()
  private closed = false

  private constructor(private readonly deps: ForwarderDeps) {}

  /**
   * Rebuild the queues from what is stored. With `deliver: false` what waits stays put until
   * deliverWaiting(): the engine first puts this run's forwarding in force (`serve --forward`), so
   * that a queue is never judged against settings the run is about to replace.
   */
  static async open(deps: ForwarderDeps, { deliver = true }: { deliver?: boolean } = {}): Promise<Forwarder> {
    const forwarder = new Forwarder(deps)
    await forwarder.load()
    if (deliver) forwarder.deliverWaiting()
    return forwarder
  }

  /** Start delivering what waited across the restart, in capture order. */
  deliverWaiting(): void {
    for (const queue of this.queues.values()) void this.run(queue)
  }

  // ——— planning (capture time) ———

  /**
   * Decide what happens to a capture: sets record.forwardPlan and record.forward. Returns a promise
   * only when a JSON-field route must read a body that is not at hand as it is (stored as a file, or
   * compressed); the capture waits for it before it is committed.
   */
  plan(record: CaptureRecord, endpoint: Endpoint): void | Promise<void> {
    const config = endpoint.forward
    if (config.mode === 'off' || config.targets.length === 0) return
    if (record.flags.includes('browser') && !config.allowBrowser) return this.planned(record, config, 'blocked', null, null)
    const skipped = notForwardable(record)
    if (skipped !== null) return this.planned(record, config, 'skipped', null, skipped)
    // Most endpoints have no routes: then nothing is built to route a request.
    if (config.routes.length === 0) return this.planned(record, config, 'pending', defaultTarget(config), null)
    const body = readsBody(config) ? this.routableBodyOf(record) : null
    if (body instanceof Promise) {
      return body.then((bytes) => this.planned(record, config, 'pending', this.routeOf(config, record, bytes), null))
    }
    this.planned(record, config, 'pending', this.routeOf(config, record, body), null)
  }

  private routeOf(config: ForwardConfig, record: CaptureRecord, body: Buffer | null): string | null {
    return route(config, { method: record.method, target: record.target, rawHeaders: record.rawHeaders, body: () => body })
  }

  /**
   * A capture's body as its JSON-field routes read it: whole (from its file when stored as one, up to
   * the routing limit) and decoded as its Content-Encoding says; at hand (no promise) when it is
   * inline and not compressed, as most webhooks are. Null when there is none, or it cannot be read.
   */
  private routableBodyOf(record: CaptureRecord): Buffer | null | Promise<Buffer | null> {
    const encoded = isEncoded(record.rawHeaders)
    if (record.body.storage === 'blob') {
      if (record.body.size > ROUTE_JSON_LIMIT) return null
      return this.deps.blobs
        .read(record.body.sha256)
        .then((bytes) => (encoded ? routableBody(bytes, record.rawHeaders) : bytes))
        .catch(() => null)
    }
    const bytes = record.inline ? inlineBytes(record.inline) : null
    if (bytes === null || !encoded) return bytes
    return routableBody(bytes, record.rawHeaders).catch(() => null)
  }

  private planned(record: CaptureRecord, config: ForwardConfig, chosen: ForwardState, targetId: string | null, skipped: string | null): void {
    const state: ForwardState = chosen === 'pending' && targetId === null ? 'unrouted' : chosen
    record.forwardPlan = { targetId, mode: config.mode, state }
    const delivery = newDelivery(record.id, record.endpointId, targetId, record.receivedAt, state, skipped)
    delivery.proxied = config.mode === 'proxy'
    this.deliveries.set(record.id, delivery)
    record.forward = this.summaryOf(delivery)
  }

  /**
   * Its sender was never answered (the endpoint stopped first, or the sender went away): it is not
   * forwarded either. Decided before its line is written, the plan says so; after, a state line does.
   */
  unanswered(record: CaptureRecord, stored: boolean): void {
    const delivery = this.deliveries.get(record.id)
    if (!delivery || delivery.state !== 'pending' || !record.forwardPlan) return
    if (stored) return void this.settle(delivery, 'skipped', UNANSWERED)
    delivery.state = 'skipped'
    delivery.error = UNANSWERED
    record.forwardPlan = { ...record.forwardPlan, state: 'skipped' }
    record.forward = this.summaryOf(delivery)
  }

  /** After the capture is durable (async mode): join the target's queue. */
  enqueue(record: CaptureRecord): void {
    const delivery = this.deliveries.get(record.id)
    if (!delivery || record.forwardPlan?.mode !== 'async' || delivery.state !== 'pending' || !delivery.targetId) return
    const queue = this.queueFor(delivery.endpointId, delivery.targetId)
    queue.items.push(record.id)
    // The waiting count changed (the relay debounces these).
    this.deps.onTargetsChanged()
    void this.run(queue)
  }

  // ——— proxy mode ———

  /**
   * Send a capture to its target now and relay the answer to the sender, once `durable` resolved.
   * Answers 502/504/403 with a plain explanation when there is nothing to relay. Cut short when
   * `stop` stops (its endpoint's listener stopping), as well as when the forwarder closes.
   */
  async proxy(record: CaptureRecord, res: http.ServerResponse, durable: Promise<void>, stop: StopGroup = this.stopping): Promise<ProxyAnswer | null> {
    const delivery = this.deliveries.get(record.id)
    const endpoint = this.deps.endpoint(record.endpointId)
    if (!delivery || !endpoint) return explain(res, durable, 502, 'Hookscope has no forward target for this endpoint.\n')
    if (delivery.state === 'blocked') {
      return explain(res, durable, 403, 'Hookscope did not forward this request: it was sent by a web browser. Allow browser requests in the endpoint’s forwarding settings to forward them.\n')
    }
    if (delivery.state === 'unrouted') return explain(res, durable, 502, 'Hookscope did not forward this request: no route matches it and there is no default target.\n')
    if (delivery.state !== 'pending') return explain(res, durable, 502, `Hookscope did not forward this request: ${delivery.error ?? delivery.state}.\n`)
    const target = endpoint.forward.targets.find((t) => t.id === delivery.targetId)
    if (!target) return explain(res, durable, 502, 'Hookscope did not forward this request: its target no longer exists.\n')
    let answered: ProxyAnswer | null = null
    let relaying: Promise<unknown> = Promise.resolve()
    const relay = async (head: ResponseHead, failure: () => SendResult['error']): Promise<Writable | null> => {
      await durable
      // The target failed while the capture was being stored: the sender gets a 502 below instead,
      // unless the answer is a 2xx cut short, which the app gave: relayed as it came (see send).
      const failed = failure()
      if (senderGone(res) || (failed !== null && !cutShortAnswer({ head, error: failed }))) return null
      const headers = relayHeaders(head.rawHeaders)
      // The target's answer as it came: no Date of our own when it sent none.
      res.sendDate = false
      // Throws on a head Node will not send (say, a status text with control characters); the
      // attempt then records the error and the sender gets a 502.
      res.writeHead(head.status, head.statusText || undefined, headers.flat())
      answered = { status: head.status, headers, bodySize: 0 }
      return res as unknown as Writable
    }
    const attempt = await this.attempt(delivery, endpoint, target, record, (head, failure) => (relaying = relay(head, failure)), stop)
    // An answer cut short while the capture was being stored is relayed once it is: after its head,
    // the send writes what came of the body (it listened to this promise first) and ends the connection.
    if (!answered && attempt.cutShort) await relaying.catch(() => undefined)
    if (answered) {
      ;(answered as ProxyAnswer).bodySize = attempt.body?.size ?? 0
      return answered
    }
    if (attempt.cutShort) return explain(res, durable, 502, `Hookscope could not relay the answer from ${target.url}: it answered ${attempt.status}, then ${attempt.cutShort.message}.\n`)
    if (attempt.error) {
      const status = attempt.error.code === 'TIMEOUT' ? 504 : 502
      const text = answeredLate(attempt)
        ? `${target.url} did not answer in time (${attempt.error.message}): it received the request and may still handle it. If it needs longer, raise the timeout in the endpoint’s forwarding settings.\n`
        : attempt.error.code === 'INVALID_RESPONSE'
          ? `Hookscope could not read the answer from ${target.url}: ${attempt.error.message}.\n`
          : `Hookscope could not reach ${target.url}: ${attempt.error.message}.\n`
      return explain(res, durable, status, text)
    }
    return null
  }

  // ——— delivery ———

  private queueFor(endpointId: string, targetId: string): TargetQueue {
    const key = queueKey(endpointId, targetId)
    let queue = this.queues.get(key)
    if (!queue) {
      const url = this.deps.endpoint(endpointId)?.forward.targets.find((t) => t.id === targetId)?.url ?? null
      queue = { endpointId, targetId, items: [], running: false, timer: null, state: 'unknown', health: 'unknown', url, lastError: null, nextAttemptAt: null }
      this.queues.set(key, queue)
    }
    return queue
  }

  private setQueueState(queue: TargetQueue, state: TargetStatus['state']): void {
    if (queue.state === state) return
    queue.state = state
    this.deps.onTargetsChanged()
  }

  /** Deliver a target's queue in order, one at a time, until it is empty or must wait. */
  private async run(queue: TargetQueue): Promise<void> {
    if (queue.running || this.closed) return
    queue.running = true
    const done = (async () => {
      try {
        while (queue.items.length > 0 && !this.closed) {
          const endpoint = this.deps.endpoint(queue.endpointId)
          const target = endpoint?.forward.targets.find((t) => t.id === queue.targetId)
          if (!endpoint || !target) {
            // Its target (or endpoint) was removed: what waited for it cannot be delivered. Failed, it
            // shows with the others, and a retry routes it by the endpoint's rules as they are now.
            for (const id of queue.items.splice(0)) {
              const delivery = this.deliveries.get(id)
              if (delivery && !TERMINAL.has(delivery.state)) await this.settle(delivery, 'failed', TARGET_GONE)
            }
            break
          }
          if (endpoint.forward.mode !== 'async') {
            this.setQueueState(queue, 'paused')
            return
          }
          if (target.paused) {
            this.setQueueState(queue, 'paused')
            return
          }
          const id = queue.items[0]!
          // The queue can change while this one is awaited (a retry puts a capture back in order,
          // retention forgets captures): what is done leaves by its id, never as "the first".
          const done = () => {
            const at = queue.items.indexOf(id)
            if (at >= 0) queue.items.splice(at, 1)
          }
          const delivery = this.deliveries.get(id)
          if (!delivery || TERMINAL.has(delivery.state)) {
            done()
            continue
          }
          const now = this.deps.clock.now()
          if (now - delivery.queuedAt > endpoint.forward.retry.maxAgeMs) {
            await this.settle(delivery, 'failed', `not delivered within ${Math.round(endpoint.forward.retry.maxAgeMs / 1000)} s of ${delivery.queuedAt === delivery.receivedAt ? 'capture' : 'being queued again'}`)
            done()
            continue
          }
          if (delivery.nextAttemptAt !== null && delivery.nextAttemptAt > now) {
            // A wait carried over from the last run: the queue retries, for the reason it gave then.
            if (queue.state === 'unknown') {
              queue.lastError ??= delivery.error
              // Down when it could not be reached then, as it was shown before the stop; else up but failing.
              this.setQueueState(queue, this.reachedAtStart.get(queueKey(queue.endpointId, queue.targetId))?.reached === false ? 'down' : 'retrying')
            }
            this.schedule(queue, delivery.nextAttemptAt - now)
            return
          }
          const record = await this.deps.history.get(id)
          if (!record) {
            // Its capture is gone (cleared, or its history file was damaged): nothing to deliver.
            await this.settle(delivery, 'failed', 'the capture is no longer stored')
            done()
            continue
          }
          delivery.state = 'delivering'
          this.changed(delivery)
          this.setQueueState(queue, 'delivering')
          const attempt = await this.attempt(delivery, endpoint, target, record)
          const result = { error: attempt.error, head: attempt.status === null ? null : { status: attempt.status } } as SendResult
          // An answer the target gave is settled even while stopping: a delivery it accepted must not
          // be sent again after a restart, and one it refused for good must not be retried.
          if (delivered(result)) {
            queue.lastError = null
            await this.settle(delivery, 'delivered', null)
            done()
          } else if (!retryable(result)) {
            queue.lastError = null
            await this.settle(delivery, 'failed', refusal(attempt.status, attempt.rawHeaders))
            done()
          } else {
            if (this.closed) return
            // An app that answers 429 or 503 with Retry-After says when it can take the request again:
            // the next attempt waits at least that long (never past the endpoint's maximum delay).
            const asked = attempt.error ? null : retryAfterMs(attempt.rawHeaders, this.deps.clock.now())
            const reason = attempt.error
              ? attemptError(attempt)!
              : `the target answered ${attempt.status}${asked === null ? '' : `, asking to be retried after ${formatWait(asked)} (Retry-After)`}`
            queue.lastError = reason
            if (delivery.sinceQueued >= endpoint.forward.retry.maxAttempts) {
              await this.settle(delivery, 'failed', `gave up after ${delivery.sinceQueued} ${delivery.sinceQueued === 1 ? 'attempt' : 'attempts'}: ${reason}`)
              done()
              continue
            }
            const { baseDelayMs, maxDelayMs } = endpoint.forward.retry
            const delay = Math.min(maxDelayMs, Math.max(baseDelayMs * 2 ** (delivery.sinceQueued - 1), asked ?? 0))
            delivery.state = 'retrying'
            delivery.error = reason
            const at = this.deps.clock.now() + delay
            delivery.nextAttemptAt = at
            this.changed(delivery)
            this.waits(delivery, reason)
            // Connection-level failures mean the target is down; an HTTP error, or an answer that came
            // too late, means it is up but failing.
            this.setQueueState(queue, attempt.error && !answeredLate(attempt) ? 'down' : 'retrying')
            // The target's next attempt is the request's: one time, read once, shown alike in both.
            this.schedule(queue, delay, at)
            return
          }
        }
        if (queue.items.length === 0) {
          queue.nextAttemptAt = null
          // At rest it shows what the last attempt found: a queue emptied by giving up on a target
          // that is down still shows it down, and one that never got to try shows not tried.
          this.setQueueState(queue, queue.health)
        }
      } finally {
        queue.running = false
      }
    })()
    this.inFlight.add(done)
    await done.finally(() => this.inFlight.delete(done))
  }

  private schedule(queue: TargetQueue, delay: number, at = this.deps.clock.now() + delay): void {
    if (queue.timer) clearTimeout(queue.timer)
    queue.nextAttemptAt = at
    queue.timer = setTimeout(() => {
      queue.timer = null
      void this.run(queue)
    }, Math.max(0, delay))
    this.deps.onTargetsChanged()
  }

  private destinationOf(target: ForwardTarget): Destination {
    let destination = this.destinations.get(target)
    if (destination?.url === target.url) return destination
    const origin = new URL(target.url)
    const originText = origin.origin
    const secure = origin.protocol === 'https:'
    // A target that accepts a self-signed certificate never shares connections with one that does not.
    const unverified = secure && target.acceptSelfSigned === true
    const agentKey = unverified ? `${originText} unverified` : originText
    let agent = this.agents.get(agentKey)
    if (!agent) {
      const options = { keepAlive: true, maxSockets: 64, timeout: IDLE_CONNECTION_MS }
      agent = secure ? new https.Agent({ ...options, rejectUnauthorized: !unverified }) : new http.Agent(options)
      this.agents.set(agentKey, agent)
    }
    destination = { url: target.url, origin, originText, host: origin.host, agent }
    this.destinations.set(target, destination)
    return destination
  }

  /** One attempt: build the upstream request, send it, record the outcome. */
  private async attempt(
    delivery: Delivery,
    endpoint: Endpoint,
    target: ForwardTarget,
    record: CaptureRecord,
    relay?: (head: ResponseHead, failure: () => SendResult['error']) => Promise<Writable | null>,
    stop: StopGroup = this.stopping,
  ): Promise<StoredAttempt> {
    const destination = this.destinationOf(target)
    const { origin } = destination
    const startedAt = this.deps.clock.now()
    let path: string
    try {
      path = upstreamPath(origin, record.target)
    } catch (error) {
      if (!(error instanceof UnforwardableTarget)) throw error
      return this.recordAttempt(delivery, record, destination, '', [], startedAt, null, { code: 'OTHER', message: error.message })
    }
    const bodyLength = record.body.size
    let headers = upstreamHeaders(record.rawHeaders, { host: endpoint.forward.host, targetHost: destination.host, bodyLength, method: record.method })
    const body =
      record.body.storage === 'blob'
        ? { stream: () => createReadStream(this.deps.blobs.pathOf(record.body.sha256)), length: bodyLength }
        : inlineBytes(record.inline)
    // Listed as in progress from now until its answer (or failure) is recorded under the same id.
    const current: ForwardAttempt = {
      id: this.deps.newId(),
      captureId: record.id,
      endpointId: record.endpointId,
      targetId: delivery.targetId ?? '',
      n: delivery.attemptCount + 1,
      method: record.method,
      url: `${destination.originText}${path}`,
      targetUrl: destination.url,
      sentHeaders: headers,
      startedAt,
      status: null,
      statusText: null,
      rawHeaders: [],
      body: null,
      timings: { connectMs: null, firstByteMs: null, totalMs: null },
      error: null,
      inProgress: true,
    }
    delivery.current = current
    let result: SendResult
    let signature: Awaited<ReturnType<Forwarder['freshSignature']>>
    try {
      signature = relay ? null : await this.freshSignature(endpoint, record, headers, startedAt)
      if (signature?.headers) current.sentHeaders = headers = signature.headers
      if (signature) current.signature = signature.note
      delivery.sinceQueued++
      if (!relay) this.begin(record, current)
      result = await send({
        origin,
        path,
        method: record.method,
        headers,
        body,
        timeoutMs: endpoint.forward.timeoutMs,
        maxResponseBytes: this.deps.limits().maxBodyBytes,
        spool: () => this.deps.blobs.createSpool(),
        agent: destination.agent,
        relay,
        stop,
      })
    } finally {
      delivery.current = null
    }
    if (result.error?.remedy === 'accept-self-signed') {
      const advice = "for a local app's self-signed or mkcert certificate, let this target accept self-signed certificates (Forwarding settings)"
      result.error = { ...result.error, message: `${result.error.message}; ${advice}`, advice }
    }
    // The app answered 2xx and its body was cut short: delivered, the attempt saying how it was cut.
    const cutShort = cutShortAnswer(result) ? result.error! : undefined
    if (cutShort) result.error = null
    this.reached(delivery, result)
    // The headers as they went on the wire (with what Node adds); as built when Node exposes none.
    return this.recordAttempt(delivery, record, destination, path, result.sentHeaders ?? headers, startedAt, result, result.error, signature?.note, current.id, cutShort)
  }

  /**
   * A queued delivery leaving later than its endpoint's signature scheme accepts (counted from when it
   * was captured, which is when it was signed, give or take the provider's own send) would be refused
   * by the app's library. Re-signed with a fresh timestamp when the endpoint asks for it and has a
   * secret: only the scheme's own headers change, never the body. Otherwise sent as captured, and the
   * attempt says why the app will likely refuse it.
   */
  private async freshSignature(
    endpoint: Endpoint,
    record: CaptureRecord,
    headers: RawHeaders,
    now: number,
  ): Promise<{ headers: RawHeaders | null; note: NonNullable<ForwardAttempt['signature']> } | null> {
    const schemeId = endpoint.signature.scheme
    if (schemeId === null) return null
    const scheme = schemes[schemeId]
    const tolerance = scheme.toleranceSeconds
    if (tolerance === null) return null
    const waited = Math.floor((now - record.receivedAt) / 1000)
    if (waited <= tolerance) return null
    // Only a request that carries the scheme's signature is signed again.
    if (!carriesSignature(schemeId, record.rawHeaders)) return null
    const late = `it waited ${waited} s, past ${scheme.label}’s ${tolerance} s`
    if (!endpoint.forward.resignStale) return { headers: null, note: { kind: 'stale', message: `Sent as captured: ${late}, so the app will likely refuse its signature (re-signing is off).` } }
    const secret = endpoint.signature.hasSecret ? await this.deps.secretOf?.(endpoint.id) : null
    if (!secret) return { headers: null, note: { kind: 'stale', message: `Sent as captured: ${late}, so the app will likely refuse its signature (no signing secret is stored to re-sign it).` } }
    const body = record.body.storage === 'blob' ? await this.deps.blobs.read(record.body.sha256) : inlineBytes(record.inline)
    try {
      // Signed over the URL the provider called, as the verdict and a re-signed replay take it.
      const signed = scheme.sign({ method: record.method, url: publicUrlOf(record, endpoint), rawHeaders: headers, body }, secret, now)
      return { headers: signed.rawHeaders, note: { kind: 'resigned', message: `Re-signed: ${late}.` } }
    } catch (error) {
      if (!(error instanceof UnusableSecretError)) throw error
      return { headers: null, note: { kind: 'stale', message: `Sent as captured: ${late}, and the secret cannot re-sign it (${error.message}).` } }
    }
  }

  /**
   * What an attempt found of its target, kept as the target's state at rest (and in proxy mode, its
   * only state): any answer means it is up, no answer means it is down. One cut short by a stop says
   * nothing of the target. Hosts hear of it only when the state or error changed, so a busy proxy
   * costs a compare per request and no event.
   */
  private reached(delivery: Delivery, result: SendResult): void {
    if (!delivery.targetId || (result.head === null && (!result.error || result.error.code === 'ABORTED'))) return
    const queue = this.queueFor(delivery.endpointId, delivery.targetId)
    if (result.head !== null || answeredLate(result)) {
      // Coming up (an answer, or one that came too late) clears the reason it was down. While it stays
      // up the queue keeps its own error (an answer it retries, say), so that it does not flicker away.
      if (queue.health === 'idle') return
      queue.health = 'idle'
      queue.lastError = null
    } else {
      const reason = result.error!.message
      if (queue.health === 'down' && queue.lastError === reason) return
      queue.health = 'down'
      queue.lastError = reason
    }
    this.deps.onTargetsChanged()
  }

  private recordAttempt(
    delivery: Delivery,
    record: CaptureRecord,
    destination: Destination,
    path: string,
    sentHeaders: RawHeaders,
    startedAt: number,
    result: SendResult | null,
    error: ForwardAttempt['error'],
    signature?: ForwardAttempt['signature'],
    id: string = this.deps.newId(),
    cutShort?: ForwardAttempt['cutShort'],
  ): StoredAttempt {
    const body = result?.body ?? null
    const attempt: StoredAttempt = {
      t: 'a',
      id,
      captureId: record.id,
      endpointId: record.endpointId,
      targetId: delivery.targetId ?? '',
      n: delivery.attemptCount + 1,
      method: record.method,
      url: `${destination.originText}${path}`,
      targetUrl: destination.url,
      sentHeaders,
      startedAt,
      status: result?.head?.status ?? null,
      statusText: result?.head?.statusText ?? null,
      rawHeaders: result?.head?.rawHeaders ?? [],
      body: body
        ? { size: body.size, sha256: body.sha256, truncated: result!.truncated, declaredSize: null, storage: body.blob ? 'blob' : body.size > 0 ? 'inline' : 'none' }
        : null,
      timings: result?.timings ?? { connectMs: null, firstByteMs: null, totalMs: null },
      error,
      ...(signature ? { signature } : {}),
      ...(cutShort ? { cutShort } : {}),
      inline: body?.inline ? inlineBody(body.inline) : null,
    }
    if (body?.blob) {
      this.deps.blobs.retain(body.sha256)
      ;(delivery.blobs ??= []).push(body.sha256)
    }
    const accepted = delivered({ error, head: result?.head ?? null } as SendResult)
    if (delivery.targetId) this.attemptedUrls.set(queueKey(delivery.endpointId, delivery.targetId), destination.url)
    delivery.attemptCount++
    delivery.lastStatus = attempt.status
    delivery.lastDelivered = accepted
    delivery.error = attemptError(attempt)
    // A capture no longer stored (cleared meanwhile) keeps no attempts: it is being forgotten.
    const segment = this.deps.history.segmentOf(record.id)
    if (segment !== null) {
      const lines = this.linesOf(segment)
      const slot = lines.add(JSON.stringify(attempt), delivery.lastSlot)
      delivery.lastSlot = slot
      // Not awaited, and lazy: the attempt itself is history, not a promise made to a sender, so it
      // costs no flush of its own. A successful delivery is made durable by settle() before the queue
      // moves on. Lines appended in the same turn lie side by side: the journal writes them as one.
      this.journalOf(segment)
        .append(lines.bytes(slot), true)
        .catch((e: Error) => this.deps.onNotice({ level: 'error', code: 'STORE_WRITE_FAILED', message: `A forward attempt could not be saved: ${e.message}` }))
    }
    if (record.forwardPlan?.mode === 'proxy') delivery.state = accepted ? 'delivered' : 'failed'
    this.changed(delivery)
    return attempt
  }

  /**
   * Journal when a delivery waiting to be retried is due (lazily, as attempts are), so that a restart
   * waits out what is left of a backoff or a Retry-After instead of sending it at once.
   */
  private waits(delivery: Delivery, reason: string): void {
    const segment = this.deps.history.segmentOf(delivery.captureId)
    if (segment === null || delivery.nextAttemptAt === null) return
    const line = { t: 's', captureId: delivery.captureId, state: 'retrying', at: this.deps.clock.now(), reason, nextAttemptAt: delivery.nextAttemptAt }
    this.journalOf(segment)
      .append(`${JSON.stringify(line)}\n`, true)
      .catch((e: Error) => this.deps.onNotice({ level: 'error', code: 'STORE_WRITE_FAILED', message: `A delivery state could not be saved: ${e.message}` }))
  }

  /**
   * Journal a queued attempt as it leaves (lazily, as attempts are): were Hookscope killed before the
   * answer, the restart that sends the request again still lists this one, which the app may have
   * taken. A proxied request is not: its sender saw that exchange fail.
   */
  private begin(record: CaptureRecord, attempt: ForwardAttempt): void {
    const segment = this.deps.history.segmentOf(record.id)
    if (segment === null) return
    const { inProgress: _inProgress, ...sent } = attempt
    this.journalOf(segment)
      .append(`${JSON.stringify({ t: 'b', ...sent })}\n`, true)
      .catch((e: Error) => this.deps.onNotice({ level: 'error', code: 'STORE_WRITE_FAILED', message: `A forward attempt could not be saved: ${e.message}` }))
  }

  private journalOf(segment: number): Journal {
    let journal = this.journals.get(segment)
    if (!journal) {
      journal = new Journal(path.join(this.deps.dir, `seg-${String(segment).padStart(6, '0')}.journal`), { sync: this.deps.sync })
      this.journals.set(segment, journal)
    }
    return journal
  }

  private linesOf(segment: number): AttemptLines {
    let lines = this.attemptLines.get(segment)
    if (!lines) this.attemptLines.set(segment, (lines = new AttemptLines()))
    return lines
  }

  /** A delivery's attempts, oldest first, read back from their lines. */
  private storedAttempts(delivery: Delivery): StoredAttempt[] {
    if (delivery.lastSlot < 0) return []
    const segment = this.deps.history.segmentOf(delivery.captureId)
    const lines = segment === null ? undefined : this.attemptLines.get(segment)
    if (!lines) return []
    return lines.chain(delivery.lastSlot).map((slot) => JSON.parse(lines.line(slot)) as StoredAttempt)
  }

  /** Move a delivery to a terminal (or queued) state, durably. */
  private async settle(delivery: Delivery, state: 'delivered' | 'failed' | 'dropped' | 'skipped' | 'pending', reason: string | null): Promise<void> {
    delivery.state = state
    delivery.error = reason
    delivery.nextAttemptAt = null
    const at = this.deps.clock.now()
    if (state === 'pending') {
      delivery.sinceQueued = 0
      delivery.queuedAt = at
    }
    this.changed(delivery)
    const line = JSON.stringify({ t: 's', captureId: delivery.captureId, state, at, reason, ...(state === 'pending' && delivery.targetId ? { targetId: delivery.targetId } : {}) })
    try {
      const segment = this.deps.history.segmentOf(delivery.captureId)
      if (segment !== null) await this.journalOf(segment).append(line)
    } catch (error) {
      this.deps.onNotice({ level: 'error', code: 'STORE_WRITE_FAILED', message: `A delivery state could not be saved: ${(error as Error).message}` })
    }
  }

  private summaryOf(delivery: Delivery): ForwardSummary {
    return {
      state: delivery.state,
      targetId: delivery.targetId,
      status: delivery.lastStatus,
      attempts: delivery.attemptCount,
      error: delivery.error,
      nextAttemptAt: delivery.nextAttemptAt,
    }
  }

  private changed(delivery: Delivery): void {
    const summary = this.deps.history.setForward(delivery.captureId, this.summaryOf(delivery))
    if (summary) this.deps.onCaptureChanged(summary)
  }

  // ——— what the user can do ———

  forwardOf(captureId: string): ForwardSummary | null {
    const delivery = this.deliveries.get(captureId)
    return delivery ? this.summaryOf(delivery) : null
  }

  attempts(captureId: string): ForwardAttempt[] {
    const delivery = this.deliveries.get(captureId)
    if (!delivery) return []
    const attempts = this.storedAttempts(delivery).map(shown)
    return delivery.current ? [...attempts, { ...delivery.current }] : attempts
  }

  async attemptBody(attemptId: string, captureId: string, offset: number, length: number): Promise<{ bytes: Buffer; total: number; headers: RawHeaders }> {
    const delivery = this.deliveries.get(captureId)
    const attempt = delivery ? this.storedAttempts(delivery).find((a) => a.id === attemptId) : undefined
    if (!attempt || !attempt.body) throw new HookscopeError('NOT_FOUND', `No forward attempt ${attemptId} with a body.`)
    if (attempt.body.storage === 'blob') {
      return { bytes: await this.deps.blobs.read(attempt.body.sha256, offset, length), total: attempt.body.size, headers: attempt.rawHeaders }
    }
    return { bytes: inlineBytes(attempt.inline).subarray(offset, offset + length), total: attempt.body.size, headers: attempt.rawHeaders }
  }

  /**
   * Put captures back in their queue (in capture order): waiting, failed, dropped, or delivered to
   * deliver again. `held` counts those queued for a target that sends nothing now (paused, or its
   * endpoint no longer forwards in async mode): they wait until it does.
   */
  async retry(captureIds: string[]): Promise<{ count: number; held: number }> {
    let count = 0
    let held = 0
    const touched = new Set<TargetQueue>()
    for (const id of captureIds) {
      const delivery = this.deliveries.get(id)
      if (!delivery || !RETRYABLE_STATES.has(delivery.state)) continue
      const record = await this.deps.history.get(id)
      if (!record || record.forwardPlan?.mode !== 'async') continue
      const endpoint = this.deps.endpoint(delivery.endpointId)
      if (!endpoint) continue
      if (delivery.targetId === null || !endpoint.forward.targets.some((t) => t.id === delivery.targetId)) {
        const routed = this.routeOf(endpoint.forward, record, readsBody(endpoint.forward) ? await this.routableBodyOf(record) : null)
        if (routed === null) continue
        delivery.targetId = routed
      }
      await this.settle(delivery, 'pending', null)
      const queue = this.queueFor(delivery.endpointId, delivery.targetId)
      if (!queue.items.includes(id)) {
        queue.items.push(id)
        queue.items.sort()
      }
      touched.add(queue)
      count++
      if (endpoint.forward.mode !== 'async' || endpoint.forward.targets.find((t) => t.id === delivery.targetId)?.paused === true) held++
    }
    for (const queue of touched) {
      if (queue.timer) {
        clearTimeout(queue.timer)
        queue.timer = null
      }
      void this.run(queue)
    }
    this.deps.onTargetsChanged()
    return { count, held }
  }

  failedOf(endpointId: string, targetId?: string): string[] {
    return [...this.deliveries.values()]
      .filter((d) => d.endpointId === endpointId && (targetId === undefined || d.targetId === targetId) && d.state === 'failed' && d.targetId !== null && !d.proxied)
      .map((d) => d.captureId)
      .sort()
  }

  waitingOf(endpointId: string, targetId?: string): string[] {
    const out: string[] = []
    for (const queue of this.queues.values()) {
      if (queue.endpointId !== endpointId || (targetId !== undefined && queue.targetId !== targetId)) continue
      for (const id of queue.items) {
        const state = this.deliveries.get(id)?.state
        if (state === 'pending' || state === 'retrying') out.push(id)
      }
    }
    return out
  }

  /**
   * Try a target's queue now instead of waiting out its backoff. If that fails again, the backoff goes
   * on from where it was (the attempt counts like any other). False when nothing waits for a backoff.
   */
  retryNow(endpointId: string, targetId: string): boolean {
    const queue = this.queues.get(queueKey(endpointId, targetId))
    const endpoint = this.deps.endpoint(endpointId)
    const target = endpoint?.forward.targets.find((t) => t.id === targetId)
    if (!queue?.timer || !target || target.paused || endpoint!.forward.mode !== 'async' || this.closed) return false
    // A timer may outlive what it waited for (all of it dropped meanwhile): nothing to try then.
    if (!queue.items.some((id) => !TERMINAL.has(this.deliveries.get(id)?.state ?? 'delivered'))) return false
    this.runNow(queue)
    this.deps.onTargetsChanged()
    return true
  }

  /** Run a queue now, without waiting out its backoff: what waits is no longer due at a later time. */
  private runNow(queue: TargetQueue): void {
    if (queue.timer) {
      clearTimeout(queue.timer)
      queue.timer = null
    }
    queue.nextAttemptAt = null
    for (const id of queue.items) {
      const delivery = this.deliveries.get(id)
      if (delivery) delivery.nextAttemptAt = null
    }
    void this.run(queue)
  }

  /** Do not deliver these (they stay captured). */
  async drop(captureIds: string[]): Promise<number> {
    let count = 0
    for (const id of captureIds) {
      const delivery = this.deliveries.get(id)
      if (!delivery || (delivery.state !== 'pending' && delivery.state !== 'retrying' && delivery.state !== 'failed')) continue
      // A proxied request's failure is what its sender got: there is nothing to drop, and its reason stays.
      if (delivery.proxied) continue
      await this.settle(delivery, 'dropped', 'dropped by the user')
      count++
    }
    for (const queue of this.queues.values()) if (queue.items.length > 0) void this.run(queue)
    this.deps.onTargetsChanged()
    return count
  }

  /** An endpoint's forwarding settings changed: resume or hold its queues. */
  configChanged(endpoint: Endpoint): void {
    for (const queue of this.queues.values()) {
      if (queue.endpointId !== endpoint.id) continue
      const target = endpoint.forward.targets.find((t) => t.id === queue.targetId)
      if (target && target.url !== queue.url) {
        // Another address: what was found of the old one says nothing of it.
        queue.url = target.url
        queue.health = 'unknown'
        queue.lastError = null
        if (queue.state === 'idle' || queue.state === 'down') queue.state = 'unknown'
      }
      if (!target) void this.run(queue)
      else if (!target.paused && endpoint.forward.mode === 'async') this.runNow(queue)
      else this.setQueueState(queue, 'paused')
    }
    this.deps.onTargetsChanged()
  }

  statuses(endpoints: Endpoint[]): TargetStatus[] {
    const out: TargetStatus[] = []
    for (const endpoint of endpoints) {
      // Failed deliveries by target, in one pass over the deliveries.
      const failedBy = new Map<string, number>()
      for (const d of this.deliveries.values()) {
        if (d.endpointId === endpoint.id && d.targetId !== null && d.state === 'failed' && !d.proxied) failedBy.set(d.targetId, (failedBy.get(d.targetId) ?? 0) + 1)
      }
      const openOf = (queue: TargetQueue | undefined) => (queue ? queue.items.filter((id) => !TERMINAL.has(this.deliveries.get(id)?.state ?? 'delivered')) : [])
      for (const target of endpoint.forward.targets) {
        const queue = this.queues.get(queueKey(endpoint.id, target.id))
        const open = openOf(queue)
        const waiting = open.length
        const failed = failedBy.get(target.id) ?? 0
        let state: TargetStatus['state']
        if (target.paused || (endpoint.forward.mode !== 'async' && waiting > 0)) state = 'paused'
        else if (!queue) state = 'unknown'
        // Proxy mode runs no queue: the state is what the last proxied request found. So it is for a
        // queue last held while its target was paused or not in async mode, until it runs again.
        else if (endpoint.forward.mode !== 'async' || queue.state === 'paused') state = queue.health
        else state = queue.state
        out.push({
          endpointId: endpoint.id,
          targetId: target.id,
          url: target.url,
          state,
          waiting,
          failed,
          lastError: queue?.lastError ?? null,
          nextAttemptAt: queue?.timer ? queue.nextAttemptAt : null,
          headId: open[0] ?? null,
          removed: false,
        })
      }
      // Targets the endpoint no longer has (saved ones a run-only override hides are still its own),
      // with requests that failed or still wait for them: so that they can be retried or dropped.
      const known = new Set((this.deps.endpoint(endpoint.id) ?? endpoint).forward.targets.map((t) => t.id))
      const gone = new Set<string>()
      for (const targetId of failedBy.keys()) if (!known.has(targetId)) gone.add(targetId)
      for (const queue of this.queues.values()) if (queue.endpointId === endpoint.id && !known.has(queue.targetId) && openOf(queue).length > 0) gone.add(queue.targetId)
      for (const targetId of [...gone].sort()) {
        const queue = this.queues.get(queueKey(endpoint.id, targetId))
        const open = openOf(queue)
        out.push({
          endpointId: endpoint.id,
          targetId,
          // Its URL as this run knew it, else as its last attempt (maybe in an earlier run) was sent to.
          url: queue?.url ?? this.attemptedUrls.get(queueKey(endpoint.id, targetId)) ?? '',
          state: 'unknown',
          waiting: open.length,
          failed: failedBy.get(targetId) ?? 0,
          lastError: TARGET_GONE,
          nextAttemptAt: null,
          headId: open[0] ?? null,
          removed: true,
        })
      }
    }
    return out
  }

  // ——— lifecycle ———

  /** Captures removed from history: forget their deliveries. */
  forget(captureIds: string[]): void {
    for (const id of captureIds) {
      const delivery = this.deliveries.get(id)
      if (!delivery) continue
      const orphans: string[] = []
      for (const sha256 of delivery.blobs ?? []) if (this.deps.blobs.release(sha256)) orphans.push(sha256)
      void this.deps.blobs.collect(orphans)
      this.deliveries.delete(id)
    }
    for (const queue of this.queues.values()) queue.items = queue.items.filter((id) => this.deliveries.has(id))
    this.deps.onTargetsChanged()
  }

  async segmentsDropped(segments: number[]): Promise<void> {
    for (const n of segments) {
      const journal = this.journals.get(n)
      this.journals.delete(n)
      this.attemptLines.delete(n)
      await journal?.close()
      await fs.rm(path.join(this.deps.dir, `seg-${String(n).padStart(6, '0')}.journal`), { force: true })
    }
  }

  private async load(): Promise<void> {
    await fs.mkdir(this.deps.dir, { recursive: true })
    const files = (await fs.readdir(this.deps.dir)).filter((name) => /^seg-\d{6}\.journal$/.test(name)).sort()
    const plans = new Map(this.deps.history.plans().map((p) => [p.id, p]))
    /** Captures with journal lines: what happened after the capture-time decision. */
    const journaled = new Set<string>()
    /** Attempts that left and whose end was never written, by id. */
    const begun = new Map<string, BegunAttempt>()
    for (const name of files) {
      const { lines, damaged } = parseJournal(await fs.readFile(path.join(this.deps.dir, name), 'utf8'))
      if (damaged > 0) this.deps.onNotice({ level: 'warning', code: 'DOCUMENT_CORRUPT', message: `${damaged} damaged line(s) in forward/${name} were skipped.` })
      for (const line of lines) {
        const attempt = StoredAttempt.safeParse(line)
        if (attempt.success) {
          begun.delete(attempt.data.id)
          if (this.restoreAttempt(attempt.data) !== undefined) journaled.add(attempt.data.captureId)
          continue
        }
        const sent = BegunAttempt.safeParse(line)
        if (sent.success) {
          begun.set(sent.data.id, sent.data)
          continue
        }
        const state = StoredState.safeParse(line)
        if (state.success) {
          const s = state.data
          const summary = this.deps.history.summary(s.captureId)
          if (!summary) continue
          journaled.add(s.captureId)
          const delivery = this.restoreDelivery(s.captureId, summary, plans.get(s.captureId)?.plan.targetId ?? null)
          delivery.state = s.state
          delivery.error = s.reason
          delivery.nextAttemptAt = s.state === 'retrying' ? (s.nextAttemptAt ?? null) : null
          // Written before unanswered captures had a state of their own: never to be retried.
          if (s.state === 'failed' && s.reason === `not forwarded: ${UNANSWERED}`) {
            delivery.state = 'skipped'
            delivery.error = UNANSWERED
          }
          if (s.state === 'pending') {
            delivery.sinceQueued = 0
            delivery.queuedAt = s.at
            if (s.targetId) delivery.targetId = s.targetId
          }
        }
      }
    }
    // Sent, then Hookscope was killed before the answer: listed as cut short (the app may have taken
    // it), and written as such, before the queue sends it again.
    for (const { t: _t, ...sent } of begun.values()) {
      const cut: StoredAttempt = {
        ...sent,
        t: 'a',
        status: null,
        statusText: null,
        rawHeaders: [],
        body: null,
        timings: { connectMs: null, firstByteMs: null, totalMs: null },
        error: { code: 'ABORTED', message: INTERRUPTED },
        inline: null,
      }
      const segment = this.restoreAttempt(cut)
      if (segment === undefined) continue
      journaled.add(cut.captureId)
      if (segment === null) continue
      this.journalOf(segment)
        .append(`${JSON.stringify(cut)}\n`, true)
        .catch((e: Error) => this.deps.onNotice({ level: 'error', code: 'STORE_WRITE_FAILED', message: `A forward attempt could not be saved: ${e.message}` }))
    }
    for (const { id, plan } of plans.values()) {
      const summary = this.deps.history.summary(id)
      if (!summary) continue
      const delivery = this.restoreDelivery(id, summary, plan.targetId)
      delivery.proxied = plan.mode === 'proxy'
      if (plan.state !== 'pending' && (plan.state === 'skipped' || plan.state === 'failed' || !journaled.has(id))) {
        // Decided at capture time (blocked, unrouted, not forwardable), and nothing more happened: a
        // blocked or unrouted one the user sent anyway has journal lines, read like any other's.
        delivery.state = plan.state ?? 'failed'
        // Decided 'failed' at capture time, before these had a state of their own: not forwardable, or
        // its sender never answered. Read as skipped, so that "Retry failed" never sends it.
        if (delivery.state === 'failed' && delivery.attemptCount === 0) delivery.state = 'skipped'
        if (delivery.state === 'skipped') delivery.error = notForwardable(summary) ?? UNANSWERED
      } else if (plan.mode === 'async' && summary.status === null && !journaled.has(id)) {
        // Stored before it was answered (a rule's delay), and Hookscope stopped before the answer
        // went out: its sender was never answered, so it is not forwarded either.
        delivery.state = 'skipped'
        delivery.error = UNANSWERED
      } else if (plan.mode === 'proxy') {
        // A proxied request settles with its one attempt.
        delivery.state = delivery.attemptCount > 0 && delivery.lastDelivered ? 'delivered' : 'failed'
      } else {
        // Queued delivery: whatever was not finished before the stop is delivered now, in order; one
        // waiting out a backoff or a Retry-After goes on waiting until its next attempt is due.
        if (delivery.state === 'delivering') delivery.state = 'pending'
        if (delivery.state === 'retrying' && (delivery.nextAttemptAt === null || delivery.nextAttemptAt <= this.deps.clock.now())) {
          delivery.state = 'pending'
          delivery.nextAttemptAt = null
        }
        if ((delivery.state === 'pending' || delivery.state === 'retrying') && delivery.targetId) this.queueFor(delivery.endpointId, delivery.targetId).items.push(id)
      }
    }
    for (const delivery of this.deliveries.values()) this.deps.history.setForward(delivery.captureId, this.summaryOf(delivery))
    for (const queue of this.queues.values()) queue.items.sort()
  }

  /** An attempt read back at start, into its delivery: the segment of its capture (undefined when the capture is gone). */
  private restoreAttempt(a: StoredAttempt): number | null | undefined {
    const summary = this.deps.history.summary(a.captureId)
    if (!summary) return undefined
    const delivery = this.restoreDelivery(a.captureId, summary, a.targetId || null)
    if (a.targetId) delivery.targetId = a.targetId
    if (a.targetId && a.targetUrl) this.attemptedUrls.set(queueKey(delivery.endpointId, a.targetId), a.targetUrl)
    if (a.targetId) {
      // The target's latest attempt (segments are read one after the other, not in time) says whether it was reached.
      const key = queueKey(delivery.endpointId, a.targetId)
      const latest = this.reachedAtStart.get(key)
      if (!latest || latest.at <= a.startedAt) this.reachedAtStart.set(key, { at: a.startedAt, reached: !a.error || answeredLate(a) })
    }
    const accepted = a.error === null && a.status !== null && accepts(a.status)
    const segment = this.deps.history.segmentOf(a.captureId)
    if (segment !== null) delivery.lastSlot = this.linesOf(segment).add(JSON.stringify(a), delivery.lastSlot)
    delivery.attemptCount++
    delivery.lastStatus = a.status
    delivery.lastDelivered = accepted
    delivery.sinceQueued++
    delivery.error = attemptError(a)
    // An attempt after a wait was written ends it (a "retry now", say).
    delivery.nextAttemptAt = null
    // The target accepted it: delivered, even if the stop came before that was written down.
    if (accepted) delivery.state = 'delivered'

    if (a.body?.storage === 'blob') {
      this.deps.blobs.retain(a.body.sha256)
      ;(delivery.blobs ??= []).push(a.body.sha256)
    }
    return segment
  }

  private restoreDelivery(captureId: string, summary: CaptureSummary, targetId: string | null): Delivery {
    let delivery = this.deliveries.get(captureId)
    if (!delivery) {
      delivery = newDelivery(captureId, summary.endpointId, targetId, summary.receivedAt, 'pending', null)
      this.deliveries.set(captureId, delivery)
    }
    if (targetId && !delivery.targetId) delivery.targetId = targetId
    return delivery
  }

  async close(): Promise<void> {
    this.closed = true
    for (const queue of this.queues.values()) if (queue.timer) clearTimeout(queue.timer)
    // Cut attempts in progress short; they are recorded as aborted and a restart delivers them again.
    this.stopping.stopAll()
    await Promise.allSettled([...this.inFlight])
    for (const agent of this.agents.values()) agent.destroy()
    await Promise.all([...this.journals.values()].map((journal) => journal.close()))
  }
}
