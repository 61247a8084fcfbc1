// Where the focus goes when what held it went away (a closed detail, a view left, the list replaced
// by its empty state, or covered by the request opened from it in a narrow window): never the page's
// body, where a screen reader loses its place and Tab starts over from the top. In Traffic that is the
// list (where j/k and Enter act), else the open request, else the traffic column; in another view,
// the view itself.
import { useEffect, useRef } from 'react'

/** The id of the live list's grid, which takes the focus (see focusTrafficList). */
export const TRAFFIC_LIST_ID = 'traffic-grid'

/**
 * Gives the focus to the live list, where j/k, Enter and the other list keys act, and where a dialog
 * opened from the list gives the focus back when it closes. False when no list is shown.
 */
export function focusTrafficList(): boolean {
  const list = document.getElementById(TRAFFIC_LIST_ID)
  if (!list || !isShown(list)) return false
  list.focus({ preventScroll: true })
  return document.activeElement === list
}

/** Whether the element is shown, so that it can hold the focus (what the browser cannot tell says yes). */
function isShown(element: HTMLElement): boolean {
  return typeof element.checkVisibility !== 'function' || element.checkVisibility()
}

/** The attribute of each view's region (its `<main>`, with tabIndex -1), which takes the focus when nothing in it holds it. */
export const VIEW_REGION_ATTRIBUTE = 'data-view-region'

/** The attribute of the open request's detail, which takes the focus when the list cannot (a narrow window, where it covers the list). */
export const DETAIL_REGION_ATTRIBUTE = 'data-detail-region'

/**
 * The focus is on the page's body, or on an element that is no longer shown: the list, say, once an
 * open request covers it in a narrow window. The browser would move such a focus to the body.
 */
export function focusIsLost(): boolean {
  const active = document.activeElement
  if (active === null || active === document.body || active === document.documentElement) return true
  return active instanceof HTMLElement && !isShown(active)
}

function focusFirst(selector: string): boolean {
  const element = document.querySelector<HTMLElement>(selector)
  if (!element || !isShown(element)) return false
  element.focus({ preventScroll: true })
  return document.activeElement === element
}

/**
 * Gives the focus to the shown view's home: the traffic list if it can take it, else the open request
 * (which covers the list in a narrow window), else the view's region.
 */
export function focusViewHome(): boolean {
  return focusTrafficList() || focusFirst(`[${DETAIL_REGION_ATTRIBUTE}]`) || focusFirst(`[${VIEW_REGION_ATTRIBUTE}]`)
}

/**
 * After a change of `deps` (not on the first render), focus that fell to the body, or stayed on what
 * is no longer shown, goes to the view's home. A dialog that is open keeps its own focus and gives it back itself.
 */
export function useFocusRescue(deps: readonly unknown[]): void {
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    if (focusIsLost() && document.querySelector('[role="dialog"]') === null) focusViewHome()
  }, deps)
}

const TABBABLE = 'a[href], button:not(:disabled), input:not(:disabled):not([type="hidden"]), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]:not([tabindex="-1"])'

/** What held the focus as it left, for finding its successor should it be gone from the page. */
interface Departure {
  element: Element
  /** Its ancestors, nearest first, up to and including its view region or dialog. */
  ancestors: Element[]
  /** Among the elements of its scope with its data-testid (a row's Remove button…), its place. */
  sameKind: { scope: Element; index: number } | null
  /** Its view region or dialog (the page's body when it has neither). */
  outer: Element
  /** The controls before it in its view region or dialog, nearest first. */
  preceding: HTMLElement[]
  /** The controls after it, in Tab order, in its view region or dialog. */
  following: HTMLElement[]
}

function departureOf(element: Element): Departure {
  const ancestors: Element[] = []
  for (let at = element.parentElement; at && at !== document.body; at = at.parentElement) {
    ancestors.push(at)
    if (at.hasAttribute(VIEW_REGION_ATTRIBUTE) || at.getAttribute('role') === 'dialog') break
  }
  const outer = ancestors[ancestors.length - 1] ?? document.body
  const testId = element.getAttribute('data-testid')
  let sameKind: Departure['sameKind'] = null
  if (testId !== null) {
    // The nearest ancestor holding several of its kind: the list whose rows repeat it.
    for (const scope of ancestors) {
      const kin = Array.from(scope.querySelectorAll(`[data-testid="${CSS.escape(testId)}"]`))
      if (kin.length > 1) {
        sameKind = { scope, index: kin.indexOf(element) }
        break
      }
    }
  }
  const controls = Array.from(outer.querySelectorAll<HTMLElement>(TABBABLE))
  const following = controls.filter((candidate) => candidate.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING && !element.contains(candidate))
  const preceding = controls.filter((candidate) => candidate.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING && !candidate.contains(element)).reverse()
  return { element, ancestors, sameKind, outer, preceding, following }
}

function focusable(element: Element | undefined): element is HTMLElement {
  return element instanceof HTMLElement && element.isConnected && !element.closest('[hidden], [inert]')
}

/** Where the focus goes when `departure`'s element was taken out of the page. */
function rescue(departure: Departure): void {
  const { sameKind, ancestors, following } = departure
  // A removed row: the same control in the row that took its place, or in the one above if it was last.
  if (sameKind && sameKind.scope.isConnected) {
    const testId = departure.element.getAttribute('data-testid')!
    const kin = Array.from(sameKind.scope.querySelectorAll<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`)).filter(focusable)
    const next = kin[Math.min(sameKind.index, kin.length - 1)]
    if (next) return next.focus()
  }
  // Else the control Tab now reaches from where it stood, in the same view or dialog: the first after
  // the nearest control before it that is still there, so that one that came in its place (the Undo a
  // deletion offers) is found too; else the next of those that followed it.
  const anchor = departure.preceding.find(focusable)
  if (anchor && departure.outer.isConnected) {
    const after = Array.from(departure.outer.querySelectorAll<HTMLElement>(TABBABLE)).find(
      (candidate) => anchor.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING && !anchor.contains(candidate) && focusable(candidate),
    )
    if (after) return after.focus()
  }
  const next = following.find(focusable)
  if (next) return next.focus()
  const dialog = ancestors.find((ancestor) => ancestor.getAttribute('role') === 'dialog' && ancestor.isConnected)
  if (dialog instanceof HTMLElement) return dialog.focus()
  focusViewHome()
}

/**
 * Keeps the focus on the page when the control holding it is taken away (a row removed with its own
 * Remove button, a deleted collection, a tree entry deleted with the Delete key): the same control
 * in the next row, else the next control, else the view's home. The browser tells of such a removal
 * with a focusout whose element is then gone. Returns the function that stops.
 */
export function keepFocusOnRemoval(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const onFocusOut = (event: FocusEvent) => {
    if (event.relatedTarget !== null || !(event.target instanceof Element) || event.target === document.body) return
    const departure = departureOf(event.target)
    if (timer !== null) clearTimeout(timer)
    // After what removed it has finished (and what restores a focus itself, as a closing dialog, has).
    timer = setTimeout(() => {
      timer = null
      if (!departure.element.isConnected && focusIsLost()) rescue(departure)
    }, 0)
  }
  document.addEventListener('focusout', onFocusOut, true)
  return () => {
    document.removeEventListener('focusout', onFocusOut, true)
    if (timer !== null) clearTimeout(timer)
  }
}
