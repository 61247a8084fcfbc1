// Making captured text safe to read. Owns: decoding latin1 "byte strings" (one char per byte) as UTF-8
// when they are valid, else showing the bytes as escapes; and splitting text so that control,
// bidirectional, zero-width and other invisible characters become visible badges (<U+202E>), so a
// header or path cannot disguise what it contains. Never: produces HTML (callers render text nodes).
import { byteStringToBytes, utf8DecodeStrict } from '../../../shared/formats/bytes'

export type TextSegment =
  | { kind: 'text'; text: string }
  | { kind: 'invisible'; code: number; label: string; name: string }
  | { kind: 'byte'; byte: number; label: string }

const NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
}

/**
 * Characters that render as nothing, as something else, or reorder text around them. Whitespace
 * other than the plain space is included: in a header, a path or a name it is never innocent.
 */
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- finding lone control and combining characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\ud834[\udd73-\udd7a]|\udb40[\udd00-\uddef]/g
// eslint-disable-next-line no-control-regex, no-misleading-character-class -- as above, but tabs and line ends are kept for multi-line text
const INVISIBLE_IN_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\ud834[\udd73-\udd7a]|\udb40[\udd00-\uddef]/g

export function codePointLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}


/** Text split into plain runs and badges for invisible characters. */
export function segmentText(text: string, options: { multiline?: boolean } = {}): TextSegment[] {
  const pattern = options.multiline ? INVISIBLE_IN_LINES : INVISIBLE
  pattern.lastIndex = 0
  if (!pattern.test(text)) return text === '' ? [] : [{ kind: 'text', text }]
  pattern.lastIndex = 0
  const segments: TextSegment[] = []
  let last = 0
  for (const match of text.matchAll(pattern)) {
    const at = match.index
    if (at > last) segments.push({ kind: 'text', text: text.slice(last, at) })
    const code = match[0].codePointAt(0)!
    segments.push({ kind: 'invisible', code, label: codePointLabel(code), name: NAMES[code] ?? 'invisible or control character' })
    last = at + match[0].length
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) })
  return segments
}

/**
 * A byte string (header name or value, raw request target) for display: its UTF-8 reading when the
 * bytes are valid UTF-8; otherwise ASCII as is and every other byte as a \xNN badge.
 */
export function segmentByteString(value: string, options: { multiline?: boolean } = {}): TextSegment[] {
  if (!/[\u0080-\uffff]/.test(value)) return segmentText(value, options)
  const bytes = byteStringToBytes(value)
  if (bytes) {
    const decoded = utf8DecodeStrict(bytes)
    if (decoded !== null) return segmentText(decoded, options)
  }
  const segments: TextSegment[] = []
  let run = ''
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 0x80) {
      run += value[i]
      continue
    }
    if (run) segments.push(...segmentText(run, options))
    run = ''
    segments.push({ kind: 'byte', byte: code & 0xff, label: `\\x${(code & 0xff).toString(16).toUpperCase().padStart(2, '0')}` })
  }
  if (run) segments.push(...segmentText(run, options))
  return segments
}

/** A plain string where every invisible character is spelled out (for titles, notifications, copies). */
export function displayText(value: string, options: { byteString?: boolean } = { byteString: true }): string {
  const segments = options.byteString === false ? segmentText(value) : segmentByteString(value)
  return segments.map((s) => (s.kind === 'text' ? s.text : s.kind === 'byte' ? s.label : `<${s.label}>`)).join('')
}

/** The Unicode text a byte string stands for (UTF-8 if valid, else latin1). */
export function decodeByteString(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value)) return value
  const bytes = byteStringToBytes(value)
  return (bytes && utf8DecodeStrict(bytes)) ?? value
}
