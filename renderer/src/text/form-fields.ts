// The names and values of a form body (application/x-www-form-urlencoded) or a query string. Owns:
// reading them from their bytes as the URL standard's parser does (pieces split on "&", the name from
// the value at the first "=", "+" as a space, percent escapes as bytes), then those bytes as text in
// the charset declared: the Content-Type's, else the form's own `_charset_` field (the HTML standard's)
// or `charset` field (PayPal IPN's: `charset=windows-1252`). Without one, UTF-8 when valid, else the
// bytes kept as a byte string, shown as \xNN escapes as everywhere else. Never: produces HTML.
import { byteStringToBytes, bytesToByteString, utf8DecodeStrict, utf8Encode } from '../../../shared/formats/bytes'
import { contentTypeCharset } from '../../../shared/formats/body-charset'

export interface FormField {
  name: string
  value: string
  /** Not valid UTF-8, and no charset declared: a latin1 byte string, to be shown as bytes. */
  nameIsBytes?: boolean
  valueIsBytes?: boolean
}

export interface FormFields {
  pairs: FormField[]
  /** What the values were read as, when a charset other than UTF-8 was declared. */
  note: string | null
}

/** Fields that name the charset of the form's other fields, the first found applying. */
const CHARSET_FIELDS = ['_charset_', 'charset'] as const

const AMPERSAND = 0x26
const EQUALS = 0x3d
const PLUS = 0x2b
const PERCENT = 0x25

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57
  return -1
}

/** "+" as a space and %XX as its byte; a malformed escape stays as written. */
function percentDecodeBytes(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(PERCENT) && !bytes.includes(PLUS)) return bytes
  const out = new Uint8Array(bytes.length)
  let length = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (byte === PERCENT && i + 2 < bytes.length && hexValue(bytes[i + 1]!) >= 0 && hexValue(bytes[i + 2]!) >= 0) {
      out[length++] = hexValue(bytes[i + 1]!) * 16 + hexValue(bytes[i + 2]!)
      i += 2
    } else out[length++] = byte === PLUS ? 0x20 : byte
  }
  return out.subarray(0, length)
}

interface RawField {
  name: Uint8Array
  value: Uint8Array
}

function splitFields(bytes: Uint8Array): RawField[] {
  const fields: RawField[] = []
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(AMPERSAND, start)
    if (end < 0) end = bytes.length
    // Empty pieces ("a=1&&b=2", a trailing "&") hold no name and no value: not fields, as URLSearchParams reads them.
    if (end > start) {
      const piece = bytes.subarray(start, end)
      const eq = piece.indexOf(EQUALS)
      fields.push({ name: percentDecodeBytes(eq < 0 ? piece : piece.subarray(0, eq)), value: eq < 0 ? new Uint8Array(0) : percentDecodeBytes(piece.subarray(eq + 1)) })
    }
    start = end + 1
  }
  return fields
}

/** The decoder's standard name for a label, or null when it names none this browser reads text in. */
function encodingOf(label: string): string | null {
  try {
    const encoding = new TextDecoder(label).encoding
    // "replacement" (ISO-2022-KR and the like) reads every body as one U+FFFD.
    return encoding === 'replacement' ? null : encoding
  } catch {
    return null
  }
}

interface Declared {
  label: string
  encoding: string | null
  /** Where the label was given: `charset` of the Content-Type, or the field's name. */
  param: string
  says: string
}

function declaredCharset(contentType: string | null, fields: RawField[]): Declared | null {
  const fromType = contentTypeCharset(contentType)
  if (fromType !== null) return { label: fromType, encoding: encodingOf(fromType), param: 'charset', says: 'its Content-Type says' }
  for (const name of CHARSET_FIELDS) {
    const field = fields.find((f) => utf8DecodeStrict(f.name) === name)
    const label = field ? utf8DecodeStrict(field.value)?.trim() : undefined
    if (!label) continue
    const encoding = encodingOf(label)
    // A field of that name that names no encoding is only a field. A UTF-16 one names the page's
    // encoding, which forms are never sent in (browsers send UTF-8 and say so).
    if (encoding === null || encoding.startsWith('utf-16')) continue
    return { label, encoding, param: name, says: `its ${name} field says` }
  }
  return null
}

function noteFor(declared: Declared | null): string | null {
  if (!declared || declared.encoding === 'utf-8') return null
  if (declared.encoding === null) return `${declared.says[0]!.toUpperCase()}${declared.says.slice(1)} ${declared.param}=${declared.label}, an encoding this viewer does not know: shown as UTF-8.`
  const named = declared.encoding === declared.label.toLowerCase() ? declared.encoding : `${declared.encoding} (${declared.param}=${declared.label})`
  return `Read as ${named}, as ${declared.says}.`
}

/**
 * A form's or query string's fields from its bytes. `contentType`: the body's Content-Type (null for a
 * query string, which has none).
 */
export function readFormFields(bytes: Uint8Array, contentType: string | null = null): FormFields {
  let source = bytes
  const fromType = contentTypeCharset(contentType)
  const typeEncoding = fromType === null ? null : encodingOf(fromType)
  // UTF-16 has no "&" byte of its own: the text is read first, and its fields as UTF-8 from there.
  if (typeEncoding !== null && typeEncoding.startsWith('utf-16')) source = utf8Encode(new TextDecoder(typeEncoding).decode(bytes))
  let end = source.length
  // The line end a sender (curl --data @file) may leave after the last value.
  while (end > 0 && (source[end - 1] === 0x0a || source[end - 1] === 0x0d)) end--
  const fields = splitFields(source.subarray(0, end))
  const declared = declaredCharset(contentType, fields)
  const decoder = declared?.encoding && declared.encoding !== 'utf-8' && !declared.encoding.startsWith('utf-16') ? new TextDecoder(declared.encoding) : null
  const read = (part: Uint8Array): { text: string; bytes: boolean } => {
    if (decoder) return { text: decoder.decode(part), bytes: false }
    const text = utf8DecodeStrict(part)
    return text === null ? { text: bytesToByteString(part), bytes: true } : { text, bytes: false }
  }
  const pairs = fields.map((field): FormField => {
    const name = read(field.name)
    const value = read(field.value)
    return { name: name.text, value: value.text, ...(name.bytes ? { nameIsBytes: true } : {}), ...(value.bytes ? { valueIsBytes: true } : {}) }
  })
  return { pairs, note: noteFor(declared) }
}

/** A query string's fields: `query` is the latin1 byte string of the request target, after its "?". */
export function readQueryFields(query: string): FormFields {
  return readFormFields(byteStringToBytes(query) ?? utf8Encode(query))
}
