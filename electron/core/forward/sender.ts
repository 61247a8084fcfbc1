// The one HTTP client for forwarding and replays. Owns: sending a request exactly as given (raw
// header pairs in order and case, the path as a string, a body from memory or a stream with
// backpressure), never following redirects or decoding the response, timing it, storing what came
// back (capped), optionally relaying it as it arrives, and naming what went wrong.
import http from 'node:http'
import https from 'node:https'
import net, { type LookupFunction } from 'node:net'
import type { Readable, Writable } from 'node:stream'
import type { RawHeaders, SendError } from '../../../shared/model'
import type { BodySpool, SpooledBody } from '../store/blobs'
import { pairsOf } from '../capture/headers'

export interface SendRequest {
  /** Scheme, host and port come from here; nothing in `path` can change them. */
  origin: URL
  /** The exact path and query to send. */
  path: string
  method: string
  headers: RawHeaders
  body: Buffer | { stream: () => Readable; length: number }
  timeoutMs: number
  /** How much of the response body to keep. */
  maxResponseBytes: number
  spool: () => BodySpool
  agent?: http.Agent
  /**
   * Called with the response head; a writable returned receives the body as it arrives (proxy mode).
   * `failure()` tells whether the exchange with the target has already ended in an error, and which:
   * a writable returned then gets what came of the body and is cut off (see `cutRelay`).
   */
  relay?: (head: ResponseHead, failure: () => SendResult['error']) => Promise<Writable | null>
  /** Cut short (recorded as ABORTED) when this group stops. */
  stop?: StopGroup
}

export interface ResponseHead {
  status: number
  statusText: string
  rawHeaders: RawHeaders
}

export interface SendResult {
  head: ResponseHead | null
  body: SpooledBody | null
  /** Bytes of response body received (may exceed what was kept). */
  bodySize: number
  truncated: boolean
  timings: { connectMs: number | null; firstByteMs: number | null; totalMs: number | null }
  error: SendError | null
  /**
   * The header lines of the request as Node wrote them: the ones given, in order, then those it adds
   * itself (`Connection: keep-alive`). Null when no request was made.
   */
  sentHeaders: RawHeaders | null
}

const KEEP_ALIVE_TAIL = 'Connection: keep-alive\r\n\r\n'
const KEEP_ALIVE: [string, string] = ['Connection', 'keep-alive']

/**
 * The header pairs of the head Node wrote for a request (`_header`: the request line, then one
 * `Name: value` line per header): the given ones, written first and as given, then the ones Node adds
 * itself. `given` is how long the request line and the given headers are as written, so only what
 * follows them is read; almost always just `Connection: keep-alive`, matched as a whole.
 */
function wireHeaders(req: http.ClientRequest | undefined, headers: RawHeaders, given: number): RawHeaders | null {
  const head = (req as { _header?: unknown } | undefined)?._header
  if (typeof head !== 'string') return null
  if (head.length === given + 2) return headers
  if (head.length === given + KEEP_ALIVE_TAIL.length && head.endsWith(KEEP_ALIVE_TAIL)) return [...headers, KEEP_ALIVE]
  // Anything else: every line read back (from the start, should the given ones not be where expected).
  const from = given < head.length && head.charCodeAt(given - 1) === 0x0a ? given : head.indexOf('\r\n') + 2
  const pairs: RawHeaders = from === given ? [...headers] : []
  for (let at = from, end = head.indexOf('\r\n', at); at > 1 && end > at; at = end + 2, end = head.indexOf('\r\n', at)) {
    const colon = head.indexOf(':', at)
    if (colon < 0 || colon > end) return null
    pairs.push([head.slice(at, colon), head.slice(head.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1, end)])
  }
  return pairs
}

/** The error's message; a connection that tried several addresses (localhost: 127.0.0.1 and ::1)
 * fails with an AggregateError whose own message is empty, so its attempts' messages are used. */
function messageOf(error: Error): string {
  if (error.message !== '' || !(error instanceof AggregateError)) return error.message
  const inner = (error.errors as unknown[]).map((e) => (e instanceof Error ? e.message : String(e))).filter((m) => m !== '')
  return inner.length > 0 ? [...new Set(inner)].join('; ') : error.name
}

