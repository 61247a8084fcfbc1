// Forwarding in a real browser against the real headless host and real target servers: configuring
// targets, routes and retries in the endpoint editor; deliveries and failures in the list; a target
// not tried yet, going down and coming back with its queue; pause, resume, retry now, retry failed
// and drop in the sidebar; the Forwarding tab with the target's answer, retrying and dropping one
// request; hostile answers shown as text; proxy mode relaying the app's answer to the sender, and
// showing the target up or down; a 2xx answer cut short counted as delivered, in words.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Target } from '../helpers/targets'
import { httpTarget, rawTarget } from '../helpers/targets'
import { pageScripts, sendRequest, uniquePath, useE2E, utf8ByteString, waitForRow } from './helpers'
import { appTarget, createEndpoint, endpointItem, failingTarget, IMG, lateTarget, openEditor, saveEditor, SCRIPT, targetItem } from './helpers/forwarding'

const e2e = useE2E()

const targetInState = (page: Page, endpoint: string, url: string, state: string) =>
  endpointItem(page, endpoint).locator(`[data-testid="target-item"][data-state="${state}"]`).filter({ has: page.getByTestId('target-url').filter({ hasText: url }) })

async function assertNothingRan(page: Page, dialogs: string[]) {
  expect(await page.evaluate(pageScripts.injectionReport)).toEqual({ pwned: null, foreign: [], svgs: 0, handlers: [], images: [] })
  expect(dialogs).toEqual([])
}

async function withTargets(targets: Array<{ close(): Promise<void> } | null>, run: () => Promise<void>) {
  try {
    await run()
  } finally {
    for (const target of targets) await target?.close()
  }
}

/**
 * A new endpoint forwarding asynchronously to `targetUrl`, whose retries wait longer than a test:
 * only "Retry now" and resuming bring the next attempt. Returns the endpoint's capture URL.
 */
async function endpointWithPatientRetries(page: Page, name: string, targetUrl: string): Promise<string> {
  const url = await createEndpoint(page, name)
  await openEditor(page, name)
  await page.getByTestId('forward-mode').selectOption('async')
  await page.getByTestId('forward-add-target').click()
  await page.getByTestId('forward-target-url').fill(targetUrl)
  await page.getByTestId('forward-max-attempts').fill('1000')
  await page.getByTestId('forward-base-delay').fill('100')
  await page.getByTestId('forward-max-delay').fill('200')
  await saveEditor(page)
  return url
}

