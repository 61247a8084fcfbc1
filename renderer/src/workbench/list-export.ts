// Exporting the traffic list: every request its search and filters match, read from the engine page
// by page (the list holds only the pages it has loaded), then exported in slices, so that a long
// export shows how far it is, in bytes of work (each request's body and a little for the rest of it),
// each slice's share counted as the engine writes its file (`exports.progress`) and as the page reads
// it, so that one request of a hundred megabytes advances as smoothly as thousands of small ones;
// cancelled, it ends at once, without waiting for the call on its way.
// The slices are joined into one file, oldest request first, as browsers' HAR files are; a slice the
// engine answers as a file (past a megabyte) is read in slices of bytes and joined as they are, never
// decoded into one string. Never: touches the DOM or the stores.
import { EXPORT_CALL_MAX_BODY_BYTES, EXPORT_READ_MAX_BYTES, type ApiClient, type ExportedFile } from '../../../shared/api'
import { HookscopeError } from '../../../shared/errors'
import type { CaptureQuery } from '../../../shared/model'

/** The most requests one export holds (as many as the engine exports in one call). */
export const EXPORT_MAX_CAPTURES = 100_000
/** Summaries read per query while listing what matches (the engine's largest page). */
export const EXPORT_LIST_PAGE = 5000
/** Requests exported per engine call: the unit of progress and of stopping. A slice also ends before
 * its bodies would add up to more than one call carries (EXPORT_CALL_MAX_BODY_BYTES). */
export const EXPORT_SLICE = 250

/** Work counted for each request besides its body's bytes (its headers, and the file's text around it). */
export const REQUEST_WORK_BYTES = 1024
/** Of a slice's work, the share done while the engine writes its file; the rest is the page reading it. */
const WRITE_SHARE = 0.5

export type TrafficExportFormat = 'har' | 'curl'

export interface ExportProgress {
  format: TrafficExportFormat
  /** Listing what matches, then exporting it. */
  phase: 'listing' | 'exporting'
  /** Listing: requests found. Exporting: requests in the file so far. */
  done: number
  total: number
  /** Exporting: the work done and in all, in bytes (see REQUEST_WORK_BYTES); 0 while listing. */
  bytesDone: number
  bytesTotal: number
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
    options.onProgress({ format: options.format, phase: 'listing', done: ids.length, total: Math.min(max, matched - skipped), bytesDone: 0, bytesTotal: 0 })
    if (ids.length >= max || page.next === null || page.items.length === 0) break
    before = page.next
  }
  return { ids, sizes, matched: Math.max(ids.length, matched - skipped) }
}

interface HarLog {
  entries: unknown[]
  [key: string]: unknown
}

/** An export the engine answered as a file that will not be read to its end: deleted now, rather
 * than left in the engine's data folder until it times out. */
function discardFile(api: ApiClient, exported: ExportedFile): void {
  if (exported.file) api['exports.discard']({ id: exported.file.id }).catch(() => undefined)
}

/** One `captures.export` call; cancelled while the engine writes it, the file it answers with later is discarded. */
async function exportCall(api: ApiClient, ids: string[], format: TrafficExportFormat, signal: AbortSignal, progressId?: string): Promise<ExportedFile> {
  const call = api['captures.export']({ ids, format, ...(progressId !== undefined ? { progressId } : {}) })
  try {
    return await unlessCancelled(call, signal)
  } catch (error) {
    if (error instanceof ExportCancelled) call.then((exported) => discardFile(api, exported), () => undefined)
    throw error
  }
}

/** One slice exported; a request deleted since it was listed is left out (and counted) instead of
 * failing the whole export. */
