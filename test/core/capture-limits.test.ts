import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { connect, nextCapture, rawExchange, removeDir, startEngine, whenClosed, type TestEngine } from '../helpers/engine'
import { apiOf } from '../helpers/engine'
import { httpTarget } from '../helpers/targets'

let t: TestEngine
afterEach(async () => {
  await t?.close()
  await removeDir(t.dir)
})

async function bodyOf(id: string): Promise<Buffer> {
  const chunk = await apiOf(t.engine)['captures.body']({ id, offset: 0, length: 16 * 1024 * 1024 })
  return Buffer.from(chunk.base64, 'base64')
}

describe('malformed requests get the parser’s 400 and are counted', () => {
  const cases: Array<[string, string]> = [
    ['unknown method FOO', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['duplicate Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'],
    ['a bad chunk size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-Folded: one\r\n two\r\n\r\n'],
    ['NUL in a header', 'GET / HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n'],
  ]
  for (const [name, request] of cases) {
    it(`rejects ${name}`, async () => {
      t = await startEngine()
      const statusChange = t.engine.events.waitFor('listener:status', (s) => s.rejected.malformed === 1)
      const kept = nextCapture(t.engine)
      const { responses, closed } = await rawExchange(t.port, request, { untilClose: true })
      expect(responses[0]!.status).toBe(400)
      expect(responses[0]!.body.toString()).toMatch(/could not be parsed.*HPE_/)
      expect(closed).toBe(true)
      await statusChange
      expect(t.engine.statuses()[0]!.rejected.malformed).toBe(1)
      if (name === 'a bad chunk size') {
        // The head was valid, so the request was already being captured: what arrived is kept.
        expect(await kept).toMatchObject({ status: 400, flags: ['incomplete'], target: '/' })
        expect(t.engine.history.count).toBe(1)
      } else {
        expect(t.engine.history.count).toBe(0)
      }
    })
  }
})

describe('header limits', () => {
  it('answers 431 for headers over 16 KiB and counts it', async () => {
    t = await startEngine()
    const big = 'X-Big: ' + 'a'.repeat(17 * 1024) + '\r\n'
    const { responses } = await rawExchange(t.port, `GET / HTTP/1.1\r\nHost: x\r\n${big}\r\n`)
    expect(responses[0]!.status).toBe(431)
    expect(t.engine.statuses()[0]!.rejected.headersTooLarge).toBe(1)
  })

  it('keeps all 1,100 headers (Node would silently keep 1,000)', async () => {
    t = await startEngine()
    const headers = Array.from({ length: 1100 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')
    const done = nextCapture(t.engine)
    const { responses } = await rawExchange(t.port, `GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\n`)
    expect(responses[0]!.status).toBe(200)
    const capture = await t.engine.capture((await done).id)
    expect(capture.rawHeaders).toHaveLength(1101)
    expect(capture.rawHeaders[1100]).toEqual(['X-H1099', '1099'])
  })

  it('answers 431 past the configured header count, keeping the headers it got', async () => {
    t = await startEngine({ limits: { maxHeaderCount: 1000 } })
    const headers = Array.from({ length: 1100 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')
    const done = nextCapture(t.engine)
    const { responses } = await rawExchange(t.port, `GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\n`)
    expect(responses[0]!.status).toBe(431)
    expect(responses[0]!.body.toString()).toContain('1101 header lines')
    const summary = await done
    expect(summary.flags).toContain('too-many-headers')
    expect((await t.engine.capture(summary.id)).rawHeaders).toHaveLength(1101)
  })
})

describe('body cap', () => {
  it('answers 413 to a declared body over the cap without reading it, and keeps the capture', async () => {
    t = await startEngine({ limits: { maxBodyBytes: 1024 } })
    const done = nextCapture(t.engine)
    const { responses, closed } = await rawExchange(t.port, 'POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n' + 'a'.repeat(100), { untilClose: true })
    expect(responses[0]!.status).toBe(413)
    expect(closed).toBe(true)
    const summary = await done
    expect(summary.flags).toContain('truncated')
    const capture = await t.engine.capture(summary.id)
    expect(capture.body).toMatchObject({ truncated: true, declaredSize: 5000, size: 0 })
    expect(capture.status).toBe(413)
  })

  it('answers 413 to a chunked body that grows past the cap and keeps the first bytes', async () => {
    t = await startEngine({ limits: { maxBodyBytes: 1000 } })
    const done = nextCapture(t.engine)
    const chunk = 'b'.repeat(600)
    const { responses } = await rawExchange(
      t.port,
      `POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`,
    )
    expect(responses[0]!.status).toBe(413)
    const summary = await done
    expect(summary.flags).toContain('truncated')
    expect(summary.bodySize).toBe(1000)
    expect((await bodyOf(summary.id)).toString()).toBe('b'.repeat(1000))
  })

  it('answers 413 to a declared body over the cap even with Expect: 100-continue, never sending 100', async () => {
    t = await startEngine({ limits: { maxBodyBytes: 10 } })
    const { responses, raw } = await rawExchange(t.port, 'PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n')
    expect(raw.toString()).not.toContain('100 Continue')
    expect(responses[0]!.status).toBe(413)
  })
})

describe('timeouts fire within about a second of their setting', () => {
  it('closes a connection whose headers never finish with 408', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500 } })
    const socket = await connect(t.port)
    const started = performance.now()
    const closed = whenClosed(socket)
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nX-Partial: ')
    const bytes = await closed
    const elapsed = performance.now() - started
    expect(bytes.toString()).toMatch(/^HTTP\/1\.1 408/)
    expect(elapsed).toBeGreaterThanOrEqual(900)
    expect(elapsed).toBeLessThan(2500)
    expect(t.engine.statuses()[0]!.rejected.timeout).toBe(1)
  })

  it('answers 408 to a body that stops arriving and keeps what arrived, marked incomplete', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500 } })
    const socket = await connect(t.port)
    const done = nextCapture(t.engine)
    const closed = whenClosed(socket)
    const started = performance.now()
    socket.write('POST /slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nfirst part')
    const bytes = await closed
    const elapsed = performance.now() - started
    expect(bytes.toString()).toMatch(/^HTTP\/1\.1 408/)
    expect(elapsed).toBeLessThan(3000)
    const summary = await done
    expect(summary.flags).toContain('incomplete')
    expect((await bodyOf(summary.id)).toString()).toBe('first part')
  })
})

