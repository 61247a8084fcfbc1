// The headless host: the engine without a desktop. Owns: the UI port (loopback only), which serves
// the built renderer and carries the Api over a WebSocket, guarded by Host, Origin and a per-run
// token. Never: shares a port with capture (the capture plane exposes only capture) or adds a
// method or event the contract does not declare.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventName, EventPayload } from '../../shared/api'
import { contentSecurityPolicy, securityHeaders } from '../../shared/security'
import { WS_MAX_MESSAGE_BYTES, WS_PATH, WS_PROTOCOL, type ServerMessage } from '../../shared/wire'
import type { Engine } from '../core'
import { EventRelay } from '../core/relay'
import { ClientLink, DEFAULT_CLIENT_LIMITS, type ClientLimits } from './client-link'
import { checkHost, checkUpgrade, type GuardOptions } from './guard'
import { serveStatic } from './static'

export interface HeadlessHostOptions {
  engine: Engine
  /** The built renderer (index.html and assets). */
  rendererDir: string
  /** 0 picks a free port. The UI always binds to 127.0.0.1. */
  uiPort?: number
  /** Without uiPort: the port to use when it is free (the last run's), else a free one. */
  preferredUiPort?: number
  /** Extra host names the UI may be reached by, besides the loopback names. */
  allowedHosts?: string[]
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string
  /** Most bytes one WebSocket message may carry (default: WS_MAX_MESSAGE_BYTES, which only a caller that passed the token, Host and Origin checks can send). */
  maxMessageBytes?: number
  /** What the host holds for one page that does not read (default: DEFAULT_CLIENT_LIMITS). */
  clientLimits?: Partial<ClientLimits>
  /** Most pages connected to the Api at once (default: MAX_API_CLIENTS). */
  maxClients?: number
}

/** Pages connected at once: a tab each. More are refused with 503, saying so. */
export const MAX_API_CLIENTS = 32
/**
 * Connections to the UI port at once (a browser opens a few per tab for the page's files, and one for
 * the Api); past it Node closes new ones at once. With the short header timeout below, a local process
 * cannot pile up connections, nor requests or upgrades that never finish their headers.
 */
export const MAX_UI_CONNECTIONS = 256
/** How long a caller of the UI port may take to send its headers, a WebSocket upgrade's too. */
export const HEADERS_TIMEOUT_MS = 10_000
/** How long a refused connection may take to take its answer before it is destroyed. */
export const REFUSAL_GRACE_MS = 2_000

/**
 * Answers a refused upgrade and ends the connection once the answer is written: the caller need not
 * close its side for the socket to go (a local process could otherwise pile them up), and one that
 * never reads its answer is destroyed after a short grace.
 */
