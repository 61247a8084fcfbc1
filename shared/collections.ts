// Collections: the requests users keep. One file per collection, plain pretty-printed JSON with a
// stable key order (the schemas' order), so a team can commit them and read the diffs. Text bodies
// are stored as text, binary ones as base64.
import { z } from 'zod'
import { HttpMethod, RawHeaders, type RequestDraft } from './model'
import { SchemeId } from './signatures'
import { base64Encode } from './formats/bytes'

export const StoredBody = z
  .object({ encoding: z.enum(['utf8', 'base64']), data: z.string() })
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

export const Collection = z.object({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Folder order within a parent is array order. */
  folders: z.array(CollectionFolder),
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

export type CollectionEntry = { kind: 'item'; item: CollectionItem } | { kind: 'folder'; folder: CollectionFolder }

/**
 * A parent's requests and folders in the order the tree shows and a run sends them: requests in
 * array order, folders in array order, each folder after the first `itemsBefore` of the parent's
 * requests (all of them when it has none, or fewer remain), never before a folder listed ahead of it.
 */
export function childrenOf(collection: Pick<Collection, 'items' | 'folders'>, parentId: string | null): CollectionEntry[] {
  const items = collection.items.filter((item) => item.folderId === parentId)
  const out: CollectionEntry[] = []
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
export function itemsBeforeFolder(collection: Pick<Collection, 'items' | 'folders'>, folder: CollectionFolder): number | undefined {
  const children = childrenOf(collection, folder.parentId)
  const at = children.findIndex((entry) => entry.kind === 'folder' && entry.folder.id === folder.id)
  const before = children.slice(0, at).filter((entry) => entry.kind === 'item').length
  return before < children.filter((entry) => entry.kind === 'item').length ? before : undefined
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
})
export type RunResult = z.infer<typeof RunResult>

export const RunState = z.object({
  runId: z.string(),
  collectionId: z.string(),
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
