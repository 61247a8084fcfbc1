import './helpers/setup-dom'
import { EditorView } from '@codemirror/view'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ForwardBadge } from '../../renderer/src/components/capture-badges'
import { CaptureDetail } from '../../renderer/src/components/detail/capture-detail'
import { Toast } from '../../renderer/src/components/notices'
import type { Capture, ForwardState, ForwardSummary } from '../../shared/model'
import { defaultForwardConfig } from '../../shared/model'
import { addCapture, createFakeEngine, utf8 } from './helpers/fake-api'
import { bodyRef, installForwardFakes, makeAttempt, targetStatus } from './helpers/forward-fakes'
import { createHarness, renderWith, settle, settleViewers } from './helpers/render-app'

declare global {
  interface Window {
    __pwned?: unknown
  }
}

afterEach(() => {
  delete window.__pwned
})

const latin1 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))
const SCRIPT = '<script>window.__pwned=1</script>'
const IMG = '<img src=x onerror="window.__pwned=2">'

const summary = (patch: Partial<ForwardSummary> = {}): ForwardSummary => ({ state: 'delivered', targetId: 't-app', status: 200, attempts: 1, error: null, nextAttemptAt: null, ...patch })

async function openForwarding(patch: Partial<Capture>, attempts: (capture: Capture) => Array<{ attempt: ReturnType<typeof makeAttempt>; body: Uint8Array }>) {
  const engine = createFakeEngine()
  const fakes = installForwardFakes(engine)
  fakes.endpoint().forward = { ...defaultForwardConfig(), mode: 'async', targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: false }], defaultTargetId: 't-app' }
  const capture = addCapture(engine, { forwardPlan: { targetId: 't-app', mode: 'async', state: 'pending' }, forward: summary(), ...patch }, '{"order":1}')
  fakes.attempts.set(capture.id, attempts(capture))
  const harness = createHarness(engine)
  harness.stores.sync.start()
  await settle()
  act(() => harness.stores.traffic.getState().open(capture.id))
  act(() => harness.stores.app.getState().setDetailTab('forwarding'))
  const view = renderWith(
    harness,
    <>
      <CaptureDetail id={capture.id} />
      <Toast />
    </>,
  )
  await settleViewers()
  const calls = (method: string) => engine.calls.filter((c) => c.method === method).map((c) => c.input)
  return { engine, fakes, harness, capture, view, calls }
}

const click = (element: Element) => act(() => void fireEvent.click(element))
const editorText = (root: ParentNode) =>
  Array.from(root.querySelectorAll<HTMLElement>('.cm-editor'))
    .map((editor) => EditorView.findFromDOM(editor)!.state.doc.toString())
    .join('\n')

function assertInert(root: ParentNode) {
  expect(root.querySelectorAll('script, iframe, object, embed, a[href^="javascript" i]').length).toBe(0)
  expect(root.querySelectorAll('svg, img').length).toBe(0)
  for (const element of Array.from(root.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) expect(attribute.name.startsWith('on'), `${element.tagName} has ${attribute.name}`).toBe(false)
  }
  expect(window.__pwned).toBeUndefined()
}

