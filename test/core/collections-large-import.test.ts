// A large file imported as an upload: sent in slices, read off the event loop with progress, so that
// captures are answered while it is read, and cancellable before anything is stored.
import { describe, expect, it } from 'vitest'
import { toHar, type Exchange } from '../../shared/formats'
import { apiOf, rawExchange, startEngine, type TestEngine } from '../helpers/engine'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
testScope(() => t)

/** A HAR file of `count` requests, each with a JSON body of about `bodyBytes`. */
function bigHar(count: number, bodyBytes: number): Buffer {
  const exchanges: Exchange[] = Array.from({ length: count }, (_, n) => ({
    request: {
      method: 'POST',
      url: `http://localhost:3000/hooks/${n}`,
      headers: [['Content-Type', 'application/json']],
      body: new TextEncoder().encode(JSON.stringify({ n, data: 'x'.repeat(bodyBytes) })),
    },
    response: { status: 200, headers: [['Content-Type', 'text/plain']], body: new TextEncoder().encode('ok') },
  }))
  return Buffer.from(JSON.stringify(toHar(exchanges, { creator: { name: 'test', version: '1' } })))
}

async function upload(e: TestEngine, uploadId: string, bytes: Buffer): Promise<void> {
  const api = apiOf(e.engine)
  const slice = 1024 * 1024
  for (let offset = 0; offset < bytes.length; offset += slice) {
    const { received } = await api['collections.importChunk']({ uploadId, offset, base64: bytes.subarray(offset, offset + slice).toString('base64') })
    expect(received).toBe(Math.min(bytes.length, offset + slice))
  }
}

describe('importing a large file', () => {
  it('reads a HAR upload with progress while captures keep being answered', async () => {
    t = await startEngine()
    const e = t
    const api = apiOf(e.engine)
    const file = bigHar(3000, 2000)
    expect(file.length).toBeGreaterThan(6 * 1024 * 1024)
    await upload(e, 'big-1', file)

    const progress: Array<{ done: number; total: number }> = []
    let imported = false
    let answered: Promise<{ status: number | undefined; importedBefore: boolean; doneBefore: number }> | null = null
    const off = e.engine.events.on('collections:importing', ({ uploadId, done, total }) => {
      expect(uploadId).toBe('big-1')
      progress.push({ done, total })
      // A capture sent while the file is being read is answered before the import ends.
      answered ??= rawExchange(e.port, 'POST /during-import HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi').then((result) => ({
        status: result.responses[0]?.status,
        importedBefore: imported,
        doneBefore: progress.at(-1)!.done,
      }))
    })
    try {
      const collection = await api['collections.import']({ format: 'har', uploadId: 'big-1', name: 'Big' })
      imported = true
      expect(collection.items).toHaveLength(3000)
      expect(collection.items[2999]!.request.url).toBe('http://localhost:3000/hooks/2999')
    } finally {
      off()
    }
    expect(progress[0]).toEqual({ done: 0, total: 3000 })
    expect(progress.at(-1)).toEqual({ done: 3000, total: 3000 })
    expect(progress.some(({ done }) => done > 0 && done < 3000)).toBe(true)
    const during = await answered!
    expect(during.status).toBe(200)
    expect(during.importedBefore).toBe(false)
    // An upload is used once.
    await expect(api['collections.import']({ format: 'har', uploadId: 'big-1' })).rejects.toThrow(/never arrived/)
  })

  it('stops an import cancelled while it reads, storing nothing, and drops a cancelled upload', async () => {
    t = await startEngine()
    const e = t
    const api = apiOf(e.engine)
    const before = (await api['collections.list']({})).length
    await upload(e, 'big-2', bigHar(2000, 1000))
    const off = e.engine.events.on('collections:importing', ({ done }) => {
      if (done > 0) void api['collections.cancelImport']({ uploadId: 'big-2' })
    })
    try {
      await expect(api['collections.import']({ format: 'har', uploadId: 'big-2' })).rejects.toThrow(/cancelled; nothing was imported/)
    } finally {
      off()
    }
    expect(await api['collections.list']({})).toHaveLength(before)

    await upload(e, 'big-3', bigHar(10, 10))
    expect(await api['collections.cancelImport']({ uploadId: 'big-3' })).toEqual({ cancelled: true })
    await expect(api['collections.import']({ format: 'har', uploadId: 'big-3' })).rejects.toThrow(/never arrived/)
    // Slices must arrive in order.
    await api['collections.importChunk']({ uploadId: 'big-4', offset: 0, base64: Buffer.from('{"log":').toString('base64') })
    await expect(api['collections.importChunk']({ uploadId: 'big-4', offset: 3, base64: 'AAAA' })).rejects.toThrow(/out of order/)
  })

  it('says what is wrong with a HAR upload, naming the entry', async () => {
    t = await startEngine()
    const api = apiOf(t.engine)
    const har = JSON.parse(bigHar(3, 10).toString()) as { log: { entries: Array<{ request: { url: string } }> } }
    har.log.entries[2]!.request.url = '/not-absolute'
    await upload(t, 'bad-1', Buffer.from(JSON.stringify(har)))
    await expect(api['collections.import']({ format: 'har', uploadId: 'bad-1' })).rejects.toThrow('Not a valid HAR file: log.entries[2].request.url: "/not-absolute" is not an absolute URL')
    await upload(t, 'bad-2', Buffer.from('{"log": {"entries": [}'))
    await expect(api['collections.import']({ format: 'har', uploadId: 'bad-2' })).rejects.toThrow(/Not a valid HAR file: the file is not JSON/)
    await upload(t, 'bad-3', Buffer.from('{"log": {}}'))
    await expect(api['collections.import']({ format: 'har', uploadId: 'bad-3' })).rejects.toThrow(/Not a valid HAR file: log.entries/)
  })
})
