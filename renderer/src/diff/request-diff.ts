// Two requests compared: method, URL, headers (order-aware) and body (structural for JSON, by line
// for other text, by size and bytes for binary). Owns: choosing how a body is compared. Pure: the
// caller loads the requests; nothing here renders.
import { utf8DecodeStrict } from '../../../shared/formats/bytes'
import type { RawHeaders } from '../../../shared/model'
import { diffHeaders, type HeaderDiffRow } from './header-diff'
import { diffJson, type JsonChange } from './json-diff'
import { diffText, type LineOp } from './line-diff'

export interface ComparableRequest {
  label: string
  method: string
  url: string
  headers: RawHeaders
  body: Uint8Array
}

export type BodyDiff =
  | { kind: 'same'; size: number }
  | { kind: 'json'; changes: JsonChange[] }
  | { kind: 'lines'; ops: LineOp[] }
  | { kind: 'binary'; beforeSize: number; afterSize: number }

export interface RequestDiff {
  method: { before: string; after: string; changed: boolean }
  url: { before: string; after: string; changed: boolean }
  headers: HeaderDiffRow[]
  body: BodyDiff
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function diffBodies(before: Uint8Array, after: Uint8Array): BodyDiff {
  if (bytesEqual(before, after)) return { kind: 'same', size: before.length }
  const beforeText = before.length === 0 ? '' : utf8DecodeStrict(before)
  const afterText = after.length === 0 ? '' : utf8DecodeStrict(after)
  if (beforeText === null || afterText === null) return { kind: 'binary', beforeSize: before.length, afterSize: after.length }
  const json = beforeText.trim() !== '' && afterText.trim() !== '' ? diffJson(beforeText, afterText) : null
  if (json) return { kind: 'json', changes: json }
  return { kind: 'lines', ops: diffText(beforeText, afterText) }
}

export function diffRequests(before: ComparableRequest, after: ComparableRequest): RequestDiff {
  return {
    method: { before: before.method, after: after.method, changed: before.method !== after.method },
    url: { before: before.url, after: after.url, changed: before.url !== after.url },
    headers: diffHeaders(before.headers, after.headers),
    body: diffBodies(before.body, after.body),
  }
}
