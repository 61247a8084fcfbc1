// A capture as a request someone could send again: the URL it was sent to (the endpoint's own
// address plus the raw request target), its raw headers in order, and its raw body bytes.
import type { Capture } from '../../../shared/model'
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
