// Exporting the traffic list: every request its search and filters match, read from the engine page
// by page (the list holds only the pages it has loaded), then exported in slices, so that a long
// export shows how far it is; cancelled, it ends at once, without waiting for the call on its way.
// The slices are joined into one file, oldest request first, as browsers' HAR files are. Never:
// touches the DOM or the stores.
import { EXPORT_CALL_MAX_BODY_BYTES, type ApiClient } from '../../../shared/api'
import { HookscopeError } from '../../../shared/errors'
import type { CaptureQuery } from '../../../shared/model'

/** The most requests one export holds (as many as the engine exports in one call). */
export const EXPORT_MAX_CAPTURES = 100_000
/** Summaries read per query while listing what matches (the engine's largest page). */
export const EXPORT_LIST_PAGE = 5000
/** Requests exported per engine call: the unit of progress and of stopping. A slice also ends before
 * its bodies would add up to more than one call carries (EXPORT_CALL_MAX_BODY_BYTES). */
export const EXPORT_SLICE = 250

export type TrafficExportFormat = 'har' | 'curl'

export interface ExportProgress {
  format: TrafficExportFormat
  /** Listing what matches, then exporting it. */
  phase: 'listing' | 'exporting'
  done: number
  total: number
}

export interface ListExportOptions {
  /** The list's query (its search and filters), without paging. */
  query: Omit<CaptureQuery, 'before' | 'limit'>
  format: TrafficExportFormat
  /** Leave out requests newer than this id (a paused list does not show them yet). */
  newestId?: string
  max?: number
  slice?: number
  signal: AbortSignal
  onProgress(progress: ExportProgress): void
}

export interface ListExport {
  blob: Blob
  filename: string
  /** Requests in the file. */
  exported: number
  /** Requests the query matched when the export began. */
  matched: number
  /** More matched than an export holds: the newest `max` were exported. */
  capped: boolean
  /** Requests deleted (cleared, or dropped by retention) between listing and exporting them. */
  gone: number
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.')
    this.name = 'ExportCancelled'
  }
}

/** Resolves with the call's answer, or rejects at once when the export is cancelled meanwhile. */
function unlessCancelled<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ExportCancelled())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ExportCancelled())
    signal.addEventListener('abort', onAbort, { once: true })
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/** The ids of the requests the query matches, newest first, at most `max` of them. */
async function listMatching(api: ApiClient, options: ListExportOptions, max: number): Promise<{ ids: string[]; sizes: Map<string, number>; matched: number }> {
  const { query, newestId, signal } = options
  const ids: string[] = []
  const sizes = new Map<string, number>()
  let before: string | undefined
  let matched = 0
  let skipped = 0
  for (let first = true; ; first = false) {
    const page = await unlessCancelled(api['captures.query']({ ...query, limit: EXPORT_LIST_PAGE, ...(before !== undefined ? { before } : {}) }), signal)
    if (first) matched = page.total
    for (const item of page.items) {
      if (newestId !== undefined && item.id > newestId) skipped++
      else if (ids.length < max) {
        ids.push(item.id)
        sizes.set(item.id, item.bodySize)
      }
    }
    options.onProgress({ format: options.format, phase: 'listing', done: ids.length, total: Math.min(max, matched - skipped) })
    if (ids.length >= max || page.next === null || page.items.length === 0) break
    before = page.next
  }
  return { ids, sizes, matched: Math.max(ids.length, matched - skipped) }
}

interface HarLog {
  entries: unknown[]
  [key: string]: unknown
}

/** One slice exported; a request deleted since it was listed is left out (and counted) instead of
 * failing the whole export. */
async function exportSlice(api: ApiClient, ids: string[], format: TrafficExportFormat, signal: AbortSignal): Promise<{ files: Array<{ filename: string; text: string }>; gone: number }> {
  try {
    return { files: [await unlessCancelled(api['captures.export']({ ids, format }), signal)], gone: 0 }
  } catch (error) {
    if (!(error instanceof HookscopeError && error.code === 'NOT_FOUND')) throw error
  }
  const files: Array<{ filename: string; text: string }> = []
  let gone = 0
  for (const id of ids) {
    try {
      files.push(await unlessCancelled(api['captures.export']({ ids: [id], format }), signal))
    } catch (error) {
      if (!(error instanceof HookscopeError && error.code === 'NOT_FOUND')) throw error
      gone++
    }
  }
  return { files, gone }
}

const indent = (json: string, spaces: number) => json.replace(/\n/g, `\n${' '.repeat(spaces)}`)

/** A HAR document written as the engine writes one (two-space indents), from its log's fields and
 * its entries as text; as parts of a Blob, since a long export can outgrow one string. */
function harParts(log: Omit<HarLog, 'entries'>, entries: string[]): BlobPart[] {
  const fields = Object.entries(log).map(([key, value]) => `\n    ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), 4)},`)
  const parts: BlobPart[] = [`{\n  "log": {${fields.join('')}\n    "entries": [`]
  entries.forEach((entry, index) => parts.push(`${index === 0 ? '' : ','}\n      ${entry}`))
  parts.push(entries.length === 0 ? ']\n  }\n}' : '\n    ]\n  }\n}')
  return parts
}

/** Every request the query matches (up to `max`), exported as one HAR or cURL file. */
export async function exportList(api: ApiClient, options: ListExportOptions): Promise<ListExport> {
  const max = options.max ?? EXPORT_MAX_CAPTURES
  const size = options.slice ?? EXPORT_SLICE
  const { format, signal } = options
  const listed = await listMatching(api, options, max)
  const ids = listed.ids.reverse()
  let filename = ''
  let log: Omit<HarLog, 'entries'> | null = null
  const entries: string[] = []
  const scripts: string[] = []
  let gone = 0
  options.onProgress({ format, phase: 'exporting', done: 0, total: ids.length })
  for (let at = 0; at < ids.length; ) {
    // At least one request per slice; more while their bodies fit in one call.
    let end = at + 1
    let bytes = listed.sizes.get(ids[at]!) ?? 0
    while (end < ids.length && end - at < size && bytes + (listed.sizes.get(ids[end]!) ?? 0) <= EXPORT_CALL_MAX_BODY_BYTES) {
      bytes += listed.sizes.get(ids[end]!) ?? 0
      end++
    }
    const slice = await exportSlice(api, ids.slice(at, end), format, signal)
    gone += slice.gone
    for (const file of slice.files) {
      filename ||= file.filename
      if (format === 'curl') {
        scripts.push(file.text)
        continue
      }
      const { entries: sliceEntries, ...rest } = (JSON.parse(file.text) as { log: HarLog }).log
      log ??= rest
      for (const entry of sliceEntries) entries.push(indent(JSON.stringify(entry, null, 2), 6))
    }
    options.onProgress({ format, phase: 'exporting', done: end, total: ids.length })
    at = end
  }
  const exported = ids.length - gone
  filename ||= `hookscope.${format === 'curl' ? 'sh' : 'har'}`
  const capped = listed.matched > listed.ids.length
  if (format === 'curl') return { blob: new Blob(scripts, { type: 'text/x-shellscript' }), filename, exported, matched: listed.matched, capped, gone }
  return { blob: new Blob(harParts(log ?? { version: '1.2', creator: { name: 'Hookscope', version: '' } }, entries), { type: 'application/json' }), filename, exported, matched: listed.matched, capped, gone }
}
