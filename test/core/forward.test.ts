import { createHash } from 'node:crypto'
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { Writable } from 'node:stream'
import zlib from 'node:zlib'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import type { CaptureSummary, ForwardConfig, TargetStatus } from '../../shared/model'
import { BlobStore } from '../../electron/core/store/blobs'
import { send, StopGroup, type SendRequest } from '../../electron/core/forward/sender'
import { apiOf, rawExchange, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'
import { freePort, httpTarget, rawTarget, selfSignedTarget, type Target } from '../helpers/targets'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
const scope = testScope(() => t)
const target = scope.target

async function forwarding(config: Partial<ForwardConfig>): Promise<TestEngine> {
  t = await startEngine()
  await t.engine.updateEndpoint(t.endpointId, {
    forward: { retry: { maxAttempts: 10, maxAgeMs: 60_000, baseDelayMs: 40, maxDelayMs: 200 }, timeoutMs: 2000, ...config },
  })
  return t
}

/** Resolves with the summary once a capture's forwarding state satisfies the predicate. */
function forwardState(engine: TestEngine['engine'], predicate: (s: CaptureSummary) => boolean): Promise<CaptureSummary> {
  return new Promise((resolve) => {
    const check = (s: CaptureSummary) => {
      if (s.forward && predicate(s)) {
        off1()
        off2()
        resolve(s)
      }
    }
    const off1 = engine.events.on('capture:updated', check)
    const off2 = engine.events.on('capture:completed', check)
  })
}

/** Resolves with the first target's status once it satisfies the predicate, checked whenever the targets change. */
function targetState(engine: TestEngine['engine'], predicate: (s: TargetStatus) => boolean): Promise<TargetStatus> {
  return new Promise((resolve) => {
    const check = () => {
      const status = engine.forwarder.statuses(engine.endpoints())[0]
      if (status && predicate(status)) {
        off()
        resolve(status)
      }
    }
    const off = engine.events.on('forward:changed', check)
  })
}

function post(url: string, path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<{ status: number; headers: http.IncomingHttpHeaders; rawHeaders: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, url), { method, headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('byte-exact delivery', () => {
  it('sends method, path, query, header names in case and order with duplicates, and the body bytes; only hop-by-hop headers go', async () => {
    const raw = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n') && all.length >= all.indexOf('\r\n\r\n') + 4 + 256) socket.end('HTTP/1.1 204 No Content\r\n\r\n')
    })
    scope.defer(() => raw.close())
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: `${raw.url}/base/`, paused: false }], defaultTargetId: 'app' })
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    const delivered = forwardState(e.engine, (s) => s.forward!.state === 'delivered')
    await rawExchange(e.port, [
      'PATCH /hooks/a%2Fb?x=1&x=2 HTTP/1.1\r\n' +
        'Host: public.example\r\n' +
        'X-Dup: first\r\n' +
        'Connection: keep-alive, X-Hop\r\n' +
        'content-TYPE: application/octet-stream\r\n' +
        'X-Hop: goes away\r\n' +
        'Keep-Alive: timeout=5\r\n' +
        'TE: trailers\r\n' +
        'Proxy-Authorization: Basic c2VjcmV0\r\n' +
        'X-Dup: second\r\n' +
        'X-Latin1: caf\xe9\r\n' +
        'Transfer-Encoding: chunked\r\n' +
        '\r\n',
      `80\r\n`,
      body.subarray(0, 128),
      `\r\n80\r\n`,
      body.subarray(128),
      '\r\n0\r\n\r\n',
    ])
    const summary = await delivered
    const bytes = await raw.waitForBytes((all) => all.length >= all.indexOf('\r\n\r\n') + 4 + 256)
    const head = bytes.subarray(0, bytes.indexOf('\r\n\r\n') + 4).toString('latin1')
    expect(head).toBe(
      'PATCH /base/hooks/a%2Fb?x=1&x=2 HTTP/1.1\r\n' +
        `Host: 127.0.0.1:${raw.port}\r\n` +
        'X-Dup: first\r\n' +
        'content-TYPE: application/octet-stream\r\n' +
        'X-Dup: second\r\n' +
        'X-Latin1: caf\xe9\r\n' +
        'Content-Length: 256\r\n' +
        'Connection: keep-alive\r\n' +
        '\r\n',
    )
    expect(bytes.subarray(head.length).equals(body)).toBe(true)
    // The attempt shows the header lines as they went on the wire, the one Node adds included.
    const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    const lines = head.split('\r\n').slice(1, -2)
    expect(attempt!.sentHeaders.map(([name, value]) => `${name}: ${value}`)).toEqual(lines)
    expect(attempt!.sentHeaders.at(-1)).toEqual(['Connection', 'keep-alive'])
  })

  it('the sender reports every header line it wrote, those the client adds included, as the target received them', async () => {
    const dir = await tempDir()
    scope.defer(() => removeDir(dir))
    const blobs = new BlobStore(dir, 64 * 1024)
    await blobs.init()
    const app = await target()
    const agents = [new http.Agent({ keepAlive: true }), new http.Agent({ keepAlive: false })]
    scope.defer(async () => agents.forEach((agent) => agent.destroy()))
    const request = (agent: http.Agent, headers: Array<[string, string]>, body: SendRequest['body']): SendRequest => ({
      origin: new URL(app.url),
      path: '/wire?x=1',
      method: 'POST',
      headers: [['Host', new URL(app.url).host], ...headers],
      body,
      timeoutMs: 5000,
      maxResponseBytes: 1024,
      spool: () => blobs.createSpool(),
      agent,
    })
    const { Readable } = await import('node:stream')
    const outcomes = [
      await send(request(agents[0]!, [['X-A', 'caf\xe9: yes'], ['Content-Length', '2']], Buffer.from('{}'))),
      await send(request(agents[1]!, [['X-A', 'a']], { stream: () => Readable.from([Buffer.from('{}')]), length: 2 })),
    ]
    const received = await app.waitFor(2)
    expect(outcomes.map((o) => o.sentHeaders)).toEqual(received.map((r) => r.rawHeaders))
    expect(outcomes[0]!.sentHeaders!.at(-1)).toEqual(['Connection', 'keep-alive'])
    expect(outcomes[1]!.sentHeaders!.slice(2).map(([name]) => name)).toEqual(['Connection', 'Transfer-Encoding'])
  })

  it('keeps the received Host when asked to', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', host: 'keep', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    await post(e.url, '/x', '{}', { Host: 'hooks.public.example' })
    // Even when a Connection header names it.
    await post(e.url, '/y', '{}', { Host: 'hooks.public.example', Connection: 'keep-alive, Host' })
    const received = await app.waitFor(2)
    for (const request of received) expect(request.rawHeaders.filter(([n]) => n.toLowerCase() === 'host')).toEqual([['Host', 'hooks.public.example']])
  })

  it('never sends a request anywhere but the configured target (absolute-form, //host, /\\host)', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: `${app.url}/hooks`, paused: false }], defaultTargetId: 'app' })
    for (const requestTarget of ['http://169.254.169.254/latest/meta-data?x=1', '//evil.example/steal', '/\\evil.example/steal', 'http://evil.example']) {
      await rawExchange(e.port, `POST ${requestTarget} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`)
    }
    const received = await app.waitFor(4)
    expect(received.map((r) => r.url)).toEqual(['/hooks/latest/meta-data?x=1', '/hooks//evil.example/steal', '/hooks/\\evil.example/steal', '/hooks/'])
    const hosts = received.map((r) => r.rawHeaders.find(([n]) => n === 'Host')![1])
    expect(new Set(hosts)).toEqual(new Set([`127.0.0.1:${app.port}`]))
  })

  it('forwards a large body from disk with its exact bytes', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const big = Buffer.alloc(3 * 1024 * 1024)
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff
    await post(e.url, '/big', big, { 'Content-Type': 'application/octet-stream' })
    const [received] = await app.waitFor(1)
    expect(createHash('sha256').update(received!.body).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'))
    expect(received!.rawHeaders).toContainEqual(['Content-Length', String(big.length)])
  })
})

describe('modes', () => {
  it('async: the sender gets the endpoint’s own response at once; the attempt records the target’s answer', async () => {
    const app = await target((_req, res) => {
      res.writeHead(201, { 'X-From-App': 'yes', 'Content-Type': 'application/json' })
      res.end('{"created":true}')
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const delivered = forwardState(e.engine, (s) => s.forward!.state === 'delivered')
    const answer = await post(e.url, '/webhooks/stripe', '{"type":"checkout.session.completed"}')
    expect(answer.status).toBe(200)
    expect(answer.body.toString()).toBe('{"ok":true}\n')
    const summary = await delivered
    expect(summary.forward).toMatchObject({ state: 'delivered', status: 201, attempts: 1, targetId: 'app' })
    const attempts = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    expect(attempts).toHaveLength(1)
    expect(attempts[0]).toMatchObject({ n: 1, status: 201, url: `${app.url}/webhooks/stripe`, error: null })
    expect(attempts[0]!.rawHeaders).toContainEqual(['X-From-App', 'yes'])
    const body = await apiOf(e.engine)['forward.attemptBody']({ captureId: summary.id, attemptId: attempts[0]!.id })
    expect(Buffer.from(body.base64, 'base64').toString()).toBe('{"created":true}')
    expect((await e.engine.capture(summary.id)).forward).toMatchObject({ state: 'delivered' })
  })

  it('lists an attempt still waiting for the target’s answer as in progress, with when it was sent; once answered, under the same id', async () => {
    let answer: (() => void) | null = null
    const app = await target((_req, res) => {
      answer = () => res.writeHead(200).end('ok')
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: `${app.url}/base`, paused: false }], defaultTargetId: 'app' })
    const delivering = forwardState(e.engine, (s) => s.forward!.state === 'delivering')
    const before = Date.now()
    await post(e.url, '/hook', '{}')
    const { id } = await delivering
    await app.waitFor(1)
    const waiting = await apiOf(e.engine)['forward.attempts']({ id })
    expect(waiting).toHaveLength(1)
    expect(waiting[0]).toMatchObject({ n: 1, inProgress: true, status: null, error: null, url: `${app.url}/base/hook`, targetUrl: `${app.url}/base` })
    expect(waiting[0]!.startedAt).toBeGreaterThanOrEqual(before)
    expect(waiting[0]!.sentHeaders.length).toBeGreaterThan(0)
    const delivered = forwardState(e.engine, (s) => s.id === id && s.forward!.state === 'delivered')
    answer!()
    await delivered
    const done = await apiOf(e.engine)['forward.attempts']({ id })
    expect(done).toHaveLength(1)
    expect(done[0]).toMatchObject({ id: waiting[0]!.id, startedAt: waiting[0]!.startedAt, status: 200 })
    expect(done[0]!.inProgress).toBeUndefined()
  })

  it('proxy: the sender gets the target’s status, headers and body as they came; redirects are relayed, not followed', async () => {
    const gz = zlib.gzipSync(Buffer.from('{"compressed":true}'))
    const app = await target((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: 'http://169.254.169.254/' })
        res.end()
      } else {
        res.writeHead(202, 'Accepted For Later', { 'X-App': 'v1', 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' })
        res.end(gz)
      }
    })
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const answer = await post(e.url, '/relay', '{}')
    expect(answer.status).toBe(202)
    expect(answer.headers['x-app']).toBe('v1')
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(answer.body.equals(gz)).toBe(true)
    const redirect = await post(e.url, '/redirect', '{}')
    expect(redirect.status).toBe(302)
    expect(redirect.headers.location).toBe('http://169.254.169.254/')
    expect(app.received).toHaveLength(2)
    const page = e.engine.history.query({})
    expect(page.items.map((s) => s.status)).toEqual([302, 202])
  })

  it('proxy: the sender gets the target’s header lines and nothing the target did not send (no Date of Hookscope’s own)', async () => {
    const raw = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n{}')) socket.end('HTTP/1.1 200 OK\r\nX-Trace: a\r\nx-trace: b\r\nContent-Length: 2\r\n\r\nok')
    })
    scope.defer(() => raw.close())
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: raw.url, paused: false }], defaultTargetId: 'app' })
    const answer = await post(e.url, '/relay', '{}')
    expect(answer.status).toBe(200)
    expect(answer.body.toString()).toBe('ok')
    // Node's own framing headers (Connection, Keep-Alive) may follow: they concern the sender's connection only.
    const names = answer.rawHeaders.filter((_, i) => i % 2 === 0)
    expect(names.filter((name) => !/^(connection|keep-alive)$/i.test(name))).toEqual(['X-Trace', 'x-trace', 'Content-Length'])
  })

  it('proxy: a target that is down or silent gives 502 or 504 with a reason, and the capture is kept', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'proxy', timeoutMs: 300, targets: [{ id: 'down', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'down' })
    const refused = await post(e.url, '/x', '{}')
    expect(refused.status).toBe(502)
    expect(refused.body.toString()).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+\/?: connection refused/)
    const silent = await target(() => undefined)
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'silent', url: silent.url, paused: false }], defaultTargetId: 'silent' } })
    const started = performance.now()
    const timedOut = await post(e.url, '/y', '{}')
    expect(timedOut.status).toBe(504)
    expect(timedOut.body.toString()).toMatch(/did not answer in time \(no response within 300 ms\): it received the request and may still handle it\. If it needs longer, raise the timeout/)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(e.engine.history.count).toBe(2)
  })

  it('async: an app that takes the request but answers after the timeout is up and slow, not down, and the reason says what to do', async () => {
    const slow = await target(() => undefined)
    const e = await forwarding({ mode: 'async', timeoutMs: 300, retry: { maxAttempts: 2, maxAgeMs: 60_000, baseDelayMs: 60_000, maxDelayMs: 60_000 }, targets: [{ id: 'app', url: slow.url, paused: false }], defaultTargetId: 'app' })
    const waiting = forwardState(e.engine, (s) => s.forward!.state === 'retrying')
    await post(e.url, '/slow', '{}')
    const { forward } = await waiting
    const late = 'no response within 300 ms: your app received the request but did not answer in time, and may still handle it (a retry sends it again): if it needs longer, raise the timeout in the endpoint’s forwarding settings'
    expect(forward!.error).toBe(late)
    expect(slow.received.map((r) => r.url)).toEqual(['/slow'])
    expect((await apiOf(e.engine)['forward.status']({}))[0]).toMatchObject({ state: 'retrying', lastError: late })
  })
})

