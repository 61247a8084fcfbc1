// Runs an engine with two endpoints in its own process, so that a test can kill -9 it while one
// endpoint's captures are being cleared. Prints both URLs; on the line "clear A" from stdin, clears
// the first endpoint's captures and prints the result.
import { createInterface } from 'node:readline'
import { Engine } from '../../electron/core'

const dir = process.argv[2]
if (!dir) throw new Error('usage: clear-child <data-dir>')
const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'A' } })
const b = await engine.createEndpoint({ name: 'B', port: 0, host: '127.0.0.1', enabled: true })
const a = engine.endpoints()[0]!
const url = (id: string) => engine.statuses().find((s) => s.id === id)!.url
process.stdout.write(JSON.stringify({ a: url(a.id), b: url(b.id), aId: a.id }) + '\n')
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'clear A') return
  void engine.handlers()['captures.clear']({ endpointId: a.id }).then((result) => process.stdout.write(JSON.stringify(result) + '\n'))
})
