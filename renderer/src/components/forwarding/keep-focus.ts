// The keyboard's place among a target's or a delivery's buttons. A button is disabled while its action
// runs, and some stay so once it is done (Drop, with nothing left to drop): the browser then lets the
// focus fall to the page's body, where Tab starts over from the top. Here it comes back to that button
// once it is enabled again, else to the control it names in `data-focus-instead` (by its data-testid,
// nearest it: a route's other arrow, say, rather than the Remove beside it), else to the nearest
// control beside it that is enabled.
import { useEffect, useRef, type RefObject } from 'react'

const CONTROLS = 'button, input, select, textarea, [tabindex]:not([tabindex="-1"])'

function enabled(element: Element): element is HTMLElement {
  return element instanceof HTMLElement && element.isConnected && !element.matches(':disabled') && element.closest('[hidden], [inert]') === null
}

function focusLost(): boolean {
  const active = document.activeElement
  return active === null || active === document.body || active === document.documentElement
}

/** The control the focus goes to instead of `from`, within `container`: the one it names, else the next one enabled, else the one before. */
function successor(container: HTMLElement, from: HTMLElement): HTMLElement | null {
  const named = from.dataset.focusInstead
  if (named) {
    for (let scope = from.parentElement; scope && container.contains(scope); scope = scope.parentElement) {
      const instead = scope.querySelector(`[data-testid="${CSS.escape(named)}"]`)
      if (instead) {
        if (enabled(instead)) return instead
        break
      }
    }
  }
  const controls = Array.from(container.querySelectorAll(CONTROLS))
  const at = controls.indexOf(from)
  if (at < 0) return controls.find(enabled) ?? null
  return controls.slice(at + 1).find(enabled) ?? controls.slice(0, at).reverse().find(enabled) ?? null
}

/**
 * Keeps the focus within the element the returned ref is given to when the button holding it is
 * disabled: while `busy` (its action runs), the focus waits; then it goes back to that button if it is
 * enabled, else to the nearest one that is.
 */
export function useKeepFocus<T extends HTMLElement>(busy: boolean): RefObject<T | null> {
  const container = useRef<T | null>(null)
  const lost = useRef<HTMLElement | null>(null)
  const busyNow = useRef(busy)
  busyNow.current = busy

  useEffect(() => {
    const root = container.current
    if (!root) return
    const onFocusOut = (event: FocusEvent) => {
      // A control the browser let go of because it was disabled: the focus goes nowhere.
      if (event.relatedTarget !== null || !(event.target instanceof HTMLElement) || !event.target.matches(':disabled')) return
      lost.current = event.target
      // After this turn's work (a dialog that gives the focus back, say), unless the action still runs.
      setTimeout(() => restore(container, lost, busyNow), 0)
    }
    root.addEventListener('focusout', onFocusOut)
    return () => root.removeEventListener('focusout', onFocusOut)
  })

  // The action is done: its button, or the one beside it, takes the focus back.
  useEffect(() => {
    if (!busy) restore(container, lost, busyNow)
  }, [busy])

  return container
}

/** Gives the focus that was lost from a disabled control back (to it, or beside it), once no action runs. */
function restore(container: RefObject<HTMLElement | null>, lost: RefObject<HTMLElement | null>, busy: RefObject<boolean>): void {
  const from = lost.current
  const root = container.current
  if (!from || busy.current) return
  lost.current = null
  if (!root || !focusLost()) return
  const to = enabled(from) ? from : successor(root, from)
  to?.focus()
}
