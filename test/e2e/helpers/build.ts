// Builds the app once for the end-to-end tests: `npx electron-vite build` runs only when a source
// file is newer than the built output, and a lock keeps two test processes from building at once.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '../../..')
const SOURCES = ['renderer', 'shared', 'electron', 'electron.vite.config.ts', 'package.json']
const OUTPUTS = ['out/renderer/index.html', 'out/main/headless.js']

function newestMtime(entry: string): number {
  const stat = statSync(entry)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    newest = Math.max(newest, newestMtime(path.join(entry, name)))
  }
  return newest
}

export function buildIsCurrent(): boolean {
  const outputs = OUTPUTS.map((file) => path.join(ROOT, file))
  if (!outputs.every((file) => existsSync(file))) return false
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  const sources = Math.max(...SOURCES.map((entry) => path.join(ROOT, entry)).filter(existsSync).map(newestMtime))
  return built >= sources
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

export function ensureBuilt(): void {
  if (buildIsCurrent()) return
  const lock = path.join(ROOT, 'node_modules/.cache/hookscope-e2e-build.lock')
  mkdirSync(path.dirname(lock), { recursive: true })
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true })
      // Another process is building: wait for its lock to go away.
      sleepSync(200)
    }
  }
  try {
    if (!buildIsCurrent()) execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
