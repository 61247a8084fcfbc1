// Servers for the benchmarks, each started in its own process so the load generator does not share
// its event loop. Usage: node --import tsx test/bench/servers.ts <bare|engine|pipe|target> [args]
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Engine } from '../../electron/core'

const kind = process.argv[2]

function ready(url: string): void {
  process.stdout.write(JSON.stringify({ url }) + '\n')
}

if (kind === 'bare') {
  // The baseline: read the body, answer 200. Nothing kept.
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end('{"ok":true}\n')
    })
  })
  server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`))
} else if (kind === 'engine') {
  const dir = process.argv[3] ?? mkdtempSync(path.join(tmpdir(), 'hookscope-bench-'))
  const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Bench' } })
  ready(engine.statuses()[0]!.url!)
  process.on('SIGTERM', () => void engine.close().then(() => process.exit(0)))
} else {
  throw new Error(`unknown server kind: ${kind}`)
}
