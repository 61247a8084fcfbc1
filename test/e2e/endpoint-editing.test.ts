// Endpoints edited in a real browser: a long name in the traffic toolbar, and an endpoint that cannot
// listen, shown on its own, put right from its first-request guide with the focus kept on the page.
import net from 'node:net'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { pageScripts, useE2E } from './helpers'

const e2e = useE2E()

const endpointItem = (page: Page, name: string) => page.getByTestId('endpoint-item').filter({ has: page.getByTestId('endpoint-name').filter({ hasText: name }) })

async function createEndpoint(page: Page, name: string, port = 0): Promise<void> {
  await page.getByTestId('endpoint-new').click()
  await page.getByTestId('endpoint-editor').waitFor()
  await page.getByTestId('endpoint-field-name').fill(name)
  await page.getByTestId('endpoint-field-port').fill(String(port))
  await page.getByTestId('endpoint-save').click()
}

/** The box of the element a test id names, as the page lays it out. */
async function box(page: Page, testId: string) {
  const found = await page.getByTestId(testId).boundingBox()
  if (!found) throw new Error(`${testId} is not shown`)
  return found
}

describe('an endpoint with a long name', () => {
  it('keeps the endpoint filter within the traffic toolbar, and its first-request guide within the traffic column', async (ctx) => {
    e2e.requireBrowser(ctx)
    // A window where the traffic column is some 640 px wide.
    const { page } = await e2e.open({ viewport: { width: 900, height: 800 } })
    const name = `Payments-${'x'.repeat(90)}`
    await createEndpoint(page, name)
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
    await endpointItem(page, name).getByTestId('endpoint-select').click()
    const toolbar = await box(page, 'traffic-toolbar')
    const filter = await box(page, 'filter-endpoint')
    expect(filter.x + filter.width).toBeLessThanOrEqual(toolbar.x + toolbar.width)
    // Its first-request guide wraps the name within the traffic column.
    const guide = await box(page, 'empty-state')
    expect(guide.x + guide.width).toBeLessThanOrEqual(toolbar.x + toolbar.width)
    expect(await page.evaluate(pageScripts.textWithin, ['[data-testid="empty-state"] h2', '[data-testid="empty-state"]'] as const)).toBe(true)
  })

  it('wraps it in its editor’s title and in the question before it is removed, within their dialogs', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const name = `Orders-${'y'.repeat(90)}`
    await createEndpoint(page, name)
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
    await endpointItem(page, name).getByTestId('endpoint-edit').click()
    await page.getByTestId('endpoint-editor').waitFor()
    expect(await page.evaluate(pageScripts.textWithin, ['[data-testid="endpoint-editor"] .dialog-header h2', '[data-testid="endpoint-editor"]'] as const)).toBe(true)
    await page.getByTestId('endpoint-remove').click()
    await page.getByTestId('endpoint-remove-confirm').waitFor()
    expect(await page.evaluate(pageScripts.textWithin, ['[data-testid="endpoint-remove-confirm"] .dialog-body p', '[data-testid="endpoint-remove-confirm"]'] as const)).toBe(true)
  })
})

describe('an endpoint that cannot listen, shown on its own', () => {
  it('says why, opens its editor from there, and once it listens leaves the focus in the traffic view', async (ctx) => {
    e2e.requireBrowser(ctx)
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const taken = (blocker.address() as net.AddressInfo).port
      const { page } = await e2e.open()
      await createEndpoint(page, 'Blocked', taken)
      // Saved, but it cannot listen: the editor stays open on it, saying so; closed, the sidebar shows it.
      await page.getByTestId('endpoint-field-port-error').waitFor()
      await page.getByTestId('endpoint-cancel').click()
      await endpointItem(page, 'Blocked').getByTestId('endpoint-select').click()
      const guide = page.getByTestId('empty-state')
      await guide.filter({ hasText: `“Blocked” cannot listen: Port ${taken} on 127.0.0.1 is already in use by another program.` }).waitFor()
      expect(await guide.textContent()).not.toContain('start it in the sidebar')

      await page.getByTestId('empty-edit-endpoint').click()
      await page.getByTestId('endpoint-field-port').fill('0')
      await page.getByTestId('endpoint-save').click()
      await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
      await guide.filter({ hasText: 'Waiting for the first request on “Blocked”' }).waitFor()
      // The guide's Edit button went away with the failure: the traffic view has the focus, not the page.
      await page.waitForFunction(pageScripts.focusOnAControl, undefined, { timeout: 5_000 })
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })
})
