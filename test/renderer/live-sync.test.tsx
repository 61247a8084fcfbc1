import './helpers/setup-dom'
import { act, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { App } from '../../renderer/src/app'
import { HookscopeError } from '../../shared/errors'
import { alwaysOpen, type ConnectionSource, type ConnectionState } from '../../renderer/src/api/connection-state'
import { createAppStore } from '../../renderer/src/state/app-store'
import { StoresProvider } from '../../renderer/src/state/context'
import { LiveSync, OLDER_RETRY_MS, PRUNE_MS } from '../../renderer/src/state/live-sync'
import { createTrafficStore } from '../../renderer/src/state/traffic-store'
import { render } from '@testing-library/react'
import { addCapture, createFakeEngine, makeSummary } from './helpers/fake-api'
import { createHarness, ManualFrames, renderWith, settle } from './helpers/render-app'

function controlledConnection(): { connection: ConnectionSource; setState: (next: ConnectionState) => void } {
  let state: ConnectionState = { kind: 'connecting' }
  const listeners = new Set<(s: ConnectionState) => void>()
  const connection: ConnectionSource = {
    get state() {
      return state
    },
    onState: (l) => (listeners.add(l), () => void listeners.delete(l)),
    retryNow: () => {},
  }
  const setState = (next: ConnectionState) => {
    state = next
    for (const l of listeners) l(next)
  }
  return { connection, setState }
}

/** Older pages are read when asked for and answered when the test lets each through (in the order asked). */
/** The whole app over a fake engine, its connection's state set by the test (the page starts connecting). */
function renderAppDisconnectable(engine: ReturnType<typeof createFakeEngine>) {
  const { connection, setState } = controlledConnection()
  const traffic = createTrafficStore()
  const app = createAppStore()
  const sync = new LiveSync({ api: engine.api, connection, traffic, app, scheduler: new ManualFrames() })
  sync.start()
  render(
    <StoresProvider stores={{ api: engine.api, traffic, app, sync }}>
      <App />
    </StoresProvider>,
  )
  return { setState, traffic, app, sync }
}

/** Like the engine: a capture not stored yet (still being answered) is not found. */
function answerOnlyStoredCaptures(engine: ReturnType<typeof createFakeEngine>): void {
  engine.override('captures.get', (input, fixture) => {
    if (!engine.captures.has((input as { id: string }).id)) throw new HookscopeError('NOT_FOUND', `No capture with id ${(input as { id: string }).id}.`)
    return fixture()
  })
}

function holdOlderPages(engine: ReturnType<typeof createFakeEngine>): Array<() => void> {
  const held: Array<() => void> = []
  engine.override('captures.query', (input, fixture) => {
    if ((input as { before?: string }).before === undefined) return fixture()
    const page = fixture()
    return new Promise((resolve) => held.push(() => resolve(page)))
  })
  return held
}

describe('live sync', () => {
  it('applies live batches on the next frame, not before', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    expect(screen.getByTestId('empty-state')).toBeTruthy()
    expect(screen.getByTestId('empty-curl').textContent).toBe(
      `curl -X POST 'http://127.0.0.1:4567/webhooks' -H 'Content-Type: application/json' -d '{"event":"hello","from":"curl"}'`,
    )
    act(() => harness.engine.emit('traffic.batch', { captures: [makeSummary({ target: '/live/1' })], removed: [] }))
    act(() => harness.engine.emit('traffic.batch', { captures: [makeSummary({ target: '/live/2' })], removed: [] }))
    expect(screen.queryAllByTestId('traffic-row')).toHaveLength(0)
    act(() => harness.frames.frame())
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/live/2', '/live/1'])
    expect(screen.getByTestId('traffic-count').textContent).toBe('2 requests')
  })

  it('while paused, counts the requests waiting to be shown, so retention removing listed rows does not lower the count', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const count = () => screen.getByTestId('traffic-count').textContent
    const listed = [makeSummary(), makeSummary(), makeSummary({ method: 'GET' })]
    act(() => harness.engine.emit('traffic.batch', { captures: listed, removed: [] }))
    act(() => harness.frames.frame())
    expect(count()).toBe('3 requests')
    act(() => harness.stores.traffic.getState().setPaused(true))
    const waiting = [makeSummary(), makeSummary(), makeSummary({ method: 'GET' })]
    act(() => harness.engine.emit('traffic.batch', { captures: waiting, removed: [] }))
    act(() => harness.frames.frame())
    expect(count()).toBe('6 requests')
    // Retention removes the oldest as the new ones are stored: as many are stored as before.
    act(() => harness.engine.emit('traffic.batch', { captures: [], removed: [listed[0]!.id, listed[1]!.id] }))
    act(() => harness.frames.frame())
    expect(count()).toBe('4 requests')
    expect(screen.getByTestId('traffic-export-har').hasAttribute('disabled')).toBe(false)
    // Filtered, only those waiting that match count.
    harness.engine.summaries = [listed[2]!, ...waiting]
    act(() => harness.stores.traffic.getState().setFilter({ method: 'GET' }))
    await settle()
    expect(count()).toBe('2 requests')
    act(() => harness.stores.traffic.getState().setPaused(false))
    expect(count()).toBe('2 requests')
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(2)
  })

  it('keeps requests retention removed on the timeline, and takes cleared ones off it', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const timeline = harness.stores.sync.timeline
    const arrivals = () => timeline.snapshot(Date.now()).buckets.reduce((sum, bucket) => sum + bucket.reduce((a, b) => a + b, 0), 0)
    const first = [makeSummary({ endpointId: 'ep_1' }), makeSummary({ endpointId: 'ep_1' })]
    const other = makeSummary({ endpointId: 'ep_2' })
    act(() => harness.engine.emit('traffic.batch', { captures: [...first, other], removed: [] }))
    act(() => harness.frames.frame())
    expect(arrivals()).toBe(3)
    // Retention drops the oldest requests from the history: they came all the same.
    act(() => harness.engine.emit('traffic.batch', { captures: [], removed: [first[0]!.id] }))
    act(() => harness.frames.frame())
    expect(screen.getByTestId('traffic-count').textContent).toBe('2 requests')
    expect(arrivals()).toBe(3)
    // A clear of one endpoint's requests takes them off; a clear of all, every one.
    act(() => harness.engine.emit('captures.cleared', { endpointId: 'ep_1' }))
    expect(arrivals()).toBe(1)
    act(() => harness.engine.emit('captures.cleared', { endpointId: null }))
    expect(arrivals()).toBe(0)
    await settle()
  })

  it('draws on the timeline every request of its minutes the engine holds when the page loads, whatever the list shows', async () => {
    const engine = createFakeEngine()
    const now = Date.now()
    // More than a page of the timeline's reading, spread over the last two minutes, some of them GETs.
    for (let i = 0; i < 5_200; i++) engine.summaries.push(makeSummary({ receivedAt: now - 120_000 + Math.floor(i * 20), method: i % 4 === 0 ? 'GET' : 'POST' }))
    engine.summaries.push(makeSummary({ receivedAt: now - 600_000 }))
    const traffic = createTrafficStore()
    traffic.getState().setFilter({ method: 'GET' })
    const sync = new LiveSync({ api: engine.api, connection: alwaysOpen(), traffic, app: createAppStore(), scheduler: new ManualFrames() })
    sync.start()
    await settle()
    await waitFor(() => expect(traffic.getState().loaded).toBe(true))
    const arrivals = () => sync.timeline.snapshot(Date.now()).buckets.reduce((sum, bucket) => sum + bucket.reduce((a, b) => a + b, 0), 0)
    await waitFor(() => expect(arrivals()).toBe(5_200))
    // Read in two pages of what the timeline plots, none of them through the list's query.
    const reads = engine.calls.filter((c) => c.method === 'captures.timeline').map((c) => c.input as Record<string, unknown>)
    expect(reads.map((input) => Object.keys(input).sort())).toEqual([
      ['before', 'limit', 'since'],
      ['before', 'limit', 'since'],
    ])
    expect(reads[0]!.before).toBeUndefined()
    expect(reads[1]!.before).toEqual(expect.any(String))
    expect(engine.calls.filter((c) => c.method === 'captures.query')).toHaveLength(1)
    // Another filter's answer adds nothing to it.
    traffic.getState().setFilter({ method: null })
    await settle()
    expect(arrivals()).toBe(5_200)
    sync.dispose()
  })

  it('reads the timeline\'s minutes only once the list\'s first page has landed', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 3; i++) addCapture(engine, { target: `/stored/${i}` })
    const firstPage: Array<() => void> = []
    engine.override('captures.query', (_input, fixture) => {
      const page = fixture()
      return new Promise((resolve) => firstPage.push(() => resolve(page)))
    })
    const traffic = createTrafficStore()
    const sync = new LiveSync({ api: engine.api, connection: alwaysOpen(), traffic, app: createAppStore(), scheduler: new ManualFrames() })
    sync.start()
    await settle()
    expect(firstPage).toHaveLength(1)
    expect(engine.calls.filter((c) => c.method === 'captures.timeline')).toHaveLength(0)
    act(() => firstPage[0]!())
    await waitFor(() => expect(traffic.getState().ids).toHaveLength(3))
    await waitFor(() => expect(engine.calls.filter((c) => c.method === 'captures.timeline')).toHaveLength(1))
    await waitFor(() => expect(sync.timeline.snapshot(Date.now()).peak).toBeGreaterThan(0))
    sync.dispose()
  })

  it('reads the timeline\'s minutes again after a clear that came while they were read, dropping what was read before it', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 4; i++) engine.summaries.push(makeSummary({ endpointId: 'ep_1' }))
    const kept = makeSummary({ endpointId: 'ep_2' })
    engine.summaries.push(kept)
    const reads: Array<() => void> = []
    engine.override('captures.timeline', (_input, fixture) => {
      const page = fixture()
      return new Promise((resolve) => reads.push(() => resolve(page)))
    })
    const traffic = createTrafficStore()
    const sync = new LiveSync({ api: engine.api, connection: alwaysOpen(), traffic, app: createAppStore(), scheduler: new ManualFrames() })
    sync.start()
    await waitFor(() => expect(reads).toHaveLength(1))
    const arrivals = () => sync.timeline.snapshot(Date.now()).buckets.reduce((sum, bucket) => sum + bucket.reduce((a, b) => a + b, 0), 0)
    // ep_1's requests are cleared while the first reading is on its way: it answers with them all the same.
    engine.summaries = [kept]
    act(() => engine.emit('captures.cleared', { endpointId: 'ep_1' }))
    await waitFor(() => expect(reads).toHaveLength(2))
    await act(async () => reads[0]!())
    await settle()
    expect(arrivals()).toBe(0)
    await act(async () => reads[1]!())
    await waitFor(() => expect(arrivals()).toBe(1))
    await settle()
    expect(arrivals()).toBe(1)
    sync.dispose()
  })

  it('lets a list of the last minutes drop what grew older than its range as time goes by', async () => {
    const engine = createFakeEngine()
    let now = Date.now()
    addCapture(engine, { target: '/earlier', receivedAt: now - 4 * 60_000 })
    addCapture(engine, { target: '/now', receivedAt: now })
    const traffic = createTrafficStore()
    const app = createAppStore()
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const sync = new LiveSync({ api: engine.api, connection: alwaysOpen(), traffic, app, scheduler: new ManualFrames(), now: () => now })
      sync.start()
      render(
        <StoresProvider stores={{ api: engine.api, traffic, app, sync }}>
          <App />
        </StoresProvider>,
      )
      await settle()
      act(() => traffic.getState().setFilter({ range: '5m' }))
      await settle()
      expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/now', '/earlier'])
      now += 2 * 60_000
      act(() => void vi.advanceTimersByTime(PRUNE_MS))
      expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/now'])
      expect(screen.getByTestId('traffic-count').textContent).toBe('1 request')
      sync.dispose()
    } finally {
      vi.useRealTimers()
    }
  })

  it('asks the engine again when the filter changes, and pages older captures with before', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: i % 2 ? `/odd/${i}` : `/even/${i}` })
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    const traffic = harness.stores.traffic
    expect(traffic.getState().ids).toHaveLength(500)
    expect(traffic.getState().total).toBe(1200)
    await harness.stores.sync.loadOlder()
    const older = engine.calls.filter((c) => c.method === 'captures.query').at(-1)!.input as { before?: string }
    expect(older.before).toBe(traffic.getState().ids[499])
    expect(traffic.getState().ids).toHaveLength(1200)
    expect(traffic.getState().hasOlder).toBe(false)
    act(() => traffic.getState().setFilter({ text: 'odd' }))
    await settle()
    const query = engine.calls.filter((c) => c.method === 'captures.query').at(-1)!.input as { text?: string }
    expect(query.text).toBe('odd')
    expect(traffic.getState().total).toBe(600)
    expect(traffic.getState().ids.every((id) => traffic.getState().byId[id]!.target.startsWith('/odd/'))).toBe(true)
  })

  it('after an older page failed, asks again later and less often, not at every draw, and says so once', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: `/stored/${i}` })
    let failing = true
    engine.override('captures.query', (input, fixture) => {
      if (failing && (input as { before?: string }).before !== undefined) throw new Error('the engine is busy')
      return fixture()
    })
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    const olderQueries = () => engine.calls.filter((c) => c.method === 'captures.query' && (c.input as { before?: string }).before !== undefined).length
    const failedAt = performance.now()
    await harness.stores.sync.loadOlder()
    expect(olderQueries()).toBe(1)
    expect(harness.stores.app.getState().toast?.message).toBe('Loading older requests failed (trying again): the engine is busy')
    // The list asks whenever it draws near its end: no query until the wait is over.
    for (let i = 0; i < 20; i++) await harness.stores.sync.loadOlder()
    expect(olderQueries()).toBe(1)
    failing = false
    await vi.waitFor(() => expect(harness.stores.traffic.getState().ids).toHaveLength(1200), { timeout: 3000, interval: 20 })
    expect(performance.now() - failedAt).toBeGreaterThanOrEqual(OLDER_RETRY_MS - 5)
    expect(olderQueries()).toBe(2)
    harness.stores.sync.dispose()
  })

  it('after a reconnect, asks for an older page at once, though one failed while disconnected', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: `/stored/${i}` })
    let failing = true
    engine.override('captures.query', (input, fixture) => {
      if (failing && (input as { before?: string }).before !== undefined) throw new Error('the engine is gone')
      return fixture()
    })
    const { connection, setState } = controlledConnection()
    const traffic = createTrafficStore()
    const app = createAppStore()
    const sync = new LiveSync({ api: engine.api, connection, traffic, app, scheduler: new ManualFrames() })
    sync.start()
    setState({ kind: 'open' })
    await settle()
    const olderQueries = () => engine.calls.filter((c) => c.method === 'captures.query' && (c.input as { before?: string }).before !== undefined).length
    await sync.loadOlder()
    expect(olderQueries()).toBe(1)
    setState({ kind: 'disconnected', retryInMs: 2000 })
    failing = false
    setState({ kind: 'open' })
    await settle()
    expect(traffic.getState().ids).toHaveLength(500)
    // The list read afresh pages afresh: no wait left over from the connection that was lost.
    await sync.loadOlder()
    expect(olderQueries()).toBe(2)
    expect(traffic.getState().ids).toHaveLength(1200)
    sync.dispose()
  })

  it('an older page of a list no longer shown that fails does not hold back the new list, nor say so', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: `/stored/${i}` })
    let fail: ((error: Error) => void) | null = null
    engine.override('captures.query', (input, fixture) => {
      if (fail === null && (input as { before?: string }).before !== undefined) return new Promise((_, reject) => (fail = reject))
      return fixture()
    })
    const harness = createHarness(engine)
    const { sync, traffic, app } = harness.stores
    sync.start()
    await settle()
    const olderQueries = () => engine.calls.filter((c) => c.method === 'captures.query' && (c.input as { before?: string }).before !== undefined).length
    const asked = sync.loadOlder()
    expect(olderQueries()).toBe(1)
    traffic.getState().setFilter({ text: '/stored/' })
    await settle()
    expect(traffic.getState().loaded).toBe(true)
    fail!(new Error('the engine is busy'))
    await asked
    expect(app.getState().toast).toBeNull()
    await sync.loadOlder()
    expect(olderQueries()).toBe(2)
    expect(traffic.getState().ids).toHaveLength(1200)
    sync.dispose()
  })

  it('a new filter pages its own older captures at once, while an older page of the list before it is on its way, and drops that page', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: i % 2 ? `/odd/${i}` : `/even/${i}` })
    const held = holdOlderPages(engine)
    const harness = createHarness(engine)
    const { sync, traffic } = harness.stores
    sync.start()
    await settle()
    const stale = sync.loadOlder()
    expect(held).toHaveLength(1)
    act(() => traffic.getState().setFilter({ text: 'odd' }))
    await settle()
    expect(traffic.getState().ids).toHaveLength(500)
    expect(traffic.getState().loadingOlder).toBe(false)
    const fresh = sync.loadOlder()
    expect(held).toHaveLength(2)
    expect(traffic.getState().loadingOlder).toBe(true)
    // The page of the list before arrives: none of it joins the new list, whose own page is still awaited.
    held[0]!()
    await stale
    expect(traffic.getState().ids).toHaveLength(500)
    expect(traffic.getState().loadingOlder).toBe(true)
    await sync.loadOlder()
    expect(held).toHaveLength(2)
    held[1]!()
    await fresh
    const { ids, byId, hasOlder, loadingOlder } = traffic.getState()
    expect(ids).toHaveLength(600)
    expect(ids.every((id) => byId[id]!.target.startsWith('/odd/'))).toBe(true)
    expect(hasOlder).toBe(false)
    expect(loadingOlder).toBe(false)
    sync.dispose()
  })

  it('an older page asked for before a clear never brings the cleared captures back', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: `/stored/${i}` })
    const held = holdOlderPages(engine)
    const harness = createHarness(engine)
    const { sync, traffic } = harness.stores
    sync.start()
    await settle()
    const stale = sync.loadOlder()
    expect(held).toHaveLength(1)
    expect(await sync.clearHistory()).toBe(1200)
    expect(traffic.getState().ids).toHaveLength(0)
    expect(traffic.getState().loadingOlder).toBe(false)
    held[0]!()
    await stale
    expect(traffic.getState().ids).toHaveLength(0)
    expect(traffic.getState().total).toBe(0)
    sync.dispose()
  })

  it('an older page that fails once the sync is disposed is not asked for again', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 1200; i++) addCapture(engine, { target: `/stored/${i}` })
    let fail: ((error: Error) => void) | null = null
    engine.override('captures.query', (input, fixture) => {
      if ((input as { before?: string }).before !== undefined) return new Promise((_, reject) => (fail = reject))
      return fixture()
    })
    const harness = createHarness(engine)
    const { sync } = harness.stores
    sync.start()
    await settle()
    const olderQueries = () => engine.calls.filter((c) => c.method === 'captures.query' && (c.input as { before?: string }).before !== undefined).length
    const asked = sync.loadOlder()
    sync.dispose()
    vi.useFakeTimers()
    try {
      fail!(new Error('the engine is gone'))
      await asked
      await vi.advanceTimersByTimeAsync(60_000)
      expect(olderQueries()).toBe(1)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('reloads everything after a reconnect and shows why while disconnected', async () => {
    const engine = createFakeEngine()
    const { setState, sync } = renderAppDisconnectable(engine)
    expect(engine.calls).toHaveLength(0)
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(screen.getByTestId('app-ready')).toBeTruthy()
    const loads = () => engine.calls.filter((c) => c.method === 'endpoints.list').length
    expect(loads()).toBe(1)
    act(() => setState({ kind: 'disconnected', retryInMs: 2000 }))
    expect(screen.getByTestId('connection-banner').textContent).toMatch(/lost its connection to Hookscope\. Reconnecting in 2 s/)
    addCapture(engine, { target: '/while-away' })
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(loads()).toBe(2)
    expect(screen.queryByTestId('connection-banner')).toBeNull()
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/while-away'])
    act(() => setState({ kind: 'unauthorized' }))
    expect(screen.getByTestId('connection-banner').textContent).toMatch(/Open the URL printed by hookscope serve/)
    sync.dispose()
  })

  it('brings the window forward with the request open when its desktop notification is clicked', async () => {
    const shown: Array<{ title: string; onclick: (() => void) | null; closed: boolean }> = []
    vi.stubGlobal(
      'Notification',
      class {
        static permission = 'granted'
        onclick: (() => void) | null = null
        closed = false
        constructor(readonly title: string) {
          shown.push(this)
        }
        close() {
          this.closed = true
        }
      },
    )
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => {})
    const inFront = vi.spyOn(document, 'hasFocus').mockReturnValue(false)
    try {
      const harness = createHarness()
      harness.engine.settings = { ...harness.engine.settings, ui: { ...harness.engine.settings.ui, notifications: true } }
      harness.stores.sync.start()
      renderWith(harness, <App />)
      await settle()
      act(() => harness.stores.app.getState().setView('settings'))
      const arriving = makeSummary({ target: '/notify-me', receivedAt: Date.now() + 1000 })
      act(() => harness.engine.emit('traffic.batch', { captures: [arriving], removed: [] }))
      await settle()
      expect(shown.map((n) => n.title)).toEqual(['New request on Default'])
      act(() => shown[0]!.onclick!())
      expect(focus).toHaveBeenCalled()
      expect(shown[0]!.closed).toBe(true)
      expect(harness.stores.app.getState().view).toBe('traffic')
      expect(harness.stores.traffic.getState().openedId).toBe(arriving.id)
      harness.stores.sync.dispose()
    } finally {
      focus.mockRestore()
      inFront.mockRestore()
      vi.unstubAllGlobals()
    }
  })

  it('says a request opened before it is stored is still in progress, and shows it once it is answered', async () => {
    const harness = createHarness()
    harness.engine.endpoints[0]!.response.delayMs = 4000
    answerOnlyStoredCaptures(harness.engine)
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const arriving = makeSummary({ target: '/slow', status: null, durationMs: null })
    act(() => harness.engine.emit('traffic.batch', { captures: [arriving], removed: [] }))
    act(() => harness.frames.frame())
    act(() => harness.stores.traffic.getState().open(arriving.id))
    await settle()
    expect(screen.queryByTestId('detail-error')).toBeNull()
    expect(screen.getByTestId('detail-in-flight').textContent).toContain('still in progress')
    expect(screen.getByTestId('detail-in-flight').textContent).toContain('“Default” waits 4,000 ms before it answers')
    // Answered and stored: the detail reads it without being opened again.
    addCapture(harness.engine, { id: arriving.id, target: '/slow', status: 200 })
    act(() => harness.engine.emit('traffic.batch', { captures: [{ ...arriving, status: 200, durationMs: 4003 }], removed: [] }))
    act(() => harness.frames.frame())
    await settle()
    expect(screen.queryByTestId('detail-in-flight')).toBeNull()
    expect(screen.getByTestId('detail').textContent).toContain('http://127.0.0.1:4567/slow')
  })

  it('says a request stored while it waits out its response delay is waiting for its answer, and shows it once it is answered', async () => {
    const harness = createHarness()
    harness.engine.endpoints[0]!.response.delayMs = 4000
    // Stored as it arrived whole: the engine reads it, saying it still waits for its answer.
    const waiting = addCapture(harness.engine, { target: '/slow', status: null, durationMs: null, response: null, inFlight: true })
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    act(() => harness.stores.traffic.getState().open(waiting.id))
    await settle()
    expect(screen.getByTestId('detail-in-flight').textContent).toContain('“Default” waits 4,000 ms before it answers')
    harness.engine.captures.get(waiting.id)!.capture = { ...waiting, status: 200, durationMs: 4003, inFlight: undefined }
    act(() => harness.engine.emit('traffic.batch', { captures: [{ ...waiting, status: 200, durationMs: 4003, inFlight: false }], removed: [] }))
    act(() => harness.frames.frame())
    await settle()
    expect(screen.queryByTestId('detail-in-flight')).toBeNull()
    expect(screen.getByTestId('overview-status').textContent).toBe('200')
  })

  it('shows a request stored while it waited out its response delay once its sender left, though it ended with neither a status nor a duration', async () => {
    const harness = createHarness()
    harness.engine.endpoints[0]!.response.delayMs = 4000
    const waiting = addCapture(harness.engine, { target: '/left', status: null, durationMs: null, response: null, inFlight: true })
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    act(() => harness.stores.traffic.getState().open(waiting.id))
    await settle()
    expect(screen.getByTestId('detail-in-flight')).toBeTruthy()
    // Its sender left: stored as never answered.
    harness.engine.captures.get(waiting.id)!.capture = { ...waiting, inFlight: undefined }
    act(() => harness.engine.emit('traffic.batch', { captures: [{ ...waiting, inFlight: false }], removed: [] }))
    act(() => harness.frames.frame())
    await settle()
    expect(screen.queryByTestId('detail-in-flight')).toBeNull()
    expect(screen.getByTestId('detail').textContent).toContain('/left')
  })

  it('keeps a request open when retention removes it, saying so, until another is opened', async () => {
    const harness = createHarness()
    const older = addCapture(harness.engine, { target: '/older' })
    const read = addCapture(harness.engine, { target: '/being-read' })
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    act(() => harness.stores.traffic.getState().open(read.id))
    await settle()
    expect(screen.getByTestId('detail').textContent).toContain('http://127.0.0.1:4567/being-read')
    harness.engine.captures.delete(read.id)
    act(() => harness.engine.emit('traffic.batch', { captures: [], removed: [read.id] }))
    act(() => harness.frames.frame())
    await settle()
    expect(screen.getByTestId('detail-target').textContent).toBe('/being-read')
    expect(screen.getByTestId('detail').textContent).toContain('http://127.0.0.1:4567/being-read')
    expect(screen.getByTestId('detail-removed').textContent).toContain('Retention removed this request')
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/older'])
    expect(screen.getByTestId('traffic-count').textContent).toBe('1 request')
    // What needs it stored is not offered, and says why, rather than failing once pressed.
    for (const testId of ['detail-resend', 'detail-edit', 'detail-save', 'detail-compare', 'copy-curl', 'copy-code']) {
      const button = screen.getByTestId(testId) as HTMLButtonElement
      expect(button.disabled, testId).toBe(true)
      expect(button.title, testId).toBe('No longer stored: retention removed this request from the history')
    }
    // Its keys say so too, and ask the engine for nothing.
    const calls = harness.engine.calls.length
    for (const key of ['r', 'e', 's', 'c']) {
      act(() => void document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })))
      expect(harness.stores.app.getState().toast?.message, key).toBe('No longer stored: retention removed this request from the history.')
    }
    await settle()
    expect(harness.engine.calls.slice(calls).filter((c) => ['replay.resend', 'replay.draft', 'captures.get'].includes(c.method))).toEqual([])
    expect(harness.stores.app.getState().view).toBe('traffic')
    act(() => harness.stores.traffic.getState().open(older.id))
    await settle()
    expect(screen.queryByTestId('detail-removed')).toBeNull()
    expect(screen.getByTestId('detail-target').textContent).toBe('/older')
  })

  it('says a request still in progress can be copied once it is complete, from the button, the c key and the code sheet', async () => {
    const harness = createHarness()
    answerOnlyStoredCaptures(harness.engine)
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const arriving = makeSummary({ target: '/slow', status: null, durationMs: null, inFlight: true })
    act(() => harness.engine.emit('traffic.batch', { captures: [arriving], removed: [] }))
    act(() => harness.frames.frame())
    act(() => harness.stores.traffic.getState().open(arriving.id))
    await settle()
    const toast = () => harness.stores.app.getState().toast
    await act(async () => {
      screen.getByTestId('copy-curl').click()
    })
    await settle()
    expect(toast()?.message).toBe('This request is still in progress (its body is still arriving, or its answer is on its way): it can be copied as cURL once it is received and answered.')
    expect(toast()?.tone).toBe('info')
    act(() => harness.stores.app.getState().showToast('—'))
    await act(async () => {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'c', bubbles: true }))
    })
    await settle()
    expect(toast()?.message).toMatch(/^This request is still in progress .* copied as cURL once it is received and answered\.$/)
    act(() => harness.stores.app.getState().setCodeSheetFor(arriving.id))
    await waitFor(() => expect(screen.getByTestId('code-sheet').textContent).toContain('it can be copied as code once it is received and answered'), { timeout: 10_000 })
    expect(screen.getByTestId('code-sheet').textContent).not.toContain('No capture with id')
  })

  it('shows the code of a request opened in the code sheet while still in progress once it is answered, never loading meanwhile', async () => {
    const harness = createHarness()
    answerOnlyStoredCaptures(harness.engine)
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const arriving = makeSummary({ target: '/slow-code', status: null, durationMs: null, inFlight: true })
    act(() => harness.engine.emit('traffic.batch', { captures: [arriving], removed: [] }))
    act(() => harness.frames.frame())
    act(() => harness.stores.traffic.getState().open(arriving.id))
    await settle()
    act(() => harness.stores.app.getState().setCodeSheetFor(arriving.id))
    await waitFor(() => expect(screen.getByTestId('code-sheet').textContent).toContain('it can be copied as code once it is received and answered'), { timeout: 10_000 })
    // Nothing is on its way while the request is not stored: the sheet says what it waits for, not "Loading…".
    expect(screen.queryByTestId('code-output')).toBeNull()
    expect(screen.getByTestId('code-sheet').textContent).not.toContain('Loading')
    expect((screen.getByTestId('code-copy') as HTMLButtonElement).disabled).toBe(true)
    // Answered and stored: the open sheet shows its code, as the detail shows the request.
    addCapture(harness.engine, { id: arriving.id, target: '/slow-code', status: 200 })
    act(() => harness.engine.emit('traffic.batch', { captures: [{ ...arriving, status: 200, durationMs: 4003, inFlight: false }], removed: [] }))
    act(() => harness.frames.frame())
    await waitFor(() => expect(screen.getByTestId('code-output').textContent).toContain('http://127.0.0.1:4567/slow-code'), { timeout: 10_000 })
    expect(screen.getByTestId('code-sheet').textContent).not.toContain('still in progress')
    expect((screen.getByTestId('code-copy') as HTMLButtonElement).disabled).toBe(false)
  })

  it('opens a request chosen while disconnected once the page is connected again, and keeps the one shown meanwhile', async () => {
    const engine = createFakeEngine()
    const first = addCapture(engine, { target: '/first' })
    const second = addCapture(engine, { target: '/second' })
    const { setState, traffic, sync } = renderAppDisconnectable(engine)
    act(() => setState({ kind: 'open' }))
    await settle()
    act(() => traffic.getState().open(first.id))
    await settle()
    expect(screen.getByTestId('detail').textContent).toContain('http://127.0.0.1:4567/first')
    // Gone: the engine cannot be asked (the page's transport answers every call with an error).
    act(() => setState({ kind: 'disconnected', retryInMs: 2000 }))
    engine.override('captures.get', () => {
      throw new Error('This page is not connected to Hookscope, so nothing was sent.')
    })
    await settle()
    expect(screen.queryByTestId('detail-error')).toBeNull()
    expect(screen.getByTestId('detail').textContent).toContain('http://127.0.0.1:4567/first')
    act(() => traffic.getState().open(second.id))
    await settle()
    expect(screen.getByTestId('detail-error').textContent).toMatch(/not connected to Hookscope/)
    // Back: the request chosen meanwhile is read and shown without being chosen again.
    engine.override('captures.get', (_input, fixture) => fixture())
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(screen.queryByTestId('detail-error')).toBeNull()
    expect(screen.getByTestId('detail').textContent).toContain('http://127.0.0.1:4567/second')
    sync.dispose()
  })

  it('says in the toolbar that the page is not connected, not loading, while it cannot reach the engine before its first page', async () => {
    const engine = createFakeEngine()
    addCapture(engine, { target: '/orders/1' })
    addCapture(engine, { target: '/users/2' })
    const { setState } = renderAppDisconnectable(engine)
    const count = () => screen.getByTestId('traffic-count').textContent
    expect(count()).toBe('Loading…')
    // Opened without its token, or with one the host refuses: nothing is on its way.
    act(() => setState({ kind: 'no-token' }))
    await settle()
    expect(screen.getByTestId('connection-banner').getAttribute('data-state')).toBe('no-token')
    expect(count()).toBe('Not connected')
    act(() => setState({ kind: 'unauthorized' }))
    await settle()
    expect(count()).toBe('Not connected')
    act(() => setState({ kind: 'disconnected', retryInMs: 2000 }))
    await settle()
    expect(count()).toBe('Not connected')
    // A new token: connecting, then the list.
    act(() => setState({ kind: 'connecting' }))
    expect(count()).toBe('Loading…')
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(count()).toBe('2 requests')
  })

  it('says a search made while disconnected was not run, and runs it once the page is connected again', async () => {
    const engine = createFakeEngine()
    addCapture(engine, { target: '/orders/1' })
    addCapture(engine, { target: '/users/2' })
    const { setState, traffic, sync } = renderAppDisconnectable(engine)
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/users/2', '/orders/1'])
    // Gone: the page's transport answers every call at once with an error.
    act(() => setState({ kind: 'disconnected', retryInMs: 2000 }))
    engine.override('captures.query', () => {
      throw new Error('This page is not connected to Hookscope, so nothing was sent. Try again once it is connected.')
    })
    act(() => traffic.getState().setFilter({ text: 'orders' }))
    await settle()
    expect(screen.getByTestId('query-failed').textContent).toBe('The search was not run: this page is not connected to Hookscope.It runs as soon as the page is connected again.')
    expect(screen.getByTestId('traffic-count').textContent).toBe('Not searched')
    expect(screen.queryAllByTestId('row-path')).toHaveLength(0)
    // Back: the search runs without being asked again.
    engine.override('captures.query', (_input, fixture) => fixture())
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(screen.queryByTestId('query-failed')).toBeNull()
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/orders/1'])
    expect(screen.getByTestId('traffic-count').textContent).toBe('1 request')
    // Refused by the engine while connected: it says why, and offers to search again.
    let refuse = true
    engine.override('captures.query', (_input, fixture) => {
      if (refuse) throw new Error('the store is busy')
      return fixture()
    })
    act(() => traffic.getState().setFilter({ text: 'users' }))
    await settle()
    expect(screen.getByTestId('query-failed-reason').textContent).toBe('the store is busy')
    refuse = false
    await act(async () => {
      screen.getByTestId('query-retry').click()
    })
    await settle()
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/users/2'])
    sync.dispose()
  })

  it('after a reconnect, drops rows the engine no longer has, the list staying shown meanwhile', async () => {
    const engine = createFakeEngine()
    for (let i = 0; i < 3; i++) addCapture(engine, { target: `/before/${i}` })
    const { setState, sync } = renderAppDisconnectable(engine)
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(3)
    act(() => setState({ kind: 'disconnected', retryInMs: 2000 }))
    // Another window cleared the history meanwhile.
    engine.summaries = []
    let answer!: () => void
    const answered = new Promise<void>((resolve) => (answer = resolve))
    engine.override('captures.query', async () => {
      await answered
      return { items: [], total: 0, next: null }
    })
    act(() => setState({ kind: 'open' }))
    await settle()
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(3)
    expect(screen.getByTestId('traffic-count').textContent).toBe('3 requests')
    answer()
    await settle()
    expect(screen.queryAllByTestId('traffic-row')).toHaveLength(0)
    expect(screen.getByTestId('traffic-count').textContent).toBe('0 requests')
    expect(screen.getByTestId('empty-state')).toBeTruthy()
    sync.dispose()
  })

  it('shows engine notices until dismissed', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    act(() => harness.engine.emit('app.notice', { level: 'warning', code: 'DOCUMENT_CORRUPT', message: 'settings.json was damaged; restored the backup', at: Date.now() }))
    expect(screen.getByTestId('notice').textContent).toContain('settings.json was damaged')
    act(() => screen.getByTestId('notice-dismiss').click())
    expect(screen.queryByTestId('notice')).toBeNull()
  })
})
