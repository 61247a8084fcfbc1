// The judges of the differential tests: for each scheme, how the provider signs (its official
// library, or its documented algorithm where it ships none) and whether the official verifier
// accepts a request. Only the library's own "verification failed" outcome counts as a refusal;
// any other exception escapes and fails the test, so a broken harness cannot pass for a verdict.
import { parse as parseQuery } from 'node:querystring'
import { createHash } from 'node:crypto'
import { vi } from 'vitest'
import Stripe from 'stripe'
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook as StandardWebhook, WebhookVerificationError as StandardWebhookError } from 'standardwebhooks'
import { Webhook as SvixWebhook, WebhookVerificationError as SvixVerificationError } from 'svix'
import twilioLibrary from 'twilio'
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks'
import { schemes, type SignedRequest } from '../../../electron/core/signatures'
import {
  editJsonAmount,
  headerObject,
  headerValue,
  jsonBody,
  jsonMutations,
  NOW_MS,
  type CaseKit,
  type CorpusCase,
  type Provider,
} from './corpus'
import { shopifyAccepts, shopifySignature, slackAccepts, slackSignature, twitchAccepts, twitchSignature, twitchTimestamp } from './reference-verifiers'

const stripeClient = new Stripe('sk_test_differential')
const seconds = (ms: number) => Math.floor(ms / 1000)
const lookup = (request: SignedRequest) => (name: string) => headerValue(request.rawHeaders, name)

/** Standard Webhooks and Svix read Date.now(); pin it to the case's clock. */
function atClock<T>(nowMs: number, run: () => T): T {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(nowMs)
  try {
    return run()
  } finally {
    vi.useRealTimers()
  }
}

