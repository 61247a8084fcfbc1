// npm run bench:capture — capture throughput against a bare node:http server, in one run.
// 1 KB JSON POSTs over 50 connections for 10 s each. Last line: `capture/bare ratio: <number>`.
import { describeMachine, jsonBody, load, row, startServer } from './lib'

const duration = Number(process.env.BENCH_SECONDS ?? 10)
const connections = 50
const body = jsonBody(1024)

console.log(`capture benchmark: ${connections} connections, ${duration} s, ${Buffer.byteLength(body)} B JSON POSTs`)
console.log(`machine: ${describeMachine()}`)

const bare = await startServer('bare')
await load(bare.url, { connections, duration: 1, body }) // warm-up
const bareResult = await load(bare.url, { connections, duration, body })
await bare.stop()
console.log(row('bare node:http', bareResult))

// Both durability modes: `disk` (the default: on stable storage before the sender is answered) and
// `os` (written to the operating system first, on stable storage within 100 ms).
const results: Record<string, Awaited<ReturnType<typeof load>>> = {}
for (const sync of ['os', 'disk']) {
  const engine = await startServer('engine', '--sync', sync)
  await load(engine.url, { connections, duration: 1, body })
  results[sync] = await load(engine.url, { connections, duration, body })
  await engine.stop()
  console.log(row(`hookscope (sync: ${sync})`, results[sync]!))
  if (results[sync]!.errors > 0 || results[sync]!.non2xx > 0) console.log('warning: the endpoint answered errors during the run')
}
console.log(`capture/bare ratio (sync: os): ${(results.os!.rps / bareResult.rps).toFixed(3)}`)
console.log(`capture/bare ratio: ${(results.disk!.rps / bareResult.rps).toFixed(3)}`)
