// Export files. Owns: writing an export to a temp file piece by piece (JSON as JSON.stringify with
// two-space indents writes it, its long strings in slices; a curl script command by command), so
// that an export holds its bodies once, never the whole file as one string; and handing the file out
// in slices (`exports.read`) until its last byte is read, for 10 minutes unused, or until the engine
// closes, saying how far it is (`BodyProgress`) as it writes. A small file is given back whole as text
// instead. Never: changes a byte of what the formats produce.
import { isUtf8 } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { HookscopeError } from '../../../shared/errors'
import type { BodyText } from '../../../shared/formats'

/** A file up to this size is answered as text; a larger one as a file to read in slices. */
export const EXPORT_TEXT_MAX_BYTES = 1024 * 1024
/** A file not read for this long is deleted. */
const EXPORT_IDLE_MS = 10 * 60_000
/** A string at least this long is written in slices of it rather than within its JSON's text. */
const LONG_STRING = 64 * 1024
/** Code units of a long string escaped and written at a time. */
const STRING_SLICE = 1024 * 1024
/** Text gathered before one write to the file. */
const WRITE_BYTES = 1024 * 1024

/** Bytes of bodies written between two reports of an export's progress. */
export const PROGRESS_STEP_BYTES = 2 * 1024 * 1024

/**
 * How far an export is, in bytes of the bodies of its requests (one after the other, in the file's
 * order): those written so far, of all of them. A large body is counted a slice at a time as it is
 * written; a request written whole counts all of its bodies (small ones are written within its text).
 * Reported at most every PROGRESS_STEP_BYTES, and when the last body is written: so the page shows an
 * export of one large request advance, not stand still until its file is written.
 */
export class BodyProgress {
  private readonly ends: number[] = []
  private done = 0
  private reported = 0
  private current = 0

  constructor(
    /** Each request's bodies, in bytes, in the order they are written. */
    sizes: readonly number[],
    private readonly report: (done: number, total: number) => void,
  ) {
    let end = 0
    for (const size of sizes) this.ends.push((end += size))
  }

  get total(): number {
    return this.ends[this.ends.length - 1] ?? 0
  }

  /** Bytes of the bodies of the request being written, as a slice of one is written. */
  advance(bytes: number): void {
    // Never past the request being written: what else stands beside its bodies is not counted.
    this.done = Math.min(this.done + bytes, this.ends[this.current] ?? this.total)
    this.tell()
  }

  /** The request at `index` is written whole. */
  finished(index: number): void {
    this.done = Math.max(this.done, this.ends[index] ?? this.total)
    this.current = index + 1
    this.tell()
  }

  private tell(): void {
    if (this.done - this.reported >= PROGRESS_STEP_BYTES || (this.done === this.total && this.reported < this.total)) {
      this.reported = this.done
      this.report(this.done, this.total)
    }
  }
}

/** Where export text goes: gathered, then written in writes of about a megabyte. */
export class ExportWriter {
  private pending: string[] = []
  private pendingLength = 0
  /** Bytes written to the file. */
  bytes = 0
  /** Bytes written or about to be. */
  total = 0
  /** Told of the bodies' bytes as they are written, when the export says how far it is. */
  progress: BodyProgress | null = null

  constructor(
    private readonly handle: FileHandle,
    /** Throws when the export must stop (the engine is closing). */
    private readonly check: () => void = () => undefined,
  ) {}

  async write(text: string): Promise<void> {
    this.check()
    this.pending.push(text)
    this.pendingLength += text.length
    this.total += Buffer.byteLength(text, 'utf8')
    if (this.pendingLength >= WRITE_BYTES) await this.flush()
  }

  async flush(): Promise<void> {
    this.check()
    if (this.pending.length === 0) return
    const buffer = Buffer.from(this.pending.join(''), 'utf8')
    this.pending = []
    this.pendingLength = 0
    this.bytes += buffer.length
    await this.handle.write(buffer)
  }
}

/** A body written from its bytes: as UTF-8 text, or base64. */
interface BodyBytes {
  bytes: Uint8Array
  base64: boolean
}

/**
 * The long values of one export: each stands in its JSON as a mark no captured text can hold (a
 * random nonce), and is written where its mark is, a slice at a time.
 */
export class LongValues {
  readonly nonce = randomBytes(12).toString('hex')
  private readonly values: Array<string | BodyBytes | null> = []

  mark(value: string | BodyBytes): string {
    return `\u0000${this.nonce}:${this.values.push(value) - 1}\u0000`
  }

  /** For toHar and toPostman (BodyTextOf): a body of 64 KiB or more stands in as a mark, written later from its bytes. */
  readonly bodyText = (bytes: Uint8Array): BodyText | undefined => {
    if (bytes.length < LONG_STRING) return undefined
    const base64 = !isUtf8(bytes)
    return { text: this.mark({ bytes, base64 }), base64 }
  }

