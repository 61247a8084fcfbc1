// Real target servers for forwarding and replay tests: they record what reached them, byte for byte.
import { readFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import path from 'node:path'
import type { AddressInfo } from 'node:net'

export interface Received {
  method: string
  url: string
  rawHeaders: Array<[string, string]>
  body: Buffer
}

export interface Target {
  port: number
  url: string
  received: Received[]
  /** Resolves once `count` requests arrived in all. */
  waitFor(count: number): Promise<Received[]>
  close(): Promise<void>
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void

function recorder(): { received: Received[]; notify(): void; waitFor(count: number): Promise<Received[]> } {
  const received: Received[] = []
  const waiters: Array<{ count: number; resolve: (r: Received[]) => void }> = []
  return {
    received,
    notify() {
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(received)
        }
      }
    },
    waitFor(count: number) {
      if (received.length >= count) return Promise.resolve(received)
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
  }
}

/** An HTTP target that records each request and answers with `handler` (200 "ok" by default). */
export async function httpTarget(handler?: Handler, options: { host?: string; port?: number; tls?: { key: Buffer; cert: Buffer } } = {}): Promise<Target> {
  const rec = recorder()
  const sockets = new Set<net.Socket>()
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const pairs: Array<[string, string]> = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!])
      rec.received.push({ method: req.method!, url: req.url!, rawHeaders: pairs, body })
      if (handler) handler(req, res, body)
      else {
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        res.end('ok')
      }
      rec.notify()
    })
  }
  const server = options.tls ? https.createServer(options.tls, onRequest) : http.createServer(onRequest)
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    received: rec.received,
    waitFor: rec.waitFor,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

export interface RawTarget {
  port: number
  url: string
  /** Everything received on each connection, in order. */
  connections: Buffer[][]
  /** Resolves with all bytes received once `predicate` holds for them. */
  waitForBytes(predicate: (all: Buffer) => boolean): Promise<Buffer>
  close(): Promise<void>
}

/** A TCP target that records raw bytes and answers each request head with `answer` (raw HTTP). */
export async function rawTarget(answer: (all: Buffer, socket: net.Socket) => void): Promise<RawTarget> {
  const connections: Buffer[][] = []
  const waiters: Array<{ predicate: (all: Buffer) => boolean; resolve: (b: Buffer) => void }> = []
  const all = () => Buffer.concat(connections.flat())
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const chunks: Buffer[] = []
    connections.push(chunks)
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      const bytes = all()
      for (const waiter of [...waiters]) {
        if (waiter.predicate(bytes)) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve(bytes)
        }
      }
      answer(Buffer.concat(chunks), socket)
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    waitForBytes: (predicate) => (predicate(all()) ? Promise.resolve(all()) : new Promise((resolve) => waiters.push({ predicate, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on (bound, then released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** An https:// target on 127.0.0.1 with a self-signed certificate for localhost (test/fixtures/tls), as a local app's own. */
export async function selfSignedTarget(handler?: Handler): Promise<Target> {
  const dir = path.join(import.meta.dirname, '../fixtures/tls')
  const created = await httpTarget(handler, { tls: { key: readFileSync(path.join(dir, 'localhost.key')), cert: readFileSync(path.join(dir, 'localhost.crt')) } })
  return { ...created, url: `https://localhost:${created.port}` }
}
