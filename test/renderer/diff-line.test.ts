import { describe, expect, it } from 'vitest'
import { diffLines, diffText, splitLines, withContext } from '../../renderer/src/diff/line-diff'

function lcsLength(a: string[], b: string[]): number {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!)
  return table[0]![0]!
}

function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
}

describe('line diff', () => {
  it('splits CRLF and LF lines without inventing an empty last line', () => {
    expect(splitLines('')).toEqual([])
    expect(splitLines('a\r\nb\n')).toEqual(['a', 'b'])
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b'])
  })

  it('marks removed, added and unchanged lines with their line numbers', () => {
    const ops = diffText('one\ntwo\nthree\n', 'one\n2\nthree\nfour\n')
    expect(ops).toEqual([
      { kind: 'same', text: 'one', oldLine: 1, newLine: 1 },
      { kind: 'removed', text: 'two', oldLine: 2, newLine: null },
      { kind: 'added', text: '2', oldLine: null, newLine: 2 },
      { kind: 'same', text: 'three', oldLine: 3, newLine: 3 },
      { kind: 'added', text: 'four', oldLine: null, newLine: 4 },
    ])
  })

  it('finds a minimal edit script and rebuilds both sides (random inputs against an LCS table)', () => {
    const random = seeded(42)
    for (let round = 0; round < 300; round++) {
      const pick = () => Array.from({ length: Math.floor(random() * 14) }, () => 'abcde'[Math.floor(random() * 5)]!)
      const a = pick()
      const b = pick()
      const ops = diffLines(a, b)
      expect(ops.filter((op) => op.kind !== 'added').map((op) => op.text)).toEqual(a)
      expect(ops.filter((op) => op.kind !== 'removed').map((op) => op.text)).toEqual(b)
      expect(ops.filter((op) => op.kind === 'same')).toHaveLength(lcsLength(a, b))
    }
  })

  it('gives up past the edit budget, still rebuilding both sides', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`)
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`)
    const ops = diffLines(['head', ...a, 'tail'], ['head', ...b, 'tail'], 10)
    expect(ops[0]).toMatchObject({ kind: 'same', text: 'head' })
    expect(ops.at(-1)).toMatchObject({ kind: 'same', text: 'tail', oldLine: 52, newLine: 52 })
    expect(ops.filter((op) => op.kind === 'removed')).toHaveLength(50)
    expect(ops.filter((op) => op.kind === 'added')).toHaveLength(50)
  })

  it('keeps context around changes and folds the rest into gaps', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`)
    const after = [...before]
    after[10] = 'changed'
    const hunks = withContext(diffLines(before, after), 2)
    expect(hunks[0]).toEqual({ kind: 'gap', hidden: 8 })
    expect(hunks.filter((h) => h.kind !== 'gap')).toHaveLength(6)
    expect(hunks.at(-1)).toEqual({ kind: 'gap', hidden: 7 })
  })
})
