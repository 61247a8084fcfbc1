// Export files are written piece by piece, but hold exactly the text the formats give as one string
// (JSON.stringify with two-space indents, curl's commands); and the traffic list's export, which
// joins the files of its slices, gives the same file whether a slice came as text or as a file.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { ExportFiles, LongValues, writeHar, writeJson, type ExportWriter } from '../../electron/core/collections/export-file'
import { toCurl, toCurlPieces, toHar, toPostman, type Exchange } from '../../shared/formats'
import { exportList } from '../../renderer/src/workbench/list-export'
import { apiOf, captures, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'
import { exportedText } from '../helpers/exports'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
testScope(() => t)
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir))
})

/** What an export writes, read back whole. */
async function written(write: (out: ExportWriter) => Promise<unknown>): Promise<string> {
  const dir = await tempDir()
  dirs.push(dir)
  const files = new ExportFiles(dir)
  const made = await files.create(async (out) => {
    await write(out)
  })
  if ('text' in made) return made.text
  const parts: Buffer[] = []
  for (let offset = 0; offset < made.file.size; ) {
    const slice = await files.read(made.file.id, offset, 8 * 1024 * 1024)
    parts.push(Buffer.from(slice.base64, 'base64'))
    offset += slice.size
  }
  return Buffer.concat(parts).toString('utf8')
}

const MB = 1024 * 1024

/** Texts of megabytes compared where they first differ (a failure then shows that much, not all of them). */
function expectSame(actual: string, expected: string): void {
  let at = 0
  while (at < actual.length && actual[at] === expected[at]) at++
  expect({ at, length: actual.length, actual: actual.slice(Math.max(0, at - 80), at + 80) }).toEqual({ at: expected.length, length: expected.length, actual: expected.slice(Math.max(0, at - 80), at + 80) })
}
// Text whose characters take 1 to 4 bytes, a surrogate pair cut by every slice boundary it can meet.
const mixed = (length: number) => {
  const unit = 'a"\\\n\t\u0001é€\u2028😀</script>'
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
}

const text = Buffer.from(mixed(MB + 7), 'utf8')
const binary = Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(MB + 1)])

function exchanges(): Exchange[] {
  return [
    { request: { method: 'POST', url: 'http://127.0.0.1:1/text', headers: [['Content-Type', 'text/plain']], body: text }, startedAt: 1, name: 'text' },
    {
      request: { method: 'PUT', url: 'http://127.0.0.1:1/binary', headers: [['Content-Type', 'application/octet-stream']], body: binary },
      response: { status: 200, statusText: 'OK', headers: [['Content-Type', 'application/octet-stream']], body: binary },
      startedAt: 2,
    },
    { request: { method: 'GET', url: 'http://127.0.0.1:1/small', headers: [], body: new Uint8Array(0) }, response: { status: 204, statusText: 'No Content', headers: [], body: Buffer.from('ok') }, startedAt: 3 },
  ]
}

describe('export files', () => {
  it('JSON written piece by piece is JSON.stringify’s text, byte for byte', async () => {
    const value = {
      short: 'x',
      long: mixed(3 * MB + 1),
      exact: 'b'.repeat(64 * 1024),
      nested: [[], {}, [mixed(70 * 1024), null, 1.5, true], { inner: { deeper: mixed(1024 * 1024 - 1) + '😀' } }],
      skipped: undefined,
      mark: '\u0000not a mark\u0000',
    }
    expectSame(await written((out) => writeJson(out, value)), JSON.stringify(value, null, 2))
  })

  it('HAR and Postman with their bodies written from their bytes are the formats’ own text', async () => {
    const creator = { name: 'Hookscope', version: 'test' }
    for (const list of [exchanges(), exchanges().slice(2), []]) {
      const long = new LongValues()
      const har = toHar(list, { creator, now: 0, bodyText: long.bodyText })
      expectSame(await written((out) => writeHar(out, har, long)), JSON.stringify(toHar(list, { creator, now: 0 }), null, 2))
    }
    const long = new LongValues()
    // A Postman example repeats its request, body included.
    const postman = toPostman(exchanges(), { name: 'Large', id: 'fixed', bodyText: long.bodyText })
    expectSame(await written((out) => writeJson(out, postman, 0, long)), JSON.stringify(toPostman(exchanges(), { name: 'Large', id: 'fixed' }), null, 2))
  })

  it('curl commands given in pieces join into the command', () => {
    for (const exchange of exchanges()) {
      expectSame([...toCurlPieces(exchange.request, { script: true })].join(''), toCurl(exchange.request, { script: true }))
    }
  })

  it('the traffic list joins slices answered as text and as files into the file one export gives', async () => {
    t = await startEngine({ limits: { maxBodyBytes: 64 * MB } })
    const bodies = [Buffer.from('{"small":1}'), Buffer.from(mixed(2 * MB), 'utf8'), randomBytes(3 * MB), Buffer.from('tail')]
    const stored = captures(t.engine, bodies.length)
    for (const [n, body] of bodies.entries()) {
      await new Promise<void>((resolve, reject) =>
        http
          .request(`${t!.url}/hook/${n}`, { method: 'POST', headers: { 'Content-Length': body.length } }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end(body),
      )
    }
    const ids = (await stored).map((summary) => summary.id)
    const api = apiOf(t.engine)
    const whole = await api['captures.export']({ ids, format: 'har' })
    expect(whole.file).toBeDefined()
    const expected = await exportedText(api, whole)
    for (const slice of [1, 2, 250]) {
      const result = await exportList(api, { query: {}, format: 'har', slice, signal: new AbortController().signal, onProgress: () => undefined })
      expectSame(await result.blob.text(), expected)
    }
    const curl = await exportedText(api, await api['captures.export']({ ids, format: 'curl' }))
    const list = await exportList(api, { query: {}, format: 'curl', slice: 1, signal: new AbortController().signal, onProgress: () => undefined })
    expectSame(await list.blob.text(), curl)
    // Every file read to its end is gone: a read of one again says so.
    await expect(api['exports.read']({ id: whole.file!.id, offset: 0, length: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  }, 60_000)
})
