// Forwarding as people read it. Owns: the compact badge of a capture's delivery, the sentence that
// explains it, and the labels of target states. Never: decides anything about delivery (the engine's
// forwarder does).
import { RUN_TARGET_ID, type ForwardAttempt, type ForwardConfig, type ForwardMode, type ForwardSummary, type TargetStatus } from '../../../shared/model'
import { formatClock } from './format'
import type { Tone } from './verdict-text'

export interface ForwardBadgeText {
  label: string
  /** A shorter label for a narrow list, when the label carries a detail the title also gives. */
  short?: string
  tone: Tone
  title: string
}

const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`
const skippedReason = (forward: ForwardSummary) => forward.error ?? 'it cannot be forwarded as it was received'

/**
 * Why a waiting delivery is not being sent (null: it is not held): its target is paused, or its
 * endpoint no longer forwards in async mode (`off`, `proxy`: what it does now).
 */
export type DeliveryHold = 'paused' | 'off' | 'proxy'

/** Whether what waits for `targetId` is held by the endpoint's forwarding as it is now (`config`). */
export function deliveryHold(state: ForwardSummary['state'] | null | undefined, targetId: string | null, config: ForwardConfig | undefined): DeliveryHold | null {
  if ((state !== 'pending' && state !== 'retrying') || targetId === null || !config) return null
  const target = config.targets.find((t) => t.id === targetId)
  if (!target) return null
  if (target.paused) return 'paused'
  return config.mode === 'async' ? null : config.mode
}

/** What holds a waiting delivery, as a sentence's end: "its target is paused; nothing is sent…". */
export function heldText(hold: DeliveryHold): string {
  if (hold === 'paused') return 'its target is paused; nothing is sent to it until you resume it'
  return `its endpoint ${hold === 'off' ? 'no longer forwards' : 'now forwards in proxy mode, which keeps no queue'}; it waits until the endpoint forwards in async mode again`
}

/**
 * What went wrong with an attempt, in a few words ("refused", "no answer in time"), where its message,
 * which already says it at more length, is shown nearby. Never the engine's code: it means nothing to a reader.
 */
export function attemptErrorKind(code: NonNullable<ForwardAttempt['error']>['code']): string {
  switch (code) {
    case 'REFUSED':
      return 'refused'
    case 'TIMEOUT':
      return 'no answer in time'
    case 'RESET':
      return 'connection cut'
    case 'INVALID_RESPONSE':
      return 'answer not valid HTTP'
    case 'DNS':
      return 'host not found'
    case 'TLS':
      return 'TLS failed'
    case 'ABORTED':
      return 'cut short'
    case 'OTHER':
      return 'failed'
  }
}

/** The word for a delivery's state, as its badges in the detail show it: "held" while something holds it. */
export function forwardStateWord(forward: ForwardSummary, hold: DeliveryHold | null = null): string {
  return hold ? 'held' : forward.state
}

/** A delivery's badge; `hold`: what holds it, when it waits for a target that sends nothing now. */
export function forwardBadge(forward: ForwardSummary, hold: DeliveryHold | null = null): ForwardBadgeText {
  const tries = forward.attempts > 0 ? `, ${attemptsText(forward.attempts)}` : ''
  const why = forward.error ? ` (${forward.error})` : ''
  if (hold && (forward.state === 'pending' || forward.state === 'retrying')) {
    return { label: '→ held', tone: 'warning', title: `Held: ${heldText(hold)}${tries}.` }
  }
  switch (forward.state) {
    case 'delivered':
      return {
        label: forward.status !== null ? `→ ${forward.status}` : '→ delivered',
        tone: forward.status !== null && forward.status >= 300 ? 'info' : 'ok',
        title: `Forwarded: the target answered ${forward.status ?? 'in time'}${tries}.`,
      }
    case 'pending':
      return { label: '→ pending', tone: 'info', title: `Forwarding: waiting in the target's queue${tries}.` }
    case 'delivering':
      return { label: '→ sending', tone: 'info', title: `Forwarding: being sent to the target now${tries}.` }
    case 'retrying':
      return {
        label: `→ retrying (${forward.attempts})`,
        short: '→ retrying',
        tone: 'warning',
        title: `Forwarding: the last attempt failed${why}; ${forward.nextAttemptAt !== null ? `next attempt at ${formatClock(forward.nextAttemptAt)}` : 'it will be tried again'}${tries}.`,
      }
    case 'failed':
      return {
        label: forward.status !== null ? `→ failed ${forward.status}` : '→ failed',
        tone: 'danger',
        title: `Forwarding failed${why}${tries}. Retry it from the Forwarding tab or the endpoint's target.`,
      }
    case 'dropped':
      return { label: '→ dropped', tone: 'warning', title: `Not forwarded: dropped before delivery${tries}.` }
    case 'blocked':
      return { label: '→ blocked', tone: 'warning', title: 'Not forwarded: sent by a web browser, and the endpoint does not forward browser requests.' }
    case 'unrouted':
      return { label: '→ unrouted', tone: 'warning', title: 'Not forwarded: no route matched and the endpoint has no default target.' }
    case 'skipped':
      return { label: '→ not sent', tone: 'muted', title: `Not forwarded: ${skippedReason(forward)}. It is never retried; to send it anyway, open it in the Composer (Edit).` }
  }
}

