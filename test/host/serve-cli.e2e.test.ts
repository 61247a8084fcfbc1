// `hookscope serve` started for real, as a user would: the built program in its own process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Engine } from '../../electron/core'
import { removeDir, tempDir } from '../helpers/engine'
import { httpTarget } from '../helpers/targets'

const root = path.resolve(import.meta.dirname, '../..')
const bin = path.join(root, 'bin/hookscope.js')
let proc: ChildProcess | null = null
const dirs: string[] = []

beforeAll(() => {
  if (!existsSync(path.join(root, 'out/main/headless.js'))) throw new Error('Build first: npm run build (npm test does it).')
})
afterEach(async () => {
  proc?.kill('SIGKILL')
  proc = null
  await Promise.all(dirs.splice(0).map(removeDir))
})

interface Started {
  capture: string
  open: string
  lines: string[]
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

async function serve(...args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  proc = child
  const lines: string[] = []
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise<Started>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    let capture = ''
    rl.on('line', (line) => {
      lines.push(line)
      const c = /capture: (\S+)/.exec(line)
      if (c) capture = c[1]!
      const o = /open:\s+(\S+)/.exec(line)
      if (o) resolve({ capture, open: o[1]!, lines, exit })
    })
    child.stderr!.on('data', (chunk) => lines.push(String(chunk)))
    void exit.then(({ code }) => reject(new Error(`serve exited early (${code}): ${lines.join('\n')}`)))
  })
  return ready
}

