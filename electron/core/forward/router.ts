// Which target a captured request goes to. Owns: evaluating an endpoint's routes in order (path
// prefix, method, a header's value, a field of a JSON body) and falling back to the default target.
import type { ForwardConfig, RawHeaders, RouteMatch } from '../../../shared/model'
import { headerValues } from '../capture/headers'
import { pathOfTarget } from './upstream'

export interface RoutableRequest {
  method: string
  target: string
  rawHeaders: RawHeaders
  /** Body bytes, for JSON-field routes (only parsed when such a route exists). */
  body: () => Buffer | null
}

/** JSON bodies larger than this are not parsed for routing. */
export const ROUTE_JSON_LIMIT = 4 * 1024 * 1024

function jsonField(body: Buffer | null, path: string): string | null {
  if (!body || body.length === 0 || body.length > ROUTE_JSON_LIMIT) return null
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    return null
  }
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return null
    value = (value as Record<string, unknown>)[key]
  }
  if (value === undefined || value === null) return null
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
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
      return headerValues(request.rawHeaders, match.name).some((value) => value.trim() === match.value)
    case 'json-field':
      return jsonField(parsedBody(), match.path) === match.value
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
