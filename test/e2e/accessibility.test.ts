// The main screens checked by axe-core for WCAG 2.1 A and AA in both themes: text contrast (in rows
// selected and opened, with every status class and the usual methods), roles and accessible names
// of controls, the grid, tabs and dialogs. Each screen is reached from the keyboard. And the focus
// never falls to the page's body when the control holding it is removed.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPage, pageScripts, sendRequest, startHost, uniquePath, useE2E, waitForRow } from './helpers'
import { connectApi, type HostApi } from './helpers/api-client'
import * as lookScripts from './helpers/look-scripts.js'

const e2e = useE2E()
// Run through the browser's debugging protocol: the page's CSP lets no script tag of ours in.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const prefix = uniquePath('a11y')
let hostApi: HostApi | null = null

beforeAll(async () => {
  try {
    hostApi = await connectApi(e2e.host)
  } catch {
    return // No browser, no host: every test skips with the reason.
  }
  const { api } = hostApi
  const sends: Array<{ url: string; method: string }> = [{ url: e2e.host.captureUrl, method: 'POST' }]
  for (const status of [301, 404, 503]) {
    const endpoint = await api['endpoints.create']({ name: `Answers ${status}`, host: '127.0.0.1', port: 0, response: { status, headers: [], body: '', delayMs: 0 } })
    const url = (await api['endpoints.status']({})).find((s) => s.id === endpoint.id)!.url!
    sends.push({ url, method: 'GET' })
  }
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) sends.push({ url: e2e.host.captureUrl, method })
  for (const [i, { url, method }] of sends.entries()) {
    await sendRequest(url, { method, path: `${prefix}/${i}`, body: method === 'GET' || method === 'DELETE' ? undefined : '{"n":1}', headers: [['Content-Type', 'application/json']] })
  }
})

afterAll(() => hostApi?.close())

/** axe-core's WCAG 2.1 A and AA violations on the page as it is, one line each with the nodes at fault. */
async function violations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(pageScripts.hasAxe))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(pageScripts.axeViolations)
}

describe.each(['light', 'dark'] as const)('accessibility, %s theme', (colorScheme) => {
  it('finds no WCAG A/AA violation in traffic, the detail, the Composer, Collections, Settings and the help', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    await page.getByTestId('search-input').fill(prefix)
    await waitForRow(page, `${prefix}/0`)
    await waitForRow(page, `${prefix}/7`)
    await page.locator('#traffic-grid').focus()
    // The newest row opened, the next one selected: every row colour is on screen.
    await page.keyboard.press('j')
    await page.keyboard.press('Enter')
    await page.getByTestId('overview-target').waitFor()
    await page.keyboard.press('j')
    const report: Record<string, string[]> = {}
    report.traffic = await violations(page)
    await page.keyboard.press(']')
    await page.getByTestId('panel-headers').waitFor()
    report.headers = await violations(page)
    await page.keyboard.press('?')
    await page.getByTestId('help-sheet').waitFor()
    report.help = await violations(page)
    await page.keyboard.press('Escape')
    await page.keyboard.press('e')
    await page.getByTestId('composer-url').waitFor()
    report.composer = await violations(page)
    await page.keyboard.press('Escape')
    expect(await page.evaluate(pageScripts.focusedId)).toBe('traffic-grid')
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collections-view').waitFor()
    report.collections = await violations(page)
    await page.getByTestId('open-settings').click()
    await page.getByTestId('settings-error').or(page.locator('main[aria-label="Settings"] input').first()).first().waitFor()
    report.settings = await violations(page)
    expect(Object.fromEntries(Object.entries(report).filter(([, found]) => found.length > 0))).toEqual({})
  })
})

