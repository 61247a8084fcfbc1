// The contract every signature scheme module implements, and the request shape they all read.
// Types only (plus one error class): no algorithm lives here. See index.ts for the full description.
import type { RawHeaders } from '../../../shared/model'
import type { SchemeId, Verdict } from '../../../shared/signatures'

export type { SchemeId, Verdict }

export interface SignedRequest {
  method: string
  /** The public URL the provider called (Twilio signs it); may differ from the local capture URL. */
  url: string
  /** Header pairs as received: order, case and duplicates kept, values as latin1 byte strings. */
  rawHeaders: RawHeaders
  /** The stored body bytes, exactly as received or as edited. */
  body: Buffer
}

export interface SignOptions {
  /** Give the message a fresh id (Standard Webhooks, Svix, Twitch) instead of keeping the original. */
  renewId?: boolean
}

export interface ResignedRequest {
  /** The input headers with only the scheme's signature, timestamp and id headers rewritten. */
  rawHeaders: RawHeaders
  /**
   * The URL to send. Equal to the input URL except for Twilio requests that carry `bodySHA256` in
   * their query: that hash covers the body, so a body edit changes the URL the provider would call.
   */
  url: string
}

export interface SignatureScheme {
  readonly id: SchemeId
  readonly label: string
  /** The headers this scheme reads and writes, in the provider's usual spelling. */
  readonly headerNames: readonly string[]
  /** How old a signed timestamp may be; null when the scheme signs no timestamp. */
  readonly toleranceSeconds: number | null
  /** Whether timestamps from the future are accepted (tolerance applies to the past only). */
  readonly acceptsFutureTimestamps: boolean
  verify(request: SignedRequest, secret: string | null, nowMs: number): Verdict
  /** Throws UnusableSecretError when the secret cannot be this scheme's key. */
  sign(request: SignedRequest, secret: string, nowMs: number, options?: SignOptions): ResignedRequest
}

export class UnusableSecretError extends Error {
  constructor(
    readonly scheme: SchemeId,
    reason: string,
  ) {
    super(`${scheme}: ${reason}`)
    this.name = 'UnusableSecretError'
  }
}
