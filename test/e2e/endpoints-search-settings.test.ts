// Endpoints, search and settings in a real browser: creating, editing, stopping and starting an
// endpoint (and what senders then get), new-request counts and refused-request counters, engine-side
// search and the filters, the theme switch, settings that persist, and desktop notifications.
import net from 'node:net'
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { pageScripts, runCurl, sendRaw, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'

const e2e = useE2E()

const NOTIFICATION_RECORDER = `
  window.__notifications = []
  window.Notification = class {
    static permission = 'granted'
    static requestPermission() { return Promise.resolve('granted') }
    constructor(title, options) { window.__notifications.push({ title, body: options && options.body }) }
    close() {}
  }
`

async function createEndpoint(page: Page, name: string): Promise<string> {
  await page.getByTestId('endpoint-new').click()
  await page.getByTestId('endpoint-editor').waitFor()
  await page.getByTestId('endpoint-field-name').fill(name)
  await page.getByTestId('endpoint-save').click()
  await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
  const item = page.getByTestId('endpoint-item').filter({ has: page.getByTestId('endpoint-name').filter({ hasText: name }) })
  await item.getByTestId('endpoint-state').filter({ hasText: 'listening' }).waitFor()
  return (await item.getByTestId('endpoint-url').textContent())!
}

async function waitForPaths(page: Page, paths: string[], count: string) {
  await page.waitForFunction(pageScripts.listShows, [JSON.stringify(paths), count] as const, { timeout: 15_000 })
}

const endpointItem = (page: Page, name: string) => page.getByTestId('endpoint-item').filter({ has: page.getByTestId('endpoint-name').filter({ hasText: name }) })

describe('endpoints', () => {
  it('creates an endpoint that listens at once, and shows its requests with its name', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Payments')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/)
    const p = uniquePath('payments')
    await sendRequest(url, { path: p, body: '{}' })
    const row = await waitForRow(page, p)
    expect(await row.textContent()).toContain('Payments')
  })

  it('edits the response rule, and senders get the new status, header and body', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Replies')
    await endpointItem(page, 'Replies').getByTestId('endpoint-edit').click()
    await page.getByTestId('endpoint-field-status').fill('202')
    await page.getByTestId('endpoint-field-headers').fill('Content-Type: text/plain\nX-Handled-By: hookscope')
    await page.getByTestId('endpoint-field-body').fill('accepted')
    await page.getByTestId('endpoint-field-status').fill('99')
    await page.getByTestId('endpoint-save').click()
    await page.getByTestId('endpoint-form-error').filter({ hasText: /status/ }).waitFor()
    await page.getByTestId('endpoint-field-status').fill('202')
    await page.getByTestId('endpoint-save').click()
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
    const { stdout } = await runCurl(['-i', `${url.replace(/\/$/, '')}/edited`])
    expect(stdout).toMatch(/^HTTP\/1\.1 202/)
    expect(stdout).toMatch(/X-Handled-By: hookscope/i)
    expect(stdout.endsWith('accepted')).toBe(true)
    const row = await waitForRow(page, '/edited')
    // A row appears when the request's headers arrive; its status follows once it was answered.
    await row.getByTestId('row-status').filter({ hasText: /^202$/ }).waitFor()
    expect(await row.getByTestId('row-status').textContent()).toBe('202')
  })

  it('keeps the editor open, with the reason, when a new endpoint cannot listen at its address', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    await page.getByTestId('endpoint-new').click()
    await page.getByTestId('endpoint-editor').waitFor()
    await page.getByTestId('endpoint-field-name').fill('Unbindable')
    // An address of the documentation range: no interface of this machine has it.
    await page.getByTestId('endpoint-field-host').fill('192.0.2.1')
    await page.getByTestId('endpoint-save').click()
    const error = page.getByTestId('endpoint-form-error').filter({ hasText: /^Saved, but it cannot listen: .*192\.0\.2\.1.*\. Change its bind address or port\.$/ })
    await error.waitFor()
    expect(await error.textContent()).toBe('Saved, but it cannot listen: 192.0.2.1 is not an address of this machine. Change its bind address or port.')
    expect(await page.getByTestId('endpoint-editor').isVisible()).toBe(true)
    // The bind address says so and takes the focus, which the Save button, disabled while saving, let go.
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('endpoint-field-host')
    expect(await page.getByTestId('endpoint-field-host').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByTestId('endpoint-field-host-error').textContent()).toBe('192.0.2.1 is not an address of this machine.')
    // The editor now edits the saved endpoint: a good address makes it listen, and closes it.
    await page.getByTestId('endpoint-field-host').fill('127.0.0.1')
    await page.getByTestId('endpoint-save').click()
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
    await endpointItem(page, 'Unbindable').getByTestId('endpoint-state').filter({ hasText: 'listening' }).waitFor()
    expect(await page.getByTestId('endpoint-item').filter({ has: page.getByTestId('endpoint-name').filter({ hasText: 'Unbindable' }) }).count()).toBe(1)
  })

  it('names the endpoint that already listens on the port a new endpoint asks for', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const port = new URL(e2e.host.captureUrl).port
    await page.getByTestId('endpoint-new').click()
    await page.getByTestId('endpoint-editor').waitFor()
    await page.getByTestId('endpoint-field-name').fill('Clashing')
    await page.getByTestId('endpoint-field-port').fill(port)
    await page.getByTestId('endpoint-save').click()
    const error = page.getByTestId('endpoint-form-error').filter({ hasText: /^Saved, but it cannot listen/ })
    await error.waitFor()
    expect(await error.textContent()).toBe(`Saved, but it cannot listen: Port ${port} on 127.0.0.1 is already used by the endpoint “Default”. Choose another port, or 0 for any free one.`)
    // The port says so and takes the focus, so that another can be typed at once.
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('endpoint-field-port')
    expect(await page.getByTestId('endpoint-field-port').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByTestId('endpoint-field-port-error').textContent()).toBe(`Port ${port} on 127.0.0.1 is already used by the endpoint “Default”. Choose another port, or 0 for any free one.`)
    // The sidebar gives the same reason under the endpoint.
    expect(await endpointItem(page, 'Clashing').getByTestId('endpoint-error').textContent()).toBe(
      `Port ${port} on 127.0.0.1 is already used by the endpoint “Default”. Choose another port, or 0 for any free one.`,
    )
    await page.getByTestId('endpoint-field-port').fill('0')
    await page.getByTestId('endpoint-save').click()
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
    await endpointItem(page, 'Clashing').getByTestId('endpoint-state').filter({ hasText: 'listening' }).waitFor()
  })

  it('keeps the editor’s buttons in view however long its form, in the same keyboard order, with each hint on its label’s line', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 1440, height: 900 } })
    await createEndpoint(page, 'Long form')
    await endpointItem(page, 'Long form').getByTestId('endpoint-edit').click()
    await page.getByTestId('endpoint-editor').waitFor()
    // The hints read on their label's line: the port's input lines up with the bind address's, and
    // the headers' box is as far below its label as that.
    const host = await page.evaluate(pageScripts.fieldLayout, 'endpoint-field-host')
    for (const testId of ['endpoint-field-port', 'endpoint-field-headers']) {
      const field = await page.evaluate(pageScripts.fieldLayout, testId)
      expect(field.input.top - field.label.top, testId).toBeCloseTo(host.input.top - host.label.top, 0)
      expect(field.hint!.left, testId).toBeGreaterThan(field.label.left + 20)
      expect(field.hint!.bottom, testId).toBeLessThanOrEqual(field.input.top)
    }
    expect((await page.evaluate(pageScripts.fieldLayout, 'endpoint-field-port')).input.top).toBeCloseTo(host.input.top, 0)

    // The longest form: forwarding with a target and a route, and a signature scheme.
    await page.getByTestId('forward-mode').selectOption('async')
    await page.getByTestId('forward-add-target').click()
    await page.getByTestId('forward-target-url').fill('http://127.0.0.1:9/hooks')
    await page.getByTestId('forward-add-route').click()
    await page.getByTestId('forward-route-prefix').fill('/orders')
    await page.getByTestId('signature-scheme').selectOption('stripe')
    const buttons = ['endpoint-remove', 'endpoint-cancel', 'endpoint-save']
    const shown = async () => Promise.all(buttons.map((testId) => page.evaluate(pageScripts.fullyShown, testId)))
    await page.getByTestId('endpoint-field-name').focus()
    expect(await shown()).toEqual([true, true, true])
    for (const viewport of [
      { width: 1100, height: 800 },
      { width: 1440, height: 600 },
    ]) {
      await page.setViewportSize(viewport)
      expect(await shown(), `${viewport.width}×${viewport.height}`).toEqual([true, true, true])
    }

    // From the last field, Tab goes on to the buttons, in their order.
    await page.getByTestId('signature-secret').focus()
    for (const testId of buttons) {
      await page.keyboard.press('Tab')
      expect(await page.locator(':focus').getAttribute('data-testid')).toBe(testId)
    }

    // What saving answers is in view with the buttons, wherever the fields are scrolled.
    await page.getByTestId('endpoint-field-port').fill('70000')
    await page.getByTestId('endpoint-save').click()
    await page.getByTestId('endpoint-form-error').filter({ hasText: /^Port:/ }).waitFor()
    await page.getByTestId('endpoint-field-name').focus()
    expect(await page.evaluate(pageScripts.fullyShown, 'endpoint-form-error')).toBe(true)
    expect(await shown()).toEqual([true, true, true])
    await page.getByTestId('endpoint-cancel').click()
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
  })

  it('stops and starts an endpoint', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Toggle')
    const item = endpointItem(page, 'Toggle')
    await item.getByTestId('endpoint-toggle').click()
    await item.getByTestId('endpoint-state').filter({ hasText: 'stopped' }).waitFor()
    await expect(sendRequest(url, { path: '/while-stopped' })).rejects.toThrow(/ECONNREFUSED/)
    await item.getByTestId('endpoint-toggle').click()
    await item.getByTestId('endpoint-state').filter({ hasText: 'listening' }).waitFor()
    expect(await item.getByTestId('endpoint-url').textContent()).toBe(url)
    await sendRequest(url, { path: '/after-restart' })
    await waitForRow(page, '/after-restart')
  })

  it('counts new requests of an endpoint not being viewed, and counts refused requests', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const other = await createEndpoint(page, 'Counted')
    await endpointItem(page, 'Default').getByTestId('endpoint-select').click()
    await sendRequest(other, { path: '/unseen-1' })
    await sendRequest(other, { path: '/unseen-2' })
    const badge = endpointItem(page, 'Counted').getByTestId('endpoint-new-count')
    await badge.filter({ hasText: '2' }).waitFor()
    await endpointItem(page, 'Counted').getByTestId('endpoint-select').click()
    await badge.waitFor({ state: 'detached' })
    await waitForRow(page, '/unseen-2')

    const response = await sendRaw(other, 'THIS IS NOT HTTP\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 400/)
    await endpointItem(page, 'Counted').locator('[data-testid="rejected-malformed"][data-count="1"]').waitFor()
  })
})

