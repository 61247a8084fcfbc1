// Turns the engine's events into the Api's events, batched. Owns: coalescing live traffic into at
// most one `traffic.batch` per 10 ms (never one message per request), and debouncing endpoint
// changes. Both hosts use it, so the renderer sees the same stream over IPC and over WebSocket.
// Never: decides who receives the events (the host does).
import type { EventName, EventPayload } from '../../shared/api'
import type { CaptureSummary } from '../../shared/model'
import type { Engine } from './engine'

/**
 * Live traffic goes out at once when the line is quiet, then at most once per this interval. 10 ms
 * rather than 20: at 50 requests a second rows were painted 4 ms sooner at p95 (about 51 against 55 ms
 * from the engine receiving them, eight alternated pairs; BENCHMARKS.md), and at 500 a second no later.
 */
export const TRAFFIC_BATCH_MS = 10

export type RelayListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export class EventRelay {
  private pending = new Map<string, CaptureSummary>()
  private removed: string[] = []
  private trafficTimer: NodeJS.Timeout | null = null
  private endpointsTimer: NodeJS.Timeout | null = null
  private targetsTimer: NodeJS.Timeout | null = null
  private readonly offs: Array<() => void> = []

  constructor(
    private readonly engine: Engine,
    private readonly send: RelayListener,
    private readonly intervalMs = TRAFFIC_BATCH_MS,
  ) {
    const events = engine.events
    // A capture appears when its headers arrive and is updated when it completes; within one batch
    // only its latest state is sent. Which of the two it is travels with it, so that a request still
    // waiting for its answer is not taken for one whose sender left unanswered (both have no status).
    this.offs.push(events.on('capture:received', (summary) => this.queueCapture({ ...summary, inFlight: true })))
    this.offs.push(events.on('capture:completed', (summary) => this.queueCapture({ ...summary, inFlight: false })))
    this.offs.push(events.on('capture:updated', (summary) => this.queueCapture(summary)))
    this.offs.push(events.on('forward:changed', () => this.scheduleTargets()))
    this.offs.push(events.on('collections:changed', () => this.send('collections.changed', { collections: this.engine.collectionStore.list() })))
    this.offs.push(events.on('collections:run', (state) => this.send('collections.run', state)))
    this.offs.push(events.on('collections:importing', (progress) => this.send('collections.importing', progress)))
    this.offs.push(events.on('exports:progress', (progress) => this.send('exports.progress', progress)))
    this.offs.push(
      events.on('captures:removed', ({ ids, cleared }) => {
        for (const id of ids) this.pending.delete(id)
        // A user's clear can remove 100,000 captures: say what was cleared, not every id.
        if (cleared) this.send('captures.cleared', cleared)
        else {
          this.removed.push(...ids)
          this.scheduleTraffic()
        }
      }),
    )
    this.offs.push(events.on('settings:changed', (settings) => this.send('settings.changed', settings)))
    this.offs.push(events.on('listener:status', () => this.scheduleEndpoints()))
    this.offs.push(events.on('endpoints:changed', () => this.scheduleEndpoints()))
    this.offs.push(events.on('notice', (notice) => this.send('app.notice', notice)))
  }

  private queueCapture(summary: CaptureSummary): void {
    // An update in between (a forwarding state, a verdict) leaves a request in progress in progress.
    const before = summary.inFlight === undefined ? this.pending.get(summary.id) : undefined
    this.pending.set(summary.id, before?.inFlight === true ? { ...summary, inFlight: true } : summary)
    this.scheduleTraffic()
  }

  private lastTraffic = -Infinity

  private scheduleTraffic(): void {
    if (this.trafficTimer) return
    // Leading edge: the first capture after a quiet spell leaves in the next turn of the event loop
    // (with whatever else arrived in this one); under load, one batch per interval.
    const wait = Math.max(0, this.lastTraffic + this.intervalMs - performance.now())
    this.trafficTimer = setTimeout(() => this.flushTraffic(), wait)
  }

  private scheduleEndpoints(): void {
    if (this.endpointsTimer) return
    this.endpointsTimer = setTimeout(() => {
      this.endpointsTimer = null
      this.send('endpoints.changed', { endpoints: this.engine.endpoints(), status: this.engine.statuses(), removed: this.engine.removedEndpoints() })
    }, this.intervalMs)
  }

  private scheduleTargets(): void {
    if (this.targetsTimer) return
    this.targetsTimer = setTimeout(() => {
      this.targetsTimer = null
      this.send('forward.changed', { targets: this.engine.forwarder.statuses(this.engine.endpoints()) })
    }, this.intervalMs)
  }

  /** Send what is pending now (also used at shutdown). */
  flushTraffic(): void {
    if (this.trafficTimer) clearTimeout(this.trafficTimer)
    this.trafficTimer = null
    if (this.pending.size === 0 && this.removed.length === 0) return
    this.lastTraffic = performance.now()
    const captures = [...this.pending.values()]
    const removed = this.removed
    this.pending = new Map()
    this.removed = []
    this.send('traffic.batch', { captures, removed })
  }

  dispose(): void {
    for (const off of this.offs) off()
    if (this.trafficTimer) clearTimeout(this.trafficTimer)
    if (this.endpointsTimer) clearTimeout(this.endpointsTimer)
    if (this.targetsTimer) clearTimeout(this.targetsTimer)
  }
}
