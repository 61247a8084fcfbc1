// Signature verdicts as people read them. Owns: the names of the provider schemes, what each scheme
// reads, the compact badge of a verdict and its explanation in sentences. Never: judges anything (the
// engine does, over the stored bytes).
import type { CaptureSummary } from '../../../shared/model'
import { SIGNATURE_HEADERS, type SchemeId, type Verdict } from '../../../shared/signatures'
import { formatClock, formatDateTime } from './format'

export const SCHEME_LABELS: Record<SchemeId, string> = {
  stripe: 'Stripe',
  github: 'GitHub',
  shopify: 'Shopify',
  slack: 'Slack',
  'standard-webhooks': 'Standard Webhooks',
  svix: 'Svix',
  twilio: 'Twilio',
  twitch: 'Twitch EventSub',
}

/** What the scheme reads and which secret it wants, for the endpoint editor. */
export const SCHEME_HINTS: Record<SchemeId, string> = {
  stripe: 'Reads Stripe-Signature. The secret is the endpoint’s signing secret (whsec_…). Timestamps older than 5 minutes are refused.',
  github: 'Reads X-Hub-Signature-256, as GitHub’s library does: a request with only the legacy X-Hub-Signature (sha1) is refused by it. The secret is the webhook’s secret.',
  shopify: 'Reads X-Shopify-Hmac-Sha256. The secret is the app’s client secret.',
  slack: 'Reads X-Slack-Signature and X-Slack-Request-Timestamp. The secret is the app’s signing secret. Timestamps older than 5 minutes are refused.',
  'standard-webhooks': 'Reads webhook-id, webhook-timestamp and webhook-signature. The secret is whsec_ followed by base64. Timestamps more than 5 minutes away are refused.',
  svix: 'Reads svix-id, svix-timestamp and svix-signature. The secret is whsec_ followed by base64. Timestamps more than 5 minutes away are refused.',
  twilio: 'Reads X-Twilio-Signature, which signs the URL Twilio called: give your tunnel’s address as the public URL below, unless the tunnel passes on the host Twilio called. The secret is the account’s auth token, or the SharedKey secret for webhooks signed with a SharedKey (HMAC-SHA1 or HMAC-SHA256, as X-Twilio-Webhooks-Signature-Settings says).',
  twitch: 'Reads the Twitch-Eventsub-Message-* headers. The secret is the subscription’s secret. Messages older than 10 minutes are refused.',
}

/**
 * The other schemes whose signature header a request carries, with that header: a request judged
 * with one scheme but signed by another provider (the endpoint's scheme chosen wrongly, or another
 * provider calling the same URL). Only header names are compared.
 */
export function otherSchemesSigning(rawHeaders: ReadonlyArray<readonly [string, string]>, scheme: SchemeId): Array<{ scheme: SchemeId; header: string }> {
  const names = new Set(rawHeaders.map(([name]) => name.toLowerCase()))
  const found: Array<{ scheme: SchemeId; header: string }> = []
  for (const [id, headers] of Object.entries(SIGNATURE_HEADERS) as Array<[SchemeId, readonly string[]]>) {
    if (id === scheme) continue
    const header = headers.find((name) => names.has(name.toLowerCase()))
    if (header !== undefined) found.push({ scheme: id, header })
  }
  return found
}

/** What each scheme signs besides the body that a re-signed request gets anew. */
export const SCHEME_SIGNS: Record<SchemeId, { timestamp: boolean; messageId: boolean }> = {
  stripe: { timestamp: true, messageId: false },
  github: { timestamp: false, messageId: false },
  shopify: { timestamp: false, messageId: false },
  slack: { timestamp: true, messageId: false },
  'standard-webhooks': { timestamp: true, messageId: true },
  svix: { timestamp: true, messageId: true },
  twilio: { timestamp: false, messageId: false },
  twitch: { timestamp: true, messageId: true },
}

