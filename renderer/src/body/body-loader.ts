// Fetching body bytes for display and for saving. Owns: the display cap (a whole body up to it,
// past it the head and the tail), decoding base64 slices, and "save full body", which streams every
// slice into a Blob and downloads it. Never: holds more than the display cap to show a body.
import type { ApiClient } from '../../../shared/api'
import type { BodyChunk } from '../../../shared/model'

export const WHOLE_BODY_MAX_BYTES = 2 * 1024 * 1024
export const HEAD_BYTES = 512 * 1024
export const TAIL_BYTES = 64 * 1024
const SAVE_SLICE_BYTES = 8 * 1024 * 1024

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}


export interface DisplayBody {
  /** The whole body when `tail` is null, else its first bytes. */
  head: Uint8Array
  tail: Uint8Array | null
  totalSize: number
  decodedFrom: string[]
  capped: boolean
  decodeError: string | null
}

export type BodyApi = Pick<ApiClient, 'captures.body'>

export async function loadDisplayBody(api: BodyApi, id: string, decode: boolean): Promise<DisplayBody> {
  const first: BodyChunk = await api['captures.body']({ id, offset: 0, length: WHOLE_BODY_MAX_BYTES, decode })
  const base = { totalSize: first.totalSize, decodedFrom: first.decodedFrom, capped: first.capped, decodeError: first.decodeError }
  if (first.totalSize <= first.size) return { ...base, head: base64ToBytes(first.base64), tail: null }
  const head = base64ToBytes(first.base64).subarray(0, HEAD_BYTES)
  const tailChunk = await api['captures.body']({ id, offset: Math.max(HEAD_BYTES, first.totalSize - TAIL_BYTES), length: TAIL_BYTES, decode })
  return { ...base, head, tail: base64ToBytes(tailChunk.base64) }
}

/** Read slices (`read(offset)`) until the body ends or `maxBytes` are in, as one array. */
export async function readSlices(
  read: (offset: number) => Promise<{ base64: string; size: number; totalSize: number }>,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const parts: Uint8Array[] = []
  let offset = 0
  let total = Infinity
  while (offset < total && offset < maxBytes) {
    const chunk = await read(offset)
    total = chunk.totalSize
    if (chunk.size === 0) break
    parts.push(base64ToBytes(chunk.base64))
    offset += chunk.size
  }
  const bytes = new Uint8Array(offset)
  let at = 0
  for (const part of parts) {
    bytes.set(part, at)
    at += part.length
  }
  return { bytes: bytes.subarray(0, Math.min(offset, maxBytes)), complete: offset >= total }
}

/** The whole body (raw as stored, or decoded), up to `maxBytes`; for copy as cURL and code. */
export function loadWholeBody(api: BodyApi, id: string, maxBytes: number, decode = false): Promise<{ bytes: Uint8Array; complete: boolean }> {
  return readSlices((offset) => api['captures.body']({ id, offset, length: Math.min(SAVE_SLICE_BYTES, maxBytes - offset), decode }), maxBytes)
}

export async function buildBodyBlob(api: BodyApi, id: string, decode: boolean, type: string): Promise<Blob> {
  const parts: BlobPart[] = []
  let offset = 0
  let total = Infinity
  while (offset < total) {
    const chunk = await api['captures.body']({ id, offset, length: SAVE_SLICE_BYTES, decode })
    total = chunk.totalSize
    if (chunk.size === 0) break
    parts.push(base64ToBytes(chunk.base64) as Uint8Array<ArrayBuffer>)
    offset += chunk.size
  }
  return new Blob(parts, { type })
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

const SAFE_FILENAME = /[^A-Za-z0-9._-]+/g

export function safeFilename(name: string, fallback: string): string {
  const cleaned = name.replace(SAFE_FILENAME, '_').replace(/^[._]+/, '').slice(0, 120)
  return cleaned || fallback
}
