import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeBody } from '../../electron/core/capture/decode'
import { parseMultipart, partHeaderBlocks } from '../../electron/core/capture/multipart'
import type { Capture } from '../../shared/model'
import { captures, connect, nextCapture, rawExchange, removeDir, requestHead, startEngine, type TestEngine } from '../helpers/engine'
import { apiOf } from '../helpers/engine'

let t: TestEngine
afterEach(async () => {
  await t?.close()
  await removeDir(t.dir)
})

async function body(engine: TestEngine['engine'], id: string): Promise<Buffer> {
  const chunk = await apiOf(engine)['captures.body']({ id, offset: 0, length: 16 * 1024 * 1024 })
  return Buffer.from(chunk.base64, 'base64')
}

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

describe('a hand-made request over raw TCP is stored byte for byte', () => {
  it('keeps the request line, header order, case, duplicates, latin1 bytes and a binary body', async () => {
    t = await startEngine()
    const head =
      'PATCH /hooks/../a%2Fb?x=1&x=2&empty=&utf=%E2%9C%93#frag HTTP/1.1\r\n' +
      'hOsT: example.test\r\n' +
      'X-Dup: first\r\n' +
      'content-TYPE: application/octet-stream\r\n' +
      'X-Dup: second\r\n' +
      'X-Latin1: caf\xe9 \xff\xfe\r\n' +
      'X-Empty: \r\n' +
      'X-Spaces: a  b   c\r\n' +
      `Content-Length: ${allBytes.length * 4}\r\n` +
      '\r\n'
    const sentBody = Buffer.concat([allBytes, allBytes, allBytes, allBytes])
    const done = nextCapture(t.engine)
    const { responses } = await rawExchange(t.port, [Buffer.from(head, 'latin1'), sentBody])
    expect(responses[0]!.status).toBe(200)
    const summary = await done
    const check = async (engine: TestEngine['engine']) => {
      const capture: Capture = await engine.capture(summary.id)
      expect(requestHead(capture).equals(Buffer.from(head, 'latin1'))).toBe(true)
      expect(capture.rawHeaders).toEqual([
        ['hOsT', 'example.test'],
        ['X-Dup', 'first'],
        ['content-TYPE', 'application/octet-stream'],
        ['X-Dup', 'second'],
        ['X-Latin1', 'caf\xe9 \xff\xfe'],
        ['X-Empty', ''],
        ['X-Spaces', 'a  b   c'],
        ['Content-Length', '1024'],
      ])
      expect(capture.target).toBe('/hooks/../a%2Fb?x=1&x=2&empty=&utf=%E2%9C%93#frag')
      // Looked up whatever the case the sender used.
      expect(capture.contentType).toBe('application/octet-stream')
      expect(capture.body.declaredSize).toBe(1024)
      const stored = await body(engine, summary.id)
      expect(stored.equals(sentBody)).toBe(true)
      expect(capture.body.sha256).toBe(createHash('sha256').update(sentBody).digest('hex'))
      expect(capture.body.size).toBe(1024)
      expect(capture.remoteAddress).toBe('127.0.0.1')
      expect(capture.timings.bodyEndMs).toBeGreaterThanOrEqual(0)
      expect(capture.timings.storedMs!).toBeGreaterThanOrEqual(capture.timings.bodyEndMs!)
    }
    await check(t.engine)
    // The same bytes come back after a restart, read from disk.
    t = await t.reopen()
    await check(t.engine)
  })

  it('keeps a chunked body and its trailers', async () => {
    t = await startEngine()
    const done = nextCapture(t.engine)
    const { responses } = await rawExchange(
      t.port,
      'POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n' +
        '5\r\nhello\r\n' +
        '1;ext=1\r\n \r\n' +
        '5\r\nworld\r\n' +
        '0\r\nX-Checksum: abc\r\nx-other: \xe9\r\n\r\n',
    )
    expect(responses[0]!.status).toBe(200)
    const capture = await t.engine.capture((await done).id)
    expect((await body(t.engine, capture.id)).toString()).toBe('hello world')
    expect(capture.rawTrailers).toEqual([
      ['X-Checksum', 'abc'],
      ['x-other', '\xe9'],
    ])
    expect(capture.body.declaredSize).toBeNull()
  })

  it('keeps a body that is not valid UTF-8, exactly', async () => {
    t = await startEngine()
    const bad = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x80, 0x22, 0x7d])
    const done = nextCapture(t.engine)
    await rawExchange(t.port, [`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bad.length}\r\n\r\n`, bad])
    const summary = await done
    expect((await body(t.engine, summary.id)).equals(bad)).toBe(true)
    t = await t.reopen()
    expect((await body(t.engine, summary.id)).equals(bad)).toBe(true)
  })

  it('accepts any method the parser knows, PROPFIND and QUERY included, and HTTP/1.0', async () => {
    t = await startEngine()
    const all = captures(t.engine, 3)
    const a = await rawExchange(t.port, 'PROPFIND /dav HTTP/1.1\r\nHost: x\r\nDepth: 1\r\nContent-Length: 0\r\n\r\n')
    const b = await rawExchange(t.port, 'QUERY /search HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi')
    const c = await rawExchange(t.port, 'GET /old HTTP/1.0\r\n\r\n')
    expect([a, b, c].map((r) => r.responses[0]!.status)).toEqual([200, 200, 200])
    const seen = await all
    expect(seen.map((s) => [s.method, s.target])).toEqual([
      ['PROPFIND', '/dav'],
      ['QUERY', '/search'],
      ['GET', '/old'],
    ])
    expect((await t.engine.capture(seen[2]!.id)).httpVersion).toBe('1.0')
  })

  it('keeps absolute-form and asterisk-form targets as sent', async () => {
    t = await startEngine()
    const all = captures(t.engine, 2)
    await rawExchange(t.port, 'GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: x\r\n\r\n')
    await rawExchange(t.port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await all).map((s) => s.target)).toEqual(['http://169.254.169.254/latest/meta-data', '*'])
  })

  it('keeps duplicate Host headers and a request without Host', async () => {
    t = await startEngine()
    const all = captures(t.engine, 2)
    await rawExchange(t.port, 'GET /dup HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n')
    await rawExchange(t.port, 'GET /nohost HTTP/1.1\r\n\r\n')
    const [dup, none] = await all
    expect((await t.engine.capture(dup!.id)).rawHeaders).toEqual([
      ['Host', 'a.test'],
      ['Host', 'b.test'],
    ])
    expect((await t.engine.capture(none!.id)).rawHeaders).toEqual([])
  })

  it('answers pipelined requests in order and captures each', async () => {
    t = await startEngine()
    const all = captures(t.engine, 3)
    const { responses } = await rawExchange(
      t.port,
      'POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none' +
        'GET /2 HTTP/1.1\r\nHost: x\r\n\r\n' +
        'POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthree\r\n0\r\n\r\n',
      { responses: 3 },
    )
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200])
    const seen = await all
    expect(seen.map((s) => s.target)).toEqual(['/1', '/2', '/3'])
    expect((await body(t.engine, seen[0]!.id)).toString()).toBe('one')
    expect((await body(t.engine, seen[2]!.id)).toString()).toBe('three')
  })

  it('sends 100 Continue before reading the body when asked to', async () => {
    t = await startEngine()
    const net = await import('node:net')
    const socket = net.connect(t.port, '127.0.0.1')
    const received: Buffer[] = []
    const gotContinue = new Promise<void>((resolve) =>
      socket.on('data', (chunk) => {
        received.push(chunk)
        if (Buffer.concat(received).toString().startsWith('HTTP/1.1 100 Continue')) resolve()
      }),
    )
    const done = nextCapture(t.engine)
    socket.write('POST /expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n')
    await gotContinue
    socket.write('later')
    const summary = await done
    socket.destroy()
    expect((await body(t.engine, summary.id)).toString()).toBe('later')
    expect(summary.status).toBe(200)
  })

  it('answers CONNECT with 405 and records that it was asked', async () => {
    t = await startEngine()
    const done = nextCapture(t.engine)
    const { responses } = await rawExchange(t.port, 'CONNECT internal.example:443 HTTP/1.1\r\nHost: internal.example:443\r\n\r\n')
    expect(responses[0]!.status).toBe(405)
    const summary = await done
    expect(summary).toMatchObject({ method: 'CONNECT', target: 'internal.example:443', status: 405 })
  })

  it('survives a CONNECT whose sender resets the connection before it is answered', async () => {
    t = await startEngine()
    const uncaught: unknown[] = []
    const record = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', record)
    try {
      for (let i = 0; i < 3; i++) {
        const received = t.engine.events.waitFor('capture:received', (s) => s.method === 'CONNECT' && s.target === `reset-${i}.example:443`)
        const completed = nextCapture(t.engine, (s) => s.target === `reset-${i}.example:443`)
        const socket = await connect(t.port)
        socket.write(`CONNECT reset-${i}.example:443 HTTP/1.1\r\nHost: reset-${i}.example:443\r\n\r\n`)
        await received
        socket.resetAndDestroy()
        expect(await completed).toMatchObject({ method: 'CONNECT', status: 405 })
      }
      // The endpoint still captures and answers.
      const { responses } = await rawExchange(t.port, 'GET /after HTTP/1.1\r\nHost: x\r\n\r\n')
      expect(responses[0]!.status).toBe(200)
    } finally {
      process.off('uncaughtException', record)
    }
    expect(uncaught).toEqual([])
  })

  it('stores gzip and brotli bombs raw, never inflating them', async () => {
    const zlib = await import('node:zlib')
    t = await startEngine()
    const zeros = Buffer.alloc(64 * 1024 * 1024)
    const gzip = zlib.gzipSync(zeros, { level: 9 })
    const brotli = zlib.brotliCompressSync(zeros)
    for (const [encoding, bomb] of [
      ['gzip', gzip],
      ['br', brotli],
    ] as const) {
      const done = nextCapture(t.engine)
      await rawExchange(t.port, [`POST /bomb HTTP/1.1\r\nHost: x\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${bomb.length}\r\n\r\n`, bomb])
      const summary = await done
      expect(summary.bodySize).toBe(bomb.length)
      expect((await body(t.engine, summary.id)).equals(bomb)).toBe(true)
    }
  })
})

