// Exports one capture with a large body from an engine in its own process, and prints the process's
// peak RSS growth during the export as JSON. The export goes through the Api as a host carries it:
// the answer validated and written as the message a host sends, and an answer given as a file read
// in slices as the page reads it. Arguments: <data-dir> <body MB> <text|binary> <format>, where
// format is one of har, curl (captures.export) or collection-hookscope, collection-har,
// collection-postman, collection-curl (the capture saved in a collection, then collections.export).
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { dispatch, type ApiHandlers } from '../../shared/api'
import { Engine } from '../../electron/core'

const [dir, mbArg, kind, format] = process.argv.slice(2)
if (!dir || !mbArg || !kind || !format) throw new Error('usage: export-child <data-dir> <body MB> <text|binary> <format>')
const bodyBytes = Number(mbArg) * 1024 * 1024

const kib = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1])

function upload(url: string, total: number): Promise<void> {
  // 1 MiB at a time, the same bytes each time: text, or bytes that are not UTF-8 (exported in base64).
  const chunk = kind === 'text' ? Buffer.alloc(1024 * 1024, 'hookscope ') : Buffer.concat([Buffer.from([0xff]), randomBytes(1024 * 1024 - 1)])
  return new Promise<void>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Length': total, 'Content-Type': 'application/octet-stream' } }, (res) => res.resume().on('end', resolve))
    req.on('error', reject)
    let sent = 0
    const pump = () => {
      while (sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent))
        sent += piece.length
        if (!req.write(piece)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

async function call(handlers: ApiHandlers, method: string, input: unknown): Promise<unknown> {
  const result = await dispatch(handlers, method, input)
  // What the headless host writes on its WebSocket for each answer.
  const message = JSON.stringify({ type: 'result', id: 1, result })
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`)
  return message.length > 0 ? result.value : null
}

const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Export' } })
await engine.updateSettings({ limits: { maxBodyBytes: 2 * 1024 ** 3 } })
const handlers = engine.handlers()
await upload(engine.statuses()[0]!.url!, bodyBytes)
const id = (await engine.history.query({ limit: 1 })).items[0]!.id
let collectionId = ''
if (format.startsWith('collection-')) {
  const tree = (await call(handlers, 'collections.create', { name: 'Large' })) as { id: string }
  collectionId = tree.id
  await call(handlers, 'collections.saveItem', { id: collectionId, from: { captureId: id } })
}
// A full collection, synchronous: what is left before the export is what the engine holds.
global.gc?.()
writeFileSync('/proc/self/clear_refs', '5')
const before = kib('VmRSS')
const started = performance.now()
const answer = (
  format.startsWith('collection-')
    ? await call(handlers, 'collections.export', { id: collectionId, format: format.slice('collection-'.length) })
    : await call(handlers, 'captures.export', { ids: [id], format })
) as { text?: string; file?: { id: string; size: number } }
let size = answer.text !== undefined ? Buffer.byteLength(answer.text) : 0
if (answer.file) {
  // Read as the page reads it, slice by slice.
  for (let offset = 0; offset < answer.file.size; ) {
    const slice = (await call(handlers, 'exports.read', { id: answer.file.id, offset, length: 8 * 1024 * 1024 })) as { size: number }
    offset += slice.size
  }
  size = answer.file.size
}
const ms = performance.now() - started
const peak = kib('VmHWM')
process.stdout.write(JSON.stringify({ format, kind, bodyMb: Number(mbArg), fileMb: size / 1024 / 1024, beforeMb: before / 1024, peakMb: peak / 1024, growthMb: (peak - before) / 1024, ms: Math.round(ms) }) + '\n')
await engine.close()
process.exit(0)
