// A collection's folders and items as a tree, in the order a run sends them (`childrenOf`: a folder's
// items, with its sub-folders where they stand among them). Virtualized with a fixed row height, as the
// traffic list is (row-window.ts): the visible entries (a collapsed folder's children left out) are one
// flat list of rows, and only those in view, a few around them, the one that takes the focus and the
// one being dragged are in the page; each row's level, place among its siblings and their number are
// set from that list. Reordered by drag and drop (onto an item: before it; onto a folder: into it; onto
// the top: out of every folder) or by keyboard: ↑/↓, PageUp/PageDown and Home/End move the focus (the
// entry scrolled into view), → unfolds a folder or enters an open one, ← folds it or goes to the
// folder an entry is in, Alt+↑/Alt+↓ move the focused entry one place among its siblings, requests and
// folders alike (both through `collections.moveEntry`), Alt+← moves it out of its folder, Enter opens
// an item in the composer (or folds a folder), Delete deletes (with undo; a folder holding requests
// asks first), F2 renames the entry in place (Enter or leaving the field saves, Esc cancels; either
// gives the focus back to the entry). Typing a name's first letters moves the focus to the next visible
// entry whose name starts with them (type-ahead, letters typed within 500 ms of each other taken
// together): while the tree has the focus it owns the printable keys, so the page-wide single-key
// shortcuts (t, p, x, /…) do not act there; only ?, typed first, still opens the help.
// * unfolds every folder beside the focused entry.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react'
import { childRefs, childrenOf, type CollectionFolder, type CollectionTree as Tree, type ItemInfo } from '../../../../shared/collections'
import type { TreeNode } from '../../state/workbench-store'
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { offsetToReveal, rowsInView } from '../row-window'
import { VisibleText } from '../visible-text'

/** Letters typed within this long of each other make one name to look for (type-ahead). */
export const TYPE_AHEAD_MS = 500

/** Every row of the tree has this height (styles/workbench.css sets it on `.tree-node`). */
export const TREE_ROW_HEIGHT = 28

/**
 * One visible entry of the tree, with its place for assistive technology: only the rows in view are
 * in the page, so the DOM does not say how many siblings an entry has nor which of them it is.
 */
type Row = ({ kind: 'folder'; folder: CollectionFolder } | { kind: 'item'; item: ItemInfo }) & {
  depth: number
  /** The folder it is in (null at the top). */
  parentId: string | null
  setSize: number
  posInSet: number
}

/**
 * The entries shown, in order: a collapsed folder's children are left out. Each folder's children are
 * read from its own requests and sub-folders, grouped once, so that the whole list costs one pass over
 * the collection, not one per folder.
 */
export function treeRows(collection: Tree, collapsed: ReadonlySet<string>): Row[] {
  const itemsIn = new Map<string | null, ItemInfo[]>()
  const foldersIn = new Map<string | null, CollectionFolder[]>()
  for (const item of collection.items) {
    const list = itemsIn.get(item.folderId)
    if (list) list.push(item)
    else itemsIn.set(item.folderId, [item])
  }
  for (const folder of collection.folders) {
    const list = foldersIn.get(folder.parentId)
    if (list) list.push(folder)
    else foldersIn.set(folder.parentId, [folder])
  }
  const rows: Row[] = []
  const visit = (parent: string | null, depth: number) => {
    const entries = childrenOf({ items: itemsIn.get(parent) ?? [], folders: foldersIn.get(parent) ?? [] }, parent)
    const setSize = entries.length
    entries.forEach((entry, index) => {
      if (entry.kind === 'item') {
        rows.push({ kind: 'item', item: entry.item, depth, parentId: parent, setSize, posInSet: index + 1 })
        return
      }
      rows.push({ kind: 'folder', folder: entry.folder, depth, parentId: parent, setSize, posInSet: index + 1 })
      if (!collapsed.has(entry.folder.id)) visit(entry.folder.id, depth + 1)
    })
  }
  visit(null, 0)
  return rows
}

const rowId = (row: Row) => (row.kind === 'item' ? row.item.id : row.folder.id)
const rowName = (row: Row) => (row.kind === 'item' ? row.item.name : row.folder.name)
const DRAG_TYPE = 'application/x-hookscope-node'

