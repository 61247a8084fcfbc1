// UI benchmark: the built renderer in Debian's Chromium against the real headless host.
//   npx tsx test/bench/ui.ts [--rate 500] [--seconds 10] [--seed 100000] [--live-only]
// 1. Live: sends `rate` requests per second for `seconds` (over 16 keep-alive connections, with a light
//    raw-socket client: see raw-sender.ts), each with a unique path, and measures for
//    each the time from the engine receiving it (its receivedAt, read from the live batch) to its row
//    being painted on screen (the browser's Element Timing of the row's path), and to its row being
//    added to the page (a MutationObserver in the page stamps performance.timeOrigin +
//    performance.now()); and the same from sending it (the sender stamps the same clock in Node; the
//    offset between the two is calibrated by round trips and taken from the tightest one). Frames are
//    measured meanwhile: the longest gap between animation frames and any long-animation-frame entry.
// 2. History: writes `seed` captures through the engine, in process, into a fresh data folder (a real
//    capture is cloned with new ids), starts the host on it, and measures from navigation to the first
//    row on screen; then scrolls the list down, one step each frame, at a fast fling's speed and at a
//    scrollbar drag's (older pages load on the way), and reports the longest frame of each.
// HOOKSCOPE_BENCH_PROFILE=<folder> also writes CPU profiles of the page and of the host during the live
// phase, and prints where the page's main thread spent its time; HOOKSCOPE_BENCH_TRACE=<file> writes a
// Chrome trace of the live phase, HOOKSCOPE_BENCH_THREADS=1 the CPU each thread used while sending, and
// HOOKSCOPE_BENCH_FRAMES=1 what each long animation frame of the live phase spent its time on.
// The last line printed is the summary, e.g.
// "ui p95 latency: 23.4 ms (from sending: 24.9 ms), longest frame: 31 ms, 100k open: 640 ms, ...",
// where the latency is to the row's paint.
import http from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { Engine } from '../../electron/core'
import { createIdGenerator } from '../../electron/core/ids'
import type { CaptureRecord } from '../../electron/core/store/history'
import { ensureBuilt } from '../e2e/helpers/build'
import { launchChromium } from '../e2e/helpers/browser'
import { startHost, type RunningHost } from '../e2e/helpers/host'
import * as pageScripts from '../e2e/helpers/page-scripts.js'
import { stealMeter } from './lib'
import { jsonPost, RawSender } from './raw-sender'

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    seed: { type: 'string', default: '100000' },
    'live-only': { type: 'boolean', default: false },
  },
})
const RATE = Number(values.rate)
const SECONDS = Number(values.seconds)
const SEED = Number(values.seed)
const VIEWPORT = { width: 1600, height: 1400 }

const now = () => performance.timeOrigin + performance.now()

const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink', 'cc', 'viz', 'gpu', 'benchmark', 'v8.execute', 'loading']

