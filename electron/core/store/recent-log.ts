// The last records of one kind (the replays), kept as segments of append-only journals. Owns: making
// a record durable with one appended line, whatever how many are kept; which records are the last
// `keep`; removing the files whose records all fell out of them; reading them back at start. Never:
// interprets a record (its caller validates each line), nor rewrites what was appended, except a
// damaged file, once, at start, after keeping a copy of it.
//
// Layout (inside its folder):
//   seg-000001.journal  up to `perSegment` records, one JSON line each, oldest first
//   seg-000011.journal  the newest, appended to (group commit and fdatasync: see Journal)
// A record costs one line in the newest file, and every `perSegment` records a new file; a file is
// removed once `keep` newer records are stored. So the folder holds at most keep + perSegment
// records and the bytes written per record do not grow with how many are kept (one file rewritten
// whole on every change, as a lowdb document is, cost about 100 ms at 1,000 replays).
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { readFileIfExists, removeStaleTempFiles, writeFileAtomic } from './fs-util'
import { Journal, readJournal } from './journal'

export interface RecentLogOptions<T> {
  dir: string
  /** How many of the newest records are kept. */
  keep: number
  /** Records per file: a file is removed whole once all of its records are older than the kept ones. */
  perSegment: number
  /** A line read back as a record; null when it is not one (the line counts as damaged). */
  parse: (line: unknown) => T | null
  idOf: (record: T) => string
  /** What a record is called in a notice ("replay"). */
  noun: string
  now: () => number
  onNotice: (notice: { level: 'warning' | 'error'; code: 'DOCUMENT_CORRUPT'; message: string }) => void
}

interface Segment {
  n: number
  /** Lines handed to its journal (the newest file takes lines until this reaches perSegment). */
  appended: number
  /** Lines known to be in the file (read at start, or appended and durable). */
  stored: number
  /** Its journal closing, once appends moved to the next file. */
  closing?: Promise<void>
}

const SEGMENT_NAME = /^seg-(\d{6,})\.journal$/

function segmentName(n: number): string {
  return `seg-${String(n).padStart(6, '0')}.journal`
}

export class RecentLog<T> {
  /** Oldest first: the last `keep` stored records, and the ones whose line is still being written. */
  private kept: T[] = []
  private pending = 0
  private readonly segments: Segment[] = []
  private storedTotal = 0
  private nextN = 1
  /** The newest file's journal, opened by the first append. */
  private journal: Journal | null = null
  private readonly appending = new Set<Promise<unknown>>()
  private removals: Promise<void> = Promise.resolve()
  private closed = false

  private constructor(private readonly options: RecentLogOptions<T>) {}

  static async open<T>(options: RecentLogOptions<T>): Promise<RecentLog<T>> {
    await fs.mkdir(options.dir, { recursive: true })
    // Left by a crash while a damaged file's good lines, or adopted records, were written.
    await removeStaleTempFiles(options.dir)
    const log = new RecentLog(options)
    const numbers = (await fs.readdir(options.dir))
      .map((name) => SEGMENT_NAME.exec(name))
      .filter((match) => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b)
    const seen = new Set<string>()
    const all: T[] = []
    for (const n of numbers) {
      const records = await log.load(n, seen)
      log.nextN = n + 1
      if (records.length === 0) continue
      log.segments.push({ n, appended: records.length, stored: records.length })
      log.storedTotal += records.length
      for (const record of records) all.push(record)
    }
    log.kept = all.slice(-options.keep)
    log.removeOldSegments()
    await log.removals
    return log
  }

  /** The kept records, oldest first (with those being written, as `append` was called). */
  get records(): readonly T[] {
    return this.kept
  }