describe('the Forwarding tab', () => {
  it('says when an attempt was re-signed because it waited past the signature’s tolerance, and warns when it was sent stale', async () => {
    await openForwarding({ forward: summary({ attempts: 2 }) }, (capture) => [
      { attempt: makeAttempt(capture.id, { n: 1, status: 400, statusText: 'Bad Request', signature: { kind: 'stale', message: 'Sent as captured: it waited 928 s, past Stripe’s 300 s, so the app will likely refuse its signature (re-signing is off).' } }), body: new Uint8Array(0) },
      { attempt: makeAttempt(capture.id, { n: 2, signature: { kind: 'resigned', message: 'Re-signed: it waited 384 s, past Stripe’s 300 s.' } }), body: new Uint8Array(0) },
    ])
    const tab = screen.getByTestId('forwarding-tab')
    const rows = within(tab).getAllByTestId('attempt-row')
    expect(rows.map((r) => within(r).getByTestId('attempt-signature-mark').textContent)).toEqual([' · stale signature', ' · re-signed'])
    const note = within(within(tab).getByTestId('attempt-detail')).getByTestId('attempt-signature')
    expect(note.textContent).toBe('Re-signed: it waited 384 s, past Stripe’s 300 s.')
    click(rows[0]!)
    await settleViewers()
    const stale = within(within(tab).getByTestId('attempt-detail')).getByTestId('attempt-signature')
    expect(stale.dataset.kind).toBe('stale')
    expect(stale.textContent).toContain('the app will likely refuse its signature')
  })

  it('shows the delivery, every attempt, the headers sent in raw order and the target’s answer in the JSON viewer', async () => {
    const answer = utf8('{"received":true,"id":"evt_1"}')
    const { view } = await openForwarding({ forward: summary({ attempts: 2 }) }, (capture) => [
      { attempt: makeAttempt(capture.id, { n: 1, status: null, statusText: null, rawHeaders: [], error: { code: 'REFUSED', message: 'connection refused (connect ECONNREFUSED 127.0.0.1:3000)' }, timings: { connectMs: null, firstByteMs: null, totalMs: 1.2 } }), body: new Uint8Array(0) },
      {
        attempt: makeAttempt(capture.id, {
          n: 2,
          sentHeaders: [
            ['Host', 'localhost:3000'],
            ['x-dup', 'one'],
            ['X-Dup', 'two'],
            ['Content-Length', '11'],
          ],
          rawHeaders: [
            ['Content-Type', 'application/json'],
            ['X-Request-Id', 'req-42'],
          ],
          body: bodyRef(answer),
        }),
        body: answer,
      },
    ])
    const tab = screen.getByTestId('forwarding-tab')
    expect(within(tab).getByTestId('forwarding-state').dataset.state).toBe('delivered')
    expect(within(tab).getByTestId('forwarding-sentence').textContent).toBe('Delivered: the target answered 200.')
    expect(within(tab).getByTestId('forwarding-target').textContent).toBe('http://localhost:3000/hooks')
    expect(within(tab).getByTestId('forwarding-attempt-count').textContent).toBe('2')
    const rows = within(tab).getAllByTestId('attempt-row')
    expect(rows.map((r) => within(r).getByTestId('attempt-result').textContent)).toEqual(['connection refused (connect ECONNREFUSED 127.0.0.1:3000)', '200 OK'])
    expect(rows[1]!.getAttribute('aria-selected')).toBe('true')
    const detail = within(tab).getByTestId('attempt-detail')
    expect(detail.dataset.attemptN).toBe('2')
    expect(within(within(detail).getByTestId('attempt-sent-headers')).getAllByTestId('attempt-header-name').map((n) => n.textContent)).toEqual(['Host', 'x-dup', 'X-Dup', 'Content-Length'])
    expect(within(within(detail).getByTestId('attempt-response-headers')).getAllByTestId('attempt-header').map((r) => r.textContent)).toEqual(['1Content-Typeapplication/json', '2X-Request-Idreq-42'])
    expect(within(detail).getByTestId('viewer-json')).toBeTruthy()
    expect(editorText(detail)).toContain('"received": true,')

    click(rows[0]!)
    await settleViewers()
    const first = within(view.container).getByTestId('attempt-detail')
    expect(first.dataset.attemptN).toBe('1')
    expect(within(first).getByTestId('attempt-outcome').textContent).toBe('connection refused (connect ECONNREFUSED 127.0.0.1:3000)')
    expect(within(first).queryByTestId('attempt-response-headers')).toBeNull()
  })

  it('says in words when a 2xx answer was cut short, that the request counts as delivered, and shows what came of its body', async () => {
    const came = utf8('{"rece')
    await openForwarding({}, (capture) => [
      {
        attempt: makeAttempt(capture.id, {
          rawHeaders: [
            ['Content-Type', 'application/json'],
            ['Content-Length', '2048'],
          ],
          body: bodyRef(came),
          cutShort: { code: 'RESET', message: 'the target closed the connection mid-response' },
        }),
        body: came,
      },
    ])
    const tab = screen.getByTestId('forwarding-tab')
    expect(within(tab).getByTestId('forwarding-sentence').textContent).toBe('Delivered: the target answered 200.')
    const [row] = within(tab).getAllByTestId('attempt-row')
    expect(within(row!).getByTestId('attempt-result').textContent).toBe('200 OK · answer cut short')
    const detail = within(tab).getByTestId('attempt-detail')
    expect(within(detail).getByTestId('attempt-cut-short').textContent).toBe(
      'The answer was cut short after its status and headers: the target closed the connection mid-response. 6 B of its body came, of the 2.00 KB its Content-Length announced. The app answered 200, so the request counts as delivered and is not sent again.',
    )
    expect(editorText(detail)).toContain('{"rece')
  })

  it('shows hostile values from the target’s answer as text, and runs nothing', async () => {
    const html = utf8(`<html><body onload="window.__pwned=3">${SCRIPT}${IMG}</body></html>`)
    await openForwarding({}, (capture) => [
      {
        attempt: makeAttempt(capture.id, {
          url: `http://localhost:3000/hooks/${latin1(SCRIPT)}`,
          statusText: latin1(IMG),
          rawHeaders: [
            ['Content-Type', 'text/html'],
            [latin1(IMG), latin1(SCRIPT)],
            ['X-Bidi', latin1('safe\u202Etxt.exe')],
          ],
          body: bodyRef(html),
        }),
        body: html,
      },
    ])
    const tab = screen.getByTestId('forwarding-tab')
    assertInert(document.body)
    expect(within(tab).getByTestId('attempt-url').textContent).toBe(`http://localhost:3000/hooks/${SCRIPT}`)
    expect(within(tab).getByTestId('attempt-outcome').textContent).toBe(`200 ${IMG}`)
    const response = within(tab).getByTestId('attempt-response-headers')
    expect(within(response).getAllByTestId('attempt-header-name').map((n) => n.textContent)).toContain(IMG)
    expect(within(response).getAllByTestId('attempt-header-value').map((n) => n.textContent)).toContain(SCRIPT)
    expect(within(response).getByTestId('invisible-char').textContent).toBe('<U+202E>')
    expect(within(tab).getByTestId('viewer-html')).toBeTruthy()
    expect(editorText(tab)).toContain(SCRIPT)
  })

  it('retries and drops this one request, and reloads the attempts when its delivery changes', async () => {
    const { calls, engine, harness, capture } = await openForwarding({ forward: summary({ state: 'failed', status: 500, error: 'the target answered 500' }) }, (c) => [
      { attempt: makeAttempt(c.id, { status: 500, statusText: 'Internal Server Error' }), body: new Uint8Array(0) },
    ])
    expect(screen.getByTestId('forwarding-sentence').textContent).toBe('Failed: the target answered 500.')
    click(screen.getByTestId('forwarding-retry'))
    await settle()
    expect(calls('forward.retry')).toEqual([{ ids: [capture.id] }])
    expect(screen.getByTestId('toast').textContent).toBe('Queued for delivery again')
    click(screen.getByTestId('forwarding-drop'))
    await settle()
    expect(calls('forward.drop')).toEqual([{ ids: [capture.id] }])

    const loads = calls('forward.attempts').length
    const nextAt = new Date(2030, 0, 1, 9, 30, 0).getTime()
    const { httpVersion: _h, rawHeaders: _r, rawTrailers: _t, body: _b, remoteAddress: _a, remotePort: _p, localPort: _l, timings: _ti, response: _re, forwardPlan: _f, ...base } = capture
    act(() => engine.emit('traffic.batch', { captures: [{ ...base, forward: summary({ state: 'retrying', status: 503, attempts: 2, error: 'the target answered 503', nextAttemptAt: nextAt }) }], removed: [] }))
    act(() => harness.frames.frame())
    await settle()
    expect(calls('forward.attempts').length).toBeGreaterThan(loads)
    expect(screen.getByTestId('forwarding-sentence').textContent).toBe('The last attempt failed (the target answered 503); it will be tried again at 09:30:00.000.')
    expect(screen.getByTestId('forwarding-next-attempt').textContent).toContain('09:30:00.000')
    expect(screen.getByTestId('forwarding-drop')).toHaveProperty('disabled', false)
  })

  it('offers no retry for a proxied request, nor a drop for a delivered one', async () => {
    await openForwarding({ forwardPlan: { targetId: 't-app', mode: 'proxy', state: null } }, (c) => [{ attempt: makeAttempt(c.id), body: new Uint8Array(0) }])
    expect(screen.getByTestId('forwarding-retry')).toHaveProperty('disabled', true)
    expect(screen.getByTestId('forwarding-drop')).toHaveProperty('disabled', true)
    expect(screen.getByTestId('body-empty')).toBeTruthy()
  })

  it('offers no drop for a proxied request that failed: its sender got that answer, and nothing waits', async () => {
    await openForwarding({ forwardPlan: { targetId: 't-app', mode: 'proxy', state: null }, forward: summary({ state: 'failed', status: 500, error: 'the target answered 500' }) }, (c) => [
      { attempt: makeAttempt(c.id, { status: 500, statusText: 'Internal Server Error' }), body: new Uint8Array(0) },
    ])
    expect(screen.getByTestId('forwarding-retry')).toHaveProperty('disabled', true)
    expect(screen.getByTestId('forwarding-drop')).toHaveProperty('disabled', true)
  })

  it('forwards a request held back as a browser’s anyway, and routes again one no route took', async () => {
    const blocked = await openForwarding({ forwardPlan: { targetId: null, mode: 'async', state: 'blocked' }, forward: summary({ state: 'blocked', targetId: null, status: null, attempts: 0 }) }, () => [])
    const button = screen.getByTestId('forwarding-retry')
    expect(button.textContent).toBe('Forward anyway')
    expect(button).toHaveProperty('disabled', false)
    click(button)
    await settle()
    expect(blocked.calls('forward.retry')).toEqual([{ ids: [blocked.capture.id] }])
    expect(screen.getByTestId('toast').textContent).toBe('Queued for delivery again')
    blocked.view.unmount()

    const unrouted = await openForwarding({ forwardPlan: { targetId: null, mode: 'async', state: 'unrouted' }, forward: summary({ state: 'unrouted', targetId: null, status: null, attempts: 0 }) }, () => [])
    unrouted.engine.override('forward.retry', () => ({ count: 0, held: 0 }))
    expect(screen.getByTestId('forwarding-retry').textContent).toBe('Route again')
    click(screen.getByTestId('forwarding-retry'))
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Not queued: no route matches it and the endpoint has no default target.')
  })

  it('says why a request whose target is gone was not queued again', async () => {
    const gone = await openForwarding(
      { forwardPlan: { targetId: 'cli', mode: 'async', state: 'pending' }, forward: summary({ state: 'failed', targetId: 'cli', status: null, attempts: 1, error: 'its forward target is no longer configured' }) },
      () => [],
    )
    gone.engine.override('forward.retry', () => ({ count: 0, held: 0 }))
    expect(screen.getByTestId('forwarding-target').textContent).toBe('The target given with --forward in an earlier run (no longer configured)')
    click(screen.getByTestId('forwarding-retry'))
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Not queued: its target is no longer configured, and no route or default target takes it now.')
  })

  it('names a target that is no longer configured by the URL its attempts went to, never by its internal id', async () => {
    await openForwarding(
      { forwardPlan: { targetId: 'cli', mode: 'async', state: 'pending' }, forward: summary({ state: 'failed', targetId: 'cli', status: null, attempts: 1, error: 'its forward target is no longer configured' }) },
      (capture) => [
        {
          attempt: makeAttempt(capture.id, { targetId: 'cli', url: 'http://localhost:4000/app/order', targetUrl: 'http://localhost:4000/app', status: null, statusText: null, error: { code: 'REFUSED', message: 'connection refused' } }),
          body: new Uint8Array(),
        },
      ],
    )
    expect(screen.getByTestId('forwarding-target').textContent).toBe('http://localhost:4000/app (no longer configured)')
  })

  it('says why a request was never sent, and offers neither retry nor drop for it', async () => {
    const { calls } = await openForwarding({ flags: ['truncated'], forward: summary({ state: 'skipped', status: null, attempts: 0, error: 'its body went past the body cap, so only its first part was kept' }) }, () => [])
    expect(screen.getByTestId('forwarding-state').getAttribute('data-state')).toBe('skipped')
    expect(screen.getByTestId('forwarding-state-badge').className).toBe('badge muted')
    expect(screen.getByTestId('forwarding-sentence').textContent).toBe(
      'Not forwarded: its body went past the body cap, so only its first part was kept. It is never retried; to send it anyway, open it in the Composer (Edit, or e).',
    )
    expect(screen.queryByTestId('forwarding-retry')).toBeNull()
    expect(screen.queryByTestId('forwarding-drop')).toBeNull()
    expect(screen.queryByTestId('forwarding-error')).toBeNull()
    // None will come: not "yet".
    expect(screen.getByTestId('attempts-empty').textContent).toBe('No attempt was made.')
    expect(calls('forward.attempts')).toHaveLength(1)
  })

  it('says no attempt was made for a request that failed before its turn came (its target removed while it waited)', async () => {
    await openForwarding(
      { forward: summary({ state: 'failed', status: null, attempts: 0, error: 'its forward target is no longer configured: it was removed, or set for an earlier run only (hookscope serve --forward)' }) },
      () => [],
    )
    expect(screen.getByTestId('forwarding-state').getAttribute('data-state')).toBe('failed')
    // It is not waiting: no attempt will come unless it is retried.
    expect(screen.getByTestId('attempts-empty').textContent).toBe('No attempt was made.')
  })

  it('says a request being relayed in proxy mode is being relayed, its sender waiting, not that nothing is decided', async () => {
    const { harness } = await openForwarding({ forward: null, forwardPlan: { targetId: 't-app', mode: 'proxy', state: 'pending' }, status: null }, (capture) => [
      { attempt: makeAttempt(capture.id, { status: null, statusText: null, rawHeaders: [], timings: { connectMs: null, firstByteMs: null, totalMs: null }, inProgress: true }), body: new Uint8Array(0) },
    ])
    const relaying = 'Being relayed to the target now: the sender waits for its answer.'
    expect(screen.getByTestId('forwarding-sentence').textContent).toBe(relaying)
    expect(screen.getByTestId('forwarding-state-badge').textContent).toBe('relaying')
    // The overview tells the same story.
    act(() => harness.stores.app.getState().setDetailTab('overview'))
    await settleViewers()
    expect(screen.getByTestId('overview-forwarding-sentence').textContent).toBe(relaying)
  })

  it('says when a request was not forwarded, and leads to the endpoint editor', async () => {
    const { harness, calls } = await openForwarding({ forward: null, forwardPlan: null }, () => [])
    expect(screen.getByTestId('forwarding-none').textContent).toMatch(/not forwarded/)
    expect(calls('forward.attempts')).toEqual([])
    click(screen.getByTestId('forwarding-configure'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
  })
})

describe('a request waiting in its target\'s queue', () => {
  it('says what it waits behind, opens that request, and can try the target now', async () => {
    const engine = createFakeEngine()
    const fakes = installForwardFakes(engine)
    fakes.endpoint().forward = { ...defaultForwardConfig(), mode: 'async', targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: false }], defaultTargetId: 't-app' }
    const plan = { targetId: 't-app', mode: 'async' as const, state: 'pending' as const }
    const nextAttemptAt = new Date(2030, 0, 1, 12, 0, 5).getTime()
    const head = addCapture(engine, { target: '/fail500/a', forwardPlan: plan, forward: summary({ state: 'retrying', status: 500, attempts: 9, nextAttemptAt }) }, '{}')
    const waiting = addCapture(engine, { target: '/after500/b', forwardPlan: plan, forward: summary({ state: 'pending', status: null, attempts: 0 }) }, '{}')
    fakes.targets = [targetStatus({ state: 'retrying', waiting: 2, nextAttemptAt, headId: head.id })]
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    act(() => harness.stores.traffic.getState().open(waiting.id))
    act(() => harness.stores.app.getState().setDetailTab('forwarding'))
    renderWith(harness, <CaptureDetail id={waiting.id} />)
    await settleViewers()
    const note = screen.getByTestId('forwarding-waits-behind')
    expect(note.textContent).toMatch(/^It waits behind POST \/fail500\/a to this target, which is being retried \(next try at 12:00:05\.000\): a target gets its requests in the order they arrived\./)
    click(screen.getByTestId('forwarding-retry-now'))
    await settle()
    expect(engine.calls.filter((c) => c.method === 'forward.retryNow').map((c) => c.input)).toEqual([{ endpointId: 'ep_1', targetId: 't-app' }])
    click(screen.getByTestId('forwarding-open-blocker'))
    expect(harness.stores.traffic.getState().openedId).toBe(head.id)
  })
})

