// A capture as a request someone could send again: the URL it was sent to (the endpoint's own
// address plus the raw request target), its raw headers in order, and its raw body bytes.
import type { Capture } from '../../../shared/model'
import { splitUrl } from '../../../shared/formats/http-parts'
import type { RequestSpec } from '../../../shared/formats/types'

/** The endpoint's origin plus the target as received; absolute-form targets keep only their path. */
export function captureUrl(capture: Pick<Capture, 'target' | 'localPort'>, endpointUrl: string | null): string {
  const origin = (endpointUrl ?? `http://127.0.0.1:${capture.localPort}`).replace(/\/+$/, '')
  const target = capture.target
  if (target.startsWith('/')) return origin + target
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([\s\S]*)$/.exec(target)
  if (absolute) return origin + (absolute[1]!.startsWith('/') ? absolute[1]! : `/${absolute[1]!}`)
  return `${origin}/${target === '*' ? '' : target}`
}

export function captureToRequestSpec(capture: Capture, endpointUrl: string | null, body: Uint8Array): RequestSpec {
  return {
    method: capture.method,
    url: captureUrl(capture, endpointUrl),
    httpVersion: capture.httpVersion,
    headers: capture.rawHeaders.map(([name, value]) => [name, value] as [string, string]),
    body,
  }
}

/**
 * What a raw HTTP copy of a request lacks when it came without a Host header (HTTP/1.0 does not need
 * one; the capture endpoint takes an HTTP/1.1 request without one too): the message as received does
 * not say which server it went to, and an HTTP/1.1 server answers it with 400. Null with a Host.
 */
export function missingHostNote(request: Pick<RequestSpec, 'url' | 'headers' | 'httpVersion'>): string | null {
  if (request.headers.some(([name]) => name.toLowerCase() === 'host')) return null
  const authority = splitUrl(request.url)?.authority
  const where = authority ? ` It reached ${authority}: to send it again, send it there, or add the line “Host: ${authority}” (which the Composer’s Paste needs).` : ''
  const version = (request.httpVersion ?? '1.1').replace(/^HTTP\//i, '')
  return version === '1.0' || version === '0.9'
    ? `No Host header came with this request (HTTP/1.0 does not require one), so the message does not say which server it was sent to.${where}`
    : `No Host header came with this request, though HTTP/${version} requires one: a server answers this message with 400 Bad Request as it stands.${where}`
}
