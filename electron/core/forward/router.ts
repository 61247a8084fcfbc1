// Which target a captured request goes to. Owns: evaluating an endpoint's routes in order (path
// prefix, method, a header's value, a field of a JSON body; values exactly, or in any letter case when
// the route says so) and falling back to the default target.
import type { ForwardConfig, RawHeaders, RouteMatch } from '../../../shared/model'
import { decodeBody, parseContentEncoding } from '../capture/decode'
import { headerValue, headerValues } from '../capture/headers'
import { pathOfTarget } from './upstream'

export interface RoutableRequest {
  method: string
  target: string
  rawHeaders: RawHeaders
  /** Body bytes as a JSON-field route reads them (see `routableBody`), only asked for when such a route exists. */
  body: () => Buffer | null
}

/** JSON bodies larger than this (as stored, and once decoded) are not parsed for routing. */
export const ROUTE_JSON_LIMIT = 4 * 1024 * 1024

/** Whether an endpoint's routes read a field of the body. */
export function readsBody(config: ForwardConfig): boolean {
  return config.routes.some((rule) => rule.match.kind === 'json-field')
}

/** Whether a body must be decoded before a JSON-field route reads it (it has a Content-Encoding). */
export function isEncoded(rawHeaders: RawHeaders): boolean {
  return parseContentEncoding(headerValue(rawHeaders, 'content-encoding')).length > 0
}

/**
 * The body a JSON-field route reads: the whole body, its Content-Encoding undone (gzip, deflate, br,
 * as the body viewer does), so that a compressed JSON body is routed as the same body sent plain
 * would be. Null when it cannot be decoded whole within the limit.
 */
export async function routableBody(bytes: Buffer, rawHeaders: RawHeaders): Promise<Buffer | null> {
  const encoding = headerValue(rawHeaders, 'content-encoding')
  if (parseContentEncoding(encoding).length === 0) return bytes
  const decoded = await decodeBody(bytes, encoding, ROUTE_JSON_LIMIT)
  return decoded.error !== null || decoded.capped ? null : decoded.bytes
}

function jsonField(body: Buffer | null, path: string): string | null {
  if (!body || body.length === 0 || body.length > ROUTE_JSON_LIMIT) return null
  let value: unknown
  try {
    // A leading byte order mark is not part of the JSON text: skipped, not a reason to route elsewhere.
    const text = body.toString('utf8')
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch {
    return null
  }
  for (const key of path.split('.')) {
    // Only the body's own fields: `constructor` or `__proto__` name no field a sender sent.
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return null
    value = (value as Record<string, unknown>)[key]
  }
  if (value === undefined || value === null) return null
  if (typeof value !== 'object') return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    // Nested deeper than the stack can write back (JSON.parse reads any depth): no value to match.
    return null
  }
}

/** Values compare exactly, as Hookdeck's and ngrok's filters do, unless the route ignores letter case. */
function equalValues(value: string, expected: string, ignoreCase: boolean | undefined): boolean {
  return ignoreCase ? value.toLowerCase() === expected.toLowerCase() : value === expected
}

export function matches(match: RouteMatch, request: RoutableRequest, parsedBody: () => Buffer | null): boolean {
  switch (match.kind) {
    case 'path-prefix': {
      let path: string
      try {
        path = pathOfTarget(request.target)
      } catch {
        return false
      }
      return path.startsWith(match.prefix)
    }
    case 'method':
      return request.method.toUpperCase() === match.method.toUpperCase()
    case 'header':
      return headerValues(request.rawHeaders, match.name).some((value) => equalValues(value.trim(), match.value, match.ignoreCase))
    case 'json-field': {
      const value = jsonField(parsedBody(), match.path)
      return value !== null && equalValues(value, match.value, match.ignoreCase)
    }
    default:
      return unreachable(match)
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled route: ${JSON.stringify(value)}`)
}

/** The target for a request, or null when nothing matches and there is no default. */
export function route(config: ForwardConfig, request: RoutableRequest): string | null {
  let body: Buffer | null | undefined
  const lazyBody = () => (body === undefined ? (body = request.body()) : body)
  for (const rule of config.routes) {
    if (known(config, rule.targetId) && matches(rule.match, request, lazyBody)) return rule.targetId
  }
  return defaultTarget(config)
}

/** The default target, if it exists: where a request goes when no route takes it. */
export function defaultTarget(config: ForwardConfig): string | null {
  return config.defaultTargetId !== null && known(config, config.defaultTargetId) ? config.defaultTargetId : null
}

/** An endpoint has a few targets: a look along them costs less than building a set each time. */
function known(config: ForwardConfig, id: string): boolean {
  for (const target of config.targets) if (target.id === id) return true
  return false
}
