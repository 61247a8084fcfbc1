import { execFile } from 'node:child_process'
import nodeFs, { promises as fs } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import harValidator from 'har-validator'
import { Collection as PostmanCollection } from 'postman-collection'
import Stripe from 'stripe'
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { describe, expect, it, vi } from 'vitest'
import { childrenOf, type CollectionTree, type RunState } from '../../shared/collections'
import { dispatch } from '../../shared/api'
import { apiOf, nextCapture, rawExchange, startEngine, type TestEngine } from '../helpers/engine'
import { exportedText } from '../helpers/exports'
import { testScope } from '../helpers/scope'
import { selfSignedTarget } from '../helpers/targets'

const run = promisify(execFile)
let t: TestEngine | null = null
const scope = testScope(() => t)
const target = scope.target

const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

/** Capture two requests: a JSON one and a binary one with duplicate, oddly-cased headers. */
async function captureTwo(e: TestEngine): Promise<[string, string]> {
  const first = nextCapture(e.engine)
  await rawExchange(e.port, 'POST /hooks/json?x=1 HTTP/1.1\r\nHost: hooks.example\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"type":"ping"}')
  const a = await first
  const second = nextCapture(e.engine)
  await rawExchange(e.port, [
    `PUT /upload HTTP/1.1\r\nHost: hooks.example\r\nx-DUP: one\r\nContent-Type: application/octet-stream\r\nX-Dup: two\r\nContent-Length: ${binary.length}\r\n\r\n`,
    binary,
  ])
  const b = await second
  return [a.id, b.id]
}

