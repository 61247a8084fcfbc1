// Starts the headless host for real: `node bin/hookscope.js serve` in a child process with its own
// temp data folder and port 0 for both the UI and the capture endpoint, then reads the URLs it prints.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { ROOT } from './build'

export interface RunningHost {
  /** The URL to open, with the token in its fragment. */
  openUrl: string
  /** The UI origin (http://127.0.0.1:port). */
  uiOrigin: string
  token: string
  /** The first endpoint's capture URL. */
  captureUrl: string
  dataDir: string
  proc: ChildProcess
  output: string[]
  stop(options?: { keepData?: boolean }): Promise<void>
}

export interface StartHostOptions {
  dataDir?: string
  /** 0 (a free port) unless given. */
  uiPort?: number
  capturePort?: number
  extraArgs?: string[]
  timeoutMs?: number
  /** Options for Node itself (e.g. --cpu-prof when a benchmark profiles the host). */
  nodeArgs?: string[]
}

export async function startHost(options: StartHostOptions = {}): Promise<RunningHost> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'hookscope-e2e-')))
  const args = [
    ...(options.nodeArgs ?? []),
    path.join(ROOT, 'bin/hookscope.js'),
    'serve',
    '--data-dir',
    dataDir,
    '--ui-port',
    String(options.uiPort ?? 0),
    '--port',
    String(options.capturePort ?? 0),
    ...(options.extraArgs ?? []),
  ]
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } })
  const output: string[] = []
  proc.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  const lines = createInterface({ input: proc.stdout! })
  let openUrl: string | null = null
  let captureUrl: string | null = null
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hookscope serve printed no URLs within ${options.timeoutMs ?? 30_000} ms:\n${output.join('')}`)), options.timeoutMs ?? 30_000)
    lines.on('line', (line) => {
      output.push(line + '\n')
      const capture = /capture:\s+(http:\/\/\S+)/.exec(line)
      if (capture && !captureUrl) captureUrl = capture[1]!
      const open = /open:\s+(http:\/\/\S+)/.exec(line)
      if (open) {
        openUrl = open[1]!
        clearTimeout(timer)
        resolve()
      }
    })
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`hookscope serve exited with ${code} before printing its URL:\n${output.join('')}`))
    })
  })
  try {
    await started
    if (!captureUrl) throw new Error(`hookscope serve printed no capture URL:\n${output.join('')}`)
  } catch (error) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true })
    throw error
  }
  const parsed = new URL(openUrl!)
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? ''
  let exited: Promise<void> | null = null
  const kill = () => {
    exited ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const done = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
      await done
      clearTimeout(timer)
    })()
    return exited
  }
  return {
    openUrl: openUrl!,
    uiOrigin: parsed.origin,
    token,
    captureUrl: captureUrl!,
    dataDir,
    proc,
    output,
    async stop(stopOptions = {}) {
      await kill()
      // A folder this host created goes with it, unless the caller keeps it for another run.
      if (!stopOptions.keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}
