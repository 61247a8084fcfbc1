import './helpers/setup-dom'
import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { RawTab } from '../../renderer/src/components/detail/raw-tab'
import type { Capture } from '../../shared/model'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settleViewers } from './helpers/render-app'

async function showRaw(patch: Partial<Capture>, body: Uint8Array) {
  const engine = createFakeEngine()
  const capture = addCapture(engine, { method: 'POST', target: '/hook', ...patch }, body)
  const view = renderWith(createHarness(engine), <RawTab capture={capture} />)
  await settleViewers()
  return { ...view, raw: screen.getByTestId('raw-http') }
}

const bytes = (...pieces: Array<string | number[]>) =>
  Uint8Array.from(pieces.flatMap((piece) => (typeof piece === 'string' ? [...new TextEncoder().encode(piece)] : piece)))

describe('Raw tab', () => {
  it('shows a body that is text with a few bytes not UTF-8 (a latin1 part, a small file) as text, those bytes as escapes', async () => {
    const body = bytes('--X\r\nContent-Disposition: form-data; name="subject"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf', [0xe9], ' cr', [0xe8], 'me\r\n--X\r\nContent-Disposition: form-data; name="from"\r\n\r\nJosé ✓\r\n--X--\r\n')
    const { raw } = await showRaw({ rawHeaders: [['Content-Type', 'multipart/form-data; boundary=X']] }, body)
    const text = raw.textContent!
    expect(text).not.toMatch(/binary body/)
    expect(text).toContain('POST /hook HTTP/1.1')
    expect(text).toContain('Content-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf\\xE9 cr\\xE8me')
    // Valid UTF-8 around them still reads as text.
    expect(text).toContain('José ✓')
    expect([...raw.querySelectorAll('[data-testid="byte-escape"]')].map((badge) => badge.textContent)).toEqual(['\\xE9', '\\xE8'])
  })

  it('leaves out a character cut at the end of the preview of a long body, instead of calling the body binary', async () => {
    const body = bytes('{"name":"', 'é'.repeat(40 * 1024), '"}') // the 64 KB preview ends inside an é
    const { raw } = await showRaw({ rawHeaders: [['Content-Type', 'application/json']] }, body)
    expect(raw.textContent).not.toMatch(/binary body/)
    expect(raw.textContent).toContain('{"name":"éé')
    expect(raw.querySelectorAll('[data-testid="byte-escape"]')).toHaveLength(0)
    expect(screen.getByText(/The first 64\.0 KB of .* are shown/)).toBeTruthy()
  })

  it('shows a request without headers (HTTP/1.0, no Host) as it came, one blank line ending it, and says where it went', async () => {
    const { raw, unmount } = await showRaw({ method: 'GET', target: '/ping', httpVersion: '1.0', rawHeaders: [], localPort: 4567 }, new Uint8Array(0))
    expect(raw.textContent).toBe('GET /ping HTTP/1.0\n\n')
    expect(screen.getByTestId('raw-no-host').textContent).toMatch(/^No Host header came with this request \(HTTP\/1\.0 does not require one\).* It reached 127\.0\.0\.1:4567: .*“Host: 127\.0\.0\.1:4567”/)
    unmount()
    const withHost = await showRaw({ method: 'GET', target: '/ping', rawHeaders: [['Host', 'a.test'], ['X-A', '1']] }, new Uint8Array(0))
    expect(withHost.raw.textContent).toBe('GET /ping HTTP/1.1\nHost: a.test\nX-A: 1\n\n')
    expect(screen.queryByTestId('raw-no-host')).toBeNull()
  })

  it('still leaves a body that is mostly binary to the Body tab', async () => {
    const png = Uint8Array.from({ length: 2048 }, (_, i) => (i * 97 + 13) & 0xff)
    const { raw } = await showRaw({ rawHeaders: [['Content-Type', 'image/png']] }, png)
    expect(raw.textContent).toMatch(/2\.00 KB of binary body: see the Body tab/)
    expect(raw.querySelectorAll('[data-testid="byte-escape"]')).toHaveLength(0)
  })
  it('reads a body in the charset it declares (its Content-Type, or an XML or HTML document\'s BOM or own declaration), as the Body tab and search do', async () => {
    const latin1 = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0))
    let view = await showRaw({ rawHeaders: [['Content-Type', 'text/xml']], contentType: 'text/xml' }, latin1('<?xml version="1.0" encoding="ISO-8859-1"?><a>Café Müller</a>'))
    expect(view.raw.textContent).toContain('<a>Café Müller</a>')
    expect(view.raw.querySelectorAll('[data-testid="byte-escape"]')).toHaveLength(0)
    expect(screen.getByTestId('raw-body-charset').textContent).toBe('Body: Read as windows-1252 (encoding=ISO-8859-1), as its XML declaration says.')
    view.unmount()

    // UTF-16 with its mark: text (the mark a badge), not "binary".
    const utf16 = Uint8Array.from([0xff, 0xfe, ...new Uint8Array(Uint16Array.from('<a>Zürich</a>', (ch) => ch.charCodeAt(0)).buffer)])
    view = await showRaw({ rawHeaders: [['Content-Type', 'application/xml']], contentType: 'application/xml' }, utf16)
    expect(view.raw.textContent).not.toMatch(/binary body/)
    expect(view.raw.textContent).toContain('<a>Zürich</a>')
    view.unmount()

    view = await showRaw({ rawHeaders: [['Content-Type', 'text/plain; charset=iso-8859-1']], contentType: 'text/plain; charset=iso-8859-1' }, latin1('Grüße'))
    expect(view.raw.textContent).toContain('iso-8859-1\n\nGrüße')
    view.unmount()
  })
})
