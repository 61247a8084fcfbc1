// One row of the live list. It selects its own record (by id) and nothing else: the list passes what
// every row shares (the selection, endpoint names), so a batch renders only new rows and rows whose
// captures changed, and mounting a row subscribes it to the store once.
import { memo } from 'react'
import type { Endpoint } from '../../../shared/model'
import { useStores, useTraffic } from '../state/context'
import { formatBytes, formatClock, formatDuration, statusClassOf } from '../text/format'
import { CaptureBadges, ForwardBadge, SignatureBadge } from './capture-badges'
import { VisibleText } from './visible-text'

export const ROW_HEIGHT = 30

export interface TrafficRowProps {
  id: string
  selected?: boolean
  opened?: boolean
  /** Endpoints by id, for the endpoint column (the list passes one map to every row). */
  endpoints?: Record<string, Endpoint>
}

export const TrafficRow = memo(function TrafficRow({ id, selected = false, opened = false, endpoints }: TrafficRowProps) {
  const { traffic } = useStores()
  const capture = useTraffic((s) => s.byId[id])
  const endpointName = capture && endpoints ? endpoints[capture.endpointId]?.name : undefined
  if (!capture) return null
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`traffic-row${selected ? ' selected' : ''}${opened ? ' opened' : ''}`}
      data-testid="traffic-row"
      data-capture-id={id}
      onClick={() => traffic.getState().open(id)}
    >
      <span className="cell time">{formatClock(capture.receivedAt)}</span>
      <span className={`cell method method-${capture.method.toLowerCase()}`} data-testid="row-method">
        <VisibleText value={capture.method} byteString />
      </span>
      <span className="cell path" data-testid="row-path">
        <VisibleText value={capture.target} byteString />
      </span>
      <span className={`cell status ${statusClassOf(capture.status)}`} data-testid="row-status">
        {capture.status ?? '…'}
      </span>
      <span className="cell size">{formatBytes(capture.bodySize)}</span>
      <span className="cell duration">{formatDuration(capture.durationMs)}</span>
      <span className="cell endpoint">{endpointName ?? ''}</span>
      <span className="cell flags">
        {/* Mounted only when there is something to show: most rows have no badge at all. */}
        {capture.forward && <ForwardBadge forward={capture.forward} />}
        {capture.signature && <SignatureBadge verdict={capture.signature} />}
        {capture.flags.length > 0 && <CaptureBadges flags={capture.flags} />}
      </span>
    </div>
  )
})
