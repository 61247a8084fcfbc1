// One headless host and one Chromium per test file, with a fresh page per test. Where Chromium is not
// installed, every test of the file is skipped with the reason printed; an installed Chromium that does
// not start fails them (see launchChromium): nothing passes silently.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, type TestContext } from 'vitest'
import { ensureBuilt } from './build'
import { launchChromium, openPage, type OpenedPage, type OpenPageOptions } from './browser'
import { startHost, type RunningHost, type StartHostOptions } from './host'

export interface E2E {
  readonly host: RunningHost
  readonly browser: Browser
  /** Skips the calling test (with the reason) when Chromium is not installed. */
  requireBrowser(context: TestContext): void
  /** Opens the host's URL in a fresh browser context and waits for the app to be ready. */
  open(options?: OpenPageOptions): Promise<OpenedPage>
}

export function useE2E(hostOptions: StartHostOptions = {}): E2E {
  let host: RunningHost | null = null
  let browser: Browser | null = null
  let skipReason: string | null = null
  const opened: OpenedPage[] = []

  beforeAll(async () => {
    ensureBuilt()
    const launched = await launchChromium()
    if (launched.browser) browser = launched.browser
    else {
      skipReason = launched.reason
      console.warn(`[e2e] SKIPPING: ${skipReason}`)
      return
    }
    host = await startHost(hostOptions)
  })

  afterEach(async () => {
    for (const item of opened.splice(0)) await item.context.close().catch(() => undefined)
  })

  afterAll(async () => {
    await browser?.close().catch(() => undefined)
    await host?.stop()
  })

  return {
    get host() {
      if (!host) throw new Error(skipReason ?? 'The host did not start')
      return host
    },
    get browser() {
      if (!browser) throw new Error(skipReason ?? 'Chromium did not start')
      return browser
    },
    requireBrowser(context) {
      if (skipReason) context.skip(skipReason)
    },
    async open(options) {
      const page = await openPage(this.browser, this.host.openUrl, options)
      opened.push(page)
      return page
    },
  }
}

/** Waits until the list shows a row whose path contains `text`; returns that row's locator. */
export async function waitForRow(page: Page, text: string, timeout = 15_000) {
  const row = page.getByTestId('traffic-row').filter({ has: page.getByTestId('row-path').filter({ hasText: text }) })
  await row.first().waitFor({ state: 'visible', timeout })
  return row.first()
}

/** Unique path segment so tests sharing a host never see each other's rows. */
export function uniquePath(prefix: string): string {
  return `/${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}
