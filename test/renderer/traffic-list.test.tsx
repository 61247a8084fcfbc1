import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { TrafficList } from '../../renderer/src/components/traffic-list'
import { defaultForwardConfig, type CaptureSummary } from '../../shared/model'
import { addCapture, makeEndpoint, makeSummary } from './helpers/fake-api'
import { createHarness, renderTraffic, renderWith, settle, type Harness } from './helpers/render-app'

// The list's rows are kept outside React (list-window.ts): these tests check what they show, that a
// live frame touches only the rows that arrived or changed, and the list's behaviour around them.
async function listOf(count: number, harness: Harness = createHarness()) {
  for (let i = 0; i < count; i++) addCapture(harness.engine, { target: `/stored/${i}` })
  harness.stores.sync.start()
  await settle()
  renderWith(harness, <TrafficList />)
  await settle()
  return harness
}

const paths = () => screen.getAllByTestId('row-path').map((cell) => cell.textContent)
const rowOf = (id: string) => document.querySelector<HTMLElement>(`[data-testid="traffic-row"][data-capture-id="${id}"]`)
const scroller = () => screen.getByTestId('traffic-scroll')

function live(harness: Harness, captures: CaptureSummary[]) {
  act(() => harness.engine.emit('traffic.batch', { captures, removed: [] }))
  act(() => harness.frames.frame())
}

