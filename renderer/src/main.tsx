// Starts the page: connects to the engine (preload bridge or WebSocket), builds the stores, starts
// the live sync and renders the app.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { connect } from './api/connect'
import { createAppStore } from './state/app-store'
import { StoresProvider, type Stores } from './state/context'
import { LiveSync } from './state/live-sync'
import { createTrafficStore } from './state/traffic-store'

const { api, connection } = connect()
const traffic = createTrafficStore()
const app = createAppStore()
const sync = new LiveSync({ api, connection, traffic, app })
sync.start()
const stores: Stores = { api, traffic, app, sync }

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
)
