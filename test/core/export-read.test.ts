// Export files answered as files: read in slices by `exports.read`, and never left behind (deleted
// once read, at close, or when a reader gives one up).
import { existsSync, promises as fsPromises } from 'node:fs'
import { readdir } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EXPORT_TEXT_MAX_BYTES, ExportFiles } from '../../electron/core/collections/export-file'
import type { ApiClient } from '../../shared/api'
import { ExportCancelled, exportList } from '../../renderer/src/workbench/list-export'
import { apiOf, nextCapture, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
testScope(() => t)
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir))
})

async function exportFiles(): Promise<{ files: ExportFiles; dir: string }> {
  const dir = await tempDir()
  dirs.push(dir)
  return { files: new ExportFiles(path.join(dir, 'exports')), dir: path.join(dir, 'exports') }
}

/** An export of `size` bytes of "a", answered as a file. */
async function largeFile(files: ExportFiles, size = EXPORT_TEXT_MAX_BYTES + 10) {
  const made = await files.create((out) => out.write('a'.repeat(size)))
  if (!('file' in made)) throw new Error('expected a file')
  return made.file
}

async function filesIn(dir: string): Promise<string[]> {
  return existsSync(dir) ? readdir(dir) : []
}

/** An engine holding one request of 2 MB, whose export is answered as a file. */
async function engineWithLargeRequest(): Promise<{ api: ApiClient; folder: string; id: string }> {
  t = await startEngine({ limits: { maxBodyBytes: 8 * 1024 * 1024 } })
  const body = Buffer.alloc(2 * 1024 * 1024, 0x61)
  const stored = nextCapture(t.engine)
  await new Promise<void>((resolve, reject) =>
    http
      .request(`${t!.url}/hook`, { method: 'POST', headers: { 'Content-Length': body.length } }, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end(body),
  )
  const { id } = await stored
  return { api: apiOf(t.engine), id, folder: path.join(t.dir, 'blobs', 'tmp', 'exports') }
}

describe('export files', () => {
  it('closing the engine deletes the export files not read yet', async () => {
    const { api, id, folder } = await engineWithLargeRequest()
    const exported = await api['captures.export']({ ids: [id], format: 'har' })
    expect(exported.file).toBeDefined()
    expect(await filesIn(folder)).toEqual([exported.file!.id])
    await t!.engine.close()
    expect(await filesIn(folder)).toEqual([])
  })

  it('an export being written when they close stops, and leaves no file', async () => {
    const { files, dir } = await exportFiles()
    let wrote!: () => void
    const first = new Promise<void>((resolve) => (wrote = resolve))
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const made = files.create(async (out) => {
      await out.write('a'.repeat(EXPORT_TEXT_MAX_BYTES + 10))
      wrote()
      await held
      await out.write('more')
    })
    await first
    const closed = files.close()
    release()
    await expect(made).rejects.toMatchObject({ code: 'ENGINE_CLOSED' })
    await closed
    expect(await filesIn(dir)).toEqual([])
    await expect(files.create((out) => out.write('x'))).rejects.toMatchObject({ code: 'ENGINE_CLOSED' })
  })

  it('a read past the end is refused, and the file stays for the reads still owed', async () => {
    const { files, dir } = await exportFiles()
    const file = await largeFile(files)
    await expect(files.read(file.id, file.size + 1, 10)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(await filesIn(dir)).toEqual([file.id])
    const first = await files.read(file.id, 0, file.size - 1)
    const last = await files.read(file.id, file.size - 1, 10)
    expect([first.size, last.size, last.totalSize]).toEqual([file.size - 1, 1, file.size])
    expect(await filesIn(dir)).toEqual([])
  })
})

describe('export files read in overlapping slices', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('the read of the last byte deletes the file only once the reads before it are done', async () => {
    const { files, dir } = await exportFiles()
    const file = await largeFile(files)
    // The first slice's file is opened only once the last slice was read (and the file deleted, before).
    let lastRead!: () => void
    const last = new Promise<void>((resolve) => (lastRead = resolve))
    const open = fsPromises.open.bind(fsPromises)
    let first = true
    vi.spyOn(fsPromises, 'open').mockImplementation(async (...args: Parameters<typeof fsPromises.open>) => {
      if (args[1] === 'r' && first) {
        first = false
        await last
      }
      return open(...args)
    })
    const head = files.read(file.id, 0, file.size - 1)
    const tail = await files.read(file.id, file.size - 1, 1)
    lastRead()
    const slice = await head
    expect([slice.size, Buffer.from(slice.base64, 'base64').equals(Buffer.alloc(file.size - 1, 0x61)), tail.size]).toEqual([file.size - 1, true, 1])
    await vi.waitFor(async () => expect(await filesIn(dir)).toEqual([]))
  })
})

describe('a traffic list export cancelled', () => {

  for (const [when, method] of [
    ['while its file is read', 'exports.read'],
    ['while the engine writes its file', 'captures.export'],
  ] as const) {
    it(`${when} leaves no file in the engine`, async () => {
      const { api, folder } = await engineWithLargeRequest()
      const controller = new AbortController()
      const answered: Array<Promise<unknown>> = []
      // The user cancels as the call goes out: the engine still answers it.
      const cancelling = new Proxy(api, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver)
          if (key !== method || typeof value !== 'function') return value
          return (input: unknown) => {
            const call = (value as (input: unknown) => Promise<unknown>)(input)
            answered.push(call.catch(() => undefined))
            controller.abort()
            return call
          }
        },
      })
      const exported = exportList(cancelling, { query: {}, format: 'har', signal: controller.signal, onProgress: () => undefined })
      await expect(exported).rejects.toBeInstanceOf(ExportCancelled)
      await Promise.all(answered)
      await vi.waitFor(async () => expect(await filesIn(folder)).toEqual([]))
    })
  }
})
