// Shopify: `X-Shopify-Hmac-Sha256` = base64 of HMAC-SHA256 over the raw body, keyed with the app's
// client secret as UTF-8. No timestamp is signed, so there is no tolerance.
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https (verify the webhook)
import { joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac } from './hmac'
import type { SignatureScheme } from './scheme'
import { isBlankSecret, verdictsFor } from './verdicts'

const HEADER = 'X-Shopify-Hmac-Sha256'
const verdict = verdictsFor('shopify')

function expectedSignature(secret: string, body: Buffer): string {
  return hmac('sha256', secret, [body]).toString('base64')
}

export const shopify: SignatureScheme = {
  id: 'shopify',
  label: 'Shopify',
  headerNames: [HEADER],
  toleranceSeconds: null,
  acceptsFutureTimestamps: true,

  verify(request, secret) {
    const value = joinedHeader(request.rawHeaders, HEADER)
    if (value === undefined) return verdict.missingHeader(HEADER)
    if (value === '') return verdict.malformedHeader(HEADER, 'empty')
    if (isBlankSecret(secret)) return verdict.noSecret()
    if (!constantTimeEqual(value, expectedSignature(secret, request.body))) {
      return verdict.invalid(`${HEADER} does not match the body and secret${repeatedHeadersNote(request.rawHeaders, [HEADER])}`)
    }
    return verdict.valid()
  },

  sign(request, secret) {
    return {
      rawHeaders: replaceHeaders(request.rawHeaders, [[HEADER, expectedSignature(secret, request.body)]]),
      url: request.url,
    }
  },
}
