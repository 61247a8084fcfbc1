// Copy as code: the request in other languages through @readme/httpsnippet's targets. The package's
// own entry point imports Node's `url` module, which does not exist in a browser, so this module uses
// its `targets` entry and prepares the request (what HTTPSnippet#prepare does) with the browser's URL.
//
// A webhook's signature covers its body byte for byte, so every snippet must send the body exactly as
// it was stored. The generators would not: they parse a JSON or form body and write it out again
// (numbers rounded, whitespace and key order lost, form values re-encoded), and each quotes text its
// own way (HTTPie's `echo` adds a newline, Wget's writes line breaks as backslash-n, PHP's double
// quotes do not know JSON's `\u` and `\b`, requests may send a str body as Latin-1). So they are given
// a placeholder body with a neutral media type, and each language's own body expression replaces the
// placeholder: the text in a literal that language reads back exactly, sent as its UTF-8 bytes (HTTPie
// and PowerShell are given the bytes themselves, so they carry a binary body too). Where a language
// cannot carry a body, it offers no snippet and says why. Raw HTTP is the project's own writer
// (toRawHttp), the exact message; httpsnippet's uses Node's Buffer, which a browser lacks.
import { targets } from '@readme/httpsnippet/targets'
import { HookscopeError } from '../../../shared/errors'
import { base64Encode, bytesToByteString, utf8DecodeStrict } from '../../../shared/formats/bytes'
import { printfFormat, shellQuote } from '../../../shared/formats/curl-export'
import { parseQuery, requestTargetOf } from '../../../shared/formats/http-parts'
import { toRawHttp } from '../../../shared/formats/raw-http'
import type { RequestSpec } from '../../../shared/formats/types'
import { decodeByteString } from '../text/visible-text'
import { missingHostNote } from './capture-request'

export const SNIPPET_LANGUAGES = [
  { id: 'javascript:fetch', label: 'JavaScript (fetch)' },
  { id: 'node:fetch', label: 'Node.js (fetch)' },
  { id: 'node:axios', label: 'Node.js (axios)' },
  { id: 'python:requests', label: 'Python (requests)' },
  { id: 'go:native', label: 'Go (net/http)' },
  { id: 'ruby:native', label: 'Ruby (net/http)' },
  { id: 'php:curl', label: 'PHP (cURL)' },
  { id: 'java:okhttp', label: 'Java (OkHttp)' },
  { id: 'csharp:httpclient', label: 'C# (HttpClient)' },
  { id: 'powershell:webrequest', label: 'PowerShell' },
  { id: 'shell:httpie', label: 'HTTPie' },
  { id: 'shell:wget', label: 'Wget' },
  { id: 'http:http1.1', label: 'Raw HTTP/1.1' },
] as const
export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number]['id']

type Pairs = Record<string, string | string[]>

interface PreparedRequest {
  method: string
  url: string
  fullUrl: string
  httpVersion: string
  headers: Array<{ name: string; value: string }>
  headersObj: Record<string, string>
  allHeaders: Record<string, string>
  queryString: Array<{ name: string; value: string }>
  queryObj: Pairs
  cookies: Array<{ name: string; value: string }>
  cookiesObj: Record<string, string>
  uriObj: Record<string, unknown>
  postData: { mimeType: string; text?: string }
  bodySize: number
  headersSize: number
}

function pairsObject(pairs: Array<{ name: string; value: string }>): Pairs {
  const out: Pairs = {}
  for (const { name, value } of pairs) {
    const before = out[name]
    if (before === undefined) out[name] = value
    else out[name] = Array.isArray(before) ? [...before, value] : [before, value]
  }
  return out
}

// Headers the target languages compute themselves; copying them would send stale framing.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection'])

export interface SnippetResult {
  code: string
  /** What the snippet could not carry over, or why there is no snippet. */
  warnings: string[]
}

/**
 * Characters the generators may leave unescaped inside a URL they quote (JavaScript, PowerShell and
 * PHP put it in quotes as it is; PHP and Ruby interpolate `$` and `#{`). Percent-encoded they mean the
 * same to nearly every server and nothing to a language.
 */
