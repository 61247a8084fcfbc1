// The state of every forward target: up, delivering, retrying, down or paused, how many captures wait
// and how many failed. Owns: the statuses keyed by endpoint and target (replaced whole by each
// `forward.status` answer and `forward.changed` event, which both carry every target), and why they
// could not be loaded. Never: calls the engine (live-sync does) or touches the DOM.
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { TargetStatus } from '../../../shared/model'

export interface ForwardState {
  byKey: Record<string, TargetStatus>
  /** Bumped by every change, so a slow `forward.status` answer cannot overwrite a newer event. */
  version: number
  loadError: string | null
}

export interface ForwardActions {
  /** Replace every status; when `ifVersion` is given, only if nothing changed since it was read. */
  setTargets(targets: readonly TargetStatus[], ifVersion?: number): void
  setLoadError(message: string | null): void
}

export type ForwardStore = StoreApi<ForwardState & ForwardActions>

export const targetKey = (endpointId: string, targetId: string): string => `${endpointId}\u0000${targetId}`

function sameStatus(a: TargetStatus | undefined, b: TargetStatus): boolean {
  return (
    a !== undefined &&
    a.url === b.url &&
    a.state === b.state &&
    a.waiting === b.waiting &&
    a.failed === b.failed &&
    a.lastError === b.lastError &&
    a.nextAttemptAt === b.nextAttemptAt &&
    a.headId === b.headId &&
    a.removed === b.removed
  )
}

export function createForwardStore(): ForwardStore {
  return createStore<ForwardState & ForwardActions>()((set, get) => ({
    byKey: {},
    version: 0,
    loadError: null,

    setTargets(targets, ifVersion) {
      const s = get()
      if (ifVersion !== undefined && ifVersion !== s.version) return
      const byKey: Record<string, TargetStatus> = {}
      for (const target of targets) {
        const key = targetKey(target.endpointId, target.targetId)
        const previous = s.byKey[key]
        // Unchanged targets keep their object, so their rows do not re-render.
        byKey[key] = sameStatus(previous, target) ? previous! : target
      }
      set({ byKey, version: s.version + 1, loadError: null })
    },

    setLoadError(loadError) {
      if (get().loadError !== loadError) set({ loadError })
    },
  }))
}
