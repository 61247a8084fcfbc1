// npm run bench:pairs -- [options] <revision> <revision> ... — the capture (or forwarding) path of
// several builds, side by side, in alternated rounds, so that the machine's drift hits them alike.
// A revision is anything `git archive` takes (a commit, a branch, HEAD~3), or `work` for the working
// tree. Each build's servers are bundled like the other benchmarks' and loaded in turns with a bare
// node:http server. Per build: requests a second, main-thread and all-threads CPU time per request,
// young-generation collections, and the median of the per-round ratios against the first build.
// Options: --rounds <n> (10), --seconds <s> per round (2), --rate <req/s> (full load if not given),
// --sync disk|os (disk), --forward (proxy mode to a bare target instead of capture).
// Last line: `<last build> vs <first build>: x<median ratio of requests a second>`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { build } from 'esbuild'
import { describeMachine, jsonBody } from './lib'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' }, sync: { type: 'string' }, forward: { type: 'boolean' } },
})
if (positionals.length === 0) throw new Error('give one or more revisions to compare (or "work" for the working tree)')
const rounds = Number(values.rounds ?? 10)
const seconds = Number(values.seconds ?? 2)
const rate = values.rate ? Number(values.rate) : 0
const sync = values.sync ?? 'disk'
const repo = path.join(import.meta.dirname, '../..')
const cache = path.join(repo, 'node_modules/.cache')
mkdirSync(cache, { recursive: true })
const body = jsonBody(1024)

/** Bundle a revision's bench servers into the repository's cache, so that its bare imports resolve. */
async function bundle(revision: string): Promise<string> {
  let tree = repo
  let exported: string | null = null
  if (revision !== 'work') {
    exported = mkdtempSync(path.join(cache, 'pairs-tree-'))
    const archive = execFileSync('git', ['archive', '--format=tar', revision], { cwd: repo, maxBuffer: 1024 ** 3 })
    execFileSync('tar', ['-x', '-C', exported], { input: archive })
    tree = exported
  }
  const outfile = path.join(mkdtempSync(path.join(cache, 'pairs-')), 'servers.mjs')
  try {
    await build({ entryPoints: [path.join(tree, 'test/bench/servers.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', absWorkingDir: tree, logLevel: 'error' })
  } finally {
    if (exported) rmSync(exported, { recursive: true, force: true })
  }
  return outfile
}

interface Server {
  name: string
  proc: ChildProcess
  url: string
  gc: { pause: number; survived: number; count: number }
  rounds: Array<{ rps: number; mainUs: number; allUs: number; gcUs: number; survivedKb: number }>
}

async function start(name: string, script: string, args: string[]): Promise<Server> {
  const proc = spawn(process.execPath, ['--trace-gc-nvp', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], cwd: repo })
  const server: Server = { name, proc, url: '', gc: { pause: 0, survived: 0, count: 0 }, rounds: [] }
  const field = (line: string, key: string) => Number(new RegExp(` ${key}=([0-9.]+)`).exec(line)?.[1] ?? 0)
  server.url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) return resolve(JSON.parse(line).url)
      if (!line.includes(' gc=')) return
      server.gc.pause += field(line, 'pause')
      if (line.includes('gc=s')) {
        server.gc.survived += field(line, 'promoted') + field(line, 'new_space_survived')
        server.gc.count++
      }
    })
    proc.once('exit', (code) => reject(new Error(`${name} exited (${code})`)))
  })
  return server
}

/** CPU ticks (1/100 s) of each thread of a process. */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    out.set(tid, Number(fields[11]) + Number(fields[12]))
  }
  return out
}

async function slice(server: Server, duration: number): Promise<void> {
  const before = threadTicks(server.proc.pid!)
  const gc = { ...server.gc }
  const result = await autocannon({ url: server.url, method: 'POST', connections: 50, duration, headers: { 'content-type': 'application/json' }, body, ...(rate ? { overallRate: rate } : {}) })
  if (duration < 1) return
  const after = threadTicks(server.proc.pid!)
  const requests = Math.max(1, result.requests.total)
  let all = 0
  for (const [tid, ticks] of after) all += ticks - (before.get(tid) ?? 0)
  const main = after.get(String(server.proc.pid))! - before.get(String(server.proc.pid))!
  server.rounds.push({
    rps: requests / duration,
    mainUs: (main * 1e4) / requests,
    allUs: (all * 1e4) / requests,
    gcUs: ((server.gc.pause - gc.pause) * 1000) / requests,
    survivedKb: (server.gc.survived - gc.survived) / requests / 1024,
  })
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

console.log(`pairs benchmark: ${positionals.join(', ')}; ${values.forward ? 'proxy mode' : 'capture'}, sync ${sync}, ${rounds} rounds of ${seconds} s, ${rate ? `${rate} req/s` : 'full load'}, 50 connections`)
console.log(`machine: ${describeMachine()}`)
const scripts = await Promise.all(positionals.map(bundle))
const servers: Server[] = []
let target: Server | null = null
try {
  const bare = await start('bare node:http', scripts[0]!, ['bare'])
  servers.push(bare)
  if (values.forward) target = await start('target', scripts[0]!, ['bare'])
  for (const [i, revision] of positionals.entries()) {
    const args = ['engine', '--sync', sync, ...(target ? ['--forward', target.url] : [])]
    servers.push(await start(revision, scripts[i]!, args))
  }
  for (const server of servers) await slice(server, 0.5) // warm-up
  for (const server of servers) server.rounds.length = 0
  for (let round = 0; round < rounds; round++) for (const server of servers) await slice(server, seconds)
} finally {
  for (const server of [...servers, ...(target ? [target] : [])]) server.proc.kill('SIGTERM')
}
const first = servers[1]!
for (const server of servers) {
  const r = server.rounds
  const line = `${server.name.padEnd(20)} ${mean(r.map((x) => x.rps)).toFixed(0).padStart(7)} req/s   main ${mean(r.map((x) => x.mainUs)).toFixed(1)} µs   all threads ${mean(r.map((x) => x.allUs)).toFixed(1)} µs   GC ${mean(r.map((x) => x.gcUs)).toFixed(1)} µs   surviving ${mean(r.map((x) => x.survivedKb)).toFixed(1)} KB per request`
  const ratios = r.map((x, i) => x.rps / first.rounds[i]!.rps)
  console.log(server === servers[0] || server === first ? line : `${line}   vs ${first.name}: x${median(ratios).toFixed(3)} (higher in ${ratios.filter((x) => x > 1).length} of ${ratios.length})`)
}
const last = servers[servers.length - 1]!
const ratios = last.rounds.map((x, i) => x.rps / first.rounds[i]!.rps)
console.log(`${last.name} vs ${first.name}: x${median(ratios).toFixed(3)}`)
