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
      `curl -X POST 'http://127.0.0.1:1234/webhook' -H 'Content-Type: application/json' -d '{"event":"hello","from":"curl"}'`,
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

  it('says when a binary body cannot be carried over', () => {
    const binary = captureToRequestSpec(capture, 'http://127.0.0.1:4567', new Uint8Array([0xff, 0xfe, 0x00]))
    expect(codeSnippet(binary, 'javascript:fetch').warnings[0]).toMatch(/binary/)
  })
})
