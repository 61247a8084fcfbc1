// HAR of captures whose response came compressed: written decoded, as HAR 1.2 and browsers write it.
import zlib from 'node:zlib'
import harValidator from 'har-validator'
import { describe, expect, it } from 'vitest'
import { apiOf, startEngine, type TestEngine } from '../helpers/engine'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
const scope = testScope(() => t)

describe('HAR export of a compressed response', () => {
  it('writes content.text decoded, its decoded size and the bytes the encoding saved', async () => {
    const json = JSON.stringify({ ok: true, items: Array.from({ length: 50 }, (_, n) => ({ n, name: `item ${n}` })) })
    const gzipped = zlib.gzipSync(json)
    const app = await scope.target((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      res.end(gzipped)
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { forward: { mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    const settled = new Promise<string>((resolve) =>
      t!.engine.events.on('capture:updated', (s) => {
        if (s.forward?.state === 'delivered') resolve(s.id)
      }),
    )
    await fetch(t.url + 'gzip', { method: 'POST', body: 'x' })
    const id = await settled
    const har = JSON.parse((await apiOf(t.engine)['captures.export']({ ids: [id], format: 'har' })).text)
    await expect(harValidator.har(har)).resolves.toBeTruthy()
    const response = har.log.entries[0].response
    expect(response.headers).toContainEqual({ name: 'Content-Encoding', value: 'gzip' })
    expect(response.content.text).toBe(json)
    expect(response.content.encoding).toBeUndefined()
    expect(response.content.size).toBe(Buffer.byteLength(json))
    expect(response.content.compression).toBe(Buffer.byteLength(json) - gzipped.length)
    expect(response.bodySize).toBe(gzipped.length)
  })
})