describe('proxy mode failures', () => {
  it('a proxied request the app refused or that never reached it says why it failed, as a queued one does, also after a restart', async () => {
    const app = await target((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 500)
      res.end()
    })
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    expect((await post(e.url, '/missing', '{}')).status).toBe(404)
    expect((await post(e.url, '/broken', '{}')).status).toBe(500)
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: `http://127.0.0.1:${await freePort()}`, paused: false }] } })
    expect((await post(e.url, '/down', '{}')).status).toBe(502)
    const reasons = (engine: TestEngine['engine']) =>
      engine.history
        .query({})
        .items.reverse()
        .map((s) => [s.target, s.forward!.state, s.forward!.status, s.forward!.error])
    const expected = [
      ['/missing', 'failed', 404, 'the target answered 404'],
      ['/broken', 'failed', 500, 'the target answered 500'],
      ['/down', 'failed', null, expect.stringMatching(/^connection refused/)],
    ]
    expect(reasons(e.engine)).toEqual(expected)
    t = await e.reopen()
    expect(reasons(t.engine)).toEqual(expected)
  })

  it('a proxied request that failed is not a failed delivery: its sender got the answer, so no target counts it, "Retry failed" leaves it and it cannot be dropped, also after a restart', async () => {
    const app = await target((_req, res) => {
      res.writeHead(500)
      res.end()
    })
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    expect((await post(e.url, '/broken', '{}')).status).toBe(500)
    const targets = (engine: TestEngine['engine']) => engine.forwarder.statuses(engine.endpoints()).map((s) => [s.targetId, s.failed, s.removed])
    expect(targets(e.engine)).toEqual([['app', 0, false]])
    // Queued delivery to another target now: the proxy's target is not listed as removed with a
    // failure that no retry could send.
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'async', targets: [{ id: 'next', url: app.url, paused: false }], defaultTargetId: 'next' } })
    expect(targets(e.engine)).toEqual([['next', 0, false]])
    expect(await apiOf(e.engine)['forward.retryFailed']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ count: 0, held: 0 })
    expect(app.received).toHaveLength(1)
    // Nor can it be dropped: its reason stays what the sender got.
    const [broken] = e.engine.history.query({}).items
    expect(await apiOf(e.engine)['forward.drop']({ ids: [broken!.id] })).toEqual({ count: 0 })
    expect(e.engine.history.query({}).items[0]!.forward).toMatchObject({ state: 'failed', error: 'the target answered 500' })
    t = await e.reopen()
    expect(targets(t.engine)).toEqual([['next', 0, false]])
    expect(t.engine.history.query({}).items[0]!.forward).toMatchObject({ state: 'failed', status: 500 })
  })
})

describe('kept-alive connections to the target', () => {
  it('proxy: an idempotent request on a connection the target had just closed is sent again on a new one, once', async () => {
    // Answers the first request on a connection, keeping it open; closes it when a second arrives
    // (as a server whose keep-alive timeout ran out just then).
    const answered = new WeakMap<net.Socket, number>()
    const app = await rawTarget((all, socket) => {
      const heads = all.toString('latin1').split('HTTP/1.1\r\n').length - 1
      const done = answered.get(socket) ?? 0
      if (heads === done) return
      answered.set(socket, heads)
      if (heads === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
      else socket.destroy()
    })
    scope.defer(() => app.close())
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    expect((await post(e.url, '/one', '{}')).status).toBe(200)
    const second = await post(e.url, '/two', '{}', {}, 'PUT')
    expect(second.status).toBe(200)
    expect(second.body.toString()).toBe('ok')
    expect(app.connections).toHaveLength(2)
    const two = e.engine.history.query({}).items.find((s) => s.target === '/two')!
    expect(e.engine.forwarder.attempts(two.id).map((a) => [a.status, a.error])).toEqual([[200, null]])
  })

  it('a kept-alive connection is given up a second before the target said it would close it', async () => {
    // Node's server announces `Keep-Alive: timeout=3` and closes idle connections after 3 s. Hookscope
    // must close first (after 2 s): a POST sent on a connection the target is closing at that moment
    // fails, since sending it again could deliver it twice.
    const app = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => res.end('ok'))
    })
    app.keepAliveTimeout = 3000
    const closedBy = new Promise<'hookscope' | 'target'>((resolve) => {
      app.on('connection', (socket) => {
        socket.once('end', () => resolve('hookscope'))
        socket.once('close', () => resolve('target'))
      })
    })
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    scope.defer(() => new Promise<void>((resolve) => app.close(() => resolve())))
    const url = `http://127.0.0.1:${(app.address() as net.AddressInfo).port}`
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url, paused: false }], defaultTargetId: 'app' })
    const answer = await post(e.url, '/one', '{}')
    expect(answer.status).toBe(200)
    expect(answer.body.toString()).toBe('ok')
    const started = performance.now()
    expect(await closedBy).toBe('hookscope')
    expect(performance.now() - started).toBeLessThan(2900)
  })

  it('proxy: a POST the target may have received on a kept-alive connection is never sent again', async () => {
    // The target reads the second request whole, then closes the connection without answering (as a
    // target that crashed while handling it): the client sees what it sees when an idle connection
    // was closed just as it was reused, but here the target has the request.
    const answered = new WeakMap<net.Socket, number>()
    const app = await rawTarget((all, socket) => {
      const heads = all.toString('latin1').split('HTTP/1.1\r\n').length - 1
      const done = answered.get(socket) ?? 0
      if (heads === done || !all.toString('latin1').endsWith('{}')) return
      answered.set(socket, heads)
      if (heads === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok')
      else socket.destroy()
    })
    scope.defer(() => app.close())
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    expect((await post(e.url, '/one', '{}')).status).toBe(200)
    const second = await post(e.url, '/two', '{}')
    expect(second.status).toBe(502)
    const received = Buffer.concat(app.connections.flat()).toString('latin1')
    expect(received.split('POST /two ').length - 1).toBe(1)
    const two = e.engine.history.query({}).items.find((s) => s.target === '/two')!
    expect(e.engine.forwarder.attempts(two.id).map((a) => a.error?.code)).toEqual(['RESET'])
  })
})

