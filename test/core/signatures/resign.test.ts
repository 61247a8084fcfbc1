// sign(): the rewritten headers keep their place, name case and neighbours; nothing else changes;
// the result passes our verify() and equals what the official signer produces for the same input.
import { parse as parseQuery } from 'node:querystring'
import { describe, expect, it } from 'vitest'
import Stripe from 'stripe'
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import twilioLibrary from 'twilio'
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks'
import type { RawHeaders } from '../../../shared/model'
import { SCHEME_IDS, type SchemeId } from '../../../shared/signatures'
import { schemes, signWith, UnusableSecretError, type SignedRequest } from '../../../electron/core/signatures'
import { createKit, headerValue, jsonBody, NOW_MS, NOW_SECONDS } from './corpus'
import { providers } from './providers'
import { githubSha1Accepts, githubSha1Signature, shopifySignature, slackSignature, twitchSignature } from './reference-verifiers'

const DAY_MS = 86_400_000
const providerFor = (id: SchemeId) => providers.find((p) => p.scheme.id === id)!
const isSchemeHeader = (id: SchemeId, name: string) => schemes[id].headerNames.some((h) => h.toLowerCase() === name.toLowerCase())

/** A genuine but day-old capture, its header names scrambled in case and surrounded by others. */
async function staleCapture(id: SchemeId): Promise<SignedRequest> {
  const captured = await createKit(providerFor(id)).signed({ signedAtMs: NOW_MS - DAY_MS })
  // A stale Content-Length shows that sign() leaves framing to the sender.
  const scrambled: RawHeaders = captured.rawHeaders.map(([name, value], index) => [
    index % 2 ? name.toLowerCase() : name.toUpperCase(),
    name.toLowerCase() === 'content-length' ? '999' : value,
  ])
  return { ...captured, rawHeaders: [['X-First', 'one'], ...scrambled, ['X-Last', 'two']] }
}

describe('sign() rewrites only its own headers, in place', () => {
  it.each(SCHEME_IDS)('%s', async (id) => {
    const request = await staleCapture(id)
    const before = structuredClone(request.rawHeaders)
    const edited = { ...request, body: Buffer.from(request.body.toString('utf8').replace('2000', '4200').replace('Hello', 'Goodbye')) }
    const resigned = signWith(id, edited, providerFor(id).secret, NOW_MS)

    expect(request.rawHeaders, 'the input headers are not mutated').toEqual(before)
    expect(resigned.rawHeaders.map(([name]) => name)).toEqual(before.map(([name]) => name))
    for (const [index, [name, value]] of resigned.rawHeaders.entries()) {
      if (!isSchemeHeader(id, name)) expect(value, name).toBe(before[index]?.[1])
    }
    expect(resigned.rawHeaders.some(([, value], index) => value !== before[index]?.[1]), 'something was re-signed').toBe(true)
    expect(headerValue(resigned.rawHeaders, 'content-length')).toBe('999')
    expect(schemes[id].verify({ ...edited, rawHeaders: resigned.rawHeaders, url: resigned.url }, providerFor(id).secret, NOW_MS)).toMatchObject({ kind: 'valid' })
  })
})

describe('sign() appends absent headers at the end, in the provider spelling', () => {
  const expected: Record<SchemeId, string[]> = {
    stripe: ['Stripe-Signature'],
    github: ['X-Hub-Signature-256'],
    shopify: ['X-Shopify-Hmac-Sha256'],
    slack: ['X-Slack-Request-Timestamp', 'X-Slack-Signature'],
    'standard-webhooks': ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    svix: ['svix-id', 'svix-timestamp', 'svix-signature'],
    twilio: ['X-Twilio-Signature'],
    twitch: ['Twitch-Eventsub-Message-Id', 'Twitch-Eventsub-Message-Timestamp', 'Twitch-Eventsub-Message-Signature'],
  }
  it.each(SCHEME_IDS)('%s', (id) => {
    const base: RawHeaders = [['Host', 'localhost:3000'], ['Content-Type', 'application/json']]
    const request: SignedRequest = { method: 'POST', url: 'https://hooks.example.test/in', rawHeaders: base, body: jsonBody }
    const resigned = signWith(id, request, providerFor(id).secret, NOW_MS)
    expect(resigned.rawHeaders.slice(0, 2)).toEqual(base)
    expect(resigned.rawHeaders.slice(2).map(([name]) => name)).toEqual(expected[id])
    expect(resigned.rawHeaders.every(([, value]) => value.length > 0)).toBe(true)
    expect(schemes[id].verify({ ...request, rawHeaders: resigned.rawHeaders }, providerFor(id).secret, NOW_MS).kind).toBe('valid')
  })
})

