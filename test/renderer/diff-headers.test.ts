import { describe, expect, it } from 'vitest'
import { diffHeaders } from '../../renderer/src/diff/header-diff'

const kinds = (rows: ReturnType<typeof diffHeaders>) => rows.map((row) => `${row.kind}:${row.name}:${row.before ?? ''}>${row.after ?? ''}`)

describe('header diff', () => {
  it('finds added, removed and changed headers in order', () => {
    const rows = diffHeaders(
      [
        ['Host', 'a'],
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', 't=1,v1=aa'],
        ['X-Old', 'gone'],
      ],
      [
        ['Host', 'a'],
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', 't=2,v1=bb'],
        ['X-New', 'here'],
      ],
    )
    expect(kinds(rows)).toEqual([
      'same:Host:a>a',
      'same:Content-Type:application/json>application/json',
      'changed:Stripe-Signature:t=1,v1=aa>t=2,v1=bb',
      'removed:X-Old:gone>',
      'added:X-New:>here',
    ])
  })

  it('sees a header that changed position as moved, not as removed and added', () => {
    const rows = diffHeaders(
      [
        ['A', '1'],
        ['B', '2'],
        ['C', '3'],
      ],
      [
        ['B', '2'],
        ['C', '3'],
        ['A', '1'],
      ],
    )
    expect(kinds(rows)).toEqual(['same:B:2>2', 'same:C:3>3', 'moved:A:1>1'])
    expect(rows[2]).toMatchObject({ beforeIndex: 0, afterIndex: 2 })
  })

  it('pairs duplicates with their own counterpart: equal values first, then in order', () => {
    const removedOne = diffHeaders(
      [
        ['X-Dup', 'first'],
        ['x-dup', 'second'],
      ],
      [['x-dup', 'second']],
    )
    expect(kinds(removedOne)).toEqual(['removed:X-Dup:first>', 'same:x-dup:second>second'])
    const changedSecond = diffHeaders(
      [
        ['X-Dup', 'first'],
        ['X-Dup', 'second'],
      ],
      [
        ['X-Dup', 'first'],
        ['X-Dup', 'other'],
        ['X-Dup', 'third'],
      ],
    )
    expect(kinds(changedSecond)).toEqual(['same:X-Dup:first>first', 'changed:X-Dup:second>other', 'added:X-Dup:>third'])
  })

  it('reports a change of name case, keeping both spellings', () => {
    const [row] = diffHeaders([['content-type', 'text/plain']], [['Content-Type', 'text/plain']])
    expect(row).toMatchObject({ kind: 'changed', name: 'Content-Type', oldName: 'content-type' })
  })

  it('marks a header that moved and changed as changed with moved set', () => {
    const rows = diffHeaders(
      [
        ['A', '1'],
        ['B', '2'],
        ['C', '3'],
      ],
      [
        ['B', '2'],
        ['C', '3'],
        ['A', '9'],
      ],
    )
    expect(rows.find((row) => row.name === 'A')).toMatchObject({ kind: 'changed', moved: true, before: '1', after: '9' })
  })
})
