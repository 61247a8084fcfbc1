// The verdict kinds beyond valid / not valid: which header is missing, how far a timestamp drifted,
// what happens without a secret, with duplicates, with GitHub's legacy sha1 header and with bodies
// that are not UTF-8 (library-parity.test.ts judges those against the official libraries). Also the registry and the folder's import boundary.
import { createHmac } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import Stripe from 'stripe'
import type { RawHeaders } from '../../../shared/model'
import { SCHEME_IDS, type SchemeId } from '../../../shared/signatures'
import { schemes, verifyWith, type SignedRequest } from '../../../electron/core/signatures'
import { createKit, flipOneCharacter, headerValue, jsonBody, mapHeader, NOW_MS } from './corpus'
import { providers } from './providers'
import { githubSha1Accepts, githubSha1Signature, twitchSignature } from './reference-verifiers'

const providerFor = (id: SchemeId) => providers.find((p) => p.scheme.id === id)!
const genuine = (id: SchemeId, signedAtMs = NOW_MS - 10_000) => createKit(providerFor(id)).signed({ signedAtMs })
const request = (rawHeaders: RawHeaders, body: Buffer = jsonBody, url = 'https://hooks.example.test/in'): SignedRequest => ({ method: 'POST', url, rawHeaders, body })

describe('verdict kinds', () => {
  it.each(SCHEME_IDS)('%s: no-secret when the secret is absent or blank', async (id) => {
    const captured = await genuine(id)
    for (const secret of [null, '', '  \n']) expect(verifyWith(id, captured, secret, NOW_MS)).toEqual({ kind: 'no-secret', scheme: id })
  })

  it.each([
    ['stripe', 'Stripe-Signature'],
    ['github', 'X-Hub-Signature-256'],
    ['shopify', 'X-Shopify-Hmac-Sha256'],
    ['slack', 'X-Slack-Signature'],
    ['standard-webhooks', 'webhook-id'],
    ['svix', 'svix-id'],
    ['twilio', 'X-Twilio-Signature'],
    ['twitch', 'Twitch-Eventsub-Message-Id'],
  ] as const)('%s: an unsigned request names %s as missing', (id, header) => {
    expect(verifyWith(id, request([['Content-Type', 'application/json']]), 'secret', NOW_MS)).toEqual({ kind: 'missing-header', scheme: id, header })
  })

  it('reports drift in seconds, positive in the past, negative in the future', async () => {
    expect(verifyWith('stripe', await genuine('stripe', NOW_MS - 301_000), providerFor('stripe').secret, NOW_MS)).toEqual({
      kind: 'timestamp-out-of-tolerance',
      scheme: 'stripe',
      driftSeconds: 301,
      toleranceSeconds: 300,
    })
    expect(verifyWith('svix', await genuine('svix', NOW_MS + 400_000), providerFor('svix').secret, NOW_MS)).toMatchObject({ driftSeconds: -400, toleranceSeconds: 300 })
    expect(verifyWith('slack', await genuine('slack', NOW_MS - 3_600_000), providerFor('slack').secret, NOW_MS)).toMatchObject({ driftSeconds: 3600 })
    // Twitch timestamps carry sub-second digits, and so does the drift.
    expect(verifyWith('twitch', await genuine('twitch', NOW_MS - 600_500), providerFor('twitch').secret, NOW_MS)).toEqual({
      kind: 'timestamp-out-of-tolerance',
      scheme: 'twitch',
      driftSeconds: 600.5,
      toleranceSeconds: 600,
    })
  })

  it('checks the signature before the age: a stale forgery is "invalid", not "out of tolerance"', async () => {
    const stale = await genuine('stripe', NOW_MS - 3_600_000)
    expect(verifyWith('stripe', stale, 'whsec_other', NOW_MS).kind).toBe('invalid')
  })

  it('reports an unusable Standard Webhooks secret', async () => {
    expect(verifyWith('standard-webhooks', await genuine('standard-webhooks'), 'whsec_***', NOW_MS)).toMatchObject({ kind: 'unusable-secret' })
    expect(verifyWith('svix', await genuine('svix'), 'whsec_', NOW_MS)).toMatchObject({ kind: 'unusable-secret' })
  })

  it('reports malformed timestamps', async () => {
    const slack = await genuine('slack')
    expect(verifyWith('slack', { ...slack, rawHeaders: mapHeader(slack.rawHeaders, 'X-Slack-Request-Timestamp', () => '12:00') }, 'x', NOW_MS)).toMatchObject({
      kind: 'malformed-header',
      header: 'X-Slack-Request-Timestamp',
    })
    const twitch = await genuine('twitch')
    expect(verifyWith('twitch', { ...twitch, rawHeaders: mapHeader(twitch.rawHeaders, 'Twitch-Eventsub-Message-Timestamp', () => 'June 2, 2025') }, 'x', NOW_MS)).toMatchObject({
      kind: 'malformed-header',
      header: 'Twitch-Eventsub-Message-Timestamp',
    })
  })

  it('Twilio needs the public URL', async () => {
    const captured = await genuine('twilio')
    expect(verifyWith('twilio', { ...captured, url: '' }, providerFor('twilio').secret, NOW_MS)).toMatchObject({ kind: 'invalid' })
  })

  it('Twilio says when the body is not covered by the signature', () => {
    const url = 'https://hooks.example.test/twilio/status?CallSid=CA1'
    const signature = createHmac('sha1', 'token').update(url).digest('base64')
    const verdict = verifyWith('twilio', request([['Content-Type', 'application/json'], ['X-Twilio-Signature', signature]], jsonBody, url), 'token', NOW_MS)
    expect(verdict).toEqual({ kind: 'valid', scheme: 'twilio', detail: 'only the URL is signed: the body is not covered' })
  })
})

