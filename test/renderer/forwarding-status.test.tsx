import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { EndpointsSidebar } from '../../renderer/src/components/endpoints-sidebar'
import { Toast } from '../../renderer/src/components/notices'
import { createForwardStore, targetKey } from '../../renderer/src/state/forward-store'
import { defaultForwardConfig, type ForwardConfig } from '../../shared/model'
import { createFakeEngine } from './helpers/fake-api'
import { installForwardFakes, targetStatus } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

const forwarding = (patch: Partial<ForwardConfig> = {}): ForwardConfig => ({
  ...defaultForwardConfig(),
  mode: 'async',
  targets: [
    { id: 't-app', url: 'http://localhost:3000/hooks', paused: false },
    { id: 't-500', url: 'http://localhost:5000', paused: false },
  ],
  defaultTargetId: 't-app',
  ...patch,
})

async function setup(forward: ForwardConfig = forwarding()) {
  const engine = createFakeEngine()
  const fakes = installForwardFakes(engine)
  fakes.endpoint().forward = forward
  fakes.targets = [
    targetStatus({ targetId: 't-app', state: 'down', waiting: 3, failed: 0, lastError: 'connect ECONNREFUSED 127.0.0.1:3000', nextAttemptAt: new Date(2030, 0, 1, 12, 0, 5).getTime() }),
    targetStatus({ targetId: 't-500', url: 'http://localhost:5000', state: 'idle', waiting: 0, failed: 2 }),
  ]
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(
    harness,
    <>
      <EndpointsSidebar />
      <Toast />
    </>,
  )
  await settle()
  const target = (id: string) => screen.getAllByTestId('target-item').find((item) => item.getAttribute('data-target-id') === id)!
  const calls = (method: string) => engine.calls.filter((c) => c.method === method).map((c) => c.input)
  return { engine, fakes, harness, target, calls }
}

const click = (element: Element) => act(() => void fireEvent.click(element))

