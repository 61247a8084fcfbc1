// The official libraries as judges for what the app actually hands them: a body decoded to a string
// (not valid UTF-8, or starting with a BOM), repeated headers joined by Node, a whsec_ secret pasted
// with a trailing newline, GitHub's edge cases, Stripe's empty body and Twilio's SharedKey
// algorithms. For each, Hookscope's verdict and its re-signed replay must agree with the library.
import { createHash, createHmac } from 'node:crypto'
import { parse as parseQuery } from 'node:querystring'
import { describe, expect, it } from 'vitest'
import Stripe from 'stripe'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import twilio from 'twilio'
import { getExpectedTwilioSignature, getSignatureAlgorithm } from 'twilio/lib/webhooks/webhooks'
import type { RawHeaders } from '../../../shared/model'
import { schemes, type SignedRequest } from '../../../electron/core/signatures'
import { NOW_MS, NOW_SECONDS } from './corpus'

const request = (rawHeaders: RawHeaders, body: Buffer): SignedRequest => ({ method: 'POST', url: 'https://hooks.example.test/in', rawHeaders, body })

/** The header object Node gives the app: names in lower case, repeated values joined with ", ". */
function nodeHeaders(headers: RawHeaders): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    result[key] = key in result ? `${result[key]}, ${value}` : value
  }
  return result
}

const oddBodies = {
  'latin1 (not valid UTF-8)': Buffer.from('{"name":"caf\xe9"}', 'latin1'),
  'UTF-8 with a BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]),
  'plain UTF-8': Buffer.from('{"name":"café"}'),
}
const stripeClient = new Stripe('sk_test_parity')
const stripeAccepts = (body: Buffer, header: string, secret: string): boolean => {
  try {
    stripeClient.webhooks.signature!.verifyHeader(body, header, secret, 300, undefined, NOW_MS)
    return true
  } catch {
    return false
  }
}
const swSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