describe('the headers timeout counts whatever arrives before the headers end', () => {
  /** Write `text` every 200 ms (under any headers timeout here); `then` runs after the `times`th write. */
  function trickle(sockets: net.Socket[], text: string, times = Infinity, then?: () => void): () => void {
    let written = 0
    const timer = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write(text)
      if (++written < times) return
      clearInterval(timer)
      then?.()
    }, 200)
    return () => clearInterval(timer)
  }

  it('closes a fresh connection that sends empty lines, then a header byte by byte, within the timeout from its start', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500 } })
    const socket = await connect(t.port)
    const started = performance.now()
    const closed = whenClosed(socket)
    // Empty lines until just before the timeout, then a request whose header never ends.
    let stopBytes = (): void => undefined
    const stopLines = trickle([socket], '\r\n', 4, () => {
      socket.write('POST /late HTTP/1.1\r\nX-Slow: ')
      stopBytes = trickle([socket], 'a')
    })
    const bytes = await closed
    stopLines()
    stopBytes()
    expect(bytes.toString()).toMatch(/^HTTP\/1\.1 408/)
    expect(performance.now() - started).toBeLessThan(1800)
  })

  it('closes a kept-alive connection that sends empty lines after its answer, with 408, and counts it', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500, keepAliveTimeoutMs: 5000 } })
    const socket = await connect(t.port)
    const closed = whenClosed(socket)
    const answered = new Promise((resolve) => socket.once('data', resolve))
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n')
    await answered
    const started = performance.now()
    const stop = trickle([socket], '\r\n')
    const bytes = (await closed).toString()
    stop()
    expect(bytes).toMatch(/^HTTP\/1\.1 200/)
    expect(bytes).toContain('HTTP/1.1 408 Request Timeout')
    // Within about a second of the timeout, well before the kept-alive connection's own 5 s.
    expect(performance.now() - started).toBeLessThan(2200)
    expect(t.engine.statuses()[0]!.rejected.timeout).toBe(1)
  })

  it('answers a request whose headers took too long after the answers owed to the requests pipelined before it, in order', async () => {
    // The first request's answer is relayed from a target that holds it until the third request timed out.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const app = await httpTarget((req, res) => {
      if (req.url === '/slow') void held.then(() => res.end('slow answer'))
      else res.end('fast answer')
    })
    try {
      t = await startEngine({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500, keepAliveTimeoutMs: 5000 } })
      await t.engine.updateEndpoint(t.endpointId, { forward: { mode: 'proxy', timeoutMs: 30_000, targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
      const socket = await connect(t.port)
      const closed = whenClosed(socket)
      socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n')
      await app.waitFor(2)
      socket.write('GET /third HTTP/1.1\r\nHost: x\r\nX-Slow: ')
      const stop = trickle([socket], 'a')
      await t.engine.events.waitFor('listener:status', (status) => status.rejected.timeout === 1)
      release()
      const bytes = (await closed).toString()
      stop()
      const answers = [...bytes.matchAll(/HTTP\/1\.1 (\d{3})[^]*?\r\n\r\n([^H]*)/g)].map((match) => [match[1], match[2]])
      expect(answers).toEqual([
        ['200', 'slow answer'],
        ['200', 'fast answer'],
        ['408', 'The request took too long to arrive.\n'],
      ])
    } finally {
      await app.close()
    }
  })

  it('frees the places of 1,000 kept-alive connections sending empty lines, so that the next sender is answered', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 1500, keepAliveTimeoutMs: 10_000, maxConnections: 1000 } })
    const held: net.Socket[] = []
    for (let i = 0; i < 1000; i++) {
      const socket = await connect(t.port)
      const answered = new Promise((resolve) => socket.once('data', resolve))
      socket.write('GET /held HTTP/1.1\r\nHost: x\r\n\r\n')
      await answered
      held.push(socket)
    }
    const closedAll = Promise.all(held.map((socket) => whenClosed(socket)))
    const started = performance.now()
    const stop = trickle(held, '\r\n')
    // Every place is taken: the next sender is refused.
    expect((await rawExchange(t.port, 'GET /refused HTTP/1.1\r\nHost: x\r\n\r\n')).responses[0]!.status).toBe(503)
    await closedAll
    stop()
    expect(performance.now() - started).toBeLessThan(3000)
    await vi.waitFor(() => expect(t.engine.statuses()[0]!.connections).toBe(0))
    expect((await rawExchange(t.port, 'GET /after HTTP/1.1\r\nHost: x\r\n\r\n')).responses[0]!.status).toBe(200)
  }, 60_000)
})