describe('search and filters', () => {
  it('finds requests by body text (searched by the engine) and filters by method, status, endpoint and time', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('search')
    await sendRequest(e2e.host.captureUrl, { method: 'POST', path: `${p}/a`, headers: [['Content-Type', 'application/json']], body: '{"customer":"zebra-unicorn-42"}' })
    await sendRequest(e2e.host.captureUrl, { method: 'GET', path: `${p}/b` })
    await sendRequest(e2e.host.captureUrl, { method: 'DELETE', path: `${p}/c`, headers: [['X-Secret-Header', 'needle-in-header']] })
    await waitForRow(page, `${p}/c`)

    await page.keyboard.press('/')
    await page.keyboard.type('zebra-unicorn')
    await waitForPaths(page, [`${p}/a`], '1 request')

    await page.getByTestId('search-input').fill('needle-in-header')
    await waitForPaths(page, [`${p}/c`], '1 request')

    const all = [`${p}/c`, `${p}/b`, `${p}/a`]
    await page.getByTestId('search-input').fill(p)
    await waitForPaths(page, all, '3 requests')
    await page.getByTestId('filter-method').selectOption('GET')
    await waitForPaths(page, [`${p}/b`], '1 request')

    await page.getByTestId('filter-method').selectOption('')
    await page.getByTestId('filter-status').selectOption('4')
    await page.getByTestId('no-matches').waitFor()
    await page.getByTestId('filter-status').selectOption('2')
    await waitForPaths(page, all, '3 requests')

    await page.getByTestId('filter-time').selectOption('5m')
    await waitForPaths(page, all, '3 requests')

    const endpointIds = await page.getByTestId('filter-endpoint').locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value).filter(Boolean))
    const other = endpointIds.find((id) => id !== endpointIds[0])
    if (other) {
      await page.getByTestId('filter-endpoint').selectOption(other)
      await page.getByTestId('no-matches').waitFor()
    }
    await page.getByTestId('filter-endpoint').selectOption(endpointIds[0]!)
    await waitForPaths(page, all, '3 requests')
  })

  it('shows live requests that match the search as they arrive', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const word = `live${Date.now().toString(36)}`
    await page.getByTestId('search-input').fill(word)
    await page.getByTestId('no-matches').waitFor()
    await sendRequest(e2e.host.captureUrl, { path: '/unrelated', body: 'nothing' })
    await sendRequest(e2e.host.captureUrl, { path: '/matching', body: `contains ${word}` })
    await waitForRow(page, '/matching')
    expect(await page.getByTestId('row-path').allTextContents()).toEqual(['/matching'])
  })
  it('finds a form by a value as the form viewer shows it, and a gzip body by its decoded text, as they arrive', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const word = `decoded${Date.now().toString(36)}`
    const p = uniquePath('decoded')
    await page.getByTestId('search-input').fill(`hello ${word}!`)
    await page.getByTestId('no-matches').filter({ hasText: 'decompressed and with form values decoded' }).waitFor()
    const form = [['Content-Type', 'application/x-www-form-urlencoded']] as Array<[string, string]>
    await sendRequest(e2e.host.captureUrl, { path: `${p}/slack`, headers: form, body: `command=%2Fsay&text=hello+${word}%21` })
    await sendRequest(e2e.host.captureUrl, { path: `${p}/gzip`, headers: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body: gzipSync(JSON.stringify({ text: `Hello ${word}!` })) })
    await sendRequest(e2e.host.captureUrl, { path: `${p}/not-a-form`, body: `text=hello+${word}%21` })
    await waitForPaths(page, [`${p}/gzip`, `${p}/slack`], '2 requests')
    // What was searched for is what the form viewer shows.
    await (await waitForRow(page, `${p}/slack`)).click()
    await page.getByTestId('detail-target').filter({ hasText: `${p}/slack` }).waitFor()
    await page.getByTestId('tab-body').click()
    await page.getByTestId('viewer-form').waitFor()
    expect(await page.getByTestId('form-row').allTextContents()).toEqual(['command/say', `texthello ${word}!`])
  })

  it('lists a match whose body finished arriving after a later request was stored', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const word = `slow${Date.now().toString(36)}`
    const p = uniquePath('slow-body')
    const url = new URL(e2e.host.captureUrl)
    // An upload whose headers arrive now and whose body arrives later: shown at once, stored (and so
    // found by a search) only when complete.
    const body = `first half, then ${word}`
    const socket = net.connect(Number(url.port), url.hostname)
    const answered = new Promise<string>((resolve, reject) => {
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    socket.write(`POST ${p}/slow HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`)
    await waitForRow(page, `${p}/slow`)

    await page.getByTestId('search-input').fill(word)
    await page.getByTestId('no-matches').waitFor()
    await sendRequest(e2e.host.captureUrl, { path: `${p}/quick`, body: `also ${word}` })
    await waitForPaths(page, [`${p}/quick`], '1 request')
    socket.write(body.slice(10))
    expect(await answered).toMatch(/^HTTP\/1\.1 200/)
    await waitForPaths(page, [`${p}/quick`, `${p}/slow`], '2 requests')
  })
})