function refuse(socket: Socket, status: number, reason: string): void {
  const text = `${reason}\n`
  const grace = setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS)
  grace.unref()
  socket.once('close', () => clearTimeout(grace))
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`)
}

function tooManyPages(maxClients: number): string {
  return `too many pages connected: ${maxClients} already use this Hookscope; close some of its tabs`
}

/** A state an event carries whole each time: a newer one replaces it while it waits for a slow page. */
function stateKey(event: EventName, payload: unknown): string | null {
  switch (event) {
    case 'endpoints.changed':
    case 'settings.changed':
    case 'collections.changed':
    case 'forward.changed':
      return event
    case 'collections.run':
      return `${event}:${(payload as EventPayload<'collections.run'>).runId}`
    case 'collections.importing':
      return `${event}:${(payload as EventPayload<'collections.importing'>).uploadId}`
    case 'exports.progress':
      return `${event}:${(payload as EventPayload<'exports.progress'>).progressId}`
    case 'traffic.batch':
    case 'app.notice':
    case 'captures.cleared':
      return null
  }
}

export class HeadlessHost {
  /** Every Api connection until its socket closes, those cut off included. */
  private readonly links = new Set<ClientLink>()
  private relay: EventRelay | null = null

  private constructor(
    readonly engine: Engine,
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
    readonly token: string,
    private readonly limits: ClientLimits,
  ) {}

  /** The URL to open: the token rides in the fragment, which browsers never send to a server. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/#token=${this.token}`
  }

  static async start(options: HeadlessHostOptions): Promise<HeadlessHost> {
    const token = options.token ?? randomBytes(24).toString('base64url')
    const guard: GuardOptions = { token, allowedHosts: options.allowedHosts ?? [] }
    const headers = securityHeaders(contentSecurityPolicy({ connectSrc: [] }))
    const maxClients = options.maxClients ?? MAX_API_CLIENTS
    let self: HeadlessHost | null = null
    const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 }, (req, res) => {
      const host = checkHost(req, guard)
      if (!host.ok) {
        res.writeHead(host.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
        res.end(`${host.reason}\n`)
        return
      }
      // The Api's path asked without an upgrade: how a page whose connection was refused learns why
      // (a browser does not show a refused handshake's answer to the page).
      if (req.url?.split('?')[0] === WS_PATH) {
        const full = self !== null && self.connections >= maxClients
        res.writeHead(full ? 503 : 426, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...(full ? {} : { Upgrade: 'websocket' }) })
        res.end(req.method === 'HEAD' ? undefined : full ? `${tooManyPages(maxClients)}\n` : 'a WebSocket upgrade is required\n')
        return
      }
      // The page connects back to the host it was loaded from; CSP 'self' covers ws: on the same
      // origin in current browsers, and the explicit entry covers the rest.
      const own = [`ws://${req.headers.host}`, `wss://${req.headers.host}`]
      void serveStatic(options.rendererDir, req, res, { ...headers, 'Content-Security-Policy': contentSecurityPolicy({ connectSrc: own }) })
    })
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxMessageBytes ?? WS_MAX_MESSAGE_BYTES,
      handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
    })
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen({ port, host: '127.0.0.1' }, () => {
          server.off('error', reject)
          resolve()
        })
      })
    if (options.uiPort === undefined && options.preferredUiPort !== undefined) {
      // The last run's port, so that a page left open reaches this run (and is told to open its URL).
      await listen(options.preferredUiPort).catch(() => listen(0))
    } else {
      await listen(options.uiPort ?? 0)
    }
    server.maxConnections = MAX_UI_CONNECTIONS
    const port = (server.address() as AddressInfo).port
    const host = new HeadlessHost(options.engine, server, wss, port, token, { ...DEFAULT_CLIENT_LIMITS, ...options.clientLimits })
    self = host
    server.on('upgrade', (req, socket: Socket, head) => {
      // Node hands an upgrade's socket over without its own error handling: a caller that resets the
      // connection while it is being refused must not take the host down.
      socket.on('error', () => socket.destroy())
      // The target as a page sends it (origin-form). Parsed as a URL it could throw, before any
      // check, on a target such as `http://[`, and take the engine down with the host.
      const verdict = req.url?.split('?')[0] === WS_PATH ? checkUpgrade(req, guard) : ({ ok: false, status: 404, reason: 'not found' } as const)
      if (!verdict.ok) return refuse(socket, verdict.status, verdict.reason)
      if (host.connections >= maxClients) return refuse(socket, 503, tooManyPages(maxClients))
      wss.handleUpgrade(req, socket, head, (ws) => host.accept(ws))
    })
    host.relay = new EventRelay(options.engine, (event, payload) => host.broadcast(event, payload))
    return host
  }

  /** Pages connected and served (one cut off for falling behind no longer counts). */
  get connections(): number {
    let served = 0
    for (const link of this.links) if (link.served) served++
    return served
  }

  /** Connections open to the UI port: pages' files, the Api's, and any being answered or refused. */
  openConnections(): Promise<number> {
    return new Promise((resolve, reject) => this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))))
  }

  /** Bytes the host holds for its pages and has not yet passed on to the system. */
  get heldBytes(): number {
    let held = 0
    for (const link of this.links) held += link.heldBytes
    return held
  }

  /** Calls read from pages that are not answered yet because those pages do not read their answers. */
  get callsWaiting(): number {
    let waiting = 0
    for (const link of this.links) waiting += link.callsWaiting
    return waiting
  }

  private accept(ws: WebSocket): void {
    const link = new ClientLink(ws, this.engine.handlers(), this.limits, () => this.links.delete(link))
    this.links.add(link)
  }

  private broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (this.links.size === 0) return
    // Encoded once for every page: each socket sends the same bytes.
    const data = Buffer.from(JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage))
    const key = stateKey(event, payload)
    for (const link of this.links) link.event(data, key)
  }

  /** Close the UI port and the Api connections (the engine is closed by its owner). */
  async close(): Promise<void> {
    this.relay?.flushTraffic()
    this.relay?.dispose()
    for (const link of this.links) link.close(1001, 'host stopping')
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
