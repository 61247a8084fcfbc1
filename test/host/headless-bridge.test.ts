import { mkdir, symlink, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import WebSocket from 'ws'
import { HeadlessHost } from '../../electron/headless/host'
import { methodNames, type EventName } from '../../shared/api'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/wire'
import { connect, rawExchange, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'
import { traversalPaths } from './traversal-paths'

const TOKEN = 'test-token-0123456789abcdef'
let t: TestEngine
let host: HeadlessHost
let rendererDir: string

beforeEach(async () => {
  t = await startEngine()
  rendererDir = await tempDir('hookscope-ui-')
  await mkdir(path.join(rendererDir, 'assets'))
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Hookscope</title>')
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  host = await HeadlessHost.start({ engine: t.engine, rendererDir, token: TOKEN })
})

afterEach(async () => {
  await host.close()
  await t.close()
  await removeDir(t.dir)
  await removeDir(rendererDir)
})

interface Attempt {
  host?: string
  origin?: string | null
  protocols?: string[]
  path?: string
}

/** Try to open the Api WebSocket; resolves with the HTTP status of a refusal, or the open socket. */
function attempt(options: Attempt = {}): Promise<{ status: number; ws?: WebSocket }> {
  const hostHeader = options.host ?? `127.0.0.1:${host.port}`
  const origin = options.origin === undefined ? `http://${hostHeader}` : options.origin
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? '/api'}`, options.protocols ?? [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`], {
    headers: { Host: hostHeader },
    ...(origin === null ? {} : { origin }),
  })
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 101, ws }))
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode! })
      res.resume()
    })
    ws.once('error', () => undefined)
  })
}

class Client {
  private nextId = 1
  private readonly pending = new Map<number, (value: unknown) => void>()
  readonly events: Array<{ event: EventName; payload: unknown }> = []
  private readonly eventWaiters: Array<() => void> = []
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString())
      if (message.type === 'result') this.pending.get(message.id)?.(message.result)
      else {
        this.events.push({ event: message.event, payload: message.payload })
        for (const wake of this.eventWaiters.splice(0)) wake()
      }
    })
  }
  call(method: string, input: unknown = {}): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: unknown) => void)
      this.ws.send(JSON.stringify({ type: 'call', id, method, input }))
    })
  }
  async waitForEvents(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.eventWaiters.push(resolve))
  }
}

