// The focus ring of controls reached from the keyboard, as the accessibility checks of several views
// measure it (see look-scripts.js).
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import * as lookScripts from './look-scripts.js'

/**
 * Reaches each control (by data-testid) with Tab, as the ring shows for a control reached so, checks
 * its ring is at least 2 px wide and drawn opaque, and returns the sides of it something hides, per
 * control (an empty record when every ring shows whole).
 */
export async function hiddenRingSides(page: Page, testIds: readonly string[]): Promise<Record<string, string[]>> {
  const hidden: Record<string, string[]> = {}
  for (const testId of testIds) {
    await page.getByTestId(testId).focus()
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`), testId).toBe(testId)
    const ring = await page.evaluate(lookScripts.focusRing)
    expect(ring?.width, testId).toBeGreaterThanOrEqual(2)
    if (ring!.hidden.length > 0) hidden[testId] = ring!.hidden
    expect(await page.evaluate(lookScripts.focusRingOpacity), testId).toBe(1)
  }
  return hidden
}
