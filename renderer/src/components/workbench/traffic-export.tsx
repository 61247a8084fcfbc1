// "Export": every request the list counts (its search and filters), read from the engine whatever
// the list has loaded, as HAR with their recorded responses or as cURL commands, downloaded as one
// file. A long export shows how far it is (in bytes of work, so that one large request advances as
// its file is written and read) and can be cancelled.
import { useTraffic } from '../../state/context'
import { countedRequests } from '../../state/traffic-store'
import { formatCount } from '../../text/format'
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
import type { ExportProgress } from '../../workbench/list-export'
import '../../styles/workbench.css'

/** How much of the export's work is done, in whole percents (100 only once it is all done). */
export function exportPercent(progress: Pick<ExportProgress, 'bytesDone' | 'bytesTotal'>): number {
  if (progress.bytesTotal <= 0) return 0
  return Math.floor((100 * Math.min(progress.bytesDone, progress.bytesTotal)) / progress.bytesTotal)
}

function progressText(progress: ExportProgress): string {
  if (progress.phase === 'listing') return `Finding the requests to export… ${formatCount(progress.done)} of ${formatCount(progress.total)}`
  const which = progress.total === 1 ? '1 request' : `${formatCount(progress.done)} of ${formatCount(progress.total)} requests`
  return `Exporting ${which}… ${exportPercent(progress)} %`
}

/**
 * What screen readers hear: the same words, in quarters. The visible percent changes up to a hundred
 * times in one export, and a status read out at each change would queue as many announcements.
 */
export function spokenProgressText(progress: ExportProgress): string {
  if (progress.phase === 'listing') return 'Finding the requests to export…'
  const which = progress.total === 1 ? '1 request' : `${formatCount(progress.total)} requests`
  const quarter = Math.floor(exportPercent(progress) / 25) * 25
  return quarter === 0 ? `Exporting ${which}…` : `Exporting ${which}… ${quarter} %`
}

export function TrafficExport() {
  const workbench = useWorkbench()
  const count = useTraffic((s) => (s.loaded ? countedRequests(s) : 0))
  const progress = useWorkbenchState((s) => s.listExport)
  const busy = progress !== null
  return (
    <span className="export-buttons" role="group" aria-label="Export the requests shown">
      <span className="muted">Export</span>
      <button type="button" className="small" data-testid="traffic-export-har" disabled={busy || count === 0} title="Export every request the list counts as HAR (with their responses)" onClick={() => void workbench.exportList('har')}>
        HAR
      </button>
      <button type="button" className="small" data-testid="traffic-export-curl" disabled={busy || count === 0} title="Export every request the list counts as cURL commands" onClick={() => void workbench.exportList('curl')}>
        cURL
      </button>
      {progress && (
        <>
          <progress className="export-progress" data-testid="traffic-export-bar" aria-label="Export progress" max={Math.max(1, progress.bytesTotal)} value={progress.phase === 'exporting' ? progress.bytesDone : undefined} />
          <span className="muted" aria-hidden="true" data-testid="traffic-export-progress">
            {progressText(progress)}
          </span>
          <span className="visually-hidden" role="status" data-testid="traffic-export-spoken">
            {spokenProgressText(progress)}
          </span>
          <button type="button" className="small" data-testid="traffic-export-cancel" title="Cancel the export: no file is saved" onClick={() => workbench.cancelListExport()}>
            Cancel
          </button>
        </>
      )}
    </span>
  )
}
