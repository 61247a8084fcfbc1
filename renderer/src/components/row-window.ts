// Which rows of a long list of rows of one fixed height are mounted, and where to scroll for one to be
// in view: arithmetic on the scroll offset, shared by the live traffic list (list-window.ts) and the
// collection tree (workbench/collection-tree.tsx).

/** Rows mounted beyond each edge of the viewport. */
export const OVERSCAN_ROWS = 12

/** The rows to mount, from `first` up to (not including) `end`, for this scroll offset and viewport height. */
export function rowsInView(scrollTop: number, viewport: number, rowHeight: number, rowCount: number, overscan = OVERSCAN_ROWS): { first: number; end: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const end = Math.min(rowCount, Math.ceil((scrollTop + viewport) / rowHeight) + overscan)
  return { first, end }
}

/** The scroll offset that brings row `index` wholly into view with as little scrolling as possible; null when it is already. */
export function offsetToReveal(index: number, rowHeight: number, scrollTop: number, viewport: number): number | null {
  const top = index * rowHeight
  if (top < scrollTop) return top
  if (top + rowHeight > scrollTop + viewport) return Math.max(0, top + rowHeight - viewport)
  return null
}
