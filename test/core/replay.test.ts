import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import Stripe from 'stripe'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../shared/api'
import type { CaptureSummary, RequestDraft } from '../../shared/model'
import type { RunState } from '../../shared/collections'
import { apiOf, nextCapture, rawExchange, startEngine, type TestEngine } from '../helpers/engine'
import { rawTarget } from '../helpers/targets'
import { testScope } from '../helpers/scope'

const STRIPE_SECRET = 'whsec_replay_test_5f4e3d2c1b0a99887766554433221100'
const stripe = new Stripe('sk_test_replay')

let t: TestEngine | null = null
const scope = testScope(() => t)
const target = scope.target

function verdictOf(engine: TestEngine['engine'], id: string): Promise<CaptureSummary> {
  return new Promise((resolve) => {
    const check = (s: CaptureSummary) => {
      if (s.id === id && s.signature) {
        off()
        resolve(s)
      }
    }
    const off = engine.events.on('capture:updated', check)
    const current = engine.history.summary(id)
    if (current?.signature) {
      off()
      resolve(current)
    }
  })
}

async function stripeEndpoint(): Promise<TestEngine> {
  t = await startEngine()
  await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'stripe' } })
  await apiOf(t.engine)['endpoints.setSecret']({ id: t.endpointId, secret: STRIPE_SECRET })
  return t
}

function signedStripe(payload: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp })
}

async function capture(e: TestEngine, body: string, headers: Record<string, string>): Promise<CaptureSummary> {
  const done = nextCapture(e.engine)
  await fetch(`${e.url}webhooks/stripe`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } })
  return done
}

