// A reload brings the page back where it was: each view, the request open in Traffic with its tab,
// and the collection open with its selected request. What was deleted meanwhile (the request
// cleared, the item or the collection deleted) is let go with a short note, and nothing breaks.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { firstEndpointId, useHostApi } from './helpers/api-client'
import { sendRequest, uniquePath, useE2E, waitForRow } from './helpers'

const e2e = useE2E()
const hostApiOf = useHostApi(e2e)

async function reload(page: Page): Promise<void> {
  await page.reload()
  await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 30_000 })
}

/** The page loaded again in the same tab after it was left (the engine may change meanwhile). */
async function leaveAndReturn(page: Page, meanwhile: () => Promise<unknown>): Promise<void> {
  await page.goto('about:blank')
  await meanwhile()
  // The token was wiped from the address: the tab's storage keeps it, as it keeps the page's place.
  await page.goto(`${e2e.host.uiOrigin}/`)
  await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 30_000 })
}

const draft = (path: string) => ({ method: 'POST' as const, url: `http://127.0.0.1:9${path}`, headers: [['Content-Type', 'application/json']] as Array<[string, string]>, bodyBase64: '' })

describe('a reload', () => {
  it('returns to each view, and to the request open in Traffic with its tab', async (ctx) => {
    e2e.requireBrowser(ctx)
    const prefix = uniquePath('restore')
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/open`, headers: [['Content-Type', 'application/json']], body: '{"kept":true}' })
    const { page, errors } = await e2e.open()
    const row = await waitForRow(page, `${prefix}/open`)
    await row.click()
    await page.getByTestId('detail-target').filter({ hasText: `${prefix}/open` }).waitFor()
    await page.getByTestId('tab-headers').click()

    await reload(page)
    await page.getByTestId('detail-target').filter({ hasText: `${prefix}/open` }).waitFor()
    expect(await page.getByTestId('tab-headers').getAttribute('aria-selected')).toBe('true')
    expect(await page.getByTestId('view-traffic').getAttribute('aria-current')).toBe('page')
    expect(await page.getByTestId('traffic-row').filter({ hasText: `${prefix}/open` }).getAttribute('aria-selected')).toBe('true')

    for (const [tab, region] of [
      ['view-composer', 'composer-view'],
      ['open-settings', 'settings-view'],
      ['view-collections', 'collections-view'],
    ] as const) {
      await page.getByTestId(tab).click()
      await page.getByTestId(region).waitFor()
      await reload(page)
      await page.getByTestId(region).waitFor()
      expect(await page.getByTestId(tab).getAttribute('aria-current')).toBe('page')
    }

    // Back in Traffic, the request opened before is still open.
    await page.getByTestId('view-traffic').click()
    await page.getByTestId('detail-target').filter({ hasText: `${prefix}/open` }).waitFor()
    // The address never carries where the page is.
    expect(new URL(page.url()).hash).toBe('')
    expect(new URL(page.url()).pathname).toBe('/')
    expect(errors).toEqual([])
  })

  it('opens the traffic list without the request that was cleared meanwhile', async (ctx) => {
    e2e.requireBrowser(ctx)
    const prefix = uniquePath('restore-cleared')
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/gone`, body: 'x' })
    const { page, errors } = await e2e.open()
    await (await waitForRow(page, `${prefix}/gone`)).click()
    await page.getByTestId('detail-target').filter({ hasText: `${prefix}/gone` }).waitFor()
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-view').waitFor()

    await leaveAndReturn(page, () => hostApiOf()!.api['captures.clear']({}))
    await page.getByTestId('composer-view').waitFor()
    await page.getByTestId('toast').filter({ hasText: 'The request you had open is no longer stored.' }).waitFor()
    await page.getByTestId('view-traffic').click()
    await page.getByRole('main', { name: 'Traffic' }).waitFor()
    expect(await page.getByTestId('detail').count()).toBe(0)

    // The list works as before: a new request comes in, and opens.
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/after`, body: 'y' })
    await (await waitForRow(page, `${prefix}/after`)).click()
    await page.getByTestId('detail-target').filter({ hasText: `${prefix}/after` }).waitFor()
    await reload(page)
    await page.getByTestId('detail-target').filter({ hasText: `${prefix}/after` }).waitFor()
    expect(errors).toEqual([])
  })

  it('returns to the collection open and its selected request, or without what was deleted', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { api } = hostApiOf()!
    await firstEndpointId(api)
    const prefix = uniquePath('restore-collection')
    const first = await api['collections.create']({ name: `${prefix} first` })
    await api['collections.saveItem']({ id: first.id, from: { draft: draft(`${prefix}/a`) }, name: 'first item' })
    const second = await api['collections.create']({ name: `${prefix} second` })
    await api['collections.saveItem']({ id: second.id, from: { draft: draft(`${prefix}/b`) }, name: 'kept item' })
    const chosen = await api['collections.saveItem']({ id: second.id, from: { draft: draft(`${prefix}/c`) }, name: 'chosen item' })

    const { page, errors } = await e2e.open()
    await page.getByTestId('view-collections').click()
    await page.locator(`[data-testid="collection-entry"][data-collection-id="${second.id}"]`).click()
    await page.getByTestId('collection-title').filter({ hasText: `${prefix} second` }).waitFor()
    await page.locator(`[data-testid="tree-node"][data-node-id="${chosen.id}"]`).click()
    await page.locator(`[data-testid="item-panel"][data-item-id="${chosen.id}"]`).waitFor()

    await reload(page)
    await page.getByTestId('collection-title').filter({ hasText: `${prefix} second` }).waitFor()
    await page.locator(`[data-testid="item-panel"][data-item-id="${chosen.id}"]`).waitFor()
    expect(await page.locator(`[data-testid="tree-node"][data-node-id="${chosen.id}"]`).getAttribute('aria-selected')).toBe('true')

    // The item deleted meanwhile: its collection opens with nothing selected.
    await leaveAndReturn(page, () => api['collections.removeItem']({ id: second.id, itemId: chosen.id }))
    await page.getByTestId('toast').filter({ hasText: 'The request you had selected is no longer in this collection.' }).waitFor()
    await page.getByTestId('collection-title').filter({ hasText: `${prefix} second` }).waitFor()
    await page.getByTestId('tree-node').filter({ hasText: 'kept item' }).waitFor()
    expect(await page.getByTestId('item-panel').count()).toBe(0)

    // The collection deleted meanwhile: the first one opens instead.
    await leaveAndReturn(page, () => api['collections.remove']({ id: second.id }))
    await page.getByTestId('toast').filter({ hasText: 'The collection you had open was deleted.' }).waitFor()
    await page.getByTestId('collection-title').filter({ hasText: `${prefix} first` }).waitFor()
    expect(errors).toEqual([])
  })
})
