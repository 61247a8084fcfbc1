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

/**
 * A body's bytes for display: each run of valid UTF-8 as text (with invisible characters as badges),
 * each byte that is not part of one as a \xNN badge, so that a body with a latin1 word or a binary
 * file part still reads as the text it mostly is. `cut`: the bytes are the start of a longer body, so
 * a character cut short at their end is left out rather than shown as bytes. Null when more than one
 * byte in `binaryShare` would be a badge: a binary body, which bytes-as-badges would not make readable.
 */
export function segmentBytes(bytes: Uint8Array, options: { multiline?: boolean; cut?: boolean; binaryShare?: number } = {}): TextSegment[] | null {
  const whole = utf8DecodeStrict(bytes)
  if (whole !== null) return segmentText(whole, options)
  const maxBadges = Math.floor(bytes.length * (options.binaryShare ?? 0.1))
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const segments: TextSegment[] = []
  let badges = 0
  let start = 0 // of the current run of valid UTF-8
  const flush = (end: number) => {
    if (end > start) {
      const text = decoder.decode(bytes.subarray(start, end))
      for (const segment of segmentText(text, options)) {
        if (segment.kind !== 'text') badges++
        segments.push(segment)
      }
    }
  }
  let i = 0
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i)
    if (length > 0) {
      i += length
      continue
    }
    if (length < 0 && options.cut) break // the start of a character the preview cut
    flush(i)
    const byte = bytes[i]!
    segments.push({ kind: 'byte', byte, label: `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}` })
    if (++badges > maxBadges) return null
    start = ++i
  }
  flush(i)
  return badges > maxBadges ? null : segments
}

/**
 * The length of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlongs, surrogates or code
 * points past U+10FFFF), 0 when the byte there starts none, or -1 when the bytes end within one that
 * is well formed so far.
 */
function utf8SequenceLength(bytes: Uint8Array, at: number): number {
  const first = bytes[at]!
  if (first < 0x80) return 1
  let length: number
  let low = 0x80
  let high = 0xbf
  if (first >= 0xc2 && first <= 0xdf) length = 2
  else if (first >= 0xe0 && first <= 0xef) {
    length = 3
    if (first === 0xe0) low = 0xa0
    else if (first === 0xed) high = 0x9f
  } else if (first >= 0xf0 && first <= 0xf4) {
    length = 4
    if (first === 0xf0) low = 0x90
    else if (first === 0xf4) high = 0x8f
  } else return 0
  for (let k = 1; k < length; k++) {
    if (at + k >= bytes.length) return -1
    const next = bytes[at + k]!
    if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return 0
  }
  return length
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
