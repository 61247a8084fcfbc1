// The detail of one request in a real browser: every tab, the body viewers by content type, decoded
// bodies, the head-and-tail view with "save full body", and the copy actions (the copied cURL
// command is run through sh and must arrive as the same request).
import { readFile, stat, writeFile, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageScripts, runCurl, runShell, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'

const e2e = useE2E()
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
let scratch = ''

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hookscope-e2e-files-'))
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

async function openRequest(page: Page, pathText: string, tab: string) {
  const row = await waitForRow(page, pathText)
  await row.click()
  await page.getByTestId('detail-target').filter({ hasText: pathText }).waitFor()
  await page.getByTestId(`tab-${tab}`).click()
  await page.getByTestId(`panel-${tab}`).waitFor()
  if (tab === 'overview') await page.getByTestId('overview-target').filter({ hasText: pathText }).waitFor()
}

async function editorText(page: Page, scope = '[data-testid="body-tab"]'): Promise<string> {
  await page.locator(`${scope} .cm-editor`).first().waitFor()
  return page.evaluate(pageScripts.editorText, scope)
}

describe('request detail', () => {
  it('shows overview, headers in raw order with duplicates, query, cookies, raw and timings', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('tabs')
    await sendRequest(e2e.host.captureUrl, {
      method: 'PATCH',
      path: `${p}?a=1&a=2&q=hello%20world`,
      headers: [
        ['X-Dup', 'first'],
        ['x-dup', 'second'],
        ['X-Mixed-CASE', 'Value'],
        ['Cookie', 'session=abc123; theme=dark'],
        ['Content-Type', 'text/plain'],
      ],
      body: 'hello',
    })
    await openRequest(page, p, 'overview')
    const overview = (await page.getByTestId('overview').textContent())!
    expect(overview).toContain(`${e2e.host.captureUrl.replace(/\/$/, '')}${p}?a=1&a=2&q=hello%20world`)
    expect(overview).toContain('PATCH')

    await page.getByTestId('tab-headers').click()
    const names = await page.getByTestId('header-name').allTextContents()
    const custom = names.filter((n) => /^(X-Dup|x-dup|X-Mixed-CASE)/.test(n))
    expect(custom).toEqual(['X-Dup×2', 'x-dup×2', 'X-Mixed-CASE'])
    expect(await page.getByTestId('header-duplicate').count()).toBe(2)

    await page.keyboard.press(']')
    const query = await page.getByTestId('query-row').allTextContents()
    expect(query).toEqual(['a1', 'a2', 'qhello world'])

    await page.getByTestId('tab-cookies').click()
    expect(await page.getByTestId('cookie-row').allTextContents()).toEqual(['sessionabc123', 'themedark'])

    await page.getByTestId('tab-raw').click()
    const raw = (await page.getByTestId('raw-http').textContent())!
    expect(raw).toContain(`PATCH ${p}?a=1&a=2&q=hello%20world HTTP/1.1`)
    expect(raw.indexOf('X-Dup: first')).toBeLessThan(raw.indexOf('x-dup: second'))
    await page.getByTestId('raw-http').filter({ hasText: 'hello' }).waitFor()

    await page.getByTestId('tab-timings').click()
    expect(await page.getByTestId('timing-row').count()).toBe(3)
    expect(await page.getByTestId('timing-total').textContent()).toMatch(/ms|s$/)
  })

  it('keeps a 1,000-character path from pushing the Overview below the fold, and shows it whole on asking', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 1400, height: 860 } })
    const p = uniquePath('long')
    const long = `${p}/${'segment-'.repeat(130)}`.slice(0, 1000)
    await sendRequest(e2e.host.captureUrl, { path: long, body: 'x' })
    const row = await waitForRow(page, p)
    expect(await row.getByTestId('row-path').getAttribute('title')).toBe(long)
    await openRequest(page, p, 'overview')
    expect(await page.getByTestId('detail-target').getAttribute('title')).toBe(long)
    expect(await page.evaluate(pageScripts.linesShown, 'detail-target')).toBeLessThan(1.5)
    expect(await page.evaluate(pageScripts.linesShown, 'overview-target')).toBeLessThan(2.5)
    expect(await page.evaluate(pageScripts.linesShown, 'overview-request-target')).toBeLessThan(2.5)
    const folded = await page.evaluate(pageScripts.linesShown, 'overview-url')
    expect(folded).toBeLessThan(4.5)
    // Every other fact of the Overview is in view.
    expect(await page.evaluate(pageScripts.aboveFold, '[data-testid="overview"] tr:last-child')).toBe(true)
    await page.getByTestId('overview-url-toggle').click()
    expect(await page.getByTestId('overview-url-toggle').textContent()).toBe('Show less')
    expect(await page.evaluate(pageScripts.linesShown, 'overview-url')).toBeGreaterThan(folded + 1)
    expect(await page.getByTestId('overview-url').textContent()).toContain(long)
  })

  it('wraps the Overview’s sentences between words, never inside one', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 1400, height: 860 } })
    const p = uniquePath('story')
    await sendRequest(e2e.host.captureUrl, { path: p, body: 'x' })
    await openRequest(page, p, 'overview')
    await page.getByTestId('overview-forwarding').filter({ hasText: 'Not forwarded' }).waitFor()
    // Each word of the forwarding and signature sentences, and the lines each one's text takes.
    const words = (await page.evaluate(`(() => {
      const found = []
      const lines = (range) => new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size
      for (const id of ['overview-forwarding', 'overview-signature']) {
        const cell = document.querySelector('[data-testid="' + id + '"]')
        const whole = document.createRange()
        whole.selectNodeContents(cell)
        found.push({ word: id, lines: lines(whole) })
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const match of node.textContent.matchAll(/\\S+/g)) {
            const range = document.createRange()
            range.setStart(node, match.index)
            range.setEnd(node, match.index + match[0].length)
            found.push({ word: match[0], lines: lines(range) })
          }
        }
      }
      return found
    })()`)) as Array<{ word: string; lines: number }>
    // The sentences do wrap at this width (else nothing would be tested), and only between words.
    expect(words.find((w) => w.word === 'overview-forwarding')!.lines).toBeGreaterThan(1)
    expect(words.filter((w) => !w.word.startsWith('overview-') && w.lines > 1)).toEqual([])
  })

  it('shows JSON and XML pretty and foldable, forms as tables, HTML as text', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const json = uniquePath('json')
    await sendRequest(e2e.host.captureUrl, { path: json, headers: [['Content-Type', 'application/json']], body: '{"id":"evt_1","type":"invoice.paid","data":{"amount":12345678901234567890}}' })
    await openRequest(page, json, 'body')
    await page.getByTestId('viewer-json').waitFor()
    expect(await page.getByTestId('viewer-json').getAttribute('data-pretty')).toBe('true')
    expect(await editorText(page)).toContain('"amount": 12345678901234567890')
    expect(await page.locator('[data-testid="body-tab"] .cm-foldGutter').count()).toBe(1)

    const form = uniquePath('form')
    await sendRequest(e2e.host.captureUrl, { path: form, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'name=Ada+Lovelace&lang=en&lang=fr' })
    await openRequest(page, form, 'body')
    await page.getByTestId('viewer-form').waitFor()
    expect(await page.getByTestId('form-row').allTextContents()).toEqual(['nameAda Lovelace', 'langen', 'langfr'])

    const xml = uniquePath('xml')
    await sendRequest(e2e.host.captureUrl, { path: xml, headers: [['Content-Type', 'application/xml']], body: '<?xml version="1.0"?><order id="7"><item>Widget</item></order>' })
    await openRequest(page, xml, 'body')
    await page.getByTestId('viewer-xml').waitFor()
    expect(await page.getByTestId('viewer-xml').getAttribute('data-pretty')).toBe('true')
    expect(await editorText(page)).toBe('<?xml version="1.0"?>\n<order id="7">\n  <item>Widget</item>\n</order>')
    expect(await page.locator('order, item').count()).toBe(0)
    // Large enough to be re-indented by the format worker.
    const bigXml = uniquePath('big-xml')
    const items = Array.from({ length: 2500 }, (_, i) => `<item n="${i}">Widget ${i}</item>`).join('')
    await sendRequest(e2e.host.captureUrl, { path: bigXml, headers: [['Content-Type', 'text/xml']], body: `<orders>${items}</orders>` })
    await openRequest(page, bigXml, 'body')
    await page.locator('[data-testid="viewer-xml"][data-pretty="true"]').waitFor()
    expect(await editorText(page)).toMatch(/^<orders>\n {2}<item n="0">Widget 0<\/item>\n {2}<item n="1">Widget 1<\/item>\n/)

    const html = uniquePath('html')
    await sendRequest(e2e.host.captureUrl, { path: html, headers: [['Content-Type', 'text/html']], body: '<html><body><h1 id="captured-title">Title</h1></body></html>' })
    await openRequest(page, html, 'body')
    await page.getByTestId('viewer-html').waitFor()
    expect(await editorText(page)).toContain('<h1 id="captured-title">Title</h1>')
    expect(await page.locator('#captured-title').count()).toBe(0)

    // Text in the charset its Content-Type declares: windows-1252 (as browsers read ISO-8859-1), UTF-16.
    const latin1 = uniquePath('latin1')
    await sendRequest(e2e.host.captureUrl, { path: latin1, headers: [['Content-Type', 'text/plain; charset=iso-8859-1']], body: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]) })
    await openRequest(page, latin1, 'body')
    await page.getByTestId('viewer-text').waitFor()
    expect(await editorText(page)).toBe('café €5')
    expect(await page.getByTestId('viewer-note').textContent()).toBe('Read as windows-1252 (charset=iso-8859-1), as its Content-Type says.')
    const utf16 = uniquePath('utf16')
    await sendRequest(e2e.host.captureUrl, { path: utf16, headers: [['Content-Type', 'text/plain; charset=utf-16le']], body: Buffer.from('grüße ✓', 'utf16le') })
    await openRequest(page, utf16, 'body')
    await page.getByTestId('viewer-text').waitFor()
    expect(await editorText(page)).toBe('grüße ✓')

    // XML whose Content-Type names no charset, in the one its declaration names, re-indented by the
    // format worker; and its Raw tab reads it so too.
    const declared = uniquePath('xml-declared')
    const orders = Array.from({ length: 2500 }, (_, i) => `<item n="${i}">Caf\u00e9 \x80${i}</item>`).join('')
    await sendRequest(e2e.host.captureUrl, { path: declared, headers: [['Content-Type', 'text/xml']], body: Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><orders>${orders}</orders>`, 'latin1') })
    await openRequest(page, declared, 'body')
    await page.locator('[data-testid="viewer-xml"][data-pretty="true"]').waitFor()
    expect(await editorText(page)).toMatch(/^<\?xml version="1.0" encoding="ISO-8859-1"\?>\n<orders>\n {2}<item n="0">Café €0<\/item>\n/)
    expect(await page.getByTestId('viewer-note').textContent()).toBe('Read as windows-1252 (encoding=ISO-8859-1), as its XML declaration says.')
    await openRequest(page, declared, 'raw')
    await page.getByTestId('raw-body-charset').waitFor()
    expect(await page.getByTestId('raw-http').textContent()).toContain('<item n="0">Café €0</item>')
  })

  it('shows multipart parts with their headers, and downloads a file part', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const file = path.join(scratch, 'report.csv')
    await writeFile(file, 'id,total\n1,42\n')
    const p = uniquePath('multipart')
    await runCurl([`${e2e.host.captureUrl.replace(/\/$/, '')}${p}`, '-F', 'title=Quarterly', '-F', `upload=@${file};type=text/csv`])
    await openRequest(page, p, 'body')
    await page.getByTestId('viewer-multipart').waitFor()
    const parts = page.getByTestId('multipart-part')
    expect(await parts.count()).toBe(2)
    expect(await parts.nth(0).getByTestId('part-name').textContent()).toBe('title')
    expect(await parts.nth(1).getByTestId('part-filename').textContent()).toBe('report.csv')
    expect(await parts.nth(1).textContent()).toContain('Content-Type')
    const download = page.waitForEvent('download')
    await parts.nth(1).getByTestId('part-download').click()
    const saved = await (await download).path()
    expect(await readFile(saved, 'utf8')).toBe('id,total\n1,42\n')
  })

  it('renders images, shows binary as hex, and decodes gzip for display', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const image = uniquePath('image')
    await sendRequest(e2e.host.captureUrl, { path: image, headers: [['Content-Type', 'image/png']], body: PNG_1x1 })
    await openRequest(page, image, 'body')
    const img = page.getByTestId('body-image')
    await img.waitFor()
    expect(await img.getAttribute('src')).toMatch(/^blob:/)
    await page.waitForFunction(pageScripts.imageHasWidth, ['body-image', 1] as const)

    const binary = uniquePath('binary')
    await sendRequest(e2e.host.captureUrl, { path: binary, headers: [['Content-Type', 'application/octet-stream']], body: Buffer.from([0, 1, 2, 0xde, 0xad, 0xbe, 0xef]) })
    await openRequest(page, binary, 'body')
    await page.getByTestId('viewer-hex').filter({ hasText: '00 01 02 de ad be ef' }).waitFor()

    const gz = uniquePath('gzip')
    await sendRequest(e2e.host.captureUrl, { path: gz, headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body: gzipSync('{"compressed":true}') })
    await openRequest(page, gz, 'body')
    await page.getByTestId('body-decoded').filter({ hasText: 'gzip' }).waitFor()
    expect(await editorText(page)).toContain('"compressed": true')
    await page.getByTestId('body-raw-toggle').check()
    await page.getByTestId('viewer-hex').filter({ hasText: '1f 8b 08' }).waitFor()
    expect(await page.getByTestId('body-decoded').count()).toBe(0)
  })

  it('shows head and tail of a large body and saves the full body', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const big = Buffer.alloc(3 * 1024 * 1024, 'a')
    big.write('FIRST', 0)
    big.write('LAST', big.length - 4)
    const p = uniquePath('large')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'text/plain']], body: big })
    await openRequest(page, p, 'body')
    await page.getByTestId('body-head-tail').waitFor()
    await page.getByTestId('body-gap').waitFor()
    const download = page.waitForEvent('download')
    await page.getByTestId('save-body').click()
    const saved = await (await download).path()
    expect((await stat(saved)).size).toBe(big.length)
    const bytes = await readFile(saved)
    expect(bytes.subarray(0, 5).toString()).toBe('FIRST')
    expect(bytes.subarray(bytes.length - 4).toString()).toBe('LAST')
  })

  it('selects with Ctrl+A only the text of the focused body, hex dump, form or raw request, and Ctrl+C copies it', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const selected = () => page.evaluate('window.getSelection().toString()') as Promise<string>
    const selectAndCopy = async () => {
      await page.keyboard.press('Control+A')
      const text = await selected()
      await page.evaluate('navigator.clipboard.writeText("")')
      await page.keyboard.press('Control+C')
      return { text, copied: (await page.evaluate(pageScripts.readClipboard)) as string }
    }
    const named = async (selector: string) => {
      const element = page.locator(selector).first()
      expect(await element.getAttribute('tabindex')).toBe('0')
      return element.getAttribute('aria-label')
    }

    const json = uniquePath('select-json')
    await sendRequest(e2e.host.captureUrl, { path: json, headers: [['Content-Type', 'application/json']], body: '{"event":"paid","amount":1200}' })
    await openRequest(page, json, 'body')
    const pretty = await editorText(page)
    expect(await named('[data-testid="body-tab"] .cm-content')).toBe('Body')
    // The body is in the Tab order, after the toolbar's Save full body.
    await page.getByTestId('save-body').focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.classList.contains("cm-content")')).toBe(true)
    let { text, copied } = await selectAndCopy()
    expect(text).toBe(pretty)
    expect(copied).toBe(pretty)
    expect(text).not.toContain('Save full body')

    const binary = uniquePath('select-hex')
    await sendRequest(e2e.host.captureUrl, { path: binary, headers: [['Content-Type', 'application/octet-stream']], body: Buffer.from([0, 1, 2, 0xde, 0xad, 0xbe, 0xef]) })
    await openRequest(page, binary, 'body')
    const dump = page.getByTestId('viewer-hex').locator('pre')
    await dump.filter({ hasText: '00 01 02 de ad be ef' }).waitFor()
    expect(await named('[data-testid="viewer-hex"] pre')).toBe('Body as hex')
    await dump.focus()
    ;({ text, copied } = await selectAndCopy())
    expect(text).toBe(await dump.textContent())
    expect(copied).toBe(text)

    const form = uniquePath('select-form')
    await sendRequest(e2e.host.captureUrl, { path: form, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'token=abc&text=hello+there' })
    await openRequest(page, form, 'body')
    await page.getByTestId('form-row').first().waitFor()
    expect(await named('[data-testid="form-fields"]')).toBe('Body as form fields')
    await page.getByTestId('form-fields').focus()
    ;({ text, copied } = await selectAndCopy())
    expect(text).toContain('hello there')
    expect(text).toContain('token')
    expect(text).not.toContain('Save full body')
    // The table's column names are copied as drawn (in capitals).
    expect(copied.toLowerCase()).toBe(text.toLowerCase())

    await page.getByTestId('tab-raw').click()
    const raw = page.getByTestId('raw-http')
    await raw.filter({ hasText: 'hello+there' }).waitFor()
    expect(await named('[data-testid="raw-http"]')).toBe('Request as sent')
    await raw.focus()
    ;({ text, copied } = await selectAndCopy())
    expect(text.startsWith(`POST ${form} HTTP/1.1`)).toBe(true)
    expect(text.endsWith('token=abc&text=hello+there')).toBe(true)
    expect(copied).toBe(text)
  })

  it('copies as cURL a command that sends the same request again', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('copy')
    await sendRequest(e2e.host.captureUrl, {
      method: 'POST',
      path: `${p}?attempt=1`,
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Order', 'one'],
        ['x-order', "two 'quoted'"],
      ],
      body: '{"event":"copy","n":1}',
    })
    await openRequest(page, p, 'overview')
    await page.getByTestId('copy-curl').click()
    await page.getByTestId('toast').filter({ hasText: 'Copied as cURL' }).waitFor()
    const command = await page.evaluate(pageScripts.readClipboard)
    expect(command).toMatch(/^curl /)
    await runShell(command)
    await page.waitForFunction(pageScripts.rowCountWithPath, [`${p}?attempt=1`, 2] as const)
    await page.getByTestId('traffic-row').first().click()
    await page.getByTestId('tab-headers').click()
    const rows = (await page.getByTestId('header-row').allTextContents()).filter((row) => /x-order/i.test(row))
    expect(rows.map((row) => row.replace(/^\d+/, ''))).toEqual(['X-Order×2one', "x-order×2two 'quoted'"])
    await page.getByTestId('tab-body').click()
    await page.getByTestId('viewer-json').waitFor()
    expect(await editorText(page)).toContain('"event": "copy"')

    await page.getByTestId('copy-code').click()
    await page.getByTestId('code-sheet').waitFor()
    await page.getByTestId('code-language').selectOption('python:requests')
    const code = (await page.getByTestId('code-output').textContent())!
    expect(code).toContain('import requests')
    expect(code).toContain(`${p}`)
    expect(code).toContain('X-Order')

    // The body as stored, not re-serialized from a parsed object.
    await page.getByTestId('code-language').selectOption('javascript:fetch')
    await page.getByTestId('code-output').filter({ hasText: `body: ${JSON.stringify('{"event":"copy","n":1}')}` }).waitFor()
    // A quote in a header keeps PowerShell from carrying it as text: the list says so.
    expect(await page.getByTestId('code-language').locator('option[value="powershell:webrequest"]').textContent()).toBe('PowerShell (not for this request)')

    // Raw HTTP in the browser (which has no Node Buffer): the message as received.
    await page.getByTestId('code-language').selectOption('http:http1.1')
    await page.getByTestId('code-output').filter({ hasText: `POST ${p}?attempt=1 HTTP/1.1` }).waitFor()
    const raw = (await page.getByTestId('code-output').textContent())!
    expect(raw.startsWith(`POST ${p}?attempt=1 HTTP/1.1\r\n`)).toBe(true)
    expect(raw).toContain("\r\nX-Order: one\r\nx-order: two 'quoted'\r\n")
    expect(raw.endsWith('\r\n\r\n{"event":"copy","n":1}')).toBe(true)
    // Sent without a Host line (Node's raw header list adds none), which the message says it lacks.
    expect(await page.getByTestId('code-warning').allTextContents()).toEqual([
      expect.stringMatching(/^No Host header came with this request, though HTTP\/1\.1 requires one: .* It reached 127\.0\.0\.1:\d+: .*“Host: 127\.0\.0\.1:\d+”/),
    ])
    expect(await page.getByTestId('code-copy').isEnabled()).toBe(true)
  })
})
