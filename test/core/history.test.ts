import nodeFs, { promises as fs } from 'node:fs'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import zlib from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BlobStore } from '../../electron/core/store/blobs'
import { HistoryStore, SEGMENT_SCHEMA_VERSION, inlineBody, type CaptureRecord } from '../../electron/core/store/history'
import { Journal, parseJournal } from '../../electron/core/store/journal'
import type { Notice } from '../../shared/api'
import { apiOf, captures, connect, nextCapture, rawExchange, removeDir, startEngine, storedBody, tempDir, whenClosed, type TestEngine } from '../helpers/engine'

const dirs: string[] = []
let t: TestEngine | null = null
afterEach(async () => {
  await t?.close()
  t = null
  await Promise.all(dirs.splice(0).map(removeDir))
})

let counter = 0
function record(overrides: Partial<CaptureRecord> & { bodyText?: string } = {}): CaptureRecord {
  const { bodyText = '{"n":1}', ...rest } = overrides
  counter++
  const bytes = Buffer.from(bodyText)
  return {
    id: `01TEST${String(counter).padStart(12, '0')}`,
    endpointId: 'ep_a',
    receivedAt: 1_700_000_000_000 + counter,
    method: 'POST',
    target: `/hook/${counter}`,
    status: 200,
    bodySize: bytes.length,
    contentType: 'application/json',
    durationMs: 1,
    flags: [],
    httpVersion: '1.1',
    rawHeaders: [['Host', 'x'], ['Content-Type', 'application/json']],
    rawTrailers: [],
    body: { size: bytes.length, sha256: 'x', truncated: false, declaredSize: bytes.length, storage: bytes.length ? 'inline' : 'none' },
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    localPort: 2,
    timings: { bodyEndMs: 0, storedMs: 0, respondedMs: 1 },
    response: null,
    forward: null,
    signature: null,
    forwardPlan: null,
    inline: inlineBody(bytes),
    ...rest,
  }
}

async function openHistory(dir: string, maxCaptures = 10_000, maxBytes = 1024 ** 3, notices: Array<Omit<Notice, 'at'>> = [], removed: string[][] = [], now = () => 0) {
  const blobs = new BlobStore(path.join(dir, 'blobs'), 64 * 1024)
  await blobs.init()
  const history = await HistoryStore.open({
    dir: path.join(dir, 'history'),
    blobs,
    retention: { maxCaptures, maxBytes },
    now,
    onNotice: (n) => notices.push(n),
    onRemoved: (ids) => removed.push(ids),
  })
  return { history, blobs }
}

/** A segment file as written (version 3: one record per line, then a closing line), untouched; the
 * journal's marks of when its writes were durable, lines of their own, are left out. */
async function segmentFile(dir: string, n: number): Promise<{ lines: Array<Record<string, unknown>>; closing: Record<string, unknown> | undefined; text: string }> {
  const text = await fs.readFile(path.join(dir, 'history', `seg-${String(n).padStart(6, '0')}.json`), 'utf8')
  expect(text.endsWith('\n'), 'a segment ends with a whole line').toBe(true)
  expect(text.includes('\0'), 'no space written ahead is left in a segment').toBe(false)
  const lines = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => !('durable' in line))
  const closing = lines.at(-1)
  return { lines: lines.slice(0, -1), closing: closing && !('id' in closing) ? closing : undefined, text }
}

async function historyFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(path.join(dir, 'history'))).sort()
}

