// Small HTTP pieces the formats share: splitting an absolute URL without normalizing it, header
// lookups, query and cookie parsing, and the two form body encodings. It must never normalize what
// it is given (no `new URL`: it resolves "..", re-encodes bytes and drops empty queries), because the
// captured bytes are the point.
import { byteStringToBytes, bytesToByteString, concatBytes, textToByteString, utf8DecodeStrict, utf8Encode } from './bytes'
import type { HeaderPair } from './types'

export interface UrlParts {
  /** Lower or mixed case as written, without "://". */
  scheme: string
  /** host[:port], possibly with userinfo, exactly as written. */
  authority: string
  /** Everything after the authority: path, query and fragment as written (may be empty). */
  rest: string
}

const ABSOLUTE_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([\s\S]*)$/

export function splitUrl(url: string): UrlParts | null {
  const match = ABSOLUTE_URL.exec(url)
  if (!match) return null
  return { scheme: match[1]!, authority: match[2]!, rest: match[3]! }
}

/**
 * A URL's user and password (http://user:pass@host/) as curl and Postman send them: "user:pass" for
 * Basic authentication, each %XX a byte, a user without a password given an empty one; with the URL
 * without them. null when the URL has none.
 */
export function splitLogin(url: string): { url: string; credentials: string } | null {
  const parts = splitUrl(url)
  const at = parts ? parts.authority.lastIndexOf('@') : -1
  if (!parts || at < 0) return null
  const userinfo = parts.authority.slice(0, at)
  const colon = userinfo.indexOf(':')
  const decode = (part: string) => part.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  const credentials = colon < 0 ? `${decode(userinfo)}:` : `${decode(userinfo.slice(0, colon))}:${decode(userinfo.slice(colon + 1))}`
  return { url: `${parts.scheme}://${parts.authority.slice(at + 1)}${parts.rest}`, credentials }
}

export function isAbsoluteUrl(url: string): boolean {
  const parts = splitUrl(url)
  return parts !== null && parts.authority !== ''
}

/** The request target sent on the wire: the path and query (and a fragment, if the capture had one). */
export function requestTargetOf(url: string): string {
  const parts = splitUrl(url)
  if (!parts) return url
  if (parts.rest === '') return '/'
  return parts.rest.startsWith('/') ? parts.rest : `/${parts.rest}`
}

/** Query part without "?" and without the fragment; null when the URL has no "?". */
export function queryOf(url: string): string | null {
  const withoutFragment = url.split('#', 1)[0]!
  const at = withoutFragment.indexOf('?')
  return at < 0 ? null : withoutFragment.slice(at + 1)
}

export function headerValue(headers: readonly HeaderPair[], name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value
  return undefined
}

export function hasHeader(headers: readonly HeaderPair[], name: string): boolean {
  return headerValue(headers, name) !== undefined
}

/** HTTP/2 and HTTP/3 pseudo-headers (":authority", ":path"...) are framing, not headers. */
export function isPseudoHeader(name: string): boolean {
  return name.startsWith(':')
}

/** Percent-decoding that keeps malformed escapes as written, reading the bytes as UTF-8 if they are. */
export function percentDecode(text: string, plusIsSpace = false): string {
  const source = plusIsSpace ? text.replace(/\+/g, ' ') : text
  if (!source.includes('%')) return source
  const bytes: number[] = []
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!
    const hex = source.slice(i + 1, i + 3)
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      for (const byte of utf8Encode(ch)) bytes.push(byte)
    }
  }
  const array = Uint8Array.from(bytes)
  return utf8DecodeStrict(array) ?? bytesToByteString(array)
}

export function parseQuery(query: string): Array<{ name: string; value: string }> {
  if (query === '') return []
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    const value = eq < 0 ? '' : pair.slice(eq + 1)
    return { name: percentDecode(name, true), value: percentDecode(value, true) }
  })
}

/** "a=b; c=d" as pairs; pieces without "=" are kept with an empty value. */
export function parseCookieHeader(value: string): Array<{ name: string; value: string }> {
  return value
    .split(';')
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=')
      return eq < 0 ? { name: piece, value: '' } : { name: piece.slice(0, eq).trim(), value: piece.slice(eq + 1).trim() }
    })
}

export interface SetCookie {
  name: string
  value: string
  path?: string
  domain?: string
  expires?: string
  httpOnly?: boolean
  secure?: boolean
  sameSite?: string
}

export function parseSetCookie(header: string): SetCookie | null {
  const [first, ...attributes] = header.split(';')
  const eq = first!.indexOf('=')
  if (eq < 0) return null
  const cookie: SetCookie = { name: first!.slice(0, eq).trim(), value: first!.slice(eq + 1).trim() }
  for (const attribute of attributes) {
    const at = attribute.indexOf('=')
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase()
    const value = at < 0 ? '' : attribute.slice(at + 1).trim()
    if (key === 'path') cookie.path = value
    else if (key === 'domain') cookie.domain = value
    else if (key === 'expires') {
      const time = Date.parse(value)
      if (!Number.isNaN(time)) cookie.expires = new Date(time).toISOString()
    } else if (key === 'httponly') cookie.httpOnly = true
    else if (key === 'secure') cookie.secure = true
    else if (key === 'samesite') cookie.sameSite = value
  }
  return cookie
}

const FORM_SAFE = /[A-Za-z0-9*\-._]/

/**
 * application/x-www-form-urlencoded as browsers and Postman send it (the WHATWG serializer): UTF-8,
 * space as "+", everything but A-Z a-z 0-9 * - . _ percent-encoded.
 */
export function formUrlEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${formUrlEncodeComponent(name)}=${formUrlEncodeComponent(value)}`).join('&')
}

/** One name or value, encoded as `formUrlEncode` encodes it. */
export function formUrlEncodeComponent(text: string): string {
  let out = ''
  for (const byte of utf8Encode(text)) {
    const ch = String.fromCharCode(byte)
    if (byte === 0x20) out += '+'
    else if (byte < 0x80 && FORM_SAFE.test(ch)) out += ch
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

export interface MultipartPart {
  /** A byte string (callers holding Unicode text UTF-8 encode it first, as browsers do). */
  name: string
  value: Uint8Array
  filename?: string
  contentType?: string
}

/** A boundary in curl's style; random so that it cannot collide with a part's content by chance. */
export function randomBoundary(): string {
  const random = new Uint8Array(12)
  globalThis.crypto.getRandomValues(random)
  let hex = ''
  for (const byte of random) hex += byte.toString(16).padStart(2, '0')
  return `------------------------${hex}`
}

// Quotes and line breaks in a part's name would end the header early; browsers escape them this way.
function quoteMultipartName(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** multipart/form-data body as curl -F and browsers frame it (CRLF, "--boundary--" at the end). */
export function buildMultipart(parts: readonly MultipartPart[], boundary: string): Uint8Array {
  const latin1 = (text: string): Uint8Array => byteStringToBytes(textToByteString(text))!
  const chunks: Uint8Array[] = []
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoteMultipartName(part.name)}"`
    if (part.filename !== undefined) head += `; filename="${quoteMultipartName(part.filename)}"`
    head += '\r\n'
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`
    head += '\r\n'
    chunks.push(latin1(head), part.value, latin1('\r\n'))
  }
  chunks.push(latin1(`--${boundary}--\r\n`))
  return concatBytes(chunks)
}
