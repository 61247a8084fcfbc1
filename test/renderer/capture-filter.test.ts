import { describe, expect, it } from 'vitest'
import { emptyFilter, matchesLocally } from '../../renderer/src/state/capture-filter'
import { createTrafficStore } from '../../renderer/src/state/traffic-store'
import { makeSummary } from './helpers/fake-api'

const noResponse = { ...emptyFilter(), statusClass: 0 }

describe('the "No response" filter and a request still waiting for its answer', () => {
  it('leaves out a request still waiting, lists one that never got an answer, and any other class ignores both', () => {
    expect(matchesLocally(noResponse, makeSummary({ status: null, inFlight: true }))).toBe(false)
    expect(matchesLocally(noResponse, makeSummary({ status: null, inFlight: false }))).toBe(true)
    expect(matchesLocally(noResponse, makeSummary({ status: null }))).toBe(true)
    expect(matchesLocally({ ...emptyFilter(), statusClass: 2 }, makeSummary({ status: null, inFlight: true }))).toBe(false)
    expect(matchesLocally({ ...emptyFilter(), statusClass: 2 }, makeSummary({ status: 200, inFlight: false }))).toBe(true)
  })

  it('lists a live request under "No response" only once it ended without an answer, never while it waits or once answered', () => {
    const store = createTrafficStore({ loaded: true })
    store.getState().setFilter({ statusClass: 0 })
    store.getState().replaceFromQuery({ items: [], total: 0, next: null }, store.getState().generation)
    const left = makeSummary({ status: null, inFlight: true })
    const answered = makeSummary({ status: null, inFlight: true })
    store.getState().applyBatches([{ captures: [left, answered], removed: [] }])
    expect(store.getState().ids).toEqual([])
    expect(store.getState().total).toBe(0)
    // Its sender went away while the rule's delay ran; the other one got its 200.
    store.getState().applyBatches([{ captures: [{ ...left, inFlight: false }, { ...answered, status: 200, inFlight: false }], removed: [] }])
    expect(store.getState().ids).toEqual([left.id])
    expect(store.getState().total).toBe(1)
  })
})