describe('browser-originated requests', () => {
  it('captures and flags a cross-site browser request, and leaves server-to-server requests unflagged', async () => {
    t = await startEngine()
    const all = captures(t.engine, 4)
    await rawExchange(t.port, 'POST / HTTP/1.1\r\nHost: x\r\noRiGiN: https://evil.example\r\nContent-Length: 0\r\n\r\n')
    await rawExchange(t.port, 'POST / HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nContent-Length: 0\r\n\r\n')
    await rawExchange(t.port, `POST / HTTP/1.1\r\nHost: x\r\nOrigin: http://127.0.0.1:${t.port}\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 0\r\n\r\n`)
    await rawExchange(t.port, 'POST / HTTP/1.1\r\nHost: x\r\nUser-Agent: Stripe/1.0\r\nContent-Length: 0\r\n\r\n')
    const seen = await all
    expect(seen.map((s) => s.flags)).toEqual([['browser', 'cross-site'], ['browser', 'cross-site'], ['browser'], []])
  })

  it('sends no CORS headers: a page on another site cannot read the response', async () => {
    t = await startEngine()
    const { responses } = await rawExchange(
      t.port,
      'OPTIONS / HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n',
    )
    expect(responses[0]!.headers.some(([name]) => name.toLowerCase().startsWith('access-control-'))).toBe(false)
  })
})

