// Byte helpers for the formats: base64, UTF-8 and latin1 "byte strings". Runs unchanged in the browser
// and in Node, so it uses only TextEncoder/TextDecoder and plain arrays; never Buffer, atob or btoa
// (atob/btoa exist in both, but they work on byte strings and throw on anything else, and Buffer is
// Node's alone).

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const BASE64_VALUES = (() => {
  const table = new Int16Array(128).fill(-1)
  for (let i = 0; i < BASE64_ALPHABET.length; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i
  // base64url is accepted on input: some tools write it into HAR files.
  table['-'.charCodeAt(0)] = 62
  table['_'.charCodeAt(0)] = 63
  return table
})()

const BASE64_CODES = Uint8Array.from(BASE64_ALPHABET, (ch) => ch.charCodeAt(0))
/** Bytes encoded per step: a multiple of 3, so that only the last step pads. */
const BASE64_STEP = 3 * 256 * 1024
const asciiDecoder = new TextDecoder('latin1')

export function base64Encode(bytes: Uint8Array): string {
  // Each step's characters written as bytes and read as one string, the steps joined once: a string
  // built a few characters at a time would hold every piece until it is read.
  const out = new Uint8Array((Math.min(bytes.length, BASE64_STEP) / 3 + 1) * 4)
  const steps: string[] = []
  for (let start = 0; start < bytes.length; start += BASE64_STEP) {
    const end = Math.min(bytes.length, start + BASE64_STEP)
    let at = 0
    let i = start
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
      out[at++] = BASE64_CODES[n >> 18]!
      out[at++] = BASE64_CODES[(n >> 12) & 63]!
      out[at++] = BASE64_CODES[(n >> 6) & 63]!
      out[at++] = BASE64_CODES[n & 63]!
    }
    const rest = end - i
    if (rest > 0) {
      const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0)
      out[at++] = BASE64_CODES[n >> 18]!
      out[at++] = BASE64_CODES[(n >> 12) & 63]!
      out[at++] = rest === 2 ? BASE64_CODES[(n >> 6) & 63]! : 0x3d
      out[at++] = 0x3d
    }
    steps.push(asciiDecoder.decode(out.subarray(0, at)))
  }
  return steps.join('')
}

/** Decodes base64 (standard or url alphabet, padding optional, whitespace ignored); null if invalid. */
export function base64Decode(text: string): Uint8Array | null {
  const clean = text.replace(/[\t\n\f\r ]+/g, '')
  const unpadded = clean.replace(/={1,2}$/, '')
  if (unpadded.length % 4 === 1) return null
  if (clean.length !== unpadded.length && clean.length % 4 !== 0) return null
  const out = new Uint8Array(Math.floor((unpadded.length * 3) / 4))
  let acc = 0
  let bits = 0
  let o = 0
  for (let i = 0; i < unpadded.length; i++) {
    const code = unpadded.charCodeAt(i)
    const value = code < 128 ? BASE64_VALUES[code]! : -1
    if (value < 0) return null
    acc = (acc << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >> bits) & 0xff
    }
  }
  return out
}

const encoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true })

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}

/** The text if the bytes are valid UTF-8 (a BOM is kept as U+FEFF so nothing is lost), else null. */
export function utf8DecodeStrict(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes)
  } catch {
    return null
  }
}

/** UTF-8 decoding that replaces invalid sequences with U+FFFD; for display only, never for round trips. */
export function utf8DecodeLossy(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes)
}

/** One character per byte (latin1), the form node:http uses for header names and values. */
export function bytesToByteString(bytes: Uint8Array): string {
  let out = ''
  // Chunks keep String.fromCharCode's argument list well under engine limits.
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x2000))
  }
  return out
}

/** The bytes of a byte string; characters above U+00FF make it not a byte string and return null. */
export function byteStringToBytes(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0xff) return null
    out[i] = code
  }
  return out
}

export function isByteString(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false
  return true
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false
  return true
}

/**
 * Text from a text format (HAR, Postman, JSON) turned into a byte string. Strings that fit in latin1
 * are taken as bytes, as the Fetch standard does for header values (a ByteString); strings with any
 * character above U+00FF cannot be bytes, so they are read as Unicode text and UTF-8 encoded.
 */
export function textToByteString(text: string): string {
  return isByteString(text) ? text : bytesToByteString(utf8Encode(text))
}

/** A byte string shown as text: decoded as UTF-8 when the bytes are valid UTF-8, else left as latin1. */
export function byteStringToText(value: string): string {
  if (isAscii(value)) return value
  const bytes = byteStringToBytes(value)
  if (!bytes) return value
  return utf8DecodeStrict(bytes) ?? value
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A body as a file's text: UTF-8 text, or base64 when its bytes are not UTF-8. */
export interface BodyText {
  text: string
  base64: boolean
}

/**
 * A writer's own text for a body, or undefined for the body's text itself: a writer that streams its
 * file gives a large body a stand-in here and writes the body's text from its bytes in its place.
 */
export type BodyTextOf = (bytes: Uint8Array) => BodyText | undefined

export function bodyText(bytes: Uint8Array, of?: BodyTextOf): BodyText {
  const given = of?.(bytes)
  if (given) return given
  const text = utf8DecodeStrict(bytes)
  return text !== null ? { text, base64: false } : { text: base64Encode(bytes), base64: true }
}
