// An append-only, durable log with group commit. Owns: making lines durable and telling each caller
// when its line is on disk. Never: interprets lines (the history store does).
//
// Why it is built this way:
// - Concurrent appends share one write, so a burst of 50 requests costs one disk flush, not 50.
// - In `disk` mode each batch is written and fdatasync'd before anyone hears it is stored; in `os`
//   mode the write alone counts (it survives a crash of the process) and a flush follows shortly.
// - Optionally the file is filled with zeros before use, and lines are written into that space at
//   known offsets. Such a write changes neither the file's size nor its block map, so the file
//   system has no metadata to commit: the flush is data only, about half the cost of an append.
// - Up to MAX_IN_FLIGHT batches wait for their flush at once (under load, waiting for a thread-pool
//   slot costs more than the device). Each lands whole at its own offset; readers skip the zeros of
//   a gap and order records by id, not by position.
// - Optionally, a mark line says when a batch was durable: `{"durable": [from, to, at]}`, its bytes
//   and the time, written (not flushed) once the batch is durable and before anyone hears so: one
//   small write per batch, none per line, into the space written ahead like any line. A reader after
//   a crash learns from it when each line's caller was told it was stored (see readJournal).
import fs from 'node:fs'
import path from 'node:path'
import { syncDir } from './fs-util'

const MAX_IN_FLIGHT = 2
const { O_WRONLY, O_APPEND, O_CREAT, O_TRUNC } = fs.constants
const ZERO_CHUNK = 1024 * 1024

interface Pending {
  data: Buffer
  lazy: boolean
  resolve: () => void
  reject: (error: Error) => void
}

function writeAt(fd: number, data: Buffer, position: number | null): Promise<void> {
  return new Promise((resolve, reject) => fs.write(fd, data, 0, data.length, position, (error) => (error ? reject(error) : resolve())))
}

/** A write that failed after `written` of its bytes reached the file (a disk that filled up mid-write). */
class PartialWrite extends Error {
  constructor(
    readonly error: NodeJS.ErrnoException,
    readonly written: number,
  ) {
    super(error.message)
  }
}

function writeAllSync(fd: number, data: Buffer, position: number | null): void {
  let done = 0
  try {
    while (done < data.length) {
      done += fs.writeSync(fd, data, done, data.length - done, position === null ? null : position + done)
    }
  } catch (error) {
    throw new PartialWrite(error as NodeJS.ErrnoException, done)
  }
}

/**
 * The journal's file was deleted while it was open (its data folder deleted, or the file itself): a
 * write still lands, in a file no one can reach any more, so nothing written to it is stored. A file
 * deleted cannot come back under that descriptor: the journal refuses every line from then on, and
 * only a start (which opens the folder as it then is) stores again. A file moved (its folder put in
 * the trash) is still the same file, written and flushed as before: not this.
 */
export class JournalDeleted extends Error {
  readonly code = 'ENOENT'
  readonly syscall = 'fstat'
  constructor(readonly file: string) {
    super(`ENOENT: the file ${file} was deleted while Hookscope wrote to it`)
    this.name = 'JournalDeleted'
  }
}

/** The file is full or the user's quota is: what was written ahead so far can still be used. */
function outOfSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOSPC' || code === 'EDQUOT'
}

/**
 * A batch's bytes as one buffer. Lines added one after another to the history's line buffer lie side
 * by side in memory: such a run is a view of that memory, not a copy.
 */
function joined(batch: Pending[]): Buffer {
  const first = batch[0]!.data
  let end = first.byteOffset + first.length
  for (let i = 1; i < batch.length; i++) {
    const next = batch[i]!.data
    if (next.buffer !== first.buffer || next.byteOffset !== end) return Buffer.concat(batch.map((item) => item.data))
    end += next.length
  }
  return batch.length === 1 ? first : Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset)
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
}

