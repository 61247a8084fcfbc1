// A response rule's delay: the request is stored as soon as it arrived whole, listed as waiting for its
// answer meanwhile, and answered once the delay passed, with the rule it arrived under.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../electron/core'
import { httpTarget } from '../helpers/targets'
import { apiOf, connect, nextCapture, parseResponses, rawExchange, removeDir, startEngine, storedBody, whenClosed, type TestEngine } from '../helpers/engine'

let t: TestEngine
afterEach(async () => {
  await t?.close()
  await removeDir(t.dir)
})

const AFTER_A_WHILE = { status: 202, headers: [['X-Rule', 'first'] as [string, string]], body: 'later', delayMs: 30_000 }

/** Sends a whole request on a connection of its own and resolves once the engine listed it (its headers parsed). */
async function sendWhole(engine: Engine, port: number, target: string, body = 'hello'): Promise<{ id: string; socket: net.Socket; closed: Promise<Buffer> }> {
  const received = engine.events.waitFor('capture:received', (s) => s.target === target)
  const socket = await connect(port)
  const closed = whenClosed(socket)
  socket.write(`POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  return { id: (await received).id, socket, closed }
}

describe('a request waiting out its response delay', () => {
  it('is stored in the order it arrived, before requests answered while it waits, also after a restart', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { response: AFTER_A_WHILE })
    const quick = await t.engine.createEndpoint({ name: 'Quick', host: '127.0.0.1', port: 0 })
    const quickPort = t.engine.statuses().find((s) => s.id === quick.id)!.port!

    const first = await sendWhole(t.engine, t.port, '/first')
    const second = nextCapture(t.engine, (s) => s.target === '/second')
    const { responses } = await rawExchange(quickPort, 'POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok')
    expect(responses.map((r) => r.status)).toEqual([200])
    await second

    // Listed newest first, in the order the requests arrived: the first still waits for its answer.
    const listed = t.engine.history.query({}).items
    expect(listed.map((s) => [s.target, s.status, s.inFlight ?? false])).toEqual([
      ['/second', 200, false],
      ['/first', null, true],
    ])
    expect(listed[1]!.id).toBe(first.id)
    // Its bytes can be read while it waits: they are stored.
    expect(await t.engine.capture(first.id)).toMatchObject({ target: '/first', status: null, response: null, inFlight: true })
    expect((await storedBody(t.engine, first.id)).toString()).toBe('hello')

    // A restart ends the delay: its sender is answered as it stops, and the order stays.
    const again = await t.reopen()
    t = again
    expect(parseResponses(await first.closed, true).responses.map((r) => [r.status, r.body.toString()])).toEqual([[202, 'later']])
    const stored = t.engine.history.query({}).items
    expect(stored.map((s) => [s.target, s.status])).toEqual([
      ['/second', 200],
      ['/first', 202],
    ])
    expect(stored[1]!.inFlight).toBeUndefined()
    expect(await t.engine.capture(first.id)).toMatchObject({ status: 202, response: { status: 202, headers: [['X-Rule', 'first'], ['Content-Length', '5']], body: 'later' } })
  })

  it('is answered with the rule it arrived under, when the rule changes meanwhile', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { response: { ...AFTER_A_WHILE, delayMs: 1500 } })
    const first = await sendWhole(t.engine, t.port, '/first')
    const answered = nextCapture(t.engine, (s) => s.id === first.id)
    await t.engine.updateEndpoint(t.endpointId, { response: { status: 201, headers: [], body: 'now', delayMs: 0 } })
    // The new rule answers the next request at once.
    const { responses } = await rawExchange(t.port, 'POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([[201, 'now']])
    // The waiting one gets the rule it arrived under, delay included.
    const summary = await answered
    expect(summary).toMatchObject({ status: 202 })
    expect(summary.durationMs!).toBeGreaterThanOrEqual(1500)
    first.socket.end()
    const [response] = parseResponses(await first.closed, true).responses
    expect([response!.status, response!.body.toString()]).toEqual([202, 'later'])
    expect(t.engine.history.summary(first.id)!.inFlight).toBeUndefined()
    expect((await t.engine.capture(first.id)).timings.respondedMs).toBe(summary.durationMs)
  })

  it('is answered at once when its endpoint stops, and stays listed in its place', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { response: AFTER_A_WHILE })
    const first = await sendWhole(t.engine, t.port, '/first')
    const answered = nextCapture(t.engine, (s) => s.id === first.id)
    const started = performance.now()
    await t.engine.stopEndpoint(t.endpointId)
    expect(performance.now() - started).toBeLessThan(1500)
    const [response] = parseResponses(await first.closed, true).responses
    expect(response!.status).toBe(202)
    expect(response!.headers.find(([name]) => name.toLowerCase() === 'connection')?.[1]).toBe('close')
    expect(await answered).toMatchObject({ status: 202 })
    expect(t.engine.history.summary(first.id)).toMatchObject({ status: 202 })
    expect(t.engine.history.summary(first.id)!.inFlight).toBeUndefined()
  })

  it('is kept as never answered, and not forwarded, when its sender leaves before the delay ends', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, {
      response: AFTER_A_WHILE,
      forward: { mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: true }], routes: [], defaultTargetId: 'app' },
    })
    const first = await sendWhole(t.engine, t.port, '/first')
    const done = nextCapture(t.engine, (s) => s.id === first.id)
    // Listed, stored, waiting for its answer.
    await new Promise<void>((resolve) => {
      const check = () => (t.engine.history.summary(first.id)?.inFlight ? resolve() : setImmediate(check))
      check()
    })
    first.socket.destroy()
    expect(await done).toMatchObject({ status: null, durationMs: null })
    expect(t.engine.history.summary(first.id)).toMatchObject({ status: null, forward: { state: 'skipped', error: 'its sender was never answered' } })
    t = await t.reopen()
    expect(t.engine.history.summary(first.id)).toMatchObject({ status: null, durationMs: null, forward: { state: 'skipped', error: 'its sender was never answered' } })
  })

  it('is left by a clear, as a request still arriving is, and is listed answered once its delay ends, also after a restart', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { response: AFTER_A_WHILE })
    const quick = await t.engine.createEndpoint({ name: 'Quick', host: '127.0.0.1', port: 0 })
    const quickPort = t.engine.statuses().find((s) => s.id === quick.id)!.port!
    const before = nextCapture(t.engine, (s) => s.target === '/before')
    await rawExchange(quickPort, 'POST /before HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    await before
    const first = await sendWhole(t.engine, t.port, '/first')
    await new Promise<void>((resolve) => {
      const check = () => (t.engine.history.summary(first.id)?.inFlight ? resolve() : setImmediate(check))
      check()
    })
    const removed = t.engine.events.waitFor('captures:removed', () => true)
    const api = apiOf(t.engine)
    await api['captures.clear']({})
    // The page is told which requests the clear took: not the one still waiting for its answer.
    expect((await removed).ids).toHaveLength(1)
    expect((await removed).ids).not.toContain(first.id)
    expect(t.engine.history.query({}).items.map((s) => [s.target, s.inFlight ?? false])).toEqual([['/first', true]])

    const answered = nextCapture(t.engine, (s) => s.id === first.id)
    await t.engine.stopEndpoint(t.endpointId)
    expect(parseResponses(await first.closed, true).responses.map((r) => r.status)).toEqual([202])
    expect(await answered).toMatchObject({ status: 202 })
    expect(t.engine.history.query({}).items.map((s) => [s.target, s.status])).toEqual([['/first', 202]])
    t = await t.reopen()
    expect(t.engine.history.query({}).items.map((s) => [s.target, s.status])).toEqual([['/first', 202]])
  })
})

describe('a request relayed in proxy mode', () => {
  it('is left by a clear while its target has not answered, is not listed as having no response meanwhile, and is stored with the answer relayed', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const app = await httpTarget((_req, res) => void held.then(() => res.writeHead(201, { 'Content-Type': 'text/plain' }).end('made')))
    try {
      t = await startEngine()
      await t.engine.updateEndpoint(t.endpointId, { forward: { mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], routes: [], defaultTargetId: 'app' } })
      const quick = await t.engine.createEndpoint({ name: 'Quick', host: '127.0.0.1', port: 0 })
      const quickPort = t.engine.statuses().find((s) => s.id === quick.id)!.port!
      const before = nextCapture(t.engine, (s) => s.target === '/before')
      await rawExchange(quickPort, 'POST /before HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
      await before

      const relayed = await sendWhole(t.engine, t.port, '/relayed')
      await app.waitFor(1)
      expect(t.engine.history.summary(relayed.id)).toMatchObject({ status: null })
      expect(t.engine.history.query({ statusClasses: [0] }).items.map((s) => s.target)).toEqual([])
      // Read while it is relayed, it opens as stored (its Forwarding tab says its sender waits).
      expect((await t.engine.capture(relayed.id)).inFlight).toBeUndefined()

      const removed = t.engine.events.waitFor('captures:removed', () => true)
      await apiOf(t.engine)['captures.clear']({})
      expect((await removed).ids).toHaveLength(1)
      expect((await removed).ids).not.toContain(relayed.id)

      const answered = nextCapture(t.engine, (s) => s.id === relayed.id)
      release()
      expect(await answered).toMatchObject({ status: 201 })
      relayed.socket.end()
      expect(parseResponses(await relayed.closed, true).responses.map((r) => [r.status, r.body.toString()])).toEqual([[201, 'made']])
      expect(t.engine.history.query({}).items.map((s) => [s.target, s.status, s.inFlight ?? false])).toEqual([['/relayed', 201, false]])
      t = await t.reopen()
      expect(t.engine.history.query({}).items.map((s) => [s.target, s.status])).toEqual([['/relayed', 201]])
    } finally {
      release()
      await app.close()
    }
  })
})