async function exportSlice(api: ApiClient, ids: string[], format: TrafficExportFormat, signal: AbortSignal, progressId?: string): Promise<{ files: ExportedFile[]; gone: number }> {
  try {
    return { files: [await exportCall(api, ids, format, signal, progressId)], gone: 0 }
  } catch (error) {
    if (!(error instanceof HookscopeError && error.code === 'NOT_FOUND')) throw error
  }
  const files: ExportedFile[] = []
  let gone = 0
  try {
    for (const id of ids) {
      try {
        files.push(await exportCall(api, [id], format, signal))
      } catch (error) {
        if (!(error instanceof HookscopeError && error.code === 'NOT_FOUND')) throw error
        gone++
      }
    }
  } catch (error) {
    for (const file of files) discardFile(api, file)
    throw error
  }
  return { files, gone }
}

/**
 * The bytes of an export the engine answered as a file, from `from` to its end, in slices (read in
 * order: the engine deletes the file once its last byte is read), `onRead` told of the bytes read so
 * far after each. Cancelled or failed, the file is discarded.
 */
export async function readExportFile(
  api: ApiClient,
  file: { id: string; size: number },
  from = 0,
  signal?: AbortSignal,
  onRead?: (read: number, of: number) => void,
): Promise<Uint8Array<ArrayBuffer>[]> {
  const parts: Uint8Array<ArrayBuffer>[] = []
  try {
    for (let offset = from; offset < file.size; ) {
      const call = api['exports.read']({ id: file.id, offset, length: Math.min(EXPORT_READ_MAX_BYTES, file.size - offset) })
      const slice = await (signal ? unlessCancelled(call, signal) : call)
      if (slice.size === 0) break
      parts.push(base64Bytes(slice.base64))
      offset += slice.size
      onRead?.(offset - from, file.size - from)
    }
  } catch (error) {
    api['exports.discard']({ id: file.id }).catch(() => undefined)
    throw error
  }
  return parts
}

/** An exported file as a Blob, however the engine answered (its text, or a file read in slices). */
export async function exportedBlob(api: ApiClient, exported: ExportedFile): Promise<Blob> {
  if (!exported.file) return new Blob([exported.text], { type: exported.mimeType })
  return new Blob(await readExportFile(api, exported.file), { type: exported.mimeType })
}

function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** A piece of the file: text, bytes, or a Blob of them. */
type FilePart = string | Blob | Uint8Array<ArrayBuffer>

const indent = (json: string, spaces: number) => json.replace(/\n/g, `\n${' '.repeat(spaces)}`)

/** A HAR document written as the engine writes one (two-space indents), from its log's fields and
 * its entries (each part with the comma and line break before it); as parts of a Blob, since a long
 * export can outgrow one string. */
function harParts(log: Omit<HarLog, 'entries'>, entries: FilePart[]): FilePart[] {
  const fields = Object.entries(log).map(([key, value]) => `\n    ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), 4)},`)
  return [`{\n  "log": {${fields.join('')}\n    "entries": [`, ...entries, entries.length === 0 ? ']\n  }\n}' : '\n    ]\n  }\n}']
}

/**
 * A HAR file's entries, joined where `entries` ends: a file answered as text parsed, one answered as
 * a file read as bytes (its log's fields, before the entries, parsed when none are known yet).
 */
