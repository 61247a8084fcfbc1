// Content-addressed body storage. Owns: spooling a body as it streams in (memory for small bodies,
// a temp file with backpressure for large ones), hashing it, and keeping each distinct body once as
// `blobs/<aa>/<sha256>`. Never: decodes, inflates or otherwise interprets a body.
import crypto, { createHash, randomBytes, type Hash } from 'node:crypto'
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs'
import path from 'node:path'
import { isErrno, syncDir } from './fs-util'

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/** One-shot hashing (Node 20.12+) costs half of a Hash object for a small body; older Node falls back. */
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'hex') => string }).hash
function sha256Of(bytes: Buffer): string {
  return oneShot ? oneShot('sha256', bytes, 'hex') : createHash('sha256').update(bytes).digest('hex')
}

export interface SpooledBody {
  size: number
  sha256: string
  /** Present when the body stayed in memory. */
  inline: Buffer | null
  /** True when the body was written to the blob store. */
  blob: boolean
}

export class BlobStore {
  readonly tmpDir: string
  /** Who uses each blob (captures, forward attempts, replays). A blob nobody uses is deleted. */
  private readonly refs = new Map<string, number>()
  /**
   * Blobs stored for a body whose user has not taken it yet (a capture between its body being stored
   * and its record being committed). Retention may release the last other use meanwhile; the file
   * must stay. The user's `retain` takes the blob over.
   */
  private readonly adopting = new Map<string, number>()
  /** Files being removed: storing the same content again waits for the removal, then writes it anew. */
  private readonly removing = new Map<string, Promise<void>>()

  constructor(
    readonly dir: string,
    /** Bodies up to this size stay in the capture record; larger ones go to a blob file. */
    readonly inlineLimit: number,
  ) {
    this.tmpDir = path.join(dir, 'tmp')
  }

  async init(): Promise<void> {
    // A spool left by a crash belongs to a request that was never acknowledged: drop it.
    await fs.rm(this.tmpDir, { recursive: true, force: true })
    await fs.mkdir(this.tmpDir, { recursive: true })
  }

  pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256)
  }

  createSpool(): BodySpool {
    return new BodySpool(this)
  }

  /** Store bytes we already hold (replays, imports). */
  async put(bytes: Buffer): Promise<SpooledBody> {
    const spool = this.createSpool()
    spool.forceBlob = true
    spool.write(bytes)
    return spool.finish()
  }

  async read(sha256: string, offset = 0, length = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
    const handle = await fs.open(this.pathOf(sha256), 'r')
    try {
      const { size } = await handle.stat()
      const start = Math.min(offset, size)
      const count = Math.min(length, size - start)
      const buffer = Buffer.alloc(count)
      let done = 0
      while (done < count) {
        const { bytesRead } = await handle.read(buffer, done, count - done, start + done)
        if (bytesRead === 0) break
        done += bytesRead
      }
      return buffer.subarray(0, done)
    } finally {
      await handle.close()
    }
  }

  async remove(sha256: string): Promise<void> {
    await fs.rm(this.pathOf(sha256), { force: true })
  }

  retain(sha256: string): void {
    this.refs.set(sha256, (this.refs.get(sha256) ?? 0) + 1)
    const adopting = this.adopting.get(sha256)
    if (adopting === undefined) return
    if (adopting > 1) this.adopting.set(sha256, adopting - 1)
    else this.adopting.delete(sha256)
  }

  /** Drop one use; returns the blobs that became unused (their files are removed by `collect`). */
  release(sha256: string): boolean {
    const left = (this.refs.get(sha256) ?? 1) - 1
    if (left > 0) {
      this.refs.set(sha256, left)
      return false
    }
    this.refs.delete(sha256)
    return true
  }

  /** Remove the files of blobs released to zero, unless something took them again or is storing them. */
  async collect(candidates: string[]): Promise<void> {
    await Promise.all(
      candidates
        .filter((sha) => !this.refs.has(sha) && !this.adopting.has(sha))
        .map((sha) => {
          const removal = this.remove(sha).finally(() => {
            if (this.removing.get(sha) === removal) this.removing.delete(sha)
          })
          this.removing.set(sha, removal)
          return removal
        }),
    )
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(sha256))
      return true
    } catch {
      return false
    }
  }

  /**
   * Move a finished, fsync'd temp file to its content address. The blob is held (see `adopting`)
   * until its user retains it.
   */
  async adopt(tempFile: string, sha256: string): Promise<void> {
    this.adopting.set(sha256, (this.adopting.get(sha256) ?? 0) + 1)
    const target = this.pathOf(sha256)
    await this.removing.get(sha256)
    await fs.mkdir(path.dirname(target), { recursive: true })
    try {
      // Same content already stored: keep the existing file.
      await fs.access(target)
      await fs.rm(tempFile, { force: true })
      return
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error
    }
    await fs.rename(tempFile, target)
    await syncDir(path.dirname(target))
  }
}

