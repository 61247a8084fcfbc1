// Everything the page shows besides the traffic list: the connection, what is running, endpoints and
// their listener status (normalized), settings, notices, and which view or sheet is open.
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { AppInfo, Notice } from '../../../shared/api'
import type { CollectionSummary, RunState } from '../../../shared/collections'
import type { Endpoint, EndpointStatus, RemovedEndpoint, Settings } from '../../../shared/model'
import type { ConnectionState } from '../api/connection-state'

export type MainView = 'traffic' | 'composer' | 'collections' | 'settings'

export const DETAIL_TABS = ['overview', 'headers', 'query', 'cookies', 'body', 'forwarding', 'signature', 'raw', 'timings'] as const
export type DetailTab = (typeof DETAIL_TABS)[number]

/** The collection open before the page was reloaded (or its window opened again), with its selected
 * entry: opened when the Collections view first lists the collections (see page-place.ts). */
export interface KeptCollection {
  id: string
  node: { kind: 'item' | 'folder'; id: string } | null
}

export interface ShownNotice extends Notice {
  key: number
}

export interface Toast {
  key: number
  message: string
  tone: 'info' | 'error'
}

export interface AppState {
  connection: ConnectionState
  ready: boolean
  info: AppInfo | null
  endpointIds: string[]
  endpointsById: Record<string, Endpoint>
  statusById: Record<string, EndpointStatus>
  /** The names endpoints since removed had, by id: their captures stay in the history. */
  removedEndpointNames: Record<string, string>
  settings: Settings | null
  notices: ShownNotice[]
  toast: Toast | null
  view: MainView
  /** Null once opened, or once another collection was chosen. */
  keptCollection: KeptCollection | null
  helpOpen: boolean
  systemDark: boolean
  detailTab: DetailTab
  /** The capture whose "copy as code" sheet is open. */
  codeSheetFor: string | null
  confirmingClear: boolean
  editingEndpoint: string | 'new' | null
  /** Every collection (kept current by collections.changed); null until first loaded. */
  collections: CollectionSummary[] | null
  /** Collection runs seen since start, by run id (kept current by collections.run). */
  runs: Record<string, RunState>
}

export interface AppActions {
  setConnection(state: ConnectionState): void
  setReady(): void
  setInfo(info: AppInfo): void
  setEndpoints(endpoints: readonly Endpoint[], statuses?: readonly EndpointStatus[]): void
  setEndpoint(endpoint: Endpoint): void
  setRemovedEndpoints(removed: readonly RemovedEndpoint[]): void
  setStatus(status: EndpointStatus): void
  setSettings(settings: Settings): void
  addNotice(notice: Notice): void
  setNotices(notices: readonly Notice[]): void
  dismissNotice(key: number): void
  showToast(message: string, tone?: Toast['tone']): void
  clearToast(key: number): void
  setView(view: MainView): void
  setKeptCollection(kept: KeptCollection | null): void
  setHelpOpen(open: boolean): void
  setSystemDark(dark: boolean): void
  setDetailTab(tab: DetailTab): void
  stepDetailTab(delta: number): void
  setCodeSheetFor(id: string | null): void
  setConfirmingClear(open: boolean): void
  setEditingEndpoint(id: string | 'new' | null): void
  setCollections(collections: readonly CollectionSummary[]): void
  applyRun(run: RunState): void
}

export type AppStore = StoreApi<AppState & AppActions>

const MAX_NOTICES = 20

export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  let keys = 0
  const noticeKey = (n: Notice) => `${n.at}|${n.code}|${n.message}`
  return createStore<AppState & AppActions>()((set, get) => ({
    connection: { kind: 'connecting' },
    ready: false,
    info: null,
    endpointIds: [],
    endpointsById: {},
    removedEndpointNames: {},
    statusById: {},
    settings: null,
    notices: [],
    toast: null,
    view: 'traffic',
    keptCollection: null,
    helpOpen: false,
    systemDark: false,
    detailTab: 'overview',
    codeSheetFor: null,
    confirmingClear: false,
    editingEndpoint: null,
    collections: null,
    runs: {},
    ...initial,

    setConnection: (connection) => set({ connection }),
    setReady: () => {
      if (!get().ready) set({ ready: true })
    },
    setInfo: (info) => set({ info }),
    setEndpoints(endpoints, statuses) {
      const endpointsById: Record<string, Endpoint> = {}
      for (const endpoint of endpoints) endpointsById[endpoint.id] = endpoint
      const next: Partial<AppState> = { endpointIds: endpoints.map((e) => e.id), endpointsById }
      if (statuses) {
        const statusById: Record<string, EndpointStatus> = {}
        for (const status of statuses) statusById[status.id] = status
        next.statusById = statusById
      }
      set(next)
    },
    setRemovedEndpoints(removed) {
      const names: Record<string, string> = {}
      for (const endpoint of removed) names[endpoint.id] = endpoint.name
      const before = get().removedEndpointNames
      const keys = Object.keys(names)
      if (keys.length === Object.keys(before).length && keys.every((id) => before[id] === names[id])) return
      set({ removedEndpointNames: names })
    },
    setEndpoint(endpoint) {
      const s = get()
      set({
        endpointsById: { ...s.endpointsById, [endpoint.id]: endpoint },
        endpointIds: s.endpointIds.includes(endpoint.id) ? s.endpointIds : [...s.endpointIds, endpoint.id],
      })
    },
    setStatus(status) {
      set({ statusById: { ...get().statusById, [status.id]: status } })
    },
    setSettings: (settings) => set({ settings }),
    addNotice(notice) {
      const s = get()
      if (s.notices.some((n) => noticeKey(n) === noticeKey(notice))) return
      set({ notices: [...s.notices, { ...notice, key: ++keys }].slice(-MAX_NOTICES) })
    },
    setNotices(notices) {
      for (const notice of notices) get().addNotice(notice)
    },
    dismissNotice(key) {
      set({ notices: get().notices.filter((n) => n.key !== key) })
    },
    showToast(message, tone = 'info') {
      set({ toast: { key: ++keys, message, tone } })
    },
    clearToast(key) {
      if (get().toast?.key === key) set({ toast: null })
    },
    setView: (view) => set({ view }),
    setKeptCollection: (keptCollection) => set({ keptCollection }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    setSystemDark: (systemDark) => set({ systemDark }),
    setDetailTab: (detailTab) => set({ detailTab }),
    stepDetailTab(delta) {
      const at = DETAIL_TABS.indexOf(get().detailTab)
      set({ detailTab: DETAIL_TABS[(at + delta + DETAIL_TABS.length) % DETAIL_TABS.length]! })
    },
    setCodeSheetFor: (codeSheetFor) => set({ codeSheetFor }),
    setConfirmingClear: (confirmingClear) => set({ confirmingClear }),
    setEditingEndpoint: (editingEndpoint) => set({ editingEndpoint }),
    setCollections: (collections) => set({ collections: [...collections] }),
    applyRun(run) {
      const known = get().runs[run.runId]
      // Events may overtake the call's own answer: never go back to fewer results, nor from an ended
      // run to a running one (a Stop's answer names the run as it was when Stop was pressed).
      if (known && (known.done > run.done || (known.state !== 'running' && run.state === 'running'))) return
      set({ runs: { ...get().runs, [run.runId]: run } })
    },
  }))
}
