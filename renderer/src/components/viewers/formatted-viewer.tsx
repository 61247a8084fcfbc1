// JSON, XML, HTML and plain text: formatted (off the main thread when large) and shown with
// CodeMirror. JSON that cannot be re-indented safely is shown as sent, as plain text.
import { lazy, Suspense, useEffect, useState } from 'react'
import type { FormatKind, FormattedBody, TextEncodingChoice } from '../../body/body-format'
import { formatInBackground } from '../../body/format-client'
import type { CodeLanguage } from './code-block'

// CodeMirror loads with the first body shown, not with the page.
const CodeBlock = lazy(() => import('./code-block').then((module) => ({ default: module.CodeBlock })))

interface FormattedViewerProps {
  bytes: Uint8Array
  kind: FormatKind
  language: CodeLanguage
  testId: string
  /** A text encoding other than UTF-8 that the body declares (see bodyEncoding). */
  charset?: TextEncodingChoice | null
  /** Long lines wrap (parts of a large body, whose single lines can be hundreds of kilobytes). */
  wrap?: boolean
  /** Line numbers (off for a part of a body that does not start at its first line). */
  numbered?: boolean
  /** Its accessible name (see CodeBlock). */
  name?: string
}

export function FormattedViewer({ bytes, kind, language, testId, charset = null, wrap = false, numbered = true, name }: FormattedViewerProps) {
  const [formatted, setFormatted] = useState<{ bytes: Uint8Array; kind: FormatKind; result: FormattedBody } | null>(null)
  const label = charset?.label ?? null
  const encoding = charset?.encoding ?? null
  const source = charset?.source
  useEffect(() => {
    let alive = true
    void formatInBackground(kind, bytes, label === null ? null : { label, encoding, source }).then((result) => {
      if (alive) setFormatted({ bytes, kind, result })
    })
    return () => {
      alive = false
    }
  }, [bytes, kind, label, encoding, source])
  if (!formatted || formatted.bytes !== bytes || formatted.kind !== kind) {
    return (
      <div className="viewer-status" data-testid="body-formatting">
        Formatting…
      </div>
    )
  }
  const result = formatted.result
  const asJson = kind === 'json' || kind === 'json-head'
  const effectiveLanguage: CodeLanguage = result.kind === 'json' ? (result.pretty ? 'json' : null) : result.kind === 'text' && asJson ? null : language
  return (
    <div className="viewer" data-testid={testId} data-pretty={result.pretty ? 'true' : 'false'}>
      {result.note && (
        <p className="viewer-note" data-testid="viewer-note">
          {result.note}
        </p>
      )}
      <Suspense fallback={<p className="viewer-status">Loading viewer…</p>}>
        <CodeBlock text={result.text} language={effectiveLanguage} testId="code-block" wrap={wrap} numbered={numbered} label={name} />
      </Suspense>
    </div>
  )
}
