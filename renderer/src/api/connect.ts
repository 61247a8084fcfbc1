// Picks the transport for this page: the Electron preload bridge when it exists, else the headless
// host's WebSocket with the token from the page URL. Returns the Api client and the connection state.
import { createApiClient, type ApiClient } from '../../../shared/api'
import { alwaysOpen, type ConnectionSource } from './connection-state'
import { electronTransport, findPreloadBridge } from './electron-transport'
import { browserTokenEnvironment, takePageToken } from './page-token'
import { apiSocketUrl, WebSocketTransport } from './websocket-transport'

export interface Connection {
  api: ApiClient
  connection: ConnectionSource
  dispose(): void
}

export function connect(): Connection {
  const bridge = findPreloadBridge(window)
  if (bridge) return { api: createApiClient(electronTransport(bridge)), connection: alwaysOpen(), dispose: () => {} }

  const transport = new WebSocketTransport({ url: apiSocketUrl(window.location), token: takePageToken(browserTokenEnvironment()) })
  const onHashChange = () => {
    const token = takePageToken(browserTokenEnvironment())
    if (token) transport.retryNow(token)
  }
  const onOnline = () => transport.retryNow()
  window.addEventListener('hashchange', onHashChange)
  window.addEventListener('online', onOnline)
  const api = createApiClient(transport)
  transport.connect()
  return {
    api,
    connection: transport,
    dispose: () => {
      window.removeEventListener('hashchange', onHashChange)
      window.removeEventListener('online', onOnline)
      transport.close()
    },
  }
}
