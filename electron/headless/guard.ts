// Who may use the control plane of the headless host. Owns: the checks on every HTTP request and
// WebSocket upgrade to the UI port. The threats: a web page elsewhere in the user's browser opening
// a WebSocket to us (cross-site WebSocket hijacking: checked by Origin), and DNS rebinding (a
// hostile name resolving to 127.0.0.1: checked by Host). The token proves the caller saw the URL
// this run printed. Never: trusts a header it did not check.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../shared/wire'

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

export interface GuardOptions {
  token: string
  /** Extra host names the UI may be reached by (e.g. through an SSH tunnel). */
  allowedHosts: string[]
}

export type GuardVerdict = { ok: true } | { ok: false; status: 400 | 401 | 403; reason: string }

/**
 * The names the UI may be reached by. The name is what a rebinding attack controls; the port is any:
 * a browser names the port it connected to, which differs from the UI's behind a tunnel or a proxy
 * (`ssh -L 8080:127.0.0.1:<ui-port>` is reached as localhost:8080).
 */
export function allowedHostNames(options: GuardOptions): Set<string> {
  return new Set([...LOOPBACK_NAMES, ...options.allowedHosts.map((name) => name.toLowerCase())])
}

/** The name of a Host header's value (`[::1]` kept in brackets), or null when it is not a host[:port]. */
function hostName(host: string): string | null {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host)
  return match ? match[1]! : null
}

export function checkHost(req: IncomingMessage, options: GuardOptions): GuardVerdict {
  const host = req.headers.host?.toLowerCase()
  if (!host) return { ok: false, status: 400, reason: 'missing Host header' }
  const name = hostName(host)
  if (name === null || !allowedHostNames(options).has(name)) return { ok: false, status: 403, reason: `Host ${host} is not this Hookscope` }
  return { ok: true }
}

export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** Checks for a WebSocket upgrade: Host, then Origin (must be the UI's own), then the token. */
export function checkUpgrade(req: IncomingMessage, options: GuardOptions): GuardVerdict {
  const host = checkHost(req, options)
  if (!host.ok) return host
  const origin = req.headers.origin
  if (!origin) return { ok: false, status: 403, reason: 'missing Origin header' }
  // The page's own origin: the one it was served from, over https behind a proxy that adds TLS.
  const own = req.headers.host!.toLowerCase()
  if (origin.toLowerCase() !== `http://${own}` && origin.toLowerCase() !== `https://${own}`) {
    return { ok: false, status: 403, reason: `Origin ${origin} is not this Hookscope's UI` }
  }
  const protocols = offeredProtocols(req)
  if (!protocols.includes(WS_PROTOCOL)) return { ok: false, status: 400, reason: `subprotocol ${WS_PROTOCOL} not offered` }
  const offered = protocols.find((p) => p.startsWith(WS_TOKEN_PREFIX))
  if (!offered || !sameToken(offered.slice(WS_TOKEN_PREFIX.length), options.token)) {
    return { ok: false, status: 401, reason: 'missing or wrong token' }
  }
  return { ok: true }
}
