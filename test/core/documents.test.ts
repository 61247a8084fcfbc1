import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Engine } from '../../electron/core'
import { DocumentStore } from '../../electron/core/store/document'
import { processIdentity } from '../../electron/core/store/lock'
import type { Notice } from '../../shared/api'
import { defaultSettings } from '../../shared/model'
import { removeDir, tempDir } from '../helpers/engine'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir))
})

const Schema = z.object({ name: z.string(), count: z.number() })

async function openDoc(dir: string, notices: Array<{ code: string; message: string }> = [], version = 1, migrations: Array<(d: Record<string, unknown>) => Record<string, unknown>> = []) {
  return DocumentStore.open({
    dir,
    name: 'things.json',
    schema: Schema,
    version,
    migrations,
    defaults: () => ({ name: 'default', count: 0 }),
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    onNotice: (n) => notices.push(n),
  })
}

describe('versioned documents', () => {
  it('writes atomically with a schemaVersion and reads back after reopening', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const doc = await openDoc(dir)
    await doc.update(() => ({ name: 'saved', count: 3 }))
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'things.json'), 'utf8'))
    expect(onDisk).toEqual({ schemaVersion: 1, data: { name: 'saved', count: 3 } })
    const again = await openDoc(dir)
    expect(again.data).toEqual({ name: 'saved', count: 3 })
  })

  it('refuses to write data that does not match the schema', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const doc = await openDoc(dir)
    await expect(doc.update(() => ({ name: 5, count: 'x' }) as never)).rejects.toThrow()
    expect(doc.data).toEqual({ name: 'default', count: 0 })
  })

  it('hands each change a copy of the document, or the document itself where changes never modify it (a copy of a large collection cost seconds)', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const copied = await openDoc(dir)
    let given: unknown = null
    let before = copied.data
    await copied.update((current) => {
      given = current
      return { ...current, count: 1 }
    })
    expect(given).not.toBe(before)
    expect(given).toEqual(before)
    const shared = await DocumentStore.open({ dir, name: 'shared.json', schema: Schema, version: 1, migrations: [], defaults: () => ({ name: 'default', count: 0 }), now: Date.now, onNotice: () => undefined, immutableChanges: true })
    before = shared.data
    await shared.update((current) => {
      given = current
      return { ...current, count: 2 }
    })
    expect(given).toBe(before)
    expect(shared.data).toEqual({ name: 'default', count: 2 })
    // A change refused by the schema still leaves the document as it was.
    await expect(shared.update((current) => ({ ...current, count: 'x' }) as never)).rejects.toThrow()
    expect(shared.data).toEqual({ name: 'default', count: 2 })
  })

  it('runs numbered migrations from an older format', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    await fs.writeFile(path.join(dir, 'things.json'), JSON.stringify({ schemaVersion: 0, data: { title: 'old', n: 7 } }))
    const doc = await openDoc(dir, [], 1, [(old) => ({ name: old.title, count: old.n })])
    expect(doc.data).toEqual({ name: 'old', count: 7 })
  })

  it('leaves a file from a newer version untouched and says so', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const newer = JSON.stringify({ schemaVersion: 9, data: { anything: true } })
    await fs.writeFile(path.join(dir, 'things.json'), newer)
    await expect(openDoc(dir)).rejects.toMatchObject({ code: 'DOCUMENT_TOO_NEW' })
    expect(await fs.readFile(path.join(dir, 'things.json'), 'utf8')).toBe(newer)
  })

  const damaged: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['truncated', Buffer.from('{"schemaVersion":1,"data":{"name":"sav')],
    ['BOM-prefixed', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"schemaVersion":1,"data":{"name":"x","count":1}}')])],
    ['null', Buffer.from('null')],
    ['the wrong shape', Buffer.from('{"schemaVersion":1,"data":{"name":42}}')],
  ]
  for (const [kind, bytes] of damaged) {
    it(`sets aside a ${kind} file, restores the last good copy and tells the user`, async () => {
      const dir = await tempDir()
      dirs.push(dir)
      const first = await openDoc(dir)
      await first.update(() => ({ name: 'precious', count: 42 }))
      await fs.writeFile(path.join(dir, 'things.json'), bytes)
      const notices: Array<{ code: string; message: string }> = []
      const doc = await openDoc(dir, notices)
      expect(doc.data).toEqual({ name: 'precious', count: 42 })
      expect(notices).toHaveLength(1)
      expect(notices[0]!.code).toBe('DOCUMENT_CORRUPT')
      expect(notices[0]!.message).toMatch(/things\.json was damaged .* last good copy was restored/)
      const names = await fs.readdir(dir)
      const aside = names.find((name) => name.startsWith('things.json.corrupt-'))
      expect(aside).toBe('things.json.corrupt-2026-01-02T03-04-05-000Z')
      expect((await fs.readFile(path.join(dir, aside!))).equals(bytes)).toBe(true)
      // The restored copy is written back as the main file.
      expect(JSON.parse(await fs.readFile(path.join(dir, 'things.json'), 'utf8')).data).toEqual({ name: 'precious', count: 42 })
    })
  }

  it('falls back to defaults only when no good copy exists, and says so', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    await fs.writeFile(path.join(dir, 'things.json'), '{oops')
    const notices: Array<{ code: string; message: string }> = []
    const doc = await openDoc(dir, notices)
    expect(doc.data).toEqual({ name: 'default', count: 0 })
    expect(notices[0]!.message).toMatch(/no good copy existed/)
  })

  it('removes temp files left by a crash mid-write', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    await fs.writeFile(path.join(dir, '.things.json.1234-abcd.tmp'), 'half')
    await openDoc(dir)
    expect((await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('leaves alone the temp files of other documents in the same folder', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    // Another document (say settings.json) is being written right now.
    const theirs = path.join(dir, '.settings.json.4321-beef.tmp')
    await fs.writeFile(theirs, 'in progress')
    await openDoc(dir)
    expect(await fs.readFile(theirs, 'utf8')).toBe('in progress')
  })

  it('serializes concurrent updates: every change lands', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const doc = await openDoc(dir)
    await Promise.all(Array.from({ length: 20 }, () => doc.update((d) => ({ ...d, count: d.count + 1 }))))
    expect(doc.data.count).toBe(20)
    expect((await openDoc(dir)).data.count).toBe(20)
  })
})

