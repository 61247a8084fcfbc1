// Keeps the stores in step with the engine. Owns: the first load (and a full reload after every
// reconnect, since events may have been missed), routing Api events into the stores (live traffic
// through the frame batcher), re-querying when the filter changes, paging older captures, and the
// commands that change engine state. Components call these commands; none of them types a method.
import type { ApiClient, EventPayload } from '../../../shared/api'
import type { EndpointDraft, EndpointPatch, SettingsPatch } from '../../../shared/model'
import type { ConnectionSource } from '../api/connection-state'
import type { AppStore } from './app-store'
import { toCaptureQuery } from './capture-filter'
import { DesktopNotifier } from './desktop-notifier'
import { browserFrameScheduler, FrameBatcher, type FrameScheduler } from './frame-batcher'
import { createForwardStore, type ForwardStore } from './forward-store'
import { nextThemeChoice, type ThemeChoice } from './theme'
import { TIMELINE_SECONDS, TimelineCounter } from './timeline-counter'
import { batchWeight, splitBatch, type TrafficBatch, type TrafficStore } from './traffic-store'
import { errorMessage } from '../../../shared/errors'

export const FIRST_PAGE = 500
export const OLDER_PAGE = 1000
const MAX_PER_FRAME = 2000
const HEAD_REFRESH_MS = 750
const MEMORY_CAP_LIMIT = 50_000
/** How often the timeline lets go of what fell out of its window, and a list of the last minutes of
 * the rows that grew older than its range. */
export const PRUNE_MS = 10_000
/** The timeline's minutes are read from the engine at a load (`captures.timeline`: of each request
 * only what the timeline plots) in pages of this many requests, at most TIMELINE_PAGES of them (20,000
 * requests: a page cut off for falling behind reads them again as it reconnects); past them, its
 * oldest seconds show what these pages held. */
const TIMELINE_PAGE = 5000
const TIMELINE_PAGES = 4
/**
 * After an older page failed, the next try waits this long, doubling with each failure in a row up
 * to OLDER_RETRY_MAX_MS: the list asks for the page whenever it draws near its end, and a failing
 * engine must not be asked (and the user told) in a loop.
 */
export const OLDER_RETRY_MS = 1000
const OLDER_RETRY_MAX_MS = 30_000

export interface LiveSyncOptions {
  api: ApiClient
  connection: ConnectionSource
  traffic: TrafficStore
  app: AppStore
  timeline?: TimelineCounter
  scheduler?: FrameScheduler
  now?: () => number
  notifier?: DesktopNotifier
}

