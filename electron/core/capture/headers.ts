// Helpers over raw header pairs. The pairs are the source of truth: order, case and duplicates as
// received. Lookups here are case-insensitive and never change the pairs.
import type { CaptureFlag, RawHeaders } from '../../../shared/model'

export function pairsOf(flat: string[]): RawHeaders {
  const pairs: RawHeaders = []
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!])
  return pairs
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
export function browserFlags(headers: RawHeaders, ownPort: number): CaptureFlag[] {
  const fetchSite = headerValue(headers, 'sec-fetch-site')
  const origin = headerValue(headers, 'origin')
  const browser =
    fetchSite !== null || origin !== null
  if (!browser) return []
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