describe('forwarding', () => {
  it('is configured in the editor, delivers by route, shows the target’s answer, and retries what failed once the target is healed', async (ctx) => {
    e2e.requireBrowser(ctx)
    const app = await appTarget()
    const flaky = await failingTarget(500)
    await withTargets([app, flaky], async () => {
      const { page } = await e2e.open()
      const url = await createEndpoint(page, 'Orders fwd')
      await openEditor(page, 'Orders fwd')
      await page.getByTestId('forward-mode').selectOption('async')
      await page.getByTestId('forward-add-target').click()
      await page.getByTestId('forward-target-url').fill('localhost:3000')
      await page.getByTestId('endpoint-save').click()
      await page.getByTestId('forward-target-error').filter({ hasText: 'Give a full URL' }).waitFor()
      await page.getByTestId('forward-target-url').fill(`${app.url}/hooks`)
      await page.getByTestId('forward-add-target').click()
      await page.getByTestId('forward-target-url').nth(1).fill(flaky.url)
      const flakyId = (await page.getByTestId('forward-target').nth(1).getAttribute('data-target-id'))!
      await page.getByTestId('forward-add-route').click()
      await page.getByTestId('forward-route-prefix').fill('/fail')
      await page.getByTestId('forward-route-target').selectOption(flakyId)
      await page.getByTestId('forward-max-attempts').fill('2')
      await page.getByTestId('forward-base-delay').fill('0.05')
      await page.getByTestId('forward-max-delay').fill('0.1')
      await saveEditor(page)
      const flakyItem = targetItem(page, 'Orders fwd', flaky.url)
      const appState = targetItem(page, 'Orders fwd', `${app.url}/hooks`).getByTestId('target-state')
      await appState.filter({ hasText: 'not tried' }).waitFor()

      const p = uniquePath('orders')
      await sendRequest(url, { path: `${p}/created`, headers: [['Content-Type', 'application/json']], body: '{"order":42}' })
      const delivered = await waitForRow(page, `${p}/created`)
      await delivered.getByTestId('badge-forward').filter({ hasText: '→ 200' }).waitFor()
      expect(app.received.map((r) => r.url)).toEqual([`/hooks${p}/created`])
      await appState.filter({ hasText: 'up' }).waitFor()

      await sendRequest(url, { path: `/fail${p}`, body: 'to the failing one' })
      const failed = await waitForRow(page, `/fail${p}`)
      await failed.getByTestId('badge-forward').filter({ hasText: '→ failed 500' }).waitFor()
      await flakyItem.locator('[data-testid="target-failed"][data-count="1"]').waitFor()
      expect(flaky.received).toHaveLength(2)

      await delivered.click()
      await page.getByTestId('tab-forwarding').click()
      const tab = page.getByTestId('forwarding-tab')
      await tab.getByTestId('attempt-row').first().waitFor()
      expect(await tab.getByTestId('attempt-result').allTextContents()).toEqual(['200 OK'])
      expect(await tab.getByTestId('attempt-url').textContent()).toBe(`${app.url}/hooks${p}/created`)
      const sent = tab.getByTestId('attempt-sent-headers')
      expect(await sent.getByTestId('attempt-header-name').allTextContents()).toContain('Content-Type')
      expect(await sent.getByTestId('attempt-header-value').allTextContents()).toContain(new URL(app.url).host)
      const answered = tab.getByTestId('attempt-response-headers')
      expect(await answered.getByTestId('attempt-header-name').allTextContents()).toContain('X-App')
      expect(await answered.getByTestId('attempt-header-value').allTextContents()).toContain('orders-service')
      await tab.locator('[data-testid="viewer-json"] .cm-editor').waitFor()
      expect(await page.evaluate(pageScripts.editorText, '[data-testid="attempt-body"]')).toContain(`"received": "/hooks${p}/created"`)

      flaky.heal()
      await flakyItem.getByTestId('target-retry-failed').click()
      await failed.getByTestId('badge-forward').filter({ hasText: '→ 200' }).waitFor()
      await flakyItem.locator('[data-testid="target-failed"][data-count="0"]').waitFor()
      expect(flaky.received).toHaveLength(3)
    })
  })

  it('spaces the buttons of the note on what a waiting request waits behind', async (ctx) => {
    e2e.requireBrowser(ctx)
    const late = await lateTarget()
    const { page } = await e2e.open()
    const url = await endpointWithPatientRetries(page, 'Behind fwd', late.url)
    const p = uniquePath('behind')
    for (const n of [1, 2]) await sendRequest(url, { path: `${p}/${n}`, body: `n=${n}` })
    await (await waitForRow(page, `${p}/1`)).getByTestId('badge-forward').filter({ hasText: /^→ retrying/ }).waitFor()
    await (await waitForRow(page, `${p}/2`)).click()
    await page.getByTestId('tab-forwarding').click()
    const open = page.getByTestId('forwarding-waits-behind').getByTestId('forwarding-open-blocker')
    const retry = page.getByTestId('forwarding-waits-behind').getByTestId('forwarding-retry-now')
    await retry.waitFor()
    const a = (await open.boundingBox())!
    const b = (await retry.boundingBox())!
    // Side by side with a gap, or one under the other with a gap: never touching.
    const apart = Math.abs(a.y - b.y) < 1 ? b.x - (a.x + a.width) : b.y - (a.y + a.height)
    expect(apart).toBeGreaterThanOrEqual(4)
  })

  it('shows a target not tried, then down, and back with its queue when tried now; pauses and resumes it, and drops what waits', async (ctx) => {
    e2e.requireBrowser(ctx)
    const late = await lateTarget()
    let running: Target | null = null
    await withTargets([{ close: async () => void (await running?.close()) }], async () => {
      const { page } = await e2e.open()
      const url = await endpointWithPatientRetries(page, 'Queue fwd', late.url)
      const item = targetItem(page, 'Queue fwd', late.url)
      await targetInState(page, 'Queue fwd', late.url, 'unknown').getByTestId('target-state').filter({ hasText: 'not tried' }).waitFor()
      expect(await item.getByTestId('target-retry-now').isDisabled()).toBe(true)

      const p = uniquePath('queue')
      for (const n of [1, 2, 3]) await sendRequest(url, { path: `${p}/${n}`, body: `n=${n}` })
      await targetInState(page, 'Queue fwd', late.url, 'down').waitFor()
      await item.locator('[data-testid="target-waiting"][data-count="3"]').waitFor()
      expect(await item.getByTestId('target-error').textContent()).toMatch(/connection refused/)
      await item.getByTestId('target-next').filter({ hasText: /^next attempt \d\d:\d\d:\d\d/ }).waitFor()
      await (await waitForRow(page, `${p}/1`)).getByTestId('badge-forward').filter({ hasText: /^→ retrying \(\d+\)$/ }).waitFor()
      await (await waitForRow(page, `${p}/3`)).getByTestId('badge-forward').filter({ hasText: '→ pending' }).waitFor()

      await item.getByTestId('target-pause').click()
      await targetInState(page, 'Queue fwd', late.url, 'paused').waitFor()
      await item.getByTestId('target-pause').filter({ hasText: 'Resume' }).waitFor()
      expect(await item.getByTestId('target-retry-now').isDisabled()).toBe(true)
      // Resumed, it tries at once; still down, it waits out a longer backoff.
      await item.getByTestId('target-pause').click()
      await (await waitForRow(page, `${p}/1`)).getByTestId('badge-forward').filter({ hasText: '→ retrying (2)' }).waitFor()
      await targetInState(page, 'Queue fwd', late.url, 'down').locator('[data-testid="target-retry-now"]:not([disabled])').waitFor()
      running = await late.start()
      await item.getByTestId('target-retry-now').click()
      await targetInState(page, 'Queue fwd', late.url, 'idle').waitFor()
      await item.locator('[data-testid="target-waiting"][data-count="0"]').waitFor()
      await running.waitFor(3)
      expect(running.received.map((r) => r.url)).toEqual([`${p}/1`, `${p}/2`, `${p}/3`])
      for (const n of [1, 2, 3]) await (await waitForRow(page, `${p}/${n}`)).getByTestId('badge-forward').filter({ hasText: '→ 200' }).waitFor()

      await item.getByTestId('target-pause').click()
      await targetInState(page, 'Queue fwd', late.url, 'paused').waitFor()
      for (const n of [4, 5]) await sendRequest(url, { path: `${p}/${n}`, body: `n=${n}` })
      await item.locator('[data-testid="target-waiting"][data-count="2"]').waitFor()
      await item.getByTestId('target-drop').click()
      const confirm = page.getByTestId('target-drop-confirm')
      expect(await confirm.textContent()).toContain(`2 requests waiting for ${late.url}`)
      await confirm.getByTestId('confirm-button').click()
      await item.locator('[data-testid="target-waiting"][data-count="0"]').waitFor()
      for (const n of [4, 5]) await (await waitForRow(page, `${p}/${n}`)).getByTestId('badge-forward').filter({ hasText: '→ dropped' }).waitFor()

      await item.getByTestId('target-pause').click()
      await targetInState(page, 'Queue fwd', late.url, 'idle').waitFor()
      // The queue is ordered: had the dropped requests still waited, they would arrive before this one.
      await sendRequest(url, { path: `${p}/6`, body: 'n=6' })
      await running.waitFor(4)
      expect(running.received.map((r) => r.url)).toEqual([`${p}/1`, `${p}/2`, `${p}/3`, `${p}/6`])
    })
  })

  it('keeps the keyboard on the target and in the Forwarding tab through Pause, Retry now, Retry and Drop, never on the page', async (ctx) => {
    e2e.requireBrowser(ctx)
    const late = await lateTarget()
    let running: Target | null = null
    await withTargets([{ close: async () => void (await running?.close()) }], async () => {
      const { page } = await e2e.open()
      const url = await endpointWithPatientRetries(page, 'Keys fwd', late.url)
      const item = targetItem(page, 'Keys fwd', late.url)
      const p = uniquePath('keys')
      for (const n of [1, 2]) await sendRequest(url, { path: `${p}/${n}`, body: `n=${n}` })
      await item.locator('[data-testid="target-waiting"][data-count="2"]').waitFor()
      const focused = () => page.evaluate('document.activeElement && (document.activeElement.dataset.testid || document.activeElement.tagName)')
      /** Presses Enter on a control, waits until what it did is shown, then for the focus to be on `expected`. */
      const enterOn = async (control: ReturnType<Page['getByTestId']>, done: () => Promise<unknown>, expected: string) => {
        await control.focus()
        await page.keyboard.press('Enter')
        await done()
        await page.waitForFunction(`document.activeElement && document.activeElement.dataset.testid === ${JSON.stringify(expected)}`, undefined, { timeout: 5_000 }).catch(() => undefined)
        expect(await focused()).toBe(expected)
      }

      // Pause and Resume are busy while the engine saves the change; the focus stays on them.
      await enterOn(item.getByTestId('target-pause'), () => targetInState(page, 'Keys fwd', late.url, 'paused').waitFor(), 'target-pause')
      await enterOn(item.getByTestId('target-pause'), () => item.getByTestId('target-pause').filter({ hasText: 'Pause' }).waitFor(), 'target-pause')

      await (await waitForRow(page, `${p}/2`)).click()
      await page.getByRole('tab', { name: 'Forwarding' }).click()
      const tab = page.getByTestId('forwarding-tab')
      await enterOn(tab.getByTestId('forwarding-retry'), () => page.getByTestId('toast').filter({ hasText: 'Queued for delivery again' }).waitFor(), 'forwarding-retry')
      // Dropped, it can no longer be dropped: the focus stays in the tab, on Retry.
      await enterOn(tab.getByTestId('forwarding-drop'), () => tab.locator('[data-testid="forwarding-state"][data-state="dropped"]').waitFor(), 'forwarding-retry')

      // Tried now and delivered, nothing is left to try or drop: the focus goes to Pause.
      await targetInState(page, 'Keys fwd', late.url, 'down').locator('[data-testid="target-retry-now"]:not([disabled])').waitFor()
      running = await late.start()
      await enterOn(item.getByTestId('target-retry-now'), () => targetInState(page, 'Keys fwd', late.url, 'idle').waitFor(), 'target-pause')
    })
  })

  it('moves a route to the top and to the bottom from the keyboard, the focus then on its other arrow, never on the page', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    await createEndpoint(page, 'Route keys')
    await openEditor(page, 'Route keys')
    await page.getByTestId('forward-mode').selectOption('async')
    await page.getByTestId('forward-add-target').click()
    await page.getByTestId('forward-target-url').fill('http://127.0.0.1:3000')
    for (const n of [0, 1, 2]) {
      await page.getByTestId('forward-add-route').click()
      await page.getByTestId('forward-route-prefix').nth(n).fill(`/r${n}`)
    }
    const prefixes = () => page.getByTestId('forward-route-prefix').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value))
    const focusedLabel = () => page.evaluate('document.activeElement && (document.activeElement.getAttribute("aria-label") || document.activeElement.tagName)')
    const focusOn = (label: string) => page.waitForFunction(`document.activeElement && document.activeElement.getAttribute('aria-label') === ${JSON.stringify(label)}`, undefined, { timeout: 5_000 }).catch(() => undefined)

    await page.getByLabel('Move route 3 up').focus()
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    // At the top it cannot go up again: the focus is on the same route's other arrow.
    await page.waitForFunction(`document.querySelector('[data-testid="forward-route-prefix"]').value === '/r2'`)
    await focusOn('Move route 1 down')
    expect(await focusedLabel()).toBe('Move route 1 down')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await page.waitForFunction(`Array.from(document.querySelectorAll('[data-testid="forward-route-prefix"]')).pop().value === '/r2'`)
    await focusOn('Move route 3 up')
    expect(await focusedLabel()).toBe('Move route 3 up')
    expect(await prefixes()).toEqual(['/r0', '/r1', '/r2'])
  })

  it('shows a hostile answer as text in the Forwarding tab, and retries and drops that one request', async (ctx) => {
    e2e.requireBrowser(ctx)
    const hostile = await httpTarget((_req, res) => {
      res.writeHead(400, 'Bad <b>Request</b>', [
        ['Content-Type', 'text/html'],
        ['X-Evil', IMG],
        ["X-Evil'|&onload", SCRIPT],
        ['X-Bidi', utf8ByteString('safe\u202Etxt.exe')],
      ].flat())
      res.end(`<html><body onload="window.__pwned=5">${SCRIPT}${IMG}</body></html>`)
    })
    await withTargets([hostile], async () => {
      const { page, dialogs } = await e2e.open()
      const url = await createEndpoint(page, 'Hostile fwd')
      await openEditor(page, 'Hostile fwd')
      await page.getByTestId('forward-mode').selectOption('async')
      await page.getByTestId('forward-add-target').click()
      await page.getByTestId('forward-target-url').fill(hostile.url)
      await saveEditor(page)

      const p = uniquePath('hostile-answer')
      await sendRequest(url, { path: p, body: 'hello' })
      const row = await waitForRow(page, p)
      await row.getByTestId('badge-forward').filter({ hasText: '→ failed 400' }).waitFor()
      await row.click()
      await page.getByTestId('tab-forwarding').click()
      const tab = page.getByTestId('forwarding-tab')
      await tab.getByTestId('attempt-detail').waitFor()
      expect(await tab.getByTestId('attempt-outcome').textContent()).toBe('400 Bad <b>Request</b>')
      const answered = tab.getByTestId('attempt-response-headers')
      expect(await answered.getByTestId('attempt-header-name').allTextContents()).toContain("X-Evil'|&onload")
      const values = await answered.getByTestId('attempt-header-value').allTextContents()
      expect(values).toContain(IMG)
      expect(values).toContain(SCRIPT)
      expect(values).toContain('safe<U+202E>txt.exe')
      await tab.locator('[data-testid="viewer-html"] .cm-editor').waitFor()
      expect(await page.evaluate(pageScripts.editorText, '[data-testid="attempt-body"]')).toContain(SCRIPT)
      await assertNothingRan(page, dialogs)

      await tab.getByTestId('forwarding-retry').click()
      await tab.getByTestId('forwarding-attempt-count').filter({ hasText: /^2$/ }).waitFor()
      await tab.getByTestId('attempt-row').nth(1).waitFor()
      await tab.locator('[data-testid="forwarding-state"][data-state="failed"]').waitFor()
      expect(hostile.received).toHaveLength(2)
      await tab.getByTestId('forwarding-drop').click()
      await tab.locator('[data-testid="forwarding-state"][data-state="dropped"]').waitFor()
      await row.getByTestId('badge-forward').filter({ hasText: '→ dropped' }).waitFor()
      await assertNothingRan(page, dialogs)
    })
  })

  it('relays the app’s answer to the sender in proxy mode', async (ctx) => {
    e2e.requireBrowser(ctx)
    const app = await appTarget()
    await withTargets([app], async () => {
      const { page } = await e2e.open()
      const url = await createEndpoint(page, 'Proxy fwd')
      await openEditor(page, 'Proxy fwd')
      await page.getByTestId('forward-mode').selectOption('proxy')
      await page.getByTestId('forward-mode-hint').filter({ hasText: 'relayed as it came' }).waitFor()
      await page.getByTestId('forward-add-target').click()
      await page.getByTestId('forward-target-url').fill(app.url)
      await saveEditor(page)
      const item = targetItem(page, 'Proxy fwd', app.url)
      await item.getByTestId('target-state').filter({ hasText: 'not tried' }).waitFor()
      expect(await item.getByTestId('target-pause').count()).toBe(0)

      const p = uniquePath('proxied')
      const answer = await sendRequest(url, { path: p, body: '{"via":"proxy"}' })
      expect(answer.status).toBe(200)
      expect(JSON.parse(answer.body)).toEqual({ received: p, bytes: 15 })
      const row = await waitForRow(page, p)
      await row.getByTestId('badge-forward').filter({ hasText: '→ 200' }).waitFor()
      await item.getByTestId('target-state').filter({ hasText: 'up' }).waitFor()
    })
  })
  it('promises no time for the next attempt of a request held by its paused target, in the Forwarding tab and the overview', async (ctx) => {
    e2e.requireBrowser(ctx)
    const flaky = await failingTarget(500)
    await withTargets([flaky], async () => {
      const { page } = await e2e.open()
      const url = await createEndpoint(page, 'Held fwd')
      await openEditor(page, 'Held fwd')
      await page.getByTestId('forward-mode').selectOption('async')
      await page.getByTestId('forward-add-target').click()
      await page.getByTestId('forward-target-url').fill(flaky.url)
      // Retried after a minute: the test never sees the next attempt leave.
      await page.getByTestId('forward-base-delay').fill('60')
      await page.getByTestId('forward-max-delay').fill('60')
      await saveEditor(page)
      const p = uniquePath('held')
      await sendRequest(url, { path: p, body: '{}' })
      const row = await waitForRow(page, p)
      await row.getByTestId('badge-forward').filter({ hasText: /^→ retrying/ }).waitFor()
      await targetItem(page, 'Held fwd', flaky.url).getByTestId('target-pause').click()
      await row.getByTestId('badge-forward').filter({ hasText: '→ held' }).waitFor()
      await row.click()
      await page.getByTestId('tab-forwarding').click()
      const tab = page.getByTestId('forwarding-tab')
      await tab.getByTestId('forwarding-held').waitFor()
      expect(await tab.getByTestId('forwarding-sentence').textContent()).toBe('The last attempt failed (the target answered 500).')
      expect(await tab.getByTestId('forwarding-next-attempt').count()).toBe(0)
      await page.getByTestId('tab-overview').click()
      expect(await page.getByTestId('overview-forwarding-sentence').textContent()).toBe('The last attempt failed (the target answered 500).')
      expect(flaky.received).toHaveLength(1)
    })
  })

  it('says in words what was wrong with an answer that is not HTTP, in the Forwarding tab, the overview and the sidebar', async (ctx) => {
    e2e.requireBrowser(ctx)
    // Something other than the app answers on the target's port: a page, without a status line.
    const other = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n')) socket.end('<html><body>Welcome</body></html>')
    })
    await withTargets([other], async () => {
      const { page } = await e2e.open()
      const url = await createEndpoint(page, 'Not HTTP fwd')
      await openEditor(page, 'Not HTTP fwd')
      await page.getByTestId('forward-mode').selectOption('async')
      await page.getByTestId('forward-add-target').click()
      await page.getByTestId('forward-target-url').fill(other.url)
      await page.getByTestId('forward-max-attempts').fill('1')
      await saveEditor(page)
      const p = uniquePath('not-http')
      await sendRequest(url, { path: p, body: '{}' })
      const row = await waitForRow(page, p)
      await row.getByTestId('badge-forward').filter({ hasText: '→ failed' }).waitFor()
      const words = 'the answer is not HTTP: it does not start with a status line such as “HTTP/1.1 200 OK” (is another kind of server listening on that port?)'
      await targetItem(page, 'Not HTTP fwd', other.url).getByTestId('target-error').filter({ hasText: words }).waitFor()
      await row.click()
      await page.getByTestId('tab-forwarding').click()
      const tab = page.getByTestId('forwarding-tab')
      await tab.getByTestId('attempt-detail').waitFor()
      expect(await tab.getByTestId('attempt-result').textContent()).toBe(words)
      // Its tooltip, as the text: the message is text, not bytes, so its quotes stay quotes.
      expect(await tab.getByTestId('attempt-result').getAttribute('title')).toBe(words)
      expect(await tab.getByTestId('attempt-outcome').textContent()).toBe(words)
      expect(await tab.getByTestId('forwarding-error').textContent()).toBe(`gave up after 1 attempt: ${words}`)
      await page.getByTestId('tab-overview').click()
      expect(await page.getByTestId('overview-forwarding-last').textContent()).toContain(` → ${words} in `)
      expect(await page.getByTestId('detail').textContent()).not.toMatch(/INVALID_RESPONSE|HPE_|Parse Error/)
    })
  })

  it('counts a 2xx answer whose body was cut short as delivered, sent once, and says so in words in the Forwarding tab', async (ctx) => {
    e2e.requireBrowser(ctx)
    // The app answers 200 and its headers whole, then its connection resets before the body's end.
    const cut = await rawTarget((all, socket) => {
      if (!all.toString('latin1').endsWith('{}')) return
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"took":')
      socket.resetAndDestroy()
    })
    await withTargets([cut], async () => {
      const { page } = await e2e.open()
      const url = await endpointWithPatientRetries(page, 'Cut short fwd', cut.url)
      const p = uniquePath('cut-short')
      await sendRequest(url, { path: p, body: '{}' })
      const row = await waitForRow(page, p)
      await row.getByTestId('badge-forward').filter({ hasText: '→ 200' }).waitFor()
      await row.click()
      await page.getByTestId('tab-forwarding').click()
      const tab = page.getByTestId('forwarding-tab')
      await tab.getByTestId('attempt-cut-short').waitFor()
      expect(await tab.getByTestId('forwarding-state').getAttribute('data-state')).toBe('delivered')
      expect(await tab.getByTestId('attempt-row').count()).toBe(1)
      expect(await tab.getByTestId('attempt-result').textContent()).toBe('200 OK · answer cut short')
      // How the reset reads depends on whether Node saw it while reading or after: either way, in words.
      expect(await tab.getByTestId('attempt-cut-short').textContent()).toMatch(
        /^The answer was cut short after its status and headers: (the target closed the connection mid-response|connection reset \(read ECONNRESET\))\. 8 B of its body came, of the 100 B its Content-Length announced\. The app answered 200, so the request counts as delivered and is not sent again\.$/,
      )
      expect(cut.connections.flat().map((chunk) => chunk.toString('latin1')).join('').split(`POST ${p} `).length - 1).toBe(1)
    })
  })

  it('tells which addresses refused a localhost target, within the width of the Forwarding tab', async (ctx) => {
    e2e.requireBrowser(ctx)
    const port = new URL((await lateTarget()).url).port
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Refused fwd')
    await openEditor(page, 'Refused fwd')
    await page.getByTestId('forward-mode').selectOption('proxy')
    await page.getByTestId('forward-add-target').click()
    await page.getByTestId('forward-target-url').fill(`http://localhost:${port}`)
    await saveEditor(page)
    const p = uniquePath('refused')
    const answer = await sendRequest(url, { path: p, body: '{}' })
    expect(answer.status).toBe(502)
    expect(answer.body).toContain(`127.0.0.1:${port}`)
    const row = await waitForRow(page, p)
    await row.getByTestId('badge-forward').filter({ hasText: '→ failed' }).waitFor()
    const item = targetItem(page, 'Refused fwd', `http://localhost:${port}`)
    await item.getByTestId('target-state').filter({ hasText: 'down' }).waitFor()
    expect(await item.getByTestId('target-error').textContent()).toContain(`127.0.0.1:${port}`)
    await row.click()
    await page.getByTestId('tab-forwarding').click()
    const result = page.getByTestId('attempt-result')
    await result.filter({ hasText: `127.0.0.1:${port}` }).waitFor()
    expect(await result.getAttribute('title')).toContain(`127.0.0.1:${port}`)
    const fits = await page.getByTestId('forwarding-tab').evaluate((tab) => {
      const table = tab.querySelector('[data-testid="attempts-table"]')!
      return { table: table.getBoundingClientRect().right, tab: tab.getBoundingClientRect().right }
    })
    expect(fits.table).toBeLessThanOrEqual(fits.tab)
  })
})