describe('bodies are hashed as the official library decodes them', () => {
  it.each(Object.entries(oddBodies))('Stripe, %s: Stripe-signed is valid, a re-signed replay is accepted', (_name, body) => {
    const secret = 'whsec_stripe_parity'
    const official = stripeClient.webhooks.generateTestHeaderString({ payload: new TextDecoder().decode(body), secret, timestamp: NOW_SECONDS })
    expect(stripeAccepts(body, official, secret)).toBe(true)
    expect(schemes.stripe.verify(request([['Stripe-Signature', official]], body), secret, NOW_MS).kind).toBe('valid')
    const resigned = schemes.stripe.sign(request([['Stripe-Signature', 'old']], body), secret, NOW_MS).rawHeaders[0]![1]
    expect(stripeAccepts(body, resigned, secret)).toBe(true)
    // A signature over the raw bytes is what stripe-node refuses when the bytes are not plain UTF-8.
    const overBytes = `t=${NOW_SECONDS},v1=${createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${NOW_SECONDS}.`), body])).digest('hex')}`
    expect(schemes.stripe.verify(request([['Stripe-Signature', overBytes]], body), secret, NOW_MS).kind === 'valid').toBe(stripeAccepts(body, overBytes, secret))
  })

  it.each(Object.entries(oddBodies))('Standard Webhooks and Svix, %s: verdict and replay agree with the libraries', (_name, body) => {
    for (const [scheme, Lib, idHeader] of [
      [schemes['standard-webhooks'], StandardWebhook, 'webhook-id'],
      [schemes.svix, SvixWebhook, 'svix-id'],
    ] as const) {
      const resigned = scheme.sign(request([[idHeader, 'msg_1']], body), swSecret, NOW_MS)
      expect(scheme.verify(request(resigned.rawHeaders, body), swSecret, NOW_MS).kind).toBe('valid')
      // The libraries' own signature over the same message is the one Hookscope writes.
      expect(nodeHeaders(resigned.rawHeaders)[idHeader.replace('id', 'signature')]).toBe(new Lib(swSecret).sign('msg_1', new Date(NOW_MS), body))
      const overBytes = `v1,${createHmac('sha256', Buffer.from(swSecret.slice(6), 'base64')).update(Buffer.concat([Buffer.from(`msg_1.${NOW_SECONDS}.`), body])).digest('base64')}`
      const forged = resigned.rawHeaders.map(([n, v]): [string, string] => [n, n.endsWith('signature') ? overBytes : v])
      const libraryAcceptsBytes = new Lib(swSecret).sign('msg_1', new Date(NOW_MS), body) === overBytes
      expect(scheme.verify(request(forged, body), swSecret, NOW_MS).kind === 'valid').toBe(libraryAcceptsBytes)
    }
  })

  it.each(Object.entries(oddBodies))('GitHub, %s: judged by octokit over body.toString()', async (_name, body) => {
    const secret = 'gh-parity'
    const resigned = schemes.github.sign(request([], body), secret, NOW_MS).rawHeaders[0]![1]
    expect(await octokitVerify(secret, body.toString(), resigned)).toBe(true)
    const overBytes = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
    const verdict = schemes.github.verify(request([['X-Hub-Signature-256', overBytes]], body), secret, NOW_MS)
    expect(verdict.kind === 'valid').toBe(await octokitVerify(secret, body.toString(), overBytes))
  })
})

describe('a repeated header is read as Node joins it for the app', () => {
  it('GitHub: a stale second copy makes the joined header wrong, as octokit finds', async () => {
    const body = Buffer.from('{"action":"opened"}')
    const good = schemes.github.sign(request([], body), 'gh', NOW_MS).rawHeaders[0]![1]
    const headers: RawHeaders = [['X-Hub-Signature-256', good], ['X-Hub-Signature-256', 'sha256=' + '0'.repeat(64)]]
    expect(await octokitVerify('gh', body.toString(), nodeHeaders(headers)['x-hub-signature-256']!)).toBe(false)
    expect(schemes.github.verify(request(headers, body), 'gh', NOW_MS).kind).not.toBe('valid')
  })

  it('Standard Webhooks: a second id breaks it, a second signature entry can rescue it', () => {
    const body = Buffer.from('{"type":"ping"}')
    // The library reads the clock itself, so these are signed now.
    const signed = schemes['standard-webhooks'].sign(request([['webhook-id', 'msg_1']], body), swSecret, Date.now()).rawHeaders
    const libraryAccepts = (headers: RawHeaders) => {
      try {
        new StandardWebhook(swSecret).verify(body, nodeHeaders(headers))
        return true
      } catch {
        return false
      }
    }
    const sigValue = nodeHeaders(signed)['webhook-signature']!
    const cases: RawHeaders[] = [
      [...signed, ['webhook-id', 'msg_2']],
      [signed[0]!, signed[1]!, ['webhook-signature', 'v1,AAAA'], ['webhook-signature', sigValue]],
    ]
    const now = Number(nodeHeaders(signed)['webhook-timestamp']) * 1000
    for (const headers of cases) {
      expect(schemes['standard-webhooks'].verify(request(headers, body), swSecret, now).kind === 'valid').toBe(libraryAccepts(headers))
    }
    expect(cases.map(libraryAccepts)).toEqual([false, true])
  })

  it('Standard Webhooks and Svix: each space-separated entry is compared whole, so a genuine signature followed by a comma is refused', () => {
    const body = Buffer.from('{"type":"ping"}')
    for (const [scheme, Lib, prefix] of [
      [schemes['standard-webhooks'], StandardWebhook, 'webhook'],
      [schemes.svix, SvixWebhook, 'svix'],
    ] as const) {
      const now = Date.now()
      const signed = scheme.sign(request([[`${prefix}-id`, 'msg_1']], body), swSecret, now).rawHeaders
      const genuine = nodeHeaders(signed)[`${prefix}-signature`]!
      const withSignatures = (...values: string[]): RawHeaders => [...signed.filter(([name]) => !name.endsWith('signature')), ...values.map((value): [string, string] => [`${prefix}-signature`, value])]
      const libraryAccepts = (headers: RawHeaders) => {
        try {
          new Lib(swSecret).verify(body, nodeHeaders(headers))
          return true
        } catch {
          return false
        }
      }
      const cases: Array<[RawHeaders, boolean]> = [
        // The header repeated, the genuine copy first: the app reads "v1,<genuine>, v1,AAAA".
        [withSignatures(genuine, 'v1,AAAA'), false],
        [withSignatures('v1,AAAA', genuine), true],
        [withSignatures(`${genuine},`), false],
        [withSignatures(`${genuine} v2,${genuine.slice(3)}`), true],
        [withSignatures(genuine.replace('v1,', 'v2,')), false],
        [withSignatures(genuine.replace('v1,', 'v1,,')), false],
      ]
      for (const [headers, accepted] of cases) {
        expect(libraryAccepts(headers)).toBe(accepted)
        expect(scheme.verify(request(headers, body), swSecret, now).kind === 'valid', JSON.stringify(headers)).toBe(accepted)
      }
      // The reason names the repeated header, which is what broke the genuine signature.
      expect(scheme.verify(request(cases[0]![0], body), swSecret, now)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining(`${prefix}-signature came 2 times`) })
    }
  })
})

describe('secrets, empty bodies and the legacy header, as the libraries take them', () => {
  it('a whsec_ secret pasted with a trailing newline or space works as in the library', () => {
    const body = Buffer.from('{"type":"ping"}')
    const signed = schemes['standard-webhooks'].sign(request([['webhook-id', 'msg_1']], body), swSecret, Date.now()).rawHeaders
    for (const pasted of [`${swSecret}\n`, `${swSecret} `]) {
      expect(() => new StandardWebhook(pasted).verify(body, nodeHeaders(signed))).not.toThrow()
      expect(schemes['standard-webhooks'].verify(request(signed, body), pasted, Date.now()).kind).toBe('valid')
    }
  })

  it('GitHub: sha1 only and an empty body are refused, as octokit refuses them', async () => {
    const body = Buffer.from('{"zen":"hi"}')
    const sha1 = 'sha1=' + createHmac('sha1', 's').update(body).digest('hex')
    expect(await octokitVerify('s', body.toString(), sha1)).toBe(false)
    expect(schemes.github.verify(request([['X-Hub-Signature', sha1]], body), 's', NOW_MS)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('sha1') })
    const empty = Buffer.alloc(0)
    const header = 'sha256=' + createHmac('sha256', 's').update(empty).digest('hex')
    await expect(octokitVerify('s', empty.toString(), header)).rejects.toThrow()
    expect(schemes.github.verify(request([['X-Hub-Signature-256', header]], empty), 's', NOW_MS).kind).toBe('invalid')
  })

  it('Stripe: an empty Buffer body is accepted, as stripe-node accepts it', () => {
    const empty = Buffer.alloc(0)
    const header = stripeClient.webhooks.generateTestHeaderString({ payload: '', secret: 'whsec_e', timestamp: NOW_SECONDS })
    expect(stripeAccepts(empty, header, 'whsec_e')).toBe(true)
    expect(schemes.stripe.verify(request([['Stripe-Signature', header]], empty), 'whsec_e', NOW_MS).kind).toBe('valid')
  })
})

describe('Twilio webhooks signed with a SharedKey, as the twilio library judges them', () => {
  const sharedKey = 'twilio-shared-key-secret'
  const url = 'https://hooks.example.test/twilio/sms?x=1'
  const form = Buffer.from('Body=Hello+caf%C3%A9&From=%2B15005550006&MediaUrl0=b&MediaUrl0=a')
  const settings = (algorithm: string): [string, string] => ['X-Twilio-Webhooks-Signature-Settings', `key=webhooks_sharedkey_1, algorithm=${algorithm}`]
  /** What twilio.webhook() decides: the algorithm named in the settings header, over the URL and form parameters. */
  const twilioAccepts = (rawHeaders: RawHeaders, body: Buffer, requestUrl = url): boolean => {
    const headers = nodeHeaders(rawHeaders)
    return twilio.validateRequest(sharedKey, headers['x-twilio-signature'] ?? '', requestUrl, parseQuery(body.toString('utf8')), getSignatureAlgorithm(headers['x-twilio-webhooks-signature-settings']))
  }
  const formRequest = (rawHeaders: RawHeaders, body = form): SignedRequest => ({ method: 'POST', url, rawHeaders: [['Content-Type', 'application/x-www-form-urlencoded'], ...rawHeaders], body })

  it.each(['HMAC_SHA256', 'hmac_sha256', 'HMAC_SHA1'])('%s: a genuine request is valid, a changed one invalid, and a re-signed edit accepted', (algorithm) => {
    const signature = getExpectedTwilioSignature(sharedKey, url, parseQuery(form.toString('utf8')), algorithm)
    const genuine = formRequest([settings(algorithm), ['X-Twilio-Signature', signature]])
    expect(twilioAccepts(genuine.rawHeaders, form)).toBe(true)
    expect(schemes.twilio.verify(genuine, sharedKey, NOW_MS)).toEqual({ kind: 'valid', scheme: 'twilio' })
    const edited = Buffer.from(form.toString('utf8').replace('Hello', 'Bye'))
    expect(schemes.twilio.verify({ ...genuine, body: edited }, sharedKey, NOW_MS)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('SharedKey secret') })
    const resigned = schemes.twilio.sign({ ...genuine, body: edited }, sharedKey, NOW_MS)
    expect(twilioAccepts(resigned.rawHeaders, edited)).toBe(true)
    expect(schemes.twilio.verify({ ...genuine, rawHeaders: resigned.rawHeaders, body: edited }, sharedKey, NOW_MS).kind).toBe('valid')
  })

  it('a JSON body with bodySHA256 in the URL, signed with HMAC-SHA256', () => {
    const json = Buffer.from('{"event":"message","text":"café"}')
    const signedUrl = `https://hooks.example.test/twilio/events?bodySHA256=${createHash('sha256').update(json).digest('hex')}`
    const rawHeaders: RawHeaders = [['Content-Type', 'application/json'], settings('HMAC_SHA256'), ['X-Twilio-Signature', getExpectedTwilioSignature(sharedKey, signedUrl, {}, 'HMAC_SHA256')]]
    expect(twilio.validateRequestWithBody(sharedKey, headerOf(rawHeaders, 'X-Twilio-Signature'), signedUrl, json.toString('utf8'), 'HMAC_SHA256')).toBe(true)
    expect(schemes.twilio.verify({ method: 'POST', url: signedUrl, rawHeaders, body: json }, sharedKey, NOW_MS)).toMatchObject({ kind: 'valid' })
  })

  it('an algorithm the library does not know is named, not judged a mismatch', () => {
    const genuine = formRequest([settings('HMAC_SHA512'), ['X-Twilio-Signature', 'abc=']])
    expect(twilioAccepts(genuine.rawHeaders, form)).toBe(false)
    expect(schemes.twilio.verify(genuine, sharedKey, NOW_MS)).toMatchObject({ kind: 'malformed-header', header: 'X-Twilio-Webhooks-Signature-Settings', reason: expect.stringContaining('HMAC_SHA512') })
  })
})