describe('targets that misbehave', () => {
  it('records refused, timeout, reset and invalid responses with their codes', async () => {
    const refusedPort = await freePort()
    const silent = await target(() => undefined)
    // A non-2xx answer cut short is no answer: retried, as a reset before any answer is.
    const reset = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n')) {
        socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100\r\n\r\npartial')
        socket.resetAndDestroy()
      }
    })
    const garbage = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n')) socket.end('THIS IS NOT HTTP\r\n\r\n')
    })
    scope.defer(() => reset.close())
    scope.defer(() => garbage.close())
    const cases: Array<[string, string]> = [
      [`http://127.0.0.1:${refusedPort}`, 'REFUSED'],
      [silent.url, 'TIMEOUT'],
      [reset.url, 'RESET'],
      [garbage.url, 'INVALID_RESPONSE'],
    ]
    const e = await forwarding({ mode: 'async', timeoutMs: 300, retry: { maxAttempts: 1, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 } })
    for (const [url, code] of cases) {
      await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 't', url, paused: false }], defaultTargetId: 't' } })
      const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
      await post(e.url, '/x', '{}')
      const summary = await failed
      const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
      expect(attempt!.error?.code, url).toBe(code)
      expect(summary.forward!.error).toMatch(/gave up after 1 attempt: /)
    }
  })

  it('an answer followed by bytes it does not own (a 204 or 304 with a body, a Content-Length counted in characters) is taken as given, sent once', async () => {
    // Each request is answered whole, then bytes no answer owns follow in the same write, as from an
    // app that sends a body with 204 or 304, or counts "café" as 4 bytes.
    const answers: Record<string, string> = {
      '/no-content': 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello',
      '/not-modified': 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello',
      '/cafe': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\ncafé',
    }
    const app = await rawTarget((all, socket) => {
      const text = all.toString('latin1')
      if (!text.endsWith('{}')) return
      socket.write(answers[/^POST (\S+)/.exec(text)![1]!]!)
    })
    scope.defer(() => app.close())
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    for (const [path, status] of [['/no-content', 204], ['/not-modified', 304], ['/cafe', 200]] as const) {
      const settled = forwardState(e.engine, (s) => s.target === path && (s.forward!.state === 'delivered' || s.forward!.state === 'failed' || s.forward!.state === 'retrying'))
      await post(e.url, path, '{}')
      const summary = await settled
      const attempts = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
      expect(attempts.map((a) => [a.status, a.error]), path).toEqual([[status, null]])
      expect(summary.forward!.state, path).toBe(status === 304 ? 'failed' : 'delivered')
    }
    const received = Buffer.concat(app.connections.flat()).toString('latin1')
    expect(received.match(/POST \//g)).toHaveLength(3)
    // In proxy mode the sender gets the answer, without the bytes that followed it.
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'proxy' } })
    const proxied = await post(e.url, '/no-content', '{}')
    expect(proxied.status).toBe(204)
    expect(proxied.body.length).toBe(0)
    const cafe = await post(e.url, '/cafe', '{}')
    expect(cafe.status).toBe(200)
    expect(cafe.body.toString('latin1')).toBe('caf\xc3')
  })

  it('an https:// target that answers plain HTTP fails as TLS, in words that say to use http://, without OpenSSL’s internals', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 1, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 }, targets: [{ id: 'app', url: app.url.replace('http:', 'https:'), paused: false }], defaultTargetId: 'app' })
    const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
    await post(e.url, '/hooks', '{}')
    const summary = await failed
    const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    expect(attempt!.error).toEqual({
      code: 'TLS',
      message: `TLS failed: the target does not answer HTTPS on this port (wrong version number); if it serves plain HTTP, use http:// instead of https://`,
      advice: 'if it serves plain HTTP, use http:// instead of https://',
    })
    expect(summary.forward!.error).toBe(`gave up after 1 attempt: ${attempt!.error!.message}`)
    expect(e.engine.forwarder.statuses(e.engine.endpoints())[0]!.lastError).toBe(attempt!.error!.message)
  })

  it('an https:// app with its own self-signed certificate is refused in words that say what to do, and reached once the target accepts it', async () => {
    const app = await selfSignedTarget()
    scope.defer(() => app.close())
    const retry = { maxAttempts: 1, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 }
    const e = await forwarding({ mode: 'async', retry, targets: [{ id: 'app', url: `${app.url}/hooks`, paused: false }], defaultTargetId: 'app' })
    const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
    await post(e.url, '/stripe', '{"id":"evt_1"}')
    const summary = await failed
    const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    expect(attempt!.error!.code).toBe('TLS')
    expect(attempt!.error!.message).toBe(
      "TLS failed: no trusted authority vouches for the target's certificate (self-signed certificate); for a local app's self-signed or mkcert certificate, let this target accept self-signed certificates (Forwarding settings)",
    )
    expect(app.received).toHaveLength(0)

    // Accepted: delivered byte for byte, and the answer recorded.
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: `${app.url}/hooks`, paused: false, acceptSelfSigned: true }] } })
    const delivered = forwardState(e.engine, (s) => s.target === '/order' && s.forward!.state === 'delivered')
    await post(e.url, '/order', '{"id":"evt_2"}')
    const done = await delivered
    expect((await app.waitFor(1))[0]).toMatchObject({ method: 'POST', url: '/hooks/order', body: Buffer.from('{"id":"evt_2"}') })
    const [ok] = await apiOf(e.engine)['forward.attempts']({ id: done.id })
    expect(ok).toMatchObject({ status: 200, error: null })

    // Accepting is per target: turned off again, the same app is refused again (no connection reused).
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: `${app.url}/hooks`, paused: false }] } })
    const refused = forwardState(e.engine, (s) => s.target === '/again' && s.forward!.state === 'failed')
    await post(e.url, '/again', '{}')
    await refused
    expect(app.received).toHaveLength(1)
  })

  it('an answer that is not valid HTTP fails in words that say what is wrong with it, without the parser’s codes', async () => {
    const answers: Record<string, string> = {
      '/html': '<html><body>Welcome</body></html>',
      '/both': 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      '/twice': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok',
      '/bare-lf': 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok',
      '/chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    }
    const app = await rawTarget((all, socket) => {
      const text = all.toString('latin1')
      if (text.endsWith('{}')) socket.end(answers[/^POST (\S+)/.exec(text)![1]!]!)
    })
    scope.defer(() => app.close())
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 1, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 }, targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const expected: Record<string, string> = {
      '/html': 'the answer is not HTTP: it does not start with a status line such as “HTTP/1.1 200 OK” (is another kind of server listening on that port?)',
      '/both': 'the answer is not valid HTTP: it has both Content-Length and Transfer-Encoding, which HTTP forbids',
      '/twice': 'the answer is not valid HTTP: it has more than one Content-Length',
      '/bare-lf': 'the answer is not valid HTTP: its lines end with a line feed alone, where HTTP needs a carriage return and a line feed',
      '/chunk': 'the answer is not valid HTTP (Invalid character in chunk size)',
    }
    for (const [path, message] of Object.entries(expected)) {
      const failed = forwardState(e.engine, (s) => s.target === path && s.forward!.state === 'failed')
      await post(e.url, path, '{}')
      const summary = await failed
      const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
      expect(attempt!.error, path).toEqual({ code: 'INVALID_RESPONSE', message })
    }
    // Proxy mode: the sender is told the target answered, not that it could not be reached.
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'proxy' } })
    const proxied = await post(e.url, '/html', '{}')
    expect(proxied.status).toBe(502)
    expect(proxied.body.toString()).toBe(`Hookscope could not read the answer from ${app.url}: ${expected['/html']}.\n`)
  })

  it('says which addresses refused a localhost target (both loopbacks are tried)', async () => {
    const refusedPort = await freePort()
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 1, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 } })
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 't', url: `http://localhost:${refusedPort}/hooks`, paused: false }], defaultTargetId: 't' } })
    const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
    await post(e.url, '/x', '{}')
    const summary = await failed
    const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    expect(attempt!.error?.code).toBe('REFUSED')
    expect(attempt!.error?.message).toContain(`127.0.0.1:${refusedPort}`)
    expect(attempt!.error?.message).not.toMatch(/\(\)/)
    expect(e.engine.forwarder.statuses(e.engine.endpoints())[0]?.lastError).toContain(`127.0.0.1:${refusedPort}`)
  })

  it('retries 5xx with backoff, and does not retry a 4xx', async () => {
    let calls = 0
    const flaky = await target((_req, res) => {
      calls++
      res.writeHead(calls < 3 ? 503 : 200)
      res.end()
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: flaky.url, paused: false }], defaultTargetId: 'app' })
    const delivered = forwardState(e.engine, (s) => s.forward!.state === 'delivered')
    await post(e.url, '/x', '{}')
    expect((await delivered).forward!.attempts).toBe(3)
    const rejecting = await target((_req, res) => {
      res.writeHead(400)
      res.end('bad signature')
    })
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: rejecting.url, paused: false }] } })
    const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
    await post(e.url, '/y', '{}')
    const summary = await failed
    expect(summary.forward).toMatchObject({ attempts: 1, status: 400, error: 'the target answered 400' })
  })

  it('waits as long as a 429 or 503 asks with Retry-After (seconds or a date) before trying again, within the maximum delay', async () => {
    let calls = 0
    const busy = await target((_req, res) => {
      calls++
      res.writeHead(calls === 1 ? 429 : 503, { 'Retry-After': calls === 1 ? '30' : new Date(Date.now() + 90_000).toUTCString() })
      res.end('slow down')
    })
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 10, maxAgeMs: 600_000, baseDelayMs: 40, maxDelayMs: 60_000 }, targets: [{ id: 'app', url: busy.url, paused: false }], defaultTargetId: 'app' })
    const api = apiOf(e.engine)
    const first = forwardState(e.engine, (s) => s.forward!.state === 'retrying' && s.forward!.attempts === 1)
    await post(e.url, '/x', '{}')
    const waiting = (await first).forward!
    expect(waiting.nextAttemptAt! - Date.now()).toBeGreaterThan(25_000)
    expect(waiting.error).toBe('the target answered 429, asking to be retried after 30 s (Retry-After)')
    expect((await api['forward.status']({}))[0]).toMatchObject({ state: 'retrying', lastError: waiting.error })
    // An HTTP date farther than the maximum delay waits that maximum.
    const second = forwardState(e.engine, (s) => s.forward!.state === 'retrying' && s.forward!.attempts === 2)
    await api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'app' })
    const again = (await second).forward!
    expect(again.nextAttemptAt! - Date.now()).toBeGreaterThan(55_000)
    expect(again.nextAttemptAt! - Date.now()).toBeLessThanOrEqual(60_000)
    expect(again.error).toMatch(/^the target answered 503, asking to be retried after (89|90) s \(Retry-After\)$/)
  })

  it('a restart waits out what is left of a Retry-After or a backoff; a wait already past is tried at once', async () => {
    let calls = 0
    const busy = await target((_req, res) => {
      calls++
      if (calls < 3) res.writeHead(429, { 'Retry-After': '30' })
      else res.writeHead(200)
      res.end()
    })
    let offset = 0
    const clock = { now: () => Date.now() + offset, monotonic: () => performance.now() }
    t = await startEngine({ clock })
    await t.engine.updateEndpoint(t.endpointId, {
      forward: { mode: 'async', retry: { maxAttempts: 10, maxAgeMs: 600_000, baseDelayMs: 40, maxDelayMs: 60_000 }, timeoutMs: 2000, targets: [{ id: 'app', url: busy.url, paused: false }], defaultTargetId: 'app' },
    })
    const e = t
    const first = forwardState(e.engine, (s) => s.forward!.state === 'retrying' && s.forward!.attempts === 1)
    await post(e.url, '/x', '{}')
    const waiting = await first
    const due = waiting.forward!.nextAttemptAt!
    expect(due - Date.now()).toBeGreaterThan(25_000)
    t = await e.reopen()
    // Still waiting, for the same moment and the same reason, and the target shows it.
    expect(t.engine.forwarder.forwardOf(waiting.id)).toMatchObject({ state: 'retrying', attempts: 1, nextAttemptAt: due, error: waiting.forward!.error })
    expect((await apiOf(t.engine)['forward.status']({}))[0]).toMatchObject({ state: 'retrying', waiting: 1, nextAttemptAt: due, lastError: waiting.forward!.error })
    // "Retry now" still ends the wait; the backoff goes on from there.
    const second = forwardState(t.engine, (s) => s.forward!.state === 'retrying' && s.forward!.attempts === 2)
    expect(await apiOf(t.engine)['forward.retryNow']({ endpointId: t.endpointId, targetId: 'app' })).toEqual({ started: true })
    const again = (await second).forward!.nextAttemptAt!
    expect(calls).toBe(2)
    // Stopped for longer than what was left of the wait: the next start tries at once.
    await t.close()
    offset = again - Date.now() + 1000
    t = await startEngine({ clock, dir: e.dir })
    const resumed = t
    await new Promise<void>((resolve) => {
      const check = () => {
        if (resumed.engine.forwarder.forwardOf(waiting.id)?.state === 'delivered') resolve()
      }
      resumed.engine.events.on('capture:updated', check)
      check()
    })
    expect(calls).toBe(3)
  })

  it('a target that could not be reached before a restart is shown down after it, not as answering with an error, while its wait goes on', async () => {
    const port = await freePort()
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, {
      forward: { mode: 'async', retry: { maxAttempts: 10, maxAgeMs: 600_000, baseDelayMs: 60_000, maxDelayMs: 60_000 }, timeoutMs: 2000, targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' },
    })
    const e = t
    const down = targetState(e.engine, (s) => s.state === 'down' && s.nextAttemptAt !== null)
    await post(e.url, '/x', '{}')
    const before = await down
    expect(before.lastError).toMatch(/^connection refused/)
    t = await e.reopen()
    expect((await apiOf(t.engine)['forward.status']({}))[0]).toMatchObject({ state: 'down', waiting: 1, nextAttemptAt: before.nextAttemptAt, lastError: before.lastError })
  })

  it('async: a redirect is not a delivery: it fails at once, saying where it pointed, and is not followed', async () => {
    const redirecting = await target((_req, res) => {
      res.writeHead(301, { Location: 'https://app.example/webhooks/' })
      res.end()
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: redirecting.url, paused: false }], defaultTargetId: 'app' })
    const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
    await post(e.url, '/hooks', '{}')
    const summary = await failed
    expect(summary.forward).toMatchObject({ attempts: 1, status: 301 })
    expect(summary.forward!.error).toMatch(/^the target answered 301, a redirect to https:\/\/app\.example\/webhooks\/, which is not followed/)
    expect(e.engine.forwarder.failedOf(e.endpointId)).toEqual([summary.id])
    // Read back the same after a restart.
    t = await e.reopen()
    expect(t.engine.forwarder.forwardOf(summary.id)).toMatchObject({ state: 'failed', status: 301 })
  })

  it('async: a 304 or 300 without a Location is not called a redirect', async () => {
    const app = await target((req, res) => {
      res.writeHead(Number(req.url!.slice(1)))
      res.end()
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    for (const status of [304, 300]) {
      const failed = forwardState(e.engine, (s) => s.target === `/${status}` && s.forward!.state === 'failed')
      await post(e.url, `/${status}`, '{}')
      expect((await failed).forward!.error).toBe(`the target answered ${status}`)
    }
  })

  it('a refusal by one loopback address, when the app listens on the other only, says so and what URL to use', async () => {
    const v6 = await target(undefined, { host: '::1' })
    const v4 = await target(undefined, { host: '127.0.0.1' })
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 10, maxAgeMs: 600_000, baseDelayMs: 60_000, maxDelayMs: 60_000 }, targets: [{ id: 'app', url: `http://127.0.0.1:${v6.port}/hooks`, paused: false }], defaultTargetId: 'app' })
    const first = forwardState(e.engine, (s) => s.forward!.state === 'retrying')
    await post(e.url, '/six', '{}')
    expect((await first).forward!.error).toBe(
      `connection refused (connect ECONNREFUSED 127.0.0.1:${v6.port}). Nothing listens on 127.0.0.1:${v6.port}, but something does on [::1]:${v6.port}: use http://localhost:${v6.port}/hooks or http://[::1]:${v6.port}/hooks`,
    )
    expect(v6.received).toHaveLength(0)
    await apiOf(e.engine)['forward.drop']({ endpointId: e.endpointId, targetId: 'app' })
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: `http://[::1]:${v4.port}`, paused: false }] } })
    const second = forwardState(e.engine, (s) => s.forward!.state === 'retrying')
    await post(e.url, '/four', '{}')
    expect((await second).forward!.error).toBe(
      `connection refused (connect ECONNREFUSED ::1:${v4.port}). Nothing listens on [::1]:${v4.port}, but something does on 127.0.0.1:${v4.port}: use http://localhost:${v4.port} or http://127.0.0.1:${v4.port}`,
    )
    // Nothing on either: a plain refusal.
    await apiOf(e.engine)['forward.drop']({ endpointId: e.endpointId, targetId: 'app' })
    const port = await freePort()
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }] } })
    const third = forwardState(e.engine, (s) => s.forward!.state === 'retrying')
    await post(e.url, '/none', '{}')
    expect((await third).forward!.error).toBe(`connection refused (connect ECONNREFUSED 127.0.0.1:${port})`)
  })

  it('reaches a localhost target that listens only on ::1 or only on 127.0.0.1', async () => {
    const v6 = await target(undefined, { host: '::1' })
    const v4 = await target(undefined, { host: '127.0.0.1' })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'v6', url: `http://localhost:${v6.port}`, paused: false }], defaultTargetId: 'v6' })
    await post(e.url, '/six', '{}')
    expect((await v6.waitFor(1))[0]!.url).toBe('/six')
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'v4', url: `http://localhost:${v4.port}`, paused: false }], defaultTargetId: 'v4' } })
    await post(e.url, '/four', '{}')
    expect((await v4.waitFor(1))[0]!.url).toBe('/four')
  })

  it('reaches a target named under localhost (app.localhost, a name beyond ASCII) on loopback, as browsers and curl do', async () => {
    const v6 = await target(undefined, { host: '::1' })
    const v4 = await target(undefined, { host: '127.0.0.1' })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'v6', url: `http://app.localhost:${v6.port}`, paused: false }], defaultTargetId: 'v6' })
    await post(e.url, '/six', '{}')
    expect((await v6.waitFor(1))[0]!.url).toBe('/six')
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'v4', url: `http://café.localhost:${v4.port}`, paused: false }], defaultTargetId: 'v4' } })
    await post(e.url, '/four', '{}')
    const [received] = await v4.waitFor(1)
    expect(received!.url).toBe('/four')
  })

  it('a silent target slows neither capture nor another target', async () => {
    const silent = await target(() => undefined)
    const fast = await target()
    const e = await forwarding({
      mode: 'async',
      timeoutMs: 10_000,
      targets: [
        { id: 'silent', url: silent.url, paused: false },
        { id: 'fast', url: fast.url, paused: false },
      ],
      routes: [{ id: 'r', match: { kind: 'path-prefix', prefix: '/slow' }, targetId: 'silent' }],
      defaultTargetId: 'fast',
    })
    await post(e.url, '/slow/1', '{}')
    await silent.waitFor(1)
    const started = performance.now()
    for (let i = 0; i < 20; i++) expect((await post(e.url, `/fast/${i}`, '{}')).status).toBe(200)
    const received = await fast.waitFor(20)
    expect(performance.now() - started).toBeLessThan(3000)
    expect(received.map((r) => r.url)).toEqual(Array.from({ length: 20 }, (_, i) => `/fast/${i}`))
  })

  it('relays a huge response in proxy mode, keeping only the capped part', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7)
    const huge = await target((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
      let sent = 0
      const pump = () => {
        while (sent < 64) {
          sent++
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    })
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'huge', url: huge.url, paused: false }], defaultTargetId: 'huge' })
    await e.engine.updateSettings({ limits: { maxBodyBytes: 1024 * 1024 } })
    const settled = forwardState(e.engine, (s) => s.forward!.state === 'delivered')
    const answer = await post(e.url, '/download', '{}')
    expect(answer.status).toBe(200)
    expect(answer.body.length).toBe(64 * 1024 * 1024)
    const summary = await settled
    const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    expect(attempt!.body).toMatchObject({ size: 1024 * 1024, truncated: true })
  })
})