function refusedBy<T>(errorClass: abstract new (...args: never[]) => T, run: () => unknown): boolean {
  try {
    run()
    return true
  } catch (error) {
    if (error instanceof errorClass) return false
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
export const stripeProvider: Provider = {
  name: 'stripe',
  judge: 'stripe.webhooks.constructEvent (stripe-node 23)',
  scheme: schemes.stripe,
  secret: 'whsec_test_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  wrongSecret: 'whsec_test_00000000000000000000000000000000',
  url: 'https://hooks.example.test/stripe',
  contentType: 'application/json; charset=utf-8',
  body: jsonBody,
  async providerSign(body, signedAtMs, secret, url) {
    const header = stripeClient.webhooks.generateTestHeaderString({ payload: body.toString('utf8'), secret, timestamp: seconds(signedAtMs) })
    return { headers: [['Stripe-Signature', header]], url }
  },
  async officialAccepts(request, secret, nowMs) {
    return refusedBy(Stripe.errors.StripeSignatureVerificationError, () =>
      stripeClient.webhooks.constructEvent(request.body, headerValue(request.rawHeaders, 'stripe-signature') ?? '', secret, undefined, undefined, nowMs),
    )
  },
  tolerance: { seconds: 300, future: 'accepted' },
  signatureHeader: 'Stripe-Signature',
  requiredHeaders: ['Stripe-Signature'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  async extraCases(kit: CaseKit): Promise<CorpusCase[]> {
    const genuine = await kit.signed()
    const header = headerValue(genuine.rawHeaders, 'Stripe-Signature') ?? ''
    const t = /t=(\d+)/.exec(header)?.[1] ?? ''
    const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1] ?? ''
    const rotated = await kit.signed({ secret: this.wrongSecret })
    const otherV1 = /v1=([0-9a-f]+)/.exec(headerValue(rotated.rawHeaders, 'Stripe-Signature') ?? '')?.[1] ?? ''
    const withHeader = (value: string) => kit.withHeaders(genuine, [...genuine.rawHeaders.filter(([n]) => n !== 'Stripe-Signature'), ['Stripe-Signature', value]])
    return [
      kit.valid('several v1 entries, the matching one last', withHeader(`t=${t},v1=${'0'.repeat(64)},v1=${v1}`)),
      kit.valid('several v1 entries plus a v0 entry (test mode)', withHeader(`t=${t},v1=${v1},v0=${'1'.repeat(64)}`)),
      kit.notValid('only entries signed with another secret', withHeader(`t=${t},v1=${otherV1}`), { kind: 'invalid' }),
      kit.notValid('only a v0 entry', withHeader(`t=${t},v0=${v1}`), { kind: 'malformed-header', header: 'Stripe-Signature' }),
      kit.notValid('no t= element', withHeader(`v1=${v1}`), { kind: 'malformed-header', header: 'Stripe-Signature' }),
      kit.notValid('spaces after the commas (Stripe never sends them)', withHeader(`t=${t}, v1=${v1}`), { kind: 'malformed-header' }),
      kit.notValid('t= after v1= and a space', withHeader(`v1=${v1}, t=${t}`), { kind: 'malformed-header' }),
      kit.valid('t= after v1= without a space', withHeader(`v1=${v1},t=${t}`)),
      kit.notValid('hex in upper case', withHeader(`t=${t},v1=${v1.toUpperCase()}`), { kind: 'invalid' }),
      kit.notValid('timestamp changed by one second', withHeader(`t=${Number(t) + 1},v1=${v1}`), { kind: 'invalid' }),
      kit.notValid('empty header value', withHeader(''), { kind: 'malformed-header' }),
    ]
  },
}

// ---------------------------------------------------------------------------------------------
export const githubProvider: Provider = {
  name: 'github',
  judge: '@octokit/webhooks-methods verify',
  scheme: schemes.github,
  secret: 'It’s a Secret to Everybody',
  wrongSecret: 'It is a secret to everybody',
  url: 'https://hooks.example.test/github',
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, _signedAtMs, secret, url) {
    return { headers: [['X-GitHub-Event', 'push'], ['X-Hub-Signature-256', await octokitSign(secret, body.toString('utf8'))]], url }
  },
  async officialAccepts(request, secret) {
    const signature = headerValue(request.rawHeaders, 'x-hub-signature-256')
    // octokit throws a TypeError for a missing signature; an app calling it refuses the request.
    if (!signature) return false
    return octokitVerify(secret, request.body.toString('utf8'), signature)
  },
  tolerance: null,
  signatureHeader: 'X-Hub-Signature-256',
  requiredHeaders: ['X-Hub-Signature-256'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  async extraCases(kit) {
    const genuine = await kit.signed()
    const signature = headerValue(genuine.rawHeaders, 'X-Hub-Signature-256') ?? ''
    const withSignature = (value: string) => kit.withHeaders(genuine, genuine.rawHeaders.map(([n, v]) => [n, n === 'X-Hub-Signature-256' ? value : v]))
    return [
      kit.notValid('prefix in upper case', withSignature(signature.replace('sha256=', 'SHA256='))),
      kit.notValid('hex in upper case', withSignature('sha256=' + signature.slice(7).toUpperCase()), { kind: 'invalid' }),
      kit.notValid('bare hex without the sha256= prefix', withSignature(signature.slice(7)), { kind: 'malformed-header' }),
    ]
  },
}

// ---------------------------------------------------------------------------------------------
export const shopifyProvider: Provider = {
  name: 'shopify',
  judge: 'reference verifier from shopify.dev (HMAC-SHA256, base64)',
  scheme: schemes.shopify,
  secret: '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',
  wrongSecret: 'shpss_00000000000000000000000000000000',
  url: 'https://hooks.example.test/shopify',
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, signedAtMs, secret, url) {
    return {
      headers: [
        ['X-Shopify-Topic', 'orders/create'],
        ['X-Shopify-Hmac-Sha256', shopifySignature(secret, body)],
        ['X-Shopify-Triggered-At', new Date(signedAtMs).toISOString()],
      ],
      url,
    }
  },
  async officialAccepts(request, secret) {
    return shopifyAccepts(lookup(request), request.body, secret)
  },
  tolerance: null,
  signatureHeader: 'X-Shopify-Hmac-Sha256',
  requiredHeaders: ['X-Shopify-Hmac-Sha256'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
}

// ---------------------------------------------------------------------------------------------
export const slackProvider: Provider = {
  name: 'slack',
  judge: 'reference verifier from api.slack.com (v0 basestring; Bolt staleness rule)',
  scheme: schemes.slack,
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  wrongSecret: '8f742231b10e8888abcd99yyyzzz85a6',
  url: 'https://hooks.example.test/slack/events',
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, signedAtMs, secret, url) {
    const timestampText = String(seconds(signedAtMs))
    return {
      headers: [
        ['X-Slack-Request-Timestamp', timestampText],
        ['X-Slack-Signature', slackSignature(secret, timestampText, body)],
      ],
      url,
    }
  },
  async officialAccepts(request, secret, nowMs) {
    return slackAccepts(lookup(request), request.body, secret, nowMs)
  },
  tolerance: { seconds: 300, future: 'accepted' },
  signatureHeader: 'X-Slack-Signature',
  requiredHeaders: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  async extraCases(kit) {
    const genuine = await kit.signed()
    const signature = headerValue(genuine.rawHeaders, 'X-Slack-Signature') ?? ''
    return [
      kit.notValid(
        'version prefix v1= instead of v0=',
        kit.withHeaders(genuine, genuine.rawHeaders.map(([n, v]) => [n, n === 'X-Slack-Signature' ? signature.replace('v0=', 'v1=') : v])),
        { kind: 'malformed-header', header: 'X-Slack-Signature' },
      ),
    ]
  },
}

// ---------------------------------------------------------------------------------------------
const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const STANDARD_WRONG_SECRET = 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const MESSAGE_ID = 'msg_2xKQ3pT8wYfM9cVbN1aZrE4uHj'

function standardWebhooksExtras(kit: CaseKit, names: { id: string; timestamp: string; signature: string }, sign: (secret: string, id: string, atMs: number, body: Buffer) => string) {
  return async (): Promise<CorpusCase[]> => {
    const genuine = await kit.signed()
    const signature = headerValue(genuine.rawHeaders, names.signature) ?? ''
    const other = sign(STANDARD_WRONG_SECRET, MESSAGE_ID, NOW_MS - 10_000, genuine.body)
    const replace = (name: string, value: string) => kit.withHeaders(genuine, genuine.rawHeaders.map(([n, v]) => [n, n === name ? value : v]))
    const timestampText = headerValue(genuine.rawHeaders, names.timestamp) ?? ''
    return [
      kit.valid('several space-separated signatures, the matching one last', replace(names.signature, `${other} ${signature}`)),
      kit.valid('a v1a (asymmetric) entry before the matching v1', replace(names.signature, `v1a,${'A'.repeat(86)}== ${signature}`)),
      kit.notValid('only a signature made with another secret', replace(names.signature, other), { kind: 'invalid' }),
      kit.notValid('version v2 instead of v1', replace(names.signature, signature.replace('v1,', 'v2,')), { kind: 'malformed-header' }),
      kit.notValid('message id changed', replace(names.id, 'msg_tampered'), { kind: 'invalid' }),
      kit.notValid('timestamp changed by one second', replace(names.timestamp, String(Number(timestampText) + 1)), { kind: 'invalid' }),
      kit.valid('timestamp zero-padded (libraries parse it as a number)', replace(names.timestamp, `00${timestampText}`)),
      kit.notValid('timestamp not a number', replace(names.timestamp, 'yesterday'), { kind: 'malformed-header' }),
      { ...kit.valid('secret given without the whsec_ prefix', genuine), secret: STANDARD_SECRET.slice('whsec_'.length) },
    ]
  }
}

export const standardWebhooksProvider: Provider = {
  name: 'standard-webhooks',
  judge: 'standardwebhooks Webhook.verify',
  scheme: schemes['standard-webhooks'],
  secret: STANDARD_SECRET,
  wrongSecret: STANDARD_WRONG_SECRET,
  url: 'https://hooks.example.test/standard',
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, signedAtMs, secret, url) {
    return {
      headers: [
        ['webhook-id', MESSAGE_ID],
        ['webhook-timestamp', String(seconds(signedAtMs))],
        ['webhook-signature', new StandardWebhook(secret).sign(MESSAGE_ID, new Date(signedAtMs), body)],
      ],
      url,
    }
  },
  async officialAccepts(request, secret, nowMs) {
    return atClock(nowMs, () => refusedBy(StandardWebhookError, () => new StandardWebhook(secret).verify(request.body, headerObject(request.rawHeaders))))
  },
  tolerance: { seconds: 300, future: 'refused' },
  signatureHeader: 'webhook-signature',
  requiredHeaders: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  extraCases(kit) {
    return standardWebhooksExtras(kit, { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' }, (secret, id, atMs, body) =>
      new StandardWebhook(secret).sign(id, new Date(atMs), body),
    )()
  },
}

// ---------------------------------------------------------------------------------------------
export const svixProvider: Provider = {
  name: 'svix',
  judge: 'svix Webhook.verify',
  scheme: schemes.svix,
  secret: STANDARD_SECRET,
  wrongSecret: STANDARD_WRONG_SECRET,
  url: 'https://hooks.example.test/svix',
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, signedAtMs, secret, url) {
    return {
      headers: [
        ['svix-id', MESSAGE_ID],
        ['svix-timestamp', String(seconds(signedAtMs))],
        ['svix-signature', new SvixWebhook(secret).sign(MESSAGE_ID, new Date(signedAtMs), body)],
      ],
      url,
    }
  },
  async officialAccepts(request, secret, nowMs) {
    return atClock(nowMs, () => refusedBy(SvixVerificationError, () => new SvixWebhook(secret).verify(request.body, headerObject(request.rawHeaders))))
  },
  tolerance: { seconds: 300, future: 'refused' },
  signatureHeader: 'svix-signature',
  requiredHeaders: ['svix-id', 'svix-timestamp', 'svix-signature'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  async extraCases(kit) {
    const genuine = await kit.signed()
    const unbranded = kit.withHeaders(genuine, genuine.rawHeaders.map(([n, v]) => [n.replace(/^svix-/, 'webhook-'), v]))
    const mixed = kit.withHeaders(genuine, genuine.rawHeaders.map(([n, v]) => [n === 'svix-signature' ? 'webhook-signature' : n, v]))
    const base = await standardWebhooksExtras(kit, { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' }, (secret, id, atMs, body) =>
      new SvixWebhook(secret).sign(id, new Date(atMs), body),
    )()
    const resigned = schemes.svix.sign({ ...unbranded, body: editJsonAmount(unbranded.body) }, STANDARD_SECRET, NOW_MS)
    return [
      ...base,
      kit.valid('unbranded webhook-* headers', unbranded),
      kit.valid('svix-id and svix-timestamp with an unbranded webhook-signature', mixed),
      kit.valid('unbranded headers re-signed by our sign() after an edit', { ...unbranded, body: editJsonAmount(unbranded.body), rawHeaders: resigned.rawHeaders }),
      kit.notValid('empty svix-signature next to a genuine webhook-signature', kit.withHeaders(mixed, [...mixed.rawHeaders, ['svix-signature', '']]), {
        kind: 'missing-header',
        header: 'svix-signature',
      }),
    ]
  },
}

// ---------------------------------------------------------------------------------------------
const TWILIO_TOKEN = '12345678901234567890abcdefabcdef'
const TWILIO_WRONG_TOKEN = '00000000001234567890abcdefabcdef'
const twilioFormBody = Buffer.from(
  'ToCountry=US&Body=Hello+world%0AOn+two+lines+%E2%9C%93&From=%2B15005550006&To=%2B15005550001&MessageSid=SM1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c' +
    '&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.test%2Fm%2F1&MediaUrl0=https%3A%2F%2Fapi.twilio.test%2Fm%2F0&AccountSid=AC0123456789abcdef0123456789abcdef',
)

function twilioParams(request: SignedRequest) {
  const contentType = headerValue(request.rawHeaders, 'content-type') ?? ''
  return contentType.startsWith('application/x-www-form-urlencoded') ? parseQuery(request.body.toString('utf8')) : {}
}

/** As validateIncomingRequest does: a bodySHA256 in the URL selects validateRequestWithBody. */
function twilioAccepts(request: SignedRequest, authToken: string): boolean {
  const signature = headerValue(request.rawHeaders, 'x-twilio-signature') ?? ''
  if (request.url.indexOf('bodySHA256') > 0) {
    return twilioLibrary.validateRequestWithBody(authToken, signature, request.url, request.body.toString('utf8'))
  }
  return twilioLibrary.validateRequest(authToken, signature, request.url, twilioParams(request))
}

export const twilioFormProvider: Provider = {
  name: 'twilio (form body)',
  judge: 'twilio.validateRequest',
  scheme: schemes.twilio,
  secret: TWILIO_TOKEN,
  wrongSecret: TWILIO_WRONG_TOKEN,
  url: 'https://hooks.example.test/twilio/sms?tenant=acme&lang=en',
  contentType: 'application/x-www-form-urlencoded',
  body: twilioFormBody,
  async providerSign(body, _signedAtMs, secret, url) {
    const params = parseQuery(body.toString('utf8'))
    return { headers: [['I-Twilio-Idempotency-Token', 'c7a4b0e2'], ['X-Twilio-Signature', getExpectedTwilioSignature(secret, url, params)]], url }
  },
  async officialAccepts(request, secret) {
    return twilioAccepts(request, secret)
  },
  tolerance: null,
  signatureHeader: 'X-Twilio-Signature',
  requiredHeaders: ['X-Twilio-Signature'],
  bodyMutations: [
    { name: 'form value tampered', mutate: (body) => Buffer.from(body.toString('utf8').replace('Hello', 'Jello')), keepsSignedContent: false },
    { name: 'form parameters reordered (the signature sorts them)', mutate: (body) => Buffer.from(body.toString('utf8').split('&').reverse().join('&')), keepsSignedContent: true },
    { name: 'form spaces re-encoded as %20 instead of +', mutate: (body) => Buffer.from(body.toString('utf8').replace(/\+/g, '%20')), keepsSignedContent: true },
    { name: 'form message with CRLF instead of LF', mutate: (body) => Buffer.from(body.toString('utf8').replace('%0A', '%0D%0A')), keepsSignedContent: false },
    { name: 'form parameter added', mutate: (body) => Buffer.from(body.toString('utf8') + '&Injected=1'), keepsSignedContent: false },
    { name: 'repeated parameter duplicated again (the signature keeps distinct values)', mutate: (body) => Buffer.from(body.toString('utf8') + '&MediaUrl0=https%3A%2F%2Fapi.twilio.test%2Fm%2F1'), keepsSignedContent: true },
  ],
  editBody: (body) => Buffer.from(body.toString('utf8').replace('Hello+world', 'Goodbye+world')),
  async extraCases(kit) {
    const base = 'https://hooks.example.test/twilio/sms?tenant=acme&lang=en'
    const withPort = 'https://hooks.example.test:443/twilio/sms?tenant=acme&lang=en'
    const signedFor = async (signedUrl: string, receivedUrl: string) => ({ ...(await kit.signed({ url: signedUrl })), url: receivedUrl })
    return [
      kit.valid('signed with :443, received URL without a port', await signedFor(withPort, base)),
      kit.valid('signed without a port, received URL with :443', await signedFor(base, withPort)),
      kit.notValid('signed with :8443, received URL without a port', await signedFor('https://hooks.example.test:8443/twilio/sms?tenant=acme&lang=en', base), { kind: 'invalid' }),
      kit.valid('http URL signed with :80, received without', await signedFor('http://hooks.example.test:80/twilio/sms', 'http://hooks.example.test/twilio/sms')),
      kit.valid("query with an apostrophe, signed in its %27 form", await signedFor("https://hooks.example.test/twilio/sms?name=O%27Brien", "https://hooks.example.test/twilio/sms?name=O'Brien")),
      kit.valid("query with an apostrophe, signed as received", await signedFor("https://hooks.example.test/twilio/sms?name=O'Brien", "https://hooks.example.test/twilio/sms?name=O'Brien")),
      // new URL() percent-encodes braces in the path, so only the as-received port variants can match.
      kit.valid('path with braces signed with :443, received without a port', await signedFor('https://hooks.example.test:443/twilio/{acme}/sms', 'https://hooks.example.test/twilio/{acme}/sms')),
      kit.valid('path with braces signed without a port, received with :443', await signedFor('https://hooks.example.test/twilio/{acme}/sms', 'https://hooks.example.test:443/twilio/{acme}/sms')),
      kit.valid('path with braces signed in its normalized %7B form', await signedFor('https://hooks.example.test/twilio/%7Bacme%7D/sms', 'https://hooks.example.test/twilio/{acme}/sms')),
      kit.notValid('query parameter changed', await signedFor(base, base.replace('acme', 'evil')), { kind: 'invalid' }),
      kit.notValid('path changed', await signedFor(base, base.replace('/sms', '/voice')), { kind: 'invalid' }),
      kit.notValid('signed for http, received https', await signedFor(base.replace('https:', 'http:'), base), { kind: 'invalid' }),
      kit.notValid('empty X-Twilio-Signature', kit.withHeaders(await kit.signed(), (await kit.signed()).rawHeaders.map(([n, v]) => [n, n === 'X-Twilio-Signature' ? '' : v]))),
    ]
  },
}

function bodyHashUrl(body: Buffer): string {
  return `https://hooks.example.test/twilio/studio?tenant=acme&bodySHA256=${createHash('sha256').update(body).digest('hex')}`
}

export const twilioBodyHashProvider: Provider = {
  name: 'twilio (JSON body, bodySHA256)',
  judge: 'twilio.validateRequestWithBody',
  scheme: schemes.twilio,
  secret: TWILIO_TOKEN,
  wrongSecret: TWILIO_WRONG_TOKEN,
  url: bodyHashUrl(jsonBody),
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, _signedAtMs, secret, url) {
    // Twilio hashes the body it sends into the URL it calls, then signs that URL alone.
    const signedUrl = url.replace(/bodySHA256=[0-9a-f]*/, `bodySHA256=${createHash('sha256').update(body).digest('hex')}`)
    return { headers: [['X-Twilio-Signature', getExpectedTwilioSignature(secret, signedUrl, {})]], url: signedUrl }
  },
  async officialAccepts(request, secret) {
    return twilioAccepts(request, secret)
  },
  tolerance: null,
  signatureHeader: 'X-Twilio-Signature',
  requiredHeaders: ['X-Twilio-Signature'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  async extraCases(kit) {
    const genuine = await kit.signed()
    return [
      kit.notValid('bodySHA256 in the URL swapped for the hash of another body', { ...genuine, url: bodyHashUrl(editJsonAmount(jsonBody)) }, { kind: 'invalid' }),
      kit.valid('received URL with :443', { ...genuine, url: genuine.url.replace('hooks.example.test', 'hooks.example.test:443') }),
    ]
  },
}

// ---------------------------------------------------------------------------------------------
const TWITCH_MESSAGE_ID = 'e76c6bd4-55c9-4987-8304-da1588d8988b'

export const twitchProvider: Provider = {
  name: 'twitch',
  judge: 'reference verifier from dev.twitch.tv (EventSub webhooks)',
  scheme: schemes.twitch,
  secret: 's3cr3t-subscription-secret',
  wrongSecret: 's3cr3t-subscription-secreT',
  url: 'https://hooks.example.test/twitch/eventsub',
  contentType: 'application/json',
  body: jsonBody,
  async providerSign(body, signedAtMs, secret, url) {
    const timestampText = twitchTimestamp(signedAtMs)
    return {
      headers: [
        ['Twitch-Eventsub-Message-Id', TWITCH_MESSAGE_ID],
        ['Twitch-Eventsub-Message-Retry', '0'],
        ['Twitch-Eventsub-Message-Type', 'notification'],
        ['Twitch-Eventsub-Message-Signature', twitchSignature(secret, TWITCH_MESSAGE_ID, timestampText, body)],
        ['Twitch-Eventsub-Message-Timestamp', timestampText],
        ['Twitch-Eventsub-Subscription-Type', 'channel.follow'],
      ],
      url,
    }
  },
  async officialAccepts(request, secret, nowMs) {
    return twitchAccepts(lookup(request), request.body, secret, nowMs)
  },
  tolerance: { seconds: 600, future: 'accepted' },
  signatureHeader: 'Twitch-Eventsub-Message-Signature',
  requiredHeaders: ['Twitch-Eventsub-Message-Id', 'Twitch-Eventsub-Message-Timestamp', 'Twitch-Eventsub-Message-Signature'],
  bodyMutations: jsonMutations,
  editBody: editJsonAmount,
  async extraCases(kit) {
    const genuine = await kit.signed()
    const replace = (name: string, value: string) => kit.withHeaders(genuine, genuine.rawHeaders.map(([n, v]) => [n, n === name ? value : v]))
    const offsetTimestamp = '2025-06-02T11:29:50.250000000+02:00'
    const offsetSigned = kit.withHeaders(
      genuine,
      genuine.rawHeaders.map(([n, v]): [string, string] =>
        n === 'Twitch-Eventsub-Message-Timestamp'
          ? [n, offsetTimestamp]
          : n === 'Twitch-Eventsub-Message-Signature'
            ? [n, twitchSignature(this.secret, TWITCH_MESSAGE_ID, offsetTimestamp, genuine.body)]
            : [n, v],
      ),
    )
    return [
      kit.valid('timestamp with a +02:00 offset', offsetSigned),
      kit.notValid('message id changed', replace('Twitch-Eventsub-Message-Id', TWITCH_MESSAGE_ID.replace('e76c', 'f76c')), { kind: 'invalid' }),
      kit.notValid('timestamp nanoseconds changed (the text is signed)', replace('Twitch-Eventsub-Message-Timestamp', (headerValue(genuine.rawHeaders, 'Twitch-Eventsub-Message-Timestamp') ?? '').replace('123456Z', '123457Z')), { kind: 'invalid' }),
    ]
  },
}

export const providers: Provider[] = [
  stripeProvider,
  githubProvider,
  shopifyProvider,
  slackProvider,
  standardWebhooksProvider,
  svixProvider,
  twilioFormProvider,
  twilioBodyHashProvider,
  twitchProvider,
]
