// The opened capture: fetched in full when a row is opened, shown in tabs, with the copy actions.
import { useEffect, useId, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { Capture } from '../../../../shared/model'
import { copyAsCurl, isStillInProgress } from '../../export/copy-actions'
import { DETAIL_TABS, type DetailTab } from '../../state/app-store'
import { useApp, useStores, useTraffic } from '../../state/context'
import { formatCount } from '../../text/format'
import { displayText } from '../../text/visible-text'
import { VisibleText } from '../visible-text'
import { CaptureActions, REMOVED_CAPTURE_REASON } from '../workbench/capture-actions'
import { BodyTab } from './body-tab'
import { CookiesTab } from './cookies-tab'
import { DetailSplitter } from './detail-splitter'
import { TabList, TabPanel } from '../tabs'
import { ForwardingTab } from './forwarding-tab'
import { HeadersTab } from './headers-tab'
import { OverviewTab } from './overview-tab'
import { QueryTab } from './query-tab'
import { RawTab } from './raw-tab'
import { SignatureTab } from './signature-tab'
import { TimingsTab } from './timings-tab'
import { errorMessage } from '../../../../shared/errors'

const TAB_LABELS: Record<DetailTab, string> = {
  overview: 'Overview',
  headers: 'Headers',
  query: 'Query',
  cookies: 'Cookies',
  body: 'Body',
  forwarding: 'Forwarding',
  signature: 'Signature',
  raw: 'Raw',
  timings: 'Timings',
}

const DETAIL_TAB_DEFS = DETAIL_TABS.map((name) => ({ name, label: TAB_LABELS[name] }))

type DetailState =
  | { status: 'loading'; id: string }
  | { status: 'loaded'; capture: Capture }
  | { status: 'failed'; id: string; message: string }
  /** Listed as it arrived, but not stored and answered yet: its body is still arriving, or its answer is being waited for. */
  | { status: 'in-flight'; id: string }

export function CaptureDetail({ id }: { id: string }) {
  const { api, app, traffic } = useStores()
  const summaryStatus = useTraffic((s) => s.byId[id]?.status ?? null)
  const summaryDuration = useTraffic((s) => s.byId[id]?.durationMs ?? null)
  // A request whose sender left while it waited ends with neither a status nor a duration: its end is this.
  const summaryInFlight = useTraffic((s) => s.byId[id]?.inFlight === true)
  const tab = useApp((s) => s.detailTab)
  const removed = useTraffic((s) => s.openedId === id && s.openedRemoved)
  // Out of reach of the engine, a capture cannot be read: the one shown stays, and a capture that could
  // not be read is read again once the page is connected.
  const connected = useApp((s) => s.connection.kind === 'open' || s.connection.kind === 'connecting')
  const [state, setState] = useState<DetailState>({ status: 'loading', id })
  const paneId = useId()
  const tabsId = useId()

  useEffect(() => {
    let alive = true
    const shown = (previous: DetailState) => previous.status === 'loaded' && previous.capture.id === id
    if (!connected) {
      setState((previous) => (shown(previous) ? previous : { status: 'failed', id, message: 'This page is not connected to Hookscope: the request opens once it is connected again.' }))
      return
    }
    setState((previous) => (shown(previous) ? previous : { status: 'loading', id }))
    api['captures.get']({ id }).then(
      // Stored as it arrived whole, but still waiting out its endpoint's response delay: its answer's row brings it back here.
      (capture) => alive && setState(capture.inFlight ? { status: 'in-flight', id } : { status: 'loaded', capture }),
      (error: unknown) => {
        if (!alive) return
        // A request is listed when its headers arrive and stored once it is answered: until then there
        // is nothing to read. Its row's answer (or its removal) brings the detail back here.
        if (isStillInProgress(error, traffic.getState().byId[id])) setState({ status: 'in-flight', id })
        else setState({ status: 'failed', id, message: errorMessage(error) })
      },
    )
    return () => {
      alive = false
    }
  }, [api, id, summaryStatus, summaryDuration, summaryInFlight, connected])

  return (
    <section id={paneId} className="detail" data-testid="detail" aria-label="Request detail" tabIndex={-1} data-detail-region>
      <DetailSplitter controls={paneId} />
      <div className="detail-header">
        <DetailTitle id={id} />
        <CaptureActions id={id} rawHeaders={state.status === 'loaded' && state.capture.id === id ? state.capture.rawHeaders : undefined} removed={removed} />
        <button type="button" data-testid="copy-curl" disabled={removed} title={removed ? REMOVED_CAPTURE_REASON : 'Copy as cURL (c)'} onClick={() => void copyAsCurl(api, app, traffic, id)}>
          Copy as cURL
        </button>
        <button type="button" data-testid="copy-code" disabled={removed} title={removed ? REMOVED_CAPTURE_REASON : 'Copy as code (Shift+C)'} onClick={() => app.getState().setCodeSheetFor(id)}>
          Code…
        </button>
        <button type="button" className="icon-button" data-testid="detail-close" aria-label="Close detail" title="Close (Esc)" onClick={() => traffic.getState().open(null)}>
          ×
        </button>
      </div>
      {removed && <RemovedNote />}
      <TabList tabs={DETAIL_TAB_DEFS} selected={tab} onSelect={(name) => app.getState().setDetailTab(name)} idPrefix={tabsId} testIdPrefix="tab-" label="Request detail" />
      <TabPanel idPrefix={tabsId} selected={tab} className="detail-body" testId={`panel-${tab}`}>
        {state.status === 'loading' ? (
          <p className="viewer-status">Loading…</p>
        ) : state.status === 'in-flight' ? (
          <InFlight id={id} />
        ) : state.status === 'failed' ? (
          <p className="viewer-note error" data-testid="detail-error">
            {state.message}
          </p>
        ) : (
          <DetailPanel tab={tab} capture={state.capture} />
        )}
      </TabPanel>
    </section>
  )
}

/** The request shown was removed from the history (retention) while it was open. */
function RemovedNote() {
  return (
    <p className="viewer-note warning detail-removed" role="status" data-testid="detail-removed">
      Retention removed this request from the history (its limits are in Settings). It stays here until you open another, but it can no longer be resent, edited,
      saved, compared or copied, and a body not shown yet may not load.
    </p>
  )
}

/** What a request not stored yet is waiting for: the rest of its body, or the endpoint's answer. */
function InFlight({ id }: { id: string }) {
  const endpointId = useTraffic((s) => s.byId[id]?.endpointId ?? null)
  const endpoint = useApp((s) => (endpointId === null ? undefined : s.endpointsById[endpointId]))
  const delayMs = endpoint?.response.delayMs ?? 0
  return (
    <div className="viewer-note" data-testid="detail-in-flight">
      <p>This request is still in progress: its body is still arriving, or its answer is on its way. It opens here once it is received and answered.</p>
      {endpoint && delayMs > 0 && (
        <p>
          “{endpoint.name}” waits {formatCount(delayMs)} ms before it answers (its response delay).
        </p>
      )}
    </div>
  )
}

function DetailTitle({ id }: { id: string }) {
  const summary = useTraffic(
    useShallow((s) => {
      const capture = s.byId[id]
      return { method: capture?.method ?? '', target: capture?.target ?? '' }
    }),
  )
  return (
    <span className="detail-title">
      <span className={`method method-${summary.method.toLowerCase()}`}>
        <VisibleText value={summary.method} byteString />
      </span>
      <span className="detail-path" data-testid="detail-target" title={displayText(summary.target)}>
        <VisibleText value={summary.target} byteString />
      </span>
    </span>
  )
}

function DetailPanel({ tab, capture }: { tab: DetailTab; capture: Capture }) {
  switch (tab) {
    case 'overview':
      return <OverviewTab capture={capture} />
    case 'headers':
      return <HeadersTab headers={capture.rawHeaders} trailers={capture.rawTrailers} />
    case 'query':
      return <QueryTab target={capture.target} />
    case 'cookies':
      return <CookiesTab headers={capture.rawHeaders} />
    case 'body':
      return <BodyTab key={capture.id} capture={capture} />
    case 'forwarding':
      return <ForwardingTab key={capture.id} capture={capture} />
    case 'signature':
      return <SignatureTab key={capture.id} capture={capture} />
    case 'raw':
      return <RawTab capture={capture} />
    case 'timings':
      return <TimingsTab capture={capture} />
  }
}
