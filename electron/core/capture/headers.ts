// Helpers over raw header pairs. The pairs are the source of truth: order, case and duplicates as
// received. Lookups here are case-insensitive and never change the pairs.
import type { CaptureFlag, RawHeaders } from '../../../shared/model'

export function pairsOf(flat: string[]): RawHeaders {
  const pairs: RawHeaders = []
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!])
  return pairs
}

/** What the capture path reads from a request's headers, found in the one pass that pairs them. */
export interface RequestHeads {
  pairs: RawHeaders
  contentLength: string | null
  contentType: string | null
  fetchSite: string | null
  origin: string | null
}

/** Pair Node's flat raw headers and pick out, first occurrence each, the few the capture path reads. */
export function scanRequestHeaders(flat: string[]): RequestHeads {
  const heads: RequestHeads = { pairs: [], contentLength: null, contentType: null, fetchSite: null, origin: null }
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!
    const value = flat[i + 1]!
    heads.pairs.push([name, value])
    // Compare lower-cased only names of a length that can match.
    const length = name.length
    if (length !== 14 && length !== 12 && length !== 6) continue
    const lower = name.toLowerCase()
    if (lower === 'content-length') heads.contentLength ??= value
    else if (lower === 'content-type') heads.contentType ??= value
    else if (lower === 'sec-fetch-site') heads.fetchSite ??= value
    else if (lower === 'origin') heads.origin ??= value
  }
  return heads
}

export function headerValue(headers: RawHeaders, name: string): string | null {
  const lower = name.toLowerCase()
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value
  return null
}

export function headerValues(headers: RawHeaders, name: string): string[] {
  const lower = name.toLowerCase()
  return headers.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value)
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Flag requests that a web browser sent, and those sent by a page on another site. Such a request is
 * still captured (a user may be testing a browser integration), but it is marked so the user sees it
 * and so that later stages (forwarding) can refuse to act on it.
 */
export function browserFlags({ fetchSite, origin }: Pick<RequestHeads, 'fetchSite' | 'origin'>, ownPort: number): CaptureFlag[] {
  if (fetchSite === null && origin === null) return []
  let crossSite = fetchSite !== null && fetchSite.trim().toLowerCase() === 'cross-site'
  if (!crossSite && origin !== null) crossSite = !isOwnOrigin(origin.trim(), ownPort)
  return crossSite ? ['browser', 'cross-site'] : ['browser']
}

function isOwnOrigin(origin: string, ownPort: number): boolean {
  if (origin === 'null') return false
  try {
    const url = new URL(origin)
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && port === ownPort
  } catch {
    return false
  }
}
