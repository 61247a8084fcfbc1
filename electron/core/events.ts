// A small typed event emitter. The engine's events are the only way hosts learn about traffic.
import type { CaptureSummary, EndpointStatus, Settings } from '../../shared/model'
import type { Notice } from '../../shared/api'
import type { RunState } from '../../shared/collections'

export interface EngineEvents {
  /** Headers parsed; the body may still be arriving. */
  'capture:received': CaptureSummary
  /** Stored durably and answered (or failed to answer). */
  'capture:completed': CaptureSummary
  /** Something about a stored capture changed (its forwarding state). */
  'capture:updated': CaptureSummary
  'forward:changed': void
  'collections:changed': void
  'collections:run': RunState
  'collections:importing': { uploadId: string; done: number; total: number }
  'exports:progress': { progressId: string; done: number; total: number }
  'captures:removed': { ids: string[]; cleared: { endpointId: string | null } | null }
  'settings:changed': Settings
  'listener:status': EndpointStatus
  'endpoints:changed': void
  notice: Notice
}

type Listener<T> = (payload: T) => void

export class TypedEmitter<E extends object> {
  private readonly listeners = new Map<keyof E, Set<Listener<never>>>()

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<never>)
    return () => this.off(event, listener)
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, (payload) => {
      off()
      listener(payload)
    })
    return off
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.listeners.get(event)?.delete(listener as Listener<never>)
  }

  has<K extends keyof E>(event: K): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const listener of [...set]) {
      try {
        ;(listener as Listener<E[K]>)(payload)
      } catch (error) {
        // A faulty subscriber must never break capture; report it out of band.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  /** Resolves with the next payload that satisfies the predicate. */
  waitFor<K extends keyof E>(event: K, predicate: (payload: E[K]) => boolean = () => true): Promise<E[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!predicate(payload)) return
        off()
        resolve(payload)
      })
    })
  }
}
