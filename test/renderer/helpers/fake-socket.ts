// A WebSocket the test drives by hand (opened, closed by the host with a code, sent messages), and a
// page's transport built on it with timers the test runs itself.
import type { ConnectionState } from '../../../renderer/src/api/connection-state'
import { WebSocketTransport } from '../../../renderer/src/api/websocket-transport'

export class FakeSocket {
  static created: FakeSocket[] = []
  readyState: 0 | 1 | 2 | 3 = 0
  sent: string[] = []
  onopen: ((e: Event) => void) | null = null
  onclose: ((e: CloseEvent) => void) | null = null
  onerror: ((e: Event) => void) | null = null
  onmessage: ((e: MessageEvent) => void) | null = null
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.created.push(this)
  }
  static last(): FakeSocket {
    return FakeSocket.created.at(-1)!
  }
  send(text: string) {
    this.sent.push(text)
  }
  close() {
    this.closedByHost()
  }
  open() {
    this.readyState = 1
    this.onopen?.({} as Event)
  }
  /** The connection ends from the other side (a code the host chose, or none: it just went). */
  closedByHost(code?: number) {
    this.readyState = 3
    this.onclose?.((code === undefined ? {} : { code }) as CloseEvent)
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent)
  }
}

export interface FakeTransportOptions {
  /** The run's token; null for a page opened without one. */
  token?: string | null
  /** What a plain request to the host finds: it answers, it does not, or it takes no more pages. */
  hostAnswers?: () => Promise<boolean | 'full'>
  now?: () => number
  maxMessageBytes?: number
}

export function fakeTransport(options: FakeTransportOptions = {}) {
  FakeSocket.created = []
  const timers: Array<{ fn: () => void; ms: number }> = []
  const states: ConnectionState[] = []
  const transport = new WebSocketTransport({
    url: 'ws://127.0.0.1:9/api',
    token: options.token === undefined ? 'secret-token' : options.token,
    createSocket: (url, protocols) => new FakeSocket(url, protocols),
    hostAnswers: options.hostAnswers ?? (async () => false),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    ...(options.now ? { now: options.now } : {}),
    ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
  })
  transport.onState((s) => states.push(s))
  return { transport, timers, states }
}