function headerOf(headers: RawHeaders, name: string): string {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? ''
}

describe('Stripe: the hints in Stripe-Signature tell a wrong secret from a changed body, as stripe-node does', () => {
  const secret = 'whsec_' + 'f00d'.repeat(8)
  const payload = '{"id":"evt_hint","object":"event","amount":100}'
  const bodyHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(-8)
  const signedWithHints = (signingSecret: string, signedPayload: string) =>
    stripeClient.webhooks.generateTestHeaderString({ payload: signedPayload, secret: signingSecret, timestamp: NOW_SECONDS }) +
    `,secret=whsec_${'*'.repeat(signingSecret.length - 10)}${signingSecret.slice(-4)},destination=we_123,payload=${bodyHash(signedPayload)}`
  const stripeError = (body: Buffer, header: string): string => {
    try {
      stripeClient.webhooks.signature!.verifyHeader(body, header, secret, 300, undefined, NOW_MS)
      return ''
    } catch (error) {
      return (error as Error).message
    }
  }

  it('another secret: says the stored one is not the one Stripe signed with, and what that one looks like', () => {
    const other = 'whsec_' + 'beef'.repeat(10)
    const header = signedWithHints(other, payload)
    expect(stripeError(Buffer.from(payload), header)).toContain('The signing secret you provided')
    const verdict = schemes.stripe.verify(request([['Stripe-Signature', header]], Buffer.from(payload)), secret, NOW_MS)
    expect(verdict).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('the stored secret is not the one Stripe signed with') })
    expect(verdict).toMatchObject({ reason: expect.stringContaining(`${other.length} characters long and looks like whsec_${'*'.repeat(other.length - 10)}beef (destination we_123)`) })
  })

  it('a changed body: says the body is not the one Stripe sent, with both hash ends', () => {
    const header = signedWithHints(secret, payload)
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(payload), null, 2))
    expect(stripeError(reformatted, header)).toContain('differs from the request body sent by Stripe')
    expect(schemes.stripe.verify(request([['Stripe-Signature', header]], reformatted), secret, NOW_MS)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining(`ends in ${bodyHash(payload)}, and the stored body's ends in ${bodyHash(reformatted.toString())}`),
    })
  })

  it('without hints, or when they point nowhere, the reason stays the plain mismatch', () => {
    const header = stripeClient.webhooks.generateTestHeaderString({ payload, secret, timestamp: NOW_SECONDS })
    expect(schemes.stripe.verify(request([['Stripe-Signature', header]], Buffer.from(payload + ' ')), secret, NOW_MS)).toMatchObject({ reason: 'no v1 signature matches the body and secret' })
    expect(schemes.stripe.verify(request([['Stripe-Signature', signedWithHints(secret, payload)]], Buffer.from(payload)), secret, NOW_MS).kind).toBe('valid')
  })
})

