// The forwarding and signature settings of the endpoint editor as form values. Owns: turning an
// endpoint's ForwardConfig into editable strings and back, checking them with the engine's own schema,
// new target and route ids, and placing an engine error next to the field it is about. Errors are
// keyed by their path inside ForwardConfig (`targets.0.url`, `retry.maxAttempts`) or `signature.*`.
import { ForwardConfig, defaultForwardConfig, type ForwardMode, type RouteMatch } from '../../../../shared/model'
import type { SchemeId } from '../../../../shared/signatures'

export interface TargetForm {
  id: string
  url: string
  paused: boolean
  /** An https:// target's self-signed (or mkcert) certificate is accepted. */
  acceptSelfSigned: boolean
}

export type RouteKind = RouteMatch['kind']

export interface RouteForm {
  id: string
  kind: RouteKind
  prefix: string
  method: string
  name: string
  path: string
  value: string
  /** A header or JSON-field route: the value matches in any letter case (exactly otherwise). */
  ignoreCase: boolean
  /** '' until a target is chosen. */
  targetId: string
}

export interface ForwardForm {
  mode: ForwardMode
  targets: TargetForm[]
  routes: RouteForm[]
  /** '' for none. */
  defaultTargetId: string
  host: 'rewrite' | 'keep'
  allowBrowser: boolean
  resignStale: boolean
  timeoutSeconds: string
  maxAttempts: string
  maxAgeHours: string
  baseDelaySeconds: string
  maxDelaySeconds: string
}

export interface SignatureForm {
  /** '' for none. */
  scheme: SchemeId | ''
  publicUrl: string
  /** Typed by the user; sent once with endpoints.setSecret, never filled from the engine. */
  secret: string
}

export type FieldErrors = Record<string, string>

export const ROUTE_KIND_LABELS: Record<RouteKind, string> = {
  'path-prefix': 'Path starts with',
  method: 'Method is',
  header: 'Header equals',
  'json-field': 'JSON field equals',
}

function randomSuffix(): string {
  const bytes = new Uint8Array(6)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 10)
}

export const newTargetId = (): string => `t-${randomSuffix()}`
export const newRouteId = (): string => `r-${randomSuffix()}`

const seconds = (ms: number) => String(ms / 1000)

/** Whether a target's URL (as typed) is an https:// one, where a certificate is checked. */
export const isHttps = (url: string): boolean => /^\s*https:\/\//i.test(url)

export function forwardFormFrom(config: ForwardConfig | undefined): ForwardForm {
  const c = config ?? defaultForwardConfig()
  return {
    mode: c.mode,
    targets: c.targets.map((t) => ({ id: t.id, url: t.url, paused: t.paused, acceptSelfSigned: t.acceptSelfSigned === true })),
    routes: c.routes.map((r) => ({
      id: r.id,
      kind: r.match.kind,
      prefix: r.match.kind === 'path-prefix' ? r.match.prefix : '',
      method: r.match.kind === 'method' ? r.match.method : '',
      name: r.match.kind === 'header' ? r.match.name : '',
      path: r.match.kind === 'json-field' ? r.match.path : '',
      value: r.match.kind === 'header' || r.match.kind === 'json-field' ? r.match.value : '',
      ignoreCase: (r.match.kind === 'header' || r.match.kind === 'json-field') && r.match.ignoreCase === true,
      targetId: r.targetId,
    })),
    defaultTargetId: c.defaultTargetId ?? '',
    host: c.host,
    allowBrowser: c.allowBrowser,
    resignStale: c.resignStale,
    timeoutSeconds: seconds(c.timeoutMs),
    maxAttempts: String(c.retry.maxAttempts),
    maxAgeHours: String(c.retry.maxAgeMs / 3_600_000),
    baseDelaySeconds: seconds(c.retry.baseDelayMs),
    maxDelaySeconds: seconds(c.retry.maxDelayMs),
  }
}

export function newRoute(targetId: string): RouteForm {
  return { id: newRouteId(), kind: 'path-prefix', prefix: '', method: '', name: '', path: '', value: '', ignoreCase: false, targetId }
}

function matchOf(route: RouteForm): RouteMatch {
  switch (route.kind) {
    case 'path-prefix':
      return { kind: 'path-prefix', prefix: route.prefix.trim() }
    case 'method':
      return { kind: 'method', method: route.method.trim().toUpperCase() }
    case 'header':
      return { kind: 'header', name: route.name.trim(), value: route.value, ...(route.ignoreCase ? { ignoreCase: true } : {}) }
    case 'json-field':
      return { kind: 'json-field', path: route.path.trim(), value: route.value, ...(route.ignoreCase ? { ignoreCase: true } : {}) }
  }
}

