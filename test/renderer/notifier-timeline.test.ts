import { afterEach, describe, expect, it, vi } from 'vitest'
import { DesktopNotifier } from '../../renderer/src/state/desktop-notifier'
import { TimelineCounter } from '../../renderer/src/state/timeline-counter'
import { makeSummary } from './helpers/fake-api'

describe('desktop notifications', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  function setup(inFront = false) {
    vi.useFakeTimers()
    vi.stubGlobal('Notification', { permission: 'granted' })
    const shown: Array<[string, string]> = []
    let clock = 1_000_000
    const notifier = new DesktopNotifier({
      endpointName: () => 'Stripe',
      now: () => clock,
      isInFront: () => inFront,
      show: (title, body) => shown.push([title, body]),
      minIntervalMs: 4000,
    })
    return { notifier, shown, advance: (ms: number) => ((clock += ms), vi.advanceTimersByTime(ms)) }
  }

  it('stays silent until turned on, and ignores requests from before', () => {
    const { notifier, shown, advance } = setup()
    notifier.observe([makeSummary({ receivedAt: 999_000 })])
    notifier.setEnabled(true)
    notifier.observe([makeSummary({ receivedAt: 999_500 })])
    advance(10)
    expect(shown).toEqual([])
    notifier.observe([makeSummary({ receivedAt: 1_000_001, method: 'POST', target: '/hooks/stripe' })])
    advance(10)
    expect(shown).toEqual([['New request on Stripe', 'POST /hooks/stripe']])
  })

  it('shows each request once, sums up bursts, and waits between notifications', () => {
    const { notifier, shown, advance } = setup()
    notifier.setEnabled(true)
    const first = makeSummary({ receivedAt: 1_000_001, target: '/a' })
    notifier.observe([first])
    advance(1)
    notifier.observe([{ ...first, status: 500 }, makeSummary({ receivedAt: 1_000_002, target: '/b' }), makeSummary({ receivedAt: 1_000_003, target: '/c' })])
    advance(1000)
    expect(shown).toHaveLength(1)
    advance(3000)
    expect(shown).toEqual([
      ['New request on Stripe', 'POST /a'],
      ['2 new requests', 'POST /b and 1 more'],
    ])
  })

  it('does not notify while the window is in front', () => {
    const { notifier, shown, advance } = setup(true)
    notifier.setEnabled(true)
    notifier.observe([makeSummary({ receivedAt: 2_000_000 })])
    advance(5000)
    expect(shown).toEqual([])
  })
})

describe('timeline counter', () => {
  it('counts requests per second by status class and moves a request when its response arrives', () => {
    const counter = new TimelineCounter(60)
    const now = 1_700_000_030_000
    const pending = makeSummary({ receivedAt: now - 1500, status: null })
    counter.observe([pending, makeSummary({ receivedAt: now - 1400, status: 201 }), makeSummary({ receivedAt: now - 200, status: 503 })], now)
    let snapshot = counter.snapshot(now)
    expect(snapshot.buckets).toHaveLength(60)
    expect(snapshot.buckets.at(-3)).toEqual([1, 0, 1, 0, 0, 0])
    expect(snapshot.buckets.at(-2)).toEqual([0, 0, 0, 0, 0, 1])
    expect(snapshot.buckets.at(-1)).toEqual([0, 0, 0, 0, 0, 0])
    counter.observe([{ ...pending, status: 404 }], now)
    snapshot = counter.snapshot(now)
    expect(snapshot.buckets.at(-3)).toEqual([0, 0, 1, 0, 1, 0])
    expect(snapshot.peak).toBe(2)
  })

  it('forgets cleared requests (all, or one endpoint\'s) and what fell out of the window', () => {
    const counter = new TimelineCounter(60)
    const now = 1_700_000_030_000
    const old = makeSummary({ receivedAt: now - 58_500 })
    const recent = makeSummary({ receivedAt: now - 100 })
    const elsewhere = makeSummary({ receivedAt: now - 100, endpointId: 'ep_2' })
    counter.observe([old, recent, elsewhere], now)
    expect(counter.snapshot(now).peak).toBe(2)
    counter.forgetCleared('ep_2')
    expect(counter.snapshot(now).peak).toBe(1)
    counter.prune(now + 2000)
    expect(counter.snapshot(now + 2000).peak).toBe(1)
    counter.forgetCleared(null)
    expect(counter.snapshot(now + 2000).peak).toBe(0)
  })
})
