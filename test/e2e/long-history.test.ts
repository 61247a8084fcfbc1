// A history longer than the list loads at once, in a real browser: the scrollbar spans every stored
// request from the start, rows not loaded yet show as placeholders, and scrolling to the end loads the
// pages before it until the oldest request is on screen.
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { pageScripts, sendRequest, useE2E, waitForRow } from './helpers'

const e2e = useE2E()
const STORED = 2600

describe('a long history', () => {
  it('spans every stored request with the scrollbar, and loads the pages it scrolls to', async (ctx) => {
    e2e.requireBrowser(ctx)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
    try {
      // Sent one after another in 16 lanes, so that request n is older than request n + 16.
      const lanes = Array.from({ length: 16 }, async (_, lane) => {
        for (let n = lane; n < STORED; n += 16) await sendRequest(e2e.host.captureUrl, { path: `/history/${String(n).padStart(4, '0')}`, body: 'x' }, agent)
      })
      await Promise.all(lanes)
    } finally {
      agent.destroy()
    }
    const { page, errors } = await e2e.open({ viewport: { width: 1400, height: 700 } })
    await page.getByTestId('traffic-count').filter({ hasText: `${STORED.toLocaleString('en-US')} requests` }).waitFor()
    const scroller = page.getByTestId('traffic-scroll')
    // The first page holds 500 rows; the scrollbar already spans all of them.
    expect(await page.getByTestId('traffic-list').evaluate((element) => element.getBoundingClientRect().height)).toBeGreaterThanOrEqual(STORED * 30)
    expect(await scroller.evaluate((element) => element.scrollHeight)).toBeGreaterThanOrEqual(STORED * 30)
    // Straight to the end: placeholders first, then the pages before it load until the oldest shows.
    await scroller.evaluate((element) => {
      element.scrollTop = element.scrollHeight
    })
    await waitForRow(page, '/history/0000', 30_000)
    await page.waitForFunction(pageScripts.noPendingRows)
    expect(await page.getByTestId('list-footer').count()).toBe(0)
    expect(errors).toEqual([])
  })
})
