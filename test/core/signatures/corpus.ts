// Builds the differential corpus for one provider: genuine requests signed the provider's way, then
// every variation that has fooled real tools (edited bodies, re-serialized JSON, CRLF, stale and
// future timestamps, wrong secrets, missing headers, our own re-signing). Each case states the
// verdict we expect, so a corpus in which both implementations are wrong together still fails.
import type { RawHeaders } from '../../../shared/model'
import type { SignatureScheme, SignedRequest } from '../../../electron/core/signatures'

/** A fixed clock, with a millisecond part so that flooring to seconds is exercised. */
export const NOW_MS = Date.UTC(2025, 5, 2, 9, 30, 0) + 250
export const NOW_SECONDS = Math.floor(NOW_MS / 1000)
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

export interface ProviderSigned {
  /** The signature-related headers the provider adds. */
  headers: RawHeaders
  /** The URL the provider calls (Twilio may put a body hash in it). */
  url: string
}

export interface BodyMutation {
  name: string
  mutate(body: Buffer): Buffer
  /** True when the mutation leaves what the provider signed unchanged (e.g. reordered form fields). */
  keepsSignedContent: boolean
}

export interface Tolerance {
  seconds: number
  future: 'accepted' | 'refused'
}

export interface CorpusCase {
  name: string
  request: SignedRequest
  secret: string
  nowMs: number
  expectValid: boolean
  /** Fields our verdict must have, beyond valid / not valid. */
  expectVerdict?: Record<string, unknown>
}

export interface Provider {
  name: string
  /** The official library call (or documented algorithm) that judges each case. */
  judge: string
  scheme: SignatureScheme
  secret: string
  wrongSecret: string
  url: string
  contentType: string
  body: Buffer
  providerSign(body: Buffer, signedAtMs: number, secret: string, url: string): Promise<ProviderSigned>
  officialAccepts(request: SignedRequest, secret: string, nowMs: number): Promise<boolean>
  tolerance: Tolerance | null
  signatureHeader: string
  requiredHeaders: string[]
  bodyMutations: BodyMutation[]
  /** An edit a user would make in the composer before resending. */
  editBody(body: Buffer): Buffer
  extraCases?(kit: CaseKit): Promise<CorpusCase[]>
}

export interface CaseKit {
  provider: Provider
  /** A request as the provider would send it. */
  signed(options?: { body?: Buffer; signedAtMs?: number; secret?: string; url?: string }): Promise<SignedRequest>
  withHeaders(request: SignedRequest, rawHeaders: RawHeaders): SignedRequest
  valid(name: string, request: SignedRequest, expectVerdict?: Record<string, unknown>): CorpusCase
  notValid(name: string, request: SignedRequest, expectVerdict?: Record<string, unknown>): CorpusCase
}

export function headerValue(headers: RawHeaders, name: string): string | undefined {
  return headers.find(([headerName]) => headerName.toLowerCase() === name.toLowerCase())?.[1]
}

/** First occurrence of each header, keyed in lower case, as an app's header object holds it. */
export function headerObject(headers: RawHeaders): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    if (!(key in result)) result[key] = value
  }
  return result
}

export function withoutHeader(headers: RawHeaders, name: string): RawHeaders {
  return headers.filter(([headerName]) => headerName.toLowerCase() !== name.toLowerCase())
}

export function mapHeader(headers: RawHeaders, name: string, change: (value: string) => string): RawHeaders {
  return headers.map(([headerName, value]) => [headerName, headerName.toLowerCase() === name.toLowerCase() ? change(value) : value])
}

/** Changes one character of a signature, keeping its alphabet (hex stays hex, base64 stays base64). */
export function flipOneCharacter(value: string): string {
  const index = value.length - 6
  const replaced = value[index] === 'a' ? 'b' : 'a'
  return value.slice(0, index) + replaced + value.slice(index + 1)
}

export const jsonMutations: BodyMutation[] = [
  { name: 'body tampered (one digit changed)', mutate: (body) => Buffer.from(body.toString('utf8').replace('2000', '9000')), keepsSignedContent: false },
  { name: 'body JSON re-serialized without spacing', mutate: (body) => Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')))), keepsSignedContent: false },
  { name: 'body JSON re-serialized with 4-space indent', mutate: (body) => Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 4) + '\n'), keepsSignedContent: false },
  { name: 'body with CRLF line endings instead of LF', mutate: (body) => Buffer.from(body.toString('utf8').replace(/\n/g, '\r\n')), keepsSignedContent: false },
  { name: 'body with a trailing newline dropped', mutate: (body) => body.subarray(0, body.length - 1), keepsSignedContent: false },
]

export const jsonBody = Buffer.from(
  '{\n  "id": "evt_1Q2w3E4r5T6y",\n  "type": "invoice.paid",\n  "data": {\n    "amount": 2000,\n    "note": "café ✓ déjà vu"\n  }\n}\n',
  'utf8',
)

export function editJsonAmount(body: Buffer): Buffer {
  return Buffer.from(body.toString('utf8').replace('"amount": 2000', '"amount": 4200'))
}

export function createKit(provider: Provider): CaseKit {
  const baseHeaders = (body: Buffer): RawHeaders => [
    ['Host', new URL(provider.url).host],
    ['User-Agent', `${provider.name}-sender/1.0`],
    ['Content-Type', provider.contentType],
    ['Content-Length', String(body.length)],
  ]
  return {
    provider,
    async signed(options = {}) {
      const body = options.body ?? provider.body
      const signed = await provider.providerSign(body, options.signedAtMs ?? NOW_MS - 10_000, options.secret ?? provider.secret, options.url ?? provider.url)
      return { method: 'POST', url: signed.url, rawHeaders: [...baseHeaders(body), ...signed.headers], body }
    },
    withHeaders: (request, rawHeaders) => ({ ...request, rawHeaders }),
    valid: (name, request, expectVerdict = { kind: 'valid' }) => ({ name, request, secret: provider.secret, nowMs: NOW_MS, expectValid: true, expectVerdict }),
    notValid: (name, request, expectVerdict) => ({ name, request, secret: provider.secret, nowMs: NOW_MS, expectValid: false, ...(expectVerdict ? { expectVerdict } : {}) }),
  }
}

