// The edge between the traffic list and the opened request: dragged with the pointer, or focused and
// moved with the arrow keys, it sets how wide the detail is; Enter or a double click gives the width
// back to the layout. The width is kept in this browser's storage and survives reloads and restarts.
// The list keeps at least its minimum width: the detail's width is clamped by CSS as the window
// changes, so a width chosen in a large window never pushes the list out of a smaller one.
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react'

export const DETAIL_WIDTH_KEY = 'hookscope.detailWidth'
export const MIN_DETAIL_WIDTH = 320
/**
 * What the detail never takes: the sidebar (260 px) and the list's minimum width (490 px: its
 * narrowest columns, the badges' included), or the list's alone in a window too narrow for all three
 * (app.css sets `--reserved-width` on the workspace).
 */
const RESERVED_WIDTH = 750

function reservedWidth(workspace: HTMLElement): number {
  const value = parseFloat(getComputedStyle(workspace).getPropertyValue('--reserved-width'))
  return Number.isFinite(value) ? value : RESERVED_WIDTH
}
const KEY_STEP = 32

function storedWidth(): number | null {
  try {
    const value = Number(localStorage.getItem(DETAIL_WIDTH_KEY))
    return Number.isFinite(value) && value >= MIN_DETAIL_WIDTH ? Math.round(value) : null
  } catch {
    return null
  }
}

function storeWidth(width: number | null): void {
  try {
    if (width === null) localStorage.removeItem(DETAIL_WIDTH_KEY)
    else localStorage.setItem(DETAIL_WIDTH_KEY, String(Math.round(width)))
  } catch {
    // Storage refused (private mode, quota): the width holds until the page reloads.
  }
}

/** Sets the detail column of the workspace grid (app.css reads `--detail-width`); null: the layout's own. */
function applyWidth(workspace: HTMLElement, width: number | null): void {
  if (width === null) workspace.style.removeProperty('--detail-width')
  else workspace.style.setProperty('--detail-width', `clamp(${MIN_DETAIL_WIDTH}px, ${Math.round(width)}px, calc(100% - var(--reserved-width, ${RESERVED_WIDTH}px)))`)
}

/** `controls`: the id of the detail, the pane whose width the edge sets. */
export function DetailSplitter({ controls }: { controls: string }) {
  const handle = useRef<HTMLDivElement>(null)
  const drag = useRef<{ pointerId: number; startX: number; startWidth: number; width: number } | null>(null)
  const [shown, setShown] = useState<{ width: number; max: number } | null>(null)
  const [dragging, setDragging] = useState(false)

  const parts = () => {
    const element = handle.current
    const detail = element?.parentElement
    const workspace = detail?.closest<HTMLElement>('.workspace')
    return element && detail && workspace ? { detail, workspace } : null
  }
  const maxWidth = (workspace: HTMLElement) => Math.max(MIN_DETAIL_WIDTH, workspace.clientWidth - reservedWidth(workspace))
  const clamp = (width: number, workspace: HTMLElement) => Math.min(maxWidth(workspace), Math.max(MIN_DETAIL_WIDTH, width))
  /** Reads back the width the layout gave the detail, for assistive technology. */
  const report = () => {
    const found = parts()
    if (!found) return
    const width = Math.round(found.detail.getBoundingClientRect().width)
    const max = maxWidth(found.workspace)
    setShown((previous) => (previous?.width === width && previous.max === max ? previous : { width, max }))
  }
  const choose = (width: number | null) => {
    const found = parts()
    if (!found) return
    const chosen = width === null ? null : clamp(width, found.workspace)
    applyWidth(found.workspace, chosen)
    storeWidth(chosen)
    report()
  }

  useLayoutEffect(() => {
    const found = parts()
    if (!found) return
    applyWidth(found.workspace, storedWidth())
    report()
    if (typeof ResizeObserver === 'undefined') return
    // The window (and a drag) changes the width the layout gives the detail, and how wide it may be.
    const observer = new ResizeObserver(() => report())
    observer.observe(found.detail)
    observer.observe(found.workspace)
    return () => observer.disconnect()
  }, [])

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const found = parts()
    if (event.button !== 0 || !found) return
    event.preventDefault()
    event.currentTarget.setPointerCapture?.(event.pointerId)
    const width = found.detail.getBoundingClientRect().width
    drag.current = { pointerId: event.pointerId, startX: event.clientX, startWidth: width, width }
    setDragging(true)
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const state = drag.current
    const found = parts()
    if (!state || state.pointerId !== event.pointerId || !found) return
    // The edge is on the detail's left: moving it left widens the detail.
    state.width = clamp(state.startWidth + state.startX - event.clientX, found.workspace)
    applyWidth(found.workspace, state.width)
  }
  const onPointerEnd = (event: PointerEvent<HTMLDivElement>) => {
    const state = drag.current
    if (!state || state.pointerId !== event.pointerId) return
    drag.current = null
    setDragging(false)
    // A click that moved nothing keeps the width as it was, the layout's or the one stored (a move up or
    // down set it for the time of the press); a cancelled drag (the pointer taken by the system) keeps
    // the width it had reached.
    if (state.width !== state.startWidth) choose(state.width)
    else {
      const found = parts()
      if (found) applyWidth(found.workspace, storedWidth())
    }
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const found = parts()
    if (!found) return
    const width = found.detail.getBoundingClientRect().width
    const step = event.shiftKey ? KEY_STEP * 4 : KEY_STEP
    let next: number | null | undefined
    if (event.key === 'ArrowLeft') next = width + step
    else if (event.key === 'ArrowRight') next = width - step
    // The detail is the pane whose width the edge reports: Home gives it its smallest, End its largest.
    else if (event.key === 'Home') next = MIN_DETAIL_WIDTH
    else if (event.key === 'End') next = maxWidth(found.workspace)
    else if (event.key === 'Enter') next = null
    if (next === undefined) return
    event.preventDefault()
    // Keys that move the edge are the splitter's own, not the list's shortcuts.
    event.stopPropagation()
    choose(next)
  }

  return (
    <div
      ref={handle}
      className={dragging ? 'detail-splitter dragging' : 'detail-splitter'}
      role="separator"
      aria-orientation="vertical"
      aria-controls={controls}
      aria-label="Width of the request detail"
      aria-valuemin={MIN_DETAIL_WIDTH}
      aria-valuemax={shown?.max}
      aria-valuenow={shown?.width}
      aria-valuetext={shown ? `${shown.width} pixels wide` : undefined}
      tabIndex={0}
      title="Drag to resize (or focus and use ← →, Home, End); double-click or Enter for the default width"
      data-testid="detail-splitter"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerEnd}
      onPointerCancel={onPointerEnd}
      onLostPointerCapture={onPointerEnd}
      onDoubleClick={() => choose(null)}
      onKeyDown={onKeyDown}
    />
  )
}
