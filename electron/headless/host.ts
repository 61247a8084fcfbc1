// The headless host: the engine without a desktop. Owns: the UI port (loopback only), which serves
// the built renderer and carries the Api over a WebSocket, guarded by Host, Origin and a per-run
// token. Never: shares a port with capture (the capture plane exposes only capture) or adds a
// method or event the contract does not declare.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { dispatch, type EventName, type EventPayload } from '../../shared/api'
import { contentSecurityPolicy, securityHeaders } from '../../shared/security'
import { ClientMessage, WS_MAX_MESSAGE_BYTES, WS_PATH, WS_PROTOCOL, type ServerMessage } from '../../shared/wire'
import type { Engine } from '../core'
import { EventRelay } from '../core/relay'
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
}

export class HeadlessHost {
  private readonly clients = new Set<WebSocket>()
  private relay: EventRelay | null = null

  private constructor(
    readonly engine: Engine,
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
    readonly token: string,
  ) {}

  /** The URL to open: the token rides in the fragment, which browsers never send to a server. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/#token=${this.token}`
  }

  static async start(options: HeadlessHostOptions): Promise<HeadlessHost> {
    const token = options.token ?? randomBytes(24).toString('base64url')
    const guard: GuardOptions = { port: 0, token, allowedHosts: options.allowedHosts ?? [] }
    const headers = securityHeaders(contentSecurityPolicy({ connectSrc: [] }))
    const server = http.createServer((req, res) => {
      const host = checkHost(req, guard)
      if (!host.ok) {
        res.writeHead(host.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
        res.end(`${host.reason}\n`)
        return
      }
      // The page connects back to the host it was loaded from; CSP 'self' covers ws: on the same
      // origin in current browsers, and the explicit entry covers the rest.
      const own = `ws://${req.headers.host}`
      void serveStatic(options.rendererDir, req, res, { ...headers, 'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [own] }) })
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
    const port = (server.address() as AddressInfo).port
    guard.port = port
    const host = new HeadlessHost(options.engine, server, wss, port, token)
    server.on('upgrade', (req, socket: Socket, head) => {
      // Node hands an upgrade's socket over without its own error handling: a caller that resets the
      // connection while it is being refused must not take the host down.
      socket.on('error', () => socket.destroy())
      // The target as a page sends it (origin-form). Parsed as a URL it could throw, before any
      // check, on a target such as `http://[`, and take the engine down with the host.
      const verdict = req.url?.split('?')[0] === WS_PATH ? checkUpgrade(req, guard) : ({ ok: false, status: 404, reason: 'not found' } as const)
      if (!verdict.ok) {
        const text = `${verdict.reason}\n`
        socket.end(`HTTP/1.1 ${verdict.status} ${http.STATUS_CODES[verdict.status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`)
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => host.accept(ws))
    })
    host.relay = new EventRelay(options.engine, (event, payload) => host.broadcast(event, payload))
    return host
  }

  get connections(): number {
    return this.clients.size
  }

  private accept(ws: WebSocket): void {
    this.clients.add(ws)
    ws.on('close', () => this.clients.delete(ws))
    ws.on('error', () => ws.terminate())
    const handlers = this.engine.handlers()
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only')
      let message: ClientMessage
      try {
        message = ClientMessage.parse(JSON.parse(data.toString()))
      } catch {
        return ws.close(1008, 'malformed message')
      }
      void dispatch(handlers, message.method, message.input).then((result) => {
        const reply: ServerMessage = { type: 'result', id: message.id, result }
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply))
      })
    })
  }

  private broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (this.clients.size === 0) return
    const text = JSON.stringify({ type: 'event', event, payload } satisfies ServerMessage)
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(text)
  }

  /** Close the UI port and the Api connections (the engine is closed by its owner). */
  async close(): Promise<void> {
    this.relay?.flushTraffic()
    this.relay?.dispose()
    for (const ws of this.clients) ws.close(1001, 'host stopping')
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
