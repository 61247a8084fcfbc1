import { describe, expect, it } from 'vitest'
import { countedRequests, createTrafficStore as createStore, splitBatch, type TrafficState } from '../../renderer/src/state/traffic-store'
import { makeSummary } from './helpers/fake-api'

/** A store whose list already reflects a query, as after the first load. */
const createTrafficStore = (initial: Partial<TrafficState> = {}) => createStore({ loaded: true, ...initial })

const page = (items: ReturnType<typeof makeSummary>[], total = items.length, next: string | null = null) => ({ items: [...items].reverse(), total, next })

describe('traffic store: live batches', () => {
  it('puts new captures on top, newest first, and keeps only the latest state of each', () => {
    const store = createTrafficStore()
    const a = makeSummary({ status: null })
    const b = makeSummary()
    store.getState().applyBatches([{ captures: [a], removed: [] }, { captures: [b, { ...a, status: 201 }], removed: [] }])
    const s = store.getState()
    expect(s.ids).toEqual([b.id, a.id])
    expect(s.byId[a.id]!.status).toBe(201)
    expect(s.total).toBe(2)
  })

  it('updates a known row in place without moving it or the selection', () => {
    const store = createTrafficStore()
    const a = makeSummary({ status: null })
    const b = makeSummary()
    store.getState().applyBatches([{ captures: [a, b], removed: [] }])
    store.getState().select(a.id)
    const idsBefore = store.getState().ids
    store.getState().applyBatches([{ captures: [{ ...a, status: 500 }], removed: [] }])
    expect(store.getState().ids).toBe(idsBefore)
    expect(store.getState().selectedId).toBe(a.id)
    expect(store.getState().byId[a.id]!.status).toBe(500)
  })

  it('never moves the selection when new rows arrive above it', () => {
    const store = createTrafficStore()
    const first = makeSummary()
    store.getState().applyBatches([{ captures: [first], removed: [] }])
    store.getState().open(first.id)
    for (let i = 0; i < 20; i++) store.getState().applyBatches([{ captures: [makeSummary()], removed: [] }])
    expect(store.getState().selectedId).toBe(first.id)
    expect(store.getState().openedId).toBe(first.id)
    expect(store.getState().ids.indexOf(first.id)).toBe(20)
  })

  it('leaves the state object alone when a batch changes nothing', () => {
    const store = createTrafficStore()
    const before = store.getState()
    store.getState().applyBatches([{ captures: [], removed: [] }])
    expect(store.getState()).toBe(before)
  })

  it('removes deleted captures, their selection, and lowers the total; the one open stays open, said to be removed', () => {
    const store = createTrafficStore()
    const a = makeSummary()
    const b = makeSummary()
    const c = makeSummary()
    store.getState().applyBatches([{ captures: [a, b, c], removed: [] }])
    store.getState().select(b.id)
    store.getState().applyBatches([{ captures: [], removed: [b.id] }])
    expect(store.getState().byId[b.id]).toBeUndefined()
    expect(store.getState().selectedId).toBeNull()
    store.getState().open(a.id)
    store.getState().applyBatches([{ captures: [], removed: [a.id] }])
    const s = store.getState()
    expect(s.ids).toEqual([c.id])
    expect(s.selectedId).toBeNull()
    expect(s.openedId).toBe(a.id)
    expect(s.openedRemoved).toBe(true)
    expect(s.byId[a.id]).toEqual(a)
    expect(s.total).toBe(1)
    // Another request opened (here by moving the selection) is one still stored; the removed one's
    // record goes with it.
    store.getState().moveSelection(1)
    expect(store.getState().openedId).toBe(c.id)
    expect(store.getState().openedRemoved).toBe(false)
    expect(store.getState().byId[a.id]).toBeUndefined()
    expect(Object.keys(store.getState().byId)).toEqual([c.id])
  })

  it('takes a row out of "No response" once its request is answered, keeping it open', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ statusClass: 0 })
    store.getState().replaceFromQuery(page([]), store.getState().generation)
    const a = makeSummary({ status: null })
    const b = makeSummary({ status: null })
    store.getState().applyBatches([{ captures: [a, b], removed: [] }])
    store.getState().open(a.id)
    expect(store.getState().total).toBe(2)
    store.getState().applyBatches([{ captures: [{ ...a, status: 200 }, { ...b, status: 200 }], removed: [] }])
    const s = store.getState()
    expect(s.ids).toEqual([])
    expect(s.total).toBe(0)
    expect(s.openedId).toBe(a.id)
    expect(s.byId[a.id]!.status).toBe(200)
  })

  it('keeps counting right when retention removes rows trimmed off a full list after an older page found nothing below', () => {
    // Live traffic past the list's memory cap, with a retention that keeps as many: the rows trimmed
    // off the end are removed by the engine soon after, and the older page asked for meanwhile finds
    // nothing left below the list.
    const store = createTrafficStore({ memoryCap: 3 })
    store.getState().replaceFromQuery(page([]), store.getState().generation)
    const engine: ReturnType<typeof makeSummary>[] = []
    let removedSince: string[] = []
    for (let round = 0; round < 50; round++) {
      const arrived = makeSummary()
      // The removal the last arrival caused reaches the page with the next batch.
      store.getState().applyBatches([{ captures: [arrived], removed: removedSince }])
      engine.push(arrived)
      removedSince = engine.length > 3 ? [engine.shift()!.id] : []
      const s = store.getState()
      if (s.hasOlder) store.getState().appendOlder({ items: [], total: engine.length, next: null }, s.generation)
    }
    store.getState().applyBatches([{ captures: [], removed: removedSince }])
    expect(store.getState().ids).toEqual(engine.map((c) => c.id).reverse())
    expect(store.getState().total).toBe(3)
  })

  it('asks for no older page while the list is full and retention removes what was trimmed off its end', () => {
    const store = createTrafficStore({ memoryCap: 3 })
    const engine = Array.from({ length: 3 }, () => makeSummary())
    store.getState().replaceFromQuery(page(engine), store.getState().generation)
    let asked = 0
    let removedSince: string[] = []
    for (let round = 0; round < 20; round++) {
      const arrived = makeSummary()
      store.getState().applyBatches([{ captures: [arrived], removed: removedSince }])
      engine.push(arrived)
      removedSince = engine.length > 3 ? [engine.shift()!.id] : []
      // The list's end in view asks for an older page whenever the store says one may be loaded.
      const s = store.getState()
      if (s.hasOlder && !s.loadingOlder) {
        asked++
        store.getState().appendOlder({ items: engine.filter((c) => c.id < s.olderCursor!).reverse(), total: engine.length, next: null }, s.generation)
      }
    }
    store.getState().applyBatches([{ captures: [], removed: removedSince }])
    expect(asked).toBe(0)
    const s = store.getState()
    expect(s.ids).toEqual(engine.map((c) => c.id).reverse())
    expect(s.total).toBe(3)
    // Nothing is stored below the list any more: it says no more than that.
    expect(s.olderLimited).toBe(false)
    // Room made above what retention keeps (another removal) pages again, once.
    store.getState().applyBatches([{ captures: [makeSummary()], removed: [] }])
    expect(store.getState().olderLimited).toBe(true)
    store.getState().applyBatches([{ captures: [], removed: [store.getState().ids[0]!] }])
    expect(store.getState().hasOlder).toBe(true)
    expect(store.getState().olderLimited).toBe(false)
  })

  it('lowers the count when retention removes requests older than the listed rows', () => {
    const store = createTrafficStore()
    const listed = [makeSummary(), makeSummary()]
    store.getState().replaceFromQuery(page(listed, 1000, listed[0]!.id), store.getState().generation)
    store.getState().applyBatches([{ captures: [], removed: ['00000000000000000000000001', '00000000000000000000000002'] }])
    expect(store.getState().total).toBe(998)
    expect(store.getState().ids).toEqual([listed[1]!.id, listed[0]!.id])
    // Filtered, whether they were counted is the engine's to say.
    store.getState().setFilter({ method: 'POST' })
    store.getState().replaceFromQuery(page(listed, 900, listed[0]!.id), store.getState().generation)
    store.getState().applyBatches([{ captures: [], removed: ['00000000000000000000000003'] }])
    expect(store.getState().headStale).toBe(true)
    store.getState().mergeHead(page(listed, 899, listed[0]!.id), store.getState().generation)
    expect(store.getState().total).toBe(899)
  })

  it('a change to a request older than the listed rows is no new request: not listed, counted or held', () => {
    const store = createTrafficStore()
    const old = makeSummary({ id: '00000000000000000000000001' })
    const listed = [makeSummary(), makeSummary()]
    store.getState().replaceFromQuery(page(listed, 1000, listed[0]!.id), store.getState().generation)
    store.getState().applyBatches([{ captures: [{ ...old, status: 202 }], removed: [] }])
    expect(store.getState().ids).toEqual([listed[1]!.id, listed[0]!.id])
    expect(store.getState().total).toBe(1000)
    store.getState().setPaused(true)
    store.getState().applyBatches([{ captures: [{ ...old, status: 203 }], removed: [] }])
    expect(store.getState().held).toEqual([])
  })

  it('a change to an old request does not bring it into a list of the last minutes', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ range: '5m' })
    const recent = makeSummary()
    store.getState().replaceFromQuery(page([recent]), store.getState().generation)
    const anHourAgo = makeSummary({ id: '00000000000000000000000001', receivedAt: Date.now() - 60 * 60_000 })
    store.getState().applyBatches([{ captures: [anHourAgo], removed: [] }])
    expect(store.getState().ids).toEqual([recent.id])
    expect(store.getState().total).toBe(1)
  })

  it('lets go of the rows that grew older than the range of a list of the last minutes, and counts the rest', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ range: '5m' })
    const now = Date.now()
    const aged = makeSummary({ receivedAt: now - 6 * 60_000 })
    const selectedAged = makeSummary({ receivedAt: now - 5 * 60_000 - 1 })
    const recent = makeSummary({ receivedAt: now - 4 * 60_000 })
    // The engine held more than the first page when it was asked.
    store.getState().replaceFromQuery(page([aged, selectedAged, recent], 5000, aged.id), store.getState().generation)
    const live = makeSummary({ receivedAt: now })
    store.getState().applyBatches([{ captures: [live], removed: [] }])
    store.getState().select(selectedAged.id)
    store.getState().expireRange(now)
    let s = store.getState()
    expect(s.ids).toEqual([live.id, recent.id])
    expect(s.total).toBe(2)
    expect(s.hasOlder).toBe(false)
    expect(s.byId[aged.id]).toBeUndefined()
    expect(s.byId[selectedAged.id]).toBeDefined()
    // Later, the next one goes too; a list of any time keeps every row.
    store.getState().expireRange(now + 60_001)
    expect(store.getState().ids).toEqual([live.id])
    store.getState().setFilter({ range: 'all' })
    store.getState().replaceFromQuery(page([aged, recent]), store.getState().generation)
    store.getState().expireRange(now + 3_600_000)
    s = store.getState()
    expect(s.ids).toEqual([recent.id, aged.id])
    expect(s.total).toBe(2)
  })

  it('inserts a capture older than the newest at its place', () => {
    const store = createTrafficStore()
    const older = makeSummary()
    const newer = makeSummary()
    store.getState().applyBatches([{ captures: [newer], removed: [] }])
    store.getState().applyBatches([{ captures: [older], removed: [] }])
    expect(store.getState().ids).toEqual([newer.id, older.id])
  })
})

