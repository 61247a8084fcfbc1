// Storage under trouble: a disk that fills up (or a folder that refuses writes) while Hookscope runs.
// The failure is made where the store meets the file system: writes that would grow a file are
// refused with ENOSPC (a write that only partly fits lands that part first, as on a real disk), while
// bytes already in a file can be overwritten, as on a full disk.
import nodeFs, { promises as fs } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BlobStore } from '../../electron/core/store/blobs'
import { HistoryStore, inlineBody, type CaptureRecord } from '../../electron/core/store/history'
import { Journal, readJournal } from '../../electron/core/store/journal'
import type { Notice } from '../../shared/api'
import { apiOf, rawExchange, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'

const dirs: string[] = []
const restores: Array<() => void> = []
let t: TestEngine | null = null
afterEach(async () => {
  for (const restore of restores.splice(0)) restore()
  await t?.close()
  t = null
  await Promise.all(dirs.splice(0).map(removeDir))
})

async function dir(): Promise<string> {
  const made = await tempDir()
  dirs.push(made)
  return made
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })
}

/**
 * Fill the disk: from now on files can grow by `room` bytes in all, then no more. Returns the call
 * that frees space again.
 */
function fillDisk(room = 0): () => void {
  let left = room
  const realWriteSync = nodeFs.writeSync.bind(nodeFs) as (fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null) => number
  const realWrite = nodeFs.write.bind(nodeFs) as unknown as (
    fd: number,
    buffer: NodeJS.ArrayBufferView,
    offset: number,
    length: number,
    position: number | null,
    callback: (error: NodeJS.ErrnoException | null, written: number) => void,
  ) => void
  /** How many of `length` bytes at `position` fit. */
  const fits = (fd: number, length: number, position: number | null | undefined): number => {
    const stat = nodeFs.fstatSync(fd)
    if (!stat.isFile()) return length
    const at = position ?? stat.size
    const growth = Math.max(0, at + length - stat.size)
    const granted = Math.min(growth, left)
    left -= granted
    return length - (growth - granted)
  }
  const writeSync = vi.spyOn(nodeFs, 'writeSync').mockImplementation(((fd: number, buffer: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null) => {
    const fit = fits(fd, length, position)
    if (fit <= 0) throw enospc()
    return realWriteSync(fd, buffer, offset, fit, position)
  }) as typeof nodeFs.writeSync)
  const write = vi.spyOn(nodeFs, 'write').mockImplementation(((
    fd: number,
    buffer: NodeJS.ArrayBufferView,
    offset: number,
    length: number,
    position: number | null,
    callback: (error: NodeJS.ErrnoException | null, written: number) => void,
  ) => {
    const fit = fits(fd, length, position)
    if (fit <= 0) return void process.nextTick(() => callback(enospc(), 0))
    realWrite(fd, buffer, offset, fit, position, callback)
  }) as unknown as typeof nodeFs.write)
  const realWritev = nodeFs.writev.bind(nodeFs) as unknown as (
    fd: number,
    buffers: NodeJS.ArrayBufferView[],
    position: number | null,
    callback: (error: NodeJS.ErrnoException | null, written: number) => void,
  ) => void
  const writev = vi.spyOn(nodeFs, 'writev').mockImplementation(((
    fd: number,
    buffers: NodeJS.ArrayBufferView[],
    position: number | null | ((error: NodeJS.ErrnoException | null, written: number) => void),
    callback?: (error: NodeJS.ErrnoException | null, written: number) => void,
  ) => {
    const done = callback ?? (position as (error: NodeJS.ErrnoException | null, written: number) => void)
    const at = typeof position === 'number' ? position : null
    const length = buffers.reduce((sum, b) => sum + b.byteLength, 0)
    // All or nothing: enough to stand for a disk with no room.
    if (fits(fd, length, at) < length) return void process.nextTick(() => done(enospc(), 0))
    realWritev(fd, buffers, at, done)
  }) as unknown as typeof nodeFs.writev)
  const free = (): void => {
    writeSync.mockRestore()
    write.mockRestore()
    writev.mockRestore()
  }
  restores.push(free)
  return free
}

