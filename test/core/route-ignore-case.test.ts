// Routes by a header's value or a JSON field compare exactly, as Hookdeck's and ngrok's filters do by
// default; a route can ask to ignore letter case, and settings saved before that option still load.
import { describe, expect, it } from 'vitest'
import { route, type RoutableRequest } from '../../electron/core/forward/router'
import { defaultForwardConfig, ForwardConfig, type RouteMatch } from '../../shared/model'

function configWith(match: RouteMatch): ForwardConfig {
  return ForwardConfig.parse({
    ...defaultForwardConfig(),
    mode: 'async',
    targets: [
      { id: 'staging', url: 'http://localhost:3001', paused: false },
      { id: 'main', url: 'http://localhost:3000', paused: false },
    ],
    routes: [{ id: 'r-1', match, targetId: 'staging' }],
    defaultTargetId: 'main',
  })
}

function request(headers: Array<[string, string]>, body = ''): RoutableRequest {
  return { method: 'POST', target: '/hooks', rawHeaders: headers, body: () => Buffer.from(body) }
}

describe('routes by value, and letter case', () => {
  it('a header route compares the value exactly unless it ignores case; the name is never case-sensitive', () => {
    const exact = configWith({ kind: 'header', name: 'X-Env', value: 'staging' })
    expect(route(exact, request([['x-env', 'staging']]))).toBe('staging')
    expect(route(exact, request([['X-Env', 'Staging']]))).toBe('main')
    const anyCase = configWith({ kind: 'header', name: 'X-Env', value: 'staging', ignoreCase: true })
    expect(anyCase.routes[0]!.match).toEqual({ kind: 'header', name: 'X-Env', value: 'staging', ignoreCase: true })
    expect(route(anyCase, request([['X-ENV', 'Staging']]))).toBe('staging')
    expect(route(anyCase, request([['X-Env', ' STAGING ']]))).toBe('staging')
    expect(route(anyCase, request([['X-Env', 'staging-2']]))).toBe('main')
  })

  it('a JSON-field route likewise, over letters beyond ASCII too', () => {
    const body = JSON.stringify({ data: { status: 'Überfällig' } })
    expect(route(configWith({ kind: 'json-field', path: 'data.status', value: 'überfällig' }), request([], body))).toBe('main')
    expect(route(configWith({ kind: 'json-field', path: 'data.status', value: 'überfällig', ignoreCase: true }), request([], body))).toBe('staging')
    expect(route(configWith({ kind: 'json-field', path: 'data.status', value: 'ÜBERFÄLLIG', ignoreCase: true }), request([], body))).toBe('staging')
  })

  it('settings saved before the option read as exact', () => {
    const old = configWith({ kind: 'header', name: 'X-Env', value: 'staging' })
    expect(old.routes[0]!.match).toEqual({ kind: 'header', name: 'X-Env', value: 'staging' })
    expect(route(old, request([['X-Env', 'STAGING']]))).toBe('main')
  })
})