// Runs in the page before the app: stamps the first appearance of every row path, and measures frames.
const PAGE_PROBE = `
  window.__rows = new Map()
  window.__firstRowAt = null
  const stamp = (node) => {
    if (!(node instanceof Element)) return
    const rows = node.matches('[data-testid="traffic-row"]') ? [node] : node.querySelectorAll('[data-testid="traffic-row"]')
    for (const row of rows) {
      const t = performance.timeOrigin + performance.now()
      if (window.__firstRowAt === null) window.__firstRowAt = performance.now()
      const cell = row.querySelector('[data-testid="row-path"]')
      const path = cell?.textContent
      if (path && !window.__rows.has(path)) {
        window.__rows.set(path, t)
        // Set before the row's first paint (observers run before the next frame): the browser reports
        // when its text was first painted.
        cell.setAttribute('elementtiming', path)
      }
    }
  }
  window.__painted = new Map()
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const at = entry.renderTime || entry.startTime
        if (entry.identifier && at && !window.__painted.has(entry.identifier)) window.__painted.set(entry.identifier, performance.timeOrigin + at)
      }
    }).observe({ type: 'element', buffered: true })
  } catch {}
  // Disconnected once the rows it times are on screen, so that it adds no work to later frames. It
  // watches the whole document until the first row appears, then only the element rows are added to
  // (the list's window of rows), so that no other change in the page makes it work.
  window.__rowObserver = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) stamp(node)
    if (window.__rowParent === undefined && window.__firstRowAt !== null) {
      const row = document.querySelector('[data-testid="traffic-row"]')
      if (row?.parentElement) {
        window.__rowParent = row.parentElement
        window.__rowObserver.disconnect()
        window.__rowObserver.observe(row.parentElement, { childList: true })
      }
    }
  })
  window.__rowObserver.observe(document, { childList: true, subtree: true })
  // Each traffic.batch message as it reached the page (before the app handles it), kept as received:
  // it is read after the run (when each capture first reached the page, and the engine's receivedAt).
  window.__messages = []
  const NativeWebSocket = window.WebSocket
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args)
      this.addEventListener('message', (event) => {
        if (typeof event.data === 'string' && event.data.startsWith('{"type":"event","event":"traffic.batch"')) window.__messages.push(performance.timeOrigin + performance.now(), event.data)
      })
    }
  }
  // When each capture's first traffic.batch message reached the page, and when the engine received it
  // (its receivedAt, whole milliseconds of the wall clock).
  window.__readMessages = () => {
    window.__arrivals = new Map()
    window.__received = new Map()
    const messages = window.__messages
    for (let i = 0; i < messages.length; i += 2) {
      // A summary's fields in order: id, endpointId, receivedAt (the engine's Date.now()), method, target.
      for (const match of messages[i + 1].matchAll(/"receivedAt":(\\d+),"method":"[^"]*","target":"(\\/bench\\/[^"]+)"/g)) {
        if (window.__arrivals.has(match[2])) continue
        window.__arrivals.set(match[2], messages[i])
        window.__received.set(match[2], Number(match[1]))
      }
    }
  }
  window.__frames = { running: false, last: 0, maxGap: 0, gaps: [], loaf: [], loafScript: [] }
  const frame = (t) => {
    const f = window.__frames
    if (!f.running) return
    if (f.last) {
      const gap = t - f.last
      f.gaps.push(gap)
      if (gap > f.maxGap) f.maxGap = gap
    }
    f.last = t
    requestAnimationFrame(frame)
  }
  window.__startFrames = () => {
    Object.assign(window.__frames, { running: true, last: 0, maxGap: 0, gaps: [], loaf: [], loafScript: [] })
    requestAnimationFrame(frame)
  }
  window.__stopFrames = () => {
    window.__frames.running = false
    const gaps = [...window.__frames.gaps].sort((a, b) => a - b)
    return { maxGap: window.__frames.maxGap, frames: gaps.length, p95Gap: gaps[Math.floor(gaps.length * 0.95)] ?? 0, loaf: window.__frames.loaf, loafScript: window.__frames.loafScript }
  }
  try {
    new PerformanceObserver((list) => {
      if (!window.__frames.running) return
      for (const entry of list.getEntries()) {
        window.__frames.loaf.push(entry.duration)
        window.__frames.loafScript.push((entry.scripts ?? []).reduce((sum, script) => sum + script.duration, 0))
        ;(window.__loafDetail ??= []).push({ at: entry.startTime, duration: entry.duration, renderStart: entry.renderStart - entry.startTime, styleAndLayoutStart: entry.styleAndLayoutStart - entry.startTime, blocking: entry.blockingDuration, scripts: (entry.scripts ?? []).map((s) => [s.invoker, s.invokerType, Math.round(s.duration), Math.round(s.forcedStyleAndLayoutDuration), s.sourceFunctionName, s.startTime - entry.startTime]) })
      }
    }).observe({ type: 'long-animation-frame', buffered: false })
  } catch {}
`