function isInside(collection: Tree, folderId: string | null, ancestorId: string): boolean {
  for (let at = folderId; at !== null; at = collection.folders.find((f) => f.id === at)?.parentId ?? null) if (at === ancestorId) return true
  return false
}

export function CollectionTree({ collection }: { collection: Tree }) {
  const workbench = useWorkbench()
  const actions = workbench.store.getState()
  const selected = useWorkbenchState((s) => s.selectedNode)
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set())
  const [dropOn, setDropOn] = useState<string | null>(null)
  const dragging = useRef<TreeNode | null>(null)
  // The entry being dragged stays in the page while the tree scrolls under it.
  const [draggingId, setDraggingId] = useState<string | null>(null)
  const refocus = useRef<string | null>(null)
  // What was typed to find an entry by its name, and when last.
  const typed = useRef({ text: '', at: 0 })
  // The entry being renamed in place (F2); it stays in the page while the tree scrolls.
  const [renamingId, setRenamingId] = useState<string | null>(null)
  const focusNext = useRef<string | null>(null)
  const scroller = useRef<HTMLDivElement>(null)
  // The scroll offset and height of the tree's box, as last read (reading them could force layout).
  const [scrollTop, setScrollTop] = useState(0)
  const [viewport, setViewport] = useState(0)
  const revealed = useRef<string | null>(null)
  const handlers = useRef<RowHandlers>(null!)
  const rows = useMemo(() => treeRows(collection, collapsed), [collection, collapsed])
  const indexOf = useMemo(() => {
    const map = new Map<string, number>()
    rows.forEach((row, index) => map.set(rowId(row), index))
    return map
  }, [rows])
  const hasRows = rows.length > 0

  useLayoutEffect(() => {
    const box = scroller.current
    if (!box) return
    setViewport(box.clientHeight)
    setScrollTop(box.scrollTop)
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => setViewport(box.clientHeight))
    observer.observe(box)
    return () => observer.disconnect()
  }, [hasRows])

  /** Scrolls the tree as little as needed for the entry to be wholly in view. */
  const reveal = useCallback(
    (id: string) => {
      const box = scroller.current
      const index = indexOf.get(id)
      if (!box || index === undefined) return
      const offset = offsetToReveal(index, TREE_ROW_HEIGHT, scrollTop, viewport)
      if (offset === null) return
      box.scrollTop = offset
      setScrollTop(offset)
    },
    [indexOf, scrollTop, viewport],
  )

  const focusNode = (id: string) => {
    for (const element of scroller.current?.querySelectorAll<HTMLElement>('[data-testid="tree-node"]') ?? []) {
      if (element.dataset.nodeId === id) {
        element.focus({ preventScroll: true })
        return true
      }
    }
    return false
  }

  // Another collection opens at its top.
  const collectionId = collection.id
  useLayoutEffect(() => {
    const box = scroller.current
    revealed.current = null
    if (!box || box.scrollTop === 0) return
    box.scrollTop = 0
    setScrollTop(0)
  }, [collectionId])

  // A newly selected entry (by keyboard, click, or a search result) is brought into view, once; the
  // folders around it unfold first.
  useLayoutEffect(() => {
    const id = selected?.id ?? null
    if (id === revealed.current || id === null) return
    if (!indexOf.has(id)) {
      const folderOf = (folderId: string | null | undefined) => collection.folders.find((f) => f.id === folderId)
      let folder = folderOf(selected!.kind === 'item' ? collection.items.find((i) => i.id === id)?.folderId : folderOf(id)?.parentId)
      const fold: string[] = []
      for (; folder && fold.length <= collection.folders.length; folder = folderOf(folder.parentId)) if (collapsed.has(folder.id)) fold.push(folder.id)
      if (fold.length > 0) setCollapsed((current) => new Set([...current].filter((folderId) => !fold.includes(folderId))))
      return
    }
    revealed.current = id
    reveal(id)
  }, [selected, indexOf, reveal, collection, collapsed])

  // The focus follows a keyboard move to the entry, mounted by now (the selected entry always is).
  useLayoutEffect(() => {
    const id = focusNext.current
    if (id !== null && focusNode(id)) focusNext.current = null
  })

  // A moved entry keeps the focus, in view at its new place.
  useEffect(() => {
    const id = refocus.current
    if (!id) return
    refocus.current = null
    reveal(id)
    focusNext.current = id
    if (focusNode(id)) focusNext.current = null
    // Only a new tree moves entries (`reveal` changes with every scroll).
  }, [collection])

  const select = (node: TreeNode, focus = false) => {
    actions.selectNode(node)
    if (focus) focusNext.current = node.id
  }

  const parentOf = (node: TreeNode) => (node.kind === 'item' ? collection.items.find((i) => i.id === node.id)?.folderId : collection.folders.find((f) => f.id === node.id)?.parentId)
  /** A parent's children as the tree shows them, without `node`. */
  const childrenBut = (parentId: string | null, node: TreeNode) => childRefs(collection, parentId).filter((ref) => ref.kind !== node.kind || ref.id !== node.id)

  // One visible place at a time among its siblings, requests and folders alike.
  const moveBy = (node: TreeNode, delta: number) => {
    const parent = parentOf(node)
    if (parent === undefined) return
    const siblings = childRefs(collection, parent)
    const to = siblings.findIndex((ref) => ref.kind === node.kind && ref.id === node.id) + delta
    if (to < 0 || to >= siblings.length) return
    refocus.current = node.id
    void workbench.moveEntry(collection.id, node, parent, to)
  }

  // Out of its folder, to the place right after that folder.
  const moveOut = (node: TreeNode) => {
    const parent = parentOf(node)
    if (parent === undefined || parent === null) return
    const grandparent = collection.folders.find((f) => f.id === parent)?.parentId ?? null
    const index = childrenBut(grandparent, node).findIndex((ref) => ref.kind === 'folder' && ref.id === parent) + 1
    refocus.current = node.id
    void workbench.moveEntry(collection.id, node, grandparent, index)
  }

  const dropInto = (target: Row | null) => {
    const node = dragging.current
    dragging.current = null
    setDraggingId(null)
    setDropOn(null)
    if (!node) return
    if (target?.kind === 'item' && target.item.id === node.id) return
    // Onto an item: before it, in its folder; onto a folder: last inside it; onto the top: last there.
    const parent = target === null ? null : target.kind === 'folder' ? target.folder.id : target.item.folderId
    if (node.kind === 'folder' && parent !== null && isInside(collection, parent, node.id)) return
    const siblings = childrenBut(parent, node)
    const index = target?.kind === 'item' ? siblings.findIndex((ref) => ref.kind === 'item' && ref.id === target.item.id) : siblings.length
    void workbench.moveEntry(collection.id, node, parent, index)
  }

  const setFolded = (folderId: string, folded: boolean) =>
    setCollapsed((current) => {
      if (current.has(folderId) === folded) return current
      const next = new Set(current)
      if (folded) next.add(folderId)
      else next.delete(folderId)
      return next
    })

  const focusRow = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))]
    if (row) select({ kind: row.kind, id: rowId(row) }, true)
  }

  /** The end of a rename in place: `name` saved (null: cancelled), the focus back on the entry. */
  const finishRename = (row: Row, name: string | null) => {
    const id = rowId(row)
    focusNext.current = id
    focusNode(id)
    setRenamingId(null)
    const trimmed = name?.trim() ?? ''
    if (!trimmed || trimmed === rowName(row)) return
    if (row.kind === 'item') void workbench.updateItem(collection.id, id, { name: trimmed })
    else void workbench.renameFolder(collection.id, id, trimmed)
  }

  /**
   * Type-ahead: the next visible entry, from the focused one on, whose name starts with what was typed
   * (one letter typed again and again steps through the names starting with it). True when the key
   * was taken, found or not.
   */
  const typeAhead = (key: string, index: number): boolean => {
    const now = Date.now()
    const before = now - typed.current.at <= TYPE_AHEAD_MS ? typed.current.text : ''
    // A space only within a name being typed; ? typed first is the help's.
    if (before === '' && (key === ' ' || key === '?')) return false
    const text = before + key.toLocaleLowerCase()
    typed.current = { text, at: now }
    const chars = [...text]
    const repeated = chars.every((char) => char === chars[0])
    const wanted = repeated ? chars[0]! : text
    // A new name starts after the focused entry; one being typed may still be the focused entry's.
    const from = repeated ? index + 1 : index
    for (let step = 0; step < rows.length; step++) {
      const at = (from + step) % rows.length
      if (rowName(rows[at]!).toLocaleLowerCase().startsWith(wanted)) {
        if (at !== index) focusRow(at)
        break
      }
    }
    return true
  }

  /** `*`: every folder beside the entry (in the same folder, or at the top) unfolds. */
  const unfoldSiblings = (row: Row) => {
    const folders = childRefs(collection, row.parentId).flatMap((ref) => (ref.kind === 'folder' ? [ref.id] : []))
    setCollapsed((current) => (folders.some((id) => current.has(id)) ? new Set([...current].filter((id) => !folders.includes(id))) : current))
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, row: Row, index: number) => {
    // Keys typed into the name being edited are the field's.
    if (event.target !== event.currentTarget) return
    const node: TreeNode = { kind: row.kind, id: rowId(row) }
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault()
      moveBy(node, event.key === 'ArrowUp' ? -1 : 1)
      return
    }
    if (event.altKey && event.key === 'ArrowLeft') {
      event.preventDefault()
      moveOut(node)
      return
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const page = Math.max(1, Math.floor(viewport / TREE_ROW_HEIGHT) - 1)
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        event.preventDefault()
        if (rows[index + (event.key === 'ArrowDown' ? 1 : -1)]) focusRow(index + (event.key === 'ArrowDown' ? 1 : -1))
        return
      case 'PageDown':
      case 'PageUp':
        event.preventDefault()
        focusRow(index + (event.key === 'PageDown' ? page : -page))
        return
      case 'Home':
      case 'End':
        event.preventDefault()
        focusRow(event.key === 'Home' ? 0 : rows.length - 1)
        return
      case 'ArrowRight':
        if (row.kind !== 'folder') return
        event.preventDefault()
        // A folded folder unfolds; an open one hands the focus to its first entry.
        if (collapsed.has(row.folder.id)) setFolded(row.folder.id, false)
        else if (rows[index + 1]?.parentId === row.folder.id) focusRow(index + 1)
        return
      case 'ArrowLeft': {
        event.preventDefault()
        // An open folder folds; anything else hands the focus to the folder it is in.
        if (row.kind === 'folder' && !collapsed.has(row.folder.id)) {
          setFolded(row.folder.id, true)
          return
        }
        const parent = row.parentId === null ? undefined : indexOf.get(row.parentId)
        if (parent !== undefined) focusRow(parent)
        return
      }
      case 'Enter':
        event.preventDefault()
        if (row.kind === 'item') void workbench.openItem(collection.id, row.item.id)
        else setFolded(row.folder.id, !collapsed.has(row.folder.id))
        return
      case 'F2':
        event.preventDefault()
        setRenamingId(node.id)
        return
      case 'Delete':
      case 'Backspace':
        event.preventDefault()
        if (row.kind === 'item') void workbench.removeItem(collection.id, row.item.id)
        else void workbench.deleteFolder(collection.id, row.folder.id)
        return
      case '*':
        event.preventDefault()
        unfoldSiblings(row)
        return
    }
    // A printable character (one, not a named key such as Tab or F5).
    if ([...event.key].length === 1 && typeAhead(event.key, index)) event.preventDefault()
  }

  const dragProps = (row: Row | null, id: string) => ({
    onDragOver: (event: DragEvent) => {
      if (!dragging.current) return
      event.preventDefault()
      event.dataTransfer.dropEffect = 'move'
      setDropOn((current) => (current === id ? current : id))
    },
    onDragLeave: () => setDropOn((current) => (current === id ? null : current)),
    onDrop: (event: DragEvent) => {
      event.preventDefault()
      dropInto(row)
    },
  })

  // What a row does, read at the time it does it: the rows get one object that never changes, so a
  // row whose entry and state did not change is not drawn again (see TreeRow).
  handlers.current = {
    select: (row) => select({ kind: row.kind, id: rowId(row) }),
    focused: (row) => {
      if (workbench.store.getState().selectedNode?.id !== rowId(row)) actions.selectNode({ kind: row.kind, id: rowId(row) })
    },
    open: (row) => {
      if (row.kind === 'item') void workbench.openItem(collection.id, row.item.id)
    },
    keyDown: onKeyDown,
    dragStart: (event, row) => {
      dragging.current = { kind: row.kind, id: rowId(row) }
      setDraggingId(rowId(row))
      event.dataTransfer.effectAllowed = 'move'
      event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragging.current))
    },
    dragEnd: () => {
      dragging.current = null
      setDraggingId(null)
      setDropOn(null)
    },
    drag: (row) => dragProps(row, rowId(row)),
    finishRename,
  }

  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="collection-empty">
        This collection is empty. Save a request into it from the traffic list (s), the detail or the composer.
      </p>
    )
  }

  const focusable = selected && indexOf.has(selected.id) ? selected.id : rowId(rows[0]!)
  // The rows in view and a few around them, and, wherever they are, the one that takes the focus (so
  // that it keeps the focus while scrolled away) and the one being dragged.
  const { first, end } = rowsInView(scrollTop, viewport, TREE_ROW_HEIGHT, rows.length)
  const shown: number[] = []
  for (const id of [focusable, draggingId, renamingId]) {
    const index = id === null ? undefined : indexOf.get(id)
    if (index !== undefined && (index < first || index >= end) && !shown.includes(index)) shown.push(index)
  }
  for (let index = first; index < end; index++) shown.push(index)
  shown.sort((a, b) => a - b)
  return (
    <>
      <div
        className="collection-tree"
        role="tree"
        aria-label={`Requests of ${collection.name}`}
        data-testid="collection-tree"
        ref={scroller}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div className="tree-canvas" style={{ height: rows.length * TREE_ROW_HEIGHT }}>
          {shown.map((index) => {
            const row = rows[index]!
            const id = rowId(row)
            return (
              <TreeRow
                key={id}
                row={row}
                index={index}
                selected={selected?.id === id}
                tabbable={id === focusable}
                expanded={row.kind === 'folder' ? !collapsed.has(id) : undefined}
                dropTarget={dropOn === id}
                renaming={renamingId === id}
                handlers={handlers}
              />
            )
          })}
        </div>
      </div>
      <div className={`tree-root-drop${dropOn === '__root__' ? ' drop-target' : ''}`} data-testid="tree-root-drop" {...dragProps(null, '__root__')}>
        Drop here to move to the top level
      </div>
    </>
  )
}

