// The list's search and filters. Owns: their shape, turning them into an engine query, and deciding
// locally whether a live capture belongs in the filtered list (free text is searched by the engine
// only, over path, headers and body, so a live capture cannot be judged here while text is set).
import type { CaptureQuery, CaptureSummary } from '../../../shared/model'

export const TIME_RANGES = [
  { id: 'all', label: 'Any time', ms: null },
  { id: '5m', label: 'Last 5 minutes', ms: 5 * 60_000 },
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
] as const
export type TimeRangeId = (typeof TIME_RANGES)[number]['id']

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const

/** An HTTP method: a token (RFC 9110), such as PROPFIND, QUERY or a provider's own. */
export function isMethodToken(value: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)
}

export const STATUS_CLASSES = [
  { value: 2, label: '2xx' },
  { value: 3, label: '3xx' },
  { value: 4, label: '4xx' },
  { value: 5, label: '5xx' },
  { value: 0, label: 'No response' },
] as const

export interface CaptureFilter {
  text: string
  method: string | null
  statusClass: number | null
  endpointId: string | null
  range: TimeRangeId
}

export const emptyFilter = (): CaptureFilter => ({ text: '', method: null, statusClass: null, endpointId: null, range: 'all' })

export function isFiltered(filter: CaptureFilter): boolean {
  return filter.text.trim() !== '' || filter.method !== null || filter.statusClass !== null || filter.endpointId !== null || filter.range !== 'all'
}

export function statusClassOf(status: number | null): number {
  return status === null ? 0 : Math.floor(status / 100)
}

/**
 * The status class the filter lists a capture under, as the engine's query does: none while it still
 * waits for its answer (being received, or waiting out its rule's delay), which is no answer yet
 * rather than "No response"; it joins its class once answered, or "No response" if never.
 */
export function filterClassOf(summary: Pick<CaptureSummary, 'status' | 'inFlight'>): number | null {
  if (summary.status === null && summary.inFlight === true) return null
  return statusClassOf(summary.status)
}

export function toCaptureQuery(filter: CaptureFilter, now: number, limit: number): CaptureQuery {
  const query: CaptureQuery = { limit }
  const text = filter.text.trim()
  if (text) query.text = text
  if (filter.method) query.methods = [filter.method]
  if (filter.statusClass !== null) query.statusClasses = [filter.statusClass]
  if (filter.endpointId) query.endpointId = filter.endpointId
  const range = TIME_RANGES.find((r) => r.id === filter.range)
  if (range?.ms) query.since = now - range.ms
  return query
}

/** true or false when the filter can be judged here; 'engine' when free text needs the engine. */
export function matchesLocally(filter: CaptureFilter, summary: CaptureSummary): boolean | 'engine' {
  if (filter.endpointId !== null && summary.endpointId !== filter.endpointId) return false
  if (filter.method !== null && summary.method.toUpperCase() !== filter.method) return false
  if (filter.statusClass !== null && filterClassOf(summary) !== filter.statusClass) return false
  if (filter.text.trim() !== '') return 'engine'
  return true
}

/** Whether a capture was received within the filter's time range, as of `now`. A live capture always is;
 * this is for one the engine already had, changed since (matchesLocally leaves the range out: a listed
 * row stays listed as it ages). */
export function withinRange(filter: CaptureFilter, summary: CaptureSummary, now: number): boolean {
  const ms = TIME_RANGES.find((r) => r.id === filter.range)?.ms
  return !ms || summary.receivedAt >= now - ms
}
