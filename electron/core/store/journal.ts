// An append-only, durable log with group commit. Owns: making lines durable and telling each caller
// when its line is on disk. Never: interprets lines (the history store does).
//
// Why it is built this way:
// - Concurrent appends share one write, so a burst of 50 requests costs one disk flush, not 50.
// - The file is opened with O_DSYNC: each write returns only once its bytes are on stable storage,
//   which is one trip to the thread pool instead of two (write, then fdatasync).
// - Up to MAX_IN_FLIGHT batches are written at once. Under load the time a flush waits for a
//   thread-pool slot dominates the device's own latency; overlapping two batches hides it. With
//   O_APPEND each write lands whole at its own offset; readers order records by id, not position.
import fs from 'node:fs'
import path from 'node:path'
import { syncDir } from './fs-util'

const MAX_IN_FLIGHT = 2
const { O_WRONLY, O_APPEND, O_CREAT } = fs.constants
// O_DSYNC is missing on Windows; there each write is followed by an explicit fdatasync instead.
const O_DSYNC = fs.constants.O_DSYNC ?? 0

interface Pending {
  text: string
  resolve: () => void
  reject: (error: Error) => void
}

function write(fd: number, data: string): Promise<void> {
  return new Promise((resolve, reject) => fs.write(fd, data, null, 'utf8', (error) => (error ? reject(error) : resolve())))
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
}

export class Journal {
  private readonly fd: Promise<number>
  private queue: Pending[] = []
  private inFlight = 0
  private scheduled = false
  private closed = false
  private idleWaiters: Array<() => void> = []
  /** Bytes appended so far (including the ones still in flight). */
  bytes = 0

  constructor(readonly file: string) {
    this.fd = new Promise<number>((resolve, reject) => {
      fs.open(file, O_WRONLY | O_APPEND | O_CREAT | O_DSYNC, 0o600, (error, fd) => (error ? reject(error) : resolve(fd)))
    }).then(async (fd) => {
      // The file may be new: make its directory entry durable once, before any line counts as stored.
      await syncDir(path.dirname(file))
      return fd
    })
    // Keep an open failure from being an unhandled rejection; append() reports it to callers.
    this.fd.catch(() => undefined)
  }

  /** Resolves once the line is on disk. */
  append(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('journal is closed'))
    this.bytes += line.length + 1
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ text: line + '\n', resolve, reject })
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
    if (this.queue.length === 0) return this.checkIdle()
    const batch = this.queue
    this.queue = []
    this.inFlight++
    try {
      const fd = await this.fd
      const text = batch.length === 1 ? batch[0]!.text : batch.map((item) => item.text).join('')
      await write(fd, text)
      if (O_DSYNC === 0) await datasync(fd)
      for (const item of batch) item.resolve()
    } catch (error) {
      for (const item of batch) item.reject(error as Error)
    } finally {
      this.inFlight--
      this.schedule()
      this.checkIdle()
    }
  }

  private checkIdle(): void {
    if (this.inFlight > 0 || this.queue.length > 0 || this.scheduled) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  /** Wait for everything appended so far to be durable. */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0 && !this.scheduled) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  async close(): Promise<void> {
    await this.drain()
    this.closed = true
    try {
      const fd = await this.fd
      await new Promise<void>((resolve) => fs.close(fd, () => resolve()))
    } catch {
      // It never opened: nothing to close.
    }
  }
}

/** Parse a journal, tolerating a torn last line (a crash mid-append). */
export function parseJournal(text: string): { lines: unknown[]; damaged: number } {
  const lines: unknown[] = []
  let damaged = 0
  const parts = text.split('\n')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (part.length === 0) continue
    try {
      lines.push(JSON.parse(part))
    } catch {
      // Only the last line can be torn by a crash; anything else is real damage worth reporting.
      if (i !== parts.length - 1) damaged++
    }
  }
  return { lines, damaged }
}
