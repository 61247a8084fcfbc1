// What a sender on the internet can send to a capture port: a body built to break the engine is
// captured and answered like any other, and the endpoint goes on answering the next sender.
import { describe, expect, it } from 'vitest'
import { EXPORT_CALL_MAX_BODY_BYTES } from '../../shared/api'
import type { CaptureSummary } from '../../shared/model'
import { apiOf, captures, connect, rawExchange, startEngine, type TestEngine } from '../helpers/engine'
import { exportedText } from '../helpers/exports'
import { testScope } from '../helpers/scope'

let t: TestEngine | null = null
const scope = testScope(() => t)

function forwardState(engine: TestEngine['engine'], target: string): Promise<CaptureSummary> {
  return new Promise((resolve) => {
    const check = (s: CaptureSummary) => {
      if (s.target !== target || !s.forward) return
      off1()
      off2()
      resolve(s)
    }
    const off1 = engine.events.on('capture:updated', check)
    const off2 = engine.events.on('capture:completed', check)
  })
}

function postRaw(port: number, target: string, body: string): ReturnType<typeof rawExchange> {
  return rawExchange(port, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

describe('hostile bodies on an endpoint that routes by a JSON field', () => {
  it('a field nested 100,000 levels deep matches no route and the request goes to the default target', async () => {
    t = await startEngine()
    const app = await scope.target()
    const other = await scope.target()
    await t.engine.updateEndpoint(t.endpointId, {
      forward: {
        mode: 'async',
        targets: [
          { id: 'invoices', url: other.url, paused: false },
          { id: 'app', url: app.url, paused: false },
        ],
        routes: [{ id: 'r', match: { kind: 'json-field', path: 'data', value: 'x' }, targetId: 'invoices' }],
        defaultTargetId: 'app',
      },
    })
    const deep = `{"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    const routed = forwardState(t.engine, '/deep')
    const answer = await postRaw(t.port, '/deep', deep)
    expect(answer.responses[0]!.status).toBe(200)
    expect((await routed).forward!.state).not.toBe('failed')
    expect((await app.waitFor(1))[0]!.url).toBe('/deep')
    // A field its body never had is not found on Object.prototype either.
    await t.engine.updateEndpoint(t.endpointId, { forward: { routes: [{ id: 'r', match: { kind: 'json-field', path: 'constructor.name', value: 'Object' }, targetId: 'invoices' }] } })
    expect((await postRaw(t.port, '/plain', '{"type":"x"}')).responses[0]!.status).toBe(200)
    expect((await app.waitFor(2))[1]!.url).toBe('/plain')
    expect(other.received).toHaveLength(0)
  })
})

describe('a CONNECT among the captures', () => {
  it('is exported with the others, as HAR and as cURL, its target kept in the entry\'s comment', async () => {
    t = await startEngine()
    const stored = captures(t.engine, 2)
    expect((await rawExchange(t.port, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n')).responses[0]!.status).toBe(405)
    expect((await postRaw(t.port, '/hook', '{}')).responses[0]!.status).toBe(200)
    const ids = (await stored).map((s) => s.id)
    const api = apiOf(t.engine)
    const har = JSON.parse((await api['captures.export']({ ids, format: 'har' })).text) as { log: { entries: Array<{ request: { method: string; url: string }; comment?: string }> } }
    expect(har.log.entries.map((e) => e.request.method)).toEqual(['CONNECT', 'POST'])
    // The URL names the endpoint it reached, never the host a CONNECT asked for.
    expect(har.log.entries[0]!.request.url).toBe(`http://127.0.0.1:${t.port}/`)
    expect(har.log.entries[0]!.comment).toBe('Request target as sent: evil.example:443')
    expect(har.log.entries[1]!.request.url).toBe(`http://127.0.0.1:${t.port}/hook`)
    const curl = (await api['captures.export']({ ids, format: 'curl' })).text
    expect(curl).toContain(`http://127.0.0.1:${t.port}/hook`)
    expect(curl).toContain(`curl -q -sS 'http://127.0.0.1:${t.port}/' -X 'CONNECT'`)
    // Opened in the composer, it is a request to the endpoint's root, as exported.
    expect(await api['replay.draft']({ captureId: ids[0]! })).toMatchObject({ method: 'CONNECT', url: `http://127.0.0.1:${t.port}/` })
  })
})

describe('connections that never send anything', () => {
  it('are closed after the headers timeout, so that they cannot hold every place an endpoint has', async () => {
    t = await startEngine({ limits: { headersTimeoutMs: 300, maxConnections: 2 } })
    const idle = await Promise.all([connect(t.port), connect(t.port)])
    for (const socket of idle) socket.on('error', () => undefined)
    await Promise.all(idle.map((socket) => new Promise((resolve) => socket.once('close', resolve))))
    expect((await rawExchange(t.port, 'GET /after HTTP/1.1\r\nHost: x\r\n\r\n')).responses[0]!.status).toBe(200)
  }, 10_000)
})

describe('exporting large bodies', () => {
  it('refuses one export call of several captures whose bodies add up past what it carries; each alone is exported', async () => {
    t = await startEngine()
    const stored = captures(t.engine, 2)
    const body = Buffer.alloc(EXPORT_CALL_MAX_BODY_BYTES / 2 + 1024 * 1024, 'a')
    for (const target of ['/large-1', '/large-2']) {
      const head = `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`
      expect((await rawExchange(t.port, [head, body])).responses[0]!.status).toBe(200)
    }
    const ids = (await stored).map((s) => s.id)
    const api = apiOf(t.engine)
    await expect(api['captures.export']({ ids, format: 'har' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('export them fewer at a time') })
    for (const id of ids) expect(await exportedText(api, await api['captures.export']({ ids: [id], format: 'curl' }))).toContain('/large-')
  }, 30_000)
})
