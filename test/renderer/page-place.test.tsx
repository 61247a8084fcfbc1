import './helpers/setup-dom'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { alwaysOpen } from '../../renderer/src/api/connection-state'
import { createAppStore } from '../../renderer/src/state/app-store'
import { StoresProvider, type Stores } from '../../renderer/src/state/context'
import { FIRST_PAGE, LiveSync } from '../../renderer/src/state/live-sync'
import { ENDPOINT_GONE_NOTE, initialAppState, initialTrafficState, keepPlace, PLACE_KEY, readPlace, type PagePlace, type PlaceStorage } from '../../renderer/src/state/page-place'
import { emptyFilter } from '../../renderer/src/state/capture-filter'
import { createTrafficStore } from '../../renderer/src/state/traffic-store'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { addCapture, createFakeEngine, makeEndpoint, type FakeEngine } from './helpers/fake-api'
import { ManualFrames, settle } from './helpers/render-app'

function memoryStore(initial?: PagePlace) {
  const items = new Map<string, string>()
  if (initial) items.set(PLACE_KEY, JSON.stringify(initial))
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items }
}

const place = (patch: Partial<PagePlace>): PagePlace => ({ version: 1, view: 'traffic', detailTab: 'overview', captureId: null, collection: null, filter: null, ...patch })

/** The page as main.tsx starts it: the stores from the place kept, which is kept from then on. */
function startPage(engine: FakeEngine, storage: PlaceStorage) {
  const kept = readPlace(storage)
  const traffic = createTrafficStore(initialTrafficState(kept))
  const app = createAppStore(initialAppState(kept))
  const sync = new LiveSync({ api: engine.api, connection: alwaysOpen(), traffic, app, scheduler: new ManualFrames() })
  const stores: Stores = { api: engine.api, traffic, app, sync }
  const stop = keepPlace({ api: engine.api, app, traffic, workbench: workbenchOf(stores).store }, kept, storage)
  sync.start()
  render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  )
  return { stores, stop: () => (stop(), sync.dispose()) }
}

