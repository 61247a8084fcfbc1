// The Api over a WebSocket to the headless host. Owns: the connection (subprotocols hookscope.v1 and
// token.<token>), call ids and their pending replies, fanning events out to subscribers, and
// reconnecting with backoff; a call made while the engine is out of reach fails at once. A refused
// handshake is told apart from a host that is down by asking the page's own origin whether it still
// answers. A page the host cut off for leaving live updates unread (WS_CLOSE_FELL_BEHIND) reconnects at
// once, its calls waiting for the connection rather than failing, and says so once it keeps happening.
// Never: puts the token in a URL.
import type { EventName, MethodName, Transport } from '../../../shared/api'
import { eventNames } from '../../../shared/api'
import type { Result } from '../../../shared/errors'
import { WS_CLOSE_FELL_BEHIND, WS_MAX_MESSAGE_BYTES, WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../shared/wire'
import type { ConnectionSource, ConnectionState } from './connection-state'

type SocketLike = Pick<WebSocket, 'readyState' | 'send' | 'close'> & {
  onopen: ((event: Event) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
}

export interface WebSocketTransportOptions {
  url: string
  token: string | null
  createSocket?: (url: string, protocols: string[]) => SocketLike
  /** Whether the page's own host still answers HTTP (then a failed handshake means a refused token),
   * or 'full' when it answers that as many pages as it takes are connected. */
  hostAnswers?: () => Promise<boolean | 'full'>
  backoffMs?: readonly number[]
  /** Most bytes one message may carry; the host closes the connection on a larger one. */
  maxMessageBytes?: number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
  now?: () => number
}

const DEFAULT_BACKOFF = [250, 500, 1000, 2000, 4000, 5000] as const
/** Cut off for falling behind this many times within FELL_BEHIND_WINDOW_MS: the page says so. */
export const FELL_BEHIND_TIMES = 3
export const FELL_BEHIND_WINDOW_MS = 10 * 60_000
const OPEN = 1
const knownEvents = new Set<string>(eventNames)

interface PendingCall {
  resolve: (result: Result<unknown>) => void
}

const lostConnection = (): Result<unknown> => ({
  ok: false,
  error: { code: 'INTERNAL', message: 'The connection to Hookscope was lost before it answered.' },
})

/** UTF-8 length of a string, counted without encoding it. */
function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2
      i++
    } else if (code >= 0x800) bytes += 2
    else if (code >= 0x80) bytes += 1
  }
  return bytes
}

function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))} MB`
}

const notConnected = (): Result<unknown> => ({
  ok: false,
  error: { code: 'INTERNAL', message: 'This page is not connected to Hookscope, so nothing was sent. Try again once it is connected.' },
})

/** Known not to reach the engine: a call made now is answered at once, not held for a connection that may never come. */
const isDown = (state: ConnectionState): boolean => state.kind === 'disconnected' || state.kind === 'unauthorized' || state.kind === 'no-token'

interface WaitingCall {
  send: () => void
  resolve: (result: Result<unknown>) => void
}

export function apiSocketUrl(location: Pick<Location, 'host' | 'protocol'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}${WS_PATH}`
}

export class WebSocketTransport implements Transport, ConnectionSource {
  private socket: SocketLike | null = null
  private nextId = 1
  private readonly pending = new Map<number, PendingCall>()
  /** Calls made while the page connects: sent once it is open, answered at once if it fails. */
  private readonly waitingForOpen: WaitingCall[] = []
  private readonly eventListeners = new Set<(event: EventName, payload: unknown) => void>()
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  private current: ConnectionState = { kind: 'connecting' }
  private attempt = 0
  private everOpenedWithToken = false
  private retryTimer: unknown = null
  private closed = false
  private token: string | null
  /** When the host cut this page off for falling behind, within the last FELL_BEHIND_WINDOW_MS. */
  private fellBehindAt: number[] = []

  constructor(private readonly options: WebSocketTransportOptions) {
    this.token = options.token
  }

  get state(): ConnectionState {
    return this.current
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => void this.stateListeners.delete(listener)
  }

  private setState(state: ConnectionState): void {
    this.current = state
    if (isDown(state)) for (const call of this.waitingForOpen.splice(0)) call.resolve(notConnected())
    for (const listener of [...this.stateListeners]) listener(state)
  }

