import { spawn, type ChildProcess } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../electron/core'
import { processEnd } from '../../electron/core/store/lock'
import { removeDir, tempDir } from '../helpers/engine'
import { apiOf, connect, storedBody, whenClosed } from '../helpers/engine'
import { httpTarget } from '../helpers/targets'

const child = path.join(import.meta.dirname, '../helpers/engine-child.ts')
const clearChild = path.join(import.meta.dirname, 'clear-child.ts')
let proc: ChildProcess | null = null
const dirs: string[] = []
afterEach(async () => {
  proc?.kill('SIGKILL')
  await Promise.all(dirs.splice(0).map(removeDir))
})

/** Starts an engine in its own process. `answered` fills with each capture's duration as the engine
 * measured it when it answered (same clock as the stored one), and `closed` settles once every line
 * the process printed was read. */
function startChild(dir: string, ...patches: string[]): Promise<{ url: string; answered: Map<string, number>; closed: Promise<void> }> {
  proc = spawn(process.execPath, ['--import', 'tsx', child, dir, ...patches], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ENGINE_CHILD_ANSWERS: '1' },
  })
  const lines = createInterface({ input: proc.stdout! })
  const answered = new Map<string, number>()
  const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()))
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { url?: string; answered?: string; durationMs?: number }
      if (message.url) resolve({ url: message.url, answered, closed })
      else if (message.answered !== undefined) answered.set(message.answered, message.durationMs!)
    })
    proc!.once('exit', (code) => reject(new Error(`engine child exited early (${code})`)))
  })
}

