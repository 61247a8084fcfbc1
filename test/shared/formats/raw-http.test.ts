// Raw HTTP messages: exact round trips, tolerant reading of pasted text, and framing errors. The
// exported bytes are also sent over a real socket to node:http, which must read the same request.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromRawHttp, toRawHttp, type HeaderPair, type RequestSpec } from '../../../shared/formats'
import { allBytes, bytes, errorOf, plain, startRecorder, type Recorder } from './helpers'

let recorder: Recorder
beforeAll(async () => {
  recorder = await startRecorder()
})
afterAll(async () => {
  await recorder?.close()
})

const headers: HeaderPair[] = [
  ['hOsT', 'example.test'],
  ['X-Dup', 'first'],
  ['content-TYPE', 'application/octet-stream'],
  ['X-Dup', 'second'],
  ['X-Latin1', 'caf\xe9 \xff\xfe'],
  ['X-Empty', ''],
  ['Content-Length', '512'],
]
const request: RequestSpec = {
  method: 'PATCH',
  url: 'http://example.test/hooks/../a%2Fb?x=1&x=2&empty=',
  httpVersion: '1.1',
  headers,
  body: new Uint8Array([...allBytes(), ...allBytes()]),
}

describe('raw HTTP', () => {
  it('writes the request line, header lines and body byte for byte', () => {
    const raw = Buffer.from(toRawHttp(request))
    const head =
      'PATCH /hooks/../a%2Fb?x=1&x=2&empty= HTTP/1.1\r\n' +
      'hOsT: example.test\r\nX-Dup: first\r\ncontent-TYPE: application/octet-stream\r\nX-Dup: second\r\n' +
      'X-Latin1: caf\xe9 \xff\xfe\r\nX-Empty: \r\nContent-Length: 512\r\n\r\n'
    expect(raw.subarray(0, head.length).toString('latin1')).toBe(head)
    expect(raw.subarray(head.length).equals(Buffer.from(request.body))).toBe(true)
  })

  it('round-trips order, case, duplicates, latin1 bytes and all 256 byte values', () => {
    const back = fromRawHttp(toRawHttp(request))
    expect({ ...back, body: plain(back.body) }).toEqual({ ...request, body: plain(request.body) })
  })

  it('frames a chunked body and reads it back', () => {
    const chunked: RequestSpec = {
      method: 'POST',
      url: 'http://example.test/c',
      httpVersion: '1.1',
      headers: [
        ['Host', 'example.test'],
        ['Transfer-Encoding', 'chunked'],
      ],
      body: bytes('hello chunks'),
    }
    const raw = Buffer.from(toRawHttp(chunked)).toString('latin1')
    expect(raw.endsWith('\r\n\r\nc\r\nhello chunks\r\n0\r\n\r\n')).toBe(true)
    const back = fromRawHttp(raw)
    expect(Buffer.from(back.body).toString()).toBe('hello chunks')
  })

  it('is read by node:http as the same request when sent over a socket', async () => {
    const sent: RequestSpec = { ...request, headers: [['Host', `127.0.0.1:${recorder.port}`], ...headers.slice(1)] }
    const arrived = recorder.next()
    const socket = net.connect(recorder.port, '127.0.0.1')
    socket.end(toRawHttp(sent))
    socket.resume()
    const recorded = await arrived
    socket.destroy()
    expect(recorded.method).toBe('PATCH')
    expect(recorded.target).toBe('/hooks/../a%2Fb?x=1&x=2&empty=')
    expect(recorded.headers).toEqual(sent.headers)
    expect(recorded.body.equals(Buffer.from(sent.body))).toBe(true)
  })

  it('reads pasted text with LF line ends, leading blank lines and an absolute-form target', () => {
    const parsed = fromRawHttp('\n\nPOST /api/items?x=1 HTTP/1.1\nHost: api.test:8080\nContent-Type: application/json\nContent-Length: 10\n\n{"a":"é"}\n')
    expect(parsed).toMatchObject({ method: 'POST', url: 'http://api.test:8080/api/items?x=1', httpVersion: '1.1' })
    expect(parsed.headers).toEqual([
      ['Host', 'api.test:8080'],
      ['Content-Type', 'application/json'],
      ['Content-Length', '10'],
    ])
    expect(Buffer.from(parsed.body).toString()).toBe('{"a":"é"}')
    const absolute = fromRawHttp('GET https://other.test/x HTTP/1.0\r\n\r\n', { scheme: 'http' })
    expect(absolute.url).toBe('https://other.test/x')
    expect(fromRawHttp('GET /s HTTP/1.1\nHost: h\n', { scheme: 'https' }).url).toBe('https://h/s')
  })

  it("reads the header block browsers copy for an HTTP/2 request: Chrome's pseudo-headers, Firefox's \"HTTP/2\" request line, both over https", () => {
    // Chrome's "Copy request headers" (and its raw view) for an HTTP/2 request.
    const chrome = fromRawHttp(
      ':authority: api.example.test\n:method: POST\n:path: /v1/orders?expand=items\n:scheme: https\naccept: application/json\naccept-encoding: gzip, deflate, br, zstd\ncontent-type: application/json\n',
    )
    expect({ ...chrome, body: Buffer.from(chrome.body).toString() }).toEqual({
      method: 'POST',
      url: 'https://api.example.test/v1/orders?expand=items',
      httpVersion: '2.0',
      headers: [
        ['accept', 'application/json'],
        ['accept-encoding', 'gzip, deflate, br, zstd'],
        ['content-type', 'application/json'],
      ],
      body: '',
    })
    // With a body pasted after it, and without :scheme (https, as browsers speak HTTP/2 only over TLS).
    const withBody = fromRawHttp(':method: PUT\r\n:authority: h.test:8443\r\n:path: /x\r\ncontent-length: 7\r\n\r\n{"a":1}')
    expect([withBody.url, Buffer.from(withBody.body).toString()]).toEqual(['https://h.test:8443/x', '{"a":1}'])
    // Firefox's "Copy Request Headers" for an HTTP/2 request.
    const firefox = fromRawHttp('GET /v1/orders HTTP/2\nHost: api.example.test\nUser-Agent: Mozilla/5.0\nAccept: */*\n')
    expect(firefox.url).toBe('https://api.example.test/v1/orders')
    expect(fromRawHttp('GET /v1/orders HTTP/1.1\nHost: api.example.test\n').url).toBe('http://api.example.test/v1/orders')
    expect(errorOf(() => fromRawHttp(':authority: h.test\n:method: GET\naccept: */*\n')).message).toBe('The HTTP/2 header block has no :path line, so the request is unknown')
    expect(errorOf(() => fromRawHttp(':method: GET\n:path: /\n')).message).toBe('The HTTP/2 header block has no :authority line or Host header, so its URL is unknown')
  })

  it('quotes a wrong line beyond ASCII as it was typed', () => {
    expect(errorOf(() => fromRawHttp('GET /caf\u00e9 HTTP/1.1\nX-Note: cr\u00e8me\nbr\u00fbl\u00e9e\n')).message).toBe('line 3: expected "Name: value", found "br\u00fbl\u00e9e"')
  })

  it('keeps the whole rest as the body without Content-Length, and unfolds obsolete line folding', () => {
    const parsed = fromRawHttp('PUT /x HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n  b\r\n\r\nline1\nline2\n')
    expect(parsed.headers).toEqual([
      ['Host', 'h'],
      ['X-Folded', 'a b'],
    ])
    expect(Buffer.from(parsed.body).toString()).toBe('line1\nline2\n')
  })

  it.each([
    ['', /empty/],
    ['hello world', /line 1: expected a request line like "POST \/path HTTP\/1\.1"/],
    ['GET /x HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n', /line 3: expected "Name: value"/],
    ['GET /x HTTP/1.1\r\n\r\n', /no Host header/],
    ['POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nshort', /The body has 5 bytes but Content-Length says 10/],
    ['POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nabGET / HTTP/1.1', /14 bytes follow the 2-byte body/],
    ['POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc', /Content-Length "2, 3" is not one number/],
    ['POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size line "zz"/],
    ['POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', /ends in the middle of a chunk/],
    ['CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n', /target "h:443" is not a path or an absolute URL/],
  ])('refuses %j', (input, message) => {
    expect(errorOf(() => fromRawHttp(input)).message).toMatch(message)
  })

  it('refuses to write a header value that would add a line', () => {
    expect(errorOf(() => toRawHttp({ ...request, headers: [['X', 'a\r\nInjected: yes']] })).message).toMatch(/headers\[0\] \(X\)/)
  })
})
