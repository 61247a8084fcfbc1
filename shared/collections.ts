// Collections: the requests users keep. One file per collection, plain pretty-printed JSON with a
// stable key order (the schemas' order), so a team can commit them and read the diffs. Text bodies
// are stored as text, binary ones as base64.
import { z } from 'zod'
import { HttpMethod, RawHeaders, type RequestDraft } from './model'
import { SchemeId, Verdict } from './signatures'
import { base64Encode } from './formats/bytes'

/** utf8: the body is valid UTF-8, kept as its text; base64: any other bytes. */
const BodyEncoding = z.enum(['utf8', 'base64'])

export const StoredBody = z
  .object({ encoding: BodyEncoding, data: z.string() })
  // Strict: a decoder would skip what is not base64 and the bytes would silently differ. Checked
  // without a repeated group, whose backtracking overflows the stack on a body of a few megabytes.
  .refine((body) => body.encoding !== 'base64' || (body.data.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(body.data)), {
    message: 'not valid base64',
    path: ['data'],
  })
export type StoredBody = z.infer<typeof StoredBody>

export const SavedRequest = z.object({
  method: HttpMethod,
  url: z.string(),
  headers: RawHeaders,
  body: StoredBody,
})
export type SavedRequest = z.infer<typeof SavedRequest>

export const CollectionFolder = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  /** null: at the top of the collection. */
  parentId: z.string().nullable(),
  /** What the folder is for (a Postman folder's description); absent when there is none. */
  notes: z.string().max(100_000).optional(),
  /**
   * How many of its parent's requests come before it (a Postman folder placed between requests);
   * absent: after all of them. See `childrenOf`.
   */
  itemsBefore: z.number().int().min(0).optional(),
})
export type CollectionFolder = z.infer<typeof CollectionFolder>

export const CollectionItem = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(300),
  folderId: z.string().nullable(),
  request: SavedRequest,
  /** Re-sign with this scheme, using this endpoint's secret, when the item is sent. */
  signature: z.object({ scheme: SchemeId, endpointId: z.string() }).nullable(),
  /**
   * Sent to its own https:// URL, it accepts a certificate no trusted authority vouches for (a local
   * app's own, self-signed or mkcert's), as the Composer sent it. Written only when true; absent in
   * files written before it was kept, which load as they are.
   */
  acceptSelfSigned: z.literal(true).optional(),
  notes: z.string().max(100_000),
  tags: z.array(z.string().trim().min(1).max(50)).max(50),
  /** Where it came from (a capture or a replay), if anywhere. */
  source: z.object({
    kind: z.enum(['capture', 'replay', 'draft', 'import']),
    id: z.string().nullable(),
    /** The endpoint a saved capture came to: its URL is that endpoint's address, which answers no more once it is removed. */
    endpointId: z.string().optional(),
  }),
  createdAt: z.number(),
  updatedAt: z.number(),
})
export type CollectionItem = z.infer<typeof CollectionItem>

const collectionFields = {
  id: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Folder order within a parent is array order. */
  folders: z.array(CollectionFolder),
}

export const Collection = z.object({
  ...collectionFields,
  /** Item order within a folder is array order. */
  items: z.array(CollectionItem),
})
  // A tree, every reference resolved: duplicate ids, a folder inside itself or a missing parent would
  // make items vanish from exports and runs, or walk forever.
  .superRefine((collection, ctx) => {
    const folders = new Map<string, string | null>()
    collection.folders.forEach((folder, index) => {
      if (folders.has(folder.id)) ctx.addIssue({ code: 'custom', message: `two folders have the id ${folder.id}`, path: ['folders', index, 'id'] })
      folders.set(folder.id, folder.parentId)
    })
    collection.folders.forEach((folder, index) => {
      if (folder.parentId !== null && !folders.has(folder.parentId)) ctx.addIssue({ code: 'custom', message: `its parent folder ${folder.parentId} does not exist`, path: ['folders', index, 'parentId'] })
      const seen = new Set<string>([folder.id])
      for (let parent = folder.parentId; parent !== null && folders.has(parent); parent = folders.get(parent) ?? null) {
        if (seen.has(parent)) {
          ctx.addIssue({ code: 'custom', message: `folder ${folder.id} is inside itself`, path: ['folders', index, 'parentId'] })
          break
        }
        seen.add(parent)
      }
    })
    const items = new Set<string>()
    collection.items.forEach((item, index) => {
      if (items.has(item.id)) ctx.addIssue({ code: 'custom', message: `two items have the id ${item.id}`, path: ['items', index, 'id'] })
      items.add(item.id)
      if (item.folderId !== null && !folders.has(item.folderId)) ctx.addIssue({ code: 'custom', message: `its folder ${item.folderId} does not exist`, path: ['items', index, 'folderId'] })
    })
  })