describe('forward targets in the endpoints sidebar', () => {
  it('shows each target’s state, waiting and failed counts, last error and next attempt, from forward.status', async () => {
    const { target } = await setup()
    const app = target('t-app')
    expect(app.getAttribute('data-state')).toBe('down')
    expect(within(app).getByTestId('target-state').textContent).toBe('down')
    expect(within(app).getByTestId('target-url').textContent).toBe('http://localhost:3000/hooks')
    expect(within(app).getByTestId('target-waiting').textContent).toBe('3 waiting')
    expect(within(app).getByTestId('target-failed').getAttribute('data-count')).toBe('0')
    expect(within(app).getByTestId('target-error').textContent).toBe('connect ECONNREFUSED 127.0.0.1:3000')
    expect(within(app).getByTestId('target-next').textContent).toBe('next attempt 12:00:05.000')
    expect(within(app).getByTestId('target-drop')).toHaveProperty('disabled', false)
    expect(within(app).getByTestId('target-retry-failed')).toHaveProperty('disabled', true)
    expect(within(app).getByTestId('target-retry-now')).toHaveProperty('disabled', false)
    expect(within(app).getByTestId('target-retry-now').title).toBe('Try what waits now instead of at 12:00:05.000; if it fails again, the backoff goes on')
    const failing = target('t-500')
    expect(within(failing).getByTestId('target-state').textContent).toBe('up')
    expect(within(failing).getByTestId('target-failed').textContent).toBe('2 failed')
    expect(within(failing).queryByTestId('target-error')).toBeNull()
    expect(within(failing).getByTestId('target-retry-now')).toHaveProperty('disabled', true)
    expect(within(failing).getByTestId('target-retry-now').title).toMatch(/^Nothing waits for a retry/)
  })

  it('says a target nothing was sent to yet is not tried, in a neutral tone', async () => {
    const { engine, target } = await setup()
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ targetId: 't-app', state: 'unknown' })] }))
    for (const id of ['t-app', 't-500']) {
      // t-500 has no status in that event: nothing is known of it either.
      const item = target(id)
      expect(item.getAttribute('data-state')).toBe('unknown')
      const state = within(item).getByTestId('target-state')
      expect(state.textContent).toBe('not tried')
      expect(state.className).toBe('badge muted')
      expect(state.title).toMatch(/Nothing has been sent to this target since Hookscope started/)
      expect(within(item).getByTestId('target-retry-now')).toHaveProperty('disabled', true)
    }
  })

  it('tries a target waiting out its backoff now, and is not offered while it is paused', async () => {
    const { calls, target, engine } = await setup()
    click(within(target('t-app')).getByTestId('target-retry-now'))
    await settle()
    expect(calls('forward.retryNow')).toEqual([{ endpointId: 'ep_1', targetId: 't-app' }])
    expect(screen.getByTestId('toast').textContent).toBe('Trying http://localhost:3000/hooks now')
    click(within(target('t-app')).getByTestId('target-pause'))
    await settle()
    expect(engine.endpoints[0]!.forward.targets[0]!.paused).toBe(true)
    expect(within(target('t-app')).getByTestId('target-retry-now')).toHaveProperty('disabled', true)
  })

  it('says why Retry now is not offered: the target is paused with requests waiting, or one is being sent now', async () => {
    const { target, engine } = await setup(forwarding({ targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: true }, { id: 't-500', url: 'http://localhost:5000', paused: false }] }))
    const paused = within(target('t-app')).getByTestId('target-retry-now')
    expect(paused).toHaveProperty('disabled', true)
    // Three wait: never "nothing waits".
    expect(paused.title).toBe('The target is paused: the 3 requests waiting are sent once you resume it')
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ targetId: 't-500', url: 'http://localhost:5000', state: 'delivering', waiting: 2 })] }))
    const sending = within(target('t-500')).getByTestId('target-retry-now')
    expect(sending).toHaveProperty('disabled', true)
    expect(sending.title).toBe('A request is being sent to this target now: Retry now is for a target waiting out its backoff')
  })

  it('follows forward.changed live', async () => {
    const { engine, target } = await setup()
    act(() =>
      engine.emit('forward.changed', {
        targets: [targetStatus({ targetId: 't-app', state: 'delivering', waiting: 1 }), targetStatus({ targetId: 't-500', url: 'http://localhost:5000', state: 'retrying', failed: 2, lastError: 'the target answered 500' })],
      }),
    )
    expect(target('t-app').getAttribute('data-state')).toBe('delivering')
    expect(within(target('t-app')).getByTestId('target-waiting').textContent).toBe('1 waiting')
    expect(within(target('t-500')).getByTestId('target-error').textContent).toBe('the target answered 500')
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ targetId: 't-app', state: 'idle' })] }))
    expect(within(target('t-app')).getByTestId('target-state').textContent).toBe('up')
    expect(within(target('t-app')).getByTestId('target-waiting').textContent).toBe('0 waiting')
  })

  it('pauses and resumes a target through its paused flag', async () => {
    const { calls, target, engine } = await setup()
    click(within(target('t-app')).getByTestId('target-pause'))
    await settle()
    expect(calls('endpoints.update').at(-1)).toEqual({
      id: 'ep_1',
      patch: {
        forward: {
          targets: [
            { id: 't-app', url: 'http://localhost:3000/hooks', paused: true },
            { id: 't-500', url: 'http://localhost:5000', paused: false },
          ],
        },
      },
    })
    expect(target('t-app').getAttribute('data-state')).toBe('paused')
    expect(within(target('t-app')).getByTestId('target-pause').textContent).toBe('Resume')
    expect(within(target('t-app')).queryByTestId('target-next')).toBeNull()
    click(within(target('t-app')).getByTestId('target-pause'))
    await settle()
    expect((calls('endpoints.update').at(-1) as { patch: { forward: ForwardConfig } }).patch.forward.targets[0]!.paused).toBe(false)
    expect(engine.endpoints[0]!.forward.targets[0]!.paused).toBe(false)
  })

  it('retries a target’s failed deliveries', async () => {
    const { calls, target } = await setup()
    click(within(target('t-500')).getByTestId('target-retry-failed'))
    await settle()
    expect(calls('forward.retryFailed')).toEqual([{ endpointId: 'ep_1', targetId: 't-500' }])
    expect(screen.getByTestId('toast').textContent).toBe('Queued 2 requests again')
  })

  it('says so when retrying queues none of a target’s failed deliveries (retried from elsewhere meanwhile), never that it queued 0', async () => {
    const { engine, target } = await setup()
    engine.override('forward.retryFailed', () => ({ count: 0, held: 0 }))
    click(within(target('t-500')).getByTestId('target-retry-failed'))
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Nothing was queued: no request that failed for this target waits to be retried any more.')
  })

  it('retrying the failed deliveries of a paused target says they are not sent until it is resumed', async () => {
    const { target } = await setup(
      forwarding({
        targets: [
          { id: 't-app', url: 'http://localhost:3000/hooks', paused: false },
          { id: 't-500', url: 'http://localhost:5000', paused: true },
        ],
      }),
    )
    click(within(target('t-500')).getByTestId('target-retry-failed'))
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Queued 2 requests again, not sent yet: the target is paused; resume it to deliver')
  })

  it('lists a removed target while requests that failed for it remain, and retries them (routed anew) or drops them', async () => {
    const { calls, engine, fakes } = await setup()
    fakes.targets = [...fakes.targets, targetStatus({ targetId: 't-old', url: 'http://localhost:4000/old', state: 'unknown', failed: 2, removed: true })]
    act(() => engine.emit('forward.changed', { targets: fakes.targets }))
    const removed = screen.getByTestId('removed-target-item')
    expect(removed.dataset.targetId).toBe('t-old')
    expect(within(removed).getByTestId('target-state').textContent).toBe('removed')
    expect(within(removed).getByTestId('target-url').textContent).toBe('http://localhost:4000/old')
    expect(within(removed).getByTestId('target-failed').textContent).toBe('2 failed')
    // They may have failed before it was removed (a 404, say): the note does not say why they failed.
    expect(within(removed).getByTestId('removed-target-note').textContent).toBe(
      'This target is no longer configured. The requests that failed for it (each one’s Forwarding tab says why) can be sent again: Retry queues them for the target the endpoint’s routes choose now.',
    )
    click(within(removed).getByTestId('target-retry-failed'))
    await settle()
    expect(calls('forward.retryFailed')).toEqual([{ endpointId: 'ep_1', targetId: 't-old' }])
    expect(screen.getByTestId('toast').textContent).toBe('Queued 2 requests again')
    click(within(removed).getByTestId('target-drop'))
    expect(screen.getByTestId('target-drop-confirm').textContent).toContain('the 2 requests that failed for this target, which is no longer configured?')
    click(within(screen.getByTestId('target-drop-confirm')).getByTestId('confirm-button'))
    await settle()
    expect(calls('forward.drop')).toEqual([{ endpointId: 'ep_1', targetId: 't-old', which: 'failed' }])
    expect(screen.getByTestId('toast').textContent).toBe('Dropped 2 requests')
    act(() => engine.emit('forward.changed', { targets: fakes.targets.filter((t) => !t.removed) }))
    expect(screen.queryByTestId('removed-target-item')).toBeNull()
  })

  it('shows a target that is sending again as delivering, its previous error no longer as its current state', async () => {
    const { engine, fakes, target } = await setup()
    fakes.targets = fakes.targets.map((t) => (t.targetId === 't-app' ? { ...t, state: 'delivering' as const, nextAttemptAt: null } : t))
    act(() => engine.emit('forward.changed', { targets: fakes.targets }))
    const app = target('t-app')
    expect(within(app).getByTestId('target-state').textContent).toBe('delivering')
    expect(within(app).queryByTestId('target-error')).toBeNull()
    const previous = within(app).getByTestId('target-previous-error')
    expect(previous.textContent).toBe('previous attempt: connect ECONNREFUSED 127.0.0.1:3000')
    expect(previous.className).toBe('target-next muted')
  })

  it('shows an app that took the request but answered too late as retrying, its badge never saying it answered with an error', async () => {
    const { engine, target } = await setup()
    const late = 'no answer within 30 s: your app received the request but did not answer in time, and may still handle it (a retry sends it again): if it needs longer, raise the timeout in the endpoint’s forwarding settings'
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ targetId: 't-app', state: 'retrying', waiting: 1, lastError: late, nextAttemptAt: Date.now() + 60_000 })] }))
    const state = within(target('t-app')).getByTestId('target-state')
    expect(state.textContent).toBe('retrying')
    expect(state.title).toBe('The target was reached, but the last attempt was not delivered (it answered with an error such as 5xx or 429, or too late); the reason is below, and the queue waits before trying again.')
  })

  it('names a removed target whose URL is not known by where it came from, never by its internal id', async () => {
    const { engine, fakes } = await setup()
    fakes.targets = [...fakes.targets, targetStatus({ targetId: 'cli', url: '', state: 'unknown', failed: 1, removed: true })]
    act(() => engine.emit('forward.changed', { targets: fakes.targets }))
    const removed = screen.getByTestId('removed-target-item')
    expect(within(removed).getByTestId('target-url').textContent).toBe('The target given with --forward in an earlier run')
  })

  it('drops what waits only after confirming', async () => {
    const { calls, target } = await setup()
    click(within(target('t-app')).getByTestId('target-drop'))
    const dialog = screen.getByTestId('target-drop-confirm')
    expect(dialog.textContent).toContain('3 requests waiting for http://localhost:3000/hooks')
    click(within(dialog).getByText('Cancel'))
    expect(screen.queryByTestId('target-drop-confirm')).toBeNull()
    expect(calls('forward.drop')).toEqual([])
    click(within(target('t-app')).getByTestId('target-drop'))
    click(within(screen.getByTestId('target-drop-confirm')).getByTestId('confirm-button'))
    await settle()
    expect(calls('forward.drop')).toEqual([{ endpointId: 'ep_1', targetId: 't-app' }])
    expect(screen.getByTestId('toast').textContent).toBe('Dropped 3 requests')
  })

  it('shows what the last proxied request found but no queue controls in proxy mode, and nothing when forwarding is off', async () => {
    const { harness, engine, target } = await setup(forwarding({ mode: 'proxy' }))
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ targetId: 't-app', state: 'down', lastError: 'connection refused (connect ECONNREFUSED 127.0.0.1:3000)' })] }))
    expect(within(target('t-app')).getByTestId('target-state').textContent).toBe('down')
    expect(within(target('t-app')).getByTestId('target-error').textContent).toBe('connection refused (connect ECONNREFUSED 127.0.0.1:3000)')
    expect(within(target('t-app')).queryByTestId('target-pause')).toBeNull()
    expect(within(target('t-app')).queryByTestId('target-retry-now')).toBeNull()
    expect(within(target('t-app')).queryByTestId('target-waiting')).toBeNull()
    act(() => harness.stores.app.getState().setEndpoint({ ...engine.endpoints[0]!, forward: forwarding({ mode: 'off' }) }))
    expect(screen.queryByTestId('target-status')).toBeNull()
  })

  it('with forwarding off, keeps showing the targets requests still wait for, says why they wait, and drops them', async () => {
    const { calls, engine, harness, target } = await setup(forwarding({ mode: 'off' }))
    expect(screen.getAllByTestId('target-item').map((item) => item.dataset.targetId)).toEqual(['t-app'])
    const held = target('t-app')
    expect(within(held).getByTestId('target-state').textContent).toBe('held')
    expect(within(held).getByTestId('target-waiting').textContent).toBe('3 waiting')
    expect(within(held).getByTestId('target-held').textContent).toBe('They wait because forwarding is off for this endpoint: nothing is sent until it forwards in async mode again.')
    expect(within(held).queryByTestId('target-pause')).toBeNull()
    click(within(held).getByTestId('target-drop'))
    click(within(screen.getByTestId('target-drop-confirm')).getByTestId('confirm-button'))
    await settle()
    expect(calls('forward.drop')).toEqual([{ endpointId: 'ep_1', targetId: 't-app' }])
    expect(screen.getByTestId('toast').textContent).toBe('Dropped 3 requests')
    click(within(held).getByTestId('target-edit-endpoint'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ targetId: 't-app', waiting: 0 })] }))
    expect(screen.queryByTestId('target-status')).toBeNull()
  })

  it('loads the rest of the page when forward.status fails, and says the status is unavailable', async () => {
    const engine = createFakeEngine()
    const fakes = installForwardFakes(engine)
    fakes.endpoint().forward = forwarding()
    engine.override('forward.status', () => {
      throw new Error('engine busy')
    })
    const harness = createHarness(engine)
    harness.stores.sync.start()
    renderWith(
    harness,
    <>
      <EndpointsSidebar />
      <Toast />
    </>,
  )
    await settle()
    expect(harness.stores.app.getState().ready).toBe(true)
    expect(screen.queryByTestId('toast')).toBeNull()
    expect(screen.getByTestId('target-status').textContent).toContain('status unavailable')
    expect(screen.getAllByTestId('target-item')).toHaveLength(2)
  })
})

describe('forward store', () => {
  it('ignores a forward.status answer older than an event, and keeps unchanged targets’ objects', () => {
    const store = createForwardStore()
    const version = store.getState().version
    const first = targetStatus({ state: 'down' })
    store.getState().setTargets([first])
    store.getState().setTargets([targetStatus({ state: 'idle' })], version)
    expect(store.getState().byKey[targetKey('ep_1', 't-app')]!.state).toBe('down')
    store.getState().setTargets([{ ...first }])
    expect(store.getState().byKey[targetKey('ep_1', 't-app')]).toBe(first)
  })
})
