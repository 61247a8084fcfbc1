// Reading a large HAR file without holding up the event loop: captures keep being answered while
// a file of hundreds of megabytes is imported. Owns: decoding and parsing the file on a worker
// thread, which hands back its entries in batches as JSON text; each entry is then parsed and
// converted here, a slice of entries at a time between turns of the event loop, with progress.
// Never: stores anything (the caller does, once every entry has been read).
import { Worker } from 'node:worker_threads'
import { fromHarEntry, harEntries, type Exchange } from '../../../shared/formats'
import { HookscopeError } from '../../../shared/errors'

/** Plain JavaScript (run with `eval`), so the same code runs from the sources in tests and from the build. */
const WORKER_SOURCE = `(() => {
const { parentPort, workerData } = require('node:worker_threads')
let doc
try {
  // Read as UTF-8, as a browser reads a picked file; a byte order mark is not part of the text.
  const decoder = new TextDecoder()
  let text = ''
  for (const chunk of workerData.chunks) text += decoder.decode(new Uint8Array(chunk), { stream: true })
  text += decoder.decode()
  doc = JSON.parse(text.replace(/^\\uFEFF/, ''))
  text = ''
} catch (error) {
  parentPort.postMessage({ type: 'error', deep: error instanceof RangeError, message: error instanceof Error ? error.message : String(error) })
  return
}
const entries = doc && typeof doc === 'object' && doc.log && typeof doc.log === 'object' && Array.isArray(doc.log.entries) ? doc.log.entries : null
// The file around its entries is checked by the importer; its entries follow in batches.
parentPort.postMessage({ type: 'head', head: JSON.stringify(entries ? { ...doc, log: { ...doc.log, entries: [] } } : doc), count: entries ? entries.length : 0 })
if (!entries) return
let batch = []
let size = 0
for (const entry of entries) {
  const text = JSON.stringify(entry)
  batch.push(text)
  size += text.length
  if (size >= 1 << 20 || batch.length >= 100) {
    parentPort.postMessage({ type: 'entries', entries: batch })
    batch = []
    size = 0
  }
}
parentPort.postMessage({ type: 'entries', entries: batch })
parentPort.postMessage({ type: 'end' })
})()
`

type WorkerMessage =
  | { type: 'error'; deep: boolean; message: string }
  | { type: 'head'; head: string; count: number }
  | { type: 'entries'; entries: string[] }
  | { type: 'end' }

export interface ReadHarOptions {
  /** Entries read so far, of how many; called as slices finish. */
  onProgress?: (done: number, total: number) => void
  /** Checked between slices: true stops the reading with `cancelled()`'s error. */
  cancelled?: () => boolean
}

/** How long one slice of conversion may hold the event loop. */
const SLICE_MS = 8

export function cancelledImport(): HookscopeError {
  return new HookscopeError('INVALID_INPUT', 'The import was cancelled; nothing was imported.')
}

/**
 * A HAR file's bytes, in the slices they arrived in, as Exchanges, or the first thing wrong with it (an
 * INVALID_INPUT error). The slices' memory is handed to the reader (not copied): they are empty after.
 */
export async function readHar(slices: readonly Uint8Array[], options: ReadHarOptions = {}): Promise<Exchange[]> {
  // A slice that shares its memory with others (a view into a pool) is copied; the rest move as they are.
  const chunks = slices.map((slice) => (slice.byteOffset === 0 && slice.byteLength === slice.buffer.byteLength ? slice : slice.slice()).buffer as ArrayBuffer)
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { chunks }, transferList: chunks })
  const queue: WorkerMessage[] = []
  let wake: (() => void) | null = null
  let failure: Error | null = null
  let exited = false
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message)
    wake?.()
  })
  worker.on('error', (error) => {
    failure = error
    wake?.()
  })
  worker.on('exit', () => {
    exited = true
    wake?.()
  })
  const next = async (): Promise<WorkerMessage> => {
    for (;;) {
      const message = queue.shift()
      if (message) return message
      if (failure) throw new HookscopeError('INTERNAL', `The file could not be read: ${(failure as Error).message}`)
      if (exited) throw new HookscopeError('INTERNAL', 'The file could not be read: its reader stopped.')
      await new Promise<void>((resolve) => (wake = resolve))
      wake = null
    }
  }
  try {
    const first = await next()
    if (first.type === 'error') {
      if (first.deep) throw new HookscopeError('INVALID_INPUT', 'Not a valid HAR file: it is nested too deeply to read')
      throw new HookscopeError('INVALID_INPUT', `Not a valid HAR file: the file is not JSON (${first.message})`)
    }
    if (first.type !== 'head') throw new HookscopeError('INTERNAL', 'The file could not be read.')
    harEntries(JSON.parse(first.head))
    if (options.cancelled?.()) throw cancelledImport()
    const total = first.count
    const exchanges: Exchange[] = []
    options.onProgress?.(0, total)
    let sliceStart = performance.now()
    for (;;) {
      const message = await next()
      if (message.type === 'end') break
      if (message.type !== 'entries') continue
      for (const text of message.entries) {
        exchanges.push(fromHarEntry(JSON.parse(text), exchanges.length))
        if (performance.now() - sliceStart >= SLICE_MS) {
          options.onProgress?.(exchanges.length, total)
          await new Promise((resolve) => setImmediate(resolve))
          if (options.cancelled?.()) throw cancelledImport()
          sliceStart = performance.now()
        }
      }
    }
    options.onProgress?.(exchanges.length, total)
    return exchanges
  } finally {
    void worker.terminate()
  }
}
