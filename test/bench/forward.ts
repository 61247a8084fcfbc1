// npm run bench:forward — forwarding through Hookscope against a direct call and a minimal pipe proxy.
// In one run, 1 KB JSON POSTs over 50 connections for 10 s each, in turns: (a) the target directly, (b) through
// a minimal node:http pipe proxy, (c) through a Hookscope endpoint in proxy mode with capture and
// durable persistence on. Last line: `forward/pipe ratio: <n>, added p50 latency over direct: <ms> ms`,
// the latency measured one request at a time.
import { describeMachine, jsonBody, loadInTurns, row, sequentialLatencyInTurns, startServer, type LoadResult, type SequentialLatency } from './lib'

const duration = Number(process.env.BENCH_SECONDS ?? 10)
const connections = 50
const body = jsonBody(1024)

console.log(`forward benchmark: ${connections} connections, ${duration} s each, ${Buffer.byteLength(body)} B JSON POSTs`)
console.log(`machine: ${describeMachine()}`)

// The paths run side by side and are loaded in turns (see loadInTurns): 10 s each in all.
const target = await startServer('bare')
const pipe = await startServer('pipe', target.url)
const engine = await startServer('engine', '--forward', target.url, '--sync', process.env.BENCH_SYNC ?? 'disk')
try {
  const loaded = await loadInTurns({ direct: target.url, pipe: pipe.url, hookscope: engine.url }, { connections, duration, body })
  const { direct, pipe: piped, hookscope } = loaded as Record<'direct' | 'pipe' | 'hookscope', LoadResult>
  console.log(row('direct to the target', direct))
  console.log(row('minimal pipe proxy', piped))
  console.log(row('hookscope proxy (durable)', hookscope))
  if (hookscope.errors > 0 || hookscope.non2xx > 0) console.log('warning: errors during the Hookscope run')

  // Latency unloaded: one request at a time, so the figure is the path's own cost, not queueing
  // behind 49 other connections.
  const single = await sequentialLatencyInTurns({ direct: target.url, hookscope: engine.url }, { duration: Math.max(3, Math.round(duration / 2)), body })
  const latencyRow = (name: string, r: SequentialLatency): string =>
    `${name.padEnd(28)} ${String(r.requests).padStart(8)} requests   p50 ${r.p50.toFixed(3)} ms   mean ${r.mean.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms`
  console.log(latencyRow('direct, one at a time', single.direct!))
  console.log(latencyRow('hookscope, one at a time', single.hookscope!))
  console.log(
    `forward/pipe ratio: ${(hookscope.rps / piped.rps).toFixed(3)}, added p50 latency over direct: ${(single.hookscope!.p50 - single.direct!.p50).toFixed(2)} ms (one request at a time; at 50 connections ${(hookscope.p50 - direct.p50).toFixed(0)} ms, queueing included)`,
  )
} finally {
  await Promise.all([engine.stop(), pipe.stop()])
  await target.stop()
}
