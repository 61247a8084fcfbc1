// Copy as code: the request in other languages through @readme/httpsnippet's targets. The package's
// own entry point imports Node's `url` module, which does not exist in a browser, so this module uses
// its `targets` entry and prepares the request (what HTTPSnippet#prepare does) with the browser's URL.
import { targets } from '@readme/httpsnippet/targets'
import { parseQuery } from '../../../shared/formats/http-parts'
import { utf8DecodeStrict } from '../../../shared/formats/bytes'
import type { RequestSpec } from '../../../shared/formats/types'
import { decodeByteString } from '../text/visible-text'
import { parseMediaType } from '../text/content-type'

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
  postData: { mimeType: string; text?: string; jsonObj?: unknown; params?: Array<{ name: string; value: string }>; paramsObj?: Pairs }
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
  /** What the snippet could not carry over. */
  warnings: string[]
}

/**
 * Characters the generators may leave unescaped inside a URL they quote (JavaScript, PowerShell and
 * PHP put it in quotes as it is; PHP and Ruby interpolate `$` and `#{`). Percent-encoded they mean the
 * same to nearly every server and nothing to a language.
 */
const URL_CODE_CHARS = /['"`$\\{}|^]/g

/**
 * What each generator does not escape in header names, values and body text, and that its language
 * would read as code: JavaScript's quoting leaves backslashes alone (so `\'` ends the string), PHP
 * interpolates `$` in its double quotes, Ruby `#{`, `#@` and `#$` in the body's, PowerShell `$(…)` in
 * its double quotes and nothing at all in its single quotes. With any of these in the request there
 * is no snippet in that language: a copied snippet must never run what a sender put in a request.
 */
const UNSAFE_TEXT: Partial<Record<SnippetLanguage, { pattern: RegExp; shown: string }>> = {
  'javascript:fetch': { pattern: /\\/, shown: 'a backslash' },
  'node:fetch': { pattern: /\\/, shown: 'a backslash' },
  'node:axios': { pattern: /\\/, shown: 'a backslash' },
  'php:curl': { pattern: /\$/, shown: '“$”' },
  'ruby:native': { pattern: /#[{@$]/, shown: '“#{”, “#@” or “#$”' },
  'powershell:webrequest': { pattern: /[$`']/, shown: '“$”, “\'” or a backtick' },
}

export function prepareSnippetRequest(request: RequestSpec): { prepared: PreparedRequest; warnings: string[] } {
  const warnings: string[] = []
  const parsed = new URL(request.url)
  // A request never sends a fragment; a target holding `#` would otherwise put one in the snippet.
  parsed.hash = ''
  const pathname = parsed.pathname.replace(URL_CODE_CHARS, percentEncode)
  const search = parsed.search.replace(URL_CODE_CHARS, percentEncode)
  if (pathname !== parsed.pathname || search !== parsed.search) {
    warnings.push('Quotes, backslashes and similar characters in the URL are percent-encoded in the snippet.')
    parsed.pathname = pathname
    parsed.search = search
  }
  const queryString = parseQuery(parsed.search.replace(/^\?/, ''))
  const headers = request.headers
    .filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase()))
    .map(([name, value]) => ({ name: decodeByteString(name), value: decodeByteString(value) }))
  const headersObj: Record<string, string> = {}
  for (const { name, value } of headers) headersObj[name] = value
  const contentTypeHeader = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? ''
  const media = parseMediaType(contentTypeHeader)
  const postData: PreparedRequest['postData'] = { mimeType: media?.essence ?? 'application/octet-stream' }
  if (request.body.length > 0) {
    const text = utf8DecodeStrict(request.body)
    if (text === null) {
      warnings.push('The body is binary; the snippet leaves it out.')
      postData.mimeType = 'application/octet-stream'
    } else if (postData.mimeType === 'application/json' || postData.mimeType.endsWith('+json')) {
      try {
        postData.jsonObj = JSON.parse(text)
        postData.mimeType = 'application/json'
      } catch {
        postData.mimeType = 'text/plain'
      }
      postData.text = text
    } else if (postData.mimeType === 'application/x-www-form-urlencoded') {
      postData.params = parseQuery(text)
      postData.paramsObj = pairsObject(postData.params)
      postData.text = text
    } else {
      // multipart and everything else travel as their exact text with their own Content-Type.
      if (postData.mimeType.startsWith('multipart/')) postData.mimeType = contentTypeHeader
      postData.text = text
    }
  }
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
    postData,
    bodySize: request.body.length,
    headersSize: -1,
  }
  return { prepared, warnings }
}

type Converter = (request: PreparedRequest, options?: Record<string, unknown>) => string
const targetTable = targets as unknown as Record<string, { clientsById: Record<string, { convert: Converter }> }>

/** The keys and string values of a parsed JSON body (null when there is none), without recursion. */
function jsonStrings(value: unknown): string[] | null {
  if (value === undefined) return null
  const out: string[] = []
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    if (typeof item === 'string') out.push(item)
    else if (Array.isArray(item)) for (const child of item) stack.push(child)
    else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        out.push(key)
        stack.push(child)
      }
    }
  }
  return out
}

function percentEncode(char: string): string {
  return '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')
}

export function codeSnippet(request: RequestSpec, language: SnippetLanguage): SnippetResult {
  const [targetId, clientId] = language.split(':') as [string, string]
  const client = targetTable[targetId]?.clientsById[clientId]
  if (!client) return { code: '', warnings: [`No snippet generator for ${language}.`] }
  const { prepared, warnings } = prepareSnippetRequest(request)
  const unsafe = UNSAFE_TEXT[language]
  if (unsafe) {
    // JavaScript writes a JSON body as an object literal: what counts is its keys and strings as
    // parsed (`\n` in the JSON text is a newline there, not a backslash).
    const body = targetId === 'javascript' || targetId === 'node' ? jsonStrings(prepared.postData.jsonObj) ?? [prepared.postData.text ?? ''] : [prepared.postData.text ?? '']
    const texts = [...body, ...prepared.headers.flatMap((h) => [h.name, h.value])]
    if (texts.some((text) => unsafe.pattern.test(text))) {
      const label = SNIPPET_LANGUAGES.find((l) => l.id === language)?.label ?? language
      return { code: '', warnings: [...warnings, `Its headers or body hold ${unsafe.shown}, which ${label} would not keep as text; copy it as cURL or in another language.`] }
    }
  }
  // Python's generator writes a JSON body as a dict literal without escaping its keys or backslashes;
  // as the exact JSON text (`data=`) it is escaped properly, and is sent byte for byte besides.
  if (targetId === 'python' && prepared.postData.jsonObj !== undefined) prepared.postData = { mimeType: 'text/plain', text: prepared.postData.text }
  return { code: client.convert(prepared, { indent: '  ' }), warnings }
}