/** A collection whose top level shows `A, F1 (holding x), B, F2, C`: folders placed between requests, as a Postman file places them. */
async function interleaved(api: ReturnType<typeof apiOf>) {
  const request = (name: string) => ({ name, request: { method: 'POST', url: `http://hooks.example/${name}` } })
  const postman = {
    info: { name: 'Interleaved', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [request('A'), { name: 'F1', item: [request('x')] }, request('B'), { name: 'F2', item: [] }, request('C')],
  }
  const collection = await api['collections.import']({ format: 'postman', text: JSON.stringify(postman) })
  type Outline = Array<string | Record<string, Outline>>
  const outline = (tree: CollectionTree, parent: string | null = null): Outline =>
    childrenOf(tree, parent).map((entry) => (entry.kind === 'item' ? entry.item.name : { [entry.folder.name]: outline(tree, entry.folder.id) }))
  const ref = (name: string): { kind: 'item' | 'folder'; id: string } => {
    const folder = collection.folders.find((f) => f.name === name)
    return folder ? { kind: 'folder', id: folder.id } : { kind: 'item', id: collection.items.find((i) => i.name === name)!.id }
  }
  return { collection, outline, ref }
}

describe('collections', () => {
  it('refuse an item update made from a version that was changed since, changing nothing, so that two windows do not silently overwrite each other', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Shared' })
    const draft = (url: string) => ({ method: 'POST' as const, url, headers: [], bodyBase64: '' })
    const saved = await api['collections.saveItem']({ id: c.id, from: { draft: draft('http://app.example/original') }, name: 'hook' })
    // Both windows opened it; the first saves its change.
    const first = await api['collections.updateItem']({ id: c.id, itemId: saved.id, patch: {}, request: draft('http://app.example/first'), ifUpdatedAt: saved.updatedAt })
    const afterFirst = first.items.find((i) => i.id === saved.id)!
    expect(afterFirst.request.url).toBe('http://app.example/first')
    // Even within the same millisecond, the change gives the item a version of its own.
    expect(afterFirst.updatedAt).toBeGreaterThan(saved.updatedAt)
    // The second, from the version it opened, is refused and changes nothing.
    const stale = await dispatch(t.engine.handlers(), 'collections.updateItem', { id: c.id, itemId: saved.id, patch: { name: 'renamed' }, request: draft('http://app.example/second'), ifUpdatedAt: saved.updatedAt })
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: '"hook" was changed elsewhere since it was opened.' } })
    const item = await api['collections.item']({ id: c.id, itemId: saved.id })
    expect([item.name, item.request.url, item.updatedAt]).toEqual(['hook', 'http://app.example/first', afterFirst.updatedAt])
    // Told to overwrite (no version given), or from the version now stored, it saves.
    const overwritten = await api['collections.updateItem']({ id: c.id, itemId: saved.id, patch: {}, request: draft('http://app.example/second') })
    const now = overwritten.items.find((i) => i.id === saved.id)!
    expect(now.request.url).toBe('http://app.example/second')
    const again = await api['collections.updateItem']({ id: c.id, itemId: saved.id, patch: {}, request: draft('http://app.example/third'), ifUpdatedAt: now.updatedAt })
    expect(again.items.find((i) => i.id === saved.id)!.request.url).toBe('http://app.example/third')
  })

  it('never accept a save into a collection being deleted and then lose it', async () => {
    t = await startEngine()
    const [jsonId, binId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const collection = await api['collections.create']({ name: 'Going' })
    const first = await api['collections.saveItem']({ id: collection.id, from: { captureId: jsonId } })
    // Hold the delete while it puts the collection in the trash.
    const realMkdir = nodeFs.promises.mkdir
    let held!: () => void
    let release!: () => void
    const holding = new Promise<void>((resolve) => (held = resolve))
    const released = new Promise<void>((resolve) => (release = resolve))
    const mkdir = vi.spyOn(nodeFs.promises, 'mkdir').mockImplementation((async (dir: nodeFs.PathLike, options?: nodeFs.MakeDirectoryOptions) => {
      if (String(dir).endsWith('.trash')) {
        held()
        await released
      }
      return realMkdir(dir, options)
    }) as typeof realMkdir)
    let removing: Promise<unknown>
    try {
      removing = api['collections.remove']({ id: collection.id })
      await holding
      // Another window saves into it meanwhile: refused, saying why, not accepted and then lost.
      const during = await Promise.allSettled([api['collections.saveItem']({ id: collection.id, from: { captureId: binId } })])
      expect(during[0]!.status).toBe('rejected')
      expect(String((during[0] as PromiseRejectedResult).reason)).toMatch(/No collection with id/)
    } finally {
      release()
      mkdir.mockRestore()
    }
    await removing
    const restored = await api['collections.restore']({ id: collection.id })
    expect(restored.items.map((item) => item.id)).toEqual([first.id])
  })

  it('keep exact requests in plain, stable, pretty-printed files that survive a restart', async () => {
    t = await startEngine()
    const [jsonId, binId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const collection = await api['collections.create']({ name: 'Checkout bug' })
    const folder = await api['collections.addFolder']({ id: collection.id, name: 'Stripe' })
    const folderId = folder.folders[0]!.id
    const one = await api['collections.saveItem']({ id: collection.id, folderId, from: { captureId: jsonId }, notes: 'reproduces #42', tags: ['stripe'] })
    const two = await api['collections.saveItem']({ id: collection.id, from: { captureId: binId } })
    expect(one.request.headers).toEqual([
      ['Host', 'hooks.example'],
      ['Content-Type', 'application/json'],
      ['Content-Length', '15'],
    ])
    expect(one.request.body).toEqual({ encoding: 'utf8', size: 15 })
    expect((await api['collections.item']({ id: collection.id, itemId: one.id })).request.body).toEqual({ encoding: 'utf8', data: '{"type":"ping"}' })
    // The endpoint it came to, whose address its URL names: told to be gone once it is removed.
    expect(one.source).toEqual({ kind: 'capture', id: jsonId, endpointId: t.endpointId })
    expect(two.request.body).toEqual({ encoding: 'base64', size: binary.length })
    const twoWhole = (await api['collections.item']({ id: collection.id, itemId: two.id })).request
    expect(twoWhole.body).toEqual({ encoding: 'base64', data: binary.toString('base64') })
    expect(two.request.headers.filter(([n]) => n.toLowerCase() === 'x-dup')).toEqual([
      ['x-DUP', 'one'],
      ['X-Dup', 'two'],
    ])
    const file = path.join(t.dir, 'collections', `${collection.id}.json`)
    const text = await fs.readFile(file, 'utf8')
    expect(text).toMatch(/^\{\n {2}"schemaVersion": 1,\n {2}"data": \{\n {4}"id": /)
    expect(text).toContain('"data": "{\\"type\\":\\"ping\\"}"')
    // The same content always serializes the same way: key order comes from the schema.
    await api['collections.updateItem']({ id: collection.id, itemId: one.id, patch: { tags: ['stripe'] } })
    const again = await fs.readFile(file, 'utf8')
    expect(again.replace(/"updatedAt": \d+/g, '')).toBe(text.replace(/"updatedAt": \d+/g, ''))
    t = await t.reopen()
    const back = await apiOf(t.engine)['collections.get']({ id: collection.id })
    expect(back.items.map((i) => i.id)).toEqual([one.id, two.id])
    expect(back.items[1]!.request).toEqual(two.request)
    expect((await apiOf(t.engine)['collections.item']({ id: collection.id, itemId: two.id })).request).toEqual(twoWhole)
    expect(back.folders).toEqual([{ id: folderId, name: 'Stripe', parentId: null }])
  })

  it('keep a capture with a binary body of several megabytes, through export, import and a restart', async () => {
    t = await startEngine()
    const body = Buffer.alloc(12 * 1024 * 1024)
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919 + (i >> 11)) & 0xff
    const done = nextCapture(t.engine)
    await fetch(t.url + 'big-binary', { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } })
    const captured = await done
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Large' })
    const item = await api['collections.saveItem']({ id: c.id, from: { captureId: captured.id } })
    // The answer names the body's size; collections.item brings its bytes.
    expect(item.request.body).toEqual({ encoding: 'base64', size: body.length })
    expect((await api['collections.item']({ id: c.id, itemId: item.id })).request.body).toEqual({ encoding: 'base64', data: body.toString('base64') })
    const har = await api['collections.export']({ id: c.id, format: 'har' })
    // Several megabytes: answered as a file to read.
    expect(har.file).toBeDefined()
    const copy = await api['collections.import']({ format: 'har', text: await exportedText(api, har) })
    expect((await api['collections.item']({ id: copy.id, itemId: copy.items[0]!.id })).request.body.data).toBe(body.toString('base64'))
    t = await t.reopen()
    const back = await apiOf(t.engine)['collections.item']({ id: c.id, itemId: item.id })
    expect(Buffer.from(back.request.body.data, 'base64').equals(body)).toBe(true)
  })

  it('answer every change with the tree, whose items carry their body’s size and never its bytes; collections.item brings the exact bytes', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    // A large text body (not all ASCII) and a binary one that is not UTF-8.
    const text = `{"note":"café ✓ 🦊","pad":"${'BODYBYTES'.repeat(20_000)}"}`
    const bytes = Buffer.concat([binary, Buffer.from('BODYBYTES'.repeat(20_000))])
    const draft = (body: Buffer) => ({ method: 'POST' as const, url: 'http://127.0.0.1:9/hook', headers: [['Content-Type', 'application/json']] as Array<[string, string]>, bodyBase64: body.toString('base64') })
    const c = await api['collections.create']({ name: 'Large' })
    const textItem = await api['collections.saveItem']({ id: c.id, from: { draft: draft(Buffer.from(text)) } })
    const binItem = await api['collections.saveItem']({ id: c.id, from: { draft: draft(bytes) } })
    const folder = (await api['collections.addFolder']({ id: c.id, name: 'Kept' })).folders[0]!.id
    const answers: Array<[string, unknown]> = [
      ['saveItem', textItem],
      ['get', await api['collections.get']({ id: c.id })],
      ['rename', await api['collections.rename']({ id: c.id, name: 'Larger' })],
      ['renameFolder', await api['collections.renameFolder']({ id: c.id, folderId: folder, name: 'Still kept' })],
      ['moveItem', await api['collections.moveItem']({ id: c.id, itemId: binItem.id, folderId: folder, index: 0 })],
      ['moveFolder', await api['collections.moveFolder']({ id: c.id, folderId: folder, parentId: null, index: 0 })],
      ['updateItem', await api['collections.updateItem']({ id: c.id, itemId: textItem.id, patch: { name: 'Renamed', notes: 'kept as sent', tags: ['big'], signature: null } })],
      ['search', await api['collections.search']({ text: 'BODYBYTES' })],
      ['removeItem', await api['collections.removeItem']({ id: c.id, itemId: binItem.id })],
      ['undo', await api['collections.undo']({ id: c.id })],
      ['import', await api['collections.import']({ format: 'hookscope', text: (await api['collections.export']({ id: c.id, format: 'hookscope' })).text, name: 'Copy' })],
    ]
    await api['collections.remove']({ id: c.id })
    answers.push(['restore', await api['collections.restore']({ id: c.id })])
    for (const [method, answer] of answers) {
      const json = JSON.stringify(answer)
      expect(json, method).not.toContain('BODYBYTES')
      expect(json, method).not.toContain('café')
      expect(json.length, method).toBeLessThan(4096)
    }
    const tree = await api['collections.get']({ id: c.id })
    expect(tree.items.find((i) => i.id === textItem.id)!.request.body).toEqual({ encoding: 'utf8', size: Buffer.byteLength(text) })
    expect(tree.items.find((i) => i.id === binItem.id)!.request.body).toEqual({ encoding: 'base64', size: bytes.length })
    // Found by its text body (in this collection and the imported copy), answered with its size.
    expect((await api['collections.search']({ text: 'BODYBYTES' })).map((hit) => hit.item.request.body)).toEqual([0, 1].map(() => ({ encoding: 'utf8', size: Buffer.byteLength(text) })))

    // The exact bytes, text and binary, through a restart too; a change of name, notes, tags or
    // re-signing never touches them.
    const exact = async () => {
      const [one, two] = await Promise.all([textItem, binItem].map((item) => apiOf(t!.engine)['collections.item']({ id: c.id, itemId: item.id })))
      expect(one!.request.body).toEqual({ encoding: 'utf8', data: text })
      expect(one!.name).toBe('Renamed')
      expect(Buffer.from(two!.request.body.data, 'base64').equals(bytes)).toBe(true)
      expect(two!.request.body.encoding).toBe('base64')
    }
    await exact()
    await api['collections.updateItem']({ id: c.id, itemId: binItem.id, patch: { name: 'Binary', notes: 'n', tags: ['x'] } })
    await exact()
    t = await t.reopen()
    await exact()
    expect(await apiOf(t.engine)['collections.item']({ id: c.id, itemId: 'itm_gone' }).catch((error: Error) => error.message)).toMatch(/No item itm_gone/)
  })

  it('organizes: rename, move and reorder, search, delete with undo, restore a deleted collection', async () => {
    t = await startEngine()
    const [jsonId, binId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Work' })
    const a = await api['collections.saveItem']({ id: c.id, from: { captureId: jsonId }, name: 'A' })
    const b = await api['collections.saveItem']({ id: c.id, from: { captureId: binId }, name: 'B' })
    const withFolder = await api['collections.addFolder']({ id: c.id, name: 'Later' })
    const folderId = withFolder.folders[0]!.id
    let moved = await api['collections.moveItem']({ id: c.id, itemId: b.id, folderId: null, index: 0 })
    expect(moved.items.map((i) => i.name)).toEqual(['B', 'A'])
    moved = await api['collections.moveItem']({ id: c.id, itemId: a.id, folderId, index: 0 })
    expect(moved.items.find((i) => i.id === a.id)!.folderId).toBe(folderId)
    expect((await api['collections.rename']({ id: c.id, name: 'Renamed' })).name).toBe('Renamed')
    expect((await api['collections.search']({ text: 'PING' })).map((h) => h.item.name)).toEqual(['A'])
    expect((await api['collections.search']({ text: 'x-dup' })).map((h) => h.item.name)).toEqual(['B'])
    const afterDelete = await api['collections.removeFolder']({ id: c.id, folderId })
    expect(afterDelete.items.map((i) => i.name)).toEqual(['B'])
    const undone = await api['collections.undo']({ id: c.id })
    expect(undone.items.map((i) => i.name).sort()).toEqual(['A', 'B'])
    await api['collections.remove']({ id: c.id })
    expect(await api['collections.list']({})).toEqual([])
    const restored = await api['collections.restore']({ id: c.id })
    expect(restored.items).toHaveLength(2)
    expect((await api['collections.list']({})).map((s) => s.name)).toEqual(['Renamed'])
    // Its creation time, which tells apart collections that share a name.
    expect((await api['collections.list']({}))[0]!.createdAt).toBe(restored.createdAt)
  })

  it('lists deleted collections after a restart, most recently deleted first, to restore or delete for good', async () => {
    t = await startEngine()
    let api = apiOf(t.engine)
    const first = await api['collections.create']({ name: 'First' })
    await api['collections.saveItem']({ id: first.id, from: { draft: { method: 'POST', url: 'http://127.0.0.1:1/a', headers: [], bodyBase64: '' } }, name: 'A' })
    await api['collections.addFolder']({ id: first.id, name: 'F' })
    const second = await api['collections.create']({ name: 'Second' })
    await api['collections.remove']({ id: first.id })
    await api['collections.remove']({ id: second.id })
    const trash = path.join(t.dir, 'collections', '.trash')
    await fs.utimes(path.join(trash, `${first.id}.json`), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    await fs.writeFile(path.join(trash, 'col_damaged.json'), '{ not json')
    t = await t.reopen()
    api = apiOf(t.engine)
    const listed = await api['collections.trash']({})
    expect(listed.map(({ id, name, itemCount, folderCount }) => ({ id, name, itemCount, folderCount }))).toEqual([
      { id: second.id, name: 'Second', itemCount: 0, folderCount: 0 },
      { id: first.id, name: 'First', itemCount: 1, folderCount: 1 },
    ])
    expect(listed[1]!.deletedAt).toBeLessThan(listed[0]!.deletedAt)
    expect((await api['collections.restore']({ id: first.id })).items.map((i) => i.name)).toEqual(['A'])
    await api['collections.purge']({ id: second.id })
    expect(await api['collections.trash']({})).toEqual([])
    await expect(api['collections.restore']({ id: second.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(api['collections.purge']({ id: second.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(api['collections.purge']({ id: '../settings' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect((await api['collections.list']({})).map((c) => c.name)).toEqual(['First'])
  })

  it('undo puts back what was deleted and keeps what changed since', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'U' })
    const draft = { method: 'POST' as const, url: 'http://127.0.0.1:1/a', headers: [], bodyBase64: '' }
    const a = await api['collections.saveItem']({ id: c.id, from: { draft }, name: 'A' })
    await api['collections.saveItem']({ id: c.id, from: { draft }, name: 'B' })
    await api['collections.removeItem']({ id: c.id, itemId: a.id })
    await api['collections.saveItem']({ id: c.id, from: { draft }, name: 'C, saved after the delete' })
    await api['collections.rename']({ id: c.id, name: 'Renamed after the delete' })
    const undone = await api['collections.undo']({ id: c.id })
    expect(undone.name).toBe('Renamed after the delete')
    expect(undone.items.map((i) => i.name)).toEqual(['A', 'B', 'C, saved after the delete'])
  })

  it('moves a request or a folder one place at a time among its siblings, requests and folders alike, as the tree shows them', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const { collection, outline, ref } = await interleaved(api)
    const move = async (name: string, parent: string | null, index: number) =>
      outline(await api['collections.moveEntry']({ id: collection.id, entry: ref(name), parentId: parent === null ? null : ref(parent).id, index }))
    expect(outline(collection)).toEqual(['A', { F1: ['x'] }, 'B', { F2: [] }, 'C'])
    // A request steps past a folder, and a folder past a request, one place at a time.
    expect(await move('A', null, 1)).toEqual([{ F1: ['x'] }, 'A', 'B', { F2: [] }, 'C'])
    expect(await move('A', null, 2)).toEqual([{ F1: ['x'] }, 'B', 'A', { F2: [] }, 'C'])
    expect(await move('A', null, 3)).toEqual([{ F1: ['x'] }, 'B', { F2: [] }, 'A', 'C'])
    expect(await move('F2', null, 1)).toEqual([{ F1: ['x'] }, { F2: [] }, 'B', 'A', 'C'])
    expect(await move('F1', null, 1)).toEqual([{ F2: [] }, { F1: ['x'] }, 'B', 'A', 'C'])
    expect(await move('F1', null, 4)).toEqual([{ F2: [] }, 'B', 'A', 'C', { F1: ['x'] }])
    expect(await move('C', null, 0)).toEqual(['C', { F2: [] }, 'B', 'A', { F1: ['x'] }])
    // Into and out of a folder, at a place among its children; the parent left keeps its order.
    expect(await move('B', 'F1', 0)).toEqual(['C', { F2: [] }, 'A', { F1: ['B', 'x'] }])
    expect(await move('F2', 'F1', 1)).toEqual(['C', 'A', { F1: ['B', { F2: [] }, 'x'] }])
    expect(await move('x', null, 1)).toEqual(['C', 'x', 'A', { F1: ['B', { F2: [] }] }])
    // Kept through a restart, as the Postman export writes it.
    t = await t.reopen()
    const again = apiOf(t.engine)
    expect(outline(await again['collections.get']({ id: collection.id }))).toEqual(['C', 'x', 'A', { F1: ['B', { F2: [] }] }])
    await expect(again['collections.moveEntry']({ id: collection.id, entry: ref('F1'), parentId: ref('F2').id, index: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(again['collections.moveEntry']({ id: collection.id, entry: { kind: 'item', id: 'itm_gone' }, parentId: null, index: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('undo of a deleted folder or request restores the tree exactly as it was, every sibling in its place', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const { collection, outline, ref } = await interleaved(api)
    const id = collection.id
    const start = ['A', { F1: ['x'] }, 'B', { F2: [] }, 'C']
    const undo = async () => outline(await api['collections.undo']({ id }))
    expect(outline(await api['collections.removeFolder']({ id, folderId: ref('F1').id }))).toEqual(['A', 'B', { F2: [] }, 'C'])
    expect(await undo()).toEqual(start)
    expect(outline(await api['collections.removeItem']({ id, itemId: ref('A').id }))).toEqual([{ F1: ['x'] }, 'B', { F2: [] }, 'C'])
    expect(await undo()).toEqual(start)
    // Several deletions, undone one by one, the last first.
    await api['collections.removeItem']({ id, itemId: ref('B').id })
    await api['collections.removeFolder']({ id, folderId: ref('F2').id })
    expect(outline(await api['collections.removeItem']({ id, itemId: ref('x').id }))).toEqual(['A', { F1: [] }, 'C'])
    expect(await undo()).toEqual(['A', { F1: ['x'] }, 'C'])
    expect(await undo()).toEqual(['A', { F1: ['x'] }, { F2: [] }, 'C'])
    expect(await undo()).toEqual(start)
    // What moved since stays where it went; what comes back goes beside the entries it followed.
    await api['collections.removeFolder']({ id, folderId: ref('F1').id })
    await api['collections.moveEntry']({ id, entry: ref('C'), parentId: null, index: 0 })
    expect(await undo()).toEqual(['C', 'A', { F1: ['x'] }, 'B', { F2: [] }])
    // As stored: the same after a restart.
    t = await t.reopen()
    expect(outline(await apiOf(t.engine)['collections.get']({ id }))).toEqual(['C', 'A', { F1: ['x'] }, 'B', { F2: [] }])
  })

  it('empties the trash at start: deleted collections older than 30 days, and beyond the 100 most recent, are removed', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const recent = await api['collections.create']({ name: 'Recent' })
    const old = await api['collections.create']({ name: 'Old' })
    await api['collections.remove']({ id: recent.id })
    await api['collections.remove']({ id: old.id })
    const trash = path.join(t.dir, 'collections', '.trash')
    const day = 24 * 60 * 60_000
    const at = (ms: number) => new Date(ms)
    await fs.utimes(path.join(trash, `${old.id}.json`), at(Date.now() - 31 * day), at(Date.now() - 31 * day))
    // 100 more deleted a day or two ago, each a minute before the next: with Recent, one too many.
    const content = await fs.readFile(path.join(trash, `${recent.id}.json`), 'utf8')
    const fillers = Array.from({ length: 100 }, (_, i) => `col_filler${String(i).padStart(3, '0')}`)
    for (const [i, id] of fillers.entries()) {
      const file = path.join(trash, `${id}.json`)
      await fs.writeFile(file, content)
      await fs.utimes(file, at(Date.now() - day - i * 60_000), at(Date.now() - day - i * 60_000))
    }
    await fs.writeFile(path.join(trash, 'notes.txt'), 'not a collection')
    t = await t.reopen()
    const left = (await fs.readdir(trash)).sort()
    expect(left).toEqual([...fillers.slice(0, 99).map((id) => `${id}.json`), `${recent.id}.json`, 'notes.txt'].sort())
    expect((await apiOf(t.engine)['collections.restore']({ id: recent.id })).name).toBe('Recent')
    await expect(apiOf(t.engine)['collections.restore']({ id: old.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('sets aside a damaged collection file with a clear message, without touching the others', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const good = await api['collections.create']({ name: 'Good' })
    const bad = await api['collections.create']({ name: 'Bad' })
    await t.engine.close()
    await fs.writeFile(path.join(t.dir, 'collections', `${bad.id}.json`), '{"schemaVersion":1,"data":{"id":')
    await fs.rm(path.join(t.dir, 'collections', '.backup', `${bad.id}.json.bak`))
    const reopened = await startEngine({ dir: t.dir })
    t = reopened
    const names = (await apiOf(t.engine)['collections.list']({})).map((s) => s.name)
    expect(names).toContain('Good')
    const notices = await apiOf(t.engine)['app.notices']({})
    expect(notices.some((n) => n.code === 'DOCUMENT_CORRUPT' && n.message.includes(`${bad.id}.json was damaged`))).toBe(true)
    const damaged = await fs.readdir(path.join(t.dir, 'collections', '.damaged'))
    expect(damaged.some((name) => name.startsWith(`${bad.id}.json.corrupt-`))).toBe(true)
    expect((await apiOf(t.engine)['collections.get']({ id: good.id })).name).toBe('Good')
  })
})

describe('where a saved, replayed or exported capture points', () => {
  it('at the endpoint it reached, never at the host its sender wrote in Host', async () => {
    t = await startEngine()
    await rawExchange(t.port, 'POST /hooks/pay?x=1 HTTP/1.1\r\nHost: 203.0.113.7:8443\r\nContent-Length: 2\r\n\r\n{}')
    const id = t.engine.history.query({}).items[0]!.id
    const api = apiOf(t.engine)
    const local = `http://127.0.0.1:${t.port}/hooks/pay?x=1`
    const c = await api['collections.create']({ name: 'Kept' })
    const item = await api['collections.saveItem']({ id: c.id, from: { captureId: id } })
    expect(item.request.url).toBe(local)
    expect((await api['replay.draft']({ captureId: id })).url).toBe(local)
    const har = JSON.parse((await api['captures.export']({ ids: [id], format: 'har' })).text)
    expect(har.log.entries[0].request.url).toBe(local)
    // The Host header itself is kept as it came.
    expect(item.request.headers[0]).toEqual(['Host', '203.0.113.7:8443'])
  })
})

describe('importing a Hookscope file that is not a well-formed collection', () => {
  const request = { method: 'GET', url: 'http://127.0.0.1:1/x', headers: [], body: { encoding: 'utf8', data: '' } }
  const item = (id: string, folderId: string | null) => ({ id, name: id, folderId, request, signature: null, notes: '', tags: [], source: { kind: 'import', id: null }, createdAt: 1, updatedAt: 1 })
  const file = (folders: unknown[], items: unknown[]) => JSON.stringify({ schemaVersion: 1, data: { id: 'c', name: 'hostile', createdAt: 1, updatedAt: 1, folders, items } })

  it.each([
    ['a folder inside itself', file([{ id: 'F', name: 'a', parentId: null }, { id: 'F', name: 'b', parentId: 'F' }], [item('i1', 'F')]), /two folders have the id F/],
    ['folders inside each other', file([{ id: 'A', name: 'a', parentId: 'B' }, { id: 'B', name: 'b', parentId: 'A' }], []), /inside itself/],
    ['an item in a folder that does not exist', file([], [item('i1', 'nowhere')]), /folder nowhere does not exist/],
    ['two items with one id', file([], [item('i1', null), item('i1', null)]), /two items have the id i1/],
    ['a body that is not base64', file([], [{ ...item('i1', null), request: { ...request, body: { encoding: 'base64', data: '!!not*base64' } } }]), /not valid base64/],
  ])('refuses %s, saying why, and imports nothing', async (_case, text, reason) => {
    t = await startEngine()
    const api = apiOf(t.engine)
    await expect(api['collections.import']({ format: 'hookscope', text })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(reason) })
    expect(await api['collections.list']({})).toEqual([])
  })
})

describe('import and export', () => {
  it('HAR: exports a valid HAR 1.2 and imports it back with headers and binary bodies intact', async () => {
    t = await startEngine()
    const [jsonId, binId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'HAR' })
    await api['collections.saveItem']({ id: c.id, from: { captureId: jsonId } })
    await api['collections.saveItem']({ id: c.id, from: { captureId: binId } })
    const file = await api['collections.export']({ id: c.id, format: 'har' })
    expect(file.filename).toBe('HAR.har')
    await expect(harValidator.har(JSON.parse(file.text))).resolves.toBeTruthy()
    const imported = await api['collections.import']({ format: 'har', text: file.text })
    const original = await api['collections.get']({ id: c.id })
    expect(imported.items.map((i) => i.request)).toEqual(original.items.map((i) => i.request))
  })

  it('HAR of captures carries the responses that were recorded', async () => {
    const app = await target((_req, res) => {
      res.writeHead(201, { 'X-App': 'yes' })
      res.end('made')
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { forward: { mode: 'proxy', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    const settled = new Promise<string>((resolve) =>
      t!.engine.events.on('capture:updated', (s) => {
        if (s.forward?.state === 'delivered') resolve(s.id)
      }),
    )
    await fetch(t.url + 'with-response', { method: 'POST', body: 'x' })
    const id = await settled
    const file = await apiOf(t.engine)['captures.export']({ ids: [id], format: 'har' })
    const har = JSON.parse(file.text)
    await expect(harValidator.har(har)).resolves.toBeTruthy()
    expect(har.log.entries[0].response.status).toBe(201)
    expect(har.log.entries[0].response.content.text).toBe('made')
  })

  it('HAR of captures carries the answer Hookscope itself gave the sender, body included, even once a delivery got another', async () => {
    const app = await target((_req, res) => {
      res.writeHead(202, { 'Content-Type': 'text/plain' })
      res.end('queued by the app')
    })
    t = await startEngine()
    const rule = { status: 201, headers: [['Content-Type', 'text/plain; charset=utf-8'] as [string, string]], body: 'reçu\n', delayMs: 0 }
    await t.engine.updateEndpoint(t.endpointId, { response: rule, forward: { mode: 'async', targets: [{ id: 'app', url: app.url, paused: false }], defaultTargetId: 'app' } })
    const delivered = new Promise<string>((resolve) =>
      t!.engine.events.on('capture:updated', (s) => {
        if (s.forward?.state === 'delivered') resolve(s.id)
      }),
    )
    const answered = await fetch(t.url + 'async', { method: 'POST', body: 'x' })
    expect(await answered.text()).toBe('reçu\n')
    const id = await delivered
    const har = JSON.parse((await apiOf(t.engine)['captures.export']({ ids: [id], format: 'har' })).text)
    await expect(harValidator.har(har)).resolves.toBeTruthy()
    expect(har.log.entries[0].response).toMatchObject({ status: 201, statusText: 'Created', bodySize: 6, content: { size: 6, mimeType: 'text/plain; charset=utf-8', text: 'reçu\n' } })
  })

  it('Postman v2.1: loads in the official SDK and comes back equal', async () => {
    t = await startEngine()
    const [jsonId, binId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Postman' })
    await api['collections.saveItem']({ id: c.id, from: { captureId: jsonId }, name: 'JSON ping' })
    await api['collections.saveItem']({ id: c.id, from: { captureId: binId }, name: 'Binary upload' })
    const file = await api['collections.export']({ id: c.id, format: 'postman' })
    const sdk = new PostmanCollection(JSON.parse(file.text))
    const names: string[] = []
    sdk.forEachItem((item) => {
      names.push(item.name)
    })
    expect(names).toEqual(['JSON ping', 'Binary upload'])
    const first = sdk.items.idx(0) as unknown as { request: { method: string; url: { toString(): string } } }
    expect(first.request.method).toBe('POST')
    expect(first.request.url.toString()).toBe(`http://127.0.0.1:${t.port}/hooks/json?x=1`)
    const imported = await api['collections.import']({ format: 'postman', text: JSON.stringify(sdk.toJSON()) })
    expect(imported.name).toBe('Postman')
    expect(imported.items.map((i) => i.request)).toEqual((await api['collections.get']({ id: c.id })).items.map((i) => i.request))
  })

  it('Postman v2.1: folders export as item groups and import back as the same folders, in order', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    let c = await api['collections.create']({ name: 'Tree' })
    c = await api['collections.addFolder']({ id: c.id, name: 'Orders', parentId: null })
    const orders = c.folders[0]!.id
    c = await api['collections.addFolder']({ id: c.id, name: 'Admin', parentId: orders })
    const admin = c.folders[1]!.id
    const save = (name: string, folderId: string | null) =>
      api['collections.saveItem']({ id: c.id, folderId, from: { draft: { method: 'GET', url: `http://hooks.example/${name}`, headers: [], bodyBase64: '' } }, name })
    await save('top', null)
    await save('create', orders)
    await save('login', admin)
    const file = await api['collections.export']({ id: c.id, format: 'postman' })
    const sdk = new PostmanCollection(JSON.parse(file.text))
    const paths: string[] = []
    sdk.forEachItem((item) => {
      const folders: string[] = []
      for (let parent = item.parent() as unknown as { name?: string; parent(): unknown } | undefined; parent && parent !== (sdk as unknown); parent = parent.parent() as typeof parent) folders.unshift(parent.name!)
      paths.push([...folders, item.name].join(' > '))
    })
    expect(paths).toEqual(['top', 'Orders > create', 'Orders > Admin > login'])
    const imported = await api['collections.import']({ format: 'postman', text: JSON.stringify(sdk.toJSON()) })
    expect(imported.folders.map((f) => f.name)).toEqual(['Orders', 'Admin'])
    const [importedOrders, importedAdmin] = imported.folders
    expect(importedOrders!.parentId).toBeNull()
    expect(importedAdmin!.parentId).toBe(importedOrders!.id)
    expect(imported.items.map((i) => [i.name, i.folderId])).toEqual([
      ['top', null],
      ['create', importedOrders!.id],
      ['login', importedAdmin!.id],
    ])
  })

  it('Postman v2.1: import keeps requests and folders in the file\'s order, with descriptions, empty folders too', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const request = (name: string) => ({ name, request: { method: 'POST', url: `http://hooks.example/${name}` } })
    const postman = {
      info: { name: 'Interleaved', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [
        request('first'),
        { name: 'Orders', description: 'Order webhooks, **in order**', item: [request('created'), { name: 'Empty', description: { content: 'Nothing yet', type: 'text/plain' }, item: [] }, request('paid')] },
        request('between'),
        { name: 'Later', item: [] },
        { name: 'Refunds', item: [request('refunded')] },
        request('last'),
      ],
    }
    const imported = await api['collections.import']({ format: 'postman', text: JSON.stringify(postman) })
    expect(imported.folders.map((f) => [f.name, f.notes, imported.folders.find((p) => p.id === f.parentId)?.name ?? null])).toEqual([
      ['Orders', 'Order webhooks, **in order**', null],
      ['Empty', 'Nothing yet', 'Orders'],
      ['Later', undefined, null],
      ['Refunds', undefined, null],
    ])
    const folderName = (id: string | null) => imported.folders.find((f) => f.id === id)?.name ?? null
    expect(imported.items.map((i) => [i.name, folderName(i.folderId)])).toEqual([
      ['first', null],
      ['created', 'Orders'],
      ['paid', 'Orders'],
      ['between', null],
      ['refunded', 'Refunds'],
      ['last', null],
    ])
    // Folders stand where they stood among the requests: an export, the tree and a run keep the file's order.
    type Named = { name: string; item?: Named[] }
    const outline = (items: Named[]): unknown[] => items.map((i) => (i.item ? { [i.name]: outline(i.item) } : i.name))
    const file = JSON.parse((await api['collections.export']({ id: imported.id, format: 'postman' })).text) as { item: Named[] }
    expect(outline(file.item)).toEqual(outline(postman.item as Named[]))
    expect(outline(file.item)).toEqual(['first', { Orders: ['created', { Empty: [] }, 'paid'] }, 'between', { Later: [] }, { Refunds: ['refunded'] }, 'last'])
    // Through a restart, and after a folder is moved: it goes before the folder it is dropped before.
    t = await t.reopen()
    const again = apiOf(t.engine)
    const refunds = imported.folders.find((f) => f.name === 'Refunds')!
    await again['collections.moveFolder']({ id: imported.id, folderId: refunds.id, parentId: null, index: 1 })
    const moved = JSON.parse((await again['collections.export']({ id: imported.id, format: 'postman' })).text) as { item: Named[] }
    expect(outline(moved.item)).toEqual(['first', { Orders: ['created', { Empty: [] }, 'paid'] }, 'between', { Refunds: ['refunded'] }, { Later: [] }, 'last'])
    // Deleting or moving a request leaves the folders beside it where they were.
    const itemId = (name: string) => imported.items.find((i) => i.name === name)!.id
    await again['collections.removeItem']({ id: imported.id, itemId: itemId('first') })
    await again['collections.moveItem']({ id: imported.id, itemId: itemId('created'), folderId: null, index: 1 })
    const edited = JSON.parse((await again['collections.export']({ id: imported.id, format: 'postman' })).text) as { item: Named[] }
    expect(outline(edited.item)).toEqual([{ Orders: [{ Empty: [] }, 'paid'] }, 'between', { Refunds: ['refunded'] }, { Later: [] }, 'created', 'last'])
  })

  it('Postman v2.1: export writes every folder, empty ones too, with its description, in the order the tree shows', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    let c = await api['collections.create']({ name: 'Skeleton' })
    c = await api['collections.addFolder']({ id: c.id, name: 'Orders', parentId: null })
    const orders = c.folders[0]!.id
    c = await api['collections.addFolder']({ id: c.id, name: 'Drafts', parentId: orders })
    c = await api['collections.addFolder']({ id: c.id, name: 'Archive', parentId: null })
    await api['collections.saveItem']({ id: c.id, folderId: orders, from: { draft: { method: 'GET', url: 'http://hooks.example/o', headers: [], bodyBase64: '' } }, name: 'list' })
    const postman = {
      info: { name: 'Described', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [{ name: 'Payments', description: 'Stripe events', item: [] }],
    }
    const described = await api['collections.import']({ format: 'postman', text: JSON.stringify(postman) })
    const file = JSON.parse((await api['collections.export']({ id: c.id, format: 'postman' })).text)
    expect(file.item.map((i: { name: string; item?: Array<{ name: string }> }) => [i.name, i.item?.map((child) => child.name)])).toEqual([
      ['Orders', ['list', 'Drafts']],
      ['Archive', []],
    ])
    const sdk = new PostmanCollection(file)
    expect(sdk.items.map((i) => i.name)).toEqual(['Orders', 'Archive'])
    // Back again: the same folders.
    const back = await api['collections.import']({ format: 'postman', text: JSON.stringify(sdk.toJSON()) })
    expect(back.folders.map((f) => f.name)).toEqual(['Orders', 'Drafts', 'Archive'])
    // A folder's description goes with it.
    const payments = JSON.parse((await api['collections.export']({ id: described.id, format: 'postman' })).text)
    expect(payments.item).toEqual([{ name: 'Payments', description: 'Stripe events', item: [] }])
  })

  it('Postman v2.1: a query parameter without "=" stays without it through the official SDK', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Flags' })
    const url = 'http://hooks.example/q?a=1&flag&empty=&b=2'
    await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'GET', url, headers: [], bodyBase64: '' } }, name: 'flags' })
    const file = await api['collections.export']({ id: c.id, format: 'postman' })
    const sdk = new PostmanCollection(JSON.parse(file.text))
    const imported = await api['collections.import']({ format: 'postman', text: JSON.stringify(sdk.toJSON()) })
    expect(imported.items[0]!.request.url).toBe(url)
  })

  it('cURL: the exported commands, run in a shell, arrive byte-exact', async () => {
    const app = await target()
    t = await startEngine()
    const [, binId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Shell' })
    const item = await api['collections.item']({ id: c.id, itemId: (await api['collections.saveItem']({ id: c.id, from: { captureId: binId } })).id })
    await api['collections.updateItem']({
      id: c.id,
      itemId: item.id,
      patch: {},
      request: {
        method: item.request.method,
        url: `${app.url}/upload`,
        headers: item.request.headers.map(([n, v]) => [n, n.toLowerCase() === 'host' ? `127.0.0.1:${app.port}` : v] as [string, string]),
        bodyBase64: item.request.body.data,
      },
    })
    // A script of several commands, run with its output redirected: no progress meter, but curl's errors (a target not listening) still said.
    const unreachable = await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'GET', url: 'http://127.0.0.1:9/closed', headers: [], bodyBase64: '' } } })
    await api['collections.moveItem']({ id: c.id, itemId: unreachable.id, folderId: null, index: 0 })
    const file = await api['collections.export']({ id: c.id, format: 'curl' })
    expect(file.text.trim().split('\n')).toHaveLength(2)
    const { stdout, stderr } = await run('sh', ['-c', file.text])
    expect(stderr).toMatch(/^curl: \(7\) Failed to connect to 127\.0\.0\.1 port 9\b[^\n]*\n$/)
    expect(stdout).toBe('ok')
    const [received] = await app.waitFor(1)
    expect(received!.body.equals(binary)).toBe(true)
    expect(received!.rawHeaders).toEqual([
      ['Host', `127.0.0.1:${app.port}`],
      ['x-DUP', 'one'],
      ['Content-Type', 'application/octet-stream'],
      ['X-Dup', 'two'],
      ['Content-Length', '256'],
    ])
  })

  it('Hookscope files, raw HTTP and cURL import; a malformed file imports nothing and says what is wrong', async () => {
    t = await startEngine()
    const [jsonId] = await captureTwo(t)
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Mine' })
    await api['collections.saveItem']({ id: c.id, from: { captureId: jsonId } })
    const own = await api['collections.export']({ id: c.id, format: 'hookscope' })
    const copy = await api['collections.import']({ format: 'hookscope', text: own.text, name: 'Copy' })
    const whole = (collection: { id: string; items: Array<{ id: string }> }) => api['collections.item']({ id: collection.id, itemId: collection.items[0]!.id })
    expect((await whole(copy)).request).toEqual((await whole(await api['collections.get']({ id: c.id }))).request)
    const raw = await api['collections.import']({ format: 'raw', text: 'POST /raw HTTP/1.1\r\nHost: example.test\r\nX-A: 1\r\nContent-Length: 2\r\n\r\nhi' })
    expect((await whole(raw)).request).toMatchObject({ method: 'POST', headers: [['Host', 'example.test'], ['X-A', '1'], ['Content-Length', '2']], body: { encoding: 'utf8', data: 'hi' } })
    // A raw message's bytes as they are: a binary body and a latin1 header byte, not read as UTF-8.
    const rawBytes = Buffer.concat([Buffer.from('POST /bin HTTP/1.1\r\nHost: example.test\r\nX-Name: caf\xe9\r\nContent-Length: 256\r\n\r\n', 'latin1'), binary])
    const rawBinary = await api['collections.import']({ format: 'raw', base64: rawBytes.toString('base64') })
    expect(rawBinary.items[0]!.request.headers).toEqual([['Host', 'example.test'], ['X-Name', 'caf\xe9'], ['Content-Length', '256']])
    expect((await whole(rawBinary)).request.body).toEqual({ encoding: 'base64', data: binary.toString('base64') })
    const curl = await api['collections.import']({ format: 'curl', text: `curl -X PUT 'https://api.example.test/v1?q=1' -H 'X-Token: abc' --data-raw '{"a":1}'` })
    expect((await whole(curl)).request).toMatchObject({ method: 'PUT', url: 'https://api.example.test/v1?q=1', body: { data: '{"a":1}' } })
    const before = (await api['collections.list']({})).length
    const handlers = t.engine.handlers()
    const broken = await dispatch(handlers, 'collections.import', { format: 'har', text: '{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":42}}]}}' })
    expect(broken).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/log\.entries\[0\]/) } })
    const notJson = await dispatch(handlers, 'collections.import', { format: 'postman', text: 'not json at all' })
    expect(notJson).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const badCurl = await dispatch(handlers, 'collections.import', { format: 'curl', text: "curl 'https://x.test" })
    expect(badCurl).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/unterminated/) } })
    const harOf = (headers: Array<{ name: string; value: string }>, method = 'POST') =>
      JSON.stringify({ log: { entries: [{ request: { method: 'GET', url: 'http://a.test/ok', headers: [] } }, { request: { method, url: 'http://a.test/x', headers } }] } })
    const lineBreak = await dispatch(handlers, 'collections.import', { format: 'har', text: harOf([{ name: 'X-Ok', value: '1' }, { name: 'X-Split', value: 'a\r\nInjected: 1' }]) })
    expect(lineBreak).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'Request 2 of the file ("POST /x"): the header "X-Split" cannot be sent: header values may not contain CR, LF, NUL or characters above U+00FF. Nothing was imported.' } })
    const badName = await dispatch(handlers, 'collections.import', { format: 'har', text: harOf([{ name: 'Bad Name', value: '1' }]) })
    expect(badName).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Request 2 of the file \("POST \/x"\): the header "Bad Name" cannot be sent: header names are tokens/) } })
    const badMethod = await dispatch(handlers, 'collections.import', { format: 'har', text: harOf([], 'GET POST') })
    expect(badMethod).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Request 2 of the file \("GET POST \/x"\): the method "GET POST" cannot be sent: a method is a token/) } })
    // JSON that is none of the formats (an Insomnia export, say) is named as such, not as a broken Hookscope file.
    const insomnia = await dispatch(handlers, 'collections.import', { format: 'hookscope', text: '{"_type":"export","__export_format":4,"resources":[]}' })
    expect(insomnia).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^Not a file Hookscope can import: it is JSON, but not a HAR file/) } })
    expect((await api['collections.list']({})).length).toBe(before)
    // A Postman collection named beyond what a collection's name holds imports under the name cut short.
    const longName = 'Payments API — '.repeat(20)
    const postman = { info: { name: longName, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [{ name: 'ping', request: 'http://a.test/ping' }] }
    expect((await api['collections.import']({ format: 'postman', text: JSON.stringify(postman) })).name).toBe(longName.slice(0, 200).trim())
  })

  it('names an imported request without a name after its path, a path written beyond ASCII as the URL means it', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const curl = await api['collections.import']({ format: 'curl', text: "curl 'https://api.example.test/café/menü?q=ü'\ncurl -X POST https://api.example.test/caf%C3%A9" })
    expect(curl.items.map((item) => item.name)).toEqual(['GET /caf%C3%A9/men%C3%BC', 'POST /caf%C3%A9'])
    const raw = await api['collections.import']({ format: 'raw', base64: Buffer.from('GET /café HTTP/1.1\r\nHost: example.test\r\n\r\n').toString('base64') })
    expect(raw.items[0]!.name).toBe('GET /caf%C3%A9')
  })
})

