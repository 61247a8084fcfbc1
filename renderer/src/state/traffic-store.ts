// The live traffic list. Owns: the captures in memory (normalized: `ids` newest first, `byId`),
// bounded to a cap; merging live batches, query pages and older pages; the selection (by id, so new
// rows never move it); pausing; the filter and its query generation; counts of new requests per
// endpoint since it was last viewed. Never: calls the engine (live-sync does) or touches the DOM.
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { EventPayload } from '../../../shared/api'
import type { CapturePage, CaptureSummary } from '../../../shared/model'
import { emptyFilter, isFiltered, matchesLocally, TIME_RANGES, withinRange, type CaptureFilter } from './capture-filter'

export type TrafficBatch = EventPayload<'traffic.batch'>

export const DEFAULT_MEMORY_CAP = 10_000

export interface TrafficState {
  ids: string[]
  byId: Record<string, CaptureSummary>
  /** Captures matching the filter in the engine (from the last query, kept current by live traffic). */
  total: number
  hasOlder: boolean
  /** Where the next older page starts: the last row of the engine's last page. The engine pages in the
   * order captures were stored, the list is kept in order of arrival, and the two differ when a body
   * arrives slowly, so the list's last row is not always where the engine's pages got to. */
  olderCursor: string | null
  /** Older pages stop here: the list holds as many rows as memory allows. */
  olderLimited: boolean
  /** An older page of this list is on its way. A new list (another filter, or the same read again)
   * starts without one: the page asked for the list before belongs to that list only. */
  loadingOlder: boolean
  /** The list reflects a query for the current filter. */
  loaded: boolean
  /** The list is being read again for the same filter (after a reconnect or a clear): it stays shown,
   * and rows the engine no longer has go when the answer comes. */
  reloading: boolean
  /** Live captures matching a new filter, or a reloading one, that arrived while its query ran (newest first). */
  liveDuringQuery: string[]
  /** The query for the current filter could not be run (the page was not connected, or the engine
   * refused it): why, and whether it runs again by itself once the page is connected. Null while it
   * runs or once it answered. */
  queryFailed: { message: string; disconnected: boolean } | null
  selectedId: string | null
  /** Where the selected row stood when it was removed (by retention): the keyboard moves on from
   * there, not from the top. Null once another row is selected or the selection is let go of. */
  selectionPlace: string | null
  openedId: string | null
  /** The opened request was removed from the history by retention while it was open: the detail stays,
   * saying so, until another request is opened or it is closed. */
  openedRemoved: boolean
  paused: boolean
  /** New captures that arrived while paused, oldest first. */
  held: CaptureSummary[]
  /** How many of them match the filter (for a search, as the engine's answers said): stored requests
   * the list counts (see `countedRequests`) though `total` leaves them out until they are shown. */
  heldMatching: number
  filter: CaptureFilter
  generation: number
  /** Live traffic arrived that only the engine can match against the search text. */
  headStale: boolean
  memoryCap: number
  /** Per endpoint, the requests that arrived at it while another endpoint was viewed, since it was
   * last viewed, and that the engine still holds: retention removing them takes them off the count. */
  newByEndpoint: Record<string, number>
}

