// What the headless host's UI port holds for callers that do not read, how long it waits for a
// caller's headers, and how it lets go of the connections it refuses: real sockets, a real engine,
// real captures as the traffic.
import { mkdir, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { HEADERS_TIMEOUT_MS, HeadlessHost, MAX_UI_CONNECTIONS } from '../../electron/headless/host'
import { WS_CLOSE_FELL_BEHIND, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/wire'
import { removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'

const TOKEN = 'test-token-0123456789abcdef'
const MiB = 1024 * 1024
let t: TestEngine
let rendererDir: string
const hosts: HeadlessHost[] = []
const sockets: Array<{ destroy(): void }> = []

beforeEach(async () => {
  t = await startEngine()
  rendererDir = await tempDir('hookscope-ui-')
  await mkdir(path.join(rendererDir, 'assets'))
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Hookscope</title>')
})

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  for (const host of hosts.splice(0)) await host.close()
  await t.close()
  await removeDir(t.dir)
  await removeDir(rendererDir)
})

async function startHost(options: Partial<Parameters<typeof HeadlessHost.start>[0]> = {}): Promise<HeadlessHost> {
  const host = await HeadlessHost.start({ engine: t.engine, rendererDir, token: TOKEN, ...options })
  hosts.push(host)
  return host
}

/** A page of the host: connected with the token, counting what it receives. */
class Page {
  received = 0
  readonly answers = new Map<number, { ok: boolean }>()
  private nextId = 1
  private readonly waiters: Array<() => void> = []
  closed: Promise<{ code: number; reason: string }>
  private constructor(readonly ws: WebSocket) {
    sockets.push({ destroy: () => ws.terminate() })
    ws.on('error', () => undefined)
    ws.on('message', (data) => {
      this.received += (data as Buffer).length
      const message = JSON.parse(data.toString())
      if (message.type === 'result') this.answers.set(message.id, message.result)
      for (const wake of this.waiters.splice(0)) wake()
    })
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }
  static async open(host: HeadlessHost): Promise<Page> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`], { origin: `http://127.0.0.1:${host.port}` })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    return new Page(ws)
  }
  call(method: string, input: unknown = {}): number {
    const id = this.nextId++
    this.ws.send(JSON.stringify({ type: 'call', id, method, input }))
    return id
  }
  async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.waiters.push(resolve))
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })

/** Live traffic: `count` requests to the capture port, each with a long path, so that each makes a large summary. */
async function traffic(count: number, tag: string): Promise<void> {
  const long = 'p'.repeat(8 * 1024)
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: t.port, path: `/${tag}/${i}/${long}`, method: 'POST', agent }, (res) => {
            res.resume()
            res.on('end', resolve)
          })
          req.on('error', reject)
          req.end('x')
        }),
    ),
  )
}

