// What a capture records of its answer is what its sender was sent: no body where HTTP sends none.
import { afterEach, describe, expect, it } from 'vitest'
import { nextCapture, rawExchange, removeDir, startEngine, type TestEngine } from '../helpers/engine'

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
})
