// The Body tab: loads the body for display (decoded unless the user asks for the raw bytes), shows
// what decoding did, picks a viewer, and past the display cap shows the head and the tail with
// "save full body".
import { useState } from 'react'
import type { Capture } from '../../../../shared/model'
import type { DisplayBody } from '../../body/body-loader'
import { useBodySave, useDisplayBody } from '../../body/use-body'
import { useStores } from '../../state/context'
import { bodyEncoding, chooseViewer, jsonDespiteType, parseMediaType } from '../../text/content-type'
import { formatBytes } from '../../text/format'
import { BodyContent, resolveViewer, type ViewChoice } from '../viewers/body-content'
import type { CodeLanguage } from '../viewers/code-block'
import { FormattedViewer } from '../viewers/formatted-viewer'
import { HexViewer } from '../viewers/hex-viewer'
import { MultipartViewer } from '../viewers/multipart-viewer'
import { BodyToolbar } from '../viewers/body-toolbar'

export function BodyTab({ capture }: { capture: Capture }) {
  const { api, app } = useStores()
  const [decode, setDecode] = useState(true)
  const [choice, setChoice] = useState<ViewChoice>('auto')
  const hasBody = capture.body.size > 0
  const state = useDisplayBody(api, capture.id, decode, hasBody)
  const { saving, save: saveBody } = useBodySave((message) => app.getState().showToast(message, 'error'))
  const save = () =>
    saveBody(api, capture.id, decode, parseMediaType(capture.contentType)?.essence ?? 'application/octet-stream', `${capture.id}${decode ? '' : '.raw'}.body`, 'body.bin')

  const isMultipart = parseMediaType(capture.contentType)?.essence.startsWith('multipart/') === true

  return (
    <div className="body-tab" data-testid="body-tab">
      <BodyToolbar
        testIds={{ viewAs: 'body-view-as', raw: 'body-raw-toggle', size: 'body-size', save: 'save-body' }}
        choice={choice}
        onChoice={setChoice}
        decode={decode}
        onDecode={setDecode}
        size={`${formatBytes(capture.body.size)} stored${capture.body.declaredSize !== null && capture.body.declaredSize !== capture.body.size ? `, ${formatBytes(capture.body.declaredSize)} declared` : ''}`}
        save={hasBody ? { label: 'Save full body', saving, onSave: () => void save() } : null}
      />
      {capture.body.truncated && (
        <p className="flag-note warning" data-testid="body-truncated">
          {capture.body.size === 0 && capture.body.declaredSize !== null && capture.body.declaredSize > 0
            ? `The sender declared a body of ${formatBytes(capture.body.declaredSize)}, over the body cap: it was answered 413 without reading the body, so none of it was kept. Raise the body cap in Settings to capture such bodies.`
            : `The body went past the body cap: only its first ${formatBytes(capture.body.size)} were kept.`}
        </p>
      )}
      {capture.flags.includes('incomplete') && (
        <p className="flag-note warning" data-testid="body-incomplete">
          The sender went away before the body ended.
        </p>
      )}
      {!hasBody ? (
        <BodyContent bytes={new Uint8Array(0)} contentType={null} kind="empty" />
      ) : state.status === 'loading' ? (
        <p className="viewer-status">Loading body…</p>
      ) : state.status === 'failed' ? (
        <p className="viewer-note error">Could not load the body: {state.message}</p>
      ) : (
        <LoadedBody capture={capture} body={state.body} choice={choice} isMultipart={isMultipart} decode={decode} save={{ saving, onSave: () => void save() }} />
      )}
    </div>
  )
}

function contentEncodingOf(capture: Capture): string | null {
  const header = capture.rawHeaders.find(([name]) => name.toLowerCase() === 'content-encoding')
  const value = header?.[1].trim().toLowerCase()
  return value && value !== 'identity' ? value : null
}

function DecodingFlags({ body }: { body: DisplayBody }) {
  return (
    <>
      {body.decodedFrom.length > 0 && (
        <p className="flag-note" data-testid="body-decoded">
          Decoded from {body.decodedFrom.join(', ')} for display ({formatBytes(body.totalSize)} decoded).
        </p>
      )}
      {body.capped && (
        <p className="flag-note warning" data-testid="body-capped">
          Decoding stopped at the display cap; the rest of the decoded body is not shown.
        </p>
      )}
      {body.decodeError && (
        <p className="flag-note error" data-testid="body-decode-error">
          Could not decode ({body.decodeError}); showing the bytes as stored.
        </p>
      )}
    </>
  )
}

