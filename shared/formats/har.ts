// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) export and import. It owns the mapping
// between HAR entries and Exchanges; it must never import half a file: everything is validated
// before the first Exchange is built.
//
// Export:
// - Headers keep order, case and duplicates; names and values are written as they are (byte strings,
//   the same ByteString convention browsers use), so non-ASCII bytes appear as latin1 characters.
// - A request body that is valid UTF-8 is postData.text. Other bytes are postData.text in base64 with
//   `postData._encoding: "base64"`: HAR's postData has no encoding field, so this custom
//   (underscore) field says how to read it. A response body that is not UTF-8 uses HAR's own
//   `content.encoding: "base64"`. A response with a Content-Encoding is written decoded, as HAR and
//   browsers write it (`content.size` decoded, `content.compression` the bytes saved, `bodySize` as
//   sent), when the exchange carries it decoded (`decodedBody`); otherwise as it was sent.
// - An Exchange without a response gets status 0 and empty content, as browsers write blocked or
//   failed requests. `entry.comment` holds the notes and `entry._hookscope.name` the name;
//   `entry._hookscope.acceptSelfSigned: true` marks a request sent accepting an https:// server's
//   own certificate (HAR has no field for it; a custom one starts with an underscore).
// - Space and control characters in URLs are percent-encoded (a HAR URL must be a URI).
// - startedDateTime is the Exchange's startedAt (or the export time); time and timings.wait are the
//   duration (0 when unknown), the other phases -1 (not measured).
//
// Import (what Chromium's DevTools, Firefox and Playwright write):
// - HTTP/2 and HTTP/3 pseudo-headers (":authority", ":path"...) are dropped; cookies and queryString
//   are ignored because the headers and the URL already hold them.
// - A startedDateTime of "" (Safari's for a time it does not know) leaves the start unknown.
// - postData.text wins; without it, postData.params is encoded again (multipart when the mime type
//   says so, else urlencoded). A missing response body is an empty body; status 0 means no response.
// - A request body that is not UTF-8 text is read from HTTP Toolkit's `request._content` (base64),
//   where that tool puts it instead of postData. A request whose body the file does not hold (its
//   bodySize or its Content-Length or Transfer-Encoding says there was one, or the tool says it left
//   it out: HTTP Toolkit's `_requestBodyStatus`, Firefox's postData comment, an `_error`) is imported
//   without it, and its notes say so; one whose body is not the length its Content-Length says (a
//   placeholder in its place) is imported as the file holds it, and its notes say that.
import { base64Decode, bodyText, textToByteString, utf8Encode, type BodyTextOf } from './bytes'
import {
  buildMultipart,
  formUrlEncode,
  headerValue,
  isAbsoluteUrl,
  isPseudoHeader,
  parseCookieHeader,
  parseQuery,
  parseSetCookie,
  queryOf,
  randomBoundary,
  type SetCookie,
} from './http-parts'
import { formatPath, invalidInput, parseJsonInput, parseOrThrow } from './invalid-input'
import { Exchange, type HeaderPair, type RequestSpec, type ResponseSpec } from './types'
import { z } from 'zod'

export interface HarCreator {
  name: string
  version: string
  comment?: string
}

export interface ToHarOptions {
  creator: HarCreator
  /** Epoch ms used as startedDateTime for Exchanges without startedAt; default now. */
  now?: number
  /** A stand-in for a body's text (see BodyTextOf); by default the text itself. */
  bodyText?: BodyTextOf
}

export interface HarNameValue {
  name: string
  value: string
}

export interface HarCookie extends Partial<Omit<SetCookie, 'name' | 'value'>> {
  name: string
  value: string
}

export interface HarPostData {
  mimeType: string
  text: string
  /** "base64" when text holds the body in base64 (a Hookscope extension). */
  _encoding?: 'base64'
}

export interface HarRequest {
  method: string
  url: string
  httpVersion: string
  cookies: HarCookie[]
  headers: HarNameValue[]
  queryString: HarNameValue[]
  postData?: HarPostData
  headersSize: number
  bodySize: number
}

