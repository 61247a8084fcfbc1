// The forward attempts of one history segment, in memory. Owns: each attempt's journal line, kept in
// buffers outside the JS heap, and the order of each capture's attempts. Never: writes files.
//
// Why lines and not attempt objects: every proxied capture gets an attempt (the headers sent and
// received, timings, body), kept as long as the capture. As objects, each one outlived two
// young-generation collections and was copied by both, then traced by every full collection, which
// under load cost the forwarder more main-thread time than recording the attempt itself. The line is
// made for the journal anyway; keeping its bytes costs one copy, and reading an attempt back (the UI
// opening a capture) one JSON.parse.

const NEWLINE = 0x0a
/** Lines go into buffers of this size, filled one after another: a buffer is never copied to grow. */
const CHUNK_BYTES = 64 * 1024

export class AttemptLines {
  private readonly chunks: Buffer[] = []
  private current: Buffer | null = null
  private used = 0
  // Per slot, numbers only (nothing more per attempt for the collector to trace).
  private readonly chunkOf: number[] = []
  private readonly starts: number[] = []
  /** Where the line ends, before its newline. */
  private readonly ends: number[] = []
  /** The slot of the same capture's attempt before this one (-1: it is the first). */
  private readonly previous: number[] = []

  get size(): number {
    return this.starts.length
  }

  /** Keep an attempt's line (its JSON, without a newline) after the capture's attempt in slot `previous` (-1: none); returns its slot. */
  add(line: string, previous: number): number {
    // At most three bytes of UTF-8 per UTF-16 unit, and the newline.
    const most = line.length * 3 + 1
    if (this.current === null || this.used + most > this.current.length) {
      this.current = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, most))
      this.chunks.push(this.current)
      this.used = 0
    }
    const start = this.used
    const end = start + this.current.write(line, start, 'utf8')
    this.current[end] = NEWLINE
    this.used = end + 1
    const slot = this.starts.length
    this.chunkOf.push(this.chunks.length - 1)
    this.starts.push(start)
    this.ends.push(end)
    this.previous.push(previous)
    return slot
  }

  /** The line with its newline, as the journal takes it: a view, valid for good (nothing is rewritten). */
  bytes(slot: number): Buffer {
    return this.chunks[this.chunkOf[slot]!]!.subarray(this.starts[slot]!, this.ends[slot]! + 1)
  }

  /** The line as it was added. */
  line(slot: number): string {
    return this.chunks[this.chunkOf[slot]!]!.toString('utf8', this.starts[slot]!, this.ends[slot]!)
  }

  /** The slots of a capture's attempts, oldest first, given the slot of its last one. */
  chain(last: number): number[] {
    const slots: number[] = []
    for (let slot = last; slot >= 0; slot = this.previous[slot]!) slots.push(slot)
    return slots.reverse()
  }
}
