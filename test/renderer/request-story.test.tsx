// The request's story on the detail's first tab (forwarded where, with what result; its signature's
// verdict), the hint a 404 or 405 from a forward target gives about the URL that was called, and the
// attempts table from the keyboard.
import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { CaptureDetail } from '../../renderer/src/components/detail/capture-detail'
import type { DetailTab } from '../../renderer/src/state/app-store'
import type { Capture, ForwardAttempt, ForwardSummary } from '../../shared/model'
import { defaultForwardConfig } from '../../shared/model'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { installForwardFakes, makeAttempt, targetStatus } from './helpers/forward-fakes'
import { createHarness, renderWith, settle, settleViewers } from './helpers/render-app'
import { formatDateTime } from '../../renderer/src/text/format'

const summary = (patch: Partial<ForwardSummary> = {}): ForwardSummary => ({ state: 'delivered', targetId: 't-app', status: 200, attempts: 1, error: null, nextAttemptAt: null, ...patch })

async function openDetail(
  patch: Partial<Capture>,
  attempts: (capture: Capture) => Array<Partial<ForwardAttempt>> = () => [],
  options: { tab?: DetailTab; targetUrl?: string; paused?: boolean; behind?: boolean; signature?: { scheme: 'stripe' | null; hasSecret: boolean } } = {},
) {
  const engine = createFakeEngine()
  const fakes = installForwardFakes(engine)
  fakes.endpoint().forward = { ...defaultForwardConfig(), mode: 'async', targets: [{ id: 't-app', url: options.targetUrl ?? 'http://localhost:3000/webhooks', paused: options.paused ?? false }], defaultTargetId: 't-app' }
  if (options.signature) fakes.endpoint().signature = { ...options.signature, publicUrl: null }
  // A request at the head of the target's queue, which the opened one waits behind.
  const head = options.behind ? addCapture(engine, { method: 'PUT', target: '/webhooks/first', forward: summary({ state: 'retrying', status: 500, attempts: 3 }) }) : null
  if (head) fakes.targets = [targetStatus({ state: 'retrying', waiting: 2, nextAttemptAt: Date.now() + 60_000, headId: head.id })]
  const capture = addCapture(engine, { target: '/webhooks', forwardPlan: { targetId: 't-app', mode: 'async', state: 'pending' }, forward: summary(), ...patch }, '{"id":"evt_1"}')
  fakes.attempts.set(
    capture.id,
    attempts(capture).map((attempt, index) => ({ attempt: makeAttempt(capture.id, { n: index + 1, ...attempt }), body: new Uint8Array(0) })),
  )
  const harness = createHarness(engine)
  harness.stores.sync.start()
  await settle()
  act(() => harness.stores.traffic.getState().open(capture.id))
  act(() => harness.stores.app.getState().setDetailTab(options.tab ?? 'overview'))
  renderWith(harness, <CaptureDetail id={capture.id} />)
  await settleViewers()
  return { engine, fakes, harness, capture }
}

const click = (element: Element) => act(() => void fireEvent.click(element))
const text = (testId: string) => screen.getByTestId(testId).textContent