describe('traffic store: bounds', () => {
  it('keeps at most memoryCap rows, dropping the oldest, and marks that older ones exist', () => {
    const store = createTrafficStore({ memoryCap: 100 })
    const all = Array.from({ length: 250 }, () => makeSummary())
    store.getState().applyBatches([{ captures: all, removed: [] }])
    const s = store.getState()
    expect(s.ids).toHaveLength(100)
    expect(Object.keys(s.byId)).toHaveLength(100)
    expect(s.ids[0]).toBe(all[249]!.id)
    // The list is full: an older page would find no room in it.
    expect(s.olderLimited).toBe(true)
    expect(s.hasOlder).toBe(false)
  })

  it('keeps the record of the opened capture even when it falls out of the window', () => {
    const store = createTrafficStore({ memoryCap: 10 })
    const first = makeSummary()
    store.getState().applyBatches([{ captures: [first], removed: [] }])
    store.getState().open(first.id)
    store.getState().applyBatches([{ captures: Array.from({ length: 20 }, () => makeSummary()), removed: [] }])
    const s = store.getState()
    expect(s.ids).not.toContain(first.id)
    expect(s.byId[first.id]).toBeDefined()
    expect(s.openedId).toBe(first.id)
  })

  it('stops paging older captures at the cap and says so', () => {
    const store = createTrafficStore({ memoryCap: 50 })
    const older = Array.from({ length: 30 }, () => makeSummary()).reverse()
    const items = Array.from({ length: 40 }, () => makeSummary())
    store.getState().replaceFromQuery(page(items, 1000, items[0]!.id), 0)
    store.getState().appendOlder({ items: older, total: 1000, next: 'x' }, 0)
    const s = store.getState()
    expect(s.ids).toHaveLength(50)
    expect(s.olderLimited).toBe(true)
    expect(s.hasOlder).toBe(false)
  })

  it('lowering the cap trims the list at once', () => {
    const store = createTrafficStore()
    store.getState().applyBatches([{ captures: Array.from({ length: 30 }, () => makeSummary()), removed: [] }])
    store.getState().setMemoryCap(10)
    expect(store.getState().ids).toHaveLength(10)
    expect(Object.keys(store.getState().byId)).toHaveLength(10)
  })

  it('splits a huge batch into pieces of bounded weight', () => {
    const captures = Array.from({ length: 25 }, () => makeSummary())
    const pieces = splitBatch({ captures, removed: ['a', 'b', 'c'] }, 10)
    expect(pieces.map((p) => p.captures.length + p.removed.length)).toEqual([3, 10, 10, 5])
  })
})

