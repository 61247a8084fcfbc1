// Where the focus goes when what held it went away (a closed detail, a view left, the list replaced
// by its empty state): never the page's body, where a screen reader loses its place and Tab starts
// over from the top. In Traffic that is the list (where j/k and Enter act), or the traffic column
// while there is no list; in another view, the view itself.
import { useEffect, useRef } from 'react'

/** The id of the live list's grid, which takes the focus (see focusTrafficList). */
export const TRAFFIC_LIST_ID = 'traffic-grid'

/**
 * Gives the focus to the live list, where j/k, Enter and the other list keys act, and where a dialog
 * opened from the list gives the focus back when it closes. False when no list is shown.
 */
export function focusTrafficList(): boolean {
  const list = document.getElementById(TRAFFIC_LIST_ID)
  if (!list) return false
  list.focus({ preventScroll: true })
  return document.activeElement === list
}

/** The attribute of each view's region (its `<main>`, with tabIndex -1), which takes the focus when nothing in it holds it. */
export const VIEW_REGION_ATTRIBUTE = 'data-view-region'

export function focusIsLost(): boolean {
  const active = document.activeElement
  return active === null || active === document.body || active === document.documentElement
}

/** Gives the focus to the shown view's home: the traffic list if there is one, else the view's region. */
export function focusViewHome(): boolean {
  if (focusTrafficList()) return true
  const region = document.querySelector<HTMLElement>(`[${VIEW_REGION_ATTRIBUTE}]`)
  if (!region) return false
  region.focus({ preventScroll: true })
  return document.activeElement === region
}

/**
 * After a change of `deps` (not on the first render), focus that fell to the body goes to the view's
 * home. A dialog that is open keeps its own focus and gives it back itself.
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
