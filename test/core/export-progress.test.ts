// How far an export of the traffic list is, for one large request: the engine tells how much of its
// body it has written (exports.progress) while it writes the file, and the page counts the bytes it
// reads of the file, so that progress advances all along instead of jumping at the end.
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { PROGRESS_STEP_BYTES } from '../../electron/core/collections/export-file'
import { createApiClient, dispatch, EXPORT_READ_MAX_BYTES, type ApiClient } from '../../shared/api'
import { exportList, REQUEST_WORK_BYTES, type ExportProgress } from '../../renderer/src/workbench/list-export'
import { nextCapture, removeDir, startEngine, type TestEngine } from '../helpers/engine'

let t: TestEngine | null = null
afterEach(async () => {
  await t?.close()
  if (t) await removeDir(t.dir)
  t = null
})

const MB = 1024 * 1024

/** The engine's Api with its export progress events, as a page receives them. */
function apiWithEvents(engine: TestEngine['engine']): ApiClient {
  const handlers = engine.handlers()
  return createApiClient({
    invoke: (method, input) => dispatch(handlers, method, input),
    subscribe: (listener) => engine.events.on('exports:progress', (progress) => listener('exports.progress', progress)),
  })
}

async function engineWithRequest(body: Buffer): Promise<{ api: ApiClient; id: string }> {
  t = await startEngine({ limits: { maxBodyBytes: 64 * MB } })
  const stored = nextCapture(t.engine)
  await new Promise<void>((resolve, reject) =>
    http
      .request(`${t!.url}/large`, { method: 'POST', headers: { 'Content-Length': body.length } }, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end(body),
  )
  return { api: apiWithEvents(t.engine), id: (await stored).id }
}

describe('the progress of a traffic list export of one large request', () => {
  for (const [format, body] of [
    ['har', Buffer.alloc(20 * MB, 0x61)],
    ['curl', Buffer.concat([Buffer.from([0xff]), Buffer.alloc(20 * MB, 0x07)])],
  ] as const) {
    it(`advances while the engine writes the ${format} file and while the page reads it`, async () => {
      const { api } = await engineWithRequest(body)
      const reports: Array<{ done: number; total: number }> = []
      const offReports = api.on('exports.progress', (event) => reports.push(event))
      // What the page showed, and whether the file was being read then.
      const shown: Array<{ progress: ExportProgress; reading: boolean }> = []
      let reading = false
      const reads = new Proxy(api, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver)
          if (key !== 'exports.read' || typeof value !== 'function') return value
          return (input: unknown) => {
            reading = true
            return (value as (input: unknown) => Promise<unknown>)(input)
          }
        },
      })
      const result = await exportList(reads, { query: {}, format, signal: new AbortController().signal, onProgress: (progress) => shown.push({ progress, reading }) })
      offReports()
      expect(result.exported).toBe(1)

      // The engine told of its writing in steps, up to the whole body (and, in HAR, the answer's).
      expect(reports.length).toBeGreaterThanOrEqual(Math.floor(body.length / PROGRESS_STEP_BYTES) - 1)
      const last = reports.at(-1)!
      expect(last.done).toBe(last.total)
      expect(last.total - body.length).toBeLessThan(4096)
      expect(reports.every((r, n) => n === 0 || r.done > reports[n - 1]!.done)).toBe(true)

      const exporting = shown.map((s) => s.progress).filter((p) => p.phase === 'exporting')
      const total = body.length + REQUEST_WORK_BYTES
      expect(exporting.every((p) => p.bytesTotal === total)).toBe(true)
      const values = exporting.map((p) => p.bytesDone)
      expect(values.every((v, n) => n === 0 || v >= values[n - 1]!)).toBe(true)
      expect(values.at(-1)).toBe(total)
      const between = (from: number, to: number) => new Set(values.filter((v) => v > from && v < to)).size
      // While the file was written (the first half of the work), and while it was read (the second).
      const beforeReading = shown.filter((s) => !s.reading && s.progress.phase === 'exporting').map((s) => s.progress.bytesDone)
      expect(new Set(beforeReading.filter((v) => v > 0 && v < total / 2)).size).toBeGreaterThanOrEqual(5)
      // The file is read in slices: at least as many as its body fills.
      const sliceReads = Math.ceil(body.length / EXPORT_READ_MAX_BYTES)
      expect(between(total / 2, total)).toBeGreaterThanOrEqual(sliceReads - 1)
    })
  }
})