describe('running a collection', () => {
  function runEvents(e: TestEngine, runId: () => string): Promise<RunState> {
    return new Promise((resolve) => {
      e.engine.events.on('collections:run', (state) => {
        if (state.runId === runId() && state.state !== 'running') resolve(state)
      })
    })
  }

  it('runs the items that failed again, as a new run in the same order with the same options: refused, answered 500 and timed out, not those answered 2xx', async () => {
    let broken = true
    const app = await target((req, res) => {
      // An app paused in a debugger: it takes the request and never answers.
      if (req.url === '/slow') return
      res.writeHead(req.url === '/broken' && broken ? 500 : 200).end('answer')
    })
    // A port nothing listens on: the connection is refused.
    const closed = net.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const refusedPort = (closed.address() as net.AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    t = await startEngine()
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Flaky' })
    const urls: Record<string, string> = { ok: `${app.url}/ok`, refused: `http://127.0.0.1:${refusedPort}/refused`, broken: `${app.url}/broken`, slow: `${app.url}/slow`, last: `${app.url}/last` }
    for (const [name, url] of Object.entries(urls)) {
      await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'POST', url, headers: [], bodyBase64: '' } }, name })
    }
    let runId = ''
    const first = runEvents(t, () => runId)
    runId = (await api['collections.run']({ id: c.id, timeoutMs: 300 })).runId
    const ended = await first
    expect(ended.results.map((r) => [r.name, r.status, r.ok])).toEqual([
      ['ok', 200, true],
      ['refused', null, false],
      ['broken', 500, false],
      ['slow', null, false],
      ['last', 200, true],
    ])
    broken = false
    let againId = ''
    const second = runEvents(t, () => againId)
    const started = await api['collections.rerunFailed']({ runId })
    againId = started.runId
    expect(againId).not.toBe(runId)
    expect(started).toMatchObject({ collectionId: c.id, folderId: null, total: 3, done: 0, state: 'running' })
    const again = await second
    // The slow one waits 300 ms, as the first run did, not the 30 s of a run's default.
    expect(again.results.map((r) => [r.name, r.status, r.ok])).toEqual([
      ['refused', null, false],
      ['broken', 200, true],
      ['slow', null, false],
    ])
    expect(again.results[2]!.error).toMatch(/0\.3 s|300 ms/)
    expect(app.received.map((r) => r.url)).toEqual(['/ok', '/broken', '/slow', '/last', '/broken', '/slow'])
    // Both runs are listed, the new one first; a run still going has nothing to run again yet.
    expect((await api['collections.runs']({ collectionId: c.id })).map((run) => run.runId)).toEqual([againId, runId])
    const none = await api['collections.run']({ id: c.id, baseUrl: app.url })
    const refusedWhileRunning = await dispatch(t.engine.handlers(), 'collections.rerunFailed', { runId: none.runId })
    expect(refusedWhileRunning).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('a run cancelled while it waits between items sends nothing more, and ends at once', async () => {
    const app = await target()
    t = await startEngine()
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Slow run' })
    for (const name of ['one', 'two', 'three']) {
      await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'GET', url: `http://placeholder.invalid/${name}`, headers: [], bodyBase64: '' } }, name })
    }
    let runId = ''
    const ended = runEvents(t, () => runId)
    const firstDone = new Promise<void>((resolve) => t!.engine.events.on('collections:run', (state) => state.runId === runId && state.done === 1 && resolve()))
    runId = (await api['collections.run']({ id: c.id, baseUrl: app.url, stopOnFailure: false, delayMs: 60_000 })).runId
    await firstDone
    // A page opened meanwhile finds it, with what it runs, to follow or stop it.
    const listed = await api['collections.runs']({ collectionId: c.id })
    expect(listed.map((run) => [run.runId, run.folderId, run.state, run.done])).toEqual([[runId, null, 'running', 1]])
    await api['collections.cancelRun']({ runId })
    expect((await ended).state).toBe('cancelled')
    expect(app.received.map((r) => r.url)).toEqual(['/one'])
    expect((await api['collections.runs']({ collectionId: c.id })).map((run) => run.state)).toEqual(['cancelled'])
    expect(await api['collections.runs']({ collectionId: 'col_other' })).toEqual([])
  })

  it('a run stopped while a request waits for its answer cuts that request short and ends at once, sending nothing more', async () => {
    // An app paused in a debugger: it takes the request and never answers.
    const app = await target(() => undefined)
    t = await startEngine()
    const api = apiOf(t.engine)
    const c = await api['collections.create']({ name: 'Paused app' })
    for (const name of ['one', 'two']) {
      await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'POST', url: `http://placeholder.invalid/${name}`, headers: [], bodyBase64: '' } }, name })
    }
    let runId = ''
    const ended = runEvents(t, () => runId)
    runId = (await api['collections.run']({ id: c.id, baseUrl: app.url, timeoutMs: 10 * 60_000 })).runId
    await app.waitFor(1)
    await api['collections.cancelRun']({ runId })
    const state = await ended
    expect(state.state).toBe('cancelled')
    expect(state.results.map((r) => [r.name, r.status, r.ok, r.error])).toEqual([['one', null, false, 'cancelled before the answer was complete']])
    expect(app.received.map((r) => r.url)).toEqual(['/one'])
    // Kept, as the Composer keeps a send it cancelled.
    expect((await api['replay.get']({ id: state.results[0]!.replayId! })).error).toMatchObject({ code: 'ABORTED' })
  })

  it('runs imported Postman requests whose URLs hold spaces or characters beyond ASCII, sent percent-encoded as Postman sends them', async () => {
    const app = await target()
    t = await startEngine()
    const api = apiOf(t.engine)
    const postman = {
      info: { name: 'Typed URLs', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      variable: [{ key: 'baseUrl', value: app.url }],
      item: [
        { name: 'search', request: { method: 'GET', url: '{{baseUrl}}/search?q=hello world&city=Zürich' } },
        { name: 'file', request: { method: 'PUT', url: '{{baseUrl}}/files/my report/café.pdf', body: { mode: 'raw', raw: 'x' } } },
      ],
    }
    const c = await api['collections.import']({ format: 'postman', text: JSON.stringify(postman) })
    let runId = ''
    const finished = runEvents(t, () => runId)
    runId = (await api['collections.run']({ id: c.id })).runId
    expect((await finished).results.map((r) => [r.name, r.status, r.error])).toEqual([
      ['search', 200, null],
      ['file', 200, null],
    ])
    expect(app.received.map((r) => r.url)).toEqual(['/search?q=hello%20world&city=Z%C3%BCrich', '/files/my%20report/caf%C3%A9.pdf'])
  })

  it('runs imported items whose URL starts with an undefined {{variable}} to a chosen target, keeping their paths', async () => {
    const app = await target()
    t = await startEngine()
    const api = apiOf(t.engine)
    const postman = {
      info: { name: 'Env hooks', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [
        { name: 'stripe', request: { method: 'POST', url: { raw: '{{host}}/hooks/stripe?live=false', host: ['{{host}}'], path: ['hooks', 'stripe'] }, body: { mode: 'raw', raw: '{}' } } },
        { name: 'root', request: { method: 'GET', url: '{{host}}' } },
      ],
    }
    const c = await api['collections.import']({ format: 'postman', text: JSON.stringify(postman) })
    let runId = ''
    const finished = runEvents(t, () => runId)
    runId = (await api['collections.run']({ id: c.id, baseUrl: `${app.url}/app` })).runId
    expect((await finished).results.map((r) => [r.name, r.status])).toEqual([
      ['stripe', 200],
      ['root', 200],
    ])
    expect(app.received.map((r) => r.url)).toEqual(['/app/hooks/stripe?live=false', '/app/'])
    // HAR and cURL exports name the item and the variable its URL lacks, and write no file that other tools refuse.
    for (const format of ['har', 'curl'] as const) {
      const exported = await dispatch(t.engine.handlers(), 'collections.export', { id: c.id, format })
      expect(exported).toMatchObject({
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message:
            `"stripe" cannot be exported as ${format === 'har' ? 'HAR' : 'a curl command'}: its URL "{{host}}/hooks/stripe?live=false" starts with {{host}}, which the collection does not define. ` +
            `Edit the item's URL to begin with the real address (https://api.example.com, say), or export as Postman, which keeps {{host}} for an environment to define.`,
        },
      })
    }
    // Postman keeps the variable as written.
    const postmanFile = JSON.parse((await api['collections.export']({ id: c.id, format: 'postman' })).text)
    expect(postmanFile.item[0].request.url.raw).toBe('{{host}}/hooks/stripe?live=false')
    // Sent to its own URL, the item says which variable it lacks (at once: the run may end before its id is back).
    const ended: RunState[] = []
    t.engine.events.on('collections:run', (state) => {
      if (state.state !== 'running') ended.push(state)
    })
    const own = (await api['collections.run']({ id: c.id })).runId
    await vi.waitFor(() => expect(ended.find((state) => state.runId === own)).toBeDefined())
    expect(ended.find((state) => state.runId === own)!.results.map((r) => r.error)).toEqual([
      'The URL starts with {{host}}, which the collection does not define: choose a target to send to, or edit the URL.',
      'The URL starts with {{host}}, which the collection does not define: choose a target to send to, or edit the URL.',
    ])
  })

  it('re-signs a saved replay as it does the capture it came from', async () => {
    const secret = 'whsec_saved_replay_0123456789abcdef'
    const stripe = new Stripe('sk_test_run')
    const app = await target((req, res, body) => {
      try {
        stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), secret)
        res.writeHead(200)
        res.end('ok')
      } catch {
        res.writeHead(400)
        res.end('bad signature')
      }
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'stripe' } })
    const api = apiOf(t.engine)
    await api['endpoints.setSecret']({ id: t.endpointId, secret })
    const payload = '{"id":"evt_saved","data":{"object":{"amount":666}}}'
    const done = nextCapture(t.engine)
    await fetch(t.url + 'stripe', { method: 'POST', body: payload, headers: { 'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload, secret }), 'Content-Type': 'application/json' } })
    const captured = await done
    // Edited and sent without re-signing: the app refuses it.
    const draft = await api['replay.draft']({ captureId: captured.id, baseUrl: app.url })
    draft.bodyBase64 = Buffer.from(payload.replace('666', '1500')).toString('base64')
    const replay = await api['replay.send']({ draft, originId: captured.id, resign: null })
    expect(replay.response?.status).toBe(400)
    const c = await api['collections.create']({ name: 'Saved replays' })
    const item = await api['collections.saveItem']({ id: c.id, from: { replayId: replay.id }, name: 'edited' })
    expect(item.signature).toEqual({ scheme: 'stripe', endpointId: t.endpointId })
    let runId = ''
    const finished = runEvents(t, () => runId)
    runId = (await api['collections.run']({ id: c.id, baseUrl: app.url })).runId
    expect((await finished).results.map((r) => [r.name, r.status, r.signature?.kind])).toEqual([['edited', 200, 'valid']])
    // Without re-signing, the result says why the app refused it.
    let second = ''
    const unsigned = runEvents(t, () => second)
    second = (await api['collections.run']({ id: c.id, baseUrl: app.url, resign: false })).runId
    expect((await unsigned).results.map((r) => [r.status, r.signature?.kind])).toEqual([[400, 'invalid']])
  })

  it('re-signs items saved without re-signing that carry a signature with the endpoint chosen for their scheme, as the providers’ libraries accept', async () => {
    const secrets = { stripe: 'whsec_stale_import_0123456789abcdef', svix: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', std: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', github: 'It’s a Secret to Everybody' }
    const stripe = new Stripe('sk_test_run')
    const app = await target(async (req, res, body) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]))
      let accepted = true
      try {
        if (req.url === '/stripe') stripe.webhooks.constructEvent(body, headers['stripe-signature']!, secrets.stripe)
        if (req.url === '/svix') new SvixWebhook(secrets.svix).verify(body.toString(), headers)
        if (req.url === '/std') new StandardWebhook(secrets.std).verify(body.toString(), headers)
        if (req.url === '/github') accepted = await octokitVerify(secrets.github, body.toString(), headers['x-hub-signature-256']!)
      } catch {
        accepted = false
      }
      res.writeHead(accepted ? 200 : 400)
      res.end()
    })
    t = await startEngine()
    const api = apiOf(t.engine)
    const endpointFor = async (name: string, scheme: 'stripe' | 'svix' | 'standard-webhooks' | 'github', secret: string, id?: string) => {
      const endpointId = id ?? (await t!.engine.createEndpoint({ name, port: 0 })).id
      await t!.engine.updateEndpoint(endpointId, { signature: { scheme } })
      await api['endpoints.setSecret']({ id: endpointId, secret })
      return endpointId
    }
    const stripeEndpoint = await endpointFor('Stripe', 'stripe', secrets.stripe, t.endpointId)
    const svixEndpoint = await endpointFor('Svix', 'svix', secrets.svix)
    const stdEndpoint = await endpointFor('Standard', 'standard-webhooks', secrets.std)
    const githubEndpoint = await endpointFor('GitHub', 'github', secrets.github)
    const payload = '{"id":"evt_saved_long_ago","type":"invoice.paid"}'
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    const seconds = String(Math.floor(twoHoursAgo.getTime() / 1000))
    // As a HAR file (or an earlier version) keeps them: signed when they were sent, set to no re-signing.
    const entry = (path: string, headers: Array<[string, string]>) => ({
      request: { method: 'POST', url: `http://hooks.example${path}`, headers: [['Content-Type', 'application/json'], ...headers].map(([name, value]) => ({ name, value })), postData: { mimeType: 'application/json', text: payload } },
    })
    const har = {
      log: {
        version: '1.2',
        entries: [
          entry('/stripe', [['Stripe-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: secrets.stripe, timestamp: Number(seconds) })]]),
          entry('/svix', [['svix-id', 'msg_1'], ['svix-timestamp', seconds], ['svix-signature', new SvixWebhook(secrets.svix).sign('msg_1', twoHoursAgo, payload)]]),
          entry('/std', [['webhook-id', 'msg_2'], ['webhook-timestamp', seconds], ['webhook-signature', new StandardWebhook(secrets.std).sign('msg_2', twoHoursAgo, payload)]]),
          entry('/github', [['X-GitHub-Event', 'push'], ['X-Hub-Signature-256', await octokitSign('the secret before the one stored', payload)]]),
          entry('/plain', []),
        ],
      },
    }
    const c = await api['collections.import']({ format: 'har', text: JSON.stringify(har) })
    expect(c.items.map((item) => item.signature)).toEqual([null, null, null, null, null])
    const runOf = async (resignWith: string[]) => {
      let runId = ''
      const finished = runEvents(t!, () => runId)
      runId = (await api['collections.run']({ id: c.id, baseUrl: app.url, resignWith })).runId
      return (await finished).results
    }
    // Sent as saved, the providers' libraries refuse them.
    expect((await runOf([])).map((r) => r.status)).toEqual([400, 400, 400, 400, 200])
    // Each re-signed with the first endpoint listed whose scheme's signature it carries (the webhook-signature
    // one with Standard Webhooks', listed before Svix, whose library reads that header too); the unsigned one
    // is given no signature.
    const results = await runOf([stripeEndpoint, stdEndpoint, svixEndpoint, githubEndpoint])
    expect(results.map((r) => [r.name, r.status, r.signature?.kind ?? null])).toEqual([
      ['POST /stripe', 200, 'valid'],
      ['POST /svix', 200, 'valid'],
      ['POST /std', 200, 'valid'],
      ['POST /github', 200, 'valid'],
      ['POST /plain', 200, null],
    ])
    const resigned = await Promise.all(results.map(async (r) => (await api['replay.get']({ id: r.replayId! })).resigned?.scheme ?? null))
    expect(resigned).toEqual(['stripe', 'svix', 'standard-webhooks', 'github', null])
    expect(app.received.at(-1)!.rawHeaders.some(([name]) => /signature/i.test(name))).toBe(false)
    // Only the schemes chosen are re-signed.
    expect((await runOf([stripeEndpoint])).map((r) => r.status)).toEqual([200, 400, 400, 400, 200])
  })

  it('an item re-signed by an endpoint since removed says so, and is re-signed with the endpoint the run chose for its scheme', async () => {
    const secret = 'whsec_new_endpoint_0123456789abcdef'
    const stripe = new Stripe('sk_test_run')
    const app = await target((req, res, body) => {
      try {
        stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), secret)
        res.writeHead(200)
      } catch {
        res.writeHead(400)
      }
      res.end()
    })
    t = await startEngine()
    const api = apiOf(t.engine)
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'stripe' } })
    await api['endpoints.setSecret']({ id: t.endpointId, secret })
    const old = await t.engine.createEndpoint({ name: 'Old Stripe', port: 0 })
    await t.engine.updateEndpoint(old.id, { signature: { scheme: 'stripe' } })
    await api['endpoints.setSecret']({ id: old.id, secret: 'whsec_old_endpoint_0123456789abcdef' })
    const payload = '{"id":"evt_orphan"}'
    const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_old_endpoint_0123456789abcdef', timestamp: Math.floor(Date.now() / 1000) - 3600 })
    const c = await api['collections.create']({ name: 'Orphans' })
    await api['collections.saveItem']({
      id: c.id,
      from: { draft: { method: 'POST', url: 'http://placeholder.invalid/hook', headers: [['Stripe-Signature', stale]], bodyBase64: Buffer.from(payload).toString('base64') } },
      name: 'orphan',
      signature: { scheme: 'stripe', endpointId: old.id },
    })
    await api['endpoints.remove']({ id: old.id })
    // Collected as they end: a run that sends nothing may end before its id is back.
    const ended: RunState[] = []
    t.engine.events.on('collections:run', (state) => {
      if (state.state !== 'running') ended.push(state)
    })
    const runOf = async (resignWith: string[]) => {
      const runId = (await api['collections.run']({ id: c.id, baseUrl: app.url, resignWith })).runId
      await vi.waitFor(() => expect(ended.find((state) => state.runId === runId)).toBeDefined(), { timeout: 10_000 })
      return ended.find((state) => state.runId === runId)!.results
    }
    expect((await runOf([])).map((r) => [r.status, r.error])).toEqual([[null, 'The endpoint whose secret re-signed it was removed: choose another endpoint to re-sign it with, or run without re-signing.']])
    expect(app.received).toEqual([])
    expect((await runOf([t.endpointId])).map((r) => [r.status, r.signature?.kind])).toEqual([[200, 'valid']])
  })

  it('sends items in order to a chosen target, re-signing where configured, with progress and results', async () => {
    const secret = 'whsec_collection_run_0123456789abcdef'
    const stripe = new Stripe('sk_test_run')
    const app = await target((req, res, body) => {
      if (req.url?.startsWith('/fail')) {
        res.writeHead(500)
        return res.end()
      }
      const signature = req.headers['stripe-signature']
      if (signature) {
        try {
          stripe.webhooks.constructEvent(body, String(signature), secret)
        } catch {
          res.writeHead(400)
          return res.end('bad signature')
        }
      }
      res.writeHead(200)
      res.end('ok')
    })
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { signature: { scheme: 'stripe' } })
    const api = apiOf(t.engine)
    await api['endpoints.setSecret']({ id: t.endpointId, secret })
    const payload = '{"id":"evt_run","type":"invoice.paid"}'
    const old = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 7200 })
    const done = nextCapture(t.engine)
    await fetch(t.url + 'stripe', { method: 'POST', body: payload, headers: { 'Stripe-Signature': old, 'Content-Type': 'application/json' } })
    const captured = await done
    const c = await api['collections.create']({ name: 'Run me' })
    await api['collections.saveItem']({ id: c.id, from: { captureId: captured.id }, name: 'signed' })
    await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'GET', url: 'http://placeholder.invalid/plain', headers: [], bodyBase64: '' } }, name: 'plain' })
    await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'POST', url: 'http://placeholder.invalid/fail', headers: [], bodyBase64: '' } }, name: 'failing' })
    await api['collections.saveItem']({ id: c.id, from: { draft: { method: 'GET', url: 'http://placeholder.invalid/after', headers: [], bodyBase64: '' } }, name: 'after' })
    let runId = ''
    const finished = runEvents(t, () => runId)
    const started = await api['collections.run']({ id: c.id, baseUrl: app.url, stopOnFailure: true, delayMs: 5 })
    runId = started.runId
    expect(started).toMatchObject({ total: 4, state: 'running' })
    const state = await finished
    expect(state.state).toBe('stopped')
    expect(state.results.map((r) => [r.name, r.status, r.ok])).toEqual([
      ['signed', 200, true],
      ['plain', 200, true],
      ['failing', 500, false],
    ])
    expect(app.received.map((r) => r.url)).toEqual(['/stripe', '/plain', '/fail'])
    const replay = await api['replay.get']({ id: state.results[0]!.replayId! })
    expect(replay.resigned).toEqual({ scheme: 'stripe', renewedId: false })
    // Without re-signing, the two-hour-old signature is refused by the app.
    let second = ''
    const unsigned = runEvents(t, () => second)
    second = (await api['collections.run']({ id: c.id, baseUrl: app.url, resign: false })).runId
    expect((await unsigned).results.map((r) => r.status)).toEqual([400, 200, 500, 200])
    // An item set to re-sign that carries no Stripe-Signature is sent as saved, as a resend is: never
    // given a signature its sender did not send.
    const mixed = await api['collections.create']({ name: 'Mixed' })
    await api['collections.saveItem']({
      id: mixed.id,
      from: { draft: { method: 'POST', url: 'http://placeholder.invalid/unsigned', headers: [['Content-Type', 'application/json']], bodyBase64: Buffer.from(payload).toString('base64') } },
      name: 'unsigned',
      signature: { scheme: 'stripe', endpointId: t.endpointId },
    })
    let third = ''
    const mixedRun = runEvents(t, () => third)
    third = (await api['collections.run']({ id: mixed.id, baseUrl: app.url })).runId
    const result = (await mixedRun).results[0]!
    expect(result.status).toBe(200)
    expect(app.received.at(-1)!.rawHeaders.some(([name]) => name.toLowerCase() === 'stripe-signature')).toBe(false)
    expect((await api['replay.get']({ id: result.replayId! })).resigned).toBeNull()
  })
})