describe('routing', () => {
  it('picks the target by path prefix, method, header, JSON field, or the default; unrouted otherwise', async () => {
    const apps = await Promise.all(['a', 'b', 'c', 'd', 'dflt'].map(() => target()))
    const [a, b, c, d, dflt] = apps as [Target, Target, Target, Target, Target]
    const targets = [
      { id: 'a', url: a.url, paused: false },
      { id: 'b', url: b.url, paused: false },
      { id: 'c', url: c.url, paused: false },
      { id: 'd', url: d.url, paused: false },
      { id: 'dflt', url: dflt.url, paused: false },
    ]
    const e = await forwarding({
      mode: 'async',
      targets,
      routes: [
        { id: '1', match: { kind: 'path-prefix', prefix: '/github' }, targetId: 'a' },
        { id: '2', match: { kind: 'method', method: 'put' }, targetId: 'b' },
        { id: '3', match: { kind: 'header', name: 'x-shopify-topic', value: 'orders/create' }, targetId: 'c' },
        { id: '4', match: { kind: 'json-field', path: 'data.object.object', value: 'invoice' }, targetId: 'd' },
      ],
      defaultTargetId: 'dflt',
    })
    await post(e.url, '/github/push', '{}')
    await rawExchange(e.port, 'PUT /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    await post(e.url, '/shopify', '{}', { 'X-Shopify-Topic': 'orders/create' })
    await post(e.url, '/stripe', '{"type":"invoice.paid","data":{"object":{"object":"invoice"}}}')
    await post(e.url, '/other', '{"type":"charge.succeeded"}')
    expect((await a.waitFor(1))[0]!.url).toBe('/github/push')
    expect((await b.waitFor(1))[0]!.method).toBe('PUT')
    expect((await c.waitFor(1))[0]!.url).toBe('/shopify')
    expect((await d.waitFor(1))[0]!.url).toBe('/stripe')
    expect((await dflt.waitFor(1))[0]!.url).toBe('/other')
    await e.engine.updateEndpoint(e.endpointId, { forward: { defaultTargetId: null } })
    const unrouted = forwardState(e.engine, (s) => s.forward!.state === 'unrouted')
    await post(e.url, '/nowhere', '{}')
    expect((await unrouted).target).toBe('/nowhere')
  })

  it('routes by a JSON field a body stored as a file, or compressed, as it would the same body sent small and plain; a retry too', async () => {
    const [invoices, dflt] = (await Promise.all([target(), target()])) as [Target, Target]
    const e = await forwarding({
      mode: 'async',
      targets: [
        { id: 'invoices', url: invoices.url, paused: false },
        { id: 'dflt', url: dflt.url, paused: false },
      ],
      routes: [{ id: '1', match: { kind: 'json-field', path: 'type', value: 'invoice.paid' }, targetId: 'invoices' }],
      defaultTargetId: 'dflt',
    })
    // Stripe puts `type` after `data`: an event with many lines is past the 64 KiB kept inline.
    const large = JSON.stringify({ id: 'evt_large', data: { object: { lines: 'x'.repeat(100 * 1024) } }, type: 'invoice.paid' })
    const event = JSON.stringify({ id: 'evt_small', type: 'invoice.paid' })
    await post(e.url, '/large', large)
    await post(e.url, '/gzip', zlib.gzipSync(event), { 'Content-Encoding': 'gzip' })
    await post(e.url, '/br', zlib.brotliCompressSync(Buffer.from(large)), { 'Content-Encoding': 'br' })
    await post(e.url, '/bom', `\ufeff${event}`)
    await post(e.url, '/other', zlib.gzipSync('{"type":"charge.succeeded"}'), { 'Content-Encoding': 'gzip' })
    const received = await invoices.waitFor(4)
    expect(received.map((r) => r.url)).toEqual(['/large', '/gzip', '/br', '/bom'])
    // What was routed is still sent as it came: compressed, byte for byte.
    expect(received[1]!.rawHeaders).toContainEqual(['Content-Encoding', 'gzip'])
    expect(zlib.gunzipSync(received[1]!.body).toString()).toBe(event)
    expect(received[0]!.body.toString()).toBe(large)
    expect((await dflt.waitFor(1)).map((r) => r.url)).toEqual(['/other'])

    // Held back at capture (no route took it, no default): a retry routes it by the same reading.
    await e.engine.updateEndpoint(e.endpointId, { forward: { defaultTargetId: null, routes: [] } })
    const unrouted = forwardState(e.engine, (s) => s.forward!.state === 'unrouted')
    await post(e.url, '/later', zlib.gzipSync(large), { 'Content-Encoding': 'gzip' })
    const held = await unrouted
    await e.engine.updateEndpoint(e.endpointId, { forward: { routes: [{ id: '1', match: { kind: 'json-field', path: 'type', value: 'invoice.paid' }, targetId: 'invoices' }] } })
    expect(await apiOf(e.engine)['forward.retry']({ ids: [held.id] })).toMatchObject({ count: 1 })
    expect((await invoices.waitFor(5))[4]!.url).toBe('/later')
  })

  it('refuses routes that point at unknown targets', async () => {
    const e = await forwarding({})
    await expect(
      e.engine.updateEndpoint(e.endpointId, {
        forward: { mode: 'async', targets: [{ id: 'a', url: 'http://127.0.0.1:1', paused: false }], routes: [{ id: 'r', match: { kind: 'method', method: 'GET' }, targetId: 'zzz' }] },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })
})

describe('browser-originated requests', () => {
  it('are not forwarded unless the endpoint allows it', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const blocked = forwardState(e.engine, (s) => s.forward!.state === 'blocked')
    await post(e.url, '/from-page', '{}', { Origin: 'https://evil.example' })
    expect((await blocked).flags).toContain('cross-site')
    await e.engine.updateEndpoint(e.endpointId, { forward: { allowBrowser: true } })
    await post(e.url, '/allowed', '{}', { Origin: 'https://app.example' })
    const received = await app.waitFor(1)
    expect(received.map((r) => r.url)).toEqual(['/allowed'])
  })

  it('a blocked one, and one no route took, are sent when the user asks, and stay sent after a restart', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], routes: [{ id: 'r', match: { kind: 'path-prefix', prefix: '/hooks' }, targetId: 'app' }], defaultTargetId: null })
    const blocked = forwardState(e.engine, (s) => s.forward!.state === 'blocked')
    await post(e.url, '/hooks/from-page', '{}', { Origin: 'https://evil.example' })
    const unrouted = forwardState(e.engine, (s) => s.forward!.state === 'unrouted')
    await post(e.url, '/elsewhere', '{}')
    const [page, stray] = [await blocked, await unrouted]
    // Still nothing routes the stray one: it is not queued.
    expect((await e.engine.forwarder.retry([stray.id])).count).toBe(0)
    expect((await e.engine.forwarder.retry([page.id])).count).toBe(1)
    await app.waitFor(1)
    await e.engine.updateEndpoint(e.endpointId, { forward: { defaultTargetId: 'app' } })
    expect((await e.engine.forwarder.retry([stray.id])).count).toBe(1)
    expect((await app.waitFor(2)).map((r) => r.url)).toEqual(['/hooks/from-page', '/elsewhere'])
    await expect.poll(() => [page.id, stray.id].map((id) => e.engine.forwarder.forwardOf(id)?.state)).toEqual(['delivered', 'delivered'])
    t = await e.reopen()
    expect([page.id, stray.id].map((id) => t!.engine.forwarder.forwardOf(id))).toMatchObject([
      { state: 'delivered', targetId: 'app', attempts: 1 },
      { state: 'delivered', targetId: 'app', attempts: 1 },
    ])
    expect(app.received).toHaveLength(2)
  })
})