function openFile(file: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, flags, 0o600, (error, fd) => (error ? reject(error) : resolve(fd))))
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()))
}

/**
 * Create `file` filled with up to `bytes` zeros, durably, and say how many it holds. On a disk
 * without room for all of them, the zeros that fit are kept: lines go there first, and past them the
 * file grows as they come, while there is room (a full disk refuses the captures, not the journal).
 */
async function zeroFill(file: string, bytes: number): Promise<number> {
  const fd = await openFile(file, O_WRONLY | O_CREAT | O_TRUNC)
  try {
    const zeros = Buffer.alloc(Math.min(ZERO_CHUNK, bytes))
    try {
      for (let done = 0; done < bytes; done += zeros.length) await writeAt(fd, zeros.subarray(0, Math.min(zeros.length, bytes - done)), done)
    } catch (error) {
      if (!outOfSpace(error)) throw error
      const filled = (await fs.promises.stat(file)).size
      await datasync(fd)
      return filled
    }
    await datasync(fd)
    return bytes
  } finally {
    await closeFd(fd)
  }
}

/**
 * A crash mid-append can leave a last line without its newline. Appending after it would glue the
 * next line onto that fragment and lose both, so the fragment (unreadable anyway) is cut off first.
 */
async function cutTornTail(file: string, fd: number): Promise<void> {
  const size = (await fs.promises.stat(file)).size
  if (size === 0) return
  const handle = await fs.promises.open(file, 'r')
  try {
    const chunk = Buffer.alloc(Math.min(64 * 1024, size))
    let end = size
    while (end > 0) {
      const start = Math.max(0, end - chunk.length)
      const { bytesRead } = await handle.read(chunk, 0, end - start, start)
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a)
      if (newline >= 0) {
        const keep = start + newline + 1
        if (keep === size) return
        return await truncate(fd, keep)
      }
      end = start
    }
    await truncate(fd, 0)
  } finally {
    await handle.close()
  }
}

function truncate(fd: number, length: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, length, (error) => (error ? reject(error) : datasync(fd).then(resolve, reject))))
}

export type SyncMode = 'disk' | 'os'

export interface JournalOptions {
  /** Fill a new file with this many zero bytes first (0: plain appends). */
  preallocate?: number
  /**
   * disk: an append resolves once its bytes are on stable storage (survives power loss).
   * os: an append resolves once the operating system has its bytes (survives a crash of the process;
   *     a flush to stable storage follows within BACKGROUND_FLUSH_MS).
   */
  sync?: () => SyncMode
  /** With a file filled ahead (positions are then file offsets): mark durable batches with this clock's time. */
  markDurable?: () => number
}

/** In `os` mode, bytes reach stable storage at most this long after they were acknowledged. */
export const BACKGROUND_FLUSH_MS = 100

export class Journal {
  /** Opening the file; one that failed (a full disk, a folder gone) is tried again by the next batch. */
  private fd: Promise<number>
  private openFailed = false
  /** Its file was deleted while open: every line is refused (see JournalDeleted). */
  private deleted: JournalDeleted | null = null
  /** Bytes of zeros to write ahead, and how many were (positioned journals): past them, a write grows the file. */
  private readonly preallocate: number
  private allocated = 0
  /** The descriptor once open: a batch then starts without waiting a turn for the promise. */
  private openFd: number | null = null
  private queue: Pending[] = []
  private inFlight = 0
  private scheduled = false
  private closed = false
  private closing: Promise<void> | null = null
  /** Lines appended so far, and the index of the first line still waiting in `queue`. */
  private appended = 0
  private queueStart = 0
  /** The index of the first line of each batch being written. */
  private readonly flushing = new Set<number>()
  private drainWaiters: Array<{ upTo: number; resolve: () => void }> = []
  private readonly positioned: boolean
  private readonly syncMode: () => SyncMode
  private readonly markClock: (() => number) | null
  private marking = true
  private offset = 0
  private dirty = false
  private flushTimer: NodeJS.Timeout | null = null
  /** Bytes appended so far (including the ones still in flight). */
  bytes = 0

