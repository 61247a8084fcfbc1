// A reload brings the page back where it was: each view, the request open in Traffic with its tab,
// the traffic list's search and filters, and the collection open with its selected request. What was
// deleted meanwhile (the request cleared, the endpoint filtered by removed, the item or the collection
// deleted) is let go with a short note, and nothing breaks.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { firstEndpointId, useHostApi } from './helpers/api-client'
import { sendRequest, uniquePath, useE2E, waitForRow } from './helpers'

const ENDPOINT_GONE_NOTE = 'The endpoint you filtered by was removed: the list shows every endpoint’s requests.'

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

  it('opens the traffic list searched and filtered as it was, with one query, never showing it unfiltered', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { api } = hostApiOf()!
    const endpointId = await firstEndpointId(api)
    const prefix = uniquePath('restore-filter')
    const search = prefix.slice(1)
    const unrelated = uniquePath('restore-unfiltered')
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/match`, method: 'PUT', body: 'a' })
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/other-method`, method: 'POST', body: 'b' })
    await sendRequest(e2e.host.captureUrl, { path: `${unrelated}/elsewhere`, method: 'PUT', body: 'c' })
    const { page, errors } = await e2e.open()
    await waitForRow(page, `${unrelated}/elsewhere`)
    await page.getByTestId('search-input').fill(search)
    await page.getByTestId('search-input').press('Enter')
    await page.getByTestId('filter-method').selectOption('PUT')
    await page.getByTestId('filter-status').selectOption('2')
    await page.getByTestId('filter-endpoint').selectOption(endpointId)
    await page.getByTestId('filter-time').selectOption('1h')
    await page.getByTestId('traffic-count').filter({ hasText: /^1 request$/ }).waitFor()
    await waitForRow(page, `${prefix}/match`)
    // Paused, the page still starts live.
    await page.getByTestId('pause-toggle').click()
    await page.getByTestId('pause-toggle').filter({ hasText: 'Resume' }).waitFor()

    // Every path the list ever shows while the page loads again, and every query it sends.
    await page.addInitScript(`{
      const seen = new Set()
      window.__pathsShown = seen
      new MutationObserver(() => {
        for (const cell of document.querySelectorAll('[data-testid="row-path"]')) seen.add(cell.textContent)
      }).observe(document, { childList: true, subtree: true, characterData: true })
    }`)
    let queries: string[] = []
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8')
        if (text.includes('"captures.query"')) queries.push(text)
      }),
    )
    queries = []
    await reload(page)
    await waitForRow(page, `${prefix}/match`)
    await page.getByTestId('traffic-count').filter({ hasText: /^1 request$/ }).waitFor()
    expect(await page.getByTestId('search-input').inputValue()).toBe(search)
    expect(await page.getByTestId('filter-method').inputValue()).toBe('PUT')
    expect(await page.getByTestId('filter-status').inputValue()).toBe('2')
    expect(await page.getByTestId('filter-endpoint').inputValue()).toBe(endpointId)
    expect(await page.getByTestId('filter-time').inputValue()).toBe('1h')
    expect(await page.getByTestId('pause-toggle').textContent()).toBe('Pause')
    expect(queries).toHaveLength(1)
    const shown = (await page.evaluate('Array.from(window.__pathsShown)')) as string[]
    expect(shown.filter((path) => !path.startsWith(`${prefix}/match`))).toEqual([])

    // Live: a new matching request joins the list at once.
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/live`, method: 'PUT', body: 'd' })
    await waitForRow(page, `${prefix}/live`)
    expect(errors).toEqual([])
  })

  it('lets go of a filter by an endpoint removed meanwhile, saying so, and keeps the search', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { api } = hostApiOf()!
    const prefix = uniquePath('restore-endpoint')
    const search = prefix.slice(1)
    const endpoint = await api['endpoints.create']({ name: 'Removed meanwhile', host: '127.0.0.1', port: 0 })
    const url = (await api['endpoints.status']({})).find((s) => s.id === endpoint.id)!.url!
    await sendRequest(url, { path: `${prefix}/of-removed`, body: 'a' })
    await sendRequest(e2e.host.captureUrl, { path: `${prefix}/of-first`, body: 'b' })
    const { page, errors } = await e2e.open()
    await page.getByTestId('search-input').fill(search)
    await page.getByTestId('search-input').press('Enter')
    await page.getByTestId('filter-endpoint').selectOption(endpoint.id)
    await waitForRow(page, `${prefix}/of-removed`)
    await page.getByTestId('traffic-count').filter({ hasText: /^1 request$/ }).waitFor()

    await leaveAndReturn(page, () => api['endpoints.remove']({ id: endpoint.id }))
    await page.getByTestId('toast').filter({ hasText: ENDPOINT_GONE_NOTE }).waitFor()
    await waitForRow(page, `${prefix}/of-first`)
    await page.getByTestId('traffic-count').filter({ hasText: /^2 requests$/ }).waitFor()
    expect(await page.getByTestId('filter-endpoint').inputValue()).toBe('')
    expect(await page.getByTestId('search-input').inputValue()).toBe(search)

    // What is kept from now on is the list as shown: the next reload has nothing to let go of.
    await reload(page)
    await page.getByTestId('traffic-count').filter({ hasText: /^2 requests$/ }).waitFor()
    expect(await page.getByTestId('toast').filter({ hasText: ENDPOINT_GONE_NOTE }).count()).toBe(0)
    expect(errors).toEqual([])
  })
})
