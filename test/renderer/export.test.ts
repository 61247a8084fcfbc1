import { describe, expect, it } from 'vitest'
import { captureToRequestSpec, captureUrl } from '../../renderer/src/export/capture-request'
import { codeSnippet, SNIPPET_LANGUAGES } from '../../renderer/src/export/code-snippet'
import { curlCommandFor, firstRequestCommand } from '../../renderer/src/export/curl-command'
import { makeCapture, utf8 } from './helpers/fake-api'

describe('the request a capture stands for', () => {
  it('joins the endpoint origin and the raw target, never resolving it', () => {
    expect(captureUrl({ target: '/a/../b?x=1', localPort: 1 }, 'http://127.0.0.1:4567/')).toBe('http://127.0.0.1:4567/a/../b?x=1')
    expect(captureUrl({ target: 'http://169.254.169.254/latest', localPort: 1 }, 'http://127.0.0.1:4567')).toBe('http://127.0.0.1:4567/latest')
    expect(captureUrl({ target: '*', localPort: 9000 }, null)).toBe('http://127.0.0.1:9000/')
  })
})

describe('copy as cURL', () => {
  it('keeps method, headers in order and the body', () => {
    const capture = makeCapture({
      method: 'PUT',
      target: '/items/7?dry=1',
      rawHeaders: [
        ['Host', '127.0.0.1:4567'],
        ['X-Trace', 'b'],
        ['x-trace', 'a'],
        ['Content-Type', 'application/json'],
      ],
    })
    const command = curlCommandFor(captureToRequestSpec(capture, 'http://127.0.0.1:4567', utf8('{"a":1}')))
    expect(command).toContain(`'http://127.0.0.1:4567/items/7?dry=1'`)
    expect(command).toContain(`-X 'PUT'`)
    expect(command.indexOf(`'X-Trace: b'`)).toBeLessThan(command.indexOf(`'x-trace: a'`))
    expect(command).toContain(`--data-binary '{"a":1}'`)
  })

  it('quotes the endpoint URL of the first-request command', () => {
    expect(firstRequestCommand('http://127.0.0.1:1234/')).toBe(
      `curl -X POST 'http://127.0.0.1:1234/webhooks' -H 'Content-Type: application/json' -d '{"event":"hello","from":"curl"}'`,
    )
  })
})