/** What is wrong with an answer Node's HTTP parser refused, in words rather than the parser's codes. */
function invalidAnswer(code: string, message: string): string {
  const reason = message.replace(/^Parse Error: /, '')
  switch (code) {
    case 'HPE_INVALID_CONSTANT':
      return 'the answer is not HTTP: it does not start with a status line such as “HTTP/1.1 200 OK” (is another kind of server listening on that port?)'
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CONTENT_LENGTH':
      if (/can't be present/.test(reason)) return 'the answer is not valid HTTP: it has both Content-Length and Transfer-Encoding, which HTTP forbids'
      break
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return 'the answer is not valid HTTP: it has more than one Content-Length'
    case 'HPE_CR_EXPECTED':
    case 'HPE_LF_EXPECTED':
      return 'the answer is not valid HTTP: its lines end with a line feed alone, where HTTP needs a carriage return and a line feed'
    case 'HPE_HEADER_OVERFLOW':
      return `the answer’s headers are larger than Hookscope reads (${Math.round(http.maxHeaderSize / 1024)} KiB)`
  }
  return `the answer is not valid HTTP (${reason})`
}

/** How an https:// answer whose certificate no trusted authority vouches for fails (the forwarder adds what to do). */
export const UNTRUSTED_CERTIFICATE = "TLS failed: no trusted authority vouches for the target's certificate"

/** An error in Hookscope's own words, nothing of the system's kept apart. */
const inWords = (code: SendError['code'], message: string): SendError => ({ code, message })

/** An error whose message wraps the system's own words: `<words> (<detail>)`, kept apart as the detail too. */
const wrapping = (code: SendError['code'], words: string, detail: string): SendError => ({ code, message: `${words} (${detail})`, detail })

export function classifyError(error: NodeJS.ErrnoException & { code?: string }): SendError {
  const code = error.code ?? ''
  const message = messageOf(error)
  if (code === 'ECONNREFUSED') return wrapping('REFUSED', 'connection refused', message)
  if (error instanceof TimeoutError) return { ...inWords('TIMEOUT', message), timeout: { waitingFor: error.waitingFor, ms: error.ms } }
  if (code === 'ETIMEDOUT') return inWords('TIMEOUT', message)
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return wrapping('RESET', 'connection reset', message)
  if (code.startsWith('HPE_') || code === 'ERR_HTTP_INVALID_STATUS_CODE' || code === 'ERR_INVALID_HTTP_RESPONSE') {
    return inWords('INVALID_RESPONSE', invalidAnswer(code, message))
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return wrapping('DNS', 'host not found', message)
  // OpenSSL's own errors (EPROTO, ERR_SSL_…) read `<id>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:`:
  // only the reason means anything to the user.
  const openssl = /:SSL routines:[^:]*:([^:]+):/.exec(message)
  if (code === 'EPROTO' || openssl || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_') || /SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i.test(code + message)) {
    const reason = openssl ? openssl[1]!.trim() : message.trim()
    // A server that speaks plain HTTP answers the TLS greeting in text, which OpenSSL reads as a record
    // of an unknown version: the usual https:// typed for a dev server that serves http://.
    if (/wrong version number|packet length too long|http request/i.test(reason)) {
      const advice = 'if it serves plain HTTP, use http:// instead of https://'
      return { ...inWords('TLS', `TLS failed: the target does not answer HTTPS on this port (${reason}); ${advice}`), advice }
    }
    // A local app's own certificate (self-signed, or from a local authority such as mkcert's, which
    // Node does not read from the system): the target, or the send, can be told to accept it.
    if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/i.test(code) || /self[- ]signed|unable to verify|unable to get (local )?issuer/i.test(reason)) {
      return { ...inWords('TLS', `${UNTRUSTED_CERTIFICATE} (${reason})`), remedy: 'accept-self-signed' }
    }
    return wrapping('TLS', 'TLS failed', reason)
  }
  if (code === 'ABORT_ERR' || error.name === 'AbortError') return inWords('ABORTED', message)
  return inWords('OTHER', code ? `${code}: ${message}` : message)
}

const LOOPBACKS = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
]

/** `localhost` or a name under it, as a URL gives it (lowercase, punycode), a final dot allowed. */
export function isLocalhost(hostname: string): boolean {
  return /(^|\.)localhost\.?$/.test(hostname)
}

function lookupLocalhost(_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void): void {
  const family = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0
  const candidates = family === 0 ? LOOPBACKS : LOOPBACKS.filter((candidate) => candidate.family === family)
  if (options.all) callback(null, candidates)
  else callback(null, candidates[0]!.address, candidates[0]!.family)
}

/** A request in a StopGroup: its links and request are cleared when it leaves. */
interface Member {
  prev: Member | null
  next: Member | null
  req: { destroy(error: Error): unknown } | null
}

