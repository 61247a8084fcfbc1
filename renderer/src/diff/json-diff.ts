// Structural diff of two JSON documents: which paths changed (old → new), which keys or elements
// were added or removed. Owns: a small JSON reader that keeps what JSON.parse would lose for a
// comparison (numbers as written, key order, duplicate keys) and the walk over two trees.
// Never: evaluates anything or renders markup; values come back as compact JSON text.

export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'number'; raw: string }
  | { kind: 'literal'; raw: 'true' | 'false' | 'null' }

export const MAX_JSON_DEPTH = 256

class Reader {
  at = 0
  constructor(readonly text: string) {}

  fail(): never {
    throw new SyntaxError(`Invalid JSON at offset ${this.at}`)
  }

  space(): void {
    while (this.at < this.text.length) {
      const c = this.text.charCodeAt(this.at)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.at++
      else break
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_JSON_DEPTH) this.fail()
    this.space()
    const c = this.text[this.at]
    if (c === '{') return this.object(depth)
    if (c === '[') return this.array(depth)
    if (c === '"') {
      const raw = this.stringRaw()
      return { kind: 'string', value: JSON.parse(raw) as string, raw }
    }
    for (const literal of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(literal, this.at)) {
        this.at += literal.length
        return { kind: 'literal', raw: literal }
      }
    }
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
    match.lastIndex = this.at
    const found = match.exec(this.text)
    if (!found || found[0] === '' || found[0] === '-') this.fail()
    this.at += found[0].length
    return { kind: 'number', raw: found[0] }
  }

  stringRaw(): string {
    const start = this.at
    this.at++
    while (this.at < this.text.length) {
      const c = this.text.charCodeAt(this.at)
      if (c === 0x5c) this.at += 2
      else if (c === 0x22) {
        this.at++
        const raw = this.text.slice(start, this.at)
        try {
          JSON.parse(raw)
        } catch {
          this.fail()
        }
        return raw
      } else if (c < 0x20) this.fail()
      else this.at++
    }
    return this.fail()
  }

  object(depth: number): JsonNode {
    this.at++
    const entries: Array<[string, JsonNode]> = []
    this.space()
    if (this.text[this.at] === '}') {
      this.at++
      return { kind: 'object', entries }
    }
    for (;;) {
      this.space()
      if (this.text[this.at] !== '"') this.fail()
      const key = JSON.parse(this.stringRaw()) as string
      this.space()
      if (this.text[this.at] !== ':') this.fail()
      this.at++
      entries.push([key, this.value(depth + 1)])
      this.space()
      const next = this.text[this.at++]
      if (next === '}') return { kind: 'object', entries }
      if (next !== ',') this.fail()
    }
  }

  array(depth: number): JsonNode {
    this.at++
    const items: JsonNode[] = []
    this.space()
    if (this.text[this.at] === ']') {
      this.at++
      return { kind: 'array', items }
    }
    for (;;) {
      items.push(this.value(depth + 1))
      this.space()
      const next = this.text[this.at++]
      if (next === ']') return { kind: 'array', items }
      if (next !== ',') this.fail()
    }
  }
}

/** The tree of a JSON text, or null when it is not JSON (or nested past MAX_JSON_DEPTH). */
export function parseJsonTree(text: string): JsonNode | null {
  const reader = new Reader(text.replace(/^\uFEFF/, ''))
  try {
    const node = reader.value(0)
    reader.space()
    return reader.at === reader.text.length ? node : null
  } catch {
    return null
  }
}

/** Compact JSON text of a node: scalars exactly as written. */
export function jsonText(node: JsonNode, maxLength = 300): string {
  const parts: string[] = []
  let length = 0
  const push = (text: string): boolean => {
    parts.push(text)
    length += text.length
    return length <= maxLength
  }
  const walk = (n: JsonNode): boolean => {
    switch (n.kind) {
      case 'string':
      case 'number':
      case 'literal':
        return push(n.raw)
      case 'array':
        if (!push('[')) return false
        for (let i = 0; i < n.items.length; i++) if ((i > 0 && !push(',')) || !walk(n.items[i]!)) return false
        return push(']')
      case 'object':
        if (!push('{')) return false
        for (let i = 0; i < n.entries.length; i++) {
          const [key, value] = n.entries[i]!
          if ((i > 0 && !push(',')) || !push(`${JSON.stringify(key)}:`) || !walk(value)) return false
        }
        return push('}')
    }
  }
  const complete = walk(node)
  const text = parts.join('')
  return complete && text.length <= maxLength ? text : `${text.slice(0, maxLength)}…`
}

export type JsonChangeKind = 'added' | 'removed' | 'changed'

export interface JsonChange {
  kind: JsonChangeKind
  /** A JSONPath-like location: $.data.object.amount, $.items[2], $["odd key"]. */
  path: string
  before: string | null
  after: string | null
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`
}

function sameScalar(a: JsonNode, b: JsonNode): boolean {
  return (a.kind === 'string' && b.kind === 'string' && a.value === b.value) || ((a.kind === 'number' || a.kind === 'literal') && a.kind === b.kind && a.raw === b.raw)
}

/** Keys of an object with an occurrence suffix, so a duplicated key is compared occurrence by occurrence. */
function keyed(entries: Array<[string, JsonNode]>): Array<{ key: string; label: string; node: JsonNode }> {
  const seen = new Map<string, number>()
  return entries.map(([key, node]) => {
    const n = seen.get(key) ?? 0
    seen.set(key, n + 1)
    return { key: `${n}\u0000${key}`, label: key, node }
  })
}

export function diffJsonTrees(before: JsonNode, after: JsonNode, limit = 5000): JsonChange[] {
  const changes: JsonChange[] = []
  const walk = (a: JsonNode, b: JsonNode, path: string): void => {
    if (changes.length >= limit) return
    if (a.kind === 'object' && b.kind === 'object') {
      const left = keyed(a.entries)
      const right = keyed(b.entries)
      const rightByKey = new Map(right.map((entry) => [entry.key, entry]))
      const leftKeys = new Set(left.map((entry) => entry.key))
      for (const entry of left) {
        const other = rightByKey.get(entry.key)
        if (other) walk(entry.node, other.node, childPath(path, entry.label))
        else changes.push({ kind: 'removed', path: childPath(path, entry.label), before: jsonText(entry.node), after: null })
      }
      for (const entry of right) {
        if (!leftKeys.has(entry.key)) changes.push({ kind: 'added', path: childPath(path, entry.label), before: null, after: jsonText(entry.node) })
      }
      return
    }
    if (a.kind === 'array' && b.kind === 'array') {
      const common = Math.min(a.items.length, b.items.length)
      for (let i = 0; i < common; i++) walk(a.items[i]!, b.items[i]!, childPath(path, i))
      for (let i = common; i < a.items.length; i++) changes.push({ kind: 'removed', path: childPath(path, i), before: jsonText(a.items[i]!), after: null })
      for (let i = common; i < b.items.length; i++) changes.push({ kind: 'added', path: childPath(path, i), before: null, after: jsonText(b.items[i]!) })
      return
    }
    if (sameScalar(a, b)) return
    changes.push({ kind: 'changed', path, before: jsonText(a), after: jsonText(b) })
  }
  walk(before, after, '$')
  return changes
}

/** The structural diff of two JSON texts, or null when either is not JSON. */
export function diffJson(beforeText: string, afterText: string): JsonChange[] | null {
  const before = parseJsonTree(beforeText)
  const after = parseJsonTree(afterText)
  if (!before || !after) return null
  return diffJsonTrees(before, after)
}