/** Opens the Composer, Collections and Settings in turn from the header, and runs `check` in each, named by what shows it is open. */
async function inEachOtherView(page: Page, check: (view: string) => Promise<void>): Promise<void> {
  for (const [button, view] of [
    ['view-composer', 'composer-url'],
    ['view-collections', 'collections-view'],
    ['open-settings', 'settings-view'],
  ] as const) {
    await page.getByTestId(button).click()
    await page.getByTestId(view).waitFor()
    await check(view)
  }
}

const focusedPlace = (page: Page) => page.evaluate(pageScripts.focusedPlace)

describe('the focus when what holds it is removed', () => {
  it('moves to the same control in the next row, else the next control, never to the page body', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const path = uniquePath('removals')
    await sendRequest(e2e.host.captureUrl, { method: 'POST', path, body: '{}', headers: [['Content-Type', 'application/json'], ['X-One', '1'], ['X-Two', '2']] })
    await page.getByTestId('search-input').fill(path)
    await waitForRow(page, path)
    await page.locator('#traffic-grid').focus()
    await page.keyboard.press('j')
    await page.keyboard.press('e')
    // The composer's header rows, removed from the keyboard with their own × button.
    const removes = page.getByTestId('header-remove')
    await removes.first().waitFor()
    let left = await removes.count()
    expect(left).toBeGreaterThan(3)
    await removes.nth(1).focus()
    while (left > 1) {
      await page.keyboard.press('Enter')
      await expect.poll(() => removes.count()).toBe(left - 1)
      left--
      await expect.poll(() => focusedPlace(page)).toEqual({ testId: 'header-remove', index: Math.min(1, left - 1) })
    }
    await page.keyboard.press('Enter')
    await expect.poll(() => removes.count()).toBe(0)
    await expect.poll(async () => (await focusedPlace(page)).testId).toBe('header-add')
    // Save it to a new collection, then delete its entry with the Delete key, then the collection.
    await page.keyboard.press('Escape')
    await page.keyboard.press('s')
    await page.getByTestId('save-new-name').fill(`Removals ${path}`)
    await page.keyboard.press('Enter')
    await page.getByTestId('save-picker').waitFor({ state: 'detached' })
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collection-entry').filter({ hasText: `Removals ${path}` }).click()
    await page.getByTestId('tree-node').first().focus()
    await page.keyboard.press('Delete')
    await expect.poll(() => page.getByTestId('tree-node').count()).toBe(0)
    // The control that came in its place: the toast's Undo.
    await expect.poll(async () => (await focusedPlace(page)).testId).toBe('undo-button')
    await page.getByTestId('collection-delete').focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('collection-entry').filter({ hasText: `Removals ${path}` }).waitFor({ state: 'detached' })
    await expect.poll(() => page.evaluate(pageScripts.focusOnAControl)).toBe(true)
  })
})

describe('the skip link', () => {
  it('is the first Tab stop, shown only while focused, and takes the focus past the endpoints to the requests', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const link = page.getByTestId('skip-link')
    const inView = async () => {
      const box = await link.boundingBox()
      return box !== null && box.y >= 0 && box.y + box.height > 0 && box.width > 1
    }
    expect(await inView()).toBe(false)
    await page.locator('body').focus()
    await page.keyboard.press('Tab')
    await expect.poll(async () => (await focusedPlace(page)).testId).toBe('skip-link')
    expect(await link.textContent()).toBe('Skip to requests')
    await expect.poll(inView).toBe(true)
    const url = page.url()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(pageScripts.focusedId)).toBe('traffic-grid')
    expect(page.url()).toBe(url)
    expect(await inView()).toBe(false)
  })
})