describe('a request waiting behind others', () => {
  it('names the request it waits behind now, after the one at the head was delivered while another arrived', async () => {
    const engine = createFakeEngine()
    const fakes = installForwardFakes(engine)
    fakes.endpoint().forward = { ...defaultForwardConfig(), mode: 'async', targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: false }], defaultTargetId: 't-app' }
    const plan = { targetId: 't-app', mode: 'async' as const, state: 'pending' as const }
    const first = addCapture(engine, { target: '/slow/first', forwardPlan: plan, forward: summary({ state: 'delivering', status: null, attempts: 1 }) }, '{}')
    const second = addCapture(engine, { target: '/slow/second', forwardPlan: plan, forward: summary({ state: 'pending', status: null, attempts: 0 }) }, '{}')
    const third = addCapture(engine, { target: '/slow/third', forwardPlan: plan, forward: summary({ state: 'pending', status: null, attempts: 0 }) }, '{}')
    fakes.targets = [targetStatus({ state: 'delivering', waiting: 3, headId: first.id })]
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    act(() => harness.stores.traffic.getState().open(third.id))
    act(() => harness.stores.app.getState().setDetailTab('forwarding'))
    renderWith(harness, <CaptureDetail id={third.id} />)
    await settleViewers()
    expect(screen.getByTestId('forwarding-waits-behind').textContent).toMatch(/^It waits behind POST \/slow\/first to this target:/)
    // The first was delivered and a fourth arrived in the same moment: as many wait, the second now at the head.
    act(() => engine.emit('forward.changed', { targets: [targetStatus({ state: 'delivering', waiting: 3, headId: second.id })] }))
    expect(screen.getByTestId('forwarding-waits-behind').textContent).toMatch(/^It waits behind POST \/slow\/second to this target:/)
  })
})

