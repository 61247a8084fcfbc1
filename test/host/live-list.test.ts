// The live list against the real engine: its HistoryStore answers queries in the order captures were
// stored, which is not the order they arrived in (ids are given at arrival; a capture is stored when
// its body is complete), and its events are relayed as the hosts relay them.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { EventRelay } from '../../electron/core/relay'
import { createApiClient, dispatch, type ApiClient, type EventName, type Transport } from '../../shared/api'
import type { CaptureSummary, EndpointPatch } from '../../shared/model'
import { alwaysOpen, type ConnectionSource } from '../../renderer/src/api/connection-state'
import { createAppStore, type AppStore } from '../../renderer/src/state/app-store'
import { toCaptureQuery } from '../../renderer/src/state/capture-filter'
import { createTrafficStore, type TrafficState, type TrafficStore } from '../../renderer/src/state/traffic-store'
import { removeDir, startEngine, type TestEngine } from '../helpers/engine'

// LiveSync's module brings in the renderer's DOM code (notifications, animation frames), which this
// project is not typed against: it is loaded when the tests run, and typed here as far as they use it.
interface LiveSync {
  start(): void
  dispose(): void
  loadOlder(): Promise<void>
  updateEndpoint(id: string, patch: EndpointPatch): Promise<void>
}
interface LiveSyncOptions {
  api: ApiClient
  connection: ConnectionSource
  traffic: TrafficStore
  app: AppStore
  scheduler: { request(callback: () => void): () => void }
  notifier: { observe(captures: CaptureSummary[]): void; setEnabled(enabled: boolean): void; dispose(): void }
}
const liveSyncModule = '../../renderer/src/state/live-sync'
const { LiveSync } = (await import(liveSyncModule)) as { LiveSync: new (options: LiveSyncOptions) => LiveSync }

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function engine(): Promise<TestEngine> {
  const t = await startEngine()
  cleanups.push(async () => {
    await t.close()
    await removeDir(t.dir)
  })
  return t
}

/** A window on the engine: the real relay, Api client, LiveSync and traffic store, as the hosts wire them. */
function openWindow(t: TestEngine) {
  const listeners = new Set<(event: EventName, payload: unknown) => void>()
  const relay = new EventRelay(t.engine, (event, payload) => {
    for (const listener of [...listeners]) listener(event, payload)
  })
  const handlers = t.engine.handlers()
  const transport: Transport = {
    invoke: (method, input) => dispatch(handlers, method, input),
    subscribe: (listener) => (listeners.add(listener), () => void listeners.delete(listener)),
  }
  const api = createApiClient(transport)
  const traffic = createTrafficStore()
  const app = createAppStore()
  // Frames pass as soon as the engine's events are handled.
  const scheduler = {
    request(callback: () => void) {
      let live = true
      queueMicrotask(() => live && callback())
      return () => void (live = false)
    },
  }
  const notifier = { observe: () => {}, setEnabled: () => {}, dispose: () => {} }
  const sync = new LiveSync({ api, connection: alwaysOpen(), traffic, app, scheduler, notifier })
  cleanups.push(async () => {
    sync.dispose()
    relay.dispose()
  })
  sync.start()
  const state = () => traffic.getState()
  return {
    traffic,
    sync,
    state,
    /** Resolves once the list is in a state the predicate accepts. */
    until(predicate: (s: TrafficState) => boolean, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        if (predicate(state())) return resolve()
        const timer = setTimeout(() => (off(), reject(new Error(`the list never ${what}`))), 10_000)
        const off = traffic.subscribe((s) => {
          if (!predicate(s)) return
          clearTimeout(timer)
          off()
          resolve()
        })
      })
    },
    /** Everything the engine has said so far has reached the list. */
    async caughtUp(): Promise<void> {
      relay.flushTraffic()
      await new Promise((resolve) => setImmediate(resolve))
    },
    targets: () => state().ids.map((id) => state().byId[id]!.target),
    /** What the engine holds for the list's filter. */
    engineTotal: () => t.engine.history.query(toCaptureQuery(state().filter, Date.now(), 1)).total,
    async pageToTheEnd(): Promise<void> {
      // Bounded: a list that pages without getting anywhere fails here rather than spinning.
      for (let i = 0; i < 20 && state().hasOlder; i++) await sync.loadOlder()
    },
  }
}

async function send(port: number, target: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${target}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
  await res.text()
}

async function sendMany(port: number, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await send(port, `${prefix}/${i}`)
}

