// Buttons as drawn in Chromium: a primary button that can be pressed looks it, in both themes (a
// coloured fill that stands out, a label that meets WCAG AA), and one that cannot looks greyed out; and
// in a 900 px window the Composer's "Save to collection…" and the traffic toolbar's Clear keep their
// label on one line, within the window, beside the buttons they belong with (in a 1280 px window the
// Composer's actions stand, whole, beside its title).
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { pageScripts, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'
import { useHostApi } from './helpers/api-client'

const e2e = useE2E()
const hostApiOf = useHostApi(e2e)

const look = (page: Page, testId: string) => page.evaluate(pageScripts.buttonLook, testId)
const fit = (page: Page, testId: string) => page.evaluate(pageScripts.buttonFit, testId)

describe.each(['light', 'dark'] as const)('a primary button, %s theme', (colorScheme) => {
  it('looks pressable when it is, its label readable (WCAG AA), and greyed out when it is not', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    expect((await page.evaluate(pageScripts.pageTheme)).theme).toBe(colorScheme)
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-url').fill('http://127.0.0.1:1/hooks')
    const send = page.getByTestId('composer-send')
    expect(await send.isEnabled()).toBe(true)
    const enabled = await look(page, 'composer-send')
    // The label against its fill: AA for text.
    expect(enabled.labelContrast, JSON.stringify(enabled)).toBeGreaterThanOrEqual(4.5)
    // The fill against the panel it stands on: AA for the parts of a control (1.4.11).
    expect(enabled.fillContrast, JSON.stringify(enabled)).toBeGreaterThanOrEqual(3)
    // A colour, not a pale or grey one, under a label lit on it as every label of the theme is lit.
    expect(enabled.chroma, JSON.stringify(enabled)).toBeGreaterThanOrEqual(0.5)
    expect(enabled.labelLighter, JSON.stringify(enabled)).toBe(true)

    await page.getByTestId('composer-url').fill('http://')
    await page.getByTestId('composer-url-error').waitFor()
    expect(await send.isDisabled()).toBe(true)
    const disabled = await look(page, 'composer-send')
    // Grey, not the colour of a button that can be pressed; its label dimmer than any enabled one's.
    expect(disabled.chroma, JSON.stringify(disabled)).toBeLessThan(0.1)
    expect(disabled.labelContrast, JSON.stringify(disabled)).toBeLessThan(4.5)
    expect(disabled.labelContrast, JSON.stringify(disabled)).toBeLessThan(enabled.labelContrast)
  })
})

/** The button's label on one line, wholly within the window, on the same line as `beside`. */
async function expectFits(page: Page, testId: string, beside: string, where: string) {
  const [button, other] = await Promise.all([fit(page, testId), fit(page, beside)])
  expect(button.lines, `${where}: ${testId} ${JSON.stringify(button)}`).toBe(1)
  expect(button.inside, `${where}: ${testId} ${JSON.stringify(button)}`).toBe(true)
  expect(Math.abs(button.middle - other.middle), `${where}: ${testId} beside ${beside} ${JSON.stringify([button, other])}`).toBeLessThan(2)
}

describe('toolbar buttons in a narrow window', () => {
  it('keep the traffic toolbar’s Clear whole, in view and beside Export at 900 px, paused with requests waiting, and with a request open', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ viewport: { width: 900, height: 700 } })
    const path = uniquePath('narrow')
    await sendRequest(e2e.host.captureUrl, { path: `${path}/listed`, body: '{}' })
    await waitForRow(page, `${path}/listed`)
    await page.getByTestId('pause-toggle').click()
    await Promise.all(Array.from({ length: 12 }, (_, n) => sendRequest(e2e.host.captureUrl, { path: `${path}/held/${n}`, body: '{}' })))
    await page.getByTestId('pause-toggle').filter({ hasText: 'Resume (12 new)' }).waitFor()
    await expectFits(page, 'clear-history', 'traffic-export-har', '900 px, paused')
    expect((await fit(page, 'pause-toggle')).lines).toBe(1)
    expect((await fit(page, 'pause-toggle')).inside).toBe(true)

    // A request open beside the list (the endpoints step aside): the list is narrower still.
    await (await waitForRow(page, `${path}/listed`)).click()
    await page.getByTestId('overview-target').waitFor()
    await expectFits(page, 'clear-history', 'traffic-export-har', '900 px, a request open')
    expect((await fit(page, 'pause-toggle')).inside).toBe(true)
  })

  it('keep the Composer’s actions on one line beside each other at 900 px, also for a request from a collection, and beside its title at 1280 px', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { api } = hostApiOf()!
    const collection = await api['collections.create']({ name: `Narrow ${uniquePath('c').slice(1)}` })
    await api['collections.saveItem']({
      id: collection.id,
      name: 'Refund of an order paid in two parts',
      from: { draft: { method: 'POST', url: 'http://localhost:3000/refunds', headers: [['Content-Type', 'application/json']], bodyBase64: btoa('{}') } },
    })
    const { page } = await e2e.open({ viewport: { width: 900, height: 700 } })
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-url').waitFor()
    for (const testId of ['composer-new', 'composer-paste', 'composer-copy-raw', 'composer-compare']) await expectFits(page, 'composer-save', testId, '900 px, a new request')

    // Opened from a collection, it has one more: Update item.
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collection-entry').filter({ hasText: collection.name }).click()
    await page.getByTestId('tree-node').filter({ hasText: 'Refund of an order' }).click()
    await page.getByTestId('item-open').click()
    await page.getByTestId('composer-update-item').waitFor()
    for (const testId of ['composer-new', 'composer-compare', 'composer-update-item']) await expectFits(page, 'composer-save', testId, '900 px, a collection item')
    expect((await fit(page, 'composer-update-item')).lines).toBe(1)

    // Wide, every label whole, on the title's line.
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-new').click()
    await expect.poll(async () => (await fit(page, 'composer-paste')).shown).toBe('Paste cURL / HTTP…')
    expect((await fit(page, 'composer-copy-raw')).shown).toBe('Copy as raw HTTP')
    const title = await page.locator('.composer-toolbar h2').boundingBox()
    const save = await fit(page, 'composer-save')
    expect(save.lines).toBe(1)
    expect(save.top).toBeLessThan(title!.y + title!.height)
    expect(save.bottom).toBeGreaterThan(title!.y)
  })
})