describe('at 200% zoom', () => {
  // A 1400 × 860 window zoomed to 200% lays out as 700 × 430 CSS pixels, a 1280 × 800 one as 640 × 400.
  it.for([
    [700, 430],
    [640, 400],
  ] as const)('keeps every view within a %i px wide window, the header’s controls whole', async ([width, height], ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width, height } })
    const path = uniquePath('zoom')
    await sendRequest(e2e.host.captureUrl, { method: 'POST', path, body: '{}', headers: [['Content-Type', 'application/json']] })
    await page.getByTestId('search-input').fill(path)
    const cut = async (where: string) => {
      const found = await page.evaluate(lookScripts.outsideWindow, '.app-header button, .app-header h1')
      expect({ where, wider: found.wider > 0, cut: found.cut }).toEqual({ where, wider: false, cut: [] })
    }
    await (await waitForRow(page, path)).click()
    await page.getByTestId('overview-target').waitFor()
    await cut('a request open')
    await page.keyboard.press('Escape')
    await cut('traffic')
    await inEachOtherView(page, cut)
  })
})

describe.each(['light', 'dark'] as const)('fields, %s theme', (colorScheme) => {
  it('are outlined at 3:1 against what surrounds them, in every view and the endpoint editor', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    const weak: Record<string, string[]> = {}
    const check = async (where: string, scope: string | null = null) => {
      const fields = await page.evaluate(lookScripts.fieldBorderContrasts, scope)
      expect(fields.length, where).toBeGreaterThan(0)
      const below = fields.filter((field) => field.contrast < 3).map((field) => `${field.testId} ${field.contrast}`)
      if (below.length > 0) weak[where] = below
    }
    await check('traffic')
    await inEachOtherView(page, check)
    await page.getByTestId('view-traffic').click()
    await page.getByTestId('endpoint-edit').first().click()
    await page.getByTestId('endpoint-field-name').waitFor()
    await check('endpoint editor', '[role="dialog"]')
    expect(weak).toEqual({})
  })
})

describe.each(['light', 'dark'] as const)('the focus ring, %s theme', (colorScheme) => {
  it('shows on every control Tab reaches in traffic, the Composer, Collections and Settings: 2 px, 3:1, not hidden by the box around it', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    const path = uniquePath('ring')
    await sendRequest(e2e.host.captureUrl, { method: 'POST', path, body: '{"ring":1}', headers: [['Content-Type', 'application/json']] })
    const unseen: string[] = []
    const walk = async (where: string) => {
      await page.locator('body').focus()
      const reached = new Set<string>()
      for (let step = 0; step < 60; step++) {
        await page.keyboard.press('Tab')
        const ring = await page.evaluate(lookScripts.focusRing)
        if (ring === null || reached.has(ring.testId)) continue
        reached.add(ring.testId)
        // The detail's edge shows the focus by filling itself with the accent instead (detail-splitter.test.tsx).
        if (ring.testId === 'detail-splitter') continue
        if (ring.width < 2 || ring.contrast < 3 || ring.hidden.length === 4) unseen.push(`${where}: ${JSON.stringify(ring)}`)
      }
      expect(reached.size, where).toBeGreaterThan(5)
    }
    await page.getByTestId('search-input').fill(path)
    await (await waitForRow(page, path)).click()
    await page.getByTestId('overview-target').waitFor()
    await walk('traffic')
    await inEachOtherView(page, walk)
    expect(unseen).toEqual([])
  })
})

describe.each(['light', 'dark'] as const)('the Composer’s headers, %s theme', (colorScheme) => {
  it('say the Content-Length that will be added in text that meets WCAG AA', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-new').click()
    await page.getByTestId('composer-method').fill('POST')
    await page.getByTestId('composer-body-input').fill('{"a":1}')
    await page.getByTestId('content-length-added').waitFor()
    expect(await page.evaluate(lookScripts.shownTextContrast, 'content-length-added')).toBeGreaterThanOrEqual(4.5)
  })
})

