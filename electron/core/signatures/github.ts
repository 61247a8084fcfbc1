// GitHub: `X-Hub-Signature-256: sha256=<hex>` of HMAC-SHA256 over the raw body, keyed with the
// secret as UTF-8. The legacy `X-Hub-Signature: sha1=<hex>` is accepted for verification only when
// the sha256 header is absent; sign() never writes it (nor touches it: it stays as it was).
// Comparison is of the whole header text, as @octokit/webhooks-methods does.
import { findHeader, replaceHeaders } from './header-list'
import { constantTimeEqual, hmac, type HashAlgorithm } from './hmac'
import type { SignatureScheme } from './scheme'
import { isBlankSecret, verdictsFor } from './verdicts'

const SHA256_HEADER = 'X-Hub-Signature-256'
const LEGACY_SHA1_HEADER = 'X-Hub-Signature'
const verdict = verdictsFor('github')

function expectedHeader(algorithm: HashAlgorithm, secret: string, body: Buffer): string {
  return `${algorithm}=${hmac(algorithm, secret, [body]).toString('hex')}`
}

export const github: SignatureScheme = {
  id: 'github',
  label: 'GitHub',
  headerNames: [SHA256_HEADER, LEGACY_SHA1_HEADER],
  toleranceSeconds: null,
  acceptsFutureTimestamps: true,

  verify(request, secret) {
    const sha256Value = findHeader(request.rawHeaders, SHA256_HEADER)
    const [header, algorithm, value]: [string, HashAlgorithm, string | undefined] =
      sha256Value !== undefined
        ? [SHA256_HEADER, 'sha256', sha256Value]
        : [LEGACY_SHA1_HEADER, 'sha1', findHeader(request.rawHeaders, LEGACY_SHA1_HEADER)]
    if (value === undefined) return verdict.missingHeader(SHA256_HEADER)
    if (!value.startsWith(`${algorithm}=`)) return verdict.malformedHeader(header, `expected "${algorithm}=<hex>"`)
    if (isBlankSecret(secret)) return verdict.noSecret()
    if (!constantTimeEqual(value, expectedHeader(algorithm, secret, request.body))) {
      return verdict.invalid(`${header} does not match the body and secret`)
    }
    return algorithm === 'sha256' ? verdict.valid() : verdict.valid(`legacy sha1 signature (${LEGACY_SHA1_HEADER})`)
  },

  sign(request, secret) {
    const value = expectedHeader('sha256', secret, request.body)
    return { rawHeaders: replaceHeaders(request.rawHeaders, [[SHA256_HEADER, value]]), url: request.url }
  },
}
