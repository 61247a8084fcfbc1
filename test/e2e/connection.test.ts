// The link between the page and the headless host: the token from the URL fragment (kept for
// reloads, wiped from the address bar), plain banners when the token is missing or refused or the
// host went away, and reconnecting when the new URL is opened in the same tab.
import { describe, expect, it } from 'vitest'
import { pageScripts, sendRequest, startHost, uniquePath, useE2E, waitForRow } from './helpers'

const e2e = useE2E()

describe('connection', () => {
  it('takes the token from the fragment, removes it from the address bar, and survives a reload', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors, warnings } = await e2e.open()
    expect(page.url()).toBe(`${e2e.host.uiOrigin}/`)
    await page.reload()
    await page.getByTestId('app-ready').waitFor({ state: 'attached' })
    const p = uniquePath('after-reload')
    await sendRequest(e2e.host.captureUrl, { path: p })
    await waitForRow(page, p)
    expect(await page.getByTestId('connection-banner').count()).toBe(0)
    expect(errors).toEqual([])
    // Nor a warning: the browser warns, for instance, about a Permissions-Policy feature it does not know.
    expect(warnings).toEqual([])
  })

  it('says to open the printed URL when the page has no token or a wrong one', async (ctx) => {
    e2e.requireBrowser(ctx)
    const context = await e2e.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${e2e.host.uiOrigin}/`)
      const banner = page.getByTestId('connection-banner')
      await banner.filter({ hasText: 'Open the URL printed by hookscope serve' }).waitFor()
      expect(await banner.getAttribute('data-state')).toBe('no-token')
      // The toolbar agrees with the banner: nothing is loading.
      await page.getByTestId('traffic-count').filter({ hasText: /^Not connected$/ }).waitFor()
      await page.goto(`${e2e.host.uiOrigin}/#token=not-the-token`)
      await page.reload()
      await banner.and(page.locator('[data-state="unauthorized"]')).waitFor()
      expect(await banner.textContent()).toContain('Open the URL printed by hookscope serve')
      await page.getByTestId('traffic-count').filter({ hasText: /^Not connected$/ }).waitFor()
      expect(await page.getByTestId('app-ready').count()).toBe(0)
    } finally {
      await context.close()
    }
  })

  it('shows a banner when the host goes away, with endpoint states unknown, and reconnects when the new URL is opened in the same tab', async (ctx) => {
    e2e.requireBrowser(ctx)
    const first = await startHost()
    const context = await e2e.browser.newContext()
    let second: Awaited<ReturnType<typeof startHost>> | null = null
    try {
      const page = await context.newPage()
      await page.goto(first.openUrl)
      await page.getByTestId('app-ready').waitFor({ state: 'attached' })
      const uiPort = Number(new URL(first.uiOrigin).port)
      const endpointState = page.getByTestId('endpoint-item').first().getByTestId('endpoint-state')
      await endpointState.filter({ hasText: 'listening' }).waitFor()
      await first.stop({ keepData: true })
      const banner = page.getByTestId('connection-banner')
      await banner.and(page.locator('[data-state="disconnected"]')).waitFor()
      // Its listeners stopped with the host: the page must not claim they still capture.
      const bannerText = await banner.textContent()
      expect(bannerText).toContain('lost its connection to Hookscope')
      expect(bannerText).toContain('unknown')
      expect(bannerText).not.toContain('continue to be stored')
      expect(await endpointState.textContent()).toBe('state unknown while disconnected')
      expect(await page.getByTestId('endpoint-state').filter({ hasText: 'listening' }).count()).toBe(0)
      second = await startHost({ dataDir: first.dataDir, uiPort })
      await page.getByTestId('connection-banner').and(page.locator('[data-state="unauthorized"]')).waitFor({ timeout: 20_000 })
      await page.evaluate(pageScripts.setLocationHash, new URL(second.openUrl).hash)
      await page.getByTestId('connection-banner').waitFor({ state: 'detached' })
      await endpointState.filter({ hasText: 'listening' }).waitFor()
      const p = uniquePath('reconnected')
      await sendRequest(second.captureUrl, { path: p })
      await waitForRow(page, p)
    } finally {
      await context.close()
      await second?.stop()
      await first.stop()
    }
  })
})