/**
 * One sentence on where a capture's delivery stands; `hold`: what holds it (its paused target, say),
 * which a note beside it tells: a held delivery is promised no time for its next attempt.
 */
export function forwardSentence(forward: ForwardSummary, hold: DeliveryHold | null = null): string {
  switch (forward.state) {
    case 'delivered':
      return `Delivered: the target answered ${forward.status ?? '—'}.`
    case 'pending':
      return 'Waiting in the target’s queue.'
    case 'delivering':
      return 'Being sent to the target now.'
    case 'retrying':
      if (hold) return `The last attempt failed${forward.error ? ` (${forward.error})` : ''}.`
      return `The last attempt failed${forward.error ? ` (${forward.error})` : ''}; it will be tried again${forward.nextAttemptAt !== null ? ` at ${formatClock(forward.nextAttemptAt)}` : ''}.`
    case 'failed':
      return `Failed${forward.error ? `: ${forward.error}` : ''}.`
    case 'dropped':
      return 'Dropped: it will not be delivered unless you retry it.'
    case 'blocked':
      return 'Blocked: it was sent by a web browser, and this endpoint does not forward browser requests (see “Allow browser-originated requests” in the endpoint editor).'
    case 'unrouted':
      return 'Not forwarded: no route matched and the endpoint has no default target.'
    case 'skipped':
      return `Not forwarded: ${skippedReason(forward)}. It is never retried; to send it anyway, open it in the Composer (Edit, or e).`
  }
}

/** A request being relayed in proxy mode, its sender waiting for the target's answer: its badge and sentence. */
export const RELAYING_BADGE: ForwardBadgeText = { label: '→ relaying', tone: 'info', title: 'Proxy mode: being sent to the target now; its answer goes to the sender as it comes.' }
export const RELAYING_SENTENCE = 'Being relayed to the target now: the sender waits for its answer.'

