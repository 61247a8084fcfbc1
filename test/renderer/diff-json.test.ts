import { describe, expect, it } from 'vitest'
import { diffJson, jsonText, parseJsonTree } from '../../renderer/src/diff/json-diff'
import { diffBodies, diffRequests } from '../../renderer/src/diff/request-diff'
import { utf8 } from './helpers/fake-api'

describe('JSON diff', () => {
  it('reports changed paths with old and new values, added and removed keys', () => {
    const before = '{"id":"evt_1","type":"invoice.paid","data":{"object":{"amount":100,"currency":"usd","meta":{"a":1}}},"items":[1,2,3]}'
    const after = '{"id":"evt_1","type":"invoice.failed","data":{"object":{"amount":250,"currency":"usd","status":"open"}},"items":[1,2]}'
    expect(diffJson(before, after)).toEqual([
      { kind: 'changed', path: '$.type', before: '"invoice.paid"', after: '"invoice.failed"' },
      { kind: 'changed', path: '$.data.object.amount', before: '100', after: '250' },
      { kind: 'removed', path: '$.data.object.meta', before: '{"a":1}', after: null },
      { kind: 'added', path: '$.data.object.status', before: null, after: '"open"' },
      { kind: 'removed', path: '$.items[2]', before: '3', after: null },
    ])
  })

  it('keeps numbers as written, so precision JSON.parse would lose still shows as a change', () => {
    expect(diffJson('{"n":12345678901234567890}', '{"n":12345678901234567891}')).toEqual([
      { kind: 'changed', path: '$.n', before: '12345678901234567890', after: '12345678901234567891' },
    ])
  })

  it('sees only formatting as no change, compares escapes by value, and quotes odd keys', () => {
    expect(diffJson('{"a": [1, 2]}', '{\n  "a": [\n    1,\n    2\n  ]\n}')).toEqual([])
    expect(diffJson('{"s":"\\u0041"}', '{"s":"A"}')).toEqual([])
    expect(diffJson('{"odd key":1}', '{"odd key":2}')).toEqual([{ kind: 'changed', path: '$["odd key"]', before: '1', after: '2' }])
  })

  it('compares duplicate keys occurrence by occurrence, and a type change as a change', () => {
    expect(diffJson('{"a":1,"a":2}', '{"a":1,"a":3}')).toEqual([{ kind: 'changed', path: '$.a', before: '2', after: '3' }])
    expect(diffJson('{"a":{"b":1}}', '{"a":[1]}')).toEqual([{ kind: 'changed', path: '$.a', before: '{"b":1}', after: '[1]' }])
  })

  it('refuses what is not JSON, and bounds depth and rendered length', () => {
    expect(parseJsonTree('{"a":1,}')).toBeNull()
    expect(parseJsonTree('{"a":1} x')).toBeNull()
    expect(parseJsonTree('[01]')).toBeNull()
    expect(parseJsonTree('"\u0001"')).toBeNull()
    expect(parseJsonTree('['.repeat(300) + ']'.repeat(300))).toBeNull()
    expect(diffJson('not json', '{}')).toBeNull()
    expect(jsonText(parseJsonTree(JSON.stringify({ long: 'x'.repeat(500) }))!, 50)).toHaveLength(51)
  })

  it('chooses JSON, line or binary comparison for request bodies', () => {
    expect(diffBodies(utf8('{"a":1}'), utf8('{"a":1}'))).toEqual({ kind: 'same', size: 7 })
    expect(diffBodies(utf8('{"a":1}'), utf8('{"a":2}')).kind).toBe('json')
    expect(diffBodies(utf8('a=1'), utf8('a=2')).kind).toBe('lines')
    expect(diffBodies(new Uint8Array([0xff, 0xfe]), new Uint8Array([0xff]))).toEqual({ kind: 'binary', beforeSize: 2, afterSize: 1 })
    const diff = diffRequests(
      { label: 'a', method: 'POST', url: 'http://x/a', headers: [['A', '1']], body: utf8('') },
      { label: 'b', method: 'PUT', url: 'http://x/a', headers: [['A', '1']], body: utf8('hello') },
    )
    expect(diff.method.changed).toBe(true)
    expect(diff.url.changed).toBe(false)
    expect(diff.body).toEqual({ kind: 'lines', ops: [{ kind: 'added', text: 'hello', oldLine: null, newLine: 1 }] })
  })
})