export interface TrafficActions {
  applyBatches(batches: readonly TrafficBatch[]): void
  replaceFromQuery(page: CapturePage, generation: number): void
  appendOlder(page: CapturePage, generation: number): void
  mergeHead(page: CapturePage, generation: number): void
  /** A query is about to read the list again for the same filter. `keepArriving`: the rows of requests
   * still arriving stay listed (after a clear); a reload after a reconnect lets them go, since the page
   * may have missed how they ended. */
  beginReload(keepArriving?: boolean): void
  /** The query for the list of this generation failed. */
  failQuery(generation: number, failure: { message: string; disconnected: boolean }): void
  setLoadingOlder(loading: boolean): void
  select(id: string | null): void
  open(id: string | null): void
  /** Opens a request read from the engine, listed or not (the one open before a reload): its record
   * is kept beside the list's, as the selected row's is when the list moves on without it. */
  openStored(capture: CaptureSummary): void
  moveSelection(delta: number): void
  selectEdge(edge: 'first' | 'last'): void
  setPaused(paused: boolean): void
  setFilter(patch: Partial<CaptureFilter>): void
  setMemoryCap(cap: number): void
  markEndpointViewed(endpointId: string): void
  /** A list of the last minutes lets go of the rows that have grown older than its range, as of `now`. */
  expireRange(now: number): void
  /** Captures were cleared in the engine (all of them, or one endpoint's): drop them here too. */
  forgetCleared(endpointId: string | null): void
}

export type TrafficStore = StoreApi<TrafficState & TrafficActions>

/** The stored requests matching the filter: those the list shows or will page to, and those waiting
 * while paused. */
export const countedRequests = (s: Pick<TrafficState, 'total' | 'heldMatching'>): number => s.total + s.heldMatching

const byIdDescending = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0)

/** Both lists newest first; the result is too, without duplicates. */
function mergeNewestFirst(incoming: string[], existing: string[]): string[] {
  if (incoming.length === 0) return existing
  if (existing.length === 0 || incoming[incoming.length - 1]! > existing[0]!) return incoming.concat(existing)
  const present = new Set(existing)
  return incoming.filter((id) => !present.has(id)).concat(existing).sort(byIdDescending)
}

/** The record of a request removed while it was open goes once another (or none) is opened. */
function forgetRemovedOpened(s: TrafficState, next: string | null): void {
  if (s.openedRemoved && s.openedId !== null && s.openedId !== next) delete s.byId[s.openedId]
}