/**
 * The requests in progress that one stop cuts short (the forwarder's, when the engine closes). Not an
 * AbortSignal shared by every request: its listeners are a linked list whose removed nodes keep
 * their links and callbacks. Once one of them had lived through two young-generation collections
 * (a slow request), every request added after it stayed reachable from that dead node and was copied
 * and promoted in turn until the next full collection; adding and removing also walked the list.
 * Here joining and leaving cost O(1) and a request that left is referenced by nothing it touched.
 */
export class StopGroup {
  private head: Member | null = null
  private stopped: (() => Error) | null = null

  join(req: { destroy(error: Error): unknown }): Member | null {
    if (this.stopped) {
      req.destroy(this.stopped())
      return null
    }
    const member: Member = { prev: null, next: this.head, req }
    if (this.head) this.head.prev = member
    this.head = member
    return member
  }

  leave(member: Member): void {
    if (member.req === null) return
    if (member.prev) member.prev.next = member.next
    else this.head = member.next
    if (member.next) member.next.prev = member.prev
    member.prev = member.next = member.req = null
  }

  /** Stop every request in progress, and any that joins later (with `error`: why, as its attempt says). */
  stopAll(error: () => Error = stoppingError): void {
    this.stopped = error
    let member = this.head
    this.head = null
    while (member) {
      const { next, req } = member
      member.prev = member.next = member.req = null
      req?.destroy(error())
      member = next
    }
  }
}

/** Methods a client may send again after a failure without changing what the request did (RFC 9110, 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

const stoppingError = () => Object.assign(new Error('Hookscope is stopping'), { code: 'ABORT_ERR' })
/** The loopback address of the other family, as a URL names it. */
const OTHER_LOOPBACK: Record<string, { address: string; named: string; ownName: string }> = {
  '127.0.0.1': { address: '::1', named: '[::1]', ownName: '127.0.0.1' },
  '::1': { address: '127.0.0.1', named: '127.0.0.1', ownName: '[::1]' },
}

/** How long the other loopback address is given to take a connection: an answer there is immediate. */
const LOOPBACK_PROBE_MS = 500

/**
 * After a refusal by 127.0.0.1 or ::1, whether something takes connections on the other loopback
 * address at the same port (a dev server listening on only one of them), and if so what to use
 * instead; null otherwise. One connection, closed as soon as it opens: nothing is sent on it.
 */
