// The search text of a history segment's captures. Owns: keeping each capture's lower-cased text as
// UTF-8 in chunks of bytes outside the JS heap, and finding the captures whose text holds a needle.
// Never: decides what a capture's text is (history.ts builds it).
//
// Why chunks and not a string per capture: a hundred thousand strings cost the garbage collector a
// copy each as they are promoted, and a search then calls `includes` a hundred thousand times. Here a
// search is one byte search per chunk (a few per segment) that skips from a hit to the next capture.

/** Chunks start small (a segment may hold ten captures) and double up to a megabyte. */
const FIRST_CHUNK_BYTES = 64 * 1024
const CHUNK_BYTES = 1024 * 1024

interface Chunk<T> {
  bytes: Buffer
  used: number
  starts: number[]
  ends: number[]
  owners: T[]
}

export class SearchText<T> {
  private readonly chunks: Chunk<T>[] = []

  /**
   * A capture's text, given in pieces that are stored one after the other. The same owner may be
   * added again (text that became known later): that text is a slot of its own, searched alike.
   */
  add(owner: T, text: string, more = ''): void {
    // At most three bytes of UTF-8 per UTF-16 unit.
    const most = (text.length + more.length) * 3
    let chunk = this.chunks[this.chunks.length - 1]
    if (!chunk || chunk.used + most > chunk.bytes.length) {
      const size = chunk ? Math.min(CHUNK_BYTES, chunk.bytes.length * 2) : FIRST_CHUNK_BYTES
      chunk = { bytes: Buffer.allocUnsafe(Math.max(size, most)), used: 0, starts: [], ends: [], owners: [] }
      this.chunks.push(chunk)
    }
    const start = chunk.used
    chunk.used += chunk.bytes.write(text, start, 'utf8')
    if (more.length > 0) chunk.used += chunk.bytes.write(more, chunk.used, 'utf8')
    chunk.starts.push(start)
    chunk.ends.push(chunk.used)
    chunk.owners.push(owner)
  }

  /** Bytes of text held. */
  get bytes(): number {
    let used = 0
    for (const chunk of this.chunks) used += chunk.used
    return used
  }

  /**
   * Calls `hit` for each owner whose text holds `needle` (not empty): once for each of its slots that
   * holds it, so an owner added twice may be reported twice. A needle never matches across slots.
   */
  find(needle: Buffer, hit: (owner: T) => void): void {
    for (const chunk of this.chunks) {
      const { starts, ends, owners } = chunk
      const bytes = chunk.bytes.subarray(0, chunk.used)
      let at = bytes.indexOf(needle, 0)
      while (at >= 0) {
        const slot = slotAt(starts, at)
        if (at + needle.length <= ends[slot]!) {
          hit(owners[slot]!)
          // The next capture's text is where the next hit can be.
          at = slot + 1 < starts.length ? bytes.indexOf(needle, starts[slot + 1]!) : -1
        } else {
          // Found across the end of one capture's text and the start of the next: not a hit.
          at = bytes.indexOf(needle, at + 1)
        }
      }
    }
  }
}

/** The last slot starting at or before `position`. */
function slotAt(starts: number[], position: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= position) lo = mid
    else hi = mid - 1
  }
  return lo
}
