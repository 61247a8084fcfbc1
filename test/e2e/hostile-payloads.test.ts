// Hostile requests in the real browser: markup and script in paths, header values, bodies, JSON keys
// and multipart file names must show as text, run nothing (window.__pwned stays undefined, no dialog
// opens) and create no element; invisible characters must show as badges.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { pageScripts, runCurl, sendRequest, uniquePath, useE2E, utf8ByteString, waitForRow } from './helpers'

const e2e = useE2E()

const SCRIPT = '<script>window.__pwned=1;alert(1)</script>'
const IMG = '<img src=x onerror="window.__pwned=2;alert(2)">'
const SVG = '<svg onload="window.__pwned=3;alert(3)"></svg>'
const LINK = 'javascript:window.__pwned=4'

async function assertNothingRan(page: Page, dialogs: string[]) {
  const report = await page.evaluate(pageScripts.injectionReport)
  expect(report).toEqual({ pwned: null, foreign: [], svgs: 0, handlers: [], images: [] })
  expect(dialogs).toEqual([])
}

async function visitEveryTab(page: Page, dialogs: string[]) {
  for (const tab of ['overview', 'headers', 'query', 'cookies', 'body', 'raw', 'timings']) {
    await page.getByTestId(`tab-${tab}`).click()
    await page.getByTestId(`panel-${tab}`).waitFor()
    await page.getByTestId(`panel-${tab}`).locator('.viewer-status').filter({ hasText: /Loading|Formatting|Reading/ }).waitFor({ state: 'detached' })
    await assertNothingRan(page, dialogs)
  }
}

describe('hostile payloads', () => {
  it('in the path, header values, cookies and an HTML body run nothing', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, dialogs } = await e2e.open()
    const base = uniquePath('hostile')
    const target = `${base}/${SCRIPT.replace(/ /g, '%20')}?q=${encodeURIComponent(IMG)}&next=${LINK}`
    await sendRequest(e2e.host.captureUrl, {
      path: target,
      headers: [
        ['Content-Type', 'text/html'],
        ['X-Img', IMG],
        ['X-Svg', SVG],
        ['X-Link', LINK],
        ['Cookie', `s=${SCRIPT.replace(/;/g, ',')}`],
      ],
      body: `<html><body onload="window.__pwned=5">${SCRIPT}${IMG}${SVG}<a href="${LINK}">click</a></body></html>`,
    })
    const row = await waitForRow(page, base)
    expect(await row.getByTestId('row-path').textContent()).toContain('<script>window.__pwned=1')
    await assertNothingRan(page, dialogs)
    await row.click()
    await visitEveryTab(page, dialogs)
    await page.getByTestId('tab-headers').click()
    const values = await page.getByTestId('header-value').allTextContents()
    expect(values).toContain(IMG)
    expect(values).toContain(SVG)
    expect(values).toContain(LINK)
  })

  it('in JSON keys and values run nothing', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, dialogs } = await e2e.open()
    const p = uniquePath('json-keys')
    await sendRequest(e2e.host.captureUrl, {
      path: p,
      headers: [['Content-Type', 'application/json']],
      body: JSON.stringify({ [SCRIPT]: IMG, [SVG]: [LINK], nested: { [IMG]: SCRIPT } }),
    })
    await (await waitForRow(page, p)).click()
    await visitEveryTab(page, dialogs)
    await page.getByTestId('tab-body').click()
    await page.locator('[data-testid="viewer-json"] .cm-editor').waitFor()
    const text = await page.evaluate(pageScripts.editorText, '[data-testid="body-tab"]')
    expect(text).toContain(`"${SCRIPT}": `)
  })

  it('in multipart field names and file names run nothing', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, dialogs } = await e2e.open()
    const p = uniquePath('multipart-hostile')
    const boundary = 'HookscopeBoundary'
    const body = [
      `--${boundary}`,
      `Content-Disposition: form-data; name="${SCRIPT.replace(/"/g, '%22')}"; filename="${IMG.replace(/"/g, '%22')}.png"`,
      'Content-Type: text/html',
      '',
      SVG,
      `--${boundary}--`,
      '',
    ].join('\r\n')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', `multipart/form-data; boundary=${boundary}`]], body })
    await (await waitForRow(page, p)).click()
    await visitEveryTab(page, dialogs)
    await page.getByTestId('tab-body').click()
    await page.getByTestId('viewer-multipart').waitFor()
    expect(await page.getByTestId('part-name').textContent()).toBe(SCRIPT)
    expect(await page.getByTestId('part-filename').textContent()).toBe(`${IMG.replace(/"/g, '%22')}.png`)
    await assertNothingRan(page, dialogs)
  })

  it('shows right-to-left overrides and zero-width characters as badges', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, dialogs } = await e2e.open()
    const p = uniquePath('bidi')
    // Node's parser refuses raw non-ASCII in a path, so the override arrives percent-encoded there
    // (and is shown as sent) and raw in a header value.
    await sendRequest(e2e.host.captureUrl, {
      path: `${p}?file=invoice%E2%80%AEfdp.exe`,
      headers: [['X-File', utf8ByteString('report\u202Etxt.exe\u200B')]],
      body: 'x',
    })
    const row = await waitForRow(page, p)
    expect(await row.getByTestId('row-path').textContent()).toBe(`${p}?file=invoice%E2%80%AEfdp.exe`)
    await row.click()
    await page.getByTestId('tab-headers').click()
    expect(await page.getByTestId('panel-headers').getByTestId('invisible-char').allTextContents()).toEqual(['<U+202E>', '<U+200B>'])
    expect(await page.getByTestId('header-value').filter({ hasText: 'report' }).textContent()).toBe('report<U+202E>txt.exe<U+200B>')
    await page.getByTestId('tab-query').click()
    expect(await page.getByTestId('query-row').first().textContent()).toBe('fileinvoice<U+202E>fdp.exe')
    await assertNothingRan(page, dialogs)
  })

  it('a body sent with curl as a file named like markup stays text', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, dialogs } = await e2e.open()
    const p = uniquePath('curl-hostile')
    await runCurl([`${e2e.host.captureUrl.replace(/\/$/, '')}${p}`, '-H', 'Content-Type: image/svg+xml', '--data-binary', `<?xml version="1.0"?>${SVG}`])
    await (await waitForRow(page, p)).click()
    await page.getByTestId('tab-body').click()
    await page.getByTestId('viewer-xml').waitFor()
    await assertNothingRan(page, dialogs)
  })
})