describe('a saved request to an https:// app with its own certificate', () => {
  function runOf(e: TestEngine, api: ReturnType<typeof apiOf>, input: { id: string; baseUrl?: string }): Promise<RunState> {
    return new Promise((resolve, reject) => {
      let runId = ''
      const off = e.engine.events.on('collections:run', (state) => {
        if (state.runId === runId && state.state !== 'running') {
          off()
          resolve(state)
        }
      })
      api['collections.run'](input).then((state) => (runId = state.runId), reject)
    })
  }

  it('keeps accepting it, saved from the Composer or a replay, through a restart and its exports; runs and resends reach the app', async () => {
    const app = await selfSignedTarget()
    scope.defer(() => app.close())
    t = await startEngine()
    let api = apiOf(t.engine)
    const draft = { method: 'POST', url: `${app.url}/orders?x=1`, headers: [['Content-Type', 'application/json']] as Array<[string, string]>, bodyBase64: btoa('{"id":1}') }
    const sent = await api['replay.send']({ draft, acceptSelfSigned: true })
    expect(sent.response?.status).toBe(200)
    expect(sent.acceptSelfSigned).toBe(true)
    const c = await api['collections.create']({ name: 'Local TLS' })
    const fromDraft = await api['collections.saveItem']({ id: c.id, from: { draft }, name: 'from the composer', acceptSelfSigned: true })
    const fromReplay = await api['collections.saveItem']({ id: c.id, from: { replayId: sent.id }, name: 'from its replay' })
    const checked = await api['collections.saveItem']({ id: c.id, from: { draft }, name: 'checked' })
    expect([fromDraft.acceptSelfSigned, fromReplay.acceptSelfSigned, checked.acceptSelfSigned]).toEqual([true, true, undefined])
    const file = await fs.readFile(path.join(t.dir, 'collections', `${c.id}.json`), 'utf8')
    expect(file.match(/"acceptSelfSigned": true/g)).toHaveLength(2)

    const outcome = (state: RunState) => state.results.map((r) => [r.name, r.status, r.error === null ? null : r.error.includes('no trusted authority vouches')])
    const advice = 'If it is your app’s own certificate, open the request, tick “Accept a self-signed certificate” and update the item, or run it to a forward target that accepts one'
    const expected = [
      ['from the composer', 200, null],
      ['from its replay', 200, null],
      ['checked', null, true],
    ]
    const first = await runOf(t, api, { id: c.id })
    expect(outcome(first)).toEqual(expected)
    // A run has no box to tick: its result says how the item can accept it.
    expect(first.results[2]!.error).toMatch(/^TLS failed: no trusted authority vouches for the target's certificate \(self[- ]signed certificate\)\. /)
    expect(first.results[2]!.error!.endsWith(advice)).toBe(true)
    // A base URL on the item's own origin is its own app; another is not.
    expect(outcome(await runOf(t, api, { id: c.id, baseUrl: app.url }))).toEqual(expected)
    const other = await selfSignedTarget()
    scope.defer(() => other.close())
    expect((await runOf(t, api, { id: c.id, baseUrl: other.url })).results.map((r) => r.status)).toEqual([null, null, null])
    // A forward target that accepts one: a run sent there follows its choice, as a resend does.
    await t.engine.updateEndpoint(t.endpointId, { forward: { mode: 'off', targets: [{ id: 'tls', url: other.url, paused: false, acceptSelfSigned: true }], defaultTargetId: 'tls' } })
    expect((await runOf(t, api, { id: c.id, baseUrl: other.url })).results.map((r) => r.status)).toEqual([200, 200, 200])

    // Through Hookscope's own file, and a restart.
    const exported = await api['collections.export']({ id: c.id, format: 'hookscope' })
    const imported = await api['collections.import']({ format: 'hookscope', text: exported.text })
    expect(imported.items.map((i) => i.acceptSelfSigned)).toEqual([true, true, undefined])
    t = await t.reopen()
    api = apiOf(t.engine)
    expect((await api['collections.get']({ id: c.id })).items.map((i) => i.acceptSelfSigned)).toEqual([true, true, undefined])
    expect(outcome(await runOf(t, api, { id: imported.id }))).toEqual(expected)

    // Through HAR (a custom field of the entry), Postman (its certificate verification off for the
    // request) and a cURL script (--insecure).
    for (const format of ['har', 'postman', 'curl'] as const) {
      const text = await exportedText(api, await api['collections.export']({ id: c.id, format }))
      if (format === 'har') {
        const entries = (JSON.parse(text) as { log: { entries: Array<{ _hookscope?: unknown }> } }).log.entries
        expect(entries.map((e) => e._hookscope)).toEqual([
          { name: 'from the composer', acceptSelfSigned: true },
          { name: 'from its replay', acceptSelfSigned: true },
          { name: 'checked' },
        ])
      }
      const again = await api['collections.import']({ format, text })
      expect(again.items.map((i) => i.acceptSelfSigned), format).toEqual([true, true, undefined])
      if (format !== 'curl') continue
      // The script itself, run: curl reaches the app for the two that accept its certificate, and is refused for the third.
      const before = app.received.length
      // Not spawnSync: the app answering curl runs in this process.
      const run = await new Promise<{ stderr: string }>((resolve) => execFile('sh', ['-c', text], { env: { ...process.env, HOME: t!.dir } }, (_error, _stdout, stderr) => resolve({ stderr })))
      expect(run.stderr).toMatch(/^curl: \(60\) SSL certificate problem: self[- ]signed certificate/m)
      expect(run.stderr.match(/^curl: /gm)).toHaveLength(1)
      const arrived = (await app.waitFor(before + 2)).slice(before)
      expect(arrived.map((r) => r.url)).toEqual(['/orders?x=1', '/orders?x=1'])
    }

    // Turned off, the certificate is checked again, and the file no longer speaks of it.
    await api['collections.updateItem']({ id: c.id, itemId: fromDraft.id, patch: { acceptSelfSigned: false } })
    expect((await api['collections.item']({ id: c.id, itemId: fromDraft.id })).acceptSelfSigned).toBeUndefined()
    expect((await fs.readFile(path.join(t.dir, 'collections', `${c.id}.json`), 'utf8')).match(/"acceptSelfSigned"/g)).toHaveLength(1)
    expect((await runOf(t, api, { id: c.id })).results.map((r) => r.status)).toEqual([null, 200, null])
  })

  it('loads a file written before items kept it, its requests checking the certificate', async () => {
    t = await startEngine()
    const c = await apiOf(t.engine)['collections.create']({ name: 'Old file' })
    const file = path.join(t.dir, 'collections', `${c.id}.json`)
    await t.close()
    const item = { id: 'itm_old', name: 'old', folderId: null, request: { method: 'POST', url: 'https://localhost:3443/x', headers: [], body: { encoding: 'utf8', data: '' } }, signature: null, notes: '', tags: [], source: { kind: 'draft', id: null }, createdAt: 1, updatedAt: 1 }
    const old = JSON.parse(await fs.readFile(file, 'utf8')) as { schemaVersion: number; data: { items: unknown[] } }
    old.data.items = [item]
    await fs.writeFile(file, JSON.stringify(old, null, 2) + '\n')
    t = await t.reopen()
    expect(old.schemaVersion).toBe(1)
    expect((await apiOf(t.engine)['collections.item']({ id: c.id, itemId: 'itm_old' })).acceptSelfSigned).toBeUndefined()
  })
})