/** A request whose headers the engine has received; its body completes when `finish` is called. */
async function slowRequest(t: TestEngine, target: string, port = t.port): Promise<{ finish: () => Promise<void> }> {
  const received = t.engine.events.waitFor('capture:received', (s) => s.target === target)
  const socket = net.connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()))
  socket.write(`POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{`)
  await received
  return {
    finish: async () => {
      socket.write('}')
      await answered
      socket.end()
    },
  }
}

/** Resolves after `count` capture:updated events (a signature scheme judged again, a forward retried). */
function updates(t: TestEngine, count: number): Promise<CaptureSummary[]> {
  const seen: CaptureSummary[] = []
  return new Promise((resolve) => {
    const off = t.engine.events.on('capture:updated', (summary) => {
      seen.push(summary)
      if (seen.length === count) {
        off()
        resolve(seen)
      }
    })
  })
}

describe('live list against the engine', () => {
  it('keeps the count at what the engine holds once history reaches its retention limit', async () => {
    const t = await engine()
    await t.engine.updateSettings({ retention: { maxCaptures: 100 } })
    await sendMany(t.port, '/old', 100)
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    await sendMany(t.port, '/new', 150)
    await live.until((s) => s.byId[s.ids[0]!]?.target === '/new/149', 'showed the last request')
    await t.engine.history.setRetention(t.engine.settings.retention) // after the retention already under way
    await live.caughtUp()
    expect(live.state().total).toBe(live.engineTotal())

    // Filtered, a removed request the list had not paged to may not have been counted: the engine says.
    live.traffic.getState().setFilter({ method: 'POST' })
    await live.until((s) => s.loaded, 'answered the search')
    await sendMany(t.port, '/more', 150)
    await t.engine.history.setRetention(t.engine.settings.retention)
    await live.caughtUp()
    await live.until((s) => !s.headStale, 'asked the engine again')
    expect(live.state().total).toBe(live.engineTotal())
  })

  it('an old request judged again is not taken for a new one, and paging back still shows every request', async () => {
    const t = await engine()
    await sendMany(t.port, '/old', 600)
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    expect(live.state().ids).toHaveLength(500)
    const rechecked = updates(t, 600)
    await live.sync.updateEndpoint(t.endpointId, { signature: { scheme: 'github' } })
    await rechecked
    await live.caughtUp()
    const s = live.state()
    expect(s.ids).toHaveLength(500)
    expect(s.total).toBe(600)
    expect(s.byId[s.ids[0]!]!.signature).not.toBeNull()
    await live.pageToTheEnd()
    const shown = new Set(live.targets())
    expect(shown.size).toBe(600)
    expect(Array.from({ length: 600 }, (_, i) => `/old/${i}`).filter((target) => !shown.has(target))).toEqual([])
  })

  it('does not count an endpoint’s old requests, judged again, as new ones for its badge', async () => {
    const t = await engine()
    const b = await t.engine.createEndpoint({ name: 'B', port: 0, host: '127.0.0.1', enabled: true })
    const bPort = t.engine.statuses().find((status) => status.id === b.id)!.port!
    await sendMany(bPort, '/b', 30)
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    live.traffic.getState().setFilter({ endpointId: t.endpointId })
    await live.until((s) => s.loaded, 'answered for the first endpoint')
    const rechecked = updates(t, 30)
    await live.sync.updateEndpoint(b.id, { signature: { scheme: 'github' } })
    await rechecked
    await live.caughtUp()
    expect(live.state().newByEndpoint[b.id] ?? 0).toBe(0)
    await send(bPort, '/b/new')
    await live.caughtUp()
    expect(live.state().newByEndpoint[b.id]).toBe(1)
  })

  it('an endpoint’s badge counts its new requests the engine still holds, not those retention removed', async () => {
    const t = await engine()
    await t.engine.updateSettings({ retention: { maxCaptures: 100 } })
    const b = await t.engine.createEndpoint({ name: 'B', port: 0, host: '127.0.0.1', enabled: true })
    const bPort = t.engine.statuses().find((status) => status.id === b.id)!.port!
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    live.traffic.getState().setFilter({ endpointId: t.endpointId })
    await live.until((s) => s.loaded, 'answered for the first endpoint')
    const storedOfB = () => t.engine.history.query({ endpointId: b.id, limit: 1 }).total
    await sendMany(bPort, '/b/early', 30)
    await sendMany(t.port, '/a', 80)
    await sendMany(bPort, '/b/late', 30)
    await t.engine.history.setRetention(t.engine.settings.retention)
    await live.caughtUp()
    expect(storedOfB()).toBeLessThan(60)
    expect(live.state().newByEndpoint[b.id]).toBe(storedOfB())

    // Every one of them removed: no badge at all.
    await sendMany(t.port, '/a/more', 120)
    await t.engine.history.setRetention(t.engine.settings.retention)
    await live.caughtUp()
    expect(storedOfB()).toBe(0)
    expect(live.state().newByEndpoint[b.id] ?? 0).toBe(0)
  })

  it('keeps a request still arriving listed and open through a clear, which leaves it to be stored', async () => {
    const t = await engine()
    await sendMany(t.port, '/old', 3)
    const live = openWindow(t)
    await live.until((s) => s.loaded && s.total === 3, 'loaded')
    const upload = await slowRequest(t, '/arriving')
    await live.caughtUp()
    const id = live.state().ids.find((listed) => live.state().byId[listed]!.target === '/arriving')!
    live.traffic.getState().open(id)
    expect(await t.engine.handlers()['captures.clear']({})).toEqual({ removed: 3 })
    await live.until((s) => s.loaded && !s.reloading, 'read the list again')
    expect(live.targets()).toEqual(['/arriving'])
    expect(live.state().byId[id]!.inFlight).toBe(true)
    expect(live.state().openedId).toBe(id)
    expect(live.state().total).toBe(1)

    await upload.finish()
    await live.caughtUp()
    expect(live.targets()).toEqual(['/arriving'])
    expect(live.state().byId[id]!.inFlight).toBe(false)
    expect(live.state().total).toBe(live.engineTotal())
    expect(live.state().total).toBe(1)
  })

  it('pages back through every request when a slow upload was stored after later ones', async () => {
    const t = await engine()
    await sendMany(t.port, '/old', 100)
    const upload = await slowRequest(t, '/slow-upload')
    await sendMany(t.port, '/during-upload', 20)
    await upload.finish()
    await sendMany(t.port, '/new', 499)
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    await live.pageToTheEnd()
    const shown = live.targets()
    expect(shown.filter((target) => target.startsWith('/during-upload/'))).toHaveLength(20)
    expect(new Set(shown).size).toBe(620)
    expect(live.state().total).toBe(620)
  })

  it('keeps paging to the end after a request that was still arriving joins the rows already paged', async () => {
    const t = await engine()
    // The first request is stored after 2600 later ones, high in the engine's order: the list sorts it
    // to the bottom, by arrival, once a row joins out of order.
    const first = await slowRequest(t, '/first')
    await sendMany(t.port, '/q', 1300)
    const second = await slowRequest(t, '/second')
    await sendMany(t.port, '/r', 1300)
    await first.finish()
    await sendMany(t.port, '/s', 10)
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    await live.sync.loadOlder()
    expect(live.state().ids).toHaveLength(1500)
    await second.finish()
    await live.until((s) => s.ids.some((id) => s.byId[id]!.target === '/second'), 'showed the second slow request')
    await live.pageToTheEnd()
    const s = live.state()
    expect(s.hasOlder).toBe(false)
    expect(new Set(live.targets()).size).toBe(2612)
    expect(s.ids).toHaveLength(2612)
    expect(s.total).toBe(live.engineTotal())
  })
  it('tells a request waiting out its response delay from one whose sender left before the answer', async () => {
    const t = await engine()
    const live = openWindow(t)
    await live.until((s) => s.loaded, 'loaded')
    await live.sync.updateEndpoint(t.endpointId, { response: { ...t.engine.endpoints()[0]!.response, delayMs: 400 } })
    // The sender gives up while the endpoint takes its time: the request is stored, never answered.
    const received = t.engine.events.waitFor('capture:received', (s) => s.target === '/gave-up')
    const completed = t.engine.events.waitFor('capture:completed', (s) => s.target === '/gave-up')
    const socket = net.connect(t.port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write('POST /gave-up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}')
    await received
    await live.caughtUp()
    await live.until((s) => s.ids.some((id) => s.byId[id]!.target === '/gave-up'), 'listed the request')
    const id = live.state().ids.find((i) => live.state().byId[i]!.target === '/gave-up')!
    expect(live.state().byId[id]!.inFlight).toBe(true)
    socket.destroy()
    await completed
    await live.caughtUp()
    await live.until((s) => s.byId[id]!.inFlight === false, 'saw the request end')
    expect(live.state().byId[id]!.status).toBeNull()
  })
})
