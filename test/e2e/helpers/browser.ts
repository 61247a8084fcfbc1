// Launches Debian's Chromium through playwright-core (never a downloaded browser). Where it is not
// installed, the reason is returned so that a test can say plainly why it skips; one that is installed
// and does not start is a failure, never a skip: a broken browser must not let the suite pass.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.HOOKSCOPE_CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export type LaunchResult = { browser: Browser; reason: null } | { browser: null; reason: string }

export async function launchChromium(): Promise<LaunchResult> {
  if (!existsSync(CHROMIUM_PATH)) return { browser: null, reason: `Chromium is not installed at ${CHROMIUM_PATH}` }
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 })
    return { browser, reason: null }
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM_PATH} is installed but did not start: ${(error as Error).message}`, { cause: error })
  }
}

export interface OpenedPage {
  context: BrowserContext
  page: Page
  /** Uncaught page errors and console errors, for assertions. */
  errors: string[]
  /** Console warnings (the browser's own included, e.g. about a response header it does not understand). */
  warnings: string[]
  /** alert/confirm/prompt dialogs the page tried to open. */
  dialogs: string[]
}

export interface OpenPageOptions {
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
  permissions?: string[]
  initScript?: string
}

export async function openPage(browser: Browser, url: string, options: OpenPageOptions = {}): Promise<OpenedPage> {
  const origin = new URL(url).origin
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1400, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  })
  await context.grantPermissions(options.permissions ?? ['clipboard-read', 'clipboard-write'], { origin })
  if (options.initScript) await context.addInitScript(options.initScript)
  const page = await context.newPage()
  const errors: string[] = []
  const warnings: string[] = []
  const dialogs: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
    if (message.type() === 'warning') warnings.push(message.text())
  })
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  await page.goto(url)
  await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 30_000 })
  return { context, page, errors, warnings, dialogs }
}
