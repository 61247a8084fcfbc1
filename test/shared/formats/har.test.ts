// HAR: exact round trips, har-validator as the judge of exported files, a HAR recorded by a real
// Chromium (Debian's, driven by playwright-core) imported and checked against what the server saw,
// a DevTools-style HTTP/2 file, and malformed files that fail whole.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromHar, toCurl, toHar, type Exchange, type HarDocument } from '../../../shared/formats'
import { allBytes, bytes, comparable, errorOf, plain, removeDir, runInShell, startRecorder, tempDir, utf8ByteString } from './helpers'

const harValidator = createRequire(import.meta.url)('har-validator') as { har(document: unknown): Promise<boolean> }
const creator = { name: 'Hookscope', version: '0.1.0' }

const exchanges: Exchange[] = [
  {
    name: 'Stripe ping',
    notes: 'first capture',
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    durationMs: 12.5,
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:4000/hooks/../a%2Fb?x=1&x=2&list[]=a&obj={b}&utf=%E2%9C%93',
      httpVersion: '1.1',
      headers: [
        ['hOsT', '127.0.0.1:4000'],
        ['X-Dup', 'first'],
        ['content-TYPE', 'application/json'],
        ['X-Dup', 'second'],
        ['X-Latin1', 'caf\xe9 \xff'],
        ['X-Utf8', utf8ByteString('✓')],
        ['X-Empty', ''],
        ['Cookie', 'a=1; b=2'],
      ],
      body: bytes('{"id":"evt_1","text":"é ✓\\n"}\n'),
    },
    response: {
      status: 201,
      statusText: 'Created',
      headers: [
        ['Content-Type', 'application/octet-stream'],
        ['Set-Cookie', 'sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax'],
        ['Set-Cookie', 'theme=dark'],
        ['Location', '/items/1'],
      ],
      body: allBytes(),
    },
  },
  {
    name: 'binary upload',
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 6),
    durationMs: 0,
    request: {
      method: 'PUT',
      url: 'http://127.0.0.1:4000/upload',
      httpVersion: '1.1',
      headers: [['Content-Type', 'application/octet-stream']],
      body: new Uint8Array([...allBytes(), ...allBytes()]),
    },
    response: { status: 204, headers: [], body: new Uint8Array(0) },
  },
  {
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 7),
    durationMs: 30_000,
    request: { method: 'GET', url: 'https://example.test/timeout', httpVersion: '1.0', headers: [], body: new Uint8Array(0) },
  },
]

describe('HAR export', () => {
  it('passes har-validator, including binary bodies and an exchange without a response', async () => {
    const har = toHar(exchanges, { creator })
    // har-validator resolves with the document when it is valid and rejects otherwise.
    await expect(harValidator.har(har)).resolves.toBe(har)
    const reread = JSON.parse(JSON.stringify(har)) as HarDocument
    await expect(harValidator.har(reread)).resolves.toBe(reread)
    const broken = JSON.parse(JSON.stringify(har)) as { log: { entries: Array<{ request: Record<string, unknown> }> } }
    delete broken.log.entries[0]!.request.httpVersion
    await expect(harValidator.har(broken)).rejects.toThrow()
  })

  it('writes headers, cookies, query, postData, content and timings as HAR expects', () => {
    const har: HarDocument = toHar(exchanges, { creator })
    const [first, second, third] = har.log.entries
    expect(first!.request.headers.map(({ name, value }) => [name, value])).toEqual(exchanges[0]!.request.headers)
    expect(first!.request.queryString).toEqual([
      { name: 'x', value: '1' },
      { name: 'x', value: '2' },
      { name: 'list[]', value: 'a' },
      { name: 'obj', value: '{b}' },
      { name: 'utf', value: '✓' },
    ])
    expect(first!.request.cookies).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ])
    expect(first!.request.postData).toEqual({ mimeType: 'application/json', text: '{"id":"evt_1","text":"é ✓\\n"}\n' })
    expect(first!.response.cookies[0]).toEqual({ name: 'sid', value: 'abc', path: '/', httpOnly: true, secure: true, sameSite: 'Lax' })
    expect(first!.response.content).toEqual({
      size: 256,
      mimeType: 'application/octet-stream',
      text: Buffer.from(allBytes()).toString('base64'),
      encoding: 'base64',
    })
    expect(first!.response.redirectURL).toBe('/items/1')
    expect(first!.startedDateTime).toBe('2026-01-02T03:04:05.678Z')
    expect(first!.time).toBe(12.5)
    expect(first!.comment).toBe('first capture')
    expect(second!.request.postData).toEqual({
      mimeType: 'application/octet-stream',
      text: Buffer.from(exchanges[1]!.request.body).toString('base64'),
      _encoding: 'base64',
    })
    expect(third!.response.status).toBe(0)
  })

  it('says the size of a response body that was sent but not kept, and that it was not kept', async () => {
    const har = toHar(
      [{ request: { method: 'POST', url: 'http://a.test/', headers: [], body: new Uint8Array(0) }, response: { status: 200, headers: [['Content-Type', 'application/json']], body: new Uint8Array(0), bodySize: 70_000 } }],
      { creator },
    )
    expect(har.log.entries[0]!.response).toMatchObject({ bodySize: 70_000, content: { size: 70_000, mimeType: 'application/json', comment: 'The 70000-byte body was sent but not kept.' } })
    expect(har.log.entries[0]!.response.content.text).toBeUndefined()
    await expect(harValidator.har(har)).resolves.toBe(har)
  })

  it('round-trips through JSON and fromHar unchanged', () => {
    const text = JSON.stringify(toHar(exchanges, { creator }))
    expect(comparable(fromHar(text))).toEqual(comparable(exchanges))
    expect(comparable(fromHar(JSON.parse(text)))).toEqual(comparable(exchanges))
  })
})

