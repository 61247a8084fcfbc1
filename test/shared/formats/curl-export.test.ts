// Exported cURL commands are run for real, in dash and in bash, against a recording node:http server:
// the body must arrive byte for byte and the headers as curl-export.ts documents, and nothing in a
// captured value may ever be executed by the shell.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HookscopeError } from '../../../shared/errors'
import { fromCurl, toCurl, toCurlMany, type HeaderPair, type RequestSpec } from '../../../shared/formats'
import { allBytes, bytes, plain, removeDir, runInShell, startRawRecorder, startRecorder, tempDir, utf8ByteString, type Recorder } from './helpers'

const SHELLS = ['dash', 'bash'] as const

let recorder: Recorder
let dir: string
let pwned: string

beforeAll(async () => {
  recorder = await startRecorder()
  dir = await tempDir()
  pwned = path.join(dir, `pwned-${randomBytes(6).toString('hex')}`)
})

afterAll(async () => {
  await recorder?.close()
  await removeDir(dir)
})

/** Values that a shell would expand, split or end a command at, if any of them escaped quoting. */
const hostile = () =>
  `it's "quoted" $(touch ${pwned}) \`touch ${pwned}\` ; touch ${pwned} | & && \\ %s %% $HOME !! * ~ #`

async function send(shell: string, request: RequestSpec) {
  const command = toCurl(request)
  const arrived = recorder.next()
  const result = await runInShell(shell, command, dir)
  expect(result.code, result.stderr).toBe(0)
  // The server's answer reaches curl's output: the command ran to its end (-I prints the head instead).
  if (request.method === 'HEAD') expect(result.stdout.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
  else expect(result.stdout.toString()).toBe('ok')
  return { command, recorded: await arrived }
}

function base(overrides: Partial<RequestSpec>): RequestSpec {
  return {
    method: 'POST',
    url: `${recorder.origin}/hooks/../a%2Fb?x=1&x=2&list[]=a&obj={b}&q=it's`,
    headers: [['Host', `127.0.0.1:${recorder.port}`]],
    body: new Uint8Array(0),
    ...overrides,
  }
}

const withLength = (headers: HeaderPair[], body: Uint8Array): HeaderPair[] => [...headers, ['Content-Length', String(body.length)]]

describe.each(SHELLS)('toCurl run in %s', (shell) => {
  it('sends a plain-text body inline, with hostile characters inert', async () => {
    const body = bytes(`{"note":"${hostile().replace(/["\\]/g, '')}","é":"✓"}`)
    const headers: HeaderPair[] = withLength(
      [
        ['Host', `127.0.0.1:${recorder.port}`],
        ['X-Hostile', hostile()],
        ['Content-Type', 'application/json'],
        ['X-Utf8', utf8ByteString('café ✓')],
      ],
      body,
    )
    const { command, recorded } = await send(shell, base({ headers, body }))
    expect(command.startsWith('curl ')).toBe(true)
    expect(command).not.toMatch(/[\r\n]/)
    expect(plain(recorded.body)).toEqual(plain(body))
    expect(recorded.headers).toEqual(headers)
    expect(recorded.method).toBe('POST')
    expect(recorded.target).toBe("/hooks/../a%2Fb?x=1&x=2&list[]=a&obj={b}&q=it's")
  })

  it('sends a body with newlines, NUL, 0xff and every byte value through printf', async () => {
    const body = new Uint8Array([
      ...bytes(`line 1\nline 2 ${hostile()}\r\n`),
      0,
      0xff,
      ...allBytes(),
      ...allBytes(),
      0x5c,
      0x30, // "\" then "0": must not merge into an escape
      0x00,
      0x31, // NUL then "1", and DEL then "7": a digit after an octal escape must stay a digit
      0x7f,
      0x37,
    ])
    const headers: HeaderPair[] = withLength(
      [
        ['Host', `127.0.0.1:${recorder.port}`],
        ['Content-Type', 'application/octet-stream'],
        ['X-Hostile', hostile()],
      ],
      body,
    )
    const { command, recorded } = await send(shell, base({ method: 'PUT', headers, body }))
    expect(command.startsWith("printf '")).toBe(true)
    expect(command).toMatch(/^[\x20-\x7e]+$/)
    expect(plain(recorded.body)).toEqual(plain(body))
    expect(recorded.headers).toEqual(headers)
    expect(recorded.method).toBe('PUT')
  })

  it('sends header bytes that are not UTF-8 (and a binary body) through a header file', async () => {
    const body = allBytes()
    const headers: HeaderPair[] = withLength(
      [
        ['Host', `127.0.0.1:${recorder.port}`],
        ['X-Latin1', 'caf\xe9 \xff\xfe'],
        ['X-Dup', 'first'],
        ['content-TYPE', 'application/octet-stream'],
        ['x-dup', 'second'],
        ['X-Empty', ''],
        ['X-Hostile', hostile()],
        ['X-Control', 'tab\there'],
      ],
      body,
    )
    const { command, recorded } = await send(shell, base({ method: 'PATCH', headers, body }))
    expect(command).toContain('-H @- ')
    expect(command).toContain('3<&0')
    expect(command).toMatch(/^[\x20-\x7e]+$/)
    expect(plain(recorded.body)).toEqual(plain(body))
    expect(recorded.headers).toEqual(headers)
    expect(recorded.method).toBe('PATCH')
  })

  it('sends a body starting with "@" as text, never as the name of a local file to upload', async () => {
    const body = bytes('@/etc/hostname')
    const headers: HeaderPair[] = withLength(
      [
        ['Host', `127.0.0.1:${recorder.port}`],
        ['Content-Type', 'text/plain'],
      ],
      body,
    )
    const { command, recorded } = await send(shell, base({ headers, body }))
    expect(command).toContain('--data-binary @-')
    expect(plain(recorded.body)).toEqual(plain(body))
  })

  it('sends non-UTF-8 headers with a text body through a header file alone', async () => {
    const body = bytes('a=1&b=2')
    const headers: HeaderPair[] = withLength(
      [
        ['Host', `127.0.0.1:${recorder.port}`],
        ['X-Latin1', 'na\xefve'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      body,
    )
    const { command, recorded } = await send(shell, base({ headers, body }))
    expect(command).toMatch(/^printf '[^']*' \| curl /)
    expect(plain(recorded.body)).toEqual(plain(body))
    expect(recorded.headers).toEqual(headers)
  })

  it("keeps header order and case and switches off curl's own headers", async () => {
    const body = bytes('{"event":"ping"}')
    const headers: HeaderPair[] = [
      ['host', `127.0.0.1:${recorder.port}`],
      ['X-First', '1'],
      ['content-length', String(body.length)],
      ['ACCEPT', 'application/json'],
      ['X-Signature', 'sha256=abc'],
      ['user-agent', 'GitHub-Hookshot/abc'],
      ['Content-Type', 'application/json'],
      ['X-Dup', 'a'],
      ['X-Dup', 'b'],
      ['Connection', 'close'],
    ]
    const { recorded } = await send(shell, base({ headers, body }))
    // curl always writes "Host" itself: the one documented change.
    expect(recorded.headers).toEqual([['Host', headers[0]![1]], ...headers.slice(1)])
  })

  it('cannot move Host from first place, and says so in its documentation', async () => {
    const headers: HeaderPair[] = [
      ['X-Before', '1'],
      ['Host', `127.0.0.1:${recorder.port}`],
    ]
    const { recorded } = await send(shell, base({ method: 'GET', headers }))
    expect(recorded.headers).toEqual([headers[1]!, headers[0]!])
  })

  it('sends a GET without headers curl would add (no User-Agent, no Accept)', async () => {
    const headers: HeaderPair[] = [['Host', `127.0.0.1:${recorder.port}`]]
    const { command, recorded } = await send(shell, base({ method: 'GET', headers }))
    expect(command).not.toContain('-X')
    expect(recorded.headers).toEqual(headers)
    expect(recorded.method).toBe('GET')
    expect(recorded.body.length).toBe(0)
  })

  it('sends HEAD with -I, DELETE with -X and a GET with a body', async () => {
    const headers: HeaderPair[] = [['Host', `127.0.0.1:${recorder.port}`]]
    const head = await send(shell, base({ method: 'HEAD', headers }))
    expect(head.command).toContain(' -I ')
    expect(head.recorded.method).toBe('HEAD')
    const del = await send(shell, base({ method: 'DELETE', headers }))
    expect(del.recorded.method).toBe('DELETE')
    const body = bytes('{"q":1}')
    const get = await send(shell, base({ method: 'GET', headers: withLength([...headers, ['Content-Type', 'application/json']], body), body }))
    expect(get.recorded.method).toBe('GET')
    expect(plain(get.recorded.body)).toEqual(plain(body))
  })

  it('sends a large binary body exactly, without an Expect the capture did not have', async () => {
    const body = new Uint8Array(randomBytes(300 * 1024))
    const headers: HeaderPair[] = withLength(
      [
        ['Host', `127.0.0.1:${recorder.port}`],
        ['Content-Type', 'application/octet-stream'],
      ],
      body,
    )
    const { recorded } = await send(shell, base({ headers, body }))
    expect(recorded.body.equals(Buffer.from(body))).toBe(true)
    expect(recorded.headers).toEqual(headers)
  })

  it('sends a chunked body with the same bytes (curl chooses the chunk sizes)', async () => {
    const body = bytes('chunk me\n')
    const headers: HeaderPair[] = [
      ['Host', `127.0.0.1:${recorder.port}`],
      ['Transfer-Encoding', 'chunked'],
      ['Content-Type', 'text/plain'],
    ]
    const { recorded } = await send(shell, base({ headers, body }))
    expect(plain(recorded.body)).toEqual(plain(body))
    expect(recorded.headers).toEqual(headers)
  })

  it('shows the documented limits: fragment not sent, a space in the target encoded, one Host only', async () => {
    const headers: HeaderPair[] = [
      ['Host', `127.0.0.1:${recorder.port}`],
      ['X-A', '1'],
      ['Host', 'second.test'],
    ]
    const { recorded } = await send(shell, base({ method: 'GET', url: `${recorder.origin}/a x?q=1#frag`, headers }))
    expect(recorded.target).toBe('/a%20x?q=1')
    expect(recorded.headers).toEqual([headers[0]!, headers[1]!])
  })

  it('sends the bytes beyond ASCII of a path and query as they are, UTF-8 or not', async () => {
    const raw = await startRawRecorder()
    try {
      const targets = [
        // UTF-8: the command holds it as text.
        ['/caf\xc3\xa9/\xe2\x9c\x93?q=\xc3\xa9&it\'s=1', '/caf\xc3\xa9/\xe2\x9c\x93?q=\xc3\xa9&it\'s=1'],
        // latin1, as an older sender writes it, beside UTF-8, a quote, a digit after a byte, and a space no request line can carry.
        ['/caf\xe9/\xc3\xa9 x?q=\xe97&r=it\'s#frag', '/caf\xe9/\xc3\xa9%20x?q=\xe97&r=it\'s'],
      ]
      for (const [target, sent] of targets) {
        const request = base({ method: 'GET', url: `${raw.origin}${target}`, headers: [['X-A', '1']] })
        const command = toCurl(request)
        const head = raw.nextHead()
        const result = await runInShell(shell, command, dir)
        expect(result.code, result.stderr).toBe(0)
        expect((await head).split('\r\n')[0]).toBe(`GET ${sent} HTTP/1.1`)
        // Imported again, it is the request it came from (but for what no request line carries).
        expect(fromCurl(command).url).toBe(`${raw.origin}${sent}`)
      }
    } finally {
      await raw.close()
    }
  })

  it('sends a saved request that lists no Host with the URL\'s, as Hookscope sends it (hostFromUrl); a capture without one, as it came', async () => {
    const request = base({ method: 'POST', headers: [['Content-Type', 'application/json']], body: bytes('{}') })
    const command = toCurl(request, { hostFromUrl: true })
    const arrived = recorder.next()
    const result = await runInShell(shell, command, dir)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.toString()).toBe('ok')
    expect((await arrived).headers.filter(([name]) => name.toLowerCase() === 'host')).toEqual([['Host', `127.0.0.1:${recorder.port}`]])
    expect(toCurl(request)).toContain("-H 'Host:'")
    expect(command).not.toContain("-H 'Host:'")
  })

  it('sends HTTP/1.0 when the capture was HTTP/1.0', async () => {
    const headers: HeaderPair[] = [['Host', `127.0.0.1:${recorder.port}`]]
    const { recorded } = await send(shell, base({ method: 'GET', headers, httpVersion: '1.0' }))
    expect(recorded.httpVersion).toBe('1.0')
  })
})

describe('toCurl output', () => {
  it('never let a captured value run: the marker file was not created', () => {
    expect(recorder.received.length).toBeGreaterThan(0)
    expect(existsSync(pwned)).toBe(false)
  })

  it('comes back through fromCurl unchanged (export then import)', () => {
    const requests: RequestSpec[] = [
      {
        method: 'PATCH',
        url: 'http://127.0.0.1:8080/x/../y?a[]=1&b={2}#frag',
        httpVersion: '1.0',
        headers: [
          ['Host', '127.0.0.1:8080'],
          ['X-Latin1', 'caf\xe9'],
          ['X-Dup', '1'],
          ['x-dup', '2'],
          ['X-Empty', ''],
          ['X-Hostile', hostile()],
          ['Content-Length', '512'],
        ],
        body: new Uint8Array([...allBytes(), ...allBytes()]),
      },
      {
        method: 'POST',
        url: 'https://example.test/hook',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Utf8', utf8ByteString('✓')],
        ],
        body: bytes('{"a":"it\'s ✓"}'),
      },
      { method: 'GET', url: 'http://example.test/', headers: [], body: new Uint8Array(0) },
      { method: 'HEAD', url: 'http://example.test/h', headers: [['Accept', '*/*']], body: new Uint8Array(0) },
      { method: 'OPTIONS', url: 'http://example.test/o', headers: [], body: bytes('multi\nline\n') },
    ]
    for (const request of requests) {
      const back = fromCurl(toCurl(request))
      const expected: RequestSpec = { ...request }
      if (request.url.startsWith('https:')) expected.httpVersion = '1.1'
      expect({ ...back, body: plain(back.body) }).toEqual({ ...expected, body: plain(request.body) })
    }
    const many = toCurlMany(requests)
    expect(many.split('\n')).toHaveLength(requests.length)
    // A script of many goes without curl's progress meter (errors still shown); one command, as Copy as cURL writes it, without -sS.
    for (const line of many.split('\n')) expect(line).toMatch(/(^|\| )curl -q -sS '/)
    expect(toCurl(requests.find((r) => r.url === 'http://example.test/')!)).toBe("curl -q 'http://example.test/' --path-as-is -g -H 'Host:' -H 'User-Agent:' -H 'Accept:'")
    for (const request of requests) expect(fromCurl(toCurl(request, { script: true }))).toEqual(fromCurl(toCurl(request)))
  })

  it('uses --http1.1 for https so that header case survives, and -g/--path-as-is always', () => {
    const command = toCurl({ method: 'GET', url: 'https://example.test/a/../b[1]', headers: [], body: new Uint8Array(0) })
    expect(command).toBe(
      "curl -q 'https://example.test/a/../b[1]' --http1.1 --path-as-is -g -H 'Host:' -H 'User-Agent:' -H 'Accept:'",
    )
  })

  it('corrects a stale Content-Length instead of desynchronizing the server', () => {
    const command = toCurl({ method: 'POST', url: 'http://h/', headers: [['Content-Length', '99']], body: bytes('abc') })
    expect(command).toContain("-H 'Content-Length: 3'")
  })

  it('refuses values that no HTTP request can carry, naming them', () => {
    const request = (headers: HeaderPair[]): RequestSpec => ({ method: 'GET', url: 'http://h/', headers, body: new Uint8Array(0) })
    expect(() => toCurl(request([['X-Bad', 'a\r\nInjected: 1']]))).toThrow(/headers\[0\] \(X-Bad\).*line break/)
    expect(() => toCurl(request([['Bad Name', 'x']]))).toThrow(/headers\[0\].*"Bad Name" is not an HTTP token/)
    expect(() => toCurl({ ...request([]), method: 'GET /x' })).toThrow(/method/)
    expect(() => toCurl({ ...request([]), url: '/relative' })).toThrow(/not absolute/)
    const error = (() => {
      try {
        toCurl(request([['X', '\n']]))
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(HookscopeError)
    expect((error as HookscopeError).code).toBe('INVALID_INPUT')
  })
})