/**
 * One body on its way in. `write` returns false when the caller should pause the source until
 * `onDrain` fires: that is what keeps a 1 GB upload from costing 1 GB of memory.
 */
export class BodySpool {
  /** Created when the body leaves memory; a body kept in memory is hashed once, at the end. */
  private hash: Hash | null = null
  private chunks: Buffer[] = []
  private size = 0
  private file: WriteStream | null = null
  private tempFile: string | null = null
  private failure: Error | null = null
  private headChunks: Buffer[] = []
  private headSize = 0
  forceBlob = false

  constructor(private readonly store: BlobStore) {}

  get bytes(): number {
    return this.size
  }

  /** The first bytes of the body (up to `headLimit`), kept for text search whatever the storage. */
  head(): Buffer {
    if (!this.file) return Buffer.concat(this.chunks, Math.min(this.size, this.headLimit))
    return Buffer.concat(this.headChunks, this.headSize)
  }

  headLimit = 64 * 1024

  write(chunk: Buffer): boolean {
    this.hash?.update(chunk)
    this.size += chunk.length
    if (!this.file) {
      // In memory the chunks are the head; once spilled, the head is kept on the side.
      this.chunks.push(chunk)
      if (this.size <= this.store.inlineLimit && !this.forceBlob) return true
      this.spill()
      return true
    }
    // The file failed (a full disk): the body cannot be kept, and the request is answered so once it
    // ends. Its bytes are dropped meanwhile, rather than queued on a stream that will never drain.
    if (this.failure) return true
    this.keepHead(chunk)
    return this.file.write(chunk)
  }

  private keepHead(chunk: Buffer): void {
    if (this.headSize >= this.headLimit) return
    const part = chunk.subarray(0, this.headLimit - this.headSize)
    this.headChunks.push(part)
    this.headSize += part.length
  }

  onDrain(callback: () => void): void {
    if (this.file && !this.failure) this.drainWaiters.push(callback)
    else queueMicrotask(callback)
  }

  /** Waiting for the file to catch up: told when it does, or when it fails and never will. */
  private drainWaiters: Array<() => void> = []

  private drained(): void {
    const waiters = this.drainWaiters
    this.drainWaiters = []
    for (const wake of waiters) wake()
  }

  private spill(): void {
    this.tempFile = path.join(this.store.tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}`)
    this.file = createWriteStream(this.tempFile, { flags: 'w', mode: 0o600, highWaterMark: 1024 * 1024, flush: true })
    this.file.on('error', (error) => {
      this.failure = error
      this.drained()
    })
    this.file.on('drain', () => this.drained())
    this.hash = createHash('sha256')
    for (const chunk of this.chunks) {
      this.hash.update(chunk)
      this.keepHead(chunk)
      this.file.write(chunk)
    }
    this.chunks = []
  }

  /** The body, if it stayed in memory (no waiting needed); null once it went to a file. */
  finishInMemory(): SpooledBody | null {
    if (this.file) return null
    const inline = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size)
    return { size: this.size, sha256: this.size === 0 ? EMPTY_SHA256 : sha256Of(inline), inline, blob: false }
  }

  async finish(): Promise<SpooledBody> {
    const inMemory = this.finishInMemory()
    if (inMemory) return inMemory
    const file = this.file!
    const sha256 = this.hash!.digest('hex')
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure)
      file.once('error', reject)
      // With `flush: true` the stream fsyncs before closing, so 'close' means durable.
      file.end(() => undefined)
      file.once('close', resolve)
    })
    if (this.failure) throw this.failure
    await this.store.adopt(this.tempFile!, sha256)
    return { size: this.size, sha256, inline: null, blob: true }
  }

  async discard(): Promise<void> {
    if (this.file && this.tempFile) {
      const file = this.file
      await new Promise<void>((resolve) => {
        if (file.closed) return resolve()
        file.once('close', () => resolve())
        file.destroy()
      })
      await fs.rm(this.tempFile, { force: true })
    }
    this.chunks = []
  }
}
