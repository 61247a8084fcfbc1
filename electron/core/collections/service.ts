// Moving requests in and out of collections, and running them. Owns: a capture, replay or draft as a
// saved request (exact headers and bytes), collections and captures exported as HAR, Postman, cURL
// or Hookscope's own file, imports that either succeed whole or change nothing, and collection runs
// (in order, to a chosen target, optional delay, stop on failure, re-signing where configured) with
// progress. The formats themselves live in shared/formats.
import { STATUS_CODES } from 'node:http'
import path from 'node:path'
import { HookscopeError } from '../../../shared/errors'
import { EXPORT_CALL_MAX_BODY_BYTES } from '../../../shared/api'
import { carriesSignature, type SchemeId } from '../../../shared/signatures'
import {
  childrenOf,
  Collection as CollectionSchema,
  draftOfSaved,
  type Collection,
  type CollectionFolder,
  type CollectionItem,
  type ExportFormat,
  type ImportFormat,
  type RunResult,
  type RunState,
  type SavedRequest,
} from '../../../shared/collections'
import { base64Decode, byteStringToText, fromCurlExchanges, fromHar, fromPostmanEntries, fromRawHttp, PRINTF_PIECE_BYTES, toCurlPieces, toHar, toPostman, type Exchange, type FolderEntry, type FolderRef, type ResponseSpec } from '../../../shared/formats'
import { decodeBody, parseContentEncoding } from '../capture/decode'
import { RequestDraft } from '../../../shared/model'
import { z } from 'zod'
import type { Clock } from '../clock'
import { pathOfTargetOrNone } from '../forward/upstream'
import type { Forwarder } from '../forward/forwarder'
import type { Replayer } from '../replay/replayer'
import type { BlobStore } from '../store/blobs'
import { inlineBytes, type HistoryStore } from '../store/history'
import { bodyBytes, storedBody, type CollectionStore } from './store'
import { cancelledImport, readHar } from './har-reader'
import { encodeDecodedBodies } from './content-encoding'
import { BodyProgress, ExportFiles, LongValues, writeHar, writeJson, type ExportFileInfo, type ExportWriter, type HarEntriesRange } from './export-file'

/** An export: a small file as its text, a larger one as a file to read in slices (`exports.read`), its text empty. */
export interface ExportedFile {
  filename: string
  mimeType: string
  text: string
  file?: ExportFileInfo
  harEntries?: HarEntriesRange
}

/** How a run sends its items: where, how fast, whether it stops at a failure, how it re-signs. */
interface RunOptions {
  baseUrl?: string | null
  delayMs: number
  stopOnFailure: boolean
  resign: boolean
  resignWith?: readonly string[]
  timeoutMs: number
}

/** A run as kept: its state, whether it was cancelled, and its options, which running its failed items again reuses. */
type KeptRun = RunState & { cancel: boolean; options: RunOptions }

/** How many ended runs are kept for `collections.runs` and `collections.runStatus`. */
const MAX_ENDED_RUNS = 50

export interface CollectionServiceDeps {
  store: CollectionStore
  history: HistoryStore
  blobs: BlobStore
  replayer: Replayer
  forwarder: Forwarder
  clock: Clock
  newId: () => string
  version: string
  onRun: (state: RunState) => void
  /** Whether an endpoint's forward target at this URL accepts a self-signed certificate: a run sent there follows its choice, as a resend does. */
  targetAcceptsSelfSigned?: (url: string) => boolean
  /** How far the import of an upload has read its file. */
  onImporting?: (progress: { uploadId: string; done: number; total: number }) => void
  /** How far an export of captures asked for with a progress id has written their bodies. */
  onExporting?: (progress: { progressId: string; done: number; total: number }) => void
}

/** What a request needs to be sendable at all, whatever its URL (an imported one may hold a {{variable}}). */
const SendableParts = z.object({ method: RequestDraft.shape.method, headers: RequestDraft.shape.headers })

/** A {{variable}} an imported URL holds where its origin belongs ({{host}}/orders, https://{{host}}/x):
 * such a request has no host until the variable is given one. */
function originVariableOf(url: string): string | undefined {
  return /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/?#]*?(\{\{[^{}]*\}\})/i.exec(url)?.[1]
}

/** The largest file an upload may carry (what one message could carry as base64). */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024
/** An upload not added to nor imported for this long is dropped. */
const UPLOAD_IDLE_MS = 10 * 60_000

interface Upload {
  chunks: Uint8Array[]
  bytes: number
  timer: ReturnType<typeof setTimeout> | null
}

