import { describe, expect, it } from 'vitest'
import { sendErrorText } from '../../renderer/src/text/send-error-text'

describe('why a send got no answer', () => {
  it('keeps the engine’s own words on an answer that is not HTTP, or on TLS to a server of plain HTTP, as the detail', () => {
    const notHttp = 'the answer is not HTTP: it does not start with a status line such as “HTTP/1.1 200 OK” (is another kind of server listening on that port?)'
    expect(sendErrorText({ code: 'INVALID_RESPONSE', message: notHttp }, 'http://localhost:3000/hooks')).toEqual({
      headline: 'Not an HTTP answer',
      sentence: 'localhost:3000 answered with something that is not valid HTTP.',
      detail: notHttp,
    })
    const plainHttp = 'TLS failed: the target does not answer HTTPS on this port (wrong version number); if it serves plain HTTP, use http:// instead of https://'
    expect(sendErrorText({ code: 'TLS', message: plainHttp }, 'https://localhost:3000/hooks').detail).toBe(plainHttp)
    // The system's message alone, when the engine wraps it.
    expect(sendErrorText({ code: 'TLS', message: 'TLS failed (self-signed certificate)' }, 'https://localhost:3000/').detail).toBe('self-signed certificate')
  })
})
