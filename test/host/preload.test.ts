// The preload exposes exactly the contract: one object, a function per Api method, and `on`. The
// electron module is replaced by a recorder (Electron cannot run here).
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { eventNames, methodNames } from '../../shared/api'
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipc'

const exposed: Record<string, unknown> = {}
const invoked: unknown[][] = []
const listeners = new Map<string, Set<(...args: unknown[]) => void>>()

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => {
      exposed[key] = value
    },
  },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      invoked.push(args)
      return { ok: true, value: null }
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)!.add(fn)
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
  },
}))

beforeAll(async () => {
  await import('../../electron/preload/index')
})

describe('preload', () => {
  it('exposes one frozen object with a method per contract method, plus on', () => {
    expect(Object.keys(exposed)).toEqual(['hookscope'])
    const api = exposed.hookscope as Record<string, unknown>
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'on'].sort())
    expect('ipcRenderer' in api).toBe(false)
  })

  it('sends every call over the one invoke channel with its method name', async () => {
    const api = exposed.hookscope as Record<string, (input: unknown) => Promise<unknown>>
    await api['captures.query']!({ limit: 5 })
    expect(invoked.at(-1)).toEqual([IPC_INVOKE, 'captures.query', { limit: 5 }])
  })

  it('delivers contract events only, and unsubscribes', () => {
    const api = exposed.hookscope as { on: (fn: (event: string, payload: unknown) => void) => () => void }
    const got: string[] = []
    const off = api.on((event) => got.push(event))
    const emit = (name: string) => {
      for (const fn of listeners.get(IPC_EVENT) ?? []) fn({}, name, {})
    }
    for (const name of eventNames) emit(name)
    emit('not.an.event')
    expect(got).toEqual(eventNames)
    off()
    emit(eventNames[0]!)
    expect(got).toHaveLength(eventNames.length)
  })
})
