// Turning body bytes into display text. Pure functions that run in the format worker for large
// bodies and on the main thread for small ones. Owns: JSON re-indentation that never changes a
// value (numbers, duplicate keys and escapes stay exactly as sent, which JSON.parse would lose), the
// nesting and size limits past which a body is shown as plain text, and hex dumps. XML is
// re-indented by xml-format.ts, whose parser loads with the first XML body, not with the page.

import type { CharsetSource } from '../../../shared/formats/body-charset'

export const JSON_PRETTY_MAX_BYTES = 8 * 1024 * 1024
export const JSON_MAX_DEPTH = 256
export const JSON_PRETTY_MAX_OUTPUT = 16 * 1024 * 1024
export const HEX_MAX_BYTES = 64 * 1024

/**
 * `json-head` and `xml-head`: the first part of a JSON or XML body too large to show whole (see
 * formatJsonHead and formatXmlHead).
 */
export type FormatKind = 'json' | 'json-head' | 'xml' | 'xml-head' | 'text' | 'hex'

export interface FormattedBody {
  kind: Exclude<FormatKind, 'json-head' | 'xml-head'>
  text: string
  /** JSON or XML that could be re-indented (and folded); false when shown as sent. */
  pretty: boolean
  /** Why the body is shown differently from what its type suggests. */
  note: string | null
  /** Bytes of the input the text covers (hex dumps stop at a cap). */
  shownBytes: number
}

const lossy = new TextDecoder('utf-8', { ignoreBOM: true })

/**
 * Text for display: UTF-8 (bad bytes replaced), or the encoding the body declares (see bodyEncoding).
 * `encoding` is a standard name TextDecoder knows (see bodyEncoding).
 */
export function decodeForDisplay(bytes: Uint8Array, encoding: string | null = null): string {
  return encoding ? new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes) : lossy.decode(bytes)
}

/** What the viewer says about the encoding it read the text in, if not UTF-8. */
export interface TextEncodingChoice {
  /** The charset label as the Content-Type, byte-order mark or document's declaration gave it. */
  label: string
  /** Its standard name, or null when the browser knows no such encoding (UTF-8 is used). */
  encoding: string | null
  /** What said so; the Content-Type when not given. */
  source?: CharsetSource
}

const SAYS: Record<CharsetSource, [who: string, name: string]> = {
  'content-type': ['its Content-Type', 'charset'],
  bom: ['its byte-order mark', 'charset'],
  'xml-declaration': ['its XML declaration', 'encoding'],
  'html-meta': ['its <meta> tag', 'charset'],
}

export function encodingNote(charset: TextEncodingChoice | null): string | null {
  if (!charset) return null
  const [who, name] = SAYS[charset.source ?? 'content-type']
  const Who = who[0]!.toUpperCase() + who.slice(1)
  if (!charset.encoding) return `${Who} says ${name}=${charset.label}, an encoding this viewer does not know: shown as UTF-8.`
  const named = charset.encoding === charset.label.toLowerCase() ? charset.encoding : `${charset.encoding} (${name}=${charset.label})`
  return `Read as ${named}, as ${who} says.`
}

export function withNote(note: string | null, extra: string | null): string | null {
  return note && extra ? `${extra} ${note}` : (note ?? extra)
}

/** Deepest nesting of objects and arrays, counting outside strings; stops early past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
      continue
    }
    if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > max) {
        max = depth
        if (max > limit) return max
      }
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return max
}

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
}

/**
 * Re-indents JSON text token by token. Only whitespace between tokens changes; strings, numbers and
 * literals are copied as they are. The caller has checked the text parses and is not too deep.
 */
export function reindentJson(text: string, indentUnit = '  '): string {
  return reindentJsonWithin(text, indentUnit, Infinity)!
}

/** reindentJson, or null once the output would pass `maxLength` characters. */
export function reindentJsonWithin(text: string, indentUnit: string, maxLength: number): string | null {
  const out: string[] = []
  let depth = 0
  let length = 0
  const newline = () => {
    // Indentation is what grows: deep nesting with many short items can multiply the text.
    length += 1 + indentUnit.length * depth
    return '\n' + indentUnit.repeat(depth)
  }
  let i = 0
  const n = text.length
  while (i < n) {
    if (length + i > maxLength) return null
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      let j = i + 1
      while (j < n) {
        const d = text.charCodeAt(j)
        if (d === 0x5c) j += 2
        else if (d === 0x22) break
        else j++
      }
      out.push(text.slice(i, j + 1))
      i = j + 1
      continue
    }
    if (isJsonWhitespace(c)) {
      i++
      continue
    }
    if (c === 0x7b || c === 0x5b) {
      let j = i + 1
      while (j < n && isJsonWhitespace(text.charCodeAt(j))) j++
      const close = c === 0x7b ? 0x7d : 0x5d
      if (text.charCodeAt(j) === close) {
        out.push(text[i]! + text[j]!)
        i = j + 1
        continue
      }
      depth++
      out.push(text[i]! + newline())
      i++
      continue
    }
    if (c === 0x7d || c === 0x5d) {
      depth--
      out.push(newline() + text[i]!)
      i++
      continue
    }
    if (c === 0x2c) {
      out.push(',' + newline())
      i++
      continue
    }
    if (c === 0x3a) {
      out.push(': ')
      i++
      continue
    }
    let j = i + 1
    while (j < n) {
      const d = text.charCodeAt(j)
      if (isJsonWhitespace(d) || d === 0x2c || d === 0x7d || d === 0x5d || d === 0x3a || d === 0x22) break
      j++
    }
    out.push(text.slice(i, j))
    i = j
  }
  return out.join('')
}