describe('Stripe-Signature read item by item, as stripe-node reads it', () => {
  const secret = 'whsec_' + 'c0ffee'.repeat(6)
  const payload = '{"id":"evt_spaces","object":"event"}'
  const stripeError = (header: string): string => {
    try {
      stripeClient.webhooks.signature!.verifyHeader(Buffer.from(payload), header, secret, 300, undefined, NOW_MS)
      return ''
    } catch (error) {
      return (error as Error).message
    }
  }

  it('a space after a comma hides the item from the library, and the reason says so', () => {
    const [t, v1] = stripeClient.webhooks.generateTestHeaderString({ payload, secret, timestamp: NOW_SECONDS }).split(',')
    const cases: Array<[string, string, string]> = [
      [`${t}, ${v1}`, 'No signatures found with expected scheme', 'v1='],
      [`${v1}, ${t}`, 'Unable to extract timestamp and signatures from header', 't='],
    ]
    for (const [header, libraryError, item] of cases) {
      expect(stripeError(header)).toBe(libraryError)
      const verdict = schemes.stripe.verify(request([['Stripe-Signature', header]], Buffer.from(payload)), secret, NOW_MS)
      expect(verdict).toMatchObject({ kind: 'malformed-header', header: 'Stripe-Signature', reason: expect.stringContaining(`" ${item}" has a space before it`) })
    }
    expect(stripeError(`${t},${v1}`)).toBe('')
  })

  it('a v1= item with nothing after it makes stripe-node fail, so a genuine v1 beside it does not make the request valid', () => {
    const genuine = stripeClient.webhooks.generateTestHeaderString({ payload, secret, timestamp: NOW_SECONDS })
    for (const header of [`${genuine},v1=`, `${genuine},v1`, `t=${NOW_SECONDS},v1=,${genuine.split(',')[1]}`]) {
      expect(stripeError(header)).toBe('secureCompare must receive two arguments')
      const verdict = schemes.stripe.verify(request([['Stripe-Signature', header]], Buffer.from(payload)), secret, NOW_MS)
      expect(verdict).toMatchObject({ kind: 'malformed-header', header: 'Stripe-Signature', reason: expect.stringContaining('a v1 item has no signature') })
    }
  })
})
