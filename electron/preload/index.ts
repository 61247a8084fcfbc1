// The preload: exposes one object, window.hookscope, whose methods are derived from the contract,
// plus `on` subscriptions that return an unsubscribe function. Never exposes ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { eventNames, methodNames, type EventName } from '../../shared/api'
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipc'

const knownEvents = new Set<string>(eventNames)
const bridge: Record<string, unknown> = {}
for (const name of methodNames) {
  bridge[name] = (input: unknown) => ipcRenderer.invoke(IPC_INVOKE, name, input)
}
bridge.on = (listener: (event: EventName, payload: unknown) => void) => {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function')
  const wrapped = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (typeof name === 'string' && knownEvents.has(name)) listener(name as EventName, payload)
  }
  ipcRenderer.on(IPC_EVENT, wrapped)
  return () => void ipcRenderer.removeListener(IPC_EVENT, wrapped)
}

contextBridge.exposeInMainWorld('hookscope', Object.freeze(bridge))
