// Runs an engine in its own process that records replays without pause, so that a test can kill -9
// it mid-stream. Sends to a server of its own from four loops at once, and prints each replay's id
// and the body it sent once the replay is recorded (its send answered).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Engine } from '../../electron/core'
import { apiOf } from '../helpers/engine'

const dir = process.argv[2]
if (!dir) throw new Error('usage: replay-child <data-dir>')
const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Child' } })
const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', () => res.end(`answer to ${req.url}`))
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const api = apiOf(engine)
process.stdout.write(JSON.stringify({ started: true }) + '\n')
await Promise.all(
  Array.from({ length: 4 }, async (_, loop) => {
    for (let i = 0; ; i++) {
      const body = `replay ${loop}/${i}`
      const draft = { method: 'POST', url: `${base}/r/${loop}/${i}`, headers: [['Content-Type', 'text/plain']] as Array<[string, string]>, bodyBase64: Buffer.from(body).toString('base64') }
      const replay = await api['replay.send']({ draft, originId: null, resign: null, timeoutMs: 5000 })
      process.stdout.write(JSON.stringify({ recorded: replay.id, body }) + '\n')
    }
  }),
)