export type Collection = z.infer<typeof Collection>

/**
 * What the collection's tree knows of a saved body: its encoding and its size in bytes, never the
 * bytes themselves. A collection travels to the page as a tree (`CollectionTree`), which stays small
 * however large its bodies are; `collections.item` brings one item with its whole body when the page
 * needs the bytes (to open, send, copy or compare it).
 */
export const BodyInfo = z.object({ encoding: BodyEncoding, size: z.number().int().min(0) })
export type BodyInfo = z.infer<typeof BodyInfo>

/** A saved request as the tree shows it: method, URL and headers as saved, its body as `BodyInfo`. */
export const RequestInfo = SavedRequest.extend({ body: BodyInfo })
export type RequestInfo = z.infer<typeof RequestInfo>

/** An item as the tree shows it: everything but its body's bytes. */
export const ItemInfo = CollectionItem.extend({ request: RequestInfo })
export type ItemInfo = z.infer<typeof ItemInfo>

/** A collection as the page holds it: its folders and items, the items without their bodies' bytes. */
export const CollectionTree = z.object({ ...collectionFields, items: z.array(ItemInfo) })
export type CollectionTree = z.infer<typeof CollectionTree>

/** How many bytes UTF-8 takes for a text, without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    // Two more bytes for U+0800 and above, one for U+0080..U+07FF; a surrogate pair (two units) is four.
    if (unit < 0x800) bytes += 1
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2
      i++
    } else bytes += 2
  }
  return bytes
}

/** A stored body's size in bytes, read from its text without decoding it. */
export function storedBodySize(body: StoredBody, textBytes: (text: string) => number = utf8ByteLength): number {
  if (body.encoding === 'utf8') return textBytes(body.data)
  const padding = body.data.endsWith('==') ? 2 : body.data.endsWith('=') ? 1 : 0
  return (body.data.length / 4) * 3 - padding
}

/** An item without its body's bytes. `textBytes` counts a text body's UTF-8 bytes (the engine gives a native one). */
export function itemInfo(item: CollectionItem, textBytes?: (text: string) => number): ItemInfo {
  const { body } = item.request
  return { ...item, request: { ...item.request, body: { encoding: body.encoding, size: storedBodySize(body, textBytes) } } }
}

/** A collection as the page holds it: every item without its body's bytes. */
export function treeOf(collection: Collection, textBytes?: (text: string) => number): CollectionTree {
  return { ...collection, items: collection.items.map((item) => itemInfo(item, textBytes)) }
}

/** What the tree and a run need of an item to place it. */
type Placed = { id: string; folderId: string | null }

export type CollectionEntry<I extends Placed = CollectionItem> = { kind: 'item'; item: I } | { kind: 'folder'; folder: CollectionFolder }

/**
 * A parent's requests and folders in the order the tree shows and a run sends them: requests in
 * array order, folders in array order, each folder after the first `itemsBefore` of the parent's
 * requests (all of them when it has none, or fewer remain), never before a folder listed ahead of it.
 */
export function childrenOf<I extends Placed>(collection: { items: readonly I[]; folders: readonly CollectionFolder[] }, parentId: string | null): Array<CollectionEntry<I>> {
  const items = collection.items.filter((item) => item.folderId === parentId)
  const out: Array<CollectionEntry<I>> = []
  let next = 0
  for (const folder of collection.folders) {
    if (folder.parentId !== parentId) continue
    const until = Math.max(next, Math.min(folder.itemsBefore ?? items.length, items.length))
    for (; next < until; next++) out.push({ kind: 'item', item: items[next]! })
    out.push({ kind: 'folder', folder })
  }
  for (; next < items.length; next++) out.push({ kind: 'item', item: items[next]! })
  return out
}

/** How many of its parent's requests show before a folder; undefined when it shows after all of them. */
export function itemsBeforeFolder(collection: { items: readonly Placed[]; folders: readonly CollectionFolder[] }, folder: CollectionFolder): number | undefined {
  const children = childrenOf(collection, folder.parentId)
  const at = children.findIndex((entry) => entry.kind === 'folder' && entry.folder.id === folder.id)
  const before = children.slice(0, at).filter((entry) => entry.kind === 'item').length
  return before < children.filter((entry) => entry.kind === 'item').length ? before : undefined
}