  /** A file's records. A damaged one is copied aside first, then written again with its good lines. */
  private async load(n: number, seen: Set<string>): Promise<T[]> {
    const { options } = this
    const file = path.join(options.dir, segmentName(n))
    const bytes = (await readFileIfExists(file)) ?? Buffer.alloc(0)
    const { lines, damaged: unreadable } = readJournal(bytes)
    let end = bytes.length
    while (end > 0 && bytes[end - 1] === 0) end--
    // A line is written whole and flushed before its caller hears it is stored: a last line without its
    // newline was never reported stored, or the file was cut short since. Either way a copy is kept.
    const cutShort = end > 0 && bytes[end - 1] !== 0x0a
    let damaged = unreadable
    const records: T[] = []
    for (const line of lines) {
      const record = options.parse(line)
      if (record === null) {
        damaged++
        continue
      }
      const id = options.idOf(record)
      if (seen.has(id)) continue
      seen.add(id)
      records.push(record)
    }
    if (damaged === 0 && !cutShort) {
      if (records.length === 0) await fs.rm(file, { force: true })
      return records
    }
    const aside = `${file}.corrupt-${new Date(options.now()).toISOString().replace(/[:.]/g, '-')}`
    await fs.copyFile(file, aside)
    if (records.length > 0) await writeFileAtomic(file, records.map((record) => JSON.stringify(record) + '\n').join(''))
    else await fs.rm(file, { force: true })
    const problems = [damaged > 0 ? `${damaged} damaged line(s)` : null, cutShort ? 'its last line cut short' : null].filter(Boolean).join(', ')
    const where = `${path.basename(options.dir)}/${segmentName(n)}`
    options.onNotice({
      level: 'error',
      code: 'DOCUMENT_CORRUPT',
      message: `${where} was damaged (${problems}). It was copied to ${path.basename(aside)}; the ${records.length} ${options.noun}(s) it holds intact are kept.`,
    })
    return records
  }

  /**
   * Records from elsewhere (an earlier version's file), oldest first, placed after those held: the
   * ones not held yet are written as whole files, atomically. Only before the first append.
   */
  async adopt(records: readonly T[]): Promise<void> {
    if (this.journal) throw new Error('records are adopted before any is appended')
    const held = new Set(this.kept.map((record) => this.options.idOf(record)))
    const fresh = records.filter((record) => !held.has(this.options.idOf(record))).slice(-this.options.keep)
    for (let from = 0; from < fresh.length; from += this.options.perSegment) {
      const part = fresh.slice(from, from + this.options.perSegment)
      const n = this.nextN++
      await writeFileAtomic(path.join(this.options.dir, segmentName(n)), part.map((record) => JSON.stringify(record) + '\n').join(''))
      this.segments.push({ n, appended: part.length, stored: part.length })
      this.storedTotal += part.length
    }
    this.kept = [...this.kept, ...fresh].slice(-this.options.keep)
    this.removeOldSegments()
    await this.removals
  }

  /**
   * Store a record: resolves once its line is durable, with the records that fell out of the kept
   * ones (oldest first). A line that could not be written leaves the record out.
   */
  append(record: T): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error(`the ${this.options.noun} store is closed`))
    const appended = this.appendNow(record)
    this.appending.add(appended)
    const settle = () => void this.appending.delete(appended)
    appended.then(settle, settle)
    return appended
  }

  private async appendNow(record: T): Promise<T[]> {
    const segment = this.segmentToAppendTo()
    const journal = this.journal!
    segment.appended++
    this.kept.push(record)
    this.pending++
    try {
      await journal.append(JSON.stringify(record))
    } catch (error) {
      const at = this.kept.lastIndexOf(record)
      if (at >= 0) this.kept.splice(at, 1)
      throw error
    } finally {
      this.pending--
    }
    segment.stored++
    this.storedTotal++
    // Only stored records push others out: one whose line fails must not have cost another its place.
    const over = this.kept.length - this.pending - this.options.keep
    const dropped = over > 0 ? this.kept.splice(0, over) : []
    this.removeOldSegments()
    return dropped
  }

  private segmentToAppendTo(): Segment {
    const last = this.segments[this.segments.length - 1]
    if (last && last.appended < this.options.perSegment) {
      // Opening it cuts off a torn last line, if a crash left one since it was read.
      this.journal ??= new Journal(path.join(this.options.dir, segmentName(last.n)))
      return last
    }
    if (last && this.journal) last.closing = this.journal.close()
    const next: Segment = { n: this.nextN++, appended: 0, stored: 0 }
    this.segments.push(next)
    this.journal = new Journal(path.join(this.options.dir, segmentName(next.n)))
    return next
  }

  /** Remove the oldest files while the newer ones hold at least `keep` stored records. */
  private removeOldSegments(): void {
    while (this.segments.length > 1 && this.storedTotal - this.segments[0]!.stored >= this.options.keep) {
      const segment = this.segments.shift()!
      this.storedTotal -= segment.stored
      const file = path.join(this.options.dir, segmentName(segment.n))
      this.removals = this.removals.then(async () => {
        await segment.closing
        // A file left behind is removed by the next start, which finds its records all older than the kept ones.
        await fs.rm(file, { force: true }).catch(() => undefined)
      })
    }
  }

  /** Let the lines being written land, then close the files; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.appending])
    await Promise.all([this.journal?.close(), ...this.segments.map((segment) => segment.closing)])
    await this.removals
  }
}
