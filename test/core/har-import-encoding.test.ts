// HAR files that hold a request body decoded under a Content-Encoding header (HTTP Toolkit's): the
// import encodes it again as the header says, so a resend sends what the header promises.
import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { apiOf, startEngine, type TestEngine } from '../helpers/engine'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
testScope(() => t)

function harOf(requests: Array<{ headers: Array<{ name: string; value: string }>; postData?: object }>): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'HTTP Toolkit', version: '1.19.0' },
      entries: requests.map((request, n) => ({
        startedDateTime: '2026-01-01T00:00:00.000Z',
        time: 1,
        request: { method: 'POST', url: `https://api.example/hooks/${n}`, httpVersion: 'HTTP/1.1', cookies: [], queryString: [], headersSize: -1, bodySize: 10, ...request },
        response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'text/plain' }, redirectURL: '', headersSize: -1, bodySize: 0 },
        cache: {},
        timings: { send: 0, wait: 1, receive: 0 },
      })),
    },
  })
}

describe('HAR import of compressed requests', () => {
  it('encodes a body the file holds decoded as its Content-Encoding says, and leaves an encoded one as it is', async () => {
    t = await startEngine()
    const json = '{"event":"order.paid","id":42}'
    const already = zlib.brotliCompressSync(json)
    const text = harOf([
      { headers: [{ name: 'Content-Type', value: 'application/json' }, { name: 'Content-Encoding', value: 'gzip' }], postData: { mimeType: 'application/json', text: json } },
      { headers: [{ name: 'Content-Encoding', value: 'br' }], postData: { mimeType: 'application/octet-stream', text: already.toString('base64'), _encoding: 'base64' } },
      { headers: [{ name: 'Content-Type', value: 'application/json' }], postData: { mimeType: 'application/json', text: json } },
    ])
    const api = apiOf(t.engine)
    const collection = await api['collections.import']({ format: 'har', text })
    const [gzipped, br, plain] = await Promise.all(collection.items.map((item) => api['collections.item']({ id: collection.id, itemId: item.id })))
    const sent = Buffer.from(gzipped!.request.body.data, gzipped!.request.body.encoding)
    expect(zlib.gunzipSync(sent).toString()).toBe(json)
    expect(gzipped!.request.headers).toContainEqual(['Content-Encoding', 'gzip'])
    expect(gzipped!.notes).toContain('encoded again as its Content-Encoding says (gzip)')
    expect(Buffer.from(br!.request.body.data, br!.request.body.encoding)).toEqual(already)
    expect(br!.notes).toBe('')
    expect(plain!.request.body).toEqual({ encoding: 'utf8', data: json })
    expect(plain!.notes).toBe('')
  })
})