  /** Bytes handed to the file so far, from its start: where the space written ahead begins. */
  get written(): number {
    return this.offset
  }

  constructor(
    readonly file: string,
    options: JournalOptions = {},
  ) {
    const preallocate = options.preallocate ?? 0
    this.positioned = preallocate > 0
    this.syncMode = options.sync ?? (() => 'disk')
    this.markClock = this.positioned ? (options.markDurable ?? null) : null
    this.preallocate = preallocate
    this.fd = this.open()
  }

  private open(): Promise<number> {
    const { file, preallocate } = this
    const opening = (async () => {
      if (preallocate > 0) {
        this.allocated = await zeroFill(file, preallocate)
        const fd = await openFile(file, O_WRONLY)
        await syncDir(path.dirname(file))
        return fd
      }
      const fd = await openFile(file, O_WRONLY | O_APPEND | O_CREAT)
      try {
        await cutTornTail(file, fd)
      } catch (error) {
        await closeFd(fd)
        throw error
      }
      // The file may be new: make its directory entry durable once, before any line counts as stored.
      await syncDir(path.dirname(file))
      return fd
    })()
    this.openFailed = false
    // Keep an open failure from being an unhandled rejection; append() reports it to callers.
    opening.then(
      (fd) => (this.openFd = fd),
      () => (this.openFailed = true),
    )
    return opening
  }

  /** The descriptor; a batch after a failed open tries again, so the journal recovers once it can. */
  private descriptor(): Promise<number> {
    if (this.openFailed && !this.closed) this.fd = this.open()
    return this.fd
  }

