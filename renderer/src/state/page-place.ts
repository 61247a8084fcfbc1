// Where a window is, so that a reload brings it back there: its view, the detail's tab, the request
// open in Traffic, the traffic list's search and filters (not its pause: a page starts live), and
// the collection open in Collections with its selected entry. Kept in the
// window's sessionStorage (each window or tab its own; a reload keeps it) and, in the desktop app,
// whose one window may be opened again (closed and reopened from the dock, or the app started
// again), in localStorage too, which such a window starts from. Never in the URL: ids of captured
// requests stay out of the address bar and the browser's history, and switching views makes no
// history entries (as in the desktop app, which has no Back), so Back leaves the page as before.
// What is no longer stored is let go, with a short note. Never: calls the engine but to check that
// the request kept is still stored.
import { z } from 'zod'
import type { ApiClient } from '../../../shared/api'
import { HookscopeError } from '../../../shared/errors'
import { CaptureSummary } from '../../../shared/model'
import { DETAIL_TABS, type AppState, type AppStore } from './app-store'
import { emptyFilter, isMethodToken, STATUS_CLASSES, TIME_RANGES, type CaptureFilter } from './capture-filter'
import type { TrafficState, TrafficStore } from './traffic-store'
import type { WorkbenchStore } from './workbench-store'

export const PLACE_KEY = 'hookscope.place'

const Id = z.string().min(1).max(200)

const KeptFilter = z.object({
  text: z.string().max(10_000),
  method: z.string().max(100).refine(isMethodToken).nullable(),
  statusClass: z.number().refine((n) => STATUS_CLASSES.some((c) => c.value === n)).nullable(),
  endpointId: Id.nullable(),
  /** The endpoint filtered by was already removed (one of "Removed endpoints"): its requests are
   * what the list showed, so it is kept; one removed since is let go. */
  endpointRemoved: z.boolean(),
  range: z.enum(TIME_RANGES.map((r) => r.id)),
})

const StoredPlace = z.object({
  version: z.literal(1),
  view: z.enum(['traffic', 'composer', 'collections', 'settings']),
  detailTab: z.enum(DETAIL_TABS),
  /** The request open in Traffic (its detail stays open while another view is shown). */
  captureId: Id.nullable(),
  collection: z.object({ id: Id, node: z.object({ kind: z.enum(['item', 'folder']), id: Id }).nullable() }).nullable(),
  /** The list's search and filters; null (or absent, as places kept before them are) when none is set.
   * One that cannot be read is dropped alone: the rest of the place still holds. */
  filter: KeptFilter.nullable().catch(null).optional(),
})
export type PagePlace = z.infer<typeof StoredPlace>

type PlaceStore = Pick<Storage, 'getItem' | 'setItem'>

export interface PlaceStorage {
  /** This window's own. */
  session: PlaceStore | null
  /** Every window's of this origin: kept for a window opened again (the desktop app's); null where windows keep only their own. */
  shared: PlaceStore | null
}

/** The page's storage: a browser tab keeps its own place; the desktop app's window also leaves it for the next one. */
export function browserPlaceStorage(desktop: boolean): PlaceStorage {
  const take = (which: 'sessionStorage' | 'localStorage'): PlaceStore | null => {
    try {
      return window[which]
    } catch {
      return null // Storage refused (a sandboxed frame, private mode): the page starts on Traffic, as it did.
    }
  }
  return { session: take('sessionStorage'), shared: desktop ? take('localStorage') : null }
}