let counter = 0
function record(text = '{"n":1}'): CaptureRecord {
  counter++
  const bytes = Buffer.from(text)
  return {
    id: `01DISK${String(counter).padStart(12, '0')}`,
    endpointId: 'ep_a',
    receivedAt: 1_700_000_000_000 + counter,
    method: 'POST',
    target: `/hook/${counter}`,
    status: 200,
    bodySize: bytes.length,
    contentType: 'application/json',
    durationMs: 1,
    flags: [],
    httpVersion: '1.1',
    rawHeaders: [['Content-Type', 'application/json']],
    rawTrailers: [],
    body: { size: bytes.length, sha256: 'x', truncated: false, declaredSize: bytes.length, storage: 'inline' },
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    localPort: 2,
    timings: { bodyEndMs: 0, storedMs: 0, respondedMs: 1 },
    response: null,
    forward: null,
    signature: null,
    forwardPlan: null,
    inline: inlineBody(bytes),
  }
}

async function openHistory(root: string, maxCaptures = 10_000, notices: Array<Omit<Notice, 'at'>> = []): Promise<HistoryStore> {
  const blobs = new BlobStore(path.join(root, 'blobs'), 64 * 1024)
  await blobs.init()
  return HistoryStore.open({
    dir: path.join(root, 'history'),
    blobs,
    retention: { maxCaptures, maxBytes: 1024 ** 3 },
    now: () => 0,
    onNotice: (n) => notices.push(n),
    onRemoved: () => undefined,
  })
}

