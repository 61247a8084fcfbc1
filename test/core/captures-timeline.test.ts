// The timeline's reading of the history (captures.timeline): every capture received since a time,
// newest first, paged as captures.query pages, with only what the timeline plots of each.
import { afterEach, describe, expect, it } from 'vitest'
import { methods } from '../../shared/api'
import type { CaptureSummary } from '../../shared/model'
import { apiOf, captures, connect, removeDir, startEngine, type TestEngine } from '../helpers/engine'

let t: TestEngine | null = null
afterEach(async () => {
  const dir = t?.dir
  await t?.close()
  t = null
  if (dir) await removeDir(dir)
})

/** A wall clock the test moves, so that each request arrives at a time of its choosing. */
function steppedClock() {
  const base = Date.now()
  let offset = 0
  return {
    base,
    at(ms: number) {
      offset = ms
    },
    clock: { now: () => base + offset, monotonic: () => performance.now() },
  }
}

async function send(url: string, path: string, method = 'POST'): Promise<CaptureSummary> {
  const stored = captures(t!.engine, 1)
  const response = await fetch(`${url}${path}`, { method, ...(method === 'GET' ? {} : { body: path }) })
  expect(response.status).toBe(200)
  return (await stored)[0]!
}

describe('the timeline reading the history', () => {
  it('reads every capture received since a time, newest first, in pages, with its id, arrival, status and endpoint only', async () => {
    const time = steppedClock()
    t = await startEngine({ clock: time.clock })
    const sent: CaptureSummary[] = []
    for (let i = 0; i < 5; i++) {
      time.at(i * 1000)
      sent.push(await send(t.url, `/timeline/${i}`))
    }
    const lean = (s: CaptureSummary) => ({ id: s.id, receivedAt: s.receivedAt, status: 200, endpointId: t!.endpointId })
    const expectRead = async (engine: TestEngine, where: string) => {
      const api = apiOf(engine.engine)
      const since = time.base + 1000
      const first = await api['captures.timeline']({ since, limit: 2 })
      expect(first, where).toEqual({ items: [lean(sent[4]!), lean(sent[3]!)], next: sent[3]!.id })
      // Exactly these fields: no target, headers or flags travel.
      expect(Object.keys(first.items[0]!).sort(), where).toEqual(['endpointId', 'id', 'receivedAt', 'status'])
      // The same pages as the list's query for the same time.
      const listed = await api['captures.query']({ since, limit: 2 })
      expect(first.items.map((item) => item.id), where).toEqual(listed.items.map((s) => s.id))
      expect(first.next, where).toBe(listed.next)
      const second = await api['captures.timeline']({ since, before: first.next!, limit: 2 })
      expect(second, where).toEqual({ items: [lean(sent[2]!), lean(sent[1]!)], next: null })
      // Without a limit, a page of 5,000.
      expect((await api['captures.timeline']({ since })).items.map((item) => item.id), where).toEqual([sent[4]!.id, sent[3]!.id, sent[2]!.id, sent[1]!.id])
      expect((await api['captures.timeline']({ since: time.base })).items, where).toHaveLength(5)
      expect(await api['captures.timeline']({ since: time.base + 5000 }), where).toEqual({ items: [], next: null })
    }
    await expectRead(t, 'as stored')
    t = await t.reopen()
    await expectRead(t, 'after a restart')
  })

  it('reads a request whose body came in slowly, stored after newer ones, by when it arrived', async () => {
    const time = steppedClock()
    t = await startEngine({ clock: time.clock })
    // Its head arrives first; its body only after another request was stored.
    const slowArrived = t.engine.events.waitFor('capture:received', (s) => s.target === '/slow')
    const socket = await connect(t.port)
    socket.on('error', () => undefined)
    socket.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab')
    const slow = await slowArrived
    time.at(2000)
    const fast = await send(t.url, '/fast')
    const slowStored = captures(t.engine, 1)
    const answered = new Promise((resolve) => socket.once('data', resolve))
    socket.write('cd')
    expect((await slowStored)[0]!.id).toBe(slow.id)
    await answered
    socket.destroy()
    const api = apiOf(t.engine)
    // Stored last, it is the first the history walks past; the newer one stored before it is still read.
    expect((await api['captures.timeline']({ since: time.base + 1000 })).items.map((item) => item.id)).toEqual([fast.id])
    expect((await api['captures.timeline']({ since: time.base })).items.map((item) => item.id).sort()).toEqual([slow.id, fast.id].sort())
  })

  it('reads every request whatever a list would filter: its input has no filter, and one sent is ignored', async () => {
    const time = steppedClock()
    t = await startEngine({ clock: time.clock })
    expect(Object.keys(methods['captures.timeline'].input.shape).sort()).toEqual(['before', 'limit', 'since'])
    const api = apiOf(t.engine)
    const other = await api['endpoints.create']({ name: 'Other', host: '127.0.0.1', port: 0 })
    const otherUrl = (await api['endpoints.status']({})).find((s) => s.id === other.id)!.url!
    const sent = [await send(t.url, '/first/get', 'GET'), await send(otherUrl, '/other/post'), await send(t.url, '/first/put', 'PUT')]
    expect(new Set(sent.map((s) => s.endpointId))).toEqual(new Set([t.endpointId, other.id]))
    // What a list filtered by the first endpoint, GETs, 5xx and a search would send, were it to.
    const filtered = { since: time.base, endpointId: t.endpointId, methods: ['GET'], statusClasses: [5], text: 'nothing-matches-this', until: time.base - 1 }
    const read = await api['captures.timeline'](filtered as unknown as { since: number })
    expect(read.items.map((item) => item.id)).toEqual(sent.map((s) => s.id).reverse())
    expect(read.items.map((item) => item.endpointId)).toEqual([t.endpointId, other.id, t.endpointId])
    expect((await api['captures.query']({ endpointId: t.endpointId, methods: ['GET'], statusClasses: [5] })).items).toEqual([])
  })
})