describe('a repeated header is read as Node joins it: all values, ", " between them', () => {
  it.each(['stripe', 'github', 'slack', 'svix', 'twitch'] as const)('%s', async (id) => {
    const captured = await genuine(id)
    const header = providerFor(id).signatureHeader
    const genuineValue = headerValue(captured.rawHeaders, header) ?? ''
    const forged = flipOneCharacter(genuineValue)
    expect(forged).not.toBe(genuineValue)
    const secret = providerFor(id).secret
    // The app sees "<genuine>, <forged>" or "<forged>, <genuine>": neither is the genuine header alone.
    const joined = [genuineValue, forged].join(', ')
    const verdictFor = (rawHeaders: RawHeaders) => verifyWith(id, { ...captured, rawHeaders }, secret, NOW_MS)
    const viaJoined = verdictFor(mapHeader(captured.rawHeaders, header, () => joined)).kind
    expect(verdictFor([...captured.rawHeaders, [header, forged]]).kind).toBe(viaJoined)
    const forgedFirst: RawHeaders = [[header, forged], ...captured.rawHeaders]
    expect(verdictFor(forgedFirst).kind).toBe(verdictFor(mapHeader(captured.rawHeaders, header, () => [forged, genuineValue].join(', '))).kind)
  })

  // A proxy or a client that adds a signed header a second time breaks a genuine request: the reason
  // says so, rather than leaving the body or the secret to be suspected.
  it.each(SCHEME_IDS)('%s: a signed header sent twice, the same value both times, is named in the reason', async (id) => {
    const captured = await genuine(id)
    const provider = providerFor(id)
    // What is still valid joined: a Stripe list holds the genuine v1 again, a Standard Webhooks list its
    // last entry, and its timestamp is read up to the first character that is not a digit.
    const stillValid = new Set(['stripe-signature', 'webhook-timestamp', 'webhook-signature', 'svix-timestamp', 'svix-signature'])
    for (const header of provider.requiredHeaders) {
      const twice: RawHeaders = [...captured.rawHeaders, [header, headerValue(captured.rawHeaders, header)!]]
      const verdict = verifyWith(id, { ...captured, rawHeaders: twice }, provider.secret, NOW_MS)
      if (stillValid.has(header.toLowerCase())) {
        expect(verdict.kind, header).toBe('valid')
        continue
      }
      expect(verdict.kind === 'invalid' || verdict.kind === 'malformed-header', header).toBe(true)
      expect((verdict as { reason: string }).reason, header).toContain(`${header} came 2 times, and an app reads the copies as one value joined with ", "`)
    }
  })
})