function parsePlace(text: string | null): PagePlace | null {
  if (text === null) return null
  try {
    const parsed = StoredPlace.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** The place kept for this window: its own, else (in the desktop app) the last window's. */
export function readPlace(storage: PlaceStorage): PagePlace | null {
  const read = (store: PlaceStore | null) => {
    try {
      return store ? parsePlace(store.getItem(PLACE_KEY)) : null
    } catch {
      return null
    }
  }
  return read(storage.session) ?? read(storage.shared)
}

/** What the app store starts with for a kept place: its view and tab, and the collection to open. */
export function initialAppState(place: PagePlace | null): Partial<AppState> {
  if (!place) return {}
  return { view: place.view, detailTab: place.detailTab, keptCollection: place.collection }
}

/** What the traffic store starts with for a kept place: its search and filters, so that the first
 * query is already the filtered one. */
export function initialTrafficState(place: PagePlace | null): Partial<TrafficState> {
  const kept = place?.filter
  if (!kept) return {}
  const { endpointRemoved: _removed, ...filter } = kept
  return { filter }
}

export interface PlaceStores {
  api: ApiClient
  app: AppStore
  traffic: TrafficStore
  workbench: WorkbenchStore
}

export const CAPTURE_GONE_NOTE = 'The request you had open is no longer stored.'
export const ENDPOINT_GONE_NOTE = 'The endpoint you filtered by was removed: the list shows every endpoint’s requests.'

const unfiltered = (filter: CaptureFilter): boolean => {
  const empty = emptyFilter()
  return (Object.keys(empty) as Array<keyof CaptureFilter>).every((key) => filter[key] === empty[key])
}

/**
 * Opens the request kept in `place` once the page has loaded (if it is still stored and nothing was
 * opened meanwhile), lets go of a kept endpoint filter whose endpoint was removed since, and keeps the
 * window's place in `storage` from then on. Returns a function that stops keeping it.
 */
export function keepPlace(stores: PlaceStores, place: PagePlace | null, storage: PlaceStorage): () => void {
  const { api, app, traffic, workbench } = stores
  // The request kept, until it is opened or let go: written back meanwhile, so that a reload before
  // then does not lose it.
  let pendingCapture = place?.captureId ?? null
  let written: string | null = null
  const keptFilter = place?.filter ?? null

  /** Whether the endpoint filtered by is a removed one: known once the endpoints are loaded, as kept until then. */
  const endpointRemoved = (id: string | null): boolean => {
    if (id === null) return false
    const a = app.getState()
    if (a.ready) return !a.endpointsById[id]
    return keptFilter?.endpointId === id ? keptFilter.endpointRemoved : false
  }

  const write = () => {
    const a = app.getState()
    const t = traffic.getState()
    const w = workbench.getState()
    const next: PagePlace = {
      version: 1,
      view: a.view,
      detailTab: a.detailTab,
      captureId: t.openedId ?? pendingCapture,
      collection: w.selectedCollectionId !== null ? { id: w.selectedCollectionId, node: w.selectedNode } : a.keptCollection,
      filter: unfiltered(t.filter) ? null : { ...t.filter, endpointRemoved: endpointRemoved(t.filter.endpointId) },
    }
    const text = JSON.stringify(next)
    if (text === written) return
    written = text
    for (const store of [storage.session, storage.shared]) {
      try {
        store?.setItem(PLACE_KEY, text)
      } catch {
        // Storage refused (quota, private mode): the place is not kept, and a reload starts on Traffic.
      }
    }
  }

  const openKept = () => {
    const id = pendingCapture
    if (id === null || !app.getState().ready) return
    pendingCapture = null
    if (traffic.getState().openedId !== null) return
    // A listed request opens at once (also one still arriving, which is not stored yet).
    if (traffic.getState().byId[id]) {
      traffic.getState().open(id)
      return
    }
    api['captures.get']({ id }).then(
      (capture) => {
        if (traffic.getState().openedId === null) traffic.getState().openStored(CaptureSummary.parse(capture))
      },
      (error: unknown) => {
        // Deleted since (cleared, or removed by retention): the list shows, with nothing open.
        if (error instanceof HookscopeError && error.code === 'NOT_FOUND' && traffic.getState().openedId === null) app.getState().showToast(CAPTURE_GONE_NOTE)
        write()
      },
    )
  }

  // The list opened filtered by an endpoint removed since it was kept: it shows every endpoint's
  // requests instead, with the other filters kept. One already removed then is still filtered by.
  const dropRemovedEndpoint = () => {
    const id = keptFilter?.endpointId ?? null
    if (id === null || keptFilter!.endpointRemoved || traffic.getState().filter.endpointId !== id || app.getState().endpointsById[id]) return
    traffic.getState().setFilter({ endpointId: null })
    app.getState().showToast(ENDPOINT_GONE_NOTE)
  }

  // Each store is listened to for what the place holds only: the traffic store changes with every live frame.
  const offs = [
    app.subscribe((state, previous) => {
      if (state.ready && !previous.ready) {
        dropRemovedEndpoint()
        openKept()
      }
      if (state.view !== previous.view || state.detailTab !== previous.detailTab || state.keptCollection !== previous.keptCollection) write()
    }),
    traffic.subscribe((state, previous) => {
      if (state.filter !== previous.filter) write()
      if (state.openedId === previous.openedId) return
      // Opened or closed by the user meanwhile: the request kept is not opened over it.
      pendingCapture = null
      write()
    }),
    workbench.subscribe((state, previous) => {
      if (state.selectedCollectionId === previous.selectedCollectionId && state.selectedNode === previous.selectedNode) return
      // Another collection opened: the one kept is no longer waited for.
      if (state.selectedCollectionId !== null && previous.selectedCollectionId === null && app.getState().keptCollection !== null) app.getState().setKeptCollection(null)
      write()
    }),
  ]
  if (app.getState().ready) dropRemovedEndpoint()
  openKept()
  return () => {
    for (const off of offs) off()
  }
}
