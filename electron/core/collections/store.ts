// Collections on disk. Owns: one versioned lowdb document per collection in `<data>/collections`
// (backups in `.backup/`, damaged files set aside in `.damaged/`, deleted ones in `.trash/` for undo),
// the operations on folders and items, and an undo stack for destructive changes. A damaged file is
// reported and skipped; it never takes the other collections down with it.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Notice } from '../../../shared/api'
import { arrangeChildren, childRefs, Collection as CollectionSchema, itemsBeforeFolder, keepFolderPlaces, placeEntry, type Collection, type EntryRef, type CollectionFolder, type CollectionItem, type CollectionSummary, type SavedRequest, type StoredBody, type TrashedCollection } from '../../../shared/collections'
import { HookscopeError } from '../../../shared/errors'
import { isUtf8 } from 'node:buffer'
import { z } from 'zod'
import type { Clock } from '../clock'
import { DocumentStore } from '../store/document'
import { isErrno, writeFileAtomic } from '../store/fs-util'

export const COLLECTION_FORMAT = 1
const UNDO_DEPTH = 20
/** Deleted collections stay in `.trash/` this long (counted from the deletion)... */
export const TRASH_MAX_AGE_MS = 30 * 24 * 60 * 60_000
/** ...and only this many of them, the most recently deleted. */
export const TRASH_MAX_ENTRIES = 100

export function storedBody(bytes: Buffer): StoredBody {
  return isUtf8(bytes) ? { encoding: 'utf8', data: bytes.toString('utf8') } : { encoding: 'base64', data: bytes.toString('base64') }
}

export function bodyBytes(body: StoredBody): Buffer {
  return Buffer.from(body.data, body.encoding)
}

export interface CollectionStoreDeps {
  dir: string
  clock: Clock
  newId: () => string
  onNotice: (notice: Omit<Notice, 'at'>) => void
}


interface Removal {
  folders: CollectionFolder[]
  items: Array<{ item: CollectionItem; index: number }>
  /** The children of each parent the change took entries from (not those inside a removed folder, which come back whole), in the order the tree showed them. */
  orders: Array<{ parentId: string | null; order: EntryRef[] }>
}

export class CollectionStore {
  private readonly docs = new Map<string, DocumentStore<typeof CollectionSchema>>()
  /** What each destructive change took away, to put back into the collection as it is by then. */
  private readonly undo = new Map<string, Removal[]>()

  private constructor(private readonly deps: CollectionStoreDeps) {}

  static async open(deps: CollectionStoreDeps): Promise<CollectionStore> {
    const store = new CollectionStore(deps)
    await fs.mkdir(deps.dir, { recursive: true })
    for (const name of (await fs.readdir(deps.dir)).sort()) {
      if (!/^[\w-]+\.json$/.test(name)) continue
      try {
        await store.openDoc(name.slice(0, -'.json'.length))
      } catch (error) {
        // One bad file must not cost the others: report it and carry on.
        deps.onNotice({ level: 'error', code: (error as HookscopeError).code ?? 'DOCUMENT_CORRUPT', message: `Collection file ${name} could not be opened: ${(error as Error).message}` })
      }
    }
    try {
      await store.emptyTrash()
    } catch (error) {
      // Left for the next start: the collections themselves are fine.
      deps.onNotice({ level: 'warning', code: 'STORE_WRITE_FAILED', message: `Old deleted collections could not be removed from ${path.join(deps.dir, '.trash')}: ${(error as Error).message}` })
    }
    return store
  }

  /** At start: the trash keeps collections deleted in the last TRASH_MAX_AGE_MS, at most TRASH_MAX_ENTRIES (the newest). */
  private async emptyTrash(): Promise<void> {
    const trash = path.join(this.deps.dir, '.trash')
    let names: string[]
    try {
      names = await fs.readdir(trash)
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return
      throw error
    }
    // A file's modification time is when it was put in the trash (it is written once, then only read).
    const entries: Array<{ file: string; deletedAt: number }> = []
    for (const name of names) {
      if (!/^[\w-]+\.json$/.test(name)) continue
      const file = path.join(trash, name)
      try {
        entries.push({ file, deletedAt: (await fs.stat(file)).mtimeMs })
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error
      }
    }
    entries.sort((a, b) => b.deletedAt - a.deletedAt)
    const oldest = this.deps.clock.now() - TRASH_MAX_AGE_MS
    for (const [index, entry] of entries.entries()) {
      if (index < TRASH_MAX_ENTRIES && entry.deletedAt >= oldest) continue
      await fs.rm(entry.file, { force: true })
    }
  }

