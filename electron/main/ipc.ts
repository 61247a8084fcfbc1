// IPC bound from the contract. Owns: the one wrapper every call goes through: it checks that the
// caller is the app's own top frame, validates the input against the method's schema (dispatch),
// and returns an envelope (Electron's invoke would keep only an Error's message).
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { dispatch, type ApiHandlers } from '../../shared/api'
import { IPC_INVOKE } from '../../shared/ipc'
import { isAppUrl } from './window'

export interface IpcBinding {
  dispose(): void
}

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  handlers: ApiHandlers
  /** The window whose page may call; calls from anything else are refused. */
  trustedContents: () => WebContents | null
  devServerUrl?: string
}

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, deps: Pick<IpcDeps, 'trustedContents' | 'devServerUrl'>): boolean {
  const trusted = deps.trustedContents()
  const frame = event.senderFrame
  if (!trusted || !frame) return false
  if (event.sender.id !== trusted.id) return false
  // Only the top frame: an iframe (should one ever exist) must not reach the engine.
  if (frame !== event.sender.mainFrame) return false
  return isAppUrl(frame.url, deps.devServerUrl)
}

export function bindIpc(deps: IpcDeps): IpcBinding {
  deps.ipcMain.handle(IPC_INVOKE, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event, deps)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This frame may not use the engine.' } }
    }
    return dispatch(deps.handlers, method, input)
  })
  return { dispose: () => deps.ipcMain.removeHandler(IPC_INVOKE) }
}