/**
 * The headers a re-signed send writes anew, as the engine's schemes do: the signature, the timestamp,
 * and the message id only when it is renewed (Svix's under the unbranded names where the request uses
 * those; GitHub's legacy header only when the request has it, which a row does). `present` and the
 * names returned are in lower case.
 */
export function resignedHeaderNames(scheme: SchemeId, renewId: boolean, present: ReadonlySet<string>): readonly string[] {
  const ids = (...names: string[]) => (renewId ? names : [])
  // Svix: per field, its own name when the request has it, else the unbranded one (as the engine picks).
  const svix = (field: string) => (present.has(`svix-${field}`) || !present.has(`webhook-${field}`) ? `svix-${field}` : `webhook-${field}`)
  switch (scheme) {
    case 'stripe':
      return ['stripe-signature']
    case 'github':
      return ['x-hub-signature-256', 'x-hub-signature']
    case 'shopify':
      return ['x-shopify-hmac-sha256']
    case 'slack':
      return ['x-slack-signature', 'x-slack-request-timestamp']
    case 'standard-webhooks':
      return [...ids('webhook-id'), 'webhook-timestamp', 'webhook-signature']
    case 'svix':
      return [...ids(svix('id')), svix('timestamp'), svix('signature')]
    case 'twilio':
      return ['x-twilio-signature']
    case 'twitch':
      return [...ids('twitch-eventsub-message-id'), 'twitch-eventsub-message-timestamp', 'twitch-eventsub-message-signature']
  }
}

/** The re-sign option in words, saying only what the scheme signs: "Re-sign (Stripe) with a fresh timestamp". */
/** Why re-signing a request that carries none of the scheme's signature is not offered. */
export function resignNotCarried(scheme: SchemeId): string {
  return `this request carries no ${SCHEME_LABELS[scheme]} signature (no ${SIGNATURE_HEADERS[scheme][0]} header), and re-signing would add one its sender never sent`
}

export function resignLabel(scheme: SchemeId): string {
  return SCHEME_SIGNS[scheme].timestamp ? `Re-sign (${SCHEME_LABELS[scheme]}) with a fresh timestamp` : `Re-sign (${SCHEME_LABELS[scheme]}) with the endpoint’s secret`
}

/** muted: a fact rather than an outcome (something not attempted), in the badge's plain colors. */
export type Tone = 'ok' | 'info' | 'warning' | 'danger' | 'muted'

/** "42 s", "5 min", "3 h", "2 days": a drift or an age, rounded for reading. */
export function formatSpan(seconds: number): string {
  const s = Math.abs(seconds)
  if (s < 120) return `${Math.round(s)} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  if (s < 10 * 3600) return `${Number((s / 3600).toFixed(1))} h`
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h`
  return `${Math.round(s / 86400)} days`
}

/** Drift is now minus the signed timestamp: positive means the timestamp lies in the past. */
export function driftWords(driftSeconds: number): string {
  return driftSeconds >= 0 ? `${formatSpan(driftSeconds)} old` : `${formatSpan(driftSeconds)} in the future`
}

export interface VerdictBadge {
  label: string
  /**
   * The verdict in a few characters, for the narrow list: short enough to fit beside any forward badge.
   * ✓ and ✗ say whether the signature checks out, ? that it was not checked; the tone and the title
   * tell the rest.
   */
  short: string
  tone: Tone
  title: string
}

/** Which secret a matching signature was made with, when it is one the endpoint has since replaced. */
export function previousSecretText(verdict: Verdict): string | null {
  if ((verdict.kind !== 'valid' && verdict.kind !== 'timestamp-out-of-tolerance') || !verdict.previousSecret) return null
  const at = formatDateTime(verdict.previousSecret.replacedAt)
  return verdict.previousSecret.rotation
    ? `signed with the previous secret, replaced at ${at}, which providers keep signing with for up to 24 hours after a rotation`
    : `signed with the secret in force when it arrived, replaced at ${at}; a re-signed resend uses the current one`
}