describe('GitHub legacy X-Hub-Signature (sha1): octokit no longer checks it', () => {
  const secret = 'legacy-secret'
  const sha1Only = (body: Buffer, signature = githubSha1Signature(secret, body)) => request([['X-Hub-Signature', signature]], body)
  const lookup = (r: SignedRequest) => (name: string) => headerValue(r.rawHeaders, name)

  it.each([
    ['genuine sha1-only delivery', sha1Only(jsonBody), true],
    ['sha1 over another body', sha1Only(Buffer.from(jsonBody.toString('utf8').replace('2000', '9000')), githubSha1Signature(secret, jsonBody)), false],
    ['sha1 with the wrong secret', sha1Only(jsonBody, githubSha1Signature('other', jsonBody)), false],
  ] as const)('%s is invalid, however the sha1 compares, and the reason says how it compares', (_name, delivery, sha1Matches) => {
    expect(githubSha1Accepts(lookup(delivery), delivery.body, secret)).toBe(sha1Matches)
    expect(verifyWith('github', delivery, secret, NOW_MS)).toEqual({
      kind: 'invalid',
      scheme: 'github',
      reason: sha1Matches
        ? "only the legacy X-Hub-Signature (sha1) is present, and it is genuine for this body and secret: GitHub's library checks X-Hub-Signature-256 only, so an app using it refuses the request (an app that checks the sha1 header accepts it)"
        : "only the legacy X-Hub-Signature (sha1) is present, and it does not match the body and secret either: GitHub's library checks X-Hub-Signature-256 only",
    })
  })

  it('prefers sha256 when both are present: a wrong sha256 is not rescued by a genuine sha1', () => {
    const both = request([['X-Hub-Signature', githubSha1Signature(secret, jsonBody)], ['X-Hub-Signature-256', 'sha256=' + '0'.repeat(64)]])
    expect(verifyWith('github', both, secret, NOW_MS).kind).toBe('invalid')
  })

  it('sign() renews a legacy header in place, and adds the sha256 one', () => {
    const stale = githubSha1Signature(secret, Buffer.from('old'))
    const resigned = schemes.github.sign(request([['X-Hub-Signature', stale]]), secret, NOW_MS)
    expect(resigned.rawHeaders[0]).toEqual(['X-Hub-Signature', githubSha1Signature(secret, jsonBody)])
    expect(resigned.rawHeaders[1]?.[0]).toBe('X-Hub-Signature-256')
  })
})

describe('bodies: stored bytes where the provider hashes bytes, decoded text where its library decodes', () => {
  const latin1Body = Buffer.from('{"note":"caf\xe9"}', 'latin1') // not valid UTF-8

  it('a signature over non-UTF-8 bytes verifies', () => {
    const shopifySignature = createHmac('sha256', 'shop').update(latin1Body).digest('base64')
    expect(verifyWith('shopify', request([['X-Shopify-Hmac-Sha256', shopifySignature]], latin1Body), 'shop', NOW_MS).kind).toBe('valid')
    const twitch = request(
      [
        ['Twitch-Eventsub-Message-Id', 'id'],
        ['Twitch-Eventsub-Message-Timestamp', new Date(NOW_MS).toISOString()],
        ['Twitch-Eventsub-Message-Signature', twitchSignature('tw', 'id', new Date(NOW_MS).toISOString(), latin1Body)],
      ],
      latin1Body,
    )
    expect(verifyWith('twitch', twitch, 'tw', NOW_MS).kind).toBe('valid')
  })

  it('Stripe hashes the body as stripe-node decodes it, so a signature over the raw bytes is refused by both', () => {
    const secret = 'whsec_bytes'
    const t = Math.floor(NOW_MS / 1000)
    const overBytes = createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${t}.`), latin1Body])).digest('hex')
    const header = `t=${t},v1=${overBytes}`
    expect(verifyWith('stripe', request([['Stripe-Signature', header]], latin1Body), secret, NOW_MS).kind).toBe('invalid')
    const stripeClient = new Stripe('sk_test_bytes')
    expect(() => stripeClient.webhooks.constructEvent(latin1Body, header, secret, undefined, undefined, NOW_MS)).toThrow(Stripe.errors.StripeSignatureVerificationError)
  })
})

describe('the registry', () => {
  it('holds one scheme per id, each naming itself', () => {
    expect(Object.keys(schemes).sort()).toEqual([...SCHEME_IDS].sort())
    for (const id of SCHEME_IDS) {
      expect(schemes[id].id).toBe(id)
      expect(schemes[id].headerNames.length).toBeGreaterThan(0)
    }
  })

  it('states each tolerance', () => {
    const tolerances = Object.fromEntries(SCHEME_IDS.map((id) => [id, [schemes[id].toleranceSeconds, schemes[id].acceptsFutureTimestamps]]))
    expect(tolerances).toEqual({
      stripe: [300, true],
      github: [null, true],
      shopify: [null, true],
      slack: [300, true],
      'standard-webhooks': [300, false],
      svix: [300, false],
      twilio: [null, true],
      twitch: [600, true],
    })
  })
})

describe('import boundary', () => {
  it('electron/core/signatures imports only node built-ins, shared/ and itself', async () => {
    const folder = fileURLToPath(new URL('../../../electron/core/signatures/', import.meta.url))
    const files = (await readdir(folder)).filter((name) => name.endsWith('.ts'))
    expect(files.length).toBeGreaterThanOrEqual(9)
    for (const file of files) {
      const source = await readFile(folder + file, 'utf8')
      const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1])
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).toMatch(/^(node:|\.\/|\.\.\/\.\.\/\.\.\/shared\/)/)
      expect(source, file).not.toMatch(/['"]electron['"]/)
    }
  })
})
