// Captured text as React text nodes, with invisible characters and undecodable bytes as badges.
import { memo } from 'react'
import { segmentByteString, segmentText, type TextSegment } from '../text/visible-text'

interface VisibleTextProps {
  value: string
  /** The value is a latin1 byte string (header, raw target): decode it as UTF-8 when valid. */
  byteString?: boolean
  /** Keep tabs and line breaks (multi-line text such as a raw message). */
  multiline?: boolean
}

export const VisibleText = memo(function VisibleText({ value, byteString = false, multiline = false }: VisibleTextProps) {
  const segments = byteString ? segmentByteString(value, { multiline }) : segmentText(value, { multiline })
  return <VisibleSegments segments={segments} />
})

/** Segments of captured text (see text/visible-text) as text nodes and badges. */
export const VisibleSegments = memo(function VisibleSegments({ segments }: { segments: TextSegment[] }) {
  if (segments.length === 1 && segments[0]!.kind === 'text') return <>{segments[0]!.text}</>
  return (
    <>
      {segments.map((segment, index) => {
        if (segment.kind === 'text') return <span key={index}>{segment.text}</span>
        if (segment.kind === 'byte') {
          return (
            <span key={index} className="char-badge byte" data-testid="byte-escape" title={`Byte ${segment.label} (not valid UTF-8)`}>
              {segment.label}
            </span>
          )
        }
        return (
          <span key={index} className="char-badge" data-testid="invisible-char" title={`${segment.label} ${segment.name}`}>
            {`<${segment.label}>`}
          </span>
        )
      })}
    </>
  )
})

/**
 * The same as <VisibleText>, as DOM for code that builds elements itself (the live list's rows):
 * replaces the children of `parent` with text nodes and badges. Captured text only ever becomes text
 * nodes and attribute values, never markup. Returns the text as shown (badges spelled out, as
 * displayText gives it), for a title.
 */
export function setVisibleText(parent: Element, value: string, { byteString = false, multiline = false }: Omit<VisibleTextProps, 'value'> = {}): string {
  const segments = byteString ? segmentByteString(value, { multiline }) : segmentText(value, { multiline })
  if (segments.length === 1 && segments[0]!.kind === 'text') {
    parent.textContent = segments[0]!.text
    return segments[0]!.text
  }
  const doc = parent.ownerDocument
  const nodes: Node[] = []
  let shown = ''
  for (const segment of segments) {
    const span = doc.createElement('span')
    let text: string
    if (segment.kind === 'text') text = segment.text
    else if (segment.kind === 'byte') {
      span.className = 'char-badge byte'
      span.setAttribute('data-testid', 'byte-escape')
      span.title = `Byte ${segment.label} (not valid UTF-8)`
      text = segment.label
    } else {
      span.className = 'char-badge'
      span.setAttribute('data-testid', 'invisible-char')
      span.title = `${segment.label} ${segment.name}`
      text = `<${segment.label}>`
    }
    span.textContent = text
    shown += text
    nodes.push(span)
  }
  parent.replaceChildren(...nodes)
  return shown
}
