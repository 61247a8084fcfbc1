// The replays of the composer's origin (or the latest replays of anything, for a request composed
// from scratch): each one opens on the response side, loads into the editor, or is compared. A row
// names the request it sent (method and path; the whole URL in its title) and keeps its actions in
// view: what does not fit ends in an ellipsis, its full text in a title and in the response panel.
import { useEffect } from 'react'
import { requestTargetOf } from '../../../../shared/formats/http-parts'
import type { Verdict } from '../../../../shared/signatures'
import { sentVerdictNote, verdictBadge } from '../../text/verdict-text'
import { formatClock, formatDuration, statusClassOf } from '../../text/format'
import { displayText } from '../../text/visible-text'
import { statusLine, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { VisibleText } from '../visible-text'
import { CompareButton } from './compare-button'

export function ReplaysList() {
  const workbench = useWorkbench()
  const replays = useWorkbenchState((s) => s.replays)
  const originId = useWorkbenchState((s) => s.composer.originId)
  const shownId = useWorkbenchState((s) => s.composer.result?.id ?? null)
  const actions = workbench.store.getState()
  useEffect(() => {
    void workbench.loadReplays()
  }, [workbench, originId])
  return (
    <section className="replays" data-testid="replays">
      <div className="section-bar">
        <h3>{originId ? 'Replays of this request' : 'Recent replays'}</h3>
        <span className="muted">{replays.length}</span>
      </div>
      {replays.length === 0 ? (
        <p className="muted">Nothing sent yet.</p>
      ) : (
        <ul className="replay-list">
          {replays.map((replay) => {
            const status = replay.response?.status
            return (
              <li key={replay.id} className={replay.id === shownId ? 'replay-row shown' : 'replay-row'} data-testid="replay-row" data-replay-id={replay.id}>
                <button type="button" className="replay-open" data-testid="replay-open" onClick={() => void workbench.openReplay(replay.id, { intoEditor: false })} title="Show what came back">
                  <span className="replay-request" data-testid="replay-request" title={`${displayText(replay.request.method)} ${displayText(replay.request.url)}`}>
                    <span className="replay-method">
                      <VisibleText value={replay.request.method} byteString />
                    </span>{' '}
                    <VisibleText value={requestTargetOf(replay.request.url)} byteString />
                  </span>
                  <span className="replay-meta">
                    <span className="muted">{formatClock(replay.sentAt)}</span>
                    <span className={`status replay-status ${statusClassOf(status)}`} data-testid="replay-status" title={displayText(statusLine(replay))}>
                      <VisibleText value={statusLine(replay)} byteString />
                    </span>
                    <span className="muted">{formatDuration(replay.timings.totalMs)}</span>
                    {replay.resigned && <span className="badge ok">re-signed</span>}
                    {replay.signature && replay.signature.kind !== 'valid' && <SignatureBadge verdict={replay.signature} sentAt={replay.sentAt} />}
                  </span>
                </button>
                <button type="button" className="small" data-testid="replay-edit" title="Load what was sent into the editor" onClick={() => void workbench.openReplay(replay.id)}>
                  Edit
                </button>
                {replay.originId && (
                  <button type="button" className="small" data-testid="replay-diff" title="Compare with the captured request" onClick={() => actions.setDiff({ left: { kind: 'capture', id: replay.originId! }, right: { kind: 'replay', id: replay.id } })}>
                    Diff
                  </button>
                )}
                <CompareButton small request={{ kind: 'replay', id: replay.id }} label={`The replay of ${formatClock(replay.sentAt)}`} title="Compare with any other request" testId="replay-compare" />
                <button type="button" className="small" data-testid="replay-save" title="Save to a collection" onClick={() => actions.setSavePicker({ replayId: replay.id })}>
                  Save
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

function SignatureBadge({ verdict, sentAt }: { verdict: Verdict; sentAt: number }) {
  const badge = verdictBadge(verdict)
  return (
    <span className={`badge ${badge.tone}`} title={`${badge.title} ${sentVerdictNote(sentAt)}`} data-testid="replay-signature">
      {badge.short}
    </span>
  )
}
