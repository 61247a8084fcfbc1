// GitHub: `X-Hub-Signature-256: sha256=<hex>` of HMAC-SHA256 over the body, keyed with the secret
// as UTF-8. @octokit/webhooks-methods takes the payload as a string, so the app hands it
// `body.toString()`: the HMAC covers that text re-encoded (stringifiedBody), and an empty payload
// makes the library throw. It checks only the sha256 header: a request signed with nothing but the
// legacy `X-Hub-Signature: sha1=<hex>` is refused. GitHub sends both headers, and apps written
// before sha256 still check the legacy one: sign() renews it (HMAC-SHA1 of the body bytes, as GitHub
// documents it) when the request carries it, so that neither header is left describing the old
// body; it never adds it. Comparison is of the whole header text, as octokit does.
import { hasHeader, joinedHeader, repeatedHeadersNote, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac, stringifiedBody } from './hmac'
import type { SignatureScheme } from './scheme'
import { isBlankSecret, verdictsFor } from './verdicts'

const SHA256_HEADER = 'X-Hub-Signature-256'
const LEGACY_SHA1_HEADER = 'X-Hub-Signature'
const verdict = verdictsFor('github')

function expectedHeader(secret: string, body: Buffer): string {
  return `sha256=${hmac('sha256', secret, [stringifiedBody(body)]).toString('hex')}`
}

function expectedLegacyHeader(secret: string, body: Buffer): string {
  return `sha1=${hmac('sha1', secret, [body]).toString('hex')}`
}

export const github: SignatureScheme = {
  id: 'github',
  label: 'GitHub',
  headerNames: [SHA256_HEADER, LEGACY_SHA1_HEADER],
  toleranceSeconds: null,
  acceptsFutureTimestamps: true,

  verify(request, secret) {
    const value = joinedHeader(request.rawHeaders, SHA256_HEADER)
    if (value === undefined) {
      const legacy = joinedHeader(request.rawHeaders, LEGACY_SHA1_HEADER)
      if (legacy === undefined) return verdict.missingHeader(SHA256_HEADER)
      // Refused by the library either way; whether the sha1 is genuine tells a right secret (and a
      // sender too old for sha256, or an app that needs it) from a wrong one.
      const only = `only the legacy ${LEGACY_SHA1_HEADER} (sha1) is present`
      const rule = `GitHub's library checks ${SHA256_HEADER} only`
      if (isBlankSecret(secret)) return verdict.invalid(`${only}: ${rule}`)
      return constantTimeEqual(legacy, expectedLegacyHeader(secret, request.body))
        ? verdict.invalid(`${only}, and it is genuine for this body and secret: ${rule}, so an app using it refuses the request (an app that checks the sha1 header accepts it)`)
        : verdict.invalid(`${only}, and it does not match the body and secret either: ${rule}`)
    }
    if (!value.startsWith('sha256=')) return verdict.malformedHeader(SHA256_HEADER, 'expected "sha256=<hex>"')
    if (isBlankSecret(secret)) return verdict.noSecret()
    if (request.body.length === 0) return verdict.invalid("empty body: GitHub's library refuses an empty payload")
    if (!constantTimeEqual(value, expectedHeader(secret, request.body))) {
      return verdict.invalid(`${SHA256_HEADER} does not match the body and secret${repeatedHeadersNote(request.rawHeaders, [SHA256_HEADER])}`)
    }
    return verdict.valid()
  },

  sign(request, secret) {
    const replacements: Array<[string, string]> = [[SHA256_HEADER, expectedHeader(secret, request.body)]]
    if (hasHeader(request.rawHeaders, LEGACY_SHA1_HEADER)) replacements.push([LEGACY_SHA1_HEADER, expectedLegacyHeader(secret, request.body)])
    return { rawHeaders: replaceHeaders(request.rawHeaders, replacements), url: request.url }
  },
}
