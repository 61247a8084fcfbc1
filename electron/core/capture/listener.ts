// One endpoint's HTTP listener: the capture plane. Owns: accepting any request from any sender,
// recording it byte for byte (raw request target, raw header pairs, exact body bytes, trailers),
// enforcing limits with a clear status, and answering with the endpoint's response rule only after
// the capture is durable. Never: serves anything but that response (no API, no UI, no CORS headers).
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Capture, CaptureFlag, CaptureSummary, Endpoint, EndpointStatus, Limits, RawHeaders } from '../../../shared/model'
import { emptyRejections, RESPONSE_BODY_KEPT_BYTES } from '../../../shared/model'
import { HookscopeError, storageProblemInWords } from '../../../shared/errors'
import type { Clock } from '../clock'
import type { BodySpool, SpooledBody } from '../store/blobs'
import { EMPTY_SHA256 } from '../store/blobs'
import { inlineBody, summaryOf, type CaptureRecord, type RecordUpdate } from '../store/history'
import { StopGroup } from '../forward/sender'
import { bindAddress, networkUrlsOf, type BindAddress } from './bind-address'
import { browserFlags, pairsOf, scanRequestHeaders, type RequestHeads } from './headers'

/** How often Node looks for expired header/request timeouts. Its default (30 s) made a 2 s header
 * timeout fire after 28 s; a quarter second keeps every timeout within about a second. */
const CONNECTION_CHECK_INTERVAL_MS = 250

export interface ProxyAnswer {
  status: number
  headers: RawHeaders
  bodySize: number
  /** The body, when Hookscope wrote it itself (an explanation); a relayed one is kept with its attempt. */
  body?: string
}

export interface CaptureSink {
  createSpool(): BodySpool
  /** Decide the capture's forwarding (sets record.forwardPlan); before it is committed. A promise
   * only when the decision must read the stored body (a JSON-field route over a large or compressed one). */
  plan(record: CaptureRecord): void | Promise<void>
  /** Proxy mode: send to the target and relay its answer once `durable` resolved; cut short when `stop` stops. */
  proxy(record: CaptureRecord, res: http.ServerResponse, durable: Promise<void>, stop: StopGroup): Promise<ProxyAnswer | null>
  /** Async mode: the capture is durable and answered; queue its delivery. */
  committed(record: CaptureRecord): void
  /** Its sender is never answered: its delivery is given up. `stored`: its line is written already. */
  unanswered(record: CaptureRecord, stored: boolean): void
  /** Durable once resolved. */
  commit(record: CaptureRecord, bodyHead: Buffer): Promise<void>
  /**
   * It could not be stored (the disk is full, the data folder refuses writes): `answer` is what its
   * sender was told instead (null: nothing, it had gone). `indexed`: the history lists it already (its
   * line was refused), rather than never having got it (its body could not be kept).
   */
  notStored(record: CaptureRecord, error: Error, answer: ProxyAnswer | null, indexed: boolean, respondedMs: number | null): void
  /**
   * Record what was answered (in memory; persisted with the segment). `journal`: also journal it now
   * (lazily), for an answer a crash could not tell from the capture's own line: one the target gave,
   * or none. The endpoint's own answer needs no line (see HistoryStore.update).
   */
  responded(id: string, update: RecordUpdate, journal?: boolean): CaptureSummary | null
  /** A stored capture waits out its rule's delay before it is answered (true), or no longer (false). */
  waiting(id: string, waiting: boolean): void
  /** A stored capture waits for its target's answer, relayed to its sender (true), or no longer (false). */
  relaying(id: string, relaying: boolean): void
  /** The answer about to go out to a capture stored before it (a rule's delay): journaled, and durable when this resolves. */
  answering(id: string, update: RecordUpdate): Promise<CaptureSummary | null>
  /** Headers parsed (the record is still being filled in). */
  received(record: CaptureRecord): void
  completed(summary: CaptureSummary): void
  statusChanged(status: EndpointStatus): void
}

export interface ListenerDeps {
  clock: Clock
  newId: () => string
  limits: () => Limits
  sink: CaptureSink
  /** The name of another endpoint listening on this endpoint's port at an address that overlaps its
   * own, asked when the port is refused: the user then learns which endpoint to change. */
  portHolder?: (endpoint: Endpoint) => Promise<string | null>
}

/**
 * A connection's time between requests: from its start, or on a kept-alive connection from the first
 * byte after its last answer, until the next request's headers end. Node times headers from a
 * request's first byte only, and skips the empty lines a sender may put before it without starting
 * its clock: on a kept-alive connection, a sender trickling `\r\n` would hold its place for good.
 */
interface Between {
  /** The request answered last when this span began (null: none yet). */
  after: http.IncomingMessage | null
  /** When the span's clock started (monotonic ms); -1 while a request is in progress, or while a kept-alive connection is idle. */
  since: number
  /** socket.bytesRead when the span began: more means the sender sent something since. */
  bytes: number
}