describe('requests never forwarded by design', () => {
  it('a request over the body cap is not sent: skipped with its reason, not counted as failed, and left alone by "retry failed"', async () => {
    const app = await target((_req, res) => {
      res.writeHead(400)
      res.end()
    })
    t = await startEngine({ limits: { maxBodyBytes: 8 } })
    const e = t
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], routes: [], defaultTargetId: 'app' } })
    const api = apiOf(e.engine)
    const skipped = forwardState(e.engine, (s) => s.forward!.state === 'skipped')
    expect((await post(e.url, '/big', '{"over":"the cap"}')).status).toBe(413)
    const big = await skipped
    expect(big.flags).toContain('truncated')
    expect(big.forward).toMatchObject({ state: 'skipped', attempts: 0, error: 'its body went past the body cap, so only its first part was kept' })
    const failed = forwardState(e.engine, (s) => s.forward!.state === 'failed')
    await post(e.url, '/small', '{}')
    await failed
    expect(await api['forward.status']({})).toMatchObject([{ failed: 1, waiting: 0 }])
    expect(await api['forward.retry']({ ids: [big.id] })).toEqual({ count: 0, held: 0 })
    expect(await api['forward.drop']({ ids: [big.id] })).toEqual({ count: 0 })
    const again = forwardState(e.engine, (s) => s.target === '/small' && s.forward!.state === 'failed' && s.forward!.attempts === 2)
    expect(await api['forward.retryFailed']({ endpointId: e.endpointId })).toEqual({ count: 1, held: 0 })
    await again
    expect(app.received.map((r) => r.url)).toEqual(['/small', '/small'])
    expect(e.engine.history.summary(big.id)!.forward).toMatchObject({ state: 'skipped', attempts: 0 })

    // After a restart it says the same; a record written when these were marked failed reads as failed.
    t = await e.reopen()
    expect(t.engine.history.summary(big.id)!.forward).toMatchObject({ state: 'skipped', error: 'its body went past the body cap, so only its first part was kept' })
    await t.close()
    const history = path.join(t.dir, 'history')
    for (const name of await readdir(history)) {
      const file = path.join(history, name)
      const text = await readFile(file, 'latin1')
      if (text.includes('"state":"skipped"')) await writeFile(file, text.replace('"state":"skipped"', '"state":"failed"'), 'latin1')
    }
    t = await t.reopen()
    // Written by a version that marked it failed at capture time: read as skipped, never retried.
    expect(t.engine.history.summary(big.id)!.forward).toMatchObject({ state: 'skipped', attempts: 0, error: 'its body went past the body cap, so only its first part was kept' })
    expect(await apiOf(t.engine)['forward.status']({})).toMatchObject([{ failed: 1 }])
  })

  it('a CONNECT to a forwarding endpoint is answered 405 and shows why it was not sent', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const skipped = forwardState(e.engine, (s) => s.method === 'CONNECT')
    const { responses } = await rawExchange(e.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', { untilClose: true })
    expect(responses.map((r) => r.status)).toEqual([405])
    expect((await skipped).forward).toMatchObject({ state: 'skipped', attempts: 0, error: 'a CONNECT request asks for a tunnel, which is not forwarded' })
    expect(app.received).toEqual([])
  })

  it('one whose sender is found unanswered after it was stored stays unsent after a restart', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: true }], defaultTargetId: 'app' })
    await post(e.url, '/left', '{}')
    const [left] = e.engine.history.query({}).items
    // What the listener does when the sender's connection is gone once the capture is on disk.
    e.engine.forwarder.unanswered((await e.engine.history.get(left!.id))!, true)
    expect(e.engine.history.summary(left!.id)!.forward).toMatchObject({ state: 'skipped', error: 'its sender was never answered' })
    t = await e.reopen()
    expect(t.engine.history.summary(left!.id)!.forward).toMatchObject({ state: 'skipped', error: 'its sender was never answered' })
    // As a version that marked it failed wrote it: still skipped, so "Retry failed" never sends it.
    await t.close()
    let rewritten = 0
    for (const name of await readdir(path.join(t.dir, 'forward'))) {
      const file = path.join(t.dir, 'forward', name)
      const text = await readFile(file, 'latin1')
      const old = text.replace('"state":"skipped","at"', '"state":"failed","at"').replace('"reason":"its sender was never answered"', '"reason":"not forwarded: its sender was never answered"')
      if (old !== text) {
        rewritten++
        await writeFile(file, old, 'latin1')
      }
    }
    expect(rewritten).toBe(1)
    t = await t.reopen()
    expect(t.engine.history.summary(left!.id)!.forward).toMatchObject({ state: 'skipped', error: 'its sender was never answered' })
    expect(await apiOf(t.engine)['forward.retryFailed']({ endpointId: t.endpointId })).toEqual({ count: 0, held: 0 })
    await t.engine.updateEndpoint(t.endpointId, { forward: { targets: [{ id: 'app', url: app.url, paused: false }] } })
    // The queue is ordered: had it still waited, it would arrive first.
    await post(t.url, '/next', '{}')
    await app.waitFor(1)
    expect(app.received.map((r) => r.url)).toEqual(['/next'])
  })
})

describe('the state a target shows', () => {
  it('async: not tried until something is sent to it, down after a refused attempt, up once it delivers', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    expect(await apiOf(e.engine)['forward.status']({})).toMatchObject([{ state: 'unknown', lastError: null, nextAttemptAt: null }])
    const down = targetState(e.engine, (s) => s.state === 'down')
    await post(e.url, '/x', '{}')
    expect((await down).lastError).toMatch(/connection refused/)
    const up = targetState(e.engine, (s) => s.state === 'idle' && s.waiting === 0)
    const app = await target(undefined, { port })
    expect(await up).toMatchObject({ lastError: null, nextAttemptAt: null, failed: 0 })
    expect(app.received.map((r) => r.url)).toEqual(['/x'])
  })

  it('a target given another URL is not tried again until something is sent to it there', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 1, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 }, targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    const down = targetState(e.engine, (s) => s.state === 'down' && s.failed === 1)
    await post(e.url, '/x', '{}')
    await down
    const app = await target()
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: app.url, paused: false }] } })
    expect((await apiOf(e.engine)['forward.status']({}))[0]).toMatchObject({ url: app.url, state: 'unknown', lastError: null })
    const up = targetState(e.engine, (s) => s.state === 'idle')
    await post(e.url, '/y', '{}')
    expect(await up).toMatchObject({ url: app.url, lastError: null })
    expect(app.received.map((r) => r.url)).toEqual(['/y'])
  })

  it('async: a queue that gave up on a target that is down still shows it down', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 2, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 }, targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    const gaveUp = targetState(e.engine, (s) => s.failed === 1 && s.waiting === 0)
    await post(e.url, '/x', '{}')
    expect(await gaveUp).toMatchObject({ state: 'down', lastError: expect.stringMatching(/connection refused/), nextAttemptAt: null })
  })

  it('proxy: not tried, then down after a refused request and up after an answered one; requests that change nothing tell the hosts nothing', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'proxy', targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    const status = () => e.engine.forwarder.statuses(e.engine.endpoints())[0]!
    expect(status()).toMatchObject({ state: 'unknown', lastError: null })
    let told = 0
    e.engine.events.on('forward:changed', () => told++)
    // The state is settled before the sender is answered.
    expect((await post(e.url, '/refused', '{}')).status).toBe(502)
    expect(status()).toMatchObject({ state: 'down', lastError: expect.stringMatching(/connection refused/), nextAttemptAt: null, waiting: 0 })
    expect(told).toBe(1)
    await target((req, res) => {
      res.writeHead(req.url === '/failing' ? 503 : 200)
      res.end()
    }, { port })
    expect((await post(e.url, '/ok', '{}')).status).toBe(200)
    expect(status()).toMatchObject({ state: 'idle', lastError: null })
    expect(told).toBe(2)
    // An answer, even an error, means the target is up.
    expect((await post(e.url, '/failing', '{}')).status).toBe(503)
    for (let i = 0; i < 5; i++) expect((await post(e.url, `/ok/${i}`, '{}')).status).toBe(200)
    expect(status()).toMatchObject({ state: 'idle', lastError: null })
    expect(told).toBe(2)
  })
})

