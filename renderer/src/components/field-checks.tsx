// When a form's fields say what is wrong with them. Owns: which fields do (one the user has left, or
// every one once a Save was refused), the attributes that tie a field to its problem for assistive
// technology, and the problem's element. Never: decides what is wrong (each form checks its values
// with the engine's own schemas, on every render, so a shown problem follows the edit).
import { useCallback, useState } from 'react'

export interface FieldChecks<K extends string> {
  /** Whether the field says its problem now. */
  shows(key: K): boolean
  /** The field was left: from now on it says its problem, as it is edited. */
  left(key: K): void
  /** A Save was refused: every field says its problem, those added afterwards too. */
  checkAll(): void
}

export function useFieldChecks<K extends string>(): FieldChecks<K> {
  const [checked, setChecked] = useState<{ all: boolean; keys: ReadonlySet<K> }>(() => ({ all: false, keys: new Set() }))
  const left = useCallback((key: K) => setChecked((c) => (c.all || c.keys.has(key) ? c : { all: false, keys: new Set([...c.keys, key]) })), [])
  const checkAll = useCallback(() => setChecked((c) => (c.all ? c : { ...c, all: true })), [])
  return { shows: (key) => checked.all || checked.keys.has(key), left, checkAll }
}

/** A field's attributes for its problem (none: it has none), shown in the element with `errorId`. */
export function problemAttributes(problem: string | undefined, errorId: string): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  return problem ? { 'aria-invalid': true, 'aria-describedby': errorId } : {}
}

/** A field's problem, under it; the field names it with `aria-describedby` (see problemAttributes). */
export function FieldProblem({ id, message, testId }: { id: string; message: string | undefined; testId: string }) {
  if (!message) return null
  return (
    <span className="field-error" id={id} data-testid={testId}>
      {message}
    </span>
  )
}