describe('HAR import', () => {
  it('reads a DevTools-style HTTP/2 file: pseudo-headers dropped, params without text, missing bodies', () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        pages: [{ startedDateTime: '2026-03-01T10:00:00.000Z', id: 'page_1', title: 'https://app.test/', pageTimings: {} }],
        entries: [
          {
            _initiator: { type: 'script' },
            _priority: 'High',
            _resourceType: 'fetch',
            cache: {},
            connection: '443',
            pageref: 'page_1',
            request: {
              method: 'POST',
              url: 'https://app.test/api/login',
              httpVersion: 'http/2.0',
              headers: [
                { name: ':authority', value: 'app.test' },
                { name: ':method', value: 'POST' },
                { name: ':path', value: '/api/login' },
                { name: ':scheme', value: 'https' },
                { name: 'content-type', value: 'application/x-www-form-urlencoded' },
                { name: 'x-requested-with', value: 'fetch' },
              ],
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: 27,
              postData: {
                mimeType: 'application/x-www-form-urlencoded',
                params: [
                  { name: 'user', value: 'ann@example.test' },
                  { name: 'pass', value: 'a b&c' },
                ],
              },
            },
            response: {
              status: 200,
              statusText: '',
              httpVersion: 'http/2.0',
              headers: [
                { name: ':status', value: '200' },
                { name: 'content-type', value: 'application/json' },
              ],
              cookies: [],
              content: { size: 0, mimeType: 'application/json' },
              redirectURL: '',
              headersSize: -1,
              bodySize: -1,
              _transferSize: 120,
              _error: null,
            },
            serverIPAddress: '203.0.113.5',
            startedDateTime: '2026-03-01T10:00:01.250Z',
            time: 42.7,
            timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 40, receive: 1.4, _blocked_queueing: 0.8 },
          },
          {
            cache: {},
            request: {
              method: 'POST',
              url: 'https://app.test/upload',
              httpVersion: 'h3',
              headers: [{ name: ':authority', value: 'app.test' }],
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: 0,
              postData: {
                mimeType: 'multipart/form-data; boundary=----WebKitFormBoundaryX',
                params: [{ name: 'title', value: 'Hi' }, { name: 'file', fileName: 'a.txt', contentType: 'text/plain', value: 'A' }],
              },
            },
            response: { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: -1, _error: 'net::ERR_CONNECTION_RESET' },
            startedDateTime: '2026-03-01T10:00:02.000Z',
            time: 5,
            timings: { send: 0, wait: 5, receive: 0 },
          },
        ],
      },
    }
    const [login, upload] = fromHar(har)
    expect(login!.request.httpVersion).toBe('2.0')
    expect(login!.request.headers).toEqual([
      ['content-type', 'application/x-www-form-urlencoded'],
      ['x-requested-with', 'fetch'],
    ])
    expect(Buffer.from(login!.request.body).toString()).toBe('user=ann%40example.test&pass=a+b%26c')
    expect(login!.response).toEqual({ status: 200, headers: [['content-type', 'application/json']], body: new Uint8Array(0) })
    expect(login!.startedAt).toBe(Date.parse('2026-03-01T10:00:01.250Z'))
    expect(login!.durationMs).toBe(42.7)
    expect(upload!.request.httpVersion).toBe('3.0')
    expect(upload!.request.headers).toEqual([])
    expect(Buffer.from(upload!.request.body).toString()).toBe(
      '------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name="title"\r\n\r\nHi\r\n' +
        '------WebKitFormBoundaryX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nA\r\n' +
        '------WebKitFormBoundaryX--\r\n',
    )
    expect(upload!.response).toBeUndefined()
  })

  it("reads HTTP Toolkit's binary request bodies (request._content), and says when a file left a request's body out", () => {
    const entry = (request: Record<string, unknown>) => ({
      pageref: 'curl',
      startedDateTime: '2026-03-01T10:00:00.000Z',
      time: 3,
      request: { method: 'POST', url: 'http://localhost:3000/webhooks', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'content-type', value: 'application/octet-stream' }], queryString: [], headersSize: -1, ...request },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 2, mimeType: 'text/plain', text: 'ok' }, redirectURL: '', headersSize: -1, bodySize: 2 },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 3, receive: 0 },
    })
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'HTTP Toolkit', version: '1.19.0' },
        pages: [{ id: 'curl', title: 'curl', startedDateTime: '2026-03-01T10:00:00.000Z', pageTimings: {} }],
        entries: [
          // HTTP Toolkit writes a body that is not UTF-8 here, in base64, instead of postData.
          entry({ bodySize: 4, _requestBodyStatus: 'discarded:not-representable', _content: { text: '3q2+7w==', size: 4, encoding: 'base64' } }),
          entry({ bodySize: 2_000_000, _requestBodyStatus: 'discarded:too-large', comment: 'Body discarded during HAR generation: longer than limit of 1000000 bytes' }),
          // A browser's entry whose upload the file does not hold.
          { ...entry({ bodySize: 512 }), comment: 'from the checkout page' },
          entry({ bodySize: 0 }),
        ],
      },
    }
    const [binary, large, upload, empty] = fromHar(har)
    expect(binary!.request.body).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]))
    expect(binary!.notes).toBeUndefined()
    expect(large!.request.body).toEqual(new Uint8Array(0))
    expect(large!.notes).toBe("The request's 2000000-byte body is not in the HAR file (the tool that wrote it left it out: it was too large): it is sent without a body.")
    expect(upload!.notes).toBe("from the checkout page\n\nThe request's 512-byte body is not in the HAR file: it is sent without a body.")
    expect(empty!.request.body).toEqual(new Uint8Array(0))
    expect(empty!.notes).toBeUndefined()
  })

  it('says in words when a browser kept no body, or a stand-in for it, instead of importing an empty body silently', () => {
    const entry = (headers: Array<{ name: string; value: string }>, request: Record<string, unknown> = {}) => ({
      startedDateTime: '2026-03-01T10:00:00.000Z',
      time: 3,
      request: { method: 'POST', url: 'https://app.test/upload', httpVersion: 'HTTP/1.1', cookies: [], headers, queryString: [], headersSize: -1, bodySize: 0, ...request },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: 0 },
      cache: {},
      timings: { send: 0, wait: 3, receive: 0 },
    })
    const length = (n: number) => [{ name: 'Content-Type', value: 'application/octet-stream' }, { name: 'Content-Length', value: String(n) }]
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        entries: [
          // Chromium leaves postData out for an upload it did not keep (a file, a large or binary body).
          entry(length(5120)),
          // Firefox writes an empty postData with a comment.
          entry(length(70), { postData: { mimeType: 'application/json', params: [], text: '', comment: 'Request bodies are not included.' } }),
          // A tool that failed to read it says so in an _error.
          entry([{ name: 'Transfer-Encoding', value: 'chunked' }], { postData: { mimeType: 'text/plain', text: '', _error: 'Could not read the upload' } }),
          entry([{ name: 'Transfer-Encoding', value: 'chunked' }]),
          // A stand-in put where the body was.
          entry(length(2048), { postData: { mimeType: 'application/octet-stream', text: 'upload data not shown' } }),
          // What holds as sent, or has no body at all, says nothing.
          entry(length(7), { postData: { mimeType: 'text/plain', text: 'caf\u00e9 !' } }),
          entry([{ name: 'Content-Length', value: '0' }]),
          entry([], { method: 'GET' }),
        ],
      },
    }
    const notes = fromHar(har).map((exchange) => [exchange.request.body.length, exchange.notes])
    expect(notes).toEqual([
      [0, "The request's 5120-byte body is not in the HAR file: it is sent without a body."],
      [0, "The request's 70-byte body is not in the HAR file (the tool that wrote it says: “Request bodies are not included.”): it is sent without a body."],
      [0, "The request's body is not in the HAR file (the tool that wrote it says: “Could not read the upload”): it is sent without a body."],
      [0, "The request's body is not in the HAR file: it is sent without a body."],
      [21, "The request's body in the HAR file is 21 bytes, but its Content-Length header says 2048 were sent: the tool that wrote the file did not keep it as sent (the file holds “upload data not shown”). It is sent as the file holds it."],
      [7, undefined],
      [0, undefined],
      [0, undefined],
    ])
  })

  it("reads Safari's file, whose entries without a known start time have an empty startedDateTime", () => {
    // As WebKit's Web Inspector writes them (HARBuilder): "" for a date it does not know, postData
    // with both text and params, "" for an unknown HTTP version.
    const entry = (startedDateTime: string, url: string, postData?: Record<string, unknown>) => ({
      pageref: 'page_0',
      startedDateTime,
      time: 0,
      request: {
        method: postData ? 'POST' : 'GET',
        url,
        httpVersion: '',
        cookies: [],
        headers: [{ name: 'Accept', value: '*/*' }, ...(postData ? [{ name: 'Content-Type', value: 'application/json' }] : [])],
        queryString: [],
        headersSize: -1,
        bodySize: -1,
        ...(postData ? { postData } : {}),
      },
      response: {
        status: 200,
        statusText: 'OK',
        httpVersion: 'HTTP/2',
        cookies: [],
        headers: [{ name: 'Content-Type', value: 'application/json' }],
        content: { size: 2, compression: 0, mimeType: 'application/json', text: '{}' },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 0, receive: 0 },
      _fetchType: 'Memory Cache',
    })
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'WebKit Web Inspector', version: '1.0' },
        pages: [{ startedDateTime: '', id: 'page_0', title: 'https://shop.test/', pageTimings: {} }],
        entries: [
          entry('', 'https://shop.test/api/cart'),
          entry('2026-03-01T10:00:00.000Z', 'https://shop.test/api/orders', { mimeType: 'application/json', text: '{"sku":"A1"}', params: [] }),
        ],
      },
    }
    const [cart, order] = fromHar(har)
    expect(cart!.request).toEqual({ method: 'GET', url: 'https://shop.test/api/cart', headers: [['Accept', '*/*']], body: new Uint8Array(0) })
    expect(cart!.startedAt).toBeUndefined()
    expect(Buffer.from(order!.request.body).toString()).toBe('{"sku":"A1"}')
    expect(order!.startedAt).toBe(Date.parse('2026-03-01T10:00:00.000Z'))
  })

  // Fixtures below break one field of a valid file at a time, so they need untyped access.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const valid = () => JSON.parse(JSON.stringify(toHar(exchanges, { creator }))) as { log: { entries: Array<Record<string, any>> } }

  it.each([
    ['text that is not JSON', () => '{"log": [', /Not a valid HAR file: the file is not JSON/],
    ['an empty object', () => ({}), /Not a valid HAR file: log: missing \(expected object\)/],
    ['a URL that is a number', () => { const har = valid(); har.log.entries[1]!.request.url = 42; return har }, /log\.entries\[1\]\.request\.url: expected string, received number/],
    ['headers that are not pairs', () => { const har = valid(); har.log.entries[2]!.request.headers = [{ name: 'X' }]; return har }, /log\.entries\[2\]\.request\.headers\[0\]\.value: missing \(expected string\)/],
    ['a relative URL', () => { const har = valid(); har.log.entries[0]!.request.url = '/relative'; return har }, /log\.entries\[0\]\.request\.url: "\/relative" is not an absolute URL/],
    ['bad base64 content', () => { const har = valid(); har.log.entries[0]!.response.content.text = '***'; return har }, /log\.entries\[0\]\.response\.content\.text: the text is not valid base64/],
    ['an unknown content encoding', () => { const har = valid(); har.log.entries[0]!.response.content.encoding = 'gzip'; return har }, /response\.content\.encoding: "gzip" is not supported/],
    ['bad base64 in HTTP Toolkit\'s request._content', () => { const har = valid(); har.log.entries[1]!.request = { ...har.log.entries[1]!.request, postData: undefined, _content: { text: '***', encoding: 'base64' } }; return har }, /log\.entries\[1\]\.request\._content\.text: the text is not valid base64/],
    ['an unknown postData encoding', () => { const har = valid(); har.log.entries[1]!.request.postData._encoding = 'hex'; return har }, /log\.entries\[1\]\.request\.postData\._encoding: "hex" is not supported/],
    ['a date that is not a date', () => { const har = valid(); har.log.entries[1]!.startedDateTime = 'yesterday'; return har }, /log\.entries\[1\]\.startedDateTime: "yesterday" is not a date/],
  ])('refuses %s, whole', (_what, make, message) => {
    expect(errorOf(() => fromHar(make())).message).toMatch(message)
  })
})

