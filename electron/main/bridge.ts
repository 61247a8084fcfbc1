// Connects the engine to the window: Api calls in over IPC (bound from the contract, checked by
// bindIpc), Api events out in batches through the EventRelay. No other channel exists.
import type { IpcMain, WebContents } from 'electron'
import { IPC_EVENT } from '../../shared/ipc'
import type { Engine } from '../core'
import { EventRelay } from '../core/relay'
import { bindIpc } from './ipc'
import { isAppUrl } from './window'

export interface EngineBridge {
  flush(): void
  dispose(): void
}

export function connectEngine(deps: {
  engine: Engine
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  trustedContents: () => WebContents | null
  devServerUrl?: string
}): EngineBridge {
  const binding = bindIpc({ ipcMain: deps.ipcMain, handlers: deps.engine.handlers(), trustedContents: deps.trustedContents, devServerUrl: deps.devServerUrl })
  const relay = new EventRelay(deps.engine, (event, payload) => {
    const contents = deps.trustedContents()
    // Captures go to the app's own page only, as calls come only from it.
    if (contents && !contents.isDestroyed() && isAppUrl(contents.mainFrame.url, deps.devServerUrl)) contents.send(IPC_EVENT, event, payload)
  })
  return {
    flush: () => relay.flushTraffic(),
    dispose: () => {
      relay.dispose()
      binding.dispose()
    },
  }
}