describe('segmented history', () => {
  it('seals a segment at its capacity and never rewrites sealed segments', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100) // capacity: 100 / 10 = 10 per segment
    for (let i = 0; i < 25; i++) await history.append(record())
    await history.close()
    expect(await historyFiles(dir)).toEqual(['seg-000001.json', 'seg-000002.json', 'seg-000003.json'])
    const first = await segmentFile(dir, 1)
    expect(first.closing).toMatchObject({ schemaVersion: SEGMENT_SCHEMA_VERSION, segment: 1, sealed: true })
    expect(first.lines).toHaveLength(10)
    const statBefore = await fs.stat(path.join(dir, 'history', 'seg-000001.json'))
    const { history: again } = await openHistory(dir, 100)
    expect(again.count).toBe(25)
    for (let i = 0; i < 3; i++) await again.append(record())
    await again.close()
    const statAfter = await fs.stat(path.join(dir, 'history', 'seg-000001.json'))
    expect(statAfter.mtimeMs).toBe(statBefore.mtimeMs)
  })

  it('keeps what changed after a capture was journaled (how it was answered) through sealing and a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100)
    const records = Array.from({ length: 12 }, () => record({ status: null, durationMs: null, timings: { bodyEndMs: 0, storedMs: 0, respondedMs: null } }))
    for (const [i, r] of records.entries()) {
      await history.append(r)
      history.update(r.id, { status: 201 + i, durationMs: i + 0.5, timings: { ...r.timings, respondedMs: i + 0.5 } })
    }
    // The first ten were sealed (lines as journaled plus the changes), the last two are still active.
    expect(history.summary(records[3]!.id)).toMatchObject({ status: 204, durationMs: 3.5 })
    await history.close()
    // Sealed by renaming the journal: each line as it was journaled, the changes in the closing line.
    const sealed = await segmentFile(dir, 1)
    expect(sealed.lines[0]!.status).toBeNull()
    expect((sealed.closing!.updates as Record<string, unknown>)[records[0]!.id]).toMatchObject({ status: 201, durationMs: 0.5 })
    const { history: again } = await openHistory(dir, 100)
    for (const [i, r] of records.entries()) {
      const back = await again.get(r.id)
      expect(back).toMatchObject({ status: 201 + i, durationMs: i + 0.5, timings: { respondedMs: i + 0.5 } })
      expect(again.summary(r.id)).toMatchObject({ status: 201 + i, durationMs: i + 0.5 })
    }
    await again.close()
  })

  it('reads segments written as one JSON document (schema versions 1 and 2)', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const old = record({ status: 202 })
    const answered = record({ status: null })
    const zipped = sent(zlib.gzipSync('Version-One-Gzip'), [['Content-Encoding', 'gzip']])
    await fs.mkdir(path.join(dir, 'history'), { recursive: true })
    await fs.writeFile(path.join(dir, 'history', 'seg-000001.json'), JSON.stringify({ schemaVersion: 1, segment: 1, sealed: true, captures: [old, zipped] }))
    await fs.writeFile(
      path.join(dir, 'history', 'seg-000002.json'),
      JSON.stringify({ schemaVersion: 2, segment: 2, sealed: true, captures: [answered], updates: { [answered.id]: { status: 204 } } }),
    )
    const { history } = await openHistory(dir, 100)
    expect(await history.get(old.id)).toEqual(old)
    expect(await history.get(answered.id)).toEqual({ ...answered, status: 204 })
    await history.searchSettled()
    expect(history.query({ text: 'version-one-gzip' }).items.map((s) => s.id)).toEqual([zipped.id])
    await history.close()
  })

  it('reads a journal that a crash left closed but not yet renamed as a sealed segment, with its changes', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const records = [record({ status: null }), record({ status: null })]
    await fs.mkdir(path.join(dir, 'history'), { recursive: true })
    const closing = { segment: 1, schemaVersion: SEGMENT_SCHEMA_VERSION, sealed: true, updates: { [records[1]!.id]: { status: 409, durationMs: 2 } } }
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n' + JSON.stringify(closing) + '\n'
    await fs.writeFile(path.join(dir, 'history', 'seg-000001.journal'), Buffer.concat([Buffer.from(text), Buffer.alloc(4096)]))
    const notices: Array<Omit<Notice, 'at'>> = []
    const { history } = await openHistory(dir, 100, 1024 ** 3, notices)
    expect(notices).toEqual([])
    expect(history.query({}).items.map((s) => s.status)).toEqual([409, null])
    const next = record()
    await history.append(next) // goes to a new segment: the first one is sealed
    await history.close()
    expect(await historyFiles(dir)).toEqual(['seg-000001.json', 'seg-000002.json'])
    expect((await segmentFile(dir, 1)).closing).toMatchObject({ sealed: true })
  })

  it('moves a damaged segment aside and keeps the others', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let { history } = await openHistory(dir, 100)
    for (let i = 0; i < 15; i++) await history.append(record())
    await history.close()
    const file = path.join(dir, 'history', 'seg-000001.json')
    const lines = (await fs.readFile(file, 'utf8')).split('\n')
    const cut = lines.findIndex((line, i) => i >= 3 && line.startsWith('{"id"'))
    lines[cut] = lines[cut]!.slice(0, 40) // a record's line cut short in the middle of the file
    await fs.writeFile(file, lines.join('\n'))
    const notices: Array<Omit<Notice, 'at'>> = []
    ;({ history } = await openHistory(dir, 100, 1024 ** 3, notices))
    expect(history.count).toBe(5)
    expect(notices[0]!.message).toMatch(/seg-000001\.json was damaged .* Other captures are unaffected/)
    await history.close()
  })

  it('keeps every capture readable while its segment is being sealed', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100)
    const records = Array.from({ length: 10 }, () => record())
    // The tenth append seals the segment; read each capture back before that write finished.
    await Promise.all(records.map((r) => history.append(r)))
    const back = await Promise.all(records.map((r) => history.get(r.id)))
    expect(back.map((r) => r?.id)).toEqual(records.map((r) => r.id))
    await history.close()
  })

  it('keeps the active segment in an append-only journal until it is sealed', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100)
    const r = record({ bodyText: 'journal me' })
    await history.append(r)
    const journal = await fs.readFile(path.join(dir, 'history', 'seg-000001.journal'), 'utf8')
    expect(parseJournal(journal).lines.map((line) => (line as { id: string }).id)).toEqual([r.id])
    // The rest of the file is space written ahead with zeros, so appends change no file metadata.
    expect(journal.length).toBeGreaterThanOrEqual(1024 * 1024)
    expect(journal.endsWith('\0\0\0\0')).toBe(true)
    await history.close()
  })

  it('drops whole segments, oldest first, past the retention count, with their blobs', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const removed: string[][] = []
    const { history, blobs } = await openHistory(dir, 100, 1024 ** 3, [], removed)
    const big = await blobs.put(Buffer.alloc(100 * 1024, 7))
    const first = record({ bodyText: '', body: { size: big.size, sha256: big.sha256, truncated: false, declaredSize: big.size, storage: 'blob' }, bodySize: big.size, inline: null })
    await history.append(first)
    for (let i = 0; i < 109; i++) await history.append(record())
    // 110 captures > 100: the oldest sealed segment (10 captures) goes, and the blob only it used.
    await history.setRetention({ maxCaptures: 100, maxBytes: 1024 ** 3 })
    expect(history.count).toBe(100)
    expect(removed.flat()).toContain(first.id)
    expect(await blobs.has(big.sha256)).toBe(false)
    expect(await history.get(first.id)).toBeNull()
    await history.close()
    expect(await historyFiles(dir)).not.toContain('seg-000001.json')
  })

  it('keeps at least 90 % of a small retention count, the newest, whole segments or not', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 20) // segments never hold fewer than 10: half of 20
    const ids: string[] = []
    for (let i = 0; i < 100; i++) {
      const r = record()
      ids.push(r.id)
      await history.append(r)
      await history.setRetention({ maxCaptures: 20, maxBytes: 1024 ** 3 }) // waits for the retention the append queued
      if (i >= 19) {
        expect(history.count, `after ${i + 1} captures`).toBeGreaterThanOrEqual(18)
        expect(history.count, `after ${i + 1} captures`).toBeLessThanOrEqual(20)
      }
    }
    const kept = history.query({ limit: 100 }).items.map((s) => s.id)
    expect(kept).toEqual(ids.slice(-kept.length).reverse())
    await history.close()
    const reopened = await openHistory(dir, 20)
    expect(reopened.history.count).toBe(kept.length)
    await reopened.history.close()
  })

  it('keeps the newest captures a lowered retention count allows, not only the segment being written', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const removed: string[][] = []
    const { history } = await openHistory(dir, 1000, 1024 ** 3, [], removed) // segments of 100
    const ids: string[] = []
    for (let i = 0; i < 302; i++) {
      const r = record()
      ids.push(r.id)
      await history.append(r)
    }
    // Lowered to 100 (segments of 10 from now on): the segments of 100 are too coarse to drop whole
    // down to the last two captures; the oldest ones go, to 90 % of the count, as segments of 10 would.
    await history.setRetention({ maxCaptures: 100, maxBytes: 1024 ** 3 })
    expect(history.count).toBe(90)
    const kept = history.query({ limit: 1000 }).items.map((s) => s.id)
    expect(kept).toEqual(ids.slice(-90).reverse())
    expect(removed.flat().sort()).toEqual(ids.slice(0, 212).sort())
    expect((await history.get(ids[212]!))?.id).toBe(ids[212])
    expect(await history.get(ids[211]!)).toBeNull()
    // New captures join the small segments; the rest of the big one goes when its turn comes.
    for (let i = 0; i < 30; i++) await history.append(record())
    await history.setRetention({ maxCaptures: 100, maxBytes: 1024 ** 3 })
    expect(history.count).toBeGreaterThanOrEqual(90)
    expect(history.count).toBeLessThanOrEqual(100)
    await history.close()
    const reopened = await openHistory(dir, 100)
    expect(reopened.history.count).toBe(history.count)
    expect((await reopened.history.get(ids[301]!))?.id).toBe(ids[301])
    await reopened.history.close()
  })

  it('applies a lowered retention at once to captures of the segment being written, without waiting for the next capture', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const removed: string[][] = []
    const { history } = await openHistory(dir, 10_000, 1024 ** 3, [], removed) // segments of 1,000
    const ids: string[] = []
    for (let i = 0; i < 300; i++) {
      const r = record({ bodyText: 'x'.repeat(2 * 1024) })
      ids.push(r.id)
      await history.append(r)
    }
    // All 300 in the segment being written: lowered to 100, the oldest go now, as they would from a
    // segment sealed before, and whoever listens is told which.
    await history.setRetention({ maxCaptures: 100, maxBytes: 1024 ** 3 })
    expect(history.count).toBe(90)
    expect(history.query({ limit: 1000 }).items.map((s) => s.id)).toEqual(ids.slice(-90).reverse())
    expect(removed.flat().sort()).toEqual(ids.slice(0, 210).sort())
    // A lowered size likewise: 40 captures of 20 KB fill the segment being written past a tenth of 1 MB.
    const next: string[] = []
    for (let i = 0; i < 40; i++) {
      const r = record({ bodyText: 'y'.repeat(20 * 1024) })
      next.push(r.id)
      await history.append(r)
    }
    await history.setRetention({ maxCaptures: 100, maxBytes: 1024 * 1024 })
    expect(history.bytes).toBeLessThanOrEqual(1024 * 1024)
    expect((await history.get(next.at(-1)!))?.id).toBe(next.at(-1))
    // What was removed stays removed, and what was kept is read back, after a restart.
    const count = history.count
    await history.close()
    const reopened = await openHistory(dir, 100, 1024 * 1024)
    expect(reopened.history.count).toBe(count)
    expect(await reopened.history.get(ids[0]!)).toBeNull()
    expect((await reopened.history.get(next.at(-1)!))?.id).toBe(next.at(-1))
    await reopened.history.close()
  })

  it('drops segments past the retention size', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 10_000, 1024 * 1024)
    const text = 'x'.repeat(20 * 1024)
    for (let i = 0; i < 120; i++) await history.append(record({ bodyText: text }))
    await history.setRetention({ maxCaptures: 10_000, maxBytes: 1024 * 1024 })
    expect(history.bytes).toBeLessThanOrEqual(1024 * 1024)
    expect(history.count).toBeLessThan(120)
    // Whole segments go, oldest first: what stays fills at least half the budget.
    expect(history.bytes).toBeGreaterThan(512 * 1024)
    expect(history.count).toBeGreaterThan(15)
    await history.close()
  })

  it('answers queries newest first with paging and filters', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir)
    await history.append(record({ method: 'GET', endpointId: 'ep_b', status: 404, bodyText: '' }))
    await history.append(record({ bodyText: '{"type":"checkout.session.completed"}' }))
    await history.append(record({ rawHeaders: [['X-GitHub-Event', 'push']], status: 500 }))
    await history.append(record({ status: null, target: '/special/path?q=needle' }))
    const all = history.query({})
    expect(all.total).toBe(4)
    expect(all.items.map((s) => s.target)).toEqual([...all.items.map((s) => s.target)].sort().reverse())
    const page1 = history.query({ limit: 3 })
    expect(page1.items).toHaveLength(3)
    expect(page1.next).toBe(page1.items[2]!.id)
    const page2 = history.query({ limit: 3, before: page1.next! })
    expect(page2.items).toHaveLength(1)
    expect(page2.next).toBeNull()
    expect(history.query({ endpointId: 'ep_b' }).items.map((s) => s.method)).toEqual(['GET'])
    expect(history.query({ methods: ['get'] }).total).toBe(1)
    expect(history.query({ statusClasses: [5] }).total).toBe(1)
    expect(history.query({ statusClasses: [0] }).total).toBe(1)
    expect(history.query({ statusClasses: [2, 4] }).total).toBe(2)
    expect(history.query({ text: 'CHECKOUT.SESSION' }).total).toBe(1)
    expect(history.query({ text: 'x-github-event: push' }).total).toBe(1)
    expect(history.query({ text: 'needle' }).total).toBe(1)
    expect(history.query({ text: 'absent' }).total).toBe(0)
    const times = all.items.map((s) => s.receivedAt)
    expect(history.query({ since: times[1], until: times[0] }).total).toBe(2)
    await history.close()
  })

  it('journals bodies byte for byte and finds their text in the active segment, once sealed and after a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const bodies = [
      Buffer.from('{"quoted":"a \\"needle\\" in \\\\ a\\u0000 body","émoji":"🪝"}'),
      Buffer.from([0xff, 0xfe, 0x00, 0x6e, 0x65, 0x65, 0x64, 0x6c, 0x65, 0x80]), // not UTF-8: kept as base64, searched as decoded
      Buffer.from('line one\r\nline two\tNEEDLE-two'),
    ]
    let { history } = await openHistory(dir, 100) // capacity 10 per segment
    for (const bytes of bodies) await history.append(record({ bodyText: '', body: { size: bytes.length, sha256: 'x', truncated: false, declaredSize: null, storage: 'inline' }, bodySize: bytes.length, inline: inlineBody(bytes) }))
    const ids = history.query({}).items.map((s) => s.id).reverse()
    const expectBodies = async (where: string) => {
      for (const [i, id] of ids.entries()) expect((await history.readBody(id, 0, 1 << 20))?.bytes.equals(bodies[i]!), `${where}: body ${i}`).toBe(true)
      expect(history.query({ text: 'needle' }).items.map((s) => s.id), where).toEqual([ids[2], ids[1], ids[0]])
    }
    await expectBodies('active segment')
    for (let i = 0; i < 10; i++) await history.append(record()) // seals the first segment
    await history.close()
    ;({ history } = await openHistory(dir, 100))
    await expectBodies('sealed, after a restart')
    await history.close()
  })

  it('searches a sealed segment record by record: a match across two records never counts', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let { history } = await openHistory(dir, 100) // capacity 10 per segment
    // Each record's search text ends with its body: "…tail-a" then the next starts with "post /…".
    for (let i = 0; i < 10; i++) await history.append(record({ bodyText: i === 3 ? 'ends with TAIL-A' : i === 7 ? 'Ünïcödé İstanbul' : `{"n":${i}}` }))
    await history.append(record({ bodyText: 'in the next segment' })) // seals the first ten
    const ids = history.query({}).items.map((s) => s.id).reverse()
    expect(history.query({ text: 'tail-a' }).items.map((s) => s.id)).toEqual([ids[3]])
    expect(history.query({ text: 'tail-apost' }).total).toBe(0)
    expect(history.query({ text: 'ünïcödé' }).items.map((s) => s.id)).toEqual([ids[7]])
    expect(history.query({ text: 'post /hook' }).total).toBe(11)
    expect(history.query({ text: '{"n":' }).total).toBe(8)
    // Clearing rewrites the sealed segment: what is kept stays searchable, and survives a restart.
    await history.append(record({ endpointId: 'ep_other', bodyText: 'other endpoint' }))
    await history.clear('ep_a')
    expect(history.query({ text: 'tail-a' }).total).toBe(0)
    expect(history.query({ text: 'other endpoint' }).total).toBe(1)
    await history.close()
    ;({ history } = await openHistory(dir, 100))
    expect(history.query({ text: 'other endpoint' }).total).toBe(1)
    await history.close()
  })

  it('seals a segment reopened at start: its older records and the newly journaled ones, with their changes', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let { history } = await openHistory(dir, 100) // capacity 10 per segment
    for (let i = 0; i < 4; i++) await history.append(record({ status: null }))
    await history.close() // the segment is written unsealed and reopened for appends
    ;({ history } = await openHistory(dir, 100))
    for (let i = 0; i < 6; i++) {
      const r = record({ status: null })
      await history.append(r)
      history.update(r.id, { status: 201 + i, durationMs: 5 })
    }
    await history.append(record()) // seals the first segment
    await history.close()
    const segment = await segmentFile(dir, 1)
    expect(segment.closing?.sealed).toBe(true)
    expect(segment.lines).toHaveLength(10)
    ;({ history } = await openHistory(dir, 100))
    const statuses = history.query({}).items.map((s) => s.status).reverse()
    expect(statuses).toEqual([null, null, null, null, 201, 202, 203, 204, 205, 206, 200])
    await history.close()
  })

  it('clears one endpoint’s captures, rewriting only the segments that held them', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100)
    for (let i = 0; i < 15; i++) await history.append(record({ endpointId: i % 2 ? 'ep_a' : 'ep_b' }))
    const removed = await history.clear('ep_b')
    expect(removed).toHaveLength(8)
    expect(history.count).toBe(7)
    await history.close()
    const { history: again } = await openHistory(dir, 100)
    expect(again.count).toBe(7)
    expect(again.query({ endpointId: 'ep_b' }).total).toBe(0)
    await again.clear()
    expect(again.count).toBe(0)
    await again.close()
  })

  it('recovers from a torn last journal line and a damaged segment without losing the others', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100)
    const kept: string[] = []
    for (let i = 0; i < 12; i++) {
      const r = record()
      kept.push(r.id)
      await history.append(r)
    }
    // Simulate a crash: no close(), and a half-written line at the end of the journal.
    await fs.appendFile(path.join(dir, 'history', 'seg-000002.journal'), '{"id":"01TORN","endpo')
    const notices: Array<Omit<Notice, 'at'>> = []
    const { history: again } = await openHistory(dir, 100, 1024 ** 3, notices)
    expect(again.count).toBe(12)
    expect(notices).toEqual([])
    await again.close()
    await fs.writeFile(path.join(dir, 'history', 'seg-000001.json'), '{"schemaVersion":1,"segm')
    const { history: third } = await openHistory(dir, 100, 1024 ** 3, notices)
    expect(third.count).toBe(2)
    expect(notices[0]!.message).toMatch(/seg-000001\.json was damaged .* Other captures are unaffected/)
    await third.close()
    void history
  })
})