/** CPU ticks of every thread of the given processes and their descendants (Linux /proc). */
function threadTicks(roots: number[]): Map<string, { name: string; ticks: number }> {
  const out = new Map<string, { name: string; ticks: number }>()
  const parents = new Map<number, number>()
  const labels = new Map<number, string>()
  let entries: string[] = []
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {}
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')
      const type = /--type=(\S+)/.exec(cmd.join(' '))?.[1]
      labels.set(Number(name), type ? `chromium ${type}` : path.basename(cmd[0] ?? name))
    } catch {}
  }
  const wanted = (pid: number): boolean => {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && p > 1 && depth < 20; p = parents.get(p), depth++) if (roots.includes(p)) return true
    return false
  }
  for (const [pid, label] of labels) {
    if (!wanted(pid)) continue
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        const thread = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '*')
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        out.set(`${pid}/${tid}`, { name: `${label} ${pid}: ${thread}`, ticks: Number(fields[11]) + Number(fields[12]) })
      }
    } catch {}
  }
  return out
}

/** CPU used by each kind of thread of these processes and their descendants until the returned function is called, in shares of one core. */
function threadMeter(roots: number[]): () => string[] {
  const before = threadTicks(roots)
  const started = performance.now()
  return () => {
    const after = threadTicks(roots)
    const seconds = (performance.now() - started) / 1000
    const sums = new Map<string, number>()
    for (const [key, now] of after) {
      const spent = now.ticks - (before.get(key)?.ticks ?? 0)
      if (spent > 0) sums.set(now.name, (sums.get(now.name) ?? 0) + spent)
    }
    const share = (ticks: number) => `${((ticks / 100 / seconds) * 100).toFixed(0).padStart(4)} %`
    const total = [...sums.values()].reduce((a, b) => a + b, 0)
    return [...[...sums].sort((a, b) => b[1] - a[1]).filter(([, ticks]) => ticks / 100 / seconds >= 0.005).map(([name, ticks]) => `${share(ticks)}  ${name}`), `${share(total)}  in all`]
  }
}

/** Busy CPU ticks of the whole machine (all cores), from /proc/stat. */
function machineBusyTicks(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user, nice, system, irq, softirq (not idle, iowait or steal)
    return fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]!
  } catch {
    return null
  }
}

/**
 * CPU the rest of the machine used (processes other than these and their descendants) until the
 * returned function is called, in shares of one core: other work on the machine skews a run.
 */
function othersMeter(roots: number[]): () => number | null {
  const sum = (ticks: Map<string, { ticks: number }>) => [...ticks.values()].reduce((a, b) => a + b.ticks, 0)
  const busy = machineBusyTicks()
  const ours = sum(threadTicks(roots))
  const started = performance.now()
  return () => {
    const busyNow = machineBusyTicks()
    if (busy === null || busyNow === null) return null
    // Threads that ended meanwhile are missing from the second count: this errs high, a little.
    const oursNow = sum(threadTicks(roots))
    return Math.max(0, busyNow - busy - (oursNow - ours)) / 100 / ((performance.now() - started) / 1000)
  }
}

interface FrameReport {
  maxGap: number
  p95Gap: number
  frames: number
  /** Long animation frames (over 50 ms): their durations, and how much of each was script. */
  loaf: number[]
  loafScript: number[]
}

function describeFrames(frames: FrameReport): string {
  const script = frames.loafScript.length ? Math.max(...frames.loafScript) : 0
  return `${frames.frames} frames, p95 gap ${frames.p95Gap.toFixed(1)} ms, longest gap ${frames.maxGap.toFixed(1)} ms; long animation frames (>50 ms): ${frames.loaf.length}${frames.loaf.length ? ` (longest ${Math.max(...frames.loaf).toFixed(0)} ms, most script time in one ${script.toFixed(0)} ms)` : ''}`
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** The wall clock (Date.now(), as the engine stamps receivedAt) minus this process's clock. */
function wallOffset(): number {
  const samples: number[] = []
  // Date.now() counts whole milliseconds: the middle of its millisecond is the best estimate.
  for (let i = 0; i < 2000; i++) samples.push(Date.now() + 0.5 - now())
  samples.sort((a, b) => a - b)
  return samples[samples.length >> 1]!
}

/** Page clock minus this process's clock, from the round trip with the least delay. */
async function clockOffset(page: Page): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Infinity }
  for (let i = 0; i < 30; i++) {
    const t0 = now()
    const pageTime = await page.evaluate('performance.timeOrigin + performance.now()')
    const t1 = now()
    if (t1 - t0 < best.rtt) best = { offset: (pageTime as number) - (t0 + t1) / 2, rtt: t1 - t0 }
  }
  return best
}

