// The workbench's buttons in a capture's detail header: resend as is (r), resend re-signed (Alt+R; when the
// endpoint has a scheme and a secret, and the request carries that scheme's signature), edit and send (e), save to a collection (s), compare (with
// another marked request), and, once it was replayed, its replays (what each sent and got back).
import { useEffect, useState } from 'react'
import { useApp, useStores, useTraffic } from '../../state/context'
import { formatClock } from '../../text/format'
import type { RawHeaders } from '../../../../shared/model'
import { carriesSignature } from '../../../../shared/signatures'
import { resignLabel, resignNotCarried } from '../../text/verdict-text'
import { displayText } from '../../text/visible-text'
import { resignMissing, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { CompareButton } from './compare-button'

const LABEL_PATH_MAX = 60

/** Why a request retention removed while it was open can no longer be resent, edited, saved, compared or copied. */
export const REMOVED_CAPTURE_REASON = 'No longer stored: retention removed this request from the history'

/** How a marked capture is named elsewhere: its method, path and time, as plain text. */
function captureLabel(summary: { method: string; target: string; receivedAt: number } | undefined): string {
  if (!summary) return 'This request'
  const path = displayText(summary.target)
  return `${displayText(summary.method)} ${path.length > LABEL_PATH_MAX ? `${path.slice(0, LABEL_PATH_MAX - 1)}…` : path} at ${formatClock(summary.receivedAt)}`
}

/** How many replays were made of a capture, read again whenever one is sent from this window. */
function useReplayCount(captureId: string): number {
  const { api } = useStores()
  const sent = useWorkbenchState((s) => s.replaysSent)
  const [count, setCount] = useState<{ id: string; count: number } | null>(null)
  useEffect(() => {
    let alive = true
    api['replay.list']({ originId: captureId }).then(
      (replays) => alive && setCount({ id: captureId, count: replays.length }),
      () => undefined,
    )
    return () => {
      alive = false
    }
  }, [api, captureId, sent])
  return count?.id === captureId ? count.count : 0
}

/**
 * `rawHeaders`: the request's headers once it is loaded (re-signing is offered only for the signature it carries).
 * `removed`: retention removed it while it was open: what needs it stored is disabled, saying why.
 */
export function CaptureActions({ id, rawHeaders, removed = false }: { id: string; rawHeaders?: RawHeaders; removed?: boolean }) {
  const workbench = useWorkbench()
  const replays = useReplayCount(id)
  const actions = workbench.store.getState()
  const summary = useTraffic((s) => s.byId[id])
  const endpoint = useApp((s) => (summary ? s.endpointsById[summary.endpointId] : undefined))
  const scheme = endpoint?.signature?.scheme ?? null
  const missing = resignMissing(endpoint) ?? (scheme && rawHeaders && !carriesSignature(scheme, rawHeaders) ? resignNotCarried(scheme) : null)
  return (
    <span className="capture-actions" role="group" aria-label="Resend, edit, save, compare">
      <button type="button" className="small" data-testid="detail-resend" disabled={removed} title={removed ? REMOVED_CAPTURE_REASON : 'Resend as is to its forward target (r); Shift+R for another URL'} onClick={() => void workbench.resendAsIs(id)}>
        Resend
      </button>
      {scheme && (
        <button
          type="button"
          className="small"
          data-testid="detail-resend-resigned"
          disabled={removed || missing !== null || rawHeaders === undefined}
          title={removed ? REMOVED_CAPTURE_REASON : missing ? `Not offered: ${missing}.` : `${resignLabel(scheme)}, and resend to its forward target (Alt+R)`}
          onClick={() => void workbench.resendAsIs(id, undefined, { resign: true })}
        >
          Resend re-signed
        </button>
      )}
      <button type="button" className="small" data-testid="detail-edit" disabled={removed} title={removed ? REMOVED_CAPTURE_REASON : 'Edit and send (e)'} onClick={() => void workbench.openCapture(id)}>
        Edit
      </button>
      <button type="button" className="small" data-testid="detail-save" disabled={removed} title={removed ? REMOVED_CAPTURE_REASON : 'Save to a collection (s)'} onClick={() => actions.setSavePicker({ captureId: id })}>
        Save
      </button>
      <CompareButton small request={{ kind: 'capture', id }} label={captureLabel(summary)} title="Compare with another request" testId="detail-compare" disabledReason={removed ? REMOVED_CAPTURE_REASON : null} />
      {replays > 0 && (
        <button type="button" className="small" data-testid="detail-replays" title="What each replay of this request sent and got back" onClick={() => void workbench.showReplaysOf(id)}>
          Replays ({replays})
        </button>
      )}
    </span>
  )
}
