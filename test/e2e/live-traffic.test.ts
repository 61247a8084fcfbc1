// The live list in a real browser against the real headless host: the empty state's command, rows
// arriving from curl, keyboard navigation, selection and scroll that stay put, pause, the timeline
// and clearing the history.
import { describe, expect, it } from 'vitest'
import { pageScripts, runCurl, runShell, sendRaw, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'
import { connectApi } from './helpers/api-client'
import { lateTarget } from './helpers/forwarding'

const e2e = useE2E()

/** What the forward and signature badges of two rows show. */
type Shown = { retrying: [string, string]; halfway: [string, string] }

/** A page 1600 px wide with a new request, sent to the default endpoint, open in the detail. */
async function pageWithDetailOpen(prefix: string) {
  const { page } = await e2e.open({ viewport: { width: 1600, height: 860 } })
  const path = uniquePath(prefix)
  await sendRequest(e2e.host.captureUrl, { path, body: 'x' })
  await (await waitForRow(page, path)).click()
  await page.getByTestId('detail').waitFor()
  return page
}

describe('live traffic', () => {
  it('shows the exact curl command in the empty state, and running it makes a row appear', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const command = (await page.getByTestId('empty-curl').textContent())!
    expect(command).toBe(`curl -X POST '${e2e.host.captureUrl.replace(/\/$/, '')}/webhooks' -H 'Content-Type: application/json' -d '{"event":"hello","from":"curl"}'`)
    await runShell(command)
    const row = await waitForRow(page, '/webhooks')
    expect(await row.getByTestId('row-method').textContent()).toBe('POST')
    // A row appears when the request's headers arrive; its status follows once it was answered.
    await row.getByTestId('row-status').filter({ hasText: /^200$/ }).waitFor()
    expect(await row.getByTestId('row-status').textContent()).toBe('200')
    await page.getByTestId('empty-state').waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })

  it('shows a request sent with curl, with its method, path, status, size and endpoint', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const path = uniquePath('curl')
    await runCurl(['-X', 'PUT', `${e2e.host.captureUrl.replace(/\/$/, '')}${path}?x=1`, '-H', 'Content-Type: text/plain', '--data-binary', 'twelve bytes'])
    const row = await waitForRow(page, path)
    expect(await row.getByTestId('row-path').textContent()).toBe(`${path}?x=1`)
    expect(await row.getByTestId('row-method').textContent()).toBe('PUT')
    expect(await row.textContent()).toContain('12 B')
    expect(await row.textContent()).toContain('Default')
  })

  it('clips only the cells whose text outgrows its column, so that nothing spills into the next one', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const hostApi = await connectApi(e2e.host)
    try {
      const long = await hostApi.api['endpoints.create']({ name: 'Payments, refunds and disputes (staging)', host: '127.0.0.1', port: 0 })
      const longUrl = (await hostApi.api['endpoints.status']({})).find((status) => status.id === long.id)!.url!
      const base = uniquePath('clip')
      await sendRequest(longUrl, { method: 'UNSUBSCRIBE', path: `${base}/long/${'segment/'.repeat(60)}end`, body: 'x' })
      // OPTIONS: the widest of the methods that always fit.
      await sendRequest(e2e.host.captureUrl, { method: 'OPTIONS', path: `${base}/short`, body: 'x' })
      const longRow = await waitForRow(page, `${base}/long/`)
      const shortRow = await waitForRow(page, `${base}/short`)
      await shortRow.getByTestId('row-status').filter({ hasText: /^200$/ }).waitFor()
      await longRow.getByTestId('row-status').filter({ hasText: /^200$/ }).waitFor()
      const report = async (row: typeof longRow) => page.evaluate(pageScripts.rowCellOverflow, (await row.getAttribute('data-capture-id'))!)
      const longCells = await report(longRow)
      const shortCells = await report(shortRow)
      // Nothing is wider than its cell without being clipped.
      expect([...longCells, ...shortCells].filter((cell) => cell.overflows && !cell.clipped)).toEqual([])
      expect(longCells.filter((cell) => cell.overflows).map((cell) => cell.cell).sort()).toEqual(['endpoint', 'method', 'path'])
      // Text that always fits is not clipped: every clip costs the browser work in each live frame.
      expect(shortCells.filter((cell) => cell.clipped).map((cell) => cell.cell)).toEqual(['path'])
      // With a request open, the list narrows its columns: still nothing spills.
      await shortRow.click()
      await page.getByTestId('detail').waitFor()
      const narrowed = [...(await report(longRow)), ...(await report(shortRow))]
      expect(narrowed.filter((cell) => cell.overflows && !cell.clipped)).toEqual([])
    } finally {
      hostApi.close()
    }
  })

  it('keeps the forward result and the signature verdict whole in a row at every width, in short forms where the list is narrow', async (ctx) => {
    e2e.requireBrowser(ctx)
    const down = await lateTarget()
    const hostApi = await connectApi(e2e.host)
    const { api } = hostApi
    const endpoint = await api['endpoints.create']({ name: 'Badges', host: '127.0.0.1', port: 0 })
    try {
      await api['endpoints.update']({
        id: endpoint.id,
        patch: {
          signature: { scheme: 'stripe' },
          // A target that is down, and a wait longer than the test: the first request stays retrying.
          forward: { mode: 'async', targets: [{ id: 'down', url: down.url, paused: false }], defaultTargetId: 'down', retry: { maxAttempts: 1000, maxAgeMs: 3_600_000, baseDelayMs: 100_000, maxDelayMs: 200_000 } },
        },
      })
      await api['endpoints.setSecret']({ id: endpoint.id, secret: 'whsec_badges' })
      const url = (await api['endpoints.status']({})).find((status) => status.id === endpoint.id)!.url!
      const base = uniquePath('badges')
      await sendRequest(url, { path: `${base}/unsigned`, body: '{"n":1}' })
      // A sender that stops halfway: not forwarded, its signature not checked, and flagged.
      await sendRaw(url, `POST ${base}/halfway HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"n":`)

      for (const colorScheme of ['light', 'dark'] as const) {
        const { page } = await e2e.open({ viewport: { width: 1440, height: 900 }, colorScheme })
        const retrying = await waitForRow(page, `${base}/unsigned`)
        const halfway = await waitForRow(page, `${base}/halfway`)
        await retrying.locator('[data-testid="badge-forward"][data-state="retrying"]').waitFor()
        await retrying.locator('[data-testid="badge-signature"][data-kind="missing-header"]').waitFor()
        await halfway.locator('[data-testid="badge-forward"][data-state="skipped"]').waitFor()
        await halfway.locator('[data-testid="badge-signature"][data-kind="incomplete-body"]').waitFor()
        await halfway.getByTestId('badge-incomplete').waitFor()
        const attempts = /\((\d+)\)/.exec((await retrying.getByTestId('badge-forward').textContent())!)![1]
        const badges = async (row: typeof retrying) => page.evaluate(pageScripts.rowBadges, (await row.getAttribute('data-capture-id'))!)
        /** The forward and signature badges of both rows: what each shows, all of them wholly inside the cell. */
        const check = async (where: string, shown: Shown) => {
          const [a, b] = [await badges(retrying), await badges(halfway)]
          expect(a.badges, where).toEqual([
            { testId: 'badge-forward', shown: shown.retrying[0], inside: true },
            { testId: 'badge-signature', shown: shown.retrying[1], inside: true },
          ])
          expect(b.badges.slice(0, 2), where).toEqual([
            { testId: 'badge-forward', shown: shown.halfway[0], inside: true },
            { testId: 'badge-signature', shown: shown.halfway[1], inside: true },
          ])
          // A badge that does not fit (the flag, when the cell is short of room) gives way whole to an
          // ellipsis; the cell's title names them all.
          expect([a.ellipsis, b.ellipsis], where).toEqual([true, true])
          expect(b.title, where).toBe('→ not sent · sig unchecked · incomplete')
        }
        const full: Shown = { retrying: [`→ retrying (${attempts})`, 'sig missing'], halfway: ['→ not sent', 'sig unchecked'] }
        const short: Shown = { retrying: ['→ retrying', 'no sig'], halfway: ['→ not sent', 'sig ?'] }

        await check(`${colorScheme}, 1440 wide, detail closed`, full)
        await halfway.click()
        await page.getByTestId('detail').waitFor()
        await check(`${colorScheme}, 1440 wide, detail open`, short)
        // The list at its narrowest.
        await page.setViewportSize({ width: 1100, height: 800 })
        await page.waitForFunction(pageScripts.widthIs, ['main.traffic', 490] as const, { timeout: 3000 })
        await check(`${colorScheme}, 1100 wide, detail open`, short)
        await page.keyboard.press('Escape')
        await page.getByTestId('detail').waitFor({ state: 'detached' })
        await check(`${colorScheme}, 1100 wide, detail closed`, full)
        // What a badge means is in its own title, the retry count included.
        expect(await retrying.getByTestId('badge-forward').getAttribute('title')).toContain(`${attempts} attempt`)
      }
    } finally {
      await api['endpoints.remove']({ id: endpoint.id })
      hostApi.close()
    }
  })

  it('resizes the detail by dragging its edge or with the keys, keeps the width on reload, and fits the list to what is left', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 1600, height: 860 } })
    const path = uniquePath('split')
    await sendRequest(e2e.host.captureUrl, { path, body: 'x' })
    const openRow = async () => {
      const row = await waitForRow(page, path)
      await row.click()
      await page.getByTestId('detail').waitFor()
      return row
    }
    let row = await openRow()
    const detailWidth = async () => (await page.getByTestId('detail').boundingBox())!.width
    const listWidth = async () => (await page.locator('main.traffic').boundingBox())!.width
    const shows = async (cell: string) => row.locator(`.cell.${cell}`).isVisible()
    /** The width of each cell the row displays, by the cell's name. */
    const widths = async () => Object.fromEntries((await page.evaluate(pageScripts.rowCellOverflow, (await row.getAttribute('data-capture-id'))!)).filter((cell) => cell.displayed).map((cell) => [cell.cell, cell.width]))
    const splitter = page.getByTestId('detail-splitter')

    // The layout's width: 46 % of the window. The list (604 px) drops the duration and the endpoint.
    const initial = await detailWidth()
    expect(Math.round(initial)).toBe(736)
    expect([await shows('size'), await shows('duration'), await shows('endpoint')]).toEqual([true, false, false])
    expect(await splitter.getAttribute('aria-valuenow')).toBe('736')
    expect(await widths()).toMatchObject({ time: 92, method: 60, status: 54, size: 64, flags: 148 })

    // Dragged 300 px to the right: the list has room for every column.
    const edge = (await splitter.boundingBox())!
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 300)
    await page.mouse.down()
    await page.mouse.move(edge.x + edge.width / 2 + 300, edge.y + 300, { steps: 6 })
    await page.mouse.up()
    expect(Math.round(await detailWidth())).toBe(436)
    expect([await shows('size'), await shows('duration'), await shows('endpoint')]).toEqual([true, true, true])
    expect(await widths()).toMatchObject({ time: 92, method: 66, status: 50, size: 68, duration: 66, flags: 216 })

    // Kept across a reload.
    await page.reload()
    await page.getByTestId('app-ready').waitFor({ state: 'attached' })
    row = await openRow()
    expect(Math.round(await detailWidth())).toBe(436)

    // The keys: ← widens by 32 px, Home makes the detail its narrowest, End as wide as the list
    // allows, Enter gives the width back.
    await splitter.focus()
    await page.keyboard.press('ArrowLeft')
    expect(Math.round(await detailWidth())).toBe(468)
    await page.keyboard.press('Home')
    expect(Math.round(await detailWidth())).toBe(320)
    await page.keyboard.press('End')
    expect(Math.round(await detailWidth())).toBe(1600 - 750)
    expect(Math.round(await listWidth())).toBe(490)
    // The narrowest list keeps its badges and drops the size too; nothing spills out of its cell.
    const cells = await page.evaluate(pageScripts.rowCellOverflow, (await row.getAttribute('data-capture-id'))!)
    expect(cells.filter((cell) => cell.displayed).map((cell) => cell.cell)).toEqual(['time', 'method', 'path', 'status', 'flags'])
    // Each cell in its own column: the badges keep their width rather than taking a hidden column's.
    expect(await widths()).toMatchObject({ time: 92, method: 60, status: 54, flags: 148 })
    expect(cells.filter((cell) => cell.overflows && !cell.clipped)).toEqual([])
    // A smaller window never pushes the list below its minimum: the chosen width gives way.
    await page.setViewportSize({ width: 1300, height: 860 })
    await page.waitForFunction(pageScripts.widthIs, ['main.traffic', 490] as const, { timeout: 3000 })
    expect(Math.round(await detailWidth())).toBe(1300 - 750)
    await page.keyboard.press('Enter')
    // The layout's own width (46 % of the window, 598 px) gives way to the list's minimum too.
    expect(Math.round(await detailWidth())).toBe(1300 - 750)
    expect(await page.evaluate("localStorage.getItem('hookscope.detailWidth')")).toBeNull()
    // The list's shortcuts still work once the focus leaves the edge.
    await page.keyboard.press('Escape')
    await page.getByTestId('detail').waitFor({ state: 'detached' })
  })

  it('keeps an open request whole in a narrow window: the endpoints step aside, then the request covers the list', async (ctx) => {
    e2e.requireBrowser(ctx)
    const page = await pageWithDetailOpen('narrow')
    const box = async (testId: string) => page.getByTestId(testId).boundingBox()
    const inView = async (where: string) => {
      for (const testId of ['copy-curl', 'copy-code', 'detail-close']) expect(await page.evaluate(pageScripts.fullyShown, testId), `${where}: ${testId}`).toBe(true)
      const detail = (await box('detail'))!
      expect(detail.x + detail.width, where).toBeLessThanOrEqual(page.viewportSize()!.width + 0.5)
    }
    // Room for all three (260 + 490 + 320).
    await page.setViewportSize({ width: 1100, height: 800 })
    await inView('1100 wide')
    expect(await page.getByTestId('endpoints-sidebar').isVisible()).toBe(true)
    expect(Math.round((await page.locator('main.traffic').boundingBox())!.width)).toBeGreaterThanOrEqual(490)
    // Not for the endpoints too: they step aside while the request is open, and the list keeps its minimum.
    await page.setViewportSize({ width: 980, height: 760 })
    await page.getByTestId('endpoints-sidebar').waitFor({ state: 'hidden' })
    await inView('980 wide')
    expect(Math.round((await page.locator('main.traffic').boundingBox())!.width)).toBeGreaterThanOrEqual(490)
    // Narrower still: the request covers the list.
    await page.setViewportSize({ width: 760, height: 700 })
    await page.locator('main.traffic').waitFor({ state: 'hidden' })
    await inView('760 wide')
    expect(Math.round((await box('detail'))!.width)).toBe(760)
    // The header's items keep their text on one line each ("web · v0.1.0" broke in two at 700).
    await page.setViewportSize({ width: 700, height: 700 })
    await inView('700 wide')
    expect((await box('host-info'))!.height).toBeLessThan(24)
    // Closed, the list and the endpoints are back.
    await page.getByTestId('detail-close').click()
    await page.locator('main.traffic').waitFor({ state: 'visible' })
    expect(await page.getByTestId('endpoints-sidebar').isVisible()).toBe(true)
  })

  it('gives the focus to a request opened from the keyboard where it covers the list, and back to the list on Esc', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 760, height: 700 } })
    const path = uniquePath('narrow-keys')
    await sendRequest(e2e.host.captureUrl, { path, body: 'x' })
    await waitForRow(page, path)
    await page.locator('[role="grid"]').focus()
    await page.keyboard.press('g')
    await page.keyboard.press('Enter')
    await page.locator('main.traffic').waitFor({ state: 'hidden' })
    // Not left on the hidden list, which the browser turns into a focus on the page's body.
    await page.locator('[data-testid="detail"]:focus').waitFor()
    expect(await page.getByTestId('detail').locator('.detail-title').textContent()).toContain(path)
    // Tab goes on into the request's own controls.
    await page.keyboard.press('Tab')
    expect(await page.evaluate("document.activeElement.closest('[data-testid=\"detail\"]') !== null")).toBe(true)
    await page.keyboard.press('Escape')
    await page.getByTestId('detail').waitFor({ state: 'detached' })
    await page.locator('[role="grid"]:focus').waitFor()
  })

  it("tells assistive technology the detail's width and its largest as the window changes", async (ctx) => {
    e2e.requireBrowser(ctx)
    const page = await pageWithDetailOpen('split-aria')
    const splitter = page.getByTestId('detail-splitter')
    expect([await splitter.getAttribute('aria-valuenow'), await splitter.getAttribute('aria-valuemax')]).toEqual(['736', '850'])
    // The layout's width (46 % of the window) follows the window, and so does what the edge tells.
    await page.setViewportSize({ width: 1400, height: 860 })
    await page.waitForFunction(pageScripts.attributesAre, ['detail-splitter', JSON.stringify({ 'aria-valuenow': '644', 'aria-valuemax': '650' })] as const, { timeout: 3000 })
    expect(Math.round((await page.getByTestId('detail').boundingBox())!.width)).toBe(644)
  })

  it('a press on the edge that moves only up or down leaves the width to the layout', async (ctx) => {
    e2e.requireBrowser(ctx)
    const page = await pageWithDetailOpen('split-press')
    const edge = (await page.getByTestId('detail-splitter').boundingBox())!
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 300)
    await page.mouse.down()
    await page.mouse.move(edge.x + edge.width / 2, edge.y + 340, { steps: 4 })
    await page.mouse.up()
    expect(await page.evaluate("localStorage.getItem('hookscope.detailWidth')")).toBeNull()
    // Still 46 % of the window once it is smaller, not the width it had when pressed.
    await page.setViewportSize({ width: 1400, height: 860 })
    await page.waitForFunction(pageScripts.widthIs, ['main.traffic', 1400 - 260 - 644] as const, { timeout: 3000 })
    expect(Math.round((await page.getByTestId('detail').boundingBox())!.width)).toBe(644)
  })

  it('shows the focused edge of the detail in both themes with the contrast a focus needs', async (ctx) => {
    e2e.requireBrowser(ctx)
    const page = await pageWithDetailOpen('split-focus')
    const splitter = page.getByTestId('detail-splitter')
    await splitter.focus()
    await page.keyboard.press('Shift')
    expect(await splitter.evaluate((element) => element.matches(':focus-visible'))).toBe(true)
    for (const theme of ['light', 'dark']) {
      await page.locator('html').evaluate((root, name) => root.setAttribute('data-theme', name), theme)
      // At least 3:1 against the panel beside it (WCAG 1.4.11).
      expect(await page.evaluate(pageScripts.backgroundContrast, ['detail-splitter', '.detail'] as const), theme).toBeGreaterThanOrEqual(3)
    }
  })

  it('moves with j/k and the arrow keys, opens with Enter and closes with Escape', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const base = uniquePath('keys')
    for (const n of [1, 2, 3]) await sendRequest(e2e.host.captureUrl, { path: `${base}/${n}`, body: `{"n":${n}}`, headers: [['Content-Type', 'application/json']] })
    await waitForRow(page, `${base}/3`)
    const selectedPath = () => page.locator('[data-testid="traffic-row"][aria-selected="true"] [data-testid="row-path"]').textContent()
    await page.locator('body').press('j')
    expect(await selectedPath()).toBe(`${base}/3`)
    await page.keyboard.press('j')
    expect(await selectedPath()).toBe(`${base}/2`)
    await page.keyboard.press('ArrowDown')
    expect(await selectedPath()).toBe(`${base}/1`)
    await page.keyboard.press('k')
    expect(await selectedPath()).toBe(`${base}/2`)
    await page.keyboard.press('Enter')
    await page.getByTestId('overview-target').filter({ hasText: `${base}/2` }).waitFor()
    await page.keyboard.press('ArrowUp')
    await page.getByTestId('overview-target').filter({ hasText: `${base}/3` }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByTestId('detail').waitFor({ state: 'detached' })
    await page.keyboard.press('?')
    await page.getByTestId('help-sheet').waitFor()
    expect(await page.getByTestId('shortcut-row').count()).toBeGreaterThanOrEqual(10)
    await page.keyboard.press('Escape')
    await page.getByTestId('help-sheet').waitFor({ state: 'detached' })
  })

  it('Esc in the search clears it and goes back to the list, and a dialog opened from the list gives the focus back to it', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const base = uniquePath('esc')
    for (const n of [1, 2]) await sendRequest(e2e.host.captureUrl, { path: `${base}/${n}`, body: 'x' })
    await waitForRow(page, `${base}/2`)
    const selectedPath = () => page.locator('[data-testid="traffic-row"][aria-selected="true"] [data-testid="row-path"]').textContent()
    const search = page.getByTestId('search-input')
    await page.locator('body').press('/')
    await page.keyboard.type('stripe')
    await page.keyboard.press('Escape')
    await page.locator('[role="grid"]:focus').waitFor()
    await page.keyboard.press('j')
    expect(await search.inputValue()).toBe('')
    expect(await selectedPath()).toBe(`${base}/2`)
    await page.keyboard.press('j')
    expect(await selectedPath()).toBe(`${base}/1`)

    // Shift+R asks where to resend the selected request; Esc closes it and the list has the keys again.
    await page.keyboard.press('Shift+R')
    await page.getByTestId('resend-prompt').waitFor()
    await page.keyboard.press('Escape')
    await page.getByTestId('resend-prompt').waitFor({ state: 'detached' })
    await page.locator('[role="grid"]:focus').waitFor()
    await page.keyboard.press('k')
    expect(await selectedPath()).toBe(`${base}/2`)
  })

  it('keeps the selection, the opened request and the scroll position while new rows arrive', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 1400, height: 700 } })
    const count = async () => Number((await page.getByTestId('traffic-count').textContent())!.replace(/\D/g, ''))
    const start = await count()
    const base = uniquePath('steady')
    await Promise.all(Array.from({ length: 60 }, (_, n) => sendRequest(e2e.host.captureUrl, { path: `${base}/${n}`, body: 'x' })))
    await page.getByTestId('traffic-count').filter({ hasText: `${start + 60} requests` }).waitFor()
    await page.getByTestId('traffic-scroll').evaluate((element) => {
      element.scrollTop = 600
    })
    const firstVisible = () => page.evaluate(pageScripts.firstVisibleRow)
    await page.waitForFunction(pageScripts.listScrolledTo, 600)
    const before = (await firstVisible())!
    const anchor = page.locator(`[data-testid="traffic-row"][data-capture-id="${before.id}"]`)
    await anchor.click()
    const anchorPath = (await anchor.getByTestId('row-path').textContent())!
    await page.getByTestId('overview-target').filter({ hasText: anchorPath }).waitFor()
    const scrollBefore = await page.getByTestId('traffic-scroll').evaluate((element) => element.scrollTop)
    const later = uniquePath('later')
    await Promise.all(Array.from({ length: 15 }, (_, n) => sendRequest(e2e.host.captureUrl, { path: `${later}/${n}`, body: 'y' })))
    await page.getByTestId('traffic-count').filter({ hasText: `${start + 75} requests` }).waitFor()
    expect(await page.getByTestId('traffic-scroll').evaluate((element) => element.scrollTop)).toBe(scrollBefore + 15 * 30)
    expect(await firstVisible()).toEqual(before)
    expect(await page.locator('[data-testid="traffic-row"][aria-selected="true"]').getAttribute('data-capture-id')).toBe(before.id)
    expect(await page.getByTestId('overview-target').textContent()).toBe(anchorPath)
  })

  it('pauses live updates, holds what arrives, and shows it on resume', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    await page.getByTestId('pause-toggle').click()
    await page.getByTestId('pause-toggle').filter({ hasText: /^Resume$/ }).waitFor()
    const path = uniquePath('paused')
    await sendRequest(e2e.host.captureUrl, { path, body: 'held' })
    await page.getByTestId('pause-toggle').filter({ hasText: /^Resume \(1 new\)$/ }).waitFor()
    expect(await page.getByTestId('row-path').filter({ hasText: path }).count()).toBe(0)
    await page.keyboard.press('p')
    await waitForRow(page, path)
    await page.getByTestId('pause-toggle').filter({ hasText: /^Pause$/ }).waitFor()
  })

  it('draws the timeline from live traffic, colored by status class', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const path = uniquePath('timeline')
    await Promise.all(Array.from({ length: 5 }, () => sendRequest(e2e.host.captureUrl, { path, body: 'z' })))
    await waitForRow(page, path)
    await page.waitForFunction(pageScripts.timelineHasBars, '2xx', { timeout: 5_000 })
    expect(await page.getByTestId('timeline-5xx').getAttribute('d')).toBe('')
    // A key names each color in words, its swatch drawn in its bars' color.
    const key = await page.evaluate(pageScripts.timelineKey)
    expect(key.map((entry) => entry.text)).toEqual(['2xx', '3xx', '4xx', '5xx', 'no response (yet)'])
    for (const entry of key) {
      expect(entry.visible, entry.text ?? '').toBe(true)
      expect(entry.swatch, entry.text ?? '').toBe(entry.bars)
    }
    expect(new Set(key.map((entry) => entry.swatch)).size).toBe(5)
  })

  it('clears the history after confirmation', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    await page.getByTestId('traffic-row').first().waitFor()
    await page.keyboard.press('x')
    await page.getByTestId('clear-confirm').waitFor()
    await page.getByText('Cancel').click()
    await page.getByTestId('clear-confirm').waitFor({ state: 'detached' })
    expect(await page.getByTestId('traffic-row').count()).toBeGreaterThan(0)
    await page.getByTestId('clear-history').click()
    await page.getByTestId('confirm-button').click()
    await page.getByTestId('empty-state').waitFor()
    expect(await page.getByTestId('traffic-count').textContent()).toBe('0 requests')
  })
})
