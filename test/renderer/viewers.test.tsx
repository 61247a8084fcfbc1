import './helpers/setup-dom'
import { screen, within } from '@testing-library/react'
import { EditorView } from '@codemirror/view'
import { describe, expect, it } from 'vitest'
import { BodyTab } from '../../renderer/src/components/detail/body-tab'
import type { Capture } from '../../shared/model'
import { addCapture, createFakeEngine, utf8, type FakeCapture } from './helpers/fake-api'
import { createHarness, renderWith, settleViewers } from './helpers/render-app'

async function showBody(patch: Partial<Capture>, body: Uint8Array | string, extra: Omit<FakeCapture, 'capture' | 'body'> = {}) {
  const engine = createFakeEngine()
  const capture = addCapture(engine, patch, body, extra)
  const harness = createHarness(engine)
  const view = renderWith(harness, <BodyTab capture={capture} />)
  await settleViewers()
  return { ...view, engine, capture }
}

const editorText = (root: HTMLElement) =>
  Array.from(root.querySelectorAll<HTMLElement>('.cm-editor'))
    .map((editor) => EditorView.findFromDOM(editor)!.state.doc.toString())
    .join('\n')
const utf16le = (text: string) => new Uint8Array(Uint16Array.from(text, (ch) => ch.charCodeAt(0)).buffer)
const PNG_1x1 = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0))