describe('the delivery queue', () => {
  it('holds requests while the target is down and delivers them in order when it comes back', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    // Seen down with all ten waiting (a retry in flight can show the target in another state meanwhile).
    const down = new Promise<void>((resolve) => {
      const check = () => {
        const status = e.engine.forwarder.statuses(e.engine.endpoints())[0]
        if (status?.state === 'down' && status.waiting === 10) {
          off()
          resolve()
        }
      }
      const off = e.engine.events.on('forward:changed', check)
    })
    for (let i = 0; i < 10; i++) expect((await post(e.url, `/queued/${i}`, `{"i":${i}}`)).status).toBe(200)
    await down
    const status = (await apiOf(e.engine)['forward.status']({}))[0]!
    expect(status.waiting).toBe(10)
    expect(status.lastError).toMatch(/connection refused/)
    const app = await target(undefined, { port })
    const received = await app.waitFor(10)
    expect(received.map((r) => r.url)).toEqual(Array.from({ length: 10 }, (_, i) => `/queued/${i}`))
  })

  it('survives a restart: what was delivered is not sent again, what waited is delivered in order', async () => {
    const port = await freePort()
    let app = await httpTarget(undefined, { port })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    for (let i = 0; i < 5; i++) await post(e.url, `/n/${i}`, '{}')
    await app.waitFor(5)
    await app.close()
    for (let i = 5; i < 15; i++) await post(e.url, `/n/${i}`, '{}')
    t = await e.reopen()
    app = await httpTarget(undefined, { port })
    scope.defer(() => app.close())
    const received = await app.waitFor(10)
    expect(received.map((r) => r.url)).toEqual(Array.from({ length: 10 }, (_, i) => `/n/${i + 5}`))
    // Nothing more arrives: every capture is delivered exactly once.
    const page = t.engine.history.query({})
    await new Promise<void>((resolve) => {
      const check = () => {
        if (t!.engine.history.query({}).items.every((s) => s.forward?.state === 'delivered')) resolve()
      }
      t!.engine.events.on('capture:updated', check)
      check()
    })
    expect(page.total).toBe(15)
    expect(app.received).toHaveLength(10)
  })

  it('journals each attempt as it leaves and once answered, before the state that follows it, and reads every attempt back after a restart', async () => {
    // Each request is refused twice with a 503, then accepted.
    const calls = new Map<string, number>()
    const app = await target((req, res) => {
      const n = (calls.get(req.url!) ?? 0) + 1
      calls.set(req.url!, n)
      res.writeHead(n < 3 ? 503 : 200, { 'X-Call': String(n) })
      res.end(`call ${n}`)
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    for (let i = 0; i < 3; i++) await post(e.url, `/r/${i}`, '{}')
    await forwardingSettles(e.engine, () => e.engine.history.query({}).items.every((s) => s.forward?.state === 'delivered'))
    const ids = e.engine.history.query({}).items.map((s) => s.id)
    const before = ids.map((id) => e.engine.forwarder.attempts(id))
    for (const attempts of before) {
      expect(attempts.map((a) => [a.n, a.status])).toEqual([
        [1, 503],
        [2, 503],
        [3, 200],
      ])
    }
    await e.close()
    const dir = path.join(e.dir, 'forward')
    const lines = (await Promise.all((await readdir(dir)).map((name) => readFile(path.join(dir, name), 'utf8'))))
      .join('')
      .split('\n')
      .filter((line) => line.replace(/\0/g, '') !== '')
      .map((line) => JSON.parse(line.replace(/\0/g, '')) as { t: string; captureId: string; state?: string })
    for (const id of ids) {
      expect(lines.filter((line) => line.captureId === id).map((line) => line.state ?? line.t)).toEqual(['b', 'a', 'retrying', 'b', 'a', 'retrying', 'b', 'a', 'delivered'])
    }
    t = await e.reopen()
    expect(ids.map((id) => t!.engine.forwarder.attempts(id))).toEqual(before)
    const [first] = before[0]!
    const { bytes } = await t.engine.forwarder.attemptBody(first!.id, ids[0]!, 0, 100)
    expect(bytes.toString()).toBe('call 1')
  })

  it('"retry now" tries a target waiting out its backoff at once; if it fails again, the backoff goes on', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 10, maxAgeMs: 600_000, baseDelayMs: 40_000, maxDelayMs: 120_000 }, targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    const api = apiOf(e.engine)
    expect(await api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ started: false })
    const waiting = forwardState(e.engine, (s) => s.forward!.state === 'retrying' && s.forward!.attempts === 1)
    await post(e.url, '/x', '{}')
    const first = (await waiting).forward!
    expect(first.nextAttemptAt! - Date.now()).toBeGreaterThan(30_000)
    // Still down: the second attempt fails too, and the next one waits twice as long.
    const second = forwardState(e.engine, (s) => s.forward!.state === 'retrying' && s.forward!.attempts === 2)
    expect(await api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ started: true })
    const { nextAttemptAt } = (await second).forward!
    expect(nextAttemptAt! - Date.now()).toBeGreaterThan(70_000)
    expect((await api['forward.status']({}))[0]).toMatchObject({ state: 'down', nextAttemptAt })
    const app = await target(undefined, { port })
    const delivered = forwardState(e.engine, (s) => s.forward!.state === 'delivered')
    const up = targetState(e.engine, (s) => s.state === 'idle')
    expect(await api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ started: true })
    expect((await delivered).forward!.attempts).toBe(3)
    expect(Date.now()).toBeLessThan(nextAttemptAt!)
    expect(app.received.map((r) => r.url)).toEqual(['/x'])
    expect(await up).toMatchObject({ nextAttemptAt: null, waiting: 0 })
    expect(await api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ started: false })
    await expect(api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(api['forward.retryNow']({ endpointId: e.endpointId, targetId: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('"retry now" starts nothing once everything that waited out the backoff was dropped', async () => {
    const port = await freePort()
    const e = await forwarding({ mode: 'async', retry: { maxAttempts: 10, maxAgeMs: 600_000, baseDelayMs: 40_000, maxDelayMs: 120_000 }, targets: [{ id: 'app', url: `http://127.0.0.1:${port}`, paused: false }], defaultTargetId: 'app' })
    const api = apiOf(e.engine)
    const waiting = forwardState(e.engine, (s) => s.forward!.state === 'retrying')
    await post(e.url, '/x', '{}')
    const { id } = await waiting
    expect(await api['forward.drop']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ count: 1 })
    expect(e.engine.history.summary(id)!.forward).toMatchObject({ state: 'dropped' })
    expect(await api['forward.retryNow']({ endpointId: e.endpointId, targetId: 'app' })).toEqual({ started: false })
  })

  it('tells the hosts when a request joins a queue, even a paused one', async () => {
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: true }], defaultTargetId: 'app' })
    const waiting = new Promise<number>((resolve) => {
      e.engine.events.on('forward:changed', () => {
        const status = e.engine.forwarder.statuses(e.engine.endpoints())[0]!
        if (status.waiting === 1) resolve(status.waiting)
      })
    })
    await post(e.url, '/queued', '{}')
    expect(await waiting).toBe(1)
  })

  it('a retry says how many it queued for a target that sends nothing now (paused, or the endpoint not in async mode)', async () => {
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: true }], defaultTargetId: 'app' })
    const api = apiOf(e.engine)
    await post(e.url, '/held', '{}')
    const [id] = e.engine.history.query({}).items.map((s) => s.id)
    expect(await api['forward.retry']({ ids: [id!] })).toEqual({ count: 1, held: 1 })
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'off', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: false }] } })
    expect(await api['forward.retry']({ ids: [id!] })).toEqual({ count: 1, held: 1 })
  })

  it('pauses and resumes, retries one or all failed, and drops what is not wanted', async () => {
    let answer = 400
    const app = await target((_req, res) => {
      res.writeHead(answer)
      res.end()
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: true }], defaultTargetId: 'app' })
    const api = apiOf(e.engine)
    for (let i = 0; i < 4; i++) await post(e.url, `/p/${i}`, '{}')
    expect((await api['forward.status']({}))[0]).toMatchObject({ state: 'paused', waiting: 4 })
    const ids = e.engine.history.query({}).items.map((s) => s.id).reverse()
    expect(await api['forward.drop']({ ids: [ids[0]!] })).toEqual({ count: 1 })
    const allFailed = new Promise<void>((resolve) => {
      const check = () => {
        if (e.engine.forwarder.failedOf(e.endpointId).length === 3) resolve()
      }
      e.engine.events.on('capture:updated', check)
    })
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: app.url, paused: false }] } })
    await allFailed
    expect(app.received.map((r) => r.url)).toEqual(['/p/1', '/p/2', '/p/3'])
    answer = 200
    const oneDelivered = forwardState(e.engine, (s) => s.forward!.state === 'delivered')
    expect(await api['forward.retry']({ ids: [ids[1]!] })).toEqual({ count: 1, held: 0 })
    expect((await oneDelivered).id).toBe(ids[1])
    const rest = new Promise<void>((resolve) => {
      e.engine.events.on('capture:updated', () => {
        if (e.engine.forwarder.failedOf(e.endpointId).length === 0 && app.received.length === 6) resolve()
      })
    })
    expect(await api['forward.retryFailed']({ endpointId: e.endpointId })).toEqual({ count: 2, held: 0 })
    await rest
    expect(app.received.map((r) => r.url)).toEqual(['/p/1', '/p/2', '/p/3', '/p/1', '/p/2', '/p/3'])
    expect(e.engine.history.summary(ids[0]!)!.forward!.state).toBe('dropped')
  })
})

/** Resolves once `predicate` holds, checked whenever a capture's forwarding changes. */
function forwardingSettles(engine: TestEngine['engine'], predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!predicate()) return
      off()
      resolve()
    }
    const offs = [engine.events.on('capture:updated', check), engine.events.on('forward:changed', check)]
    const off = () => offs.forEach((stop) => stop())
    check()
  })
}

/**
 * A target that holds its answer to `heldPath` (`held` resolves once it does) until `release()`, and
 * answers every other request at once with `status()`.
 */
async function holdingTarget(heldPath: string, status: () => number = () => 200) {
  let answerHeld: () => void = () => {}
  let holding: () => void = () => {}
  const held = new Promise<void>((resolve) => (holding = resolve))
  const app = await target((req, res) => {
    if (req.url === heldPath) {
      answerHeld = () => {
        res.writeHead(200)
        res.end()
      }
      holding()
      return
    }
    res.writeHead(status())
    res.end()
  })
  return { app, held, release: () => answerHeld() }
}