/** What a route's condition takes, in words, with how it compares the value (null until it is filled in). */
export function routeSummary(route: RouteForm): string | null {
  const quoted = `“${route.value}”`
  const letterCase = route.ignoreCase ? 'in any letter case' : 'exactly (letter case counts)'
  switch (route.kind) {
    case 'path-prefix':
      return route.prefix.trim() === '' ? null : `Requests whose path starts with “${route.prefix.trim()}”`
    case 'method':
      return route.method.trim() === '' ? null : `${route.method.trim().toUpperCase()} requests`
    case 'header':
      return route.name.trim() === '' ? null : `Requests whose ${route.name.trim()} header is ${quoted}, ${letterCase}`
    case 'json-field':
      return route.path.trim() === '' ? null : `JSON bodies whose ${route.path.trim()} is ${quoted}, ${letterCase}`
  }
}

/** A number typed in `unit`s as whole milliseconds (or counts); NaN when it is not a number. */
function toNumber(text: string, unit: number): number {
  if (text.trim() === '') return Number.NaN
  const value = Number(text.trim())
  return Number.isFinite(value) ? Math.round(value * unit) : Number.NaN
}

const NUMBER_FIELDS: Array<{ key: string; read: (f: ForwardForm) => string; unit: number }> = [
  { key: 'timeoutMs', read: (f) => f.timeoutSeconds, unit: 1000 },
  { key: 'retry.maxAttempts', read: (f) => f.maxAttempts, unit: 1 },
  { key: 'retry.maxAgeMs', read: (f) => f.maxAgeHours, unit: 3_600_000 },
  { key: 'retry.baseDelayMs', read: (f) => f.baseDelaySeconds, unit: 1000 },
  { key: 'retry.maxDelayMs', read: (f) => f.maxDelaySeconds, unit: 1000 },
]

const ROUTE_FIELD_NAMES: Record<string, string> = { prefix: 'a path prefix', method: 'a method', name: 'a header name', path: 'a JSON field path' }

/** Messages for people, replacing zod's terse ones where the path says enough. */
function friendly(key: string, message: string): string {
  if (/^targets\.\d+\.url$/.test(key) && /Invalid URL|http:\/\/ or https:\/\//i.test(message)) return 'Give a full URL, such as http://localhost:3000/webhooks.'
  const routeField = /^routes\.\d+\.match\.(prefix|method|name|path)$/.exec(key)
  if (routeField && /too small/i.test(message)) return `Give ${ROUTE_FIELD_NAMES[routeField[1]!]}.`
  if (key === 'timeoutMs' && /too (small|big)/i.test(message)) return 'Between 0.1 s and 600 s.'
  if (key === 'retry.maxAttempts' && /too (small|big)/i.test(message)) return 'Between 1 and 1000.'
  if (key === 'retry.maxAgeMs' && /too small/i.test(message)) return 'At least one second (0.0003 h).'
  if ((key === 'retry.baseDelayMs' || key === 'retry.maxDelayMs') && /too small/i.test(message)) return 'At least 0.01 s.'
  if (/expected int/i.test(message)) return 'Give a whole number.'
  if (/expected number|received NaN/i.test(message)) return 'Give a number.'
  return message.charAt(0).toUpperCase() + message.slice(1)
}

/** A header name or a method: one token, as HTTP writes them (RFC 9110), with no space or colon. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * A route's condition as typed that no request can meet (a path prefix without its leading `/`, a
 * header name written with its value, a JSON path in JSONPath's `$.` notation), with what to write
 * instead; null when it can match, or is empty (said otherwise).
 */
function neverMatches(route: RouteForm): { field: 'prefix' | 'method' | 'name' | 'path'; message: string } | null {
  switch (route.kind) {
    case 'path-prefix': {
      const prefix = route.prefix.trim()
      if (prefix === '' || prefix.startsWith('/')) return null
      return { field: 'prefix', message: `A request’s path starts with /: give /${prefix.replace(/^https?:\/\/[^/]*\/?/i, '')}.` }
    }
    case 'method': {
      const method = route.method.trim()
      return method === '' || TOKEN.test(method) ? null : { field: 'method', message: 'Give one method, such as POST.' }
    }
    case 'header': {
      const name = route.name.trim()
      if (name === '' || TOKEN.test(name)) return null
      const [before, ...after] = name.split(':')
      const alone = before!.trim()
      return {
        field: 'name',
        message: after.length > 0 && TOKEN.test(alone) ? `Give the name alone: ${alone} (its value goes in the next field).` : 'A header name has no spaces, colons or quotes: such as X-GitHub-Event.',
      }
    }
    case 'json-field': {
      const path = route.path.trim()
      // JSONPath's root, not a field's name (a field may be named `$type`, as .NET writes its types).
      if (path !== '$' && !path.startsWith('$.') && !path.startsWith('$[')) return null
      const plain = path.replace(/^\$\.?/, '')
      return { field: 'path', message: plain === '' ? 'Give the field’s name, such as type, or data.object.id inside an object.' : `Give the path without $: ${plain}.` }
    }
  }
}

export type ForwardCheck = { ok: true; config: ForwardConfig } | { ok: false; errors: FieldErrors }

/** The form as a ForwardConfig, checked with the same schema (and cross-checks) the engine applies. */
export function forwardConfigFrom(form: ForwardForm): ForwardCheck {
  const errors: FieldErrors = {}
  const numbers: Record<string, number> = {}
  for (const field of NUMBER_FIELDS) {
    const value = toNumber(field.read(form), field.unit)
    if (Number.isNaN(value)) errors[field.key] = 'Give a number.'
    numbers[field.key] = value
  }
  const candidate = {
    mode: form.mode,
    targets: form.targets.map((t) => ({
      id: t.id,
      url: t.url.trim(),
      paused: t.paused,
      // Kept only where it means something: an https:// target.
      ...(t.acceptSelfSigned && isHttps(t.url) ? { acceptSelfSigned: true } : {}),
    })),
    routes: form.routes.map((r) => ({ id: r.id, match: matchOf(r), targetId: r.targetId })),
    defaultTargetId: form.defaultTargetId === '' ? null : form.defaultTargetId,
    host: form.host,
    allowBrowser: form.allowBrowser,
    resignStale: form.resignStale,
    timeoutMs: numbers.timeoutMs,
    retry: {
      maxAttempts: numbers['retry.maxAttempts'],
      maxAgeMs: numbers['retry.maxAgeMs'],
      baseDelayMs: numbers['retry.baseDelayMs'],
      maxDelayMs: numbers['retry.maxDelayMs'],
    },
  }
  const parsed = ForwardConfig.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.')
      if (!errors[key]) errors[key] = friendly(key, issue.message)
    }
  }
  const targetIds = new Set(form.targets.map((t) => t.id))
  form.routes.forEach((route, index) => {
    const never = neverMatches(route)
    if (never) errors[`routes.${index}.match.${never.field}`] ??= never.message
    if (!targetIds.has(route.targetId)) errors[`routes.${index}.targetId`] = 'Choose the target this route sends to.'
  })
  if (form.mode !== 'off' && form.targets.length === 0) errors.targets ??= 'Add a target to forward to.'
  const base = numbers['retry.baseDelayMs']!
  const max = numbers['retry.maxDelayMs']!
  if (!Number.isNaN(base) && !Number.isNaN(max) && max < base) errors['retry.maxDelayMs'] ??= 'At least the first retry delay.'
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors }
  return { ok: true, config: parsed.data }
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol)
  } catch {
    return false
  }
}

