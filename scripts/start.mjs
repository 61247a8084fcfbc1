#!/usr/bin/env node
// `npm start`: open the desktop app. Electron fetches its binary on first use; where that cannot
// happen (no network, an unsupported platform), say so in one line and start the headless host,
// which serves the same UI to a browser.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)

function run(command, commandArgs, options = {}) {
  return spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root, ...options })
}

function electronBinary() {
  let dir
  try {
    dir = path.dirname(require.resolve('electron/package.json'))
  } catch {
    return { ok: false, why: 'the electron package is not installed' }
  }
  const pathFile = path.join(dir, 'path.txt')
  const present = () => existsSync(pathFile) && existsSync(path.join(dir, 'dist', readFileSync(pathFile, 'utf8')))
  if (present()) return { ok: true }
  // Electron downloads its binary on first use; do it now, quietly, so failure can be explained.
  const install = run(process.execPath, [path.join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 10 * 60 * 1000 })
  if (install.status === 0 && present()) return { ok: true }
  const reason = (install.stderr || '').split('\n').find((line) => /Error|error:/.test(line))?.trim() ?? `exit code ${install.status}`
  return { ok: false, why: `its download failed (${reason.slice(0, 120)})` }
}

// Always build first: it takes a few seconds and keeps a stale build from ever starting. Its
// output matters only when it fails.
{
  process.stdout.write('Building Hookscope… ')
  const started = Date.now()
  const built = run(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  if (built.status !== 0) {
    process.stdout.write('failed:\n')
    process.stderr.write(`${built.stdout ?? ''}${built.stderr ?? ''}${built.error ? `${built.error.message}\n` : ''}`)
    process.exit(built.status ?? 1)
  }
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
}

const electron = electronBinary()
if (electron.ok) {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'preview', '--skipBuild', ...args], { stdio: 'inherit', cwd: root })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log(`Electron's binary is not available here (${electron.why}); starting the headless host instead — open the URL below in your browser.`)
  const child = spawn(process.execPath, [path.join(root, 'bin/hookscope.js'), 'serve', ...args], { stdio: 'inherit', cwd: root })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}
