// Standard Webhooks (https://www.standardwebhooks.com), and the engine Svix shares with it.
// `webhook-signature` holds space-separated `v1,<base64>` entries, each an HMAC-SHA256 over
// `<webhook-id>.<timestamp>.<body>`, keyed with the base64 DECODED text after `whsec_` (the
// prefix is optional). Any entry that is exactly `v1,<signature>` is valid. Timestamps more than 5 minutes away in
// EITHER direction are refused, as the official libraries do. The timestamp is parsed like the
// reference library does (parseInt) and the parsed number, not the header text, is signed. The body
// is hashed as the bytes that were sent, as the spec says and the official libraries do
// (standardwebhooks from 1.3.0, and svix 2, which uses it). Older releases hashed the body decoded as
// UTF-8, which differs only for a body that is not valid UTF-8.
import { randomBytes } from 'node:crypto'
import type { RawHeaders } from '../../../shared/model'
import type { SchemeId } from '../../../shared/signatures'
import { findHeader, hasHeader, joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac } from './hmac'
import { UnusableSecretError, type SignatureScheme } from './scheme'
import { driftInSeconds, isBlankSecret, verdictsFor } from './verdicts'

const TOLERANCE_SECONDS = 300
const SECRET_PREFIX = 'whsec_'

export interface MessageHeaderNames {
  id: string
  timestamp: string
  signature: string
}

type KeyOrProblem = { key: Buffer } | { problem: string }

/**
 * The HMAC key a `whsec_` secret stands for, decoded as the reference library's base64 decoder
 * (@stablelib/base64) does: it needs at least 4 characters and at most 2 trailing "=", and it never
 * reads the last character when the unpadded length is 4n+1. So a secret pasted with one trailing
 * newline or space still works in the app, and must work here too.
 */
export function decodeWebhookSecret(secret: string): KeyOrProblem {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret
  const notBase64: KeyOrProblem = { problem: `the secret is not base64${secret.startsWith(SECRET_PREFIX) ? ' after whsec_' : ''}` }
  const padding = encoded.length - encoded.replace(/=+$/, '').length
  if (encoded.length < 4 || padding > 2) return notBase64
  let unpadded = encoded.slice(0, encoded.length - padding)
  if (unpadded.length % 4 === 1) unpadded = unpadded.slice(0, -1)
  if (!/^[A-Za-z0-9+/]*$/.test(unpadded)) return notBase64
  const key = Buffer.from(unpadded, 'base64')
  return key.length === 0 ? { problem: 'the secret decodes to an empty key' } : { key }
}

function expectedSignature(key: Buffer, messageId: string, timestamp: number, body: Buffer): string {
  return hmac('sha256', key, [`${messageId}.${timestamp}.`, body]).toString('base64')
}

function newMessageId(): string {
  return `msg_${randomBytes(20).toString('base64url')}`
}

export function createStandardWebhooksScheme(config: {
  id: Extract<SchemeId, 'standard-webhooks' | 'svix'>
  label: string
  headerNames: readonly string[]
  /** Which header names this request uses (Svix accepts its own names and the unbranded ones). */
  namesIn(headers: RawHeaders): MessageHeaderNames
}): SignatureScheme {
  const verdict = verdictsFor(config.id)
  return {
    id: config.id,
    label: config.label,
    headerNames: config.headerNames,
    toleranceSeconds: TOLERANCE_SECONDS,
    acceptsFutureTimestamps: false,

    verify(request, secret, nowMs) {
      const names = config.namesIn(request.rawHeaders)
      const messageId = joinedHeader(request.rawHeaders, names.id)
      const timestampText = joinedHeader(request.rawHeaders, names.timestamp)
      const signatures = joinedHeader(request.rawHeaders, names.signature)
      // The reference library treats an empty header like an absent one.
      if (!messageId) return verdict.missingHeader(names.id)
      if (!timestampText) return verdict.missingHeader(names.timestamp)
      if (!signatures) return verdict.missingHeader(names.signature)
      const timestamp = Number.parseInt(timestampText, 10)
      if (Number.isNaN(timestamp)) return verdict.malformedHeader(names.timestamp, 'not a Unix time in seconds')
      // Each space-separated entry is compared whole with "v1,<base64>", as the libraries compare it:
      // an entry with more after its signature (a comma that joined a repeated header, say) matches none.
      const entries = signatures.split(' ')
      if (!entries.some((entry) => entry.startsWith('v1,'))) return verdict.malformedHeader(names.signature, 'no "v1,<base64>" entry')
      if (isBlankSecret(secret)) return verdict.noSecret()
      const decoded = decodeWebhookSecret(secret)
      if ('problem' in decoded) return verdict.unusableSecret(decoded.problem)
      const expected = `v1,${expectedSignature(decoded.key, messageId, timestamp, request.body)}`
      const matched = entries.filter((entry) => constantTimeEqual(entry, expected)).length > 0
      if (!matched) {
        const repeated = repeatedHeadersNote(request.rawHeaders, [names.id, names.timestamp, names.signature])
        return verdict.invalid(`no v1 signature matches the id, timestamp, body and secret${repeated}`)
      }
      const drift = driftInSeconds(nowMs, timestamp)
      if (Math.abs(drift) > TOLERANCE_SECONDS) return verdict.outOfTolerance(drift, TOLERANCE_SECONDS)
      return verdict.valid()
    },

    sign(request, secret, nowMs, options) {
      const decoded = decodeWebhookSecret(secret)
      if ('problem' in decoded) throw new UnusableSecretError(config.id, decoded.problem)
      const names = config.namesIn(request.rawHeaders)
      const existingId = findHeader(request.rawHeaders, names.id)
      const messageId = options?.renewId || !existingId ? newMessageId() : existingId
      const timestamp = Math.floor(nowMs / 1000)
      return {
        rawHeaders: replaceHeaders(request.rawHeaders, [
          [names.id, messageId],
          [names.timestamp, String(timestamp)],
          [names.signature, `v1,${expectedSignature(decoded.key, messageId, timestamp, request.body)}`],
        ]),
        url: request.url,
      }
    },
  }
}

const UNBRANDED: MessageHeaderNames = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' }

export const standardWebhooks: SignatureScheme = createStandardWebhooksScheme({
  id: 'standard-webhooks',
  label: 'Standard Webhooks',
  headerNames: [UNBRANDED.id, UNBRANDED.timestamp, UNBRANDED.signature],
  namesIn: () => UNBRANDED,
})

/** Headers a request may use for one field: the branded name when present, else the unbranded one. */
export function preferPresent(headers: RawHeaders, branded: string, unbranded: string): string {
  if (hasHeader(headers, branded)) return branded
  return hasHeader(headers, unbranded) ? unbranded : branded
}
