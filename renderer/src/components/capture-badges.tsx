// Flags of a capture as small badges. The same strip will carry forward results and signature
// verdicts; each badge names what it means in its title.
import type { CaptureFlag } from '../../../shared/model'

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

type ForwardSummaryLike = { state: string; status: number | null; attempts: number; error: string | null } | null | undefined

const FORWARD_TONES: Record<string, 'warning' | 'info' | 'danger' | 'ok'> = {
  pending: 'info',
  delivering: 'info',
  retrying: 'warning',
  delivered: 'ok',
  failed: 'danger',
  dropped: 'warning',
  blocked: 'warning',
  unrouted: 'warning',
}

/** Where forwarding of a capture stands, when its endpoint forwards. */
export function ForwardBadge({ forward }: { forward: ForwardSummaryLike }) {
  if (!forward) return null
  const label = forward.state === 'delivered' && forward.status !== null ? `→ ${forward.status}` : `→ ${forward.state}`
  const title = `Forwarding: ${forward.state}${forward.attempts ? `, ${forward.attempts} attempt${forward.attempts === 1 ? '' : 's'}` : ''}${forward.error ? ` (${forward.error})` : ''}`
  return (
    <span className={`badge ${FORWARD_TONES[forward.state] ?? 'info'}`} title={title} data-testid="badge-forward">
      {label}
    </span>
  )
}