describe('a request held in its queue', () => {
  async function openHeld(forward: Partial<ReturnType<typeof defaultForwardConfig>>) {
    const engine = createFakeEngine()
    const fakes = installForwardFakes(engine)
    fakes.endpoint().forward = { ...defaultForwardConfig(), mode: 'async', targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: false }], defaultTargetId: 't-app', ...forward }
    const capture = addCapture(engine, { forwardPlan: { targetId: 't-app', mode: 'async', state: 'pending' }, forward: summary({ state: 'pending', status: null, attempts: 0 }) }, '{}')
    fakes.targets = [targetStatus({ state: 'paused', waiting: 1, headId: capture.id })]
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    act(() => harness.stores.traffic.getState().open(capture.id))
    act(() => harness.stores.app.getState().setDetailTab('forwarding'))
    renderWith(
      harness,
      <>
        <CaptureDetail id={capture.id} />
        <Toast />
      </>,
    )
    await settleViewers()
    return { engine, harness }
  }

  it('retrying it while its target is paused says it is queued but not sent, never that it was sent', async () => {
    await openHeld({ targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: true }] })
    click(screen.getByTestId('forwarding-retry'))
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Queued, not sent yet: the target is paused; resume it to deliver.')
    expect(screen.getByTestId('forwarding-resume')).toBeTruthy()
  })

  it('retrying it while its endpoint does not forward says it waits for async mode', async () => {
    await openHeld({ mode: 'off' })
    click(screen.getByTestId('forwarding-retry'))
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Queued, not sent yet: the endpoint no longer forwards; it is sent once the endpoint forwards in async mode again.')
  })

  it('says its target is paused, and resumes it', async () => {
    const { engine } = await openHeld({ targets: [{ id: 't-app', url: 'http://localhost:3000/hooks', paused: true }] })
    expect(screen.getByTestId('forwarding-held').textContent).toMatch(/^Held: its target is paused; nothing is sent to it until you resume it\./)
    expect(screen.getByTestId('forwarding-state-badge').textContent).toBe('held')
    click(screen.getByTestId('forwarding-resume'))
    await settle()
    const update = engine.calls.filter((c) => c.method === 'endpoints.update').map((c) => c.input)
    expect(update).toMatchObject([{ id: 'ep_1', patch: { forward: { targets: [{ id: 't-app', paused: false }] } } }])
    expect(screen.queryByTestId('forwarding-held')).toBeNull()
  })

  it('says its endpoint no longer forwards, and leads to the endpoint editor', async () => {
    const { harness } = await openHeld({ mode: 'off' })
    expect(screen.getByTestId('forwarding-held').textContent).toMatch(/^Held: its endpoint no longer forwards; it waits until the endpoint forwards in async mode again\./)
    click(screen.getByTestId('forwarding-edit-endpoint'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
  })
})