/** What a replay's signature verdict was judged as: said beside its badge, which reads as a capture's. */
export function sentVerdictNote(sentAt: number): string {
  return `Judged as it was sent, at ${formatClock(sentAt)}, over the body it was sent with and the endpoint’s current secret: what the app that got it decides.`
}

export function verdictBadge(verdict: Verdict): VerdictBadge {
  const previous = previousSecretText(verdict)
  const scheme = SCHEME_LABELS[verdict.scheme]
  switch (verdict.kind) {
    case 'valid':
      return { label: 'sig valid', short: 'sig ✓', tone: 'ok', title: `${scheme} signature valid${verdict.detail ? ` (${verdict.detail})` : ''}${previous ? ` (${previous})` : ''}: your app would accept it.` }
    case 'invalid':
      return { label: 'sig invalid', short: 'sig ✗', tone: 'danger', title: `${scheme} signature invalid: ${verdict.reason}.` }
    case 'timestamp-out-of-tolerance':
      return {
        label: `sig stale ${driftSeconds(verdict.driftSeconds)}`,
        short: 'sig stale',
        tone: 'warning',
        title: `${scheme} signature matches${previous ? ` (${previous})` : ''}, but its timestamp is ${driftWords(verdict.driftSeconds)} (tolerance ${formatSpan(verdict.toleranceSeconds)}): your app would refuse it.`,
      }
    case 'missing-header':
      return { label: 'sig missing', short: 'no sig', tone: 'danger', title: `${scheme} signature header missing: ${verdict.header}.` }
    case 'malformed-header':
      return { label: 'sig malformed', short: 'sig ✗', tone: 'danger', title: `${scheme} signature header ${verdict.header} is malformed: ${verdict.reason}.` }
    case 'no-secret':
      return { label: 'no secret', short: 'sig ?', tone: 'info', title: `${scheme} signature not checked: no secret is stored for this endpoint.` }
    case 'unusable-secret':
      return { label: 'bad secret', short: 'sig ?', tone: 'warning', title: `${scheme} signature not checked: the stored secret cannot be a key (${verdict.reason}).` }
    case 'incomplete-body':
      return { label: 'sig unchecked', short: 'sig ?', tone: 'info', title: `${scheme} signature not checked: ${verdict.reason}.` }
  }
}

function driftSeconds(drift: number): string {
  return drift >= 0 ? formatSpan(drift) : `+${formatSpan(drift)}`
}

/** About 3,000 years: no clock is that far off, but a timestamp in milliseconds read as seconds is. */
const MILLISECONDS_AHEAD_SECONDS = 1e11

export interface VerdictExplanation {
  headline: string
  tone: Tone
  /** Further sentences, in reading order. */
  details: string[]
}

/**
 * When a verdict was reached, and over which body: a capture's as of its arrival, over the bytes
 * stored; a replay's as it was sent (at `at`), over the body it was sent with.
 */
export type VerdictMoment = { kind: 'arrival' } | { kind: 'sent'; at: number }

const ON_ARRIVAL: VerdictMoment = { kind: 'arrival' }

/** "when it was sent, at 10:21:04.120" or "when the request arrived". */
function whenJudged(moment: VerdictMoment): string {
  return moment.kind === 'sent' ? `when it was sent, at ${formatClock(moment.at)}` : 'when the request arrived'
}