describe('sign() details', () => {
  it('drops later duplicates of a rewritten header, keeping the first position', async () => {
    const request = await staleCapture('stripe')
    const doubled: RawHeaders = [...request.rawHeaders, ['stripe-signature', 't=1,v1=00']]
    const resigned = schemes.stripe.sign({ ...request, rawHeaders: doubled }, providerFor('stripe').secret, NOW_MS)
    const positions = resigned.rawHeaders.flatMap(([name], index) => (name.toLowerCase() === 'stripe-signature' ? [index] : []))
    expect(positions).toEqual([request.rawHeaders.findIndex(([name]) => name.toLowerCase() === 'stripe-signature')])
  })

  it.each(['standard-webhooks', 'svix', 'twitch'] as const)('%s keeps the message id unless renewId', async (id) => {
    const request = await staleCapture(id)
    const idHeader = schemes[id].headerNames[0]!
    const original = headerValue(request.rawHeaders, idHeader)
    const secret = providerFor(id).secret
    expect(headerValue(schemes[id].sign(request, secret, NOW_MS).rawHeaders, idHeader)).toBe(original)
    const renewed = schemes[id].sign(request, secret, NOW_MS, { renewId: true })
    const renewedId = headerValue(renewed.rawHeaders, idHeader)
    expect(renewedId).toBeTruthy()
    expect(renewedId).not.toBe(original)
    expect(headerValue(schemes[id].sign(request, secret, NOW_MS, { renewId: true }).rawHeaders, idHeader)).not.toBe(renewedId)
    expect(schemes[id].verify({ ...request, rawHeaders: renewed.rawHeaders }, secret, NOW_MS).kind).toBe('valid')
  })

  it('GitHub: renews the legacy X-Hub-Signature (sha1) beside X-Hub-Signature-256 when the request has it, and never adds it', async () => {
    const secret = 'github-both-headers'
    const original = Buffer.from('{"action":"opened","number":1}')
    const edited = Buffer.from('{"action":"opened","number":2,"title":"café"}')
    const captured: RawHeaders = [
      ['X-GitHub-Event', 'pull_request'],
      ['X-Hub-Signature', githubSha1Signature(secret, original)],
      ['X-Hub-Signature-256', await octokitSign(secret, original.toString('utf8'))],
    ]
    const resigned = signWith('github', { method: 'POST', url: 'https://hooks.example.test/gh', rawHeaders: captured, body: edited }, secret, NOW_MS).rawHeaders
    const lookup = (name: string) => headerValue(resigned, name)
    expect(githubSha1Accepts(lookup, edited, secret)).toBe(true)
    expect(await octokitVerify(secret, edited.toString('utf8'), lookup('X-Hub-Signature-256')!)).toBe(true)
    expect(resigned.map(([name]) => name)).toEqual(['X-GitHub-Event', 'X-Hub-Signature', 'X-Hub-Signature-256'])
    const sha256Only = signWith('github', { method: 'POST', url: 'https://hooks.example.test/gh', rawHeaders: captured.filter(([name]) => name !== 'X-Hub-Signature'), body: edited }, secret, NOW_MS).rawHeaders
    expect(sha256Only.map(([name]) => name)).toEqual(['X-GitHub-Event', 'X-Hub-Signature-256'])
  })

  it('takes the timestamp from nowMs', async () => {
    const stamp = async (id: SchemeId, header: string) => headerValue(signWith(id, await staleCapture(id), providerFor(id).secret, NOW_MS).rawHeaders, header)
    expect(await stamp('stripe', 'Stripe-Signature')).toMatch(new RegExp(`^t=${NOW_SECONDS},v1=[0-9a-f]{64}$`))
    expect(await stamp('slack', 'X-Slack-Request-Timestamp')).toBe(String(NOW_SECONDS))
    expect(await stamp('standard-webhooks', 'webhook-timestamp')).toBe(String(NOW_SECONDS))
    expect(await stamp('svix', 'svix-timestamp')).toBe(String(NOW_SECONDS))
    expect(await stamp('twitch', 'Twitch-Eventsub-Message-Timestamp')).toBe(new Date(NOW_MS).toISOString())
  })

  it('refuses a Standard Webhooks or Svix secret that is not base64', () => {
    const request: SignedRequest = { method: 'POST', url: 'https://hooks.example.test/in', rawHeaders: [], body: jsonBody }
    for (const id of ['standard-webhooks', 'svix'] as const) {
      expect(() => schemes[id].sign(request, 'whsec_not base64!', NOW_MS)).toThrow(UnusableSecretError)
      expect(() => schemes[id].sign(request, 'whsec_', NOW_MS)).toThrow(UnusableSecretError)
    }
  })

  it('Twilio: a body edit rewrites only the bodySHA256 value of the URL, which validateRequestWithBody accepts', () => {
    const url = 'https://hooks.example.test:8443/twilio/studio?z=last&bodySHA256=0000&a=first#frag'
    const edited = Buffer.from('{"amount":4200}')
    const resigned = schemes.twilio.sign({ method: 'POST', url, rawHeaders: [['Content-Type', 'application/json']], body: edited }, 'token', NOW_MS)
    expect(resigned.url).toMatch(/^https:\/\/hooks\.example\.test:8443\/twilio\/studio\?z=last&bodySHA256=[0-9a-f]{64}&a=first#frag$/)
    const signature = headerValue(resigned.rawHeaders, 'X-Twilio-Signature') ?? ''
    expect(twilioLibrary.validateRequestWithBody('token', signature, resigned.url, edited.toString('utf8'))).toBe(true)
  })
})

describe('sign() agrees with the official signers byte for byte', () => {
  const body = Buffer.from('{"id":"evt_1","amount":4200}\n')
  const request = (rawHeaders: RawHeaders = [], url = 'https://hooks.example.test/in'): SignedRequest => ({ method: 'POST', url, rawHeaders, body })
  const signed = (id: SchemeId, secret: string, input = request()) => signWith(id, input, secret, NOW_MS).rawHeaders

  it('stripe: equals stripe.webhooks.generateTestHeaderString', () => {
    const secret = providerFor('stripe').secret
    const official = new Stripe('sk_test_second_opinion').webhooks.generateTestHeaderString({ payload: body.toString('utf8'), secret, timestamp: NOW_SECONDS })
    expect(headerValue(signed('stripe', secret), 'Stripe-Signature')).toBe(official)
  })

  it('github: equals @octokit/webhooks-methods sign', async () => {
    const secret = providerFor('github').secret
    expect(headerValue(signed('github', secret), 'X-Hub-Signature-256')).toBe(await octokitSign(secret, body.toString('utf8')))
  })

  it('standard-webhooks and svix: equal Webhook.sign for the same id and time', () => {
    const secret = providerFor('svix').secret
    const withId = (name: string) => request([[name, 'msg_fixed']])
    expect(headerValue(signed('standard-webhooks', secret, withId('webhook-id')), 'webhook-signature')).toBe(new StandardWebhook(secret).sign('msg_fixed', new Date(NOW_MS), body))
    expect(headerValue(signed('svix', secret, withId('svix-id')), 'svix-signature')).toBe(new SvixWebhook(secret).sign('msg_fixed', new Date(NOW_MS), body))
  })

  it('twilio: equals getExpectedTwilioSignature for form and URL-only requests', () => {
    const token = providerFor('twilio').secret
    const form = Buffer.from('Body=Hi+there&From=%2B15005550006&MediaUrl0=b&MediaUrl0=a')
    const url = 'https://hooks.example.test/twilio/sms?x=1'
    const formRequest: SignedRequest = { method: 'POST', url, rawHeaders: [['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8']], body: form }
    expect(headerValue(signWith('twilio', formRequest, token, NOW_MS).rawHeaders, 'X-Twilio-Signature')).toBe(
      getExpectedTwilioSignature(token, url, parseQuery(form.toString('utf8'))),
    )
    const getRequest: SignedRequest = { method: 'GET', url, rawHeaders: [], body: Buffer.alloc(0) }
    expect(headerValue(signWith('twilio', getRequest, token, NOW_MS).rawHeaders, 'X-Twilio-Signature')).toBe(getExpectedTwilioSignature(token, url, {}))
  })

  it('slack, shopify and twitch: equal the documented algorithms', () => {
    expect(headerValue(signed('slack', 'slack-secret'), 'X-Slack-Signature')).toBe(slackSignature('slack-secret', String(NOW_SECONDS), body))
    expect(headerValue(signed('shopify', 'shop-secret'), 'X-Shopify-Hmac-Sha256')).toBe(shopifySignature('shop-secret', body))
    const twitchHeaders = signed('twitch', 'twitch-secret', request([['Twitch-Eventsub-Message-Id', 'id-1']]))
    expect(headerValue(twitchHeaders, 'Twitch-Eventsub-Message-Signature')).toBe(twitchSignature('twitch-secret', 'id-1', new Date(NOW_MS).toISOString(), body))
  })
})
