import './helpers/setup-dom'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { alwaysOpen } from '../../renderer/src/api/connection-state'
import { createAppStore } from '../../renderer/src/state/app-store'
import { StoresProvider, type Stores } from '../../renderer/src/state/context'
import { FIRST_PAGE, LiveSync } from '../../renderer/src/state/live-sync'
import { initialAppState, keepPlace, PLACE_KEY, readPlace, type PagePlace, type PlaceStorage } from '../../renderer/src/state/page-place'
import { createTrafficStore } from '../../renderer/src/state/traffic-store'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { addCapture, createFakeEngine, type FakeEngine } from './helpers/fake-api'
import { ManualFrames, settle } from './helpers/render-app'

function memoryStore(initial?: PagePlace) {
  const items = new Map<string, string>()
  if (initial) items.set(PLACE_KEY, JSON.stringify(initial))
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items }
}

const place = (patch: Partial<PagePlace>): PagePlace => ({ version: 1, view: 'traffic', detailTab: 'overview', captureId: null, collection: null, ...patch })

/** The page as main.tsx starts it: the stores from the place kept, which is kept from then on. */
function startPage(engine: FakeEngine, storage: PlaceStorage) {
  const kept = readPlace(storage)
  const traffic = createTrafficStore()
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
})
