// The messages that carry the Api over a WebSocket (headless host). Over Electron IPC the same
// calls and events travel as invoke/send arguments; the envelope is the same in both.
import { z } from 'zod'

export const WS_PATH = '/api'
/** Offered by the client; the server selects it when the connection is accepted. */
export const WS_PROTOCOL = 'hookscope.v1'
/** The per-run token travels as a second offered subprotocol, so it never lands in a URL or a log. */
export const WS_TOKEN_PREFIX = 'token.'
/**
 * Most bytes one message may carry. A call carries whole files and bodies (an import of up to 200 M
 * characters, a composed request with a body at the capture limit in base64), so the bound is theirs.
 */
export const WS_MAX_MESSAGE_BYTES = 256 * 1024 * 1024

export const ClientMessage = z.object({
  type: z.literal('call'),
  id: z.number().int(),
  method: z.string(),
  input: z.unknown(),
})
export type ClientMessage = z.infer<typeof ClientMessage>

export type ServerMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; event: string; payload: unknown }

/**
 * Close code (4000–4999 are the application's own) of a connection the host cut off because its
 * page left more live updates unread than the host holds for one page: the page reconnects at once and
 * reloads what it shows, as after any reconnection.
 */
export const WS_CLOSE_FELL_BEHIND = 4013
