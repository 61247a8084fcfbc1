// Starts the page: connects to the engine (preload bridge or WebSocket), builds the stores (where the
// window was before a reload: page-place.ts), starts the live sync and renders the app.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { connect } from './api/connect'
import { findPreloadBridge } from './api/electron-transport'
import { createAppStore } from './state/app-store'
import { StoresProvider, type Stores } from './state/context'
import { LiveSync } from './state/live-sync'
import { browserPlaceStorage, initialAppState, initialTrafficState, keepPlace, readPlace } from './state/page-place'
import { createTrafficStore } from './state/traffic-store'
import { workbenchOf } from './workbench/commands'

const { api, connection } = connect()
const placeStorage = browserPlaceStorage(findPreloadBridge(window) !== null)
const place = readPlace(placeStorage)
const traffic = createTrafficStore(initialTrafficState(place))
const app = createAppStore(initialAppState(place))
const sync = new LiveSync({ api, connection, traffic, app })
const stores: Stores = { api, traffic, app, sync }
keepPlace({ api, app, traffic, workbench: workbenchOf(stores).store }, place, placeStorage)
sync.start()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
)
