// The body a target answered one forwarding attempt with, in the same viewers as request bodies:
// decoded for display unless raw bytes are asked for, picked by Content-Type or by sniffing, head and
// tail past the display cap, and "save full body".
import { useMemo, useState } from 'react'
import type { ForwardAttempt } from '../../../../shared/model'
import type { DisplayBody } from '../../body/body-loader'
import { useBodySave, useDisplayBody } from '../../body/use-body'
import { useStores } from '../../state/context'
import { attemptBodySource } from '../../state/forward-commands'
import { chooseViewer, parseMediaType } from '../../text/content-type'
import { formatBytes } from '../../text/format'
import { decodeByteString } from '../../text/visible-text'
import { BodyContent, resolveViewer, type ViewChoice } from '../viewers/body-content'
import { FormattedViewer } from '../viewers/formatted-viewer'
import { HexViewer } from '../viewers/hex-viewer'
import { BodyToolbar } from '../viewers/body-toolbar'

function headerOf(attempt: ForwardAttempt, name: string): string | null {
  const pair = attempt.rawHeaders.find(([n]) => n.toLowerCase() === name)
  return pair ? decodeByteString(pair[1]) : null
}

export function AttemptBody({ captureId, attempt }: { captureId: string; attempt: ForwardAttempt }) {
  const { api, app } = useStores()
  const source = useMemo(() => attemptBodySource(api, captureId), [api, captureId])
  const [decode, setDecode] = useState(true)
  const [choice, setChoice] = useState<ViewChoice>('auto')
  const size = attempt.body?.size ?? 0
  const hasBody = size > 0
  const contentType = headerOf(attempt, 'content-type')
  const encoding = headerOf(attempt, 'content-encoding')?.trim().toLowerCase()
  const encoded = encoding !== undefined && encoding !== '' && encoding !== 'identity'

  const state = useDisplayBody(source, attempt.id, decode, hasBody)
  const { saving, save: saveBody } = useBodySave((message) => app.getState().showToast(message, 'error'))
  const save = () =>
    saveBody(source, attempt.id, decode, parseMediaType(contentType)?.essence ?? 'application/octet-stream', `${captureId}-attempt-${attempt.n}${decode ? '' : '.raw'}.body`, 'response.bin')

  return (
    <div className="attempt-body" data-testid="attempt-body">
      <BodyToolbar
        testIds={{ viewAs: 'attempt-body-view-as', raw: 'attempt-body-raw', size: 'attempt-body-size', save: 'attempt-body-save' }}
        choice={choice}
        onChoice={setChoice}
        decode={decode}
        onDecode={setDecode}
        size={`${formatBytes(size)}${attempt.body?.truncated ? ' kept (truncated)' : ''}`}
        save={hasBody ? { label: 'Save body', saving, onSave: () => void save() } : null}
      />
      {attempt.body?.truncated && (
        <p className="flag-note warning" data-testid="attempt-body-truncated">
          The target’s answer was longer than Hookscope keeps: only its first {formatBytes(size)} were stored.
        </p>
      )}
      {!hasBody ? (
        <BodyContent bytes={new Uint8Array(0)} contentType={null} kind="empty" />
      ) : state.status === 'loading' ? (
        <p className="viewer-status">Loading body…</p>
      ) : state.status === 'failed' ? (
        <p className="viewer-note error" data-testid="attempt-body-error">
          Could not load the body: {state.message}
        </p>
      ) : (
        <LoadedAttemptBody body={state.body} choice={choice} contentType={contentType} stillEncoded={!decode && encoded} />
      )}
    </div>
  )
}

function LoadedAttemptBody({ body, choice, contentType, stillEncoded }: { body: DisplayBody; choice: ViewChoice; contentType: string | null; stillEncoded: boolean }) {
  const flags = (
    <>
      {body.decodedFrom.length > 0 && (
        <p className="flag-note" data-testid="attempt-body-decoded">
          Decoded from {body.decodedFrom.join(', ')} for display ({formatBytes(body.totalSize)} decoded).
        </p>
      )}
      {body.capped && <p className="flag-note warning">Decoding stopped at the display cap; the rest of the decoded body is not shown.</p>}
      {body.decodeError && <p className="flag-note error">Could not decode ({body.decodeError}); showing the bytes as stored.</p>}
    </>
  )
  if (body.tail !== null) {
    const kind = resolveViewer(choice, contentType, body.head)
    const asHex = kind === 'hex' || kind === 'image'
    const hidden = body.totalSize - body.head.length - body.tail.length
    return (
      <>
        {flags}
        <p className="flag-note" data-testid="attempt-body-head-tail">
          This body is {formatBytes(body.totalSize)}: showing its first {formatBytes(body.head.length)} and last {formatBytes(body.tail.length)}. Save the body to see all of it.
        </p>
        {asHex ? <HexViewer bytes={body.head} testId="body-head" /> : <FormattedViewer bytes={body.head} kind="text" language={null} testId="body-head" />}
        <p className="body-gap">… {formatBytes(Math.max(0, hidden))} not shown …</p>
        {asHex ? <HexViewer bytes={body.tail} startOffset={body.totalSize - body.tail.length} testId="body-tail" /> : <FormattedViewer bytes={body.tail} kind="text" language={null} testId="body-tail" />}
      </>
    )
  }
  const kind = choice !== 'auto' ? choice : stillEncoded ? 'hex' : chooseViewer(contentType, body.head)
  return (
    <>
      {flags}
      <BodyContent bytes={body.head} contentType={contentType} kind={kind === 'multipart' ? 'text' : kind} />
    </>
  )
}