describe('the engine’s documents', () => {
  it('restores damaged endpoints from the backup and raises a notice through the engine', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Keep me' } })
    const port = engine.statuses()[0]!.port
    await engine.close()
    await fs.writeFile(path.join(dir, 'endpoints.json'), '')
    const again = await Engine.open({ dataDir: dir })
    const notices: Notice[] = await again.handlers()['app.notices']({})
    expect(notices.map((n) => n.code)).toEqual(['DOCUMENT_CORRUPT'])
    expect(again.endpoints().map((e) => e.name)).toEqual(['Keep me'])
    // The port 0 picked on the first run is kept, so the endpoint's URL does not change.
    expect(again.statuses()[0]!.port).toBe(port)
    await again.close()
  })

  it('reads settings saved without the choice to announce new requests, announcing them as before', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const older = { ...defaultSettings(), ui: { theme: 'dark', notifications: true } }
    await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify({ schemaVersion: 2, data: older }))
    const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Test' } })
    expect(engine.settings).toEqual({ ...defaultSettings(), ui: { theme: 'dark', notifications: true, announceRequests: true } })
    expect(await engine.handlers()['app.notices']({})).toEqual([])
    await engine.updateSettings({ ui: { announceRequests: false } })
    await engine.close()
    const again = await Engine.open({ dataDir: dir })
    expect(again.settings.ui).toEqual({ theme: 'dark', notifications: true, announceRequests: false })
    await again.close()
  })

  it('lets one engine at a time use a data folder', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const engine = await Engine.open({ dataDir: dir })
    await expect(Engine.open({ dataDir: dir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' })
    await engine.close()
    const next = await Engine.open({ dataDir: dir })
    await next.close()
  })

  it('takes over a lock left by a process that died', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    // A pid that cannot be running: above the kernel's pid_max.
    await fs.writeFile(path.join(dir, 'hookscope.lock'), '99999999\n')
    const engine = await Engine.open({ dataDir: dir })
    expect(engine.endpoints()).toHaveLength(1)
    await engine.close()
  })

  it('takes over a lock whose pid now belongs to another process, and refuses one whose owner runs', async (ctx) => {
    if (processIdentity(process.pid) === '') {
      console.log('skipped: this system does not tell one start of a pid from another (no /proc)')
      ctx.skip()
    }
    const dir = await tempDir()
    dirs.push(dir)
    const lock = path.join(dir, 'hookscope.lock')
    // Left by a Hookscope of an earlier boot whose pid is taken by a running process now (here: init).
    await fs.writeFile(lock, '1\n00000000-0000-0000-0000-000000000000/12345\n')
    const engine = await Engine.open({ dataDir: dir })
    await engine.close()
    // A running owner: a live child process, recorded as itself.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    try {
      await new Promise((resolve) => child.once('spawn', resolve))
      await fs.writeFile(lock, `${child.pid}\n${processIdentity(child.pid!)}\n`)
      await expect(Engine.open({ dataDir: dir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' })
    } finally {
      child.kill()
    }
  })
})
