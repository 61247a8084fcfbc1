// What a capture records of its answer is what its sender was sent: no body where HTTP sends none,
// and no answer where none went out.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { captures, nextCapture, parseResponses, rawExchange, removeDir, startEngine, whenClosed, type TestEngine } from '../helpers/engine'

let t: TestEngine
afterEach(async () => {
  await t?.close()
  await removeDir(t.dir)
})

describe('the answer a capture records', () => {
  for (const status of [204, 304]) {
    it(`has no body for a ${status} rule that has one, as its sender got none`, async () => {
      t = await startEngine()
      await t.engine.updateEndpoint(t.endpointId, { response: { status, headers: [['Content-Length', '5'], ['X-Rule', 'yes']], body: 'hello', delayMs: 0 } })
      const done = nextCapture(t.engine)
      const { raw } = await rawExchange(t.port, 'GET /empty HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { untilClose: true })
      // Two heads, one after the other: no body, no Content-Length.
      const text = raw.toString('latin1')
      expect(text.split(`HTTP/1.1 ${status} `).length).toBe(3)
      expect(text).not.toMatch(/hello|content-length/i)
      expect(text.endsWith('\r\n\r\n')).toBe(true)
      const stored = await t.engine.capture((await done).id)
      expect(stored.response).toEqual({ status, headers: [['X-Rule', 'yes']], bodySize: 0, body: '' })
    })
  }

  it('has no body for a HEAD request, which is told the length of the body a GET gets', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { response: { status: 200, headers: [['Content-Type', 'text/plain']], body: 'hello', delayMs: 0 } })
    const done = nextCapture(t.engine)
    const { raw, closed } = await rawExchange(t.port, 'HEAD /head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { untilClose: true })
    expect(closed).toBe(true)
    const text = raw.toString('latin1')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(text).toContain('\r\nContent-Length: 5\r\n')
    // The head only: nothing follows it.
    expect(text.endsWith('\r\n\r\n')).toBe(true)
    const stored = await t.engine.capture((await done).id)
    expect(stored).toMatchObject({ method: 'HEAD', response: { status: 200, headers: [['Content-Type', 'text/plain'], ['Content-Length', '5']], bodySize: 0, body: '' } })
  })

  it('is none for requests pipelined on a connection whose sender closed its side before they were answered, and they are not forwarded', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, {
      forward: { mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: true }], routes: [], defaultTargetId: 'app' },
    })
    const both = captures(t.engine, 2)
    const socket = net.connect(t.port, '127.0.0.1')
    const closed = whenClosed(socket)
    // As `printf … | nc -N` sends them: the requests, then the end of what it sends.
    socket.end('GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(parseResponses(await closed, true).responses).toEqual([])
    const summaries = await both
    for (const summary of summaries) {
      expect(summary, summary.target).toMatchObject({ status: null, durationMs: null })
      expect(await t.engine.capture(summary.id), summary.target).toMatchObject({ status: null, response: null, forward: { state: 'skipped', error: 'its sender was never answered' } })
    }
  })
})