describe('copy as code', () => {
  const capture = makeCapture({
    method: 'POST',
    target: '/hooks/stripe?attempt=2',
    rawHeaders: [
      ['Host', '127.0.0.1:4567'],
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', 't=1,v1=abc'],
      ['Content-Length', '15'],
    ],
  })
  const request = captureToRequestSpec(capture, 'http://127.0.0.1:4567', utf8('{"type":"ping"}'))

  it('writes every offered language, with the URL, a header and the body', () => {
    for (const { id } of SNIPPET_LANGUAGES) {
      const { code, warnings } = codeSnippet(request, id)
      expect(code, id).toContain('127.0.0.1:4567')
      expect(code, id).toMatch(/Stripe-Signature/i)
      expect(code, id).toMatch(/ping/)
      expect(warnings, id).toEqual([])
    }
  })

  it('leaves framing headers to the target language', () => {
    expect(codeSnippet(request, 'python:requests').code).not.toMatch(/Content-Length/i)
  })

  it('carries a binary body over as bytes where the language can, and says so where it cannot', () => {
    const binary = captureToRequestSpec(capture, 'http://127.0.0.1:4567', new Uint8Array([0xff, 0xfe, 0x00]))
    expect(codeSnippet(binary, 'javascript:fetch')).toMatchObject({ code: expect.stringContaining('atob("//4A")') as unknown, warnings: [] })
    expect(codeSnippet(binary, 'python:requests').code).toContain('payload = b"\\xff\\xfe\\x00"')
    expect(codeSnippet(binary, 'java:okhttp')).toMatchObject({ code: '', warnings: [expect.stringMatching(/binary/)] })
  })

  // A signed webhook: its signature covers these exact bytes (test/host/code-snippet-bodies.test.ts
  // runs every snippet and compares the bytes it sends).
  const signedBody = '{\n  "amount": 1.0,\n  "big": 12345678901234567890,\n  "text": "a\\nb"\n}\n'
  const signed = captureToRequestSpec(capture, 'http://127.0.0.1:4567', utf8(signedBody))

  it('writes a JSON body as its exact text, never as a parsed object', () => {
    for (const id of ['javascript:fetch', 'node:fetch', 'node:axios'] as const) {
      const { code, warnings } = codeSnippet(signed, id)
      expect(code, id).toContain(JSON.stringify(signedBody))
      expect(code, id).not.toMatch(/JSON\.stringify|12345678901234567000/)
      expect(warnings, id).toEqual([])
    }
    expect(codeSnippet(signed, 'shell:httpie').code).toMatch(/^printf '\{\\n {2}"amount": 1\.0,.*\}\\n' \| /)
    for (const { id } of SNIPPET_LANGUAGES) expect(codeSnippet(signed, id).code, id).not.toBe('')
  })

  it('writes raw HTTP as the exact message, without Node APIs a browser lacks', () => {
    const message =
      'POST /hooks/stripe?attempt=2 HTTP/1.1\r\nHost: 127.0.0.1:4567\r\nContent-Type: application/json\r\n' +
      `Stripe-Signature: t=1,v1=abc\r\nContent-Length: 15\r\n\r\n{"type":"ping"}`
    const buffer = Object.getOwnPropertyDescriptor(globalThis, 'Buffer')
    // The renderer is a browser page: no Buffer there.
    Reflect.deleteProperty(globalThis, 'Buffer')
    try {
      expect(typeof (globalThis as { Buffer?: unknown }).Buffer).toBe('undefined')
      expect(codeSnippet(request, 'http:http1.1')).toEqual({ code: message, warnings: [] })
      expect(codeSnippet(signed, 'http:http1.1').code.endsWith(`\r\n\r\n${signedBody}`)).toBe(true)
      for (const { id } of SNIPPET_LANGUAGES) expect(codeSnippet(signed, id).code, id).not.toBe('')
    } finally {
      if (buffer) Object.defineProperty(globalThis, 'Buffer', buffer)
    }
  })

  it('says what a raw HTTP message of a request that came without Host lacks, and where it went', () => {
    const old = captureToRequestSpec(makeCapture({ method: 'GET', target: '/ping', httpVersion: '1.0', rawHeaders: [] }), 'http://127.0.0.1:4567', new Uint8Array(0))
    // As it came: HTTP/1.0 needs no Host, and a server takes it so.
    expect(codeSnippet(old, 'http:http1.1')).toEqual({
      code: 'GET /ping HTTP/1.0\r\n\r\n',
      warnings: [
        'No Host header came with this request (HTTP/1.0 does not require one), so the message does not say which server it was sent to. It reached 127.0.0.1:4567: to send it again, send it there, or add the line “Host: 127.0.0.1:4567” (which the Composer’s Paste needs).',
      ],
    })
    const hostless = captureToRequestSpec(makeCapture({ method: 'GET', target: '/ping', rawHeaders: [['X-A', '1']] }), 'http://127.0.0.1:4567', new Uint8Array(0))
    expect(codeSnippet(hostless, 'http:http1.1').warnings).toEqual([
      'No Host header came with this request, though HTTP/1.1 requires one: a server answers this message with 400 Bad Request as it stands. It reached 127.0.0.1:4567: to send it again, send it there, or add the line “Host: 127.0.0.1:4567” (which the Composer’s Paste needs).',
    ])
    // A language sends a Host of its own, from the URL.
    expect(codeSnippet(hostless, 'python:requests').warnings).toEqual([])
  })

  it('shows the head of a raw HTTP message whose body is binary, and says so', () => {
    const binary = captureToRequestSpec(capture, 'http://127.0.0.1:4567', new Uint8Array([0xff, 0xfe, 0x00]))
    const { code, warnings } = codeSnippet(binary, 'http:http1.1')
    expect(code).toMatch(/^POST \/hooks\/stripe\?attempt=2 HTTP\/1\.1\r\n[\s\S]*\r\n\r\n$/)
    expect(warnings.join(' ')).toMatch(/binary.*head only/)
  })
})