export interface HarContent {
  size: number
  compression?: number
  mimeType: string
  text?: string
  encoding?: 'base64'
  comment?: string
}

export interface HarResponse {
  status: number
  statusText: string
  httpVersion: string
  cookies: HarCookie[]
  headers: HarNameValue[]
  content: HarContent
  redirectURL: string
  headersSize: number
  bodySize: number
}

export interface HarTimings {
  blocked: number
  dns: number
  connect: number
  send: number
  wait: number
  receive: number
  ssl: number
}

export interface HarEntry {
  startedDateTime: string
  time: number
  request: HarRequest
  response: HarResponse
  cache: Record<string, never>
  timings: HarTimings
  comment?: string
  _hookscope?: { name?: string; acceptSelfSigned?: true }
}

export interface HarDocument {
  log: {
    version: '1.2'
    creator: HarCreator
    entries: HarEntry[]
  }
}

function harVersion(version: string | undefined): string {
  const bare = (version ?? '1.1').replace(/^HTTP\//i, '')
  return `HTTP/${bare === '2' ? '2.0' : bare}`
}

function harUrl(url: string): string {
  let out = ''
  for (const ch of url) {
    const code = ch.charCodeAt(0)
    out += code <= 0x20 || code === 0x7f ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch
  }
  return out
}

function harHeaders(headers: readonly HeaderPair[]): HarNameValue[] {
  return headers.filter(([name]) => !isPseudoHeader(name)).map(([name, value]) => ({ name, value }))
}

function requestCookies(headers: readonly HeaderPair[]): HarCookie[] {
  return headers.filter(([name]) => name.toLowerCase() === 'cookie').flatMap(([, value]) => parseCookieHeader(value))
}

function responseCookies(headers: readonly HeaderPair[]): HarCookie[] {
  return headers
    .filter(([name]) => name.toLowerCase() === 'set-cookie')
    .map(([, value]) => parseSetCookie(value))
    .filter((cookie): cookie is SetCookie => cookie !== null)
}

function toHarRequest(request: RequestSpec, textOf: BodyTextOf | undefined): HarRequest {
  const query = queryOf(request.url)
  const har: HarRequest = {
    method: request.method,
    url: harUrl(request.url),
    httpVersion: harVersion(request.httpVersion),
    cookies: requestCookies(request.headers),
    headers: harHeaders(request.headers),
    queryString: query === null ? [] : parseQuery(query),
    headersSize: -1,
    bodySize: request.body.length,
  }
  if (request.body.length > 0) {
    const mimeType = headerValue(request.headers, 'content-type') ?? ''
    const body = bodyText(request.body, textOf)
    har.postData = body.base64 ? { mimeType, text: body.text, _encoding: 'base64' } : { mimeType, text: body.text }
  }
  return har
}

function toHarResponse(response: ResponseSpec | undefined, httpVersion: string | undefined, textOf: BodyTextOf | undefined): HarResponse {
  if (!response) {
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    }
  }
  const size = response.body.length > 0 ? response.body.length : (response.bodySize ?? 0)
  const content: HarContent = { size, mimeType: headerValue(response.headers, 'content-type') ?? 'x-unknown' }
  if (size > response.body.length) content.comment = `The ${size}-byte body was sent but not kept.`
  // HAR's content is the body decoded: its size decoded, `compression` the bytes the encoding saved.
  const decoded = response.decodedBody
  if (decoded && response.body.length > 0) {
    content.size = decoded.length
    content.compression = decoded.length - response.body.length
  }
  const contentBytes = decoded && response.body.length > 0 ? decoded : response.body
  if (contentBytes.length > 0) {
    const body = bodyText(contentBytes, textOf)
    content.text = body.text
    if (body.base64) content.encoding = 'base64'
  }
  return {
    status: response.status,
    statusText: response.statusText ?? '',
    httpVersion: harVersion(httpVersion),
    cookies: responseCookies(response.headers),
    headers: harHeaders(response.headers),
    content,
    redirectURL: headerValue(response.headers, 'location') ?? '',
    headersSize: -1,
    bodySize: size,
  }
}

