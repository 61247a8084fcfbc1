// The engine reads bodies for search in the charset they declare; the detail reads them in the
// browser. Both must agree byte for byte, or search misses what the detail shows. Judged here by
// Chromium's own TextDecoder over every byte value, and by the encoding Chromium opens an XML or HTML
// document in. And forms: what Chromium itself sends from a form in another charset (saying which in
// its `_charset_` field), and a form declaring its charset as old payment providers do, are shown as
// the text that was typed.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { declaredCharset } from '../../electron/core/capture/decode'
import { bodyCharset } from '../../shared/formats/body-charset'
import { pageScripts, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'

const e2e = useE2E()

describe('charset decoding for search', () => {
  it('reads every byte of windows-1252 and the labels browsers read as it as Chromium does', async (ctx) => {
    e2e.requireBrowser(ctx)
    const page = await e2e.browser.newPage()
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
    e2e.requireBrowser(ctx)
    const page = await e2e.browser.newPage()
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

/** Serves one page holding `form` (UTF-8) on a loopback port for the test's life; returns its URL. */
async function formPage(form: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html><meta charset="utf-8"><title>Form</title>${form}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

async function openRequest(page: Page, path: string, tab: 'body' | 'query'): Promise<void> {
  await (await waitForRow(page, path)).click()
  await page.getByTestId('detail-target').filter({ hasText: path }).waitFor()
  await page.getByTestId(`tab-${tab}`).click()
  await page.getByTestId(`panel-${tab}`).waitFor()
}

describe('form and query values in another charset', () => {
  it('shows what was typed in a form Chromium sent in windows-1252 or Shift_JIS, as its _charset_ field says', async (ctx) => {
    e2e.requireBrowser(ctx)
    const posted = uniquePath('form-1252')
    const queried = uniquePath('query-sjis')
    const capture = e2e.host.captureUrl.replace(/\/$/, '')
    const served = await formPage(
      `<form id="latin" method="post" action="${capture}${posted}" accept-charset="windows-1252"><input type="hidden" name="_charset_"><input name="name"><input name="note"><button id="send-latin">Send</button></form>` +
        `<form id="japanese" method="get" action="${capture}${queried}" accept-charset="shift_jis"><input type="hidden" name="_charset_"><input name="city"><button id="send-japanese">Send</button></form>`,
    )
    try {
      const sender = await e2e.browser.newPage()
      for (const [form, fields] of [
        ['latin', { name: 'Jörg Müller', note: '“Café” – €5 ‰' }],
        ['japanese', { city: '東京 テスト' }],
      ] as const) {
        await sender.goto(served.url)
        for (const [name, value] of Object.entries(fields)) await sender.locator(`#${form} input[name="${name}"]`).fill(value)
        await Promise.all([sender.waitForURL((url) => url.origin === new URL(capture).origin), sender.locator(`#send-${form}`).click()])
      }
      await sender.close()

      const { page, errors } = await e2e.open()
      await openRequest(page, posted, 'body')
      await page.getByTestId('viewer-form').waitFor()
      expect(await page.getByTestId('form-row').allTextContents()).toEqual(['_charset_windows-1252', 'nameJörg Müller', 'note“Café” – €5 ‰'])
      expect(await page.getByTestId('viewer-note').textContent()).toBe('Read as windows-1252, as its _charset_ field says.')
      expect(await page.getByTestId('byte-escape').count()).toBe(0)

      await openRequest(page, queried, 'query')
      expect(await page.getByTestId('query-row').allTextContents()).toEqual(['_charset_Shift_JIS', 'city東京 テスト'])
      expect(await page.getByTestId('query-note').textContent()).toBe('Read as shift_jis, as its _charset_ field says.')
      expect(errors).toEqual([])
    } finally {
      await served.close()
    }
  })

  it('reads a form in the charset its Content-Type or, as PayPal IPN sends it, its charset field declares; without one, bytes that are not UTF-8 as escapes', async (ctx) => {
    e2e.requireBrowser(ctx)
    const typed = uniquePath('form-type-charset')
    const ipn = uniquePath('form-ipn')
    const undeclared = uniquePath('form-undeclared')
    // 0x80 €, 0x93 and 0x94 curly quotes, 0x96 en dash: C1 controls in latin1, text in windows-1252.
    const raw = (text: string) => Buffer.from(text, 'latin1')
    await sendRequest(e2e.host.captureUrl, { path: typed, headers: [['Content-Type', 'application/x-www-form-urlencoded; charset=ISO-8859-1']], body: Buffer.concat([raw('item=%93Pro%94+%96+%8020&raw='), Buffer.from([0x80, 0xe9])]) })
    await sendRequest(e2e.host.captureUrl, { path: ipn, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'mc_gross=19.95&first_name=J%F6rg&memo=%93Thanks%94&charset=windows-1252' })
    await sendRequest(e2e.host.captureUrl, { path: undeclared, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'utf8=J%C3%B6rg&other=J%F6rg' })
    const { page, errors } = await e2e.open()

    await openRequest(page, typed, 'body')
    await page.getByTestId('viewer-form').waitFor()
    expect(await page.getByTestId('form-row').allTextContents()).toEqual(['item“Pro” – €20', 'raw€é'])
    expect(await page.getByTestId('viewer-note').textContent()).toBe('Read as windows-1252 (charset=ISO-8859-1), as its Content-Type says.')

    await openRequest(page, ipn, 'body')
    await page.getByTestId('viewer-form').waitFor()
    expect(await page.getByTestId('form-row').allTextContents()).toEqual(['mc_gross19.95', 'first_nameJörg', 'memo“Thanks”', 'charsetwindows-1252'])
    expect(await page.getByTestId('viewer-note').textContent()).toBe('Read as windows-1252, as its charset field says.')

    await openRequest(page, undeclared, 'body')
    await page.getByTestId('viewer-form').waitFor()
    expect(await page.getByTestId('form-row').allTextContents()).toEqual(['utf8Jörg', 'otherJ\\xF6rg'])
    expect(await page.getByTestId('byte-escape').allTextContents()).toEqual(['\\xF6'])
    expect(await page.getByTestId('viewer-note').count()).toBe(0)
    expect(errors).toEqual([])
  })
})