describe('HAR recorded by Chromium', () => {
  let browser: Browser | undefined
  let launchError = ''
  let dir: string

  beforeAll(async () => {
    dir = await tempDir()
    try {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      })
    } catch (error) {
      launchError = error instanceof Error ? error.message : String(error)
    }
  })

  afterAll(async () => {
    await browser?.close()
    await removeDir(dir)
  })

  it('imports a fetch POST with a JSON body and custom headers exactly as the server received it', async (context) => {
    if (!browser) {
      console.warn(`SKIPPED: Chromium at /usr/bin/chromium could not launch: ${launchError}`)
      context.skip(`Chromium could not launch: ${launchError}`)
      return
    }
    const page = `<!doctype html><meta charset="utf-8"><title>capture</title><script>
      window.run = async () => {
        const body = JSON.stringify({ event: 'order.created', note: "it's é ✓", n: [1, 2, 3] })
        const res = await fetch('/api/items?source=browser&x=1', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Custom-Token': 'abc123', 'X-Trace-Id': 't-42' },
          body,
        })
        const reply = await res.text()
        const bin = await fetch('/bin')
        return [res.status, reply, (await bin.arrayBuffer()).byteLength]
      }
    </script>`
    const recorder = await startRecorder((req, res) => {
      if (req.url === '/') {
        res.setHeader('Content-Type', 'text/html; charset=utf-8')
        res.end(page)
      } else if (req.url === '/bin') {
        res.setHeader('Content-Type', 'application/octet-stream')
        res.end(Buffer.from(allBytes()))
      } else {
        res.setHeader('Content-Type', 'application/json')
        res.setHeader('X-Reply', 'yes')
        res.end('{"ok":true}')
      }
    })
    try {
      const harPath = path.join(dir, 'capture.har')
      const browserContext = await browser.newContext({ recordHar: { path: harPath } })
      const tab = await browserContext.newPage()
      await tab.goto(`${recorder.origin}/`)
      expect(await tab.evaluate(() => (globalThis as unknown as { run(): Promise<unknown[]> }).run())).toEqual([200, '{"ok":true}', 256])
      await browserContext.close()

      const imported = fromHar(await readFile(harPath, 'utf8'))
      const post = imported.find((exchange) => exchange.request.method === 'POST')!
      const seen = recorder.received.find((recorded) => recorded.method === 'POST')!
      expect(post.request.url).toBe(`${recorder.origin}/api/items?source=browser&x=1`)
      expect(Buffer.from(post.request.body).equals(seen.body)).toBe(true)
      expect(JSON.parse(Buffer.from(post.request.body).toString())).toEqual({ event: 'order.created', note: "it's é ✓", n: [1, 2, 3] })
      const lower = (pairs: Array<[string, string]>) => pairs.map(([name, value]) => [name.toLowerCase(), value])
      expect(lower(post.request.headers)).toEqual(expect.arrayContaining([
        ['content-type', 'application/json'],
        ['x-custom-token', 'abc123'],
        ['x-trace-id', 't-42'],
      ]))
      // Every header the HAR lists is one the server received, with the same value.
      for (const pair of lower(post.request.headers)) expect(lower(seen.headers)).toContainEqual(pair)
      expect(post.request.headers.some(([name]) => name.startsWith(':'))).toBe(false)
      expect(post.response?.status).toBe(200)
      expect(Buffer.from(post.response!.body).toString()).toBe('{"ok":true}')
      expect(lower(post.response!.headers)).toContainEqual(['x-reply', 'yes'])
      const bin = imported.find((exchange) => exchange.request.url.endsWith('/bin'))!
      expect(plain(bin.response!.body)).toEqual(allBytes())

      // And the imported request, exported as cURL and run, reaches the server with the same body.
      const arrived = recorder.next()
      const result = await runInShell('bash', toCurl(post.request), dir)
      expect(result.code, result.stderr).toBe(0)
      expect((await arrived).body.equals(seen.body)).toBe(true)
    } finally {
      await recorder.close()
    }
  })
})