function post(agent: http.Agent, url: string, target: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(target, url), { method: 'POST', agent, headers: { 'Content-Length': body.length, 'X-Seq': target } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('durability', () => {
  it('keeps every acknowledged request after kill -9 during a burst, with how it was answered, and opens cleanly', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { url, answered, closed } = await startChild(dir)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 })
    const acknowledged = new Map<string, Buffer>()
    let killed = false
    const killAt = 400
    const exited = new Promise<void>((resolve) => proc!.once('exit', () => resolve()))
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const target = `/burst/${w}/${i}`
        // A distinct body per request, binary and text, so any mix-up or truncation shows.
        const body = Buffer.concat([Buffer.from(`{"worker":${w},"i":${i},"pad":"`), Buffer.alloc((w * 97 + i * 13) % 3000, w + 1), Buffer.from('"}')])
        try {
          const status = await post(agent, url, target, body)
          if (status === 200) acknowledged.set(target, body)
        } catch {
          return
        }
        if (acknowledged.size >= killAt && !killed) {
          killed = true
          proc!.kill('SIGKILL')
        }
      }
    }
    await Promise.all(Array.from({ length: 50 }, (_, w) => worker(w)))
    await exited
    await closed
    agent.destroy()
    expect(acknowledged.size).toBeGreaterThanOrEqual(killAt)
    // The engine prints a duration just after it answered: only the last answers of each sender can
    // have been cut off by the kill.
    const known = [...acknowledged.keys()].filter((target) => answered.has(target))
    expect(known.length).toBeGreaterThanOrEqual(acknowledged.size - 50)

    const engine = await Engine.open({ dataDir: dir })
    try {
      const notices = await engine.handlers()['app.notices']({})
      expect(notices).toEqual([])
      const page = engine.history.query({ limit: 5000 })
      const byTarget = new Map(page.items.map((s) => [s.target, s]))
      for (const [target, body] of acknowledged) {
        const summary = byTarget.get(target)
        expect(summary, `acknowledged ${target} is stored`).toBeDefined()
        const chunk = await apiOf(engine)['captures.body']({ id: summary!.id, offset: 0, length: 1024 * 1024 })
        expect(Buffer.from(chunk.base64, 'base64').equals(body), `body of ${target} is intact`).toBe(true)
        // How it was answered, as the list showed it before the crash: its status and how long it took.
        // It was answered once durable: the recovered duration runs to the journal's durable mark, never
        // past the moment the engine measured after answering (to the millisecond of the mark's clock).
        expect(summary!.status, `status of ${target}`).toBe(200)
        expect(summary!.durationMs, `duration of ${target}`).not.toBeNull()
        const live = answered.get(target)
        if (live !== undefined) expect(summary!.durationMs!, `duration of ${target}`).toBeLessThanOrEqual(live + 1)
        const capture = await apiOf(engine)['captures.get']({ id: summary!.id })
        expect(capture.timings.respondedMs).toBe(summary!.durationMs)
        expect(summary!.durationMs!).toBeGreaterThanOrEqual(capture.timings.storedMs!)
      }
    } finally {
      await engine.close()
    }
  })

  it("keeps the target's answers to proxied requests after kill -9", async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const app = await httpTarget((_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain', 'X-App': 'yes' })
      res.end('made')
    })
    try {
      const forward = { mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], routes: [], defaultTargetId: 'app' }
      const { url, answered, closed } = await startChild(dir, '{}', JSON.stringify({ forward }))
      const exited = new Promise<void>((resolve) => proc!.once('exit', () => resolve()))
      const agent = new http.Agent({ keepAlive: true, maxSockets: 10 })
      const targets: string[] = []
      await Promise.all(
        Array.from({ length: 10 }, async (_, w) => {
          for (let i = 0; i < 5; i++) {
            expect(await post(agent, url, `/proxied/${w}/${i}`, Buffer.from('{}'))).toBe(201)
            targets.push(`/proxied/${w}/${i}`)
          }
        }),
      )
      // The target's answer is journaled just after it was relayed, without a flush of its own: one more
      // request, stored after it, is acknowledged only once that line reached the operating system.
      expect(await post(agent, url, '/after', Buffer.from('{}'))).toBe(201)
      agent.destroy()
      proc!.kill('SIGKILL')
      await exited
      await closed

      const engine = await Engine.open({ dataDir: dir })
      try {
        const byTarget = new Map(engine.history.query({ limit: 100 }).items.map((s) => [s.target, s]))
        for (const target of targets) {
          const summary = byTarget.get(target)!
          expect(summary.status, `status of ${target}`).toBe(201)
          // The duration the engine measured when it relayed the answer, kept through the crash.
          expect(summary.durationMs, `duration of ${target}`).toBe(answered.get(target))
          const capture = await apiOf(engine)['captures.get']({ id: summary.id })
          expect(capture.response).toMatchObject({ status: 201, headers: expect.arrayContaining([['X-App', 'yes']]) })
          expect(capture.timings.respondedMs).toBe(summary.durationMs)
        }
      } finally {
        await engine.close()
      }
    } finally {
      await app.close()
    }
  })

  it('lists a queued delivery that kill -9 cut short before the app answered, so that a second delivery to the app is explained', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    // The app takes the request but answers only after the crash.
    let answering = false
    const app = await httpTarget((_req, res) => {
      if (answering) res.end('ok')
    })
    try {
      const forward = { mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], routes: [], defaultTargetId: 'app', timeoutMs: 60_000 }
      const { url } = await startChild(dir, '{}', JSON.stringify({ forward }))
      const exited = new Promise<void>((resolve) => proc!.once('exit', () => resolve()))
      const agent = new http.Agent()
      expect(await post(agent, url, '/order', Buffer.from('{}'))).toBe(200)
      agent.destroy()
      await app.waitFor(1)
      // The attempt's line is written as the request leaves; it reaches the file before the app can answer.
      const journal = async () => (await Promise.all((await readdir(path.join(dir, 'forward'))).map((name) => readFile(path.join(dir, 'forward', name), 'utf8')))).join('')
      while (!(await journal()).includes('"t":"b"')) await new Promise<void>((resolve) => setImmediate(resolve))
      proc!.kill('SIGKILL')
      await exited

      answering = true
      let engine = await Engine.open({ dataDir: dir })
      try {
        const [capture] = engine.history.query({}).items
        await new Promise<void>((resolve) => {
          const check = () => engine.forwarder.forwardOf(capture!.id)?.state === 'delivered' && resolve()
          engine.events.on('capture:updated', check)
          check()
        })
        const cut = ['ABORTED', 'Hookscope stopped before the target answered: the app may have taken this request, so the next attempt may deliver it twice']
        const attempts = () => engine.forwarder.attempts(capture!.id).map((a) => [a.n, a.status, a.error?.code ?? null, a.error?.message ?? null])
        expect(attempts()).toEqual([
          [1, null, ...cut],
          [2, 200, null, null],
        ])
        expect(app.received.map((r) => r.url)).toEqual(['/order', '/order'])
        // Read back the same after another start: listed once, never sent a third time.
        await engine.close()
        engine = await Engine.open({ dataDir: dir })
        expect(attempts()).toEqual([
          [1, null, ...cut],
          [2, 200, null, null],
        ])
        expect(engine.forwarder.forwardOf(capture!.id)?.state).toBe('delivered')
      } finally {
        await engine.close()
      }
    } finally {
      await app.close()
    }
  })

  it('keeps a request whose bytes had all arrived while it waited out a response delay, after kill -9, as never answered and never forwarded', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const endpoint = {
      response: { status: 202, body: 'later', delayMs: 30_000 },
      forward: { mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: true }], routes: [], defaultTargetId: 'app' },
    }
    const { url } = await startChild(dir, '{}', JSON.stringify(endpoint))
    const exited = new Promise<void>((resolve) => proc!.once('exit', () => resolve()))
    const { port } = new URL(url)
    const socket = await connect(Number(port))
    const closed = whenClosed(socket)
    socket.write('POST /waiting HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"order":42}\n')
    // Stored as soon as it arrived whole: its line reaches the journal long before the delay ends.
    const journal = async () => (await Promise.all((await readdir(path.join(dir, 'history'))).map((name) => readFile(path.join(dir, 'history', name), 'latin1')))).join('')
    while (!(await journal()).includes('/waiting')) await new Promise<void>((resolve) => setImmediate(resolve))
    proc!.kill('SIGKILL')
    await exited
    // Its sender never got an answer.
    expect((await closed).length).toBe(0)

    const engine = await Engine.open({ dataDir: dir })
    try {
      const [summary, ...others] = engine.history.query({}).items
      expect(others).toEqual([])
      expect(summary).toMatchObject({ target: '/waiting', status: null, durationMs: null, forward: { state: 'skipped', error: 'its sender was never answered' } })
      expect(summary!.inFlight).toBeUndefined()
      expect((await storedBody(engine, summary!.id)).toString()).toBe('{"order":42}\n')
      expect(await engine.capture(summary!.id)).toMatchObject({ status: null, response: null, timings: { respondedMs: null } })
    } finally {
      await engine.close()
    }
  })

  it('keeps what another endpoint stored while one endpoint is being cleared, after kill -9', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    proc = spawn(process.execPath, ['--import', 'tsx', clearChild, dir], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = createInterface({ input: proc.stdout! })
    const nextLine = () => new Promise<Record<string, string>>((resolve) => lines.once('line', (line) => resolve(JSON.parse(line))))
    const urls = await nextLine()
    const exited = new Promise<void>((resolve) => proc!.once('exit', () => resolve()))
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 })
    for (let i = 0; i < 20; i++) expect(await post(agent, urls.a!, `/a/${i}`, Buffer.from('cleared'))).toBe(200)
    // B receives without pause; A is cleared meanwhile; the process is killed once B got 100 more.
    const acknowledged: string[] = []
    let clearedAt: number | null = null
    let cleared!: (result: Record<string, string>) => void
    const clearDone = new Promise<Record<string, string>>((resolve) => (cleared = resolve))
    let clearSent = false
    let killed = false
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const target = `/b/${w}/${i}`
        try {
          if ((await post(agent, urls.b!, target, Buffer.from(`kept ${target}`))) === 200) acknowledged.push(target)
        } catch {
          return
        }
        if (acknowledged.length >= 50 && !clearSent) {
          clearSent = true
          void nextLine().then(cleared)
          proc!.stdin!.write('clear A\n')
        }
        if (clearedAt !== null && acknowledged.length >= clearedAt + 100 && !killed) {
          killed = true
          proc!.kill('SIGKILL')
        }
      }
    }
    const workers = Array.from({ length: 10 }, (_, w) => worker(w))
    expect(await clearDone).toEqual({ removed: 20 })
    clearedAt = acknowledged.length
    await Promise.all(workers)
    await exited
    agent.destroy()

    const engine = await Engine.open({ dataDir: dir })
    try {
      expect(await engine.handlers()['app.notices']({})).toEqual([])
      const stored = new Set(engine.history.query({ limit: 5000 }).items.map((s) => s.target))
      expect(acknowledged.filter((target) => !stored.has(target))).toEqual([])
      expect([...stored].filter((target) => target.startsWith('/a/'))).toEqual([])
    } finally {
      await engine.close()
    }
  })

  it('starts at once on the folder of a Hookscope killed with kill -9 whose parent has not collected it yet', async (ctx) => {
    if (process.platform === 'win32') {
      console.log('skipped: Windows keeps no zombie processes')
      ctx.skip()
    }
    const dir = await tempDir()
    dirs.push(dir)
    // A parent that starts the engine, then blocks its own event loop, so it cannot collect the engine
    // once it is killed: the engine's pid stays taken, a zombie, as under a busy or careless supervisor.
    const parent = [
      "const { spawn } = require('node:child_process')",
      "const { readSync } = require('node:fs')",
      `spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(child)}, ${JSON.stringify(dir)}], { stdio: ['ignore', 'inherit', 'inherit'] })`,
      'try { readSync(0, Buffer.alloc(1)) } catch {}',
    ].join('\n')
    proc = spawn(process.execPath, ['-e', parent], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = createInterface({ input: proc.stdout! })
    const { url, pid } = await new Promise<{ url: string; pid: number }>((resolve) => lines.once('line', (line) => resolve(JSON.parse(line))))
    expect(await post(new http.Agent(), url, '/before-the-crash', Buffer.from('kept'))).toBe(200)
    process.kill(pid, 'SIGKILL')

    const engine = await Engine.open({ dataDir: dir })
    try {
      // The killed engine is still there, a zombie: this start did not wait for it to be collected.
      expect(await processEnd(pid)).toBe('ended')
      expect(engine.history.query({ limit: 10 }).items.map((s) => s.target)).toEqual(['/before-the-crash'])
    } finally {
      await engine.close()
    }
  })

  it('still refuses the folder of a Hookscope that runs, also while it is stopped', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { url } = await startChild(dir)
    expect(url).toMatch(/^http:/)
    await expect(Engine.open({ dataDir: dir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' })
    proc!.kill('SIGSTOP')
    try {
      await expect(Engine.open({ dataDir: dir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' })
    } finally {
      proc!.kill('SIGCONT')
    }
  })
})
