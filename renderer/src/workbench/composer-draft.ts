// The composer's editable request and its conversions. Owns: a RequestDraft (or a parsed cURL / raw
// HTTP message) as editable rows and body, live validation of method, URL and header lines (the
// contract's own HEADER_NAME_RE / HEADER_VALUE_RE), Content-Length following the body, and the draft
// that is finally sent. Header names and values stay latin1 "byte strings" as captured: a row the
// user never touched is sent byte for byte. Pure: no engine calls, no DOM.
import { base64Decode, base64Encode, byteStringToText, bytesToByteString, isAscii, utf8DecodeStrict, utf8Encode } from '../../../shared/formats/bytes'
import type { HeaderPair, RequestSpec } from '../../../shared/formats/types'
import { HEADER_NAME_RE, HEADER_VALUE_RE, type RawHeaders, type RequestDraft } from '../../../shared/model'
import { formUrlEncodeComponent, percentDecode } from '../../../shared/formats/http-parts'
import { parseMediaType } from '../text/content-type'

export interface HeaderRow {
  key: number
  /** Byte string, as it will be sent. */
  name: string
  /** Byte string, as it will be sent. */
  value: string
  enabled: boolean
  /** A Host row the user has not edited: it names the URL's host (authority), following the URL. */
  followsUrl?: boolean
}

export type ComposerBody = { mode: 'text'; text: string } | { mode: 'binary'; bytes: Uint8Array; fileName: string | null }

export interface EditableRequest {
  method: string
  url: string
  headers: HeaderRow[]
  body: ComposerBody
}

let rowKeys = 0
export function newRowKey(): number {
  return ++rowKeys
}

export function rowsOf(headers: RawHeaders): HeaderRow[] {
  return headers.map(([name, value]) => ({ key: newRowKey(), name, value, enabled: true }))
}

export function bodyOfBytes(bytes: Uint8Array): ComposerBody {
  if (bytes.length === 0) return { mode: 'text', text: '' }
  const text = utf8DecodeStrict(bytes)
  return text === null ? { mode: 'binary', bytes, fileName: null } : { mode: 'text', text }
}

/**
 * The host a URL names (its authority without user info), or null when it has none. A host beyond
 * ASCII (typed, so kept as its UTF-8 bytes, or pasted percent-encoded) is named as browsers and curl
 * name it on the wire, and as the engine connects to it: in punycode (`café` as `xn--caf-dma`).
 */
function authorityOf(url: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(wireUrl(url))
  if (!match?.[2]) return null
  const host = match[2].replace(/^[^@]*@/, '')
  if (!/[%\u0080-\uffff]/.test(host)) return host
  try {
    return new URL(`${match[1]}://${host}`).host
  } catch {
    return host
  }
}

/** Where a URL's host starts and ends (after any user info, before the port), or null when it names none. */
function hostSpan(url: string): { start: number; end: number } | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)
  if (!match) return null
  const authorityStart = match[0].length - match[1]!.length
  const authority = match[1]!
  const start = authorityStart + authority.lastIndexOf('@') + 1
  const port = /:\d*$/.exec(authority.slice(start - authorityStart))
  return { start, end: authorityStart + authority.length - (port ? port[0].length : 0) }
}

/**
 * A host written beyond ASCII (its UTF-8 bytes) as the wire names it, in punycode (`café.localhost`
 * as `xn--caf-dma.localhost`), or null when it is no name a URL can hold (`xn--ü.test`, say).
 */
function asciiHost(host: string): string | null {
  const text = byteStringToText(host)
  if (text === host) return null
  try {
    return new URL(`http://${text}/`).hostname
  } catch {
    return null
  }
}

/**
 * The URL as it is sent: a host the field shows as typed beyond ASCII in punycode, as browsers and
 * curl reach it; user info, port, path and query as written.
 */
export function wireUrl(url: string): string {
  const span = hostSpan(url)
  if (!span) return url
  const host = url.slice(span.start, span.end)
  if (!/[\u0080-\u00ff]/.test(host)) return url
  const ascii = asciiHost(host) ?? percentEncodeBytes(host)
  return url.slice(0, span.start) + ascii + url.slice(span.end)
}

/** Host rows the user has not edited name the URL's host, as the URL changes. */
export function followUrl(headers: HeaderRow[], url: string): HeaderRow[] {
  const host = authorityOf(url)
  if (host === null || !headers.some((row) => row.followsUrl && row.value !== host)) return headers
  return headers.map((row) => (row.followsUrl && row.value !== host ? { ...row, value: host } : row))
}

/**
 * A draft as editable rows. A Host naming the URL's own host (a capture opened at the endpoint it
 * reached) follows the URL when it is sent elsewhere, until edited; one that names another host was
 * meant, and is kept, unless `hostFollowsUrl` says it is to name the URL's host (a capture opened at
 * a forward target whose endpoint rewrites Host, as forwarding and a resend there do).
 */
