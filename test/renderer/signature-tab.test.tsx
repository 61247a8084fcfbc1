import './helpers/setup-dom'
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { SignatureBadge } from '../../renderer/src/components/capture-badges'
import { CaptureDetail } from '../../renderer/src/components/detail/capture-detail'
import { TrafficList } from '../../renderer/src/components/traffic-list'
import type { Capture } from '../../shared/model'
import type { Verdict } from '../../shared/signatures'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { installForwardFakes } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

/** A request signed by Stripe: re-signing is offered for the signature it carries. */
const STRIPE_SIGNED: Array<[string, string]> = [['Content-Type', 'application/json'], ['Stripe-Signature', 't=1700000000,v1=00']]

async function openSignature(patch: Partial<Capture>, signature: { scheme: Verdict['scheme'] | null; hasSecret: boolean } = { scheme: 'stripe', hasSecret: true }) {
  const engine = createFakeEngine()
  const fakes = installForwardFakes(engine)
  fakes.endpoint().signature = { ...signature, publicUrl: null }
  engine.override('replay.resend', (input) => {
    const { captureId, resign } = input as { captureId: string; resign?: { scheme: Verdict['scheme']; renewId: boolean } | null }
    return {
      id: 'rpl_1',
      originId: captureId,
      sentAt: Date.now(),
      request: { method: 'POST', url: 'http://localhost:3000/hooks', headers: [], body: { size: 0, sha256: 'x', truncated: false, declaredSize: null, storage: 'none' } },
      response: { status: 200, statusText: 'OK', headers: [], body: { size: 0, sha256: 'x', truncated: false, declaredSize: null, storage: 'none' } },
      timings: { connectMs: 1, firstByteMs: 1, totalMs: 2 },
      error: null,
      resigned: resign ? { scheme: resign.scheme, renewedId: resign.renewId } : null,
    }
  })
  const capture = addCapture(engine, patch, '{"id":"evt_1"}')
  const harness = createHarness(engine)
  harness.stores.sync.start()
  await settle()
  act(() => harness.stores.traffic.getState().open(capture.id))
  act(() => harness.stores.app.getState().setDetailTab('signature'))
  renderWith(
    harness,
    <>
      <TrafficList />
      <CaptureDetail id={capture.id} />
    </>,
  )
  await settle()
  const calls = (method: string) => engine.calls.filter((c) => c.method === method).map((c) => c.input)
  return { engine, fakes, harness, capture, calls }
}

const click = (element: Element) => act(() => void fireEvent.click(element))
const facts = () => screen.getAllByTestId('signature-fact').map((row) => row.textContent)

describe('signature badges in the list', () => {
  const cases: Array<[Verdict, string, string, RegExp]> = [
    [{ kind: 'valid', scheme: 'stripe' }, 'sig valid', 'ok', /^Stripe signature valid: your app would accept it\.$/],
    [{ kind: 'invalid', scheme: 'github', reason: 'X-Hub-Signature-256 does not match the body and secret' }, 'sig invalid', 'danger', /GitHub signature invalid: X-Hub-Signature-256 does not match/],
    [{ kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3600, toleranceSeconds: 300 }, 'sig stale 1 h', 'warning', /timestamp is 1 h old \(tolerance 5 min\)/],
    [{ kind: 'timestamp-out-of-tolerance', scheme: 'svix', driftSeconds: -900, toleranceSeconds: 300 }, 'sig stale +15 min', 'warning', /15 min in the future/],
    [{ kind: 'missing-header', scheme: 'slack', header: 'X-Slack-Signature' }, 'sig missing', 'danger', /header missing: X-Slack-Signature/],
    [{ kind: 'malformed-header', scheme: 'shopify', header: 'X-Shopify-Hmac-Sha256', reason: 'empty' }, 'sig malformed', 'danger', /malformed: empty/],
    [{ kind: 'no-secret', scheme: 'twilio' }, 'no secret', 'info', /no secret is stored/],
    [{ kind: 'unusable-secret', scheme: 'standard-webhooks', reason: 'not base64 after whsec_' }, 'bad secret', 'warning', /cannot be a key \(not base64 after whsec_\)/],
  ]
  it.each(cases)('%o reads %s', (verdict, label, tone, title) => {
    renderWith(createHarness(), <SignatureBadge verdict={verdict} />)
    const badge = screen.getByTestId('badge-signature')
    expect(badge.textContent).toBe(label)
    expect(badge.className).toBe(`badge ${tone}`)
    expect(badge.dataset.kind).toBe(verdict.kind)
    expect(badge.title).toMatch(title)
  })

  it('shows nothing when the endpoint checks no signature', () => {
    renderWith(createHarness(), <SignatureBadge verdict={null} />)
    expect(screen.queryByTestId('badge-signature')).toBeNull()
  })
})