/** A verdict in sentences, as of `moment` (a capture's arrival unless told otherwise). */
export function explainVerdict(verdict: Verdict, moment: VerdictMoment = ON_ARRIVAL): VerdictExplanation {
  const scheme = SCHEME_LABELS[verdict.scheme]
  const previous = previousSecretText(verdict)
  const sent = moment.kind === 'sent'
  switch (verdict.kind) {
    case 'valid':
      return {
        headline: `Valid ${scheme} signature`,
        tone: 'ok',
        details: [
          `The signature matches ${sent ? 'the body it was sent with' : 'the stored bytes'} and the endpoint’s secret, so an app checking it with ${scheme}’s rules would accept this request.`,
          ...(verdict.detail ? [`Note: ${verdict.detail}.`] : []),
          ...(previous ? [`${capitalize(previous)}.`] : []),
        ],
      }
    case 'invalid':
      return {
        headline: `Invalid ${scheme} signature`,
        tone: 'danger',
        details: [
          `${capitalize(verdict.reason)}.`,
          // Only a mismatch can mean changed bytes or another secret; other reasons (a legacy header
          // alone, an empty body, an unknown URL) say all there is, and a header repeated is the cause.
          ...(isRepeatedHeader(verdict.reason)
            ? [REPEATED_HEADER_ADVICE]
            : isMismatch(verdict.reason)
              ? ['The body or the signed parts were changed after signing, or the request was signed with another secret than the one stored for this endpoint.']
              : []),
        ],
      }
    case 'timestamp-out-of-tolerance':
      return {
        headline: `Stale ${scheme} timestamp`,
        tone: 'warning',
        details: [
          ...(previous ? [`${capitalize(previous)}.`] : []),
          `The signature itself matches${sent ? ' the body it was sent with' : ''}, but the signed timestamp ${sent ? 'was' : 'is'} ${driftWords(verdict.driftSeconds)} (drift ${Math.round(verdict.driftSeconds)} s) ${whenJudged(moment)}.`,
          // Only a timestamp too old suggests a replay; one ahead of the arrival (refused by Standard
          // Webhooks and Svix) comes from a clock that is off.
          verdict.driftSeconds >= 0
            ? `${scheme} accepts at most ${formatSpan(verdict.toleranceSeconds)} (${verdict.toleranceSeconds} s), so an app checking it would refuse this request as a possible replay.`
            : `${scheme} accepts a timestamp at most ${formatSpan(verdict.toleranceSeconds)} (${verdict.toleranceSeconds} s) away from the app’s clock, in either direction, so an app checking it would refuse this request. ${
                // Thousands of years ahead: a sender that wrote Date.now() (milliseconds), not seconds.
                verdict.driftSeconds < -MILLISECONDS_AHEAD_SECONDS
                  ? `A timestamp this far ahead is most likely in milliseconds: ${scheme} counts whole seconds since 1970.`
                  : `A timestamp ahead of the time ${sent ? 'it was sent' : 'the request arrived'} means the sender’s clock, or this machine’s, is off.`
              }`,
          'Resend it re-signed to give it a fresh timestamp.',
        ],
      }
    case 'missing-header':
      return {
        headline: `Missing ${verdict.header} header`,
        tone: 'danger',
        details: [`${scheme} puts its signature in the ${verdict.header} header, and this request has none: it was not sent by ${scheme}, or something on the way removed the header.`],
      }
    case 'malformed-header':
      return {
        headline: `Malformed ${verdict.header} header`,
        tone: 'danger',
        details: [`The ${verdict.header} header cannot be read as a ${scheme} signature: ${verdict.reason}.`, ...(isRepeatedHeader(verdict.reason) ? [REPEATED_HEADER_ADVICE] : [])],
      }
    case 'no-secret':
      return {
        headline: 'Not checked: no secret',
        tone: 'info',
        details: [`This endpoint checks ${scheme} signatures, but no secret is stored for it. Give the secret in the endpoint editor and every request is judged again.`],
      }
    case 'incomplete-body':
      return {
        headline: 'Not checked: the body is incomplete',
        tone: 'info',
        details: [`A ${scheme} signature covers the whole body, and ${verdict.reason}. Raise the body cap in Settings, or have the provider send it again.`],
      }
    case 'unusable-secret':
      return {
        headline: 'Not checked: the secret cannot be used',
        tone: 'warning',
        details: [`The stored secret cannot be a ${scheme} key: ${verdict.reason}. Store the secret exactly as the provider shows it.`],
      }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

const REPEATED_HEADER_ADVICE =
  'Something on the way (a proxy, or the client that sent it) sent a signed header more than once, and no signature matches the copies read together: send it once. A re-signed resend keeps only the first copy.'

/** Whether a verdict's reason says a signed header came more than once (the engine's words). */
function isRepeatedHeader(reason: string): boolean {
  return /\bcame \d+ times, and an app reads the copies\b/.test(reason)
}

/** Whether an invalid verdict's reason is a signature that does not match the signed parts and secret. */
function isMismatch(reason: string): boolean {
  return /\bmatch(es)?\b.*\b(secret|auth token)\b/.test(reason)
}

/** Verdicts whose signature matched the secret (a stale timestamp aside). */
function signatureMatches(verdict: Verdict): boolean {
  return verdict.kind === 'valid' || verdict.kind === 'timestamp-out-of-tolerance'
}

/** Verdicts that judged the signature (rather than saying why it could not be judged). */
function judged(verdict: Verdict | null | undefined): verdict is Verdict {
  return verdict !== null && verdict !== undefined && verdict.kind !== 'no-secret' && verdict.kind !== 'unusable-secret' && verdict.kind !== 'incomplete-body'
}

export interface ShownVerdict {
  /** The verdict a capture is shown with: the one it got on arrival when the current secret judges
   * it otherwise; else the current one. */
  verdict: Verdict | null
  /** What a reader must know about a judgement made with a secret changed after the request arrived. */
  note: string | null
}

/** Which verdict to show for a capture, and what to say about a secret changed since it arrived. */
export function shownVerdict(summary: Pick<CaptureSummary, 'signature' | 'signatureOnArrival'>): ShownVerdict {
  const current = summary.signature
  const onArrival = summary.signatureOnArrival
  if (!onArrival || !current) return { verdict: current ?? null, note: null }
  const at = formatClock(onArrival.secretChangedAt)
  const arrival = onArrival.verdict
  if (arrival && JSON.stringify(arrival) === JSON.stringify(current)) return { verdict: current, note: null }
  if (judged(arrival)) {
    // The new secret matches a signature the old one did not (most often a mistyped secret corrected):
    // the request is shown as the provider signed it, with what the old secret made of it.
    if (arrival.kind === 'invalid' && signatureMatches(current)) {
      return { verdict: current, note: `${explainVerdict(arrival).headline} when it arrived, with the secret stored then. The secret changed at ${at} matches its signature: ${explainVerdict(current).headline}.` }
    }
    // Another secret judges it otherwise: the verdict on arrival stays, the current one is told.
    if (judged(current)) return { verdict: arrival, note: `${explainVerdict(arrival).headline} when it arrived. With the secret changed at ${at}, after it arrived: ${explainVerdict(current).headline}.` }
    // No usable secret now: say so, and what it got on arrival.
    return { verdict: current, note: `${explainVerdict(arrival).headline} when it arrived, before the secret was changed at ${at}.` }
  }
  if (!judged(current)) return { verdict: current, note: null }
  return {
    verdict: current,
    note: arrival
      ? `Judged with the secret changed at ${at}, after this request arrived (${explainVerdict(arrival).headline} when it arrived).`
      : `Judged with the secret changed at ${at}, after this request arrived: if it was signed with the secret in use then, this is not the verdict it got on arrival (which is not kept across a restart).`,
  }
}

/**
 * What the app would make of the signature a replay carried, when it would refuse it: the verdict's
 * headline and first reason (judged as it was sent, at `sentAt`, over the body it was sent with), and
 * whether re-signing (a fresh signature over the bytes sent) would make it accept it. Null when it
 * would accept it, or nothing could be judged (no secret stored).
 */
export function refusedSignature(verdict: Verdict | null | undefined, sentAt?: number): { headline: string; reason: string | null; tone: Tone; resignFixes: boolean } | null {
  if (!verdict || verdict.kind === 'valid' || verdict.kind === 'no-secret') return null
  const { headline, tone, details } = explainVerdict(verdict, sentAt === undefined ? ON_ARRIVAL : { kind: 'sent', at: sentAt })
  return { headline, reason: details[0] ?? null, tone, resignFixes: verdict.kind === 'invalid' || verdict.kind === 'timestamp-out-of-tolerance' || verdict.kind === 'malformed-header' }
}
