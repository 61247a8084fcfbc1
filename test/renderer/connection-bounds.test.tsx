import './helpers/setup-dom'
import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { FELL_BEHIND_WINDOW_MS, type WebSocketTransport } from '../../renderer/src/api/websocket-transport'
import { FakeSocket, fakeTransport } from './helpers/fake-socket'
import { createAppStore } from '../../renderer/src/state/app-store'
import { StoresProvider } from '../../renderer/src/state/context'
import { LiveSync } from '../../renderer/src/state/live-sync'
import { createTrafficStore } from '../../renderer/src/state/traffic-store'
import { createApiClient } from '../../shared/api'
import { WS_CLOSE_FELL_BEHIND } from '../../shared/wire'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { ManualFrames, settle } from './helpers/render-app'

function transport(now: () => number, hostAnswers: () => Promise<boolean | 'full'> = async () => true) {
  return fakeTransport({ now, hostAnswers })
}

/** The app on a page whose transport the test drives, its live updates applied when the test says. */
function renderApp(t: WebSocketTransport) {
  const engine = createFakeEngine()
  const traffic = createTrafficStore()
  const app = createAppStore()
  const sync = new LiveSync({ api: engine.api, connection: t, traffic, app, scheduler: new ManualFrames() })
  sync.start()
  render(
    <StoresProvider stores={{ api: engine.api, traffic, app, sync }}>
      <App />
    </StoresProvider>,
  )
  return { engine, sync }
}

describe('a page the host cut off for leaving live updates unread', () => {
  it('reconnects at once, its calls waiting for the connection instead of failing', async () => {
    const { transport: t, timers, states } = transport(() => 0)
    t.connect()
    FakeSocket.last().open()
    const api = createApiClient(t)
    const lost = api['endpoints.list']({})
    FakeSocket.last().closedByHost(WS_CLOSE_FELL_BEHIND)
    // The call the host had not answered is lost with the connection; the page says so to its caller.
    await expect(lost).rejects.toThrow(/lost before it answered/)
    // No wait, no "lost its connection" state: a new connection is on its way.
    expect(timers).toEqual([])
    expect(FakeSocket.created).toHaveLength(2)
    expect(states.at(-1)).toEqual({ kind: 'connecting' })
    const waiting = api['endpoints.list']({})
    FakeSocket.last().open()
    const call = JSON.parse(FakeSocket.last().sent[0]!)
    expect(call).toMatchObject({ method: 'endpoints.list' })
    FakeSocket.last().onmessage?.({ data: JSON.stringify({ type: 'result', id: call.id, result: { ok: true, value: [] } }) } as MessageEvent)
    await expect(waiting).resolves.toEqual([])
    expect(states.at(-1)).toEqual({ kind: 'open' })
    // Any other loss of an open connection still waits before trying again.
    FakeSocket.last().closedByHost(1006)
    expect(timers).toHaveLength(1)
    expect(states.at(-1)).toMatchObject({ kind: 'disconnected' })
  })

  it('reloads what it shows each time, and says so once it keeps happening, until dismissed', async () => {
    let now = 0
    const { transport: t } = transport(() => now)
    const { engine, sync } = renderApp(t)
    t.connect()
    act(() => FakeSocket.last().open())
    await settle()
    const loads = () => engine.calls.filter((c) => c.method === 'captures.query').length
    expect(loads()).toBe(1)
    const cutOff = async () => {
      act(() => FakeSocket.last().closedByHost(WS_CLOSE_FELL_BEHIND))
      expect(screen.queryByTestId('connection-banner')).toBeNull()
      act(() => FakeSocket.last().open())
      await settle()
    }
    addCapture(engine, { target: '/missed-while-behind' })
    await cutOff()
    expect(loads()).toBe(2)
    expect(screen.getAllByTestId('row-path').map((p) => p.textContent)).toEqual(['/missed-while-behind'])
    now += 60_000
    await cutOff()
    expect(screen.queryByTestId('connection-banner')).toBeNull()
    now += 60_000
    await cutOff()
    expect(loads()).toBe(4)
    const banner = screen.getByTestId('connection-banner')
    expect(banner.getAttribute('data-state')).toBe('fell-behind')
    expect(banner.textContent).toContain('could not keep up with the live traffic: Hookscope reconnected it 3 times in the last 10 minutes')
    expect(banner.textContent).toContain('so no request is missing')
    // From the keyboard.
    const user = userEvent.setup()
    screen.getByTestId('connection-banner-dismiss').focus()
    await user.keyboard('{Enter}')
    expect(screen.queryByTestId('connection-banner')).toBeNull()
    // Once the earlier ones are more than 10 minutes old, one more is not "keeps happening".
    now += FELL_BEHIND_WINDOW_MS
    await cutOff()
    expect(screen.queryByTestId('connection-banner')).toBeNull()
    sync.dispose()
  })
})

describe('a page refused because the host takes no more pages', () => {
  it('says so, not that its token was refused, and tries again until one leaves', async () => {
    let full = true
    const { transport: t, timers, states } = transport(
      () => 0,
      async () => (full ? 'full' : true),
    )
    const { sync } = renderApp(t)
    t.connect()
    act(() => FakeSocket.last().closedByHost(1006))
    await settle()
    expect(states.at(-1)).toEqual({ kind: 'disconnected', retryInMs: 250, reason: 'too-many-pages' })
    const banner = screen.getByTestId('connection-banner')
    expect(banner.getAttribute('data-state')).toBe('too-many-pages')
    expect(banner.textContent).toBe('Hookscope is running, but too many pages are connected to it. Close some of its tabs; this page tries again in 1 s…')
    full = false
    act(() => timers.shift()!.fn())
    act(() => FakeSocket.last().open())
    await settle()
    expect(screen.queryByTestId('connection-banner')).toBeNull()
    expect(screen.getByTestId('app-ready')).toBeTruthy()
    sync.dispose()
  })
})
