// A capture's flags, forward result and signature verdict as small colored badges; each badge says
// in its title what it means.
import type { CaptureFlag, CaptureSummary, ForwardSummary } from '../../../shared/model'
import type { Verdict } from '../../../shared/signatures'
import { forwardBadge, type DeliveryHold } from '../text/forward-text'
import { shownVerdict, verdictBadge, type ShownVerdict } from '../text/verdict-text'

const FLAG_BADGES: Record<CaptureFlag, { label: string; title: string; tone: 'warning' | 'info' | 'danger' }> = {
  truncated: { label: 'truncated', title: 'The body went past the body cap; only its first part was kept.', tone: 'warning' },
  incomplete: { label: 'incomplete', title: 'The sender went away or timed out before the body ended.', tone: 'danger' },
  browser: { label: 'browser', title: 'Sent by a web browser (Origin or Sec-Fetch headers).', tone: 'info' },
  'cross-site': { label: 'cross-site', title: 'Sent by a page on another site.', tone: 'warning' },
  'too-many-headers': { label: 'too many headers', title: 'More header lines than the endpoint accepts; answered 431.', tone: 'danger' },
}

export function CaptureBadges({ flags }: { flags: readonly CaptureFlag[] }) {
  if (flags.length === 0) return null
  return (
    <span className="badges">
      {flags.map((flag) => {
        const badge = FLAG_BADGES[flag]
        if (!badge) return null
        return (
          <span key={flag} className={`badge ${badge.tone}`} title={badge.title} data-testid={`badge-${flag}`}>
            {badge.label}
          </span>
        )
      })}
    </span>
  )
}

/**
 * The same badges as DOM, for code that builds elements itself (the live list's rows). Their order is
 * what a row short of room keeps first: the forward result, then the signature verdict, then the
 * flags; what does not fit at the end gives way to an ellipsis (app.css). A badge with a shorter form
 * carries it in `data-short`, which the list shows when its badge column is narrow. Returns the
 * badges' full labels.
 */
export function appendBadges(
  parent: Element,
  { forward, signature, signatureOnArrival, flags }: { forward: ForwardSummary | null | undefined; signature: Verdict | null | undefined; signatureOnArrival?: CaptureSummary['signatureOnArrival']; flags: readonly CaptureFlag[] },
  hold: DeliveryHold | null = null,
): string[] {
  const doc = parent.ownerDocument
  const labels: string[] = []
  const badge = (text: { label: string; short?: string; tone: string; title: string }, testId: string) => {
    const span = doc.createElement('span')
    span.className = `badge ${text.tone}`
    span.title = text.title
    span.setAttribute('data-testid', testId)
    if (text.short === undefined) span.textContent = text.label
    else {
      // The label in an element of its own, which the narrow list hides to show the short form.
      span.setAttribute('data-short', text.short)
      span.appendChild(doc.createElement('span')).textContent = text.label
    }
    labels.push(text.label)
    return parent.appendChild(span)
  }
  if (forward) badge(forwardBadge(forward, hold), 'badge-forward').setAttribute('data-state', forward.state)
  const shown = shownVerdict({ signature: signature ?? null, signatureOnArrival })
  if (shown.verdict) badge(signatureBadgeText(shown), 'badge-signature').setAttribute('data-kind', shown.verdict.kind)
  for (const flag of flags) {
    const text = FLAG_BADGES[flag]
    if (text) badge(text, `badge-${flag}`)
  }
  return labels
}

/** Where forwarding of a capture stands, when its endpoint forwards. */
export function ForwardBadge({ forward }: { forward: ForwardSummary | null | undefined }) {
  if (!forward) return null
  const badge = forwardBadge(forward)
  return (
    <span className={`badge ${badge.tone}`} title={badge.title} data-testid="badge-forward" data-state={forward.state}>
      {badge.label}
    </span>
  )
}

/** The signature verdict of a capture, when its endpoint checks one. */
export function SignatureBadge({ verdict: current, onArrival }: { verdict: Verdict | null | undefined; onArrival?: CaptureSummary['signatureOnArrival'] }) {
  const shown = shownVerdict({ signature: current ?? null, signatureOnArrival: onArrival })
  const verdict = shown.verdict
  if (!verdict) return null
  const badge = signatureBadgeText(shown)
  return (
    <span className={`badge ${badge.tone}`} title={badge.title} data-testid="badge-signature" data-kind={verdict.kind}>
      {badge.label}
    </span>
  )
}

/** A verdict's badge; its title adds what a secret changed since the request arrived means for it. */
function signatureBadgeText(shown: ShownVerdict): ReturnType<typeof verdictBadge> {
  const badge = verdictBadge(shown.verdict!)
  return shown.note ? { ...badge, title: `${badge.title} ${shown.note}` } : badge
}
