// The link between the page and the headless host: the token from the URL fragment (kept for
// reloads, wiped from the address bar), plain banners when the token is missing or refused or the
// host went away, reconnecting when the new URL is opened in the same tab, a page kept connected
// through a burst of traffic, and one that stopped reading cut off by the host and back at once.
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { WS_CLOSE_FELL_BEHIND } from '../../shared/wire'
import { MAX_API_CLIENTS } from '../../electron/headless/host'
import { pageScripts, sendRequest, startHost, uniquePath, useE2E, waitForRow } from './helpers'
import { connectApi, type HostApi } from './helpers/api-client'

const e2e = useE2E()

/** Counts, in the page, the Api connections it opened and how each one closed. */
const SOCKET_PROBE = `
  window.__sockets = { opened: 0, closes: [] }
  const NativeWebSocket = window.WebSocket
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args)
      this.addEventListener('open', () => window.__sockets.opened++)
      this.addEventListener('close', (event) => window.__sockets.closes.push(event.code))
    }
  }
`

/** `count` requests as fast as 16 kept-alive connections carry them, each to its own path under `base`. */
async function burst(captureUrl: string, count: number, base: string, pad = ''): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  try {
    let next = 0
    const worker = async () => {
      while (next < count) {
        const i = next++
        await sendRequest(captureUrl, { path: `${base}/${i}${pad}`, body: '{"event":"burst"}', headers: [['Content-Type', 'application/json']] }, agent)
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
  } finally {
    agent.destroy()
  }
}

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

  it('keeps a page connected through a burst of live traffic', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ initScript: SOCKET_PROBE })
    const base = uniquePath('burst')
    await burst(e2e.host.captureUrl, 3000, base)
    // Live updates arrive in order: once the last one is listed, the page has taken the whole burst.
    await sendRequest(e2e.host.captureUrl, { path: `${base}/last` })
    await waitForRow(page, `${base}/last`, 60_000)
    expect(await page.evaluate('window.__sockets')).toEqual({ opened: 1, closes: [] })
    expect(await page.getByTestId('connection-banner').count()).toBe(0)
  })

  it('has a page that stopped reading cut off by the host, and back at once, showing what it missed', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, context } = await e2e.open({ initScript: SOCKET_PROBE })
    const base = uniquePath('stalled')
    // The page's scripts stop at the next live update, as a tab whose main thread is stuck would.
    const cdp = await context.newCDPSession(page)
    await cdp.send('Debugger.enable')
    const paused = new Promise<void>((resolve) => cdp.once('Debugger.paused', () => resolve()))
    await cdp.send('Debugger.pause')
    await sendRequest(e2e.host.captureUrl, { path: `${base}/first` })
    await paused
    // Each request's long path makes a large live update: far more than the host keeps for a page
    // (16 MB), and what the system and the browser buffer besides.
    await burst(e2e.host.captureUrl, 4000, base, `/${'p'.repeat(8 * 1024)}`)
    await sendRequest(e2e.host.captureUrl, { path: `${base}/after` })
    await cdp.send('Debugger.resume')
    await waitForRow(page, `${base}/after`, 60_000)
    const sockets = (await page.evaluate('window.__sockets')) as { opened: number; closes: number[] }
    expect(sockets).toEqual({ opened: 2, closes: [WS_CLOSE_FELL_BEHIND] })
    // Once is not "keeps happening": no banner.
    expect(await page.getByTestId('connection-banner').count()).toBe(0)
  })

  it('says so when as many pages as the host takes are connected, and connects once one leaves', async (ctx) => {
    e2e.requireBrowser(ctx)
    const others: HostApi[] = []
    const context = await e2e.browser.newContext()
    try {
      for (let i = 0; i < MAX_API_CLIENTS; i++) others.push(await connectApi(e2e.host))
      const page = await context.newPage()
      await page.goto(e2e.host.openUrl)
      const banner = page.getByTestId('connection-banner')
      await banner.and(page.locator('[data-state="too-many-pages"]')).waitFor()
      expect(await banner.textContent()).toContain('Hookscope is running, but too many pages are connected to it. Close some of its tabs')
      others.pop()!.close()
      await page.getByTestId('app-ready').waitFor({ state: 'attached' })
      await banner.waitFor({ state: 'detached' })
    } finally {
      for (const other of others) other.close()
      await context.close()
    }
  })
})
