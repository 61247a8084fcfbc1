// The engine: endpoints, their listeners, the store and the events, behind the Api's handlers.
// Plain Node: it takes its data folder and clock as arguments and never imports Electron, so tests,
// the desktop shell and the headless host all run this very code.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ApiHandlers, AppInfo, Notice } from '../../shared/api'
import { HookscopeError, storageProblem } from '../../shared/errors'
import {
  Endpoint as EndpointSchema,
  EndpointDraft,
  EndpointPatch,
  Settings as SettingsSchema,
  SettingsPatch,
  defaultForwardConfig,
  defaultResponseRule,
  defaultSettings,
  defaultSignatureConfig,
  ForwardConfig,
  type BodyChunk,
  type Capture,
  type CaptureSummary,
  type Endpoint,
  type EndpointStatus,
  type RawHeaders,
  RemovedEndpoint,
  type RemovedEndpoint as RemovedEndpointType,
  type Settings,
} from '../../shared/model'
import type { ForwardConfig as ForwardConfigType } from '../../shared/model'
import { z } from 'zod'
import { carriesSignature, SIGNATURE_HEADERS } from '../../shared/signatures'
import { schemes } from './signatures'
import { decodeBody, parseContentEncoding } from './capture/decode'
import { bindAddressOfHost, bindingsOverlap } from './capture/bind-address'
import { headerValue } from './capture/headers'
import { Listener, type CaptureSink } from './capture/listener'
import { Forwarder } from './forward/forwarder'
import { Replayer } from './replay/replayer'
import { CollectionService, savedOfDraft } from './collections/service'
import { CollectionStore } from './collections/store'
import { itemInfo, treeOf, type Collection, type CollectionTree } from '../../shared/collections'
import { normalizeSecret, SignatureChecker } from './verdicts/checker'
import { parseMultipart } from './capture/multipart'
import { systemClock, type Clock } from './clock'
import { TypedEmitter, type EngineEvents } from './events'
import { createIdGenerator } from './ids'
import { BlobStore } from './store/blobs'
import { DocumentStore } from './store/document'
import { exists } from './store/fs-util'
import { HistoryStore, summaryOf, type CaptureRecord } from './store/history'
import { JournalDeleted } from './store/journal'
import { DataDirLock } from './store/lock'
import { endpointOfRef, FileSecretStore, type SecretStore } from './secrets'

export const INLINE_BODY_LIMIT = 64 * 1024
/** The same notice is told at most this often (a capture that cannot be stored: each sender hears it at once). */
const REPEATED_NOTICE_MS = 30_000

export interface EngineOptions {
  dataDir: string
  clock?: Clock
  host?: AppInfo['host']
  version?: string
  /** Create this endpoint when the data folder has none yet (first run). */
  firstEndpoint?: { name?: string; port?: number; host?: string } | false
  /** Where signing secrets are kept (default: a user-only file in the data folder). */
  secrets?: SecretStore
  /**
   * Forwarding of the first endpoint for this run only (`hookscope serve --forward`; see
   * setForwardOverride), in force before what waited across the restart is delivered and before the
   * endpoint captures: deliveries waiting for it are sent, not failed as if their target were gone.
   */
  forwardOverride?: Partial<ForwardConfigType>
}

/** How many removed endpoints keep their names (the most recently removed). */
const REMOVED_ENDPOINTS_KEPT = 1000

// `removed`: the names of endpoints since removed, for their captures still in the history (a file
// without it, from before, reads as none; one read by an older version loses only these names).
const EndpointsDoc = z.object({ endpoints: z.array(EndpointSchema), removed: z.array(RemovedEndpoint).default([]) })

/** endpoints.json format 1 → 2: forwarding and signature settings. */
const endpointMigrations = [
  (data: Record<string, unknown>) => ({
    ...data,
    endpoints: ((data.endpoints as Array<Record<string, unknown>>) ?? []).map((endpoint) => ({
      ...endpoint,
      forward: defaultForwardConfig(),
      signature: defaultSignatureConfig(),
    })),
  }),
]

/** A text body's size in bytes, counted natively. */
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/** What the collections' methods answer with: the tree, each item's body as its size, never its bytes. */
function tree(collection: Collection): CollectionTree {
  return treeOf(collection, utf8Bytes)
}

export class Engine {
  readonly events = new TypedEmitter<EngineEvents>()
  private readonly listeners = new Map<string, Listener>()
  private readonly notices: Notice[] = []
  /** Forwarding for this run only (`hookscope serve --forward`), by endpoint id: reported, never saved. */
  private readonly forwardOverrides = new Map<string, ForwardConfigType>()
  private effective: { saved: Endpoint[]; list: Endpoint[] } | null = null
  private closing: Promise<void> | null = null
  private constructor(
    readonly dataDir: string,
    readonly clock: Clock,
    private readonly info: AppInfo,
    private readonly lock: DataDirLock,
    private readonly newId: () => string,
    private settingsDoc: DocumentStore<typeof SettingsSchema>,
    private endpointsDoc: DocumentStore<typeof EndpointsDoc>,
    readonly blobs: BlobStore,
    readonly history: HistoryStore,
    readonly secrets: SecretStore,
    readonly forwarder: Forwarder,
    readonly checker: SignatureChecker,
    readonly replayer: Replayer,
    readonly collectionStore: CollectionStore,
    readonly collections: CollectionService,
  ) {}

