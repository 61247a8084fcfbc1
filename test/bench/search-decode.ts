// npm run bench:search-decode — the main-thread time a compressed body costs the engine, beyond its
// capture: decoding it for search (see HistoryStore.decodeLater). Appends batches of captures of
// gzipped JSON (about 2 KB) to a history in a temp folder, alternating between batches that say
// `Content-Encoding: gzip` and batches of the same bytes that do not (nothing to decode), and times the
// main thread's CPU time (from /proc on Linux; elsewhere the event loop's active time) until each batch
// is durable and searchable. Last line: `search decode: <µs> µs of main-thread time per compressed
// capture (<µs> per append of the same bytes unmarked)`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import zlib from 'node:zlib'
import { BlobStore } from '../../electron/core/store/blobs'
import { HistoryStore, inlineBody, type CaptureRecord } from '../../electron/core/store/history'
import { createIdGenerator } from '../../electron/core/ids'
import { describeMachine } from './lib'

const BATCH = 500
const ROUNDS = Number(process.env.HOOKSCOPE_BENCH_ROUNDS ?? 20)

const newId = createIdGenerator(Date.now)

/** A JSON event of numbered, salted words: text that compresses about as text does. */
function eventText(i: number, words: number): string {
  const salt = (n: number) => ((n * 2654435761) >>> 0).toString(36)
  return JSON.stringify({ id: `evt_${i}`, type: 'invoice.paid', words: Array.from({ length: words }, (_, n) => `word${n}-${salt(n + i)}`) })
}

function record(body: Buffer, marked: boolean): CaptureRecord {
  const rawHeaders: Array<[string, string]> = [
    ['Host', '127.0.0.1:4000'],
    ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', String(body.length)],
  ]
  if (marked) rawHeaders.push(['Content-Encoding', 'gzip'])
  return {
    id: newId(),
    endpointId: 'ep_bench',
    receivedAt: Date.now(),
    method: 'POST',
    target: '/webhooks/stripe',
    status: 200,
    bodySize: body.length,
    contentType: 'application/json; charset=utf-8',
    durationMs: 1.2,
    flags: [],
    httpVersion: '1.1',
    rawHeaders,
    rawTrailers: [],
    body: { size: body.length, sha256: 'b'.repeat(64), truncated: false, declaredSize: body.length, storage: 'inline' },
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localPort: 4000,
    timings: { bodyEndMs: 0.4, storedMs: 0.5, respondedMs: 1.2 },
    response: null,
    forward: null,
    signature: null,
    forwardPlan: null,
    inline: inlineBody(body),
  }
}

// Made ahead, so that making them is not timed.
const gzipped = Array.from({ length: BATCH }, (_, i) => zlib.gzipSync(eventText(i, 280)))

const mainThreadStat = `/proc/${process.pid}/task/${process.pid}/stat`
const hasThreadStat = existsSync(mainThreadStat)

/** The main thread's CPU time so far in µs (user and system; counted in clock ticks of 10 ms). */
function mainThreadCpuUs(): number {
  const fields = readFileSync(mainThreadStat, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

/** Main-thread time, in µs, to store a batch and have it searchable: CPU, and the event loop's active time. */
async function timeBatch(history: HistoryStore, marked: boolean): Promise<{ cpu: number; active: number }> {
  const cpu = hasThreadStat ? mainThreadCpuUs() : 0
  const start = performance.eventLoopUtilization()
  const appends: Array<Promise<void>> = []
  // The body's bytes passed along as the listener passes an inline body's.
  for (const body of gzipped) appends.push(history.append(record(body, marked), body))
  await Promise.all(appends)
  await history.searchSettled(60_000)
  return { cpu: hasThreadStat ? mainThreadCpuUs() - cpu : 0, active: performance.eventLoopUtilization(start).active * 1000 }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookscope-search-decode-'))
  try {
    const blobs = new BlobStore(path.join(dir, 'blobs'), 64 * 1024)
    await blobs.init()
    const history = await HistoryStore.open({
      dir: path.join(dir, 'history'),
      blobs,
      retention: { maxCaptures: 20_000, maxBytes: 1024 ** 3 },
      sync: () => 'os',
      now: Date.now,
      onNotice: () => undefined,
      onRemoved: () => undefined,
    })
    const size = Math.round(gzipped.reduce((sum, b) => sum + b.length, 0) / BATCH)
    console.log(`machine: ${describeMachine()}`)
    console.log(`bodies: ${size} bytes gzipped (${eventText(0, 280).length} of JSON); ${ROUNDS} rounds of ${BATCH} each, alternated`)
    // Warm-up: one of each, untimed.
    await timeBatch(history, false)
    await timeBatch(history, true)
    const unmarked = { cpu: 0, active: [] as number[] }
    const marked = { cpu: 0, active: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [times, isMarked] of [[unmarked, false], [marked, true]] as const) {
        const { cpu, active } = await timeBatch(history, isMarked)
        times.cpu += cpu / (BATCH * ROUNDS)
        times.active.push(active / BATCH)
      }
    }
    await history.close()
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!
    const show = (list: number[]) => list.map((us) => us.toFixed(0)).join(' ')
    console.log(`event loop active per append, unmarked: ${show(unmarked.active)} µs (median ${median(unmarked.active).toFixed(1)})`)
    console.log(`event loop active per append, Content-Encoding: gzip: ${show(marked.active)} µs (median ${median(marked.active).toFixed(1)})`)
    // CPU time leaves out the time the thread was ready but not running (a busy, shared machine).
    const [extra, base] = hasThreadStat
      ? [marked.cpu - unmarked.cpu, unmarked.cpu]
      : [median(marked.active.map((us, i) => us - unmarked.active[i]!)), median(unmarked.active)]
    if (hasThreadStat) console.log(`main-thread CPU per append: unmarked ${unmarked.cpu.toFixed(1)} µs, Content-Encoding: gzip ${marked.cpu.toFixed(1)} µs`)
    console.log(`search decode: ${extra.toFixed(1)} µs of main-thread time per compressed capture (${base.toFixed(1)} per append of the same bytes unmarked)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