/** Resolves once the page has drawn its pending frame and is idle (at most a second later). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 })
    else setTimeout(resolve, 0)
  })
}

export class LiveSync {
  readonly api: ApiClient
  readonly timeline: TimelineCounter
  private readonly batcher: FrameBatcher<TrafficBatch>
  private readonly offs: Array<() => void> = []
  private readonly notifier: DesktopNotifier
  private headTimer: ReturnType<typeof setTimeout> | null = null
  private loadToken = 0
  /** The timeline's reading at a load; a clear starts it again, as pages read before it hold what it cleared. */
  private timelineToken = 0
  private timelineReading = false
  private pruneTimer: ReturnType<typeof setInterval> | null = null
  private olderFailures = 0
  private olderRetry: ReturnType<typeof setTimeout> | null = null
  /** Counts the lists paged: an older page answered after its list was replaced is dropped, and does
   * not end the loading of the new list's page. Counted here, since the store's generation changes
   * with the filter only and a list read again keeps it. */
  private olderList = 0
  private disposed = false
  /** The theme asked for last while the engine has not yet saved it, so that the next switch goes on from it. */
  private themeAsked: ThemeChoice | null = null

  constructor(private readonly options: LiveSyncOptions) {
    this.api = options.api
    this.timeline = options.timeline ?? new TimelineCounter()
    const { traffic, app } = options
    this.batcher = new FrameBatcher<TrafficBatch>((batches) => traffic.getState().applyBatches(batches), {
      scheduler: options.scheduler ?? browserFrameScheduler(),
      maxPerFrame: MAX_PER_FRAME,
      weight: batchWeight,
      split: splitBatch,
    })
    this.notifier =
      options.notifier ??
      new DesktopNotifier({
        endpointName: (id) => app.getState().endpointsById[id]?.name ?? 'an endpoint',
        onOpen: (id) => {
          app.getState().setView('traffic')
          traffic.getState().open(id)
        },
      })
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  start(): void {
    const { api, connection, traffic, app } = this.options
    this.offs.push(
      api.on('traffic.batch', (payload) => this.onTraffic(payload)),
      api.on('endpoints.changed', (payload) => {
        app.getState().setEndpoints(payload.endpoints, payload.status)
        app.getState().setRemovedEndpoints(payload.removed)
      }),
      api.on('app.notice', (notice) => app.getState().addNotice(notice)),
      api.on('captures.cleared', ({ endpointId }) => {
        this.batcher.flushAll()
        this.timeline.forgetCleared(endpointId)
        if (this.timelineReading) void this.readTimeline()
        this.options.traffic.getState().forgetCleared(endpointId)
        void this.reload(true)
      }),
      api.on('collections.changed', (payload) => app.getState().setCollections(payload.collections)),
      api.on('collections.run', (run) => app.getState().applyRun(run)),
      api.on('forward.changed', (payload) => this.forward.getState().setTargets(payload.targets)),
      api.on('settings.changed', (settings) => {
        app.getState().setSettings(settings)
        this.options.traffic.getState().setMemoryCap(Math.min(settings.retention.maxCaptures, MEMORY_CAP_LIMIT))
      }),
    )
    app.getState().setConnection(connection.state)
    this.offs.push(
      connection.onState((state) => {
        app.getState().setConnection(state)
        if (state.kind === 'open') void this.loadAll()
      }),
    )
    this.offs.push(
      app.subscribe((state, previous) => {
        if (state.settings?.ui.notifications !== previous.settings?.ui.notifications) this.notifier.setEnabled(state.settings?.ui.notifications === true)
      }),
    )
    this.offs.push(
      traffic.subscribe((state, previous) => {
        if (state.generation !== previous.generation) {
          // A new list (another filter) pages afresh.
          this.resetOlderPaging()
          void this.queryFirstPage()
        }
        if (state.headStale && !previous.headStale) this.scheduleHeadRefresh()
      }),
    )
    this.pruneTimer = setInterval(() => {
      const now = this.now()
      this.timeline.prune(now)
      this.options.traffic.getState().expireRange(now)
    }, PRUNE_MS)
    if (connection.state.kind === 'open') void this.loadAll()
  }

  dispose(): void {
    this.disposed = true
    for (const off of this.offs.splice(0)) off()
    this.batcher.dispose()
    this.notifier.dispose()
    if (this.headTimer) clearTimeout(this.headTimer)
    if (this.pruneTimer) clearInterval(this.pruneTimer)
    this.resetOlderPaging()
  }

  private onTraffic(payload: EventPayload<'traffic.batch'>): void {
    // Removed by retention, a request still counts among those that came.
    this.timeline.observe(payload.captures, this.now())
    this.notifier.observe(payload.captures)
    this.batcher.push(payload)
  }

  private reportError(error: unknown, what: string): void {
    const message = errorMessage(error)
    this.options.app.getState().showToast(`${what}: ${message}`, 'error')
  }

  async loadAll(): Promise<void> {
    const { api, app } = this.options
    const token = ++this.loadToken
    try {
      // The first page is asked for alongside the rest: the list does not wait for settings. The
      // timeline's minutes are read once it has landed and the page is idle, so that its first rows
      // are drawn before the answers are read (thousands of requests at a busy history's load).
      const firstPage = this.reload()
      void firstPage.then(() => whenIdle()).then(() => {
        if (token === this.loadToken && !this.disposed) void this.readTimeline()
      })
      void this.loadTargets()
      void this.loadRemovedEndpoints()
      const loaded = Promise.all([
        api['app.info']({}),
        api['endpoints.list']({}),
        api['endpoints.status']({}),
        api['settings.get']({}),
        api['app.notices']({}),
      ])
      const [info, endpoints, statuses, settings, notices] = await loaded
      if (token !== this.loadToken) return
      const state = app.getState()
      state.setInfo(info)
      state.setEndpoints(endpoints, statuses)
      state.setSettings(settings)
      state.setNotices(notices)
      this.options.traffic.getState().setMemoryCap(Math.min(settings.retention.maxCaptures, MEMORY_CAP_LIMIT))
      await firstPage
      if (token === this.loadToken) app.getState().setReady()
    } catch (error) {
      if (token === this.loadToken) this.reportError(error, 'Loading failed')
    }
  }

  /**
   * Every request of the timeline's minutes the engine holds, whatever the list's filter: after a
   * reload or a reconnect the page has heard of none of them (the list's first page holds its newest
   * matches only).
   */
  private async readTimeline(): Promise<void> {
    const token = ++this.timelineToken
    this.timelineReading = true
    const since = this.now() - TIMELINE_SECONDS * 1000
    let before: string | undefined
    try {
      for (let i = 0; i < TIMELINE_PAGES; i++) {
        const page = await this.api['captures.timeline']({ since, before, limit: TIMELINE_PAGE })
        if (token !== this.timelineToken || this.disposed) return
        this.timeline.observe(page.items, this.now())
        if (page.next === null) break
        before = page.next
        // Each page is read when the page is idle again: scrolling the list meanwhile keeps its frames.
        await whenIdle()
        if (token !== this.timelineToken || this.disposed) return
      }
    } catch {
      // The list says why the engine could not be read; the next reconnection reads the minutes again.
    } finally {
      if (token === this.timelineToken) this.timelineReading = false
    }
  }

  async queryFirstPage(): Promise<void> {
    const traffic = this.options.traffic
    const { filter, generation } = traffic.getState()
    if (traffic.getState().queryFailed !== null) traffic.setState({ queryFailed: null })
    try {
      const page = await this.api['captures.query'](toCaptureQuery(filter, this.now(), FIRST_PAGE))
      this.batcher.flushAll()
      traffic.getState().replaceFromQuery(page, generation)
    } catch (error) {
      if (this.disposed) return
      const s = traffic.getState()
      // The list waiting for this answer says why it has none (and, when the page is not connected,
      // that the search runs once it is: every reconnection reads the list again). A list read again
      // for the same filter stays shown, and a toast says the read failed.
      if (generation === s.generation && !s.loaded) {
        const disconnected = this.options.connection.state.kind !== 'open'
        s.failQuery(generation, { message: errorMessage(error), disconnected })
      } else if (generation === s.generation) this.reportError(error, 'Search failed')
    }
  }

  /** Runs the query for the current filter again, after it failed. */
  retryQuery(): Promise<void> {
    return this.reload()
  }

  /** The first page again for the same filter: after a reconnect (events may have been missed) or a clear. */
  private reload(keepArriving = false): Promise<void> {
    // The list read afresh pages afresh, as a new filter's does (a reload keeps the generation).
    this.resetOlderPaging()
    this.options.traffic.getState().beginReload(keepArriving)
    return this.queryFirstPage()
  }

  async loadOlder(): Promise<void> {
    const traffic = this.options.traffic
    const s = traffic.getState()
    const before = s.olderCursor ?? s.ids[s.ids.length - 1]
    // Not while the list waits for a query's answer (a new filter, a reload): its cursor is the list's
    // being replaced, and the page read from there would join the new list past a gap that never loads.
    if (s.loadingOlder || !s.hasOlder || before === undefined || !s.loaded || s.reloading || this.olderRetry) return
    const generation = s.generation
    const list = this.olderList
    s.setLoadingOlder(true)
    try {
      const query = { ...toCaptureQuery(s.filter, this.now(), OLDER_PAGE), before }
      const page = await this.api['captures.query'](query)
      // A page of a list no longer shown (another filter, or the list read again since): the new list
      // continues from its own cursor; this one's rows may not match its filter, or be cleared.
      if (list !== this.olderList) return
      this.olderFailures = 0
      traffic.getState().appendOlder(page, generation)
    } catch (error) {
      // The page of a list no longer shown (another filter, the list read again, or the sync disposed)
      // failed: nothing to say or ask for again.
      if (this.disposed || list !== this.olderList) return
      // Said once per run of failures; tried again later, less and less often.
      if (++this.olderFailures === 1) this.reportError(error, 'Loading older requests failed (trying again)')
      const wait = Math.min(OLDER_RETRY_MAX_MS, OLDER_RETRY_MS * 2 ** (this.olderFailures - 1))
      this.olderRetry = setTimeout(() => {
        this.olderRetry = null
        void this.loadOlder()
      }, wait)
    } finally {
      // The new list's own page may be on its way by now: only this list's loading ends here.
      if (list === this.olderList) traffic.getState().setLoadingOlder(false)
    }
  }

  private resetOlderPaging(): void {
    this.olderList++
    if (this.olderRetry) clearTimeout(this.olderRetry)
    this.olderRetry = null
    this.olderFailures = 0
  }

  private scheduleHeadRefresh(): void {
    if (this.headTimer) return
    this.headTimer = setTimeout(() => {
      this.headTimer = null
      void this.refreshHead()
    }, HEAD_REFRESH_MS)
  }

  private async refreshHead(): Promise<void> {
    const traffic = this.options.traffic
    const { filter, generation } = traffic.getState()
    try {
      const page = await this.api['captures.query'](toCaptureQuery(filter, this.now(), 200))
      traffic.getState().mergeHead(page, generation)
    } catch (error) {
      this.reportError(error, 'Search failed')
    }
  }

  async clearHistory(endpointId?: string): Promise<number> {
    const result = await this.api['captures.clear'](endpointId ? { endpointId } : {})
    await this.reload()
    return result.removed
  }

  /**
   * The next theme (system, light, dark), from the one asked for last: a second press before the
   * engine saved the first goes one step further, as each press promises, instead of asking again for
   * the same theme.
   */
  async switchTheme(): Promise<void> {
    const next = nextThemeChoice(this.themeAsked ?? this.options.app.getState().settings?.ui.theme ?? 'system')
    this.themeAsked = next
    try {
      await this.updateSettings({ ui: { theme: next } })
    } finally {
      if (this.themeAsked === next) this.themeAsked = null
    }
  }

  async updateSettings(patch: SettingsPatch): Promise<void> {
    const settings = await this.api['settings.update'](patch)
    this.options.app.getState().setSettings(settings)
    this.options.traffic.getState().setMemoryCap(Math.min(settings.retention.maxCaptures, MEMORY_CAP_LIMIT))
  }

  async createEndpoint(draft: EndpointDraft): Promise<string> {
    const endpoint = await this.api['endpoints.create'](draft)
    this.options.app.getState().setEndpoint(endpoint)
    await this.refreshStatuses()
    return endpoint.id
  }

  async updateEndpoint(id: string, patch: EndpointPatch): Promise<void> {
    const endpoint = await this.api['endpoints.update']({ id, patch })
    this.options.app.getState().setEndpoint(endpoint)
    await this.refreshStatuses()
  }

  /** The names of endpoints since removed, for their captures (without them those read "removed"). */
  private async loadRemovedEndpoints(): Promise<void> {
    try {
      this.options.app.getState().setRemovedEndpoints(await this.api['endpoints.removed']({}))
    } catch {
      // Kept as it was: the next change of the endpoints brings them again.
    }
  }

  async removeEndpoint(id: string): Promise<void> {
    await this.api['endpoints.remove']({ id })
    const [endpoints, statuses] = await Promise.all([this.api['endpoints.list']({}), this.api['endpoints.status']({}), this.loadRemovedEndpoints()])
    this.options.app.getState().setEndpoints(endpoints, statuses)
    if (this.options.traffic.getState().filter.endpointId === id) this.options.traffic.getState().setFilter({ endpointId: null })
  }

  async setEndpointRunning(id: string, running: boolean): Promise<void> {
    const status = running ? await this.api['endpoints.start']({ id }) : await this.api['endpoints.stop']({ id })
    this.options.app.getState().setStatus(status)
  }

  private async refreshStatuses(): Promise<void> {
    const statuses = await this.api['endpoints.status']({})
    for (const status of statuses) this.options.app.getState().setStatus(status)
  }

  /** Forward targets: up, down, retrying or paused, and how many wait (kept live by forward.changed). */
  readonly forward: ForwardStore = createForwardStore()

  async loadTargets(): Promise<void> {
    const version = this.forward.getState().version
    try {
      this.forward.getState().setTargets(await this.api['forward.status']({}), version)
    } catch (error) {
      // Shown beside the targets in the sidebar; the rest of the page loads without them.
      this.forward.getState().setLoadError(errorMessage(error))
    }
  }
}