  /**
   * The value a mark stands for. A long string is marked where it stands and written once, so it is
   * let go; a body may stand in more than one place (a Postman example repeats its request).
   */
  take(index: number): string | BodyBytes {
    const value = this.values[index]
    if (value === null || value === undefined) throw new Error(`export mark ${index} is unknown or was written already`)
    if (typeof value === 'string') this.values[index] = null
    return value
  }
}

/**
 * `JSON.stringify(value, null, 2)` (nested at `indent` spaces), written to `out`: the same text,
 * byte for byte, but each string of 64 Ki code units or more, and each body marked by `long`,
 * escaped and written a megabyte at a time, never within one string of the whole document.
 */
export async function writeJson(out: ExportWriter, value: unknown, indent = 0, long = new LongValues()): Promise<void> {
  let skeleton = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' && item.length >= LONG_STRING ? long.mark(item) : item), 2)
  // Nested: a JSON text's only raw line breaks are those between its values.
  if (indent > 0) skeleton = skeleton.replace(/\n/g, `\n${' '.repeat(indent)}`)
  const mark = new RegExp(`"\\\\u0000${long.nonce}:(\\d+)\\\\u0000"`, 'g')
  let at = 0
  for (const match of skeleton.matchAll(mark)) {
    await out.write(skeleton.slice(at, match.index))
    const item = long.take(Number(match[1]))
    if (typeof item === 'string') await writeJsonString(out, item)
    else await writeBodyString(out, item)
    at = match.index + match[0].length
  }
  await out.write(skeleton.slice(at))
}

/** A body's text (UTF-8, or base64) as a JSON string, made and written a slice of its bytes at a time. */
async function writeBodyString(out: ExportWriter, body: BodyBytes): Promise<void> {
  const bytes = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.length)
  await out.write('"')
  if (body.base64) {
    // A multiple of 3 bytes per slice: only the last one pads.
    for (let start = 0; start < bytes.length; start += 3 * 256 * 1024) {
      const end = Math.min(bytes.length, start + 3 * 256 * 1024)
      await out.write(bytes.toString('base64', start, end))
      out.progress?.advance(end - start)
    }
  } else {
    // The decoder keeps a character cut between slices for the next one.
    const decoder = new StringDecoder('utf8')
    for (let start = 0; start < bytes.length; start += STRING_SLICE) {
      const end = Math.min(bytes.length, start + STRING_SLICE)
      await out.write(JSON.stringify(decoder.write(bytes.subarray(start, end))).slice(1, -1))
      out.progress?.advance(end - start)
    }
    await out.write(JSON.stringify(decoder.end()).slice(1, -1))
  }
  await out.write('"')
}

/** Where a HAR file's entries lie, in bytes: from the line break before the first one to the end of the last. */
export interface HarEntriesRange {
  start: number
  end: number
}

/**
 * A HAR document as `JSON.stringify(har, null, 2)` writes it (its log's `entries` last, as toHar
 * puts it), one entry at a time; answers where the entries lie, so that the files of several
 * exports can be joined into one.
 */
export async function writeHar(out: ExportWriter, har: { log: { entries: unknown[] } }, long = new LongValues()): Promise<HarEntriesRange> {
  const { entries, ...rest } = har.log
  const empty = JSON.stringify({ log: { ...rest, entries: [] } }, null, 2)
  const open = empty.lastIndexOf('[]')
  await out.write(empty.slice(0, open + 1))
  const start = out.total
  for (let index = 0; index < entries.length; index++) {
    await out.write(`${index === 0 ? '' : ','}\n      `)
    await writeJson(out, entries[index], 6, long)
    // What was written is on its way to the file; the entry's strings need not stay.
    entries[index] = null
    out.progress?.finished(index)
  }
  const end = out.total
  await out.write(entries.length === 0 ? empty.slice(open + 1) : `\n    ]${empty.slice(open + 2)}`)
  return { start, end }
}

/** A string as JSON.stringify writes it, escaped a slice at a time (never splitting a surrogate pair,
 * which would be escaped as two lone halves). */
async function writeJsonString(out: ExportWriter, text: string): Promise<void> {
  await out.write('"')
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + STRING_SLICE)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
    await out.write(JSON.stringify(text.slice(start, end)).slice(1, -1))
    start = end
  }
  await out.write('"')
}

export interface ExportFileInfo {
  /** Names the file for `exports.read`. */
  id: string
  size: number
}

interface ExportFileEntry {
  path: string
  size: number
  timer: ReturnType<typeof setTimeout>
  /** Reads in progress: a file whose last byte was read, or that timed out, is deleted once they end. */
  reads: number
  /** Called when the last read in progress ends. */
  whenRead: (() => void) | null
}