interface InFlight {
  req: http.IncomingMessage
  res: http.ServerResponse
  /** Store what arrived of a request that will not finish; `answer` is what the sender is told. */
  abandon(answer: { status: number; headers: RawHeaders; bodySize: number; body: string } | null): void
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
}

/** Answer a request that could not be stored with 503, so that its sender sends it again; null if it cannot be answered. */
function answerNotStored(res: http.ServerResponse, error: unknown): ProxyAnswer | null {
  if (res.headersSent || res.destroyed) return null
  // The problem in words, never the system's message: that names files, and so where the data folder
  // lies on this machine, which is the user's to read (in the notice), not the sender's.
  const body = `The request could not be stored: ${storageProblemInWords(error) ?? 'Hookscope could not write it to its data folder'}. Send it again later.\n`
  const headers: RawHeaders = [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']]
  res.writeHead(503, headers.flat())
  res.end(body)
  return { status: 503, headers, bodySize: Buffer.byteLength(body), body }
}

function rawResponse(status: number, message: string): string {
  const body = `${message}\n`
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
}

export class Listener {
  private server: http.Server | null = null
  private state: EndpointStatus['state'] = 'stopped'
  private boundPort: number | null = null
  private boundAddress: BindAddress | null = null
  /** What other machines would use to reach it, while it listens on a non-loopback address. */
  private networkUrls: string[] | null = null
  private error: EndpointStatus['error'] = null
  private readonly rejected = emptyRejections()
  private readonly sockets = new Map<Socket, Between>()
  /** Looks over the connections between requests (see Between), as Node checks its own timeouts. */
  private betweenCheck: NodeJS.Timeout | null = null
  private readonly refused = new WeakSet<Socket>()
  private readonly inFlight = new WeakMap<Socket, InFlight>()
  /** The response whose Connection: close ends its socket: requests pipelined behind it are never answered. */
  private readonly closers = new WeakMap<Socket, http.ServerResponse>()
  /**
   * Captures begun and not yet stored (or given up): stop() waits for them. A count, not a set of
   * the requests: a set that every request joins and leaves keeps each request's objects alive
   * through young-generation collections (a collection treats the set's storage, long promoted, as
   * a root), which copied about 7 KB per capture and cost a sixth of the capture path's time.
   */
  private inProgress = 0
  private whenIdle: (() => void) | null = null
  /** Ends a response rule's delay early, so a stop is not held up by it. */
  private readonly delays = new Set<() => void>()
  private stopping = false
  /** Requests proxied to a target: a stop cuts them short once their senders' connections are gone. */
  private proxies = new StopGroup()
  private endpoint: Endpoint

  constructor(
    endpoint: Endpoint,
    private readonly deps: ListenerDeps,
  ) {
    this.endpoint = endpoint
  }

  /** Response rule and name changes take effect on the next request; address changes need a restart. */
  setEndpoint(endpoint: Endpoint): void {
    this.endpoint = endpoint
  }

  get port(): number | null {
    return this.boundPort
  }

  /** Where it listens now, as the system bound it (a port 0 endpoint's real port). */
  bound(): (BindAddress & { port: number }) | null {
    return this.boundAddress && this.boundPort !== null ? { ...this.boundAddress, port: this.boundPort } : null
  }

  status(): EndpointStatus {
    const host = this.endpoint.host.includes(':') ? `[${this.endpoint.host}]` : this.endpoint.host
    const urlHost = this.endpoint.host === '0.0.0.0' || this.endpoint.host === '::' ? 'localhost' : host
    return {
      id: this.endpoint.id,
      state: this.state,
      port: this.boundPort,
      url: this.state === 'listening' && this.boundPort !== null ? `http://${urlHost}:${this.boundPort}/` : null,
      ...(this.state === 'listening' && this.networkUrls ? { networkUrls: [...this.networkUrls] } : {}),
      error: this.error,
      rejected: { ...this.rejected },
      connections: this.sockets.size,
    }
  }

  private setState(state: EndpointStatus['state'], error: EndpointStatus['error'] = null): void {
    this.state = state
    this.error = error
    this.deps.sink.statusChanged(this.status())
  }

  async start(): Promise<EndpointStatus> {
    if (this.server) return this.status()
    this.stopping = false
    this.proxies = new StopGroup()
    const server = http.createServer({
      ...serverLimits(this.deps.limits()),
      connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS,
      // A webhook inspector shows what was sent, even a request without Host.
      requireHostHeader: false,
      noDelay: true,
    })
    // Node keeps only the first maxHeadersCount headers and drops the rest silently. Lift its limit and
    // enforce ours ourselves, so too many headers get a 431 instead of a quietly shortened capture.
    server.maxHeadersCount = 0
    server.maxRequestsPerSocket = 0
    server.on('request', (req, res) => this.onRequest(req, res))
    server.on('checkContinue', (req, res) => this.onRequest(req, res, true))
    server.on('checkExpectation', (req, res) => this.onRequest(req, res))
    server.on('connect', (req, socket) => this.onConnect(req, socket as Socket))
    server.on('clientError', (error, socket) => this.onClientError(error as NodeJS.ErrnoException, socket as Socket))
    server.on('connection', (socket: Socket) => this.onConnection(socket))
    this.server = server
    this.setState('starting')
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        // Always pass the host: without it Node binds every interface.
        server.listen({ port: this.endpoint.port, host: this.endpoint.host, exclusive: true }, () => {
          server.off('error', reject)
          resolve()
        })
      })
    } catch (error) {
      this.server = null
      const code = (error as NodeJS.ErrnoException).code
      const holder = code === 'EADDRINUSE' ? ((await this.deps.portHolder?.(this.endpoint).catch(() => null)) ?? null) : null
      const converted = listenError(error as NodeJS.ErrnoException, this.endpoint, holder)
      this.setState('error', { code: converted.code, message: converted.message })
      throw converted
    }
    server.on('error', (error) => this.setState('error', { code: 'LISTEN_FAILED', message: error.message }))
    this.betweenCheck = setInterval(() => this.checkBetween(), CONNECTION_CHECK_INTERVAL_MS)
    this.betweenCheck.unref()
    const address = server.address() as AddressInfo
    this.boundPort = address.port
    this.boundAddress = bindAddress(address.address)
    // Read once per start: the machine's addresses are not looked up on every status.
    this.networkUrls = this.boundAddress ? networkUrlsOf(this.boundAddress, address.port) : null
    this.setState('listening')
    return this.status()
  }

  /**
   * Apply the limits Node keeps on the server (header size, timeouts) while it listens. Node reads each
   * as it is used (the header size as a connection opens, the timeouts at each check of the
   * connections and as an answer keeps its connection alive), so they hold from the next connection,
   * check or answer on, without the restart that would refuse connections meanwhile and cut requests
   * in progress. The other limits are read per request already.
   */
  applyLimits(): void {
    if (!this.server) return
    Object.assign(this.server, serverLimits(this.deps.limits()))
  }

  /** Stop accepting, end idle connections, and wait for requests in progress to be stored. */
  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = null
    if (this.betweenCheck) clearInterval(this.betweenCheck)
    this.betweenCheck = null
    // From here every answer carries Connection: close, and no one waits out a rule's delay.
    this.stopping = true
    for (const wake of this.delays) wake()
    // No connection is accepted from here on: a request still arriving is the latest on one of these.
    const open = [...this.sockets.keys()]
    // The answer each connection still owes closes it, a proxied one too (the target's answer is
    // relayed as it comes, so nothing else would): a sender keeping the connection alive would send
    // more on it, and the stop would wait until it is cut. What is sent behind it is never answered,
    // so it is kept as unanswered and not forwarded.
    for (const socket of open) {
      const latest = this.inFlight.get(socket)
      if (!latest || latest.res.headersSent) continue
      latest.res.shouldKeepAlive = false
      if (!this.closers.has(socket)) this.closers.set(socket, latest.res)
    }
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
      // Give requests in progress a moment to finish, then cut whatever is left.
      const timer = setTimeout(() => server.closeAllConnections(), 2000)
      timer.unref()
      server.once('close', () => clearTimeout(timer))
    })
    // No sender is left to relay a target's answer to: a request still waiting for one would hold
    // the stop for up to the forward timeout.
    this.proxies.stopAll()
    // Every connection is gone, but what arrived may still be on its way to disk. A request cut short
    // would start storing only when its close event runs (after this): start it now instead.
    for (const socket of open) this.inFlight.get(socket)?.abandon(null)
    if (this.inProgress > 0) await new Promise<void>((resolve) => (this.whenIdle = resolve))
    this.boundPort = null
    this.boundAddress = null
    this.networkUrls = null
    this.setState('stopped')
  }

  private onConnection(socket: Socket): void {
    if (this.sockets.size >= this.deps.limits().maxConnections) {
      this.rejected.connectionLimit++
      this.refused.add(socket)
      socket.end(rawResponse(503, 'Too many connections to this endpoint.'))
      socket.destroySoon()
      this.deps.sink.statusChanged(this.status())
      return
    }
    // Its first request's headers must end within the headers timeout of its start (checkBetween).
    this.sockets.set(socket, { after: null, since: this.deps.clock.monotonic(), bytes: 0 })
    socket.once('close', () => this.sockets.delete(socket))
  }

  /**
   * Close the connections that spent longer than the headers timeout between requests: from its start
   * for a new connection, from the first byte after its last answer for a kept-alive one (its idle
   * time before that is the keep-alive timeout's), to the end of the next request's headers, whatever
   * arrived meanwhile (empty lines, a request line or header byte by byte). Node's own clock starts
   * only at a request's first byte and ignores empty lines, so a sender trickling them kept its place
   * among maxConnections for good. One that sent nothing is closed; one that sent something gets 408,
   * as Node answers a request whose headers took too long. A connection with a request in progress is
   * left to Node's headers and request timeouts.
   */
  private checkBetween(): void {
    const limits = this.deps.limits()
    const timeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
    const now = this.deps.clock.monotonic()
    for (const [socket, between] of this.sockets) {
      if (!socket.writable) continue
      const latest = this.inFlight.get(socket)
      const after = latest?.req ?? null
      if (latest && !latest.res.writableFinished) {
        // A request in progress: its headers ended.
        between.since = -1
        continue
      }
      if (between.after !== after) {
        // Answered since the last look: the time between requests starts anew.
        between.after = after
        between.since = -1
        between.bytes = socket.bytesRead
      }
      if (between.since < 0) {
        // Kept alive and idle: the clock starts with the first byte of what comes next.
        if (socket.bytesRead > between.bytes) between.since = now
        continue
      }
      if (now - between.since < timeout) continue
      if (this.sentNothing(socket)) {
        socket.destroy()
        continue
      }
      const error: NodeJS.ErrnoException = new Error('The request headers took too long to arrive.')
      error.code = 'ERR_HTTP_REQUEST_TIMEOUT'
      this.onClientError(error, socket)
      // Answered: an expiry Node finds for the same request later is not counted again.
      this.refused.add(socket)
    }
  }

  /** Between requests, with nothing sent since the last answer (or since it opened). */
  private sentNothing(socket: Socket): boolean {
    const between = this.sockets.get(socket)
    const latest = this.inFlight.get(socket)
    if (!between || (latest && !latest.res.writableFinished)) return false
    return latest?.req === between.after ? socket.bytesRead === between.bytes : socket.bytesRead === 0
  }

  private onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (this.refused.has(socket)) return void socket.destroy()
    let status: number
    let message: string
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      status = 431
      message = `The request headers are larger than this endpoint accepts (${this.deps.limits().maxHeaderBytes} bytes).`
      this.rejected.headersTooLarge++
    } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      // Node times a new connection from its start: one that sent nothing is closed, not answered.
      if (this.sentNothing(socket)) return void socket.destroy()
      status = 408
      message = 'The request took too long to arrive.'
      this.rejected.timeout++
    } else if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      socket.destroy()
      return
    } else {
      status = 400
      message = `The request could not be parsed: ${error.message}${error.code ? ` (${error.code})` : ''}`
      this.rejected.malformed++
    }
    this.deps.sink.statusChanged(this.status())
    // The socket's latest request counts only while its bytes are still arriving. Once complete, the
    // error belongs to something sent after it: that request keeps its own answer (rule, delay and
    // all), and the connection closes once it is given.
    const latest = this.inFlight.get(socket)
    if (latest && latest.req.complete && !latest.res.writableEnded) {
      if (!latest.res.headersSent) latest.res.shouldKeepAlive = false
      latest.res.once('close', () => socket.destroySoon())
      return
    }
    const current = latest && !latest.req.complete ? latest : undefined
    if (current && !current.res.headersSent && socket.writable) {
      // A request in progress (e.g. a body that stopped arriving): keep what arrived, then answer it
      // through its own response. Node considers a request done once its response finished, so it
      // would never tell us the body was cut short: we do it here.
      const text = `${message}\n`
      const headers: RawHeaders = [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']]
      current.abandon({ status, headers, bodySize: Buffer.byteLength(text), body: text })
      current.res.shouldKeepAlive = false
      current.res.writeHead(status, headers.flat())
      current.res.end(text, () => socket.destroy())
      return
    }
    if (!current && latest && !latest.res.writableFinished) {
      // Answers owed to requests sent before this one (pipelined behind one still relayed, or
      // delayed) go out first, in order: this answer is the last on the connection, never in their
      // place. A connection's answers finish in the order of its requests, so the latest one's
      // finish is the last of them.
      const last = latest.res
      const answer = () => {
        if (last.writableFinished && socket.writable) socket.end(rawResponse(status, message))
        socket.destroySoon()
      }
      last.once('finish', answer)
      last.once('close', () => {
        if (!last.writableFinished) socket.destroy()
      })
      return
    }
    if (socket.writable && !current) socket.end(rawResponse(status, message))
    socket.destroySoon()
  }

  private onConnect(req: http.IncomingMessage, socket: Socket): void {
    // Node hands a CONNECT's socket over without its own error handling: a sender that resets the
    // connection before it is answered must not take the process down.
    socket.on('error', () => socket.destroy())
    // CONNECT would turn this endpoint into a tunnel. Record that it was asked, answer 405.
    const record = this.baseRecord(req, [])
    record.status = 405
    record.durationMs = 0
    record.response = { status: 405, headers: [['Allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS']], bodySize: 0 }
    this.deps.sink.received(record)
    // A forwarding endpoint shows it as not forwarded, with the reason (skipped: decided at once).
    void this.deps.sink.plan(record)
    this.inProgress++
    // Refused either way: a 405 acknowledges nothing. One that could not be stored says why, as any capture.
    const answer = (error?: Error): void => {
      socket.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
      socket.destroySoon()
      if (error) this.deps.sink.notStored(record, error, record.response, true, 0)
      else this.deps.sink.completed(summaryOf(record))
      this.settled()
    }
    this.deps.sink.commit(record, Buffer.alloc(0)).then(() => answer(), answer)
  }

  /** A capture begun (counted in inProgress) is stored, or given up. */
  private settled(): void {
    if (--this.inProgress > 0 || !this.whenIdle) return
    const wake = this.whenIdle
    this.whenIdle = null
    wake()
  }

  private baseRecord(req: http.IncomingMessage, flags: CaptureFlag[], heads: RequestHeads = scanRequestHeaders(req.rawHeaders)): CaptureRecord {
    const rawHeaders = heads.pairs
    const declared = heads.contentLength?.trim() ?? null
    const declaredSize = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null
    return {
      id: this.deps.newId(),
      endpointId: this.endpoint.id,
      receivedAt: this.deps.clock.now(),
      method: req.method ?? '',
      target: req.url ?? '',
      status: null,
      bodySize: 0,
      contentType: heads.contentType,
      durationMs: null,
      flags,
      httpVersion: req.httpVersion,
      rawHeaders,
      rawTrailers: [],
      body: { size: 0, sha256: EMPTY_SHA256, truncated: false, declaredSize, storage: 'none' },
      remoteAddress: req.socket.remoteAddress ?? null,
      remotePort: req.socket.remotePort ?? null,
      localPort: req.socket.localPort ?? this.boundPort ?? 0,
      timings: { bodyEndMs: null, storedMs: null, respondedMs: null },
      response: null,
      forward: null,
      signature: null,
      forwardPlan: null,
      inline: null,
    }
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false): void {
    const socket = req.socket
    if (this.refused.has(socket)) return void socket.destroy()
    const started = this.deps.clock.monotonic()
    const limits = this.deps.limits()
    const endpoint = this.endpoint
    const heads = scanRequestHeaders(req.rawHeaders)
    const flags = browserFlags(heads, this.boundPort ?? endpoint.port)
    const record = this.baseRecord(req, flags, heads)
    const elapsed = (): number => Math.round((this.deps.clock.monotonic() - started) * 1000) / 1000
    let ended = false
    let spool: BodySpool | null = null
    const abandon: InFlight['abandon'] = (answer) => {
      if (ended) return
      // The sender went away or timed out mid-body: keep what arrived.
      ended = true
      flags.push('incomplete')
      record.timings.bodyEndMs = elapsed()
      if (answer) {
        record.status = answer.status
        record.response = answer
      }
      void this.finish(req, res, record, spool, null, elapsed, null, true)
    }
    // Settled by finish(), which every way a request ends leads to exactly once (`ended`).
    this.inProgress++
    this.inFlight.set(socket, { req, res, abandon })
    this.deps.sink.received(record)

    let refusal: { status: number; message: string } | null = null
    if (record.rawHeaders.length > limits.maxHeaderCount) {
      flags.push('too-many-headers')
      refusal = {
        status: 431,
        message: `The request has ${record.rawHeaders.length} header lines; this endpoint accepts ${limits.maxHeaderCount}.`,
      }
    } else if (record.body.declaredSize !== null && record.body.declaredSize > limits.maxBodyBytes) {
      flags.push('truncated')
      record.body.truncated = true
      refusal = {
        status: 413,
        message: `The body (${record.body.declaredSize} bytes) is larger than this endpoint accepts (${limits.maxBodyBytes} bytes).`,
      }
    }
    if (refusal) {
      // Answer without reading the body: the headers are what we keep.
      ended = true
      const { status, message } = refusal
      record.timings.bodyEndMs = elapsed()
      // Its Connection: close ends the socket: anything pipelined behind it goes unanswered.
      if (!this.closers.has(socket)) this.closers.set(socket, res)
      void this.finish(req, res, record, null, Buffer.alloc(0), elapsed, { status, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']], body: `${message}\n` })
      return
    }
    if (expectsContinue) res.writeContinue()

    const body = this.deps.sink.createSpool()
    spool = body
    let kept = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      let part = chunk
      if (kept + chunk.length > limits.maxBodyBytes) {
        part = chunk.subarray(0, limits.maxBodyBytes - kept)
        over = true
      }
      kept += part.length
      if (part.length > 0 && !body.write(part)) {
        req.pause()
        body.onDrain(() => req.resume())
      }
      if (over) {
        // Stop reading: what was kept is stored, the sender is told 413, the connection closes.
        ended = true
        req.pause()
        flags.push('truncated')
        record.body.truncated = true
        record.timings.bodyEndMs = elapsed()
        if (!this.closers.has(socket)) this.closers.set(socket, res)
        void this.finish(req, res, record, body, null, elapsed, {
          status: 413,
          headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']],
          body: `The body is larger than this endpoint accepts (${limits.maxBodyBytes} bytes); the first ${limits.maxBodyBytes} bytes were kept.\n`,
        })
      }
    })
    // 'end' and 'close' come once each: plain listeners, without once()'s wrapper.
    req.on('end', () => {
      if (ended) return
      ended = true
      record.rawTrailers = pairsOf(req.rawTrailers)
      record.timings.bodyEndMs = elapsed()
      void this.finish(req, res, record, body, null, elapsed, null)
    })
    req.on('close', () => abandon(null))
  }

  private async finish(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: CaptureRecord,
    spool: BodySpool | null,
    emptyBody: Buffer | null,
    elapsed: () => number,
    override: { status: number; headers: RawHeaders; body: string } | null,
    incomplete = false,
  ): Promise<void> {
    // Settled here rather than by a promise chained on to it: one promise less per request.
    try {
      // Stopping: this answer closes its connection (see below), so it is the last one it carries.
      if (this.stopping && !this.closers.has(req.socket)) {
        this.closers.set(req.socket, res)
        res.shouldKeepAlive = false
      }
      // Pipelined behind an answer that closes the connection: it is kept, but never answered or forwarded.
      const closer = this.closers.get(req.socket)
      const unanswerable = closer !== undefined && closer !== res
      let head = emptyBody ?? Buffer.alloc(0)
      let body: SpooledBody | null = null
      try {
        if (spool) {
          // Most bodies stay in memory: no need to wait a turn for them.
          body = spool.finishInMemory() ?? (await spool.finish())
          // A body kept in memory is its own head (the inline limit is within the head's).
          head = body.inline && body.inline.length <= spool.headLimit ? body.inline : spool.head()
        }
      } catch (error) {
        await spool?.discard()
        // Not stored: answered as a capture the store refused is, and taken off the live list.
        const answer = answerNotStored(res, error)
        this.deps.sink.notStored(record, error as Error, answer, false, answer ? elapsed() : null)
        return
      }
      if (body) {
        record.bodySize = body.size
        record.body.size = body.size
        record.body.sha256 = body.sha256
        record.body.storage = body.blob ? 'blob' : body.size > 0 ? 'inline' : 'none'
        record.inline = body.inline ? inlineBody(body.inline) : null
      }

      // Planned either way, so that a forwarding endpoint shows why this one was not forwarded.
      const planning = this.deps.sink.plan(record)
      if (planning) await planning
      if (unanswerable) incomplete = true
      if (record.forwardPlan?.mode === 'proxy' && !override && !incomplete && !res.destroyed) {
        return await this.finishProxy(res, record, head, elapsed)
      }

      // The rule in force when the request arrived whole answers it, delay included, whatever an edit
      // changes meanwhile.
      const rule = override ?? this.endpoint.response
      const delay = override ? 0 : this.endpoint.response.delayMs
      if (delay > 0 && !incomplete && !this.stopping && !res.destroyed) {
        return await this.finishDelayed(req, res, record, head, elapsed, rule, delay)
      }
      // Stopping: the first answer written from here on closes its connection. Node hands a pipelined
      // request's response its socket only once every earlier response was sent, so one without a
      // socket now is queued behind an answer that will close the connection: it is never written.
      if (this.stopping && res.socket === null) incomplete = true
      const canAnswer = !incomplete && !res.destroyed && !req.socket.destroyed
      if (!canAnswer && record.forwardPlan) this.deps.sink.unanswered(record, false)
      const answer = canAnswer ? answerFor(rule) : null
      if (answer) {
        record.status = rule.status
        // A HEAD request is sent the head only: the length the rule's body has, not the body.
        const sent = req.method === 'HEAD' ? NO_BODY : answer
        record.response = { status: rule.status, headers: answer.headers, bodySize: sent.bodySize, body: sent.body }
      }
      record.timings.storedMs = elapsed()
      try {
        await this.deps.sink.commit(record, head)
      } catch (error) {
        // Not durable: never acknowledge it as received. The list shows what its sender was told.
        const answer = canAnswer ? answerNotStored(res, error) : null
        this.deps.sink.notStored(record, error as Error, answer, true, answer ? elapsed() : null)
        return
      }
      if (!answer) {
        this.deps.sink.completed(summaryOf(record))
        return
      }
      if (res.destroyed || !req.socket.writable || (this.stopping && res.socket === null)) {
        // Gone while it was being stored: the sender went away (a request pipelined behind one whose
        // sender closed its side has a response that is never written, on a connection Node ended),
        // or a stop began while it was queued behind an earlier request still to be answered. It was
        // stored as answered: it is not.
        const summary = this.deps.sink.responded(record.id, { status: null, response: null, durationMs: null, timings: { ...record.timings, respondedMs: null } }, true)
        if (record.forwardPlan) this.deps.sink.unanswered(record, true)
        this.deps.sink.completed(summary ?? summaryOf(record))
        return
      }
      // A stopping listener lets no connection carry on into new captures.
      if (override || this.stopping) res.shouldKeepAlive = false
      res.writeHead(rule.status, answer.flat)
      res.end(rule.body)
      const respondedMs = elapsed()
      const summary = this.deps.sink.responded(record.id, { timings: { ...record.timings, respondedMs }, durationMs: respondedMs })
      this.deps.sink.completed(summary ?? summaryOf(record))
      this.deps.sink.committed(record)
    } finally {
      this.settled()
    }
  }

  /**
   * A rule with a delay: the capture is stored as soon as the request arrived whole, while the delay
   * runs, so that it is listed (and, after a restart, kept) in the order requests arrived, and a crash
   * during the delay loses nothing that came. Its line holds no answer, since none went out yet: listed
   * meanwhile as waiting for it (`inFlight`), it gets its answer once both the delay passed and the
   * line is durable, and that answer is journaled as it goes out, as a proxied one is. A stop ends the
   * delay: the answer then goes out at once and closes its connection. A sender that left meanwhile
   * is left stored as never answered, and is not forwarded.
   */
  private async finishDelayed(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: CaptureRecord,
    head: Buffer,
    elapsed: () => number,
    rule: { status: number; headers: RawHeaders; body: string },
    delay: number,
  ): Promise<void> {
    record.timings.storedMs = elapsed()
    const durable = this.deps.sink.commit(record, head)
    this.deps.sink.waiting(record.id, true)
    let wake!: () => void
    const waited = new Promise<void>((resolve) => {
      const timer = setTimeout(() => wake(), delay)
      wake = (): void => {
        clearTimeout(timer)
        this.delays.delete(wake)
        res.off('close', wake)
        resolve()
      }
      this.delays.add(wake)
      res.once('close', wake)
    })
    try {
      await durable
    } catch (error) {
      // Not durable: never acknowledge it as received, and no reason to make its sender wait for that.
      wake()
      this.deps.sink.waiting(record.id, false)
      const answer = answerNotStored(res, error)
      this.deps.sink.notStored(record, error as Error, answer, true, answer ? elapsed() : null)
      return
    }
    await waited
    this.deps.sink.waiting(record.id, false)
    // See finish(): stopping, a pipelined request without its socket yet is never answered.
    if (res.destroyed || !req.socket.writable || (this.stopping && res.socket === null)) {
      // Stored as it is: never answered. Its summary is what its line says.
      const summary = this.deps.sink.responded(record.id, { status: null, response: null, durationMs: null, timings: { ...record.timings, respondedMs: null } })
      if (record.forwardPlan) this.deps.sink.unanswered(record, true)
      this.deps.sink.completed(summary ?? summaryOf(record))
      return
    }
    const answer = answerFor(rule)
    const sent = req.method === 'HEAD' ? NO_BODY : answer
    const response = { status: rule.status, headers: answer.headers, bodySize: sent.bodySize, body: sent.body }
    record.status = rule.status
    record.response = response
    // The answer is on disk before it goes out, as a capture answered at once is in its own line: a
    // crash right after it was sent never reads it back as unanswered (and so not to be forwarded).
    const respondedMs = elapsed()
    const summary = await this.deps.sink.answering(record.id, { status: rule.status, response, timings: { ...record.timings, respondedMs }, durationMs: respondedMs })
    if (res.destroyed || !req.socket.writable) {
      // Gone while its answer was being stored: it was never given.
      record.status = null
      record.response = null
      const gone = this.deps.sink.responded(record.id, { status: null, response: null, durationMs: null, timings: { ...record.timings, respondedMs: null } }, true)
      if (record.forwardPlan) this.deps.sink.unanswered(record, true)
      this.deps.sink.completed(gone ?? summaryOf(record))
      return
    }
    if (this.stopping) res.shouldKeepAlive = false
    res.writeHead(rule.status, answer.flat)
    res.end(rule.body)
    this.deps.sink.completed(summary ?? summaryOf(record))
    this.deps.sink.committed(record)
  }

  /** Proxy mode: the capture is made durable while the target is asked; the sender gets the target's
   * answer, but never before the capture is on disk. */
  private async finishProxy(res: http.ServerResponse, record: CaptureRecord, head: Buffer, elapsed: () => number): Promise<void> {
    record.timings.storedMs = elapsed()
    const durable = this.deps.sink.commit(record, head)
    // Stored while its target is asked: waiting for its answer meanwhile (a clear leaves it).
    this.deps.sink.relaying(record.id, true)
    let answer: ProxyAnswer | null = null
    let failure: Error | null = null
    try {
      answer = await this.deps.sink.proxy(record, res, durable, this.proxies)
    } catch (error) {
      failure = error as Error
    }
    let storeFailure: Error | null = null
    try {
      await durable
    } catch (error) {
      failure = storeFailure = error as Error
    }
    this.deps.sink.relaying(record.id, false)
    if (storeFailure) {
      // Not durable: never acknowledge it as received, whatever the target said.
      const answer = answerNotStored(res, storeFailure)
      if (!answer && !res.writableEnded) res.destroy()
      this.deps.sink.notStored(record, storeFailure, answer, true, answer ? elapsed() : null)
      return
    }
    if (failure) {
      // The relay failed before a head went out: never acknowledge it as received.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
        res.end(`The request could not be stored or forwarded: ${failure.message}\n`)
      } else if (!res.writableEnded) res.destroy()
      return
    }
    const respondedMs = elapsed()
    const update: RecordUpdate = { timings: { ...record.timings, respondedMs }, durationMs: respondedMs }
    if (answer) {
      update.status = answer.status
      update.response = { status: answer.status, headers: answer.headers, bodySize: answer.bodySize, body: answer.body }
    }
    const summary = this.deps.sink.responded(record.id, update, true)
    this.deps.sink.completed(summary ?? summaryOf(record))
  }
}