describe('signature verdicts on arrival', () => {
  it('Twilio: judges over the https:// URL a tunnel says it was called on, and names the URL it used when it does not match', async () => {
    const token = 'twilio-auth-token-for-tunnels'
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'twilio' } })
    await apiOf(t.engine)['endpoints.setSecret']({ id: t.endpointId, secret: token })
    const params = { AccountSid: 'AC1', Body: 'hello from a tunnel', From: '+15550001111' }
    const send = async (publicUrl: string, extra: Record<string, string>) => {
      const done = nextCapture(t!.engine)
      const body = new URLSearchParams(params).toString()
      const head = Object.entries({ 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(token, publicUrl, params), ...extra })
      await rawExchange(t!.port, `POST /twilio/sms?x=1 HTTP/1.1\r\n${head.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Content-Length: ${body.length}\r\n\r\n${body}`)
      return verdictOf(t!.engine, (await done).id)
    }
    // ngrok and cloudflared keep the public Host and say the scheme the provider used.
    const tunnelled = await send('https://abc.ngrok.app/twilio/sms?x=1', { Host: 'abc.ngrok.app', 'X-Forwarded-Proto': 'https' })
    expect(tunnelled.signature).toEqual({ kind: 'valid', scheme: 'twilio' })
    const elsewhere = await send('https://elsewhere.example/twilio/sms?x=1', { Host: 'abc.ngrok.app', 'X-Forwarded-Proto': 'https' })
    expect(elsewhere.signature).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('https://abc.ngrok.app/twilio/sms?x=1') })
    expect(elsewhere.signature).toMatchObject({ reason: expect.stringContaining('public URL') })
  })

  it('judges each capture with the endpoint’s scheme, as of its arrival', async () => {
    const e = await stripeEndpoint()
    const payload = '{"id":"evt_1","type":"invoice.paid","amount":100}'
    const valid = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload) })
    expect((await verdictOf(e.engine, valid.id)).signature).toMatchObject({ kind: 'valid', scheme: 'stripe' })
    const tampered = await capture(e, payload.replace('100', '999'), { 'Stripe-Signature': signedStripe(payload) })
    expect((await verdictOf(e.engine, tampered.id)).signature).toMatchObject({ kind: 'invalid' })
    const stale = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload, Math.floor(Date.now() / 1000) - 3600) })
    const staleVerdict = (await verdictOf(e.engine, stale.id)).signature
    expect(staleVerdict).toMatchObject({ kind: 'timestamp-out-of-tolerance', toleranceSeconds: 300 })
    expect((staleVerdict as { driftSeconds: number }).driftSeconds).toBeGreaterThanOrEqual(3600)
    const unsigned = await capture(e, payload, {})
    expect((await verdictOf(e.engine, unsigned.id)).signature).toMatchObject({ kind: 'missing-header', header: 'Stripe-Signature' })
    // The full capture carries the verdict too.
    expect((await e.engine.capture(valid.id)).signature).toMatchObject({ kind: 'valid' })
  })

  it('uses a secret pasted with spaces or a line break around it as the provider gave it, for verdicts and re-signed replays', async () => {
    const app = await target((req, res, body) => {
      try {
        stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), STRIPE_SECRET)
        res.writeHead(200)
      } catch {
        res.writeHead(400)
      }
      res.end()
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'stripe' }, forward: { mode: 'off', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    await apiOf(t.engine)['endpoints.setSecret']({ id: t.endpointId, secret: ` ${STRIPE_SECRET}\r\n` })
    const payload = '{"id":"evt_pasted","type":"invoice.paid"}'
    const sent = await capture(t, payload, { 'Stripe-Signature': signedStripe(payload) })
    expect((await verdictOf(t.engine, sent.id)).signature).toEqual({ kind: 'valid', scheme: 'stripe' })
    const resent = await apiOf(t.engine)['replay.resend']({ captureId: sent.id, resign: { scheme: 'stripe', renewId: false } })
    expect(resent.response?.status).toBe(200)
    // Whitespace alone is no secret.
    await apiOf(t.engine)['endpoints.setSecret']({ id: t.endpointId, secret: ' \n' })
    expect(t.engine.endpoint(t.endpointId).signature.hasSecret).toBe(false)
  })

  it('does not judge a body it did not keep whole: over the body cap it says so', async () => {
    const e = await stripeEndpoint()
    await e.engine.updateSettings({ limits: { maxBodyBytes: 16 } })
    const payload = '{"id":"evt_2","type":"invoice.paid","amount":100}'
    const cut = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload) })
    expect((await verdictOf(e.engine, cut.id)).signature).toMatchObject({ kind: 'incomplete-body', scheme: 'stripe', reason: expect.stringMatching(/larger than the endpoint's body cap/) })
  })

  it('judges the history again when the secret changes, and says when there is none', async () => {
    const e = await stripeEndpoint()
    const payload = '{"id":"evt_2"}'
    const first = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload) })
    await verdictOf(e.engine, first.id)
    const rejudged = new Promise<CaptureSummary>((resolve) => {
      const off = e.engine.events.on('capture:updated', (s) => {
        if (s.id === first.id && s.signature?.kind === 'no-secret') {
          off()
          resolve(s)
        }
      })
    })
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret: null })
    expect((await rejudged).signature).toEqual({ kind: 'no-secret', scheme: 'stripe' })
    expect(e.engine.endpoint(e.endpointId).signature.hasSecret).toBe(false)
  })

  it('says when a verdict was judged with a secret stored after the request arrived, with the verdict it got then', async () => {
    let offset = 0
    t = await startEngine({ clock: { now: () => Date.now() + offset, monotonic: () => performance.now() } })
    const e = t
    await e.engine.updateEndpoint(e.endpointId, { signature: { scheme: 'stripe' } })
    offset = 1000
    // It arrives before any secret is stored: nothing could judge it then.
    const payload = '{"id":"evt_before_secret"}'
    const old = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload) })
    expect(await verdictOf(e.engine, old.id)).toMatchObject({ signature: { kind: 'no-secret' }, signatureOnArrival: null })

    offset = 2000
    const rejudged = new Promise<CaptureSummary>((resolve) => {
      const off = e.engine.events.on('capture:updated', (s) => {
        if (s.id === old.id && s.signature?.kind === 'valid') {
          off()
          resolve(s)
        }
      })
    })
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret: STRIPE_SECRET })
    const changedAt = e.engine.endpoint(e.endpointId).signature.secretChangedAt!
    const summary = await rejudged
    expect(summary.signature).toEqual({ kind: 'valid', scheme: 'stripe' })
    expect(summary.signatureOnArrival).toEqual({ secretChangedAt: changedAt, verdict: { kind: 'no-secret', scheme: 'stripe' } })

    // Arrived after the secret was stored: an ordinary verdict.
    offset = 3000
    const fresh = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload) })
    expect(await verdictOf(e.engine, fresh.id)).toMatchObject({ signature: { kind: 'valid' }, signatureOnArrival: null })

    // Storing the same secret again changes nothing.
    await apiOf(e.engine)['endpoints.setSecret']({ id: e.endpointId, secret: STRIPE_SECRET })
    expect(e.engine.endpoint(e.endpointId).signature.secretChangedAt).toBe(changedAt)

    // After a restart the verdict on arrival is not known, but the label stays.
    t = await e.reopen()
    const reopened = t
    const label = await new Promise<CaptureSummary>((resolve) => {
      const check = (s: CaptureSummary) => s.id === old.id && s.signatureOnArrival && s.signature
      const off = reopened.engine.events.on('capture:updated', (s) => {
        if (check(s)) {
          off()
          resolve(s)
        }
      })
      const current = reopened.engine.history.summary(old.id)
      if (current && check(current)) {
        off()
        resolve(current)
      }
    })
    expect(label.signature).toMatchObject({ kind: 'valid' })
    expect(label.signatureOnArrival).toEqual({ secretChangedAt: changedAt, verdict: null })
  })

  it('keeps secrets out of the documents, in a file only the user can read', async () => {
    const e = await stripeEndpoint()
    const endpoints = await readFile(path.join(e.dir, 'endpoints.json'), 'utf8')
    expect(endpoints).not.toContain(STRIPE_SECRET)
    expect(endpoints).toContain('"hasSecret": true')
    const secrets = path.join(e.dir, 'secrets.json')
    expect(await readFile(secrets, 'utf8')).toContain(STRIPE_SECRET)
    expect((await stat(secrets)).mode & 0o777).toBe(0o600)
    const listed = JSON.stringify(await apiOf(e.engine)['endpoints.list']({}))
    expect(listed).not.toContain(STRIPE_SECRET)
  })
})

