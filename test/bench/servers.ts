// Servers for the benchmarks, each started in its own process so the load generator does not share
// its event loop. Usage: servers <bare | pipe <target-url> | engine [--sync disk|os] [--forward <url>]>
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
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
} else if (kind === 'pipe') {
  // The baseline proxy: a minimal node:http pipe to the target, keep-alive, nothing kept.
  const target = new URL(process.argv[3]!)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })
  server.listen(0, '127.0.0.1', () => ready(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`))
} else if (kind === 'engine') {
  // engine [--sync disk|os] [--forward <target-url>] (proxy mode)
  const { values } = parseArgs({ args: process.argv.slice(3), options: { sync: { type: 'string' }, forward: { type: 'string' } } })
  const dir = mkdtempSync(path.join(tmpdir(), 'hookscope-bench-'))
  const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Bench' } })
  if (values.sync === 'disk' || values.sync === 'os') await engine.updateSettings({ storage: { sync: values.sync } })
  if (values.forward) {
    await engine.updateEndpoint(engine.endpoints()[0]!.id, {
      forward: { mode: 'proxy', targets: [{ id: 'target', url: values.forward, paused: false }], defaultTargetId: 'target' },
    })
  }
  ready(engine.statuses()[0]!.url!)
  process.on('SIGTERM', () =>
    void engine.close().then(() => {
      rmSync(dir, { recursive: true, force: true })
      process.exit(0)
    }),
  )
} else {
  throw new Error(`unknown server kind: ${kind}`)
}
