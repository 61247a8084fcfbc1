import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from '../../electron/core'
import { MAX_REPLAYS, REPLAYS_PER_FILE } from '../../electron/core/replay/replayer'
import type { Replay } from '../../shared/model'
import { apiOf, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
const scope = testScope(() => t)
const target = scope.target
const dirs: string[] = []
let proc: ChildProcess | null = null
afterEach(async () => {
  proc?.kill('SIGKILL')
  proc = null
  await Promise.all(dirs.splice(0).map(removeDir))
})

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** A replay as an earlier version recorded it, its request body one of `bodies` (a blob). */
function oldReplay(i: number, body: Buffer): Replay {
  return {
    id: `0OLD${String(i).padStart(14, '0')}`,
    originId: null,
    sentAt: 1_700_000_000_000 + i,
    request: {
      method: 'POST',
      url: `http://127.0.0.1:9/old/${i}`,
      headers: [
        ['Host', '127.0.0.1:9'],
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', `t=1700000000,v1=${'a'.repeat(64)}`],
        ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
        ['Content-Length', String(body.length)],
        ['Connection', 'keep-alive'],
      ],
      body: { size: body.length, sha256: sha256(body), truncated: false, declaredSize: null, storage: 'blob' },
    },
    response: { status: 200, statusText: 'OK', headers: [['Content-Type', 'text/plain'], ['Content-Length', '0'], ['Date', 'Tue, 14 Nov 2023 22:13:20 GMT']], body: null },
    timings: { connectMs: 1, firstByteMs: 2, totalMs: 3 },
    error: null,
    resigned: null,
    signature: null,
  }
}

/**
 * A data folder as an earlier version left it: `count` replays in `replays.json` (and its backup),
 * each body a blob. Replay 1 shares its body with the newest one; every other body is its own.
 */
async function earlierVersionFolder(count: number): Promise<{ dir: string; replays: Replay[]; bodyOf: (i: number) => Buffer }> {
  const dir = await tempDir()
  const bodyOf = (i: number) => Buffer.from(JSON.stringify({ id: `evt_${i === 1 ? count - 1 : i}`, type: 'invoice.paid', data: { amount: 100 } }))
  const replays = Array.from({ length: count }, (_, i) => oldReplay(i, bodyOf(i)))
  for (let i = 0; i < count; i++) {
    const bytes = bodyOf(i)
    const sha = sha256(bytes)
    await mkdir(path.join(dir, 'blobs', sha.slice(0, 2)), { recursive: true })
    await writeFile(path.join(dir, 'blobs', sha.slice(0, 2), sha), bytes)
  }
  const text = JSON.stringify({ schemaVersion: 1, data: { replays } }, null, 2) + '\n'
  await writeFile(path.join(dir, 'replays.json'), text)
  await writeFile(path.join(dir, 'replays.json.bak'), text)
  return { dir, replays, bodyOf }
}

function blobExists(dir: string, bytes: Buffer): Promise<boolean> {
  const sha = sha256(bytes)
  return stat(path.join(dir, 'blobs', sha.slice(0, 2), sha)).then(
    () => true,
    () => false,
  )
}

async function send(e: TestEngine, url: string, body: string): Promise<Replay> {
  const draft = { method: 'POST', url, headers: [['Content-Type', 'text/plain']] as Array<[string, string]>, bodyBase64: Buffer.from(body).toString('base64') }
  return apiOf(e.engine)['replay.send']({ draft, originId: null, resign: null, timeoutMs: 5000 })
}

async function requestBody(engine: Engine, id: string): Promise<string> {
  const chunk = await apiOf(engine)['replay.body']({ id, part: 'request', offset: 0, length: 1024 * 1024 })
  return Buffer.from(chunk.base64, 'base64').toString()
}

/** Every file under `dir` (its path, inode and bytes): what a write changed is found by comparing two. */
async function filesOf(dir: string): Promise<Map<string, { ino: number; bytes: Buffer }>> {
  const files = new Map<string, { ino: number; bytes: Buffer }>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    files.set(path.relative(dir, file), { ino: (await stat(file)).ino, bytes: await readFile(file) })
  }
  return files
}