describe('a page that does not read', () => {
  it('is cut off once its unread live updates pass the bound, the host holding no more for it, while a page that reads goes on', async () => {
    const limit = 1 * MiB
    const host = await startHost({ clientLimits: { maxUnreadBytes: limit } })
    const reader = await Page.open(host)
    const stalled = await Page.open(host)
    // Authenticated, then reads nothing more: its socket, then the system's buffers, fill up.
    stalled.ws.pause()
    expect(host.connections).toBe(2)
    let round = 0
    let mostHeld = 0
    // Far more than the bound and what the system buffers between the two ends (a few MB on loopback).
    while (host.connections === 2 && reader.received < 48 * MiB) {
      await traffic(40, `burst-${round++}`)
      mostHeld = Math.max(mostHeld, host.heldBytes)
    }
    expect(host.connections).toBe(1)
    // The bound, what the socket is sending, and one batch more at most.
    expect(mostHeld).toBeLessThan(limit + 2 * MiB)
    await traffic(40, 'after')
    expect(host.heldBytes).toBeLessThan(2 * MiB)
    // Once it reads again, it learns why it was closed, after what it had been sent.
    stalled.ws.resume()
    expect(await stalled.closed).toEqual({ code: WS_CLOSE_FELL_BEHIND, reason: expect.stringContaining('fell behind') })
    // The page that read was never at risk.
    expect(reader.ws.readyState).toBe(WebSocket.OPEN)
    const id = reader.call('app.info')
    await reader.until(() => reader.answers.has(id))
    expect(reader.answers.get(id)).toMatchObject({ ok: true })
  })

  it('has its calls read only as it takes their answers, so that answers do not pile up for it; it gets every one once it reads', async () => {
    const host = await startHost({ clientLimits: { maxUnreadBytes: 1 * MiB } })
    const body = Buffer.alloc(1 * MiB, 'b')
    const stored = t.engine.events.waitFor('capture:completed', () => true)
    await fetch(`${t.url}large`, { method: 'POST', body })
    const capture = await stored
    const stalled = await Page.open(host)
    stalled.ws.pause()
    // Each answer is a slice of 256 KiB, base64: 350 kB. Together 105 MB, were they all kept for it.
    const calls = 300
    const slice = 256 * 1024
    for (let i = 0; i < calls; i++) stalled.call('captures.body', { id: capture.id, offset: (i % 4) * slice, length: slice })
    await vi.waitFor(() => expect(host.callsWaiting).toBeGreaterThan(0), { timeout: 20_000 })
    // The socket's window, the bound, and the calls being answered when it was reached (32 at most).
    expect(host.heldBytes).toBeLessThan(16 * MiB)
    // Nothing is lost for a page that is only slow: it reads, and every answer arrives.
    stalled.ws.resume()
    await stalled.until(() => stalled.answers.size === calls)
    expect([...stalled.answers.values()].every((answer) => answer.ok)).toBe(true)
    expect(host.connections).toBe(1)
  })
  it('is sent the latest state, not every state it missed: a response rule saved 30 times waits for it once', async () => {
    const host = await startHost({ clientLimits: { maxUnreadBytes: 1 * MiB } })
    const driver = await Page.open(host)
    const stalled = await Page.open(host)
    stalled.ws.pause()
    const statesOf = (page: Page) => {
      const states: string[] = []
      page.ws.on('message', (data) => {
        const message = JSON.parse(data.toString())
        if (message.type === 'event' && message.event === 'endpoints.changed') states.push(message.payload.endpoints[0].response.body.slice(0, 8))
      })
      return states
    }
    const driven = statesOf(driver)
    const states = statesOf(stalled)
    let mostHeld = 0
    for (let i = 0; i < 30; i++) {
      // Each save is a 2 MB state for every page: 60 MB for one that reads none of them.
      const name = `save-${String(i).padStart(3, '0')}`
      driver.call('endpoints.update', { id: t.endpointId, patch: { response: { body: name.padEnd(2 * MiB, '.') } } })
      await driver.until(() => driven.at(-1) === name)
      mostHeld = Math.max(mostHeld, host.heldBytes)
    }
    // States do not count as unread updates: the page is not cut off, and what waits for it is one state.
    expect(host.connections).toBe(2)
    expect(mostHeld).toBeLessThan(8 * MiB)
    stalled.ws.resume()
    await stalled.until(() => states.at(-1) === 'save-029')
    expect(states.length).toBeLessThan(30)
  })
})

describe('a page that reads', () => {
  it('takes answers far larger than the bound while live traffic flows, and is never cut off', async () => {
    const host = await startHost({ clientLimits: { maxUnreadBytes: 4 * MiB } })
    const body = Buffer.alloc(16 * MiB, 'c')
    const stored = t.engine.events.waitFor('capture:completed', () => true)
    await fetch(`${t.url}larger`, { method: 'POST', body })
    const capture = await stored
    const page = await Page.open(host)
    // Two 21 MB answers at once, and traffic behind them.
    const first = page.call('captures.body', { id: capture.id, offset: 0, length: 16 * MiB })
    const second = page.call('captures.body', { id: capture.id, offset: 0, length: 16 * MiB })
    await traffic(80, 'beside-large')
    await page.until(() => page.answers.has(first) && page.answers.has(second))
    expect(page.answers.get(first)).toMatchObject({ ok: true })
    expect(page.answers.get(second)).toMatchObject({ ok: true })
    expect(page.ws.readyState).toBe(WebSocket.OPEN)
    expect(host.connections).toBe(1)
  })
})

/** A raw client that sends an upgrade request, reads the answer to its end, and never closes its own side. */
async function refusedUpgrade(host: HeadlessHost, request: string): Promise<string> {
  const before = await host.openConnections()
  const socket = net.connect({ port: host.port, host: '127.0.0.1', allowHalfOpen: true })
  sockets.push(socket)
  const chunks: Buffer[] = []
  socket.on('data', (chunk) => chunks.push(chunk))
  socket.on('error', () => undefined)
  socket.write(request)
  await new Promise<void>((resolve) => socket.once('end', () => resolve()))
  // The host's side of the connection is gone, not left open until the caller closes its own.
  await vi.waitFor(async () => expect(await host.openConnections()).toBe(before), { timeout: 5_000 })
  return Buffer.concat(chunks).toString('latin1')
}