  connect(): void {
    if (this.closed) return
    if (!this.token) {
      this.setState({ kind: 'no-token' })
      return
    }
    this.setState({ kind: 'connecting' })
    const create = this.options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as SocketLike)
    let socket: SocketLike
    try {
      socket = create(this.options.url, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${this.token}`])
    } catch {
      this.scheduleRetry()
      return
    }
    this.socket = socket
    let opened = false
    socket.onopen = () => {
      opened = true
      this.attempt = 0
      this.everOpenedWithToken = true
      this.setState(this.openState())
      for (const call of this.waitingForOpen.splice(0)) call.send()
    }
    socket.onmessage = (event) => this.receive(event.data)
    socket.onerror = () => {}
    socket.onclose = (event) => {
      if (this.socket !== socket) return
      this.socket = null
      for (const call of this.pending.values()) call.resolve(lostConnection())
      this.pending.clear()
      if (this.closed) return
      if (!opened) void this.afterFailedHandshake()
      else if (event?.code === WS_CLOSE_FELL_BEHIND) this.afterFellBehind()
      else this.scheduleRetry()
    }
  }

  /** The host is up and let this page go only because it left updates unread: back at once, reloading. */
  private afterFellBehind(): void {
    const now = (this.options.now ?? Date.now)()
    this.fellBehindAt = [...this.fellBehindAt.filter((at) => now - at < FELL_BEHIND_WINDOW_MS), now]
    this.connect()
  }

  private openState(): ConnectionState {
    const now = (this.options.now ?? Date.now)()
    const times = this.fellBehindAt.filter((at) => now - at < FELL_BEHIND_WINDOW_MS).length
    return times >= FELL_BEHIND_TIMES ? { kind: 'open', fellBehind: { times, minutes: FELL_BEHIND_WINDOW_MS / 60_000 } } : { kind: 'open' }
  }

  private async afterFailedHandshake(): Promise<void> {
    const answers = this.options.hostAnswers ?? defaultHostAnswers
    let answer: boolean | 'full' = false
    try {
      answer = await answers()
    } catch {}
    if (this.closed) return
    if (answer === 'full') return this.scheduleRetry('too-many-pages')
    const hostUp = answer
    // The page's host answers but will not take our token: this run printed a different URL.
    if (hostUp && !this.everOpenedWithToken) this.setState({ kind: 'unauthorized' })
    else if (hostUp && this.attempt >= 2) this.setState({ kind: 'unauthorized' })
    else this.scheduleRetry()
  }

  private scheduleRetry(reason?: 'too-many-pages'): void {
    const backoff = this.options.backoffMs ?? DEFAULT_BACKOFF
    const delay = backoff[Math.min(this.attempt, backoff.length - 1)]!
    this.attempt++
    this.setState(reason ? { kind: 'disconnected', retryInMs: delay, reason } : { kind: 'disconnected', retryInMs: delay })
    const setTimer = this.options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.retryTimer = setTimer(() => {
      this.retryTimer = null
      this.connect()
    }, delay)
  }

  retryNow(token?: string): void {
    if (token && token !== this.token) {
      this.token = token
      this.everOpenedWithToken = false
    }
    if (this.current.kind === 'open' || this.current.kind === 'connecting') return
    if (this.retryTimer !== null) (this.options.clearTimer ?? ((h) => clearTimeout(h as number)))(this.retryTimer)
    this.retryTimer = null
    this.attempt = 0
    this.connect()
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return
    let message: unknown
    try {
      message = JSON.parse(data)
    } catch {
      return
    }
    if (typeof message !== 'object' || message === null) return
    const m = message as { type?: unknown; id?: unknown; result?: unknown; event?: unknown; payload?: unknown }
    if (m.type === 'result' && typeof m.id === 'number') {
      const call = this.pending.get(m.id)
      if (!call) return
      this.pending.delete(m.id)
      call.resolve(m.result as Result<unknown>)
    } else if (m.type === 'event' && typeof m.event === 'string' && knownEvents.has(m.event)) {
      for (const listener of [...this.eventListeners]) listener(m.event as EventName, m.payload)
    }
  }

  invoke(method: MethodName, input: unknown): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      // A user's action (a save, a search) while the engine is out of reach fails at once and says so,
      // rather than waiting, silently, for a reconnection that a restarted host never grants.
      if (isDown(this.current)) {
        resolve(notConnected())
        return
      }
      const send = () => {
        const socket = this.socket
        if (!socket || socket.readyState !== OPEN) {
          this.waitingForOpen.push({ send, resolve })
          return
        }
        const id = this.nextId++
        const message = JSON.stringify({ type: 'call', id, method, input })
        // The host would drop the connection (and every call waiting on it) for a larger message.
        const max = this.options.maxMessageBytes ?? WS_MAX_MESSAGE_BYTES
        if (message.length * 3 > max) {
          const size = utf8Length(message)
          if (size > max) {
            resolve({ ok: false, error: { code: 'INVALID_INPUT', message: `This is too large to send to Hookscope at once: ${megabytes(size)}, at most ${megabytes(max)}.` } })
            return
          }
        }
        this.pending.set(id, { resolve })
        socket.send(message)
      }
      send()
    })
  }

  subscribe(listener: (event: EventName, payload: unknown) => void): () => void {
    this.eventListeners.add(listener)
    return () => void this.eventListeners.delete(listener)
  }

  close(): void {
    this.closed = true
    if (this.retryTimer !== null) (this.options.clearTimer ?? ((h) => clearTimeout(h as number)))(this.retryTimer)
    this.socket?.close()
    this.socket = null
  }
}

/** The Api's path asked without an upgrade: the host answers 426, or 503 when it takes no more pages. */
async function defaultHostAnswers(): Promise<boolean | 'full'> {
  const response = await fetch(`${window.location.origin}${WS_PATH}`, { method: 'HEAD', cache: 'no-store' })
  if (response.status === 503) return 'full'
  return response.status === 426
}
