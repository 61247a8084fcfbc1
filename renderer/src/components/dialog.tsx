// A modal dialog: a labelled box over a dimmed page, closed by Escape or the backdrop. Tab and
// Shift+Tab cycle through its own controls, never the page behind it; a key pressed while the focus
// is on nothing (a control that went away or was disabled under it) acts on the topmost dialog.
// Enter submits a dialog's form from any of its fields, as it does from a text field: also from a
// dropdown, a checkbox or a radio button, where the browser does nothing with it (never from a
// multi-line field, a button or an editor, where Enter has its own meaning).
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react'
import { focusIsLost, focusViewHome } from '../keyboard/focus-home'

const TABBABLE = 'a[href], button, input, select, textarea, summary, [contenteditable="true"], [tabindex]'

/** The controls Tab reaches inside `box`, in document order (what the browser's own order is here). */
function tabbablesIn(box: HTMLElement): HTMLElement[] {
  return Array.from(box.querySelectorAll<HTMLElement>(TABBABLE)).filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && !el.closest('[hidden], [inert]') && !(el instanceof HTMLInputElement && el.type === 'hidden'),
  )
}

function isTopmost(box: HTMLElement): boolean {
  const dialogs = document.querySelectorAll('[role="dialog"]')
  return dialogs[dialogs.length - 1] === box
}

/** Keeps Tab inside the box: from its last control to its first, and back with Shift+Tab. */
function cycleFocus(box: HTMLElement, event: { shiftKey: boolean; preventDefault(): void }): void {
  const items = tabbablesIn(box)
  const active = document.activeElement
  const inside = active instanceof HTMLElement && box.contains(active) && active !== box
  if (items.length === 0) {
    event.preventDefault()
    box.focus()
    return
  }
  const first = items[0]!
  const last = items[items.length - 1]!
  if (!inside) {
    event.preventDefault()
    ;(event.shiftKey ? last : first).focus()
  } else if (event.shiftKey && active === first) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && active === last) {
    event.preventDefault()
    first.focus()
  }
}

/** The fields where Enter means nothing of their own, so it submits their form like a text field's. */
function submitsOnEnter(target: EventTarget): target is HTMLSelectElement | HTMLInputElement {
  return target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio'))
}

/** Submit `field`'s form the way Enter in a text field does: through its default button, and not while that is disabled. */
function submitFromField(field: HTMLSelectElement | HTMLInputElement): boolean {
  const form = field.form
  const submit = form ? Array.from(form.elements).find((el): el is HTMLButtonElement | HTMLInputElement => (el instanceof HTMLButtonElement || el instanceof HTMLInputElement) && el.type === 'submit') : undefined
  if (!submit) return false
  if (!submit.disabled) submit.click()
  return true
}

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  wide?: boolean
  /** The body lays out and scrolls its content itself (a form with a footer that stays in view). */
  ownScroll?: boolean
}

export function Dialog({ title, onClose, children, testId, wide = false, ownScroll = false }: DialogProps) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    // The first control, or what the content marks to take the focus (a text to scroll with the keys).
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus], input, select, textarea, button:not(.dialog-close)')
    ;(first ?? box.current)?.focus()
    return () => {
      previous?.focus?.()
      // What opened it went away while it was open (an empty state's button, once its endpoint
      // listens): the view takes the focus, never the page's body, unless another dialog has it.
      if (focusIsLost() && document.querySelector('[role="dialog"]') === null) focusViewHome()
    }
  }, [])
  const latestClose = useRef(onClose)
  useEffect(() => {
    latestClose.current = onClose
  })
  useEffect(() => {
    // Keys pressed with the focus outside every dialog (on the page's body, once a focused control
    // went away) reach no dialog's own handler: the topmost one takes them.
    const onKeyDown = (event: KeyboardEvent) => {
      const el = box.current
      if (!el || event.defaultPrevented || !isTopmost(el)) return
      const target = event.target instanceof Element ? event.target : null
      if (target?.closest('[role="dialog"]')) return
      if (event.key === 'Escape') {
        event.preventDefault()
        latestClose.current()
      } else if (event.key === 'Tab') cycleFocus(el, event)
    }
    window.addEventListener('keydown', onKeyDown, true)
    return () => window.removeEventListener('keydown', onKeyDown, true)
  }, [])
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation()
      onClose()
    } else if (event.key === 'Tab' && box.current) {
      event.stopPropagation()
      cycleFocus(box.current, event)
    } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey && !event.nativeEvent.isComposing && submitsOnEnter(event.target)) {
      if (submitFromField(event.target)) {
        event.preventDefault()
        event.stopPropagation()
      }
    }
  }
  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={box}
        className={wide ? 'dialog wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <header className="dialog-header">
          <h2>{title}</h2>
          <button type="button" className="icon-button dialog-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className={ownScroll ? 'dialog-body own-scroll' : 'dialog-body'}>{children}</div>
      </div>
    </div>
  )
}

export function ConfirmDialog(props: { title: string; message: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void; testId?: string }) {
  return (
    <Dialog title={props.title} onClose={props.onCancel} testId={props.testId}>
      <p>{props.message}</p>
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" data-testid="confirm-button" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  )
}
