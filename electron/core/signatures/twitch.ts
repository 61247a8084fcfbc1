// Twitch EventSub: `Twitch-Eventsub-Message-Signature: sha256=<hex>` of HMAC-SHA256 over
// message id + timestamp text + raw body (no separators), keyed with the subscription secret as
// UTF-8. The timestamp is RFC 3339 (Twitch sends nanoseconds); messages older than 10 minutes are
// refused, future ones are not (the documentation only bounds the age).
// https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message
import { randomUUID } from 'node:crypto'
import { findHeader, joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac } from './hmac'
import type { SignatureScheme } from './scheme'
import { isBlankSecret, verdictsFor } from './verdicts'

const ID_HEADER = 'Twitch-Eventsub-Message-Id'
const TIMESTAMP_HEADER = 'Twitch-Eventsub-Message-Timestamp'
const SIGNATURE_HEADER = 'Twitch-Eventsub-Message-Signature'
const TOLERANCE_SECONDS = 600
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i
const verdict = verdictsFor('twitch')

/** Milliseconds since the epoch, or NaN. Date.parse alone also accepts many non-RFC 3339 forms. */
function parseRfc3339(text: string): number {
  return RFC_3339.test(text) ? Date.parse(text.toUpperCase()) : Number.NaN
}

function expectedHeader(secret: string, messageId: string, timestampText: string, body: Buffer): string {
  return `sha256=${hmac('sha256', secret, [messageId, timestampText, body]).toString('hex')}`
}

export const twitch: SignatureScheme = {
  id: 'twitch',
  label: 'Twitch EventSub',
  headerNames: [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER],
  toleranceSeconds: TOLERANCE_SECONDS,
  acceptsFutureTimestamps: true,

  verify(request, secret, nowMs) {
    const messageId = joinedHeader(request.rawHeaders, ID_HEADER)
    if (messageId === undefined) return verdict.missingHeader(ID_HEADER)
    const timestampText = joinedHeader(request.rawHeaders, TIMESTAMP_HEADER)
    if (timestampText === undefined) return verdict.missingHeader(TIMESTAMP_HEADER)
    const signature = joinedHeader(request.rawHeaders, SIGNATURE_HEADER)
    if (signature === undefined) return verdict.missingHeader(SIGNATURE_HEADER)
    const timestampMs = parseRfc3339(timestampText)
    if (Number.isNaN(timestampMs)) return verdict.malformedHeader(TIMESTAMP_HEADER, `not an RFC 3339 date-time${repeatedHeadersNote(request.rawHeaders, [TIMESTAMP_HEADER])}`)
    if (!signature.startsWith('sha256=')) return verdict.malformedHeader(SIGNATURE_HEADER, 'expected "sha256=<hex>"')
    if (isBlankSecret(secret)) return verdict.noSecret()
    if (!constantTimeEqual(signature, expectedHeader(secret, messageId, timestampText, request.body))) {
      return verdict.invalid(`${SIGNATURE_HEADER} does not match the id, timestamp, body and secret${repeatedHeadersNote(request.rawHeaders, [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER])}`)
    }
    // Twitch timestamps carry sub-second digits: the drift keeps millisecond precision.
    const driftSeconds = (nowMs - timestampMs) / 1000
    if (driftSeconds > TOLERANCE_SECONDS) return verdict.outOfTolerance(driftSeconds, TOLERANCE_SECONDS)
    return verdict.valid()
  },

  sign(request, secret, nowMs, options) {
    const existingId = findHeader(request.rawHeaders, ID_HEADER)
    const messageId = options?.renewId || !existingId ? randomUUID() : existingId
    const timestampText = new Date(nowMs).toISOString()
    return {
      rawHeaders: replaceHeaders(request.rawHeaders, [
        [ID_HEADER, messageId],
        [TIMESTAMP_HEADER, timestampText],
        [SIGNATURE_HEADER, expectedHeader(secret, messageId, timestampText, request.body)],
      ]),
      url: request.url,
    }
  },
}