describe('theme, settings and notifications', () => {
  it('switches the theme, and the choice survives a reload', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme: 'light' })
    const theme = async () => (await page.evaluate(pageScripts.pageTheme)).theme
    expect(await theme()).toBe('light')
    await page.getByTestId('theme-toggle').filter({ hasText: 'system' }).waitFor()
    await page.getByTestId('theme-toggle').click()
    await page.getByTestId('theme-toggle').filter({ hasText: 'light' }).waitFor()
    await page.keyboard.press('t')
    await page.getByTestId('theme-toggle').filter({ hasText: 'dark' }).waitFor()
    expect(await theme()).toBe('dark')
    expect((await page.evaluate(pageScripts.pageTheme)).background).toBe('rgb(20, 23, 28)')
    await page.reload()
    await page.getByTestId('app-ready').waitFor({ state: 'attached' })
    await page.getByTestId('theme-toggle').filter({ hasText: 'dark' }).waitFor()
    expect(await theme()).toBe('dark')
    await page.getByTestId('theme-toggle').click()
    await page.getByTestId('theme-toggle').filter({ hasText: 'system' }).waitFor()
    expect(await theme()).toBe('light')
  })

  it('keeps the labels of filled buttons readable in both themes (WCAG AA contrast)', async (ctx) => {
    e2e.requireBrowser(ctx)
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await e2e.open({ colorScheme })
      expect((await page.evaluate(pageScripts.pageTheme)).theme).toBe(colorScheme)
      await page.getByTestId('endpoint-new').click()
      await page.getByTestId('endpoint-save').waitFor()
      expect(await page.evaluate(pageScripts.textContrast, '[data-testid="endpoint-save"]'), `${colorScheme}: primary`).toBeGreaterThanOrEqual(4.5)
      await page.keyboard.press('Escape')
      await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
      await page.getByTestId('clear-history').click()
      await page.getByTestId('confirm-button').waitFor()
      expect(await page.evaluate(pageScripts.textContrast, '[data-testid="confirm-button"]'), `${colorScheme}: danger`).toBeGreaterThanOrEqual(4.5)
      await page.keyboard.press('Escape')
    }
  })

  it('changes retention and limits in the settings view, and they persist', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    await page.getByTestId('open-settings').click()
    await page.getByTestId('settings-view').waitFor()
    await page.getByTestId('settings-maxCaptures').fill('5')
    await page.getByTestId('settings-save').click()
    await page.getByTestId('settings-maxCaptures-error').filter({ hasText: 'Keep at most (requests) must be at least 10.' }).waitFor()
    await page.locator('[data-testid="settings-maxCaptures"]:focus').waitFor()
    expect(await page.getByTestId('settings-maxCaptures').getAttribute('aria-invalid')).toBe('true')
    await page.getByTestId('settings-maxCaptures').fill('25000')
    await page.getByTestId('settings-maxBodyBytes').fill('50')
    await page.getByTestId('settings-save').click()
    await page.getByTestId('settings-saved').waitFor()
    await page.reload()
    await page.getByTestId('app-ready').waitFor({ state: 'attached' })
    // The reload comes back to Settings.
    await page.getByTestId('settings-view').waitFor()
    expect(await page.getByTestId('settings-maxCaptures').inputValue()).toBe('25000')
    expect(await page.getByTestId('settings-maxBodyBytes').inputValue()).toBe('50')
    await page.getByTestId('settings-close').click()
    await page.getByTestId('traffic-toolbar').waitFor()
  })

  it('shows a desktop notification for a new request when turned on and the window is in the background', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ initScript: NOTIFICATION_RECORDER })
    await page.getByTestId('open-settings').click()
    const toggle = page.getByTestId('settings-notifications')
    expect(await toggle.isChecked()).toBe(false)
    await page.evaluate(pageScripts.pretendBackground)
    await sendRequest(e2e.host.captureUrl, { path: '/before-enabling' })
    await toggle.click()
    await page.waitForFunction(pageScripts.checkboxChecked, 'settings-notifications')
    await sendRequest(e2e.host.captureUrl, { method: 'POST', path: '/notify-me' })
    await page.waitForFunction(pageScripts.hasNotifications, null, { timeout: 15_000 })
    const shown = await page.evaluate(pageScripts.shownNotifications)
    expect(shown).toHaveLength(1)
    expect(shown[0]!.title).toBe('New request on Default')
    expect(shown[0]!.body).toBe('POST /notify-me')
    await toggle.click()
    await page.waitForFunction(pageScripts.checkboxUnchecked, 'settings-notifications')
  })
})