interface LoadedBodyProps {
  capture: Capture
  body: DisplayBody
  choice: ViewChoice
  isMultipart: boolean
  decode: boolean
  save: { saving: boolean; onSave: () => void }
}

function LoadedBody({ capture, body, choice, isMultipart, decode, save }: LoadedBodyProps) {
  // Parts come from the engine, which splits the whole body: a large upload shows its parts (and its
  // files to save) rather than a head and tail of raw bytes.
  if (isMultipart && choice === 'auto' && decode) {
    return (
      <>
        <DecodingFlags body={body} />
        <MultipartViewer captureId={capture.id} />
      </>
    )
  }
  if (body.tail !== null) {
    const kind = resolveViewer(choice, capture.contentType, body.head)
    const asHex = kind === 'hex' || kind === 'image'
    const hidden = body.totalSize - body.head.length - body.tail.length
    const charset = bodyEncoding(capture.contentType, body.head)
    // The head starts where the body does: JSON and XML are re-indented from there, XML and HTML highlighted.
    // The tail starts at an unknown place (within a string, maybe), so it is shown as sent, wrapped,
    // without line numbers it could not know.
    const headLanguage: CodeLanguage = kind === 'json' || kind === 'xml' || kind === 'html' ? kind : null
    const headName = `Body, its first ${formatBytes(body.head.length)}`
    const tailName = `Body, its last ${formatBytes(body.tail.length)}`
    return (
      <>
        <DecodingFlags body={body} />
        <p className="flag-note" data-testid="body-head-tail">
          This body is {formatBytes(body.totalSize)}: showing its first {formatBytes(body.head.length)}
          {kind === 'json' || kind === 'xml' ? ' (re-indented)' : ''} and its last {formatBytes(body.tail.length)}
          {asHex ? '' : ' (as sent, long lines wrapped)'}. Select all (Ctrl+A, ⌘A on macOS) in either part selects that part only: save the full body to see or copy all of it.{' '}
          <button type="button" className="link-button" data-testid="body-head-tail-save" disabled={save.saving} onClick={save.onSave}>
            {save.saving ? 'Saving…' : 'Save full body'}
          </button>
        </p>
        {asHex ? (
          <HexViewer bytes={body.head} testId="body-head" label={headName} />
        ) : (
          <FormattedViewer bytes={body.head} kind={kind === 'json' ? 'json-head' : kind === 'xml' ? 'xml-head' : 'text'} language={headLanguage} testId="body-head" charset={charset} wrap name={headName} />
        )}
        <p className="body-gap" data-testid="body-gap">
          … {formatBytes(Math.max(0, hidden))} not shown …
        </p>
        {asHex ? (
          <HexViewer bytes={body.tail} startOffset={body.totalSize - body.tail.length} testId="body-tail" label={tailName} />
        ) : (
          <FormattedViewer bytes={body.tail} kind="text" language={null} testId="body-tail" charset={charset} wrap numbered={false} name={tailName} />
        )}
      </>
    )
  }
  const stillEncoded = !decode && contentEncodingOf(capture) !== null
  const kind = choice !== 'auto' ? choice : stillEncoded ? 'hex' : chooseViewer(capture.contentType, body.head)
  const declared = choice === 'auto' && kind === 'json' ? jsonDespiteType(capture.contentType, body.head) : null
  return (
    <>
      <DecodingFlags body={body} />
      {declared !== null && (
        <p className="flag-note" data-testid="body-type-note">
          Shown as JSON: the body is JSON, though its Content-Type says {declared}.{' '}
          {declared === 'application/x-www-form-urlencoded' ? 'View as Form to see it as a form.' : 'View as Text to see it as sent.'}
        </p>
      )}
      <BodyContent bytes={body.head} contentType={capture.contentType} kind={kind === 'multipart' ? 'text' : kind} />
    </>
  )
}