describe('multipart parts', () => {
  it('come with their header lines as sent: order, case, duplicates, a folded line and latin1 bytes', async () => {
    t = await startEngine()
    const multipart =
      'preamble to ignore\r\n' +
      '--b0undary\r\n' +
      'content-disposition: form-data; name="caf\xc3\xa9"\r\n' +
      'X-Part: one\r\n' +
      'X-Part: two\r\n' +
      '\r\n' +
      'value\r\n' +
      '--b0undary\r\n' +
      'Content-Disposition: form-data; name="upload";\r\n' +
      '\tfilename="r\xe9port.csv"\r\n' +
      'Content-Type: text/csv\r\n' +
      '\r\n' +
      'a,b\r\n1,2\r\n' +
      '--b0undary--\r\n'
    const head = `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary="b0undary"\r\nContent-Length: ${Buffer.byteLength(multipart, 'latin1')}\r\n\r\n`
    const done = nextCapture(t.engine)
    await rawExchange(t.port, head + multipart)
    const { parts, error } = await apiOf(t.engine)['captures.parts']({ id: (await done).id })
    expect(error).toBeNull()
    expect(parts.map((part) => part.name)).toEqual(['café', 'upload'])
    expect(parts[0]!.rawHeaders).toEqual([
      ['content-disposition', 'form-data; name="caf\xc3\xa9"'],
      ['X-Part', 'one'],
      ['X-Part', 'two'],
    ])
    expect(parts[1]!.rawHeaders).toEqual([
      ['Content-Disposition', 'form-data; name="upload"; filename="r\xe9port.csv"'],
      ['Content-Type', 'text/csv'],
    ])
    expect(Buffer.from(parts[1]!.base64, 'base64').toString()).toBe('a,b\r\n1,2')
  })
})