describe('the delivery queue while things change', () => {
  it('a retry while another request is being delivered loses neither', async () => {
    let answer = 400
    const { app, held, release } = await holdingTarget('/slow', () => answer)
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    await post(e.url, '/x', '{}')
    await forwardingSettles(e.engine, () => e.engine.forwarder.failedOf(e.endpointId).length === 1)
    const x = e.engine.forwarder.failedOf(e.endpointId)[0]!
    answer = 200
    await post(e.url, '/slow', '{}')
    await held
    expect(await apiOf(e.engine)['forward.retry']({ ids: [x] })).toEqual({ count: 1, held: 0 })
    release()
    const idle = () => e.engine.forwarder.statuses(e.engine.endpoints())[0]!.state === 'idle'
    await forwardingSettles(e.engine, () => idle() && e.engine.history.query({}).items.every((s) => s.forward?.state === 'delivered'))
    expect(app.received.map((r) => r.url)).toEqual(['/x', '/slow', '/x'])
    expect((await apiOf(e.engine)['forward.status']({}))[0]).toMatchObject({ state: 'idle', waiting: 0, failed: 0 })
  })

  it('names the request at the head of a queue, which the others wait behind', async () => {
    const app = await target((req, res) => {
      res.writeHead(req.url === '/fail500/a' ? 500 : 200)
      res.end()
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app', retry: { maxAttempts: 1000, maxAgeMs: 60_000, baseDelayMs: 30_000, maxDelayMs: 30_000 } })
    expect(e.engine.forwarder.statuses(e.engine.endpoints())[0]!.headId).toBeNull()
    await post(e.url, '/fail500/a', '{}')
    await post(e.url, '/after500/b', '{}')
    const [behind, head] = e.engine.history.query({}).items
    await forwardingSettles(e.engine, () => e.engine.history.summary(head!.id)?.forward?.state === 'retrying')
    const status = (await apiOf(e.engine)['forward.status']({}))[0]!
    expect(status).toMatchObject({ state: 'retrying', waiting: 2, headId: head!.id })
    expect(e.engine.history.summary(behind!.id)?.forward?.state).toBe('pending')
    // Dropped, the head lets the next one through, and nothing is left to wait behind.
    await apiOf(e.engine)['forward.drop']({ ids: [head!.id] })
    await forwardingSettles(e.engine, () => e.engine.history.summary(behind!.id)?.forward?.state === 'delivered')
    expect((await apiOf(e.engine)['forward.status']({}))[0]!.headId).toBeNull()
  })

  it('retention forgetting the request being delivered does not skip the next one', async () => {
    const { app, held, release } = await holdingTarget('/0')
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    await e.engine.updateSettings({ retention: { maxCaptures: 10 } })
    for (let i = 0; i < 13; i++) await post(e.url, `/${i}`, '{}')
    await held
    await new Promise<void>((resolve) => {
      const check = () => {
        if (e.engine.history.query({}).items.some((s) => s.target === '/0')) return
        off()
        resolve()
      }
      const off = e.engine.events.on('captures:removed', check)
      check()
    })
    const kept = e.engine.history.query({}).items.map((s) => s.target)
    expect(kept).not.toContain('/0')
    release()
    const keptIds = e.engine.history.query({}).items.map((s) => s.id)
    await forwardingSettles(e.engine, () => keptIds.every((id) => e.engine.history.summary(id)?.forward?.state === 'delivered'))
    for (const path of kept) expect(app.received.map((r) => r.url)).toContain(path)
  })

  it('a request the target accepted is not sent again after a restart, even if the stop came first', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    await post(e.url, '/once', '{}')
    await forwardingSettles(e.engine, () => e.engine.history.query({}).items[0]?.forward?.state === 'delivered')
    await e.close()
    // The stop came after the target's answer was recorded and before "delivered" was written down.
    const dir = path.join(e.dir, 'forward')
    for (const name of await readdir(dir)) {
      const file = path.join(dir, name)
      const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line && !line.includes('"state":"delivered"'))
      await writeFile(file, lines.map((line) => line + '\n').join(''))
    }
    t = await e.reopen()
    const id = t.engine.history.query({}).items[0]!.id
    expect(t.engine.forwarder.forwardOf(id)!.state).toBe('delivered')
    expect((await apiOf(t.engine)['forward.status']({}))[0]).toMatchObject({ waiting: 0 })
    expect(app.received).toHaveLength(1)
  })

  it('a stop right as the target answers settles the delivery: nothing is sent twice', async () => {
    // A large answer takes a moment to store after the target has sent it; the stop lands then.
    let stop: Promise<void> | null = null
    const app = await target((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
      res.end(Buffer.alloc(2 * 1024 * 1024, 1), () => (stop = e.close()))
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    await post(e.url, '/big-answer', '{}')
    await app.waitFor(1)
    await forwardingSettles(e.engine, () => stop !== null)
    await stop
    t = await e.reopen()
    const id = t.engine.history.query({}).items[0]!.id
    await forwardingSettles(t.engine, () => t!.engine.forwarder.forwardOf(id)!.state === 'delivered')
    // The stop either cut the answer short (the attempt is recorded as aborted, and the request is sent
    // again) or came once it was whole: either way the target's acceptance is recorded exactly once,
    // and every time the target got it is on record.
    const attempts = t.engine.forwarder.attempts(id)
    expect(attempts.filter((a) => a.status === 200 && a.error === null)).toHaveLength(1)
    expect(app.received).toHaveLength(attempts.length)
  })

  it('a torn last line in the forward journal does not swallow the next one', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: true }], defaultTargetId: 'app' })
    await post(e.url, '/unwanted', '{}')
    await post(e.url, '/wanted', '{}')
    const [wanted, unwanted] = e.engine.history.query({}).items.map((s) => s.id)
    await e.close()
    const dir = path.join(e.dir, 'forward')
    const [name] = await readdir(dir)
    if (name) await appendFile(path.join(dir, name), '{"t":"a","id":"01J')
    else await writeFile(path.join(dir, 'seg-000001.journal'), '{"t":"a","id":"01J')
    t = await e.reopen()
    expect(await apiOf(t.engine)['forward.drop']({ ids: [unwanted!] })).toEqual({ count: 1 })
    t = await t.reopen()
    expect(t.engine.forwarder.forwardOf(unwanted!)!.state).toBe('dropped')
    await t.engine.updateEndpoint(t.endpointId, { forward: { targets: [{ id: 'app', url: app.url, paused: false }] } })
    await forwardingSettles(t.engine, () => t!.engine.forwarder.forwardOf(wanted!)!.state === 'delivered')
    expect(app.received.map((r) => r.url)).toEqual(['/wanted'])
  })

  it('what waited for a removed target fails, and a retry routes it to the target there is now', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'old', url: 'http://127.0.0.1:9', paused: true }], defaultTargetId: 'old' })
    for (let i = 0; i < 3; i++) await post(e.url, `/w/${i}`, '{}')
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'new', url: app.url, paused: false }], defaultTargetId: 'new' } })
    await forwardingSettles(e.engine, () => e.engine.forwarder.failedOf(e.endpointId).length === 3)
    const ids = e.engine.forwarder.failedOf(e.endpointId)
    expect(e.engine.forwarder.forwardOf(ids[0]!)!.error).toMatch(/target is no longer configured: it was removed/)
    expect(await apiOf(e.engine)['forward.retryFailed']({ endpointId: e.endpointId })).toEqual({ count: 3, held: 0 })
    await app.waitFor(3)
    expect(app.received.map((r) => r.url)).toEqual(['/w/0', '/w/1', '/w/2'])
  })

  it('a removed target is listed while what failed for it remains, to be retried (routed anew) or dropped, also after a restart', async () => {
    const app = await target()
    const e = await forwarding({ mode: 'async', targets: [{ id: 'old', url: 'http://127.0.0.1:9', paused: true }], defaultTargetId: 'old' })
    for (let i = 0; i < 3; i++) await post(e.url, `/r/${i}`, '{}')
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'new', url: app.url, paused: false }], defaultTargetId: 'new' } })
    await forwardingSettles(e.engine, () => e.engine.forwarder.failedOf(e.endpointId).length === 3)
    const api = apiOf(e.engine)
    const removed = async (engine: TestEngine['engine']) => (await apiOf(engine)['forward.status']({})).filter((s) => s.removed)
    expect(await removed(e.engine)).toEqual([expect.objectContaining({ targetId: 'old', url: 'http://127.0.0.1:9', failed: 3, waiting: 0, removed: true })])
    expect((await api['forward.status']({})).find((s) => s.targetId === 'new')).toMatchObject({ failed: 0, removed: false })
    t = await e.reopen()
    expect(await removed(t.engine)).toEqual([expect.objectContaining({ targetId: 'old', url: '', failed: 3, removed: true })])
    const [first] = t.engine.forwarder.failedOf(t.endpointId)
    expect(await apiOf(t.engine)['forward.retry']({ ids: [first!] })).toEqual({ count: 1, held: 0 })
    await app.waitFor(1)
    expect(await removed(t.engine)).toEqual([expect.objectContaining({ targetId: 'old', failed: 2 })])
    expect(await apiOf(t.engine)['forward.drop']({ endpointId: t.endpointId, targetId: 'old', which: 'failed' })).toEqual({ count: 2 })
    expect(await removed(t.engine)).toEqual([])
    expect(t.engine.forwarder.failedOf(t.endpointId)).toEqual([])
  })

  it('a retry sends a request captured longer ago than the maximum age, and "deliver again" sends a delivered one once more', async () => {
    let answer = 500
    const app = await target((_req, res) => {
      res.writeHead(answer)
      res.end()
    })
    // A clock the test moves: the request is a day old when the user retries it.
    let offset = 0
    t = await startEngine({ clock: { now: () => Date.now() + offset, monotonic: () => performance.now() } })
    const e = t
    await e.engine.updateEndpoint(e.endpointId, {
      forward: { mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app', timeoutMs: 2000, retry: { maxAttempts: 2, maxAgeMs: 60_000, baseDelayMs: 10, maxDelayMs: 10 } },
    })
    await post(e.url, '/late', '{}')
    await forwardingSettles(e.engine, () => e.engine.forwarder.failedOf(e.endpointId).length === 1)
    const [id] = e.engine.forwarder.failedOf(e.endpointId)
    offset = 24 * 3600 * 1000
    answer = 200
    expect(await apiOf(e.engine)['forward.retry']({ ids: [id!] })).toEqual({ count: 1, held: 0 })
    await forwardingSettles(e.engine, () => e.engine.forwarder.forwardOf(id!)!.state === 'delivered')
    expect(app.received).toHaveLength(3)
    expect(await apiOf(e.engine)['forward.retry']({ ids: [id!] })).toEqual({ count: 1, held: 0 })
    await app.waitFor(4)
    await forwardingSettles(e.engine, () => e.engine.forwarder.forwardOf(id!)!.state === 'delivered')
    expect(e.engine.forwarder.attempts(id!).map((a) => a.status)).toEqual([500, 500, 200, 200])
  })
})