export type SignatureCheck = { ok: true; scheme: SchemeId | null; publicUrl: string | null } | { ok: false; errors: FieldErrors }

export function signatureFrom(form: SignatureForm): SignatureCheck {
  const publicUrl = form.publicUrl.trim()
  if (publicUrl !== '') {
    if (!isHttpUrl(publicUrl)) return { ok: false, errors: { 'signature.publicUrl': 'Give the full http:// or https:// address the provider calls, such as your tunnel’s.' } }
  }
  return { ok: true, scheme: form.scheme === '' ? null : form.scheme, publicUrl: publicUrl === '' ? null : publicUrl }
}

/**
 * Where an engine error belongs. Schema errors end with "at <path>" (`patch.forward.targets.0.url`);
 * the engine's cross-checks name a route or the default target. Null when it belongs to no field.
 */
export function fieldOfEngineError(message: string, form: ForwardForm): { key: string; message: string } | null {
  const at = / at (?:patch\.)?(forward|signature)\.(\S+)$/.exec(message)
  if (at) {
    const key = at[1] === 'signature' ? `signature.${at[2]}` : at[2]!
    return { key, message: friendly(key, message.slice(0, at.index)) }
  }
  const route = /^Route (\S+) points at an unknown target/.exec(message)
  if (route) {
    const index = form.routes.findIndex((r) => r.id === route[1])
    if (index >= 0) return { key: `routes.${index}.targetId`, message }
  }
  if (/^The default target /.test(message)) return { key: 'defaultTargetId', message }
  if (/^Two forward targets share the id/.test(message)) return { key: 'targets', message }
  return null
}

/** The error shown beside a list item: the first error under `prefix` (e.g. `routes.2.`). */
export function errorUnder(errors: FieldErrors, prefix: string): string | undefined {
  for (const [key, message] of Object.entries(errors)) if (key.startsWith(prefix)) return message
  return undefined
}

export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return [...items]
  const next = [...items]
  const [item] = next.splice(from, 1)
  next.splice(to, 0, item!)
  return next
}
