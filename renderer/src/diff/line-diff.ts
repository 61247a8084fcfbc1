// Line diff for bodies that are not JSON: Myers' O((N+M)·D) algorithm over lines, after trimming the
// common head and tail. Owns: splitting text into lines and the edit script. Never: touches the DOM.
// Past `maxEdits` differences the middle is reported as removed then added, so a huge, unrelated
// pair of bodies costs bounded time and memory.

export type LineOpKind = 'same' | 'added' | 'removed'

export interface LineOp {
  kind: LineOpKind
  text: string
  /** 1-based line in the old text (null for an added line). */
  oldLine: number | null
  /** 1-based line in the new text (null for a removed line). */
  newLine: number | null
}

export const DEFAULT_MAX_EDITS = 2000

/** Lines without their terminators; CRLF and LF both end a line. A final line end adds no empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

type Edit = { kind: LineOpKind; a: number; b: number }

/** The edit script of the middle part a[0..n) against b[0..m) (indices relative to the slices). */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Edit[] | null {
  const n = a.length
  const m = b.length
  const max = n + m
  const limit = Math.min(max, maxEdits)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // trace[d] holds v for k in [-(d+1), d+1] as it was before step d.
  const trace: Int32Array[] = []
  let found = -1
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) {
        found = d
        break
      }
    }
    if (found >= 0) break
  }
  if (found < 0) return null
  const edits: Edit[] = []
  let x = n
  let y = m
  for (let d = found; d >= 0; d--) {
    const snapshot = trace[d]!
    const at = (k: number) => snapshot[k + d + 1]!
    const k = x - y
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1
    const prevX = d === 0 ? 0 : at(prevK)
    const prevY = d === 0 ? 0 : prevX - prevK
    while (x > prevX && y > prevY) {
      x--
      y--
      edits.push({ kind: 'same', a: x, b: y })
    }
    if (d > 0) {
      if (x === prevX) edits.push({ kind: 'added', a: x, b: prevY })
      else edits.push({ kind: 'removed', a: prevX, b: y })
    }
    x = prevX
    y = prevY
  }
  return edits.reverse()
}

export function diffLines(oldLines: readonly string[], newLines: readonly string[], maxEdits = DEFAULT_MAX_EDITS): LineOp[] {
  let head = 0
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++
  let tail = 0
  while (tail < oldLines.length - head && tail < newLines.length - head && oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]) tail++
  const a = oldLines.slice(head, oldLines.length - tail)
  const b = newLines.slice(head, newLines.length - tail)
  const ops: LineOp[] = []
  for (let i = 0; i < head; i++) ops.push({ kind: 'same', text: oldLines[i]!, oldLine: i + 1, newLine: i + 1 })
  const edits = myers(a, b, maxEdits)
  if (edits) {
    for (const edit of edits) {
      if (edit.kind === 'same') ops.push({ kind: 'same', text: a[edit.a]!, oldLine: head + edit.a + 1, newLine: head + edit.b + 1 })
      else if (edit.kind === 'removed') ops.push({ kind: 'removed', text: a[edit.a]!, oldLine: head + edit.a + 1, newLine: null })
      else ops.push({ kind: 'added', text: b[edit.b]!, oldLine: null, newLine: head + edit.b + 1 })
    }
  } else {
    a.forEach((text, i) => ops.push({ kind: 'removed', text, oldLine: head + i + 1, newLine: null }))
    b.forEach((text, i) => ops.push({ kind: 'added', text, oldLine: null, newLine: head + i + 1 }))
  }
  for (let i = 0; i < tail; i++) {
    const oldAt = oldLines.length - tail + i
    const newAt = newLines.length - tail + i
    ops.push({ kind: 'same', text: oldLines[oldAt]!, oldLine: oldAt + 1, newLine: newAt + 1 })
  }
  return ops
}

export function diffText(oldText: string, newText: string, maxEdits = DEFAULT_MAX_EDITS): LineOp[] {
  return diffLines(splitLines(oldText), splitLines(newText), maxEdits)
}

/** Changed lines with `context` unchanged lines around them; runs of hidden lines become one gap. */
export type HunkLine = LineOp | { kind: 'gap'; hidden: number }

export function withContext(ops: readonly LineOp[], context = 3): HunkLine[] {
  const keep = new Uint8Array(ops.length)
  ops.forEach((op, i) => {
    if (op.kind === 'same') return
    for (let j = Math.max(0, i - context); j <= Math.min(ops.length - 1, i + context); j++) keep[j] = 1
  })
  const out: HunkLine[] = []
  let hidden = 0
  ops.forEach((op, i) => {
    if (keep[i]) {
      if (hidden > 0) out.push({ kind: 'gap', hidden })
      hidden = 0
      out.push(op)
    } else hidden++
  })
  if (hidden > 0) out.push({ kind: 'gap', hidden })
  return out
}