export function editableOfDraft(draft: RequestDraft, options: { hostFollowsUrl?: boolean } = {}): EditableRequest {
  const host = authorityOf(draft.url)
  const headers = rowsOf(draft.headers).map((row) =>
    row.name.toLowerCase() === 'host' && host !== null && (row.value === host || options.hostFollowsUrl) ? { ...row, value: host, followsUrl: true } : row,
  )
  return { method: draft.method, url: draft.url, headers, body: bodyOfBytes(base64Decode(draft.bodyBase64) ?? new Uint8Array(0)) }
}

export function editableOfSpec(spec: RequestSpec): EditableRequest {
  return { method: spec.method, url: spec.url, headers: rowsOf(spec.headers), body: bodyOfBytes(spec.body) }
}

export function blankRequest(): EditableRequest {
  return {
    method: 'POST',
    url: 'http://localhost:3000/webhooks',
    headers: [{ key: newRowKey(), name: 'Content-Type', value: 'application/json', enabled: true }],
    body: { mode: 'text', text: '{\n  \n}' },
  }
}

export function bodyBytes(body: ComposerBody): Uint8Array {
  return body.mode === 'text' ? utf8Encode(body.text) : body.bytes
}

/** What a user types, as the byte string that carries it (UTF-8, like a browser sends it). */
export function typedToByteString(text: string): string {
  return bytesToByteString(utf8Encode(text))
}

/** A byte string shown in an input: its UTF-8 text when the bytes are UTF-8. */
export function byteStringForInput(value: string): string {
  return byteStringToText(value)
}

/**
 * The URL after an edit in its field (`text`, as the field now reads). What the edit left alone keeps
 * its bytes, so a captured target (latin1 bytes included) still goes out as it came; what the user
 * typed or pasted is sent as browsers, Postman and Insomnia send it: a character a URL cannot carry
 * as is (anything beyond ASCII) percent-encoded as UTF-8 (`é` as `%C3%A9`). Returns the new byte
 * string and where the caret goes in the field's new text: after what was typed.
 */
