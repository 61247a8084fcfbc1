// The whole app opened on its Collections view, for tests of the collections' tree, runs and items.
import { act } from 'react'
import { App } from '../../../renderer/src/app'
import type { FakeEngine } from './fake-api'
import { createHarness, renderWith, settle, type Harness } from './render-app'

/** Renders the app live against `engine` and shows its Collections view, once settled. */
export async function renderCollectionsView(engine: FakeEngine): Promise<Harness> {
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  act(() => harness.stores.app.getState().setView('collections'))
  await settle()
  return harness
}