async function openApp(browser: Browser, url: string) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 })
  await context.addInitScript(PAGE_PROBE)
  const page = await context.newPage()
  const started = Date.now()
  await page.goto(url)
  await page.getByTestId('app-ready').waitFor({ state: 'attached', timeout: 60_000 })
  return { context, page, started }
}

async function liveScenario(browser: Browser): Promise<{ p95: number; addedP95: number; sendP95: number; painted: number; longestFrame: number }> {
  const profiling = process.env.HOOKSCOPE_BENCH_PROFILE
  if (profiling) await mkdir(profiling, { recursive: true })
  const host = await startHost(profiling ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profiling] } : {})
  const url = new URL(host.captureUrl)
  const sender = new RawSender(url.hostname, Number(url.port), 16)
  try {
    const { context, page } = await openApp(browser, host.openUrl)
    const { offset, rtt } = await clockOffset(page)
    const run = Math.random().toString(36).slice(2, 8)
    const total = RATE * SECONDS
    const sentAt = new Map<string, number>()
    let failed = 0
    const sendOne = (i: number) => {
      const target = `/bench/${run}/${i}`
      const request = jsonPost(url.host, target, `{"n":${i},"event":"bench"}`)
      sentAt.set(target, now())
      sender.send(request, (ok) => {
        if (!ok) failed++
      })
    }
    // Warm the connection pool and the page (first rows mount the list).
    for (let i = 0; i < 20; i++) sendOne(-1 - i)
    await page.getByTestId('traffic-row').first().waitFor()
    await page.evaluate('window.__startFrames()')
    // HOOKSCOPE_BENCH_PROFILE=<folder>: also record the page's CPU profile during the live phase.
    const profileDir = process.env.HOOKSCOPE_BENCH_PROFILE
    const cdp = profileDir ? await context.newCDPSession(page) : null
    const metrics = async () => Object.fromEntries(((await cdp!.send('Performance.getMetrics')).metrics as Array<{ name: string; value: number }>).map((m) => [m.name, m.value]))
    let before: Record<string, number> = {}
    if (cdp) {
      await cdp.send('Performance.enable')
      before = await metrics()
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    // HOOKSCOPE_BENCH_TRACE=<file>: a Chrome trace of every Chromium process during the live phase.
    const traceFile = process.env.HOOKSCOPE_BENCH_TRACE
    if (traceFile) await browser.startTracing(page, { path: traceFile, categories: TRACE_CATEGORIES })
    // HOOKSCOPE_BENCH_THREADS=1: the CPU each thread of the browser, the host and this process used.
    const threads = process.env.HOOKSCOPE_BENCH_THREADS ? threadMeter([process.pid, host.proc.pid!]) : null
    const steal = stealMeter()
    const others = othersMeter([process.pid, host.proc.pid!])
    const start = now()
    let sent = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((now() - start) / 1000) * RATE))
        while (sent < due) sendOne(sent++)
        if (sent >= total) {
          clearInterval(timer)
          resolve()
        }
      }, 2)
    })
    const sendSeconds = (now() - start) / 1000
    const stolen = steal()
    const otherShare = others()
    if (threads) console.log(`live: CPU while sending, in shares of one core:\n${threads().join('\n')}`)
    const expected = `${(total + 20).toLocaleString('en-US')} requests`
    try {
      await page.getByTestId('traffic-count').filter({ hasText: new RegExp(`^${expected}$`) }).waitFor({ timeout: 60_000 })
    } catch (error) {
      const shown = await page.getByTestId('traffic-count').textContent()
      const rows = (await page.evaluate('window.__rows.size')) as number
      throw new Error(`the list never showed "${expected}": it shows "${shown}" (${failed} requests failed, ${rows} distinct paths seen as rows)`, { cause: error })
    }
    const frames = (await page.evaluate('window.__stopFrames()')) as FrameReport
    if (process.env.HOOKSCOPE_BENCH_FRAMES) console.log(JSON.stringify(await page.evaluate('window.__loafDetail'), null, 0).replace(/\},\{/g, '},\n{'))
    if (traceFile) {
      await browser.stopTracing()
      console.log(`live: the Chrome trace is in ${traceFile}`)
    }
    if (cdp && profileDir) {
      const { profile } = await cdp.send('Profiler.stop')
      const file = path.join(profileDir, `renderer-live-${Date.now()}.cpuprofile`)
      await writeFile(file, JSON.stringify(profile))
      console.log(`live: the page's CPU profile is in ${file}`)
      const after = await metrics()
      const spent = (name: string) => `${name.replace('Duration', '')} ${((after[name]! - before[name]!) * 1000).toFixed(0)} ms`
      console.log(`live: page main thread: ${['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'].map(spent).join(', ')}; layouts ${after.LayoutCount! - before.LayoutCount!}, style recalcs ${after.RecalcStyleCount! - before.RecalcStyleCount!}`)
    }
    await page.evaluate('window.__readMessages()')
    const seen = new Map<string, number>((await page.evaluate('Array.from(window.__rows.entries())')) as Array<[string, number]>)
    const painted = new Map<string, number>((await page.evaluate('Array.from(window.__painted.entries())')) as Array<[string, number]>)
    const arrived = new Map<string, number>((await page.evaluate('Array.from(window.__arrivals.entries())')) as Array<[string, number]>)
    const received = new Map<string, number>((await page.evaluate('Array.from(window.__received.entries())')) as Array<[string, number]>)
    const wall = wallOffset()
    const fromReceipt: number[] = []
    const latencies: number[] = []
    const paintFromReceipt: number[] = []
    const paintLatencies: number[] = []
    const toPage: number[] = []
    const inPage: number[] = []
    for (let i = 0; i < total; i++) {
      const target = `/bench/${run}/${i}`
      const shown = seen.get(target)
      const drawn = painted.get(target)
      const reached = arrived.get(target)
      if (drawn !== undefined) paintLatencies.push(drawn - offset - sentAt.get(target)!)
      if (drawn !== undefined && received.has(target)) paintFromReceipt.push(drawn - offset - (received.get(target)! - wall))
      if (shown !== undefined) latencies.push(shown - offset - sentAt.get(target)!)
      // receivedAt is whole milliseconds, cut down: this errs long, by half a millisecond on average.
      if (shown !== undefined && received.has(target)) fromReceipt.push(shown - offset - (received.get(target)! - wall))
      if (reached !== undefined) toPage.push(reached - offset - sentAt.get(target)!)
      if (reached !== undefined && shown !== undefined) inPage.push(shown - reached)
    }
    for (const list of [fromReceipt, latencies, paintFromReceipt, paintLatencies, toPage, inPage]) list.sort((a, b) => a - b)
    const longestFrame = Math.max(frames.maxGap, ...frames.loaf)
    console.log(
      `live: ${total} requests in ${sendSeconds.toFixed(1)} s (${(total / sendSeconds).toFixed(0)}/s), ${failed} failed; clock offset ${offset.toFixed(1)} ms (round trip ${rtt.toFixed(2)} ms)${stolen === null ? '' : `; cpu stolen by the hypervisor ${(stolen * 100).toFixed(0)} %`}${otherShare === null ? '' : `; other processes used ${(otherShare * 100).toFixed(0)} % of a core`}`,
    )
    console.log(
      `live: rows painted ${paintFromReceipt.length}/${total}; engine received→row painted p50 ${percentile(paintFromReceipt, 50).toFixed(1)} ms, p95 ${percentile(paintFromReceipt, 95).toFixed(1)} ms, p99 ${percentile(paintFromReceipt, 99).toFixed(1)} ms, max ${paintFromReceipt.at(-1)?.toFixed(1)} ms; send→row painted p95 ${percentile(paintLatencies, 95).toFixed(1)} ms`,
    )
    console.log(
      `live: rows added ${latencies.length}/${total}; engine received→row added p50 ${percentile(fromReceipt, 50).toFixed(1)} ms, p95 ${percentile(fromReceipt, 95).toFixed(1)} ms, p99 ${percentile(fromReceipt, 99).toFixed(1)} ms, max ${fromReceipt.at(-1)?.toFixed(1)} ms (${fromReceipt.length} rows)`,
    )
    console.log(
      `live: send→row added p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
    )
    console.log(
      `live: of which send→batch message in the page p50 ${percentile(toPage, 50).toFixed(1)} ms, p95 ${percentile(toPage, 95).toFixed(1)} ms (engine, relay batching, WebSocket); message→row p50 ${percentile(inPage, 50).toFixed(1)} ms, p95 ${percentile(inPage, 95).toFixed(1)} ms (renderer)`,
    )
    console.log(`live: ${describeFrames(frames)}`)
    await context.close()
    return { p95: percentile(paintFromReceipt, 95), addedP95: percentile(fromReceipt, 95), sendP95: percentile(paintLatencies, 95), painted: paintFromReceipt.length, longestFrame }
  } finally {
    sender.close()
    await host.stop()
  }
}

/** A data folder holding `count` captures, written through the engine (a real capture, cloned). */
async function seedHistory(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hookscope-bench-ui-'))
  const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Default' } })
  try {
    await engine.updateSettings({ retention: { maxCaptures: count * 2, maxBytes: 64 * 1024 * 1024 * 1024 } })
    const status = engine.statuses()[0]!
    const completed = engine.events.waitFor('capture:completed', () => true)
    await new Promise<void>((resolve, reject) => {
      const body = '{"id":"evt_seed","type":"invoice.paid","data":{"object":{"amount":4200,"currency":"usd"}}}'
      const request = http.request(`${status.url!.replace(/\/$/, '')}/seed`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
        res.resume()
        res.on('end', () => resolve())
      })
      request.on('error', reject)
      request.end(body)
    })
    const template = (await engine.history.get((await completed).id))!
    const start = Date.now() - count * 5
    let clock = start
    const newId = createIdGenerator(() => clock)
    const methods = ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE']
    const statuses = [200, 200, 200, 201, 404, 500]
    const began = performance.now()
    for (let i = 0; i < count; i += 1000) {
      const writes: Array<Promise<void>> = []
      for (let j = i; j < Math.min(count, i + 1000); j++) {
        clock = start + j * 5
        const record: CaptureRecord = {
          ...structuredClone(template),
          id: newId(),
          receivedAt: clock,
          method: methods[j % methods.length]!,
          target: `/seed/${j}?source=bench`,
          status: statuses[j % statuses.length]!,
        }
        writes.push(engine.history.append(record))
      }
      await Promise.all(writes)
    }
    console.log(`seed: ${count} captures written through the engine in ${((performance.now() - began) / 1000).toFixed(1)} s`)
  } finally {
    await engine.close()
  }
  return dir
}

async function historyScenario(browser: Browser): Promise<{ openMs: number; scrollFrame: number; dragFrame: number }> {
  const dir = await seedHistory(SEED)
  let host: RunningHost | null = null
  try {
    const hostStarted = performance.now()
    host = await startHost({ dataDir: dir, timeoutMs: 180_000 })
    console.log(`history: host started on ${SEED} captures in ${((performance.now() - hostStarted) / 1000).toFixed(1)} s`)
    const { context, page } = await openApp(browser, host.openUrl)
    // The seeded captures plus the real one they were cloned from.
    await page.getByTestId('traffic-count').filter({ hasText: `${(SEED + 1).toLocaleString('en-US')} requests` }).waitFor({ timeout: 60_000 })
    const openMs = (await page.evaluate('window.__firstRowAt')) as number
    const navigation = (await page.evaluate(`(() => { const n = performance.getEntriesByType('navigation')[0]; return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd } })()`)) as { dcl: number; load: number }
    console.log(`history: first row on screen ${openMs.toFixed(0)} ms after navigation started (DOMContentLoaded at ${navigation.dcl.toFixed(0)} ms)`)
    await page.evaluate('window.__rowObserver.disconnect()')
    // Scrolling starts once the page has finished starting up (the open time above covers that).
    await page.evaluate('new Promise((resolve) => requestIdleCallback(() => resolve(), { timeout: 2000 }))')

    // Scrolling is driven from inside the page, one step per animation frame, so that no round trip to
    // the test process, and none of its work in the page, falls between two frames. Two speeds, 400
    // frames each: a fast trackpad fling (150 px, 5 rows, a frame: 9,000 px a second at 60 frames a
    // second), then dragging the scrollbar (900 px, 30 rows, a frame). Older pages load on the way.
    const scrollAt = async (px: number, label: string) => {
      await page.evaluate('window.__startFrames()')
      const started = performance.now()
      const from = (await page.getByTestId('traffic-scroll').evaluate((element) => element.scrollTop)) as number
      const mounted = (await page.evaluate(`new Promise((resolve) => {
        const scroller = document.querySelector('[data-testid="traffic-scroll"]')
        let step = 0
        let mounted = 0
        const tick = () => {
          scroller.scrollTop += ${px}
          if (++step % 50 === 0) mounted = Math.max(mounted, document.querySelectorAll('[data-testid="traffic-row"]').length)
          if (step < 400) requestAnimationFrame(tick)
          else resolve(mounted)
        }
        requestAnimationFrame(tick)
      })`)) as number
      const frames = (await page.evaluate('window.__stopFrames()')) as FrameReport
      const to = (await page.getByTestId('traffic-scroll').evaluate((element) => element.scrollTop)) as number
      console.log(
        `history: ${label} ${px} px a frame: ${((to - from) / 30).toFixed(0)} rows in ${((performance.now() - started) / 1000).toFixed(1)} s (${mounted} rows mounted at a time); ${describeFrames(frames)}`,
      )
      return Math.max(frames.maxGap, ...frames.loaf)
    }
    const scrollFrame = await scrollAt(150, 'scrolled')
    const dragFrame = await scrollAt(900, 'dragged')
    // Rows the list has not loaded yet are placeholders, and the pages before them load in turn: how
    // long until the rows on screen are real, after the drag and after a jump far down the scrollbar.
    const settled = async (label: string, started = performance.now()) => {
      await page.waitForFunction(pageScripts.noPendingRows, undefined, { timeout: 120_000, polling: 'raf' })
      const row = Math.round(((await page.getByTestId('traffic-scroll').evaluate((element) => element.scrollTop)) as number) / 30)
      console.log(`history: ${label}: the rows at row ${row.toLocaleString('en-US')} loaded ${((performance.now() - started) / 1000).toFixed(2)} s later`)
    }
    await settled('after dragging')
    // The list follows a scroll at the next frame: the rows are looked at from the second frame on.
    const jumped = performance.now()
    await page.evaluate(`new Promise((resolve) => {
      document.querySelector('[data-testid="traffic-scroll"]').scrollTop = 40000 * 30
      requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
    })`)
    await settled('after a jump', jumped)
    await context.close()
    return { openMs, scrollFrame, dragFrame }
  } finally {
    await host?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  ensureBuilt()
  const launched = await launchChromium()
  if (!launched.browser) {
    console.log(`ui bench skipped: ${launched.reason}`)
    process.exitCode = 1
    return
  }
  const browser = launched.browser
  try {
    const live = await liveScenario(browser)
    // Rows are timed to their first paint, as the browser reports it (Element Timing). Under load it
    // leaves some rows out (a frame it drew and never presented, then a later one showed them): those
    // are left out of the percentiles, which may then err short, and how many were reported is said.
    if (live.painted < RATE * SECONDS * 0.5) throw new Error(`only ${live.painted} of ${RATE * SECONDS} rows were reported painted: the paint timing is not working`)
    const painted = `${((live.painted / (RATE * SECONDS)) * 100).toFixed(0)} % of rows reported painted`
    const summary = `ui p95 latency: ${live.p95.toFixed(1)} ms to paint (${painted}; from sending: ${live.sendP95.toFixed(1)} ms; to the row added to the page: ${live.addedP95.toFixed(1)} ms), longest frame: ${live.longestFrame.toFixed(0)} ms`
    if (values['live-only']) return console.log(summary)
    const history = await historyScenario(browser)
    console.log(`${summary}, 100k open: ${history.openMs.toFixed(0)} ms, 100k scroll longest frame: ${history.scrollFrame.toFixed(0)} ms (dragging: ${history.dragFrame.toFixed(0)} ms)`)
  } finally {
    await browser.close()
  }
}

await main()