describe('where the page was', () => {
  it('opens the request kept, also one older than the list’s first page, on its tab', async () => {
    const engine = createFakeEngine()
    const oldest = addCapture(engine, { target: '/kept/oldest' })
    for (let n = 0; n < FIRST_PAGE + 20; n++) addCapture(engine, { target: `/newer/${n}` })
    const session = memoryStore(place({ view: 'traffic', detailTab: 'headers', captureId: oldest.id }))
    const page = startPage(engine, { session, shared: null })
    await settle()
    await waitFor(() => expect(screen.getByTestId('detail-target').textContent).toBe('/kept/oldest'))
    expect(page.stores.traffic.getState().ids).not.toContain(oldest.id)
    expect(screen.getByTestId('tab-headers').getAttribute('aria-selected')).toBe('true')

    // Kept as the user moves on.
    act(() => fireEvent.click(screen.getByTestId('view-composer')))
    expect(JSON.parse(session.items.get(PLACE_KEY)!)).toEqual(place({ view: 'composer', detailTab: 'headers', captureId: oldest.id }))
    page.stop()
  })

  it('lets go of a request no longer stored, saying so, and keeps the list usable', async () => {
    const engine = createFakeEngine()
    const listed = addCapture(engine, { target: '/listed' })
    const session = memoryStore(place({ captureId: '01JGONE000000000000000001' }))
    const page = startPage(engine, { session, shared: null })
    await settle()
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('The request you had open is no longer stored.'))
    expect(screen.queryByTestId('detail')).toBeNull()
    expect(JSON.parse(session.items.get(PLACE_KEY)!).captureId).toBeNull()
    act(() => page.stores.traffic.getState().open(listed.id))
    await waitFor(() => expect(screen.getByTestId('detail-target').textContent).toBe('/listed'))
    page.stop()
  })

  it('a browser tab starts from its own place only; the desktop app’s window also from the last window’s', () => {
    const shared = memoryStore(place({ view: 'settings' }))
    expect(readPlace({ session: memoryStore(), shared: null })).toBeNull()
    expect(readPlace({ session: memoryStore(), shared })?.view).toBe('settings')
    expect(readPlace({ session: memoryStore(place({ view: 'composer' })), shared })?.view).toBe('composer')
    // What cannot be read as a place is not one.
    const broken = memoryStore()
    broken.setItem(PLACE_KEY, '{"version":1,"view":"elsewhere"')
    expect(readPlace({ session: broken, shared: null })).toBeNull()
    broken.setItem(PLACE_KEY, JSON.stringify({ ...place({}), view: 'elsewhere' }))
    expect(readPlace({ session: broken, shared: null })).toBeNull()
  })

  it('opens the list with the search and filters kept, read by its first query, and starts live', async () => {
    const engine = createFakeEngine()
    const stripe = makeEndpoint('ep_stripe', 'Stripe', 4568)
    engine.endpoints.push(stripe.endpoint)
    engine.statuses.push(stripe.status)
    const match = addCapture(engine, { target: '/orders/paid', method: 'PROPFIND', endpointId: 'ep_stripe', status: 200 })
    addCapture(engine, { target: '/orders/other-method', method: 'POST', endpointId: 'ep_stripe', status: 200 })
    addCapture(engine, { target: '/orders/other-endpoint', method: 'PROPFIND', status: 200 })
    addCapture(engine, { target: '/elsewhere', method: 'PROPFIND', endpointId: 'ep_stripe', status: 200 })
    const session = memoryStore()
    const first = startPage(engine, { session, shared: null })
    await settle()
    const traffic = first.stores.traffic
    act(() => traffic.getState().setFilter({ text: 'orders', method: 'PROPFIND', statusClass: 2, endpointId: 'ep_stripe', range: '24h' }))
    act(() => traffic.getState().setPaused(true))
    await settle()
    expect(JSON.parse(session.items.get(PLACE_KEY)!).filter).toEqual({ text: 'orders', method: 'PROPFIND', statusClass: 2, endpointId: 'ep_stripe', endpointRemoved: false, range: '24h' })
    first.stop()
    cleanup()

    engine.calls.length = 0
    const second = startPage(engine, { session, shared: null })
    // Before anything is answered, the toolbar shows the filters: the list never shows unfiltered.
    expect((screen.getByTestId('search-input') as HTMLInputElement).value).toBe('orders')
    await settle()
    const queries = engine.calls.filter((c) => c.method === 'captures.query')
    expect(queries).toHaveLength(1)
    expect(queries[0]!.input).toMatchObject({ text: 'orders', methods: ['PROPFIND'], statusClasses: [2], endpointId: 'ep_stripe' })
    expect((queries[0]!.input as { since?: number }).since).toBeGreaterThan(Date.now() - 24 * 60 * 60_000 - 60_000)
    expect(second.stores.traffic.getState().ids).toEqual([match.id])
    expect((screen.getByTestId('filter-method') as HTMLSelectElement).value).toBe('PROPFIND')
    expect((screen.getByTestId('filter-status') as HTMLSelectElement).value).toBe('2')
    expect((screen.getByTestId('filter-endpoint') as HTMLSelectElement).value).toBe('ep_stripe')
    expect((screen.getByTestId('filter-time') as HTMLSelectElement).value).toBe('24h')
    expect(screen.getByTestId('pause-toggle').textContent).toBe('Pause')
    expect(second.stores.traffic.getState().paused).toBe(false)
    expect(screen.queryByTestId('toast')).toBeNull()

    // Cleared, nothing is kept: the next page opens on the whole list.
    act(() => second.stores.traffic.getState().setFilter(emptyFilter()))
    expect(JSON.parse(session.items.get(PLACE_KEY)!).filter).toBeNull()
    second.stop()
  })

  it('lets go of a filter by an endpoint removed since, saying so, and keeps the other filters', async () => {
    const engine = createFakeEngine()
    addCapture(engine, { target: '/orders/of-the-removed-endpoint', endpointId: 'ep_gone' })
    const kept = addCapture(engine, { target: '/orders/kept' })
    addCapture(engine, { target: '/other' })
    const session = memoryStore(place({ filter: { text: 'orders', method: null, statusClass: null, endpointId: 'ep_gone', endpointRemoved: false, range: 'all' } }))
    const page = startPage(engine, { session, shared: null })
    await settle()
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe(ENDPOINT_GONE_NOTE))
    expect(page.stores.traffic.getState().filter).toEqual({ ...emptyFilter(), text: 'orders' })
    await waitFor(() => expect(page.stores.traffic.getState().loaded).toBe(true))
    expect(page.stores.traffic.getState().ids).toHaveLength(2)
    expect(page.stores.traffic.getState().ids).toContain(kept.id)
    expect((screen.getByTestId('filter-endpoint') as HTMLSelectElement).value).toBe('')
    expect(JSON.parse(session.items.get(PLACE_KEY)!).filter).toEqual({ text: 'orders', method: null, statusClass: null, endpointId: null, endpointRemoved: false, range: 'all' })
    page.stop()
  })

  it('keeps a filter by an endpoint that was already removed when it was chosen', async () => {
    const engine = createFakeEngine()
    engine.override('endpoints.removed', () => [{ id: 'ep_gone', name: 'Stripe', removedAt: 1 }])
    const orphan = addCapture(engine, { target: '/orphan', endpointId: 'ep_gone' })
    addCapture(engine, { target: '/other' })
    const session = memoryStore()
    const first = startPage(engine, { session, shared: null })
    await settle()
    act(() => first.stores.traffic.getState().setFilter({ endpointId: 'ep_gone' }))
    expect(JSON.parse(session.items.get(PLACE_KEY)!).filter).toMatchObject({ endpointId: 'ep_gone', endpointRemoved: true })
    first.stop()
    cleanup()

    const second = startPage(engine, { session, shared: null })
    await settle()
    expect(second.stores.traffic.getState().filter.endpointId).toBe('ep_gone')
    expect(second.stores.traffic.getState().ids).toEqual([orphan.id])
    expect(screen.queryByTestId('toast')).toBeNull()
    second.stop()
  })

  it('drops a kept filter it cannot read, and keeps the rest of the place', () => {
    const broken = memoryStore()
    broken.setItem(PLACE_KEY, JSON.stringify({ ...place({ view: 'composer' }), filter: { text: 'x', method: 'NOT A METHOD', statusClass: 7, endpointId: null, endpointRemoved: false, range: 'all' } }))
    const kept = readPlace({ session: broken, shared: null })
    expect(kept?.view).toBe('composer')
    expect(initialTrafficState(kept)).toEqual({})
    // A place kept before filters were.
    expect(initialTrafficState(readPlace({ session: memoryStore(place({})), shared: null }))).toEqual({})
  })
})