/** What a row of the tree does; the tree hands its rows one object, kept current (see `handlers`). */
interface RowHandlers {
  select(row: Row): void
  focused(row: Row): void
  open(row: Row): void
  keyDown(event: KeyboardEvent<HTMLDivElement>, row: Row, index: number): void
  dragStart(event: DragEvent, row: Row): void
  dragEnd(): void
  drag(row: Row): { onDragOver(event: DragEvent): void; onDragLeave(): void; onDrop(event: DragEvent): void }
  finishRename(row: Row, name: string | null): void
}

interface TreeRowProps {
  row: Row
  index: number
  selected: boolean
  tabbable: boolean
  expanded: boolean | undefined
  dropTarget: boolean
  renaming: boolean
  handlers: { current: RowHandlers }
}

/** Whether two rows show the same: every change of a collection brings a new tree, most of whose entries are as they were. */
function sameRow(a: Row, b: Row): boolean {
  if (a === b) return true
  if (a.kind !== b.kind || a.depth !== b.depth || a.parentId !== b.parentId || a.setSize !== b.setSize || a.posInSet !== b.posInSet) return false
  if (a.kind === 'folder' && b.kind === 'folder') return a.folder.id === b.folder.id && a.folder.name === b.folder.name && a.folder.notes === b.folder.notes
  if (a.kind !== 'item' || b.kind !== 'item') return false
  const x = a.item
  const y = b.item
  return x.id === y.id && x.name === y.name && x.folderId === y.folderId && x.request.method === y.request.method && x.tags.length === y.tags.length && x.tags.every((tag, at) => tag === y.tags[at])
}

