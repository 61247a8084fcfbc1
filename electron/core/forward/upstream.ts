// Building the request that goes to a forward target. Owns: the upstream path (the target's base path
// plus the request's raw path and query, joined as strings), and the headers sent (the received ones
// minus hop-by-hop, Host kept or rewritten in place, framing recomputed).
//
// Never `new URL(req.url, target)`: an absolute-form request target (`http://169.254.169.254/x`), a
// `//evil/x` or a `/\evil/x` path would resolve to another host. Here the host always comes from the
// configured target, and the request's target only ever contributes a path.
import type { RawHeaders } from '../../../shared/model'

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate'])

export class UnforwardableTarget extends Error {}

/** The path and query of a raw request target, whatever its form. */
export function pathOfTarget(rawTarget: string): string {
  if (rawTarget.startsWith('/')) return rawTarget
  if (rawTarget === '*') return ''
  // absolute-form: keep only what follows the authority.
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(rawTarget)
  if (match) {
    const rest = match[1]!
    return rest.startsWith('/') ? rest : `/${rest}`
  }
  throw new UnforwardableTarget(`the request target "${rawTarget.slice(0, 100)}" cannot be forwarded`)
}

/** The path sent upstream: target base path (without its trailing slash) + the request's raw path. */
export function upstreamPath(target: URL, rawTarget: string): string {
  const base = target.pathname === '/' ? '' : target.pathname.replace(/\/+$/, '')
  const path = pathOfTarget(rawTarget)
  const joined = base + path
  if (joined === '') return '/'
  return joined.startsWith('/') ? joined : `/${joined}`
}

/** host[:port] of the target as a Host header value (the default port omitted). */
export function hostOf(target: URL): string {
  return target.host
}

/**
 * Headers for the upstream request: received order, case and duplicates, minus hop-by-hop headers
 * (and any named by Connection), with Content-Length set to the body's real length where the first
 * framing header stood. A stale Content-Length, or CL with TE, can never reach the target.
 */
export function upstreamHeaders(received: RawHeaders, options: { host: 'rewrite' | 'keep'; targetHost: string; bodyLength: number; method: string }): RawHeaders {
  const named = new Set<string>()
  for (const [name, value] of received) {
    if (name.toLowerCase() === 'connection') for (const token of value.split(',')) named.add(token.trim().toLowerCase())
  }
  const out: RawHeaders = []
  let framingAt = -1
  let sawHost = false
  for (const [name, value] of received) {
    const lower = name.toLowerCase()
    if (lower === 'content-length' || lower === 'transfer-encoding') {
      if (framingAt < 0) framingAt = out.length
      continue
    }
    // Host before the hop-by-hop test: a Connection header naming Host must not take it away.
    if (lower === 'host') {
      // One Host only: a second one would be ambiguous for the target.
      if (sawHost) continue
      sawHost = true
      out.push([name, options.host === 'rewrite' ? options.targetHost : value])
      continue
    }
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named.has(lower)) continue
    out.push([name, value])
  }
  if (!sawHost) out.unshift(['Host', options.targetHost])
  const needsLength = options.bodyLength > 0 || framingAt >= 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE'].includes(options.method.toUpperCase())
  if (needsLength) {
    const length: [string, string] = ['Content-Length', String(options.bodyLength)]
    if (framingAt >= 0) out.splice(Math.min(framingAt + (sawHost ? 0 : 1), out.length), 0, length)
    else out.push(length)
  }
  return out
}

/** Headers of a target's response to relay to the sender: hop-by-hop removed (Node frames the body). */
export function relayHeaders(received: RawHeaders): RawHeaders {
  const named = new Set<string>()
  for (const [name, value] of received) {
    if (name.toLowerCase() === 'connection') for (const token of value.split(',')) named.add(token.trim().toLowerCase())
  }
  return received.filter(([name]) => {
    const lower = name.toLowerCase()
    return !(HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named.has(lower))
  })
}
