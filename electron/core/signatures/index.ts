// Webhook signatures: verify a captured request the way the provider's own library would, and
// re-sign an edited request so the app under test accepts it. Plain Node; never imports electron and
// imports nothing but shared/ and this folder.
//
// The contract (scheme.ts), one object per provider scheme:
//
//   interface SignatureScheme {
//     id: SchemeId; label: string
//     headerNames: readonly string[]          // headers it reads and writes
//     toleranceSeconds: number | null         // null: no timestamp is signed
//     acceptsFutureTimestamps: boolean        // true: the tolerance bounds the past only
//     verify(request: SignedRequest, secret: string | null, nowMs: number): Verdict
//     sign(request: SignedRequest, secret: string, nowMs: number, options?: { renewId?: boolean }): ResignedRequest
//   }
//   SignedRequest   = { method, url /* the PUBLIC url the provider called */, rawHeaders, body: Buffer }
//   ResignedRequest = { rawHeaders, url }
//
// Rules every scheme keeps:
// - HMACs cover the stored body bytes, never a parsed or re-serialized body, except that where the
//   official library decodes the body to a string first (Stripe, Standard Webhooks, Svix, GitHub)
//   the same decoding is applied (hmac.ts); signatures are compared in constant time, as text,
//   exactly as the official library compares them.
// - Header names are matched case-insensitively; a repeated header is read as Node hands it to the
//   app: all values joined with ", " (header-list.ts).
// - verify() never reads the clock: `nowMs` is passed in. A `timestamp-out-of-tolerance` verdict
//   means the signature matched but the timestamp is too old (or, where refused, too new).
// - sign() takes a fresh timestamp from `nowMs`, keeps the message id unless `renewId`, rewrites
//   only the scheme's own headers (in place, same position and name case; appended when absent;
//   later duplicates of those headers removed) and never touches Content-Length or anything else.
//   The url changes only for Twilio requests that carry `bodySHA256`. It throws
//   UnusableSecretError when the secret cannot be the scheme's key.
import type { SchemeId, Verdict } from '../../../shared/signatures'
import { github } from './github'
import type { ResignedRequest, SignatureScheme, SignedRequest, SignOptions } from './scheme'
import { shopify } from './shopify'
import { slack } from './slack'
import { standardWebhooks } from './standard-webhooks'
import { stripe } from './stripe'
import { svix } from './svix'
import { twilio } from './twilio'
import { twitch } from './twitch'

export type { ResignedRequest, SchemeId, SignatureScheme, SignedRequest, SignOptions, Verdict }
export { UnusableSecretError } from './scheme'
export { github, shopify, slack, standardWebhooks, stripe, svix, twilio, twitch }

export const schemes: Readonly<Record<SchemeId, SignatureScheme>> = {
  stripe,
  github,
  shopify,
  slack,
  'standard-webhooks': standardWebhooks,
  svix,
  twilio,
  twitch,
}

export function verifyWith(id: SchemeId, request: SignedRequest, secret: string | null, nowMs: number): Verdict {
  return schemes[id].verify(request, secret, nowMs)
}

export function signWith(id: SchemeId, request: SignedRequest, secret: string, nowMs: number, options?: SignOptions): ResignedRequest {
  return schemes[id].sign(request, secret, nowMs, options)
}