const TreeRow = memo(
  function TreeRow({ row, index, selected, tabbable, expanded, dropTarget, renaming, handlers }: TreeRowProps) {
    const id = rowId(row)
    const nameField = renaming ? <RenameField name={rowName(row)} kind={row.kind} onDone={(name) => handlers.current.finishRename(row, name)} /> : null
    const drag = {
      onDragOver: (event: DragEvent) => handlers.current.drag(row).onDragOver(event),
      onDragLeave: () => handlers.current.drag(row).onDragLeave(),
      onDrop: (event: DragEvent) => handlers.current.drag(row).onDrop(event),
    }
    return (
      <div
        role="treeitem"
        aria-selected={selected}
        aria-level={row.depth + 1}
        aria-setsize={row.setSize}
        aria-posinset={row.posInSet}
        aria-expanded={expanded}
        aria-keyshortcuts="F2"
        tabIndex={tabbable ? 0 : -1}
        draggable={!renaming}
        className={`tree-node ${row.kind}${selected ? ' selected' : ''}${dropTarget ? ' drop-target' : ''}`}
        style={{ top: index * TREE_ROW_HEIGHT, paddingLeft: 8 + row.depth * 18 }}
        data-testid="tree-node"
        title={row.kind === 'folder' ? row.folder.notes : undefined}
        data-node-id={id}
        data-kind={row.kind}
        data-depth={row.depth}
        onClick={() => handlers.current.select(row)}
        onDoubleClick={() => handlers.current.open(row)}
        onFocus={() => handlers.current.focused(row)}
        onKeyDown={(event) => handlers.current.keyDown(event, row, index)}
        onDragStart={(event) => handlers.current.dragStart(event, row)}
        onDragEnd={() => handlers.current.dragEnd()}
        {...drag}
      >
        {row.kind === 'folder' ? (
          <>
            <span className="tree-twisty" aria-hidden="true">
              {expanded ? '▾' : '▸'}
            </span>
            {nameField ?? (
              <span className="tree-name" data-testid="tree-name">
                <VisibleText value={row.folder.name} />
              </span>
            )}
          </>
        ) : (
          <>
            {nameField ? (
              <>
                <span className={`method method-${row.item.request.method.toLowerCase()}`}>
                  <VisibleText value={row.item.request.method} byteString />
                </span>
                {nameField}
              </>
            ) : row.item.name.startsWith(`${row.item.request.method} `) ? (
              // Named after its method and path (as saving names it): the name's own method is the badge.
              <span className="tree-name" data-testid="tree-name">
                <span className={`method method-${row.item.request.method.toLowerCase()}`}>
                  <VisibleText value={row.item.request.method} byteString />
                </span>
                <VisibleText value={row.item.name.slice(row.item.request.method.length)} />
              </span>
            ) : (
              <>
                <span className={`method method-${row.item.request.method.toLowerCase()}`}>
                  <VisibleText value={row.item.request.method} byteString />
                </span>
                <span className="tree-name" data-testid="tree-name">
                  <VisibleText value={row.item.name} />
                </span>
              </>
            )}
            {row.item.tags.map((tag) => (
              <span key={tag} className="badge subtle" data-testid="tree-tag">
                <VisibleText value={tag} />
              </span>
            ))}
          </>
        )}
      </div>
    )
  },
  (a, b) =>
    a.index === b.index &&
    a.selected === b.selected &&
    a.tabbable === b.tabbable &&
    a.expanded === b.expanded &&
    a.dropTarget === b.dropTarget &&
    a.renaming === b.renaming &&
    a.handlers === b.handlers &&
    sameRow(a.row, b.row),
)

