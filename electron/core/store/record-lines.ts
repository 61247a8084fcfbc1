// The records of a history segment whose file is not written yet (the active segment, and any waiting
// to be sealed). Owns: each record's journal line, kept in one growing buffer outside the JS heap,
// the changes made to each record since, and reading a record back. Never: writes files.
//
// Why lines and not the record objects: a segment fills over a thousand captures. Kept as objects
// (header pairs, body text, timings), every capture's few kilobytes outlive two young-generation
// collections and are copied by both, which cost more main-thread time than the rest of the store's
// work per capture. A line is already made for the journal; keeping its bytes costs one copy, and
// reading a record back (opening it in the UI, forwarding it from the queue) one JSON.parse.
import type { CaptureRecord, RecordUpdate } from './history'

const NEWLINE = 0x0a
const INITIAL_BYTES = 64 * 1024

export class RecordLines {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES)
  private used = 0
  /** Record id → the place of its line in `starts`/`ends` (numbers: nothing more per record on the heap). */
  private readonly slots = new Map<string, number>()
  private readonly starts: number[] = []
  private readonly ends: number[] = []
  /** What changed in a record after its line was made (how and when it was answered). */
  private readonly changes = new Map<string, RecordUpdate>()

  get size(): number {
    return this.slots.size
  }

  /** Keep a record's line (its JSON); returns the line's bytes with a newline, as the journal takes them. */
  add(id: string, line: string): Buffer {
    // At most three bytes of UTF-8 per UTF-16 unit, and the newline.
    this.reserve(line.length * 3 + 1)
    const start = this.used
    const end = start + this.bytes.write(line, start, 'utf8')
    this.bytes[end] = NEWLINE
    this.used = end + 1
    const slot = this.starts.length
    this.starts.push(start)
    this.ends.push(end)
    this.slots.set(id, slot)
    return this.bytes.subarray(start, end + 1)
  }

  private reserve(more: number): void {
    if (this.used + more <= this.bytes.length) return
    // Lines handed out before keep the old buffer: they stay valid, since nothing is ever rewritten.
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + more))
    this.bytes.copy(grown, 0, 0, this.used)
    this.bytes = grown
  }

  has(id: string): boolean {
    return this.slots.has(id)
  }

  ids(): IterableIterator<string> {
    return this.slots.keys()
  }

  /** The record's line as it was journaled (without its newline). */
  line(id: string): Buffer | undefined {
    const slot = this.slots.get(id)
    return slot === undefined ? undefined : this.bytes.subarray(this.starts[slot]!, this.ends[slot]!)
  }

  /** The record as it is now: its line, read back (a new object each time), with its changes. */
  record(id: string): CaptureRecord | undefined {
    const line = this.line(id)
    if (!line) return undefined
    const record = JSON.parse(line.toString('utf8')) as CaptureRecord
    const change = this.changes.get(id)
    if (change) Object.assign(record, change)
    return record
  }

  change(id: string, update: RecordUpdate): void {
    const earlier = this.changes.get(id)
    this.changes.set(id, earlier ? { ...earlier, ...update } : update)
  }

  /** Every change made since the lines were journaled, for the segment's closing line. */
  changed(): Record<string, RecordUpdate> {
    const out: Record<string, RecordUpdate> = {}
    for (const [id, change] of this.changes) out[id] = change
    return out
  }

  delete(id: string): void {
    this.slots.delete(id)
    this.changes.delete(id)
  }

  /** The lines of the records still held, in the order they were added, each with its newline. */
  *lines(): Generator<Buffer> {
    for (const slot of this.slots.values()) yield this.bytes.subarray(this.starts[slot]!, this.ends[slot]! + 1)
  }
}