/** A request or a folder of a collection, named by its kind and id. */
export const EntryRef = z.object({ kind: z.enum(['item', 'folder']), id: z.string().min(1) })
export type EntryRef = z.infer<typeof EntryRef>

const refKey = (kind: 'item' | 'folder', id: string) => `${kind}:${id}`
const entryKey = (entry: CollectionEntry<Placed>) => (entry.kind === 'item' ? refKey('item', entry.item.id) : refKey('folder', entry.folder.id))

/** A parent's children as the tree shows them, by kind and id. */
export function childRefs(collection: { items: readonly Placed[]; folders: readonly CollectionFolder[] }, parentId: string | null): EntryRef[] {
  return childrenOf(collection, parentId).map((entry) => (entry.kind === 'item' ? { kind: 'item', id: entry.item.id } : { kind: 'folder', id: entry.folder.id }))
}

/**
 * The collection with a parent's children shown in `order` (what it leaves out keeps its place
 * after the rest): its requests take that order in the places its requests held in the array, its
 * folders likewise, and each folder's `itemsBefore` says how many of those requests precede it
 * (absent when all of them do).
 */
export function arrangeChildren<I extends Placed, C extends { items: readonly I[]; folders: readonly CollectionFolder[] }>(collection: C, parentId: string | null, order: readonly EntryRef[]): C {
  const children = childrenOf(collection, parentId)
  const byKey = new Map(children.map((entry) => [entryKey(entry), entry]))
  const seen = new Set<string>()
  const sequence: Array<CollectionEntry<I>> = []
  for (const key of [...order.map((ref) => refKey(ref.kind, ref.id)), ...children.map(entryKey)]) {
    const entry = byKey.get(key)
    if (!entry || seen.has(key)) continue
    seen.add(key)
    sequence.push(entry)
  }
  const items = sequence.flatMap((entry) => (entry.kind === 'item' ? [entry.item] : []))
  const before = new Map<string, number>()
  let count = 0
  for (const entry of sequence) {
    if (entry.kind === 'item') count++
    else before.set(entry.folder.id, count)
  }
  const folders = sequence.flatMap((entry) => (entry.kind === 'folder' ? [entry.folder] : []))
  let nextItem = 0
  let nextFolder = 0
  return {
    ...collection,
    items: collection.items.map((item) => (item.folderId === parentId ? items[nextItem++]! : item)),
    folders: collection.folders.map((folder) => {
      if (folder.parentId !== parentId) return folder
      const placed = folders[nextFolder++]!
      const { itemsBefore: _old, ...rest } = placed
      void _old
      const itemsBefore = before.get(placed.id)!
      return itemsBefore < items.length ? { ...rest, itemsBefore } : rest
    }),
  }
}

/**
 * The collection with a request or a folder moved to a parent (null: the top), at `index` among
 * that parent's children as the tree shows them, requests and folders alike (counted without the
 * entry itself). The entries beside it keep their order, in the parent it left as in the one it
 * joins. The caller checks that the entry and the parent exist and that a folder does not go into
 * itself.
 */
export function placeEntry<I extends Placed, C extends { items: readonly I[]; folders: readonly CollectionFolder[] }>(collection: C, entry: EntryRef, parentId: string | null, index: number): C {
  const oldParent = entry.kind === 'item' ? collection.items.find((i) => i.id === entry.id)!.folderId : collection.folders.find((f) => f.id === entry.id)!.parentId
  const same = (ref: EntryRef) => ref.kind === entry.kind && ref.id === entry.id
  const left = childRefs(collection, oldParent).filter((ref) => !same(ref))
  const joined = oldParent === parentId ? [...left] : childRefs(collection, parentId)
  joined.splice(Math.max(0, Math.min(index, joined.length)), 0, entry)
  // Into the new parent's part of the array (after its last sibling of the same kind, or at the end); `arrangeChildren` orders it there.
  const into = <T>(list: readonly T[], moved: T, isSibling: (value: T) => boolean): T[] => {
    const rest = list.filter((value) => value !== moved)
    let at = rest.length
    for (let k = rest.length - 1; k >= 0; k--) {
      if (isSibling(rest[k]!)) {
        at = k + 1
        break
      }
    }
    rest.splice(at, 0, moved)
    return rest
  }
  let moved: C
  if (entry.kind === 'item') {
    const item = collection.items.find((i) => i.id === entry.id)!
    const next = { ...item, folderId: parentId }
    moved = { ...collection, items: into(collection.items.map((i) => (i === item ? next : i)), next, (i) => i !== next && i.folderId === parentId) }
  } else {
    const folder = collection.folders.find((f) => f.id === entry.id)!
    const next = { ...folder, parentId }
    moved = { ...collection, folders: into(collection.folders.map((f) => (f === folder ? next : f)), next, (f) => f !== next && f.parentId === parentId) }
  }
  if (oldParent !== parentId) moved = arrangeChildren(moved, oldParent, left)
  return arrangeChildren(moved, parentId, joined)
}

