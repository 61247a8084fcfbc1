// Traffic history. Owns: making each capture durable before its sender is answered, the segmented
// files on disk, retention, the in-memory index of summaries and the query over it.
//
// Layout (inside `<data>/history`):
//   seg-000001.json     up to ~1,000 capture records, one per line, and a closing line; immutable
//                       once sealed; read and (when rewritten) written through a lowdb adapter
//   seg-000007.journal  the active segment's append-only log (group-committed, fdatasync'd)
// The journal makes every capture durable at the cost of one append, so a write costs the same with
// 1k or 100k captures stored. A full segment hands over to the next one at once, within the append
// that filled it; sealing it (closing its journal and renaming it into place) follows off the capture
// path. Retention drops whole segments, oldest first, never the one being written.
// Never: keeps bodies larger than the inline limit in records (those are blob files).
import { promises as fs } from 'node:fs'
import { isUtf8 } from 'node:buffer'
import path from 'node:path'
import { Low, type Adapter } from 'lowdb'
import { z } from 'zod'
import { TimelineQuery as TimelineQuerySchema, type Notice, type TimelineItem, type TimelinePage, type TimelineQuery } from '../../../shared/api'
import type { Capture, CapturePage, CaptureQuery, CaptureSummary, RawHeaders, Retention } from '../../../shared/model'
import { Capture as CaptureSchema, CaptureQuery as CaptureQuerySchema } from '../../../shared/model'
import { HookscopeError } from '../../../shared/errors'
import { sniffsCharset } from '../../../shared/formats/body-charset'
import { bodyCharsetDecoder, decodeForSearch, parseContentEncoding, textOf } from '../capture/decode'
import { multipartCharsetText } from '../capture/multipart'
import type { BlobStore } from './blobs'
import { readFileIfExists, removeStaleTempFiles, writeFileAtomic } from './fs-util'
import { Journal, markOf, parseJournal, readJournal, type JournalDeleted, type SyncMode } from './journal'
import { RecordLines } from './record-lines'
import { SearchText } from './search-text'

/**
 * 1: a JSON document `{schemaVersion, segment, sealed, captures}`. 2: it may carry `updates` (later
 * changes to records kept as they were journaled). 3: the journal's own format, one record per line,
 * closed by a line `{"segment", "schemaVersion", "sealed", "updates"}`: sealing renames the journal
 * into place instead of writing every capture a second time. Versions 1 and 2 are still read.
 */
export const SEGMENT_SCHEMA_VERSION = 3
/** A segment is sealed past this many records... */
export const SEGMENT_MAX_RECORDS = 1000
/** ...or this many bytes of record JSON, so that sealing one stays a few-millisecond write. */
export const SEGMENT_MAX_RECORD_BYTES = 8 * 1024 * 1024
/** The share of the retention count always kept: captures go by whole segments down to it, then one by one. */
export const RETENTION_KEEPS = 0.9
/** Text search looks at this much of each body (and at most this much of its decoded text). */
export const SEARCH_BODY_BYTES = 64 * 1024
/** The longest a text search waits for compressed bodies still being decoded for it (see searchSettled). */
export const SEARCH_SETTLE_MAX_MS = 1000
/** The longest the decode queue keeps the event loop before letting it take captures (see decodeQueued). */
const DECODE_SLICE_MS = 1

export const InlineBody = z.object({ encoding: z.enum(['utf8', 'base64']), data: z.string() })
export type InlineBody = z.infer<typeof InlineBody>

export const CaptureRecord = CaptureSchema.extend({ inline: InlineBody.nullable() })
export type CaptureRecord = z.infer<typeof CaptureRecord>

const SegmentFile = z.object({
  schemaVersion: z.number().int(),
  segment: z.number().int(),
  sealed: z.boolean(),
  captures: z.array(z.unknown()),
  updates: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
})
type SegmentFile = {
  schemaVersion: number
  segment: number
  sealed: boolean
  captures: CaptureRecord[]
  /** Changes to records of older segments, kept here (see HistoryStore.update). */
  late?: Record<string, RecordUpdate>
}

/** What may change in a record after it was made durable: how and when it was answered. */
export type RecordUpdate = Partial<Pick<CaptureRecord, 'status' | 'durationMs' | 'response' | 'timings'>>

export function inlineBody(bytes: Buffer): InlineBody | null {
  if (bytes.length === 0) return null
  return isUtf8(bytes) ? { encoding: 'utf8', data: bytes.toString('utf8') } : { encoding: 'base64', data: bytes.toString('base64') }
}

/** A record's journal line. Forwarding state and signature verdicts are live (rebuilt at start): written as null. */
function journalLine(record: CaptureRecord): string {
  const { forward, signature } = record
  record.forward = null
  record.signature = null
  const line = JSON.stringify(record)
  record.forward = forward
  record.signature = signature
  return line
}

export function inlineBytes(inline: InlineBody | null): Buffer {
  if (!inline) return Buffer.alloc(0)
  return Buffer.from(inline.data, inline.encoding)
}

export function summaryOf(record: Capture): CaptureSummary {
  return {
    id: record.id,
    endpointId: record.endpointId,
    receivedAt: record.receivedAt,
    method: record.method,
    target: record.target,
    status: record.status,
    bodySize: record.bodySize,
    contentType: record.contentType,
    durationMs: record.durationMs,
    flags: [...record.flags],
    forward: record.forward ?? null,
    signature: record.signature ?? null,
  }
}

/** Writes a segment through lowdb, atomically and fsync'd; reads it leniently record by record. */
class SegmentAdapter implements Adapter<SegmentFile> {
  constructor(readonly file: string) {}
  async read(): Promise<SegmentFile | null> {
    const bytes = await readFileIfExists(this.file)
    if (bytes === null) return null
    const text = bytes.toString('utf8')
    if (!text.startsWith('{"schemaVersion"')) return readLines(text, this.file)
    const raw = SegmentFile.parse(JSON.parse(text))
    if (raw.updates) {
      for (const record of raw.captures) {
        const update = record && typeof record === 'object' && 'id' in record ? raw.updates[String(record.id)] : undefined
        if (update) Object.assign(record as object, update)
      }
    }
    return { schemaVersion: raw.schemaVersion, segment: raw.segment, sealed: raw.sealed, captures: raw.captures as CaptureRecord[] }
  }
  async write(data: SegmentFile): Promise<void> {
    // Serialized a hundred at a time, yielding in between so a large segment does not block the loop.
    const parts: Buffer[] = []
    let serialized = 0
    for (const record of data.captures) {
      parts.push(Buffer.from(journalLine(record) + '\n'))
      if (++serialized % SERIALIZE_SLICE === 0) await yieldToLoop()
    }
    parts.push(Buffer.from(closingLine(data.segment, data.sealed, { ...data.late }) + '\n'))
    await writeFileAtomic(this.file, Buffer.concat(parts))
  }
}

/** The last line of a version 3 segment: what it is, and what changed in its records since journaled. */
function closingLine(segment: number, sealed: boolean, updates: Record<string, RecordUpdate>): string {
  return JSON.stringify({ segment, schemaVersion: SEGMENT_SCHEMA_VERSION, sealed, updates })
}

const Updates = z.record(z.string(), z.record(z.string(), z.unknown()))

const ClosingLine = z.object({
  segment: z.number().int(),
  schemaVersion: z.number().int(),
  sealed: z.boolean(),
  updates: Updates,
})

/** A journal line `{"updates": {id: change}}`: a change to a record of an older segment. */
const UpdateLine = z.object({ updates: Updates })

/** A journal line with a change to a record of an older segment (see HistoryStore.update). */
function updateLine(id: string, update: RecordUpdate): string {
  return JSON.stringify({ updates: { [id]: update } })
}

/**
 * The records of a journal or a version 3 segment, with the changes its closing and update lines
 * carry. `late`: changes to records that are not among them (records of older segments).
 */