describe('the headless control plane refuses callers it cannot trust', () => {
  it('refuses a connection without a token', async () => {
    expect((await attempt({ protocols: [WS_PROTOCOL] })).status).toBe(401)
  })
  it('refuses a wrong token', async () => {
    expect((await attempt({ protocols: [WS_PROTOCOL, `${WS_TOKEN_PREFIX}not-the-token`] })).status).toBe(401)
  })
  it('refuses a foreign Origin, even with the right token (cross-site WebSocket hijacking)', async () => {
    expect((await attempt({ origin: 'https://evil.example' })).status).toBe(403)
    expect((await attempt({ origin: `http://localhost:${host.port}` })).status).toBe(403)
  })
  it('refuses a missing Origin', async () => {
    expect((await attempt({ origin: null })).status).toBe(403)
  })
  it('refuses a rebinding Host, even with the right token and a matching Origin', async () => {
    const evil = `evil.example:${host.port}`
    expect((await attempt({ host: evil, origin: `http://${evil}` })).status).toBe(403)
  })
  it('is reached through a tunnel on another port, as `ssh -L 8080:127.0.0.1:<ui-port>` makes it, page and Api alike', async () => {
    // What the tunnel does: each connection to its port piped to the UI port.
    const tunnel = net.createServer((inbound) => {
      const outbound = net.connect({ port: host.port, host: '127.0.0.1' })
      inbound.pipe(outbound).pipe(inbound)
      inbound.on('error', () => outbound.destroy())
      outbound.on('error', () => inbound.destroy())
    })
    await new Promise<void>((resolve) => tunnel.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => tunnel.close(() => resolve())))
    const port = (tunnel.address() as net.AddressInfo).port
    const page = await fetch(`http://127.0.0.1:${port}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain(`ws://127.0.0.1:${port}`)
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`], { origin: `http://127.0.0.1:${port}` })
    onTestFinished(() => ws.terminate())
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const client = new Client(ws)
    expect(await client.call('app.info')).toMatchObject({ ok: true })
    // The name is what counts: a rebinding name through the same tunnel is refused.
    const rebound = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', headers: { Host: `evil.example:${port}` } }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject)
    })
    expect(rebound).toBe(403)
    expect((await attempt({ host: `localhost:${port}` })).status).toBe(101)
  })
  it('takes a name given with --allow-host on any port, behind a proxy that adds https too, and still no other', async () => {
    const proxied = await HeadlessHost.start({ engine: t.engine, rendererDir, token: TOKEN, allowedHosts: ['Hooks.Example'] })
    onTestFinished(() => proxied.close())
    const via = (hostHeader: string, origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${proxied.port}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`], { headers: { Host: hostHeader }, origin })
        ws.once('open', () => (ws.close(), resolve(101)))
        ws.once('unexpected-response', (_req, res) => (res.resume(), resolve(res.statusCode!)))
        ws.once('error', () => undefined)
      })
    expect(await via('hooks.example', 'https://hooks.example')).toBe(101)
    expect(await via('hooks.example:8443', 'https://hooks.example:8443')).toBe(101)
    expect(await via(`hooks.example:${proxied.port}`, `http://hooks.example:${proxied.port}`)).toBe(101)
    // The Origin is still the page's own, whatever the scheme.
    expect(await via('hooks.example', 'https://evil.example')).toBe(403)
    expect(await via('hooks.example', 'https://hooks.example:8443')).toBe(403)
    expect(await via('evil.example', 'https://evil.example')).toBe(403)
    expect(await via('hooks.example.evil.example', 'https://hooks.example.evil.example')).toBe(403)
  })
  it('survives callers that reset the connection while they are being refused', async () => {
    const uncaught: unknown[] = []
    const record = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', record)
    try {
      for (let i = 0; i < 10; i++) {
        const socket = await connect(host.port)
        socket.on('error', () => undefined)
        socket.write(
          `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: https://evil.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        )
        socket.resetAndDestroy()
      }
      // The host still answers, and still lets its own page in.
      expect((await attempt({ origin: 'https://evil.example' })).status).toBe(403)
      const { status, ws } = await attempt()
      expect(status).toBe(101)
      ws!.close()
    } finally {
      process.off('uncaughtException', record)
    }
    expect(uncaught).toEqual([])
  })
  it('answers an upgrade whose request target is no URL, or not the Api\'s path as a page sends it, and goes on serving', async () => {
    const uncaught: unknown[] = []
    const crashed = new Promise<'crashed'>((resolve) => {
      const record = (error: unknown) => {
        uncaught.push(error)
        resolve('crashed')
      }
      process.on('uncaughtException', record)
      onTestFinished(() => void process.off('uncaughtException', record))
    })
    const upgrade = (target: string) =>
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: http://127.0.0.1:${host.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}${TOKEN}\r\n\r\n`
    // No token is needed to send these: before any check, a target the URL parser rejects took the
    // whole process (engine and capture) down. Absolute-form and `//host` targets name no other path.
    for (const target of ['http://[', 'http://127.0.0.1/api', '//evil.example/api']) {
      const answer = await Promise.race([rawExchange(host.port, upgrade(target)), crashed])
      expect(uncaught, target).toEqual([])
      expect(answer === 'crashed' ? 0 : answer.responses[0]?.status, target).toBe(404)
    }
    const { status, ws } = await attempt()
    expect(status).toBe(101)
    ws!.close()
  })
  it('listens on loopback only: the machine\'s other addresses do not reach the UI port', async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'))
      .map((a) => a!.address)
    for (const address of [...others, '::1']) {
      const refused = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: address, port: host.port })
        socket.once('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      })
      expect(refused, address).not.toBe('connected')
    }
  })
  it('refuses other paths', async () => {
    expect((await attempt({ path: '/other' })).status).toBe(404)
  })
  it('serves the page only to loopback Host names, and nothing outside the UI folder', async () => {
    const get = (target: string, hostHeader: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: host.port, path: target, headers: { Host: hostHeader } }, (res) => {
          res.resume()
          resolve({ status: res.statusCode!, headers: res.headers })
        }).on('error', reject)
      })
    const page = await get('/', `localhost:${host.port}`)
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toContain("default-src 'none'")
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://localhost:${host.port} wss://localhost:${host.port}`)
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect((await get('/assets/app.js', `127.0.0.1:${host.port}`)).status).toBe(200)
    const rebound = await get('/', `evil.example:${host.port}`)
    expect(rebound.status).toBe(403)
    // A refusal is a page too: the same headers keep it from being framed, sniffed or scripted.
    for (const response of [page, rebound]) {
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' })
    }
    const { raw } = await rawExchange(host.port, `GET /../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)
    expect(raw.toString()).toMatch(/^HTTP\/1\.1 404/)
    const encoded = await rawExchange(host.port, `GET /%2e%2e/%2e%2e/package.json HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)
    expect(encoded.raw.toString()).toMatch(/^HTTP\/1\.1 404/)
  })
  it('serves nothing of a folder beside the UI\'s whose name begins with the same name, however the path is spelled', async () => {
    // A folder that only a prefix test ("starts with the UI folder's path") would take for the UI's own.
    const sibling = `${rendererDir}-secret`
    await mkdir(sibling)
    onTestFinished(() => removeDir(sibling))
    await writeFile(path.join(sibling, 'token.txt'), 'secret')
    const name = path.basename(sibling)
    const get = async (target: string) => {
      const { responses, raw } = await rawExchange(host.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)
      return { status: responses[0]?.status, text: raw.toString('latin1') }
    }
    for (const target of [
      ...traversalPaths(name, sibling),
      `/${'a/'.repeat(3000)}..%2f`,
    ]) {
      const answer = await get(target)
      expect(answer.status, target).toBeGreaterThanOrEqual(400)
      expect(answer.text, target).not.toContain('secret')
    }
    expect((await get('/assets/app.js')).status).toBe(200)
  })
  it.runIf(process.platform === 'linux')('survives a UI file that cannot be read, and goes on serving the page', async () => {
    // A file that is there when asked for but fails as it is read (as one a rebuild replaces can).
    await symlink('/proc/self/mem', path.join(rendererDir, 'assets', 'unreadable.js'))
    const uncaught: unknown[] = []
    const record = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', record)
    try {
      const broken = await rawExchange(host.port, `GET /assets/unreadable.js HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`, { untilClose: true })
      expect(broken.closed).toBe(true)
      const page = await rawExchange(host.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)
      expect(page.responses[0]!.status).toBe(200)
      expect(page.responses[0]!.body.toString()).toContain('<title>Hookscope</title>')
    } finally {
      process.off('uncaughtException', record)
    }
    expect(uncaught).toEqual([])
  })
  it('keeps the capture port free of the UI and the Api', async () => {
    const page = await rawExchange(t.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(page.responses[0]!.body.toString()).toBe('{"ok":true}\n')
    const upgrade = await rawExchange(
      t.port,
      `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nOrigin: http://127.0.0.1:${t.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${WS_PROTOCOL}, ${WS_TOKEN_PREFIX}${TOKEN}\r\n\r\n`,
    )
    expect(upgrade.responses[0]!.status).toBe(200)
    expect(upgrade.raw.toString()).not.toMatch(/101 Switching Protocols/i)
  })
})

