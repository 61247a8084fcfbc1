// A failed send says why in parts a view can lay out without reading the message: the system's own
// words, what to do, a fix it can offer, how long it waited. The message stays as it always read.
import { afterEach, describe, expect, it } from 'vitest'
import type { Replay } from '../../shared/model'
import { apiOf, removeDir, startEngine, type TestEngine } from '../helpers/engine'
import { freePort, httpTarget, selfSignedTarget, type Target } from '../helpers/targets'

let t: TestEngine | null = null
const targets: Target[] = []

afterEach(async () => {
  for (const target of targets.splice(0)) await target.close()
  if (t) {
    await t.close()
    await removeDir(t.dir)
    t = null
  }
})

async function sendTo(url: string, timeoutMs = 30_000, acceptSelfSigned?: boolean): Promise<Replay> {
  t ??= await startEngine()
  return apiOf(t.engine)['replay.send']({ draft: { method: 'POST', url, headers: [['Content-Type', 'application/json']], bodyBase64: btoa('{}') }, timeoutMs, ...(acceptSelfSigned === undefined ? {} : { acceptSelfSigned }) })
}

async function target(...args: Parameters<typeof httpTarget>): Promise<Target> {
  const created = await httpTarget(...args)
  targets.push(created)
  return created
}

describe('why a send got no answer, in parts', () => {
  it('a refusal keeps the system’s words apart, and, when the other loopback address answers, what to use instead', async () => {
    const port = await freePort()
    const refused = await sendTo(`http://127.0.0.1:${port}/hooks`)
    expect(refused.error).toEqual({ code: 'REFUSED', message: `connection refused (connect ECONNREFUSED 127.0.0.1:${port})`, detail: `connect ECONNREFUSED 127.0.0.1:${port}` })

    const v6 = await target(undefined, { host: '::1' })
    const elsewhere = await sendTo(`http://127.0.0.1:${v6.port}/hooks`)
    const advice = `Nothing listens on 127.0.0.1:${v6.port}, but something does on [::1]:${v6.port}: use http://localhost:${v6.port} or http://[::1]:${v6.port}`
    expect(elsewhere.error).toEqual({ code: 'REFUSED', message: `connection refused (connect ECONNREFUSED 127.0.0.1:${v6.port}). ${advice}`, detail: `connect ECONNREFUSED 127.0.0.1:${v6.port}`, advice })
  })

  it('a timeout says whether the answer never came or stopped coming, and after how long', async () => {
    const silent = await target(() => undefined)
    const replay = await sendTo(silent.url, 200)
    expect(replay.error).toEqual({ code: 'TIMEOUT', message: 'no response within 200 ms', timeout: { waitingFor: 'answer', ms: 200 } })
  })

  it('TLS: OpenSSL’s reason apart; a self-signed certificate offers to accept it; plain HTTP on an https:// URL says to use http://', async () => {
    const app = await selfSignedTarget()
    targets.push(app)
    const untrusted = await sendTo(`${app.url}/hooks`)
    expect(untrusted.error).toMatchObject({ code: 'TLS', remedy: 'accept-self-signed' })
    expect(untrusted.error!.message).toMatch(/^TLS failed: no trusted authority vouches for the target's certificate \(self[- ]signed certificate\)$/)
    expect(untrusted.error!.detail).toBeUndefined()

    const plain = await target()
    const wrongScheme = await sendTo(plain.url.replace('http:', 'https:'))
    expect(wrongScheme.error).toEqual({
      code: 'TLS',
      message: 'TLS failed: the target does not answer HTTPS on this port (wrong version number); if it serves plain HTTP, use http:// instead of https://',
      advice: 'if it serves plain HTTP, use http:// instead of https://',
    })
  })

  it('a reset keeps the system’s words apart', async () => {
    const reset = await target((req) => req.socket.resetAndDestroy())
    const replay = await sendTo(reset.url)
    expect(replay.error).toEqual({ code: 'RESET', message: `connection reset (${replay.error!.detail})`, detail: expect.stringMatching(/ECONNRESET|socket hang up/) })
  })
})

describe('a send to an https:// app with its own certificate', () => {
  it('is refused unless it accepts a self-signed certificate, and reaches the app once it does; a send that does not accept one still verifies', async () => {
    const app = await selfSignedTarget((_req, res, body) => {
      res.writeHead(201, { 'Content-Type': 'application/json' })
      res.end(`{"got":${body.toString()}}`)
    })
    targets.push(app)
    expect((await sendTo(`${app.url}/hooks`)).error?.remedy).toBe('accept-self-signed')
    expect(app.received).toHaveLength(0)

    const accepted = await sendTo(`${app.url}/hooks?x=1`, 30_000, true)
    expect(accepted.error).toBeNull()
    expect(accepted.response?.status).toBe(201)
    expect(app.received.map((r) => r.url)).toEqual(['/hooks?x=1'])
    const body = await apiOf(t!.engine)['replay.body']({ id: accepted.id, part: 'response' })
    expect(Buffer.from(body.base64, 'base64').toString()).toBe('{"got":{}}')

    // The connection kept from the send that accepted it is not one a verifying send can use.
    expect((await sendTo(`${app.url}/again`, 30_000, false)).error?.remedy).toBe('accept-self-signed')
    expect(app.received).toHaveLength(1)
  })
})

describe('resending a capture to its endpoint’s target', () => {
  it('takes the target’s own choice about a self-signed certificate, whether the target is the default or named by its URL', async () => {
    const app = await selfSignedTarget((_req, res) => {
      res.writeHead(204)
      res.end()
    })
    targets.push(app)
    t = await startEngine()
    const api = apiOf(t.engine)
    const url = `${app.url}/hooks`
    await api['endpoints.update']({ id: t.endpointId, patch: { forward: { mode: 'async', targets: [{ id: 'app', url, paused: true, acceptSelfSigned: true }], defaultTargetId: 'app' } } })
    const sent = await fetch(`${t.url}stripe?x=1`, { method: 'POST', body: '{"id":"evt_1"}' })
    expect(sent.status).toBe(200)
    const [capture] = (await api['captures.query']({ limit: 1 })).items

    const toDefault = await api['replay.resend']({ captureId: capture!.id })
    expect(toDefault.error).toBeNull()
    expect(toDefault.response?.status).toBe(204)
    const named = await api['replay.resend']({ captureId: capture!.id, baseUrl: url })
    expect(named.error).toBeNull()
    expect(app.received.map((r) => r.url)).toEqual(['/hooks/stripe?x=1', '/hooks/stripe?x=1'])

    // A URL that is not one of the endpoint's targets is verified as any send is.
    expect((await api['replay.resend']({ captureId: capture!.id, baseUrl: app.url })).error?.remedy).toBe('accept-self-signed')
    expect(app.received).toHaveLength(2)
  })
})
