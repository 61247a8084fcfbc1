// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 keyed with the
// whole `whsec_...` string (as UTF-8, not base64-decoded) over `<t>.<body>`. stripe-node decodes a
// Buffer body with TextDecoder before hashing, so the body is hashed as that text re-encoded
// (textDecodedBody: invalid UTF-8 becomes U+FFFD, a leading BOM is dropped). An empty Buffer body is
// accepted (stripe-node refuses only an empty string).
// Header parsing mirrors stripe-node's `parseHeader`: items split on "," and "=" without trimming,
// the last `t` wins, any matching `v1` makes the request valid unless a `v1` item is empty (stripe-node
// then fails with an error). The tolerance is past-only: stripe-node
// accepts timestamps from the future.
// When no signature matches, the hints Stripe adds to the header (`secret=whsec_****abcd`: the length
// and last characters of the secret it signed with; `payload=<8 hex>`: the end of the SHA-256 of the
// body it sent) tell, as stripe-node's own error does, whether the secret or the body is what differs.
import { createHash } from 'node:crypto'
import { joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac, textDecodedBody } from './hmac'
import type { SignatureScheme } from './scheme'
import { driftInSeconds, isBlankSecret, verdictsFor } from './verdicts'

const HEADER = 'Stripe-Signature'
const TOLERANCE_SECONDS = 300
const verdict = verdictsFor('stripe')

interface ParsedStripeHeader {
  timestamp: number | null
  signatures: string[]
  /** A `v1` item with nothing after `=` (or no `=`): stripe-node's compare throws on it, failing the request. */
  emptySignature: boolean
}

function parseStripeHeader(value: string): ParsedStripeHeader {
  const parsed: ParsedStripeHeader = { timestamp: null, signatures: [], emptySignature: false }
  for (const item of value.split(',')) {
    const [key, itemValue] = item.split('=')
    if (key === 't') parsed.timestamp = Number.parseInt(itemValue ?? '', 10)
    if (key === 'v1') {
      if (itemValue) parsed.signatures.push(itemValue)
      else parsed.emptySignature = true
    }
  }
  return parsed
}

/**
 * Why an item the header seems to hold is not read: stripe-node splits on "," alone, so in
 * "t=1, v1=…" the second item is " v1", which is no key it knows. Stripe never sends spaces there;
 * a header written by hand or by a test often has them.
 */
function spacedItem(header: string, key: 't' | 'v1'): string {
  return new RegExp(`,\\s+${key}=`).test(header) ? ` (" ${key}=" has a space before it: stripe-node reads the text between commas as it is, so "${key}=" must follow the comma directly)` : ''
}

/** The first `secret`, `destination` and `payload` hints, read as stripe-node's getSignatureDebugMetadata reads them. */
function debugHints(value: string): { secret?: string; destination?: string; payload?: string } {
  const hints: Record<string, string> = {}
  for (const item of value.split(/,\s*/)) {
    const separator = item.indexOf('=')
    const key = separator === -1 ? item : item.slice(0, separator)
    if ((key === 'secret' || key === 'destination' || key === 'payload') && !(key in hints)) {
      const hint = separator === -1 ? '' : item.slice(separator + 1)
      hints[key] = hint.length > 100 ? '' : hint.trim()
    }
  }
  const payload = /^[0-9a-f]{8}$/i.test(hints.payload ?? '') ? hints.payload!.toLowerCase() : undefined
  return { ...(hints.secret ? { secret: hints.secret } : {}), ...(hints.destination ? { destination: hints.destination } : {}), ...(payload ? { payload } : {}) }
}

/** Why no signature matches, as precisely as the header's hints allow. */
function mismatchReason(header: string, secret: string, body: Buffer): string {
  const hints = debugHints(header)
  const masked = hints.secret
  if (masked?.includes('*') && (secret.length !== masked.length || secret.slice(-4) !== masked.slice(-4))) {
    const destination = hints.destination ? ` (destination ${hints.destination})` : ''
    return `the stored secret is not the one Stripe signed with: ${HEADER} says that one is ${masked.length} characters long and looks like ${masked}${destination}; store that destination's signing secret`
  }
  if (hints.payload) {
    const received = createHash('sha256').update(textDecodedBody(body)).digest('hex').slice(-8)
    if (received !== hints.payload) {
      return `the body is not the one Stripe signed: ${HEADER} says the SHA-256 of the body it sent ends in ${hints.payload}, and the stored body's ends in ${received}, so something on the way changed it (re-formatted JSON, other line endings or encoding)`
    }
  }
  return 'no v1 signature matches the body and secret'
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
    const { timestamp, signatures, emptySignature } = parseStripeHeader(header)
    // stripe-node uses -1 as its "no timestamp" marker, so an explicit t=-1 is refused the same way.
    if (timestamp === null || timestamp === -1) return verdict.malformedHeader(HEADER, `no t= timestamp${spacedItem(header, 't')}`)
    if (Number.isNaN(timestamp)) return verdict.malformedHeader(HEADER, 't= is not a number')
    if (signatures.length === 0 && !emptySignature) return verdict.malformedHeader(HEADER, `no v1= signature${spacedItem(header, 'v1')}`)
    if (emptySignature) return verdict.malformedHeader(HEADER, 'a v1 item has no signature after "v1=", on which stripe-node fails with an error, whatever the other items hold')
    if (isBlankSecret(secret)) return verdict.noSecret()
    const expected = expectedSignature(secret, timestamp, request.body)
    const matched = signatures.filter((candidate) => constantTimeEqual(candidate, expected)).length > 0
    if (!matched) return verdict.invalid(mismatchReason(header, secret, request.body) + repeatedHeadersNote(request.rawHeaders, [HEADER]))
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
