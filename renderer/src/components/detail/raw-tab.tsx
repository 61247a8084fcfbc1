// The request as it crossed the wire: request line, header lines, blank line, then the start of the
// body as stored (not decoded). A body that declares a charset (its Content-Type, or an XML or HTML
// document's byte-order mark or own declaration) is read in it, as the Body tab and search read it.
// Invisible characters are badges, bytes that are not UTF-8 escapes (a latin1 word, a file in a
// multipart body); a body that is mostly such bytes is left to the Body tab.
import { useEffect, useState } from 'react'
import type { Capture } from '../../../../shared/model'
import { encodingNote } from '../../body/body-format'
import { captureUrl, missingHostNote } from '../../export/capture-request'
import { base64ToBytes } from '../../body/body-loader'
import { useApp, useStores } from '../../state/context'
import { bodyEncoding } from '../../text/content-type'
import { formatBytes } from '../../text/format'
import { segmentBytes, segmentText, type TextSegment } from '../../text/visible-text'
import { VisibleSegments, VisibleText } from '../visible-text'
import { readOnlyTextProps } from '../viewers/select-all'

const RAW_BODY_PREVIEW = 64 * 1024

export function RawTab({ capture }: { capture: Capture }) {
  const { api } = useStores()
  const endpointUrl = useApp((s) => s.statusById[capture.endpointId]?.url ?? null)
  const [body, setBody] = useState<{ text: TextSegment[] | null; shown: number; note: string | null } | null>(null)
  const compressed = capture.rawHeaders.some(([name, value]) => name.toLowerCase() === 'content-encoding' && !/^\s*(?:identity)?\s*$/i.test(value))
  useEffect(() => {
    if (capture.body.size === 0) {
      setBody({ text: [], shown: 0, note: null })
      return
    }
    let alive = true
    api['captures.body']({ id: capture.id, offset: 0, length: RAW_BODY_PREVIEW, decode: false }).then(
      (chunk) => {
        if (!alive) return
        const bytes = base64ToBytes(chunk.base64)
        const cut = bytes.length < capture.body.size
        // Compressed bytes are no text in any charset.
        const charset = compressed ? null : bodyEncoding(capture.contentType, bytes)
        if (charset?.encoding) {
          // The BOM kept (a badge), and a character the preview cut left out.
          const text = new TextDecoder(charset.encoding, { ignoreBOM: true }).decode(bytes, { stream: cut })
          setBody({ text: segmentText(text, { multiline: true }), shown: bytes.length, note: encodingNote(charset) })
        } else setBody({ text: segmentBytes(bytes, { multiline: true, cut }), shown: bytes.length, note: encodingNote(charset) })
      },
      () => alive && setBody({ text: null, shown: 0, note: null }),
    )
    return () => {
      alive = false
    }
  }, [api, capture.id, capture.body.size, capture.contentType, compressed])

  // One line per header, then the blank line that ends the head (a request without headers has only that).
  const head = `${capture.method} ${capture.target} HTTP/${capture.httpVersion}\n${capture.rawHeaders.map(([n, v]) => `${n}: ${v}\n`).join('')}\n`
  const noHost = missingHostNote({ url: captureUrl(capture, endpointUrl), headers: capture.rawHeaders, httpVersion: capture.httpVersion })
  return (
    <div className="tab-panel-content">
      <pre className="raw-http" data-testid="raw-http" {...readOnlyTextProps('Request as sent')}>
        <VisibleText value={head} byteString multiline />
        {body === null ? (
          <span className="muted">Loading body…</span>
        ) : body.text === null ? (
          <span className="muted">[{formatBytes(capture.body.size)} of binary body: see the Body tab]</span>
        ) : (
          <VisibleSegments segments={body.text} />
        )}
      </pre>
      {noHost && (
        <p className="muted" data-testid="raw-no-host">
          {noHost}
        </p>
      )}
      {body?.note && (
        <p className="muted" data-testid="raw-body-charset">
          Body: {body.note}
        </p>
      )}
      {body !== null && body.text !== null && body.shown < capture.body.size && (
        <p className="muted">
          The first {formatBytes(body.shown)} of {formatBytes(capture.body.size)} are shown.
        </p>
      )}
    </div>
  )
}