describe('the Signature tab', () => {
  it('explains a stale timestamp with its drift and the tolerance, and checks again', async () => {
    const { calls, capture, fakes } = await openSignature({ signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3600.4, toleranceSeconds: 300 } })
    expect(within(screen.getByTestId('traffic-row')).getByTestId('badge-signature').textContent).toBe('sig stale 1 h')
    expect(screen.getByTestId('signature-verdict').dataset.kind).toBe('timestamp-out-of-tolerance')
    expect(screen.getByTestId('signature-headline').textContent).toBe('Stale Stripe timestamp')
    const details = screen.getAllByTestId('signature-detail').map((p) => p.textContent)
    expect(details[0]).toBe('The signature itself matches, but the signed timestamp is 1 h old (drift 3600 s) when the request arrived.')
    expect(details[1]).toBe('Stripe accepts at most 5 min (300 s), so an app checking it would refuse this request as a possible replay.')
    expect(facts()).toEqual(['SchemeStripe', 'Timestamp1 h old', 'Drift3600 s', 'Tolerance300 s (5 min)'])
    expect(screen.queryByTestId('signature-configure')).toBeNull()

    fakes.verdicts.set(capture.id, { kind: 'valid', scheme: 'stripe' })
    click(screen.getByTestId('signature-check-again'))
    await settle()
    expect(calls('captures.verify')).toEqual([{ id: capture.id }])
    expect(screen.getByTestId('signature-headline').textContent).toBe('Valid Stripe signature')
    expect(screen.getByTestId('signature-checked-at').textContent).toMatch(/^Checked again at \d\d:\d\d:\d\d\.\d{3} with the endpoint’s current scheme and the secret in force when it arrived\.$/)
  })

  it('explains a timestamp from the future as a clock that is off, not as a replay', async () => {
    await openSignature({ signature: { kind: 'timestamp-out-of-tolerance', scheme: 'svix', driftSeconds: -420, toleranceSeconds: 300 }, rawHeaders: [['svix-id', 'msg_1'], ['svix-timestamp', '1700000420'], ['svix-signature', 'v1,AAAA']] }, { scheme: 'svix', hasSecret: true })
    expect(screen.getByTestId('signature-headline').textContent).toBe('Stale Svix timestamp')
    expect(screen.getAllByTestId('signature-detail').map((p) => p.textContent)).toEqual([
      'The signature itself matches, but the signed timestamp is 7 min in the future (drift -420 s) when the request arrived.',
      'Svix accepts a timestamp at most 5 min (300 s) away from the app’s clock, in either direction, so an app checking it would refuse this request. A timestamp ahead of the time the request arrived means the sender’s clock, or this machine’s, is off.',
      'Resend it re-signed to give it a fresh timestamp.',
    ])
  })

  it('says a timestamp thousands of years ahead is most likely milliseconds where seconds are expected', async () => {
    const arrivedSeconds = 1_765_000_000
    await openSignature({ signature: { kind: 'timestamp-out-of-tolerance', scheme: 'standard-webhooks', driftSeconds: arrivedSeconds - arrivedSeconds * 1000, toleranceSeconds: 300 } }, { scheme: 'standard-webhooks', hasSecret: true })
    const details = screen.getAllByTestId('signature-detail').map((p) => p.textContent)
    expect(details[1]).toBe(
      'Standard Webhooks accepts a timestamp at most 5 min (300 s) away from the app’s clock, in either direction, so an app checking it would refuse this request. A timestamp this far ahead is most likely in milliseconds: Standard Webhooks counts whole seconds since 1970.',
    )
  })

  it('names the missing header', async () => {
    await openSignature({ signature: { kind: 'missing-header', scheme: 'stripe', header: 'Stripe-Signature' } })
    expect(screen.getByTestId('signature-headline').textContent).toBe('Missing Stripe-Signature header')
    expect(screen.getByTestId('signature-detail').textContent).toMatch(/Stripe puts its signature in the Stripe-Signature header, and this request has none/)
    expect(facts()).toContain('Missing headerStripe-Signature')
  })

  it('names another provider’s signature header when the endpoint’s scheme finds none of its own, and leads to the editor', async () => {
    const { harness } = await openSignature({
      signature: { kind: 'missing-header', scheme: 'stripe', header: 'Stripe-Signature' },
      rawHeaders: [['Content-Type', 'application/json'], ['x-hub-signature', 'sha1=00'], ['X-Hub-Signature-256', 'sha256=00']],
    })
    expect(screen.getByTestId('signature-headline').textContent).toBe('Missing Stripe-Signature header')
    expect(screen.getByTestId('signature-other-scheme').textContent).toMatch(/^This request carries X-Hub-Signature-256, which GitHub sends: if GitHub calls this endpoint, choose it as the endpoint’s scheme instead of Stripe\./)
    // Re-signing it as Stripe would not make it GitHub's.
    expect(screen.queryByTestId('signature-resend-resigned')).toBeNull()
    click(screen.getByTestId('signature-change-scheme'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
  })

  it('says nothing of other providers when the request carries no signature header at all, and does not offer to add one', async () => {
    await openSignature({ signature: { kind: 'missing-header', scheme: 'standard-webhooks', header: 'webhook-id' }, rawHeaders: [['Content-Type', 'application/json']] }, { scheme: 'standard-webhooks', hasSecret: true })
    expect(screen.queryByTestId('signature-other-scheme')).toBeNull()
    // Re-signing would add a signature its sender never sent.
    expect(screen.queryByTestId('signature-resend-resigned')).toBeNull()
    expect(screen.getByTestId('signature-resign-not-carried').textContent).toBe(
      'Re-signing is not offered: this request carries no Standard Webhooks signature (no webhook-signature header), and re-signing would add one its sender never sent.',
    )
  })

  it('offers re-signing a request that carries the scheme’s signature but lacks another of its headers', async () => {
    await openSignature({ signature: { kind: 'missing-header', scheme: 'standard-webhooks', header: 'webhook-id' }, rawHeaders: [['webhook-signature', 'v1,AAAA'], ['webhook-timestamp', '1']] }, { scheme: 'standard-webhooks', hasSecret: true })
    expect(screen.getByTestId('signature-resend-resigned')).toBeTruthy()
    expect(screen.queryByTestId('signature-resign-not-carried')).toBeNull()
  })

  it('explains an invalid signature with the engine’s reason', async () => {
    await openSignature({ signature: { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches the payload and secret' } })
    expect(screen.getByTestId('signature-headline').textContent).toBe('Invalid Stripe signature')
    expect(screen.getAllByTestId('signature-detail')[0]!.textContent).toBe('No v1 signature matches the payload and secret.')
  })

  it('follows a new verdict from live traffic (after the secret changed)', async () => {
    const { engine, harness, capture } = await openSignature({ signature: { kind: 'no-secret', scheme: 'stripe' } }, { scheme: 'stripe', hasSecret: false })
    expect(screen.getByTestId('signature-headline').textContent).toBe('Not checked: no secret')
    expect(screen.getByTestId('signature-configure').textContent).toBe('Store the secret…')
    const { httpVersion: _h, rawHeaders: _r, rawTrailers: _t, body: _b, remoteAddress: _a, remotePort: _p, localPort: _l, timings: _ti, response: _re, forwardPlan: _f, ...base } = capture
    act(() => engine.emit('traffic.batch', { captures: [{ ...base, signature: { kind: 'valid', scheme: 'stripe' } }], removed: [] }))
    act(() => harness.frames.frame())
    expect(screen.getByTestId('signature-headline').textContent).toBe('Valid Stripe signature')
    expect(within(screen.getByTestId('traffic-row')).getByTestId('badge-signature').textContent).toBe('sig valid')
  })

  it('says when the endpoint checks no signature, and leads to the endpoint editor', async () => {
    const { harness } = await openSignature({ signature: null }, { scheme: null, hasSecret: false })
    expect(screen.getByTestId('signature-hint').textContent).toMatch(/This endpoint checks no signature/)
    expect(screen.getByTestId('signature-check-again')).toHaveProperty('disabled', true)
    expect(within(screen.getByTestId('traffic-row')).queryByTestId('badge-signature')).toBeNull()
    click(screen.getByTestId('signature-configure'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
  })

  it('offers to judge a request that has no verdict yet', async () => {
    const { calls, capture, fakes } = await openSignature({ signature: null })
    expect(screen.getByTestId('signature-pending').textContent).toMatch(/Not judged yet with Stripe/)
    fakes.verdicts.set(capture.id, { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches' })
    click(screen.getByTestId('signature-check-again'))
    await settle()
    expect(calls('captures.verify')).toHaveLength(1)
    expect(screen.getByTestId('signature-headline').textContent).toBe('Invalid Stripe signature')
  })

  it('offers to resend a stale request re-signed, and says it was re-signed', async () => {
    const { calls, capture, harness } = await openSignature({ signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3901, toleranceSeconds: 300 }, rawHeaders: STRIPE_SIGNED })
    click(screen.getByTestId('signature-resend-resigned'))
    await settle()
    expect(calls('replay.resend')).toEqual([{ captureId: capture.id, resign: { scheme: 'stripe', renewId: false } }])
    expect(harness.stores.app.getState().toast?.message).toBe('Resent re-signed to POST http://localhost:3000/hooks: 200 OK')
  })

  it('says where a re-signed resend goes: the forward target by its URL, or a URL to choose when there is none', async () => {
    const stale = { signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3901, toleranceSeconds: 300 }, rawHeaders: STRIPE_SIGNED } as const
    const none = await openSignature(stale)
    expect(screen.getByTestId('signature-resign-how').textContent).toBe('Re-sign (Stripe) with a fresh timestamp, and resend it to a URL you choose: this endpoint has no forward target.')
    expect(screen.getByTestId('signature-resend-resigned').textContent).toBe('Resend re-signed…')
    none.harness.stores.sync.dispose()
    cleanup()
    const engine = createFakeEngine()
    const fakes = installForwardFakes(engine)
    fakes.endpoint().signature = { scheme: 'stripe', hasSecret: true, publicUrl: null }
    fakes.endpoint().forward = { ...fakes.endpoint().forward, targets: [{ id: 't1', url: 'http://localhost:3000/a', paused: false }, { id: 't2', url: 'http://localhost:4000/b', paused: false }], defaultTargetId: 't2' }
    const capture = addCapture(engine, stale, '{}')
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    act(() => harness.stores.traffic.getState().open(capture.id))
    act(() => harness.stores.app.getState().setDetailTab('signature'))
    renderWith(harness, <CaptureDetail id={capture.id} />)
    await settle()
    expect(screen.getByTestId('signature-resign-how').textContent).toBe('Re-sign (Stripe) with a fresh timestamp, and resend it to the endpoint’s forward target, http://localhost:4000/b.')
    expect(screen.getByTestId('signature-resend-resigned').textContent).toBe('Resend re-signed')
  })

  it('says what re-signing lacks when no secret is stored, and offers the endpoint editor', async () => {
    const { calls, harness } = await openSignature({ signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3901, toleranceSeconds: 300 }, rawHeaders: STRIPE_SIGNED }, { scheme: 'stripe', hasSecret: false })
    expect(screen.getByTestId('signature-resend-resigned')).toHaveProperty('disabled', true)
    expect(screen.getByTestId('signature-resign-missing').textContent).toMatch(/no signing secret is stored for/)
    click(screen.getByTestId('signature-configure'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
    expect(calls('replay.resend')).toEqual([])
  })

  it('says the endpoint of a request was removed, and offers no editor for it', async () => {
    const { harness } = await openSignature({ endpointId: 'ep_removed', signature: null })
    expect(screen.getByTestId('signature-endpoint-removed').textContent).toMatch(/^The endpoint this request came to was removed/)
    expect(screen.queryByTestId('signature-configure')).toBeNull()
    expect(screen.queryByTestId('signature-hint')).toBeNull()
    expect(screen.getByTestId('signature-check-again')).toHaveProperty('disabled', true)
    expect(harness.stores.app.getState().editingEndpoint).toBeNull()
  })

  it('does not blame the body or the secret when GitHub sent only the legacy sha1 header', async () => {
    const reason = "only the legacy X-Hub-Signature (sha1) is present, and it is genuine for this body and secret: GitHub's library checks X-Hub-Signature-256 only, so an app using it refuses the request (an app that checks the sha1 header accepts it)"
    await openSignature({ signature: { kind: 'invalid', scheme: 'github', reason } }, { scheme: 'github', hasSecret: true })
    expect(screen.getAllByTestId('signature-detail').map((p) => p.textContent)).toEqual([`O${reason.slice(1)}.`])
  })

  it('does not blame the body or the secret when a signed header came twice, and says to send it once', async () => {
    const reason = 'X-Hub-Signature-256 does not match the body and secret; X-Hub-Signature-256 came 2 times, and an app reads the copies as one value joined with ", "'
    await openSignature({ signature: { kind: 'invalid', scheme: 'github', reason } }, { scheme: 'github', hasSecret: true })
    expect(screen.getAllByTestId('signature-detail').map((p) => p.textContent)).toEqual([
      'X-Hub-Signature-256 does not match the body and secret; X-Hub-Signature-256 came 2 times, and an app reads the copies as one value joined with ", ".',
      'Something on the way (a proxy, or the client that sent it) sent a signed header more than once, and no signature matches the copies read together: send it once. A re-signed resend keeps only the first copy.',
    ])
  })

  it('keeps the verdict a request got on arrival when the secret changed since, and says what the current secret makes of it', async () => {
    const changedAt = new Date(2026, 0, 2, 10, 20, 30, 400).getTime()
    await openSignature({
      signature: { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches the body and secret' },
      signatureOnArrival: { secretChangedAt: changedAt, verdict: { kind: 'valid', scheme: 'stripe' } },
    })
    const row = within(screen.getByTestId('traffic-row')).getByTestId('badge-signature')
    expect(row.textContent).toBe('sig valid')
    expect(row.title).toMatch(/Valid Stripe signature when it arrived\. With the secret changed at 10:20:30\.400, after it arrived: Invalid Stripe signature\.$/)
    expect(screen.getByTestId('signature-secret-changed').textContent).toBe('Valid Stripe signature when it arrived. With the secret changed at 10:20:30.400, after it arrived: Invalid Stripe signature.')
    expect(screen.getByTestId('signature-headline').textContent).toBe('Valid Stripe signature')
  })

  it('shows a request the corrected secret matches as valid, saying it was judged invalid with the secret stored when it arrived', async () => {
    const changedAt = new Date(2026, 0, 2, 10, 20, 30, 400).getTime()
    await openSignature({
      signature: { kind: 'valid', scheme: 'stripe' },
      signatureOnArrival: { secretChangedAt: changedAt, verdict: { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches the body and secret' } },
    })
    expect(within(screen.getByTestId('traffic-row')).getByTestId('badge-signature').textContent).toBe('sig valid')
    expect(screen.getByTestId('signature-headline').textContent).toBe('Valid Stripe signature')
    expect(screen.getByTestId('signature-secret-changed').textContent).toBe(
      'Invalid Stripe signature when it arrived, with the secret stored then. The secret changed at 10:20:30.400 matches its signature: Valid Stripe signature.',
    )
    expect(screen.queryByTestId('signature-resend-resigned')).toBeNull()
  })

  it('says a verdict was judged with a secret stored after the request arrived when the verdict on arrival is not known', async () => {
    const changedAt = new Date(2026, 0, 2, 10, 20, 30, 400).getTime()
    await openSignature({
      signature: { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches the body and secret' },
      signatureOnArrival: { secretChangedAt: changedAt, verdict: null },
    })
    expect(screen.getByTestId('signature-headline').textContent).toBe('Invalid Stripe signature')
    expect(screen.getByTestId('signature-secret-changed').textContent).toMatch(/^Judged with the secret changed at 10:20:30\.400, after this request arrived: if it was signed with the secret in use then, this is not the verdict it got on arrival/)
  })

  it('shows a forgotten secret as such, with the verdict the request got on arrival', async () => {
    const changedAt = new Date(2026, 0, 2, 10, 20, 30, 400).getTime()
    await openSignature({ signature: { kind: 'no-secret', scheme: 'stripe' }, signatureOnArrival: { secretChangedAt: changedAt, verdict: { kind: 'valid', scheme: 'stripe' } } }, { scheme: 'stripe', hasSecret: false })
    expect(within(screen.getByTestId('traffic-row')).getByTestId('badge-signature').textContent).toBe('no secret')
    expect(screen.getByTestId('signature-headline').textContent).toBe('Not checked: no secret')
    expect(screen.getByTestId('signature-secret-changed').textContent).toBe('Valid Stripe signature when it arrived, before the secret was changed at 10:20:30.400.')
  })
})