describe('decoding for display', () => {
  it('shows what inflated of a gzip body that was cut short, and says it was', async () => {
    const zlib = await import('node:zlib')
    const text = 'line of text\n'.repeat(20_000)
    const gzip = zlib.gzipSync(text)
    const cut = gzip.subarray(0, Math.floor(gzip.length / 2))
    const decoded = await decodeBody(cut, 'gzip')
    expect(decoded.encodings).toEqual(['gzip'])
    expect(decoded.error).toMatch(/cut short.*what could be decoded is shown/)
    expect(decoded.bytes.length).toBeGreaterThan(0)
    expect(text.startsWith(decoded.bytes.toString())).toBe(true)
    // Nothing decodable at all: the bytes as stored, and the reason.
    const garbage = await decodeBody(Buffer.from('not gzip at all'), 'gzip')
    expect(garbage.bytes.toString()).toBe('not gzip at all')
    expect(garbage.encodings).toEqual([])
    expect(garbage.error).toMatch(/gzip data is damaged/)
  })
})

describe('multipart file names', () => {
  it('reads a file name whose bytes are not UTF-8 as latin1, not as replacement characters, and keeps UTF-8 ones', async () => {
    const body = Buffer.from(
      '--XyZ\r\nContent-Disposition: form-data; name="a"; filename="r\xe9sum\xe9.txt"\r\n\r\none\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="b"; filename="\xe6\x97\xa5\xe6\x9c\xac.pdf"\r\n\r\ntwo\r\n' +
        "--XyZ\r\nContent-Disposition: form-data; name=\"c\"; filename*=UTF-8''%C3%A9t%C3%A9.png\r\n\r\nthree\r\n" +
        '--XyZ--\r\n',
      'latin1',
    )
    const { parts, error } = await parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(error).toBeNull()
    expect(parts.map((part) => part.filename)).toEqual(['résumé.txt', '日本.pdf', 'été.png'])
    expect(parts.map((part) => part.bytes.toString())).toEqual(['one', 'two', 'three'])
  })
})

describe('multipart file names sent unquoted', () => {
  it('keeps a part whose unquoted file name holds latin1 bytes, named as written, its header lines as sent', async () => {
    const body = Buffer.from(
      '--XyZ\r\nContent-Disposition: form-data; name="f"; filename=r\xe9sum\xe9.txt\r\nContent-Type: text/plain\r\n\r\none\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name=n\xe9; filename=plain.txt\r\n\r\ntwo\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="g"\r\n\r\nthree\r\n' +
        '--XyZ--\r\n',
      'latin1',
    )
    const { parts, error } = await parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(error).toBeNull()
    expect(parts.map((part) => [part.name, part.filename, part.bytes.toString()])).toEqual([
      ['f', 'résumé.txt', 'one'],
      ['n\ufffd', 'plain.txt', 'two'],
      ['g', null, 'three'],
    ])
    expect(parts[0]!.rawHeaders).toEqual([
      ['Content-Disposition', 'form-data; name="f"; filename=r\xe9sum\xe9.txt'],
      ['Content-Type', 'text/plain'],
    ])
    expect(parts[1]!.rawHeaders).toEqual([['Content-Disposition', 'form-data; name=n\xe9; filename=plain.txt']])
  })
})