describe('connections', () => {
  it('survives 1,000 idle sockets, still captures, and reaps them at the header timeout', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 1500, requestTimeoutMs: 2000, maxConnections: 2000 } })
    const idle: net.Socket[] = []
    for (let i = 0; i < 1000; i++) idle.push(await connect(t.port))
    const closedAll = Promise.all(idle.map((socket) => whenClosed(socket)))
    const done = nextCapture(t.engine)
    const { responses } = await rawExchange(t.port, 'POST /real HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok')
    expect(responses[0]!.status).toBe(200)
    expect((await done).target).toBe('/real')
    // Idle connections that never send a byte are closed by the header timeout, not kept forever.
    await closedAll
    // The engine counts a connection until its own side has closed, which may come just after the
    // sender saw it close.
    await vi.waitFor(() => expect(t.engine.statuses()[0]!.connections).toBeLessThan(5))
  })

  it('answers 503 past the connection cap and counts it', async () => {
    t = await startEngine({ limits: { maxConnections: 5 } })
    const held: net.Socket[] = []
    for (let i = 0; i < 5; i++) held.push(await connect(t.port))
    const { responses } = await rawExchange(t.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(responses[0]!.status).toBe(503)
    expect(t.engine.statuses()[0]!.rejected.connectionLimit).toBe(1)
    for (const socket of held) socket.destroy()
  })
})