/** Bytes written between two looks at a folder: whole new (or replaced) files, and what changed in the others from their first differing byte. */
function bytesWritten(before: Map<string, { ino: number; bytes: Buffer }>, after: Map<string, { ino: number; bytes: Buffer }>): Map<string, number> {
  const written = new Map<string, number>()
  for (const [name, now] of after) {
    const then = before.get(name)
    if (!then || then.ino !== now.ino) {
      written.set(name, now.bytes.length)
      continue
    }
    let same = 0
    while (same < now.bytes.length && same < then.bytes.length && now.bytes[same] === then.bytes[same]) same++
    if (same < now.bytes.length) written.set(name, now.bytes.length - same)
  }
  return written
}

describe('the replays kept', () => {
  it('recording a replay with 1,000 kept writes its own line, not the whole set, and drops the oldest with its body', async () => {
    const { dir, replays, bodyOf } = await earlierVersionFolder(MAX_REPLAYS)
    t = await startEngine({ dir })
    const app = await target()
    const before = await filesOf(dir)
    const sent = await send(t, `${app.url}/hook`, 'the 1,001st')
    const written = bytesWritten(before, await filesOf(dir))
    // Its line in the newest file of replays/, and its two bodies (what it sent, what it got back).
    const outsideBlobs = [...written].filter(([name]) => !name.startsWith(`blobs${path.sep}`))
    expect(outsideBlobs.map(([name]) => name)).toEqual([path.join('replays', 'seg-000011.journal')])
    expect(outsideBlobs[0]![1]).toBe(Buffer.byteLength(JSON.stringify(t.engine.replayer.get(sent.id))) + 1)
    expect(outsideBlobs[0]![1]).toBeLessThan(4096)
    expect([...written.values()].reduce((a, b) => a + b, 0)).toBeLessThan(4096 + 'the 1,001st'.length + 100)

    const list = await apiOf(t.engine)['replay.list']({})
    expect(list).toHaveLength(MAX_REPLAYS)
    expect(list[0]!.id).toBe(sent.id)
    expect(list.at(-1)!.id).toBe(replays[1]!.id)
    expect(list.some((replay) => replay.id === replays[0]!.id)).toBe(false)
    // The oldest's body went with it; a body another kept replay shares stays until both are gone.
    expect(await blobExists(dir, bodyOf(0))).toBe(false)
    await send(t, `${app.url}/hook`, 'the 1,002nd')
    expect(await blobExists(dir, bodyOf(1))).toBe(true)
    expect(await requestBody(t.engine, replays[MAX_REPLAYS - 1]!.id)).toBe(bodyOf(1).toString())
  })

  it('a restart keeps the last 1,000 in the order they were sent, across the files they fill', async () => {
    const { dir, replays } = await earlierVersionFolder(MAX_REPLAYS)
    t = await startEngine({ dir })
    const app = await target()
    const sent: Replay[] = []
    for (let i = 0; i < 2 * REPLAYS_PER_FILE + 50; i++) sent.push(await send(t, `${app.url}/hook/${i}`, `replay ${i}`))
    const listed = await apiOf(t.engine)['replay.list']({})
    expect(listed.map((replay) => replay.id)).toEqual([...replays.slice(sent.length), ...sent].map((replay) => replay.id).reverse())

    t = await t.reopen()
    expect(await apiOf(t.engine)['replay.list']({})).toEqual(listed)
    expect(await apiOf(t.engine)['app.notices']({})).toEqual([])
    expect(await requestBody(t.engine, sent.at(-1)!.id)).toBe(`replay ${sent.length - 1}`)
    expect(await requestBody(t.engine, replays[sent.length]!.id)).toContain(`evt_${sent.length}`)
    // The files whose replays all fell out are gone: at most one file more than the kept replays need.
    const files = (await readdir(path.join(dir, 'replays'))).filter((name) => name.endsWith('.journal'))
    expect(files.length).toBeLessThanOrEqual(MAX_REPLAYS / REPLAYS_PER_FILE + 1)
  })

  it('an earlier version’s replays.json is read once and migrated, bodies and all; a damaged one is moved aside and its last good copy used', async () => {
    const { dir, replays, bodyOf } = await earlierVersionFolder(3)
    await writeFile(path.join(dir, 'replays.json'), '{"schemaVersion": 1, "data": {"repl')
    t = await startEngine({ dir })
    const notices = await apiOf(t.engine)['app.notices']({})
    expect(notices).toEqual([expect.objectContaining({ code: 'DOCUMENT_CORRUPT', message: expect.stringMatching(/replays\.json was damaged .* moved to replays\.json\.corrupt-.* last good copy was restored/) })])
    const ids = replays.map((replay) => replay.id).reverse()
    expect((await apiOf(t.engine)['replay.list']({})).map((replay) => replay.id)).toEqual(ids)
    expect(await requestBody(t.engine, replays[2]!.id)).toBe(bodyOf(2).toString())
    const names = await readdir(dir)
    expect(names).not.toContain('replays.json')
    expect(names).not.toContain('replays.json.bak')
    expect(names.some((name) => name.startsWith('replays.json.corrupt-'))).toBe(true)

    t = await t.reopen()
    expect((await apiOf(t.engine)['replay.list']({})).map((replay) => replay.id)).toEqual(ids)
    expect(await apiOf(t.engine)['app.notices']({})).toEqual([])
    expect(await blobExists(dir, bodyOf(0))).toBe(true)
  })

  it('a damaged line or a cut-short end is kept aside in a copy, saying so, and every intact replay stays', async () => {
    t = await startEngine()
    const { dir } = t
    const app = await target()
    const sent: Replay[] = []
    for (let i = 0; i < 4; i++) sent.push(await send(t, `${app.url}/hook/${i}`, `replay ${i}`))
    await t.close()
    const file = path.join(dir, 'replays', 'seg-000001.journal')
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean)
    const damaged = [lines[0], '{"id": "not a replay"}', lines[1], '{oops', lines[2], lines[3]!.slice(0, 40)].join('\n')
    await writeFile(file, damaged)

    t = await startEngine({ dir })
    const notices = await apiOf(t.engine)['app.notices']({})
    expect(notices).toEqual([
      expect.objectContaining({ code: 'DOCUMENT_CORRUPT', message: expect.stringMatching(/replays\/seg-000001\.journal was damaged \(2 damaged line\(s\), its last line cut short\)\. It was copied to seg-000001\.journal\.corrupt-.*; the 3 replay\(s\) it holds intact are kept\./) }),
    ])
    const aside = (await readdir(path.join(dir, 'replays'))).find((name) => name.startsWith('seg-000001.journal.corrupt-'))!
    expect(await readFile(path.join(dir, 'replays', aside), 'utf8')).toBe(damaged)
    expect((await apiOf(t.engine)['replay.list']({})).map((replay) => replay.id)).toEqual(sent.slice(0, 3).map((replay) => replay.id).reverse())
    // The next replay lands on a line of its own, and a start after that finds nothing wrong.
    const next = await send(t, `${app.url}/hook/next`, 'next')
    t = await t.reopen()
    expect(await apiOf(t.engine)['app.notices']({})).toEqual([])
    expect((await apiOf(t.engine)['replay.list']({})).map((replay) => replay.id)).toEqual([...sent.slice(0, 3), next].map((replay) => replay.id).reverse())
    expect(await requestBody(t.engine, next.id)).toBe('next')
  })

  it('kill -9 while replays are being recorded keeps every replay whose send was answered', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'replay-child.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>((resolve) => proc!.once('exit', () => resolve()))
    const lines = createInterface({ input: proc.stdout! })
    const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()))
    const recorded = new Map<string, string>()
    // Past the first file's end, so that the hand-over to the next one is crossed too.
    const killAt = REPLAYS_PER_FILE + 30
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { recorded?: string; body?: string }
      if (message.recorded === undefined) return
      recorded.set(message.recorded, message.body!)
      if (recorded.size === killAt) proc!.kill('SIGKILL')
    })
    await exited
    await closed
    expect(recorded.size).toBeGreaterThanOrEqual(killAt)

    const engine = await Engine.open({ dataDir: dir })
    try {
      expect(await apiOf(engine)['app.notices']({})).toEqual([])
      const ids = (await apiOf(engine)['replay.list']({})).map((replay) => replay.id).reverse()
      // In the order they were recorded (ids are made in that order), each one answered among them.
      expect(ids).toEqual([...ids].sort())
      for (const [id, body] of recorded) {
        expect(ids, `replay ${body} is kept`).toContain(id)
        expect(await requestBody(engine, id)).toBe(body)
      }
    } finally {
      await engine.close()
    }
  })
})
