// The Api contract: every method and event the renderer can use, declared once. The Electron IPC
// binding, the preload bridge, the headless WebSocket bridge and the renderer's client are all derived
// from these two tables; nothing else names a channel.
import { z } from 'zod'
import { ApiErrorShape, HookscopeError, toErrorShape, type Result } from './errors'
import { SchemeId, Verdict } from './signatures'
import { Collection, CollectionItem, CollectionSummary, CollectionTree, EntryRef, ExportFormat, ImportFormat, ItemInfo, ItemPatch, RunState, TrashedCollection } from './collections'
import {
  RemovedEndpoint,
  BodyChunk,
  BodyPart,
  Capture,
  CapturePage,
  CaptureQuery,
  CaptureSummary,
  Endpoint,
  EndpointDraft,
  EndpointPatch,
  EndpointStatus,
  ForwardAttempt,
  Replay,
  RequestDraft,
  Settings,
  SettingsPatch,
  TargetStatus,
} from './model'

const Id = z.object({ id: z.string().min(1) })
const Empty = z.object({}).strict()
/** How many captures a retry queued, and how many of them wait for a target that sends nothing now (paused, or its endpoint no longer forwards in async mode). */
const RetryResult = z.object({ count: z.number().int(), held: z.number().int() })

export const AppInfo = z.object({
  name: z.literal('Hookscope'),
  version: z.string(),
  host: z.enum(['electron', 'headless']),
  dataDir: z.string(),
  platform: z.string(),
})
export type AppInfo = z.infer<typeof AppInfo>

export const Notice = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.string(),
  message: z.string(),
  at: z.number(),
})
export type Notice = z.infer<typeof Notice>

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) {
  return { input, output, doc }
}

/**
 * The most body bytes one `captures.export` call of several captures carries: the engine holds a
 * call's bodies (as bytes, then as the text the format gives them) while it writes its file, so a
 * few large bodies at once would exhaust its memory. A single capture is always exported.
 */
export const EXPORT_CALL_MAX_BODY_BYTES = 64 * 1024 * 1024

/** The most bytes of an export file one `exports.read` call gives. */
export const EXPORT_READ_MAX_BYTES = 8 * 1024 * 1024

/**
 * An exported file. Up to a megabyte it comes as its text; a larger one is written by the engine to
 * a temp file, piece by piece (never the whole file in one string), given as `file` (and `text`
 * empty), and read in slices with `exports.read`, the last of which deletes it (as do 10 minutes
 * unused).
 */
export const ExportedFile = z.object({
  filename: z.string(),
  mimeType: z.string(),
  text: z.string(),
  file: z.object({ id: z.string(), size: z.number().int().min(0) }).optional(),
  /** A HAR file's entries, in bytes: from the line break before the first to the end of the last (for joining files). */
  harEntries: z.object({ start: z.number().int().min(0), end: z.number().int().min(0) }).optional(),
})
export type ExportedFile = z.infer<typeof ExportedFile>

/**
 * The timeline's reading of the history: what it plots of each stored capture, and no more, since a
 * page opened reads every request of the timeline's minutes (tens of thousands under load) while its
 * list's first page is drawn.
 */
export const TimelineQuery = z.object({
  /** Captures received at or after this time (ms since the epoch). */
  since: z.number(),
  /** Captures older than this id (paging, newest first, as captures.query pages). */
  before: z.string().optional(),
  limit: z.number().int().min(1).max(5000).default(5000),
})
export type TimelineQuery = z.input<typeof TimelineQuery>
export const TimelineItem = CaptureSummary.pick({ id: true, receivedAt: true, status: true, endpointId: true })
export type TimelineItem = z.infer<typeof TimelineItem>
export const TimelinePage = z.object({
  items: z.array(TimelineItem),
  /** Pass as `before` to get the next page; null when there is none. */
  next: z.string().nullable(),
})
export type TimelinePage = z.infer<typeof TimelinePage>