function otherLoopbackHint(origin: URL, destination: Destination): Promise<string | null> {
  const other = OTHER_LOOPBACK[destination.hostname]
  if (!other) return Promise.resolve(null)
  const port = Number(destination.port)
  return new Promise((resolve) => {
    const socket = net.connect({ host: other.address, port })
    const done = (answers: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      // The URL to use instead: the same scheme, port and (a target's) base path.
      const rest = `${origin.port ? `:${origin.port}` : ''}${origin.pathname === '/' ? '' : origin.pathname}`
      resolve(answers ? `Nothing listens on ${other.ownName}:${port}, but something does on ${other.named}:${port}: use ${origin.protocol}//localhost${rest} or ${origin.protocol}//${other.named}${rest}` : null)
    }
    const timer = setTimeout(() => done(false), LOOPBACK_PROBE_MS)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

const NOTHING = Buffer.alloc(0)

/**
 * Ends a relay whose answer was cut short, as the target ended it: once what was written went out,
 * the head with it (an http.ServerResponse holds its head until a write, and its socket corked until
 * the next tick: destroyed at once, the sender would get nothing at all), the connection ends
 * without the rest (no last chunk: the sender sees the answer cut short, never whole). A sink whose
 * reader stalled is cut at once: waiting for it could last for ever.
 */
function cutRelay(sink: Writable): void {
  if (sink.destroyed) return
  if (sink.writableNeedDrain) return void sink.destroy()
  sink.write(NOTHING, () => sink.destroy())
}

/** A request the user cancelled before it was answered. */
export const cancelledError = (): Error => Object.assign(new Error('cancelled before the answer was complete'), { code: 'ABORT_ERR' })

const midResponse = () => inWords('RESET', 'the target closed the connection mid-response')

class TimeoutError extends Error {
  readonly code = 'HOOKSCOPE_TIMEOUT'
  constructor(
    readonly waitingFor: 'answer' | 'data',
    readonly ms: number,
  ) {
    super(waitingFor === 'answer' ? `no response within ${ms} ms` : `no data for ${ms} ms`)
  }
}

/** What a request needs of its target's URL, worked out once per URL object (a forward target's is kept). */
interface Destination {
  protocol: string
  hostname: string
  port: string | number
  secure: boolean
  lookup: LookupFunction | undefined
}
const destinations = new WeakMap<URL, Destination>()
function destinationOf(origin: URL): Destination {
  let destination = destinations.get(origin)
  if (!destination) {
    const secure = origin.protocol === 'https:'
    destination = {
      protocol: origin.protocol,
      hostname: origin.hostname.replace(/^\[|\]$/g, ''),
      port: origin.port || (secure ? 443 : 80),
      secure,
      // Dev servers often listen on only one of ::1 and 127.0.0.1, and what `localhost` resolves to
      // differs between systems. Offer both; Node 20+ tries each ("happy eyeballs"). A name under
      // `localhost` (`app.localhost`, `xn--caf-dma.localhost`) is loopback too (RFC 6761), as
      // browsers and curl take it, where the system's resolver often knows no such name.
      lookup: isLocalhost(origin.hostname) ? (lookupLocalhost as unknown as LookupFunction) : undefined,
    }
    destinations.set(origin, destination)
  }
  return destination
}

export function send(request: SendRequest): Promise<SendResult> {
  const started = performance.now()
  const since = () => Math.round((performance.now() - started) * 1000) / 1000
  const timings: SendResult['timings'] = { connectMs: null, firstByteMs: null, totalMs: null }
  const flat: string[] = []
  // How long the request line and these headers are as Node writes them (`Name: value\r\n` each).
  let given = request.method.length + request.path.length + 11
  for (const [name, value] of request.headers) {
    flat.push(name, value)
    given += name.length + value.length + 4
  }
  const destination = destinationOf(request.origin)
  const client = destination.secure ? https : http

  return new Promise<SendResult>((resolve) => {
    let settled = false
    // One timer per request: first the deadline for the response head, then, once it came, the
    // longest wait for more of the body (refreshed by each chunk); gone once the body has ended.
    let timer: NodeJS.Timeout | null = null
    let waitingFor: 'head' | 'data' = 'head'
    let member: Member | null = null
    let head: ResponseHead | null = null
    let spool: BodySpool | null = null
    let received = 0
    let truncated = false
    let failure: SendResult['error'] = null
    // Reads what the response holds back while the relay is not ready (see 'response').
    let readHeldBack: (() => void) | null = null
    const finish = (error: SendError | null): void => {
      if (settled) return
      // What came of a body before it failed is kept, and relayed, with the rest.
      if (error !== null) readHeldBack?.()
      settled = true
      failure = error
      if (timer) clearTimeout(timer)
      if (member) request.stop!.leave(member)
      timings.totalMs = since()
      // req is not assigned yet when Node refused to build the request.
      const result: SendResult = { head, body: null, bodySize: received, truncated, timings, error, sentHeaders: wireHeaders(req as http.ClientRequest | undefined, request.headers, given) }
      // A body kept in memory is ready now: no turn of the loop to wait.
      const inMemory = spool?.finishInMemory() ?? null
      if (!spool || inMemory) {
        result.body = inMemory
        return resolve(result)
      }
      const spilled = spool
      spilled.finish().then(
        (body) => {
          result.body = body
          resolve(result)
        },
        () => spilled.discard().then(() => resolve(result)),
      )
    }

    let req!: http.ClientRequest
    let response: http.IncomingMessage | null = null
    let retried = false
    const start = (): void => {
      try {
        req = client.request({
          protocol: destination.protocol,
          hostname: destination.hostname,
          port: destination.port,
          method: request.method,
          path: request.path,
          headers: flat,
          setHost: false,
          agent: request.agent,
          lookup: destination.lookup,
        })
      } catch (error) {
        finish(classifyError(error as NodeJS.ErrnoException))
        return
      }
      if (request.stop) member = request.stop.join(req)
      if (timer) timer.refresh()
      else {
        timer = setTimeout(
          () => req.destroy(new TimeoutError(waitingFor === 'head' ? 'answer' : 'data', request.timeoutMs)),
          request.timeoutMs,
        )
      }
      // 'socket', 'response', 'end' and 'close' come once each, and finish() settles only once: plain
      // listeners, without once()'s wrapper.
      req.on('socket', (socket) => {
        if (!socket.connecting) timings.connectMs = 0
        else socket.once(destination.secure ? 'secureConnect' : 'connect', () => (timings.connectMs = since()))
      })
      const sent = req
      req.on('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code
        // The answer came whole, then bytes that belong to no answer (a body after a 204, a 304 or a
        // HEAD's answer, or past a Content-Length counted in characters): Node's parser fails on them
        // and drops the connection, but the target answered. Its answer stands, as curl takes it, and
        // ends as usual; a request it accepted is never sent again for what followed.
        if (response?.complete && code?.startsWith('HPE_')) return
        if (code === 'ECONNREFUSED' && !settled) {
          // Refused on one loopback address: the app may listen on the other one only.
          const refused = classifyError(error as NodeJS.ErrnoException)
          void otherLoopbackHint(request.origin, destination).then((hint) => finish(hint ? { ...refused, message: `${refused.message}. ${hint}`, advice: hint } : refused))
          return
        }
        // A kept-alive connection the target closed just as it was reused (its idle timeout): the request
        // may never have reached it. Sent again, once, on a new connection; the attempt records only that
        // second exchange. Only an idempotent request: from here, that reset looks the same as a target
        // that read the request and then closed or crashed, and a POST must never be delivered twice.
        if (!retried && !settled && head === null && sent.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && IDEMPOTENT.has(request.method)) {
          retried = true
          if (member) request.stop!.leave(member)
          member = null
          return start()
        }
        finish(classifyError(error as NodeJS.ErrnoException))
      })
      req.on('response', (res) => {
        response = res
        timings.firstByteMs = since()
        waitingFor = 'data'
        timer?.refresh()
        head = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', rawHeaders: pairsOf(res.rawHeaders) }
        spool = request.spool()
        // Listened to at once, not once the relay is ready: the target may send its whole answer, or
        // reset, before the sender can be answered (proxy mode waits for the capture to be stored).
        // Until then the body is held back (paused) and what already came is kept for the sink.
        let sink: Writable | null = null
        let ready = request.relay === undefined
        let ended = false
        const early: Buffer[] = []
        const forward = (chunk: Buffer) => {
          if (sink && !sink.write(chunk)) {
            res.pause()
            sink.once('drain', () => res.resume())
          }
        }
        const onData = (chunk: Buffer) => {
          timer?.refresh()
          received += chunk.length
          const room = request.maxResponseBytes - spool!.bytes
          if (room > 0) spool!.write(room >= chunk.length ? chunk : chunk.subarray(0, room))
          else truncated = true
          if (ready) forward(chunk)
          else early.push(chunk)
        }
        res.on('data', onData)
        // Paused (below, or by the sink's backpressure), the response keeps what arrives in its own
        // buffer, which a failure discards: read here (an errored stream emits no 'data' for it).
        readHeldBack = () => {
          res.off('data', onData)
          for (let chunk = res.read() as Buffer | null; chunk !== null; chunk = res.read() as Buffer | null) onData(chunk)
        }
        res.on('end', () => {
          ended = true
          if (timer) clearTimeout(timer)
          timer = null
          if (!ready) return
          sink?.end()
          finish(null)
        })
        // The sender of a relayed request went away before the answer reached it whole.
        let senderLeft = false
        res.on('close', () => {
          if (res.complete) return
          readHeldBack!()
          if (sink) cutRelay(sink)
          finish(senderLeft ? inWords('ABORTED', 'the sender went away before the whole answer reached it') : midResponse())
        })
        res.on('error', (error) => {
          readHeldBack!()
          if (sink) cutRelay(sink)
          // Node's "aborted": the connection ended (closed or reset) before the body did.
          finish((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? midResponse() : classifyError(error as NodeJS.ErrnoException))
        })
        if (!request.relay) return
        res.pause()
        request.relay(head, () => (settled ? failure : null)).then(
          (relaySink) => {
            if (settled) {
              // The target failed while the sender waited. A sink given all the same (a 2xx whose body
              // was cut short, which the app took) gets the answer as it came from the target: its
              // head, what came of its body, then the end of the connection.
              if (relaySink) {
                for (const chunk of early.splice(0)) relaySink.write(chunk)
                cutRelay(relaySink)
              }
              return
            }
            sink = relaySink
            ready = true
            for (const chunk of early.splice(0)) forward(chunk)
            sink?.once('close', () => {
              // The sender went away: stop reading from the target.
              if (!res.complete) {
                senderLeft = true
                res.destroy()
              }
            })
            if (ended) {
              sink?.end()
              finish(null)
            } else if (!sink || sink.writableNeedDrain !== true) res.resume()
          },
          (error: unknown) => {
            res.destroy()
            finish(classifyError(error as NodeJS.ErrnoException))
          },
        )
      })
      if (Buffer.isBuffer(request.body)) req.end(request.body)
      else {
        const stream = request.body.stream()
        stream.once('error', (error) => sent.destroy(error))
        sent.once('close', () => stream.destroy())
        stream.pipe(req)
      }
    }
    start()
  })
}