async function addHarEntries(
  api: ApiClient,
  file: ExportedFile,
  entries: FilePart[],
  log: Omit<HarLog, 'entries'> | null,
  signal: AbortSignal,
  onRead?: (read: number, of: number) => void,
): Promise<Omit<HarLog, 'entries'>> {
  if (!file.file) {
    const { entries: sliceEntries, ...rest } = (JSON.parse(file.text) as { log: HarLog }).log
    for (const entry of sliceEntries) entries.push(`${entries.length === 0 ? '' : ','}\n      ${indent(JSON.stringify(entry, null, 2), 6)}`)
    return log ?? rest
  }
  const range = file.harEntries ?? { start: 0, end: 0 }
  if (!log) {
    // What comes before the entries ends with `"entries": [`: closed, it is the log without them.
    const head = await new Blob(await readExportFile(api, { id: file.file.id, size: range.start }, 0, signal)).text()
    const parsed = (JSON.parse(`${head}]}}`) as { log: HarLog }).log
    log = Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== 'entries'))
  }
  const bytes = new Blob(await readExportFile(api, file.file, range.start, signal, onRead)).slice(0, range.end - range.start)
  if (bytes.size > 0) {
    if (entries.length > 0) entries.push(',')
    entries.push(bytes)
  }
  return log
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
  const entries: FilePart[] = []
  const scripts: FilePart[] = []
  let gone = 0
  const work = (id: string) => (listed.sizes.get(id) ?? 0) + REQUEST_WORK_BYTES
  let bytesTotal = 0
  for (const id of ids) bytesTotal += work(id)
  // The work of the slices in the file, and what was shown last (never less than before).
  let bytesBefore = 0
  let bytesShown = 0
  const show = (done: number, bytes: number) => {
    bytesShown = Math.max(bytesShown, Math.min(bytesTotal, Math.round(bytes)))
    options.onProgress({ format, phase: 'exporting', done, total: ids.length, bytesDone: bytesShown, bytesTotal })
  }
  show(0, 0)
  for (let at = 0; at < ids.length; ) {
    // At least one request per slice; more while their bodies fit in one call.
    let end = at + 1
    let bytes = listed.sizes.get(ids[at]!) ?? 0
    while (end < ids.length && end - at < size && bytes + (listed.sizes.get(ids[end]!) ?? 0) <= EXPORT_CALL_MAX_BODY_BYTES) {
      bytes += listed.sizes.get(ids[end]!) ?? 0
      end++
    }
    let sliceWork = 0
    for (let n = at; n < end; n++) sliceWork += work(ids[n]!)
    // The slice's share: its file being written by the engine, then read here.
    let written = 0
    let read = 0
    const showSlice = () => show(at, bytesBefore + sliceWork * (WRITE_SHARE * written + (1 - WRITE_SHARE) * read))
    const progressId = `exp_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`
    const off = api.on('exports.progress', (event) => {
      if (event.progressId !== progressId || event.total <= 0 || signal.aborted) return
      written = Math.min(1, event.done / event.total)
      showSlice()
    })
    let slice: { files: ExportedFile[]; gone: number }
    try {
      slice = await exportSlice(api, ids.slice(at, end), format, signal, progressId)
    } finally {
      off()
    }
    written = 1
    showSlice()
    gone += slice.gone
    // Read in turn: each file's share of the reading is its size (one answered as text is read already).
    const sizes = slice.files.map((file) => file.file?.size ?? 0)
    const toRead = sizes.reduce((sum, n) => sum + n, 0)
    let readBefore = 0
    const onRead = (index: number) => (done: number, of: number) => {
      if (toRead === 0 || of <= 0) return
      read = (readBefore + (sizes[index]! * done) / of) / toRead
      showSlice()
    }
    for (const [index, file] of slice.files.entries()) {
      filename ||= file.filename
      try {
        if (format === 'curl') scripts.push(...(file.file ? await readExportFile(api, file.file, 0, signal, onRead(index)) : [file.text]))
        else log = await addHarEntries(api, file, entries, log, signal, onRead(index))
      } catch (error) {
        // This file and the slice's others not read yet are discarded with the export.
        for (const left of slice.files.slice(index)) discardFile(api, left)
        throw error
      }
      readBefore += sizes[index]!
    }
    bytesBefore += sliceWork
    show(end, bytesBefore)
    at = end
  }
  const exported = ids.length - gone
  filename ||= `hookscope.${format === 'curl' ? 'sh' : 'har'}`
  const capped = listed.matched > listed.ids.length
  if (format === 'curl') return { blob: new Blob(scripts, { type: 'text/x-shellscript' }), filename, exported, matched: listed.matched, capped, gone }
  return { blob: new Blob(harParts(log ?? { version: '1.2', creator: { name: 'Hookscope', version: '' } }, entries), { type: 'application/json' }), filename, exported, matched: listed.matched, capped, gone }
}