export const methods = {
  'app.info': method(Empty, AppInfo, 'What is running and where its data lives.'),
  'app.notices': method(Empty, z.array(Notice), 'Notices raised since start (store errors, restored files).'),

  'endpoints.list': method(Empty, z.array(Endpoint), 'All endpoints, in creation order.'),
  'endpoints.status': method(Empty, z.array(EndpointStatus), 'Listener state of every endpoint.'),
  'endpoints.create': method(EndpointDraft, Endpoint, 'Create an endpoint; it starts listening if enabled.'),
  'endpoints.update': method(
    z.object({ id: z.string().min(1), patch: EndpointPatch }),
    Endpoint,
    'Change an endpoint; a new port or address restarts its listener.',
  ),
  'endpoints.remove': method(Id, z.object({ removed: z.boolean() }), 'Stop and delete an endpoint.'),
  'endpoints.removed': method(Empty, z.array(RemovedEndpoint), 'Endpoints since removed, with the names they had (their captures stay in the history), oldest first.'),
  'endpoints.start': method(Id, EndpointStatus, 'Start listening.'),
  'endpoints.stop': method(Id, EndpointStatus, 'Stop listening.'),

  'endpoints.setSecret': method(
    z.object({ id: z.string().min(1), secret: z.string().max(4096).nullable() }),
    Endpoint,
    'Store (or with null, forget) the endpoint’s signing secret. It is never sent back.',
  ),

  'captures.query': method(CaptureQuery, CapturePage, 'Stored captures, newest first, filtered.'),
  'captures.timeline': method(
    TimelineQuery,
    TimelinePage,
    'Every stored capture received since a time, newest first, whatever a list’s filter: its id, arrival, status and endpoint only (the traffic timeline’s reading).',
  ),
  'captures.get': method(Id, Capture, 'One capture with its raw headers and body reference.'),
  'captures.body': method(
    z.object({
      id: z.string().min(1),
      offset: z.number().int().min(0).default(0),
      length: z.number().int().min(1).max(16 * 1024 * 1024).default(1024 * 1024),
      /** Undo Content-Encoding (gzip, deflate, br, zstd where available), with an output cap. */
      decode: z.boolean().default(false),
    }),
    BodyChunk,
    'A slice of a capture body, base64; raw as stored, or decoded for display.',
  ),
  'captures.parts': method(
    Id,
    z.object({ parts: z.array(BodyPart), error: z.string().nullable() }),
    'The parts of a multipart/form-data body.',
  ),
  'captures.clear': method(
    z.object({ endpointId: z.string().optional() }),
    z.object({ removed: z.number().int() }),
    'Delete stored captures (all, or one endpoint).',
  ),

  'captures.verify': method(Id, Verdict.nullable(), 'Judge a capture’s signature again with its endpoint’s scheme and secret.'),

  'replay.draft': method(
    z.object({ captureId: z.string().min(1), baseUrl: z.string().optional() }),
    RequestDraft,
    'A capture as an editable request: method, URL, raw headers and body, exactly as captured.',
  ),
  'replay.send': method(
    z.object({
      draft: RequestDraft,
      /** The capture it came from, so the two can be compared. */
      originId: z.string().nullable().default(null),
      /** Whose secret re-signs it (defaults to the origin's endpoint). */
      endpointId: z.string().optional(),
      /** Re-sign with a fresh timestamp; keep or renew the message id receivers de-duplicate on. */
      resign: z.object({ scheme: SchemeId, renewId: z.boolean().default(false) }).nullable().default(null),
      timeoutMs: z.number().int().min(100).max(10 * 60_000).default(30_000),
      /** Chosen by the caller, so that `replay.cancel` can cut this send short. */
      sendId: z.string().min(1).max(100).optional(),
      /** An https:// URL: accept a certificate no trusted authority vouches for (a local app's own, self-signed or mkcert's), as a forward target can. */
      acceptSelfSigned: z.boolean().default(false),
    }),
    Replay,
    'Send a request (never following redirects) and record it as a replay.',
  ),
  'replay.cancel': method(
    z.object({ sendId: z.string().min(1).max(100) }),
    z.object({ cancelled: z.boolean() }),
    'Cut short a send still waiting for its answer; it is recorded as aborted. False when none is in progress.',
  ),
  'replay.resend': method(
    z.object({
      captureId: z.string().min(1),
      /** Base URL to send it to (the request’s own path is appended); default: the endpoint’s default forward target. */
      baseUrl: z.string().optional(),
      resign: z.object({ scheme: SchemeId, renewId: z.boolean().default(false) }).nullable().default(null),
    }),
    Replay,
    'Send a capture again as it was, to its forward target or another URL.',
  ),
  'replay.list': method(z.object({ originId: z.string().optional() }), z.array(Replay), 'Recent replays, newest first.'),
  'replay.get': method(Id, Replay, 'One replay with what was sent and what came back.'),
  'replay.body': method(
    z.object({
      id: z.string().min(1),
      part: z.enum(['request', 'response']),
      offset: z.number().int().min(0).default(0),
      length: z.number().int().min(1).max(16 * 1024 * 1024).default(1024 * 1024),
      decode: z.boolean().default(false),
    }),
    BodyChunk,
    'A slice of a replay’s request or response body.',
  ),

  'forward.status': method(Empty, z.array(TargetStatus), 'Every forward target: not tried yet, up, down, retrying or paused, and how many wait.'),
  'forward.attempts': method(Id, z.array(ForwardAttempt), 'Every forwarding attempt of a capture, oldest first.'),
  'forward.attemptBody': method(
    z.object({
      captureId: z.string().min(1),
      attemptId: z.string().min(1),
      offset: z.number().int().min(0).default(0),
      length: z.number().int().min(1).max(16 * 1024 * 1024).default(1024 * 1024),
      decode: z.boolean().default(false),
    }),
    BodyChunk,
    'A slice of the body a target answered with.',
  ),
  'forward.retry': method(
    z.object({ ids: z.array(z.string().min(1)).min(1).max(100_000) }),
    RetryResult,
    'Queue these captures for delivery again: failed, dropped or waiting ones, delivered ones to deliver them again, or blocked and unrouted ones (async mode) to the target the routes choose now.',
  ),
  'forward.retryFailed': method(
    z.object({ endpointId: z.string().min(1), targetId: z.string().min(1).optional() }),
    RetryResult,
    'Queue every failed delivery of an endpoint (or one target) again.',
  ),
  'forward.retryNow': method(
    z.object({ endpointId: z.string().min(1), targetId: z.string().min(1) }),
    z.object({ started: z.boolean() }),
    'Try what waits for a target now instead of waiting out its backoff; if it fails again, the backoff goes on. started is false when nothing waited for a backoff.',
  ),
  'forward.drop': method(
    z.union([
      z.object({ ids: z.array(z.string().min(1)).min(1).max(100_000) }),
      z.object({ endpointId: z.string().min(1), targetId: z.string().min(1).optional(), which: z.enum(['waiting', 'failed']).default('waiting') }),
    ]),
    z.object({ count: z.number().int() }),
    'Do not deliver these captures, or everything waiting for an endpoint (or one target), or, with which: failed, everything that failed for it (no longer counted as failed).',
  ),

  // Every method below answers with a collection's tree (CollectionTree) or items without their
  // bodies' bytes (ItemInfo): a change to a collection of large bodies answers in kilobytes, not in
  // the megabytes of its bodies. collections.item brings one item whole; exports and runs read the
  // bodies in the engine.
  'collections.list': method(Empty, z.array(CollectionSummary), 'Every collection, oldest first.'),
  'collections.get': method(Id, CollectionTree, 'One collection with its folders and items, each item without its body’s bytes (collections.item brings them).'),
  'collections.item': method(
    z.object({ id: z.string().min(1), itemId: z.string().min(1) }),
    CollectionItem,
    'One item with its whole request body, exactly as saved: what opening, sending, copying or comparing it needs.',
  ),
  'collections.create': method(z.object({ name: Collection.shape.name }), CollectionTree, 'A new, empty collection.'),
  'collections.rename': method(z.object({ id: z.string().min(1), name: Collection.shape.name }), CollectionTree, 'Rename a collection.'),
  'collections.remove': method(Id, z.object({ removed: z.literal(true) }), 'Delete a collection (undo with collections.restore).'),
  'collections.restore': method(Id, CollectionTree, 'Bring back a deleted collection.'),
  'collections.trash': method(Empty, z.array(TrashedCollection), 'Deleted collections still in the trash (kept 30 days, at most 100), most recently deleted first.'),
  'collections.purge': method(Id, z.object({ purged: z.literal(true) }), 'Delete a collection in the trash for good.'),
  'collections.undo': method(Id, CollectionTree, 'Undo the last deletion of an item or folder in a collection.'),
  'collections.addFolder': method(
    z.object({ id: z.string().min(1), name: z.string().trim().min(1).max(200), parentId: z.string().nullable().default(null) }),
    CollectionTree,
    'Add a folder (at the top, or inside another).',
  ),
  'collections.renameFolder': method(z.object({ id: z.string().min(1), folderId: z.string().min(1), name: z.string().trim().min(1).max(200) }), CollectionTree, 'Rename a folder.'),
  'collections.removeFolder': method(z.object({ id: z.string().min(1), folderId: z.string().min(1) }), CollectionTree, 'Delete a folder and what it holds (undoable).'),
  'collections.moveFolder': method(
    z.object({ id: z.string().min(1), folderId: z.string().min(1), parentId: z.string().nullable(), index: z.number().int().min(0) }),
    CollectionTree,
    'Move a folder among its siblings or into another folder.',
  ),
  'collections.saveItem': method(
    z.object({
      id: z.string().min(1),
      folderId: z.string().nullable().default(null),
      from: z.union([z.object({ captureId: z.string().min(1) }), z.object({ replayId: z.string().min(1) }), z.object({ draft: RequestDraft })]),
      name: z.string().trim().min(1).max(300).optional(),
      notes: z.string().max(100_000).default(''),
      tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
      signature: CollectionItem.shape.signature.default(null),
      /** Its https:// URL may answer with a certificate no trusted authority vouches for (a draft sent accepting one); a replay keeps what it was sent with. */
      acceptSelfSigned: z.boolean().default(false),
    }),
    ItemInfo,
    'Save a capture, a replay or a draft into a collection, exactly (raw headers, body bytes).',
  ),
  'collections.updateItem': method(
    z.object({
      id: z.string().min(1),
      itemId: z.string().min(1),
      patch: ItemPatch,
      request: RequestDraft.optional(),
      /** The item's updatedAt when it was opened: refused with CONFLICT, changing nothing, when it changed since (another window saved it). */
      ifUpdatedAt: z.number().optional(),
    }),
    CollectionTree,
    'Change an item’s name, notes, tags, re-signing, or request.',
  ),
  'collections.removeItem': method(z.object({ id: z.string().min(1), itemId: z.string().min(1) }), CollectionTree, 'Delete an item (undoable).'),
  'collections.moveItem': method(
    z.object({ id: z.string().min(1), itemId: z.string().min(1), folderId: z.string().nullable(), index: z.number().int().min(0) }),
    CollectionTree,
    'Move an item to a folder and position.',
  ),
  'collections.moveEntry': method(
    z.object({ id: z.string().min(1), entry: EntryRef, parentId: z.string().nullable(), index: z.number().int().min(0) }),
    CollectionTree,
    'Move a request or a folder into a folder (null: the top) at a position among all of its children, requests and folders alike, in the order the tree shows them.',
  ),
  'collections.search': method(
    z.object({ text: z.string().max(1000) }),
    z.array(z.object({ collectionId: z.string(), collectionName: z.string(), item: ItemInfo })),
    'Items whose name, notes, tags, URL, headers or text body contain the text.',
  ),
  'collections.run': method(
    z.object({
      id: z.string().min(1),
      folderId: z.string().nullable().default(null),
      /** Send each item to this base URL (keeping its path); null sends it to its own URL. */
      baseUrl: z.string().nullable().default(null),
      delayMs: z.number().int().min(0).max(60_000).default(0),
      stopOnFailure: z.boolean().default(false),
      resign: z.boolean().default(true),
      /**
       * Endpoints whose secret re-signs the items set to no re-signing that carry a signature (saved
       * before items kept how they are signed, or imported): each is re-signed with the first of these
       * whose scheme's signature it carries, and sent as saved when none is.
       */
      resignWith: z.array(z.string().min(1)).max(100).default([]),
      timeoutMs: z.number().int().min(100).max(10 * 60_000).default(30_000),
    }),
    RunState,
    'Send a collection’s items in order; progress arrives as collections.run events.',
  ),
  'collections.rerunFailed': method(
    z.object({ runId: z.string().min(1) }),
    RunState,
    'Send again, as a new run, the items whose result failed in an ended run (refused, timed out, an error, or an answer outside 200–399), in the same order and with the same options; progress arrives as collections.run events.',
  ),
  'collections.runStatus': method(z.object({ runId: z.string().min(1) }), RunState, 'Where a run stands, with its results.'),
  'collections.runs': method(
    z.object({ collectionId: z.string().min(1) }),
    z.array(RunState),
    'The runs of a collection since the engine started, newest first: a page opened again finds the one still in progress, to follow or stop it.',
  ),
  'collections.cancelRun': method(z.object({ runId: z.string().min(1) }), RunState, 'Stop a run: the request waiting for its answer is cut short (kept as cancelled), and nothing more is sent.'),
  'collections.export': method(
    z.object({ id: z.string().min(1), format: ExportFormat }),
    ExportedFile,
    'A collection as Hookscope JSON, HAR 1.2, Postman v2.1 or cURL: its text, or past a megabyte a file to read with exports.read.',
  ),
  'collections.import': method(
    z
      .object({
        format: ImportFormat,
        /** The file as text (HAR, Postman, Hookscope, cURL). */
        text: z.string().max(200 * 1024 * 1024).optional(),
        /** The file's exact bytes, base64: a raw HTTP message, whose body and header bytes need not be UTF-8. */
        base64: z.string().max(270 * 1024 * 1024).optional(),
        /** The file sent before in slices (collections.importChunk): how a large file travels. */
        uploadId: z.string().min(1).max(100).optional(),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .refine((input) => [input.text, input.base64, input.uploadId].filter((part) => part !== undefined).length === 1, {
        message: 'give the file as text, as base64 or as an upload, and only one of them',
      }),
    CollectionTree,
    'A new collection from a file: everything in it, or nothing and a clear error. A file sent as an upload reports its reading as collections.importing events.',
  ),
  'collections.importChunk': method(
    z.object({
      /** Chosen by the caller for one file; the import names it. */
      uploadId: z.string().min(1).max(100),
      /** Where this slice begins in the file: slices arrive in order. */
      offset: z.number().int().min(0),
      /** The slice's bytes, base64. */
      base64: z.string().max(8 * 1024 * 1024),
    }),
    z.object({ received: z.number().int() }),
    'One slice of a file to import, in order; an upload not used for 10 minutes is dropped.',
  ),
  'collections.cancelImport': method(
    z.object({ uploadId: z.string().min(1).max(100) }),
    z.object({ cancelled: z.boolean() }),
    'Drop an upload, or stop its import before anything is stored.',
  ),
  'captures.export': method(
    z.object({ ids: z.array(z.string().min(1)).min(1).max(100_000), format: z.enum(['har', 'curl']), progressId: z.string().min(1).max(100).optional() }),
    ExportedFile,
    `Captures with their recorded responses as HAR 1.2, or as cURL commands: the file's text, or past a megabyte a file to read with exports.read. Several captures whose bodies add up to more than ${EXPORT_CALL_MAX_BODY_BYTES / 1024 / 1024} MB are refused (INVALID_INPUT): export them fewer at a time. With a progressId, exports.progress events say how far the file is written.`,
  ),
  'exports.read': method(
    z.object({ id: z.string().min(1).max(100), offset: z.number().int().min(0), length: z.number().int().min(1).max(EXPORT_READ_MAX_BYTES) }),
    z.object({ base64: z.string(), size: z.number().int(), totalSize: z.number().int() }),
    'A slice of an export answered as a file, base64. Reading its last byte deletes the file; so do 10 minutes unused (NOT_FOUND afterwards). An offset past its end is refused (INVALID_INPUT).',
  ),
  'exports.discard': method(
    z.object({ id: z.string().min(1).max(100) }),
    z.object({ discarded: z.boolean() }),
    'Delete an export answered as a file without reading it to its end (a download cancelled or failed); false when it was gone already.',
  ),

  'settings.get': method(Empty, Settings, 'Current settings.'),
  'settings.update': method(SettingsPatch, Settings, 'Change settings; limits apply at once to the endpoints listening, without restarting them.'),
} as const

export const events = {
  /** New and completed captures, batched by the host (never one message per request). */
  'traffic.batch': z.object({ captures: z.array(CaptureSummary), removed: z.array(z.string()) }),
  'endpoints.changed': z.object({ endpoints: z.array(Endpoint), status: z.array(EndpointStatus), removed: z.array(RemovedEndpoint).default([]) }),
  'app.notice': Notice,
  'forward.changed': z.object({ targets: z.array(TargetStatus) }),
  'collections.changed': z.object({ collections: z.array(CollectionSummary) }),
  /** The user cleared captures (all of them, or one endpoint's): reload the list. */
  'captures.cleared': z.object({ endpointId: z.string().nullable() }),
  'settings.changed': Settings,
  'collections.run': RunState,
  /** How far the import of an upload has read the file: requests read, of how many. */
  'collections.importing': z.object({ uploadId: z.string(), done: z.number().int(), total: z.number().int() }),
  /** How far a captures.export given a progressId has written its file: bytes of the requests' bodies written, of all of them. */
  'exports.progress': z.object({ progressId: z.string(), done: z.number().int(), total: z.number().int() }),
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>
export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.output<Events[E]>

export const methodNames = Object.keys(methods) as MethodName[]
export const eventNames = Object.keys(events) as EventName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name)
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** What a host implements: one async function per method, input already validated. */
export type ApiHandlers = {
  [M in MethodName]: (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>>
}

/** What the renderer uses. */
export type ApiClient = {
  [M in MethodName]: (...input: keyof MethodInput<M> extends never ? [MethodInput<M>?] : [MethodInput<M>]) => Promise<MethodOutput<M>>
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** The two primitives a transport provides; the client is built on them. */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void
}

export const ResultEnvelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorShape }),
])