export function recordsOfLines(lines: unknown[]): { captures: unknown[]; sealed: boolean | null; late: Record<string, RecordUpdate> } {
  const captures: unknown[] = []
  let sealed: boolean | null = null
  const updates = new Map<string, Record<string, unknown>>()
  const take = (changes: Record<string, Record<string, unknown>>) => {
    for (const [id, change] of Object.entries(changes)) updates.set(id, { ...updates.get(id), ...change })
  }
  for (const line of lines) {
    if (line && typeof line === 'object' && !('id' in line)) {
      // When its journal's batches were durable: read with the journal (see answeredAt), nothing here.
      if (markOf(line)) continue
      const closing = ClosingLine.safeParse(line)
      if (closing.success) {
        sealed = closing.data.sealed
        take(closing.data.updates)
        continue
      }
      const update = UpdateLine.safeParse(line)
      if (update.success) {
        take(update.data.updates)
        continue
      }
    }
    captures.push(line)
  }
  const own = new Set<string>()
  for (const record of captures) {
    if (!record || typeof record !== 'object' || !('id' in record)) continue
    const id = String(record.id)
    own.add(id)
    const update = updates.get(id)
    if (update) Object.assign(record, update)
  }
  const late: Record<string, RecordUpdate> = {}
  for (const [id, update] of updates) if (!own.has(id)) late[id] = update as RecordUpdate
  return { captures, sealed, late }
}

/**
 * A journal's records as they were answered. A capture's line is journaled before its sender is
 * answered; how long that took is a change kept in memory and written with the segment. After a
 * crash, a capture answered with the endpoint's rule (its line holds that answer) was answered when
 * its batch was durable, which the journal's mark says: its duration is that time less its arrival,
 * to the millisecond of the clock both come from (and never less than its time to be stored).
 */
function answeredAt(lines: unknown[], durableAt: Array<number | null>): void {
  for (let i = 0; i < lines.length; i++) {
    const at = durableAt[i]
    const record = lines[i] as Partial<CaptureRecord> | null
    if (at === null || at === undefined || !record || typeof record !== 'object') continue
    const { timings } = record
    if (record.status === null || record.response === null || record.durationMs !== null || typeof record.receivedAt !== 'number') continue
    if (!timings || typeof timings !== 'object' || timings.respondedMs !== null) continue
    const durationMs = Math.max(timings.storedMs ?? 0, at - record.receivedAt)
    record.durationMs = durationMs
    record.timings = { ...timings, respondedMs: durationMs }
  }
}

function readLines(text: string, file: string): SegmentFile {
  const { captures, sealed, late } = recordsOfLines(parseLines(text))
  const n = Number(/seg-(\d+)/.exec(path.basename(file))?.[1] ?? 0)
  return { schemaVersion: SEGMENT_SCHEMA_VERSION, segment: n, sealed: sealed ?? false, captures: captures as CaptureRecord[], late }
}

/** A segment's lines. A segment is written whole (atomically, or renamed once flushed): any damaged line is real damage. */
function parseLines(text: string): unknown[] {
  if (text.endsWith('\n') && !text.includes('\0')) {
    // The usual case, in one parse instead of a thousand: every line is a JSON value on its own.
    try {
      const lines = JSON.parse(`[${text.slice(0, -1).replaceAll('\n', ',')}]`) as unknown[]
      let count = 0
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++
      if (lines.length === count) return lines // (two damaged lines never pass for one value)
    } catch {
      // Some line is damaged: find out which, below.
    }
  }
  const { lines, damaged } = parseJournal(text)
  if (damaged > 0 || /[^\0\n]$/.test(text)) throw new Error(`${damaged || 1} damaged line(s)`)
  return lines
}

const SERIALIZE_SLICE = 100
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

interface Segment {
  n: number
  count: number
  /** Bytes of record JSON plus the blob bytes its records reference (each capture's: this only
   * decides when to seal; retention counts a shared blob once). */
  bytes: number
  recordBytes: number
  sealed: boolean
  /** Its journal holds every one of its records (it was started empty and never rewritten since):
   * sealing it is then a rename of the journal. */
  journaledOnly?: boolean
}

/** A segment appends no longer go to and whose file is still to be written: its records are read here. */
interface Sealing {
  segment: Segment
  records: RecordLines
  journal: Journal
  /** Its records' changes were taken for its file: a later change is a late update (see update()). */
  frozen: boolean
}

/**
 * A compressed body to decode for search: what finds it, not its bytes, which are read when its turn
 * comes. At start every compressed capture of the history is queued at once: a few dozen bytes each.
 */
interface DecodeJob {
  entry: IndexEntry
  encoding: string
  /** Its Content-Type is a form: its decoded text is read as one too. */
  form: boolean
  /** Its Content-Type, which with its decoded bytes says the charset they are read in. */
  contentType: string | null
}

interface IndexEntry {
  seq: number
  summary: CaptureSummary
  segment: number
  /** The last query whose text this capture's search text holds (see query()). */
  hit: number
  /** Bytes of the record's JSON (its blob, if any, is counted once per blob: see blobUse). */
  bytes: number
  blob: string | null
  plan: CaptureRecord['forwardPlan']
}

export interface HistoryOptions {
  dir: string
  blobs: BlobStore
  retention: Retention
  /** How durable an append is before it resolves (see Settings.storage.sync). */
  sync?: () => SyncMode
  now: () => number
  onNotice: (notice: Omit<Notice, 'at'>) => void
  /** Captures removed, by retention or (with `cleared`) because the user cleared them. */
  onRemoved: (ids: string[], cleared?: { endpointId: string | null }) => void
  /** Whole segments dropped by retention (their side files can go too). */
  onSegmentsDropped?: (segments: number[]) => void
}

const segmentName = (n: number): string => `seg-${String(n).padStart(6, '0')}`

/** How many cleared captures keep their place for paging (the newest cleared, where a list's cursor usually is). */
const REMEMBERED_REMOVALS = 10_000

/** A summary after a change: of its fields, only the status and duration can change. */
function summaryWith(summary: CaptureSummary, update: RecordUpdate): CaptureSummary {
  const next = { ...summary }
  if (update.status !== undefined) next.status = update.status
  if (update.durationMs !== undefined) next.durationMs = update.durationMs
  return next
}

export class HistoryStore {
  private readonly entries: IndexEntry[] = []
  private readonly byId = new Map<string, IndexEntry>()
  /** Captures stored while their target is asked (proxy mode): see setRelaying. */
  private readonly relaying = new Set<string>()
  private readonly segments: Segment[] = []
  private active!: Segment
  private activeRecords = new RecordLines()
  /** Segments full (or cleared) whose files are still to be written, oldest first. */
  private readonly sealing = new Map<number, Sealing>()
  private journal!: Journal
  /** The next segment's journal, zero-filled ahead of time so sealing never waits for it. */
  private nextJournal: { n: number; journal: Journal } | null = null
  /** Zero bytes written ahead for a journal: enough for a typical segment. */
  private journalSize = 2 * 1024 * 1024
  private seq = 0
  /** Record bytes of every capture, plus the size of each blob they use, once. */
  private totalBytes = 0
  /** The blobs captures use: by how many, and their size (counted once in totalBytes). */
  private readonly blobUse = new Map<string, { count: number; size: number }>()
  /** Late updates (see update()) by record id: applied over what the record's segment file says. */
  private readonly late = new Map<string, RecordUpdate>()
  /** The same, by the segment whose journal or file holds them: carried whenever that one is rewritten. */
  private readonly lateIn = new Map<number, Map<string, RecordUpdate>>()
  /** Where captures cleared from the middle of the list stood, so that a page after one starts right. */
  private readonly removedSeq = new Map<string, number>()
  private retentionQueued = false
  private readonly cache = new Map<number, Map<string, CaptureRecord>>()
  /** Each segment's search text, and how many text queries ran (each marks its hits with its number). */
  private readonly searchText = new Map<number, SearchText<IndexEntry>>()
  private textQueries = 0
  /** Compressed bodies whose decoded text is still to be searchable (see decodeLater). */
  private decodeJobs: DecodeJob[] = []
  private decoding: Promise<void> | null = null
  /** Decoding waits for the store to be open: a job reads its body through the segments, set up by then. */
  private opened = false
  private bodiesRead = 0
  /** The sealed segment file the decode queue is reading bodies from (see storedHead), and where it is in it. */
  private decodeFile: { n: number; bytes: Buffer; from: number } | null = null
  /** Compressed bodies queued so far, and how many of them are done (decoded, failed or dropped). */
  private decodeQueuedCount = 0
  private decodeDoneCount = 0
  private decodeWaiters: Array<{ upTo: number; resolve: () => void }> = []
  private structural: Promise<void> = Promise.resolve()
  private closed = false

  private constructor(private readonly options: HistoryOptions) {}