export async function buildCorpus(provider: Provider): Promise<CorpusCase[]> {
  const kit = createKit(provider)
  const { scheme, secret } = provider
  const genuine = await kit.signed()
  const cases: CorpusCase[] = [kit.valid('genuine, signed 10 s ago', genuine)]

  for (const mutation of provider.bodyMutations) {
    const request = { ...genuine, body: mutation.mutate(genuine.body) }
    cases.push(mutation.keepsSignedContent ? kit.valid(mutation.name, request) : kit.notValid(mutation.name, request, { kind: 'invalid' }))
  }

  cases.push(
    kit.notValid(
      'signature header tampered (one character changed)',
      kit.withHeaders(genuine, mapHeader(genuine.rawHeaders, provider.signatureHeader, flipOneCharacter)),
      { kind: 'invalid' },
    ),
    { ...kit.notValid('verified with the wrong secret', genuine, { kind: 'invalid' }), secret: provider.wrongSecret },
    kit.notValid('signed with the wrong secret', await kit.signed({ secret: provider.wrongSecret }), { kind: 'invalid' }),
    kit.valid('header names in lower case', kit.withHeaders(genuine, genuine.rawHeaders.map(([name, value]) => [name.toLowerCase(), value]))),
    kit.valid('header names in upper case', kit.withHeaders(genuine, genuine.rawHeaders.map(([name, value]) => [name.toUpperCase(), value]))),
  )

  for (const header of provider.requiredHeaders) {
    cases.push(kit.notValid(`missing ${header}`, kit.withHeaders(genuine, withoutHeader(genuine.rawHeaders, header)), { kind: 'missing-header', header }))
  }

  cases.push(...(await timestampCases(kit)))

  // Re-signing: a stale capture is edited and resent; the app must accept it now.
  const staleCapture = await kit.signed({ signedAtMs: NOW_MS - DAY_MS })
  const edited = { ...staleCapture, body: provider.editBody(staleCapture.body) }
  const resign = (request: SignedRequest, withSecret: string, renewId = false): SignedRequest => {
    const resigned = scheme.sign(request, withSecret, NOW_MS, { renewId })
    return { ...request, rawHeaders: resigned.rawHeaders, url: resigned.url }
  }
  const resigned = resign(edited, secret)
  cases.push(
    kit.valid('re-signed by our sign() after a body edit', resigned),
    kit.valid('re-signed by our sign() with renewId after a body edit', resign(edited, secret, true)),
    kit.valid('re-signed by our sign() without an edit (fresh timestamp)', resign(staleCapture, secret)),
    kit.notValid('re-signed by our sign(), then the body edited again', { ...resigned, body: Buffer.concat([resigned.body, Buffer.from(' ')]) }),
    kit.notValid('re-signed by our sign() with the wrong secret', resign(edited, provider.wrongSecret), { kind: 'invalid' }),
  )

  if (provider.extraCases) cases.push(...(await provider.extraCases(kit)))
  return cases
}

async function timestampCases(kit: CaseKit): Promise<CorpusCase[]> {
  const { tolerance } = kit.provider
  if (!tolerance) {
    // No timestamp is signed: age cannot matter.
    return [
      kit.valid('signed a day ago (no timestamp is signed)', await kit.signed({ signedAtMs: NOW_MS - DAY_MS })),
      kit.valid('signed an hour in the future (no timestamp is signed)', await kit.signed({ signedAtMs: NOW_MS + HOUR_MS })),
    ]
  }
  const toleranceMs = tolerance.seconds * 1000
  const beyond = tolerance.seconds + 1
  const beyondFuture = (name: string, request: SignedRequest, driftSeconds: number): CorpusCase =>
    tolerance.future === 'accepted'
      ? kit.valid(name, request)
      : kit.notValid(name, request, { kind: 'timestamp-out-of-tolerance', driftSeconds, toleranceSeconds: tolerance.seconds })
  return [
    kit.valid(`signed exactly ${tolerance.seconds} s ago (the tolerance)`, await kit.signed({ signedAtMs: NOW_MS - toleranceMs })),
    kit.notValid(`stale: signed ${beyond} s ago`, await kit.signed({ signedAtMs: NOW_MS - toleranceMs - 1000 }), {
      kind: 'timestamp-out-of-tolerance',
      driftSeconds: beyond,
      toleranceSeconds: tolerance.seconds,
    }),
    kit.notValid('stale: signed a day ago', await kit.signed({ signedAtMs: NOW_MS - DAY_MS }), {
      kind: 'timestamp-out-of-tolerance',
      driftSeconds: DAY_MS / 1000,
    }),
    kit.valid(`future: signed ${tolerance.seconds} s ahead (the tolerance)`, await kit.signed({ signedAtMs: NOW_MS + toleranceMs })),
    beyondFuture(`future: signed ${beyond} s ahead`, await kit.signed({ signedAtMs: NOW_MS + toleranceMs + 1000 }), -beyond),
    beyondFuture('future: signed an hour ahead', await kit.signed({ signedAtMs: NOW_MS + HOUR_MS }), -HOUR_MS / 1000),
  ]
}
