// A signing secret replaced as providers rotate them (Stripe's "roll secret", Svix's and Standard
// Webhooks' rotation): each capture is judged with the secret in force when it arrived, a request that
// arrives during the rotation window with the previous one too (the verdict saying so), and replays
// are re-signed with the current one. The official libraries judge what the engine concludes.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import Stripe from 'stripe'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { describe, expect, it } from 'vitest'
import type { CaptureSummary } from '../../shared/model'
import { apiOf, nextCapture, startEngine, type TestEngine } from '../helpers/engine'
import { testScope } from '../helpers/scope'

const OLD_STRIPE = 'whsec_rotation_old_0123456789abcdef0123456789abcdef'
const NEW_STRIPE = 'whsec_rotation_new_fedcba9876543210fedcba9876543210'
const OLD_SVIX = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const NEW_SVIX = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'
const HOUR = 60 * 60_000
const stripe = new Stripe('sk_test_rotation')

let t: TestEngine | null = null
const scope = testScope(() => t)

/** An engine whose clock the test moves forward. */
async function engineWithClock(scheme: 'stripe' | 'svix', secret: string) {
  let offset = 0
  t = await startEngine({ clock: { now: () => Date.now() + offset, monotonic: () => performance.now() } })
  const e = t
  await e.engine.updateEndpoint(e.endpointId, { signature: { scheme } })
  await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret })
  return { e, advance: (ms: number) => (offset += ms), now: () => Date.now() + offset }
}

async function capture(e: TestEngine, body: string, headers: Record<string, string>): Promise<CaptureSummary> {
  const done = nextCapture(e.engine)
  await fetch(`${e.url}webhooks`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } })
  return done
}

/** The verdict the list shows for a capture, once every judgement queued so far is done. */
async function settled(e: TestEngine, id: string): Promise<CaptureSummary> {
  await e.engine.checker.recheck(e.engine.history.summary(id)!.endpointId)
  return e.engine.history.summary(id)!
}

function stripeHeader(payload: string, secrets: string[], nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000)
  const signatures = secrets.map((secret) => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }).split(',')[1])
  return [`t=${timestamp}`, ...signatures].join(',')
}

