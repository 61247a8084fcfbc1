import { readFile } from 'node:fs/promises'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../shared/api'
import { nextCapture, rawExchange, removeDir, startEngine, type TestEngine } from '../helpers/engine'

let t: TestEngine
afterEach(async () => {
  await t?.close()
  await removeDir(t.dir)
})

describe('endpoints', () => {
  it('runs several endpoints at once, each capturing its own traffic', async () => {
    t = await startEngine()
    const second = await t.engine.createEndpoint({ name: 'Second' })
    const status = t.engine.statuses().find((s) => s.id === second.id)!
    expect(status.state).toBe('listening')
    expect(status.port).not.toBe(t.port)
    const done = nextCapture(t.engine, (s) => s.endpointId === second.id)
    await fetch(status.url!, { method: 'POST', body: 'to second' })
    expect((await done).endpointId).toBe(second.id)
  })

  it('binds 127.0.0.1 unless told otherwise', async () => {
    t = await startEngine()
    const endpoint = t.engine.endpoints()[0]!
    expect(endpoint.host).toBe('127.0.0.1')
    const address = t.engine.listener(endpoint.id)!
    expect(address.status().url).toBe(`http://127.0.0.1:${t.port}/`)
  })

  it('reports a port in use with a clear error and an error state', async () => {
    t = await startEngine()
    const blocker = http.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const result = await dispatch(t.engine.handlers(), 'endpoints.create', { name: 'Clash', port })
      expect(result.ok).toBe(true)
      const created = (result as { value: { id: string } }).value
      const status = t.engine.statuses().find((s) => s.id === created.id)!
      expect(status.state).toBe('error')
      expect(status.error).toMatchObject({ code: 'PORT_IN_USE' })
      expect(status.error!.message).toBe(`Port ${port} on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.`)
      const start = await dispatch(t.engine.handlers(), 'endpoints.start', { id: created.id })
      expect(start).toMatchObject({ ok: false, error: { code: 'PORT_IN_USE' } })
    } finally {
      blocker.close()
    }
  })

  it('names the endpoint that holds the port another endpoint asks for', async () => {
    t = await startEngine()
    // The first endpoint asked for port 0: what it holds is the port the system gave it.
    await t.engine.updateEndpoint(t.endpointId, { name: 'Stripe' })
    const second = await t.engine.createEndpoint({ name: 'GitHub', port: t.port })
    const expected = { code: 'PORT_IN_USE', message: `Port ${t.port} on 127.0.0.1 is already used by the endpoint “Stripe”. Choose another port, or 0 for any free one.` }
    const status = t.engine.statuses().find((s) => s.id === second.id)!
    expect(status.state).toBe('error')
    expect(status.error).toEqual(expected)
    expect(await dispatch(t.engine.handlers(), 'endpoints.start', { id: second.id })).toEqual({ ok: false, error: expected })
    // Once the holder moves away, the port is free for the second endpoint.
    await t.engine.updateEndpoint(t.endpointId, { port: 0 })
    expect((await t.engine.startEndpoint(second.id)).port).toBe(t.port)
  })

  // A wildcard and a specific address on one port clash on Linux; macOS and the BSDs let them share it
  // (Node listens with SO_REUSEADDR), so there is no clash there to name.
  const wildcardClashes = process.platform === 'linux'
  if (!wildcardClashes) console.log(`skipped: the wildcard rows of "names an endpoint ... as the holder" — on ${process.platform} a wildcard and a specific address may share a port`)
  it.each([
    ...(wildcardClashes
      ? [
          ['0.0.0.0', '127.0.0.1'],
          ['127.0.0.1', '0.0.0.0'],
          ['::', '127.0.0.1'],
          ['::', '0.0.0.0'],
          ['0.0.0.0', '::'],
          ['::1', '::'],
        ]
      : []),
    ['::1', '0:0:0:0:0:0:0:1'],
  ])('names an endpoint on %s as the holder of the port asked for on %s', async (holderHost, askedHost) => {
    t = await startEngine()
    const holder = await t.engine.createEndpoint({ name: 'Holder', host: holderHost, port: 0 })
    const port = t.engine.statuses().find((s) => s.id === holder.id)!.port!
    const asking = await t.engine.createEndpoint({ name: 'Asking', host: askedHost, port })
    expect(t.engine.statuses().find((s) => s.id === asking.id)!.error).toEqual({
      code: 'PORT_IN_USE',
      message: `Port ${port} on ${askedHost} is already used by the endpoint “Holder”. Choose another port, or 0 for any free one.`,
    })
  })

  it('blames another program, not an endpoint on the same port of the other address family', async () => {
    t = await startEngine()
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const otherFamily = await t.engine.createEndpoint({ name: 'Loopback six', host: '::1', port })
      expect(t.engine.statuses().find((s) => s.id === otherFamily.id)!.state).toBe('listening')
      const asking = await t.engine.createEndpoint({ name: 'Asking', host: '127.0.0.1', port })
      expect(t.engine.statuses().find((s) => s.id === asking.id)!.error).toEqual({
        code: 'PORT_IN_USE',
        message: `Port ${port} on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.`,
      })
    } finally {
      blocker.close()
    }
  })

  it('applies a new response rule to the next request, with its delay', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, {
      response: { status: 202, headers: [['X-Reply', 'yes'], ['Content-Type', 'text/plain']], body: 'accepted', delayMs: 300 },
    })
    const started = performance.now()
    const { responses } = await rawExchange(t.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(responses[0]!.status).toBe(202)
    expect(responses[0]!.headers).toContainEqual(['X-Reply', 'yes'])
    expect(responses[0]!.headers).toContainEqual(['Content-Length', '8'])
    expect(responses[0]!.body.toString()).toBe('accepted')
  })

  it('keeps the answer\'s framing its own whatever Content-Length or Transfer-Encoding the rule names', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, {
      response: {
        status: 200,
        headers: [['Content-Length', '999'], ['transfer-encoding', 'chunked'], ['CONTENT-LENGTH', '1'], ['X-Kept', 'yes']],
        body: 'hello',
        delayMs: 0,
      },
    })
    // Two requests on one connection: the second answer is read where the first one ends.
    const { responses } = await rawExchange(t.port, 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n', { responses: 2 })
    expect(responses).toHaveLength(2)
    for (const response of responses) {
      const framing = response.headers.filter(([name]) => ['content-length', 'transfer-encoding'].includes(name.toLowerCase()))
      expect(framing).toEqual([['Content-Length', '5']])
      expect(response.headers).toContainEqual(['X-Kept', 'yes'])
      expect(response.body.toString()).toBe('hello')
    }
    await t.engine.updateEndpoint(t.endpointId, { response: { status: 204 } })
    // A 204 has no body: the rule's is not sent, and the next answer starts right after the head.
    const empty = await rawExchange(t.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', {
      untilClose: true,
    })
    const heads = empty.raw.toString('latin1').split('\r\n\r\n')
    expect(heads.map((head) => head.split('\r\n')[0])).toEqual(['HTTP/1.1 204 No Content', 'HTTP/1.1 204 No Content', ''])
    expect(heads.join('\n')).not.toMatch(/hello|content-length|transfer-encoding/i)
  })

  it('refuses response headers that could end the header block or split the answer', async () => {
    t = await startEngine()
    const handlers = t.engine.handlers()
    for (const pair of [
      ['X-Evil', 'a\nSet-Cookie: x=1'],
      ['X-Evil', 'a\rb'],
      ['X-Evil', 'a\u0000b'],
      ['X-Evil', 'caf\u0101'],
      ['X-Evil\r\nSet-Cookie', 'x'],
      ['X Evil', 'x'],
      ['', 'x'],
    ]) {
      const result = await dispatch(handlers, 'endpoints.update', { id: t.endpointId, patch: { response: { headers: [pair] } } })
      expect(result, JSON.stringify(pair)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    }
    const { responses } = await rawExchange(t.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(responses[0]!.status).toBe(200)
  })

  it('rejects response rules that would break HTTP (CR/LF in headers, delay over 30 s)', async () => {
    t = await startEngine()
    const handlers = t.engine.handlers()
    const bad = await dispatch(handlers, 'endpoints.update', {
      id: t.endpointId,
      patch: { response: { headers: [['X-Evil', 'a\r\nSet-Cookie: x=1']] } },
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const slow = await dispatch(handlers, 'endpoints.update', { id: t.endpointId, patch: { response: { delayMs: 30_001 } } })
    expect(slow).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('stops and starts while running, and moves to a new port on request', async () => {
    t = await startEngine()
    const stopped = await t.engine.stopEndpoint(t.endpointId)
    expect(stopped.state).toBe('stopped')
    await expect(fetch(t.url)).rejects.toThrow()
    const started = await t.engine.startEndpoint(t.endpointId)
    expect(started.port).toBe(t.port)
    const moved = await t.engine.updateEndpoint(t.endpointId, { port: 0 })
    const status = t.engine.statuses()[0]!
    expect(status.state).toBe('listening')
    expect(moved.port).toBe(status.port)
    expect(status.port).not.toBe(t.port)
  })

  it('keeps capturing where it was when a new port cannot be bound, and saves nothing', async () => {
    t = await startEngine()
    await t.engine.updateEndpoint(t.endpointId, { name: 'Stripe' })
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve))
    const busy = (blocker.address() as AddressInfo).port
    try {
      const result = await dispatch(t.engine.handlers(), 'endpoints.update', { id: t.endpointId, patch: { port: busy, name: 'Moved' } })
      expect(result).toMatchObject({ ok: false, error: { code: 'PORT_IN_USE' } })
      expect(t.engine.endpoint(t.endpointId)).toMatchObject({ port: t.port, name: 'Stripe' })
      expect(t.engine.statuses()[0]).toMatchObject({ state: 'listening', port: t.port, error: null })
      const done = nextCapture(t.engine)
      await fetch(t.url + 'still-here', { method: 'POST', body: 'x' })
      expect((await done).target).toBe('/still-here')
      t = await t.reopen()
      expect(t.engine.endpoints()[0]).toMatchObject({ port: t.port, name: 'Stripe' })
      expect(t.engine.statuses()[0]).toMatchObject({ state: 'listening', port: t.port })
    } finally {
      blocker.close()
    }
  })

  it('keeps capturing where it was when a new bind address cannot be bound', async () => {
    t = await startEngine()
    // An address of the documentation range: no interface of this machine has it.
    const result = await dispatch(t.engine.handlers(), 'endpoints.update', { id: t.endpointId, patch: { host: '192.0.2.1' } })
    expect(result).toMatchObject({ ok: false })
    expect(t.engine.endpoint(t.endpointId)).toMatchObject({ host: '127.0.0.1', port: t.port })
    expect(t.engine.statuses()[0]).toMatchObject({ state: 'listening', port: t.port, url: t.url })
    const done = nextCapture(t.engine)
    await fetch(t.url, { method: 'POST', body: 'x' })
    await done
    t = await t.reopen()
    expect(t.engine.endpoints()[0]).toMatchObject({ host: '127.0.0.1', port: t.port })
  })

  it('takes an endpoint’s signing secret along when it is removed', async () => {
    t = await startEngine()
    const second = await t.engine.createEndpoint({ name: 'Second' })
    const handlers = t.engine.handlers()
    expect(await dispatch(handlers, 'endpoints.setSecret', { id: t.endpointId, secret: 'whsec_kept' })).toMatchObject({ ok: true })
    expect(await dispatch(handlers, 'endpoints.setSecret', { id: second.id, secret: 'whsec_gone' })).toMatchObject({ ok: true })
    const stored = async () => JSON.parse(await readFile(path.join(t.dir, 'secrets.json'), 'utf8')).secrets as Record<string, string>
    expect(Object.keys(await stored()).sort()).toEqual([`signature:${t.endpointId}`, `signature:${second.id}`].sort())
    expect(await dispatch(handlers, 'endpoints.remove', { id: second.id })).toEqual({ ok: true, value: { removed: true } })
    expect(await stored()).toEqual({ [`signature:${t.endpointId}`]: 'whsec_kept' })
    t = await t.reopen()
    expect(await stored()).toEqual({ [`signature:${t.endpointId}`]: 'whsec_kept' })
    expect(await t.engine.secrets.get(`signature:${second.id}`)).toBeNull()
  })

  it('keeps the name of a removed endpoint, for its captures, across a restart', async () => {
    t = await startEngine()
    const second = await t.engine.createEndpoint({ name: 'Stripe' })
    const handlers = t.engine.handlers()
    expect(await dispatch(handlers, 'endpoints.removed', {})).toEqual({ ok: true, value: [] })
    await dispatch(handlers, 'endpoints.update', { id: second.id, patch: { name: 'Stripe live' } })
    const changed = new Promise<void>((resolve) => t.engine.events.on('endpoints:changed', () => resolve()))
    expect(await dispatch(handlers, 'endpoints.remove', { id: second.id })).toEqual({ ok: true, value: { removed: true } })
    await changed
    const listed = [{ id: second.id, name: 'Stripe live', removedAt: expect.any(Number) }]
    expect(await dispatch(handlers, 'endpoints.removed', {})).toEqual({ ok: true, value: listed })
    t = await t.reopen()
    expect(await dispatch(t.engine.handlers(), 'endpoints.removed', {})).toEqual({ ok: true, value: listed })
    expect((await dispatch(t.engine.handlers(), 'endpoints.list', {})) as { value: Array<{ name: string }> }).toMatchObject({ ok: true, value: [{ name: 'Test' }] })
  })

  it('fails at once what waited to be forwarded by an endpoint that is removed, held or not, instead of leaving it waiting', async () => {
    t = await startEngine()
    const held = await t.engine.createEndpoint({ name: 'Held', forward: { mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9', paused: true }], defaultTargetId: 'app' } })
    const url = t.engine.statuses().find((s) => s.id === held.id)!.url!
    const stored = nextCapture(t.engine)
    await fetch(`${url}queued`, { method: 'POST', body: '{}' })
    const { id } = await stored
    const joined = () => t.engine.forwarder.forwardOf(id)?.state === 'pending'
    if (!joined()) await new Promise<void>((resolve) => t.engine.events.on('forward:changed', () => joined() && resolve()))
    const failed = () => t.engine.forwarder.forwardOf(id)?.state === 'failed'
    const settled = new Promise<void>((resolve) => t.engine.events.on('capture:updated', () => failed() && resolve()))
    await t.engine.removeEndpoint(held.id)
    if (!failed()) await settled
    expect(t.engine.forwarder.forwardOf(id)!.error).toMatch(/no longer configured: it was removed/)
  })

  it('forgets, at start, secrets of endpoints removed before removal took them along', async () => {
    t = await startEngine()
    await t.engine.secrets.set('signature:ep_removedlongago', 'whsec_old')
    await t.engine.secrets.set(`signature:${t.endpointId}`, 'whsec_kept')
    t = await t.reopen()
    expect(await t.engine.secrets.refs()).toEqual([`signature:${t.endpointId}`])
  })

  it('emits received and completed events for each capture', async () => {
    t = await startEngine()
    const received = t.engine.events.waitFor('capture:received')
    const completed = nextCapture(t.engine)
    await fetch(t.url + 'evt', { method: 'POST', body: 'x' })
    const [r, c] = await Promise.all([received, completed])
    expect(r.id).toBe(c.id)
    expect(r.status).toBeNull()
    expect(c.status).toBe(200)
    expect(c.durationMs).not.toBeNull()
  })

  it('validates every Api call and answers unknown methods with a code', async () => {
    t = await startEngine()
    const handlers = t.engine.handlers()
    expect(await dispatch(handlers, 'nope.nothing', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
    expect(await dispatch(handlers, 'captures.get', { id: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await dispatch(handlers, 'captures.get', { id: 'missing' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await dispatch(handlers, 'endpoints.create', { name: '' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })
})