describe('the Overview tells what became of the request', () => {
  it('says it was delivered, where, with what answer and how fast, and opens the Forwarding tab', async () => {
    const { harness } = await openDetail({ forward: summary() }, () => [{ url: 'http://localhost:3000/webhooks', status: 202, statusText: 'Accepted', startedAt: new Date(2026, 0, 2, 10, 20, 30, 400).getTime(), timings: { connectMs: 1, firstByteMs: 11, totalMs: 12 } }], { targetUrl: 'http://localhost:3000' })
    expect(screen.getByTestId('overview-forwarding-badge').textContent).toBe('delivered')
    expect(text('overview-forwarding-sentence')).toBe('Delivered: the target answered 200.')
    expect(text('overview-forwarding-last')).toBe('Sent at 10:20:30.400: POST http://localhost:3000/webhooks → 202 Accepted in 12 ms')
    expect(screen.queryByTestId('overview-path-hint')).toBeNull()
    click(screen.getByTestId('overview-open-forwarding'))
    expect(harness.stores.app.getState().detailTab).toBe('forwarding')
    expect(screen.getByTestId('forwarding-tab')).toBeTruthy()
  })

  it('gives a failure its error, the attempts made and when the next one leaves', async () => {
    const next = new Date(2026, 0, 2, 10, 21, 0, 0).getTime()
    await openDetail({ forward: summary({ state: 'retrying', status: null, attempts: 2, error: 'connection refused (connect ECONNREFUSED 127.0.0.1:3000)', nextAttemptAt: next }) }, () => [
      { status: 500, statusText: 'Internal Server Error' },
      { status: null, statusText: null, error: { code: 'REFUSED', message: 'connection refused (connect ECONNREFUSED 127.0.0.1:3000)' }, timings: { connectMs: null, firstByteMs: null, totalMs: 3 } },
    ])
    expect(text('overview-forwarding-sentence')).toBe('The last attempt failed (connection refused (connect ECONNREFUSED 127.0.0.1:3000)); it will be tried again at 10:21:00.000.')
    // The error is told once: the attempt names its kind.
    expect(text('overview-forwarding-last')).toMatch(/^Attempt 2 at .*: POST http:\/\/localhost:3000\/hooks\/order → refused in 3 ms$/)
    expect(text('overview-forwarding-attempts')).toBe('Attempts: 2 of at most 10.')
    expect(screen.getByTestId('overview-forwarding-last').querySelector('.attempt-error')!.getAttribute('title')).toBe('connection refused (connect ECONNREFUSED 127.0.0.1:3000)')
  })

  it('gives the tooltip of an attempt’s error its text as written, its curly quotes and apostrophes included', async () => {
    const late = 'no response within 300 ms: your app received the request but did not answer in time, and may still handle it (a retry sends it again): if it needs longer, raise the timeout in the endpoint’s forwarding settings'
    await openDetail({ forward: summary({ state: 'failed', status: null, attempts: 1, error: `gave up after 1 attempt: ${late}` }) }, () => [
      { status: null, statusText: null, error: { code: 'TIMEOUT', message: late }, timings: { connectMs: 1, firstByteMs: null, totalMs: 300 } },
    ])
    expect(screen.getByTestId('overview-forwarding-last').querySelector('.attempt-error')!.getAttribute('title')).toBe(late)
    click(screen.getByTestId('overview-open-forwarding'))
    await settleViewers()
    expect(screen.getByTestId('attempt-result').getAttribute('title')).toBe(late)
  })

  it('says, while an attempt waits for a slow app, how long it waits for the answer, in both tabs', async () => {
    const delivering = summary({ state: 'delivering', status: null, attempts: 1, error: 'the target answered 500', nextAttemptAt: Date.now() - 1000 })
    await openDetail({ forward: delivering }, () => [{ status: 500, statusText: 'Internal Server Error' }])
    const note = 'It waits for the target’s answer for at most 30 s (the endpoint’s forward timeout); with none by then, it is tried again later.'
    expect(text('overview-forwarding-delivering')).toBe(note)
    expect(text('overview-forwarding-last')).toMatch(/^Attempt 1 at /)
    click(screen.getByTestId('overview-open-forwarding'))
    await settleViewers()
    expect(text('forwarding-delivering')).toBe(note)
    expect(text('forwarding-attempt-count')).toBe('1 of at most 10')
    // The try it waited for has left: no "next attempt" in the past.
    expect(screen.queryByTestId('forwarding-next-attempt')).toBeNull()
  })

  it('lists the attempt in progress, with when it was sent, as waiting for the answer, in both tabs', async () => {
    const delivering = summary({ state: 'delivering', status: null, attempts: 1, error: 'the target answered 500', nextAttemptAt: null })
    const sentAt = new Date(2026, 0, 2, 10, 21, 0, 0).getTime()
    await openDetail({ forward: delivering }, () => [
      { status: 500, statusText: 'Internal Server Error' },
      { status: null, statusText: null, rawHeaders: [], startedAt: sentAt, timings: { connectMs: null, firstByteMs: null, totalMs: null }, inProgress: true },
    ])
    expect(text('overview-forwarding-last')).toBe('Attempt 2 at 10:21:00.000: POST http://localhost:3000/hooks/order → waiting for the answer')
    click(screen.getByTestId('overview-open-forwarding'))
    await settleViewers()
    const rows = screen.getAllByTestId('attempt-row')
    expect(rows).toHaveLength(2)
    expect(rows[1]!.textContent).toBe('210:21:00.000http://localhost:3000/hooks/orderin progress: waiting for the answer———')
    // The one in progress is the one shown below the table, with what was sent.
    expect(screen.getByTestId('attempt-detail').getAttribute('data-attempt-n')).toBe('2')
    expect(text('attempt-outcome')).toBe(`In progress: sent at ${formatDateTime(sentAt)}, waiting for the target’s answer.`)
    expect(screen.getByTestId('attempt-sent-headers').textContent).toContain('Content-Type')
  })

  it('says when what waits for its target is held', async () => {
    await openDetail({ forward: summary({ state: 'pending', status: null, attempts: 0 }) }, () => [], { paused: true })
    expect(text('overview-forwarding-held')).toBe('Held: its target is paused; nothing is sent to it until you resume it.')
    expect(text('overview-forwarding-target')).toBe('Target: http://localhost:3000/webhooks')
  })

  it('says what a waiting request waits behind', async () => {
    await openDetail({ forward: summary({ state: 'pending', status: null, attempts: 0 }) }, () => [], { behind: true })
    expect(text('overview-forwarding-sentence')).toBe('Waiting in the target’s queue.')
    expect(text('overview-forwarding-waits-behind')).toBe('It waits behind PUT /webhooks/first to this target.')
  })

  it('says when a request was not forwarded', async () => {
    await openDetail({ forward: null, forwardPlan: null })
    expect(text('overview-forwarding')).toBe('Not forwarded: its endpoint did not forward requests when it arrived. Forwarding →')
  })

  it('gives the signature’s verdict and opens the Signature tab', async () => {
    const { harness } = await openDetail({ forward: null, forwardPlan: null, signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3600, toleranceSeconds: 300 } }, () => [], { signature: { scheme: 'stripe', hasSecret: true } })
    const row = screen.getByTestId('overview-signature')
    expect(within(row).getByTestId('overview-signature-badge').textContent).toBe('sig stale 1 h')
    expect(text('overview-signature-headline')).toBe('Stale Stripe timestamp.')
    click(screen.getByTestId('overview-open-signature'))
    expect(harness.stores.app.getState().detailTab).toBe('signature')
  })

  it('says when the endpoint checks no signature', async () => {
    await openDetail({ forward: null, forwardPlan: null }, () => [], { signature: { scheme: null, hasSecret: false } })
    expect(text('overview-signature-headline')).toBe('Not checked: this endpoint checks no signature.')
  })
})