export function createApiClient(transport: Transport): ApiClient {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let unsubscribe: (() => void) | null = null
  const ensureSubscribed = (): void => {
    if (unsubscribe) return
    unsubscribe = transport.subscribe((event, payload) => {
      for (const listener of listeners.get(event) ?? []) listener(payload)
    })
  }
  const client: Record<string, unknown> = {
    on(event: EventName, listener: (payload: unknown) => void) {
      ensureSubscribed()
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
  }
  for (const name of methodNames) {
    client[name] = async (input: unknown = {}) => {
      const result = ResultEnvelope.parse(await transport.invoke(name, input))
      if (!result.ok) throw new HookscopeError(result.error.code, result.error.message)
      return result.value
    }
  }
  return client as ApiClient
}

/** Validate, run, and wrap in an envelope: the one path every host uses for every call. */
export async function dispatch(handlers: ApiHandlers, name: unknown, input: unknown): Promise<Result<unknown>> {
  if (!isMethodName(name)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(name)}` } }
  }
  try {
    const parsed = methods[name].input.parse(input ?? {})
    const handler = handlers[name] as (input: unknown) => Promise<unknown>
    const value = await handler(parsed)
    return { ok: true, value }
  } catch (error) {
    return { ok: false, error: toErrorShape(error) }
  }
}