/** What a delivery being sent waits for: the target's answer, at most the endpoint's forward timeout. */
export function deliveringNote(timeoutMs: number | undefined): string {
  const limit = timeoutMs === undefined ? '' : ` for at most ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`} (the endpoint’s forward timeout)`
  return `It waits for the target’s answer${limit}; with none by then, it is tried again later.`
}

/** "3", or while a queued delivery may still be tried again, "3 of at most 10". */
export function attemptCountText(forward: ForwardSummary, maxAttempts: number | undefined): string {
  const more = forward.state === 'pending' || forward.state === 'retrying' || forward.state === 'delivering'
  return more && maxAttempts !== undefined ? `${forward.attempts} of at most ${maxAttempts}` : String(forward.attempts)
}

/**
 * A target the endpoint no longer has whose URL is not known (nothing was ever sent to it): named by
 * where it came from, never by its internal id.
 */
export function goneTargetName(targetId: string): string {
  return targetId === RUN_TARGET_ID ? 'The target given with --forward in an earlier run' : 'A target since removed from the endpoint'
}

export const TARGET_STATE_LABELS: Record<TargetStatus['state'], string> = {
  unknown: 'not tried',
  idle: 'up',
  delivering: 'delivering',
  retrying: 'retrying',
  down: 'down',
  paused: 'paused',
}

export const TARGET_STATE_TITLES: Record<TargetStatus['state'], string> = {
  unknown: 'Nothing has been sent to this target since Hookscope started, so whether it is up is not known yet.',
  idle: 'The target answered the last request sent to it, and nothing is being delivered now.',
  delivering: 'A request is being delivered.',
  retrying: 'The target was reached, but the last attempt was not delivered (it answered with an error such as 5xx or 429, or too late); the reason is below, and the queue waits before trying again.',
  down: 'The last request sent to the target could not reach it; the error is shown below.',
  paused: 'Delivery is held; requests wait until you resume.',
}

export const TARGET_TONES: Record<TargetStatus['state'], Tone> = {
  unknown: 'muted',
  idle: 'ok',
  delivering: 'info',
  retrying: 'warning',
  down: 'danger',
  paused: 'warning',
}

/**
 * Why requests just queued again are not sent yet: their target is paused, or their endpoint no
 * longer forwards in async mode (`mode`: the endpoint's mode now).
 */
export function heldReason(mode: ForwardMode | undefined): string {
  if (mode === 'off') return 'the endpoint no longer forwards; it is sent once the endpoint forwards in async mode again'
  if (mode === 'proxy') return 'the endpoint now forwards in proxy mode, which keeps no queue; it is sent once the endpoint forwards in async mode again'
  return 'the target is paused; resume it to deliver'
}

export interface WrongPathHint {
  /** "404 Not Found" */
  answer: string
  method: string
  /** The URL called, as sent (a byte string). */
  url: string
  /** The target's URL and the request's own target (a byte string), when the target's URL reads as one. */
  joined: { targetUrl: string; requestTarget: string } | null
  /** The request's path begins with the target's base path (the route named twice): the URL that
   * calls it once, and the target that does so. */
  once: { url: string; target: string } | null
}

/**
 * Why a target may have answered 404 or 405: the URL called is the target's plus the request's own
 * path and query, so a target that already names the app's route calls it twice
 * (http://localhost:3000/webhooks + /webhooks). Null for any other answer.
 */
export function wrongPathHint(attempt: Pick<ForwardAttempt, 'method' | 'url' | 'status' | 'statusText' | 'error'>, targetUrl: string | undefined, requestTarget: string): WrongPathHint | null {
  if (attempt.error || (attempt.status !== 404 && attempt.status !== 405)) return null
  const hint: WrongPathHint = { answer: `${attempt.status}${attempt.statusText ? ` ${attempt.statusText}` : ''}`, method: attempt.method, url: attempt.url, joined: null, once: null }
  const target = urlOf(targetUrl)
  // Only an origin-form request target (a path) is appended as it reads.
  if (!target || targetUrl === undefined || !requestTarget.startsWith('/')) return hint
  hint.joined = { targetUrl, requestTarget }
  const base = target.pathname.replace(/\/+$/, '')
  const path = requestTarget.split('?')[0]!
  if (base !== '' && (path === base || path.startsWith(`${base}/`))) hint.once = { url: `${target.origin}${requestTarget}`, target: target.origin }
  return hint
}

function urlOf(text: string | undefined): URL | null {
  if (text === undefined) return null
  try {
    return new URL(text)
  } catch {
    return null
  }
}

/**
 * Where a request to `requestTarget` goes for a target URL, joined as the forwarder joins them: the
 * target's origin and base path (trailing slashes dropped) plus the request's own path and query.
 * Null while the URL is not an http(s) URL.
 */
export function forwardedUrl(targetUrl: string, requestTarget: string): string | null {
  const target = urlOf(targetUrl.trim())
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) return null
  const base = target.pathname === '/' ? '' : target.pathname.replace(/\/+$/, '')
  return `${target.origin}${base}${requestTarget}`
}
