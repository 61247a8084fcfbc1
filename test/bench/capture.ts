// npm run bench:capture — capture throughput against a bare node:http server, in one run.
// 1 KB JSON POSTs over 50 connections for 10 s each, in turns. Last line: `capture/bare ratio: <number>`.
import { describeMachine, jsonBody, loadInTurns, row, startServer } from './lib'

const duration = Number(process.env.BENCH_SECONDS ?? 10)
const connections = 50
const body = jsonBody(1024)

console.log(`capture benchmark: ${connections} connections, ${duration} s, ${Buffer.byteLength(body)} B JSON POSTs`)
console.log(`machine: ${describeMachine()}`)

// The three servers run side by side and are loaded in turns (see loadInTurns): 10 s each in all.
// Both durability modes: `disk` (the default: on stable storage before the sender is answered) and
// `os` (written to the operating system first, on stable storage within 100 ms).
const bare = await startServer('bare')
const os = await startServer('engine', '--sync', 'os')
const disk = await startServer('engine', '--sync', 'disk')
let results: Awaited<ReturnType<typeof loadInTurns>>
try {
  results = await loadInTurns({ bare: bare.url, os: os.url, disk: disk.url }, { connections, duration, body })
} finally {
  await Promise.all([bare.stop(), os.stop(), disk.stop()])
}
console.log(row('bare node:http', results.bare!))
for (const sync of ['os', 'disk']) {
  console.log(row(`hookscope (sync: ${sync})`, results[sync]!))
  if (results[sync]!.errors > 0 || results[sync]!.non2xx > 0) console.log('warning: the endpoint answered errors during the run')
}
console.log(`capture/bare ratio (sync: os): ${(results.os!.rps / results.bare!.rps).toFixed(3)}`)
console.log(`capture/bare ratio: ${(results.disk!.rps / results.bare!.rps).toFixed(3)}`)