/** Resolves once the maintenance queued so far (seals, retention) has run: setRetention queues behind it. */
async function settled(history: HistoryStore, maxCaptures: number, maxBytes = 1024 ** 3): Promise<void> {
  await history.setRetention({ maxCaptures, maxBytes })
}

async function segmentSizes(dir: string): Promise<number[]> {
  const names = (await historyFiles(dir)).filter((name) => name.endsWith('.json'))
  return Promise.all(names.map(async (name) => (await segmentFile(dir, Number(name.slice(4, 10)))).lines.length))
}

describe('history under load, clearing and late changes', () => {
  it('keeps every capture stored while another endpoint is being cleared, through a crash', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir)
    for (let i = 0; i < 10; i++) await history.append(record({ endpointId: i < 5 ? 'ep_a' : 'ep_b' }))
    const acknowledged: string[] = []
    const failed: string[] = []
    let clearing = true
    const cleared = history.clear('ep_a').then(() => (clearing = false))
    // Two senders, each sending its next request once the last one is answered, until the clear is
    // done (or a request is refused).
    const sender = async () => {
      while (clearing && failed.length === 0) {
        const r = record({ endpointId: 'ep_b' })
        await history.append(r).then(
          () => acknowledged.push(r.id),
          (error: Error) => failed.push(error.message),
        )
      }
    }
    await Promise.all([sender(), sender(), cleared])
    expect(failed).toEqual([])
    expect(acknowledged.length).toBeGreaterThan(0)
    expect(acknowledged.every((id) => history.summary(id) !== null)).toBe(true)
    // As after kill -9: the folder opened again, this store never closed.
    const { history: again } = await openHistory(dir)
    const stored = new Set(again.query({ limit: 5000 }).items.map((s) => s.id))
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([])
    expect(again.query({ endpointId: 'ep_a' }).total).toBe(0)
    expect(again.count).toBe(5 + acknowledged.length)
    await again.close()
  })

  it('does not bring cleared captures back after a crash in the middle of clearing', async () => {
    for (const clearedEndpoints of [['ep_a'], ['ep_a', 'ep_b']]) {
      const dir = await tempDir()
      dirs.push(dir)
      const { history } = await openHistory(dir)
      for (let i = 0; i < 6; i++) await history.append(record({ endpointId: i % 2 ? 'ep_b' : 'ep_a' }))
      // The process dies when clearing removes the journal: its new file is written by then.
      const realRm = nodeFs.promises.rm
      let reached!: () => void
      const crashed = new Promise<void>((resolve) => (reached = resolve))
      const rm = vi.spyOn(nodeFs.promises, 'rm').mockImplementation(((file: nodeFs.PathLike, options?: nodeFs.RmOptions) => {
        if (!String(file).endsWith('.journal')) return realRm(file, options)
        reached()
        return new Promise<void>(() => undefined)
      }) as typeof realRm)
      try {
        void (clearedEndpoints.length === 2 ? history.clear() : history.clear('ep_a'))
        await crashed
      } finally {
        rm.mockRestore()
      }
      const { history: again } = await openHistory(dir)
      for (const endpointId of clearedEndpoints) expect(again.query({ endpointId }).total, `${endpointId} after clearing ${clearedEndpoints.join(' and ')}`).toBe(0)
      expect(again.count).toBe(6 - clearedEndpoints.length * 3)
      await again.close()
    }
  })

  it('finishes a clear of captures in several segments that a crash cut short, at the next start', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100) // 10 per segment
    for (let i = 0; i < 30; i++) await history.append(record({ endpointId: i % 2 ? 'ep_b' : 'ep_a' }))
    await history.append(record({ endpointId: 'ep_b' })) // the first three segments are full
    // The process dies as the second segment's new file is put in place: the first is rewritten by then.
    const realRename = nodeFs.promises.rename
    let reached!: () => void
    const crashed = new Promise<void>((resolve) => (reached = resolve))
    const rename = vi.spyOn(nodeFs.promises, 'rename').mockImplementation(((from: nodeFs.PathLike, to: nodeFs.PathLike) => {
      if (!String(to).endsWith('seg-000002.json')) return realRename(from, to)
      reached()
      return new Promise<void>(() => undefined)
    }) as typeof realRename)
    try {
      void history.clear('ep_a')
      await crashed
    } finally {
      rename.mockRestore()
    }
    const { history: again } = await openHistory(dir, 100)
    expect(again.query({ endpointId: 'ep_a' }).total).toBe(0)
    expect(again.query({ endpointId: 'ep_b' }).total).toBe(16)
    await again.close()
    // Finished: the next start has nothing left to do, and keeps what came since.
    const { history: third } = await openHistory(dir, 100)
    expect(third.count).toBe(16)
    expect(await nodeFs.promises.readdir(path.join(dir, 'history')).then((names) => names.includes('clearing.json'))).toBe(false)
    await third.close()
  })

  it('starts a new segment as soon as one is full, so a burst keeps segments to their size and retention to its count', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100) // 10 per segment
    // 40 senders, each sending its next request once the last one is stored.
    let sent = 0
    let newest = ''
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        while (sent < 1000) {
          sent++
          const r = record()
          newest = r.id
          await history.append(r)
        }
      }),
    )
    await settled(history, 100)
    expect(history.count).toBeGreaterThanOrEqual(90)
    expect(history.count).toBeLessThanOrEqual(100)
    expect(history.summary(newest)).not.toBeNull()
    await history.close()
    const sizes = await segmentSizes(dir)
    expect(sizes.every((size) => size <= 10), `segment sizes ${sizes.join(' ')}`).toBe(true)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(history.count)
  })

  it('keeps a change made after its capture’s segment was sealed (a late proxied answer), through a crash, sealing and a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let { history } = await openHistory(dir, 100) // 10 per segment
    const late = record({ status: null, durationMs: null, response: null })
    await history.append(late)
    for (let i = 0; i < 10; i++) await history.append(record())
    await settled(history, 100) // the first segment is sealed: its file is written
    const answer = { status: 201, durationMs: 812, response: { status: 201, headers: [['Content-Type', 'text/plain']] as Array<[string, string]>, bodySize: 7 } }
    expect(history.update(late.id, answer)).toMatchObject({ id: late.id, status: 201, durationMs: 812 })
    expect(await history.get(late.id)).toMatchObject(answer)
    expect(history.query({ statusClasses: [0] }).total).toBe(0)
    await history.append(record()) // written with the change's line, which waits on nobody
    // As after kill -9: the folder opened again, this store never closed.
    ;({ history } = await openHistory(dir, 100))
    expect(history.summary(late.id)).toMatchObject({ status: 201, durationMs: 812 })
    expect(await history.get(late.id)).toMatchObject(answer)
    // The segment holding the change is reopened, then sealed; after a clean restart the change holds.
    for (let i = 0; i < 10; i++) await history.append(record())
    await history.close()
    ;({ history } = await openHistory(dir, 100))
    expect(history.summary(late.id)).toMatchObject({ status: 201 })
    expect(await history.get(late.id)).toMatchObject(answer)
    await history.close()
  })

  it('knows after a crash how a capture of the active segment was answered: when its batch was durable, or not at all if so journaled', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let { history } = await openHistory(dir, 10_000, 1024 ** 3, [], [], Date.now)
    // As the listener stores them: the rule's answer in the line, when it went out not known yet.
    const pending = { status: 200, durationMs: null, response: { status: 200, headers: [], bodySize: 0 }, timings: { bodyEndMs: 0.1, storedMs: 0.2, respondedMs: null } }
    const answered = record({ ...pending, receivedAt: Date.now() })
    await history.append(answered)
    const durableBy = Date.now()
    // Its sender left while it was stored: journaled, since its line says it was answered.
    const gone = record({ ...pending, receivedAt: Date.now() })
    await history.append(gone)
    history.update(gone.id, { status: null, response: null }, true)
    await history.append(record()) // written with the change's line, which waits on nobody
    // As after kill -9: the folder opened again, this store never closed.
    ;({ history } = await openHistory(dir, 10_000, 1024 ** 3, [], [], Date.now))
    const back = history.summary(answered.id)!
    expect(back.status).toBe(200)
    expect(back.durationMs).toBeGreaterThanOrEqual(0.2)
    expect(back.durationMs).toBeLessThanOrEqual(Math.max(0.2, durableBy - answered.receivedAt))
    expect((await history.get(answered.id))!.timings.respondedMs).toBe(back.durationMs)
    expect(history.summary(gone.id)).toMatchObject({ status: null, durationMs: null })
    expect(await history.get(gone.id)).toMatchObject({ response: null })
    await history.close()
    expect((await historyFiles(dir)).filter((name) => !name.endsWith('.json'))).toEqual([])
  })

  it('keeps a late change journaled in a segment that is sealed by renaming, or that has no captures of its own', async () => {
    for (const after of [10, 0]) {
      const dir = await tempDir()
      dirs.push(dir)
      let { history } = await openHistory(dir, 100)
      const late = record({ status: null })
      await history.append(late)
      for (let i = 0; i < 9; i++) await history.append(record()) // the tenth: the segment is full
      await settled(history, 100)
      history.update(late.id, { status: 202, durationMs: 3 })
      for (let i = 0; i < after; i++) await history.append(record())
      await history.close()
      ;({ history } = await openHistory(dir, 100))
      expect(history.summary(late.id), `${after} captures after the change`).toMatchObject({ status: 202, durationMs: 3 })
      expect(await history.get(late.id)).toMatchObject({ status: 202, durationMs: 3 })
      await history.close()
    }
  })

  it('counts retention by size in bytes as stored, so a restart keeps what the session kept', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const maxBytes = 1024 * 1024
    let { history } = await openHistory(dir, 10_000, maxBytes)
    const text = JSON.stringify({ note: '日本語のテキスト'.repeat(2600) }) // ~21k characters, ~62 KB
    for (let i = 0; i < 40; i++) await history.append(record({ bodyText: text }))
    await settled(history, 10_000, maxBytes)
    expect(history.bytes).toBeLessThanOrEqual(maxBytes)
    const kept = history.count
    await history.close()
    const files = (await historyFiles(dir)).filter((name) => name.endsWith('.json'))
    const onDisk = (await Promise.all(files.map((name) => fs.stat(path.join(dir, 'history', name))))).reduce((sum, stat) => sum + stat.size, 0)
    expect(onDisk).toBeLessThanOrEqual(maxBytes)
    ;({ history } = await openHistory(dir, 10_000, maxBytes))
    expect(history.count).toBe(kept)
    await history.close()
  })

  it('counts a body shared by several captures once in retention by size', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history, blobs } = await openHistory(dir, 10_000, 10 * 1024 * 1024)
    const big = Buffer.alloc(1024 * 1024, 'a')
    for (let i = 0; i < 30; i++) {
      const blob = await blobs.put(big) // the same body every time (a retried webhook)
      await history.append(record({ bodyText: '', body: { size: blob.size, sha256: blob.sha256, truncated: false, declaredSize: blob.size, storage: 'blob' }, bodySize: blob.size, inline: null }), big)
    }
    await settled(history, 10_000, 10 * 1024 * 1024)
    expect(history.count).toBe(30)
    expect(history.bytes).toBeLessThan(big.length + 100 * 1024)
    await history.clear()
    expect(history.bytes).toBe(0)
    await history.close()
  })

  it('continues a page after its cursor capture was cleared, in stored order', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir)
    const records = Array.from({ length: 30 }, (_, i) => record({ endpointId: i % 2 ? 'ep_b' : 'ep_a' }))
    // Ids are given at receipt, the order is that of storing: a request whose body came in slowly is
    // stored after one that came later. Here the 20th stored came after the 22nd.
    ;[records[19]!.id, records[21]!.id] = [records[21]!.id, records[19]!.id]
    for (const r of records) await history.append(r)
    const page1 = history.query({ limit: 10 })
    expect(page1.next).toBe(records[20]!.id)
    await history.clear('ep_a') // the cursor's capture is among them
    const page2 = history.query({ limit: 10, before: page1.next! })
    const expected = records.slice(0, 20).filter((r) => r.endpointId === 'ep_b').reverse().map((r) => r.id)
    expect(page2.items.map((s) => s.id)).toEqual(expected)
    expect(page2.next).toBeNull()
    await history.close()
  })

  it('finds header values and bodies as the UI shows them: UTF-8 in header bytes, a small body that is not UTF-8', async () => {
    t = await startEngine()
    const both = captures(t.engine, 2)
    // A header value sent as UTF-8 bytes (what curl -H 'X-Customer: Müller' sends) is kept as a latin1
    // byte string, and shown decoded.
    const head = Buffer.concat([Buffer.from('POST /kunden HTTP/1.1\r\nHost: x\r\nX-Customer: '), Buffer.from('Müller', 'utf8'), Buffer.from('\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')])
    await rawExchange(t.port, head)
    // A latin1 form body: small, so kept in the record (as base64, not being UTF-8).
    await fetch(new URL('/form', t.url), { method: 'POST', body: Buffer.from('order=A-1001&city=Berlin&name=M\xfcller', 'latin1') })
    await both
    const expectFound = (where: string) => {
      expect(t!.engine.history.query({ text: 'X-Customer: Müller' }).items.map((s) => s.target), where).toEqual(['/kunden'])
      expect(t!.engine.history.query({ text: 'mã¼ller' }).total, where).toBe(1) // the bytes as stored still match
      expect(t!.engine.history.query({ text: 'A-1001' }).items.map((s) => s.target), where).toEqual(['/form'])
    }
    expectFound('active segment')
    t = await t.reopen()
    expectFound('after a restart')
  })

  it('finds query string values decoded, as the Query tab shows them (a Twilio GET callback, an email in a link)', async () => {
    t = await startEngine()
    const one = captures(t.engine, 1)
    await fetch(new URL('/status?From=%2B15551234567&email=john%40example.com&city=Caf%C3%A9+Paris&raw=%ZZ', t.url))
    await one
    const expectFound = (where: string) => {
      for (const text of ['+15551234567', 'john@example.com', 'Café Paris', 'café', '%ZZ', 'From=%2B1555']) {
        expect(t!.engine.history.query({ text }).items.map((s) => s.target), `${where}: ${text}`).toEqual(['/status?From=%2B15551234567&email=john%40example.com&city=Caf%C3%A9+Paris&raw=%ZZ'])
      }
    }
    expectFound('active segment')
    t = await t.reopen()
    expectFound('after a restart')
  })

  it('finds a path by its decoded text, as well as as sent (an emoji, a space), and a path whose escapes are not UTF-8 as sent only', async () => {
    t = await startEngine()
    const four = captures(t.engine, 4)
    await fetch(new URL('/emoji/%F0%9F%98%80', t.url))
    await fetch(new URL('/files/a%20b?name=x%20y', t.url))
    await fetch(new URL('/latin/caf%E9', t.url))
    await fetch(new URL('/plain/a-b', t.url))
    await four
    const found = async (text: string) => (await apiOf(t!.engine)['captures.query']({ text, limit: 10 })).items.map((s) => s.target)
    const expectFound = async (where: string) => {
      for (const text of ['/emoji/😀', '/EMOJI/%F0%9F%98%80', '/emoji/%f0']) expect(await found(text), `${where}: ${text}`).toEqual(['/emoji/%F0%9F%98%80'])
      for (const text of ['/files/a b', 'GET /files/a%20b', '/FILES/A B']) expect(await found(text), `${where}: ${text}`).toEqual(['/files/a%20b?name=x%20y'])
      // The query's decoded pair is on a line of its own: the decoded path does not run into it.
      expect(await found('/files/a b?'), `${where}: path and query`).toEqual([])
      expect(await found('/latin/caf%e9'), `${where}: not UTF-8, as sent`).toEqual(['/latin/caf%E9'])
      expect(await found('/latin/café'), `${where}: not UTF-8, never guessed`).toEqual([])
      expect(await found('/plain/a-b'), where).toEqual(['/plain/a-b'])
    }
    await expectFound('active segment')
    t = await t.reopen()
    await expectFound('after a restart')
  })

  it('lists under "No response" a request that never got an answer, not one still waiting out its rule’s delay, through the Api', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { response: { status: 202, headers: [], body: 'later', delayMs: 30_000 } })
    const send = async (target: string) => {
      const received = t!.engine.events.waitFor('capture:received', (s) => s.target === target)
      const socket = await connect(t!.port)
      const closed = whenClosed(socket)
      socket.write(`POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok`)
      const { id } = await received
      await vi.waitFor(() => expect(t!.engine.history.summary(id)?.inFlight).toBe(true))
      return { id, socket, closed }
    }
    const waiting = await send('/waiting')
    const left = await send('/left')
    // Its sender goes away during the delay: stored as never answered.
    const ended = nextCapture(t.engine, (s) => s.id === left.id)
    left.socket.destroy()
    expect(await ended).toMatchObject({ status: null })
    const listed = async (statusClasses: number[]) => (await apiOf(t!.engine)['captures.query']({ statusClasses, limit: 10 })).items.map((s) => s.target)
    expect(await listed([0])).toEqual(['/left'])
    expect(await listed([2])).toEqual([])
    expect(await listed([0, 2])).toEqual(['/left'])
    expect((await apiOf(t.engine)['captures.query']({ limit: 10 })).total).toBe(2)
    // A stop ends the delay and answers it: once answered it is a 2xx.
    t = await t.reopen()
    expect((await waiting.closed).toString()).toContain('202')
    expect(await listed([0])).toEqual(['/left'])
    expect(await listed([2])).toEqual(['/waiting'])
  })
})