export function toHar(exchanges: readonly Exchange[], options: ToHarOptions): HarDocument {
  const valid = parseOrThrow(z.array(Exchange), exchanges, 'list of exchanges')
  const now = options.now ?? Date.now()
  const entries = valid.map((exchange): HarEntry => {
    const duration = exchange.durationMs ?? 0
    const entry: HarEntry = {
      startedDateTime: new Date(exchange.startedAt ?? now).toISOString(),
      time: duration,
      request: toHarRequest(exchange.request, options.bodyText),
      response: toHarResponse(exchange.response, exchange.request.httpVersion, options.bodyText),
      cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: duration, receive: 0, ssl: -1 },
    }
    if (exchange.notes !== undefined) entry.comment = exchange.notes
    if (exchange.name !== undefined || exchange.acceptSelfSigned) {
      entry._hookscope = {
        ...(exchange.name !== undefined ? { name: exchange.name } : {}),
        ...(exchange.acceptSelfSigned ? { acceptSelfSigned: true as const } : {}),
      }
    }
    return entry
  })
  return { log: { version: '1.2', creator: { ...options.creator }, entries } }
}

// ---- Import ------------------------------------------------------------------------------------

const NameValue = z.object({ name: z.string(), value: z.string() })

const PostData = z.object({
  mimeType: z.string().optional(),
  text: z.string().optional(),
  params: z
    .array(
      z.object({
        name: z.string(),
        value: z.string().optional(),
        fileName: z.string().optional(),
        contentType: z.string().optional(),
      }),
    )
    .optional(),
  _encoding: z.string().optional(),
  encoding: z.string().optional(),
  /** Firefox: why the body is not here ("Request bodies are not included."). */
  comment: z.string().optional(),
  _error: z.unknown().optional(),
})

const ImportedRequest = z.object({
  method: z.string().min(1),
  url: z.string().min(1),
  httpVersion: z.string().optional(),
  headers: z.array(NameValue),
  postData: PostData.nullable().optional(),
  bodySize: z.number().nullable().optional(),
  /** HTTP Toolkit: a body that is not UTF-8 text, in base64 (postData is then absent). */
  _content: z.object({ text: z.string(), encoding: z.string().nullable().optional() }).nullable().optional(),
  /** HTTP Toolkit: why the body is not in postData ("discarded:too-large", "discarded:not-representable"...). */
  _requestBodyStatus: z.string().nullable().optional(),
  _error: z.unknown().optional(),
})

const ImportedResponse = z.object({
  status: z.number().int(),
  statusText: z.string().optional(),
  headers: z.array(NameValue).optional(),
  content: z
    .object({ text: z.string().nullable().optional(), encoding: z.string().nullable().optional() })
    .nullable()
    .optional(),
})

const ImportedEntry = z.object({
  startedDateTime: z.string().optional(),
  time: z.number().optional(),
  request: ImportedRequest,
  response: ImportedResponse.nullable().optional(),
  comment: z.string().optional(),
  _hookscope: z.object({ name: z.string().optional(), acceptSelfSigned: z.boolean().optional() }).optional(),
})

/** The file around its entries, which are read one by one (`fromHarEntry`). */
const ImportedHarLog = z.object({
  log: z.object({
    version: z.string().optional(),
    entries: z.array(z.unknown()),
  }),
})

type ImportedPostData = z.infer<typeof PostData>

/** "HTTP/1.1", "http/2.0", "h2", "h3" as the model's "1.1", "2.0", "3.0"; undefined when unknown. */
export function normalizeHttpVersion(version: string | undefined): string | undefined {
  if (version === undefined) return undefined
  const lower = version.trim().toLowerCase()
  if (lower === 'h2' || lower === 'http/2') return '2.0'
  if (lower === 'h3' || lower === 'http/3') return '3.0'
  const match = /^(?:http\/)?(\d)(?:\.(\d))?$/.exec(lower)
  return match ? `${match[1]}.${match[2] ?? '0'}` : undefined
}

function importHeaders(headers: ReadonlyArray<z.infer<typeof NameValue>>): HeaderPair[] {
  return headers
    .filter(({ name }) => !isPseudoHeader(name))
    .map(({ name, value }) => [textToByteString(name), textToByteString(value)])
}