interface Answer {
  /** The rule's headers, minus any framing the user typed, plus a Content-Length that matches. */
  headers: RawHeaders
  /** The same, flat, as writeHead takes them. */
  flat: string[]
  /** The body's bytes as sent: none for a 204 or 304, whose body Node never writes. */
  bodySize: number
  /** The body as kept with each capture it answers (none past RESPONSE_BODY_KEPT_BYTES). */
  body: string | undefined
}

/** What a sender is sent of a body it gets none of (a HEAD request's answer, a 204 or 304). */
const NO_BODY = { bodySize: 0, body: '' } as const

/** Worked out once per response rule (an edit makes a new rule object), not per request. */
const answers = new WeakMap<object, Answer>()
const FRAMING = new Set(['content-length', 'transfer-encoding'])
function answerFor(rule: { status: number; headers: RawHeaders; body: string }): Answer {
  let answer = answers.get(rule)
  if (answer) return answer
  const bodyless = rule.status === 204 || rule.status === 304
  const bodySize = bodyless ? 0 : Buffer.byteLength(rule.body)
  const headers: RawHeaders = rule.headers.filter(([name]) => !FRAMING.has(name.toLowerCase()))
  if (!bodyless) headers.push(['Content-Length', String(bodySize)])
  // Shared by every capture answered with this rule: never changed once made.
  for (const pair of headers) Object.freeze(pair)
  const body = bodyless ? '' : bodySize <= RESPONSE_BODY_KEPT_BYTES ? rule.body : undefined
  answer = { headers: Object.freeze(headers) as RawHeaders, flat: Object.freeze(headers.flat()) as string[], bodySize, body }
  answers.set(rule, answer)
  return answer
}