describe('large bodies stream to blob files', () => {
  it('stores a body above the inline limit as a content-addressed blob, shared by identical bodies', async () => {
    t = await startEngine()
    const big = Buffer.alloc(300 * 1024, 'z')
    const both = captures(t.engine, 2)
    for (let i = 0; i < 2; i++) await fetch(t.url, { method: 'POST', body: big })
    const [a, b] = await both
    const ca = await t.engine.capture(a!.id)
    const cb = await t.engine.capture(b!.id)
    expect(ca.body.storage).toBe('blob')
    expect(ca.body.sha256).toBe(cb.body.sha256)
    const file = path.join(t.dir, 'blobs', ca.body.sha256.slice(0, 2), ca.body.sha256)
    expect((await fs.readFile(file)).equals(big)).toBe(true)
    // Search still reaches the body's text.
    expect(t.engine.history.query({ text: 'zzzz' }).total).toBe(2)
  })
})

/** A capture of these body bytes as sent, with these headers (its Content-Type taken from them). */
function sent(bytes: Buffer, headers: Array<[string, string]>): CaptureRecord {
  const contentType = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? null
  return record({
    bodyText: '',
    rawHeaders: [['Host', 'x'], ...headers],
    contentType,
    bodySize: bytes.length,
    body: { size: bytes.length, sha256: 'x', truncated: false, declaredSize: bytes.length, storage: 'inline' },
    inline: inlineBody(bytes),
  })
}

