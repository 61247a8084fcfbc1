// The headless host against the pages it must keep out, in a real browser: a page of another origin
// in the user's browser (cross-site WebSocket hijacking) and a hostile name resolving to 127.0.0.1
// (DNS rebinding). Each is given this run's token, as if it had leaked: Origin and Host alone must
// stop them. The UI's own page, running the same script, is let in, so the checks cannot pass vacuously.
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureBuilt, launchChromium, startHost, type RunningHost } from '../e2e/helpers'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/wire'

const REBIND_NAME = 'rebind.test'

let host: RunningHost | null = null
let browser: Browser | null = null
let skipReason: string | null = null
let hostile: http.Server | null = null

beforeAll(async () => {
  ensureBuilt()
  const probe = await launchChromium()
  if (!probe.browser) {
    skipReason = probe.reason
    console.warn(`[e2e] SKIPPING: ${skipReason}`)
    return
  }
  await probe.browser.close()
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      // The hostile name resolves to loopback, as a rebinding DNS server makes it once its page is loaded.
      `--host-resolver-rules=MAP ${REBIND_NAME} 127.0.0.1`,
      // Chromium's own Private Network Access checks would stop the rebound page before it reached the
      // host; other browsers have none, and the host must stand without them.
      '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests',
    ],
    timeout: 60_000,
  })
  host = await startHost()
  hostile = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end('<!doctype html><title>Elsewhere</title>')
  })
  await new Promise<void>((resolve) => hostile!.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await host?.stop()
  await new Promise((resolve) => (hostile ? hostile.close(resolve) : resolve(undefined)))
})

function require(ctx: TestContext): { host: RunningHost; browser: Browser } {
  if (skipReason) ctx.skip(skipReason)
  return { host: host!, browser: browser! }
}

/** What a page gets when it opens the Api's WebSocket with the token and calls a method. */
function tryApi(page: Page, url: string, token: string): Promise<string> {
  return page.evaluate(
    ([url, protocols]) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url, protocols)
        socket.onopen = () => socket.send(JSON.stringify({ type: 'call', id: 1, method: 'captures.query', input: {} }))
        socket.onmessage = (event) => resolve(`answered: ${String(event.data).slice(0, 60)}`)
        socket.onclose = (event) => resolve(`closed ${event.code}`)
      }),
    [url, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`]] as [string, string[]],
  )
}

/** Whether a page can read the UI port's answer with fetch (it would need CORS headers, which are never sent). */
function tryRead(page: Page, url: string): Promise<string> {
  return page.evaluate((url) => fetch(url).then((response) => `read ${response.status}`, (error: Error) => `refused: ${error.name}`), url)
}

describe('pages the headless host keeps out', () => {
  it('the UI\'s own page, running the same script, reaches the Api', async (ctx) => {
    const { host, browser } = require(ctx)
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${host.uiOrigin}/`)
      expect(await tryApi(page, `${host.uiOrigin.replace('http:', 'ws:')}/api`, host.token)).toMatch(/^answered: \{"type":"result","id":1,"result":\{"ok":true/)
    } finally {
      await context.close()
    }
  })

  it('the UI\'s page reached through a tunnel on another port, as `ssh -L` makes it, loads and reaches the Api', async (ctx) => {
    const { host, browser } = require(ctx)
    const uiPort = Number(new URL(host.uiOrigin).port)
    const piped = new Set<net.Socket>()
    const tunnel = net.createServer((inbound) => {
      piped.add(inbound)
      const outbound = net.connect({ port: uiPort, host: '127.0.0.1' })
      inbound.pipe(outbound).pipe(inbound)
      inbound.on('error', () => outbound.destroy())
      outbound.on('error', () => inbound.destroy())
    })
    await new Promise<void>((resolve) => tunnel.listen(0, '127.0.0.1', resolve))
    const context = await browser.newContext()
    try {
      const { port } = tunnel.address() as AddressInfo
      const page = await context.newPage()
      await page.goto(`http://localhost:${port}/#token=${host.token}`)
      // The page's own connection: its endpoints are listed once the Api answers it.
      await page.locator('[data-testid=endpoint-url]').first().waitFor()
      expect(await tryApi(page, `ws://localhost:${port}/api`, host.token)).toMatch(/^answered: \{"type":"result","id":1,"result":\{"ok":true/)
    } finally {
      await context.close()
      for (const socket of piped) socket.destroy()
      await new Promise((resolve) => tunnel.close(resolve))
    }
  })

  it('a page of another origin cannot open the Api or read the UI, even with the token', async (ctx) => {
    const { host, browser } = require(ctx)
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const { port } = hostile!.address() as AddressInfo
      for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
        await page.goto(`${origin}/`)
        expect(await tryApi(page, `${host.uiOrigin.replace('http:', 'ws:')}/api`, host.token), origin).toBe('closed 1006')
        expect(await tryApi(page, `ws://localhost:${new URL(host.uiOrigin).port}/api`, host.token), origin).toBe('closed 1006')
        expect(await tryRead(page, `${host.uiOrigin}/`), origin).toBe('refused: TypeError')
      }
    } finally {
      await context.close()
    }
  })

  it('a hostile name rebound to 127.0.0.1 gets neither the page nor the Api, even with the token', async (ctx) => {
    const { host, browser } = require(ctx)
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const uiPort = new URL(host.uiOrigin).port
      const rebound = `http://${REBIND_NAME}:${uiPort}`
      const direct = await page.goto(`${rebound}/`)
      expect(direct?.status()).toBe(403)
      expect(await page.locator('script').count()).toBe(0)
      // The attacker's page as it was first served (from the attacker's address), now running against
      // the UI port under the same name: same-origin in the browser's eyes, refused by the Host check.
      await page.route(`${rebound}/`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Rebound</title>' }))
      await page.goto(`${rebound}/`)
      expect(await tryRead(page, `${rebound}/index.html`)).toBe('read 403')
      expect(await tryApi(page, `ws://${REBIND_NAME}:${uiPort}/api`, host.token)).toBe('closed 1006')
    } finally {
      await context.close()
    }
  })
})
