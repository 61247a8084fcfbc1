// Buttons as drawn in Chromium: a primary button that can be pressed looks it, in both themes (a
// coloured fill that stands out, a label that meets WCAG AA), and one that cannot looks greyed out.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { pageScripts, useE2E } from './helpers'

const e2e = useE2E()

const look = (page: Page, testId: string) => page.evaluate(pageScripts.buttonLook, testId)

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