describe('a rotated signing secret', () => {
  it('Stripe: captures keep the verdict of the secret in force when they arrived, the old secret counts for 24 h after the roll, and replays are signed with the new one', async () => {
    const { e, advance, now } = await engineWithClock('stripe', OLD_STRIPE)
    const payload = '{"id":"evt_before_roll","type":"invoice.paid"}'
    advance(1000)
    const before = await capture(e, payload, { 'Stripe-Signature': stripeHeader(payload, [OLD_STRIPE], now()) })
    expect((await settled(e, before.id)).signature).toEqual({ kind: 'valid', scheme: 'stripe' })

    advance(1000)
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret: NEW_STRIPE })
    const rolledAt = e.engine.endpoint(e.endpointId).signature.secretChangedAt!
    // Received before the roll, signed with the secret in force then: still valid, and it says with which secret.
    const kept = await settled(e, before.id)
    expect(kept.signature).toEqual({ kind: 'valid', scheme: 'stripe', previousSecret: { replacedAt: rolledAt, rotation: false } })
    expect(kept.signatureOnArrival ?? null).toBeNull()

    // An hour later Stripe still signs with the old secret too (one v1 per active secret), or only with it.
    advance(HOUR)
    const both = await capture(e, payload, { 'Stripe-Signature': stripeHeader(payload, [NEW_STRIPE, OLD_STRIPE], now()) })
    expect((await settled(e, both.id)).signature).toEqual({ kind: 'valid', scheme: 'stripe' })
    const oldOnly = await capture(e, payload, { 'Stripe-Signature': stripeHeader(payload, [OLD_STRIPE], now()) })
    expect((await settled(e, oldOnly.id)).signature).toEqual({ kind: 'valid', scheme: 'stripe', previousSecret: { replacedAt: rolledAt, rotation: true } })

    // Past Stripe's longest roll window the old secret no longer counts.
    advance(24 * HOUR)
    const late = await capture(e, payload, { 'Stripe-Signature': stripeHeader(payload, [OLD_STRIPE], now()) })
    expect((await settled(e, late.id)).signature).toMatchObject({ kind: 'invalid', scheme: 'stripe' })
    expect(() => stripe.webhooks.constructEvent(payload, stripeHeader(payload, [OLD_STRIPE], Date.now()), NEW_STRIPE)).toThrow()

    // The previous secret is kept across a restart, in the same secrets file older versions read.
    t = await e.reopen()
    const again = await settled(t, before.id)
    expect(again.signature).toEqual({ kind: 'valid', scheme: 'stripe', previousSecret: { replacedAt: rolledAt, rotation: false } })
    expect((await settled(t, oldOnly.id)).signature).toMatchObject({ kind: 'valid', previousSecret: { rotation: true } })
    const file = JSON.parse(await readFile(path.join(t.dir, 'secrets.json'), 'utf8'))
    expect(file.schemaVersion).toBe(2)
    expect(file.secrets[`signature:${t.endpointId}`]).toBe(NEW_STRIPE)
    const listed = JSON.stringify(await apiOf(t.engine)['endpoints.list']({}))
    expect(listed).not.toContain(OLD_STRIPE)
    expect(JSON.stringify(t.engine.history.summary(before.id))).not.toContain(OLD_STRIPE)

    // A replay of the old capture is re-signed with the current secret, which Stripe's library accepts.
    const draft = await apiOf(t.engine)['replay.draft']({ captureId: before.id, baseUrl: 'http://127.0.0.1:9/' })
    const received: Array<{ body: string; signature: string }> = []
    const { httpTarget } = await import('../helpers/targets')
    const app = await httpTarget((req, res, body) => {
      received.push({ body: body.toString('utf8'), signature: String(req.headers['stripe-signature']) })
      res.writeHead(200)
      res.end()
    })
    scope.defer(() => app.close())
    const replay = await apiOf(t.engine)['replay.send']({ draft: { ...draft, url: `${app.url}/webhooks` }, originId: before.id, resign: { scheme: 'stripe', renewId: false } })
    expect(replay.response?.status).toBe(200)
    expect(stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, NEW_STRIPE)).toMatchObject({ id: 'evt_before_roll' })
    expect(() => stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, OLD_STRIPE)).toThrow()

    // Forgetting the secret forgets the previous ones too.
    await apiOf(t.engine)['endpoints.setSecret']({ id: t.endpointId, secret: null })
    const forgotten = await readFile(path.join(t.dir, 'secrets.json'), 'utf8')
    expect(forgotten).not.toContain(OLD_STRIPE)
    expect(forgotten).not.toContain(NEW_STRIPE)
  })

  it('a mistyped secret corrected: the request shows as the provider signed it, with what the secret stored then made of it, also after a restart', async () => {
    const { e, advance, now } = await engineWithClock('stripe', `${NEW_STRIPE}x`)
    const payload = '{"id":"evt_typo"}'
    advance(1000)
    const sent = await capture(e, payload, { 'Stripe-Signature': stripeHeader(payload, [NEW_STRIPE], now()) })
    expect((await settled(e, sent.id)).signature).toMatchObject({ kind: 'invalid' })
    advance(1000)
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret: NEW_STRIPE })
    const changedAt = e.engine.endpoint(e.endpointId).signature.secretChangedAt!
    const expected = { signature: { kind: 'valid', scheme: 'stripe' }, signatureOnArrival: { secretChangedAt: changedAt, verdict: { kind: 'invalid', scheme: 'stripe' } } }
    expect(await settled(e, sent.id)).toMatchObject(expected)
    t = await e.reopen()
    expect(await settled(t, sent.id)).toMatchObject(expected)
  })

  it('Svix and Standard Webhooks: a message signed during the rotation window with the old secret, the new one or both verifies, as the libraries say', async () => {
    const { e, advance, now } = await engineWithClock('svix', OLD_SVIX)
    advance(1000)
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret: NEW_SVIX })
    const rotatedAt = e.engine.endpoint(e.endpointId).signature.secretChangedAt!
    advance(2 * HOUR)
    const payload = '{"type":"user.created","data":{"id":"u_1"}}'
    const at = new Date(now())
    const headers = (signature: string) => ({ 'svix-id': 'msg_rotation', 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature })
    const oldSig = new SvixWebhook(OLD_SVIX).sign('msg_rotation', at, payload)
    const newSig = new StandardWebhook(NEW_SVIX).sign('msg_rotation', at, payload)

    const old = await capture(e, payload, headers(oldSig))
    expect((await settled(e, old.id)).signature).toEqual({ kind: 'valid', scheme: 'svix', previousSecret: { replacedAt: rotatedAt, rotation: true } })
    const both = await capture(e, payload, headers(`${newSig} ${oldSig}`))
    expect((await settled(e, both.id)).signature).toEqual({ kind: 'valid', scheme: 'svix' })
    // The libraries agree: the old signature verifies with the old secret only, the pair with either.
    const fresh = new Date()
    const signedNow = (signature: string) => ({ 'svix-id': 'msg_rotation', 'svix-timestamp': String(Math.floor(fresh.getTime() / 1000)), 'svix-signature': signature })
    const freshOld = new SvixWebhook(OLD_SVIX).sign('msg_rotation', fresh, payload)
    const freshNew = new SvixWebhook(NEW_SVIX).sign('msg_rotation', fresh, payload)
    expect(() => new SvixWebhook(NEW_SVIX).verify(payload, signedNow(freshOld))).toThrow()
    expect(() => new SvixWebhook(OLD_SVIX).verify(payload, signedNow(freshOld))).not.toThrow()
    expect(() => new SvixWebhook(OLD_SVIX).verify(payload, signedNow(`${freshNew} ${freshOld}`))).not.toThrow()
    expect(() => new SvixWebhook(NEW_SVIX).verify(payload, signedNow(`${freshNew} ${freshOld}`))).not.toThrow()

    advance(23 * HOUR)
    const late = new Date(now())
    const lateOld = await capture(e, payload, { 'svix-id': 'msg_late', 'svix-timestamp': String(Math.floor(late.getTime() / 1000)), 'svix-signature': new SvixWebhook(OLD_SVIX).sign('msg_late', late, payload) })
    expect((await settled(e, lateOld.id)).signature).toMatchObject({ kind: 'invalid', scheme: 'svix' })
  })
})
