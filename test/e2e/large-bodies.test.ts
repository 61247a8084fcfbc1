// Bodies that could freeze a naive inspector, in a real browser: a large JSON body is re-indented in
// the format worker, a 50 MB single-line JSON body shows its head and tail as text, the head of a
// large one-line SOAP body is re-indented, and JSON nested
// 100,000 levels deep is shown as sent. The page must keep drawing frames meanwhile.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { pageScripts, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'

const e2e = useE2E()

/** Longest gap between animation frames while `action` runs. */
async function longestFrameDuring(page: Page, action: () => Promise<void>): Promise<number> {
  await page.evaluate(pageScripts.startFrameWatch)
  await action()
  return page.evaluate(pageScripts.stopFrameWatch)
}

async function openBody(page: Page, path: string) {
  await (await waitForRow(page, path)).click()
  await page.getByTestId('detail-target').filter({ hasText: path }).waitFor()
  await page.getByTestId('tab-body').click()
}

describe('large and deep bodies', () => {
  it('re-indents a large JSON body in the worker', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const items = Array.from({ length: 4000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'], price: i * 1.25 }))
    const p = uniquePath('large-json')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ items }) })
    await openBody(page, p)
    await page.locator('[data-testid="viewer-json"][data-pretty="true"] .cm-editor').waitFor()
    expect(await page.evaluate(pageScripts.editorText, '[data-testid="body-tab"]')).toContain('"items": [')
    expect(errors).toEqual([])
  })

  it('shows a 50 MB single-line JSON body as head and tail without freezing', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const size = 50 * 1024 * 1024
    const body = Buffer.alloc(size, 0x31)
    body.write('{"data":"', 0)
    body.write('"}', size - 2)
    const p = uniquePath('fifty-mb')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'application/json']], body })
    const longest = await longestFrameDuring(page, async () => {
      await openBody(page, p)
      await page.getByTestId('body-head-tail').waitFor({ timeout: 30_000 })
      await page.getByTestId('body-tail').locator('.cm-editor').waitFor()
      await page.getByTestId('tab-headers').click()
      await page.getByTestId('headers-table').waitFor()
    })
    expect(longest).toBeLessThan(1000)
  })

  it('re-indents the head of a JSON body past the display cap, and wraps its tail', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const item = '{"id":"evt_0123456789","amount":1.10,"note":"x"},'
    const body = '{"items":[' + item.repeat(Math.ceil((3 * 1024 * 1024) / item.length)) + '{"id":"last"}]}'
    const p = uniquePath('json-head-tail')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'application/json']], body })
    await openBody(page, p)
    await page.getByTestId('body-head-tail').filter({ hasText: 're-indented' }).waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="body-head"][data-pretty="true"] .cm-editor').waitFor({ timeout: 30_000 })
    const head = (await page.evaluate(pageScripts.editorText, '[data-testid="body-head"]')) as string
    expect(head.startsWith('{\n  "items": [\n    {\n      "id": "evt_0123456789",\n      "amount": 1.10,\n      "note": "x"\n    },')).toBe(true)
    const tail = page.getByTestId('body-tail')
    await tail.locator('.cm-editor').waitFor()
    expect(await tail.locator('.cm-lineWrapping').count()).toBe(1)
    expect(await tail.locator('.cm-lineNumbers').count()).toBe(0)
    // The tail's one long line wraps inside the viewer: nothing to scroll sideways.
    expect(await tail.locator('.cm-scroller').evaluate((scroller) => scroller.scrollWidth <= scroller.clientWidth + 1)).toBe(true)
    expect(errors).toEqual([])
  })

  it('selects with Ctrl+A the whole head shown of a body past the display cap, lines out of view too, and offers the full body', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    // 3 MB of numbered lines: the head shown is 512 KB, tens of thousands of lines, most never drawn.
    const lines = Array.from({ length: 250_000 }, (_, i) => `line ${String(i + 1).padStart(6, '0')}`)
    const body = lines.join('\n')
    const p = uniquePath('select-head')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'text/plain']], body })
    await openBody(page, p)
    await page.getByTestId('body-head-tail').filter({ hasText: 'selects that part only' }).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('body-head-tail-save').textContent()).toBe('Save full body')
    const content = page.getByTestId('body-head').locator('.cm-content')
    await content.waitFor({ timeout: 30_000 })
    expect(await content.getAttribute('aria-label')).toBe('Body, its first 512 KB')
    expect(await page.getByTestId('body-tail').locator('.cm-content').getAttribute('aria-label')).toBe('Body, its last 64.0 KB')
    await content.focus()
    await page.keyboard.press('Control+A')
    // The page's selection spans the head from its first line to its last, and nothing outside it.
    const selected = (await page.evaluate('window.getSelection().toString()')) as string
    const head = body.slice(0, 512 * 1024)
    expect(selected.startsWith('line 000001\nline 000002')).toBe(true)
    expect(selected.endsWith(head.slice(head.lastIndexOf('\n') + 1))).toBe(true)
    expect(selected).not.toContain('Save full body')
    expect(selected).not.toContain(lines[lines.length - 1])
    // Ctrl+C copies every line of it, the lines never drawn too.
    await page.evaluate('navigator.clipboard.writeText("")')
    await page.keyboard.press('Control+C')
    expect(await page.evaluate(pageScripts.readClipboard)).toBe(head)
    expect(errors).toEqual([])
  })

  it('re-indents the head of a one-line SOAP body past the display cap', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const item = '<n:Item id="evt_0123456789" currency="EUR"><n:Amount>1.10</n:Amount><n:Note>fish &amp; chips</n:Note></n:Item>'
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><n:Notify xmlns:n="urn:x">' +
      item.repeat(Math.ceil((3 * 1024 * 1024) / item.length)) +
      '</n:Notify></soap:Body></soap:Envelope>'
    const p = uniquePath('xml-head-tail')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'application/soap+xml; charset=utf-8']], body })
    await openBody(page, p)
    await page.getByTestId('body-head-tail').filter({ hasText: 're-indented' }).waitFor({ timeout: 30_000 })
    await page.locator('[data-testid="body-head"][data-pretty="true"] .cm-editor').waitFor({ timeout: 30_000 })
    const head = (await page.evaluate(pageScripts.editorText, '[data-testid="body-head"]')) as string
    const lines = head.split('\n')
    expect(lines.slice(0, 9)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">',
      '  <soap:Body>',
      '    <n:Notify xmlns:n="urn:x">',
      '      <n:Item id="evt_0123456789" currency="EUR">',
      '        <n:Amount>1.10</n:Amount>',
      '        <n:Note>fish &amp; chips</n:Note>',
      '      </n:Item>',
      '      <n:Item id="evt_0123456789" currency="EUR">',
    ])
    // The cut falls somewhere in an item: every line before it is a whole tag or element, indented.
    for (const line of lines.slice(4, -1)) expect(line).toMatch(/^ {6}(<n:Item id="evt_0123456789" currency="EUR">|<\/n:Item>)$|^ {8}<n:(Amount>1\.10<\/n:Amount|Note>fish &amp; chips<\/n:Note)>$/)
    expect(errors).toEqual([])
  })

  it('shows JSON nested 100,000 levels deep as sent, as plain text', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const p = uniquePath('deep-json')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'application/json']], body: deep })
    const longest = await longestFrameDuring(page, async () => {
      await openBody(page, p)
      await page.locator('[data-testid="viewer-json"][data-pretty="false"]').waitFor({ timeout: 30_000 })
      await page.getByTestId('viewer-note').filter({ hasText: 'Nested more than' }).waitFor()
      await page.getByTestId('tab-overview').click()
      await page.getByTestId('overview').waitFor()
    })
    expect(longest).toBeLessThan(1000)
  })
})
