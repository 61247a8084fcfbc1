// Order-aware diff of two raw header lists. Owns: pairing headers across the two lists (by name,
// case-insensitively; among several headers of one name, equal values first, then in order, so a
// duplicate is compared with its own counterpart) and classifying each row as same, changed, moved,
// added or removed. Never: merges duplicates or normalizes a value.
import type { RawHeaders } from '../../../shared/model'

export type HeaderDiffKind = 'same' | 'changed' | 'moved' | 'added' | 'removed'

export interface HeaderDiffRow {
  kind: HeaderDiffKind
  /** The name as in the newer list (as in the older one for a removed header). */
  name: string
  /** The name as in the older list, when its case differs. */
  oldName: string | null
  before: string | null
  after: string | null
  beforeIndex: number | null
  afterIndex: number | null
  /** A changed header that also changed position. */
  moved: boolean
}

/** Indices of a longest common subsequence of two string lists, as [i, j] pairs. */
function lcsPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  // Hundreds of headers of one name are compared in order: the table would cost too much memory.
  if (a.length * b.length > 250_000) return []
  const rows = a.length + 1
  const cols = b.length + 1
  const table = new Uint32Array(rows * cols)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? table[(i + 1) * cols + j + 1]! + 1 : Math.max(table[(i + 1) * cols + j]!, table[i * cols + j + 1]!)
    }
  }
  const pairs: Array<[number, number]> = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      pairs.push([i, j])
      i++
      j++
    } else if (table[(i + 1) * cols + j]! >= table[i * cols + j + 1]!) i++
    else j++
  }
  return pairs
}

/** Positions (in `sequence`) of a longest increasing subsequence. */
function longestIncreasing(sequence: readonly number[]): Set<number> {
  const tails: number[] = []
  const previous = new Array<number>(sequence.length).fill(-1)
  for (let i = 0; i < sequence.length; i++) {
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sequence[tails[mid]!]! < sequence[i]!) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) previous[i] = tails[lo - 1]!
    tails[lo] = i
  }
  const kept = new Set<number>()
  for (let at = tails.length > 0 ? tails[tails.length - 1]! : -1; at >= 0; at = previous[at]!) kept.add(at)
  return kept
}

export function diffHeaders(before: RawHeaders, after: RawHeaders): HeaderDiffRow[] {
  const groups = new Map<string, { a: number[]; b: number[] }>()
  const group = (name: string) => {
    const key = name.toLowerCase()
    let found = groups.get(key)
    if (!found) groups.set(key, (found = { a: [], b: [] }))
    return found
  }
  before.forEach(([name], i) => group(name).a.push(i))
  after.forEach(([name], j) => group(name).b.push(j))

  // Pairs of (index in before, index in after).
  const matchOfAfter = new Map<number, number>()
  const matchedBefore = new Set<number>()
  for (const { a, b } of groups.values()) {
    const equal = lcsPairs(
      a.map((i) => before[i]![1]),
      b.map((j) => after[j]![1]),
    )
    const usedA = new Set<number>()
    const usedB = new Set<number>()
    for (const [x, y] of equal) {
      usedA.add(x)
      usedB.add(y)
      matchOfAfter.set(b[y]!, a[x]!)
      matchedBefore.add(a[x]!)
    }
    const restA = a.filter((_, x) => !usedA.has(x))
    const restB = b.filter((_, y) => !usedB.has(y))
    for (let k = 0; k < Math.min(restA.length, restB.length); k++) {
      matchOfAfter.set(restB[k]!, restA[k]!)
      matchedBefore.add(restA[k]!)
    }
  }

  const matchedAfter = after.map((_, j) => j).filter((j) => matchOfAfter.has(j))
  const inOrder = longestIncreasing(matchedAfter.map((j) => matchOfAfter.get(j)!))
  const movedAfter = new Set(matchedAfter.filter((_, position) => !inOrder.has(position)))

  // For each position of `after`, the index in `before` of the next header that kept its place:
  // removed headers before it are shown ahead of added ones, as a line diff would.
  const nextAnchor = new Array<number>(after.length + 1).fill(before.length)
  for (let j = after.length - 1; j >= 0; j--) {
    const i = matchOfAfter.get(j)
    nextAnchor[j] = i !== undefined && !movedAfter.has(j) ? i : nextAnchor[j + 1]!
  }

  const rows: HeaderDiffRow[] = []
  let nextRemoved = 0
  const flushRemovedBefore = (limit: number) => {
    for (; nextRemoved < limit; nextRemoved++) {
      if (matchedBefore.has(nextRemoved)) continue
      const [name, value] = before[nextRemoved]!
      rows.push({ kind: 'removed', name, oldName: null, before: value, after: null, beforeIndex: nextRemoved, afterIndex: null, moved: false })
    }
  }
  after.forEach(([name, value], j) => {
    const i = matchOfAfter.get(j)
    if (i === undefined) {
      flushRemovedBefore(nextAnchor[j]!)
      rows.push({ kind: 'added', name, oldName: null, before: null, after: value, beforeIndex: null, afterIndex: j, moved: false })
      return
    }
    const moved = movedAfter.has(j)
    if (!moved) flushRemovedBefore(i)
    const [oldName, oldValue] = before[i]!
    const changed = oldValue !== value || oldName !== name
    rows.push({
      kind: changed ? 'changed' : moved ? 'moved' : 'same',
      name,
      oldName: oldName !== name ? oldName : null,
      before: oldValue,
      after: value,
      beforeIndex: i,
      afterIndex: j,
      moved,
    })
  })
  flushRemovedBefore(before.length)
  return rows
}