export function editUrl(previous: string, text: string): { url: string; caret: number } {
  const shown = byteStringForInput(previous)
  if (text === shown) return { url: previous, caret: text.length }
  let prefix = 0
  const limit = Math.min(shown.length, text.length)
  while (prefix < limit && shown[prefix] === text[prefix]) prefix++
  // Never split a character written as a surrogate pair.
  if (prefix > 0 && isHighSurrogate(shown.charCodeAt(prefix - 1))) prefix--
  let suffix = 0
  while (suffix < limit - prefix && shown[shown.length - 1 - suffix] === text[text.length - 1 - suffix]) suffix++
  if (suffix > 0 && isLowSurrogate(shown.charCodeAt(shown.length - suffix))) suffix--
  // The field shows the bytes as UTF-8 when they are UTF-8, else one character per byte.
  const decoded = shown !== previous
  const headBytes = decoded ? utf8Encode(shown.slice(0, prefix)).length : prefix
  const tailBytes = decoded ? utf8Encode(shown.slice(shown.length - suffix)).length : suffix
  // A host stays as typed (its UTF-8 bytes, which the field shows as typed and the wire names in
  // punycode), unless the URL holds bytes that are not UTF-8, which the field shows one per character.
  const host = decoded || isAscii(previous) ? hostSpan(text) : null
  let typed = ''
  for (let at = prefix; at < text.length - suffix; ) {
    const code = text.codePointAt(at)!
    const char = String.fromCodePoint(code)
    typed += host && at >= host.start && at < host.end ? typedToByteString(char) : percentEncodeNonAscii(char)
    at += char.length
  }
  const url = previous.slice(0, headBytes) + typed + previous.slice(previous.length - tailBytes)
  return { url, caret: byteStringForInput(url).length - suffix }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** A byte string's bytes at and above 0x80 percent-encoded. */
function percentEncodeBytes(value: string): string {
  return value.replace(/[\u0080-\u00ff]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** Typed text as URL bytes: ASCII as is, every other character as its UTF-8 bytes percent-encoded. */
function percentEncodeNonAscii(text: string): string {
  let out = ''
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) out += char
    else for (const byte of utf8Encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

export function isFramingHeader(name: string): boolean {
  return name.toLowerCase() === 'content-length'
}

export function isHopByHop(name: string): boolean {
  return ['transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade'].includes(name.toLowerCase())
}

const NO_BODY_METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']

/** Content-Length as the engine will send it, or null when the request goes without one. */
export function computedContentLength(request: Pick<EditableRequest, 'method' | 'headers' | 'body'>): number | null {
  const length = bodyBytes(request.body).length
  const declared = request.headers.some((row) => row.enabled && (isFramingHeader(row.name) || row.name.toLowerCase() === 'transfer-encoding'))
  if (length > 0 || declared || !NO_BODY_METHODS.includes(request.method.toUpperCase())) return length
  return null
}

export function contentTypeOf(headers: readonly HeaderRow[]): string | null {
  return headers.find((row) => row.enabled && row.name.toLowerCase() === 'content-type')?.value ?? null
}

export function isJsonType(contentType: string | null): boolean {
  const essence = parseMediaType(contentType)?.essence ?? ''
  return essence === 'application/json' || essence.endsWith('+json') || essence === 'text/json'
}

export function isFormType(contentType: string | null): boolean {
  return parseMediaType(contentType)?.essence === 'application/x-www-form-urlencoded'
}

/**
 * A form body as the table edits it: each `&`-separated field keeps the bytes it was written with,
 * and a trailing line break stays where it was, so that editing one field re-encodes that field only
 * (a signature computed over the others' exact bytes, `%20` rather than `+`, still holds for them).
 */
export interface FormField {
  name: string
  value: string
  /** The field as written in the body. */
  raw: string
}

export interface FormFields {
  fields: FormField[]
  /** Line breaks after the last field, kept as they were. */
  trailer: string
}

export function parseFormFields(text: string): FormFields {
  const trailer = /[\r\n]+$/.exec(text)?.[0] ?? ''
  const body = text.slice(0, text.length - trailer.length)
  if (body === '') return { fields: [], trailer }
  const fields = body.split('&').map((raw) => {
    const eq = raw.indexOf('=')
    return { raw, name: percentDecode(eq < 0 ? raw : raw.slice(0, eq), true), value: eq < 0 ? '' : percentDecode(raw.slice(eq + 1), true) }
  })
  return { fields, trailer }
}

/** The field with its name or value replaced: only the part edited is encoded again. */
export function editFormField(field: FormField, change: { name?: string; value?: string }): FormField {
  const eq = field.raw.indexOf('=')
  const rawName = change.name === undefined ? (eq < 0 ? field.raw : field.raw.slice(0, eq)) : formUrlEncodeComponent(change.name)
  const rawValue = change.value === undefined ? (eq < 0 ? null : field.raw.slice(eq + 1)) : formUrlEncodeComponent(change.value)
  return {
    name: change.name ?? field.name,
    value: change.value ?? field.value,
    raw: rawValue === null ? rawName : `${rawName}=${rawValue}`,
  }
}

export function newFormField(name: string, value: string): FormField {
  return { name, value, raw: `${formUrlEncodeComponent(name)}=${formUrlEncodeComponent(value)}` }
}

export function formFieldsText(form: FormFields): string {
  return form.fields.map((field) => field.raw).join('&') + form.trailer
}

export function headerNameError(name: string): string | null {
  if (name === '') return 'A header needs a name.'
  if (/[\r\n]/.test(name)) return 'No line breaks in a header name.'
  return HEADER_NAME_RE.test(name) ? null : 'Header names are tokens: letters, digits and !#$%&\'*+-.^_`|~ (no spaces or colons).'
}

export function headerValueError(value: string): string | null {
  if (/[\r\n]/.test(value)) return 'No line breaks (CR or LF) in a header value.'
  if (value.includes('\0')) return 'No NUL in a header value.'
  return HEADER_VALUE_RE.test(value) ? null : 'Header values are visible characters, spaces and tabs (no control characters).'
}

export const METHOD_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/

export function urlError(url: string): string | null {
  if (!/^https?:\/\/[^/?#\s]+/i.test(url)) return 'The URL must start with http:// or https:// and a host.'
  if (/[\r\n\s]/.test(url)) return 'No spaces or line breaks in the URL.'
  const span = hostSpan(url)
  const host = span ? url.slice(span.start, span.end) : ''
  if (/[\u0080-\u00ff]/.test(host) && asciiHost(host) === null) return `“${byteStringToText(host)}” is not a host name a URL can hold: check its spelling.`
  return null
}

/**
 * A URL typed without its scheme (`localhost:3000/hooks`, `[::1]:8080`, `api.example.test/x`) as
 * Postman and curl send it: over http://. Null when it has a scheme, or does not start with a host.
 */
export function withDefaultScheme(url: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return null
  return /^(?:\[[0-9a-f:.]+\]|[a-z0-9\u0080-\uffff](?:[a-z0-9\u0080-\uffff.-]*[a-z0-9\u0080-\uffff])?)(?::\d{1,5})?(?:[/?#]|$)/i.test(url) ? `http://${url}` : null
}

export interface DraftProblems {
  method: string | null
  url: string | null
  /** By row key. */
  headers: Record<number, { name: string | null; value: string | null }>
  count: number
}

export function problemsOf(request: EditableRequest): DraftProblems {
  const method = METHOD_RE.test(request.method) ? null : 'The method is a token such as POST (letters, digits, no spaces).'
  // A URL without its scheme is sent over http://, as Postman sends it (see withDefaultScheme).
  const url = urlError(withDefaultScheme(request.url) ?? request.url)
  const headers: DraftProblems['headers'] = {}
  let count = (method ? 1 : 0) + (url ? 1 : 0)
  for (const row of request.headers) {
    if (!row.enabled) continue
    const name = headerNameError(row.name)
    const value = headerValueError(row.value)
    if (name || value) {
      headers[row.key] = { name, value }
      count++
    }
  }
  return { method, url, headers, count }
}

/** The request to send: enabled rows in order, Content-Length set to the body's length. */
/** Whether two requests of the Composer send the same: method, URL, header rows and body (a header row's key aside). */
export function sameRequest(a: EditableRequest, b: EditableRequest): boolean {
  if (a === b) return true
  if (a.method !== b.method || a.url !== b.url || a.headers.length !== b.headers.length) return false
  if (a.headers.some((row, at) => row.name !== b.headers[at]!.name || row.value !== b.headers[at]!.value || row.enabled !== b.headers[at]!.enabled)) return false
  const [x, y] = [a.body, b.body]
  if (x.mode === 'text' || y.mode === 'text') return x.mode === 'text' && y.mode === 'text' && x.text === y.text
  return x.bytes === y.bytes || (x.bytes.length === y.bytes.length && x.bytes.every((byte, at) => byte === y.bytes[at]))
}

export function toDraft(request: EditableRequest): RequestDraft {
  const body = bodyBytes(request.body)
  const headers: RawHeaders = followUrl(request.headers, request.url)
    .filter((row) => row.enabled)
    .map((row) => [row.name, isFramingHeader(row.name) ? String(body.length) : row.value] as [string, string])
  return { method: request.method, url: wireUrl(request.url), headers, bodyBase64: base64Encode(body) }
}

/**
 * The request as it would cross the wire (for "copy as raw HTTP"): what the engine's sender does to
 * a draft, shown before sending. Hop-by-hop headers go, Host is added from the URL when absent, and
 * Content-Length is the body's length, where the first framing header stood (or last).
 */
export function wireSpec(request: EditableRequest): RequestSpec {
  const body = bodyBytes(request.body)
  const headers: HeaderPair[] = []
  let framingAt = -1
  let sawHost = false
  for (const row of followUrl(request.headers, request.url)) {
    if (!row.enabled) continue
    const lower = row.name.toLowerCase()
    if (lower === 'content-length' || lower === 'transfer-encoding') {
      if (framingAt < 0) framingAt = headers.length
      continue
    }
    if (isHopByHop(lower) || lower.startsWith('proxy-')) continue
    if (lower === 'host') sawHost = true
    headers.push([row.name, row.value])
  }
  if (!sawHost) {
    const authority = authorityOf(request.url)
    if (authority) headers.unshift(['Host', authority])
  }
  const length = computedContentLength(request)
  if (length !== null) headers.splice(framingAt >= 0 ? Math.min(framingAt + (sawHost ? 0 : 1), headers.length) : headers.length, 0, ['Content-Length', String(length)])
  return { method: request.method, url: wireUrl(request.url), headers, body }
}

/** Where a URL's path and query start (after scheme://authority). */
function pathStart(url: string): number {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)
  return match ? match[0].length : 0
}

/**
 * The same request sent to another base URL (a forward target): the current base (one of `bases`, or
 * else the origin) is replaced; the request's own path and query stay exactly as written.
 */
export function retarget(url: string, newBase: string, bases: readonly string[]): string {
  const base = newBase.replace(/\/+$/, '')
  const known = [...bases].map((b) => b.replace(/\/+$/, '')).sort((a, b) => b.length - a.length)
  for (const old of known) {
    if (url === old || url.startsWith(`${old}/`) || url.startsWith(`${old}?`)) return base + url.slice(old.length)
  }
  return base + url.slice(pathStart(url))
}

/**
 * Detects whether pasted text is a cURL command or a raw HTTP message. A command may name curl by its
 * path (/usr/bin/curl) or as Windows' curl.exe, and may be fed by printf or echo, as Copy as cURL
 * writes a body with line breaks or bytes a shell argument cannot hold: `printf '…' | curl … @-`.
 */
export function pastedKind(text: string): 'curl' | 'raw' {
  return /^\s*(?:\$\s*)?(?:(?:[^\s'"]*[\\/])?curl(?:\.exe)?|printf|echo)(?=\s|$)/i.test(text) ? 'curl' : 'raw'
}