describe('a 404 or 405 from the target', () => {
  const notFound = (capture: Capture): Array<Partial<ForwardAttempt>> => [{ url: `http://localhost:3000/webhooks${capture.target}`, status: 404, statusText: 'Not Found' }]

  it('shows the URL called, how it was built, and the target that calls the route once', async () => {
    await openDetail({ forward: summary({ state: 'failed', status: 404, error: 'the target answered 404' }) }, notFound)
    const expected =
      'The target answered 404 Not Found to POST http://localhost:3000/webhooks/webhooks: is that your app’s route for it? Hookscope appends each request’s path and query to the target’s URL: http://localhost:3000/webhooks + /webhooks. To call http://localhost:3000/webhooks, make the target http://localhost:3000.'
    expect(text('overview-path-hint')).toBe(expected)
    click(screen.getByTestId('overview-open-forwarding'))
    await settleViewers()
    expect(within(screen.getByTestId('attempt-detail')).getByTestId('attempt-path-hint').textContent).toBe(expected)
  })

  it('names the URL called for a 405 too, without a suggestion when the path does not repeat the target’s', async () => {
    await openDetail({ target: '/stripe?x=1', forward: summary({ state: 'failed', status: 405, error: 'the target answered 405' }) }, (capture) => [{ method: 'POST', url: `http://localhost:3000/webhooks${capture.target}`, status: 405, statusText: 'Method Not Allowed' }], { tab: 'forwarding' })
    expect(text('attempt-path-hint')).toBe(
      'The target answered 405 Method Not Allowed to POST http://localhost:3000/webhooks/stripe?x=1: is that your app’s route for it? Hookscope appends each request’s path and query to the target’s URL: http://localhost:3000/webhooks + /stripe?x=1.',
    )
  })

  it('says nothing of paths for other answers', async () => {
    await openDetail({ forward: summary({ state: 'failed', status: 400, error: 'the target answered 400' }) }, (capture) => [{ url: `http://localhost:3000/webhooks${capture.target}`, status: 400, statusText: 'Bad Request' }], { tab: 'forwarding' })
    expect(screen.getByTestId('attempt-detail')).toBeTruthy()
    expect(screen.queryByTestId('attempt-path-hint')).toBeNull()
  })
})

