// Keyed hashes and constant-time comparison for the signature schemes.
//
// String parts are hashed as UTF-8, which is what the providers' own libraries do with the header
// strings Node hands them; for the ASCII ids and timestamps providers send this equals the raw
// bytes. Bodies are the stored Buffer, except that most official libraries decode the body to a
// string before hashing it; the helpers below reproduce that decoding so the verdict (and a re-signed
// replay) matches what the library accepts. For valid UTF-8 without a BOM they return the same bytes.
import { isUtf8 } from 'node:buffer'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export type HashAlgorithm = 'sha1' | 'sha256'

export function hmac(algorithm: HashAlgorithm, key: string | Buffer, parts: ReadonlyArray<string | Buffer>): Buffer {
  const mac = createHmac(algorithm, key)
  for (const part of parts) mac.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : part)
  return mac.digest()
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Compares a received signature text with the expected one without leaking where they differ.
 * The texts are compared exactly as the official libraries do (so `SHA256=` or upper-case hex do
 * not match). `received` is a header byte string, hence latin1. The length check may return early:
 * the expected length is fixed by the algorithm and reveals nothing secret.
 */
export function constantTimeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'latin1')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The body as stripe-node hashes it: decoded with TextDecoder (invalid sequences become U+FFFD and a
 * leading UTF-8 BOM is dropped), then encoded again as UTF-8.
 */
export function textDecodedBody(body: Buffer): Buffer {
  // The usual body (valid UTF-8, no BOM) decodes to itself: no copy of it.
  const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf
  if (!bom && isUtf8(body)) return body
  return Buffer.from(new TextDecoder('utf-8').decode(body), 'utf8')
}

/**
 * The body as libraries that take `body.toString()` hash it (GitHub's octokit, which needs a
 * string): invalid sequences become U+FFFD, a BOM is kept.
 */
export function stringifiedBody(body: Buffer): Buffer {
  if (isUtf8(body)) return body
  return Buffer.from(body.toString('utf8'), 'utf8')
}
