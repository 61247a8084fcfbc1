// The Api over the Electron preload bridge (window.hookscope). Owns: adapting the bridge's methods and
// its single `on` subscription to the Transport interface. Never: names an IPC channel.
import type { EventName, MethodName, Transport } from '../../../shared/api'
import type { Result } from '../../../shared/errors'

export interface PreloadBridge {
  on(listener: (event: EventName, payload: unknown) => void): () => void
  [method: string]: unknown
}

export function findPreloadBridge(scope: object = globalThis): PreloadBridge | null {
  const candidate = (scope as { hookscope?: unknown }).hookscope
  if (typeof candidate !== 'object' || candidate === null) return null
  if (typeof (candidate as { on?: unknown }).on !== 'function') return null
  return candidate as PreloadBridge
}

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    invoke(method: MethodName, input: unknown): Promise<Result<unknown>> {
      const call = bridge[method]
      if (typeof call !== 'function') {
        return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `The desktop bridge has no ${method}.` } })
      }
      return (call as (input: unknown) => Promise<Result<unknown>>)(input)
    },
    subscribe(listener) {
      return bridge.on(listener)
    },
  }
}