/**
 * Stores the named captures, then checks that each search finds exactly the captures it names, newest
 * first: in the active segment, once that segment is sealed, and after a restart.
 */
async function expectSearches(dir: string, bodies: Record<string, CaptureRecord>, searches: Array<[text: string, names: string[]]>): Promise<void> {
  let { history } = await openHistory(dir, 100) // capacity 10 per segment
  for (const capture of Object.values(bodies)) await history.append(capture)
  const name = new Map(Object.entries(bodies).map(([key, capture]) => [capture.id, key]))
  const expectFound = async (where: string) => {
    await history.searchSettled()
    for (const [text, names] of searches) expect(history.query({ text }).items.map((s) => name.get(s.id)), `${where}: ${text}`).toEqual(names)
  }
  await expectFound('active segment')
  for (let i = 0; i < 10; i++) await history.append(record()) // seals the first segment
  await expectFound('sealed')
  await history.close()
  ;({ history } = await openHistory(dir, 100))
  await expectFound('after a restart')
  await history.close()
}

const FORM: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded']

/** Text that compresses about as little as text does: words numbered and salted. */
function words(count: number, prefix: string): string {
  const salt = randomBytes(count * 4).toString('hex')
  return Array.from({ length: count }, (_, i) => `${prefix}${i}-${salt.slice(i * 8, i * 8 + 8)}`).join(' ')
}