describe('the live list', () => {
  it('mounts the rows in view and a few more, newest first, with each cell as a component drew it', async () => {
    const harness = await listOf(100)
    // 600 px of viewport (setup-dom) is 20 rows, and 12 more below.
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(32)
    expect(paths().slice(0, 3)).toEqual(['/stored/99', '/stored/98', '/stored/97'])
    const id = harness.stores.traffic.getState().ids[0]!
    const row = rowOf(id)!
    expect(row.getAttribute('role')).toBe('row')
    expect(row.getAttribute('aria-selected')).toBe('false')
    expect(row.className).toBe('traffic-row')
    expect(Array.from(row.children, (cell) => cell.className).slice(0, 6)).toEqual(['cell time', 'cell method method-post', 'cell path', 'cell status status-2xx', 'cell size', 'cell duration'])
    expect(row.children[6]!.textContent).toBe('Default')
    expect(row.querySelector('[data-testid="row-status"]')!.textContent).toBe('200')
    expect(screen.getByTestId('traffic-list').style.height).toBe(`${100 * 30}px`)
    // The header row counts among the grid's rows.
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('101')
  })

  it('is a grid of column headers and cells whose rows say their place in the whole list, kept as rows arrive above', async () => {
    const harness = await listOf(100)
    const grid = screen.getByRole('grid', { name: 'Captured requests' })
    const headers = screen.getAllByRole('columnheader')
    expect(headers.map((header) => header.textContent || header.getAttribute('aria-label'))).toEqual(['Time', 'Method', 'Path', 'Status', 'Size', 'Duration', 'Endpoint', 'Notes'])
    const ids = harness.stores.traffic.getState().ids
    const first = rowOf(ids[0]!)!
    expect(Array.from(first.children, (cell) => cell.getAttribute('role'))).toEqual(Array(8).fill('gridcell'))
    expect(screen.getAllByRole('gridcell').length).toBe(32 * 8)
    expect(first.getAttribute('aria-rowindex')).toBe('2')
    expect(rowOf(ids[5]!)!.getAttribute('aria-rowindex')).toBe('7')
    // Scrolled to the end: the last rows are the list's last, not the first ones in the page.
    act(() => {
      scroller().scrollTop = 100 * 30
      fireEvent.scroll(scroller())
    })
    expect(rowOf(ids[99]!)!.getAttribute('aria-rowindex')).toBe('101')
    act(() => {
      scroller().scrollTop = 0
      fireEvent.scroll(scroller())
    })
    live(harness, [makeSummary({ target: '/arrived/1' }), makeSummary({ target: '/arrived/2' })])
    expect(grid.getAttribute('aria-rowcount')).toBe('103')
    expect(rowOf(ids[0]!)!.getAttribute('aria-rowindex')).toBe('4')
    expect(screen.getAllByTestId('traffic-row')[0]!.getAttribute('aria-rowindex')).toBe('2')
  })

  it('gives a row its badges in the order a short row keeps them, with their short forms, and a title naming them all', async () => {
    const harness = await listOf(1)
    const arriving = makeSummary({
      target: '/badged',
      flags: ['incomplete'],
      forward: { state: 'retrying', targetId: 't', status: null, attempts: 3, error: 'connection refused', nextAttemptAt: null },
      signature: { kind: 'missing-header', scheme: 'stripe', header: 'Stripe-Signature' },
    })
    live(harness, [arriving])
    const cell = rowOf(arriving.id)!.querySelector('.cell.flags')!
    const badges = Array.from(cell.children, (badge) => [badge.getAttribute('data-testid'), badge.textContent, badge.getAttribute('data-short')])
    expect(badges).toEqual([
      ['badge-forward', '→ retrying (3)', '→ retrying'],
      ['badge-signature', 'sig missing', 'no sig'],
      ['badge-incomplete', 'incomplete', null],
    ])
    expect(cell.className).toBe('cell flags clip')
    expect(cell.getAttribute('title')).toBe('→ retrying (3) · sig missing · incomplete')
    // The badges and the title follow the capture as it changes.
    live(harness, [{ ...arriving, flags: [], forward: { ...arriving.forward!, state: 'delivered', status: 200, attempts: 4 }, signature: null }])
    expect(Array.from(cell.children, (badge) => badge.textContent)).toEqual(['→ 200'])
    expect(cell.getAttribute('title')).toBe('→ 200')
    live(harness, [{ ...arriving, flags: [], forward: null, signature: null }])
    expect(cell.children).toHaveLength(0)
    expect(cell.className).toBe('cell flags')
    expect(cell.hasAttribute('title')).toBe(false)
  })

  it('says a delivery held by a paused target, or by an endpoint that no longer queues, is held, as its detail does, and follows the target', async () => {
    const harness = await listOf(1)
    const endpoint = harness.stores.app.getState().endpointsById['ep_1']!
    const forward = { ...defaultForwardConfig(), mode: 'async' as const, targets: [{ id: 't', url: 'http://localhost:3000', paused: true }], defaultTargetId: 't' }
    act(() => harness.stores.app.getState().setEndpoint({ ...endpoint, forward }))
    const waiting = makeSummary({ target: '/held', forward: { state: 'retrying', targetId: 't', status: 503, attempts: 2, error: 'the target answered 503', nextAttemptAt: null } })
    live(harness, [waiting])
    const badge = () => rowOf(waiting.id)!.querySelector('[data-testid="badge-forward"]')!
    expect(badge().textContent).toBe('→ held')
    expect(badge().getAttribute('title')).toBe('Held: its target is paused; nothing is sent to it until you resume it, 2 attempts.')
    act(() => harness.stores.app.getState().setEndpoint({ ...endpoint, forward: { ...forward, mode: 'off', targets: [{ ...forward.targets[0]!, paused: false }] } }))
    expect(badge().textContent).toBe('→ held')
    expect(badge().getAttribute('title')).toMatch(/^Held: its endpoint no longer forwards; it waits until the endpoint forwards in async mode again/)
    // Resumed, it is retrying again, as the engine says.
    act(() => harness.stores.app.getState().setEndpoint({ ...endpoint, forward: { ...forward, targets: [{ ...forward.targets[0]!, paused: false }] } }))
    expect(badge().textContent).toBe('→ retrying (2)')
  })

  it('adds what arrives on top without touching the rows already there, and updates a changed row in place', async () => {
    const harness = await listOf(5)
    const kept = screen.getAllByTestId('traffic-row')
    const arriving = makeSummary({ target: '/live/1', status: null, durationMs: null, inFlight: true })
    live(harness, [arriving])
    const rows = screen.getAllByTestId('traffic-row')
    expect(rows.slice(1)).toEqual(kept)
    expect(paths()[0]).toBe('/live/1')
    const row = rowOf(arriving.id)!
    const status = row.querySelector('[data-testid="row-status"]')!
    expect(status.textContent).toBe('…')
    expect(status.className).toBe('cell status status-none')
    const path = row.querySelector('[data-testid="row-path"]')!.firstChild
    live(harness, [{ ...arriving, status: 404, durationMs: 12, inFlight: false }])
    expect(rowOf(arriving.id)).toBe(row)
    expect(status.textContent).toBe('404')
    expect(status.className).toBe('cell status status-4xx')
    expect(row.querySelector('[data-testid="row-path"]')!.firstChild).toBe(path)
    expect(screen.getAllByTestId('traffic-row').slice(1)).toEqual(kept)
  })

  it('tells a request still waiting for its answer from one never answered, whose sender gave up', async () => {
    const harness = await listOf(1)
    const waiting = makeSummary({ target: '/slow', status: null, durationMs: null, inFlight: true })
    live(harness, [waiting])
    const status = rowOf(waiting.id)!.querySelector('[data-testid="row-status"]')!
    expect(status.textContent).toBe('…')
    expect(status.getAttribute('title')).toMatch(/^In progress/)
    // A forwarding or verdict update in between says nothing of it: still in progress.
    live(harness, [{ ...waiting, inFlight: undefined, signature: { kind: 'missing-header', scheme: 'stripe', header: 'Stripe-Signature' } }])
    expect(status.textContent).toBe('…')
    expect(harness.stores.traffic.getState().byId[waiting.id]!.inFlight).toBe(true)
    // Stored without an answer: the sender went away while the endpoint took its time.
    live(harness, [{ ...waiting, inFlight: false }])
    expect(status.textContent).toBe('—')
    expect(status.getAttribute('title')).toMatch(/^No response was sent/)
    // Read back from the engine (a reload), a stored capture without a status was never answered.
    expect(rowOf(harness.stores.traffic.getState().ids[1]!)!.querySelector('[data-testid="row-status"]')!.textContent).toBe('200')
  })

  it('gives the path cell the whole path as its title, set again only when the path changes', async () => {
    const harness = await listOf(0)
    const long = `/long/${'x'.repeat(1000)}`
    const arriving = makeSummary({ target: long, status: null })
    live(harness, [arriving])
    const cell = rowOf(arriving.id)!.querySelector('[data-testid="row-path"]')!
    expect(cell.getAttribute('title')).toBe(long)
    cell.setAttribute('title', 'as drawn')
    live(harness, [{ ...arriving, status: 200 }])
    expect(cell.getAttribute('title')).toBe('as drawn')
    live(harness, [{ ...arriving, status: 200, target: '/other' }])
    expect(cell.getAttribute('title')).toBe('/other')
  })

  it('gives the time cell the day too, as its title: a request from before midnight reads apart from one after it', async () => {
    const harness = await listOf(0)
    const before = makeSummary({ receivedAt: new Date(2026, 11, 6, 23, 59, 59, 500).getTime() })
    const after = makeSummary({ receivedAt: new Date(2026, 11, 7, 0, 0, 1, 20).getTime() })
    live(harness, [before, after])
    const time = (id: string) => rowOf(id)!.querySelector('.cell.time')!
    expect(time(before.id).textContent).toBe('23:59:59.500')
    expect(time(before.id).getAttribute('title')).toBe('Received 2026-12-06 23:59:59.500')
    expect(time(after.id).getAttribute('title')).toBe('Received 2026-12-07 00:00:01.020')
  })

  it('gives an endpoint name its column cuts short the whole name as its title', async () => {
    const harness = createHarness()
    const name = 'Payments provider sandbox for the staging environment'
    const long = makeEndpoint('ep_2', name, 4568)
    harness.engine.endpoints.push(long.endpoint)
    harness.engine.statuses.push(long.status)
    await listOf(0, harness)
    const capture = makeSummary({ endpointId: 'ep_2' })
    live(harness, [capture])
    const cell = rowOf(capture.id)!.querySelector('.cell.endpoint')!
    expect(cell.textContent).toBe(name)
    expect(cell.classList.contains('clip')).toBe(true)
    expect(cell.getAttribute('title')).toBe(name)
  })

  it('shows captured text as text, with invisible characters and bad bytes as badges', async () => {
    const harness = await listOf(0)
    // Targets and methods are byte strings: U+202E arrives as its three UTF-8 bytes.
    live(harness, [makeSummary({ target: '/a\xe2\x80\xaeb/<img src=x onerror=alert(1)>', method: 'P\xffST' })])
    const row = screen.getByTestId('traffic-row')
    expect(row.querySelector('img')).toBeNull()
    expect(row.querySelector('[data-testid="row-path"]')!.textContent).toBe('/a<U+202E>b/<img src=x onerror=alert(1)>')
    expect(row.querySelector('[data-testid="row-path"]')!.getAttribute('title')).toBe('/a<U+202E>b/<img src=x onerror=alert(1)>')
    expect(row.querySelector('[data-testid="invisible-char"]')!.getAttribute('title')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE')
    expect(row.querySelector('[data-testid="byte-escape"]')!.textContent).toBe('\\xFF')
    expect(row.querySelector('[data-testid="row-method"]')!.className).toBe('cell method method-p\xffst clip')
  })

  it('opens a row that is clicked, and marks the selected and opened rows', async () => {
    const harness = await listOf(3)
    const [first, second] = harness.stores.traffic.getState().ids
    act(() => void fireEvent.click(rowOf(second!)!.querySelector('[data-testid="row-path"]')!))
    expect(harness.stores.traffic.getState().openedId).toBe(second)
    expect(rowOf(second!)!.className).toBe('traffic-row selected opened')
    expect(rowOf(second!)!.getAttribute('aria-selected')).toBe('true')
    act(() => harness.stores.traffic.getState().select(first!))
    expect(rowOf(second!)!.className).toBe('traffic-row')
    expect(rowOf(first!)!.className).toBe('traffic-row selected opened')
  })

  it('keeps the rows a user scrolled to in place while new ones arrive above them', async () => {
    const harness = await listOf(100)
    act(() => {
      scroller().scrollTop = 600
      fireEvent.scroll(scroller())
    })
    const anchor = harness.stores.traffic.getState().ids[20]!
    live(harness, [makeSummary({ target: '/live/1' }), makeSummary({ target: '/live/2' })])
    expect(scroller().scrollTop).toBe(660)
    expect(harness.stores.traffic.getState().ids[22]).toBe(anchor)
    // The window of rows moved with it: the row at the top of the view is still mounted.
    expect(rowOf(anchor)).not.toBeNull()
  })

  it('says what found nothing, and clears the search and the filters in one click', async () => {
    const harness = await listOf(3)
    act(() => harness.stores.traffic.getState().setFilter({ text: 'no-such-thing', method: 'PUT' }))
    await settle()
    const note = screen.getByTestId('no-matches')
    expect(note.textContent).toContain('“no-such-thing”')
    expect(note.textContent).toContain('PUT')
    expect(note.textContent).toContain('Search reads the first 64 KB of each body, decompressed and with form values decoded.')
    await act(async () => {
      fireEvent.click(screen.getByTestId('no-matches-clear'))
    })
    await settle()
    expect(harness.stores.traffic.getState().filter).toEqual({ text: '', method: null, statusClass: null, endpointId: null, range: 'all' })
    expect(paths()).toEqual(['/stored/2', '/stored/1', '/stored/0'])
  })

  it('says requests wait to be shown while paused, not that it waits for the first one, once retention removed every listed row', async () => {
    const harness = await listOf(2)
    const listed = harness.stores.traffic.getState().ids
    act(() => harness.stores.traffic.getState().setPaused(true))
    const arrived = [makeSummary({ target: '/while-paused/1' }), makeSummary({ target: '/while-paused/2' })]
    act(() => harness.engine.emit('traffic.batch', { captures: arrived, removed: [...listed] }))
    act(() => harness.frames.frame())
    expect(screen.queryByTestId('empty-state')).toBeNull()
    expect(screen.getByTestId('paused-empty').textContent).toContain('Live updates are paused: the requests that arrived meanwhile are shown when you resume.')
    fireEvent.click(screen.getByTestId('paused-resume'))
    expect(paths()).toEqual(['/while-paused/2', '/while-paused/1'])
  })

  it('waits for the first request of an endpoint shown on its own, at its URL, rather than saying nothing matches', async () => {
    const harness = createHarness()
    const github = makeEndpoint('ep_2', 'GitHub', 4568)
    harness.engine.endpoints.push(github.endpoint)
    harness.engine.statuses.push(github.status)
    await listOf(3, harness)
    act(() => harness.stores.traffic.getState().setFilter({ endpointId: 'ep_2' }))
    await settle()
    expect(screen.queryByTestId('no-matches')).toBeNull()
    expect(screen.getByTestId('empty-state').textContent).toContain('Waiting for the first request on “GitHub”')
    expect(screen.getByTestId('empty-url').textContent).toBe('http://127.0.0.1:4568')
    expect(screen.getByTestId('empty-curl').textContent).toContain(`'http://127.0.0.1:4568/webhooks'`)
    // Stopped, it says which endpoint to start.
    act(() => harness.stores.app.getState().setStatus({ ...github.status, state: 'stopped', url: null }))
    expect(screen.getByTestId('empty-state').textContent).toContain('“GitHub” is not listening: start it in the sidebar')
    // Any other filter on top of it still says what found nothing.
    act(() => harness.stores.traffic.getState().setFilter({ method: 'PUT' }))
    await settle()
    expect(screen.getByTestId('no-matches').textContent).toContain('endpoint GitHub')
    act(() => harness.stores.traffic.getState().setFilter({ method: null }))
    await settle()
    await act(async () => {
      fireEvent.click(screen.getByTestId('empty-show-all'))
    })
    await settle()
    expect(harness.stores.traffic.getState().filter.endpointId).toBeNull()
    expect(paths()).toEqual(['/stored/2', '/stored/1', '/stored/0'])
  })

  it('shows the rows that remain at once when the list shrinks below where it was scrolled', async () => {
    const harness = await listOf(100)
    act(() => {
      scroller().scrollTop = 50 * 30
      fireEvent.scroll(scroller())
    })
    // The browser moves the offset back within the shorter list only at its next layout, and says so
    // a frame later: the rows are drawn for where the list will be, not for an offset past its end.
    act(() => harness.stores.traffic.getState().setFilter({ text: '/stored/9' }))
    await settle()
    expect(harness.stores.traffic.getState().ids).toHaveLength(11)
    expect(paths()).toEqual(['/stored/99', '/stored/98', '/stored/97', '/stored/96', '/stored/95', '/stored/94', '/stored/93', '/stored/92', '/stored/91', '/stored/90', '/stored/9'])
    expect(screen.getByTestId('traffic-list').style.height).toBe(`${11 * 30}px`)
  })

  it('lists a request that arrived while a search ran, though the memory limit was lowered before the answer', async () => {
    const harness = await listOf(5)
    const stored = harness.engine.summaries
    let answer!: () => void
    const answered = new Promise<void>((resolve) => (answer = resolve))
    harness.engine.override('captures.query', async () => {
      await answered
      return { items: stored.slice(-3).reverse(), total: 5, next: stored[2]!.id }
    })
    act(() => harness.stores.traffic.getState().setFilter({ method: 'POST' }))
    live(harness, [makeSummary({ target: '/live/1' })])
    act(() => harness.stores.traffic.getState().setMemoryCap(3))
    answer()
    await settle()
    const s = harness.stores.traffic.getState()
    expect(s.ids.every((id) => s.byId[id] !== undefined)).toBe(true)
    expect(paths()).toEqual(['/live/1', '/stored/4', '/stored/3', '/stored/2'])
  })

  it('holds every match of a search made while an older page of the list before it was loading', async () => {
    const harness = createHarness()
    for (let i = 0; i < 3000; i++) addCapture(harness.engine, { target: `/${i % 2 ? 'odd' : 'even'}/${i}` })
    const traffic = harness.stores.traffic
    await listOf(0, harness)
    act(() => {
      scroller().scrollTop = 480 * 30
      fireEvent.scroll(scroller())
    })
    await settle()
    expect(traffic.getState().ids).toHaveLength(1500)
    // From here the engine answers each query when told to, as the fixture would have.
    const waiting: Array<() => void> = []
    harness.engine.override('captures.query', async (input) => {
      const query = input as { limit: number; before?: string; text?: string }
      await new Promise<void>((resolve) => waiting.push(resolve))
      const matching = [...harness.engine.summaries].sort((a, b) => (a.id < b.id ? 1 : -1)).filter((c) => !query.text || c.target.includes(query.text))
      const older = query.before ? matching.filter((c) => c.id < query.before!) : matching
      const items = older.slice(0, query.limit)
      return { items, total: matching.length, next: older.length > query.limit ? items[items.length - 1]!.id : null }
    })
    act(() => {
      scroller().scrollTop = 1480 * 30
      fireEvent.scroll(scroller())
    })
    await settle()
    expect(waiting).toHaveLength(1)
    act(() => traffic.getState().setFilter({ text: 'odd' }))
    await settle()
    expect(waiting).toHaveLength(2)
    // The older page of the unfiltered list comes back first, then the search's first page, then
    // whatever the list asks for next.
    for (let answered = 0; answered < waiting.length; answered++) {
      waiting[answered]!()
      await settle()
    }
    const ids = traffic.getState().ids
    expect(ids).toHaveLength(1500)
    expect(new Set(ids.map((id) => traffic.getState().byId[id]!.target))).toEqual(new Set(Array.from({ length: 1500 }, (_, n) => `/odd/${2 * n + 1}`)))
  })

  it('fills a viewport that grows while the list is scrolled to its end', async () => {
    // jsdom has no ResizeObserver: this one hands its callback to the test.
    const observed: Array<() => void> = []
    const original = globalThis.ResizeObserver
    globalThis.ResizeObserver = class {
      constructor(callback: () => void) {
        observed.push(callback)
      }
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver
    try {
      const harness = await listOf(100)
      act(() => {
        scroller().scrollTop = 100 * 30 - 600
        fireEvent.scroll(scroller())
      })
      // Twice as tall: the browser moves the offset back to the new end before it tells the observer.
      Object.defineProperty(scroller(), 'clientHeight', { configurable: true, value: 1200 })
      scroller().scrollTop = 100 * 30 - 1200
      act(() => observed.forEach((callback) => callback()))
      const ids = harness.stores.traffic.getState().ids
      for (let index = 60; index < 100; index++) expect(rowOf(ids[index]!)).not.toBeNull()
    } finally {
      globalThis.ResizeObserver = original
    }
  })

  it('brings the selected row into view', async () => {
    const harness = await listOf(100)
    const ids = harness.stores.traffic.getState().ids
    act(() => harness.stores.traffic.getState().select(ids[40]!))
    expect(scroller().scrollTop).toBe(41 * 30 - 600)
    expect(rowOf(ids[40]!)!.getAttribute('aria-selected')).toBe('true')
    act(() => harness.stores.traffic.getState().select(ids[2]!))
    expect(scroller().scrollTop).toBe(2 * 30)
  })

  it('names the selected row as the grid\'s active row while it is mounted, for assistive technology', async () => {
    const harness = await listOf(100)
    const grid = screen.getByRole('grid')
    const ids = harness.stores.traffic.getState().ids
    expect(grid.hasAttribute('aria-activedescendant')).toBe(false)
    act(() => harness.stores.traffic.getState().select(ids[3]!))
    const active = document.getElementById(grid.getAttribute('aria-activedescendant')!)
    expect(active).toBe(rowOf(ids[3]!))
    expect(active!.getAttribute('aria-selected')).toBe('true')
    // Scrolled far from it, the row is no longer in the page: the grid names none rather than a missing one.
    act(() => {
      scroller().scrollTop = 80 * 30
      fireEvent.scroll(scroller())
    })
    expect(rowOf(ids[3]!)).toBeNull()
    expect(grid.hasAttribute('aria-activedescendant')).toBe(false)
    act(() => harness.stores.traffic.getState().select(ids[90]!))
    expect(document.getElementById(grid.getAttribute('aria-activedescendant')!)).toBe(rowOf(ids[90]!))
  })

  it('stands placeholders for stored requests not loaded yet, and loads the older page as they come near', async () => {
    const harness = await listOf(1200)
    const traffic = harness.stores.traffic
    expect(traffic.getState().ids).toHaveLength(500)
    expect(screen.getByTestId('traffic-list').style.height).toBe(`${1201 * 30}px`)
    expect(screen.getByTestId('list-footer').style.transform).toBe(`translateY(${1200 * 30}px)`)
    const queries = () => harness.engine.calls.filter((c) => c.method === 'captures.query').length
    const before = queries()
    act(() => {
      scroller().scrollTop = 495 * 30
      fireEvent.scroll(scroller())
    })
    expect(screen.getAllByTestId('pending-row').length).toBeGreaterThan(0)
    await settle()
    expect(queries()).toBe(before + 1)
    expect(traffic.getState().ids).toHaveLength(1200)
    expect(screen.queryAllByTestId('pending-row')).toHaveLength(0)
    expect(paths()).toContain('/stored/700')
  })
})

describe('the list paused while requests arrive', () => {
  /** How many times the page states a count of waiting requests ("9 new", "9 waiting", "9 new requests"). */
  const waitingCounts = (n: number) => (document.body.textContent ?? '').match(new RegExp(`\\b${n} (new|waiting)`, 'g'))?.length ?? 0

  it('says how many requests wait to be shown once, on the button that shows them, with the list and without it', async () => {
    const harness = createHarness()
    for (let i = 0; i < 3; i++) addCapture(harness.engine, { target: `/stored/${i}` })
    await renderTraffic(harness)
    const toggle = screen.getByTestId('pause-toggle')
    expect(toggle.textContent).toBe('Pause')
    fireEvent.click(toggle)
    expect(toggle.textContent).toBe('Resume')
    live(harness, Array.from({ length: 9 }, (_, n) => makeSummary({ target: `/while-paused/${n}` })))
    expect(toggle.textContent).toBe('Resume (9 new)')
    expect(waitingCounts(9)).toBe(1)
    // Its name is what it does, as a screen reader says it: not a toggle whose label changes with its state.
    expect(toggle.getAttribute('aria-pressed')).toBeNull()
    expect(paths()).toEqual(['/stored/2', '/stored/1', '/stored/0'])

    // Retention removed every listed row meanwhile: the note in their place does not count them again.
    const listed = harness.stores.traffic.getState().ids
    act(() => harness.engine.emit('traffic.batch', { captures: [], removed: [...listed] }))
    act(() => harness.frames.frame())
    expect(screen.getByTestId('paused-empty')).toBeTruthy()
    expect(toggle.textContent).toBe('Resume (9 new)')
    expect(waitingCounts(9)).toBe(1)

    fireEvent.click(toggle)
    expect(toggle.textContent).toBe('Pause')
    expect(waitingCounts(9)).toBe(0)
    expect(paths()).toHaveLength(9)
  })
})

describe('a listed request without its record', () => {
  it('stands as a placeholder, so that the rows below keep their places', async () => {
    const harness = await listOf(5)
    const traffic = harness.stores.traffic
    const { ids, byId } = traffic.getState()
    const rest = { ...byId }
    delete rest[ids[1]!]
    act(() => traffic.setState({ byId: rest }))
    const children = Array.from(screen.getByTestId('traffic-list').querySelector('.traffic-window')!.children)
    expect(children.map((row) => row.getAttribute('data-testid'))).toEqual(['traffic-row', 'pending-row', 'traffic-row', 'traffic-row', 'traffic-row'])
    expect(children.map((row) => row.getAttribute('data-capture-id'))).toEqual([ids[0], null, ids[2], ids[3], ids[4]])
  })
})