  static async open(options: EngineOptions): Promise<Engine> {
    const clock = options.clock ?? systemClock
    const dataDir = path.resolve(options.dataDir)
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 })
    const lock = await DataDirLock.acquire(dataDir)
    const pending: Notice[] = []
    const notice = (n: Omit<Notice, 'at'>): void => void pending.push({ ...n, at: clock.now() })
    let engine: Engine | null = null
    const emitNotice = (n: Omit<Notice, 'at'>): void => {
      if (engine) engine.notify(n)
      else notice(n)
    }
    try {
      const firstRun = !(await exists(path.join(dataDir, 'endpoints.json'))) && !(await exists(path.join(dataDir, 'endpoints.json.bak')))
      const settingsDoc = await DocumentStore.open({
        dir: dataDir,
        name: 'settings.json',
        schema: SettingsSchema,
        version: 2,
        // Index n turns format n into n + 1; format 0 never existed. Format 2 adds storage settings.
        // A setting added with a default in the schema needs no new format: an older version still
        // opens the file (and leaves the setting out when it saves).
        migrations: [(data) => data, (data) => ({ ...data, storage: defaultSettings().storage })],
        defaults: defaultSettings,
        now: clock.now,
        onNotice: emitNotice,
      })
      const endpointsDoc = await DocumentStore.open({
        dir: dataDir,
        name: 'endpoints.json',
        schema: EndpointsDoc,
        version: 2,
        // Index n turns format n into n + 1; format 0 never existed.
        migrations: [(data) => data, ...endpointMigrations],
        defaults: () => ({ endpoints: [], removed: [] }),
        now: clock.now,
        onNotice: emitNotice,
      })
      const blobs = new BlobStore(path.join(dataDir, 'blobs'), INLINE_BODY_LIMIT)
      await blobs.init()
      let forwarder: Forwarder | null = null
      const history = await HistoryStore.open({
        dir: path.join(dataDir, 'history'),
        blobs,
        retention: settingsDoc.data.retention,
        sync: () => settingsDoc.data.storage.sync,
        now: clock.now,
        onNotice: emitNotice,
        onRemoved: (ids, cleared) => {
          forwarder?.forget(ids)
          engine?.events.emit('captures:removed', { ids, cleared: cleared ?? null })
        },
        onSegmentsDropped: (segments) => void forwarder?.segmentsDropped(segments),
      })
      const secrets = options.secrets ?? new FileSecretStore(path.join(dataDir, 'secrets.json'))
      const endpointOf = (id: string) => endpointsDoc.data.endpoints.find((endpoint) => endpoint.id === id)
      const checker = new SignatureChecker({
        history,
        blobs,
        secrets,
        endpoint: endpointOf,
        onCaptureChanged: (summary) => engine?.events.emit('capture:updated', summary),
      })
      const newId = createIdGenerator(clock.now)
      forwarder = await Forwarder.open({
        dir: path.join(dataDir, 'forward'),
        history,
        blobs,
        clock,
        newId,
        endpoint: (id) => (engine ? engine.forwarderView(id) : endpointsDoc.data.endpoints.find((endpoint) => endpoint.id === id)),
        limits: () => settingsDoc.data.limits,
        onCaptureChanged: (summary) => engine?.events.emit('capture:updated', summary),
        onTargetsChanged: () => engine?.events.emit('forward:changed', undefined),
        onNotice: emitNotice,
        sync: () => settingsDoc.data.storage.sync,
        secretOf: (id) => checker.secretOf(id),
      }, { deliver: false })
      const info: AppInfo = {
        name: 'Hookscope',
        version: options.version ?? '0.0.0',
        host: options.host ?? 'headless',
        dataDir,
        platform: process.platform,
      }
      const replayer = await Replayer.open({
        dir: dataDir,
        history,
        blobs,
        clock,
        newId,
        checker,
        endpoint: endpointOf,
        maxResponseBytes: () => settingsDoc.data.limits.maxBodyBytes,
        onNotice: emitNotice,
      })
      const collectionStore = await CollectionStore.open({ dir: path.join(dataDir, 'collections'), clock, newId, onNotice: emitNotice })
      const collections = new CollectionService({
        store: collectionStore,
        history,
        blobs,
        replayer,
        forwarder,
        clock,
        newId,
        version: options.version ?? '0.0.0',
        targetAcceptsSelfSigned: (url) =>
          (engine?.endpoints() ?? endpointsDoc.data.endpoints).some((endpoint) => endpoint.forward.targets.some((target) => target.acceptSelfSigned === true && target.url.replace(/\/+$/, '') === url.replace(/\/+$/, ''))),
        onRun: (state) => engine?.events.emit('collections:run', state),
        onImporting: (progress) => engine?.events.emit('collections:importing', progress),
        onExporting: (progress) => engine?.events.emit('exports:progress', progress),
      })
      engine = new Engine(dataDir, clock, info, lock, newId, settingsDoc, endpointsDoc, blobs, history, secrets, forwarder, checker, replayer, collectionStore, collections)
      engine.events.on('capture:completed', (summary) => checker.check(summary.id, summary.endpointId))
      engine.events.on('captures:removed', ({ ids }) => checker.forget(ids))
      // Verdicts are live state: judge what is stored again, in the background.
      for (const endpoint of engine.endpoints()) if (endpoint.signature.scheme) void checker.recheck(endpoint.id)
      for (const n of pending) engine.notify(n)
      // Secrets left behind by endpoints removed before removal took them along.
      const known = new Set(engine.endpoints().map((endpoint) => endpoint.id))
      await engine.forgetSecrets((id) => id.startsWith('ep_') && !known.has(id)).catch(() => undefined)
      if (firstRun && options.firstEndpoint !== false) {
        const first = options.firstEndpoint ?? {}
        // Created without listening: it listens below, once this run's forwarding is in force.
        await engine.createEndpoint({ name: first.name ?? 'Default', port: first.port ?? 0, host: first.host ?? '127.0.0.1', enabled: true }, { start: false })
      }
      const first = engine.endpoints()[0]
      if (options.forwardOverride && first) engine.setForwardOverride(first.id, options.forwardOverride)
      forwarder.deliverWaiting()
      for (const endpoint of engine.endpoints()) {
        if (endpoint.enabled) await engine.startEndpoint(endpoint.id).catch(() => undefined)
      }
      return engine
    } catch (error) {
      await lock.release()
      throw error
    }
  }

  /** When each notice (by code and message) last went out: see notify(). */
  private readonly noticedAt = new Map<string, number>()

  /** A capture could not be stored: the user hears why, once in a while rather than once per request (see notify()). */
  private storeFailed(error: Error): void {
    // A capture whose body could not be spooled (its folder gone too) fails before its line reaches
    // the journal: whether that was deleted is asked of it, so that the user hears what helps.
    const deleted = error instanceof JournalDeleted ? error : this.history.journalDeleted()
    if (deleted) {
      // Nothing written from here on would be stored, whatever comes back at that path: only a start can.
      return this.notify({
        level: 'error',
        code: 'STORE_WRITE_FAILED',
        message: `Requests are not being stored: the data folder ${this.dataDir} was deleted while Hookscope ran (${deleted.file} is gone). Their senders are answered 503 Service Unavailable, so that they send them again. Restart Hookscope to store requests again; put the folder back first to keep its endpoints and history, or it starts anew there.`,
      })
    }
    this.notify({
      level: 'error',
      code: 'STORE_WRITE_FAILED',
      message: `Requests are not being stored: ${storageProblem(error) ?? error.message}. Their senders are answered 503 Service Unavailable, so that they send them again; storing resumes by itself once Hookscope can write to its data folder.`,
    })
  }

  /**
   * Tell the hosts. The same notice again within REPEATED_NOTICE_MS is not repeated: a trouble that
   * lasts (a full disk) fails every capture, attempt and seal, and would bury the list under copies.
   */
  notify(n: Omit<Notice, 'at'>): void {
    const full = { ...n, at: this.clock.now() }
    const key = `${n.level}|${n.code}|${n.message}`
    const last = this.noticedAt.get(key)
    if (last !== undefined && full.at - last < REPEATED_NOTICE_MS) return
    if (this.noticedAt.size >= 200) this.noticedAt.clear()
    this.noticedAt.set(key, full.at)
    this.notices.push(full)
    if (this.notices.length > 200) this.notices.shift()
    this.events.emit('notice', full)
  }

  get settings(): Settings {
    return this.settingsDoc.data
  }

  /** The endpoints as they work now: saved, with this run's forwarding override applied. */
  endpoints(): Endpoint[] {
    const saved = this.endpointsDoc.data.endpoints
    if (this.forwardOverrides.size === 0) return saved
    if (this.effective?.saved !== saved) {
      const list = saved.map((endpoint) => {
        const forward = this.forwardOverrides.get(endpoint.id)
        return forward ? { ...endpoint, forward } : endpoint
      })
      this.effective = { saved, list }
    }
    return this.effective.list
  }

  /** An endpoint as saved in endpoints.json, without this run's forwarding override. */
  savedEndpoint(id: string): Endpoint {
    const found = this.endpointsDoc.data.endpoints.find((endpoint) => endpoint.id === id)
    if (!found) throw new HookscopeError('NOT_FOUND', `No endpoint with id ${id}.`)
    return found
  }

  /**
   * Forward this endpoint's captures by `forward` (merged over its saved forwarding) for this run only:
   * endpoints() reports it and new captures are routed by it, but nothing of it is saved, so the next
   * start forwards as saved. An edit of the endpoint's forwarding saves that edit and ends the
   * override; null ends it too. Deliveries already waiting for a saved target wait (paused) meanwhile.
   */
  setForwardOverride(id: string, forward: Partial<ForwardConfigType> | null): Endpoint {
    this.assertOpen()
    const saved = this.savedEndpoint(id)
    if (forward === null) this.forwardOverrides.delete(id)
    else this.forwardOverrides.set(id, checkForward(ForwardConfig.parse({ ...saved.forward, ...forward })))
    this.effective = null
    this.forwarder.configChanged(this.forwarderView(id)!)
    this.events.emit('endpoints:changed', undefined)
    return this.endpoint(id)
  }

  /** What the forwarder works with: the endpoint as it works now, plus, under an override, the saved
   * targets it hides, paused, so that what waits for them is held, not failed as if they were removed. */
  private forwarderView(id: string): Endpoint | undefined {
    const endpoint = this.endpoints().find((e) => e.id === id)
    const override = this.forwardOverrides.get(id)
    if (!endpoint || !override) return endpoint
    const saved = this.savedEndpoint(id)
    const hidden = saved.forward.targets.filter((target) => !override.targets.some((t) => t.id === target.id)).map((target) => ({ ...target, paused: true }))
    return { ...endpoint, forward: { ...override, targets: [...override.targets, ...hidden] } }
  }

  endpoint(id: string): Endpoint {
    const found = this.endpoints().find((endpoint) => endpoint.id === id)
    if (!found) throw new HookscopeError('NOT_FOUND', `No endpoint with id ${id}.`)
    return found
  }

  listener(id: string): Listener | undefined {
    return this.listeners.get(id)
  }

  statuses(): EndpointStatus[] {
    return this.endpoints().map((endpoint) => this.statusOf(endpoint))
  }

  private statusOf(endpoint: Endpoint): EndpointStatus {
    const listener = this.listeners.get(endpoint.id)
    const status = listener ? listener.status() : new Listener(endpoint, this.listenerDeps()).status()
    return this.forwardOverrides.has(endpoint.id) ? { ...status, forwardThisRunOnly: true } : status
  }

  private listenerDeps() {
    return {
      clock: this.clock,
      newId: this.newId,
      limits: () => this.settingsDoc.data.limits,
      sink: this.sink,
      portHolder: (endpoint: Endpoint) => this.portHolder(endpoint),
    }
  }

  /** The name of the other endpoint listening on `endpoint`'s port at an address overlapping its host. */
  private async portHolder(endpoint: Endpoint): Promise<string | null> {
    const wanted = await bindAddressOfHost(endpoint.host)
    if (!wanted) return null
    for (const [id, listener] of this.listeners) {
      const bound = id === endpoint.id ? null : listener.bound()
      if (bound?.port !== endpoint.port || !bindingsOverlap(wanted, bound)) continue
      const holder = this.endpoints().find((other) => other.id === id)
      if (holder) return holder.name
    }
    return null
  }

  private readonly sink: CaptureSink = {
    createSpool: () => this.blobs.createSpool(),
    plan: (record) => {
      const endpoint = this.endpoints().find((e) => e.id === record.endpointId)
      return endpoint ? this.forwarder.plan(record, endpoint) : undefined
    },
    proxy: (record, res, durable, stop) => this.forwarder.proxy(record, res, durable, stop),
    committed: (record) => this.forwarder.enqueue(record),
    unanswered: (record, stored) => this.forwarder.unanswered(record, stored),
    commit: (record: CaptureRecord, head: Buffer) => this.history.append(record, head),
    notStored: (record, error, answer, indexed, respondedMs) => {
      if (indexed) {
        // Listed already, as answered with the endpoint's rule: it shows what its sender was told.
        const summary = this.history.notStored(record.id, {
          status: answer?.status ?? null,
          response: answer,
          durationMs: respondedMs,
          timings: { ...record.timings, respondedMs },
        })
        if (summary) this.events.emit('capture:completed', summary)
      } else this.events.emit('captures:removed', { ids: [record.id], cleared: null })
      this.storeFailed(error)
    },
    responded: (id, change, journal) => this.history.update(id, change, journal),
    answering: (id, change) => this.history.updateDurably(id, change),
    waiting: (id, waiting) => this.history.setWaiting(id, waiting),
    relaying: (id, relaying) => this.history.setRelaying(id, relaying),
    // A summary is built only when someone listens (a host's UI); the capture path does not need it.
    received: (record) => {
      if (this.events.has('capture:received')) this.events.emit('capture:received', summaryOf(record))
    },
    // Only for a capture the history still holds: one cleared or dropped while it was being answered
    // must not come back to a list as a row nothing can open.
    completed: (summary: CaptureSummary) => {
      if (this.history.summary(summary.id)) this.events.emit('capture:completed', summary)
    },
    statusChanged: (status: EndpointStatus) => this.events.emit('listener:status', status),
  }

  async createEndpoint(input: z.input<typeof EndpointDraft>, { start = true }: { start?: boolean } = {}): Promise<Endpoint> {
    this.assertOpen()
    const draft = EndpointDraft.parse(input)
    const endpoint: Endpoint = EndpointSchema.parse({
      id: `ep_${this.newId().toLowerCase()}`,
      name: draft.name,
      host: draft.host,
      port: draft.port,
      enabled: draft.enabled,
      response: draft.response ?? defaultResponseRule(),
      forward: checkForward(ForwardConfig.parse({ ...defaultForwardConfig(), ...(draft.forward ?? {}) })),
      signature: defaultSignatureConfig(),
      createdAt: this.clock.now(),
    })
    await this.endpointsDoc.update((doc) => ({ ...doc, endpoints: [...doc.endpoints, endpoint] }))
    this.events.emit('endpoints:changed', undefined)
    if (endpoint.enabled && start) await this.startEndpoint(endpoint.id).catch(() => undefined)
    return this.endpoint(endpoint.id)
  }

  async updateEndpoint(id: string, patch: z.output<typeof EndpointPatch>): Promise<Endpoint> {
    this.assertOpen()
    const current = this.savedEndpoint(id)
    // An edit of the forwarding starts from what the user sees (the override, if any) and is saved.
    const shown = this.endpoint(id)
    let next: Endpoint = EndpointSchema.parse({
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.host !== undefined ? { host: patch.host } : {}),
      ...(patch.port !== undefined ? { port: patch.port } : {}),
      response: { ...current.response, ...(patch.response ?? {}) },
      forward: patch.forward ? checkForward(ForwardConfig.parse({ ...shown.forward, ...patch.forward })) : current.forward,
      signature: { ...current.signature, ...(patch.signature ?? {}) },
    })
    const listener = this.listeners.get(id)
    const addressChanged = next.host !== current.host || (patch.port !== undefined && patch.port !== listener?.port)
    // A stopped endpoint stays stopped: the new address applies when it is started. A running one moves
    // before anything is saved, and goes back to where it was if the new address cannot be bound (or
    // the move cannot be saved), so a failed move leaves it capturing as before and the saved endpoint unchanged.
    let moved = false
    const wasListening = listener?.status().state === 'listening'
    if (listener && addressChanged && listener.status().state !== 'stopped') {
      await listener.stop()
      listener.setEndpoint(next)
      try {
        const status = await listener.start()
        // Keep the port that 0 picked, so the endpoint's URL stays the same across restarts.
        if (next.port === 0 && status.port !== null) next = { ...next, port: status.port }
        moved = true
      } catch (error) {
        listener.setEndpoint(current)
        if (wasListening) await listener.start().catch(() => undefined)
        throw error
      }
    }
    const override = patch.forward ? this.forwardOverrides.get(id) : undefined
    if (override && this.forwardOverrides.delete(id)) this.effective = null
    try {
      await this.saveEndpoint(next)
    } catch (error) {
      // Not saved: the endpoint goes on as it was.
      if (override) {
        this.forwardOverrides.set(id, override)
        this.effective = null
      }
      if (listener && moved) {
        await listener.stop()
        listener.setEndpoint(current)
        if (wasListening) await listener.start().catch(() => undefined)
      }
      throw error
    }
    listener?.setEndpoint(next)
    if (patch.forward) this.forwarder.configChanged(this.forwarderView(id)!)
    if (patch.signature && JSON.stringify(next.signature) !== JSON.stringify(current.signature)) void this.checker.recheck(id)
    return this.endpoint(id)
  }

  private async saveEndpoint(next: Endpoint): Promise<void> {
    await this.endpointsDoc.update((doc) => ({
      ...doc,
      endpoints: doc.endpoints.map((endpoint) => (endpoint.id === next.id ? next : endpoint)),
    }))
    this.events.emit('endpoints:changed', undefined)
  }

  async removeEndpoint(id: string): Promise<boolean> {
    this.assertOpen()
    if (!this.endpoints().some((endpoint) => endpoint.id === id)) return false
    const gone = this.savedEndpoint(id)
    await this.stopEndpoint(id, false)
    this.listeners.delete(id)
    this.forwardOverrides.delete(id)
    this.effective = null
    await this.endpointsDoc.update((doc) => {
      const entry = { id, name: doc.endpoints.find((endpoint) => endpoint.id === id)?.name ?? gone.name, removedAt: this.clock.now() }
      const removed = [...doc.removed.filter((r) => r.id !== id), entry]
      return { endpoints: doc.endpoints.filter((endpoint) => endpoint.id !== id), removed: removed.slice(-REMOVED_ENDPOINTS_KEPT) }
    })
    // What waited to be forwarded by it (held by a paused target or forwarding turned off included)
    // fails now, with the reason, rather than waiting for a target nothing will ever resume.
    this.forwarder.configChanged({ ...gone, forward: { ...gone.forward, targets: [] } })
    // Its secrets go with it (the checker also forgets the one it had read).
    await this.checker.setSecret(id, null)
    await this.forgetSecrets((endpointId) => endpointId === id)
    this.events.emit('endpoints:changed', undefined)
    return true
  }

  /** Endpoints since removed, by the names they had, oldest first. */
  removedEndpoints(): RemovedEndpointType[] {
    return this.endpointsDoc.data.removed
  }

  /** Delete the secrets of endpoints that are gone: nothing of a removed endpoint stays in the store. */
  private async forgetSecrets(gone: (endpointId: string) => boolean): Promise<void> {
    for (const ref of await this.secrets.refs()) {
      const endpointId = endpointOfRef(ref)
      if (endpointId !== null && gone(endpointId)) await this.secrets.delete(ref)
    }
  }

  async startEndpoint(id: string): Promise<EndpointStatus> {
    this.assertOpen()
    const endpoint = this.savedEndpoint(id)
    let listener = this.listeners.get(id)
    if (!listener) {
      listener = new Listener(endpoint, this.listenerDeps())
      this.listeners.set(id, listener)
    }
    listener.setEndpoint(endpoint)
    const status = await listener.start()
    const changes: Partial<Endpoint> = {}
    // Keep the port that 0 picked, so the endpoint's URL stays the same across restarts.
    if (endpoint.port === 0 && status.port !== null) changes.port = status.port
    if (!endpoint.enabled) changes.enabled = true
    if (Object.keys(changes).length > 0) {
      const next = { ...endpoint, ...changes }
      listener.setEndpoint(next)
      await this.saveEndpoint(next)
    }
    return this.statusOf(this.endpoint(id))
  }

  async stopEndpoint(id: string, disable = true): Promise<EndpointStatus> {
    const endpoint = this.savedEndpoint(id)
    const listener = this.listeners.get(id)
    await listener?.stop()
    if (disable && endpoint.enabled) await this.saveEndpoint({ ...endpoint, enabled: false })
    return this.statusOf(this.endpoint(id))
  }

  async updateSettings(patch: z.output<typeof SettingsPatch>): Promise<Settings> {
    this.assertOpen()
    const before = this.settings
    const next = await this.settingsDoc.update((current) => ({
      limits: { ...current.limits, ...(patch.limits ?? {}) },
      retention: { ...current.retention, ...(patch.retention ?? {}) },
      storage: { ...current.storage, ...(patch.storage ?? {}) },
      ui: { ...current.ui, ...(patch.ui ?? {}) },
    }))
    // Applied to the running listeners in place: a restart would refuse connections while it waited
    // for the requests in progress, and then cut them.
    if (next.limits.maxHeaderBytes !== before.limits.maxHeaderBytes || limitsTimingChanged(before, next)) {
      for (const listener of this.listeners.values()) listener.applyLimits()
    }
    if (JSON.stringify(next.retention) !== JSON.stringify(before.retention)) await this.history.setRetention(next.retention)
    this.events.emit('settings:changed', next)
    return next
  }

  async capture(id: string): Promise<Capture> {
    const record = await this.history.get(id)
    if (!record) throw new HookscopeError('NOT_FOUND', `No capture with id ${id}.`)
    const { inline: _inline, ...capture } = record
    void _inline
    const summary = this.history.summary(id)
    return {
      ...capture,
      forward: this.forwarder.forwardOf(id),
      signature: summary?.signature ?? null,
      signatureOnArrival: summary?.signatureOnArrival ?? null,
      // Stored, still waiting out its rule's delay: not answered yet, rather than never.
      ...(summary?.inFlight ? { inFlight: true } : {}),
    }
  }

  async body(id: string, offset: number, length: number, decode: boolean): Promise<BodyChunk> {
    const record = await this.history.get(id)
    if (!record) throw new HookscopeError('NOT_FOUND', `No capture with id ${id}.`)
    const encoding = headerValue(record.rawHeaders, 'content-encoding')
    if (!decode || parseContentEncoding(encoding).length === 0) {
      const slice = (await this.history.readBody(id, offset, length))!
      return { base64: slice.bytes.toString('base64'), offset, size: slice.bytes.length, totalSize: slice.total, decodedFrom: [], capped: false, decodeError: null }
    }
    // A viewer reads a decoded body in slices: decode it once and keep the last few.
    let decoded = this.decodedCache.get(id)
    if (!decoded) {
      const whole = (await this.history.readBody(id, 0, record.body.size))!
      decoded = await decodeBody(whole.bytes, encoding)
      this.decodedCache.set(id, decoded)
      while (this.decodedCache.size > 4) this.decodedCache.delete(this.decodedCache.keys().next().value!)
    }
    return decodedSlice(decoded, offset, length)
  }

  private readonly decodedCache = new Map<string, Awaited<ReturnType<typeof decodeBody>>>()

  private collectionsChanged<T>(value: T): T {
    this.events.emit('collections:changed', undefined)
    return value
  }

  private assertOpen(): void {
    if (this.closing) throw new HookscopeError('ENGINE_CLOSED')
  }

  /** Stop listening, let requests in progress be stored, write everything down, release the lock. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      // Each part is closed even when one before it fails (a data folder deleted meanwhile fails the
      // history's last write): the first failure is reported once all of them are done.
      let failure: unknown = null
      const steps: Array<() => Promise<unknown>> = [
        () => Promise.all([...this.listeners.values()].map((listener) => listener.stop())),
        () => this.forwarder.close(),
        () => this.checker.stop(),
        () => this.replayer.close(),
        () => this.collectionStore.flush(),
        // Before the history closes: an export being written reads it.
        () => this.collections.closeExports(),
        () => this.history.close(),
        () => this.settingsDoc.flush(),
        () => this.endpointsDoc.flush(),
        () => this.lock.release(),
      ]
      for (const step of steps) {
        try {
          await step()
        } catch (error) {
          failure ??= error
        }
      }
      if (failure !== null) throw failure
    })()
    return this.closing
  }

  handlers(): ApiHandlers {
    return {
      'app.info': async () => this.info,
      'app.notices': async () => [...this.notices],
      'endpoints.list': async () => this.endpoints(),
      'endpoints.status': async () => this.statuses(),
      'endpoints.create': (input) => this.createEndpoint(input),
      'endpoints.update': ({ id, patch }) => this.updateEndpoint(id, patch),
      'endpoints.remove': async ({ id }) => ({ removed: await this.removeEndpoint(id) }),
      'endpoints.removed': async () => this.removedEndpoints(),
      'endpoints.start': ({ id }) => this.startEndpoint(id),
      'endpoints.stop': ({ id }) => this.stopEndpoint(id),
      'endpoints.setSecret': async ({ id, secret }) => {
        const endpoint = this.savedEndpoint(id)
        const changed = ((await this.checker.secretOf(id)) ?? '') !== (normalizeSecret(secret) ?? '')
        const now = this.clock.now()
        // A secret replaced by another is kept with when it was replaced, so that what arrived while it
        // was in force, or signed with it during the provider's rotation window, is judged with it.
        await this.checker.setSecret(id, secret, changed ? { replacedAt: now, since: endpoint.signature.secretChangedAt } : undefined)
        // When the secret changed: requests that arrived before are judged with the one in force then.
        const secretChangedAt = changed ? now : endpoint.signature.secretChangedAt
        await this.saveEndpoint({ ...endpoint, signature: { ...endpoint.signature, hasSecret: normalizeSecret(secret) !== null, ...(secretChangedAt !== undefined ? { secretChangedAt } : {}) } })
        void this.checker.recheck(id)
        return this.endpoint(id)
      },
      'captures.query': async (query) => {
        // A compressed body stored a moment ago is found by its decoded text once that is indexed.
        if (query.text?.trim()) await this.history.searchSettled()
        return this.history.query(query)
      },
      'captures.timeline': async (query) => this.history.timeline(query),
      'captures.verify': async ({ id }) => {
        const record = await this.history.get(id)
        if (!record) throw new HookscopeError('NOT_FOUND', `No capture with id ${id}.`)
        const endpoint = this.endpoints().find((e) => e.id === record.endpointId)
        return endpoint ? this.checker.verdictFor(record, endpoint) : null
      },
      'replay.draft': ({ captureId, baseUrl }) => this.replayer.draftOf(captureId, baseUrl),
      'replay.send': ({ draft, originId, endpointId, resign, timeoutMs, sendId, acceptSelfSigned }) => this.replayer.send({ draft, originId, endpointId, resign, timeoutMs, sendId, acceptSelfSigned }),
      'replay.cancel': async ({ sendId }) => ({ cancelled: this.replayer.cancel(sendId) }),
      'replay.resend': async ({ captureId, baseUrl, resign }) => {
        const summary = this.history.summary(captureId)
        if (!summary) throw new HookscopeError('NOT_FOUND', `No capture with id ${captureId}.`)
        // A removed endpoint's captures stay in the history: sent where the caller says, as they came.
        const endpoint = this.endpoints().find((e) => e.id === summary.endpointId)
        const removed = endpoint ? null : `“${this.removedEndpoints().find((e) => e.id === summary.endpointId)?.name ?? summary.endpointId}”`
        const targets = endpoint?.forward.targets ?? []
        // The target it goes to, when it is one of the endpoint's: its own choice about a self-signed certificate holds.
        const target = baseUrl !== undefined ? targets.find((t) => t.url === baseUrl) : (targets.find((t) => t.id === endpoint?.forward.defaultTargetId) ?? targets[0])
        const base = baseUrl ?? target?.url
        if (!base) {
          throw new HookscopeError('NO_FORWARD_TARGET', removed ? `Where to? The endpoint ${removed} it came to was removed; give a URL to send it to.` : 'Where to? This endpoint has no forward target; give a URL to send it to.')
        }
        if (resign && removed) throw new HookscopeError('INVALID_INPUT', `Not re-signed: the endpoint ${removed} whose secret re-signed it was removed. Resend it as is.`)
        // Like forwarding, the Host header follows the endpoint's setting (the target's host by default).
        const draft = await this.replayer.draftOf(captureId, base, endpoint?.forward.host ?? 'rewrite')
        // Only the signature a request carries is signed again, never one its sender did not send.
        if (resign && !carriesSignature(resign.scheme, draft.headers)) {
          throw new HookscopeError('INVALID_INPUT', `Not re-signed: this request carries no ${schemes[resign.scheme].label} signature (no ${SIGNATURE_HEADERS[resign.scheme][0]} header), and re-signing would add one its sender never sent. Resend it as is.`)
        }
        return this.replayer.send({ draft, originId: captureId, ...(endpoint ? { endpointId: endpoint.id } : {}), resign, timeoutMs: endpoint?.forward.timeoutMs ?? defaultForwardConfig().timeoutMs, acceptSelfSigned: target?.acceptSelfSigned === true })
      },
      'replay.list': async ({ originId }) => this.replayer.list(originId),
      'replay.get': async ({ id }) => this.replayer.get(id),
      'replay.body': async ({ id, part, offset, length, decode }) => {
        const { bytes, headers, total } = await this.replayer.body(id, part)
        return sliceBody(bytes, total, headers, offset, length, decode)
      },
      'captures.get': ({ id }) => this.capture(id),
      'captures.body': ({ id, offset, length, decode }) => this.body(id, offset, length, decode),
      'captures.parts': async ({ id }) => {
        const capture = await this.capture(id)
        const whole = await this.history.readBody(id, 0, capture.body.size)
        const contentType = headerValue(capture.rawHeaders, 'content-type') ?? ''
        const decoded = await decodeBody(whole!.bytes, headerValue(capture.rawHeaders, 'content-encoding'))
        const { parts, error } = await parseMultipart(decoded.bytes, contentType)
        return {
          parts: parts.map((part) => ({ ...part, bytes: undefined, base64: part.bytes.toString('base64') })),
          error: decoded.error ?? error,
        }
      },
      'captures.clear': async ({ endpointId }) => ({ removed: (await this.history.clear(endpointId)).length }),
      'forward.status': async () => this.forwarder.statuses(this.endpoints()),
      'forward.attempts': async ({ id }) => {
        if (!this.history.summary(id)) throw new HookscopeError('NOT_FOUND', `No capture with id ${id}.`)
        return this.forwarder.attempts(id)
      },
      'forward.attemptBody': async ({ captureId, attemptId, offset, length, decode }) => {
        const { bytes, total, headers } = await this.forwarder.attemptBody(attemptId, captureId, 0, Number.MAX_SAFE_INTEGER)
        return sliceBody(bytes, total, headers, offset, length, decode)
      },
      'forward.retry': async ({ ids }) => this.forwarder.retry(ids),
      'forward.retryFailed': async ({ endpointId, targetId }) => {
        this.endpoint(endpointId)
        return this.forwarder.retry(this.forwarder.failedOf(endpointId, targetId))
      },
      'forward.retryNow': async ({ endpointId, targetId }) => {
        if (!this.endpoint(endpointId).forward.targets.some((t) => t.id === targetId)) throw new HookscopeError('NOT_FOUND', `No forward target with id ${targetId} on endpoint ${endpointId}.`)
        return { started: this.forwarder.retryNow(endpointId, targetId) }
      },
      'forward.drop': async (input) => {
        const ids =
          'ids' in input
            ? input.ids
            : input.which === 'failed'
              ? this.forwarder.failedOf(this.endpoint(input.endpointId).id, input.targetId)
              : this.forwarder.waitingOf(this.endpoint(input.endpointId).id, input.targetId)
        return { count: await this.forwarder.drop(ids) }
      },
      'collections.list': async () => this.collectionStore.list(),
      'collections.get': async ({ id }) => tree(this.collectionStore.get(id)),
      'collections.item': async ({ id, itemId }) => this.collectionStore.item(id, itemId),
      'collections.create': async ({ name }) => tree(this.collectionsChanged(await this.collectionStore.create(name))),
      'collections.rename': async ({ id, name }) => tree(this.collectionsChanged(await this.collectionStore.change(id, (c) => ({ ...c, name })))),
      'collections.remove': async ({ id }) => {
        await this.collectionStore.remove(id)
        this.collectionsChanged(null)
        return { removed: true as const }
      },
      'collections.restore': async ({ id }) => tree(this.collectionsChanged(await this.collectionStore.restore(id))),
      'collections.trash': async () => this.collectionStore.trash(),
      'collections.purge': async ({ id }) => {
        await this.collectionStore.purge(id)
        return { purged: true as const }
      },
      'collections.undo': async ({ id }) => tree(this.collectionsChanged(await this.collectionStore.undoLast(id))),
      'collections.addFolder': async ({ id, name, parentId }) => tree(this.collectionsChanged(await this.collectionStore.addFolder(id, name, parentId))),
      'collections.renameFolder': async ({ id, folderId, name }) => tree(this.collectionsChanged(await this.collectionStore.renameFolder(id, folderId, name))),
      'collections.removeFolder': async ({ id, folderId }) => tree(this.collectionsChanged(await this.collectionStore.removeFolder(id, folderId))),
      'collections.moveFolder': async ({ id, folderId, parentId, index }) => tree(this.collectionsChanged(await this.collectionStore.moveFolder(id, folderId, parentId, index))),
      'collections.saveItem': async ({ id, folderId, from, name, notes, tags, signature, acceptSelfSigned }) => {
        let request
        let source: { kind: 'capture' | 'replay' | 'draft'; id: string | null; endpointId?: string }
        if ('captureId' in from) {
          request = await this.collections.savedOfCapture(from.captureId)
          const endpointId = this.history.summary(from.captureId)?.endpointId
          source = { kind: 'capture', id: from.captureId, ...(endpointId ? { endpointId } : {}) }
        } else if ('replayId' in from) {
          request = await this.collections.savedOfReplay(from.replayId)
          source = { kind: 'replay', id: from.replayId }
        } else {
          request = savedOfDraft(from.draft)
          source = { kind: 'draft', id: null }
        }
        // Default name: method and path; default re-signing: the scheme of the endpoint the capture came
        // to (for a replay, the endpoint its origin came to), if any.
        let signatureConfig = signature
        if (signatureConfig === null && source.kind !== 'draft') {
          const originId = 'replayId' in from ? this.replayer.get(from.replayId).originId : null
          const endpointId = originId ? this.history.summary(originId)?.endpointId : source.endpointId
          const endpoint = this.endpoints().find((e) => e.id === endpointId)
          if (endpoint?.signature.scheme) signatureConfig = { scheme: endpoint.signature.scheme, endpointId: endpoint.id }
        }
        const defaultName = `${request.method} ${request.url.replace(/^[a-z]+:\/\/[^/]+/i, '') || '/'}`.slice(0, 300)
        // An https:// app's own certificate, accepted when the request was sent, is accepted when the item is.
        const accepts = /^https:\/\//i.test(request.url) && (acceptSelfSigned || ('replayId' in from && this.replayer.get(from.replayId).acceptSelfSigned === true))
        const item = await this.collectionStore.addItem(id, { name: name ?? defaultName, folderId, request, signature: signatureConfig, ...(accepts ? { acceptSelfSigned: true as const } : {}), notes, tags, source })
        this.collectionsChanged(null)
        return itemInfo(item, utf8Bytes)
      },
      'collections.updateItem': async ({ id, itemId, patch, request, ifUpdatedAt }) =>
        tree(this.collectionsChanged(await this.collectionStore.updateItem(id, itemId, { ...patch, ...(request ? { request: savedOfDraft(request) } : {}) }, ifUpdatedAt))),
      'collections.removeItem': async ({ id, itemId }) => tree(this.collectionsChanged(await this.collectionStore.removeItem(id, itemId))),
      'collections.moveItem': async ({ id, itemId, folderId, index }) => tree(this.collectionsChanged(await this.collectionStore.moveItem(id, itemId, folderId, index))),
      'collections.moveEntry': async ({ id, entry, parentId, index }) => tree(this.collectionsChanged(await this.collectionStore.moveEntry(id, entry, parentId, index))),
      'collections.search': async ({ text }) => this.collectionStore.search(text).map((hit) => ({ ...hit, item: itemInfo(hit.item, utf8Bytes) })),
      'collections.run': async ({ id, folderId, baseUrl, delayMs, stopOnFailure, resign, resignWith, timeoutMs }) =>
        this.collections.run({ collectionId: id, folderId, baseUrl, delayMs, stopOnFailure, resign, resignWith, timeoutMs }),
      'collections.rerunFailed': async ({ runId }) => this.collections.rerunFailed(runId),
      'collections.runStatus': async ({ runId }) => this.collections.runState(runId),
      'collections.runs': async ({ collectionId }) => this.collections.runsOf(collectionId),
      'collections.cancelRun': async ({ runId }) => this.collections.cancel(runId),
      'collections.export': async ({ id, format }) => this.collections.exportCollection(id, format),
      'collections.import': async ({ format, text, base64, uploadId, name }) =>
        tree(this.collectionsChanged(await this.collections.import(format, text !== undefined ? text : base64 !== undefined ? { base64 } : { uploadId: uploadId! }, name))),
      'collections.importChunk': async ({ uploadId, offset, base64 }) => this.collections.importChunk(uploadId, offset, base64),
      'collections.cancelImport': async ({ uploadId }) => ({ cancelled: this.collections.cancelImport(uploadId) }),
      'captures.export': ({ ids, format, progressId }) => this.collections.exportCaptures(ids, format, progressId),
      'exports.read': ({ id, offset, length }) => this.collections.readExport(id, offset, length),
      'exports.discard': async ({ id }) => ({ discarded: await this.collections.discardExport(id) }),
      'settings.get': async () => this.settings,
      'settings.update': (patch) => this.updateSettings(patch),
    }
  }
}

function limitsTimingChanged(a: Settings, b: Settings): boolean {
  return (
    a.limits.headersTimeoutMs !== b.limits.headersTimeoutMs ||
    a.limits.requestTimeoutMs !== b.limits.requestTimeoutMs ||
    a.limits.keepAliveTimeoutMs !== b.limits.keepAliveTimeoutMs
  )
}

/** Cross-field checks zod cannot express: every route and the default point at a known target. */
function checkForward(config: ForwardConfigType): ForwardConfigType {
  const ids = new Set<string>()
  for (const target of config.targets) {
    if (ids.has(target.id)) throw new HookscopeError('INVALID_INPUT', `Two forward targets share the id ${target.id}.`)
    ids.add(target.id)
  }
  for (const route of config.routes) {
    if (!ids.has(route.targetId)) throw new HookscopeError('INVALID_INPUT', `Route ${route.id} points at an unknown target (${route.targetId}).`)
  }
  if (config.defaultTargetId !== null && !ids.has(config.defaultTargetId)) {
    throw new HookscopeError('INVALID_INPUT', `The default target ${config.defaultTargetId} is not one of the endpoint's targets.`)
  }
  return config
}

/** A slice of a body, raw or with its Content-Encoding undone (capped) for display. */
async function sliceBody(bytes: Buffer, total: number, headers: RawHeaders, offset: number, length: number, decode: boolean): Promise<BodyChunk> {
  const encoding = headerValue(headers, 'content-encoding')
  if (!decode || parseContentEncoding(encoding).length === 0) {
    const slice = bytes.subarray(offset, offset + length)
    return { base64: slice.toString('base64'), offset, size: slice.length, totalSize: total, decodedFrom: [], capped: false, decodeError: null }
  }
  return decodedSlice(await decodeBody(bytes, encoding), offset, length)
}

function decodedSlice(decoded: Awaited<ReturnType<typeof decodeBody>>, offset: number, length: number): BodyChunk {
  const slice = decoded.bytes.subarray(offset, offset + length)
  return {
    base64: slice.toString('base64'),
    offset,
    size: slice.length,
    totalSize: decoded.bytes.length,
    decodedFrom: decoded.encodings,
    capped: decoded.capped,
    decodeError: decoded.error,
  }
}
