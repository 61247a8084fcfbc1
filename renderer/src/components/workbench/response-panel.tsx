// What came back from a replay: the status line (a redirect shown as it is: Hookscope never follows
// one), the timings, the response headers, and the response body in the same viewers as captured
// requests; when nothing came back, why, in words, in place of the status line; when the engine did
// not send it at all, why, in place of an earlier answer; a certificate the request can accept, offered
// with a send that accepts it. Also what was sent, as the engine framed it.
import { useEffect, useId, useState } from 'react'
import type { Replay } from '../../../../shared/model'
import type { Verdict } from '../../../../shared/signatures'
import { base64ToBytes, WHOLE_BODY_MAX_BYTES } from '../../body/body-loader'
import { useStores } from '../../state/context'
import { chooseViewer } from '../../text/content-type'
import { formatBytes, formatClock, formatDateTime, formatDuration, statusClassOf } from '../../text/format'
import { statusLine, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { BodyContent } from '../viewers/body-content'
import { VisibleText } from '../visible-text'
import { RawHeaderTable } from './raw-header-table'
import { refusedSignature, SCHEME_LABELS, sentVerdictNote, verdictBadge, type Tone } from '../../text/verdict-text'
import { TabList, TabPanel } from '../tabs'
import { errorMessage } from '../../../../shared/errors'
import { sendErrorText } from '../../text/send-error-text'

type Tab = 'body' | 'headers' | 'sent'
type BodyState = { status: 'loading' } | { status: 'loaded'; bytes: Uint8Array; total: number; decodedFrom: string[] } | { status: 'failed'; message: string }

export function ResponsePanel() {
  const workbench = useWorkbench()
  const result = useWorkbenchState((s) => s.composer.result)
  const sending = useWorkbenchState((s) => s.composer.sending)
  const notSent = useWorkbenchState((s) => s.composer.notSent)
  const kept = useWorkbenchState((s) => s.composer.result !== null && s.composer.result.id === s.composer.keptResultId)
  const [tab, setTab] = useState<Tab>('body')
  const tabsId = useId()
  if (notSent !== null && !sending) {
    return (
      <section className="response-panel" data-testid="response-panel">
        <div className="response-head">
          <strong className="status status-none" data-testid="response-status">
            Not sent
          </strong>
        </div>
        <p className="viewer-note error" data-testid="response-error">
          {notSent}
        </p>
      </section>
    )
  }
  if (!result) {
    return (
      <section className="response-panel empty" data-testid="response-panel">
        <p className="muted">{sending ? 'Sending…' : 'Send the request to see the response here. Redirects are shown as they come, never followed.'}</p>
      </section>
    )
  }
  const contentType = result.response?.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? null
  const signatureBadge = result.signature ? verdictBadge(result.signature) : null
  const signatureNote = result.signature ? sentSignatureNote(result.signature, result.resigned !== null, result.sentAt) : null
  // No answer: the status line's place says so in a few words, and one note says what happened (also
  // when an answer began and was cut short).
  const failure = result.error ? sendErrorText(result.error, result.request.url) : null
  return (
    <section className="response-panel" data-testid="response-panel" data-replay-id={result.id}>
      <div className="response-head">
        <strong className={`status ${statusClassOf(result.response?.status)}`} data-testid="response-status">
          {failure && !result.response ? failure.headline : <VisibleText value={statusLine(result)} byteString />}
        </strong>
        {result.resigned && (
          <span className="badge ok" data-testid="response-resigned">
            re-signed ({SCHEME_LABELS[result.resigned.scheme]}
            {result.resigned.renewedId ? ', new id' : ''})
          </span>
        )}
        {signatureBadge && (
          <span className={`badge ${signatureBadge.tone}`} title={`${signatureBadge.title} ${sentVerdictNote(result.sentAt)}`} data-testid="response-signature">
            {signatureBadge.label}
          </span>
        )}
        <span className="muted" data-testid="response-timings" title="Connect · first byte · total">
          {formatDuration(result.timings.connectMs)} · {formatDuration(result.timings.firstByteMs)} · {formatDuration(result.timings.totalMs)}
        </span>
        <span className="spacer" />
        <span className="muted">{formatClock(result.sentAt)}</span>
        {result.originId && (
          <button type="button" className="small" data-testid="response-diff" title="Compare what was sent with the captured request" onClick={() => workbench.store.getState().setDiff({ left: { kind: 'capture', id: result.originId! }, right: { kind: 'replay', id: result.id } })}>
            Diff with original
          </button>
        )}
      </div>
      {kept && (
        <p className="flag-note" data-testid="response-kept">
          The answer shown before the page was reloaded, to the request sent at {formatDateTime(result.sentAt)}. Send to get a new one.
        </p>
      )}
      <p className="muted response-url">
        <VisibleText value={result.request.method} byteString /> <VisibleText value={result.request.url} byteString />
      </p>
      {result.resigned?.signedUrl && (
        <p className="muted" data-testid="response-signed-url">
          Signed for <VisibleText value={result.resigned.signedUrl.url} byteString />: {SIGNED_URL_FROM[result.resigned.signedUrl.from]}
        </p>
      )}
      {signatureNote && (
        <p className={`viewer-note ${signatureNote.tone === 'danger' ? 'error' : 'warning'}`} data-testid="response-signature-note">
          {signatureNote.text}
        </p>
      )}
      {failure && (
        <p className="viewer-note error" data-testid="response-error">
          <VisibleText value={failure.sentence} />
          {failure.detail !== null && (
            <>
              {' '}
              <code className="error-detail" data-testid="response-error-detail">
                <VisibleText value={failure.detail} />
              </code>
            </>
          )}
        </p>
      )}
      {result.error?.remedy === 'accept-self-signed' && <AcceptSelfSignedOffer sentTo={result.request.url} />}
      <TabList
        tabs={[
          { name: 'body', label: 'Response body' },
          { name: 'headers', label: `Response headers${result.response ? ` (${result.response.headers.length})` : ''}` },
          { name: 'sent', label: 'Sent request' },
        ]}
        selected={tab}
        onSelect={setTab}
        idPrefix={tabsId}
        testIdPrefix="response-tab-"
        label="Response"
      />
      <TabPanel idPrefix={tabsId} selected={tab} className="response-body">
        {tab === 'headers' ? (
          result.response ? <RawHeaderTable headers={result.response.headers} testId="response-headers" /> : <p className="muted">No response.</p>
        ) : tab === 'sent' ? (
          <>
            <p className="muted">Headers as sent (hop-by-hop removed, Content-Length following the body):</p>
            <RawHeaderTable headers={result.request.headers} testId="sent-headers" />
          </>
        ) : result.response?.body && result.response.body.size > 0 ? (
          <ResponseBody key={result.id} replay={result} contentType={contentType} />
        ) : (
          <BodyContent bytes={new Uint8Array(0)} contentType={null} kind="empty" />
        )}
      </TabPanel>
    </section>
  )
}

function originOf(url: string): string | null {
  try {
    return new URL(url.trim()).origin
  } catch {
    return null
  }
}

/**
 * A send refused because no trusted authority vouches for the app's certificate: the Composer's
 * request can accept it, and is sent again accepting it (when it still goes where that send went).
 */
function AcceptSelfSignedOffer({ sentTo }: { sentTo: string }) {
  const workbench = useWorkbench()
  const sameOrigin = useWorkbenchState((s) => originOf(s.composer.request.url) === originOf(sentTo))
  const accepting = useWorkbenchState((s) => s.composer.acceptSelfSigned)
  const sending = useWorkbenchState((s) => s.composer.sending)
  return (
    <p className="viewer-note" data-testid="response-self-signed-offer">
      If it is your app’s own certificate (self-signed, or mkcert’s), the request can accept it without checking who vouches for it
      {sameOrigin && !accepting ? (
        <>
          :{' '}
          <button
            type="button"
            className="small"
            data-testid="response-accept-self-signed"
            disabled={sending}
            onClick={() => {
              workbench.store.getState().setComposer({ acceptSelfSigned: true })
              void workbench.send()
            }}
          >
            Accept it and send again
          </button>
        </>
      ) : (
        ': tick “Accept a self-signed certificate” by the URL.'
      )}
    </p>
  )
}

/** Why a re-signed request was signed for the URL it was (Twilio signs the URL it called): what the app checks. */
const SIGNED_URL_FROM: Record<NonNullable<NonNullable<Replay['resigned']>['signedUrl']>['from'], string> = {
  'public-url': 'the endpoint’s public URL with this request’s path and query, which an app behind that tunnel checks.',
  arrival:
    'the URL Twilio called for the original request (its Host and X-Forwarded-Proto as it arrived), which your app checks as it checked the original. If your app checks another URL, give its address as the endpoint’s public URL.',
  request: 'the URL this request names (its Host). If your app checks the URL it is called on through a tunnel, give that address as the endpoint’s public URL.',
}

/** What the app makes of the signature sent, when it would refuse it: said beside the answer, so that
 * a 400 from the app reads as the signature it refused, with how to send one it accepts. */
function sentSignatureNote(verdict: Verdict, resigned: boolean, sentAt: number): { tone: Tone; text: string } | null {
  const refused = refusedSignature(verdict, sentAt)
  if (!refused) return null
  const fix = !resigned && refused.resignFixes ? ' Turn on re-signing to send it with a fresh signature.' : ''
  return { tone: refused.tone, text: `Sent ${resigned ? 're-signed' : 'without re-signing'}: ${refused.headline}. ${refused.reason ?? ''}${fix}` }
}

function ResponseBody({ replay, contentType }: { replay: Replay; contentType: string | null }) {
  const { api } = useStores()
  const [state, setState] = useState<BodyState>({ status: 'loading' })
  useEffect(() => {
    let alive = true
    api['replay.body']({ id: replay.id, part: 'response', offset: 0, length: WHOLE_BODY_MAX_BYTES, decode: true }).then(
      (chunk) => alive && setState({ status: 'loaded', bytes: base64ToBytes(chunk.base64), total: chunk.totalSize, decodedFrom: chunk.decodedFrom }),
      (error: unknown) => alive && setState({ status: 'failed', message: errorMessage(error) }),
    )
    return () => {
      alive = false
    }
  }, [api, replay.id])
  if (state.status === 'loading') return <p className="viewer-status">Loading body…</p>
  if (state.status === 'failed') return <p className="viewer-note error">Could not load the response body: {state.message}</p>
  return (
    <div data-testid="response-body">
      {state.decodedFrom.length > 0 && <p className="flag-note">Decoded from {state.decodedFrom.join(', ')} for display.</p>}
      {replay.response?.body?.truncated && <p className="flag-note warning">The response went past the stored size; only its first part was kept.</p>}
      {state.total > state.bytes.length && (
        <p className="flag-note">
          Showing the first {formatBytes(state.bytes.length)} of {formatBytes(state.total)}.
        </p>
      )}
      <BodyContent bytes={state.bytes} contentType={contentType} kind={(() => {
        const kind = chooseViewer(contentType, state.bytes)
        return kind === 'multipart' ? 'text' : kind
      })()} />
    </div>
  )
}