/**
 * The limits Node takes as server options. The whole request's timeout bounds its headers' too: Node
 * refuses to create a server whose headers timeout is the longer one, so that one is cut to it.
 */
function serverLimits(limits: Limits): { maxHeaderSize: number; headersTimeout: number; requestTimeout: number; keepAliveTimeout: number } {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  }
}

function listenError(error: NodeJS.ErrnoException, endpoint: Endpoint, holder: string | null): HookscopeError {
  const where = `${endpoint.host}:${endpoint.port}`
  switch (error.code) {
    case 'EADDRINUSE':
      if (holder !== null) {
        return new HookscopeError('PORT_IN_USE', `Port ${endpoint.port} on ${endpoint.host} is already used by the endpoint “${holder}”. Choose another port, or 0 for any free one.`)
      }
      return new HookscopeError('PORT_IN_USE', `Port ${endpoint.port} on ${endpoint.host} is already in use by another program. Choose another port, or 0 for any free one.`)
    case 'EADDRNOTAVAIL':
      return new HookscopeError('ADDRESS_NOT_AVAILABLE', `${endpoint.host} is not an address of this machine.`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HookscopeError('ADDRESS_NOT_AVAILABLE', `${endpoint.host} is neither an address of this machine nor a name it can look up: use an address such as 127.0.0.1, or 0.0.0.0 for all of them.`)
    case 'EACCES':
    case 'EPERM':
      return new HookscopeError('PERMISSION_DENIED', `The system refused to open ${where}; ports below 1024 need special rights.`)
    default:
      return new HookscopeError('LISTEN_FAILED', `Could not listen on ${where}: ${error.message}`)
  }
}

export type { Capture }