describe('traffic store: pause, filters and paging', () => {
  it('holds new captures while paused, still updates shown ones, and applies the held ones on resume', () => {
    const store = createTrafficStore()
    const shown = makeSummary({ status: null })
    store.getState().applyBatches([{ captures: [shown], removed: [] }])
    store.getState().setPaused(true)
    const held = [makeSummary(), makeSummary()]
    store.getState().applyBatches([{ captures: [...held, { ...shown, status: 204 }], removed: [] }])
    expect(store.getState().ids).toEqual([shown.id])
    expect(store.getState().byId[shown.id]!.status).toBe(204)
    expect(store.getState().held).toHaveLength(2)
    store.getState().setPaused(false)
    expect(store.getState().ids).toEqual([held[1]!.id, held[0]!.id, shown.id])
    expect(store.getState().held).toHaveLength(0)
  })

  it('a search while paused leaves the held requests held until resumed', () => {
    const store = createTrafficStore()
    const shown = makeSummary()
    store.getState().applyBatches([{ captures: [shown], removed: [] }])
    store.getState().setPaused(true)
    const held = [makeSummary(), makeSummary()]
    store.getState().applyBatches([{ captures: held, removed: [] }])
    store.getState().setFilter({ method: 'POST' })
    // The engine has stored the held requests: its answer holds them.
    store.getState().replaceFromQuery(page([shown, ...held]), store.getState().generation)
    expect(store.getState().ids).toEqual([shown.id])
    expect(store.getState().total).toBe(1)
    store.getState().mergeHead(page([shown, ...held]), store.getState().generation)
    expect(store.getState().ids).toEqual([shown.id])
    expect(store.getState().total).toBe(1)
    store.getState().setPaused(false)
    expect(store.getState().ids).toEqual([held[1]!.id, held[0]!.id, shown.id])
    expect(store.getState().total).toBe(3)
  })

  it('while paused under a search, counts the requests waiting that the engine finds', () => {
    const store = createTrafficStore()
    const shown = makeSummary({ target: '/orders/1' })
    store.getState().setFilter({ text: 'orders' })
    store.getState().replaceFromQuery(page([shown]), store.getState().generation)
    store.getState().setPaused(true)
    const found = makeSummary({ target: '/orders/2' })
    const other = makeSummary({ target: '/users/1' })
    store.getState().applyBatches([{ captures: [found, other], removed: [] }])
    // Only the engine can tell: its head is asked for again.
    expect(store.getState().headStale).toBe(true)
    store.getState().mergeHead(page([shown, found]), store.getState().generation)
    expect(countedRequests(store.getState())).toBe(2)
    expect(store.getState().ids).toEqual([shown.id])
    store.getState().applyBatches([{ captures: [], removed: [shown.id] }])
    expect(countedRequests(store.getState())).toBe(1)
  })

  it('judges method, status and endpoint filters locally, and leaves free text to the engine', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ method: 'POST', statusClass: 2 })
    store.getState().replaceFromQuery(page([]), store.getState().generation)
    const match = makeSummary({ method: 'POST', status: 201 })
    store.getState().applyBatches([{ captures: [match, makeSummary({ method: 'GET' }), makeSummary({ status: 500 })], removed: [] }])
    expect(store.getState().ids).toEqual([match.id])
    store.getState().setFilter({ text: 'invoice' })
    store.getState().replaceFromQuery(page([match]), store.getState().generation)
    store.getState().applyBatches([{ captures: [makeSummary({ method: 'POST', status: 200 })], removed: [] }])
    expect(store.getState().ids).toEqual([match.id])
    expect(store.getState().headStale).toBe(true)
  })

  it('ignores a query answer for an older filter', () => {
    const store = createTrafficStore()
    const generation = store.getState().generation
    store.getState().setFilter({ method: 'GET' })
    store.getState().replaceFromQuery(page([makeSummary()]), generation)
    expect(store.getState().ids).toEqual([])
    expect(store.getState().loaded).toBe(false)
  })

  it('while a new filter is being queried, keeps matching live rows apart and joins them to the answer', () => {
    const store = createTrafficStore()
    const old = [makeSummary({ method: 'GET' }), makeSummary({ method: 'POST' })]
    store.getState().applyBatches([{ captures: old, removed: [] }])
    store.getState().setFilter({ method: 'POST' })
    const liveMatch = makeSummary({ method: 'POST' })
    store.getState().applyBatches([{ captures: [liveMatch, makeSummary({ method: 'GET' })], removed: [] }])
    expect(store.getState().ids).toEqual([old[1]!.id, old[0]!.id])
    store.getState().replaceFromQuery(page([old[1]!]), store.getState().generation)
    expect(store.getState().ids).toEqual([liveMatch.id, old[1]!.id])
    expect(store.getState().total).toBe(2)
  })

  it('keeps live rows that arrived during a query with an empty answer', () => {
    const store = createStore()
    const live = makeSummary()
    store.getState().applyBatches([{ captures: [live], removed: [] }])
    expect(store.getState().ids).toEqual([])
    store.getState().replaceFromQuery(page([]), store.getState().generation)
    expect(store.getState().ids).toEqual([live.id])
  })

  it('keeps live rows newer than a query answer on top of it', () => {
    const store = createTrafficStore()
    const stored = [makeSummary(), makeSummary()]
    const live = makeSummary()
    store.getState().applyBatches([{ captures: [live], removed: [] }])
    store.getState().replaceFromQuery(page(stored, 2), store.getState().generation)
    expect(store.getState().ids).toEqual([live.id, stored[1]!.id, stored[0]!.id])
    expect(store.getState().total).toBe(3)
  })

  // A request is stored (and so found by a query) when its body has arrived, but shown when its
  // headers do: a slow upload can be missing from an answer that holds a request received after it.
  it('keeps a live row the query could not see yet because its body was still arriving', () => {
    const store = createStore()
    const slow = makeSummary({ status: null })
    const quick = makeSummary()
    store.getState().applyBatches([{ captures: [slow, quick], removed: [] }])
    store.getState().applyBatches([{ captures: [{ ...slow, status: 200 }], removed: [] }])
    const earlier = makeSummary({ id: '00000000000000000000000001' })
    store.getState().replaceFromQuery(page([earlier, quick], 2), store.getState().generation)
    expect(store.getState().ids).toEqual([quick.id, slow.id, earlier.id])
    expect(store.getState().byId[slow.id]!.status).toBe(200)
    expect(store.getState().total).toBe(3)
  })

  it('keeps a row of the previous list that completed while a new filter was being queried', () => {
    const store = createTrafficStore()
    const slow = makeSummary({ method: 'POST', status: null })
    store.getState().applyBatches([{ captures: [slow], removed: [] }])
    store.getState().setFilter({ method: 'POST' })
    const quick = makeSummary({ method: 'POST' })
    store.getState().applyBatches([{ captures: [quick, { ...slow, status: 200 }], removed: [] }])
    store.getState().replaceFromQuery(page([quick], 1), store.getState().generation)
    expect(store.getState().ids).toEqual([quick.id, slow.id])
    expect(store.getState().total).toBe(2)
  })

  it('leaves a live row older than a partial answer to the older pages', () => {
    const store = createStore()
    const slow = makeSummary()
    const stored = [makeSummary(), makeSummary()]
    store.getState().applyBatches([{ captures: [slow], removed: [] }])
    // The answer is the newest page of many: the slow row falls below it, where an older page will hold it.
    store.getState().replaceFromQuery(page(stored, 5000, stored[0]!.id), store.getState().generation)
    expect(store.getState().ids).toEqual([stored[1]!.id, stored[0]!.id])
    expect(store.getState().total).toBe(5000)
  })

  it('refreshing the head of a searched list adds a match that was stored after newer ones', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ text: 'invoice' })
    const slow = makeSummary()
    const quick = makeSummary()
    store.getState().replaceFromQuery(page([quick], 1), store.getState().generation)
    store.getState().mergeHead(page([slow, quick], 2), store.getState().generation)
    expect(store.getState().ids).toEqual([quick.id, slow.id])
    expect(store.getState().total).toBe(2)
  })

  it('moves on from the place of a selected row that retention removed, not from the top', () => {
    const store = createTrafficStore()
    const rows = Array.from({ length: 10 }, () => makeSummary())
    store.getState().applyBatches([{ captures: rows, removed: [] }])
    // Near the bottom: retention removes it with the older rows below it.
    store.getState().select(rows[2]!.id)
    store.getState().applyBatches([{ captures: [makeSummary()], removed: [rows[0]!.id, rows[1]!.id, rows[2]!.id] }])
    expect(store.getState().selectedId).toBeNull()
    store.getState().moveSelection(1)
    expect(store.getState().selectedId).toBe(rows[3]!.id)
    // In the middle: ↓ goes to the row below its place, ↑ to the row above it.
    store.getState().select(rows[6]!.id)
    store.getState().applyBatches([{ captures: [], removed: [rows[6]!.id] }])
    store.getState().moveSelection(1)
    expect(store.getState().selectedId).toBe(rows[5]!.id)
    store.getState().select(rows[8]!.id)
    store.getState().applyBatches([{ captures: [], removed: [rows[8]!.id] }])
    store.getState().moveSelection(-1)
    expect(store.getState().selectedId).toBe(rows[9]!.id)
    // A selection let go of by the user is no place to move on from.
    store.getState().select(null)
    store.getState().moveSelection(1)
    expect(store.getState().selectedId).toBe(store.getState().ids[0])
  })

  it('moves the selection by id with the keyboard commands and stops at the ends', () => {
    const store = createTrafficStore()
    const rows = [makeSummary(), makeSummary(), makeSummary()]
    store.getState().applyBatches([{ captures: rows, removed: [] }])
    store.getState().moveSelection(1)
    expect(store.getState().selectedId).toBe(rows[2]!.id)
    store.getState().moveSelection(1)
    store.getState().moveSelection(1)
    store.getState().moveSelection(1)
    expect(store.getState().selectedId).toBe(rows[0]!.id)
    store.getState().selectEdge('first')
    expect(store.getState().selectedId).toBe(rows[2]!.id)
    store.getState().moveSelection(-1)
    expect(store.getState().selectedId).toBe(rows[2]!.id)
  })

  it('counts new requests per endpoint while another endpoint is viewed, and resets on viewing it', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ endpointId: 'ep_a' })
    store.getState().applyBatches([{ captures: [makeSummary({ endpointId: 'ep_b' }), makeSummary({ endpointId: 'ep_b' }), makeSummary({ endpointId: 'ep_a' })], removed: [] }])
    expect(store.getState().newByEndpoint).toEqual({ ep_b: 2 })
    store.getState().setFilter({ endpointId: 'ep_b' })
    expect(store.getState().newByEndpoint.ep_b).toBe(0)
  })

  it('counts no new requests on an endpoint once they were cleared: its own, or everything', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ endpointId: 'ep_a' })
    store.getState().applyBatches([{ captures: [makeSummary({ endpointId: 'ep_b' }), makeSummary({ endpointId: 'ep_c' })], removed: [] }])
    expect(store.getState().newByEndpoint).toEqual({ ep_b: 1, ep_c: 1 })
    store.getState().forgetCleared('ep_b')
    expect(store.getState().newByEndpoint).toEqual({ ep_b: 0, ep_c: 1 })
    store.getState().forgetCleared(null)
    expect(store.getState().newByEndpoint).toEqual({})
  })

  it('counts a request once when it arrives again on completion, in a later batch', () => {
    const store = createTrafficStore()
    store.getState().setFilter({ endpointId: 'ep_a' })
    const received = makeSummary({ endpointId: 'ep_b', status: null })
    store.getState().applyBatches([{ captures: [received], removed: [] }])
    store.getState().applyBatches([{ captures: [{ ...received, status: 200 }], removed: [] }])
    expect(store.getState().newByEndpoint).toEqual({ ep_b: 1 })
  })

  it('forgets what the engine cleared: everything, or one endpoint’s captures', () => {
    const store = createTrafficStore()
    const a = makeSummary({ endpointId: 'ep_a' })
    const b = makeSummary({ endpointId: 'ep_b' })
    store.getState().applyBatches([{ captures: [a, b], removed: [] }])
    store.getState().open(a.id)
    store.getState().forgetCleared('ep_a')
    expect(store.getState().ids).toEqual([b.id])
    expect(store.getState().openedId).toBeNull()
    store.getState().forgetCleared(null)
    expect(store.getState().ids).toEqual([])
    expect(store.getState().total).toBe(0)
  })

  it('keeps a request still arriving through a clear and the list read again after it, held while paused too', () => {
    const store = createTrafficStore()
    const stored = makeSummary({ inFlight: false })
    const arriving = makeSummary({ status: null, inFlight: true })
    store.getState().applyBatches([{ captures: [stored, arriving], removed: [] }])
    store.getState().setPaused(true)
    const held = makeSummary({ status: null, inFlight: true })
    store.getState().applyBatches([{ captures: [held], removed: [] }])
    store.getState().forgetCleared(null)
    expect(store.getState().ids).toEqual([arriving.id])
    expect(store.getState().held.map((h) => h.id)).toEqual([held.id])
    store.getState().beginReload(true)
    store.getState().replaceFromQuery(page([]), store.getState().generation)
    expect(store.getState().ids).toEqual([arriving.id])
    expect(store.getState().total).toBe(1)
    store.getState().setPaused(false)
    expect(store.getState().ids).toEqual([held.id, arriving.id])
  })

  it('lets go of a request still arriving when the list is read again after a reconnect, which may have missed its end', () => {
    const store = createTrafficStore()
    const stored = makeSummary({ inFlight: false })
    const arriving = makeSummary({ status: null, inFlight: true })
    store.getState().applyBatches([{ captures: [stored, arriving], removed: [] }])
    store.getState().beginReload()
    store.getState().replaceFromQuery(page([stored]), store.getState().generation)
    expect(store.getState().ids).toEqual([stored.id])
  })

  it('forgets cleared requests held while paused, or waiting for a query’s answer', () => {
    const store = createTrafficStore()
    store.getState().setPaused(true)
    const a = makeSummary({ endpointId: 'ep_a' })
    const b = makeSummary({ endpointId: 'ep_b' })
    store.getState().applyBatches([{ captures: [a, b], removed: [] }])
    store.getState().forgetCleared('ep_a')
    store.getState().setPaused(false)
    expect(store.getState().ids).toEqual([b.id])
    expect(store.getState().total).toBe(1)

    store.getState().setFilter({ method: 'POST' })
    store.getState().applyBatches([{ captures: [makeSummary()], removed: [] }])
    store.getState().forgetCleared(null)
    store.getState().replaceFromQuery(page([]), store.getState().generation)
    expect(store.getState().ids).toEqual([])
    expect(store.getState().total).toBe(0)
  })
})
