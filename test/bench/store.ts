// npm run bench:store — the cost of persisting one capture as the history grows.
// For 1k, 10k and 100k stored captures: the time until one more capture is durable (median of 300
// sequential appends), and the longest event-loop block while doing so. Last line:
// `store write growth 1k->100k: <number>x` (median at 100k / median at 1k).
// With each history, the engine's query API is timed too: free-text search over path, headers and
// body (one match, and every record matching), and filters by method, status class and time.
import { mkdtempSync, rmSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import os from 'node:os'
import path from 'node:path'
import { BlobStore } from '../../electron/core/store/blobs'
import { HistoryStore, inlineBody, type CaptureRecord } from '../../electron/core/store/history'
import { createIdGenerator } from '../../electron/core/ids'
import { describeMachine, jsonBody } from './lib'

const newId = createIdGenerator(Date.now)
const body = Buffer.from(jsonBody(1024))

function record(i: number): CaptureRecord {
  return {
    id: newId(),
    endpointId: 'ep_bench',
    receivedAt: Date.now(),
    method: 'POST',
    target: `/webhooks/stripe?attempt=${i}&live=1`,
    status: 200,
    bodySize: body.length,
    contentType: 'application/json',
    durationMs: 1.2,
    flags: [],
    httpVersion: '1.1',
    rawHeaders: [
      ['Host', '127.0.0.1:4000'],
      ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Stripe-Signature', 't=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd'],
      ['Content-Length', String(body.length)],
      ['Accept', '*/*; q=0.5, application/xml'],
      ['Cache-Control', 'no-cache'],
    ],
    rawTrailers: [],
    body: { size: body.length, sha256: 'b'.repeat(64), truncated: false, declaredSize: body.length, storage: 'inline' },
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localPort: 4000,
    timings: { bodyEndMs: 0.4, storedMs: 0.5, respondedMs: 1.2 },
    response: { status: 200, headers: [['Content-Type', 'application/json'], ['Content-Length', '12']], bodySize: 12 },
    forward: null,
    signature: null,
    forwardPlan: null,
    inline: inlineBody(body),
  }
}

interface QueryTimes {
  /** Longest of five runs of each query, in ms. */
  [query: string]: number
}

function timeQueries(history: HistoryStore, stored: number): QueryTimes {
  const now = Date.now()
  const queries: Record<string, Parameters<HistoryStore['query']>[0]> = {
    'text, 1 match': { text: `attempt=${Math.floor(stored / 2)}&` },
    'text, all match': { text: 'checkout.session' },
    'text, none': { text: 'no such words' },
    'method + status class + time': { methods: ['GET'], statusClasses: [4, 5], since: now - 60_000 },
  }
  const times: QueryTimes = {}
  for (const [name, query] of Object.entries(queries)) {
    let longest = 0
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      const page = history.query({ ...query, limit: 100 })
      longest = Math.max(longest, performance.now() - start)
      if (name === 'text, 1 match' && page.total !== 1) throw new Error(`expected one match, found ${page.total}`)
      if (name === 'text, all match' && page.total !== stored) throw new Error(`expected ${stored} matches, found ${page.total}`)
    }
    times[name] = longest
  }
  return times
}

async function measure(stored: number): Promise<{ median: number; p99: number; maxBlock: number; fillSeconds: number; queries: QueryTimes }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hookscope-bench-store-'))
  const blobs = new BlobStore(path.join(dir, 'blobs'), 64 * 1024)
  await blobs.init()
  const history = await HistoryStore.open({
    dir: path.join(dir, 'history'),
    blobs,
    retention: { maxCaptures: 1_000_000, maxBytes: 100 * 1024 ** 3 },
    now: Date.now,
    onNotice: (n) => console.error(n.message),
    onRemoved: () => undefined,
  })
  const fillStart = performance.now()
  for (let i = 0; i < stored; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, stored - i) }, (_, j) => history.append(record(i + j))))
  }
  // Let pending seals finish so that they are not measured as part of one write.
  await history.setRetention({ maxCaptures: 1_000_000, maxBytes: 100 * 1024 ** 3 })
  const fillSeconds = (performance.now() - fillStart) / 1000
  if (history.count !== stored) throw new Error(`expected ${stored} stored, found ${history.count}`)
  const queries = timeQueries(history, stored)
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  const times: number[] = []
  for (let i = 0; i < 300; i++) {
    const start = performance.now()
    await history.append(record(stored + i))
    times.push(performance.now() - start)
  }
  delay.disable()
  await history.close()
  rmSync(dir, { recursive: true, force: true })
  times.sort((a, b) => a - b)
  return { median: times[150]!, p99: times[296]!, maxBlock: delay.max / 1e6, fillSeconds, queries }
}

console.log(`store benchmark: time until one more capture (~${body.length} B body) is durable`)
console.log(`machine: ${describeMachine()}`)
const results = new Map<number, Awaited<ReturnType<typeof measure>>>()
for (const stored of [1_000, 10_000, 100_000]) {
  const r = await measure(stored)
  results.set(stored, r)
  console.log(
    `${String(stored).padStart(7)} stored: median ${r.median.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms   longest event-loop block ${r.maxBlock.toFixed(1)} ms   (filled in ${r.fillSeconds.toFixed(1)} s)`,
  )
  console.log(`${' '.repeat(15)}query, longest of 5: ${Object.entries(r.queries).map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join('   ')}`)
}
console.log(`store write growth 1k->100k: ${(results.get(100_000)!.median / results.get(1_000)!.median).toFixed(2)}x`)
