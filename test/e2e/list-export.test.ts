// The traffic list's export in a real browser: the downloaded file is the very file the engine gives
// for the same requests in one export, byte for byte, for a normal request (answered as text) and
// with a request large enough that its export comes as a file, read in slices and joined; and the
// progress of an export of one large request advances while its file is written and while it is read.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { exportedBytes } from '../helpers/exports'
import { useHostApi } from './helpers/api-client'
import { sendRequest, uniquePath, useE2E } from './helpers'

const e2e = useE2E()
const hostApiOf = useHostApi(e2e)

/** What the engine exports for the captures a search matches, oldest first, in one call. */
async function engineExport(search: string, format: 'har' | 'curl'): Promise<Buffer> {
  const { api } = hostApiOf()!
  const page = await api['captures.query']({ text: search, limit: 100 })
  const ids = page.items.map((item) => item.id).reverse()
  return exportedBytes(api, await api['captures.export']({ ids, format }))
}

describe('exporting the traffic list', () => {
  it('downloads the file one export of the same requests gives, a normal request and a large one alike', async (ctx) => {
    e2e.requireBrowser(ctx)
    const prefix = uniquePath('list-export')
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/normal?x=1`, headers: [['Content-Type', 'application/json']], body: '{"event":"paid","note":"café ✓"}' })
    const { page, errors } = await e2e.open()

    const download = async (format: 'har' | 'curl') => {
      const file = page.waitForEvent('download')
      await page.getByTestId(`traffic-export-${format}`).click()
      return readFile(await (await file).path())
    }

    // A normal request alone.
    await page.getByTestId('search-input').fill(`${prefix}/normal`)
    await page.getByTestId('traffic-count').filter({ hasText: /^1 request$/ }).waitFor()
    expect((await download('har')).equals(await engineExport(`${prefix}/normal`, 'har'))).toBe(true)
    await page.getByTestId('toast').filter({ hasText: 'Exported 1 request as HAR.' }).waitFor()
    expect((await download('curl')).equals(await engineExport(`${prefix}/normal`, 'curl'))).toBe(true)

    // With a body of 2 MB that is not UTF-8 (base64 in the HAR file, printf's escapes in cURL).
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/large`, headers: [['Content-Type', 'application/octet-stream']], body: Buffer.concat([Buffer.from([0xff]), randomBytes(2 * 1024 * 1024)]) })
    await page.getByTestId('search-input').fill(prefix)
    await page.getByTestId('traffic-count').filter({ hasText: /^2 requests$/ }).waitFor()
    const har = await download('har')
    expect(har.equals(await engineExport(prefix, 'har'))).toBe(true)
    expect((JSON.parse(har.toString('utf8')) as { log: { entries: unknown[] } }).log.entries).toHaveLength(2)
    expect((await download('curl')).equals(await engineExport(prefix, 'curl'))).toBe(true)
    expect(errors).toEqual([])
  }, 120_000)

  it('shows an export of one large request advance while the engine writes its file and while the page reads it', async (ctx) => {
    e2e.requireBrowser(ctx)
    const prefix = uniquePath('list-export-progress')
    const body = Buffer.alloc(48 * 1024 * 1024, 0x61)
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/large`, headers: [['Content-Type', 'text/plain']], body })
    const { page, errors } = await e2e.open()
    await page.getByTestId('search-input').fill(`${prefix}/large`)
    await page.getByTestId('traffic-count').filter({ hasText: /^1 request$/ }).waitFor()

    // Every value the bar shows, sampled each frame, with its text.
    await page.evaluate(`(() => {
      window.__exportBar = []
      const sample = () => {
        const bar = document.querySelector('[data-testid="traffic-export-bar"]')
        const text = document.querySelector('[data-testid="traffic-export-progress"]')
        if (bar && bar.hasAttribute('value')) {
          const last = window.__exportBar[window.__exportBar.length - 1]
          if (!last || last.value !== bar.value) window.__exportBar.push({ value: bar.value, max: bar.max, text: text ? text.textContent : '' })
        }
        requestAnimationFrame(sample)
      }
      requestAnimationFrame(sample)
    })()`)
    const file = page.waitForEvent('download')
    // Watched from the start: the note lasts a few seconds, and the download takes a while to read.
    const done = page.getByTestId('toast').filter({ hasText: 'Exported 1 request as HAR.' }).waitFor({ timeout: 60_000 })
    await page.getByTestId('traffic-export-har').click()
    await done
    expect((await readFile(await (await file).path())).length).toBeGreaterThan(body.length)

    const seen = (await page.evaluate('window.__exportBar')) as Array<{ value: number; max: number; text: string }>
    const max = seen[0]!.max
    expect(max).toBeGreaterThan(body.length)
    const within = (from: number, to: number) => seen.filter((s) => s.value > from * max && s.value < to * max)
    // Written by the engine (the first half of the work), then read by the page (the second).
    expect(within(0, 0.5).length).toBeGreaterThanOrEqual(3)
    expect(within(0.5, 1).length).toBeGreaterThanOrEqual(3)
    expect(seen.every((s, n) => n === 0 || s.value >= seen[n - 1]!.value)).toBe(true)
    expect(seen.some((s) => /^Exporting 1 request… [1-9]\d? %$/.test(s.text))).toBe(true)
    expect(errors).toEqual([])
  }, 120_000)
})
