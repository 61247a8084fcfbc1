// Keyed hashes and constant-time comparison for the signature schemes.
//
// String parts are hashed as UTF-8, which is what the providers' own libraries do with the header
// strings Node hands them; for the ASCII ids and timestamps providers send this equals the raw
// bytes. Bodies are always the stored Buffer, never a decoded or re-serialized copy.
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