describe('a capture stored without forwarding fields', () => {
  it('reads as not forwarded and not signed, and asks the engine for nothing', async () => {
    const engine = createFakeEngine()
    const capture = addCapture(engine, {}, 'plain')
    delete (capture as Partial<Capture>).forward
    delete (capture as Partial<Capture>).signature
    delete (capture as Partial<Capture>).forwardPlan
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    act(() => harness.stores.traffic.getState().open(capture.id))
    act(() => harness.stores.app.getState().setDetailTab('forwarding'))
    renderWith(harness, <CaptureDetail id={capture.id} />)
    await settle()
    expect(screen.getByTestId('forwarding-none')).toBeTruthy()
    click(screen.getByTestId('tab-signature'))
    expect(screen.getByTestId('signature-hint')).toBeTruthy()
    expect(engine.calls.filter((c) => c.method.startsWith('forward.') && c.method !== 'forward.status')).toEqual([])
    harness.stores.sync.dispose()
  })
})

describe('forward badges in the list', () => {
  const cases: Array<[Partial<ForwardSummary> & { state: ForwardState }, string, string, RegExp]> = [
    [{ state: 'delivered', status: 201 }, '→ 201', 'ok', /target answered 201/],
    [{ state: 'pending', attempts: 0 }, '→ pending', 'info', /waiting in the target's queue/],
    [{ state: 'delivering' }, '→ sending', 'info', /being sent/],
    [{ state: 'retrying', attempts: 3, error: 'connect ECONNREFUSED' }, '→ retrying (3)', 'warning', /failed \(connect ECONNREFUSED\); next attempt|will be tried again/],
    [{ state: 'failed', status: 404 }, '→ failed 404', 'danger', /Forwarding failed/],
    [{ state: 'dropped' }, '→ dropped', 'warning', /dropped/],
    [{ state: 'blocked', attempts: 0, status: null }, '→ blocked', 'warning', /web browser/],
    [{ state: 'unrouted', attempts: 0, status: null }, '→ unrouted', 'warning', /no route matched/],
    [{ state: 'skipped', attempts: 0, status: null, error: 'its body went past the body cap, so only its first part was kept' }, '→ not sent', 'muted', /^Not forwarded: its body went past the body cap, so only its first part was kept\. It is never retried/],
  ]
  it.each(cases)('%o reads %s', (patch, label, tone, title) => {
    const harness = createHarness()
    renderWith(harness, <ForwardBadge forward={summary(patch)} />)
    const badge = screen.getByTestId('badge-forward')
    expect(badge.textContent).toBe(label)
    expect(badge.className).toBe(`badge ${tone}`)
    expect(badge.dataset.state).toBe(patch.state)
    expect(badge.title).toMatch(title)
  })

  it('shows nothing for a capture that is not forwarded', () => {
    const harness = createHarness()
    renderWith(harness, <ForwardBadge forward={null} />)
    expect(screen.queryByTestId('badge-forward')).toBeNull()
  })
})
