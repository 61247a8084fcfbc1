// Runs an engine in its own process (so a test can kill -9 it or watch its memory) and prints its
// endpoint URL. Optional arguments: a settings patch, then an endpoint patch, as JSON. With
// ENGINE_CHILD_ANSWERS=1 it then prints one line per answered capture: its target and duration, as
// the engine measured them before any crash.
import { Engine } from '../../electron/core'

const dir = process.argv[2]
if (!dir) throw new Error('usage: engine-child <data-dir> [settings-json]')
const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Child' } })
if (process.argv[3]) await engine.updateSettings(JSON.parse(process.argv[3]))
// Optional third argument: a patch for the first endpoint (e.g. its forwarding).
if (process.argv[4]) await engine.updateEndpoint(engine.endpoints()[0]!.id, JSON.parse(process.argv[4]))
if (process.env.ENGINE_CHILD_ANSWERS === '1') {
  engine.events.on('capture:completed', (summary) => {
    if (summary.durationMs !== null) process.stdout.write(JSON.stringify({ answered: summary.target, durationMs: summary.durationMs }) + '\n')
  })
}
process.stdout.write(JSON.stringify({ url: engine.statuses()[0]!.url, pid: process.pid }) + '\n')
process.on('SIGTERM', () => void engine.close().then(() => process.exit(0)))