  static async open(options: HistoryOptions): Promise<HistoryStore> {
    const store = new HistoryStore(options)
    await store.load()
    store.opened = true
    if (store.decodeJobs.length > 0) store.decoding ??= store.decodeQueued()
    return store
  }

  get count(): number {
    return this.entries.length
  }

  get bytes(): number {
    return this.totalBytes
  }

  setRetention(retention: Retention): Promise<void> {
    this.options.retention = retention
    // Retention never drops from the segment being written. One already past the segment size of the
    // new retention (which may hold everything stored this run) is handed over now, as the next append
    // would, so that the captures the new retention does not keep go at once, not on the next request.
    if (!this.closed && this.active.count > 0 && this.shouldSeal(this.active)) {
      this.learnJournalSize(this.journal.bytes)
      this.rotate()
      return this.enqueue(() => this.sealPending())
    }
    return this.enqueue(() => this.applyRetention())
  }

  /**
   * Make a capture durable. Resolves once it is on disk; only then may the sender be answered.
   * The record is indexed at once so that the UI can show it while the disk catches up.
   */
  append(record: CaptureRecord, bodyHead?: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new HookscopeError('ENGINE_CLOSED'))
    const bytes = this.activeRecords.add(record.id, journalLine(record))
    // Bytes, as retention by size promises (the line, without its newline).
    const recordBytes = bytes.length - 1
    const blobBytes = record.body.storage === 'blob' ? record.body.size : 0
    this.addToIndex(record, this.active.n, recordBytes, bodyHead)
    this.active.count++
    this.active.recordBytes += recordBytes
    this.active.bytes += recordBytes + blobBytes
    const durable = this.journal.append(bytes)
    if (this.shouldSeal(this.active)) {
      // The next capture goes to a new segment at once, however busy the disk is: under a burst,
      // hundreds of captures come in before a queued seal runs, and a segment grown past its size
      // would make retention drop far more than asked.
      this.learnJournalSize(this.journal.bytes)
      this.rotate()
      void this.enqueue(() => this.sealPending())
    } else if (this.overRetention() && !this.retentionQueued) {
      this.retentionQueued = true
      void this.enqueue(() => {
        this.retentionQueued = false
        return this.applyRetention()
      })
    }
    return durable
  }

  /**
   * Change a record after it was stored (how it was answered). A record of the active segment, or of
   * one whose file is still to be written, changes in memory and is written with its segment.
   *
   * A change that comes later (a proxied answer that arrived after other traffic filled the segment)
   * is a late update: a lazy line `{"updates": {id: change}}` in the active journal, rather than a
   * rewrite of a sealed segment for each one. Whenever that journal's segment is written, its
   * closing line carries the change on; at start the change is applied over the record, which is
   * in an older segment and so read by then.
   *
   * `journal`: a change a crash must not lose, journaled (lazily) at once even when it is kept in
   * memory. A capture answered with the endpoint's rule needs none: its line holds that answer, and
   * when it went out is when its batch was durable, which the journal marks (see answeredAt).
   * `'durable'`: journaled as a line the journal flushes as it does a capture's (see updateDurably).
   */
  update(id: string, update: RecordUpdate, journal: boolean | 'durable' = false): CaptureSummary | null {
    return this.applyUpdate(id, update, journal).summary
  }

  /**
   * A change journaled at once and durable, as the sync mode asks, when the promise resolves: an
   * answer about to go out to a sender who waited for it (a rule's delay), which a crash right after
   * it was sent must not read back as never given.
   */
  async updateDurably(id: string, update: RecordUpdate): Promise<CaptureSummary | null> {
    const { summary, written } = this.applyUpdate(id, update, 'durable')
    await written
    return summary
  }

  private applyUpdate(id: string, update: RecordUpdate, journal: boolean | 'durable'): { summary: CaptureSummary | null; written: Promise<void> | null } {
    const lazy = journal !== 'durable'
    const entry = this.byId.get(id)
    if (!entry) return { summary: null, written: null }
    const sealing = entry.segment === this.active.n ? null : this.sealing.get(entry.segment)
    const lines = this.linesOf(entry.segment)
    const inMemory = lines?.has(id) ?? false
    // Still read from memory until its file is in place; written with its segment unless frozen.
    if (inMemory) lines!.change(id, update)
    if (inMemory && !sealing?.frozen) {
      const written = journal ? this.journalChange(id, update, lazy) : null
      entry.summary = summaryWith(entry.summary, update)
      return { summary: entry.summary, written }
    }
    this.late.set(id, { ...this.late.get(id), ...update })
    const cached = this.cache.get(entry.segment)?.get(id)
    if (cached) Object.assign(cached, update)
    const written = this.journalLate(id, update, lazy)
    entry.summary = summaryWith(entry.summary, update)
    return { summary: entry.summary, written }
  }

  /**
   * A capture whose line the journal refused (a full disk): kept as `update` says its sender was
   * answered, in memory, and its segment is written from memory rather than sealed from its journal,
   * so that it stays readable as listed. Only this failure path pays for it.
   */
  notStored(id: string, update: RecordUpdate): CaptureSummary | null {
    const entry = this.byId.get(id)
    if (!entry) return null
    const segment = this.segments.find((s) => s.n === entry.segment)
    if (segment) segment.journaledOnly = false
    return this.update(id, update)
  }

  private journalLate(id: string, update: RecordUpdate, lazy = true): Promise<void> {
    this.noteLate(this.active.n, id, update)
    return this.journalChange(id, update, lazy)
  }

  /**
   * An update line in the active journal (lazy unless asked otherwise): read at start over the
   * record, whichever segment holds it. Resolves once written; a failure is told as a notice.
   */
  private journalChange(id: string, update: RecordUpdate, lazy = true): Promise<void> {
    return this.journal.append(updateLine(id, update), lazy).catch((error: Error) =>
      this.options.onNotice({ level: 'error', code: 'STORE_WRITE_FAILED', message: `A change to a capture could not be saved: ${error.message}` }),
    )
  }

  private noteLate(n: number, id: string, update: RecordUpdate): void {
    let changes = this.lateIn.get(n)
    if (!changes) this.lateIn.set(n, (changes = new Map()))
    changes.set(id, { ...changes.get(id), ...update })
  }

  /** The late updates segment `n` holds, for records still stored. */
  private lateOf(n: number): Record<string, RecordUpdate> | undefined {
    const changes = this.lateIn.get(n)
    if (!changes) return undefined
    const out: Record<string, RecordUpdate> = {}
    for (const [id, change] of changes) {
      if (this.byId.has(id)) out[id] = change
      else changes.delete(id)
    }
    return out
  }

  /** Segment `n` is going: journal the late updates it holds again, in the active segment. */
  private carryLate(n: number): void {
    const changes = this.lateOf(n)
    this.lateIn.delete(n)
    for (const [id, change] of Object.entries(changes ?? {})) this.journalLate(id, change)
  }

  /** Captures a segment holds: a tenth of the retention count, so that dropping one keeps 90 % of it. */
  private segmentCapacity(): number {
    return Math.max(10, Math.min(SEGMENT_MAX_RECORDS, Math.floor(this.options.retention.maxCaptures / 10)))
  }

  private shouldSeal(segment: Segment): boolean {
    return (
      segment.count >= this.segmentCapacity() ||
      segment.recordBytes >= SEGMENT_MAX_RECORD_BYTES ||
      segment.bytes >= this.options.retention.maxBytes / 10
    )
  }

  private overRetention(): boolean {
    const { maxCaptures, maxBytes } = this.options.retention
    return this.entries.length > maxCaptures || this.totalBytes > maxBytes
  }

  /**
   * Index a capture. `bodyHead`: the first bytes of its body as stored (needed for a blob body, whose
   * bytes are not in the record; an inline body is read from the record without it).
   */
  private addToIndex(record: CaptureRecord, segment: number, bytes: number, bodyHead?: Buffer): void {
    const summary = summaryOf(record)
    const entry: IndexEntry = {
      seq: this.seq++,
      summary,
      segment,
      hit: 0,
      bytes,
      blob: record.body.storage === 'blob' ? record.body.sha256 : null,
      plan: record.forwardPlan ?? null,
    }
    this.entries.push(entry)
    this.byId.set(record.id, entry)
    let text = this.searchText.get(segment)
    if (!text) this.searchText.set(segment, (text = new SearchText()))
    const encoding = bodyEncoding(record.rawHeaders)
    const [head, body] = searchTextOf(record, encoding, record.body.storage === 'blob' ? bodyHead : undefined)
    text.add(entry, head, body)
    // A compressed body is searched by its decoded text too, decoded later (see decodeLater).
    if (encoding !== null && record.body.size > 0) this.decodeLater({ entry, encoding, form: isForm(record.contentType), contentType: record.contentType })
    this.totalBytes += bytes
    if (entry.blob) {
      this.options.blobs.retain(entry.blob)
      const use = this.blobUse.get(entry.blob)
      if (use) use.count++
      else {
        this.blobUse.set(entry.blob, { count: 1, size: record.body.size })
        this.totalBytes += record.body.size
      }
    }
  }

  /**
   * Add the decoded text of a compressed body to its capture's search text, after the capture is
   * indexed and off its path: the capture itself pays for no more than finding the header. One body
   * at a time, in the order stored; each reads the first SEARCH_BODY_BYTES as stored (a body cut
   * short, over the cap or by a sender that left, decodes as far as it goes) and decodes them into at
   * most as many bytes, so a compression bomb inflates no further (see decodeForSearch).
   */
  private decodeLater(job: DecodeJob): void {
    this.decodeJobs.push(job)
    this.decodeQueuedCount++
    if (this.opened) this.decoding ??= this.decodeQueued()
  }

  /**
   * Compressed bodies the decode queue read back (and decoded, when they were still there) since the
   * store opened: what it has cost beyond the captures themselves.
   */
  get searchReads(): number {
    return this.bodiesRead
  }

  /** Bytes of search text held, over every segment. */
  get searchTextBytes(): number {
    let bytes = 0
    for (const text of this.searchText.values()) bytes += text.bytes
    return bytes
  }

  private decodeDone(count: number): void {
    this.decodeDoneCount += count
    if (this.decodeWaiters.length === 0) return
    const waiting: typeof this.decodeWaiters = []
    for (const waiter of this.decodeWaiters) {
      if (waiter.upTo <= this.decodeDoneCount) waiter.resolve()
      else waiting.push(waiter)
    }
    this.decodeWaiters = waiting
  }

  private async decodeQueued(): Promise<void> {
    try {
      let slice = -Infinity
      for (let jobs = this.decodeJobs; jobs.length > 0 && !this.closed; jobs = this.decodeJobs) {
        this.decodeJobs = []
        for (let i = 0; i < jobs.length; i++) {
          // A turn of the loop first, and again after each DECODE_SLICE_MS: never within the append
          // that queued a body, and captures are taken in between (a small body is read and decoded
          // without waiting on anything, in some 50 µs: a turn for each would cost a tenth more).
          if (performance.now() - slice >= DECODE_SLICE_MS) {
            await yieldToLoop()
            slice = performance.now()
          }
          if (this.closed) break
          // A body that fails to decode stays searchable as stored; the others still get their turn.
          await this.addDecodedText(jobs[i]!).catch(() => undefined)
          this.decodeDone(1)
        }
      }
    } finally {
      // Closed: what is left will never be decoded, and nobody should wait for it.
      this.decodeDone(this.decodeQueuedCount - this.decodeDoneCount)
      this.decodeJobs = []
      this.decoding = null
      this.decodeFile = null
    }
  }

  /**
   * The first SEARCH_BODY_BYTES of a capture's body as stored: a blob's from its file, an inline
   * body's from its record. A record not in memory is read from its sealed segment's file as its
   * own line only: get() parses the whole file for one record (once per segment for a capture opened
   * in the UI), which for a burst of compressed captures sealed before their turn, or a history
   * reopened, cost more than decoding them. The queue takes bodies in stored order, so one file is
   * held at a time and searched onwards from the last line found.
   */
  private async storedHead(entry: IndexEntry): Promise<Buffer | null> {
    if (entry.blob) return this.options.blobs.read(entry.blob, 0, SEARCH_BODY_BYTES)
    const id = entry.summary.id
    const lines = this.linesOf(entry.segment)
    // Caught up with the segments in memory: no file to hold on to.
    if (lines?.has(id)) this.decodeFile = null
    const record = lines?.record(id) ?? (await this.lineOfFile(entry.segment, id)) ?? (await this.get(id))
    return record ? inlineBytes(record.inline).subarray(0, SEARCH_BODY_BYTES) : null
  }

  private async lineOfFile(n: number, id: string): Promise<CaptureRecord | null> {
    if (this.decodeFile?.n !== n) {
      this.decodeFile = null
      const bytes = await readFileIfExists(this.segmentPaths(n).json)
      // A segment of version 1 or 2 is one JSON document, not a record a line: get() reads it.
      if (!bytes || bytes.subarray(0, 16).toString() === '{"schemaVersion"') return null
      this.decodeFile = { n, bytes, from: 0 }
    }
    const file = this.decodeFile
    // Where its id is the value of a key "id": no body or header value holds that (a quote inside a
    // JSON string is escaped); the line found is checked to be the record's own below.
    const key = `"id":${JSON.stringify(id)}`
    let at = file.bytes.indexOf(key, file.from)
    if (at < 0) at = file.bytes.indexOf(key)
    if (at < 0) return null
    const start = file.bytes.lastIndexOf(0x0a, at) + 1
    const newline = file.bytes.indexOf(0x0a, at)
    const end = newline < 0 ? file.bytes.length : newline
    file.from = end
    try {
      const record = JSON.parse(file.bytes.toString('utf8', start, end)) as CaptureRecord
      return record.id === id ? record : null
    } catch {
      return null
    }
  }

  private async addDecodedText({ entry, encoding, form, contentType }: DecodeJob): Promise<void> {
    // Cleared, or dropped by retention, while it waited: not worth reading, let alone decoding.
    if (this.byId.get(entry.summary.id) !== entry) return
    this.bodiesRead++
    const stored = await this.storedHead(entry)
    if (!stored || stored.length === 0) return
    // Null when some encoding cannot be undone (unknown, or not what the header says): the body is then
    // searched as it was sent, as any other body is.
    const decoded = await decodeForSearch(stored, encoding, SEARCH_BODY_BYTES)
    // Removed while it was read or decoded: nothing to add it to.
    if (this.byId.get(entry.summary.id) !== entry) return
    const text = this.searchText.get(entry.segment)
    if (!text) return
    let body = textOf(decoded ?? stored, bodyCharsetDecoder(contentType, decoded ?? stored))
    if (decoded && form) body = withFormText(body)
    // Each multipart part in a charset of its own is read in it, as for a body sent uncompressed.
    else if (decoded && contentType !== null && MULTIPART_TYPE.test(contentType) && /charset|encoding/i.test(body)) body += multipartCharsetText(decoded, contentType)
    // A second piece of the same capture's text: a query may find it twice, which marks it once.
    text.add(entry, body.toLowerCase())
  }

  /**
   * Resolves once every capture stored so far can be found by the decoded text of its body too (see
   * decodeLater), or after `maxWaitMs`. A text query waits for it, so that what a search finds does not
   * depend on timing; bodies queued after the call do not hold it up (under nonstop compressed traffic
   * the queue is never empty), and the wait is bounded (after a start with a long backlog, a search
   * answers with what is decoded so far rather than after all of it).
   */
  searchSettled(maxWaitMs = SEARCH_SETTLE_MAX_MS): Promise<void> {
    const upTo = this.decodeQueuedCount
    if (this.decodeDoneCount >= upTo) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxWaitMs)
      function done(): void {
        clearTimeout(timer)
        resolve()
      }
      this.decodeWaiters.push({ upTo, resolve: done })
    })
  }

  /** Structural changes (seal, retention, clear) run one at a time. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.structural.then(task)
    this.structural = run.catch((error: unknown) => {
      this.options.onNotice({
        level: 'error',
        code: 'STORE_WRITE_FAILED',
        message: `History maintenance failed: ${(error as Error).message}`,
      })
    })
    return run
  }

  private segmentPaths(n: number): { json: string; journal: string } {
    const base = path.join(this.options.dir, segmentName(n))
    return { json: `${base}.json`, journal: `${base}.journal` }
  }

  /** Appends go to a new segment from now on; sealPending() writes the old one's file. */
  private rotate(): void {
    const old = this.active
    this.sealing.set(old.n, { segment: old, records: this.activeRecords, journal: this.journal, frozen: false })
    this.startSegment(old.n + 1)
  }

  /**
   * Write the files of the segments appends no longer go to, oldest first. Retention goes first each
   * time: a segment it drops anyway is not written at all, which lets it keep up with a burst. Only
   * the segments waiting now: later ones have their own turn, after whatever was queued meanwhile.
   */
  private async sealPending(): Promise<void> {
    for (const n of [...this.sealing.keys()]) {
      await this.applyRetention()
      const sealing = this.sealing.get(n)
      if (sealing) await this.seal(sealing)
    }
    await this.applyRetention()
  }

  private async seal(sealing: Sealing): Promise<void> {
    const { segment, records, journal } = sealing
    try {
      segment.sealed = true
      if (records.size === 0) {
        // Every record of it was cleared.
        await journal.close()
        await this.removeSegment(segment, true)
      } else if (segment.journaledOnly) {
        await this.sealByRename(sealing)
      } else {
        await journal.close()
        sealing.frozen = true
        await this.writeLines(segment.n, records, true)
        await fs.rm(journal.file, { force: true })
      }
    } finally {
      this.sealing.delete(segment.n)
    }
  }

  /**
   * The journal already holds every record of the segment, one per line: close it with a line of what
   * changed since (flushed like any capture), cut the space written ahead, and rename it into place.
   * No capture is written twice.
   */
  private async sealByRename(sealing: Sealing): Promise<void> {
    const { segment, records, journal } = sealing
    // Captures still being stored are answered as soon as they are: their changes count too.
    await journal.drain()
    sealing.frozen = true // a change from here on is a late update, journaled in the active segment
    // Late updates journaled in this segment are lines of the file already.
    journal.endMarks()
    await journal.append(closingLine(segment.n, true, records.changed()))
    await journal.close()
    // Neither step needs a flush of its own: if a crash undoes them, the journal is back with its
    // closing line (and perhaps zeros after it, which readers skip), read as this sealed segment.
    const paths = this.segmentPaths(segment.n)
    await fs.truncate(paths.journal, journal.written)
    await fs.rename(paths.journal, paths.json)
  }

  /**
   * Remove a segment none of whose records is left. With a journal, an empty sealed file is written
   * first: a crash before the journal is gone then finds a sealed file, which outranks the journal's
   * lines (see loadSegment), so cleared captures do not come back.
   */
  private async removeSegment(segment: Segment, journaled: boolean): Promise<void> {
    const at = this.segments.indexOf(segment)
    if (at >= 0) this.segments.splice(at, 1)
    this.cache.delete(segment.n)
    this.searchText.delete(segment.n)
    this.carryLate(segment.n)
    const paths = this.segmentPaths(segment.n)
    if (journaled) {
      await this.writeSegment(segment.n, [], true)
      await fs.rm(paths.journal, { force: true })
    }
    await fs.rm(paths.json, { force: true })
  }

  private startSegment(n: number): void {
    this.active = { n, count: 0, bytes: 0, recordBytes: 0, sealed: false, journaledOnly: true }
    this.segments.push(this.active)
    this.activeRecords = new RecordLines()
    this.journal = this.nextJournal?.n === n ? this.nextJournal.journal : this.openJournal(n)
    this.nextJournal = { n: n + 1, journal: this.openJournal(n + 1) }
  }

  private openJournal(n: number): Journal {
    // Zero-filled ahead of use: measured about 20% more captures per second with sync: disk (BENCHMARKS.md).
    return new Journal(this.segmentPaths(n).journal, { preallocate: this.journalSize, sync: this.options.sync, markDurable: this.options.now })
  }

  /**
   * Size the zero-filled space after what segments really use, within bounds. Small segments (a
   * retention of a few hundred captures) get a small file: filling 1 MiB costs about 6 ms, and under
   * a burst such a segment is full in less than that.
   */
  private learnJournalSize(used: number): void {
    this.journalSize = Math.max(64 * 1024, Math.min(Math.ceil(used * 1.25), SEGMENT_MAX_RECORD_BYTES + 1024 * 1024))
  }

  /** Write a segment's file from its records as lines (a segment not sealed by rename, or the active one at shutdown). */
  private async writeLines(n: number, records: RecordLines, sealed: boolean): Promise<void> {
    const parts: Buffer[] = [...records.lines()]
    parts.push(Buffer.from(closingLine(n, sealed, { ...this.lateOf(n), ...records.changed() }) + '\n'))
    await writeFileAtomic(this.segmentPaths(n).json, Buffer.concat(parts))
  }

  private async writeSegment(n: number, records: CaptureRecord[], sealed: boolean): Promise<void> {
    const db = new Low<SegmentFile>(new SegmentAdapter(this.segmentPaths(n).json), {
      schemaVersion: SEGMENT_SCHEMA_VERSION,
      segment: n,
      sealed,
      captures: [],
    })
    // Forwarding state is live (rebuilt from the forward journals at start); records keep null.
    db.data = { schemaVersion: SEGMENT_SCHEMA_VERSION, segment: n, sealed, captures: records, late: this.lateOf(n) }
    await db.write()
  }

  private async applyRetention(): Promise<void> {
    const removed: string[] = []
    const dropped: number[] = []
    while (this.overRetention()) {
      const oldest = this.segments[0]
      // Never the segment being written (one whose file is still to be written may go).
      if (!oldest || oldest === this.active) break
      // Retention keeps at least 90 % of its count. A segment dropped whole would keep fewer when it
      // was filled under a larger count (the retention was just lowered), or when the count is small
      // (a segment never holds fewer than 10: at a count of 20, half of it). Its oldest captures go
      // instead, down to that 90 %.
      const keepAtLeast = Math.ceil(this.options.retention.maxCaptures * RETENTION_KEEPS)
      if (this.totalBytes <= this.options.retention.maxBytes && this.entries.length - oldest.count < keepAtLeast) {
        removed.push(...(await this.remove(this.entries.slice(0, this.entries.length - keepAtLeast), false)))
        break
      }
      dropped.push(oldest.n)
      removed.push(...(await this.dropSegment(oldest)))
    }
    if (removed.length > 0) this.options.onRemoved(removed)
    if (dropped.length > 0) this.options.onSegmentsDropped?.(dropped)
  }

  /** The history segment a capture is stored in (side files, such as forward attempts, follow it). */
  segmentOf(id: string): number | null {
    return this.byId.get(id)?.segment ?? null
  }

  get activeSegment(): number {
    return this.active.n
  }

  /** Every capture's forwarding decision, oldest first. */
  plans(): Array<{ id: string; plan: NonNullable<CaptureRecord['forwardPlan']> }> {
    const out: Array<{ id: string; plan: NonNullable<CaptureRecord['forwardPlan']> }> = []
    for (const entry of this.entries) if (entry.plan) out.push({ id: entry.summary.id, plan: entry.plan })
    return out
  }

  summary(id: string): CaptureSummary | null {
    return this.byId.get(id)?.summary ?? null
  }

  /** Live signature verdict shown with a capture (kept in memory; recomputed at start). */
  setSignature(id: string, signature: CaptureSummary['signature'], onArrival: CaptureSummary['signatureOnArrival'] = null): CaptureSummary | null {
    const entry = this.byId.get(id)
    if (!entry) return null
    entry.summary = { ...entry.summary, signature, signatureOnArrival: onArrival }
    return entry.summary
  }

  /** Ids of every capture of an endpoint, oldest first. */
  idsOf(endpointId: string): string[] {
    const out: string[] = []
    for (const entry of this.entries) if (entry.summary.endpointId === endpointId) out.push(entry.summary.id)
    return out
  }

  /**
   * A capture stored before it was answered (its rule's delay runs) is listed as in progress until it
   * is: `inFlight` on its summary, in memory only, so that a list read meanwhile shows it waiting, not
   * unanswered. After a restart none waits: one a crash left unanswered reads as such.
   */
  setWaiting(id: string, waiting: boolean): void {
    const entry = this.byId.get(id)
    if (!entry) return
    const { inFlight: _inFlight, ...summary } = entry.summary
    entry.summary = waiting ? { ...summary, inFlight: true } : summary
  }

  /**
   * A capture stored while its target is asked (proxy mode): waiting for its answer, as one waiting
   * out a delay is, for a clear and a "no response" filter. Kept beside the summaries, not on them,
   * since every proxied request passes here (a set costs no copy of its summary).
   */
  setRelaying(id: string, relaying: boolean): void {
    if (relaying) this.relaying.add(id)
    else this.relaying.delete(id)
  }

  private waitsForAnswer(entry: IndexEntry): boolean {
    return entry.summary.inFlight === true || (this.relaying.size > 0 && this.relaying.has(entry.summary.id))
  }

  /** Live forwarding state shown with a capture (kept in memory; the forwarder rebuilds it at start). */
  setForward(id: string, forward: CaptureSummary['forward']): CaptureSummary | null {
    const entry = this.byId.get(id)
    if (!entry) return null
    entry.summary = { ...entry.summary, forward }
    return entry.summary
  }

  /** The records of the active segment, or of one whose file is still to be written. */
  private linesOf(segment: number): RecordLines | undefined {
    if (segment === this.active.n) return this.activeRecords
    return this.sealing.get(segment)?.records
  }

  private async dropSegment(segment: Segment): Promise<string[]> {
    this.segments.splice(this.segments.indexOf(segment), 1)
    this.cache.delete(segment.n)
    this.searchText.delete(segment.n)
    this.lateIn.delete(segment.n) // changes to records of older segments, all dropped before it
    const sealing = this.sealing.get(segment.n)
    this.sealing.delete(segment.n)
    let cut = 0
    while (cut < this.entries.length && this.entries[cut]!.segment === segment.n) cut++
    // Segments are in arrival order, so the oldest segment's entries lead the index.
    const dropped = this.entries.splice(0, cut)
    const orphanBlobs = this.forget(dropped)
    // Not sealed yet: its last appends are answered before its journal goes.
    await sealing?.journal.close()
    const paths = this.segmentPaths(segment.n)
    await fs.rm(paths.json, { force: true })
    await fs.rm(paths.journal, { force: true })
    await this.options.blobs.collect(orphanBlobs)
    return dropped.map((entry) => entry.summary.id)
  }

  /** Remove entries from the lookup maps; returns blobs no longer referenced. */
  private forget(dropped: IndexEntry[]): string[] {
    const orphans: string[] = []
    for (const entry of dropped) {
      this.byId.delete(entry.summary.id)
      this.late.delete(entry.summary.id)
      this.totalBytes -= entry.bytes
      if (!entry.blob) continue
      const use = this.blobUse.get(entry.blob)
      if (use && --use.count === 0) {
        this.blobUse.delete(entry.blob)
        this.totalBytes -= use.size
      }
      if (this.options.blobs.release(entry.blob)) orphans.push(entry.blob)
    }
    return orphans
  }

  /**
   * Delete captures (all, or one endpoint's). Rewrites only the segments that held them. All or
   * nothing across a crash: the ids go to `clearing.json` before any segment changes, and a start
   * that finds that file finishes the clear.
   */
  clear(endpointId?: string): Promise<string[]> {
    let removed: string[] = []
    return this.enqueue(async () => {
      // A capture still waiting out its rule's delay is left, as a request still arriving is (it is
      // stored only once it ends): the page keeps listing both, and the next clear takes them.
      const doomed = this.entries.filter((entry) => (endpointId === undefined || entry.summary.endpointId === endpointId) && !this.waitsForAnswer(entry))
      if (doomed.length === 0) return
      removed = await this.remove(doomed, endpointId !== undefined)
      this.options.onRemoved(removed, { endpointId: endpointId ?? null })
    }).then(() => removed)
  }

  private get clearingFile(): string {
    return path.join(this.options.dir, 'clearing.json')
  }

  /** Remove these captures from the index and from the segments that hold them. */
  private async remove(doomed: IndexEntry[], rememberPlaces: boolean): Promise<string[]> {
    const doomedIds = new Set(doomed.map((entry) => entry.summary.id))
    const touched = new Set(doomed.map((entry) => entry.segment))
    const keep = this.entries.filter((entry) => !doomedIds.has(entry.summary.id))
    this.entries.length = 0
    for (const entry of keep) this.entries.push(entry)
    if (rememberPlaces) this.rememberRemoved(doomed)
    const orphans = this.forget(doomed)
    // Captures stored from now on go to a new segment, before anything is awaited: the active
    // journal is about to be rewritten without the cleared lines and removed, and a capture
    // acknowledged meanwhile must not be in it.
    if (touched.has(this.active.n)) this.rotate()
    await writeFileAtomic(this.clearingFile, JSON.stringify({ ids: [...doomedIds] }))
    for (const segment of [...this.segments]) {
      if (!touched.has(segment.n)) continue
      const sealing = this.sealing.get(segment.n)
      if (sealing) {
        // Its file is written below from its journal's lines, the cleared ones left out.
        for (const id of [...sealing.records.ids()]) if (doomedIds.has(id)) sealing.records.delete(id)
        segment.journaledOnly = false
        this.recount(segment, sealing.records.ids())
        continue
      }
      const records = [...(await this.loadSegmentRecords(segment.n)).values()]
      const kept = records.filter((record) => !doomedIds.has(record.id))
      this.cache.delete(segment.n)
      this.recount(segment, kept.map((record) => record.id))
      if (kept.length === 0) await this.removeSegment(segment, false)
      else await this.writeSegment(segment.n, kept, true)
    }
    await this.sealPending()
    await fs.rm(this.clearingFile, { force: true })
    await this.options.blobs.collect(orphans)
    return [...doomedIds]
  }

  /** A clear a crash interrupted: take out what it was removing (already gone from some segments). */
  private async finishClearing(): Promise<void> {
    const text = (await readFileIfExists(this.clearingFile))?.toString('utf8')
    if (text === undefined) return
    let ids: string[] = []
    try {
      ids = z.object({ ids: z.array(z.string()) }).parse(JSON.parse(text)).ids
    } catch {
      // Written atomically, so never half: a file that does not parse was not written by a clear.
    }
    const doomed = ids.flatMap((id) => this.byId.get(id) ?? [])
    if (doomed.length > 0) await this.remove(doomed, false)
    else await fs.rm(this.clearingFile, { force: true })
  }

  private rememberRemoved(doomed: IndexEntry[]): void {
    for (const entry of doomed) this.removedSeq.set(entry.summary.id, entry.seq)
    for (const id of this.removedSeq.keys()) {
      if (this.removedSeq.size <= REMEMBERED_REMOVALS) break
      this.removedSeq.delete(id)
    }
  }

  /** Weigh a segment again from the index entries of the records it keeps. */
  private recount(segment: Segment, ids: Iterable<string>): void {
    segment.count = 0
    segment.recordBytes = 0
    segment.bytes = 0
    for (const id of ids) {
      const entry = this.byId.get(id)
      if (!entry) continue
      segment.count++
      segment.recordBytes += entry.bytes
      segment.bytes += entry.bytes + (entry.blob ? (this.blobUse.get(entry.blob)?.size ?? 0) : 0)
    }
  }

  async get(id: string): Promise<CaptureRecord | null> {
    const entry = this.byId.get(id)
    if (!entry) return null
    const inMemory = this.linesOf(entry.segment)?.record(id)
    if (inMemory) return inMemory
    const records = await this.loadSegmentRecords(entry.segment)
    return records.get(id) ?? null
  }

  async readBody(id: string, offset: number, length: number): Promise<{ bytes: Buffer; total: number } | null> {
    const record = await this.get(id)
    if (!record) return null
    const total = record.body.size
    if (record.body.storage === 'blob') {
      return { bytes: await this.options.blobs.read(record.body.sha256, offset, length), total }
    }
    const bytes = inlineBytes(record.inline)
    return { bytes: bytes.subarray(offset, offset + length), total }
  }

  private async loadSegmentRecords(n: number): Promise<Map<string, CaptureRecord>> {
    const cached = this.cache.get(n)
    if (cached) {
      this.cache.delete(n)
      this.cache.set(n, cached)
      return cached
    }
    const file = await new SegmentAdapter(this.segmentPaths(n).json).read()
    const records = new Map<string, CaptureRecord>()
    for (const raw of file?.captures ?? []) {
      const late = this.late.get(raw.id)
      if (late) Object.assign(raw, late)
      records.set(raw.id, raw)
    }
    this.cache.set(n, records)
    while (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value!)
    return records
  }

  query(input: CaptureQuery): CapturePage {
    const q = CaptureQuerySchema.parse(input)
    const lowered = q.text?.trim().toLowerCase()
    const text = lowered ? Buffer.from(lowered) : null
    const query = text ? ++this.textQueries : 0
    if (text) for (const segmentText of this.searchText.values()) segmentText.find(text, (entry) => (entry.hit = query))
    const methods = q.methods?.length ? new Set(q.methods.map((m) => m.toUpperCase())) : null
    const classes = q.statusClasses?.length ? new Set(q.statusClasses) : null
    const matches = (entry: IndexEntry): boolean => {
      const s = entry.summary
      if (q.endpointId !== undefined && s.endpointId !== q.endpointId) return false
      if (methods && !methods.has(s.method.toUpperCase())) return false
      // A request still waiting for its answer (its rule's delay runs) has no class yet: "No response"
      // (0) is one that never got one. The page's live filter judges alike (capture-filter.ts).
      if (classes && (s.status === null ? this.waitsForAnswer(entry) || !classes.has(0) : !classes.has(Math.floor(s.status / 100)))) return false
      if (q.since !== undefined && s.receivedAt < q.since) return false
      if (q.until !== undefined && s.receivedAt > q.until) return false
      if (text !== null && entry.hit !== query) return false
      return true
    }
    const startBelow = q.before ? this.positionBefore(q.before) : this.entries.length
    const items: CaptureSummary[] = []
    let total = 0
    let next: string | null = null
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!
      if (!matches(entry)) continue
      total++
      if (i >= startBelow) continue
      if (items.length < q.limit) items.push(entry.summary)
      else if (next === null) next = items[items.length - 1]!.id
    }
    return { items, total, next }
  }

  /**
   * Every capture received since `since`, newest first (in stored order, paged as query() pages),
   * whatever a list's filter: only what the timeline plots of each, and no total, so that the walk ends
   * once a page is full. It goes on past older captures, since a request whose body came in slowly is
   * stored after newer ones.
   */
  timeline(input: TimelineQuery): TimelinePage {
    const { since, before, limit } = TimelineQuerySchema.parse(input)
    const startBelow = before !== undefined ? this.positionBefore(before) : this.entries.length
    const items: TimelineItem[] = []
    for (let i = Math.min(startBelow, this.entries.length) - 1; i >= 0; i--) {
      const { id, receivedAt, status, endpointId } = this.entries[i]!.summary
      if (receivedAt < since) continue
      if (items.length === limit) return { items, next: items[items.length - 1]!.id }
      items.push({ id, receivedAt, status, endpointId })
    }
    return { items, next: null }
  }

  /** Where the page after capture `id` starts (in stored order), even when that capture is gone. */
  private positionBefore(id: string): number {
    const seq = this.byId.get(id)?.seq ?? this.removedSeq.get(id)
    if (seq !== undefined) return this.positionOf(seq)
    // Not known: dropped by retention (with everything stored before it), or cleared before a restart.
    // Ids follow arrival, which is the stored order but for a request whose body came in slowly.
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]!.summary.id < id) return i + 1
    return 0
  }

  private positionOf(seq: number): number {
    let lo = 0
    let hi = this.entries.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const value = this.entries[mid]!.seq
      if (value === seq) return mid
      if (value < seq) lo = mid + 1
      else hi = mid - 1
    }
    return lo
  }

  private async load(): Promise<void> {
    const { dir } = this.options
    await fs.mkdir(dir, { recursive: true })
    await removeStaleTempFiles(dir)
    const numbers = new Set<number>()
    for (const name of await fs.readdir(dir)) {
      const match = /^seg-(\d{6})\.(json|journal)$/.exec(name)
      if (match) numbers.add(Number(match[1]))
    }
    const ordered = [...numbers].sort((a, b) => a - b)
    for (const n of ordered) await this.loadSegment(n)
    // Late updates apply over records of older segments, all read by now.
    for (const [id, change] of this.late) {
      const entry = this.byId.get(id)
      if (entry) entry.summary = summaryWith(entry.summary, change)
      else this.late.delete(id)
    }
    const last = this.segments[this.segments.length - 1]
    if (last && !last.sealed && !this.shouldSeal(last)) {
      // Reopen the last segment for appends; its journal was folded into its file by loadSegment.
      this.active = last
      this.active.journaledOnly = false // its older records are in its file, not in the new journal
      this.activeRecords = new RecordLines()
      for (const record of (await this.loadSegmentRecords(last.n)).values()) this.activeRecords.add(record.id, journalLine(record))
      this.cache.delete(last.n)
      this.journal = this.openJournal(last.n)
      this.nextJournal = { n: last.n + 1, journal: this.openJournal(last.n + 1) }
    } else {
      if (last && !last.sealed) {
        last.sealed = true
        await this.writeSegment(last.n, [...(await this.loadSegmentRecords(last.n)).values()], true)
      }
      this.startSegment((last?.n ?? 0) + 1)
    }
    await this.finishClearing()
    await this.applyRetention()
  }

  private async loadSegment(n: number): Promise<void> {
    const paths = this.segmentPaths(n)
    const records = new Map<string, CaptureRecord>()
    let sealed = false
    let late: Record<string, RecordUpdate> = {}
    try {
      const file = await new SegmentAdapter(paths.json).read()
      if (file) {
        sealed = file.sealed
        late = { ...file.late }
        for (const raw of file.captures) {
          const parsed = CaptureRecord.safeParse(raw)
          if (parsed.success) records.set(parsed.data.id, parsed.data)
        }
      }
    } catch (error) {
      const aside = `${paths.json}.corrupt-${new Date(this.options.now()).toISOString().replace(/[:.]/g, '-')}`
      await fs.rename(paths.json, aside).catch(() => undefined)
      this.options.onNotice({
        level: 'error',
        code: 'DOCUMENT_CORRUPT',
        message: `History file ${path.basename(paths.json)} was damaged (${(error as Error).message}); it was moved to ${path.basename(aside)}. Other captures are unaffected.`,
      })
    }
    let ordered: CaptureRecord[] = [...records.values()]
    const journalBytes = await readFileIfExists(paths.journal)
    let fold = false
    if (journalBytes !== null && sealed) {
      // A sealed file is written from its journal (when sealing, or clearing) before the journal is
      // removed: a crash in between leaves a complete file, and a journal that may still hold lines
      // of cleared captures. The file wins.
      await fs.rm(paths.journal, { force: true })
    } else if (journalBytes !== null) {
      const { lines, durableAt, damaged } = readJournal(journalBytes)
      // A closing line means the crash came while sealing, after the journal was complete.
      const journaled = recordsOfLines(lines)
      // Changes journaled apply first: a capture whose sender left before its answer went out says so.
      answeredAt(lines, durableAt)
      if (journaled.sealed) sealed = true
      for (const line of journaled.captures) {
        const parsed = CaptureRecord.safeParse(line)
        if (parsed.success && !records.has(parsed.data.id)) records.set(parsed.data.id, parsed.data)
      }
      for (const [id, change] of Object.entries(journaled.late)) late[id] = { ...late[id], ...change }
      if (damaged > 0) {
        this.options.onNotice({
          level: 'warning',
          code: 'DOCUMENT_CORRUPT',
          message: `${damaged} damaged line(s) in ${path.basename(paths.journal)} were skipped.`,
        })
      }
      // Two journal writes may land out of order (they overlap); ids are time-ordered, so sort by id.
      ordered = [...records.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      fold = true
    }
    // Late updates held here are to records of older segments (read already); any to a record of
    // this one (its file and journal read together) applies to it directly.
    for (const [id, change] of Object.entries(late)) {
      const own = records.get(id)
      if (own) Object.assign(own, change)
      else if (this.byId.has(id)) {
        this.late.set(id, { ...this.late.get(id), ...change })
        this.noteLate(n, id, change)
      }
    }
    if (fold) {
      // Fold the journal into the segment file so the next append starts from a clean log.
      await this.writeSegment(n, ordered, sealed)
      await fs.rm(paths.journal, { force: true })
    }
    if (records.size === 0 && !this.lateIn.has(n)) {
      await fs.rm(paths.json, { force: true })
      return
    }
    const segment: Segment = { n, count: 0, bytes: 0, recordBytes: 0, sealed }
    // Serializing every record again just to weigh it would double the start-up cost: share the
    // file's size among its records instead (retention by bytes only needs the total).
    const fileBytes = (await fs.stat(paths.json)).size
    const recordBytes = records.size > 0 ? Math.ceil(fileBytes / records.size) : 0
    for (const record of ordered) {
      const blobBytes = record.body.storage === 'blob' ? record.body.size : 0
      let bodyHead: Buffer | undefined
      // A compressed body's bytes are not searched as text (the decode queue reads them itself).
      if (record.body.storage === 'blob' && bodyEncoding(record.rawHeaders) === null) {
        bodyHead = await this.options.blobs.read(record.body.sha256, 0, SEARCH_BODY_BYTES).catch(() => Buffer.alloc(0))
      }
      this.addToIndex(record, n, recordBytes, bodyHead)
      segment.count++
      segment.recordBytes += recordBytes
      segment.bytes += recordBytes + blobBytes
    }
    this.segments.push(segment)
  }

  /** The file captures are journaled to was deleted while open (its data folder deleted): nothing stores until a start. */
  journalDeleted(): JournalDeleted | null {
    return this.journal.wasDeleted()
  }

  /** Make everything durable and write the active segment's file (clean shutdown). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // No capture is taken from here on; let the seals and other work already queued finish.
    for (let tail = this.structural; ; tail = this.structural) {
      await tail
      if (tail === this.structural) break
    }
    // Decoding for search writes nothing: what is still queued is dropped, what runs is let finish.
    await this.decoding
    await this.journal.close()
    if (this.nextJournal) {
      // Prepared ahead and never used: not worth keeping.
      await this.nextJournal.journal.close()
      await fs.rm(this.nextJournal.journal.file, { force: true })
      this.nextJournal = null
    }
    if (this.activeRecords.size > 0 || this.lateIn.has(this.active.n)) await this.writeLines(this.active.n, this.activeRecords, false)
    await fs.rm(this.segmentPaths(this.active.n).journal, { force: true })
  }

}

/**
 * The UTF-8 reading of a latin1 "byte string" (a target or header value as received), when it is
 * valid UTF-8 and reads differently: that is how the UI shows it, so that is what a user searches for.
 */
function utf8Reading(value: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return null
  const bytes = Buffer.from(value, 'latin1')
  return isUtf8(bytes) ? bytes.toString('utf8') : null
}

/**
 * The Content-Encoding of a body that is encoded (not "identity" or the like), or null. All the capture
 * path pays to find compressed bodies: most header names differ in length from this one.
 */
function bodyEncoding(rawHeaders: RawHeaders): string | null {
  for (const [name, value] of rawHeaders) {
    if (name.length === 16 && name.toLowerCase() === 'content-encoding') return parseContentEncoding(value).length > 0 ? value : null
  }
  return null
}

/**
 * A capture's search text, lower-cased, as its head (request line and headers) and its body.
 * `bodyHead`: the first bytes of a blob body. An encoded body's bytes are left out: read as text they
 * are noise twice their size (most bytes become a three-byte replacement character), and the decode
 * queue adds its decoded text instead, or these bytes when they cannot be decoded.
 */
function searchTextOf(record: CaptureRecord, contentEncoding: string | null, bodyHead?: Buffer): [string, string] {
  let text = `${record.method} ${record.target}\n`
  for (const [name, value] of record.rawHeaders) text += `${name}: ${value}\n`
  // Most requests are ASCII: one test of the whole head instead of one per value.
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(text)) {
    text = `${record.method} ${record.target}\n`
    const target = utf8Reading(record.target)
    if (target !== null) text += `${record.method} ${target}\n`
    for (const [name, value] of record.rawHeaders) {
      text += `${name}: ${value}\n`
      const reading = utf8Reading(value)
      if (reading !== null) text += `${name}: ${reading}\n`
    }
  }
  // A query string's names and values also decoded, as the Query tab shows them (`%40` as `@`).
  const query = record.target.indexOf('?')
  if (query >= 0) text += decodedQueryText(record.target.slice(query + 1))
  // The path also decoded (`/emoji/%F0%9F%98%80` found by `/emoji/😀`), when it has an escape.
  const percent = record.target.indexOf('%')
  if (percent >= 0 && (query < 0 || percent < query)) text += decodedPathText(query >= 0 ? record.target.slice(0, query) : record.target)
  let body = ''
  if (contentEncoding !== null) return [text.toLowerCase(), body]
  // A body in the charset it declares (its Content-Type; an XML or HTML document's BOM or own
  // declaration) is read in it, as the detail reads it.
  const charset = bodyCharsetDecoder(record.contentType, bodyHead ?? (record.inline && sniffsCharset(record.contentType) ? inlineBytes(record.inline) : EMPTY))
  let bytes: Buffer | null = null
  if (bodyHead !== undefined) body = textOf((bytes = bodyHead.subarray(0, SEARCH_BODY_BYTES)), charset)
  else if (record.inline) {
    // A body that is not valid UTF-8 is searched as a blob body is: decoded, bad bytes replaced.
    const { encoding, data } = record.inline
    if (encoding === 'utf8' && charset === null) body = data.slice(0, SEARCH_BODY_BYTES)
    else body = textOf((bytes = (encoding === 'utf8' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64')).subarray(0, SEARCH_BODY_BYTES)), charset)
  }
  if (body !== '' && isForm(record.contentType)) body = withFormText(body)
  // A multipart part that declares a charset of its own is read in it too, as the detail reads it.
  else if (body !== '' && record.contentType !== null && MULTIPART_TYPE.test(record.contentType) && /charset|encoding/i.test(body)) {
    body += multipartCharsetText(bytes ?? Buffer.from(body, 'utf8'), record.contentType)
  }
  // Two pieces, not one: joined, the body would be copied once more.
  return [text.toLowerCase(), body.toLowerCase()]
}

const EMPTY = Buffer.alloc(0)
const MULTIPART_TYPE = /^\s*multipart\//i
const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i

function isForm(contentType: string | null): boolean {
  return contentType !== null && FORM_TYPE.test(contentType)
}

/**
 * A form body's text followed by its names and values decoded, one `name=value` a line, as the form
 * viewer shows them: '+' as a space, escapes as UTF-8 bytes, a malformed escape as written. Decoded
 * whole at once rather than pair by pair (a 64 KB body of short pairs would cost milliseconds on the
 * capture path): the same text whenever the decoded bytes are UTF-8; otherwise they are read as
 * latin1 throughout (the viewer does so pair by pair, where a pair is not UTF-8).
 */
function withFormText(body: string): string {
  if (!body.includes('+') && !body.includes('%')) return body // nothing reads differently decoded
  let end = body.length
  while (end > 0 && (body.charCodeAt(end - 1) === 0x0a || body.charCodeAt(end - 1) === 0x0d)) end--
  const pairs = body.slice(0, end).replaceAll('+', ' ').replaceAll('&', '\n')
  if (!pairs.includes('%')) return `${body}\n${pairs}`
  try {
    // Native, and the same reading whenever every escape is well formed and the bytes are UTF-8.
    return `${body}\n${decodeURIComponent(pairs)}`
  } catch {
    return `${body}\n${percentDecoded(pairs)}`
  }
}

/** A query string's pairs decoded as a form's are (see withFormText), one a line; empty when nothing reads differently. */
function decodedQueryText(query: string): string {
  if (!query.includes('%') && !query.includes('+')) return ''
  return `${withFormText(query).slice(query.length)}\n`
}

/**
 * A path's escapes decoded as UTF-8, a line of its own; empty when they are not UTF-8 (a latin1 `%E9`)
 * or one is malformed (`%ZZ`): the path is then searched as written only, rather than by a guess.
 */
function decodedPathText(path: string): string {
  try {
    return `${decodeURIComponent(path)}\n`
  } catch {
    return ''
  }
}

/** Escapes decoded as bytes, malformed ones kept as written; read as UTF-8, or as latin1 if not. */
function percentDecoded(text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  // In place: the decoded bytes are never ahead of the ones read. An escape is three ASCII bytes, and
  // no byte of a multi-byte character is ASCII, so the escapes are found as in the text.
  let length = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (byte === 0x25 && i + 2 < bytes.length) {
      const high = hexValue(bytes[i + 1]!)
      const low = hexValue(bytes[i + 2]!)
      if (high >= 0 && low >= 0) {
        bytes[length++] = (high << 4) | low
        i += 2
        continue
      }
    }
    bytes[length++] = byte
  }
  const decoded = bytes.subarray(0, length)
  return decoded.toString(isUtf8(decoded) ? 'utf8' : 'latin1')
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1
}
