// Shared benchmark plumbing: start a server process, run autocannon against it, summarize.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import { build } from 'esbuild'
import { RawSender, jsonPost } from './raw-sender'

let bundled: Promise<string> | null = null

/** Bundle the servers once, as the app's build would (no transpile-on-load cost in the measurement). */
function serversBundle(): Promise<string> {
  bundled ??= (async () => {
    // Inside the project, so that the bundle's bare imports resolve from its node_modules.
    const cache = path.join(import.meta.dirname, '../../node_modules/.cache')
    mkdirSync(cache, { recursive: true })
    const outfile = path.join(mkdtempSync(path.join(cache, 'hookscope-bench-')), 'servers.mjs')
    await build({
      entryPoints: [path.join(import.meta.dirname, 'servers.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      absWorkingDir: path.join(import.meta.dirname, '../..'),
      logLevel: 'error',
    })
    return outfile
  })()
  return bundled
}

export interface ServerProcess {
  url: string
  proc: ChildProcess
  stop(): Promise<void>
}

export async function startServer(kind: string, ...args: string[]): Promise<ServerProcess> {
  const script = await serversBundle()
  const proc = spawn(process.execPath, [script, kind, ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(import.meta.dirname, '../..') })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (line) => resolve(JSON.parse(line).url))
    proc.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)))
  })
  return {
    url,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve()
        proc.once('exit', () => resolve())
        proc.kill('SIGTERM')
      }),
  }
}

export interface LoadResult {
  requests: number
  rps: number
  p50: number
  /** Mean latency in ms, with fractions (autocannon reports percentiles in whole milliseconds). */
  meanMs: number
  p99: number
  errors: number
  non2xx: number
  /** Share of CPU time the hypervisor took from this virtual machine during the run (Linux), or null. */
  steal: number | null
}

/** Total and stolen CPU ticks so far, from /proc/stat (Linux only). */
function cpuTicks(): { total: number; steal: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 }
  } catch {
    return null
  }
}

export async function load(url: string, options: { connections: number; duration: number; body: string; path?: string }): Promise<LoadResult> {
  const before = cpuTicks()
  const result = await autocannon({
    url: new URL(options.path ?? '/', url).toString(),
    method: 'POST',
    connections: options.connections,
    duration: options.duration,
    headers: { 'content-type': 'application/json' },
    body: options.body,
  })
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    meanMs: result.latency.mean,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    steal: stealSince(before),
  }
}

/**
 * Load several servers in turns (`rounds` slices of `duration / rounds` seconds each, in the same
 * order every round) and merge each one's slices. On a virtual machine whose speed drifts (the
 * hypervisor takes a varying share of the CPU), every server then sees the same conditions, so their
 * ratio is steadier than that of back-to-back runs of the whole duration.
 */
export async function loadInTurns(
  urls: Record<string, string>,
  options: { connections: number; duration: number; body: string; rounds?: number },
): Promise<Record<string, LoadResult>> {
  const rounds = options.rounds ?? 5
  const slice = options.duration / rounds
  const slices: Record<string, LoadResult[]> = {}
  for (const url of Object.values(urls)) await load(url, { ...options, duration: 1 }) // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, url] of Object.entries(urls)) (slices[name] ??= []).push(await load(url, { ...options, duration: slice }))
  }
  return Object.fromEntries(Object.entries(slices).map(([name, results]) => [name, merge(results, options.duration)]))
}

function merge(results: LoadResult[], seconds: number): LoadResult {
  const requests = results.reduce((sum, r) => sum + r.requests, 0)
  const p50s = results.map((r) => r.p50).sort((a, b) => a - b)
  const steals = results.map((r) => r.steal).filter((x): x is number => x !== null)
  return {
    requests,
    rps: requests / seconds,
    p50: p50s[Math.floor(p50s.length / 2)]!,
    meanMs: results.reduce((sum, r) => sum + r.meanMs * r.requests, 0) / Math.max(1, requests),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    steal: steals.length > 0 ? steals.reduce((a, b) => a + b, 0) / steals.length : null,
  }
}

export interface SequentialLatency {
  requests: number
  /** Milliseconds, from writing a request to the last byte of its answer, with fractions. */
  p50: number
  mean: number
  p99: number
}

/**
 * One request at a time over one keep-alive connection, each timed with the monotonic clock (with
 * one connection autocannon's whole-millisecond latencies cannot tell 0.2 ms from 0.9 ms). Several
 * servers are measured in turns, `rounds` slices each, like loadInTurns.
 */
export async function sequentialLatencyInTurns(urls: Record<string, string>, options: { duration: number; body: string; rounds?: number }): Promise<Record<string, SequentialLatency>> {
  const rounds = options.rounds ?? 5
  const samples: Record<string, number[]> = {}
  const senders = Object.fromEntries(
    Object.entries(urls).map(([name, url]) => {
      const { hostname, port, host } = new URL(url)
      return [name, { sender: new RawSender(hostname, Number(port), 1), request: jsonPost(host, '/', options.body) }]
    }),
  )
  const once = (name: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const { sender, request } = senders[name]!
      const start = process.hrtime.bigint()
      sender.send(request, (ok) => (ok ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${name}: a request failed`))))
    })
  try {
    for (const name of Object.keys(urls)) for (let i = 0; i < 200; i++) await once(name) // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const name of Object.keys(urls)) {
        const until = performance.now() + (options.duration * 1000) / rounds
        while (performance.now() < until) (samples[name] ??= []).push(await once(name))
      }
    }
  } finally {
    for (const { sender } of Object.values(senders)) sender.close()
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, times]) => {
      times.sort((a, b) => a - b)
      return [name, { requests: times.length, p50: times[Math.floor(times.length / 2)]!, mean: times.reduce((a, b) => a + b, 0) / times.length, p99: times[Math.floor(times.length * 0.99)]! }]
    }),
  )
}

export function jsonBody(bytes: number): string {
  const base = { id: 'evt_1NmB3x2eZvKYlo2C', type: 'checkout.session.completed', created: 1700000000, data: { object: { id: 'cs_test', amount_total: 2000 } }, pad: '' }
  const json = JSON.stringify(base)
  base.pad = 'x'.repeat(Math.max(0, bytes - json.length))
  return JSON.stringify(base)
}

export function describeMachine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${os.platform()}`
}

/** Start counting stolen CPU; the returned function gives the share stolen since (null off Linux). */
export function stealMeter(): () => number | null {
  const before = cpuTicks()
  return () => stealSince(before)
}

function stealSince(before: { total: number; steal: number } | null): number | null {
  const after = cpuTicks()
  if (!before || !after || after.total === before.total) return null
  return (after.steal - before.steal) / (after.total - before.total)
}

export function row(name: string, r: LoadResult): string {
  return `${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}   non-2xx ${r.non2xx}${r.steal === null ? '' : `   cpu stolen by the hypervisor ${(r.steal * 100).toFixed(0)} %`}`
}
