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

  it('lays out the parts the engine gives beside its message, never reading them out of it', () => {
    // Messages in other words than the parts': only the parts decide what is shown apart.
    expect(sendErrorText({ code: 'REFUSED', message: 'refused', detail: 'connect ECONNREFUSED 127.0.0.1:3000', advice: 'use http://localhost:3000 instead' }, 'http://127.0.0.1:3000/')).toEqual({
      headline: 'Connection refused',
      sentence: 'Use http://localhost:3000 instead.',
      detail: 'connect ECONNREFUSED 127.0.0.1:3000',
    })
    expect(sendErrorText({ code: 'REFUSED', message: 'connection refused (connect ECONNREFUSED 127.0.0.1:3000)', detail: 'connect ECONNREFUSED 127.0.0.1:3000' }, 'http://127.0.0.1:3000/').detail).toBe('connect ECONNREFUSED 127.0.0.1:3000')
    expect(sendErrorText({ code: 'TIMEOUT', message: 'waited too long', timeout: { waitingFor: 'data', ms: 2000 } }, 'http://localhost:3000/')).toEqual({
      headline: 'Answer stalled',
      sentence: 'localhost:3000 stopped sending its answer: nothing more came for 2 s.',
      detail: null,
    })
    expect(sendErrorText({ code: 'DNS', message: 'no such host', detail: 'getaddrinfo ENOTFOUND app.test' }, 'http://app.test/').detail).toBe('getaddrinfo ENOTFOUND app.test')
    // A message that looks wrapped, from an engine that says there is nothing apart: nothing is taken out of it.
    expect(sendErrorText({ code: 'RESET', message: 'connection reset (by the app)', advice: 'try again later' }, 'http://localhost:3000/').detail).toBeNull()
  })
})
