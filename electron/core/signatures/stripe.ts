// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 keyed with the
// whole `whsec_...` string (as UTF-8, not base64-decoded) over `<t>.<body>`. stripe-node decodes a
// Buffer body with TextDecoder before hashing, so the body is hashed as that text re-encoded
// (textDecodedBody: invalid UTF-8 becomes U+FFFD, a leading BOM is dropped). An empty Buffer body is
// accepted (stripe-node refuses only an empty string).
// Header parsing mirrors stripe-node's `parseHeader`: items split on "," and "=" without trimming,
// the last `t` wins, any matching `v1` makes the request valid. The tolerance is past-only: stripe-node
// accepts timestamps from the future.
import { joinedHeader, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac, textDecodedBody } from './hmac'
import type { SignatureScheme } from './scheme'
import { driftInSeconds, isBlankSecret, verdictsFor } from './verdicts'

const HEADER = 'Stripe-Signature'
const TOLERANCE_SECONDS = 300
const verdict = verdictsFor('stripe')

interface ParsedStripeHeader {
  timestamp: number | null
  signatures: string[]
}

function parseStripeHeader(value: string): ParsedStripeHeader {
  const parsed: ParsedStripeHeader = { timestamp: null, signatures: [] }
  for (const item of value.split(',')) {
    const [key, itemValue] = item.split('=')
    if (key === 't') parsed.timestamp = Number.parseInt(itemValue ?? '', 10)
    if (key === 'v1') parsed.signatures.push(itemValue ?? '')
  }
  return parsed
}

function expectedSignature(secret: string, timestamp: number, body: Buffer): string {
  return hmac('sha256', secret, [`${timestamp}.`, textDecodedBody(body)]).toString('hex')
}

export const stripe: SignatureScheme = {
  id: 'stripe',
  label: 'Stripe',
  headerNames: [HEADER],
  toleranceSeconds: TOLERANCE_SECONDS,
  acceptsFutureTimestamps: true,

  verify(request, secret, nowMs) {
    const header = joinedHeader(request.rawHeaders, HEADER)
    if (header === undefined) return verdict.missingHeader(HEADER)
    const { timestamp, signatures } = parseStripeHeader(header)
    // stripe-node uses -1 as its "no timestamp" marker, so an explicit t=-1 is refused the same way.
    if (timestamp === null || timestamp === -1) return verdict.malformedHeader(HEADER, 'no t= timestamp')
    if (Number.isNaN(timestamp)) return verdict.malformedHeader(HEADER, 't= is not a number')
    if (signatures.length === 0) return verdict.malformedHeader(HEADER, 'no v1= signature')
    if (isBlankSecret(secret)) return verdict.noSecret()
    const expected = expectedSignature(secret, timestamp, request.body)
    const matched = signatures.filter((candidate) => constantTimeEqual(candidate, expected)).length > 0
    if (!matched) return verdict.invalid('no v1 signature matches the body and secret')
    const drift = driftInSeconds(nowMs, timestamp)
    if (drift > TOLERANCE_SECONDS) return verdict.outOfTolerance(drift, TOLERANCE_SECONDS)
    return verdict.valid()
  },

  sign(request, secret, nowMs) {
    const timestamp = Math.floor(nowMs / 1000)
    const value = `t=${timestamp},v1=${expectedSignature(secret, timestamp, request.body)}`
    return { rawHeaders: replaceHeaders(request.rawHeaders, [[HEADER, value]]), url: request.url }
  },
}
