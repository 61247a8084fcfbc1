// The host's Api from the test process, for setting things up the way a user would through another
// view (an endpoint's forward target, its signature scheme and secret): the renderer's own client
// (createApiClient) over the headless WebSocket, with the run's token and the UI's Origin.
import { afterAll, beforeAll } from 'vitest'
import WebSocket from 'ws'
import { createApiClient, type ApiClient, type EventName, type Transport } from '../../../shared/api'
import type { Result } from '../../../shared/errors'
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../shared/wire'
import type { RunningHost } from './host'

export interface HostApi {
  api: ApiClient
  close(): void
}

export async function connectApi(host: RunningHost): Promise<HostApi> {
  const url = `${host.uiOrigin.replace(/^http/, 'ws')}${WS_PATH}`
  const ws = new WebSocket(url, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${host.token}`], { headers: { Origin: host.uiOrigin } })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the Api refused the connection: ${res.statusCode}`)))
  })
  let nextId = 1
  const pending = new Map<number, (result: Result<unknown>) => void>()
  const listeners = new Set<(event: EventName, payload: unknown) => void>()
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; id?: number; result?: Result<unknown>; event?: EventName; payload?: unknown }
    if (message.type === 'result') {
      pending.get(message.id!)?.(message.result!)
      pending.delete(message.id!)
    } else if (message.type === 'event') for (const listener of listeners) listener(message.event!, message.payload)
  })
  const transport: Transport = {
    invoke(method, input) {
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve)
        ws.send(JSON.stringify({ type: 'call', id, method, input }))
      })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
  return { api: createApiClient(transport), close: () => ws.close() }
}

/**
 * The host's Api for a whole test file: connected before its tests, closed after them. Its getter
 * gives null when there is no browser or host, where every test skips with the reason.
 */
export function useHostApi(e2e: { readonly host: RunningHost }): () => HostApi | null {
  let hostApi: HostApi | null = null
  beforeAll(async () => {
    try {
      hostApi = await connectApi(e2e.host)
    } catch {
      // No browser, no host: every test skips with the reason.
    }
  })
  afterAll(() => hostApi?.close())
  return () => hostApi
}

/** The id of the host's first endpoint (the one whose capture URL it printed). */
export async function firstEndpointId(api: ApiClient): Promise<string> {
  const [endpoint] = await api['endpoints.list']({})
  if (!endpoint) throw new Error('the host has no endpoint')
  return endpoint.id
}