describe('notices', () => {
  it('leave the toolbar’s controls in sight and within reach, in a small window too, until dismissed', async (ctx) => {
    e2e.requireBrowser(ctx)
    // A file damaged before the start is set aside, with a notice that stays until dismissed.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'hookscope-notices-'))
    await writeFile(path.join(dataDir, 'settings.json'), '{damaged')
    const host = await startHost({ dataDir })
    const opened = await openPage(e2e.browser, host.openUrl, { viewport: { width: 1400, height: 860 } })
    try {
      const { page } = opened
      await expect.poll(() => page.getByTestId('notice').count()).toBe(1)
      const controls = '[data-testid="traffic-toolbar"] button, [data-testid="traffic-toolbar"] select, [data-testid="traffic-toolbar"] input, .app-header button'
      expect(await page.evaluate(lookScripts.coveredControls, controls)).toEqual([])
      await page.setViewportSize({ width: 800, height: 500 })
      expect(await page.evaluate(lookScripts.coveredControls, controls)).toEqual([])
      expect((await page.evaluate(lookScripts.outsideWindow, '[data-testid="notice"] button')).cut).toEqual([])
      await page.getByTestId('notice-dismiss').click()
      await expect.poll(() => page.getByTestId('notice').count()).toBe(0)
      expect(await page.evaluate(pageScripts.focusOnAControl)).toBe(true)
    } finally {
      await opened.context.close()
      await host.stop()
    }
  })
})

describe.each(['light', 'dark'] as const)('the endpoints while the page is disconnected, %s theme', (colorScheme) => {
  it('show their names, URLs and Copy in text that meets WCAG AA, though their state is unknown', async (ctx) => {
    e2e.requireBrowser(ctx)
    const host = await startHost()
    const opened = await openPage(e2e.browser, host.openUrl, { colorScheme })
    try {
      const { page } = opened
      await page.getByTestId('endpoint-url').waitFor()
      await host.stop()
      await page.locator('[data-testid="connection-banner"][data-state="disconnected"]').waitFor()
      await page.locator('[data-testid="endpoint-item"].state-unknown').waitFor()
      const contrasts = Object.fromEntries(
        await Promise.all(['endpoint-name', 'endpoint-url', 'endpoint-copy-url'].map(async (testId) => [testId, await page.evaluate(lookScripts.shownTextContrast, testId)] as const)),
      )
      for (const [testId, contrast] of Object.entries(contrasts)) expect(contrast, `${testId} ${JSON.stringify(contrasts)}`).toBeGreaterThanOrEqual(4.5)
    } finally {
      await opened.context.close()
      await host.stop()
    }
  })
})

/** Records every theme the page's root is given, from the page's start. */
const THEME_RECORDER = `
  window.__themesShown = []
  new MutationObserver((changes) => {
    for (const change of changes) if (change.target === document.documentElement) window.__themesShown.push(document.documentElement.dataset.theme)
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-theme'] })
`

describe('the theme chosen', () => {
  it('is the first one shown after a reload, never the system’s before it, and follows the system again once set back', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme: 'light', initScript: THEME_RECORDER })
    const toggle = page.getByTestId('theme-toggle')
    try {
      await page.locator('body').press('t')
      await toggle.filter({ hasText: 'Theme: light' }).waitFor()
      await page.locator('body').press('t')
      await toggle.filter({ hasText: 'Theme: dark' }).waitFor()
      await page.reload()
      await page.getByTestId('app-ready').waitFor({ state: 'attached' })
      await toggle.filter({ hasText: 'Theme: dark' }).waitFor()
      expect(await page.evaluate('window.__themesShown')).toEqual(['dark'])
      expect((await page.evaluate(pageScripts.pageTheme)).theme).toBe('dark')
    } finally {
      await page.locator('body').press('t')
      await toggle.filter({ hasText: 'Theme: system' }).waitFor()
    }
    // Following the system again: a change of the system's theme while the page is open shows at once.
    expect((await page.evaluate(pageScripts.pageTheme)).theme).toBe('light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(async () => (await page.evaluate(pageScripts.pageTheme)).theme).toBe('dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expect.poll(async () => (await page.evaluate(pageScripts.pageTheme)).theme).toBe('light')
  })
})