export function createTrafficStore(initial: Partial<TrafficState> = {}): TrafficStore {
  // Held requests that a search's answer from the engine held (the page cannot match search text).
  const heldFound = new Set<string>()
  const countHeld = (held: readonly CaptureSummary[], filter: CaptureFilter): number => {
    let count = 0
    for (const capture of held) {
      const verdict = matchesLocally(filter, capture)
      if (verdict === true || (verdict === 'engine' && heldFound.has(capture.id))) count++
    }
    return count
  }
  // The newest id this list has been told of, live or by a query. Ids are given at arrival, so a
  // capture above it is a new request; one at or below it is one already seen, or one the engine had
  // when it was queried (updated since: its signature judged again, its forwarding retried).
  let newestSeen = ''
  const see = (items: Iterable<CaptureSummary>) => {
    for (const item of items) if (item.id > newestSeen) newestSeen = item.id
  }
  // The ids each endpoint's badge counts (those of other endpoints are not listed, so the list alone
  // cannot tell whose a removed id was). Bounded by what the engine holds: removals leave it.
  const newIds = new Map<string, Set<string>>()
  // Whether the next query's answer keeps the listed requests still arriving (see beginReload).
  let keepArriving = false
  const forgetNew = (endpointId: string | null) => {
    if (endpointId === null) newIds.clear()
    else newIds.delete(endpointId)
  }
  return createStore<TrafficState & TrafficActions>()((set, get) => ({
    ids: [],
    byId: {},
    total: 0,
    hasOlder: false,
    olderCursor: null,
    olderLimited: false,
    loadingOlder: false,
    loaded: false,
    reloading: false,
    liveDuringQuery: [],
    queryFailed: null,
    selectedId: null,
    selectionPlace: null,
    openedId: null,
    openedRemoved: false,
    paused: false,
    held: [],
    heldMatching: 0,
    filter: emptyFilter(),
    generation: 0,
    headStale: false,
    memoryCap: DEFAULT_MEMORY_CAP,
    newByEndpoint: {},
    ...initial,

    applyBatches(batches) {
      const s = get()
      const removed = new Set<string>()
      const incoming = new Map<string, CaptureSummary>()
      for (const batch of batches) {
        for (const id of batch.removed) {
          removed.add(id)
          incoming.delete(id)
        }
        for (const capture of batch.captures) {
          if (removed.has(capture.id)) continue
          // An update that says nothing of whether the request is still in progress keeps what was known.
          if (capture.inFlight === undefined) {
            const known = incoming.get(capture.id) ?? s.byId[capture.id] ?? (s.held.length > 0 ? s.held.find((h) => h.id === capture.id) : undefined)
            if (known?.inFlight === true) {
              incoming.set(capture.id, { ...capture, inFlight: true })
              continue
            }
          }
          incoming.set(capture.id, capture)
        }
      }
      if (incoming.size === 0 && removed.size === 0) return

      // Changed in place: copying a map of thousands of captures for every batch was most of a batch's
      // cost. Rows select their own entry, so a replaced entry re-renders its row all the same.
      let byId: Record<string, CaptureSummary> | null = null
      const writable = () => (byId ??= s.byId)
      let held = s.held
      let heldChanged = false
      const fresh: CaptureSummary[] = []
      let newByEndpoint = s.newByEndpoint
      let headStale = s.headStale
      const viewing = s.filter.endpointId
      const now = Date.now()
      // While a query runs, rows it may not see are kept for its answer (see replaceFromQuery).
      const tracking = !s.loaded || s.reloading
      // Below the last listed row, when the engine holds more, the older pages bring what matches.
      const oldestListed = s.loaded && (s.hasOlder || s.olderLimited) ? s.ids[s.ids.length - 1] : undefined

      // Rows of the list being replaced that changed while a new query runs (see replaceFromQuery).
      const changedDuringQuery: string[] = []
      // Listed rows a change took out of the filter: a request answered, under "No response".
      const leaving = new Set<string>()
      for (const capture of incoming.values()) {
        if (s.byId[capture.id]) {
          writable()[capture.id] = capture
          const verdict = matchesLocally(s.filter, capture)
          if (tracking && verdict === true) changedDuringQuery.push(capture.id)
          else if (s.loaded && verdict === false) leaving.add(capture.id)
          continue
        }
        // A request counts toward its endpoint's badge once, when it first arrives (it arrives again
        // when it completes), paused or not.
        const isNew = capture.id > newestSeen
        if (isNew && viewing !== null && capture.endpointId !== viewing) {
          if (newByEndpoint === s.newByEndpoint) newByEndpoint = { ...newByEndpoint }
          newByEndpoint[capture.endpointId] = (newByEndpoint[capture.endpointId] ?? 0) + 1
          let counted = newIds.get(capture.endpointId)
          if (!counted) newIds.set(capture.endpointId, (counted = new Set()))
          counted.add(capture.id)
        }
        if (s.paused) {
          const at = held.findIndex((h) => h.id === capture.id)
          if (at < 0 && !isNew) continue
          if (!heldChanged) {
            held = [...held]
            heldChanged = true
          }
          if (at >= 0) held[at] = capture
          else {
            held.push(capture)
            // Whether it counts under a search is the engine's to say.
            if (matchesLocally(s.filter, capture) === 'engine') headStale = true
          }
          continue
        }
        // An old capture the list does not hold changed. It joins only where the list's query could
        // have missed it: a request stored after the query, or one that matches only now it is answered.
        // Below the listed rows an older page brings it; outside the time range it never belonged.
        if (!isNew && (!withinRange(s.filter, capture, now) || (oldestListed !== undefined && capture.id < oldestListed))) continue
        fresh.push(capture)
      }
      see(incoming.values())

      const freshIds: string[] = []
      for (const capture of fresh) {
        const verdict = matchesLocally(s.filter, capture)
        if (verdict === 'engine') {
          headStale = true
          continue
        }
        if (!verdict) continue
        writable()[capture.id] = capture
        freshIds.push(capture.id)
      }
      freshIds.sort(byIdDescending)

      let ids = s.ids
      let total = s.total
      let selectedId = s.selectedId
      let selectionPlace = s.selectionPlace
      const openedId = s.openedId
      let openedRemoved = s.openedRemoved
      let liveDuringQuery = s.liveDuringQuery
      if (tracking) {
        const during = changedDuringQuery.length > 0 ? freshIds.concat(changedDuringQuery).sort(byIdDescending) : freshIds
        liveDuringQuery = mergeNewestFirst(during, liveDuringQuery)
        // A new filter's rows wait for its answer; a list being reloaded shows them at once.
        if (!s.loaded) freshIds.length = 0
      }
      if (removed.size > 0) {
        for (const [endpointId, counted] of newIds) {
          let gone = 0
          for (const id of removed) if (counted.delete(id)) gone++
          if (gone === 0) continue
          if (newByEndpoint === s.newByEndpoint) newByEndpoint = { ...newByEndpoint }
          newByEndpoint[endpointId] = counted.size
          if (counted.size === 0) newIds.delete(endpointId)
        }
        if (liveDuringQuery.some((id) => removed.has(id))) liveDuringQuery = liveDuringQuery.filter((id) => !removed.has(id))
        const listed = new Set<string>()
        ids = ids.filter((id) => {
          if (!removed.has(id)) return true
          listed.add(id)
          return false
        })
        let uncounted = listed.size
        if (s.loaded) {
          // Retention removes the oldest captures, which the list may not hold: never paged to, or
          // trimmed off its end to keep it within memory (an older page that found nothing left below
          // says nothing of those). Each one the list was told of, or whose place its query covered,
          // was counted all the same. Without a filter every one of them was; with one, only the
          // engine knows which, so it is asked again.
          const heldIds = new Set(held.map((h) => h.id))
          let unlisted = 0
          for (const id of removed) if (!listed.has(id) && !heldIds.has(id) && id <= newestSeen) unlisted++
          if (unlisted > 0 && isFiltered(s.filter)) headStale = true
          else uncounted += unlisted
        }
        total = Math.max(0, total - uncounted)
        // The request being read stays open with what it showed (its record kept for its title), and
        // says it is gone, rather than the detail vanishing under the reader.
        for (const id of removed) if (id !== openedId && (s.byId[id] || (byId && byId[id]))) delete writable()[id]
        if (selectedId !== null && removed.has(selectedId)) {
          selectionPlace = selectedId
          selectedId = null
        }
        if (openedId !== null && removed.has(openedId)) openedRemoved = true
        if (held.some((h) => removed.has(h.id))) held = held.filter((h) => !removed.has(h.id))
      }
      if (leaving.size > 0) {
        const left: string[] = []
        ids = ids.filter((id) => {
          if (!leaving.has(id)) return true
          left.push(id)
          return false
        })
        total = Math.max(0, total - left.length)
        // Its record stays while it is selected or open, as for a row trimmed off the end.
        for (const id of left) if (id !== selectedId && id !== openedId) delete writable()[id]
        if (liveDuringQuery.some((id) => leaving.has(id))) liveDuringQuery = liveDuringQuery.filter((id) => !leaving.has(id))
      }
      if (freshIds.length > 0) {
        const merged = mergeNewestFirst(freshIds, ids)
        total += merged.length - ids.length
        ids = merged
      }
      let hasOlder = s.hasOlder
      let olderLimited = s.olderLimited
      let olderCursor = s.olderCursor
      if (ids.length > s.memoryCap) {
        const dropped = ids.slice(s.memoryCap)
        ids = ids.slice(0, s.memoryCap)
        const map = writable()
        for (const id of dropped) if (id !== selectedId && id !== openedId) delete map[id]
        // Full: an older page would find no room, so none is asked for (with live traffic, one for
        // every arrival) until removals make room.
        hasOlder = false
        olderLimited = true
        olderCursor = ids[ids.length - 1]!
      } else if (olderLimited && s.loaded && !s.reloading) {
        // Every stored request is listed (retention removed the rows trimmed off the end): nothing to
        // say or load below the list. Room made, the older pages go on from where the list ends.
        if (!headStale && total <= ids.length) olderLimited = false
        else if (ids.length < s.memoryCap) {
          olderLimited = false
          hasOlder = true
        }
      }
      if (held.length > s.memoryCap) held = held.slice(held.length - s.memoryCap)

      const next: Partial<TrafficState> = {}
      if (byId) next.byId = byId
      if (ids !== s.ids) next.ids = ids
      if (total !== s.total) next.total = total
      if (held !== s.held) {
        next.held = held
        next.heldMatching = countHeld(held, s.filter)
      }
      if (liveDuringQuery !== s.liveDuringQuery) next.liveDuringQuery = liveDuringQuery
      if (hasOlder !== s.hasOlder) next.hasOlder = hasOlder
      if (olderLimited !== s.olderLimited) next.olderLimited = olderLimited
      if (olderCursor !== s.olderCursor) next.olderCursor = olderCursor
      if (selectedId !== s.selectedId) next.selectedId = selectedId
      if (selectionPlace !== s.selectionPlace) next.selectionPlace = selectionPlace
      if (openedRemoved !== s.openedRemoved) next.openedRemoved = openedRemoved
      if (newByEndpoint !== s.newByEndpoint) next.newByEndpoint = newByEndpoint
      if (headStale !== s.headStale) next.headStale = headStale
      if (Object.keys(next).length > 0) set(next)
    },

    replaceFromQuery(page, generation) {
      const s = get()
      if (generation !== s.generation) return
      see(page.items)
      const newestQueried = page.items[0]?.id
      const oldestQueried = page.items[page.items.length - 1]?.id
      const queried = new Set<string>()
      for (const item of page.items) queried.add(item.id)
      // Live rows the answer does not hold. Those newer than it arrived while it ran: they go on top.
      // While the list was loading, also those within its span: a request is stored when its body has
      // arrived, so one whose body was still coming in when a later one was stored was not there to be
      // found. (Older than the span, an older page brings it.) A list read again keeps only the rows
      // that arrived while it was read: the others may be gone from the engine.
      const tracking = !s.loaded || s.reloading
      const source = tracking ? s.liveDuringQuery : s.ids
      const live: string[] = []
      for (const id of source) {
        if (queried.has(id)) continue
        if (newestQueried === undefined || id > newestQueried) live.push(id)
        else if (tracking && (page.next === null || id > oldestQueried!)) live.push(id)
      }
      // A request still arriving or waiting out its answer is not stored yet, so no answer holds it:
      // listed before (a clear, a new filter it matches too), it stays until it is.
      let arriving = false
      if (keepArriving) for (const id of s.ids) {
        const capture = s.byId[id]
        if (capture?.inFlight !== true || queried.has(id) || live.includes(id) || matchesLocally(s.filter, capture) !== true) continue
        live.push(id)
        arriving = true
      }
      if (arriving) live.sort(byIdDescending)
      keepArriving = false
      // While paused, requests that arrived since stay held until resumed, though the answer has them.
      const heldIds = s.paused && s.held.length > 0 ? new Set(s.held.map((h) => h.id)) : null
      const items = heldIds ? page.items.filter((item) => !heldIds.has(item.id)) : page.items
      heldFound.clear()
      if (heldIds) for (const item of page.items) if (heldIds.has(item.id)) heldFound.add(item.id)
      const byId: Record<string, CaptureSummary> = {}
      for (const item of items) byId[item.id] = item
      for (const id of live) byId[id] = s.byId[id]!
      const ids = mergeNewestFirst(live, items.map((item) => item.id))
      for (const id of [s.selectedId, s.openedId]) if (id && !byId[id] && s.byId[id]) byId[id] = s.byId[id]!
      set({
        ids,
        byId,
        total: page.total - (page.items.length - items.length) + live.length,
        heldMatching: countHeld(s.held, s.filter),
        hasOlder: page.next !== null,
        olderCursor: page.next,
        olderLimited: false,
        loaded: true,
        reloading: false,
        liveDuringQuery: [],
        queryFailed: null,
        headStale: false,
      })
    },

    appendOlder(page, generation) {
      const s = get()
      if (generation !== s.generation) return
      see(page.items)
      const room = Math.max(0, s.memoryCap - s.ids.length)
      // Added in place, as live batches are: copying a map of tens of thousands of captures for each
      // page made scrolling through a long history stall.
      const byId = s.byId
      const added: string[] = []
      const listed = new Set(s.ids)
      for (const item of page.items) {
        if (added.length >= room) break
        // Listed already: it arrived live, or a refresh of the head brought it. Only membership tells:
        // the engine's pages are in the order captures were stored, not the order they arrived.
        if (listed.has(item.id)) continue
        byId[item.id] = item
        added.push(item.id)
      }
      const limited = page.items.length > added.length && room === added.length
      set({
        ids: added.length > 0 ? s.ids.concat(added) : s.ids,
        byId,
        hasOlder: page.next !== null && !limited,
        olderCursor: limited ? (added[added.length - 1] ?? s.olderCursor) : page.next,
        olderLimited: limited,
        loadingOlder: false,
      })
    },

    mergeHead(page, generation) {
      const s = get()
      if (generation !== s.generation) return
      see(page.items)
      const present = s.byId
      const inPage = new Set<string>()
      for (const item of page.items) inPage.add(item.id)
      // The answer counts stored captures only: listed rows newer than it were still coming in.
      const newest = page.items[0]?.id
      let unstored = 0
      for (const id of s.ids) {
        if (newest !== undefined && id <= newest) break
        if (!inPage.has(id)) unstored++
      }
      // Requests that arrived while paused stay held until resumed.
      const heldIds = s.held.length > 0 ? new Set(s.held.map((h) => h.id)) : null
      let heldInPage = 0
      if (heldIds)
        for (const id of inPage)
          if (heldIds.has(id)) {
            heldInPage++
            heldFound.add(id)
          }
      const total = page.total - heldInPage + unstored
      const heldMatching = countHeld(s.held, s.filter)
      // Not only rows newer than the list's first: a request is stored when its body has arrived, so one
      // whose body came in slowly joins the answer below rows stored before it. Anything missing within
      // the span the list holds belongs in it.
      const oldestListed = s.hasOlder ? s.ids[s.ids.length - 1] : undefined
      const missing = page.items.filter((item) => !present[item.id] && !heldIds?.has(item.id) && (oldestListed === undefined || item.id > oldestListed))
      if (missing.length === 0) {
        set({ headStale: false, total, heldMatching })
        return
      }
      const byId = s.byId // in place, as above
      for (const item of missing) byId[item.id] = item
      let ids = mergeNewestFirst(missing.map((item) => item.id), s.ids)
      const trimmed = ids.length > s.memoryCap
      if (trimmed) ids = ids.slice(0, s.memoryCap)
      set({ ids, byId, total, heldMatching, headStale: false, ...(trimmed ? { hasOlder: false, olderLimited: true, olderCursor: ids[ids.length - 1]! } : {}) })
    },

    beginReload(keep = false) {
      const s = get()
      // Already waiting for an answer: a reconnect meanwhile lets them go all the same.
      keepArriving = keep && (s.loaded && !s.reloading ? true : keepArriving)
      // Before its first answer the list is loading anyway; while reloading, the first query's answer
      // must still know what arrived since it was asked.
      if (s.queryFailed !== null) set({ queryFailed: null })
      if (!s.loaded || s.reloading) return
      set({ reloading: true, liveDuringQuery: [], loadingOlder: false })
    },

    failQuery(generation, failure) {
      if (generation !== get().generation) return
      set({ queryFailed: failure })
    },

    setLoadingOlder(loading) {
      if (get().loadingOlder !== loading) set({ loadingOlder: loading })
    },

    select(id) {
      const s = get()
      if (s.selectedId === id && s.selectionPlace === null) return
      if (s.openedId !== null && id !== null) forgetRemovedOpened(s, id)
      set(s.openedId !== null && id !== null ? { selectedId: id, selectionPlace: null, openedId: id, openedRemoved: false } : { selectedId: id, selectionPlace: null })
    },

    open(id) {
      forgetRemovedOpened(get(), id)
      set(id === null ? { openedId: null, openedRemoved: false } : { selectedId: id, selectionPlace: null, openedId: id, openedRemoved: false })
    },

    openStored(capture) {
      const s = get()
      forgetRemovedOpened(s, capture.id)
      set({
        byId: s.byId[capture.id] ? s.byId : { ...s.byId, [capture.id]: capture },
        selectedId: capture.id,
        selectionPlace: null,
        openedId: capture.id,
        openedRemoved: false,
      })
    },

    moveSelection(delta) {
      const s = get()
      if (s.ids.length === 0) return
      const from = s.selectedId ?? s.selectionPlace
      const at = from === null ? -1 : s.ids.indexOf(from)
      let target: number
      if (at >= 0) target = at + delta
      else if (from === null) target = 0
      else {
        // The selected row is no longer listed (removed, or trimmed off the end): the rows are newest
        // first by id, so its place is before the first row older than it. Moving down lands on the
        // row that now stands there, moving up on the one above it.
        let place = 0
        let high = s.ids.length
        while (place < high) {
          const middle = (place + high) >>> 1
          if (s.ids[middle]! > from) place = middle + 1
          else high = middle
        }
        target = delta > 0 ? place + delta - 1 : place + delta
      }
      get().select(s.ids[Math.min(s.ids.length - 1, Math.max(0, target))]!)
    },

    selectEdge(edge) {
      const s = get()
      const id = edge === 'first' ? s.ids[0] : s.ids[s.ids.length - 1]
      if (id !== undefined) get().select(id)
    },

    setPaused(paused) {
      const s = get()
      if (s.paused === paused) return
      if (paused) {
        set({ paused: true })
        return
      }
      const held = s.held
      heldFound.clear()
      set({ paused: false, held: [], heldMatching: 0 })
      if (held.length > 0) get().applyBatches([{ captures: held, removed: [] }])
    },

    setFilter(patch) {
      const s = get()
      const filter = { ...s.filter, ...patch }
      const changed = (Object.keys(patch) as Array<keyof CaptureFilter>).some((key) => s.filter[key] !== filter[key])
      if (!changed) return
      // The new filter's answer says which held requests a search finds.
      heldFound.clear()
      const heldMatching = countHeld(s.held, filter)
      keepArriving = true
      const next: Partial<TrafficState> = { filter, generation: s.generation + 1, loaded: false, reloading: false, liveDuringQuery: [], queryFailed: null, headStale: false, loadingOlder: false, heldMatching }
      if (patch.endpointId !== undefined && patch.endpointId !== null && s.newByEndpoint[patch.endpointId]) {
        next.newByEndpoint = { ...s.newByEndpoint, [patch.endpointId]: 0 }
      }
      if (patch.endpointId !== undefined) forgetNew(patch.endpointId)
      if (patch.endpointId === null) next.newByEndpoint = {}
      set(next)
    },

    setMemoryCap(cap) {
      const s = get()
      if (cap === s.memoryCap) return
      if (s.ids.length <= cap) {
        set({ memoryCap: cap })
        return
      }
      const ids = s.ids.slice(0, cap)
      const byId: Record<string, CaptureSummary> = {}
      for (const id of ids) byId[id] = s.byId[id]!
      // Live rows kept for a running query's answer keep their records too, as in forgetCleared.
      for (const id of [s.selectedId, s.openedId, ...s.liveDuringQuery]) if (id && s.byId[id]) byId[id] = s.byId[id]!
      set({ memoryCap: cap, ids, byId, hasOlder: true, olderCursor: ids[ids.length - 1] ?? null })
    },

    forgetCleared(endpointId) {
      const s = get()
      // A request still arriving or waiting out its answer is not stored yet: a clear leaves it.
      const cleared = (capture: CaptureSummary | undefined) => capture?.inFlight !== true && (endpointId === null || capture?.endpointId === endpointId)
      const gone = (id: string) => cleared(s.byId[id])
      const ids = s.ids.filter((id) => !gone(id))
      // Held and query-time rows too: resuming, or the answer, would bring the cleared requests back.
      const held = s.held.filter((h) => !cleared(h))
      const liveDuringQuery = s.liveDuringQuery.filter((id) => !gone(id))
      const byId: Record<string, CaptureSummary> = {}
      for (const id of [...ids, ...liveDuringQuery, s.selectedId, s.openedId]) if (id && !gone(id) && s.byId[id]) byId[id] = s.byId[id]!
      // The new requests an endpoint's badge counted are among those cleared.
      const newByEndpoint = endpointId === null ? {} : s.newByEndpoint[endpointId] ? { ...s.newByEndpoint, [endpointId]: 0 } : s.newByEndpoint
      forgetNew(endpointId)
      set({
        newByEndpoint,
        ids,
        byId,
        held,
        heldMatching: countHeld(held, s.filter),
        liveDuringQuery,
        total: Math.max(0, s.total - (s.ids.length - ids.length)),
        selectedId: s.selectedId && gone(s.selectedId) ? null : s.selectedId,
        selectionPlace: null,
        ...(s.openedId && gone(s.openedId) ? { openedId: null, openedRemoved: false } : {}),
      })
    },

    expireRange(now) {
      const s = get()
      if (!s.loaded || s.reloading || s.ids.length === 0) return
      const ms = TIME_RANGES.find((r) => r.id === s.filter.range)?.ms
      if (!ms) return
      const cutoff = now - ms
      // Rows are in order of arrival: the ones that aged out are at the end, and whatever the engine
      // holds below them (not paged to, or trimmed off) is older still. So what remains is every
      // request in the range, and the count is theirs.
      let keep = s.ids.length
      while (keep > 0 && (s.byId[s.ids[keep - 1]!]?.receivedAt ?? now) < cutoff) keep--
      if (keep === s.ids.length) return
      const byId = s.byId // in place, as above
      // Its record stays while it is selected or open, as for a row trimmed off the end.
      for (const id of s.ids.slice(keep)) if (id !== s.selectedId && id !== s.openedId) delete byId[id]
      const ids = s.ids.slice(0, keep)
      set({ ids, byId, total: ids.length, hasOlder: false, olderLimited: false, olderCursor: null })
    },

    markEndpointViewed(endpointId) {
      const s = get()
      forgetNew(endpointId)
      if (!s.newByEndpoint[endpointId]) return
      set({ newByEndpoint: { ...s.newByEndpoint, [endpointId]: 0 } })
    },
  }))
}

/** One traffic batch split into pieces of at most `max` captures and removals. */
export function splitBatch(batch: TrafficBatch, max: number): TrafficBatch[] {
  const pieces: TrafficBatch[] = []
  for (let i = 0; i < batch.removed.length; i += max) pieces.push({ captures: [], removed: batch.removed.slice(i, i + max) })
  for (let i = 0; i < batch.captures.length; i += max) pieces.push({ captures: batch.captures.slice(i, i + max), removed: [] })
  return pieces
}

export const batchWeight = (batch: TrafficBatch): number => batch.captures.length + batch.removed.length
