// Ctrl+A (Cmd+A) in a read-only text that holds the focus selects that text only, not the whole page,
// so that Ctrl+C then copies it. For the viewers that are plain elements; CodeMirror has its own (code-block.tsx).
import type { KeyboardEvent } from 'react'

export function isSelectAllKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.key === 'a' || event.key === 'A') && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey
}

export function selectAllWithin(event: KeyboardEvent<HTMLElement>): void {
  // A viewer inside (a form's JSON value) selected its own text already.
  if (event.defaultPrevented || !isSelectAllKey(event)) return
  event.preventDefault()
  const range = document.createRange()
  range.selectNodeContents(event.currentTarget)
  const selection = window.getSelection()
  selection?.removeAllRanges()
  selection?.addRange(range)
}

/** The attributes of a read-only text that takes the focus: in the Tab order, named, and read as text. */
export function readOnlyTextProps(label: string) {
  return { tabIndex: 0, role: 'textbox', 'aria-readonly': true, 'aria-multiline': true, 'aria-label': label, onKeyDown: selectAllWithin } as const
}