/** The name of an entry being renamed in place: Enter or leaving the field saves, Esc cancels. */
function RenameField({ name, kind, onDone }: { name: string; kind: 'item' | 'folder'; onDone: (name: string | null) => void }) {
  const [value, setValue] = useState(name)
  const done = useRef(false)
  const finish = (result: string | null) => {
    if (done.current) return
    done.current = true
    onDone(result)
  }
  return (
    <input
      className="tree-rename"
      data-testid="tree-rename"
      aria-label={kind === 'item' ? 'Request name' : 'Folder name'}
      value={value}
      maxLength={kind === 'item' ? 300 : 200}
      autoFocus
      onFocus={(event) => event.currentTarget.select()}
      onChange={(event) => setValue(event.target.value)}
      onClick={(event) => event.stopPropagation()}
      onDoubleClick={(event) => event.stopPropagation()}
      onKeyDown={(event) => {
        // The field's keys stay in it: none reaches the tree or the page-wide shortcuts.
        event.stopPropagation()
        if (event.key === 'Enter') {
          event.preventDefault()
          finish(value)
        } else if (event.key === 'Escape') {
          event.preventDefault()
          finish(null)
        }
      }}
      // Leaving the field saves; the window losing the focus does not (the field is still there on return).
      onBlur={() => document.hasFocus() && finish(value)}
    />
  )
}