function decodeBase64(text: string, path: Array<string | number>): Uint8Array {
  const bytes = base64Decode(text)
  if (!bytes) throw invalidInput(`Not a valid HAR file: ${formatPath(path)}: the text is not valid base64`)
  return bytes
}

function importRequestBody(postData: ImportedPostData | null | undefined, path: Array<string | number>): Uint8Array {
  if (!postData) return new Uint8Array(0)
  const encoding = postData._encoding ?? postData.encoding
  if (encoding !== undefined && encoding !== 'base64') {
    throw invalidInput(`Not a valid HAR file: ${formatPath([...path, '_encoding'])}: "${encoding}" is not supported (only base64)`)
  }
  if (postData.text !== undefined) {
    return encoding === 'base64' ? decodeBase64(postData.text, [...path, 'text']) : utf8Encode(postData.text)
  }
  const params = postData.params ?? []
  if (params.length === 0) return new Uint8Array(0)
  const mimeType = postData.mimeType ?? ''
  if (/^multipart\/form-data/i.test(mimeType)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(mimeType)
    return buildMultipart(
      params.map((param) => ({
        name: textToByteString(param.name),
        value: utf8Encode(param.value ?? ''),
        ...(param.fileName !== undefined ? { filename: param.fileName } : {}),
        ...(param.contentType !== undefined ? { contentType: param.contentType } : {}),
      })),
      boundary?.[1] ?? boundary?.[2] ?? randomBoundary(),
    )
  }
  return utf8Encode(formUrlEncode(params.map((param) => [param.name, param.value ?? ''] as const)))
}

const DISCARDED_BODY: Record<string, string> = {
  'discarded:too-large': 'it was too large',
  'discarded:not-representable': 'it was not text',
  'discarded:not-decodable': 'its Content-Encoding could not be decoded',
}

/** What a file's own words say of a body it left out: Firefox's postData comment, an `_error` field. */
function toolSays(request: z.infer<typeof ImportedRequest>): string | undefined {
  for (const text of [request.postData?.comment, request.postData?._error, request._error]) {
    if (typeof text === 'string' && text.trim() !== '') return text.trim().slice(0, 200)
  }
  return undefined
}

/** The body the request's own headers declare: its Content-Length, or true for a Transfer-Encoding. */
function declaredBody(headers: readonly HeaderPair[]): number | true | undefined {
  const length = headerValue(headers, 'content-length')?.trim()
  if (length !== undefined && /^\d+$/.test(length)) return Number(length)
  return headerValue(headers, 'transfer-encoding') !== undefined ? true : undefined
}

/**
 * The request body: postData, else HTTP Toolkit's `_content`; with a note when the file left the body
 * out (its bodySize or its headers say there was one, or the tool that wrote it says so) or holds one
 * that is not what its Content-Length says was sent (a placeholder a browser put in its place).
 */
function importRequest(request: z.infer<typeof ImportedRequest>, headers: readonly HeaderPair[], path: Array<string | number>): { body: Uint8Array; note?: string } {
  const postData = request.postData
  const declared = declaredBody(headers)
  if (postData && ((postData.text !== undefined && postData.text !== '') || (postData.params ?? []).length > 0)) {
    const body = importRequestBody(postData, [...path, 'postData'])
    // A body held decoded under a Content-Encoding is encoded again later, to its own length.
    if (postData.text === undefined || typeof declared !== 'number' || declared === body.length || headerValue(headers, 'content-encoding') !== undefined) return { body }
    const shown = postData.text.length <= 60 ? ` (the file holds “${postData.text}”)` : ''
    return {
      body,
      note: `The request's body in the HAR file is ${body.length} bytes, but its Content-Length header says ${declared} were sent: the tool that wrote the file did not keep it as sent${shown}. It is sent as the file holds it.`,
    }
  }
  const content = request._content
  if (content) {
    if (content.encoding && content.encoding !== 'base64') {
      throw invalidInput(`Not a valid HAR file: ${formatPath([...path, '_content', 'encoding'])}: "${content.encoding}" is not supported (only base64)`)
    }
    return { body: content.encoding === 'base64' ? decodeBase64(content.text, [...path, '_content', 'text']) : utf8Encode(content.text) }
  }
  const status = request._requestBodyStatus
  const discarded = status !== null && status !== undefined && status.startsWith('discarded')
  const said = toolSays(request)
  const size = (request.bodySize ?? 0) > 0 ? request.bodySize! : typeof declared === 'number' ? declared : 0
  if (!discarded && size <= 0 && declared !== true && said === undefined) return { body: new Uint8Array(0) }
  const why = discarded
    ? ` (the tool that wrote it left it out: ${DISCARDED_BODY[status] ?? status})`
    : said !== undefined
      ? ` (the tool that wrote it says: “${said}”)`
      : ''
  const sized = size > 0 ? `${size}-byte ` : ''
  return {
    body: new Uint8Array(0),
    note: `The request's ${sized}body is not in the HAR file${why}: it is sent without a body.`,
  }
}