describe('search reads form values and compressed bodies as the detail shows them', () => {
  it('finds a form’s names and values decoded (Slack, Twilio), in the active segment, sealed and after a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const bodies = {
      slack: sent(Buffer.from('token=abc&command=%2Fweather&text=hello+world&user_name=Steve\r\n'), [['Content-Type', 'Application/X-WWW-Form-Urlencoded']]),
      twilio: sent(Buffer.from('Body=Hello%20there%21&From=%2B15551234567'), [['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8']]),
      malformed: sent(Buffer.from('note=100%+sure%zz&caf%C3%A9=cr%C3%A8me%E2%82%AC'), [FORM]),
      latin1: sent(Buffer.from('name=M%FCller&city=K%F6ln'), [FORM]),
      json: sent(Buffer.from('{"text":"hello+world","Body":"Hello%20there%21"}'), [['Content-Type', 'application/json']]),
    }
    await expectSearches(dir, bodies, [
      ['hello world', ['slack']],
      ['text=hello world', ['slack']],
      ['command=/weather', ['slack']],
      ['Hello there!', ['twilio']],
      ['from=+15551234567', ['twilio']],
      // A malformed escape reads as written; a '+' is a space even next to one.
      ['note=100% sure%zz', ['malformed']],
      ['café=crème€', ['malformed']],
      // Escaped bytes that are not UTF-8 read as latin1, as the form viewer shows them.
      ['name=müller', ['latin1']],
      ['köln', ['latin1']],
      // The body as sent is still searched, and a JSON body is never read as a form.
      ['hello+world', ['json', 'slack']],
      ['hello%20there%21', ['json', 'twilio']],
    ])
  })

  it('finds a body in the charset its Content-Type declares by the text the detail shows, compressed or not, also after a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const utf16le = (text: string) => Buffer.from(text, 'utf16le')
    const bodies = {
      latin1: sent(Buffer.from('Grüße aus Köln ½', 'latin1'), [['Content-Type', 'text/plain; charset=iso-8859-1']]),
      quoted: sent(Buffer.from('Caf\u00e9 cr\u00e8me', 'latin1'), [['Content-Type', 'text/plain; charset="ISO-8859-1"']]),
      utf16: sent(utf16le('{"städte":"Zürich"}'), [['Content-Type', 'application/json; charset=utf-16le']]),
      gzipped: sent(zlib.gzipSync(Buffer.from('Straße gezippt', 'latin1')), [['Content-Type', 'text/plain; charset=iso-8859-1'], ['Content-Encoding', 'gzip']]),
      utf8: sent(Buffer.from('naïve ünicode'), [['Content-Type', 'text/plain; charset=utf-8']]),
      unknown: sent(Buffer.from('plain ünknown'), [['Content-Type', 'text/plain; charset=x-martian']]),
    }
    await expectSearches(dir, bodies, [
      ['grüße aus köln ½', ['latin1']],
      ['café crème', ['quoted']],
      ['"städte":"zürich"', ['utf16']],
      ['straße gezippt', ['gzipped']],
      // UTF-8 declared, or a charset no decoder knows: read as UTF-8, as the detail shows them.
      ['naïve ünicode', ['utf8']],
      ['plain ünknown', ['unknown']],
    ])
  })

  it('finds an XML or HTML body without a charset in its Content-Type by the text its BOM or own declaration says, as the detail shows it, compressed or not, also after a restart', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const soap = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><Notification><Merchant>Café Müller</Merchant><Amount>12,50 \u20ac</Amount></Notification>', 'latin1')
    soap[soap.indexOf(0xac)] = 0x80 // € in windows-1252
    const bodies = {
      declared: sent(soap, [['Content-Type', 'text/xml']]),
      gzipped: sent(zlib.gzipSync(Buffer.from("<?xml version='1.0' encoding='windows-1252'?><a>Straße gezippt</a>", 'latin1')), [['Content-Type', 'application/xml'], ['Content-Encoding', 'gzip']]),
      bom: sent(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0"?><a>Zürich ✓</a>', 'utf16le')]), [['Content-Type', 'application/soap+xml']]),
      html: sent(Buffer.from('<html><head><meta charset="iso-8859-1"></head><body>Schöne Grüße</body></html>', 'latin1'), [['Content-Type', 'text/html']]),
      // A charset in the Content-Type wins over the declaration.
      header: sent(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>Genève</a>'), [['Content-Type', 'text/xml; charset=utf-8']]),
    }
    await expectSearches(dir, bodies, [
      ['café müller', ['declared']],
      ['12,50 €', ['declared']],
      ['straße gezippt', ['gzipped']],
      ['zürich ✓', ['bom']],
      ['schöne grüße', ['html']],
      ['genève', ['header']],
    ])
  })

  it('reads windows-1252 (and latin1, iso-8859-1, us-ascii, which browsers read as it) with its €, curly quotes and dashes, as the detail shows them', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100)
    // "Price: 10 €, “quoted” – ‘fine’ … ™" in windows-1252.
    const bytes = Buffer.from([...Buffer.from('Price: 10 '), 0x80, 0x2c, 0x20, 0x93, ...Buffer.from('quoted'), 0x94, 0x20, 0x96, 0x20, 0x91, ...Buffer.from('fine'), 0x92, 0x20, 0x85, 0x20, 0x99])
    const labels = ['windows-1252', 'ISO-8859-1', 'latin1', 'us-ascii']
    const ids = new Map<string, string>()
    for (const label of labels) {
      const capture = sent(bytes, [['Content-Type', `text/plain; charset=${label}`]])
      ids.set(capture.id, label)
      await history.append(capture)
    }
    await history.searchSettled()
    const found = (text: string) => history.query({ text }).items.map((s) => ids.get(s.id)).sort()
    expect(found('price: 10 €, “quoted” – ‘fine’ … ™')).toEqual([...labels].sort())
    expect(found('€')).toEqual([...labels].sort())
    await history.close()
  })

  it('finds a multipart part by its text in the charset its own Content-Type declares, as the detail shows it', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const part = (headers: string, content: Buffer) => Buffer.concat([Buffer.from(`--b0und\r\n${headers}\r\n\r\n`, 'latin1'), content, Buffer.from('\r\n')])
    const multipart = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from('--b0und--\r\n')])
    const type: Array<[string, string]> = [['Content-Type', 'multipart/form-data; boundary=b0und']]
    const bodies = {
      // SendGrid's inbound parse: the text part in the mail's own charset, beside a UTF-8 one.
      sendgrid: sent(
        multipart(
          part('Content-Disposition: form-data; name="from"', Buffer.from('Jürgen <j@example.com>')),
          part('Content-Disposition: form-data; name="text"\r\nContent-Type: text/plain; charset=iso-8859-1', Buffer.from('Viele Grüße aus Köln', 'latin1')),
        ),
        type,
      ),
      utf16: sent(multipart(part('Content-Disposition: form-data; name="note"\r\nContent-Type: text/plain; charset="UTF-16LE"', Buffer.from('Zürich', 'utf16le'))), type),
      // Cut short inside its part: read as far as it goes.
      cut: sent(Buffer.from('--b0und\r\nContent-Disposition: form-data; name="t"\r\nContent-Type: text/plain; charset=latin1\r\n\r\nSchöne Straße', 'latin1'), type),
      // Compressed (Content-Encoding around the whole multipart body): its parts read as the detail shows them.
      gzipped: sent(zlib.gzipSync(multipart(part('Content-Disposition: form-data; name="text"\r\nContent-Type: text/plain; charset=iso-8859-1', Buffer.from('Grüße gezippt', 'latin1')))), [...type, ['Content-Encoding', 'gzip']]),
      brotli: sent(zlib.brotliCompressSync(multipart(part('Content-Disposition: form-data; name="note"\r\nContent-Type: text/plain; charset=utf-16le', Buffer.from('Bülach gepresst', 'utf16le')))), [...type, ['Content-Encoding', 'br']]),
    }
    await expectSearches(dir, bodies, [
      ['viele grüße aus köln', ['sendgrid']],
      ['jürgen', ['sendgrid']],
      ['zürich', ['utf16']],
      ['schöne straße', ['cut']],
      ['grüße gezippt', ['gzipped']],
      ['bülach gepresst', ['brotli']],
    ])
  })

  it('finds a compressed body by its decoded text (gzip, x-gzip, deflate, raw deflate, br, zstd where Node has it), keeping the bytes as sent', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    let { history } = await openHistory(dir, 100)
    const zstd = (zlib as unknown as { zstdCompressSync?: (input: Buffer) => Buffer }).zstdCompressSync
    const encodings: Array<[label: string, header: string, compress: (input: Buffer) => Buffer]> = [
      ['gzip', 'gzip', zlib.gzipSync],
      ['x-gzip', 'x-gzip', zlib.gzipSync],
      ['deflate', 'deflate', zlib.deflateSync],
      ['raw-deflate', 'Deflate', zlib.deflateRawSync], // sent raw by many servers, and named in any case
      ['br', 'br', zlib.brotliCompressSync],
      ['deflate-then-br', 'deflate, br', (input) => zlib.brotliCompressSync(zlib.deflateSync(input))],
      ...(typeof zstd === 'function' ? [['zstd', 'zstd', zstd] as [string, string, (input: Buffer) => Buffer]] : []),
    ]
    if (typeof zstd !== 'function') console.log('zstd: not in this Node’s zlib, not tested')
    const stored = new Map<string, Buffer>()
    for (const [label, header, compress] of encodings) {
      const bytes = compress(Buffer.from(JSON.stringify({ event: `Decoded-Word-${label}`, padding: 'abc'.repeat(500) })))
      const capture = sent(bytes, [['Content-Type', 'application/json'], ['Content-Encoding', header]])
      stored.set(capture.id, bytes)
      await history.append(capture)
    }
    // A compressed form reads as a form once decoded; damaged and unknown encodings add nothing.
    const form = sent(zlib.gzipSync('text=zipped+form%21'), [FORM, ['Content-Encoding', 'gzip']])
    await history.append(form)
    await history.append(sent(Buffer.from('plain-word, not gzip at all'), [['Content-Encoding', 'gzip']]))
    await history.append(sent(Buffer.from('compress-word as sent'), [['Content-Encoding', 'compress']]))
    await history.append(sent(Buffer.from('identity-word'), [['Content-Encoding', 'identity']]))
    const expectFound = async (where: string) => {
      await history.searchSettled()
      for (const [label] of encodings) expect(history.query({ text: `decoded-word-${label}"` }).total, `${where}: ${label}`).toBe(1)
      expect(history.query({ text: 'decoded-word-' }).total, where).toBe(encodings.length)
      expect(history.query({ text: 'text=zipped form!' }).items.map((s) => s.id), where).toEqual([form.id])
      for (const word of ['plain-word', 'compress-word', 'identity-word']) expect(history.query({ text: word }).total, `${where}: ${word}`).toBe(1)
      for (const [id, bytes] of stored) expect((await history.readBody(id, 0, 1 << 20))?.bytes.equals(bytes), `${where}: stored as sent`).toBe(true)
    }
    await expectFound('active segment')
    await history.close()
    ;({ history } = await openHistory(dir, 100))
    await expectFound('after a restart')
    await history.close()
  })

  it('a body of two encodings cut short is found by the words its start decodes to', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir)
    const cuts = new Map<string, string>()
    // Small and large: decoded at once or on the thread pool.
    for (const [label, count] of [['small', 200], ['large', 4000]] as const) {
      const text = `Chain-Start-${label} ${words(count, label)} Chain-End-${label}`
      const whole = zlib.brotliCompressSync(zlib.deflateSync(text))
      const capture = sent(whole.subarray(0, Math.floor(whole.length * 0.6)), [['Content-Encoding', 'deflate, br']])
      cuts.set(label, capture.id)
      await history.append(capture)
    }
    await history.searchSettled()
    for (const [label, id] of cuts) {
      expect(history.query({ text: `chain-start-${label}` }).items.map((s) => s.id), label).toEqual([id])
      expect(history.query({ text: `chain-end-${label}` }).total, label).toBe(0)
    }
    await history.close()
  })

  it('reads and decodes only what is still stored when retention or a clear comes first', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir, 100) // capacity 10 per segment
    const compressed = (i: number) => sent(zlib.gzipSync(`kept-or-gone ${i}`), [['Content-Encoding', 'gzip']])
    // Two full segments, and retention asked in the same turn: the older segment is dropped (within
    // the seal its filling queued) before the decode queue's first turn; only the newer is read.
    const filled = Array.from({ length: 20 }, (_, i) => history.append(compressed(i)))
    await Promise.all([...filled, history.setRetention({ maxCaptures: 10, maxBytes: 1024 ** 3 })])
    await history.searchSettled()
    expect(history.count).toBe(10)
    expect(history.searchReads, 'bodies read for captures retention dropped').toBe(10)
    expect(history.query({ text: 'kept-or-gone 9' }).total).toBe(0)
    expect(history.query({ text: 'kept-or-gone 19' }).total).toBe(1)
    await history.clear('ep_a')
    // A clear in the same turn as the appends likewise.
    await history.setRetention({ maxCaptures: 100, maxBytes: 1024 ** 3 })
    const appended = Array.from({ length: 5 }, (_, i) => history.append(compressed(10 + i)))
    await Promise.all([...appended, history.clear('ep_a')])
    await history.searchSettled()
    expect(history.count).toBe(0)
    expect(history.searchReads, 'bodies read for captures cleared').toBe(10)
    expect(history.query({ text: 'kept-or-gone' }).total).toBe(0)
    // And captures stored after are read and decoded as ever.
    await history.append(sent(zlib.gzipSync('after-the-clear'), [['Content-Encoding', 'gzip']]))
    await history.searchSettled()
    expect(history.searchReads).toBe(11)
    expect(history.query({ text: 'after-the-clear' }).total).toBe(1)
    await history.close()
  })

  it('reopening a history of many compressed captures holds none of their bodies, and finds them all once settled', async () => {
    // Sent with Content-Encoding, and the same bytes under another header of the same length (nothing
    // to decode, and the same search text): what reopening the first costs beyond the second is what
    // its decode queue holds.
    const count = 1000
    const bodies = Array.from({ length: count }, (_, i) => zlib.gzipSync(`Reopened-Word ${i}; ${randomBytes(9600).toString('hex')}`))
    const total = bodies.reduce((sum, body) => sum + body.length, 0)
    const gc = collector()
    const write = async (headers: Array<[string, string]>) => {
      const dir = await tempDir()
      dirs.push(dir)
      const { history } = await openHistory(dir)
      await Promise.all(bodies.map((body) => history.append(sent(body, headers))))
      await history.close()
      return dir
    }
    const reopen = async (dir: string) => {
      gc()
      const before = process.memoryUsage().arrayBuffers
      const { history } = await openHistory(dir)
      gc()
      return { history, growth: process.memoryUsage().arrayBuffers - before }
    }
    const unmarkedGrowth = await (async () => {
      const unmarked = await reopen(await write([['Content-Type', 'text/plain'], ['Sent-As-Encoding', 'gzip']]))
      await unmarked.history.close()
      return unmarked.growth
    })()
    const { history, growth } = await reopen(await write([['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']]))
    const queued = growth - unmarkedGrowth
    console.log(`reopened ${count} gzip bodies (${(total / 1024 ** 2).toFixed(1)} MB): array buffers after opening, less those of the same bytes unmarked: ${(queued / 1024).toFixed(0)} KB`)
    expect(queued).toBeLessThan(total / 4)
    await history.searchSettled(60_000)
    expect(history.query({ text: 'reopened-word' }).total).toBe(count)
    expect(history.query({ text: 'reopened-word 17;' }).total).toBe(1)
    await history.close()
  })

  it('keeps a compressed body’s decoded text for search, not its compressed bytes read as text', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir)
    // Text that compresses to bytes that are mostly not UTF-8 (each would read as a 3-byte character).
    const text = `Decoded-Start ${randomBytes(6 * 1024).toString('base64')}`
    const compressed = zlib.gzipSync(text)
    const head = history.searchTextBytes
    await history.append(sent(compressed, [['Content-Encoding', 'gzip']]))
    await history.searchSettled(60_000)
    expect(history.query({ text: 'decoded-start' }).total).toBe(1)
    // The request line and headers take a few hundred bytes; the decoded text its length.
    expect(history.searchTextBytes - head).toBeLessThan(text.length + 1024)
    await history.close()
  })

  it('a text search waits for the bodies queued before it, not for those queued after, and not for long', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const { history } = await openHistory(dir)
    // Text that compresses poorly, so that each body takes a while to decode.
    const heavy = (word: string) => sent(zlib.gzipSync(`${word} ${randomBytes(24 * 1024).toString('hex')}`), [['Content-Encoding', 'gzip']])
    await Promise.all(Array.from({ length: 150 }, (_, i) => history.append(heavy(i === 149 ? 'First-Batch-Last' : `first-${i}`))))
    const settled = history.searchSettled(60_000)
    // Bodies keep arriving while the search waits: under nonstop traffic the queue is never empty.
    const later = Promise.all(Array.from({ length: 150 }, (_, i) => history.append(heavy(i === 149 ? 'Later-Batch-Last' : `later-${i}`))))
    await settled
    expect(history.query({ text: 'first-batch-last' }).total).toBe(1)
    expect(history.query({ text: 'later-batch-last' }).total).toBe(0)
    await later
    await history.searchSettled(60_000)
    expect(history.query({ text: 'later-batch-last' }).total).toBe(1)

    // A long backlog (say, at start) holds a search up for a bounded time only.
    await Promise.all(Array.from({ length: 150 }, (_, i) => history.append(heavy(i === 149 ? 'Backlog-Last' : `backlog-${i}`))))
    await history.searchSettled(1)
    expect(history.query({ text: 'backlog-last' }).total).toBe(0)
    await history.close()
  })

  it('a compressed request over HTTP is found through the Api once stored, as a blob too, and after a restart', async () => {
    t = await startEngine()
    const small = zlib.gzipSync(JSON.stringify({ message: 'Gzipped-Over-HTTP' }))
    // Past the inline limit compressed: a blob, whose first bytes are read back from its file at start.
    const large = zlib.gzipSync(`Blob-Start-Word ${words(20_000, 'w')}`)
    expect(large.length).toBeGreaterThan(64 * 1024)
    const both = captures(t.engine, 2)
    for (const body of [small, large]) {
      const response = await fetch(t.url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body })
      expect(response.status).toBe(200)
    }
    const ids = (await both).map((s) => s.id)
    expect((await t.engine.capture(ids[1]!)).body.storage).toBe('blob')
    const expectFound = async (engine: TestEngine, where: string) => {
      // Asked at once, as a live list asks: the Api answers once decoded bodies are searchable.
      const api = apiOf(engine.engine)
      expect((await api['captures.query']({ text: 'gzipped-over-http' })).items.map((s) => s.id), where).toEqual([ids[0]])
      expect((await api['captures.query']({ text: 'blob-start-word' })).items.map((s) => s.id), where).toEqual([ids[1]])
      expect((await storedBody(engine.engine, ids[1]!)).equals(large), `${where}: stored as sent`).toBe(true)
    }
    await expectFound(t, 'as stored')
    t = await t.reopen()
    await expectFound(t, 'after a restart')
  })

  it('a gzip bomb is stored as sent and decoded no further than search reads, without the memory to inflate it', async () => {
    // 50 MB of zeros between two words, compressed to about 50 KB.
    const bomb = zlib.gzipSync(Buffer.concat([Buffer.from('Bomb-Head-Word '), Buffer.alloc(50 * 1024 * 1024), Buffer.from(' Bomb-Tail-Word')]))
    expect(bomb.length).toBeLessThan(64 * 1024)
    t = await startEngine()
    const api = apiOf(t.engine)
    const linux = process.platform === 'linux'
    let before = 0
    if (linux) {
      // Reset this process's peak RSS: what follows must not raise it by the bomb's size.
      nodeFs.writeFileSync('/proc/self/clear_refs', '5')
      before = kib('VmRSS')
    }
    const done = captures(t.engine, 1)
    const response = await fetch(t.url, { method: 'POST', headers: { 'Content-Encoding': 'gzip' }, body: bomb })
    expect(response.status).toBe(200)
    const [summary] = await done
    expect((await api['captures.query']({ text: 'bomb-head-word' })).items.map((s) => s.id)).toEqual([summary!.id])
    expect((await api['captures.query']({ text: 'bomb-tail-word' })).total).toBe(0)
    if (linux) {
      const growthMb = (kib('VmHWM') - before) / 1024
      console.log(`gzip bomb: peak RSS growth ${growthMb.toFixed(1)} MB`)
      expect(growthMb).toBeLessThan(24)
    } else console.log('peak RSS not checked: read from /proc/self/status, which exists only on Linux')
    expect(summary!.bodySize).toBe(bomb.length)
    expect((await storedBody(t.engine, summary!.id)).equals(bomb)).toBe(true)
  })

  it('a gzip body cut short at the size cap is found by the words its start decodes to, also after a restart', async () => {
    t = await startEngine({ limits: { maxBodyBytes: 3000 } })
    const text = `Cut-Start-Word ${words(3000, 'x')} Cut-End-Word`
    const gzipped = zlib.gzipSync(text)
    expect(gzipped.length).toBeGreaterThan(3000)
    const done = captures(t.engine, 1)
    const chunks = [gzipped.subarray(0, 2000), gzipped.subarray(2000, 4000)]
    const payload = [`POST /cut HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`, ...chunks.flatMap((chunk) => [`${chunk.length.toString(16)}\r\n`, chunk, '\r\n']), '0\r\n\r\n']
    const { responses } = await rawExchange(t.port, payload)
    expect(responses[0]!.status).toBe(413)
    const [summary] = await done
    expect(summary!.flags).toContain('truncated')
    expect(summary!.bodySize).toBe(3000)
    const expectFound = async (engine: TestEngine, where: string) => {
      const api = apiOf(engine.engine)
      expect((await api['captures.query']({ text: 'cut-start-word' })).items.map((s) => s.target), where).toEqual(['/cut'])
      expect((await api['captures.query']({ text: text.slice(text.indexOf(' x100-'), text.indexOf(' x101-')).toLowerCase() })).total, where).toBe(1)
      expect((await api['captures.query']({ text: 'cut-end-word' })).total, where).toBe(0)
    }
    await expectFound(t, 'as stored')
    t = await t.reopen()
    await expectFound(t, 'after a restart')
  })
})

