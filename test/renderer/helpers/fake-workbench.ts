// The workbench's side of the fake engine: replays and collections kept in memory, with the same
// semantics the engine documents (moveItem's index among the destination's siblings, moveEntry's
// among all of its children, as the engine places it, undo of the last
// deletion, search over name, notes, tags, URL and text body). Calls are recorded by the fake engine.
import { itemInfo, keepFolderPlaces, placeEntry, treeOf, type Collection, type EntryRef, type CollectionItem, type RunState } from '../../../shared/collections'
import { HookscopeError } from '../../../shared/errors'
import type { Replay, RequestDraft } from '../../../shared/model'
import type { MethodName } from '../../../shared/api'
import type { FakeEngine } from './fake-api'

export interface FakeWorkbench {
  collections: Map<string, Collection>
  replays: Replay[]
  /** The status replay.send answers with next (default 200). */
  nextStatus: number
  responseBody: string
  responseHeaders: Array<[string, string]>
  item(patch: Partial<CollectionItem> & { id: string; name: string }): CollectionItem
  addCollection(collection: Partial<Collection> & { id: string; name: string }): Collection
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))

export function installFakeWorkbench(engine: FakeEngine): FakeWorkbench {
  let seq = 0
  const undo = new Map<string, Collection[]>()
  const fake: FakeWorkbench = {
    collections: new Map(),
    replays: [],
    nextStatus: 200,
    responseBody: '{"ok":true}',
    responseHeaders: [['Content-Type', 'application/json']],
    item(patch) {
      return {
        folderId: null,
        request: { method: 'POST', url: `http://localhost:3000/${patch.id}`, headers: [['Content-Type', 'application/json']], body: { encoding: 'utf8', data: '{}' } },
        signature: null,
        notes: '',
        tags: [],
        source: { kind: 'draft', id: null },
        createdAt: 1,
        updatedAt: 1,
        ...patch,
      }
    },
    addCollection(collection) {
      const full: Collection = { createdAt: 1, updatedAt: 1, folders: [], items: [], ...collection }
      fake.collections.set(full.id, full)
      return full
    },
  }
  const get = (id: string) => {
    const c = fake.collections.get(id)
    if (!c) throw new Error(`No collection ${id}.`)
    return c
  }
  /** As the engine changes a collection: folders among requests keep their places beside them, unless the change places them itself. */
  const change = (id: string, fn: (c: Collection) => Collection, undoable = false, placesFolders = false) => {
    const before = get(id)
    if (undoable) undo.set(id, [...(undo.get(id) ?? []), before])
    const changed = fn(before)
    const after = { ...(placesFolders ? changed : keepFolderPlaces(before, changed)), updatedAt: before.updatedAt + 1 }
    fake.collections.set(id, after)
    // The engine tells every window of the change before it answers with the new tree.
    engine.emit('collections.changed', { collections: summaries() })
    return after
  }
  const summaries = () => [...fake.collections.values()].map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt, updatedAt: c.updatedAt, itemCount: c.items.length, folderCount: c.folders.length }))

  // As the engine answers: a collection's tree, its items without their bodies' bytes, which
  // collections.item brings.
  const answerTree = (method: MethodName, handler: (input: unknown) => Collection) => engine.override(method, (input) => treeOf(handler(input)))
  engine.override('collections.item', (input) => {
    const { id, itemId } = input as { id: string; itemId: string }
    const item = get(id).items.find((i) => i.id === itemId)
    if (!item) throw new HookscopeError('NOT_FOUND', `No item ${itemId} in this collection.`)
    return item
  })
  engine.override('collections.list', () => summaries())
  answerTree('collections.get', (input) => get((input as { id: string }).id))
  answerTree('collections.create', (input) => fake.addCollection({ id: `col_${++seq}`, name: (input as { name: string }).name }))
  answerTree('collections.addFolder', (input) => {
    const { id, name, parentId } = input as { id: string; name: string; parentId?: string | null }
    return change(id, (c) => ({ ...c, folders: [...c.folders, { id: `fld_${++seq}`, name, parentId: parentId ?? null }] }))
  })
  answerTree('collections.renameFolder', (input) => {
    const { id, folderId, name } = input as { id: string; folderId: string; name: string }
    return change(id, (c) => ({ ...c, folders: c.folders.map((f) => (f.id === folderId ? { ...f, name } : f)) }))
  })
  answerTree('collections.removeFolder', (input) => {
    const { id, folderId } = input as { id: string; folderId: string }
    return change(
      id,
      (c) => {
        const gone = new Set([folderId])
        for (let grew = true; grew; ) {
          grew = false
          for (const f of c.folders) if (f.parentId !== null && gone.has(f.parentId) && !gone.has(f.id)) grew = Boolean(gone.add(f.id))
        }
        return { ...c, folders: c.folders.filter((f) => !gone.has(f.id)), items: c.items.filter((i) => i.folderId === null || !gone.has(i.folderId)) }
      },
      true,
    )
  })
  answerTree('collections.removeItem', (input) => {
    const { id, itemId } = input as { id: string; itemId: string }
    return change(id, (c) => ({ ...c, items: c.items.filter((i) => i.id !== itemId) }), true)
  })
  // Deleted collections, most recently deleted last, as the engine's trash holds them.
  const trash: Array<{ collection: Collection; deletedAt: number }> = []
  engine.override('collections.remove', (input) => {
    const { id } = input as { id: string }
    trash.push({ collection: get(id), deletedAt: 1_700_000_000_000 + trash.length })
    fake.collections.delete(id)
    return { removed: true }
  })
  const trashed = (id: string) => {
    const at = trash.findIndex((t) => t.collection.id === id)
    if (at < 0) throw new HookscopeError('NOT_FOUND', 'That collection is not in the trash.')
    return trash.splice(at, 1)[0]!.collection
  }
  answerTree('collections.restore', (input) => fake.addCollection(trashed((input as { id: string }).id)))
  engine.override('collections.purge', (input) => {
    trashed((input as { id: string }).id)
    return { purged: true }
  })
  engine.override('collections.trash', () =>
    [...trash].reverse().map(({ collection: c, deletedAt }) => ({ id: c.id, name: c.name, deletedAt, itemCount: c.items.length, folderCount: c.folders.length })),
  )
  answerTree('collections.undo', (input) => {
    const { id } = input as { id: string }
    const previous = undo.get(id)?.pop()
    if (!previous) throw new Error('Nothing to undo in this collection.')
    fake.collections.set(id, previous)
    return previous
  })
  answerTree('collections.updateItem', (input) => {
    const { id, itemId, patch, request, ifUpdatedAt } = input as { id: string; itemId: string; patch: Partial<CollectionItem>; request?: RequestDraft; ifUpdatedAt?: number }
    const saved = request ? { request: { method: request.method, url: request.url, headers: request.headers, body: { encoding: 'base64' as const, data: request.bodyBase64 } } } : {}
    return change(id, (c) => {
      const current = c.items.find((i) => i.id === itemId)
      if (!current) throw new HookscopeError('NOT_FOUND', `No item with id ${itemId}.`)
      // As the engine: refused when changed since the caller read it; each change a new version.
      if (ifUpdatedAt !== undefined && current.updatedAt !== ifUpdatedAt) throw new HookscopeError('CONFLICT', `"${current.name}" was changed elsewhere since it was opened.`)
      return { ...c, items: c.items.map((i) => (i.id === itemId ? { ...i, ...patch, ...saved, updatedAt: i.updatedAt + 1 } : i)) }
    })
  })
  answerTree('collections.moveItem', (input) => {
    const { id, itemId, folderId, index } = input as { id: string; itemId: string; folderId: string | null; index: number }
    return change(id, (c) => {
      const item = c.items.find((i) => i.id === itemId)!
      const rest = c.items.filter((i) => i.id !== itemId)
      const siblings = rest.filter((i) => i.folderId === folderId)
      const anchor = siblings[Math.max(0, Math.min(index, siblings.length))]
      const at = anchor ? rest.indexOf(anchor) : siblings.length > 0 ? rest.indexOf(siblings[siblings.length - 1]!) + 1 : rest.length
      rest.splice(at, 0, { ...item, folderId })
      return { ...c, items: rest }
    })
  })
  answerTree('collections.moveEntry', (input) => {
    const { id, entry, parentId, index } = input as { id: string; entry: EntryRef; parentId: string | null; index: number }
    return change(id, (c) => placeEntry(c, entry, parentId, index), false, true)
  })
  engine.override('collections.search', (input) => {
    const needle = (input as { text: string }).text.toLowerCase()
    return [...fake.collections.values()].flatMap((c) =>
      c.items
        .filter((i) => [i.name, i.notes, i.tags.join(' '), i.request.url, i.request.body.data].join('\n').toLowerCase().includes(needle))
        .map((item) => ({ collectionId: c.id, collectionName: c.name, item: itemInfo(item) })),
    )
  })
  engine.override('collections.saveItem', (input) => {
    const { id, folderId, from, name } = input as { id: string; folderId: string | null; from: { draft?: RequestDraft; captureId?: string }; name?: string }
    const draft = from.draft
    const item = fake.item({
      id: `itm_${++seq}`,
      name: name ?? (draft ? `${draft.method} ${draft.url}` : `capture ${from.captureId}`),
      folderId,
      ...(draft ? { request: { method: draft.method, url: draft.url, headers: draft.headers, body: { encoding: 'base64', data: draft.bodyBase64 } } } : {}),
      source: draft ? { kind: 'draft', id: null } : { kind: 'capture', id: from.captureId ?? null },
    })
    change(id, (c) => ({ ...c, items: [...c.items, item] }))
    return itemInfo(item)
  })
  engine.override('collections.run', (input) => {
    const { id } = input as { id: string }
    const state: RunState = { runId: `run_${++seq}`, collectionId: id, total: get(id).items.length, done: 0, state: 'running', results: [] }
    return state
  })
  engine.override('collections.export', (input) => {
    const { id, format } = input as { id: string; format: string }
    return { filename: `${get(id).name}.${format}`, mimeType: 'application/json', text: JSON.stringify(get(id)) }
  })
  answerTree('collections.import', (input) => {
    const { text, format } = input as { text?: string; base64?: string; format: string }
    if (format === 'raw') return fake.addCollection({ id: `col_${++seq}`, name: 'Imported request', items: [fake.item({ id: `itm_${++seq}`, name: 'Imported request' })] })
    if (!text?.includes('"log"')) throw new Error(`Not a valid ${format === 'har' ? 'HAR file' : format}: log: missing`)
    return fake.addCollection({ id: `col_${++seq}`, name: 'Imported HAR', items: [fake.item({ id: `itm_${++seq}`, name: 'Imported request' })] })
  })

  engine.override('replay.draft', (input) => {
    const { captureId, baseUrl } = input as { captureId: string; baseUrl?: string }
    const fakeCapture = engine.captures.get(captureId)
    if (!fakeCapture) throw new Error(`No capture with id ${captureId}.`)
    const { capture, body } = fakeCapture
    return {
      method: capture.method,
      url: `${baseUrl ?? `http://127.0.0.1:${capture.localPort}`}${capture.target}`,
      headers: capture.rawHeaders,
      bodyBase64: btoa(String.fromCharCode(...body)),
    }
  })
  const requestBodies = new Map<string, string>()
  const makeReplay = (draft: RequestDraft, originId: string | null, resign: { scheme: 'stripe'; renewId: boolean } | null): Replay => {
    const replay: Replay = {
      id: `rpl_${++seq}`,
      originId,
      sentAt: Date.now(),
      request: { method: draft.method, url: draft.url, headers: draft.headers, body: { size: atob(draft.bodyBase64).length, sha256: 'x', truncated: false, declaredSize: null, storage: 'blob' } },
      response: {
        status: fake.nextStatus,
        statusText: fake.nextStatus === 200 ? 'OK' : 'Status',
        headers: fake.responseHeaders,
        body: { size: fake.responseBody.length, sha256: 'y', truncated: false, declaredSize: null, storage: 'blob' },
      },
      timings: { connectMs: 1, firstByteMs: 2, totalMs: 3 },
      error: null,
      resigned: resign ? { scheme: resign.scheme, renewedId: resign.renewId } : null,
    }
    requestBodies.set(replay.id, draft.bodyBase64)
    fake.replays.unshift(replay)
    return replay
  }
  engine.override('replay.send', (input) => {
    const { draft, originId, resign } = input as { draft: RequestDraft; originId: string | null; resign: { scheme: 'stripe'; renewId: boolean } | null }
    return makeReplay(draft, originId, resign)
  })
  engine.override('replay.resend', (input) => {
    const { captureId, baseUrl, resign } = input as { captureId: string; baseUrl?: string; resign?: { scheme: 'stripe'; renewId: boolean } | null }
    const endpoint = engine.endpoints[0]!
    const target = baseUrl ?? endpoint.forward?.targets[0]?.url
    if (!target) throw new HookscopeError('NO_FORWARD_TARGET', 'Where to? This endpoint has no forward target; give a URL to send it to.')
    const { capture } = engine.captures.get(captureId)!
    return makeReplay({ method: capture.method, url: `${target}${capture.target}`, headers: capture.rawHeaders, bodyBase64: '' }, captureId, resign ?? null)
  })
  engine.override('replay.list', (input) => {
    const { originId } = input as { originId?: string }
    return fake.replays.filter((r) => originId === undefined || r.originId === originId)
  })
  engine.override('replay.get', (input) => {
    const found = fake.replays.find((r) => r.id === (input as { id: string }).id)
    if (!found) throw new Error('No replay.')
    return found
  })
  engine.override('replay.body', (input) => {
    const { id, part } = input as { id: string; part: 'request' | 'response' }
    const b64 = part === 'response' ? base64(fake.responseBody) : (requestBodies.get(id) ?? '')
    const size = atob(b64).length
    return { base64: b64, offset: 0, size, totalSize: size, decodedFrom: [], capped: false, decodeError: null }
  })
  return fake
}