  /**
   * Resolves once the line is durable as the sync mode asks. A `lazy` line is a record nobody waits
   * on (a forward attempt): written to the operating system now, on stable storage within
   * BACKGROUND_FLUSH_MS, without a flush of its own. A line given as bytes ends with its newline.
   */
  append(line: string | Buffer, lazy = false): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'))
    const data = typeof line === 'string' ? Buffer.from(`${line}\n`) : line
    this.bytes += data.length
    this.appended++
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ data, lazy, resolve, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return
    this.scheduled = true
    // Let the other requests of this event-loop turn join the same write.
    setImmediate(() => {
      this.scheduled = false
      void this.flushOne()
    })
  }

  private async flushOne(): Promise<void> {
    if (this.queue.length === 0) return this.checkDrained()
    const batch = this.queue
    this.queue = []
    const start = this.queueStart
    this.queueStart += batch.length
    this.flushing.add(start)
    this.inFlight++
    try {
      const data = joined(batch)
      // Reserve the space now, so batches in flight together never overlap.
      const position = this.positioned ? this.offset : null
      this.offset += data.length
      if (this.deleted) throw this.deleted
      let fd = this.openFd
      if (fd === null) {
        try {
          fd = await this.descriptor()
        } catch (error) {
          // Not written: the next batch takes its place.
          if (position !== null && this.offset === position + data.length) this.offset = position
          throw error
        }
      }
      // The write itself only copies into the OS page cache (microseconds for a batch), so it runs here
      // rather than on a thread-pool trip that costs more than it saves; the flush goes to the pool.
      try {
        writeAllSync(fd, data, position)
      } catch (error) {
        this.unwrite(fd, error as PartialWrite, position, data.length)
        throw (error as PartialWrite).error
      }
      const awaited = batch.some((item) => !item.lazy)
      if (this.syncMode() === 'disk' && awaited) await datasync(fd)
      else this.flushSoon(fd)
      // Only a line someone waits on is checked (one fstat per batch): a line written into a file
      // deleted meanwhile was never stored, so its sender must not hear it was.
      if (awaited && fs.fstatSync(fd).nlink === 0) {
        this.deleted ??= new JournalDeleted(this.file)
        throw this.deleted
      }
      if (awaited && this.markClock && this.marking && position !== null) this.markDurable(fd, position, position + data.length, this.markClock())
      for (const item of batch) item.resolve()
    } catch (error) {
      for (const item of batch) item.reject(error as Error)
    } finally {
      this.inFlight--
      this.flushing.delete(start)
      this.schedule()
      this.checkDrained()
    }
  }

  /**
   * A batch that failed part way (the disk filled up) must not leave its fragment: the next batch
   * would land after it, and a reader would take the fragment and that next line for one damaged
   * line, losing a capture whose sender was told it was stored. The bytes written are zeroed in
   * place (no new space needed), which readers skip, and the file is cut back to where it ended, so
   * the next batch takes this one's place.
   */
  private unwrite(fd: number, failure: PartialWrite, position: number | null, length: number): void {
    const last = position === null || this.offset === position + length
    try {
      if (position === null) {
        // Appended: the file ended where this batch began.
        if (failure.written > 0) fs.ftruncateSync(fd, fs.fstatSync(fd).size - failure.written)
      } else {
        if (failure.written > 0) writeAllSync(fd, Buffer.alloc(failure.written), position)
        // Nothing was reserved after it: give its place to the next batch.
        if (last && position + failure.written > this.allocated) fs.ftruncateSync(fd, Math.max(this.allocated, position))
      }
      if (last) this.offset -= length
    } catch {
      // The file refuses even this: the zeros or cut that failed leave a line readers report as damaged.
    }
  }

  /**
   * Say that bytes [from, to) were durable at `at`, before their callers hear it. Written to the
   * operating system only: that survives a crash of the process, and reaches the disk with the next
   * batch's flush (or at close); a mark lost to a power cut only leaves those times unknown.
   */
  private markDurable(fd: number, from: number, to: number, at: number): void {
    const mark = Buffer.from(`{"durable":[${from},${to},${at}]}\n`)
    const position = this.offset
    this.offset += mark.length
    this.bytes += mark.length
    try {
      writeAllSync(fd, mark, position)
      this.dirty = true
    } catch {
      // The batch itself is stored; only when it was is not recorded.
    }
  }

  /** No more marks (the line about to be appended closes the file: it stays the last line). */
  endMarks(): void {
    this.marking = false
  }

  /** `os` mode: get acknowledged bytes to stable storage shortly, without holding anyone up. */
  private flushSoon(fd: number): void {
    this.dirty = true
    if (this.flushTimer) return
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null
      if (!this.dirty) return
      this.dirty = false
      datasync(fd).catch(() => undefined)
    }, BACKGROUND_FLUSH_MS)
  }

  /** Every line appended before this index is settled (durable, or failed). Batches in flight may
   * finish out of order, so it is the lowest first line of what is still pending. */
  private settledBelow(): number {
    let low = this.queue.length > 0 ? this.queueStart : this.appended
    for (const start of this.flushing) low = Math.min(low, start)
    return low
  }

  private checkDrained(): void {
    if (this.drainWaiters.length === 0) return
    const low = this.settledBelow()
    const waiting: typeof this.drainWaiters = []
    for (const waiter of this.drainWaiters) {
      if (waiter.upTo <= low) waiter.resolve()
      else waiting.push(waiter)
    }
    this.drainWaiters = waiting
  }

  /**
   * Wait for everything appended so far to settle. Lines appended later do not hold it up: under
   * nonstop traffic the journal is never idle, and whoever drains (sealing, closing) must still get on.
   */
  drain(): Promise<void> {
    const upTo = this.appended
    if (this.settledBelow() >= upTo) return Promise.resolve()
    return new Promise((resolve) => this.drainWaiters.push({ upTo, resolve }))
  }

  /**
   * Whether the file was deleted while open (see JournalDeleted), asked without writing a line: a
   * capture that failed before its line was written (its body's file could not be made) is told so too.
   */
  wasDeleted(): JournalDeleted | null {
    if (this.deleted || this.openFd === null || this.closed) return this.deleted
    try {
      if (fs.fstatSync(this.openFd).nlink === 0) this.deleted = new JournalDeleted(this.file)
    } catch {
      // Not known: the next line's write says.
    }
    return this.deleted
  }

  close(): Promise<void> {
    // Once only: closing a descriptor number twice could close a file opened since under that number.
    this.closing ??= this.closeOnce()
    return this.closing
  }

  private async closeOnce(): Promise<void> {
    // Refuse new lines first: a line accepted while the last ones are flushed would find the file closed.
    this.closed = true
    await this.drain()
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = null
    try {
      const fd = await this.fd
      if (this.dirty) await datasync(fd)
      await closeFd(fd)
    } catch {
      // It never opened: nothing to close.
    }
  }
}