describe('limits changed while requests arrive', () => {
  it('apply to the running endpoint without refusing a connection or cutting a request in progress', async () => {
    t = await startEngine()
    // A body still arriving when the limits change.
    const slow = await connect(t.port)
    const received = t.engine.events.waitFor('capture:received', (s) => s.target === '/slow')
    const slowClosed = whenClosed(slow)
    slow.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc')
    await received
    const port = t.port
    await t.engine.updateSettings({ limits: { headersTimeoutMs: 1000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 1000, maxHeaderBytes: 2048 } })
    // Still listening, on the same port, and never stopped meanwhile.
    expect(t.engine.statuses()[0]).toMatchObject({ state: 'listening', port })
    const { responses } = await rawExchange(port, 'POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok')
    expect(responses[0]!.status).toBe(200)
    // The request in progress finishes and is answered.
    slow.write('defghij')
    expect((await slowClosed).toString()).toMatch(/^HTTP\/1\.1 200/)
    // The new limits hold: headers over 2 KiB get 431, headers that stop arriving 408 after about a second.
    const big = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`)
    expect(big.responses[0]!.status).toBe(431)
    const stalled = await connect(port)
    const started = performance.now()
    const stalledClosed = whenClosed(stalled)
    stalled.write('GET /stalled HTTP/1.1\r\nHost: x\r\nX-Partial: ')
    expect((await stalledClosed).toString()).toMatch(/^HTTP\/1\.1 408/)
    expect(performance.now() - started).toBeLessThan(2500)
  })

  it('refuse a timeout longer than a timer can wait, which would close kept-alive connections at once', async () => {
    t = await startEngine()
    // Past 2^31 - 1 ms Node fires a timer after 1 ms: a kept-alive connection would close as soon as it was answered.
    await expect(t.engine.updateSettings({ limits: { keepAliveTimeoutMs: 2 ** 31 } })).rejects.toThrow(/2147483647/)
    for (const key of ['headersTimeoutMs', 'requestTimeoutMs'] as const) {
      await expect(t.engine.updateSettings({ limits: { [key]: 2 ** 31 } })).rejects.toThrow(/2147483647/)
    }
    expect(t.engine.settings.limits.keepAliveTimeoutMs).toBe(5_000)
    // The longest one a timer can wait is kept, and a kept-alive connection stays open after its answer.
    await t.engine.updateSettings({ limits: { keepAliveTimeoutMs: 2 ** 31 - 1 } })
    const socket = await connect(t.port)
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()))
    socket.write('GET /kept HTTP/1.1\r\nHost: x\r\n\r\n')
    await answered
    // A second request on the same connection is answered too (closed after 1 ms, it would not be).
    await new Promise<void>((resolve) => setImmediate(resolve))
    const again = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())))
    const closed = whenClosed(socket)
    socket.write('GET /again HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(await again).toMatch(/^HTTP\/1\.1 200/)
    await closed
  })

  it('keep the endpoint listening when the headers timeout is set above the request timeout', async () => {
    t = await startEngine()
    await t.engine.updateSettings({ limits: { headersTimeoutMs: 400_000, requestTimeoutMs: 300_000 } })
    expect(t.engine.statuses()[0]!.state).toBe('listening')
    const { responses } = await rawExchange(t.port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(responses[0]!.status).toBe(200)
    // And so does a start with them (the next run's).
    const id = t.engine.endpoints()[0]!.id
    await t.engine.stopEndpoint(id)
    expect((await t.engine.startEndpoint(id)).state).toBe('listening')
  })
})