/** A response's body with its Content-Encoding undone, for HAR's decoded content: only when all of it was kept and every encoding undone. */
async function withDecodedBody(response: ResponseSpec): Promise<void> {
  // Repeated Content-Encoding headers list their encodings in the order they were applied, as one joined.
  const values = response.headers.filter(([name]) => name.toLowerCase() === 'content-encoding').map(([, value]) => value)
  const contentEncoding = values.length > 0 ? values.join(', ') : null
  const encodings = parseContentEncoding(contentEncoding)
  if (encodings.length === 0 || response.body.length === 0) return
  if (response.bodySize !== undefined && response.bodySize > response.body.length) return
  const decoded = await decodeBody(Buffer.from(response.body.buffer, response.body.byteOffset, response.body.length), contentEncoding)
  if (decoded.error === null && !decoded.capped && decoded.encodings.length === encodings.length) response.decodedBody = decoded.bytes
}

const FORMAT_NAMES: Record<ExportFormat, string> = { hookscope: 'a Hookscope file', har: 'HAR', postman: 'Postman', curl: 'a curl command' }

/**
 * HAR and curl need a request's real URL: an item whose origin is still a variable its file left
 * undefined is refused, naming the item and the variable, rather than written as a file that other
 * tools (and Hookscope's own import) reject. Variables elsewhere (a path, a header) are written as
 * they stand, as Postman's own code export does.
 */
function refuseUndefinedOrigins(exchanges: readonly Exchange[], format: ExportFormat): void {
  for (const exchange of exchanges) {
    const variable = originVariableOf(exchange.request.url)
    if (variable === undefined) continue
    throw new HookscopeError(
      'INVALID_INPUT',
      `"${exchange.name}" cannot be exported as ${FORMAT_NAMES[format]}: its URL "${exchange.request.url}" starts with ${variable}, which the collection does not define. ` +
        `Edit the item's URL to begin with the real address (https://api.example.com, say), or export as Postman, which keeps ${variable} for an environment to define.`,
    )
  }
}

const SELF_SIGNED_ADVICE =
  '. If it is your app’s own certificate, open the request, tick “Accept a self-signed certificate” and update the item, or run it to a forward target that accepts one'

