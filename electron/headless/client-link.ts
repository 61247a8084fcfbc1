// One page connected to the headless host's Api. Owns: what the host holds for that page and has not
// yet handed to its socket (the outbox), the bound on it, and reading the page's calls only while it
// takes their answers. A page that stops reading (or a process that holds the token and never reads)
// would otherwise make the host keep every event and answer meant for it, its memory growing with the
// traffic. Never: counts a message's size against the page (an answer of 100 MB is one message the page
// is receiving: what is unread is what waits behind it), or drops a message without closing.
import type { WebSocket } from 'ws'
import { dispatch, type ApiHandlers } from '../../shared/api'
import { ClientMessage, WS_CLOSE_FELL_BEHIND, type ServerMessage } from '../../shared/wire'

export interface ClientLimits {
  /**
   * Most bytes of live updates (traffic batches, notices) that may wait for one page behind what its
   * socket is sending it. Past it the page is cut off (WS_CLOSE_FELL_BEHIND) and reloads once
   * reconnected. 500 requests a second make about 0.5 MB a second, and the system's own buffers hold
   * several more MB before anything waits here: a page must stall for many seconds to reach it.
   */
  maxUnreadBytes: number
  /** Calls of one page being answered at once; the next ones are read when one is answered. */
  maxCallsInProgress: number
  /** How long a page that was cut off has to take its close before its socket is destroyed. */
  closeGraceMs: number
}

const MiB = 1024 * 1024

export const DEFAULT_CLIENT_LIMITS: ClientLimits = { maxUnreadBytes: 16 * MiB, maxCallsInProgress: 32, closeGraceMs: 10_000 }

/**
 * Bytes handed to the socket and not yet passed on to the system. Messages wait in the outbox once the
 * socket holds this much, so that what a page has not read is counted there (and a newer state can
 * replace an older one still waiting), not hidden in the socket's own buffer.
 */
const SOCKET_WINDOW_BYTES = 1 * MiB

interface Outgoing {
  data: Buffer
  /** A state sent whole each time (the endpoints, one run's progress): a newer one replaces it while it waits. */
  key: string | null
  kind: 'update' | 'state' | 'answer'
}