describe('a trusted client', () => {
  it('calls methods and gets envelopes back, errors included', async () => {
    const { ws } = await attempt()
    const client = new Client(ws!)
    const info = await client.call('app.info')
    expect(info).toMatchObject({ ok: true, value: { name: 'Hookscope', host: 'headless' } })
    expect(await client.call('captures.get', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await client.call('nope.nothing')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    ws!.close()
  })

  it('receives live traffic in batches, never one message per request', async () => {
    const { ws } = await attempt()
    const client = new Client(ws!)
    const sent = 40
    await Promise.all(Array.from({ length: sent }, (_, i) => fetch(`${t.url}batch/${i}`, { method: 'POST', body: String(i) })))
    const seen = () => {
      const done = new Set<string>()
      for (const e of client.events) {
        if (e.event !== 'traffic.batch') continue
        for (const c of (e.payload as { captures: Array<{ target: string; status: number | null }> }).captures) if (c.status === 200) done.add(c.target)
      }
      return done
    }
    await client.waitForEvents(() => seen().size === sent)
    const batches = client.events.filter((e) => e.event === 'traffic.batch')
    expect(batches.length).toBeLessThan(sent)
    ws!.close()
  })

  it('takes a call as large as the contract accepts (a response rule with a 10 MB body)', async () => {
    const { ws } = await attempt()
    const client = new Client(ws!)
    const body = 'x'.repeat(10 * 1024 * 1024)
    const closed = new Promise<{ closed: number }>((resolve) => ws!.once('close', (code) => resolve({ closed: code })))
    const updated = await Promise.race([client.call('endpoints.update', { id: t.endpointId, patch: { response: { body } } }), closed])
    expect(updated).toMatchObject({ ok: true })
    const { responses } = await rawExchange(t.port, 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(responses[0]!.headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1]).toBe(String(body.length))
    expect(ws!.readyState).toBe(WebSocket.OPEN)
    ws!.close()
  })

  it('closes a connection whose message is larger than the limit, and goes on serving others', async () => {
    const small = await HeadlessHost.start({ engine: t.engine, rendererDir, token: TOKEN, maxMessageBytes: 1024 })
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${small.port}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`], { origin: `http://127.0.0.1:${small.port}` })
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
      ws.on('error', () => undefined)
      ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.info', input: { pad: 'x'.repeat(2048) } }))
      expect(await closed).toBe(1009)
      const again = new WebSocket(`ws://127.0.0.1:${small.port}/api`, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${TOKEN}`], { origin: `http://127.0.0.1:${small.port}` })
      await new Promise((resolve, reject) => again.once('open', resolve).once('error', reject))
      expect(await new Client(again).call('app.info')).toMatchObject({ ok: true })
      again.close()
    } finally {
      await small.close()
    }
  })

  it('takes a call that carries a large file: a 12 MB HAR imports over the same connection', async () => {
    const { ws } = await attempt()
    const client = new Client(ws!)
    const body = 'x'.repeat(12 * 1024 * 1024)
    const request = { method: 'POST', url: 'https://example.test/big', httpVersion: 'HTTP/1.1', headers: [], postData: { mimeType: 'text/plain', text: body } }
    const har = { log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: [{ startedDateTime: '2026-01-01T00:00:00.000Z', time: 1, request }] } }
    const imported = await client.call('collections.import', { format: 'har', text: JSON.stringify(har) })
    // Answered with the tree (the body's size); the body itself comes with the item.
    expect(imported).toMatchObject({ ok: true, value: { items: [{ request: { url: 'https://example.test/big', body: { encoding: 'utf8', size: body.length } } }] } })
    const tree = imported.value as { id: string; items: Array<{ id: string }> }
    const item = await client.call('collections.item', { id: tree.id, itemId: tree.items[0]!.id })
    expect((item.value as { request: { body: { data: string } } }).request.body.data).toHaveLength(body.length)
    expect(await client.call('app.info')).toMatchObject({ ok: true })
    ws!.close()
  })

  it('closes the connection on a malformed message', async () => {
    const { ws } = await attempt()
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)))
    ws!.send('not json')
    expect(await closed).toBe(1008)
  })
})

describe('contract conformance of the headless host', () => {
  it('serves every method of the contract', async () => {
    const { ws } = await attempt()
    const client = new Client(ws!)
    for (const method of methodNames) {
      const result = await client.call(method, {})
      // Empty input may be invalid for some methods; what matters is that the method exists here.
      if (!result.ok) expect(result.error!.code, method).not.toBe('UNKNOWN_METHOD')
    }
    ws!.close()
  })
})