const URL_CODE_CHARS = /['"`$\\{}|^]/g

/**
 * What each generator does not escape in header names and values, and that its language would read
 * as code: JavaScript's quoting leaves backslashes alone (so `\'` ends the string), PHP interpolates
 * `$` in its double quotes, Ruby `#{`, `#@` and `#$` in the header name's, PowerShell `$(…)` in its
 * double quotes, and it takes typographic quotes for quotes. With any of these in the headers there is
 * no snippet in that language: a copied snippet must never run what a sender put in a request. (The
 * body is always written by this module, escaped for its language.)
 */
const UNSAFE_TEXT: Partial<Record<SnippetLanguage, { pattern: RegExp; shown: string }>> = {
  'javascript:fetch': { pattern: /\\/, shown: 'a backslash' },
  'node:fetch': { pattern: /\\/, shown: 'a backslash' },
  'node:axios': { pattern: /\\/, shown: 'a backslash' },
  'php:curl': { pattern: /\$/, shown: '“$”' },
  'ruby:native': { pattern: /#[{@$]/, shown: '“#{”, “#@” or “#$”' },
  'powershell:webrequest': { pattern: /[$`'‘’‚‛“”„]/, shown: '“$”, a quote or a backtick' },
}

/** A piece of the request quoted in a warning: as text, and cut when long. */
const quoted = (value: string): string => {
  const text = decodeByteString(value)
  return `“${text.length > 120 ? `${text.slice(0, 120)}…` : text}”`
}

/**
 * The request's headers as the generators take them: a name that came more than once has its values
 * joined into one line, in the first one's place ("; " for Cookie, ", " for the others, as HTTP reads
 * repeated fields), since the generators keep one value per name and would send only the last.
 */
function joinRepeated(request: RequestSpec, warnings: string[]): Array<{ name: string; value: string }> {
  const headers: Array<{ name: string; values: string[] }> = []
  const byName = new Map<string, { name: string; values: string[] }>()
  for (const [name, value] of request.headers) {
    if (FRAMING_HEADERS.has(name.toLowerCase())) continue
    const known = byName.get(name.toLowerCase())
    if (known) known.values.push(value)
    else {
      const header = { name, values: [value] }
      byName.set(name.toLowerCase(), header)
      headers.push(header)
    }
  }
  return headers.map(({ name, values }) => {
    const value = values.join(name.toLowerCase() === 'cookie' ? '; ' : ', ')
    if (values.length > 1) warnings.push(`${quoted(name)} came ${values.length} times; the snippet sends it once, its values joined as ${quoted(value)}, which HTTP reads alike.`)
    return { name: decodeByteString(name), value: decodeByteString(value) }
  })
}

/** The request's headers and URL as the generators take them, with `body` standing for its body. */
function prepareSnippetRequest(request: RequestSpec, body: { text: string; mimeType: string } | null): { prepared: PreparedRequest; warnings: string[] } {
  const warnings: string[] = []
  const parsed = new URL(request.url)
  // A request never sends a fragment; a target holding `#` would otherwise put one in the snippet.
  parsed.hash = ''
  parsed.pathname = parsed.pathname.replace(URL_CODE_CHARS, percentEncode)
  parsed.search = parsed.search.replace(URL_CODE_CHARS, percentEncode)
  // The URL as a URL parser reads it, which the clients use too: "." and ".." segments resolved, a
  // backslash read as "/", characters it does not take as they are percent-encoded. Said when that is
  // not the target as it came.
  const target = requestTargetOf(request.url).replace(/#[\s\S]*$/, '')
  const sent = parsed.pathname + parsed.search
  if (sent !== target) warnings.push(`The snippet’s URL is the request’s as a URL parser reads it: its path and query ${quoted(target)} are sent as ${quoted(sent)}. Copy it as cURL to send them as they came.`)
  const queryString = parseQuery(parsed.search.replace(/^\?/, ''))
  const headers = joinRepeated(request, warnings)
  const headersObj: Record<string, string> = {}
  for (const { name, value } of headers) headersObj[name] = value
  const path = parsed.pathname + parsed.search
  const prepared: PreparedRequest = {
    method: request.method,
    url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`,
    fullUrl: parsed.href,
    httpVersion: `HTTP/${request.httpVersion ?? '1.1'}`,
    headers,
    headersObj,
    allHeaders: { ...headersObj },
    queryString,
    queryObj: pairsObject(queryString),
    cookies: [],
    cookiesObj: {},
    uriObj: {
      protocol: parsed.protocol,
      slashes: true,
      auth: null,
      host: parsed.host,
      port: parsed.port,
      hostname: parsed.hostname,
      hash: null,
      search: parsed.search,
      query: pairsObject(queryString),
      pathname: parsed.pathname,
      path,
      href: parsed.href,
    },
    postData: body ? { mimeType: body.mimeType, text: body.text } : { mimeType: 'application/octet-stream' },
    bodySize: request.body.length,
    headersSize: -1,
  }
  return { prepared, warnings }
}

type Converter = (request: PreparedRequest, options?: Record<string, unknown>) => string
const targetTable = targets as unknown as Record<string, { clientsById: Record<string, { convert: Converter }> }>

function percentEncode(char: string): string {
  return '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')
}

// ---------------------------------------------------------------------------------------------------
// Bodies

interface Body {
  bytes: Uint8Array
  /** The body as UTF-8 text, or null when it is not valid UTF-8. */
  text: string | null
  /** The request's Content-Type value as text, or null without one. */
  contentType: string | null
  method: string
}

interface Placeholder {
  /** Stands for the body text. */
  body: string
  /** Stands for the media type, where a generator writes one. */
  mimeType: string
}

/**
 * What the generator wrote for a placeholder, and what goes there instead (a function of the
 * indentation of that line, or null when it is not the line's first item).
 */
type Edit = [find: string, replacement: string | ((indent: string | null) => string)]

interface BodyWriter {
  /** The methods it can send, when not every one. */
  methods?: string[]
  /** Why this language cannot send the body as stored, or null when it can. */
  cannot?(body: Body): string | null
  /** Changes to the request the generator is given. */
  prepare?(prepared: PreparedRequest, placeholder: Placeholder, body: Body): void
  edits(body: Body, placeholder: Placeholder): Edit[]
  /** What the snippet sends otherwise than stored, when it cannot help it. */
  note?(body: Body): string | null
}

const BINARY = 'The body is binary (not UTF-8 text)'

/**
 * For a body sent without Content-Type: a Content-Type header whose value stands for the placeholder's
 * media type, for an edit to turn into what tells the client to send none (most add one of their own).
 */
function unsetContentType(prepared: PreparedRequest, placeholder: Placeholder, body: Body): void {
  if (body.contentType !== null) return
  prepared.headers = [...prepared.headers, { name: 'Content-Type', value: placeholder.mimeType }]
  prepared.headersObj = { ...prepared.headersObj, 'Content-Type': placeholder.mimeType }
  prepared.allHeaders = { ...prepared.allHeaders, 'Content-Type': placeholder.mimeType }
}
const unsetEdit = (body: Body, find: string, replacement: string): Edit[] => (body.contentType === null ? [[find, replacement]] : [])
const addsFormType = (client: string) => (body: Body): string | null =>
  body.contentType === null ? `The request has no Content-Type; ${client} sends its body with Content-Type: application/x-www-form-urlencoded.` : null

/**
 * A fetch body: text; its UTF-8 bytes when the request has no Content-Type (fetch gives text one);
 * bytes from base64 when it is not UTF-8.
 */
function fetchBody(body: Body): string {
  if (body.text === null) return `Uint8Array.from(atob(${jsonString(base64Encode(body.bytes))}), (c) => c.charCodeAt(0))`
  return body.contentType === null ? `new TextEncoder().encode(${jsonString(body.text)})` : jsonString(body.text)
}
const textOnly = (body: Body): string | null => (body.text === null ? BINARY : null)
const noBodyWith = (methods: string[], what: string) => (body: Body): string | null =>
  methods.includes(body.method.toUpperCase()) ? `${what} cannot send a body with ${body.method.toUpperCase()}` : null

/** A JSON string literal: also a valid string literal in JavaScript, Python, Go, Java and C#, meaning the same text. */
const jsonString = (text: string): string => JSON.stringify(text)

/** A PHP double-quoted string meaning exactly `text` (PHP's escapes are not JSON's: no `\u`, no `\b`). */
function phpString(text: string): string {
  // One replace over the text: a large body is escaped at once, not a character at a time.
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  return `"${text.replace(/[\\"$\n\r\t\x00-\x1f\x7f]/g, (char) => PHP_ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`
}
const PHP_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * A PowerShell expression for the body's bytes: printable ASCII as the UTF-8 bytes of a single-quoted
 * string (no escapes but a doubled quote), anything else as base64, since a script file's line ends
 * and (in Windows PowerShell) its encoding would change the bytes of other text.
 */
function powershellBytes(body: Body): string {
  if (body.text !== null && /^[\x20-\x7e]*$/.test(body.text)) {
    return `([System.Text.Encoding]::UTF8.GetBytes('${body.text.replace(/'/g, "''")}'))`
  }
  return `([System.Convert]::FromBase64String('${base64Encode(body.bytes)}'))`
}

/**
 * A double-quoted string literal holding exactly `bytes`, for a binary body in Go, Python (after `b`),
 * PHP and Ruby: printable ASCII as itself (a backslash before `specials`), every other byte as `\xNN`,
 * which each of them reads as that byte. The source stays ASCII. Written as bytes from a table, a
 * slice at a time, so that a body of megabytes takes a fraction of a second.
 */
function byteEscapedString(bytes: Uint8Array, specials: string): string {
  const table = Array.from({ length: 256 }, (_, byte) => {
    const char = String.fromCharCode(byte)
    const text = byte < 0x20 || byte > 0x7e ? `\\x${byte.toString(16).padStart(2, '0')}` : specials.includes(char) ? `\\${char}` : char
    return Uint8Array.from(text, (c) => c.charCodeAt(0))
  })
  const pieces: string[] = ['"']
  const slice = 64 * 1024
  const out = new Uint8Array(Math.min(bytes.length, slice) * 4)
  for (let start = 0; start < bytes.length; start += slice) {
    let at = 0
    for (let i = start, end = Math.min(bytes.length, start + slice); i < end; i++) {
      const escaped = table[bytes[i]!]!
      for (let k = 0; k < escaped.length; k++) out[at++] = escaped[k]!
    }
    pieces.push(asciiDecoder.decode(out.subarray(0, at)))
  }
  pieces.push('"')
  return pieces.join('')
}
const asciiDecoder = new TextDecoder('latin1')

// The kernel refuses a single exec argument of 128 KiB or more on Linux (Wget takes the body as one).
const MAX_ARGUMENT_BYTES = 128 * 1024 - 1

const BODY_WRITERS: Record<Exclude<SnippetLanguage, 'http:http1.1'>, BodyWriter> = {
  'javascript:fetch': {
    cannot: noBodyWith(['GET', 'HEAD'], 'fetch'),
    edits: (body, p) => [[`'${p.body}'`, fetchBody(body)]],
  },
  'node:fetch': {
    cannot: noBodyWith(['GET', 'HEAD'], 'fetch'),
    edits: (body, p) => [[`'${p.body}'`, fetchBody(body)]],
  },
  'node:axios': {
    // axios's default request transform trims a string body sent as JSON, or quotes it when it is not
    // valid JSON; an identity transform sends it as it is. Without a Content-Type axios would add a
    // form's; `false` tells it to send none.
    prepare: unsetContentType,
    edits: (body, p) => [
      [
        `data: '${p.body}'`,
        (indent) =>
          `data: ${body.text === null ? `Buffer.from(${jsonString(base64Encode(body.bytes))}, 'base64')` : jsonString(body.text)},${indent === null ? ' ' : `\n${indent}`}transformRequest: [data => data]`,
      ],
      ...unsetEdit(body, `'${p.mimeType}'`, 'false'),
    ],
  },
  'python:requests': {
    // requests with urllib3 1.x sends a str body as Latin-1; as bytes it is sent as stored.
    edits: (body, p) => [
      [`payload = "${p.body}"`, `payload = ${body.text === null ? `b${byteEscapedString(body.bytes, '"\\')}` : `${jsonString(body.text)}.encode("utf-8")`}`],
    ],
  },
  'go:native': {
    // Go refuses a byte order mark inside a source file.
    edits: (body, p) => [
      [`strings.NewReader("${p.body}")`, `strings.NewReader(${body.text === null ? byteEscapedString(body.bytes, '"\\') : jsonString(body.text).replace(/\uFEFF/g, '\\uFEFF')})`],
    ],
  },
  'ruby:native': {
    // `\#` keeps `#{`, `#@` and `#$` from being interpolated; `.b` makes escaped bytes binary.
    edits: (body, p) => [
      [`request.body = "${p.body}"`, `request.body = ${body.text === null ? `${byteEscapedString(body.bytes, '"\\#')}.b` : jsonString(body.text).replace(/#/g, '\\#')}`],
    ],
    note: addsFormType('Ruby’s net/http'),
  },
  'php:curl': {
    // A header with nothing after its colon tells cURL to send none of its own (it would add a form's).
    prepare: unsetContentType,
    edits: (body, p) => [
      [`CURLOPT_POSTFIELDS => "${p.body}"`, `CURLOPT_POSTFIELDS => ${body.text === null ? byteEscapedString(body.bytes, '"\\$') : phpString(body.text)}`],
      ...unsetEdit(body, `"Content-Type: ${p.mimeType}"`, '"Content-Type:"'),
    ],
  },
  'java:okhttp': {
    cannot: (body) => textOnly(body) ?? noBodyWith(['GET', 'HEAD'], 'OkHttp')(body),
    // As bytes the body is sent as it is; as a String OkHttp would encode it by the charset parameter
    // and add "; charset=utf-8" to a Content-Type without one.
    edits: (body, p) => [
      [`MediaType.parse("${p.mimeType}")`, body.contentType === null ? 'null' : `MediaType.parse(${jsonString(body.contentType)})`],
      [`RequestBody.create(mediaType, "${p.body}")`, `RequestBody.create(mediaType, ${jsonString(body.text!)}.getBytes(java.nio.charset.StandardCharsets.UTF_8))`],
    ],
  },
  'csharp:httpclient': {
    cannot: textOnly,
    edits: (body, p) => [
      [`new StringContent("${p.body}")`, `new StringContent(${jsonString(body.text!)})`],
      [
        `ContentType = new MediaTypeHeaderValue("${p.mimeType}")`,
        body.contentType === null ? 'ContentType = null' : `ContentType = MediaTypeHeaderValue.Parse(${jsonString(body.contentType)})`,
      ],
    ],
  },
  'powershell:webrequest': {
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'],
    cannot: (body) => (['GET', 'HEAD'].includes(body.method.toUpperCase()) ? `Invoke-WebRequest cannot send a body with ${body.method.toUpperCase()}` : null),
    // The generator writes -ContentType from this header (and fails without one); the real value, if
    // any, is written in single quotes here.
    prepare: (prepared, p) => {
      prepared.allHeaders = { 'Content-Type': p.mimeType }
    },
    edits: (body, p) => [
      [`-ContentType '${p.mimeType}' `, body.contentType === null ? '' : `-ContentType '${body.contentType.replace(/['‘’‚‛]/g, '$&$&')}' `],
      [`-Body '${p.body}'`, `-Body ${powershellBytes(body)}`],
    ],
    note: (body) => (body.contentType === null && body.method.toUpperCase() === 'POST' ? addsFormType('Invoke-WebRequest')(body) : null),
  },
  'shell:httpie': {
    // HTTPie sends its standard input as the body; printf writes every byte as stored (echo would add
    // a newline). It would call that body JSON without a Content-Type; `Content-Type:` unsets it.
    prepare: unsetContentType,
    edits: (body, p) => [[`echo ${p.body} | `, `printf '${printfFormat(body.bytes)}' | `], ...unsetEdit(body, `Content-Type:${p.mimeType}`, 'Content-Type:')],
  },
  'shell:wget': {
    cannot: (body) => {
      if (body.text === null) return BINARY
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      if (/[\x00-\x08\x0b-\x1f\x7f]/.test(body.text)) return 'Wget takes the body as a command-line argument, which cannot carry its control characters as they are'
      if (body.bytes.length > MAX_ARGUMENT_BYTES) return 'Wget takes the body as a command-line argument, and it is too large for one'
      return null
    },
    edits: (body, p) => [[`--body-data ${p.body}`, `--body-data ${shellQuote(body.text!)}`]],
    note: addsFormType('Wget'),
  },
}

/** Puts the replacement where `find` is; the generator must have written `find` exactly once. */
function replaceOnce(code: string, [find, replacement]: Edit): string {
  const at = code.indexOf(find)
  if (at < 0 || code.includes(find, at + find.length)) throw new Error('the generator did not write the body where expected')
  let text: string
  if (typeof replacement === 'string') text = replacement
  else {
    const before = code.slice(code.lastIndexOf('\n', at) + 1, at)
    text = replacement(before.trim() === '' ? before : null)
  }
  return code.slice(0, at) + text + code.slice(at + find.length)
}

/** A word found nowhere in the request, to stand for its body while a generator writes the snippet. */
function placeholderFor(request: RequestSpec, text: string | null): string {
  const haystack = [request.url, ...request.headers.flat(), text ?? ''].join('\n').toLowerCase()
  let n = 0
  while (haystack.includes(`hookscopebody${n}`)) n++
  return `hookscopebody${n}`
}

// ---------------------------------------------------------------------------------------------------

/** Raw HTTP: the message as it crosses the wire, written by the project's own exact writer. */
function rawHttpSnippet(request: RequestSpec): SnippetResult {
  let message: Uint8Array
  try {
    message = toRawHttp(request)
  } catch (error) {
    // Not a message HTTP/1.1 can carry (a capture always is one).
    if (error instanceof HookscopeError) return refuse('http:http1.1', [], error.message)
    throw error
  }
  const noHost = missingHostNote(request)
  const warnings = noHost ? [noHost] : []
  const text = utf8DecodeStrict(message)
  if (text !== null) return { code: text, warnings }
  // The head ends at the first blank line: no header line may hold a line break.
  let headEnd = 0
  while (!(message[headEnd] === 13 && message[headEnd + 1] === 10 && message[headEnd + 2] === 13 && message[headEnd + 3] === 10)) headEnd++
  headEnd += 4
  const head = message.subarray(0, headEnd)
  const headText = utf8DecodeStrict(head) ?? bytesToByteString(head)
  const bodyText = utf8DecodeStrict(message.subarray(headEnd))
  if (bodyText === null) {
    return { code: headText, warnings: [...warnings, `${BINARY}; the message shows its head only: copy it as cURL to send it byte for byte.`] }
  }
  return { code: headText + bodyText, warnings: [...warnings, 'Some header bytes are not UTF-8; they show as Latin-1 characters.'] }
}

const labelOf = (language: SnippetLanguage): string => SNIPPET_LANGUAGES.find((l) => l.id === language)?.label ?? language

/** No snippet, and why: a snippet that cannot send the request as stored is not offered. */
function refuse(language: SnippetLanguage, warnings: string[], reason: string): SnippetResult {
  return { code: '', warnings: [...warnings, `${reason}, so this request has no ${labelOf(language)} snippet: copy it as cURL or in another language.`] }
}

// Each request's body, decoded once for all the languages the sheet lists.
const bodies = new WeakMap<RequestSpec, Body | null>()

function bodyOf(request: RequestSpec): Body | null {
  const known = bodies.get(request)
  if (known !== undefined) return known
  let body: Body | null = null
  if (request.body.length > 0) {
    const contentType = request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
    body = {
      bytes: request.body,
      text: utf8DecodeStrict(request.body),
      contentType: contentType === undefined ? null : decodeByteString(contentType),
      method: request.method,
    }
  }
  bodies.set(request, body)
  return body
}

/** Why this language has no snippet for the request, or null when it has one. */
function reasonAgainst(request: RequestSpec, language: Exclude<SnippetLanguage, 'http:http1.1'>, body: Body | null): string | null {
  const unsafe = UNSAFE_TEXT[language]
  if (unsafe) {
    const texts = request.headers.filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase())).flat().map(decodeByteString)
    if (texts.some((text) => unsafe.pattern.test(text))) return `Its headers hold ${unsafe.shown}, which ${labelOf(language)} would not keep as text`
  }
  const writer = BODY_WRITERS[language]
  if (writer.methods && !writer.methods.includes(request.method.toUpperCase())) return `${labelOf(language)} cannot send the method ${request.method}`
  return body && writer.cannot ? writer.cannot(body) : null
}

/** Why the code sheet has no snippet in this language for the request, or null when it has one. */
export function snippetUnavailable(request: RequestSpec, language: SnippetLanguage): string | null {
  if (language === 'http:http1.1') {
    try {
      toRawHttp(request)
      return null
    } catch (error) {
      if (error instanceof HookscopeError) return error.message
      throw error
    }
  }
  return reasonAgainst(request, language, bodyOf(request))
}

/** A header name as Go's net/http and Ruby's Net::HTTP send it: each word between dashes capitalized. */
function canonicalName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())
}

