// The keyboard shortcuts, declared once: the key handler and the help sheet both read this table.
export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'first'
  | 'last'
  | 'open'
  | 'close'
  | 'search'
  | 'copy-curl'
  | 'copy-code'
  | 'resend'
  | 'resend-to'
  | 'resend-resigned'
  | 'edit-send'
  | 'save-collection'
  | 'pause'
  | 'clear'
  | 'next-tab'
  | 'previous-tab'
  | 'theme'
  | 'help'

export interface Shortcut {
  action: ShortcutAction
  keys: string[]
  label: string
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', keys: ['ArrowDown', 'j'], label: 'Next request' },
  { action: 'previous', keys: ['ArrowUp', 'k'], label: 'Previous request' },
  { action: 'first', keys: ['Home', 'g'], label: 'Newest request' },
  { action: 'last', keys: ['End', 'G'], label: 'Oldest loaded request' },
  { action: 'open', keys: ['Enter'], label: 'Open the selected request' },
  { action: 'close', keys: ['Escape'], label: 'Unmark the request marked for comparison; else close the detail, a dialog or the search; back to the traffic' },
  { action: 'search', keys: ['/'], label: 'Search' },
  { action: 'copy-curl', keys: ['c'], label: 'Copy as cURL' },
  { action: 'copy-code', keys: ['C'], label: 'Copy as code…' },
  { action: 'resend', keys: ['r'], label: 'Resend as is (to its forward target)' },
  { action: 'resend-to', keys: ['R'], label: 'Resend as is to another URL…' },
  { action: 'resend-resigned', keys: ['Alt+r'], label: 'Resend re-signed with the endpoint’s secret (to its forward target; ⌥R on macOS)' },
  { action: 'edit-send', keys: ['e'], label: 'Edit and send (opens the composer)' },
  { action: 'save-collection', keys: ['s'], label: 'Save to a collection…' },
  { action: 'next-tab', keys: [']'], label: 'Next detail tab' },
  { action: 'previous-tab', keys: ['['], label: 'Previous detail tab' },
  { action: 'pause', keys: ['p'], label: 'Pause or resume live updates' },
  { action: 'clear', keys: ['x'], label: 'Clear history…' },
  { action: 'theme', keys: ['t'], label: 'Switch theme (system, light, dark)' },
  { action: 'help', keys: ['?'], label: 'Show this help' },
]

/**
 * Keys that act where the focus is, not page-wide: the help lists them under where they work. Each
 * is handled by its own component; this table only documents them.
 */
export const FOCUS_SHORTCUTS: ReadonlyArray<{ where: string; keys: string[]; label: string }> = [
  { where: 'Composer', keys: ['Ctrl+Enter'], label: 'Send the request (⌘+Enter on macOS), from any of its fields or the body' },
  { where: 'Composer', keys: ['Ctrl+S'], label: 'Save (⌘+S on macOS): update the collection item it was opened from, or save it to a collection' },
  { where: 'Composer', keys: ['Alt+↑', 'Alt+↓'], label: 'Move the header row being edited up or down' },
  { where: 'Search', keys: ['↓'], label: 'Go to the list, keeping what was typed' },
  { where: 'Detail tabs', keys: ['←', '→', 'Home', 'End'], label: 'Previous, next, first or last tab, on a focused tab' },
  { where: 'Forwarding tab', keys: ['↑', '↓', 'Home', 'End'], label: 'Show the previous, next, first or last attempt’s request and answer, on a focused attempt' },
  { where: 'Detail edge', keys: ['←', '→', 'Home', 'End', 'Enter'], label: 'Make the detail narrower or wider, narrowest, widest, or back to its default width' },
  { where: 'Collections', keys: ['↑', '↓', 'Home', 'End', 'PageUp', 'PageDown'], label: 'Move between entries, to the first or last, or a page at a time' },
  { where: 'Collections', keys: ['←', '→'], label: 'Fold or unfold a folder, or move between a folder and its entries' },
  { where: 'Collections', keys: ['Alt+↑', 'Alt+↓', 'Alt+←'], label: 'Reorder an entry, or move it out of its folder (to just after it)' },
  { where: 'Collections', keys: ['Enter', 'Delete'], label: 'Open the entry in the Composer (a folder: fold or unfold it), or delete it' },
  { where: 'Collections', keys: ['F2'], label: 'Rename the entry in place: Enter saves, Esc cancels' },
  { where: 'Collections', keys: ['A–Z', '0–9'], label: 'Go to the next entry whose name starts with the letters typed (type-ahead); while the tree has the focus, letters go to it, not to the shortcuts above (? still opens this help)' },
  { where: 'Collections', keys: ['*'], label: 'Unfold every folder beside the entry' },
  { where: 'Collections', keys: ['Ctrl+Z'], label: 'Undo the last delete while its Undo is offered (⌘+Z on macOS), unless typing in a field' },
  { where: 'Dialogs', keys: ['Tab', 'Escape'], label: 'Move between the dialog’s controls (it keeps the focus), or close it' },
  { where: 'Dialogs', keys: ['Enter'], label: 'Save, send or confirm, from any of the dialog’s fields (dropdowns and checkboxes too) but a multi-line one' },
]

const byKey = new Map<string, ShortcutAction>()
for (const shortcut of SHORTCUTS) for (const key of shortcut.keys) byKey.set(key, shortcut.action)

export function actionForKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'> & Partial<Pick<KeyboardEvent, 'code' | 'shiftKey'>>): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey) return null
  if (event.altKey) {
    if (event.shiftKey) return null
    // The letter typed; on macOS Option types another character (⌥R is ®), so the key's place tells it.
    const letter = /^[a-z]$/i.test(event.key) ? event.key.toLowerCase() : /^Key([A-Z])$/.exec(event.code ?? '')?.[1]?.toLowerCase()
    return letter ? (byKey.get(`Alt+${letter}`) ?? null) : null
  }
  return byKey.get(event.key) ?? null
}

export function keyLabel(key: string): string {
  switch (key) {
    case 'ArrowDown':
      return '↓'
    case 'ArrowUp':
      return '↑'
    case 'Escape':
      return 'Esc'
    case 'G':
      return 'Shift+G'
    case 'C':
      return 'Shift+C'
    case 'R':
      return 'Shift+R'
    default:
      return key.startsWith('Alt+') ? `Alt+${key.slice(4).toUpperCase()}` : key
  }
}

/** The composer's send key, wherever the focus is inside it: Ctrl+Enter (⌘+Enter on macOS). */
export function isSendKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey'>): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey)
}

/** The composer's save key, as Postman's: Ctrl+S (⌘+S on macOS), never the browser's "save page". */
export function isSaveKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.key === 's' || event.key === 'S') && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey
}

/** Undo: Ctrl+Z (⌘+Z on macOS), without Shift, which redoes in the editors that have it. */
export function isUndoKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): boolean {
  return (event.key === 'z' || event.key === 'Z') && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.closest('.cm-editor') !== null
}