describe('body viewers', () => {
  it('shows JSON re-indented and foldable in CodeMirror', async () => {
    const { container } = await showBody({ contentType: 'application/json' }, '{"event":"invoice.paid","data":{"amount":4200,"items":[1,2]}}')
    const viewer = screen.getByTestId('viewer-json')
    expect(viewer.dataset.pretty).toBe('true')
    expect(editorText(container)).toContain('"event": "invoice.paid",')
    expect(editorText(container)).toContain('    "amount": 4200,')
    expect(container.querySelector('.cm-foldGutter')).not.toBeNull()
  })

  it('shows deeply nested JSON as sent, as plain text', async () => {
    const deep = '['.repeat(300) + ']'.repeat(300)
    const { container } = await showBody({ contentType: 'application/json' }, deep)
    expect(screen.getByTestId('viewer-json').dataset.pretty).toBe('false')
    expect(screen.getByTestId('viewer-note').textContent).toMatch(/Nested more than 256 levels/)
    expect(screen.getByTestId('code-block').dataset.language).toBe('text')
    expect(editorText(container)).toBe(deep)
  })

  it('reads text in the charset its Content-Type declares, and says so', async () => {
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9]) // "café" in latin1
    let view = await showBody({ contentType: 'text/plain; charset=ISO-8859-1' }, latin1)
    expect(editorText(view.container)).toBe('café')
    expect(screen.getByTestId('viewer-note').textContent).toBe('Read as windows-1252 (charset=ISO-8859-1), as its Content-Type says.')
    view.unmount()

    // UTF-16's zero bytes would otherwise pass for binary and be shown in hex.
    const utf16 = utf16le('héllo ✓')
    view = await showBody({ contentType: 'text/plain; charset=utf-16le' }, utf16)
    expect(screen.getByTestId('viewer-text')).toBeTruthy()
    expect(editorText(view.container)).toBe('héllo ✓')
    view.unmount()

    view = await showBody({ contentType: 'application/json; charset=UTF-16LE' }, utf16le('{"a":"ü"}'))
    expect(screen.getByTestId('viewer-json').dataset.pretty).toBe('true')
    expect(editorText(view.container)).toBe('{\n  "a": "ü"\n}')
    view.unmount()

    view = await showBody({ contentType: 'text/plain; charset=x-martian' }, 'plain ✓')
    expect(editorText(view.container)).toBe('plain ✓')
    expect(screen.getByTestId('viewer-note').textContent).toMatch(/charset=x-martian, an encoding this viewer does not know: shown as UTF-8/)
    view.unmount()

    // UTF-8 declared is what bodies are read as anyway: no note.
    await showBody({ contentType: 'text/plain; charset=utf-8' }, 'plain ✓')
    expect(screen.queryByTestId('viewer-note')).toBeNull()
  })

  it('reads XML and HTML without a charset in their Content-Type as their byte-order mark or own declaration says, as XML parsers and browsers do', async () => {
    const latin1 = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0))
    // A payment provider's callback: ISO-8859-1, said only in its XML declaration.
    const soap = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><Notification><Merchant>Café Müller</Merchant><Amount>12,50 EUR</Amount></Notification>')
    let view = await showBody({ contentType: 'text/xml' }, soap)
    expect(screen.getByTestId('viewer-xml').dataset.pretty).toBe('true')
    expect(editorText(view.container)).toBe(
      ['<?xml version="1.0" encoding="ISO-8859-1"?>', '<Notification>', '  <Merchant>Café Müller</Merchant>', '  <Amount>12,50 EUR</Amount>', '</Notification>'].join('\n'),
    )
    expect(screen.getByTestId('viewer-note').textContent).toBe('Read as windows-1252 (encoding=ISO-8859-1), as its XML declaration says.')
    view.unmount()

    // A charset in the Content-Type wins over the declaration.
    view = await showBody({ contentType: 'application/xml; charset=utf-8' }, new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><a>Zürich</a>'))
    expect(editorText(view.container)).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>Zürich</a>')
    view.unmount()

    // UTF-16 with a byte-order mark: read as UTF-16, the mark not shown.
    view = await showBody({ contentType: 'application/soap+xml' }, Uint8Array.from([0xff, 0xfe, ...utf16le('<?xml version="1.0" encoding="UTF-16"?><a><b>Zürich ✓</b></a>')]))
    expect(screen.getByTestId('viewer-xml').dataset.pretty).toBe('true')
    expect(editorText(view.container)).toBe('<?xml version="1.0" encoding="UTF-16"?>\n<a>\n  <b>Zürich ✓</b>\n</a>')
    expect(screen.getByTestId('viewer-note').textContent).toBe('Read as utf-16le, as its byte-order mark says.')
    view.unmount()

    // HTML: a <meta charset> or http-equiv Content-Type in its first 1024 bytes.
    view = await showBody({ contentType: 'text/html' }, latin1('<!doctype html><html><head><!-- <meta charset="koi8-r"> --><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body>Grüße</body></html>'))
    expect(editorText(view.container)).toContain('<body>Grüße</body>')
    expect(screen.getByTestId('viewer-note').textContent).toBe('Read as windows-1252 (charset=iso-8859-1), as its <meta> tag says.')
    view.unmount()
    view = await showBody({ contentType: 'text/html' }, latin1('<html><head><meta charset=windows-1252></head><body>Caf\u00e9</body></html>'))
    expect(editorText(view.container)).toContain('Café')
    view.unmount()

    // A declaration of UTF-8, or none: UTF-8 without a note.
    await showBody({ contentType: 'text/xml' }, new TextEncoder().encode('<?xml version="1.0" encoding="utf-8"?><a>Zürich</a>'))
    expect(screen.queryByTestId('viewer-note')).toBeNull()
  })

  it('shows a JSON body sent as text/plain (Amazon SNS) or as a form (curl -d) as JSON, saying what its Content-Type says', async () => {
    const sns = JSON.stringify({ Type: 'Notification', MessageId: 'a1', Message: '{"order":7}' })
    let view = await showBody({ contentType: 'text/plain; charset=UTF-8' }, sns)
    expect(screen.getByTestId('viewer-json').dataset.pretty).toBe('true')
    expect(editorText(view.container)).toBe(JSON.stringify(JSON.parse(sns), null, 2))
    expect(screen.getByTestId('body-type-note').textContent).toBe('Shown as JSON: the body is JSON, though its Content-Type says text/plain. View as Text to see it as sent.')
    view.unmount()

    view = await showBody({ contentType: 'application/x-www-form-urlencoded' }, '{"event":"x","n":[1,2,3]}\n')
    expect(screen.queryByTestId('viewer-form')).toBeNull()
    expect(screen.getByTestId('viewer-json').dataset.pretty).toBe('true')
    expect(screen.getByTestId('body-type-note').textContent).toBe('Shown as JSON: the body is JSON, though its Content-Type says application/x-www-form-urlencoded. View as Form to see it as a form.')
    view.unmount()

    // Text and forms that only start like JSON stay what their Content-Type says, without a note.
    for (const [contentType, body, viewer] of [
      ['text/plain', '{not json}', 'viewer-text'],
      ['text/plain', '[1] and [2]', 'viewer-text'],
      ['application/x-www-form-urlencoded', '[a]=1&[b]=2', 'viewer-form'],
      ['application/x-www-form-urlencoded', '{"a":1}=x', 'viewer-form'],
    ] as const) {
      view = await showBody({ contentType }, body)
      expect(screen.getByTestId(viewer), body).toBeTruthy()
      expect(screen.queryByTestId('body-type-note'), body).toBeNull()
      view.unmount()
    }
  })

  it('shows form bodies as a table of decoded names and values', async () => {
    await showBody({ contentType: 'application/x-www-form-urlencoded' }, 'name=Ada+Lovelace&tags=a&tags=b&note=%E2%9C%93%20ok')
    const rows = screen.getAllByTestId('form-row').map((row) => Array.from(row.querySelectorAll('td')).map((td) => td.textContent))
    expect(rows).toEqual([
      ['name', 'Ada Lovelace'],
      ['tags', 'a'],
      ['tags', 'b'],
      ['note', '✓ ok'],
    ])
  })

  it('shows a form value that is a JSON document (Slack’s and GitHub’s payload=) re-indented and foldable, other values as text', async () => {
    const payload = JSON.stringify({ type: 'block_actions', user: { name: 'zoë' }, actions: [{ value: 'yes & no' }] })
    const body = `payload=${encodeURIComponent(payload)}&count=42&list=%5B1%2C2%5D&broken=%7Bnot+json%7D&quoted=%22text%22`
    const { container } = await showBody({ contentType: 'application/x-www-form-urlencoded' }, body)
    const rows = screen.getAllByTestId('form-row')
    expect(rows.map((row) => row.querySelector('td')!.textContent)).toEqual(['payload', 'count', 'list', 'broken', 'quoted'])
    const json = within(rows[0]!).getByTestId('form-value-json')
    expect(json.dataset.pretty).toBe('true')
    expect(editorText(rows[0]!)).toBe(JSON.stringify(JSON.parse(payload), null, 2))
    expect(json.querySelector('.cm-foldGutter')).not.toBeNull()
    expect(within(rows[2]!).getByTestId('form-value-json')).toBeTruthy()
    // A number, a string and what only looks like JSON stay text, as sent.
    for (const [index, text] of [[1, '42'], [3, '{not json}'], [4, '"text"']] as const) {
      expect(within(rows[index]!).queryByTestId('form-value-json')).toBeNull()
      expect(rows[index]!.querySelectorAll('td')[1]!.textContent).toBe(text)
    }
    expect(container.querySelectorAll('[data-testid="form-value-json"]')).toHaveLength(2)
  })

  it('shows the parts of a multipart upload too large to show whole, not a head and tail of its bytes', async () => {
    const file = 'x'.repeat(3 * 1024 * 1024)
    const body = `--X\r\nContent-Disposition: form-data; name="upload"; filename="big.bin"\r\n\r\n${file}\r\n--X--\r\n`
    await showBody({ contentType: 'multipart/form-data; boundary=X' }, body, {
      parts: {
        error: null,
        parts: [{ rawHeaders: [], name: 'upload', filename: 'big.bin', contentType: 'application/octet-stream', transferEncoding: '7bit', size: file.length, base64: btoa('x'.repeat(16)), truncated: true }],
      },
    })
    expect(screen.queryByTestId('body-head-tail')).toBeNull()
    const parts = screen.getAllByTestId('multipart-part')
    expect(parts).toHaveLength(1)
    expect(within(parts[0]!).getByTestId('part-download')).toBeTruthy()
  })

  it('shows each multipart part with its headers and offers files for download', async () => {
    const b64 = (text: string) => btoa(text)
    await showBody({ contentType: 'multipart/form-data; boundary=X' }, '--X\r\n...', {
      parts: {
        error: null,
        parts: [
          { rawHeaders: [], name: 'title', filename: null, contentType: 'text/plain', transferEncoding: '7bit', size: 5, base64: b64('Hello'), truncated: false },
          {
            rawHeaders: [
              ['content-disposition', 'form-data; name="upload"; filename="report.csv"'],
              ['Content-Type', 'text/csv'],
              ['X-Part', 'one'],
              ['X-Part', 'two'],
            ],
            name: 'upload',
            filename: 'report.csv',
            contentType: 'text/csv',
            transferEncoding: '7bit',
            size: 8,
            base64: b64('a,b\n1,2\n'),
            truncated: false,
          },
        ],
      },
    })
    const parts = screen.getAllByTestId('multipart-part')
    expect(parts).toHaveLength(2)
    expect(within(parts[0]!).getByTestId('part-name').textContent).toBe('title')
    expect(within(parts[0]!).queryByTestId('part-download')).toBeNull()
    expect(within(parts[1]!).getByTestId('part-filename').textContent).toBe('report.csv')
    expect(within(parts[1]!).getByTestId('part-download')).toBeTruthy()
    // Without raw lines (an engine that could not find them), what busboy understood.
    expect(within(parts[0]!).getByTestId('part-headers').textContent).toContain('Content-Disposition')
    // With them: the lines as sent, in order, case and duplicates kept.
    const rows = within(parts[1]!)
      .getByTestId('part-raw-headers')
      .querySelectorAll('tr')
    expect([...rows].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent))).toEqual([
      ['content-disposition', 'form-data; name="upload"; filename="report.csv"'],
      ['Content-Type', 'text/csv'],
      ['X-Part', 'one'],
      ['X-Part', 'two'],
    ])
  })

  it('reads a multipart part in the charset its own Content-Type line declares, as a mail parser sends it', async () => {
    const latin1 = (text: string) => btoa(text) // btoa takes each character as one latin1 byte
    const { container } = await showBody({ contentType: 'multipart/form-data; boundary=X' }, '--X\r\n...', {
      parts: {
        error: null,
        parts: [
          {
            rawHeaders: [
              ['Content-Disposition', 'form-data; name="subject"'],
              ['Content-Type', 'text/plain; charset=iso-8859-1'],
            ],
            name: 'subject',
            filename: null,
            contentType: 'text/plain',
            transferEncoding: '7bit',
            size: 10,
            base64: latin1('Caf\u00e9 cr\u00e8me'),
            truncated: false,
          },
          {
            rawHeaders: [
              ['Content-Disposition', 'form-data; name="body-plain"'],
              ['Content-Type', 'text/plain; charset="iso-8859-15"'],
            ],
            name: 'body-plain',
            filename: null,
            contentType: 'text/plain',
            transferEncoding: '7bit',
            size: 4,
            base64: latin1('10 \xa4'),
            truncated: false,
          },
        ],
      },
    })
    const parts = screen.getAllByTestId('multipart-part')
    expect(within(parts[0]!).queryByTestId('viewer-hex')).toBeNull()
    expect(editorText(parts[0]!)).toBe('Café crème')
    expect(within(parts[0]!).getByTestId('viewer-note').textContent).toBe('Read as windows-1252 (charset=iso-8859-1), as its Content-Type says.')
    expect(editorText(parts[1]!)).toBe('10 €')
    expect(container.textContent).not.toContain('|Caf. cr.me|')
  })

  it('shows a one-line XML body re-indented and foldable, and XML that is not well formed as sent', async () => {
    const twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice">Hello <![CDATA[& welcome]]></Say><Gather input="dtmf" numDigits="1"><Play>https://example.com/a.mp3</Play></Gather></Response>'
    let view = await showBody({ contentType: 'text/xml; charset=utf-8' }, twiml)
    expect(screen.getByTestId('viewer-xml').dataset.pretty).toBe('true')
    expect(editorText(view.container)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Response>',
        '  <Say voice="alice">Hello <![CDATA[& welcome]]></Say>',
        '  <Gather input="dtmf" numDigits="1">',
        '    <Play>https://example.com/a.mp3</Play>',
        '  </Gather>',
        '</Response>',
      ].join('\n'),
    )
    expect(view.container.querySelector('.cm-foldGutter')).not.toBeNull()
    expect(view.container.querySelector('Response, Say, Play')).toBeNull()
    view.unmount()

    view = await showBody({ contentType: 'application/soap+xml' }, '<s:Envelope><s:Body></s:Envelope>')
    expect(screen.getByTestId('viewer-xml').dataset.pretty).toBe('false')
    expect(screen.getByTestId('viewer-note').textContent).toBe('Not well-formed XML: shown as sent.')
    expect(editorText(view.container)).toBe('<s:Envelope><s:Body></s:Envelope>')
  })

  it('shows XML and HTML as highlighted text, never as elements', async () => {
    const xml = await showBody({ contentType: 'application/xml' }, '<note><to>Tove</to><b>bold</b></note>')
    expect(screen.getByTestId('viewer-xml')).toBeTruthy()
    expect(editorText(xml.container)).toBe('<note>\n  <to>Tove</to>\n  <b>bold</b>\n</note>')
    expect(xml.container.querySelector('note, to, .cm-content b')).toBeNull()
    xml.unmount()
    const html = await showBody({ contentType: 'text/html; charset=utf-8' }, '<h1>Title</h1><a href="javascript:alert(1)">x</a>')
    expect(screen.getByTestId('viewer-html')).toBeTruthy()
    expect(editorText(html.container)).toContain('<h1>Title</h1>')
    expect(html.container.querySelector('h1, a[href^="javascript"]')).toBeNull()
  })

  it('renders raster images through a blob: URL', async () => {
    const { container } = await showBody({ contentType: 'image/png' }, PNG_1x1)
    const img = screen.getByTestId('body-image') as HTMLImageElement
    expect(img.getAttribute('src')).toMatch(/^blob:/)
    expect(container.querySelectorAll('img')).toHaveLength(1)
  })

  it('shows anything else as a hex dump', async () => {
    await showBody({ contentType: 'application/octet-stream' }, new Uint8Array([0, 1, 2, 0xff, 0x41]))
    expect(screen.getByTestId('viewer-hex').textContent).toContain('00 01 02 ff 41')
  })

  it('shows decoded bodies with what was undone, and the raw bytes on request', async () => {
    const gzipMagic = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])
    const { container } = await showBody(
      { contentType: 'application/json', rawHeaders: [['Content-Encoding', 'gzip']] },
      gzipMagic,
      { decoded: { bytes: utf8('{"ok":true}'), from: ['gzip'] } },
    )
    expect(screen.getByTestId('body-decoded').textContent).toMatch(/Decoded from gzip/)
    expect(editorText(container)).toContain('"ok": true')
    screen.getByTestId('body-raw-toggle').click()
    await settleViewers()
    expect(screen.queryByTestId('body-decoded')).toBeNull()
    expect(screen.getByTestId('viewer-hex').textContent).toContain('1f 8b 08')
  })

  it('says when decoding stopped at the cap or failed', async () => {
    await showBody({ contentType: 'text/plain', rawHeaders: [['Content-Encoding', 'br']] }, 'xxxx', { decoded: { bytes: utf8('aaaa'), from: ['br'], capped: true } })
    expect(screen.getByTestId('body-capped')).toBeTruthy()
    const failed = await showBody({ contentType: 'text/plain', rawHeaders: [['Content-Encoding', 'gzip']] }, 'not gzip', {
      decoded: { bytes: utf8('not gzip'), from: [], error: 'incorrect header check' },
    })
    expect(within(failed.container).getByTestId('body-decode-error').textContent).toContain('incorrect header check')
  })

  it('past the display cap shows the head and the tail, and offers the full body', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x61)
    big.set(utf8('START'), 0)
    big.set(utf8('END'), big.length - 3)
    const { container } = await showBody({ contentType: 'text/plain' }, big)
    expect(screen.getByTestId('body-head-tail').textContent).toMatch(/3\.00 MB/)
    expect(screen.getByTestId('body-gap').textContent).toMatch(/not shown/)
    expect(editorText(within(container).getByTestId('body-head'))).toMatch(/^START/)
    expect(editorText(within(container).getByTestId('body-tail'))).toMatch(/END$/)
    expect(screen.getByTestId('save-body')).toBeTruthy()
  })

  it('past the display cap wraps the tail, which has no line numbers it could know, and says the head of JSON is re-indented', async () => {
    const item = '{"id":"evt_0123456789","amount":1.10,"note":"x"},'
    const big = utf8('{"items":[' + item.repeat(Math.ceil((3 * 1024 * 1024) / item.length)) + '{"id":"last"}]}')
    const { container } = await showBody({ contentType: 'application/json' }, big)
    // (The head's re-indentation runs in the format worker, which jsdom lacks: see the e2e test.)
    expect(screen.getByTestId('body-head-tail').textContent).toMatch(/re-indented/)
    expect(within(container).getByTestId('body-head').querySelector('.cm-lineNumbers')).not.toBeNull()
    const tail = within(container).getByTestId('body-tail')
    expect(editorText(tail)).toMatch(/\{"id":"last"\}\]\}$/)
    expect(tail.querySelector('.cm-lineNumbers')).toBeNull()
    expect(tail.querySelector('.cm-lineWrapping')).not.toBeNull()
  })

  it('past the display cap says the head of XML is re-indented', async () => {
    const item = '<n:Item id="evt_0123456789"><n:Amount>1.10</n:Amount></n:Item>'
    const big = utf8('<soap:Envelope xmlns:soap="urn:s"><soap:Body>' + item.repeat(Math.ceil((3 * 1024 * 1024) / item.length)) + '</soap:Body></soap:Envelope>')
    const { container } = await showBody({ contentType: 'application/soap+xml' }, big)
    // (The head's re-indentation runs in the format worker, which jsdom lacks: see the e2e test.)
    expect(screen.getByTestId('body-head-tail').textContent).toMatch(/first 512 KB \(re-indented\) and its last/)
    expect(editorText(within(container).getByTestId('body-tail'))).toMatch(/<\/soap:Envelope>$/)
  })

  it('marks bodies cut by the body cap', async () => {
    await showBody({ contentType: 'text/plain', flags: ['truncated'], body: { size: 4, sha256: 'x', truncated: true, declaredSize: 100, storage: 'inline' } }, 'abcd')
    expect(screen.getByTestId('body-truncated').textContent).toMatch(/body cap/)
  })

  it('says a body refused for its declared size was not read, rather than that its first 0 B were kept', async () => {
    await showBody({ contentType: 'application/octet-stream', flags: ['truncated'], body: { size: 0, sha256: 'x', truncated: true, declaredSize: 3_000_000, storage: 'inline' } }, '')
    const note = screen.getByTestId('body-truncated').textContent!
    expect(note).toMatch(/body cap/)
    expect(note).toContain('2.86 MB')
    expect(note).toMatch(/413/)
    expect(note).not.toMatch(/first 0 B/)
  })
})
