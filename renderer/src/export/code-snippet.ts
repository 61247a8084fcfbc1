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

export function prepareSnippetRequest(request: RequestSpec): { prepared: PreparedRequest; warnings: string[] } {
  const warnings: string[] = []
  const parsed = new URL(request.url)
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

export function codeSnippet(request: RequestSpec, language: SnippetLanguage): SnippetResult {
  const [targetId, clientId] = language.split(':') as [string, string]
  const client = targetTable[targetId]?.clientsById[clientId]
  if (!client) return { code: '', warnings: [`No snippet generator for ${language}.`] }
  const { prepared, warnings } = prepareSnippetRequest(request)
  return { code: client.convert(prepared, { indent: '  ' }), warnings }
}