describe('the journal on a disk that fills up', () => {
  it('leaves no fragment of a write that did not fit: the captures stored after it survive a crash', async () => {
    const root = await dir()
    const history = await openHistory(root)
    const first = record()
    await history.append(first)
    // Past the space written ahead (2 MiB), so that the journal has to grow.
    const big = Array.from({ length: 70 }, () => record(`{"pad":"${'x'.repeat(30_000)}"}`))
    await Promise.all(big.map((r) => history.append(r)))
    // Room for part of the next line only.
    const free = fillDisk(5_000)
    const refused = record(`{"pad":"${'y'.repeat(30_000)}"}`)
    await expect(history.append(refused)).rejects.toThrow(/ENOSPC/)
    free()
    const after = record('{"after":true}')
    await history.append(after)

    // What a start after a crash (kill -9) reads: the journal as it is now.
    const journalFile = path.join(root, 'history', 'seg-000001.journal')
    const { lines, damaged } = readJournal(await fs.readFile(journalFile))
    expect(damaged).toBe(0)
    const ids = lines.map((line) => (line as { id: string }).id)
    expect(ids).toContain(after.id)
    expect(ids).toContain(first.id)
    expect(ids).not.toContain(refused.id)

    const copy = await dir()
    await fs.cp(root, copy, { recursive: true })
    await history.close()
    const notices: Array<Omit<Notice, 'at'>> = []
    const reopened = await openHistory(copy, 10_000, notices)
    try {
      expect(reopened.summary(after.id)).not.toBeNull()
      expect(reopened.count).toBe(big.length + 2)
      expect(notices).toEqual([])
    } finally {
      await reopened.close()
    }
  })

  it('takes captures again once there is room, in a segment begun while the disk was full', async () => {
    const root = await dir()
    // Segments of 10 captures: a few dozen captures start new journals.
    const history = await openHistory(root, 100)
    try {
      for (let i = 0; i < 5; i++) await history.append(record())
      const free = fillDisk()
      const outcomes: string[] = []
      for (let i = 0; i < 30; i++) {
        outcomes.push(
          await history.append(record()).then(
            () => 'stored',
            (error: NodeJS.ErrnoException) => error.code ?? error.message,
          ),
        )
      }
      // The space written ahead took what fitted; then the disk said it is full.
      expect(outcomes).toContain('ENOSPC')
      free()
      for (let i = 0; i < 12; i++) await expect(history.append(record())).resolves.toBeUndefined()
    } finally {
      await history.close()
    }
  })

  it('opens its file again after an open that failed', async () => {
    const root = await dir()
    const realOpen = nodeFs.open.bind(nodeFs) as (...args: unknown[]) => void
    let refuse = true
    const open = vi.spyOn(nodeFs, 'open').mockImplementation(((...args: unknown[]) => {
      const callback = args.at(-1) as (error: NodeJS.ErrnoException | null, fd?: number) => void
      if (refuse && String(args[0]).endsWith('.journal')) {
        return void process.nextTick(() => callback(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' })))
      }
      realOpen(...args)
    }) as unknown as typeof nodeFs.open)
    restores.push(() => open.mockRestore())
    const journal = new Journal(path.join(root, 'j.journal'), { sync: () => 'disk' })
    try {
      await expect(journal.append('{"n":1}')).rejects.toThrow(/EACCES/)
      refuse = false
      await journal.append('{"n":2}')
      expect(readJournal(await fs.readFile(journal.file)).lines).toEqual([{ n: 2 }])
    } finally {
      await journal.close()
    }
  })
})

async function post(url: string, path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(path, url), { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })
  return { status: res.status, text: await res.text() }
}

describe('captures on a disk that fills up', () => {
  it('answers 503, lists the request with the answer its sender got, says why, and stores again once there is room', async () => {
    t = await startEngine()
    const { engine, url } = t
    const api = apiOf(engine)
    expect((await post(url, '/before', '{}')).status).toBe(200)
    // Past the space the journal wrote ahead, so that the next line has to grow the file.
    for (let i = 0; i < 70; i++) expect((await post(url, `/fill/${i}`, `{"pad":"${'x'.repeat(30_000)}"}`)).status).toBe(200)
    const free = fillDisk()

    const refused = await post(url, '/refused', '{"n":1}')
    expect(refused.status).toBe(503)
    expect(refused.text).toMatch(/the disk is full/)
    const listed = (await api['captures.query']({ text: '/refused' })).items
    expect(listed.map((c) => [c.target, c.status])).toEqual([['/refused', 503]])
    const detail = await api['captures.get']({ id: listed[0]!.id })
    expect(detail.response?.body).toMatch(/could not be stored: the disk is full/)
    const notices = await api['app.notices']({})
    expect(notices.filter((n) => n.code === 'STORE_WRITE_FAILED').map((n) => n.message)).toEqual([expect.stringMatching(/^Requests are not being stored: the disk is full/)])

    // A body too large to keep in memory, whose file cannot be written: never listed as in progress for good.
    const removed = engine.events.waitFor('captures:removed')
    const big = await post(url, '/big', `{"pad":"${'y'.repeat(100_000)}"}`)
    expect(big.status).toBe(503)
    expect(big.text).toMatch(/the disk is full/)
    expect((await removed).ids).toHaveLength(1)

    free()
    expect((await post(url, '/after', '{"n":2}')).status).toBe(200)
    expect((await post(url, '/after-big', `{"pad":"${'z'.repeat(100_000)}"}`)).status).toBe(200)
    const after = (await api['captures.query']({ text: '/after' })).items
    expect(after.map((c) => c.status)).toEqual([200, 200])
  })
})

describe('a large body on a disk that fills up', () => {
  it('is answered 503 once it has arrived, not left waiting for a file that failed', async () => {
    t = await startEngine()
    const { engine, url } = t
    const removed = engine.events.waitFor('captures:removed')
    fillDisk()
    // Larger than the spool file's buffer: the file asks the request to wait before it fails.
    const big = await post(url, '/big', `{"pad":"${'y'.repeat(3 * 1024 * 1024)}"}`)
    expect(big.status).toBe(503)
    expect(big.text).toMatch(/the disk is full/)
    expect((await removed).ids).toHaveLength(1)
  })
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Saving a document fails as on a full disk: its temp file cannot be written. */
function refuseDocumentWrites(): () => void {
  const realOpen = nodeFs.promises.open
  const open = vi.spyOn(nodeFs.promises, 'open').mockImplementation(((file: nodeFs.PathLike, ...rest: unknown[]) => {
    if (String(file).endsWith('.tmp')) return Promise.reject(enospc())
    return (realOpen as (...args: unknown[]) => Promise<unknown>)(file, ...rest)
  }) as typeof realOpen)
  const free = (): void => open.mockRestore()
  restores.push(free)
  return free
}

describe('settings and endpoints saved on a disk that is full', () => {
  it('say the save failed and keep what is saved in force, also after a restart', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const [endpoint] = await api['endpoints.list']({})
    const free = refuseDocumentWrites()
    await expect(api['settings.update']({ retention: { maxCaptures: 5000 } })).rejects.toMatchObject({
      code: 'STORE_WRITE_FAILED',
      message: expect.stringMatching(/^This was not saved: the disk is full/),
    })
    await expect(api['endpoints.create']({ name: 'Unsaved' })).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' })
    await expect(api['endpoints.update']({ id: endpoint!.id, patch: { name: 'Renamed' } })).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' })

    const port = await freePort()
    await expect(api['endpoints.update']({ id: endpoint!.id, patch: { port } })).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' })
    // Still capturing where it was saved to.
    expect((await post(t.url, '/still-here', '{}')).status).toBe(200)
    expect(t.engine.statuses()[0]!.port).toBe(t.port)

    // What the UI reads back is what is saved.
    expect((await api['settings.get']({})).retention.maxCaptures).toBe(10_000)
    expect((await api['endpoints.list']({})).map((e) => e.name)).toEqual(['Test'])

    free()
    await api['settings.update']({ ui: { theme: 'dark' } })
    t = await t.reopen()
    const again = apiOf(t.engine)
    expect((await again['settings.get']({})).retention.maxCaptures).toBe(10_000)
    expect((await again['settings.get']({})).ui.theme).toBe('dark')
    expect((await again['endpoints.list']({})).map((e) => e.name)).toEqual(['Test'])
  })
})

describe('a capture the journal refused', () => {
  it('can still be opened as listed once its segment is sealed', async () => {
    const root = await dir()
    // Segments of 10 captures.
    const history = await openHistory(root, 100)
    try {
      for (let i = 0; i < 3; i++) await history.append(record())
      const once = vi.spyOn(nodeFs, 'writeSync').mockImplementationOnce(() => {
        throw enospc()
      })
      restores.push(() => once.mockRestore())
      const refused = record()
      await expect(history.append(refused)).rejects.toThrow(/ENOSPC/)
      const answer = { status: 503, headers: [['Content-Type', 'text/plain']] as Array<[string, string]>, bodySize: 5, body: 'full\n' }
      history.notStored(refused.id, { status: 503, response: answer })
      // The rest of its segment, which fills it: it is sealed.
      for (let i = 0; i < 6; i++) await history.append(record())
      await history.setRetention({ maxCaptures: 100, maxBytes: 1024 ** 3 })
      expect(await fs.readdir(path.join(root, 'history'))).toContain('seg-000001.json')
      expect(history.summary(refused.id)?.status).toBe(503)
      expect((await history.get(refused.id))?.response?.status).toBe(503)
    } finally {
      await history.close()
    }
  })
})

describe('notices of a trouble that lasts', () => {
  it('are told once, not once per capture, attempt or seal that meets it', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const before = (await api['app.notices']({})).length
    const told: string[] = []
    t.engine.events.on('notice', (n) => void told.push(n.message))
    for (let i = 0; i < 5; i++) t.engine.notify({ level: 'error', code: 'STORE_WRITE_FAILED', message: 'A forward attempt could not be saved: ENOSPC: no space left on device, write' })
    t.engine.notify({ level: 'error', code: 'STORE_WRITE_FAILED', message: 'History maintenance failed: ENOSPC: no space left on device, write' })
    expect(told).toEqual(['A forward attempt could not be saved: ENOSPC: no space left on device, write', 'History maintenance failed: ENOSPC: no space left on device, write'])
    expect((await api['app.notices']({})).length).toBe(before + 2)
  })
})

describe('a data folder deleted while Hookscope runs', () => {
  it('acknowledges nothing more: senders get 503 saying so, the user hears to restart, and a start stores again', async () => {
    t = await startEngine()
    const { engine, url, dir: root } = t
    const api = apiOf(engine)
    expect((await post(url, '/before', '{}')).status).toBe(200)
    await fs.rm(root, { recursive: true, force: true })

    // A CONNECT is refused as ever; that it could not be stored is told.
    expect((await rawExchange(t.port, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')).responses[0]!.status).toBe(405)
    const restart = new RegExp(`^Requests are not being stored: the data folder ${root} was deleted.*Restart Hookscope`, 's')
    await vi.waitFor(async () => expect((await api['app.notices']({})).map((n) => n.message)).toContainEqual(expect.stringMatching(restart)))

    // Its line would land in a file no one can reach: not stored, so never acknowledged.
    const refused = await post(url, '/deleted', '{"n":1}')
    expect(refused.status).toBe(503)
    // The sender reads the problem in words; where the data folder lies on this machine is the user's to read.
    expect(refused.text).toBe('The request could not be stored: a file or folder of the data folder is missing (was it moved or deleted?). Send it again later.\n')
    const listed = (await api['captures.query']({ text: '/deleted' })).items
    expect(listed.map((c) => [c.target, c.status])).toEqual([['/deleted', 503]])
    const told = (await api['app.notices']({})).filter((n) => n.code === 'STORE_WRITE_FAILED').map((n) => n.message)
    expect(told).toEqual([expect.stringMatching(restart)])

    // The folder made again does not bring the deleted file back: still refused, never acknowledged.
    await fs.mkdir(path.join(root, 'history'), { recursive: true })
    expect((await post(url, '/folder-back', '{}')).status).toBe(503)

    // A start opens the folder as it is, and stores again.
    await engine.close().catch(() => undefined)
    t = await startEngine({ dir: root })
    expect((await post(t.url, '/after-restart', '{}')).status).toBe(200)
    t = await t.reopen()
    expect((await apiOf(t.engine)['captures.query']({ text: '/after-restart' })).items).toHaveLength(1)
  })

  it('tells the user to restart when the first request refused had a large body, never that storing resumes by itself', async () => {
    t = await startEngine()
    const { engine, url, dir: root } = t
    const api = apiOf(engine)
    expect((await post(url, '/before', '{}')).status).toBe(200)
    await fs.rm(root, { recursive: true, force: true })
    // Its body goes to a file of its own first, whose folder is gone: it fails before its line reaches the journal.
    expect((await post(url, '/large', `{"pad":"${'x'.repeat(100_000)}"}`)).status).toBe(503)
    const restart = new RegExp(`^Requests are not being stored: the data folder ${root} was deleted.*Restart Hookscope`, 's')
    await vi.waitFor(async () => expect((await api['app.notices']({})).some((n) => n.code === 'STORE_WRITE_FAILED')).toBe(true))
    const told = (await api['app.notices']({})).filter((n) => n.code === 'STORE_WRITE_FAILED').map((n) => n.message)
    expect(told).toEqual([expect.stringMatching(restart)])
    // Its last writes fail: closed here, and not again after the test.
    await engine.close().catch(() => undefined)
    t = null
  })
})