describe('hookscope serve', () => {
  it('documents its flags in --help', () => {
    const result = spawnSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' })
    expect(result.status).toBe(0)
    for (const flag of ['--port', '--host', '--ui-port', '--data-dir', '--allow-host', '--forward', '--forward-mode']) expect(result.stdout).toContain(flag)
  })

  it('refuses a bad flag with a clear message', () => {
    const result = spawnSync(process.execPath, [bin, 'serve', '--port', 'eighty'], { encoding: 'utf8' })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--port must be a port number')
  })

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`captures a curl request, then stops cleanly on ${signal} with it stored`, async () => {
      const dir = await tempDir()
      dirs.push(dir)
      const started = await serve('--data-dir', dir, '--port', '0', '--ui-port', '0')
      expect(started.open).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/)
      const curl = spawnSync('curl', ['-s', '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '{"signal":"' + signal + '"}', started.capture + 'from-curl'], {
        encoding: 'utf8',
      })
      expect(curl.stdout).toBe('{"ok":true}\n')
      proc!.kill(signal)
      const { code } = await started.exit
      expect(code).toBe(0)
      expect(started.lines.join('\n')).toContain(`${signal}, storing what is in progress and stopping`)
      // A clean stop leaves no journal to replay: the active segment was written out, and the lock released.
      expect(existsSync(path.join(dir, 'history', 'seg-000001.journal'))).toBe(false)
      expect(existsSync(path.join(dir, 'history', 'seg-000001.json'))).toBe(true)
      expect(existsSync(path.join(dir, 'hookscope.lock'))).toBe(false)
      const engine = await Engine.open({ dataDir: dir })
      try {
        const page = engine.history.query({})
        expect(page.items.map((s) => s.target)).toEqual(['/from-curl'])
      } finally {
        await engine.close()
      }
    })
  }

  it('keeps every request it acknowledged when Ctrl+C comes during a burst; one it stored unanswered says it was cut short', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const started = await serve('--data-dir', dir, '--port', '0', '--ui-port', '0')
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
    const acknowledged = new Set<string>()
    let sent = 0
    let running = true
    let signalled = false
    void started.exit.then(() => (running = false))
    const one = (target: string) =>
      new Promise<void>((resolve) => {
        const req = http.request(`${started.capture}${target.slice(1)}`, { method: 'POST', agent }, (res) => {
          res.resume()
          res.on('end', () => (res.statusCode === 200 && acknowledged.add(target), resolve()))
          res.on('error', () => resolve())
        })
        req.on('error', () => resolve())
        // In two writes, so that some are still arriving when the signal comes.
        req.write(`{"n":`)
        setImmediate(() => req.end(`${target.length}}`))
      })
    const worker = async () => {
      while (running) {
        await one(`/burst/${sent++}`)
        if (acknowledged.size >= 200 && !signalled) {
          signalled = true
          proc!.kill('SIGINT')
        }
      }
    }
    await Promise.all(Array.from({ length: 32 }, worker))
    agent.destroy()
    expect((await started.exit).code).toBe(0)
    expect(acknowledged.size).toBeGreaterThanOrEqual(200)
    const engine = await Engine.open({ dataDir: dir })
    try {
      const stored = new Map(engine.history.query({ limit: 5000 }).items.map((summary) => [summary.target, summary]))
      expect([...acknowledged].filter((target) => !stored.has(target))).toEqual([])
      // What was stored beyond them was cut short by the stop, and says so.
      for (const [target, summary] of stored) if (!acknowledged.has(target)) expect(summary.flags, target).toContain('incomplete')
    } finally {
      await engine.close()
    }
  })

  it('takes one Ctrl+C delivered twice, as under npm start, as one: a request in progress is stored before it exits', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const started = await serve('--data-dir', dir, '--port', '0', '--ui-port', '0')
    const capture = new URL(started.capture)
    // A request whose body is still arriving: the host has read its headers once it says to go on.
    const socket = net.connect({ port: Number(capture.port), host: capture.hostname })
    socket.on('error', () => undefined)
    const answered = new Promise<string>((resolve) => {
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1')
        if (text.includes('100 Continue')) resolve(text)
      })
    })
    socket.write(`POST /in-progress HTTP/1.1\r\nHost: ${capture.host}\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n`)
    await answered
    socket.write('12345')
    const stopping = new Promise<void>((resolve) => {
      const rl = createInterface({ input: proc!.stdout! })
      rl.on('line', (line) => line.includes('storing what is in progress') && resolve())
    })
    // The terminal's signal, then the launcher's copy of it.
    proc!.kill('SIGINT')
    await stopping
    proc!.kill('SIGINT')
    const { code } = await started.exit
    socket.destroy()
    expect(started.lines.join('\n')).not.toContain('again')
    expect(code).toBe(0)
    const engine = await Engine.open({ dataDir: dir })
    try {
      const [stored] = engine.history.query({}).items
      expect(stored).toMatchObject({ target: '/in-progress', flags: expect.arrayContaining(['incomplete']) })
    } finally {
      await engine.close()
    }
  })

  it('says in words why it could not store at the end when its data folder was deleted while it ran', async () => {
    const parent = await tempDir()
    dirs.push(parent)
    const dir = path.join(parent, 'data')
    const started = await serve('--data-dir', dir, '--port', '0', '--ui-port', '0')
    const before = spawnSync('curl', ['-s', '-X', 'POST', '--data-binary', '{}', started.capture + 'before'], { encoding: 'utf8' })
    expect(before.stdout).toBe('{"ok":true}\n')
    await removeDir(dir)
    proc!.kill('SIGINT')
    const { code } = await started.exit
    expect(code).toBe(1)
    const said = started.lines.join('\n')
    expect(said).toContain(`hookscope: stopped, but the data folder ${dir} could not be written at the end: a file or folder of the data folder is missing (was it moved or deleted?)`)
    expect(said).not.toContain('stopping failed: ENOENT')
  })

  it('--forward is all it takes to deliver captures to a local app', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const app = await httpTarget()
    try {
      const started = await serve('--data-dir', dir, '--forward', `${app.url}/webhooks`)
      expect(started.lines.join('\n')).toContain(`forward: ${app.url}/webhooks  (async)`)
      const sent = await fetch(`${started.capture}stripe?x=1`, { method: 'POST', body: '{"type":"invoice.paid"}' })
      expect(sent.status).toBe(200)
      const [received] = await app.waitFor(1)
      expect(received!.url).toBe('/webhooks/stripe?x=1')
      expect(received!.body.toString()).toBe('{"type":"invoice.paid"}')
      proc!.kill('SIGTERM')
      await started.exit
    } finally {
      await app.close()
    }
  })

  it('refuses a --forward that is not an http(s) URL', () => {
    const result = spawnSync(process.execPath, [bin, 'serve', '--forward', 'file:///etc/passwd'], { encoding: 'utf8' })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--forward takes an http:// or https:// URL')
  })

  it('keeps the capture port it picked across restarts, and honours --port', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const first = await serve('--data-dir', dir)
    proc!.kill('SIGTERM')
    await first.exit
    const second = await serve('--data-dir', dir)
    expect(second.capture).toBe(first.capture)
    proc!.kill('SIGTERM')
    await second.exit
  })

  it('refuses a second host on the same data folder', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const first = await serve('--data-dir', dir)
    const second = spawnSync(process.execPath, [bin, 'serve', '--data-dir', dir], { encoding: 'utf8', timeout: 20_000 })
    expect(second.status).toBe(1)
    expect(second.stderr).toContain('Another Hookscope')
    proc!.kill('SIGTERM')
    await first.exit
  })
})
