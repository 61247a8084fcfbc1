import './helpers/setup-dom'
import { describe, expect, it } from 'vitest'
import { createApiClient } from '../../shared/api'
import { takePageToken, TOKEN_STORAGE_KEY } from '../../renderer/src/api/page-token'
import { FakeSocket, fakeTransport } from './helpers/fake-socket'

function setup(options: { token?: string | null; hostAnswers?: boolean } = {}) {
  return fakeTransport({ ...(options.token === undefined ? {} : { token: options.token }), hostAnswers: async () => options.hostAnswers ?? false })
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('WebSocket transport', () => {
  it('offers hookscope.v1 and the token as subprotocols, never in the URL', () => {
    const { transport } = setup()
    transport.connect()
    const socket = FakeSocket.created[0]!
    expect(socket.protocols).toEqual(['hookscope.v1', 'token.secret-token'])
    expect(socket.url).toBe('ws://127.0.0.1:9/api')
  })

  it('sends calls once open and resolves them with the matching result; relays events', async () => {
    const { transport } = setup()
    transport.connect()
    const api = createApiClient(transport)
    const events: unknown[] = []
    api.on('app.notice', (payload) => events.push(payload))
    const pending = api['endpoints.list']({})
    const socket = FakeSocket.created[0]!
    expect(socket.sent).toHaveLength(0)
    socket.open()
    const call = JSON.parse(socket.sent[0]!)
    expect(call).toMatchObject({ type: 'call', method: 'endpoints.list', input: {} })
    socket.receive({ type: 'result', id: call.id + 1000, result: { ok: true, value: ['wrong'] } })
    socket.receive({ type: 'result', id: call.id, result: { ok: true, value: [] } })
    await expect(pending).resolves.toEqual([])
    socket.receive({ type: 'event', event: 'app.notice', payload: { level: 'info', code: 'X', message: 'hi', at: 1 } })
    socket.receive({ type: 'event', event: 'not.an.event', payload: {} })
    expect(events).toEqual([{ level: 'info', code: 'X', message: 'hi', at: 1 }])
  })

  it('refuses at once, saying why, a call larger than the host takes, and keeps the connection', async () => {
    const { transport } = fakeTransport({ maxMessageBytes: 2 * 1024 * 1024 })
    transport.connect()
    const socket = FakeSocket.created[0]!
    socket.open()
    // Multi-byte characters count as the bytes they become on the wire: 1 M characters, 3 MB.
    const tooLarge = transport.invoke('collections.import', { format: 'curl', text: '€'.repeat(1024 * 1024) })
    await expect(tooLarge).resolves.toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'This is too large to send to Hookscope at once: 4 MB, at most 2 MB.' },
    })
    expect(socket.sent).toHaveLength(0)
    expect(socket.readyState).toBe(1)
    void transport.invoke('collections.import', { format: 'curl', text: 'x'.repeat(1024 * 1024) })
    expect(socket.sent).toHaveLength(1)
  })

  it('rejects calls in flight when the connection drops, then reconnects with backoff', async () => {
    const { transport, timers, states } = setup({ hostAnswers: false })
    transport.connect()
    const api = createApiClient(transport)
    FakeSocket.created[0]!.open()
    const pending = api['endpoints.list']({})
    FakeSocket.created[0]!.closedByHost()
    await expect(pending).rejects.toThrow(/connection to Hookscope was lost/)
    expect(states.at(-1)).toEqual({ kind: 'disconnected', retryInMs: 250 })
    timers.shift()!.fn()
    expect(FakeSocket.created).toHaveLength(2)
    FakeSocket.created[1]!.closedByHost()
    await flush()
    expect(states.at(-1)).toEqual({ kind: 'disconnected', retryInMs: 500 })
    timers.shift()!.fn()
    FakeSocket.created[2]!.open()
    expect(states.at(-1)).toEqual({ kind: 'open' })
  })

  it('answers a call made while the engine is out of reach at once, and sends the calls made while connecting', async () => {
    const { transport, timers } = setup({ hostAnswers: false })
    transport.connect()
    const api = createApiClient(transport)
    // Connecting: held until the socket opens.
    const early = api['endpoints.list']({})
    FakeSocket.created[0]!.open()
    expect(JSON.parse(FakeSocket.created[0]!.sent[0]!)).toMatchObject({ method: 'endpoints.list' })
    FakeSocket.created[0]!.receive({ type: 'result', id: JSON.parse(FakeSocket.created[0]!.sent[0]!).id, result: { ok: true, value: [] } })
    await expect(early).resolves.toEqual([])
    FakeSocket.created[0]!.closedByHost()
    // Disconnected: a save fails now and says why, and is not sent later behind the user's back.
    const save = api['settings.update']({ ui: { theme: 'dark' } })
    await expect(save).rejects.toThrow(/not connected to Hookscope, so nothing was sent/)
    // A call made while it tries again fails with that attempt.
    timers.shift()!.fn()
    const during = api['endpoints.list']({})
    FakeSocket.created[1]!.closedByHost()
    await expect(during).rejects.toThrow(/not connected to Hookscope/)
    timers.shift()!.fn()
    FakeSocket.created[2]!.open()
    expect(FakeSocket.created[2]!.sent).toEqual([])
  })

  it('answers the calls of a page whose token was refused instead of holding them for ever', async () => {
    const { transport, states } = setup({ hostAnswers: true })
    transport.connect()
    const api = createApiClient(transport)
    const waiting = api['captures.get']({ id: 'x' })
    FakeSocket.created[0]!.closedByHost()
    await expect(waiting).rejects.toThrow(/not connected to Hookscope/)
    expect(states.at(-1)).toEqual({ kind: 'unauthorized' })
    await expect(api['captures.get']({ id: 'x' })).rejects.toThrow(/not connected to Hookscope/)
  })

  it('reports a refused token when the page host answers but the handshake fails', async () => {
    const { transport, states } = setup({ hostAnswers: true })
    transport.connect()
    FakeSocket.created[0]!.closedByHost()
    await flush()
    expect(states.at(-1)).toEqual({ kind: 'unauthorized' })
    transport.retryNow('new-token')
    expect(FakeSocket.created[1]!.protocols).toContain('token.new-token')
  })

  it('says so when there is no token at all', () => {
    const { transport, states } = setup({ token: null })
    transport.connect()
    expect(states.at(-1)).toEqual({ kind: 'no-token' })
    expect(FakeSocket.created).toHaveLength(0)
  })
})

describe('page token', () => {
  function environment(hash: string, stored: string | null = null) {
    const store = new Map<string, string>()
    if (stored) store.set(TOKEN_STORAGE_KEY, stored)
    const replaced: string[] = []
    return {
      env: {
        location: { hash, pathname: '/', search: '' },
        history: { replaceState: (_data: unknown, _title: string, url?: string | URL | null) => void replaced.push(String(url)) },
        storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
      },
      store,
      replaced,
    }
  }

  it('takes the token from the fragment, keeps it for reloads and wipes it from the address bar', () => {
    const { env, store, replaced } = environment('#token=abc123')
    expect(takePageToken(env)).toBe('abc123')
    expect(store.get(TOKEN_STORAGE_KEY)).toBe('abc123')
    expect(replaced).toEqual(['/'])
  })

  it('uses the stored token after a reload', () => {
    const { env, replaced } = environment('', 'kept')
    expect(takePageToken(env)).toBe('kept')
    expect(replaced).toEqual([])
  })

  it('returns null without a token anywhere', () => {
    expect(takePageToken(environment('#other=1').env)).toBeNull()
  })
})
