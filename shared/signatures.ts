// The vocabulary of webhook signature checks that every layer shares: which schemes exist and what a
// verification can conclude. Zod schemas first, so a verdict crossing IPC or WebSocket is validated
// by the same definition the engine produces. The algorithms themselves live in
// electron/core/signatures; nothing here computes or compares a signature.
import { z } from 'zod'

export const SchemeId = z.enum([
  'stripe',
  'github',
  'shopify',
  'slack',
  'standard-webhooks',
  'svix',
  'twilio',
  'twitch',
])
export type SchemeId = z.infer<typeof SchemeId>

export const SCHEME_IDS: readonly SchemeId[] = SchemeId.options

/**
 * How long a replaced secret still counts for requests that arrive after the change: Stripe keeps a
 * rolled secret valid for up to 24 hours, Svix for 24 hours, signing with both meanwhile.
 */
export const SECRET_ROTATION_WINDOW_MS = 24 * 60 * 60_000

/**
 * Set when the signature matched a secret the endpoint has since replaced (kept, with when it was
 * replaced, for the captures that arrived while it was in force): `rotation` when the request arrived
 * after the replacement, within the window in which providers keep signing with the previous secret.
 */
export const PreviousSecret = z.object({ replacedAt: z.number(), rotation: z.boolean() })
export type PreviousSecret = z.infer<typeof PreviousSecret>

/**
 * What verifying one request concluded. Only `valid` means the app under test would accept it.
 * `timestamp-out-of-tolerance` is reported only when the signature itself matched: the request is
 * genuine but too old (or too far in the future) to be accepted now. `driftSeconds` is now minus the
 * signed timestamp, so a positive drift means the timestamp lies in the past.
 */
export const Verdict = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('valid'), scheme: SchemeId, detail: z.string().optional(), previousSecret: PreviousSecret.optional() }),
  z.object({ kind: z.literal('invalid'), scheme: SchemeId, reason: z.string() }),
  z.object({
    kind: z.literal('timestamp-out-of-tolerance'),
    scheme: SchemeId,
    driftSeconds: z.number(),
    toleranceSeconds: z.number(),
    previousSecret: PreviousSecret.optional(),
  }),
  z.object({ kind: z.literal('missing-header'), scheme: SchemeId, header: z.string() }),
  z.object({ kind: z.literal('malformed-header'), scheme: SchemeId, header: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('no-secret'), scheme: SchemeId }),
  /** The configured secret cannot be a key for this scheme (e.g. not base64 after `whsec_`). */
  z.object({ kind: z.literal('unusable-secret'), scheme: SchemeId, reason: z.string() }),
  /** Not all of the body was kept (over the body cap, or the sender stopped): the signature cannot be judged. */
  z.object({ kind: z.literal('incomplete-body'), scheme: SchemeId, reason: z.string() }),
])
export type Verdict = z.infer<typeof Verdict>
export type VerdictKind = Verdict['kind']

/** The header that carries each scheme's signature, in the provider's spelling (GitHub's legacy one after). */
export const SIGNATURE_HEADERS: Readonly<Record<SchemeId, readonly string[]>> = {
  stripe: ['Stripe-Signature'],
  github: ['X-Hub-Signature-256', 'X-Hub-Signature'],
  shopify: ['X-Shopify-Hmac-Sha256'],
  slack: ['X-Slack-Signature'],
  'standard-webhooks': ['webhook-signature'],
  svix: ['svix-signature'],
  twilio: ['X-Twilio-Signature'],
  twitch: ['Twitch-Eventsub-Message-Signature'],
}

/**
 * Whether a request carries the scheme's signature header (Svix's also under its unbranded name, as
 * the svix library reads it). Only such a request is re-signed: re-signing one that carries none would
 * add a signature its sender never sent (a Stripe-Signature on GitHub's request, say).
 */
export function carriesSignature(scheme: SchemeId, rawHeaders: ReadonlyArray<readonly [string, string]>): boolean {
  const names = scheme === 'svix' ? ['svix-signature', 'webhook-signature'] : SIGNATURE_HEADERS[scheme].map((name) => name.toLowerCase())
  return rawHeaders.some(([name]) => names.includes(name.toLowerCase()))
}

/**
 * The schemes whose signature header a request carries (a `webhook-signature` is both Standard
 * Webhooks' and, unbranded, Svix's), in SCHEME_IDS order: what a request saved without re-signing may
 * be re-signed with.
 */
export function schemesCarried(rawHeaders: ReadonlyArray<readonly [string, string]>): SchemeId[] {
  return SCHEME_IDS.filter((scheme) => carriesSignature(scheme, rawHeaders))
}