export function formatJson(bytes: Uint8Array, charset: TextEncodingChoice | null = null): FormattedBody {
  const formatted = formatJsonText(bytes, charset?.encoding ?? null)
  return { ...formatted, note: withNote(formatted.note, encodingNote(charset)) }
}

function formatJsonText(bytes: Uint8Array, encoding: string | null): FormattedBody {
  const decoded = decodeForDisplay(bytes, encoding)
  // A UTF-8 byte-order mark is no part of the JSON (parsers skip it; JSON.parse does not).
  const bom = decoded.charCodeAt(0) === 0xfeff
  const text = bom ? decoded.slice(1) : decoded
  const plain = (note: string): FormattedBody => ({ kind: 'json', text, pretty: false, note, shownBytes: bytes.length })
  if (bytes.length > JSON_PRETTY_MAX_BYTES) return plain(`Larger than ${JSON_PRETTY_MAX_BYTES / 1024 / 1024} MB: shown as sent, not re-indented.`)
  const depth = jsonDepth(text, JSON_MAX_DEPTH)
  if (depth > JSON_MAX_DEPTH) return plain(`Nested more than ${JSON_MAX_DEPTH} levels deep: shown as sent.`)
  try {
    JSON.parse(text)
  } catch (error) {
    return { kind: 'text', text, pretty: false, note: `Not valid JSON (${(error as Error).message}): shown as text.`, shownBytes: bytes.length }
  }
  // Re-indented, a body may not grow past this: eight times its size, or at most 16 M characters.
  const pretty = reindentJsonWithin(text, '  ', Math.min(JSON_PRETTY_MAX_OUTPUT, Math.max(1024 * 1024, 8 * text.length)))
  if (pretty === null) return plain('Re-indented it would be many times its size: shown as sent.')
  return { kind: 'json', text: pretty, pretty: true, note: bom ? 'Starts with a UTF-8 byte-order mark, not shown here.' : null, shownBytes: bytes.length }
}

/**
 * The first part of a JSON body too large to show whole, re-indented. The state where the text
 * starts is known (the body's first byte), so the re-indentation is exact however the part ends
 * (mid-string or mid-number included); only the text's first token must look like JSON.
 */
export function formatJsonHead(bytes: Uint8Array, charset: TextEncodingChoice | null = null): FormattedBody {
  const decoded = decodeForDisplay(bytes, charset?.encoding ?? null)
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded
  const asSent = (note: string): FormattedBody => ({ kind: 'text', text, pretty: false, note: withNote(encodingNote(charset), note), shownBytes: bytes.length })
  const first = text.trimStart().charCodeAt(0)
  if (first !== 0x7b && first !== 0x5b) return asSent('Does not start like a JSON object or array: shown as sent.')
  if (jsonDepth(text, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) return asSent(`Nested more than ${JSON_MAX_DEPTH} levels deep: shown as sent.`)
  const pretty = reindentJsonWithin(text, '  ', Math.min(JSON_PRETTY_MAX_OUTPUT, Math.max(1024 * 1024, 8 * text.length)))
  if (pretty === null) return asSent('Re-indented it would be many times its size: shown as sent.')
  return { kind: 'json', text: pretty, pretty: true, note: encodingNote(charset), shownBytes: bytes.length }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function hexDump(bytes: Uint8Array, maxBytes = HEX_MAX_BYTES, startOffset = 0): FormattedBody {
  const shown = Math.min(bytes.length, maxBytes)
  const lines: string[] = []
  for (let row = 0; row < shown; row += 16) {
    let hex = ''
    let ascii = ''
    for (let col = 0; col < 16; col++) {
      const at = row + col
      if (at < shown) {
        const byte = bytes[at]!
        hex += HEX[byte]! + (col === 7 ? '  ' : ' ')
        ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.'
      } else {
        hex += col === 7 ? '    ' : '   '
      }
    }
    lines.push(`${(startOffset + row).toString(16).padStart(8, '0')}  ${hex}|${ascii}|`)
  }
  return {
    kind: 'hex',
    text: lines.join('\n'),
    pretty: false,
    note: shown < bytes.length ? `Showing the first ${shown.toLocaleString('en-US')} of ${bytes.length.toLocaleString('en-US')} bytes.` : null,
    shownBytes: shown,
  }
}

export function formatText(bytes: Uint8Array, charset: TextEncodingChoice | null = null): FormattedBody {
  return { kind: 'text', text: decodeForDisplay(bytes, charset?.encoding ?? null), pretty: false, note: encodingNote(charset), shownBytes: bytes.length }
}

/** Every kind but XML (formatXml and formatXmlHead, in xml-format.ts). */
export function formatBody(kind: Exclude<FormatKind, 'xml' | 'xml-head'>, bytes: Uint8Array, charset: TextEncodingChoice | null = null): FormattedBody {
  switch (kind) {
    case 'json':
      return formatJson(bytes, charset)
    case 'json-head':
      return formatJsonHead(bytes, charset)
    case 'hex':
      return hexDump(bytes)
    case 'text':
      return formatText(bytes, charset)
  }
}