export function fromHar(input: unknown): Exchange[] {
  const entries = harEntries(parseJsonInput(input, 'HAR file'))
  // Every check that can fail runs inside this map before anything is returned.
  return entries.map((entry, index) => fromHarEntry(entry, index))
}

/** The entries of a parsed HAR file, each still to be read by `fromHarEntry`; throws when the file has none. */
export function harEntries(value: unknown): unknown[] {
  return parseOrThrow(ImportedHarLog, value, 'HAR file').log.entries
}

/** One parsed entry of a HAR file (the `index`th, which errors name) as an Exchange. */
export function fromHarEntry(value: unknown, index: number): Exchange {
  const base: Array<string | number> = ['log', 'entries', index]
  const entry = parseOrThrow(ImportedEntry, value, 'HAR file', base)
  const { request } = entry
  const url = textToByteString(request.url)
  if (!isAbsoluteUrl(url)) {
    throw invalidInput(`Not a valid HAR file: ${formatPath([...base, 'request', 'url'])}: "${request.url.slice(0, 80)}" is not an absolute URL`)
  }
  const requestSpec: RequestSpec = {
    method: request.method,
    url,
    headers: importHeaders(request.headers),
    body: new Uint8Array(0),
  }
  const { body, note } = importRequest(request, requestSpec.headers, [...base, 'request'])
  requestSpec.body = body
  const version = normalizeHttpVersion(request.httpVersion)
  if (version !== undefined) requestSpec.httpVersion = version

  const exchange: Exchange = { request: requestSpec }
  const response = entry.response
  if (response && response.status !== 0) {
    const content = response.content
    const contentPath = [...base, 'response', 'content']
    if (content?.encoding && content.encoding !== 'base64') {
      throw invalidInput(`Not a valid HAR file: ${formatPath([...contentPath, 'encoding'])}: "${content.encoding}" is not supported (only base64)`)
    }
    const text = content?.text ?? ''
    const body = content?.encoding === 'base64' ? decodeBase64(text, [...contentPath, 'text']) : utf8Encode(text)
    const responseSpec: ResponseSpec = { status: response.status, headers: importHeaders(response.headers ?? []), body }
    if (response.statusText) responseSpec.statusText = response.statusText
    exchange.response = responseSpec
  }
  // Safari writes "" for a start time it does not know.
  if (entry.startedDateTime !== undefined && entry.startedDateTime !== '') {
    const time = Date.parse(entry.startedDateTime)
    if (Number.isNaN(time)) {
      throw invalidInput(`Not a valid HAR file: ${formatPath([...base, 'startedDateTime'])}: "${entry.startedDateTime}" is not a date`)
    }
    exchange.startedAt = time
  }
  if (entry.time !== undefined && entry.time >= 0) exchange.durationMs = entry.time
  if (entry._hookscope?.name !== undefined) exchange.name = entry._hookscope.name
  if (entry._hookscope?.acceptSelfSigned === true) exchange.acceptSelfSigned = true
  const notes = [entry.comment, note].filter((part): part is string => part !== undefined && part !== '')
  if (notes.length > 0) exchange.notes = notes.join('\n\n')
  return exchange
}