/** A URL's origin (scheme, host and port), or null when it has none. */
function originOf(url: string): string | null {
  try {
    return new URL(url).origin
  } catch {
    return null
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'hookscope'
}

export function savedOfDraft(draft: RequestDraft): SavedRequest {
  return { method: draft.method, url: draft.url, headers: draft.headers, body: storedBody(Buffer.from(draft.bodyBase64, 'base64')) }
}

function exchangeOfItem(item: CollectionItem): Exchange {
  return {
    request: { method: item.request.method, url: item.request.url, headers: item.request.headers, body: bodyBytes(item.request.body) },
    name: item.name,
    ...(item.notes ? { notes: item.notes } : {}),
    ...(item.acceptSelfSigned ? { acceptSelfSigned: true as const } : {}),
  }
}

/** The folders an item or folder sits in, from the top (the folder itself included), keyed by folder id. */
function foldersOf(collection: Collection, folderId: string | null): FolderRef[] {
  const path: FolderRef[] = []
  const seen = new Set<string>()
  for (let id = folderId; id !== null && !seen.has(id); ) {
    seen.add(id)
    const folder = collection.folders.find((f) => f.id === id)
    if (!folder) break
    path.unshift({ key: folder.id, name: folder.name, ...(folder.notes ? { description: folder.notes } : {}) })
    id = folder.parentId
  }
  return path
}

function folderPathOf(collection: Collection, folderId: string | null): Pick<Exchange, 'folderPath'> {
  const path = foldersOf(collection, folderId)
  return path.length > 0 ? { folderPath: path } : {}
}

function itemOfExchange(exchange: Exchange, now: number, index: number): Omit<CollectionItem, 'id' | 'createdAt' | 'updatedAt'> {
  const { request } = exchange
  let name = exchange.name?.trim() || ''
  if (!name) {
    let path = request.url
    try {
      // The URL is bytes, one character each: a path written beyond ASCII is UTF-8, as it is sent.
      path = new URL(byteStringToText(request.url)).pathname
    } catch {
      // Keep the URL as written (a Postman {{variable}} base, say).
    }
    name = `${request.method} ${path}`.slice(0, 300) || `Request ${index + 1}`
  }
  void now
  return {
    name: name.slice(0, 300),
    folderId: null,
    request: { method: request.method, url: request.url, headers: request.headers, body: storedBody(Buffer.from(request.body)) },
    signature: null,
    notes: exchange.notes ?? '',
    tags: [],
    source: { kind: 'import', id: null },
    ...(exchange.acceptSelfSigned ? { acceptSelfSigned: true as const } : {}),
  }
}

export class CollectionService {
  private readonly runs = new Map<string, KeptRun>()
  /** Ends a run's wait between items at once when it is cancelled. */
  private readonly wakeRun = new Map<string, () => void>()
  /** The send of each run waiting for its answer, by run: a cancel cuts it short (an app paused in a debugger never answers). */
  private readonly runSends = new Map<string, string>()

  private readonly exportFiles: ExportFiles

  constructor(private readonly deps: CollectionServiceDeps) {
    // With the spool's temp files: a folder emptied at each start, so none outlives a crash.
    this.exportFiles = new ExportFiles(path.join(deps.blobs.tmpDir, 'exports'))
  }

  /** The engine is closing: exports being written stop, and every export file is deleted. */
  closeExports(): Promise<void> {
    return this.exportFiles.close()
  }

  /** An export answered as a file, deleted unread (its download was given up); false when it was gone already. */
  discardExport(id: string): Promise<boolean> {
    return this.exportFiles.discard(id)
  }

  /** A slice of an export answered as a file. */
  readExport(id: string, offset: number, length: number): Promise<{ base64: string; size: number; totalSize: number }> {
    return this.exportFiles.read(id, offset, length)
  }

  /** Writes an export, answered as text or as a file (with where a HAR file's entries lie). */
  private async exported(filename: string, mimeType: string, write: (out: ExportWriter) => Promise<HarEntriesRange | void>): Promise<ExportedFile> {
    let harEntries: HarEntriesRange | undefined
    const made = await this.exportFiles.create(async (out) => {
      harEntries = (await write(out)) ?? undefined
    })
    if ('text' in made) return { filename, mimeType, text: made.text }
    return { filename, mimeType, text: '', file: made.file, ...(harEntries ? { harEntries } : {}) }
  }

  /** A capture as a saved request: its URL at the endpoint it reached (never its Host header), raw headers and exact body. */
  async savedOfCapture(captureId: string): Promise<SavedRequest> {
    const record = await this.deps.history.get(captureId)
    if (!record) throw new HookscopeError('NOT_FOUND', `No capture with id ${captureId}.`)
    const body = record.body.storage === 'blob' ? await this.deps.blobs.read(record.body.sha256) : inlineBytes(record.inline)
    return { method: record.method, url: this.deps.replayer.endpointOriginOf(record) + (pathOfTargetOrNone(record.target) || '/'), headers: record.rawHeaders, body: storedBody(body) }
  }

  async savedOfReplay(replayId: string): Promise<SavedRequest> {
    const replay = this.deps.replayer.get(replayId)
    const { bytes } = await this.deps.replayer.body(replayId, 'request')
    return { method: replay.request.method, url: replay.request.url, headers: replay.request.headers, body: storedBody(bytes) }
  }

  // ——— export ———

  async exportCollection(id: string, format: ExportFormat): Promise<ExportedFile> {
    const collection = this.deps.store.get(id)
    const base = safeName(collection.name)
    switch (format) {
      case 'hookscope': {
        const document = { schemaVersion: 1, data: CollectionSchema.parse(collection) }
        return this.exported(`${base}.hookscope.json`, 'application/json', async (out) => {
          await writeJson(out, document)
          await out.write('\n')
        })
      }
      case 'har': {
        const exchanges = this.exchangesOf(collection)
        refuseUndefinedOrigins(exchanges, format)
        // Large bodies are written from their bytes, never as one string.
        const long = new LongValues()
        const har = toHar(exchanges, { creator: { name: 'Hookscope', version: this.deps.version }, bodyText: long.bodyText })
        return this.exported(`${base}.har`, 'application/json', (out) => writeHar(out, har, long))
      }
      case 'postman': {
        // Every folder where it comes in display order, so that one with nothing in it is written too.
        const entries: Array<Exchange | FolderEntry> = []
        this.walk(collection, null, {
          item: (item) => entries.push({ ...exchangeOfItem(item), ...folderPathOf(collection, item.folderId) }),
          folder: (folder) => entries.push({ folder: foldersOf(collection, folder.id) }),
        })
        const long = new LongValues()
        const postman = toPostman(entries, { name: collection.name, bodyText: long.bodyText })
        return this.exported(`${base}.postman_collection.json`, 'application/json', (out) => writeJson(out, postman, 0, long))
      }
      case 'curl': {
        const exchanges = this.exchangesOf(collection)
        refuseUndefinedOrigins(exchanges, format)
        return this.exported(`${base}.sh`, 'text/x-shellscript', async (out) => {
          for (const exchange of exchanges) {
            let pieces: Iterable<string>
            try {
              pieces = toCurlPieces(exchange.request, { script: true, insecure: exchange.acceptSelfSigned === true, hostFromUrl: true })
            } catch (error) {
              // Say which item: a collection may hold many, and the reason alone does not find it.
              throw new HookscopeError('INVALID_INPUT', `"${exchange.name}" cannot be written as a curl command: ${(error as Error).message}.`)
            }
            for (const piece of pieces) await out.write(piece)
            await out.write('\n')
          }
        })
      }
    }
  }

  /** A collection's items as Exchanges, in display order, each with its folders. */
  private exchangesOf(collection: Collection): Exchange[] {
    return this.orderedItems(collection).map((item) => ({ ...exchangeOfItem(item), ...folderPathOf(collection, item.folderId) }))
  }

  /** Items in display order (depth first, folders where they stand among the requests). */
  orderedItems(collection: Collection, folderId?: string | null): CollectionItem[] {
    const out: CollectionItem[] = []
    this.walk(collection, folderId ?? null, { item: (item) => out.push(item) })
    return out
  }

  /** The tree in display order (`childrenOf`): each folder told before what it holds. */
  private walk(collection: Collection, from: string | null, visitor: { item: (item: CollectionItem) => void; folder?: (folder: CollectionFolder) => void }): void {
    // The schema refuses cycles; this walk would not loop on one regardless.
    const visited = new Set<string | null>()
    const visit = (parent: string | null) => {
      if (visited.has(parent)) return
      visited.add(parent)
      for (const entry of childrenOf(collection, parent)) {
        if (entry.kind === 'item') visitor.item(entry.item)
        else {
          visitor.folder?.(entry.folder)
          visit(entry.folder.id)
        }
      }
    }
    visit(from)
  }

  /** `progressId`: said with each report of how far the file is written (`onExporting`). */
  async exportCaptures(ids: string[], format: 'har' | 'curl', progressId?: string): Promise<ExportedFile> {
    if (ids.length > 1) {
      let bytes = 0
      for (const id of ids) bytes += this.deps.history.summary(id)?.bodySize ?? 0
      if (bytes > EXPORT_CALL_MAX_BODY_BYTES) {
        const mb = (n: number) => `${Math.ceil(n / 1024 / 1024)} MB`
        throw new HookscopeError('INVALID_INPUT', `The bodies of these ${ids.length} requests add up to ${mb(bytes)}, more than one export carries (${mb(EXPORT_CALL_MAX_BODY_BYTES)}): export them fewer at a time.`)
      }
    }
    const exchanges: Exchange[] = []
    for (const id of ids) {
      const record = await this.deps.history.get(id)
      if (!record) throw new HookscopeError('NOT_FOUND', `No capture with id ${id}.`)
      // The body's bytes as stored, read once (a saved request would hold them as text too).
      const body = record.body.storage === 'blob' ? await this.deps.blobs.read(record.body.sha256) : inlineBytes(record.inline)
      const exchange: Exchange = {
        request: { method: record.method, url: this.deps.replayer.endpointOriginOf(record) + (pathOfTargetOrNone(record.target) || '/'), httpVersion: record.httpVersion, headers: record.rawHeaders, body },
        startedAt: record.receivedAt,
        ...(record.durationMs !== null ? { durationMs: record.durationMs } : {}),
        // A CONNECT's target names a host, not a path on the endpoint: the URL is the endpoint's, the note says what was asked.
        ...(pathOfTargetOrNone(record.target) === null ? { notes: `Request target as sent: ${record.target}` } : {}),
      }
      // The response the sender was given: in proxy mode the target's answer relayed (its first attempt),
      // otherwise Hookscope's own (its response rule, or why it refused), whatever a later delivery got.
      const relayed = record.forwardPlan?.mode === 'proxy' ? this.deps.forwarder.attempts(id).find((attempt) => attempt.n === 1 && attempt.status !== null) : undefined
      if (relayed && relayed.status !== null) {
        const body = relayed.body && relayed.body.size > 0 ? (await this.deps.forwarder.attemptBody(relayed.id, id, 0, Number.MAX_SAFE_INTEGER)).bytes : Buffer.alloc(0)
        exchange.response = { status: relayed.status, statusText: relayed.statusText ?? '', headers: relayed.rawHeaders, body }
      } else if (record.response) {
        const { status, headers, bodySize, body } = record.response
        exchange.response = { status, statusText: STATUS_CODES[status] ?? '', headers, body: body !== undefined ? Buffer.from(body) : new Uint8Array(0), bodySize }
      }
      if (format === 'har' && exchange.response) await withDecodedBody(exchange.response)
      exchanges.push(exchange)
    }
    const stamp = new Date(this.deps.clock.now()).toISOString().replace(/[:.]/g, '-')
    const onExporting = this.deps.onExporting
    const progress =
      progressId !== undefined && onExporting
        ? new BodyProgress(
            exchanges.map((exchange) => exchange.request.body.length + (format === 'har' ? (exchange.response?.body.length ?? 0) : 0)),
            (done, total) => onExporting({ progressId, done, total }),
          )
        : null
    if (format === 'curl') {
      // Every command checked before the file is begun, as one script: a request curl cannot send fails the export.
      const commands = exchanges.map((exchange) => toCurlPieces(exchange.request, { script: true }))
      return this.exported(`hookscope-${stamp}.sh`, 'text/x-shellscript', async (out) => {
        for (const [index, command] of commands.entries()) {
          for (const piece of command) {
            await out.write(piece)
            // A body curl is given on its input comes in pieces of its bytes, each of that many.
            progress?.advance(PRINTF_PIECE_BYTES)
          }
          await out.write('\n')
          progress?.finished(index)
        }
      })
    }
    // Large bodies are written from their bytes, never as one string.
    const long = new LongValues()
    const har = toHar(exchanges, { creator: { name: 'Hookscope', version: this.deps.version }, bodyText: long.bodyText })
    return this.exported(`hookscope-${stamp}.har`, 'application/json', (out) => {
      out.progress = progress
      return writeHar(out, har, long)
    })
  }

  // ——— import: everything or nothing ———

  /** Files on their way in slices, by upload id; each dropped when imported, cancelled or left unused. */
  private readonly uploads = new Map<string, Upload>()
  /** Uploads whose import is under way: a cancel is seen between slices of its reading. */
  private readonly importing = new Map<string, { cancelled: boolean }>()

  /** Appends a slice of a file to import; slices arrive in order. */
  importChunk(uploadId: string, offset: number, base64: string): { received: number } {
    if (this.importing.has(uploadId)) throw new HookscopeError('INVALID_INPUT', 'That file is already being imported.')
    let upload = this.uploads.get(uploadId)
    if (!upload) {
      if (offset !== 0) throw new HookscopeError('NOT_FOUND', 'The start of this file never arrived, or it was left unused too long: import it again.')
      upload = { chunks: [], bytes: 0, timer: null }
      this.uploads.set(uploadId, upload)
    }
    if (offset !== upload.bytes) throw new HookscopeError('INVALID_INPUT', `The file's slices arrived out of order (one at byte ${offset}, expected at ${upload.bytes}): import it again.`)
    const bytes = base64Decode(base64)
    if (!bytes) throw new HookscopeError('INVALID_INPUT', 'The file’s bytes did not arrive as valid base64.')
    if (upload.bytes + bytes.length > MAX_UPLOAD_BYTES) {
      this.dropUpload(uploadId)
      throw new HookscopeError('INVALID_INPUT', `The file is too large to import: at most ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB.`)
    }
    upload.chunks.push(bytes)
    upload.bytes += bytes.length
    if (upload.timer) clearTimeout(upload.timer)
    upload.timer = setTimeout(() => this.dropUpload(uploadId), UPLOAD_IDLE_MS)
    upload.timer.unref?.()
    return { received: upload.bytes }
  }

  /** Drops an upload, or stops its import before anything is stored; false when there was neither. */
  cancelImport(uploadId: string): boolean {
    const running = this.importing.get(uploadId)
    if (running) running.cancelled = true
    return this.dropUpload(uploadId) || running !== undefined
  }

  private dropUpload(uploadId: string): boolean {
    const upload = this.uploads.get(uploadId)
    if (!upload) return false
    if (upload.timer) clearTimeout(upload.timer)
    this.uploads.delete(uploadId)
    return true
  }

  /** `file` is the file's text, its exact bytes as base64 (what a raw HTTP message needs), or an upload sent in slices. */
  async import(format: ImportFormat, file: string | { base64: string } | { uploadId: string }, name?: string): Promise<Collection> {
    if (typeof file !== 'string' && 'uploadId' in file) {
      const upload = this.uploads.get(file.uploadId)
      if (!upload) throw new HookscopeError('NOT_FOUND', 'That file never arrived, or it was left unused too long: import it again.')
      this.dropUpload(file.uploadId)
      const state = { cancelled: false }
      this.importing.set(file.uploadId, state)
      try {
        // A HAR file (a large one, from a browser or HTTP Toolkit) is read off the event loop, reporting its progress.
        if (format === 'har') {
          const uploadId = file.uploadId
          const exchanges = await readHar(upload.chunks, {
            onProgress: (done, total) => this.deps.onImporting?.({ uploadId, done, total }),
            cancelled: () => state.cancelled,
          })
          if (state.cancelled) throw cancelledImport()
          await encodeDecodedBodies(exchanges)
          return await this.createImported(exchanges, null, name ?? 'Imported HAR', name, this.deps.clock.now())
        }
        return await this.importBytes(format, Buffer.concat(upload.chunks, upload.bytes), name)
      } finally {
        this.importing.delete(file.uploadId)
      }
    }
    let bytes: Uint8Array | null = null
    if (typeof file !== 'string') {
      bytes = base64Decode(file.base64)
      if (!bytes) throw new HookscopeError('INVALID_INPUT', 'The file’s bytes did not arrive as valid base64.')
    }
    return this.importBytes(format, typeof file === 'string' ? file : bytes!, name)
  }

  private async importBytes(format: ImportFormat, file: string | Uint8Array, name: string | undefined): Promise<Collection> {
    const now = this.deps.clock.now()
    const bytes = typeof file === 'string' ? null : file
    // The text formats read the file as UTF-8 (a byte order mark is not part of the text), as a browser reads a picked file.
    const text = typeof file === 'string' ? file : new TextDecoder().decode(bytes!)
    if (format === 'hookscope') {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (error) {
        throw new HookscopeError('INVALID_INPUT', `Not a Hookscope collection file: it is not JSON (${(error as Error).message}).`)
      }
      const data = (parsed as { data?: unknown })?.data ?? parsed
      if (!data || typeof data !== 'object' || !['schemaVersion', 'items', 'folders'].some((key) => key in (parsed as object) || key in data)) {
        throw new HookscopeError(
          'INVALID_INPUT',
          'Not a file Hookscope can import: it is JSON, but not a HAR file (log.entries), a Postman collection (info and item) or a Hookscope collection (schemaVersion and data).',
        )
      }
      const result = CollectionSchema.safeParse(data)
      if (!result.success) {
        const issue = result.error.issues[0]
        throw new HookscopeError('INVALID_INPUT', `Not a Hookscope collection file: ${issue?.path.join('.') || 'top level'}: ${issue?.message}`)
      }
      return this.deps.store.create(name ?? result.data.name, { folders: result.data.folders, items: result.data.items })
    }
    let exchanges: Exchange[]
    /** Requests and folders in their order in the file (Postman's), empty folders included. */
    let entries: Array<Exchange | FolderEntry> | null = null
    let defaultName: string
    switch (format) {
      case 'har':
        exchanges = fromHar(text)
        await encodeDecodedBodies(exchanges)
        defaultName = 'Imported HAR'
        break
      case 'postman': {
        entries = fromPostmanEntries(text)
        exchanges = entries.filter((entry): entry is Exchange => !('folder' in entry))
        let postmanName: string | undefined
        try {
          postmanName = (JSON.parse(text) as { info?: { name?: string } }).info?.name
        } catch {
          postmanName = undefined
        }
        defaultName = postmanName || 'Imported Postman collection'
        break
      }
      case 'curl':
        exchanges = fromCurlExchanges(text)
        defaultName = 'Imported cURL'
        break
      case 'raw':
        exchanges = [{ request: fromRawHttp(bytes ?? text) }]
        defaultName = 'Imported request'
        break
    }
    return this.createImported(exchanges, entries, defaultName, name, now)
  }

  /** The collection of what a file held, once all of it was read. */
  private async createImported(exchanges: Exchange[], entries: Array<Exchange | FolderEntry> | null, defaultName: string, name: string | undefined, now: number): Promise<Collection> {
    if (exchanges.length === 0 && (entries ?? []).length === 0) throw new HookscopeError('INVALID_INPUT', 'The file holds no requests.')
    // Folders (from a Postman collection) are made where they begin in the file, so they keep their
    // order among their sibling folders, their descriptions, their place among the requests beside
    // them (itemsBefore), and their place when nothing is in them.
    const folders: CollectionFolder[] = []
    const folderIds = new Map<string, string>()
    /** How many requests each parent (by id; '' for the top) has had so far in the file. */
    const itemsSoFar = new Map<string, number>()
    const folderOf = (path: readonly FolderRef[]): string | null => {
      let parentId: string | null = null
      let at = ''
      for (const folder of path) {
        at += `\u0000${folder.key}`
        let id = folderIds.get(at)
        if (id === undefined) {
          id = `fld_${this.deps.newId().toLowerCase()}`
          folderIds.set(at, id)
          const notes = folder.description?.trim() ? folder.description.slice(0, 100_000) : undefined
          const itemsBefore = itemsSoFar.get(parentId ?? '') ?? 0
          folders.push({ id, name: folder.name.trim().slice(0, 200) || 'Folder', parentId, ...(notes ? { notes } : {}), itemsBefore })
        }
        parentId = id
      }
      return parentId
    }
    const parentIds = new Map<Exchange, string | null>()
    for (const entry of entries ?? exchanges) {
      if ('folder' in entry) {
        folderOf(entry.folder)
        continue
      }
      const parentId = folderOf(entry.folderPath ?? [])
      parentIds.set(entry, parentId)
      itemsSoFar.set(parentId ?? '', (itemsSoFar.get(parentId ?? '') ?? 0) + 1)
    }
    // A folder after all of its parent's requests needs no count: that is where folders go by default.
    for (const folder of folders) {
      if (folder.itemsBefore !== undefined && folder.itemsBefore >= (itemsSoFar.get(folder.parentId ?? '') ?? 0)) delete folder.itemsBefore
    }
    const items: CollectionItem[] = exchanges.map((exchange, index) => {
      const parentId = parentIds.get(exchange) ?? null
      return {
        ...itemOfExchange(exchange, now, index),
        folderId: parentId,
        id: `itm_${this.deps.newId().toLowerCase()}`,
        createdAt: now,
        updatedAt: now,
      }
    })
    // Checked here, by the request's place in the file, rather than by the collection's schema later:
    // a method or header no HTTP request can carry would make an item that cannot be sent or exported.
    items.forEach((item, index) => {
      const result = SendableParts.safeParse(item.request)
      if (result.success) return
      const issue = result.error.issues[0]!
      const header = issue.path[0] === 'headers' && typeof issue.path[1] === 'number' ? item.request.headers[issue.path[1]] : undefined
      const what = header ? `the header "${header[0]}"` : `the method "${item.request.method}"`
      throw new HookscopeError('INVALID_INPUT', `Request ${index + 1} of the file ("${item.name}"): ${what} cannot be sent: ${issue.message}. Nothing was imported.`)
    })
    return this.deps.store.create((name ?? defaultName).trim().slice(0, 200) || 'Imported requests', { folders, items })
  }

  // ——— runs ———

  run(input: { collectionId: string; folderId?: string | null } & RunOptions): RunState {
    const collection = this.deps.store.get(input.collectionId)
    const items = this.orderedItems(collection, input.folderId ?? null)
    if (items.length === 0) throw new HookscopeError('INVALID_INPUT', 'There is nothing to run in that collection or folder.')
    const { collectionId: _collectionId, folderId: _folderId, ...options } = input
    void _collectionId
    void _folderId
    return this.start(collection.id, input.folderId ?? null, items, options)
  }

  /**
   * A new run of the items whose result failed in an ended run (refused, timed out, an error, or an
   * answer outside 200–399, as "Stop on failure" counts them), in the order they were sent, with the
   * run's own options. Each is sent as it stands now; one deleted since is left out.
   */
  rerunFailed(runId: string): RunState {
    const previous = this.runs.get(runId)
    if (!previous) throw new HookscopeError('NOT_FOUND', `No run with id ${runId}.`)
    if (previous.state === 'running') throw new HookscopeError('INVALID_INPUT', 'That run is still in progress: wait for it to end, or stop it, before running its failed requests again.')
    const failed = [...new Set(previous.results.filter((result) => !result.ok).map((result) => result.itemId))]
    if (failed.length === 0) throw new HookscopeError('INVALID_INPUT', 'No request of that run failed: there is nothing to run again.')
    const collection = this.deps.store.get(previous.collectionId)
    const byId = new Map(collection.items.map((item) => [item.id, item]))
    const items = failed.flatMap((id) => byId.get(id) ?? [])
    if (items.length === 0) throw new HookscopeError('NOT_FOUND', 'The requests that failed are no longer in the collection.')
    return this.start(collection.id, previous.folderId ?? null, items, previous.options)
  }

  private start(collectionId: string, folderId: string | null, items: CollectionItem[], options: RunOptions): RunState {
    const state: KeptRun = {
      runId: `run_${this.deps.newId().toLowerCase()}`,
      collectionId,
      folderId,
      startedAt: this.deps.clock.now(),
      total: items.length,
      done: 0,
      state: 'running',
      results: [],
      cancel: false,
      options,
    }
    this.runs.set(state.runId, state)
    // The runs kept to be found again: every one in progress, and the last that ended.
    const ended = [...this.runs.values()].filter((run) => run.state !== 'running')
    for (const old of ended.slice(0, Math.max(0, ended.length - MAX_ENDED_RUNS))) this.runs.delete(old.runId)
    void this.execute(state, items, options)
    return this.publicState(state)
  }

  private publicState(state: KeptRun): RunState {
    const { cancel: _cancel, options: _options, ...rest } = state
    void _cancel
    void _options
    return { ...rest, results: [...rest.results] }
  }

  private async execute(state: KeptRun, items: CollectionItem[], input: RunOptions): Promise<void> {
    this.deps.onRun(this.publicState(state))
    for (const [index, item] of items.entries()) {
      if (index > 0 && input.delayMs > 0 && !state.cancel) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, input.delayMs)
          function wake() {
            clearTimeout(timer)
            resolve()
          }
          this.wakeRun.set(state.runId, wake)
        })
        this.wakeRun.delete(state.runId)
      }
      // Checked after the wait too: a run cancelled while it waited sends nothing more.
      if (state.cancel) {
        state.state = 'cancelled'
        break
      }
      const sendId = `${state.runId}:${index}`
      this.runSends.set(state.runId, sendId)
      const result = await this.sendItem(item, { ...input, sendId }).finally(() => this.runSends.delete(state.runId))
      state.results.push(result)
      state.done++
      this.deps.onRun(this.publicState(state))
      if (state.cancel) {
        state.state = 'cancelled'
        break
      }
      if (!result.ok && input.stopOnFailure) {
        state.state = 'stopped'
        break
      }
    }
    if (state.state === 'running') state.state = 'finished'
    this.deps.onRun(this.publicState(state))
  }

  /**
   * How an item is re-signed, if at all: as it is set to be (when the run re-signs), or, for an item
   * set to none that carries a signature (saved before items kept how they are signed, or imported),
   * with the first endpoint of the run's `resignWith` whose scheme's signature it carries. Never one
   * that carries none of the scheme's signature, as a resend: it is not given one its sender did not send.
   */
  private signingOf(item: CollectionItem, headers: RequestDraft['headers'], input: { resign: boolean; resignWith?: readonly string[] }): { scheme: SchemeId; endpointId: string } | null | 'endpoint-removed' {
    if (item.signature) {
      if (!input.resign || !carriesSignature(item.signature.scheme, headers)) return null
      if (this.deps.replayer.endpoint(item.signature.endpointId)) return item.signature
      // The endpoint that re-signed it was removed: it is re-signed as one saved without re-signing is.
    }
    for (const endpointId of input.resignWith ?? []) {
      const scheme = this.deps.replayer.endpoint(endpointId)?.signature.scheme
      if (scheme && carriesSignature(scheme, headers)) return { scheme, endpointId }
    }
    return item.signature ? 'endpoint-removed' : null
  }

  private async sendItem(item: CollectionItem, input: { baseUrl?: string | null; resign: boolean; resignWith?: readonly string[]; timeoutMs: number; sendId: string }): Promise<RunResult> {
    const draft = draftOfSaved(item.request)
    // An imported URL may start with a variable its file left undefined ({{host}}/hooks): that is its origin.
    const variableBase = originVariableOf(item.request.url)
    if (input.baseUrl) {
      // Send to the chosen target: its origin and base path, the item's own path and query.
      const match = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*|\{\{[^{}]*\}\}[^/?#]*)(.*)$/i.exec(item.request.url)
      const path = match ? match[1] || '/' : '/'
      draft.url = input.baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`)
    } else if (variableBase !== undefined) {
      const error = `The URL starts with ${variableBase}, which the collection does not define: choose a target to send to, or edit the URL.`
      return { itemId: item.id, name: item.name, replayId: null, status: null, durationMs: null, error, ok: false }
    }
    // The item's own app, whose certificate it accepts (at its own URL, or a base on the same origin),
    // or a forward target that accepts one.
    const acceptSelfSigned =
      /^https:\/\//i.test(draft.url) &&
      ((item.acceptSelfSigned === true && originOf(item.request.url) !== null && originOf(draft.url) === originOf(item.request.url)) || (input.baseUrl ? this.deps.targetAcceptsSelfSigned?.(input.baseUrl) === true : false))
    try {
      const signing = this.signingOf(item, draft.headers, input)
      if (signing === 'endpoint-removed') {
        const error = 'The endpoint whose secret re-signed it was removed: choose another endpoint to re-sign it with, or run without re-signing.'
        return { itemId: item.id, name: item.name, replayId: null, status: null, durationMs: null, error, ok: false }
      }
      const replay = await this.deps.replayer.send({
        draft,
        originId: item.source.kind === 'capture' ? item.source.id : null,
        endpointId: signing?.endpointId ?? (item.signature && this.deps.replayer.endpoint(item.signature.endpointId) ? item.signature.endpointId : undefined),
        resign: signing ? { scheme: signing.scheme, renewId: false } : null,
        timeoutMs: input.timeoutMs,
        sendId: input.sendId,
        acceptSelfSigned,
      })
      const status = replay.response?.status ?? null
      return {
        itemId: item.id,
        name: item.name,
        replayId: replay.id,
        status,
        durationMs: replay.timings.totalMs,
        // A certificate the item could accept: how, since a run has no box to tick.
        error: replay.error ? replay.error.message + (replay.error.remedy === 'accept-self-signed' && !acceptSelfSigned ? SELF_SIGNED_ADVICE : '') : null,
        ok: status !== null && status >= 200 && status < 400,
        signature: replay.signature ?? null,
      }
    } catch (error) {
      return { itemId: item.id, name: item.name, replayId: null, status: null, durationMs: null, error: (error as Error).message, ok: false }
    }
  }

  /** A collection's runs since the engine started (those kept), newest first. */
  runsOf(collectionId: string): RunState[] {
    return [...this.runs.values()].filter((run) => run.collectionId === collectionId).reverse().map((run) => this.publicState(run))
  }

  runState(runId: string): RunState {
    const state = this.runs.get(runId)
    if (!state) throw new HookscopeError('NOT_FOUND', `No run with id ${runId}.`)
    return this.publicState(state)
  }

  cancel(runId: string): RunState {
    const state = this.runs.get(runId)
    if (!state) throw new HookscopeError('NOT_FOUND', `No run with id ${runId}.`)
    state.cancel = true
    this.wakeRun.get(runId)?.()
    const sendId = this.runSends.get(runId)
    if (sendId !== undefined) this.deps.replayer.cancel(sendId)
    return this.publicState(state)
  }
}
