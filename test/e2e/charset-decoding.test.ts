// The engine reads bodies for search in the charset they declare; the detail reads them in the
// browser. Both must agree byte for byte, or search misses what the detail shows. Judged here by
// Chromium's own TextDecoder over every byte value, and by the encoding Chromium opens an XML or HTML
// document in.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declaredCharset } from '../../electron/core/capture/decode'
import { bodyCharset } from '../../shared/formats/body-charset'
import { launchChromium } from './helpers/browser'
import { pageScripts } from './helpers'

let browser: Browser | null = null
let skipReason: string | null = null

beforeAll(async () => {
  const launched = await launchChromium()
  browser = launched.browser
  skipReason = launched.reason
})
afterAll(async () => {
  await browser?.close()
})

describe('charset decoding for search', () => {
  it('reads every byte of windows-1252 and the labels browsers read as it as Chromium does', async (ctx) => {
    if (skipReason !== null) ctx.skip(skipReason)
    const page = await browser!.newPage()
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    for (const label of ['windows-1252', 'iso-8859-1', 'latin1', 'us-ascii', 'cp1252']) {
      const chromium = await page.evaluate(pageScripts.decodeEveryByte, label)
      const engine = Array.from(declaredCharset(`text/plain; charset=${label}`)!.decode(everyByte), (ch) => ch.codePointAt(0))
      expect(engine, label).toEqual(chromium)
    }
    expect(String.fromCodePoint(...(await page.evaluate(pageScripts.decodeEveryByte, 'latin1')).slice(0x80, 0xa0))).toContain('€')
    await page.close()
  })

  it('reads an XML or HTML body in the encoding Chromium reads the document in: a BOM, the Content-Type, then its own declaration', async (ctx) => {
    if (skipReason !== null) ctx.skip(skipReason)
    const page = await browser!.newPage()
    const latin1 = (text: string) => Buffer.from(text, 'latin1')
    const cases: Array<[type: string, body: Buffer]> = [
      ['text/xml', latin1('<?xml version="1.0" encoding="ISO-8859-1"?><a>Caf\u00e9</a>')],
      ['application/xml', latin1("<?xml version='1.0' encoding='windows-1251'?><a>x</a>")],
      ['application/xhtml+xml', latin1('<?xml version="1.0" encoding="iso-8859-2" standalone="yes"?><html xmlns="http://www.w3.org/1999/xhtml"/>')],
      ['text/xml; charset=utf-8', latin1('<?xml version="1.0" encoding="ISO-8859-1"?><a>x</a>')],
      ['text/xml; charset=iso-8859-1', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0"?><a>x</a>', 'utf16le')])],
      ['application/xml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<a>x</a>', 'utf16le').swap16()])],
      ['text/xml', Buffer.from('<?xml version="1.0"?><a>x</a>')],
      ['text/html', latin1('<!doctype html><meta charset="iso-8859-1"><p>Caf\u00e9')],
      ['text/html', latin1('<html><head><!-- <meta charset="koi8-r"> --><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head></html>')],
      ['text/html', latin1('<html><head><meta name="x" content="charset=koi8-r"><meta charset=\'shift_jis\'></head></html>')],
      ['text/html', latin1('<html><head><meta charset="x-nothing"><meta charset="iso-8859-2"></head></html>')],
      ['text/html', latin1('<html><head><meta charset="utf-16"></head></html>')],
      ['text/html; charset=koi8-r', latin1('<html><head><meta charset="iso-8859-2"></head></html>')],
      ['text/html', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1('<meta charset="iso-8859-2">')])],
    ]
    for (const [type, body] of cases) {
      // Opened as a page: what Chromium shows such a body as.
      await page.goto(`data:${type.replace(/;\s*/g, ';')};base64,${body.toString('base64')}`)
      const chromium = await page.evaluate(pageScripts.documentEncoding)
      const found = bodyCharset(type, body)
      const ours = found === null ? 'utf-8' : new TextDecoder(found.label).encoding
      expect(ours, `${type}: ${body.toString('latin1')}`).toBe(chromium)
    }
    await page.close()
  })
})