/** A mark line's [from, to, at] (see JournalOptions.markDurable), or null for any other line. */
export function markOf(line: unknown): [number, number, number] | null {
  if (!line || typeof line !== 'object' || !('durable' in line) || 'id' in line) return null
  const mark = (line as { durable: unknown }).durable
  if (!Array.isArray(mark) || mark.length !== 3 || !mark.every((n) => typeof n === 'number' && Number.isFinite(n))) return null
  return mark as [number, number, number]
}

/**
 * Parse a journal's bytes as parseJournal does, and with its marks: `durableAt[i]` is when `lines[i]`
 * was reported durable, as the marking clock said, or null where no mark says (a journal without
 * marks, or a crash before its batch's mark was written).
 */
export function readJournal(bytes: Buffer): { lines: unknown[]; durableAt: Array<number | null>; damaged: number } {
  const lines: unknown[] = []
  const starts: number[] = []
  const marks: Array<[number, number, number]> = []
  let damaged = 0
  for (let from = 0; from < bytes.length; ) {
    const newline = bytes.indexOf(0x0a, from)
    const end = newline < 0 ? bytes.length : newline
    // Zeros are space written ahead and not used yet, or a gap left by a batch that never landed.
    let start = from
    let stop = end
    while (start < stop && bytes[start] === 0) start++
    while (stop > start && bytes[stop - 1] === 0) stop--
    from = end + 1
    if (start === stop) continue
    let line: unknown
    try {
      line = JSON.parse(bytes.toString('utf8', start, stop))
    } catch {
      // Only the last line can be torn by a crash; anything else is real damage worth reporting.
      if (newline >= 0) damaged++
      continue
    }
    const mark = markOf(line)
    if (mark) marks.push(mark)
    else {
      lines.push(line)
      starts.push(start)
    }
  }
  marks.sort((a, b) => a[0] - b[0])
  const durableAt = starts.map((start) => {
    let lo = 0
    let hi = marks.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const [from, to, at] = marks[mid]!
      if (start < from) hi = mid - 1
      else if (start >= to) lo = mid + 1
      else return at
    }
    return null
  })
  return { lines, durableAt, damaged }
}

/** Parse a journal, tolerating a torn last line (a crash mid-append) and zeros (unused or gaps). */
export function parseJournal(text: string): { lines: unknown[]; damaged: number } {
  const lines: unknown[] = []
  let damaged = 0
  const parts = text.split('\n')
  for (let i = 0; i < parts.length; i++) {
    // Zeros are space written ahead and not used yet, or a gap left by a batch that never landed.
    const part = parts[i]!.replace(/^\0+/, '').replace(/\0+$/, '')
    if (part.length === 0) continue
    try {
      const line = JSON.parse(part) as unknown
      if (!markOf(line)) lines.push(line)
    } catch {
      // Only the last line can be torn by a crash; anything else is real damage worth reporting.
      if (i !== parts.length - 1) damaged++
    }
  }
  return { lines, damaged }
}