/**
 * `next` with each folder that stands among its parent's requests (`itemsBefore`) kept right after
 * the request it followed in `before` (or the nearest one before that which is still there), so that
 * deleting or moving a request does not move the folders beside it.
 */
export function keepFolderPlaces(before: Collection, next: Collection): Collection {
  if (!next.folders.some((folder) => folder.itemsBefore !== undefined)) return next
  const siblings = (c: Pick<Collection, 'items'>, parentId: string | null) => c.items.filter((item) => item.folderId === parentId).map((item) => item.id)
  const folders = next.folders.map((folder) => {
    const old = before.folders.find((f) => f.id === folder.id)
    if (folder.itemsBefore === undefined || !old || old.parentId !== folder.parentId || old.itemsBefore !== folder.itemsBefore) return folder
    const was = siblings(before, folder.parentId)
    const now = siblings(next, folder.parentId)
    let itemsBefore = 0
    for (let k = (itemsBeforeFolder(before, old) ?? was.length) - 1; k >= 0; k--) {
      const at = now.indexOf(was[k]!)
      if (at >= 0) {
        itemsBefore = at + 1
        break
      }
    }
    return itemsBefore === folder.itemsBefore ? folder : { ...folder, itemsBefore }
  })
  return { ...next, folders }
}

export const CollectionSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** When it was created: tells apart collections that share a name (names need not be unique, as in Postman). */
  createdAt: z.number(),
  updatedAt: z.number(),
  itemCount: z.number().int(),
  folderCount: z.number().int(),
})
export type CollectionSummary = z.infer<typeof CollectionSummary>

/** A deleted collection still in the trash: it can be restored until it is purged or emptied out. */
export const TrashedCollection = z.object({
  id: z.string(),
  name: z.string(),
  deletedAt: z.number(),
  itemCount: z.number().int(),
  folderCount: z.number().int(),
})
export type TrashedCollection = z.infer<typeof TrashedCollection>

export const ItemPatch = z.object({
  name: CollectionItem.shape.name.optional(),
  notes: CollectionItem.shape.notes.optional(),
  tags: CollectionItem.shape.tags.optional(),
  signature: CollectionItem.shape.signature.optional(),
  /** False: the item's certificate is checked again. */
  acceptSelfSigned: z.boolean().optional(),
})

export const RunResult = z.object({
  itemId: z.string(),
  name: z.string(),
  /** The replay that recorded what was sent and what came back (null when nothing was sent). */
  replayId: z.string().nullable(),
  status: z.number().int().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  ok: z.boolean(),
  /** The signature as sent, judged as the replay's is (absent when nothing was sent). */
  signature: Verdict.nullable().optional(),
})
export type RunResult = z.infer<typeof RunResult>

export const RunState = z.object({
  runId: z.string(),
  collectionId: z.string(),
  /** The folder run (with its sub-folders), or null for the whole collection. */
  folderId: z.string().nullable().optional(),
  /** When it started. */
  startedAt: z.number().optional(),
  total: z.number().int(),
  done: z.number().int(),
  state: z.enum(['running', 'finished', 'stopped', 'cancelled']),
  results: z.array(RunResult),
})
export type RunState = z.infer<typeof RunState>

export const ExportFormat = z.enum(['hookscope', 'har', 'postman', 'curl'])
export type ExportFormat = z.infer<typeof ExportFormat>
export const ImportFormat = z.enum(['hookscope', 'har', 'postman', 'curl', 'raw'])
export type ImportFormat = z.infer<typeof ImportFormat>

export function draftOfSaved(request: SavedRequest): RequestDraft {
  const base64 = request.body.encoding === 'base64' ? request.body.data : base64Encode(new TextEncoder().encode(request.body.data))
  return { method: request.method, url: request.url, headers: request.headers, bodyBase64: base64 }
}