export class ClientLink {
  private outbox: Array<Outgoing | null> = []
  private first = 0
  private readonly waitingState = new Map<string, Outgoing>()
  private updateBytes = 0
  private stateBytes = 0
  private answerBytes = 0
  private inSocket = 0
  private readonly calls: ClientMessage[] = []
  private callsInProgress = 0
  private cutOff = false
  private graceTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly ws: WebSocket,
    private readonly handlers: ApiHandlers,
    private readonly limits: ClientLimits,
    /** Told once its socket is closed. */
    onClosed: () => void,
  ) {
    ws.on('close', () => {
      if (this.graceTimer) clearTimeout(this.graceTimer)
      this.drop()
      onClosed()
    })
    ws.on('error', () => ws.terminate())
    ws.on('message', (data, isBinary) => this.receive(data.toString(), isBinary))
  }

  /** Whether the page is still served: not cut off, and its socket open. */
  get served(): boolean {
    return !this.cutOff && this.ws.readyState === this.ws.OPEN
  }

  /** Calls read from this page and not yet answered because it does not take the answers it has. */
  get callsWaiting(): number {
    return this.calls.length
  }

  /** What the host holds for this page: waiting in its outbox and handed to its socket, not yet sent. */
  get heldBytes(): number {
    return this.updateBytes + this.stateBytes + this.answerBytes + this.inSocket
  }

  /**
   * An event for this page. `key` names a state sent whole each time, which a newer one replaces while
   * it waits; without one, it is a live update, counted against the bound.
   */
  event(data: Buffer, key: string | null): void {
    if (this.cutOff || this.ws.readyState !== this.ws.OPEN) return
    if (key !== null) {
      const waiting = this.waitingState.get(key)
      if (waiting) {
        this.stateBytes += data.length - waiting.data.length
        waiting.data = data
        return
      }
      this.enqueue({ data, key, kind: 'state' })
      return
    }
    // Only what waits behind the socket counts: a page that reads takes it within moments.
    if (this.updateBytes + data.length > this.limits.maxUnreadBytes && this.first < this.outbox.length) {
      this.cutOffBehind()
      return
    }
    this.enqueue({ data, key: null, kind: 'update' })
  }

  private receive(text: string, isBinary: boolean): void {
    if (this.cutOff) return
    if (isBinary) return void this.ws.close(1003, 'text frames only')
    let message: ClientMessage
    try {
      message = ClientMessage.parse(JSON.parse(text))
    } catch {
      return void this.ws.close(1008, 'malformed message')
    }
    this.calls.push(message)
    this.readCalls()
  }

  /** Answers the calls read, while the page takes the answers: else its socket is no longer read. */
  private readCalls(): void {
    while (this.calls.length > 0 && !this.cutOff && this.callsInProgress < this.limits.maxCallsInProgress && this.answerBytes <= this.limits.maxUnreadBytes) {
      const message = this.calls.shift()!
      this.callsInProgress++
      void dispatch(this.handlers, message.method, message.input).then((result) => {
        this.callsInProgress--
        if (!this.cutOff && this.ws.readyState === this.ws.OPEN) {
          const reply: ServerMessage = { type: 'result', id: message.id, result }
          this.enqueue({ data: Buffer.from(JSON.stringify(reply)), key: null, kind: 'answer' })
        }
        this.readCalls()
      })
    }
    if (this.cutOff || this.ws.readyState !== this.ws.OPEN) return
    if (this.calls.length > 0) this.ws.pause()
    else if (this.ws.isPaused) this.ws.resume()
  }

  private enqueue(message: Outgoing): void {
    this.outbox.push(message)
    this.count(message, 1)
    if (message.key !== null) this.waitingState.set(message.key, message)
    this.pump()
  }

  private count(message: Outgoing, sign: 1 | -1): void {
    const bytes = sign * message.data.length
    if (message.kind === 'update') this.updateBytes += bytes
    else if (message.kind === 'state') this.stateBytes += bytes
    else this.answerBytes += bytes
  }

  /** Hands waiting messages to the socket, in order, while it holds less than its window. */
  private pump(): void {
    let answersLeft = false
    while (this.first < this.outbox.length && this.inSocket < SOCKET_WINDOW_BYTES && !this.cutOff && this.ws.readyState === this.ws.OPEN) {
      const message = this.outbox[this.first]!
      this.outbox[this.first++] = null
      this.count(message, -1)
      if (message.kind === 'answer') answersLeft = true
      if (message.key !== null) this.waitingState.delete(message.key)
      const bytes = message.data.length
      this.inSocket += bytes
      this.ws.send(message.data, { binary: false }, () => {
        this.inSocket -= bytes
        this.pump()
      })
    }
    if (this.first === this.outbox.length) {
      this.outbox = []
      this.first = 0
    } else if (this.first > 1024 && this.first * 2 > this.outbox.length) {
      this.outbox = this.outbox.slice(this.first)
      this.first = 0
    }
    if (answersLeft && this.calls.length > 0) this.readCalls()
  }

  /** The page left more unread than the host holds for one: nothing more is queued, and it is closed. */
  private cutOffBehind(): void {
    this.cutOff = true
    this.drop()
    // The close follows what the socket still holds: a page that is only slow reads it and reconnects;
    // one that never reads is let go after the grace.
    this.ws.close(WS_CLOSE_FELL_BEHIND, 'fell behind: too many live updates left unread')
    this.graceTimer = setTimeout(() => this.ws.terminate(), this.limits.closeGraceMs)
    this.graceTimer.unref()
  }

  private drop(): void {
    this.outbox = []
    this.first = 0
    this.waitingState.clear()
    this.updateBytes = this.stateBytes = this.answerBytes = 0
    this.calls.length = 0
  }

  /** The host stops: a page that was cut off is let go at once. */
  close(code: number, reason: string): void {
    if (this.cutOff) this.ws.terminate()
    else this.ws.close(code, reason)
  }
}
