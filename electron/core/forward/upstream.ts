// Building the request that goes to a forward target. Owns: the upstream path (the target's base path
// plus the request's raw path and query, joined as strings), and the headers sent (the received ones
// minus hop-by-hop, Host kept or rewritten in place, framing recomputed).
//
// Never `new URL(req.url, target)`: an absolute-form request target (`http://169.254.169.254/x`), a
// `//evil/x` or a `/\evil/x` path would resolve to another host. Here the host always comes from the
// configured target, and the request's target only ever contributes a path.
import type { RawHeaders } from '../../../shared/model'

/** What a header name means here. Worked out for every header of every forwarded request and relayed
 * answer, so without making a lower-case copy of the name: most are ruled out by their length. */
const enum Kind {
  Other,
  Host,
  ContentLength,
  TransferEncoding,
  /** connection, keep-alive, te, trailer, upgrade, proxy-* (transfer-encoding is one too) */
  HopByHop,
}

function kindOf(name: string): Kind {
  for (let i = 0; i < name.length; i++) {
    // Beyond ASCII, case follows Unicode's rules (the Kelvin sign lower-cases to "k"): as before.
    if (name.charCodeAt(i) > 0x7f) return kindOfLower(name.toLowerCase())
  }
  switch (name.length) {
    case 2:
      if (asciiIs(name, 'te')) return Kind.HopByHop
      break
    case 4:
      if (asciiIs(name, 'host')) return Kind.Host
      break
    case 7:
      if (asciiIs(name, 'trailer') || asciiIs(name, 'upgrade')) return Kind.HopByHop
      break
    case 10:
      if (asciiIs(name, 'connection') || asciiIs(name, 'keep-alive')) return Kind.HopByHop
      break
    case 14:
      if (asciiIs(name, 'content-length')) return Kind.ContentLength
      break
    case 17:
      if (asciiIs(name, 'transfer-encoding')) return Kind.TransferEncoding
      break
  }
  return asciiStarts(name, 'proxy-') ? Kind.HopByHop : Kind.Other
}

function kindOfLower(lower: string): Kind {
  if (lower === 'host') return Kind.Host
  if (lower === 'content-length') return Kind.ContentLength
  if (lower === 'transfer-encoding') return Kind.TransferEncoding
  if (['connection', 'keep-alive', 'te', 'trailer', 'upgrade'].includes(lower) || lower.startsWith('proxy-')) return Kind.HopByHop
  return Kind.Other
}

/** An ASCII name equals `lower` (lower-case) in any case. */
function asciiIs(name: string, lower: string): boolean {
  return name.length === lower.length && asciiStarts(name, lower)
}

function asciiStarts(name: string, lower: string): boolean {
  if (name.length < lower.length) return false
  for (let i = 0; i < lower.length; i++) {
    const c = name.charCodeAt(i)
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower.charCodeAt(i)) return false
  }
  return true
}

/** The header names the Connection headers list (hop-by-hop as well), lower-cased; null when there is none. */
function namedByConnection(received: RawHeaders): Set<string> | null {
  let named: Set<string> | null = null
  for (const [name, value] of received) {
    if (!(hasNonAscii(name) ? name.toLowerCase() === 'connection' : asciiIs(name, 'connection'))) continue
    named ??= new Set()
    for (const token of value.split(',')) named.add(token.trim().toLowerCase())
  }
  return named
}

function hasNonAscii(name: string): boolean {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return true
  return false
}

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

/** The path and query of a capture's target; null for one that names no path (a CONNECT's host:port). */
export function pathOfTargetOrNone(rawTarget: string): string | null {
  try {
    return pathOfTarget(rawTarget)
  } catch (error) {
    if (error instanceof UnforwardableTarget) return null
    throw error
  }
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
  const named = namedByConnection(received)
  // A received pair goes on as it is where it is kept (pairs are never changed).
  const out: RawHeaders = []
  let framingAt = -1
  let sawHost = false
  for (const pair of received) {
    const name = pair[0]
    const kind = kindOf(name)
    if (kind === Kind.ContentLength || kind === Kind.TransferEncoding) {
      if (framingAt < 0) framingAt = out.length
      continue
    }
    // Host before the hop-by-hop test: a Connection header naming Host must not take it away.
    if (kind === Kind.Host) {
      // One Host only: a second one would be ambiguous for the target.
      if (sawHost) continue
      sawHost = true
      out.push(options.host === 'rewrite' ? [name, options.targetHost] : pair)
      continue
    }
    if (kind === Kind.HopByHop || (named !== null && named.has(name.toLowerCase()))) continue
    out.push(pair)
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
  const named = namedByConnection(received)
  const out: RawHeaders = []
  for (const pair of received) {
    const kind = kindOf(pair[0])
    if (kind === Kind.HopByHop || kind === Kind.TransferEncoding || (named !== null && named.has(pair[0].toLowerCase()))) continue
    out.push(pair)
  }
  return out
}