  private async openDoc(id: string, initial?: Collection): Promise<DocumentStore<typeof CollectionSchema>> {
    const doc = await DocumentStore.open({
      dir: this.deps.dir,
      name: `${id}.json`,
      schema: CollectionSchema,
      version: COLLECTION_FORMAT,
      migrations: [],
      backupDir: path.join(this.deps.dir, '.backup'),
      asideDir: path.join(this.deps.dir, '.damaged'),
      defaults: () => initial ?? { id, name: id, createdAt: this.deps.clock.now(), updatedAt: this.deps.clock.now(), folders: [], items: [] },
      now: this.deps.clock.now,
      // Every change below builds a new collection from the one it is given, never modifying it.
      immutableChanges: true,
      onNotice: (n) => this.deps.onNotice({ ...n, message: `Collections: ${n.message}` }),
    })
    this.docs.set(id, doc)
    return doc
  }

  private doc(id: string): DocumentStore<typeof CollectionSchema> {
    const doc = this.docs.get(id)
    if (!doc) throw new HookscopeError('NOT_FOUND', `No collection with id ${id}.`)
    return doc
  }

  list(): CollectionSummary[] {
    return [...this.docs.values()]
      .map((doc) => doc.data)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
      .map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt, updatedAt: c.updatedAt, itemCount: c.items.length, folderCount: c.folders.length }))
  }

  get(id: string): Collection {
    return this.doc(id).data
  }

  /** One item, with its whole body. */
  item(id: string, itemId: string): CollectionItem {
    const item = this.doc(id).data.items.find((i) => i.id === itemId)
    if (!item) throw new HookscopeError('NOT_FOUND', `No item ${itemId} in this collection.`)
    return item
  }

  async create(name: string, content?: Pick<Collection, 'folders' | 'items'>): Promise<Collection> {
    const id = `col_${this.deps.newId().toLowerCase()}`
    const now = this.deps.clock.now()
    const collection = CollectionSchema.parse({ id, name, createdAt: now, updatedAt: now, folders: content?.folders ?? [], items: content?.items ?? [] })
    // Opening writes the new file (and its backup) from the validated collection: written once, not again.
    const doc = await this.openDoc(id, collection)
    return doc.data
  }

  /**
   * Apply a change; destructive ones can be undone. The folders among a parent's requests keep their
   * places beside them (`keepFolderPlaces`), unless the change places them itself (`placesFolders`).
   */
  async change(id: string, change: (current: Collection) => Collection, undoable = false, placesFolders = false): Promise<Collection> {
    const doc = this.doc(id)
    const before = doc.data
    const next = await doc.update((current) => {
      const changed = change(current)
      return { ...(placesFolders ? changed : keepFolderPlaces(current, changed)), updatedAt: this.deps.clock.now() }
    })
    if (undoable) {
      const kept = new Set([...next.folders.map((f) => f.id), ...next.items.map((i) => i.id)])
      const folders = before.folders.filter((folder) => !kept.has(folder.id))
      const items = before.items.flatMap((item, index) => (kept.has(item.id) ? [] : [{ item, index }]))
      const parents = new Set([...folders.map((f) => f.parentId), ...items.map(({ item }) => item.folderId)].filter((parent) => parent === null || kept.has(parent)))
      const removal: Removal = { folders, items, orders: [...parents].map((parentId) => ({ parentId, order: childRefs(before, parentId) })) }
      const stack = this.undo.get(id) ?? []
      stack.push(removal)
      while (stack.length > UNDO_DEPTH) stack.shift()
      this.undo.set(id, stack)
    }
    return next
  }

  /**
   * Put back what the last destructive change removed, into the collection as it is now: what was
   * added, renamed or moved since stays as it is, and each entry put back goes right after the one
   * it followed (of those still there), so that with nothing changed since the tree is exactly as it was.
   */
  async undoLast(id: string): Promise<Collection> {
    const stack = this.undo.get(id)
    const removal = stack?.pop()
    if (!removal) throw new HookscopeError('NOT_FOUND', 'Nothing to undo in this collection.')
    return this.doc(id).update((current) => {
      const folders = [...current.folders]
      const folderIds = new Set(folders.map((f) => f.id))
      for (const folder of removal.folders) {
        if (folderIds.has(folder.id)) continue
        folderIds.add(folder.id)
        folders.push(folder)
      }
      // A parent removed since (and not by this change) leaves its restored children at the top.
      const settled = folders.map((f) => (f.parentId !== null && !folderIds.has(f.parentId) ? { ...f, parentId: null } : f))
      const items = [...current.items]
      const itemIds = new Set(items.map((i) => i.id))
      for (const { item, index } of removal.items) {
        if (itemIds.has(item.id)) continue
        items.splice(Math.min(index, items.length), 0, item.folderId !== null && !folderIds.has(item.folderId) ? { ...item, folderId: null } : item)
      }
      let restored: Collection = { ...current, folders: settled, items, updatedAt: this.deps.clock.now() }
      const key = (ref: EntryRef) => `${ref.kind}:${ref.id}`
      const back = new Set([...removal.folders.map((f) => `folder:${f.id}`), ...removal.items.map(({ item }) => `item:${item.id}`)])
      for (const { parentId, order } of removal.orders) {
        if (parentId !== null && !folderIds.has(parentId)) continue
        const now = childRefs(current, parentId)
        const there = new Set(now.map(key))
        const placed = [...now]
        order.forEach((ref, at) => {
          if (there.has(key(ref)) || !back.has(key(ref))) return
          // After the nearest entry before it that is there (or was put back before it); none: first.
          let after = -1
          for (let k = at - 1; k >= 0 && after < 0; k--) after = placed.findIndex((p) => key(p) === key(order[k]!))
          placed.splice(after + 1, 0, ref)
          there.add(key(ref))
        })
        restored = arrangeChildren(restored, parentId, placed)
      }
      return restored
    })
  }

  /** Delete a collection; its file goes to `.trash/` so the deletion can be undone. */
  async remove(id: string): Promise<void> {
    const doc = this.doc(id)
    // Gone at once: a change asked for from here on (another window saving into it) fails with
    // NOT_FOUND instead of landing in a file about to be removed. A change asked for before is in
    // `doc.data` already (changes apply in memory first), so the copy in the trash has it.
    this.docs.delete(id)
    const undo = this.undo.get(id)
    this.undo.delete(id)
    try {
      const trash = path.join(this.deps.dir, '.trash')
      await fs.mkdir(trash, { recursive: true })
      await writeFileAtomic(path.join(trash, `${id}.json`), JSON.stringify({ schemaVersion: COLLECTION_FORMAT, data: doc.data }, null, 2) + '\n')
    } catch (error) {
      this.docs.set(id, doc)
      if (undo) this.undo.set(id, undo)
      throw error
    }
    await doc.remove()
  }

  /** The collections in `.trash/`, most recently deleted first; a file that cannot be read is left out. */
  async trash(): Promise<TrashedCollection[]> {
    const dir = path.join(this.deps.dir, '.trash')
    let names: string[]
    try {
      names = await fs.readdir(dir)
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return []
      throw error
    }
    const out: TrashedCollection[] = []
    for (const name of names) {
      if (!/^[\w-]+\.json$/.test(name)) continue
      const file = path.join(dir, name)
      try {
        // As the trash is emptied: the file's modification time is when it was deleted.
        const [stat, text] = await Promise.all([fs.stat(file), fs.readFile(file, 'utf8')])
        const collection = CollectionSchema.parse(JSON.parse(text).data)
        out.push({ id: name.slice(0, -'.json'.length), name: collection.name, deletedAt: stat.mtimeMs, itemCount: collection.items.length, folderCount: collection.folders.length })
      } catch (error) {
        if (isErrno(error, 'ENOENT') || error instanceof SyntaxError || error instanceof z.ZodError) continue
        throw error
      }
    }
    return out.sort((a, b) => b.deletedAt - a.deletedAt || a.id.localeCompare(b.id))
  }

  /** Delete a collection in the trash for good. */
  async purge(id: string): Promise<void> {
    const file = this.trashFile(id)
    try {
      await fs.rm(file)
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new HookscopeError('NOT_FOUND', 'That collection is not in the trash.')
      throw error
    }
  }

  private trashFile(id: string): string {
    if (!/^[\w-]+$/.test(id)) throw new HookscopeError('INVALID_INPUT', 'Not a collection id.')
    return path.join(this.deps.dir, '.trash', `${id}.json`)
  }

  async restore(id: string): Promise<Collection> {
    const file = this.trashFile(id)
    let text: string
    try {
      text = await fs.readFile(file, 'utf8')
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new HookscopeError('NOT_FOUND', 'That collection is not in the trash.')
      throw error
    }
    const collection = CollectionSchema.parse(JSON.parse(text).data)
    const doc = await this.openDoc(id, collection)
    await doc.update(() => collection)
    await fs.rm(file, { force: true })
    return doc.data
  }

  // ——— folders and items ———

  async addFolder(id: string, name: string, parentId: string | null): Promise<Collection> {
    return this.change(id, (c) => {
      if (parentId !== null && !c.folders.some((f) => f.id === parentId)) throw new HookscopeError('NOT_FOUND', `No folder ${parentId} in this collection.`)
      return { ...c, folders: [...c.folders, { id: `fld_${this.deps.newId().toLowerCase()}`, name, parentId }] }
    })
  }

  async renameFolder(id: string, folderId: string, name: string): Promise<Collection> {
    return this.change(id, (c) => {
      if (!c.folders.some((f) => f.id === folderId)) throw new HookscopeError('NOT_FOUND', `No folder ${folderId} in this collection.`)
      return { ...c, folders: c.folders.map((f) => (f.id === folderId ? { ...f, name } : f)) }
    })
  }

  /** Delete a folder with everything in it (undoable). */
  async removeFolder(id: string, folderId: string): Promise<Collection> {
    return this.change(
      id,
      (c) => {
        const doomed = new Set([folderId])
        let grew = true
        while (grew) {
          grew = false
          for (const f of c.folders) {
            if (f.parentId !== null && doomed.has(f.parentId) && !doomed.has(f.id)) {
              doomed.add(f.id)
              grew = true
            }
          }
        }
        return { ...c, folders: c.folders.filter((f) => !doomed.has(f.id)), items: c.items.filter((i) => i.folderId === null || !doomed.has(i.folderId)) }
      },
      true,
    )
  }

  async addItem(id: string, item: Omit<CollectionItem, 'id' | 'createdAt' | 'updatedAt'>, index?: number): Promise<CollectionItem> {
    const now = this.deps.clock.now()
    const full: CollectionItem = { ...item, id: `itm_${this.deps.newId().toLowerCase()}`, createdAt: now, updatedAt: now }
    await this.change(id, (c) => {
      if (item.folderId !== null && !c.folders.some((f) => f.id === item.folderId)) throw new HookscopeError('NOT_FOUND', `No folder ${item.folderId} in this collection.`)
      const items = [...c.items]
      items.splice(index ?? items.length, 0, full)
      return { ...c, items }
    })
    return full
  }

  /**
   * `ifUpdatedAt`: the item's `updatedAt` when the caller read it; when it changed since (another
   * window saved it meanwhile), nothing is changed and CONFLICT says so, rather than the later save
   * silently winning. Each change moves `updatedAt` forward, also within one millisecond, so that no
   * two versions of an item share it.
   */
  async updateItem(id: string, itemId: string, patch: Partial<Pick<CollectionItem, 'name' | 'notes' | 'tags' | 'signature'>> & { request?: SavedRequest; acceptSelfSigned?: boolean }, ifUpdatedAt?: number): Promise<Collection> {
    const { acceptSelfSigned, ...rest } = patch
    return this.change(id, (c) => {
      const current = c.items.find((i) => i.id === itemId)
      if (!current) throw new HookscopeError('NOT_FOUND', `No item ${itemId} in this collection.`)
      if (ifUpdatedAt !== undefined && current.updatedAt !== ifUpdatedAt) throw new HookscopeError('CONFLICT', `"${current.name}" was changed elsewhere since it was opened.`)
      return {
        ...c,
        items: c.items.map((i) => {
          if (i.id !== itemId) return i
          const next: CollectionItem = { ...i, ...stripUndefined(rest), updatedAt: Math.max(this.deps.clock.now(), i.updatedAt + 1) }
          // Kept only while true, so that a file says nothing of it for a certificate that is checked.
          if (acceptSelfSigned === true) next.acceptSelfSigned = true
          else if (acceptSelfSigned === false) delete next.acceptSelfSigned
          return next
        }),
      }
    })
  }

  async removeItem(id: string, itemId: string): Promise<Collection> {
    return this.change(
      id,
      (c) => {
        if (!c.items.some((i) => i.id === itemId)) throw new HookscopeError('NOT_FOUND', `No item ${itemId} in this collection.`)
        return { ...c, items: c.items.filter((i) => i.id !== itemId) }
      },
      true,
    )
  }

  /** Move an item to a folder (null: the top) at a position among that folder's items. */
  async moveItem(id: string, itemId: string, folderId: string | null, index: number): Promise<Collection> {
    return this.change(id, (c) => {
      const item = c.items.find((i) => i.id === itemId)
      if (!item) throw new HookscopeError('NOT_FOUND', `No item ${itemId} in this collection.`)
      if (folderId !== null && !c.folders.some((f) => f.id === folderId)) throw new HookscopeError('NOT_FOUND', `No folder ${folderId} in this collection.`)
      const rest = c.items.filter((i) => i.id !== itemId)
      const siblings = rest.filter((i) => i.folderId === folderId)
      const clamped = Math.max(0, Math.min(index, siblings.length))
      // Insert before the sibling now at that position, or after the last sibling (or at the end).
      const anchor = siblings[clamped]
      const at = anchor ? rest.indexOf(anchor) : siblings.length > 0 ? rest.indexOf(siblings[siblings.length - 1]!) + 1 : rest.length
      rest.splice(at, 0, { ...item, folderId })
      return { ...c, items: rest }
    })
  }

  /** Move a folder among its siblings, or under another folder (never into itself). */
  async moveFolder(id: string, folderId: string, parentId: string | null, index: number): Promise<Collection> {
    return this.change(id, (c) => {
      const folder = c.folders.find((f) => f.id === folderId)
      if (!folder) throw new HookscopeError('NOT_FOUND', `No folder ${folderId} in this collection.`)
      for (let p = parentId; p !== null; p = c.folders.find((f) => f.id === p)?.parentId ?? null) {
        if (p === folderId) throw new HookscopeError('INVALID_INPUT', 'A folder cannot go inside itself.')
      }
      const rest = c.folders.filter((f) => f.id !== folderId)
      const siblings = rest.filter((f) => f.parentId === parentId)
      const anchor = siblings[Math.max(0, Math.min(index, siblings.length))]
      const at = anchor ? rest.indexOf(anchor) : rest.length
      // Placed right before the folder it now precedes, among the requests as that one is; last: after them all.
      const { itemsBefore: _old, ...moved } = folder
      void _old
      const itemsBefore = anchor ? itemsBeforeFolder({ items: c.items, folders: rest }, anchor) : undefined
      rest.splice(at, 0, { ...moved, parentId, ...(itemsBefore !== undefined ? { itemsBefore } : {}) })
      return { ...c, folders: rest }
    })
  }

  /**
   * Move a request or a folder to a parent (null: the top) at a position among all of that parent's
   * children, requests and folders alike, in the order the tree shows them (never a folder into itself).
   */
  async moveEntry(id: string, entry: EntryRef, parentId: string | null, index: number): Promise<Collection> {
    return this.change(
      id,
      (c) => {
        if (entry.kind === 'item' && !c.items.some((i) => i.id === entry.id)) throw new HookscopeError('NOT_FOUND', `No item ${entry.id} in this collection.`)
        if (entry.kind === 'folder' && !c.folders.some((f) => f.id === entry.id)) throw new HookscopeError('NOT_FOUND', `No folder ${entry.id} in this collection.`)
        if (parentId !== null && !c.folders.some((f) => f.id === parentId)) throw new HookscopeError('NOT_FOUND', `No folder ${parentId} in this collection.`)
        if (entry.kind === 'folder') {
          for (let p: string | null = parentId; p !== null; p = c.folders.find((f) => f.id === p)?.parentId ?? null) {
            if (p === entry.id) throw new HookscopeError('INVALID_INPUT', 'A folder cannot go inside itself.')
          }
        }
        return placeEntry(c, entry, parentId, index)
      },
      false,
      true,
    )
  }

  search(text: string): Array<{ collectionId: string; collectionName: string; item: CollectionItem }> {
    const needle = text.trim().toLowerCase()
    if (!needle) return []
    const hits: Array<{ collectionId: string; collectionName: string; item: CollectionItem }> = []
    for (const doc of this.docs.values()) {
      const c = doc.data
      for (const item of c.items) {
        const haystack = [item.name, item.notes, item.tags.join(' '), item.request.method, item.request.url, ...item.request.headers.flat(), item.request.body.encoding === 'utf8' ? item.request.body.data : '']
          .join('\n')
          .toLowerCase()
        if (haystack.includes(needle)) hits.push({ collectionId: c.id, collectionName: c.name, item })
      }
    }
    return hits
  }

  async flush(): Promise<void> {
    await Promise.all([...this.docs.values()].map((doc) => doc.flush()))
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