describe('multipart parts, byte for byte, and a body that ends inside a part', () => {
  it('keeps the exact bytes of parts that are not files (binary, latin1, UTF-8 declared)', async () => {
    const png = Buffer.from('89504e47fffe00e9', 'hex')
    const body = Buffer.concat([
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="image"\r\nContent-Type: image/png\r\n\r\n'),
      png,
      Buffer.from('\r\n--XyZ\r\nContent-Disposition: form-data; name="latin"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\ncaf\xe9\r\n', 'latin1'),
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="utf"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ncafé\r\n--XyZ--\r\n'),
    ])
    const { parts, error } = await parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(error).toBeNull()
    expect(parts.map((part) => part.bytes.toString('hex'))).toEqual([png.toString('hex'), '636166e9', Buffer.from('café').toString('hex')])
  })

  it('keeps the exact bytes of a field in any charset its part declares, one busboy cannot decode or bytes not valid in it included, and does not crash', async () => {
    const fields: Array<[charset: string, bytes: number[]]> = [
      ['iso-8859-15', [0x31, 0x30, 0x20, 0xa4]], // "10 €"
      ['shift_jis', [0x82, 0xa0, 0x82, 0xa2]], // "あい"
      ['koi8-r', [0xf0, 0xd2, 0xc9]],
      ['utf-8', [0x41, 0xff, 0x42]], // not UTF-8 whatever it says
      ['utf-16le', [0x41, 0x00, 0x00, 0xd8]], // a lone surrogate
      ['windows-1252', [0x80, 0x93, 0x94]],
    ]
    const body = Buffer.concat([
      ...fields.map(([charset, bytes], i) =>
        Buffer.concat([Buffer.from(`--XyZ\r\nContent-Disposition: form-data; name="f${i}"\r\nContent-Type: text/plain; charset=${charset}\r\n\r\n`), Buffer.from(bytes), Buffer.from('\r\n')]),
      ),
      Buffer.from('--XyZ--\r\n'),
    ])
    const { parts, error } = await parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(error).toBeNull()
    expect(parts.map((part) => [part.name, part.bytes.toString('hex'), part.size])).toEqual(fields.map(([, bytes], i) => [`f${i}`, Buffer.from(bytes).toString('hex'), bytes.length]))
  })

  it('keeps what arrived of a file part whose body ends without a closing boundary, and does not crash', async () => {
    const body = Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\nunfinished')
    const { parts, error } = await parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(error).toMatch(/end of form/i)
    expect(parts).toHaveLength(1)
    expect(parts[0]!.bytes.toString()).toBe('unfinished')
    expect(parts[0]!.rawHeaders).toEqual([['Content-Disposition', 'form-data; name="file"; filename="x.txt"']])
  })

  it('keeps a field still arriving when the body ends without a closing boundary, after the parts before it', async () => {
    const body = Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="first"\r\n\r\ndone\r\n--XyZ\r\nContent-Disposition: form-data; name="last"\r\nContent-Type: application/json\r\n\r\n{"cut":')
    const { parts, error } = await parseMultipart(body, 'multipart/form-data; boundary=XyZ')
    expect(error).toMatch(/end of form/i)
    expect(parts.map((part) => [part.name, part.filename, part.contentType, part.bytes.toString()])).toEqual([
      ['first', null, 'text/plain', 'done'],
      ['last', null, 'application/json', '{"cut":'],
    ])
    expect(parts[1]!.rawHeaders).toEqual([
      ['Content-Disposition', 'form-data; name="last"'],
      ['Content-Type', 'application/json'],
    ])
  })
})

describe('multipart header lines in bodies that are not well formed', () => {
  it('finds none without a boundary, stops at a header block that never ends, and skips the closing delimiter', () => {
    expect(partHeaderBlocks(Buffer.from('--x\r\nA: 1\r\n\r\nv\r\n--x--'), 'multipart/form-data')).toEqual([])
    expect(partHeaderBlocks(Buffer.from('--x\r\nA: 1\r\nB: 2'), 'multipart/form-data; boundary=x')).toEqual([])
    expect(partHeaderBlocks(Buffer.from(`--x\r\n${'A: 1\r\n'.repeat(5000)}\r\nv\r\n--x--`), 'multipart/form-data; boundary=x')).toEqual([])
    expect(partHeaderBlocks(Buffer.from('--x\r\nA: 1\r\n\r\nv\r\n--x--\r\n--x\r\nB: 2\r\n\r\n'), 'multipart/form-data; boundary=x')).toEqual([[['A', '1']]])
    expect(partHeaderBlocks(Buffer.from('--x\nA: 1\nno-colon\n\nv\n--x--'), 'multipart/form-data; boundary=x')).toEqual([[['A', '1'], ['no-colon', '']]])
  })
})