function upgradeRequest(port: number, options: { path?: string; origin?: string; token?: string; version?: string } = {}): string {
  return (
    `GET ${options.path ?? '/api'} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${options.origin ?? `http://127.0.0.1:${port}`}\r\n` +
    `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: ${options.version ?? '13'}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
    `Sec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}${options.token ?? TOKEN}\r\n\r\n`
  )
}

describe('a refused connection', () => {
  it('is told apart by the Api\'s path asked without an upgrade: 426 while pages may connect', async () => {
    const host = await startHost({ maxClients: 1 })
    const asked = await fetch(`http://127.0.0.1:${host.port}/api`, { method: 'HEAD' })
    expect(asked.status).toBe(426)
    await Page.open(host)
    expect((await fetch(`http://127.0.0.1:${host.port}/api`, { method: 'HEAD' })).status).toBe(503)
  })

  it('is closed by the host once its answer is written, whatever the caller does with its side', async () => {
    const host = await startHost()
    const cases: Array<[string, string, RegExp]> = [
      ['wrong token', upgradeRequest(host.port, { token: 'not-the-token' }), /^HTTP\/1\.1 401 /],
      ['foreign origin', upgradeRequest(host.port, { origin: 'https://evil.example' }), /^HTTP\/1\.1 403 /],
      ['unknown path', upgradeRequest(host.port, { path: '/other' }), /^HTTP\/1\.1 404 /],
      ['failed upgrade', upgradeRequest(host.port, { version: '7' }), /^HTTP\/1\.1 400 /],
    ]
    for (const [name, request, status] of cases) {
      expect(await refusedUpgrade(host, request), name).toMatch(status)
    }
  })

  it('is closed by the host when the most pages are connected, saying so', async () => {
    const host = await startHost({ maxClients: 2 })
    await Page.open(host)
    await Page.open(host)
    const answer = await refusedUpgrade(host, upgradeRequest(host.port))
    expect(answer).toMatch(/^HTTP\/1\.1 503 /)
    expect(answer).toContain('too many pages connected: 2 already use this Hookscope; close some of its tabs')
    expect(host.connections).toBe(2)
    // A page cannot read a refused handshake's answer: it asks the Api's path without an upgrade.
    const asked = await fetch(`http://127.0.0.1:${host.port}/api`)
    expect(asked.status).toBe(503)
    expect(await asked.text()).toContain('too many pages connected')
  })
})

describe('callers that hold connections to the UI port', () => {
  it('are answered 408 and cut off once their headers took longer than 10 s, however steadily they trickle in; the page still loads', async () => {
    const host = await startHost()
    expect(HEADERS_TIMEOUT_MS).toBe(10_000)
    const socket = net.connect({ port: host.port, host: '127.0.0.1' })
    sockets.push(socket)
    socket.on('error', () => undefined)
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const opened = performance.now()
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    // A header line every second: never idle, never done.
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n`)
    let line = 0
    const trickle = setInterval(() => socket.write(`X-Slow-${line++}: 1\r\n`), 1_000)
    try {
      await new Promise<void>((resolve) => socket.once('close', () => resolve()))
    } finally {
      clearInterval(trickle)
    }
    const lasted = performance.now() - opened
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 408 /)
    // Its headers' time, and the host's check of it once a second (with room for a busy machine).
    expect(lasted).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50)
    expect(lasted).toBeLessThan(HEADERS_TIMEOUT_MS + 5_000)
    expect(line).toBeGreaterThanOrEqual(8)
    expect(await host.openConnections()).toBe(0)
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(200)
  })

  it('are taken up to 256 at once; one more is closed at once, and a place freed is taken again', async () => {
    const host = await startHost()
    expect(MAX_UI_CONNECTIONS).toBe(256)
    const open = async () => {
      const socket = net.connect({ port: host.port, host: '127.0.0.1' })
      sockets.push(socket)
      socket.on('error', () => undefined)
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      return socket
    }
    const held: net.Socket[] = []
    for (let i = 0; i < MAX_UI_CONNECTIONS; i++) held.push(await open())
    await vi.waitFor(async () => expect(await host.openConnections()).toBe(MAX_UI_CONNECTIONS), { timeout: 5_000 })
    const extra = await open()
    const answer: Buffer[] = []
    extra.on('data', (chunk) => answer.push(chunk))
    extra.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)
    await new Promise<void>((resolve) => extra.once('close', () => resolve()))
    expect(Buffer.concat(answer).length).toBe(0)
    expect(await host.openConnections()).toBe(MAX_UI_CONNECTIONS)
    held.pop()!.destroy()
    await vi.waitFor(async () => expect(await host.openConnections()).toBe(MAX_UI_CONNECTIONS - 1), { timeout: 5_000 })
    expect((await fetch(`http://127.0.0.1:${host.port}/`)).status).toBe(200)
  })
})
