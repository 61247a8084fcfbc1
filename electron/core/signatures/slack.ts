// Slack: `X-Slack-Signature: v0=<hex>` of HMAC-SHA256 over `v0:<timestamp>:<raw body>`, keyed with
// the signing secret as UTF-8; the timestamp is the `X-Slack-Request-Timestamp` text exactly as sent.
// Past-only tolerance of 5 minutes, as Slack's Bolt does (future timestamps accepted).
// https://api.slack.com/authentication/verifying-requests-from-slack
import { joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac } from './hmac'
import type { SignatureScheme } from './scheme'
import { driftInSeconds, isBlankSecret, verdictsFor } from './verdicts'

const SIGNATURE_HEADER = 'X-Slack-Signature'
const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp'
const TOLERANCE_SECONDS = 300
const verdict = verdictsFor('slack')

function expectedHeader(secret: string, timestampText: string, body: Buffer): string {
  return `v0=${hmac('sha256', secret, [`v0:${timestampText}:`, body]).toString('hex')}`
}

export const slack: SignatureScheme = {
  id: 'slack',
  label: 'Slack',
  headerNames: [SIGNATURE_HEADER, TIMESTAMP_HEADER],
  toleranceSeconds: TOLERANCE_SECONDS,
  acceptsFutureTimestamps: true,

  verify(request, secret, nowMs) {
    const signature = joinedHeader(request.rawHeaders, SIGNATURE_HEADER)
    if (signature === undefined) return verdict.missingHeader(SIGNATURE_HEADER)
    const timestampText = joinedHeader(request.rawHeaders, TIMESTAMP_HEADER)
    if (timestampText === undefined) return verdict.missingHeader(TIMESTAMP_HEADER)
    if (!/^\d{1,15}$/.test(timestampText)) return verdict.malformedHeader(TIMESTAMP_HEADER, `not a Unix time in seconds${repeatedHeadersNote(request.rawHeaders, [TIMESTAMP_HEADER])}`)
    if (!signature.startsWith('v0=')) return verdict.malformedHeader(SIGNATURE_HEADER, 'expected "v0=<hex>"')
    if (isBlankSecret(secret)) return verdict.noSecret()
    if (!constantTimeEqual(signature, expectedHeader(secret, timestampText, request.body))) {
      return verdict.invalid(`${SIGNATURE_HEADER} does not match the timestamp, body and secret${repeatedHeadersNote(request.rawHeaders, [SIGNATURE_HEADER])}`)
    }
    const drift = driftInSeconds(nowMs, Number(timestampText))
    if (drift > TOLERANCE_SECONDS) return verdict.outOfTolerance(drift, TOLERANCE_SECONDS)
    return verdict.valid()
  },

  sign(request, secret, nowMs) {
    const timestampText = String(Math.floor(nowMs / 1000))
    return {
      rawHeaders: replaceHeaders(request.rawHeaders, [
        [TIMESTAMP_HEADER, timestampText],
        [SIGNATURE_HEADER, expectedHeader(secret, timestampText, request.body)],
      ]),
      url: request.url,
    }
  },
}