/** The export files waiting to be read, in a folder of their own (emptied at each start, and at close). */
export class ExportFiles {
  private readonly files = new Map<string, ExportFileEntry>()
  /** Exports being written. */
  private readonly writing = new Set<Promise<unknown>>()
  private closed = false

  constructor(private readonly dir: string) {}

  /**
   * The engine is closing: an export being written stops at its next write, and every file is
   * deleted, so that none stays in the data folder until the next start.
   */
  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.writing])
    await Promise.all([...this.files.keys()].map((id) => this.remove(id)))
  }

  /**
   * Writes an export through `write`, then answers it as text when it is small, else as a file to
   * read. A write that fails leaves no file behind.
   */
  async create(write: (out: ExportWriter) => Promise<void>): Promise<{ text: string } | { file: ExportFileInfo }> {
    if (this.closed) throw new HookscopeError('ENGINE_CLOSED')
    const made = this.createFile(write)
    this.writing.add(made)
    try {
      return await made
    } finally {
      this.writing.delete(made)
    }
  }

  private async createFile(write: (out: ExportWriter) => Promise<void>): Promise<{ text: string } | { file: ExportFileInfo }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    const id = `exp_${randomBytes(16).toString('hex')}`
    const file = path.join(this.dir, id)
    const handle = await fs.open(file, 'w+', 0o600)
    let size: number
    try {
      const out = new ExportWriter(handle, () => {
        if (this.closed) throw new HookscopeError('ENGINE_CLOSED')
      })
      await write(out)
      await out.flush()
      size = out.bytes
      if (size <= EXPORT_TEXT_MAX_BYTES) {
        const bytes = Buffer.alloc(size)
        await handle.read(bytes, 0, size, 0)
        await handle.close()
        await fs.rm(file, { force: true })
        return { text: bytes.toString('utf8') }
      }
      await handle.close()
    } catch (error) {
      await handle.close().catch(() => undefined)
      await fs.rm(file, { force: true })
      throw error
    }
    const timer = setTimeout(() => void this.remove(id), EXPORT_IDLE_MS)
    timer.unref?.()
    this.files.set(id, { path: file, size, timer, reads: 0, whenRead: null })
    return { file: { id, size } }
  }

  /** A slice of an export file, base64; the file is deleted once its last byte has been read. */
  async read(id: string, offset: number, length: number): Promise<{ base64: string; size: number; totalSize: number }> {
    const entry = this.files.get(id)
    if (!entry) throw new HookscopeError('NOT_FOUND', 'That export is no longer available (an export file is kept until it has been read, or 10 minutes unused): export again.')
    // Past its end is a reader's mistake: the file stays, for the reads it still owes.
    if (offset > entry.size) throw new HookscopeError('INVALID_INPUT', `That export is ${entry.size} bytes long: there is nothing to read from byte ${offset}.`)
    entry.timer.refresh()
    const size = Math.min(length, entry.size - offset)
    const bytes = Buffer.alloc(size)
    // Reads may overlap (a reader asking for several slices at once): the one that reads the last
    // byte must not delete the file under the others.
    entry.reads++
    try {
      if (size > 0) {
        const handle = await fs.open(entry.path, 'r')
        try {
          for (let done = 0; done < size; ) {
            const { bytesRead } = await handle.read(bytes, done, size - done, offset + done)
            if (bytesRead === 0) throw new Error(`export file ${id} ended at byte ${offset + done} of ${entry.size}`)
            done += bytesRead
          }
        } finally {
          await handle.close()
        }
      }
    } finally {
      entry.reads--
      if (entry.reads === 0) entry.whenRead?.()
    }
    if (offset + size >= entry.size) {
      // Deleted now, or once the reads in progress end (this one need not wait for them).
      const removed = this.remove(id)
      if (entry.reads === 0) await removed
      else removed.catch(() => undefined)
    }
    return { base64: bytes.toString('base64'), size, totalSize: entry.size }
  }

  /** A file its reader gave up on, deleted (once the reads in progress end); false when it was gone already. */
  async discard(id: string): Promise<boolean> {
    if (!this.files.has(id)) return false
    await this.remove(id)
    return true
  }

  /** No longer handed out; the file is deleted once the reads in progress end. */
  private remove(id: string): Promise<void> {
    const entry = this.files.get(id)
    if (!entry) return Promise.resolve()
    this.files.delete(id)
    clearTimeout(entry.timer)
    return (async () => {
      if (entry.reads > 0) await new Promise<void>((resolve) => (entry.whenRead = resolve))
      await fs.rm(entry.path, { force: true })
    })()
  }
}