describe('the attempts table from the keyboard', () => {
  it('is one tab stop whose arrows, Home and End show each attempt', async () => {
    await openDetail({ forward: summary({ attempts: 3 }) }, () => [{ status: 500, statusText: 'Internal Server Error' }, { status: 503, statusText: 'Service Unavailable' }, { status: 200, statusText: 'OK' }], { tab: 'forwarding' })
    const rows = () => screen.getAllByTestId('attempt-row')
    const shown = () => screen.getByTestId('attempt-detail').getAttribute('data-attempt-n')
    // The last attempt is shown, and its row is the table's one tab stop.
    expect(shown()).toBe('3')
    expect(rows().map((row) => row.tabIndex)).toEqual([-1, -1, 0])
    const key = (key: string) => act(() => void fireEvent.keyDown(document.activeElement!, { key }))
    act(() => rows()[2]!.focus())
    key('ArrowUp')
    expect(shown()).toBe('2')
    expect(document.activeElement).toBe(rows()[1])
    key('Home')
    expect(shown()).toBe('1')
    expect(document.activeElement).toBe(rows()[0])
    expect(rows().map((row) => row.tabIndex)).toEqual([0, -1, -1])
    key('End')
    expect(shown()).toBe('3')
    key('ArrowDown')
    expect(shown()).toBe('3')
    expect(document.activeElement).toBe(rows()[2])
  })
})

describe('captured text in the story', () => {
  it('stays text: a hostile path, status text and error in the Overview and the hint', async () => {
    const hostile = '/webhooks/<img src=x onerror="window.__pwned=1">'
    await openDetail({ target: hostile, forward: summary({ state: 'failed', status: 404, error: 'the target answered 404' }) }, (capture) => [{ url: `http://localhost:3000/webhooks${capture.target}`, status: 404, statusText: '<b>Not</b> Found' }])
    const story = screen.getByTestId('overview-forwarding')
    expect(story.querySelectorAll('img, b, script').length).toBe(0)
    expect(text('overview-forwarding-last')).toContain(`POST http://localhost:3000/webhooks${hostile} → 404 <b>Not</b> Found`)
    expect(text('overview-path-hint')).toContain(`To call http://localhost:3000${hostile}, make the target http://localhost:3000.`)
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined()
  })
})
