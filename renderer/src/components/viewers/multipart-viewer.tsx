// multipart/form-data bodies, part by part: each part's header lines as sent, its content through the
// matching viewer, and a download for files. The engine splits the parts (captures.parts).
import { useEffect, useMemo, useState } from 'react'
import type { BodyPart } from '../../../../shared/model'
import { base64ToBytes, downloadBlob, safeFilename } from '../../body/body-loader'
import { useStores } from '../../state/context'
import { chooseViewer } from '../../text/content-type'
import { formatBytes } from '../../text/format'
import { VisibleText } from '../visible-text'
import { BodyContent } from './body-content'
import { errorMessage } from '../../../../shared/errors'

type PartsState = { status: 'loading' } | { status: 'done'; parts: BodyPart[]; error: string | null } | { status: 'failed'; message: string }

export function MultipartViewer({ captureId }: { captureId: string }) {
  const { api } = useStores()
  const [state, setState] = useState<PartsState>({ status: 'loading' })
  useEffect(() => {
    let alive = true
    setState({ status: 'loading' })
    api['captures.parts']({ id: captureId }).then(
      (result) => alive && setState({ status: 'done', parts: result.parts, error: result.error }),
      (error: unknown) => alive && setState({ status: 'failed', message: errorMessage(error) }),
    )
    return () => {
      alive = false
    }
  }, [api, captureId])
  if (state.status === 'loading') return <p className="viewer-status">Reading parts…</p>
  if (state.status === 'failed') return <p className="viewer-note error">Could not read the parts: {state.message}</p>
  return (
    <div className="viewer multipart" data-testid="viewer-multipart">
      {state.error && (
        <p className="viewer-note error" data-testid="multipart-error">
          {state.error}
        </p>
      )}
      {state.parts.length === 0 && <p className="viewer-status">No parts.</p>}
      {state.parts.map((part, index) => (
        <MultipartPart key={index} part={part} index={index} />
      ))}
    </div>
  )
}

function MultipartPart({ part, index }: { part: BodyPart; index: number }) {
  const bytes = useMemo(() => base64ToBytes(part.base64), [part.base64])
  // The header lines as sent; if the engine could not find them, what busboy understood of them.
  const raw = part.rawHeaders.length > 0
  const headers: Array<[string, string]> = raw ? part.rawHeaders : understoodHeaders(part)
  // Its Content-Type as sent, parameters included (busboy's keeps only the media type), so that a
  // part in a declared charset (mail parsers' text/plain; charset=iso-8859-1) is read in it.
  const contentType = (raw ? headerValue(part.rawHeaders, 'content-type') : null) ?? (part.contentType || null)
  const kind = chooseViewer(contentType, bytes)
  return (
    <section className="part" data-testid="multipart-part">
      <header className="part-header">
        <strong data-testid="part-name">
          <VisibleText value={part.name} />
        </strong>
        {part.filename !== null && (
          <span className="part-filename" data-testid="part-filename">
            <VisibleText value={part.filename} />
          </span>
        )}
        <span className="muted">
          {formatBytes(part.size)}
          {part.truncated ? ` (first ${formatBytes(bytes.length)} shown)` : ''}
        </span>
        {part.filename !== null && (
          <button
            type="button"
            data-testid="part-download"
            onClick={() => downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), safeFilename(part.filename ?? '', `part-${index + 1}.bin`))}
          >
            Download{part.truncated ? ' (partial)' : ''}
          </button>
        )}
      </header>
      <table className="kv-table compact" data-testid={raw ? 'part-raw-headers' : 'part-headers'}>
        <tbody>
          {headers.map(([name, value], line) => (
            <tr key={line}>
              <td className="kv-name">
                <VisibleText value={name} byteString={raw} />
              </td>
              <td className="kv-value">
                <VisibleText value={value} byteString={raw} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <BodyContent bytes={bytes} contentType={contentType} kind={kind} />
    </section>
  )
}

function headerValue(headers: Array<[string, string]>, name: string): string | null {
  const found = headers.find(([key]) => key.toLowerCase() === name)
  return found ? found[1].trim() || null : null
}

function understoodHeaders(part: BodyPart): Array<[string, string]> {
  const disposition = `form-data; name="${part.name}"${part.filename !== null ? `; filename="${part.filename}"` : ''}`
  const headers: Array<[string, string]> = [['Content-Disposition', disposition]]
  if (part.contentType) headers.push(['Content-Type', part.contentType])
  if (part.transferEncoding && part.transferEncoding !== '7bit') headers.push(['Content-Transfer-Encoding', part.transferEncoding])
  return headers
}
