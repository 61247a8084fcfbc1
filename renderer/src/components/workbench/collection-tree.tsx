// A collection's folders and items as a tree, in the order a run sends them (`childrenOf`: a folder's
// items, with its sub-folders where they stand among them). Reordered by drag and drop (onto an item: before it; onto a folder: into it;
// onto the top: out of every folder) or by keyboard: ↑/↓ move the focus, Alt+↑/Alt+↓ move the
// focused entry one place among its siblings, requests and folders alike (both through
// `collections.moveEntry`), Alt+← moves it out of its folder, Enter opens an item in the
// composer (or folds a folder), Delete deletes (with undo; a folder holding requests asks first).
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react'
import { childRefs, childrenOf, type CollectionFolder, type CollectionTree as Tree, type ItemInfo } from '../../../../shared/collections'
import type { TreeNode } from '../../state/workbench-store'
import { useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { VisibleText } from '../visible-text'

type Row = { kind: 'folder'; folder: CollectionFolder; depth: number } | { kind: 'item'; item: ItemInfo; depth: number }

export function treeRows(collection: Tree, collapsed: ReadonlySet<string>): Row[] {
  const rows: Row[] = []
  const visit = (parent: string | null, depth: number) => {
    for (const entry of childrenOf(collection, parent)) {
      if (entry.kind === 'item') {
        rows.push({ kind: 'item', item: entry.item, depth })
        continue
      }
      rows.push({ kind: 'folder', folder: entry.folder, depth })
      if (!collapsed.has(entry.folder.id)) visit(entry.folder.id, depth + 1)
    }
  }
  visit(null, 0)
  return rows
}

const rowId = (row: Row) => (row.kind === 'item' ? row.item.id : row.folder.id)
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
  const refocus = useRef<string | null>(null)
  const rows = treeRows(collection, collapsed)

  useEffect(() => {
    if (!refocus.current) return
    document.querySelector<HTMLElement>(`[data-testid="tree-node"][data-node-id="${refocus.current}"]`)?.focus()
    refocus.current = null
  }, [collection])

  const select = (node: TreeNode, focus = false) => {
    actions.selectNode(node)
    if (focus) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="tree-node"][data-node-id="${node.id}"]`)?.focus())
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

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, row: Row, index: number) => {
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
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault()
        const next = rows[index + (event.key === 'ArrowDown' ? 1 : -1)]
        if (next) select({ kind: next.kind, id: rowId(next) }, true)
        return
      }
      case 'ArrowRight':
      case 'ArrowLeft':
        if (row.kind === 'folder') {
          event.preventDefault()
          setCollapsed((current) => {
            const next = new Set(current)
            if (event.key === 'ArrowLeft') next.add(row.folder.id)
            else next.delete(row.folder.id)
            return next
          })
        }
        return
      case 'Enter':
        event.preventDefault()
        if (row.kind === 'item') void workbench.openItem(collection.id, row.item.id)
        else setCollapsed((current) => (current.has(row.folder.id) ? new Set([...current].filter((id) => id !== row.folder.id)) : new Set([...current, row.folder.id])))
        return
      case 'Delete':
      case 'Backspace':
        event.preventDefault()
        if (row.kind === 'item') void workbench.removeItem(collection.id, row.item.id)
        else void workbench.deleteFolder(collection.id, row.folder.id)
        return
    }
  }

  const dragProps = (row: Row | null, id: string) => ({
    onDragOver: (event: DragEvent) => {
      if (!dragging.current) return
      event.preventDefault()
      event.dataTransfer.dropEffect = 'move'
      if (dropOn !== id) setDropOn(id)
    },
    onDragLeave: () => setDropOn((current) => (current === id ? null : current)),
    onDrop: (event: DragEvent) => {
      event.preventDefault()
      dropInto(row)
    },
  })

  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="collection-empty">
        This collection is empty. Save a request into it from the traffic list (s), the detail or the composer.
      </p>
    )
  }

  const focusable = selected && rows.some((row) => rowId(row) === selected.id) ? selected.id : rowId(rows[0]!)
  return (
    <div className="collection-tree" role="tree" aria-label={`Requests of ${collection.name}`} data-testid="collection-tree">
      {rows.map((row, index) => {
        const id = rowId(row)
        const isSelected = selected?.id === id
        return (
          <div
            key={id}
            role="treeitem"
            aria-selected={isSelected}
            aria-level={row.depth + 1}
            aria-expanded={row.kind === 'folder' ? !collapsed.has(id) : undefined}
            tabIndex={id === focusable ? 0 : -1}
            draggable
            className={`tree-node ${row.kind}${isSelected ? ' selected' : ''}${dropOn === id ? ' drop-target' : ''}`}
            style={{ paddingLeft: 8 + row.depth * 18 }}
            data-testid="tree-node"
            title={row.kind === 'folder' ? row.folder.notes : undefined}
            data-node-id={id}
            data-kind={row.kind}
            data-depth={row.depth}
            onClick={() => select({ kind: row.kind, id })}
            onDoubleClick={() => row.kind === 'item' && void workbench.openItem(collection.id, row.item.id)}
            onFocus={() => !isSelected && actions.selectNode({ kind: row.kind, id })}
            onKeyDown={(event) => onKeyDown(event, row, index)}
            onDragStart={(event) => {
              dragging.current = { kind: row.kind, id }
              event.dataTransfer.effectAllowed = 'move'
              event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragging.current))
            }}
            onDragEnd={() => {
              dragging.current = null
              setDropOn(null)
            }}
            {...dragProps(row, id)}
          >
            {row.kind === 'folder' ? (
              <>
                <span className="tree-twisty" aria-hidden="true">
                  {collapsed.has(id) ? '▸' : '▾'}
                </span>
                <span className="tree-name" data-testid="tree-name">
                  <VisibleText value={row.folder.name} />
                </span>
              </>
            ) : (
              <>
                {row.item.name.startsWith(`${row.item.request.method} `) ? (
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
      })}
      <div className={`tree-root-drop${dropOn === '__root__' ? ' drop-target' : ''}`} data-testid="tree-root-drop" {...dragProps(null, '__root__')}>
        Drop here to move to the top level
      </div>
    </div>
  )
}
