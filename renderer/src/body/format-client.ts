// Sends large bodies to the format worker and small ones straight through formatBody. Owns: the one
// worker, matching replies to requests, and falling back to plain text if the worker fails or takes
// too long (a body must never leave the viewer spinning).
import { decodeForDisplay, formatBody, type FormatKind, type FormattedBody, type TextEncodingChoice } from './body-format'

export const SYNC_FORMAT_MAX_BYTES = 64 * 1024
const WORKER_TIMEOUT_MS = 15_000

let worker: Worker | null = null
let workerBroken = false
let nextId = 1
const waiting = new Map<number, (result: FormattedBody | null) => void>()

function getWorker(): Worker | null {
  if (workerBroken || typeof Worker === 'undefined') return null
  if (worker) return worker
  try {
    worker = new Worker(new URL('./format-worker.ts', import.meta.url), { type: 'module' })
  } catch {
    workerBroken = true
    return null
  }
  worker.onmessage = (event: MessageEvent<{ id: number; ok: boolean; result?: FormattedBody }>) => {
    const done = waiting.get(event.data.id)
    waiting.delete(event.data.id)
    done?.(event.data.ok ? event.data.result! : null)
  }
  worker.onerror = () => {
    workerBroken = true
    worker?.terminate()
    worker = null
    for (const done of waiting.values()) done(null)
    waiting.clear()
  }
  return worker
}

function plainFallback(kind: FormatKind, bytes: Uint8Array, note: string, charset: TextEncodingChoice | null): FormattedBody {
  if (kind === 'hex') return formatBody('hex', bytes)
  return { kind: 'text', text: decodeForDisplay(bytes, charset?.encoding ?? null), pretty: false, note, shownBytes: bytes.length }
}

/** On this thread; XML's parser loads with the first XML body, not with the page. */
function formatHere(kind: FormatKind, bytes: Uint8Array, charset: TextEncodingChoice | null): Promise<FormattedBody> {
  if (kind === 'xml') return import('./xml-format').then((module) => module.formatXml(bytes, charset))
  if (kind === 'xml-head') return import('./xml-format').then((module) => module.formatXmlHead(bytes, charset))
  return Promise.resolve(formatBody(kind, bytes, charset))
}

export function formatInBackground(kind: FormatKind, bytes: Uint8Array, charset: TextEncodingChoice | null = null): Promise<FormattedBody> {
  if (bytes.length <= SYNC_FORMAT_MAX_BYTES) return formatHere(kind, bytes, charset)
  const target = getWorker()
  if (!target) {
    if (kind === 'json' || kind === 'json-head' || kind === 'xml' || kind === 'xml-head') return Promise.resolve(plainFallback(kind, bytes, 'Shown as sent (formatting large bodies needs a worker).', charset))
    return formatHere(kind, bytes, charset)
  }
  return new Promise((resolve) => {
    const id = nextId++
    const timer = setTimeout(() => {
      waiting.delete(id)
      resolve(plainFallback(kind, bytes, 'Formatting took too long: shown as sent.', charset))
    }, WORKER_TIMEOUT_MS)
    waiting.set(id, (result) => {
      clearTimeout(timer)
      resolve(result ?? plainFallback(kind, bytes, 'Formatting failed: shown as sent.', charset))
    })
    const copy = bytes.slice()
    target.postMessage({ id, kind, bytes: copy, charset }, [copy.buffer])
  })
}