/**
 * A full garbage collection on demand (V8's own, exposed here rather than by a command-line flag),
 * twice: array buffers found dead by one are swept, and counted free, by the time the next one ends.
 */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  return () => {
    gc()
    gc()
  }
}

function kib(field: 'VmRSS' | 'VmHWM'): number {
  const status = nodeFs.readFileSync('/proc/self/status', 'utf8')
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1])
}

describe('the journal', () => {
  it('skips zeros written ahead and gaps left by a batch that never landed', () => {
    const a = JSON.stringify({ id: 'a' })
    const b = JSON.stringify({ id: 'b' })
    const text = `${a}\n${'\0'.repeat(40)}${b}\n${'\0'.repeat(1000)}`
    expect(parseJournal(text)).toEqual({ lines: [{ id: 'a' }, { id: 'b' }], damaged: 0 })
    expect(parseJournal(`${a}\n{"id":"torn${'\0'.repeat(10)}`)).toEqual({ lines: [{ id: 'a' }], damaged: 0 })
    expect(parseJournal(`${a}\n{oops}\n${b}\n`).damaged).toBe(1)
  })

  it('drains the lines appended so far while appends go on without pause', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const journal = new Journal(path.join(dir, 'j.journal'), { sync: () => 'disk' })
    await journal.append('{"n":0}')
    // A line every turn of the event loop, so the journal is never idle.
    let pumping = true
    const pump = () => {
      if (!pumping) return
      journal.append('{"more":1}').catch(() => undefined)
      setImmediate(pump)
    }
    pump()
    try {
      const outcome = await Promise.race([
        journal.drain().then(() => 'drained'),
        (async () => {
          for (let i = 0; i < 20; i++) await journal.append('{"after":1}')
          return 'still waiting after 20 more flushes'
        })(),
      ])
      expect(outcome).toBe('drained')
    } finally {
      pumping = false
      await journal.close()
    }
  })

  it('flushes a batch to stable storage only when a line in it asks for that', async () => {
    const dir = await tempDir()
    dirs.push(dir)
    const journal = new Journal(path.join(dir, 'j.journal'), { sync: () => 'disk' })
    const flushes = vi.spyOn(nodeFs, 'fdatasync')
    try {
      await Promise.all([journal.append('{"n":1}', true), journal.append('{"n":2}', true)])
      expect(flushes).not.toHaveBeenCalled()
      // Written to the operating system all the same: readable at once.
      expect(parseJournal(await fs.readFile(journal.file, 'utf8')).lines).toEqual([{ n: 1 }, { n: 2 }])
      await Promise.all([journal.append('{"n":3}', true), journal.append('{"n":4}')])
      expect(flushes).toHaveBeenCalledTimes(1)
    } finally {
      flushes.mockRestore()
      await journal.close()
    }
  })
})
