// Requests per second over the last minutes, by status class, for the traffic timeline. Owns: one
// bucket per second and moving a capture between classes when its response arrives. It counts all
// live traffic, whatever the list's filter or pause, and what arrived stays counted when retention
// removes it from the history: the timeline says how much came, not how much is kept. A clear (of all
// requests, or of one endpoint's) takes what it cleared out of it.
import type { TimelineItem } from '../../../shared/api'
import { statusClassOf } from './capture-filter'

export const TIMELINE_SECONDS = 180
/** Index into a bucket: 0 no response yet, 1 1xx (shown with 2xx), 2..5 their classes. */
export type ClassCounts = [number, number, number, number, number, number]

export interface TimelineSnapshot {
  /** Oldest first; the last bucket is the current second. */
  buckets: ClassCounts[]
  endSecond: number
  peak: number
}

export class TimelineCounter {
  private readonly buckets = new Map<number, ClassCounts>()
  private readonly counted = new Map<string, { second: number; cls: number; endpointId: string }>()
  private readonly listeners = new Set<() => void>()
  private version = 0

  constructor(private readonly seconds = TIMELINE_SECONDS) {}

  /** Live summaries, or the history's lean items read at a load: of each, only its id, arrival, status and endpoint. */
  observe(captures: readonly TimelineItem[], now: number): void {
    const horizon = Math.floor(now / 1000) - this.seconds
    let changed = false
    for (const capture of captures) {
      const second = Math.floor(capture.receivedAt / 1000)
      if (second <= horizon) continue
      const cls = statusClassOf(capture.status)
      const before = this.counted.get(capture.id)
      if (before && before.cls === cls) continue
      if (before) this.bucket(before.second)[before.cls]!--
      this.bucket(second)[cls]!++
      this.counted.set(capture.id, { second, cls, endpointId: capture.endpointId })
      changed = true
    }
    if (changed) {
      this.version++
      for (const listener of [...this.listeners]) listener()
    }
  }

  private bucket(second: number): ClassCounts {
    let bucket = this.buckets.get(second)
    if (!bucket) this.buckets.set(second, (bucket = [0, 0, 0, 0, 0, 0]))
    return bucket
  }

  /** Drops what fell out of the window. */
  prune(now: number): void {
    const horizon = Math.floor(now / 1000) - this.seconds
    for (const second of this.buckets.keys()) if (second <= horizon) this.buckets.delete(second)
    for (const [id, at] of this.counted) if (at.second <= horizon) this.counted.delete(id)
  }

  /** The requests a clear removed: every one (`endpointId` null), or one endpoint's. */
  forgetCleared(endpointId: string | null): void {
    let changed = false
    for (const [id, at] of this.counted) {
      if (endpointId !== null && at.endpointId !== endpointId) continue
      const bucket = this.buckets.get(at.second)
      if (bucket) bucket[at.cls]!--
      this.counted.delete(id)
      changed = true
    }
    if (changed) {
      this.version++
      for (const listener of [...this.listeners]) listener()
    }
  }

  snapshot(now: number): TimelineSnapshot {
    const endSecond = Math.floor(now / 1000)
    const buckets: ClassCounts[] = []
    let peak = 0
    for (let second = endSecond - this.seconds + 1; second <= endSecond; second++) {
      const bucket = this.buckets.get(second)
      const copy: ClassCounts = bucket ? [...bucket] : [0, 0, 0, 0, 0, 0]
      const sum = copy.reduce((a, b) => a + b, 0)
      if (sum > peak) peak = sum
      buckets.push(copy)
    }
    return { buckets, endSecond, peak }
  }

  get changes(): number {
    return this.version
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }
}