/** What a language's client does to the headers' case or order as it sends them, said in words. */
function headerNotes(language: SnippetLanguage, headers: ReadonlyArray<{ name: string }>): string[] {
  // Host and Content-Length are the client's own to write.
  const names = headers.map((header) => header.name).filter((name) => !/^(host|content-length)$/i.test(name))
  if (language === 'go:native' || language === 'ruby:native') {
    const changed = names.filter((name) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name) && canonicalName(name) !== name)
    if (changed.length === 0) return []
    const shown = changed.slice(0, 3).map((name) => `${quoted(name)} as ${quoted(canonicalName(name))}`).join(', ')
    return [`${labelOf(language)} sends header names in its own case: ${shown}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''}. Copy it as cURL to keep their case.`]
  }
  if (language === 'php:curl' || language === 'shell:httpie') {
    const sorted = [...names].sort()
    if (sorted.every((name, i) => name === names[i])) return []
    return [`${labelOf(language)} lists the headers in alphabetical order, not in the order they came. Copy it as cURL to keep their order.`]
  }
  return []
}

export function codeSnippet(request: RequestSpec, language: SnippetLanguage): SnippetResult {
  if (language === 'http:http1.1') return rawHttpSnippet(request)
  const [targetId, clientId] = language.split(':') as [string, string]
  const client = targetTable[targetId]?.clientsById[clientId]
  const writer = BODY_WRITERS[language] as BodyWriter | undefined
  if (!client || !writer) return { code: '', warnings: [`No snippet generator for ${language}.`] }

  const body = bodyOf(request)
  let placeholder: Placeholder = { body: '', mimeType: '' }
  if (body) {
    const word = placeholderFor(request, body.text)
    placeholder = { body: word, mimeType: `${word}/type` }
  }
  const { prepared, warnings } = prepareSnippetRequest(request, body ? { text: placeholder.body, mimeType: placeholder.mimeType } : null)
  const reason = reasonAgainst(request, language, body)
  if (reason) return refuse(language, warnings, reason)
  warnings.push(...headerNotes(language, prepared.headers))

  if (body) writer.prepare?.(prepared, placeholder, body)
  let code = client.convert(prepared, { indent: '  ' })
  if (body) for (const edit of writer.edits(body, placeholder)) code = replaceOnce(code, edit)
  const note = body && writer.note?.(body)
  return { code, warnings: note ? [...warnings, note] : warnings }
}