describe('a 2xx answer whose body is cut short', () => {
  const settled = (s: CaptureSummary) => ['delivered', 'retrying', 'failed'].includes(s.forward!.state)

  it('counts as delivered, never sent again, its attempt keeping the status, headers, what came of the body and why it was cut, also after a restart', async () => {
    const cuts: Array<[string, (socket: net.Socket) => void, string]> = [
      // Reset before Content-Length's end.
      ['/reset', (socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\nX-App: took-it\r\n\r\npartial')
        socket.resetAndDestroy()
      }, 'partial'],
      // Closed before the last chunk.
      ['/closed', (socket) => socket.end('HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\nX-App: took-it\r\n\r\n4\r\npart\r\n'), 'part'],
    ]
    const app = await rawTarget((all, socket) => {
      const text = all.toString('latin1')
      if (!text.endsWith('{}')) return
      cuts.find(([path]) => text.includes(`POST ${path} `))![1](socket)
    })
    scope.defer(() => app.close())
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const seen = (engine: TestEngine['engine']) =>
      engine.history
        .query({})
        .items.reverse()
        .map((s) => [s.target, s.forward!.state, s.forward!.attempts, s.forward!.error])
    for (const [path, , came] of cuts) {
      const outcome = forwardState(e.engine, settled)
      await post(e.url, path, '{}')
      const summary = await outcome
      expect(summary.forward!.state, path).toBe('delivered')
      const [attempt, ...more] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
      expect(more).toEqual([])
      expect(attempt!.error).toBeNull()
      expect(attempt!.cutShort?.code, path).toBe('RESET')
      expect(attempt!.status).toBe(path === '/reset' ? 200 : 202)
      expect(attempt!.rawHeaders).toContainEqual(['X-App', 'took-it'])
      const body = await apiOf(e.engine)['forward.attemptBody']({ captureId: summary.id, attemptId: attempt!.id })
      expect(Buffer.from(body.base64, 'base64').toString(), path).toBe(came)
    }
    const expected = [
      ['/reset', 'delivered', 1, null],
      ['/closed', 'delivered', 1, null],
    ]
    expect(seen(e.engine)).toEqual(expected)
    t = await e.reopen()
    expect(seen(t.engine)).toEqual(expected)
    const reopened = t.engine.history.query({}).items.find((s) => s.target === '/reset')!
    expect((await apiOf(t.engine)['forward.attempts']({ id: reopened.id }))[0]!.cutShort?.code).toBe('RESET')
  })

  it('a non-2xx answer cut short is retried, as before', async () => {
    const app = await rawTarget((all, socket) => {
      if (!all.toString('latin1').endsWith('{}')) return
      socket.write('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100\r\n\r\npartial')
      socket.resetAndDestroy()
    })
    scope.defer(() => app.close())
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' })
    const outcome = forwardState(e.engine, settled)
    await post(e.url, '/x', '{}')
    const summary = await outcome
    expect(summary.forward!.state).toBe('retrying')
    const [attempt] = await apiOf(e.engine)['forward.attempts']({ id: summary.id })
    expect(attempt!.error?.code).toBe('RESET')
    expect(attempt!.cutShort).toBeUndefined()
  })

  it('proxy: the sender gets the answer as it came, its head and what came of the body, then the connection ends; the request counts as delivered', async () => {
    const e = await forwarding({ mode: 'proxy', targets: [], defaultTargetId: null })
    // Nothing of the body at all: the head alone must still reach the sender.
    for (const came of ['part', '']) {
      const app = await rawTarget((all, socket) => {
        if (!all.toString('latin1').endsWith('{}')) return
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-App: took-it\r\n\r\n${came}`)
        socket.resetAndDestroy()
      })
      scope.defer(() => app.close())
      await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
      const outcome = forwardState(e.engine, (s) => s.forward!.state === 'delivered' || s.forward!.state === 'failed')
      const { raw, closed } = await rawExchange(e.port, 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', { untilClose: true })
      const text = raw.toString('latin1')
      expect(closed).toBe(true)
      expect(text.startsWith('HTTP/1.1 200 OK\r\n'), text).toBe(true)
      expect(text).toContain('X-App: took-it\r\n')
      expect(text.endsWith(`\r\n\r\n${came}`), text).toBe(true)
      expect((await outcome).forward!.state).toBe('delivered')
    }
  })
})

describe('proxy mode when the target fails early', () => {
  /** A target that answers 200, sends part of the body and resets; the capture is stored when the test says. */
  async function cutBeforeStored() {
    const dir = await tempDir()
    scope.defer(() => removeDir(dir))
    const blobs = new BlobStore(dir, 64 * 1024)
    await blobs.init()
    const raw = await rawTarget((_all, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')
      socket.resetAndDestroy()
    })
    scope.defer(() => raw.close())
    let storeCapture: () => void = () => {}
    const stored = new Promise<void>((resolve) => (storeCapture = resolve))
    /** Sends a POST to it, relayed as `relay` says once the capture is stored. */
    const proxied = (relay: SendRequest['relay']) =>
      send({
        origin: new URL(raw.url),
        path: '/',
        method: 'POST',
        headers: [['Content-Length', '2']],
        body: Buffer.from('{}'),
        timeoutMs: 30_000,
        maxResponseBytes: 1024,
        spool: () => blobs.createSpool(),
        relay,
      })
    return { proxied, stored, storeCapture }
  }

  it('a target that resets before the sender can be answered still ends the exchange', async () => {
    const { proxied, stored, storeCapture } = await cutBeforeStored()
    let failedWhenReady: unknown = null
    const result = proxied(async (_head, failed) => {
      await stored
      failedWhenReady = failed()
      return null
    })
    const outcome = await result
    expect(outcome.error?.code).toBe('RESET')
    storeCapture()
    await stored
    await new Promise((resolve) => setImmediate(resolve))
    expect(failedWhenReady).toMatchObject({ code: 'RESET' })
  })

  it('a 2xx cut short before the sender can be answered is relayed once it can be: its head, what came of the body, then the end', async () => {
    const { proxied, stored, storeCapture } = await cutBeforeStored()
    const written: Buffer[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk)
        callback()
      },
    })
    const sinkClosed = new Promise<void>((resolve) => sink.once('close', () => resolve()))
    const outcome = await proxied(async (_head, failure) => {
      await stored
      return failure() ? sink : null
    })
    expect(outcome.head?.status).toBe(200)
    expect(outcome.error?.code).toBe('RESET')
    storeCapture()
    await sinkClosed
    expect(Buffer.concat(written).toString()).toBe('partial')
    // Cut off, never ended as if whole.
    expect(sink.writableFinished).toBe(false)
  })
})

describe('timeouts while the answer streams', () => {
  async function sendTo(url: string, timeoutMs: number) {
    const dir = await tempDir()
    scope.defer(() => removeDir(dir))
    const blobs = new BlobStore(dir, 64 * 1024)
    await blobs.init()
    return send({
      origin: new URL(url),
      path: '/',
      method: 'POST',
      headers: [
        ['Host', new URL(url).host],
        ['Content-Length', '2'],
      ],
      body: Buffer.from('{}'),
      timeoutMs,
      maxResponseBytes: 1024,
      spool: () => blobs.createSpool(),
    })
  }

  it('a target that stops sending mid-body is cut off after the timeout with no data, keeping what came', async () => {
    const stalled = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')
    })
    scope.defer(() => stalled.close())
    const result = await sendTo(stalled.url, 300)
    expect(result.error).toEqual({ code: 'TIMEOUT', message: 'no data for 300 ms', timeout: { waitingFor: 'data', ms: 300 } })
    expect(result.head?.status).toBe(200)
    expect(result.body?.inline?.toString()).toBe('partial')
  })

  it('a body that keeps coming, each part within the timeout, is not cut off however long it takes in all', async () => {
    // Ten parts 60 ms apart: 600 ms in all, twice the timeout.
    const slow = await rawTarget((all, socket) => {
      if (!all.includes('\r\n\r\n')) return
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n')
      let sent = 0
      const tick = setInterval(() => {
        socket.write(String(sent++))
        if (sent === 10) clearInterval(tick)
      }, 60)
      socket.on('close', () => clearInterval(tick))
    })
    scope.defer(() => slow.close())
    const result = await sendTo(slow.url, 300)
    expect(result.error).toBeNull()
    expect(result.body?.inline?.toString()).toBe('0123456789')
    expect(result.timings.totalMs).toBeGreaterThan(300)
  })
})

describe('stopping requests in flight', () => {
  it('a stop cuts short every request still waiting, not one that settled; a request started after it is cut at once', async () => {
    const dir = await tempDir()
    scope.defer(() => removeDir(dir))
    const blobs = new BlobStore(dir, 64 * 1024)
    await blobs.init()
    // Answers /quick at once; anything else never.
    const app = await target((req, res) => {
      if (req.url === '/quick') res.end('ok')
    })
    const group = new StopGroup()
    const request = (path: string): SendRequest => ({
      origin: new URL(app.url),
      path,
      method: 'POST',
      headers: [
        ['Host', new URL(app.url).host],
        ['Content-Length', '2'],
      ],
      body: Buffer.from('{}'),
      timeoutMs: 30_000,
      maxResponseBytes: 1024,
      spool: () => blobs.createSpool(),
      stop: group,
    })
    const quick = await send(request('/quick'))
    expect(quick.error).toBeNull()
    const waiting = ['/a', '/b', '/c'].map((path) => send(request(path)))
    await app.waitFor(4)
    group.stopAll()
    for (const outcome of await Promise.all(waiting)) expect(outcome.error).toMatchObject({ code: 'ABORTED', message: 'Hookscope is stopping' })
    expect((await send(request('/late'))).error?.code).toBe('ABORTED')
    expect(app.received.map((r) => r.url)).toEqual(['/quick', '/a', '/b', '/c'])
  })

  it('closing the engine cuts short a delivery in flight: recorded as aborted, and delivered after a restart', async () => {
    // The first request is never answered; the ones after it are.
    let seen = 0
    const app = await target((_req, res) => {
      if (seen++ > 0) res.end('ok')
    })
    const e = await forwarding({ mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app', timeoutMs: 30_000 })
    await post(e.url, '/slow', '{}')
    await app.waitFor(1)
    const id = e.engine.history.query({}).items[0]!.id
    await e.close()
    t = await e.reopen()
    await forwardingSettles(t.engine, () => t!.engine.forwarder.forwardOf(id)!.state === 'delivered')
    expect(t.engine.forwarder.attempts(id).map((a) => [a.status, a.error?.code ?? null])).toEqual([
      [null, 'ABORTED'],
      [200, null],
    ])
  })
})

describe('a queued delivery whose signature outlived its tolerance', () => {
  const secret = 'whsec_forward_resign'
  const stripeLib = new Stripe('sk_test_forward')
  const stripeAccepts = (body: Buffer, header: string, nowMs: number): boolean => {
    try {
      stripeLib.webhooks.signature!.verifyHeader(body, header, secret, 300, undefined, nowMs)
      return true
    } catch {
      return false
    }
  }

  /** A Stripe endpoint whose target is paused, a Stripe-signed request captured, then 384 s later the target resumed. */
  async function lateStripeDelivery(resignStale: boolean) {
    const app = await target()
    let offset = 0
    const now = () => Date.now() + offset
    t = await startEngine({ clock: { now, monotonic: () => performance.now() } })
    const e = t
    await e.engine.updateEndpoint(e.endpointId, {
      signature: { scheme: 'stripe' },
      forward: { mode: 'async', resignStale, targets: [{ id: 'app', url: app.url, paused: true }], defaultTargetId: 'app', timeoutMs: 2000 },
    })
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret })
    const body = Buffer.from('{"id":"evt_1","type":"invoice.paid","name":"café"}')
    const original = stripeLib.webhooks.generateTestHeaderString({ payload: body.toString(), secret, timestamp: Math.floor(now() / 1000) })
    await post(e.url, '/stripe', body, { 'Stripe-Signature': original })
    offset = 384_000
    await e.engine.updateEndpoint(e.endpointId, { forward: { targets: [{ id: 'app', url: app.url, paused: false }] } })
    const [received] = await app.waitFor(1)
    const [capture] = e.engine.history.query({}).items
    await forwardingSettles(e.engine, () => e.engine.forwarder.forwardOf(capture!.id)!.state === 'delivered')
    const header = received!.rawHeaders.find(([name]) => name.toLowerCase() === 'stripe-signature')![1]
    return { body, original, received: received!, header, now, attempt: e.engine.forwarder.attempts(capture!.id)[0]! }
  }

  it('is re-signed with a fresh timestamp that Stripe’s library accepts, the body byte for byte', async () => {
    const { body, received, header, now, attempt } = await lateStripeDelivery(true)
    expect(received.body.equals(body)).toBe(true)
    expect(stripeAccepts(received.body, header, now())).toBe(true)
    expect(attempt.signature).toEqual({ kind: 'resigned', message: 'Re-signed: it waited 384 s, past Stripe’s 300 s.' })
  })

  it('with re-signing off, is sent as captured and the attempt warns that the app will likely refuse it', async () => {
    const { original, received, header, now, attempt } = await lateStripeDelivery(false)
    expect(header).toBe(original)
    expect(stripeAccepts(received.body, header, now())).toBe(false)
    expect(attempt.signature).toMatchObject({ kind: 'stale' })
    expect(attempt.signature!.message).toContain('it waited 384 s, past Stripe’s 300 s')
  })
})