describe('replays', () => {
  it('makes an exact draft of a capture and sends it, linked to its origin', async () => {
    const app = await target((_req, res) => {
      res.writeHead(202, { 'X-App': 'seen' })
      res.end('accepted')
    })
    t = await startEngine()
    const done = nextCapture(t.engine)
    await rawExchange(t.port, 'POST /hooks/a%2Fb?x=1 HTTP/1.1\r\nHost: x\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello')
    const original = await done
    const api = apiOf(t.engine)
    const draft = await api['replay.draft']({ captureId: original.id, baseUrl: `${app.url}/base` })
    expect(draft).toEqual({
      method: 'POST',
      url: `${app.url}/base/hooks/a%2Fb?x=1`,
      headers: [
        ['Host', 'x'],
        ['X-Dup', '1'],
        ['x-dup', '2'],
        ['Content-Type', 'text/plain'],
        ['Content-Length', '5'],
      ],
      bodyBase64: Buffer.from('hello').toString('base64'),
    })
    const replay = await api['replay.send']({ draft, originId: original.id })
    expect(replay).toMatchObject({ originId: original.id, response: { status: 202 }, error: null, resigned: null })
    const [received] = await app.waitFor(1)
    expect(received!.url).toBe('/base/hooks/a%2Fb?x=1')
    expect(received!.rawHeaders.slice(0, 4)).toEqual([
      ['Host', 'x'],
      ['X-Dup', '1'],
      ['x-dup', '2'],
      ['Content-Type', 'text/plain'],
    ])
    expect(received!.body.toString()).toBe('hello')
    // The replay records the header lines as they went out, those the client adds included.
    expect(replay.request.headers).toEqual(received!.rawHeaders)
    expect(replay.request.headers.at(-1)).toEqual(['Connection', 'keep-alive'])
    const responseBody = await api['replay.body']({ id: replay.id, part: 'response' })
    expect(Buffer.from(responseBody.base64, 'base64').toString()).toBe('accepted')
    expect((await api['replay.list']({ originId: original.id })).map((r) => r.id)).toEqual([replay.id])
  })

  it('makes Content-Length follow the body, whatever the draft says', async () => {
    const raw = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\nedited')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')
    })
    scope.defer(() => raw.close())
    t = await startEngine()
    const draft: RequestDraft = {
      method: 'POST',
      url: `${raw.url}/x`,
      headers: [
        ['Content-Length', '999'],
        ['Transfer-Encoding', 'chunked'],
        ['X-Keep', 'yes'],
      ],
      bodyBase64: Buffer.from('edited').toString('base64'),
    }
    const replay = await apiOf(t.engine)['replay.send']({ draft })
    expect(replay.response?.status).toBe(200)
    const bytes = (await raw.waitForBytes((all) => all.includes('edited'))).toString('latin1')
    expect(bytes).toContain('Content-Length: 6\r\nX-Keep: yes\r\n')
    expect(bytes).not.toMatch(/999|chunked/)
  })

  it('sends a URL’s bytes as written: a typed character percent-encoded reaches a Node app, bytes beyond ASCII go out byte for byte', async () => {
    const app = await target((req, res) => res.end(`got ${req.url}`))
    const raw = await rawTarget((all, socket) => {
      if (all.includes('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')
    })
    scope.defer(() => raw.close())
    t = await startEngine()
    const api = apiOf(t.engine)
    const typed = await api['replay.send']({ draft: { method: 'GET', url: `${app.url}/search?q=%C3%A9`, headers: [], bodyBase64: '' } })
    expect(typed.response?.status).toBe(200)
    expect((await app.waitFor(1))[0]!.url).toBe('/search?q=%C3%A9')
    // A target imported with a latin1 é and raw UTF-8 goes out as it came, as its sender wrote it.
    await api['replay.send']({ draft: { method: 'GET', url: `${raw.url}/caf\xe9?q=\xc3\xa9`, headers: [], bodyBase64: '' } })
    const head = (await raw.waitForBytes((all) => all.includes('\r\n\r\n'))).toString('latin1')
    expect(head.split('\r\n')[0]).toBe('GET /caf\xe9?q=\xc3\xa9 HTTP/1.1')
  })

  it('never follows a redirect, and refuses drafts that would break HTTP', async () => {
    const app = await target((_req, res) => {
      res.writeHead(307, { Location: 'http://169.254.169.254/latest' })
      res.end()
    })
    t = await startEngine()
    const api = apiOf(t.engine)
    const replay = await api['replay.send']({ draft: { method: 'GET', url: `${app.url}/`, headers: [], bodyBase64: '' } })
    expect(replay.response?.status).toBe(307)
    expect(app.received).toHaveLength(1)
    const handlers = t.engine.handlers()
    const bad = (draft: Partial<RequestDraft>) =>
      dispatch(handlers, 'replay.send', { draft: { method: 'POST', url: `${app.url}/`, headers: [], bodyBase64: '', ...draft } })
    expect(await bad({ headers: [['X-Evil', 'a\r\nInjected: 1']] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await bad({ headers: [['Bad Name', 'x']] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await bad({ method: 'GET /x HTTP/1.1\r\n' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await bad({ url: 'file:///etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(app.received).toHaveLength(1)
  })
})

describe('re-signing: the app under test accepts an edited replay only when it is re-signed', () => {
  it('a resend re-signs only the signature the request carries: one with none of the scheme’s is refused, naming the scheme, and nothing is sent', async () => {
    const app = await target()
    const e = await stripeEndpoint()
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'off', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    const payload = '{"ref":"refs/heads/main"}'
    const github = await capture(e, payload, { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': 'sha256=00' })
    const api = apiOf(e.engine)
    await expect(api['replay.resend']({ captureId: github.id, resign: { scheme: 'stripe', renewId: false } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Not re-signed: this request carries no Stripe signature (no Stripe-Signature header), and re-signing would add one its sender never sent. Resend it as is.',
    })
    expect(app.received).toHaveLength(0)
    // As is, it goes.
    expect((await api['replay.resend']({ captureId: github.id })).response?.status).toBe(200)
    expect(app.received[0]!.rawHeaders.some(([name]) => name.toLowerCase() === 'stripe-signature')).toBe(false)
  })

  it('Stripe, judged by stripe-node in the target app', async () => {
    // The app verifies exactly as a Stripe integration does, with the official library.
    const app = await target((req, res, body) => {
      try {
        stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), STRIPE_SECRET)
        res.writeHead(200)
        res.end('verified')
      } catch (error) {
        res.writeHead(400)
        res.end((error as Error).message)
      }
    })
    const e = await stripeEndpoint()
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'off', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    // A capture signed an hour ago: too old for the app even before it is edited.
    const payload = '{"id":"evt_3","type":"checkout.session.completed","amount_total":2000}'
    const original = await capture(e, payload, { 'Stripe-Signature': signedStripe(payload, Math.floor(Date.now() / 1000) - 3600) })
    const api = apiOf(e.engine)
    const draft = await api['replay.draft']({ captureId: original.id, baseUrl: app.url })
    const edited = { ...draft, bodyBase64: Buffer.from(payload.replace('2000', '4200')).toString('base64') }
    const plain = await api['replay.send']({ draft: edited, originId: original.id })
    expect(plain.response?.status).toBe(400)
    const resigned = await api['replay.send']({ draft: edited, originId: original.id, resign: { scheme: 'stripe', renewId: false } })
    expect(resigned.response?.status).toBe(200)
    expect(resigned.resigned).toEqual({ scheme: 'stripe', renewedId: false })
    // Each replay says what the app made of the signature it got: refused edited, accepted re-signed,
    // and the original as it was, too old.
    expect(plain.signature).toMatchObject({ kind: 'invalid', scheme: 'stripe' })
    expect(resigned.signature).toEqual({ kind: 'valid', scheme: 'stripe' })
    const stale = await api['replay.send']({ draft, originId: original.id })
    expect(stale.response?.status).toBe(400)
    expect(stale.signature).toMatchObject({ kind: 'timestamp-out-of-tolerance', toleranceSeconds: 300 })
    // "Resend as is", re-signed, to the endpoint's forward target.
    const again = await api['replay.resend']({ captureId: original.id, resign: { scheme: 'stripe', renewId: false } })
    expect(again.response?.status).toBe(200)
    expect(again.signature).toEqual({ kind: 'valid', scheme: 'stripe' })
    expect(app.received.map((r) => r.body.toString())).toEqual([payload.replace('2000', '4200'), payload.replace('2000', '4200'), payload, payload])
  })

  it('Standard Webhooks: keeps or renews the message id, as asked', async () => {
    const secret = 'whsec_' + Buffer.from('standard-webhooks-replay-secret!').toString('base64')
    const verifier = new StandardWebhook(secret)
    const app = await target((req, res, body) => {
      try {
        verifier.verify(body.toString(), req.headers as Record<string, string>)
        res.writeHead(204)
      } catch {
        res.writeHead(401)
      }
      res.end()
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'standard-webhooks' } })
    await apiOf(t.engine)['endpoints.setSecret']({ id: t.endpointId, secret })
    const payload = '{"type":"user.created","data":{"id":1}}'
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'
    const timestamp = new Date(Date.now() - 600_000)
    const signature = new StandardWebhook(secret).sign(id, timestamp, payload)
    const done = nextCapture(t.engine)
    await fetch(t.url, { method: 'POST', body: payload, headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature } })
    const original = await done
    const api = apiOf(t.engine)
    const draft = await api['replay.draft']({ captureId: original.id, baseUrl: app.url })
    expect((await api['replay.send']({ draft, originId: original.id })).response?.status).toBe(401)
    const kept = await api['replay.send']({ draft, originId: original.id, resign: { scheme: 'standard-webhooks', renewId: false } })
    expect(kept.response?.status).toBe(204)
    expect(kept.request.headers.find(([n]) => n.toLowerCase() === 'webhook-id')![1]).toBe(id)
    const renewed = await api['replay.send']({ draft, originId: original.id, resign: { scheme: 'standard-webhooks', renewId: true } })
    expect(renewed.response?.status).toBe(204)
    expect(renewed.request.headers.find(([n]) => n.toLowerCase() === 'webhook-id')![1]).not.toBe(id)
  })

  it('cancels a send still waiting for its answer, and records it as aborted', async () => {
    const app = await target(() => {
      // Never answers: a breakpoint in the app, say.
    })
    t = await startEngine()
    const api = apiOf(t.engine)
    const draft: RequestDraft = { method: 'POST', url: `${app.url}/hooks`, headers: [['Content-Type', 'text/plain']], bodyBase64: Buffer.from('hi').toString('base64') }
    const sending = api['replay.send']({ draft, originId: null, sendId: 'send-1', timeoutMs: 60_000 })
    await app.waitFor(1)
    const started = Date.now()
    expect(await api['replay.cancel']({ sendId: 'send-1' })).toEqual({ cancelled: true })
    const replay = await sending
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(replay.response).toBeNull()
    expect(replay.error).toEqual({ code: 'ABORTED', message: expect.stringContaining('cancelled') })
    expect((await api['replay.list']({})).map((r) => r.id)).toEqual([replay.id])
    // Once settled there is nothing left to cancel, and the id can be used again.
    expect(await api['replay.cancel']({ sendId: 'send-1' })).toEqual({ cancelled: false })
  })

  it('explains what is missing to re-sign', async () => {
    const app = await target()
    t = await startEngine()
    const result = await dispatch(t.engine.handlers(), 'replay.send', {
      draft: { method: 'POST', url: app.url, headers: [], bodyBase64: '' },
      endpointId: t.endpointId,
      resign: { scheme: 'stripe', renewId: false },
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('has no signing secret') } })
  })
})

describe('resending a capture whose endpoint was removed', () => {
  it('asks where to, as for an endpoint without a forward target, and sends it there as it came', async () => {
    const app = await target()
    t = await stripeEndpoint()
    const api = apiOf(t.engine)
    const captured = nextCapture(t.engine)
    await rawExchange(t.port, 'POST /hooks?x=1 HTTP/1.1\r\nHost: hooks.example\r\nStripe-Signature: t=1,v1=00\r\nContent-Length: 2\r\n\r\n{}')
    const { id } = await captured
    await api['endpoints.remove']({ id: t.endpointId })
    const handlers = t.engine.handlers()
    expect(await dispatch(handlers, 'replay.resend', { captureId: id })).toEqual({
      ok: false,
      error: { code: 'NO_FORWARD_TARGET', message: 'Where to? The endpoint “Test” it came to was removed; give a URL to send it to.' },
    })
    // Its secret went with it: nothing re-signs it, and nothing is sent.
    expect(await dispatch(handlers, 'replay.resend', { captureId: id, baseUrl: app.url, resign: { scheme: 'stripe', renewId: false } })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Not re-signed: the endpoint “Test” whose secret re-signed it was removed. Resend it as is.' },
    })
    expect(app.received).toEqual([])
    const replay = await api['replay.resend']({ captureId: id, baseUrl: app.url })
    expect(replay).toMatchObject({ originId: id, response: { status: 200 }, resigned: null, signature: null })
    expect(app.received.map((r) => [r.method, r.url, r.body.toString()])).toEqual([['POST', '/hooks?x=1', '{}']])
    expect(app.received[0]!.rawHeaders).toContainEqual(['Stripe-Signature', 't=1,v1=00'])
  })
})

describe('the Host header of a resend', () => {
  it('follows the endpoint’s Host setting like forwarding: the target’s host by default, the captured one when kept', async () => {
    const app = await target()
    t = await startEngine()
    const e = t
    await e.engine.updateEndpoint(e.endpointId, { forward: { mode: 'async', targets: [{ id: 'app', url: `${app.url}/hooks`, paused: true }], defaultTargetId: 'app' } })
    const original = await capture(e, '{"id":"evt_host"}', {})
    const api = apiOf(e.engine)
    const hostOf = (n: number) => app.received[n]!.rawHeaders.filter(([name]) => name.toLowerCase() === 'host').map(([, value]) => value)
    await api['replay.resend']({ captureId: original.id })
    await app.waitFor(1)
    expect(hostOf(0)).toEqual([new URL(app.url).host])
    await e.engine.updateEndpoint(e.endpointId, { forward: { host: 'keep' } })
    await api['replay.resend']({ captureId: original.id })
    await app.waitFor(2)
    expect(hostOf(1)).toEqual([new URL(e.url).host])
  })
})

describe('a Twilio request that came through a tunnel, re-signed', () => {
  const token = 'twilio-auth-token-behind-a-tunnel'
  const params = { AccountSid: 'AC1', Body: 'hello through ngrok', From: '+15550001111' }
  const PUBLIC = 'https://abc.ngrok.app'

  /** An app behind the tunnel: it checks each request against the URL it is called on there, with Twilio's own library. */
  async function appBehindTunnel() {
    return target((req, res, body) => {
      const fields = Object.fromEntries(new URLSearchParams(body.toString('utf8')))
      const ok = twilio.validateRequest(token, String(req.headers['x-twilio-signature']), `${PUBLIC}${req.url}`, fields)
      res.writeHead(ok ? 200 : 403)
      res.end(ok ? 'ok' : 'bad signature')
    })
  }

  async function twilioThroughTunnel(publicUrl: string | null) {
    const app = await appBehindTunnel()
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'twilio', publicUrl }, forward: { mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    const api = apiOf(t.engine)
    await api['endpoints.setSecret']({ id: t.endpointId, secret: token })
    const body = new URLSearchParams(params).toString()
    const done = nextCapture(t.engine)
    // As ngrok hands it on: the public Host, and the scheme Twilio called.
    const head = { 'Content-Type': 'application/x-www-form-urlencoded', Host: 'abc.ngrok.app', 'X-Forwarded-Proto': 'https', 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(token, `${PUBLIC}/twilio/sms?x=1`, params) }
    await rawExchange(t.port, `POST /twilio/sms?x=1 HTTP/1.1\r\n${Object.entries(head).map(([n, v]) => `${n}: ${v}\r\n`).join('')}Content-Length: ${body.length}\r\n\r\n${body}`)
    const captured = await done
    // Forwarded as it came, the app accepts it: it checks the URL Twilio called.
    await app.waitFor(1)
    return { app, api, captured }
  }

  const edited = (draft: RequestDraft): RequestDraft => ({ ...draft, bodyBase64: Buffer.from(new URLSearchParams({ ...params, Body: 'edited' }).toString()).toString('base64') })

  it('without a public URL, is signed for the URL Twilio called for the original, which the app checks, not for the forward target’s host', async () => {
    const { app, api, captured } = await twilioThroughTunnel(null)
    const resent = await api['replay.resend']({ captureId: captured.id, resign: { scheme: 'twilio', renewId: false } })
    expect(resent.response?.status).toBe(200)
    expect(resent.resigned?.signedUrl).toEqual({ url: `${PUBLIC}/twilio/sms?x=1`, from: 'arrival' })
    expect(resent.signature).toEqual({ kind: 'valid', scheme: 'twilio' })
    // Edited in the Composer (sent to the target, Host naming it) and re-signed.
    const draft = edited(await api['replay.draft']({ captureId: captured.id, baseUrl: app.url }))
    draft.headers = draft.headers.map(([name, value]) => [name, name.toLowerCase() === 'host' ? new URL(app.url).host : value])
    const sent = await api['replay.send']({ draft, originId: captured.id, resign: { scheme: 'twilio', renewId: false } })
    expect([sent.response?.status, sent.signature?.kind]).toEqual([200, 'valid'])
    expect(app.received.at(-1)!.url).toBe('/twilio/sms?x=1')
  })

  it('with the public URL set on the endpoint, is signed for it with the request’s own path, also for a saved request that no capture links', async () => {
    const { app, api, captured } = await twilioThroughTunnel(PUBLIC)
    const draft = edited(await api['replay.draft']({ captureId: captured.id, baseUrl: app.url }))
    const replay = await api['replay.send']({ draft, originId: captured.id, resign: { scheme: 'twilio', renewId: false } })
    expect([replay.response?.status, replay.resigned?.signedUrl]).toEqual([200, { url: `${PUBLIC}/twilio/sms?x=1`, from: 'public-url' }])
    // Saved from that replay (no capture of its own), and run re-signed to the app.
    const c = await api['collections.create']({ name: 'Twilio' })
    await api['collections.saveItem']({ id: c.id, from: { replayId: replay.id }, name: 'edited sms' })
    const done = new Promise<RunState>((resolve) => t!.engine.events.on('collections:run', (state) => state.state !== 'running' && resolve(state)))
    await api['collections.run']({ id: c.id, baseUrl: app.url })
    const run = await done
    expect(run.results.map((r) => [r.status, r.signature?.kind])).toEqual([[200, 'valid']])
    expect((await api['replay.get']({ id: run.results[0]!.replayId! })).resigned?.signedUrl).toEqual({ url: `${PUBLIC}/twilio/sms?x=1`, from: 'public-url' })
  })

  it('a URL whose bodySHA256 a body edit renews is sent to its own path, whatever path the public URL has', async () => {
    const app = await target((req, res, body) => {
      const ok = twilio.validateRequestWithBody(token, String(req.headers['x-twilio-signature']), `${PUBLIC}/base${req.url}`, body.toString('utf8'))
      res.writeHead(ok ? 200 : 403)
      res.end()
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'twilio', publicUrl: `${PUBLIC}/base` } })
    const api = apiOf(t.engine)
    await api['endpoints.setSecret']({ id: t.endpointId, secret: token })
    const draft: RequestDraft = { method: 'POST', url: `${app.url}/studio?bodySHA256=0000&z=1`, headers: [['Content-Type', 'application/json'], ['X-Twilio-Signature', 'old']], bodyBase64: btoa('{"edited":true}') }
    const sent = await api['replay.send']({ draft, endpointId: t.endpointId, resign: { scheme: 'twilio', renewId: false } })
    expect(sent.response?.status).toBe(200)
    expect(app.received[0]!.url).toMatch(/^\/studio\?bodySHA256=[0-9a-f]{64}&z=1$/)
    expect(sent.resigned?.signedUrl?.url).toMatch(/^https:\/\/abc\.ngrok\.app\/base\/studio\?bodySHA256=[0-9a-f]{64}&z=1$/)
  })
})
