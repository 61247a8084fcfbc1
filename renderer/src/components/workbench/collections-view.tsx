// The collections view: every collection (new, import, search across all of them), the open one as a
// tree with its selected entry, export, folders, runs, and the undo offer after a deletion.
import { useEffect, useState } from 'react'
import type { ExportFormat, ImportFormat } from '../../../../shared/collections'
import type { ItemInfo, TrashedCollection } from '../../../../shared/collections'
import { isTypingTarget, isUndoKey } from '../../keyboard/shortcuts'
import { useApp, useStores } from '../../state/context'
import { formatCount, formatDateTime } from '../../text/format'
import { ConfirmDialog } from '../dialog'
import { messageOf, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import type { ImportProgress } from '../../state/workbench-store'
import { VisibleText } from '../visible-text'
import { CollectionTree } from './collection-tree'
import { SelectionPanel } from './item-panel'
import { openRunPanel, RunPanel } from './run-panel'
import '../../styles/workbench.css'

const EXPORT_FORMATS: Array<{ value: ExportFormat; label: string }> = [
  { value: 'hookscope', label: 'Hookscope JSON' },
  { value: 'har', label: 'HAR 1.2' },
  { value: 'postman', label: 'Postman v2.1' },
  { value: 'curl', label: 'cURL script' },
]

const IMPORT_FORMATS: Array<{ value: ImportFormat | 'auto'; label: string }> = [
  { value: 'auto', label: 'Any format' },
  { value: 'har', label: 'HAR' },
  { value: 'postman', label: 'Postman v2.1' },
  { value: 'curl', label: 'cURL commands' },
  { value: 'raw', label: 'Raw HTTP message' },
  { value: 'hookscope', label: 'Hookscope JSON' },
]

const UNDO_MS = 15_000

function CollectionList() {
  const workbench = useWorkbench()
  const collections = useApp((s) => s.collections)
  const selectedId = useWorkbenchState((s) => s.selectedCollectionId)
  const [name, setName] = useState('')
  if (collections === null) return <p className="viewer-status">Loading…</p>
  return (
    <>
      <form
        className="form-row"
        onSubmit={(event) => {
          event.preventDefault()
          if (!name.trim()) return
          void workbench.createCollection(name.trim()).then((created) => created && setName(''))
        }}
      >
        <input aria-label="New collection name" placeholder="New collection" data-testid="collection-new-name" value={name} maxLength={200} onChange={(event) => setName(event.target.value)} />
        <button type="submit" data-testid="collection-new" disabled={!name.trim()}>
          Create
        </button>
      </form>
      {collections.length === 0 ? (
        <p className="muted">No collections yet.</p>
      ) : (
        <ul className="collection-list">
          {collections.map((c, _, all) => (
            <li key={c.id}>
              <button type="button" className={c.id === selectedId ? 'collection-entry active' : 'collection-entry'} aria-current={c.id === selectedId} data-testid="collection-entry" data-collection-id={c.id} onClick={() => void workbench.openCollection(c.id)}>
                <span className="collection-name">
                  <VisibleText value={c.name} />
                </span>
                <span className="muted">
                  {c.itemCount} {c.itemCount === 1 ? 'request' : 'requests'}
                  {c.folderCount > 0 ? ` · ${c.folderCount} ${c.folderCount === 1 ? 'folder' : 'folders'}` : ''}
                  {all.some((other) => other.id !== c.id && other.name === c.name) ? ` · created ${formatDateTime(c.createdAt)}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

/** Deleted collections, kept in the trash for 30 days: each can be restored, or deleted for good. */
function RecentlyDeleted() {
  const workbench = useWorkbench()
  const collections = useApp((s) => s.collections)
  const [open, setOpen] = useState(false)
  const [trash, setTrash] = useState<TrashedCollection[] | null>(null)
  const [purging, setPurging] = useState<TrashedCollection | null>(null)
  // Read again whenever the collections change (a deletion puts one in the trash, a restore takes it out).
  const [version, setVersion] = useState(0)
  useEffect(() => {
    let alive = true
    void workbench.trash().then((found) => alive && setTrash(found ?? []))
    return () => {
      alive = false
    }
  }, [workbench, collections, version])
  if (!trash || trash.length === 0) return null
  return (
    <details className="recently-deleted" data-testid="collections-trash" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary data-testid="collections-trash-toggle">Recently deleted ({trash.length})</summary>
      <ul className="collection-list">
        {trash.map((c) => (
          <li key={c.id} className="trash-entry" data-testid="trash-entry" data-collection-id={c.id}>
            <span className="collection-name">
              <VisibleText value={c.name} />
            </span>
            <span className="muted">
              {c.itemCount} {c.itemCount === 1 ? 'request' : 'requests'} · deleted {formatDateTime(c.deletedAt)}
            </span>
            <span className="form-row">
              <button type="button" className="small" data-testid="trash-restore" onClick={() => void workbench.restoreCollection(c.id)}>
                Restore
              </button>
              <button type="button" className="small danger-outline" data-testid="trash-purge" onClick={() => setPurging(c)}>
                Delete forever
              </button>
            </span>
          </li>
        ))}
      </ul>
      <p className="muted hint">Kept for 30 days after deletion (the 100 most recent).</p>
      {purging && (
        <ConfirmDialog
          title="Delete forever"
          message={`Delete the collection "${purging.name}" and its ${purging.itemCount} ${purging.itemCount === 1 ? 'request' : 'requests'} for good? This cannot be undone.`}
          confirmLabel="Delete forever"
          onConfirm={() => {
            const target = purging
            setPurging(null)
            void workbench.purgeCollection(target.id, target.name).then(() => setVersion((v) => v + 1))
          }}
          onCancel={() => setPurging(null)}
          testId="trash-purge-confirm"
        />
      )}
    </details>
  )
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1)
}

function importProgressText(progress: ImportProgress): string {
  if (progress.phase === 'sending') return `Sending the file… ${megabytes(progress.done)} of ${megabytes(progress.total)} MB`
  if (progress.total === 0) return 'Reading the file…'
  return `Reading requests… ${formatCount(progress.done)} of ${formatCount(progress.total)}`
}

function ImportBox() {
  const workbench = useWorkbench()
  const error = useWorkbenchState((s) => s.importError)
  const progress = useWorkbenchState((s) => s.importProgress)
  const [format, setFormat] = useState<ImportFormat | 'auto'>('auto')
  const [busy, setBusy] = useState(false)
  const readFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0]
    if (!file) return
    setBusy(true)
    try {
      await workbench.importPickedFile(file, format, file.name)
    } catch (err) {
      workbench.store.getState().setImportError(`Could not read ${file.name}: ${messageOf(err)}`)
    } finally {
      setBusy(false)
      input.value = ''
    }
  }
  return (
    <div className="import-box">
      <div className="form-row">
        <select aria-label="Import format" data-testid="import-format" value={format} onChange={(event) => setFormat(event.target.value as ImportFormat | 'auto')}>
          {IMPORT_FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <label className={busy ? 'file-button disabled' : 'file-button'}>
          {busy ? 'Importing…' : 'Import file…'}
          <input type="file" data-testid="collection-import-file" accept=".json,.har,.sh,.txt,.http,application/json,text/plain" disabled={busy} onChange={(event) => void readFile(event.currentTarget)} />
        </label>
      </div>
      {progress && (
        <div className="form-row import-progress">
          <progress data-testid="import-bar" aria-label="Import progress" max={Math.max(1, progress.total)} value={progress.total > 0 ? progress.done : undefined} />
          <span className="muted" role="status" data-testid="import-progress">
            {importProgressText(progress)}
          </span>
          <button type="button" className="small" data-testid="import-cancel" title="Cancel the import: nothing is imported" onClick={() => workbench.cancelImport()}>
            Cancel
          </button>
        </div>
      )}
      {error && (
        <div className="viewer-note error import-error" role="alert" data-testid="import-error">
          <span>{error}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => workbench.store.getState().setImportError(null)}>
            ×
          </button>
        </div>
      )}
    </div>
  )
}

function SearchResults({ text }: { text: string }) {
  const workbench = useWorkbench()
  const collectionsVersion = useApp((s) => s.collections)
  const [results, setResults] = useState<Array<{ collectionId: string; collectionName: string; item: ItemInfo }> | null>(null)
  useEffect(() => {
    let alive = true
    const timer = setTimeout(() => {
      workbench.search(text).then(
        (found) => alive && setResults(found),
        () => alive && setResults([]),
      )
    }, 150)
    return () => {
      alive = false
      clearTimeout(timer)
    }
  }, [workbench, text, collectionsVersion])
  if (results === null) return <p className="viewer-status">Searching…</p>
  if (results.length === 0) return <p className="muted" data-testid="search-empty">Nothing in any collection matches.</p>
  return (
    <ul className="search-results" data-testid="search-results">
      {results.map(({ collectionId, collectionName, item }) => (
        <li key={`${collectionId}/${item.id}`}>
          <button
            type="button"
            className="search-result"
            data-testid="search-result"
            onClick={() => {
              void workbench.openCollection(collectionId).then(() => workbench.store.getState().selectNode({ kind: 'item', id: item.id }))
              workbench.store.getState().setCollectionSearch('')
            }}
          >
            <span className={`method method-${item.request.method.toLowerCase()}`}>
              <VisibleText value={item.request.method} byteString />
            </span>
            <span className="tree-name">
              <VisibleText value={item.name} />
            </span>
            <span className="muted">
              in <VisibleText value={collectionName} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  )
}

function UndoToast() {
  const workbench = useWorkbench()
  const offer = useWorkbenchState((s) => s.undo)
  useEffect(() => {
    if (!offer) return
    const timer = setTimeout(() => {
      if (workbench.store.getState().undo?.key === offer.key) workbench.store.getState().offerUndo(null)
    }, UNDO_MS)
    return () => clearTimeout(timer)
  }, [offer, workbench])
  useEffect(() => {
    // Ctrl+Z (⌘+Z) anywhere in the view undoes the offered delete, but not while typing in a field or
    // editor, whose own undo it is, nor under a dialog.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !isUndoKey(event) || isTypingTarget(event.target) || document.querySelector('[role="dialog"]') !== null) return
      if (!workbench.store.getState().undo) return
      event.preventDefault()
      void workbench.undo()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [workbench])
  if (!offer) return null
  return (
    <div className="toast undo-toast" role="status" data-testid="undo-toast">
      <span>
        <VisibleText value={offer.message} />
      </span>
      <button type="button" className="small" data-testid="undo-button" aria-keyshortcuts="Control+Z Meta+Z" title="Undo (Ctrl+Z)" onClick={() => void workbench.undo()}>
        Undo
      </button>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => workbench.store.getState().offerUndo(null)}>
        ×
      </button>
    </div>
  )
}

const requestsText = (n: number) => `${formatCount(n)} ${n === 1 ? 'request' : 'requests'}`

/** The confirmation asked before a folder holding requests is deleted, naming how many go with it. */
function FolderDeleteConfirm() {
  const workbench = useWorkbench()
  const deletion = useWorkbenchState((s) => s.folderDeletion)
  if (!deletion) return null
  const folders = deletion.folders > 0 ? ` and ${deletion.folders} ${deletion.folders === 1 ? 'sub-folder' : 'sub-folders'}` : ''
  const close = () => workbench.store.getState().setFolderDeletion(null)
  return (
    <ConfirmDialog
      title="Delete folder"
      message={`Delete the folder "${deletion.name}" with the ${requestsText(deletion.requests)}${folders} it holds?`}
      confirmLabel={`Delete ${requestsText(deletion.requests)}`}
      onConfirm={() => {
        close()
        void workbench.removeFolder(deletion.collectionId, deletion.folderId)
      }}
      onCancel={close}
      testId="folder-delete-confirm"
    />
  )
}

function CollectionHeader() {
  const workbench = useWorkbench()
  const collection = useWorkbenchState((s) => s.collection)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [folder, setFolder] = useState('')
  const [format, setFormat] = useState<ExportFormat>('hookscope')
  if (!collection) return null
  return (
    <div className="collection-header">
      {renaming === null ? (
        <h2 data-testid="collection-title">
          <VisibleText value={collection.name} />
        </h2>
      ) : (
        <form
          className="form-row"
          onSubmit={(event) => {
            event.preventDefault()
            if (renaming.trim()) void workbench.renameCollection(collection.id, renaming.trim())
            setRenaming(null)
          }}
        >
          <input aria-label="Collection name" data-testid="collection-name-input" value={renaming} maxLength={200} autoFocus onChange={(event) => setRenaming(event.target.value)} />
          <button type="submit" data-testid="collection-rename-save">
            Rename
          </button>
        </form>
      )}
      <div className="collection-actions">
        {renaming === null && (
          <button type="button" className="small" data-testid="collection-rename" onClick={() => setRenaming(collection.name)}>
            Rename
          </button>
        )}
        <form
          className="form-row"
          onSubmit={(event) => {
            event.preventDefault()
            if (!folder.trim()) return
            void workbench.addFolder(collection.id, folder.trim(), null)
            setFolder('')
          }}
        >
          <input aria-label="New folder name" placeholder="New folder" data-testid="folder-new-name" value={folder} maxLength={200} onChange={(event) => setFolder(event.target.value)} />
          <button type="submit" className="small" data-testid="folder-new" disabled={!folder.trim()}>
            Add folder
          </button>
        </form>
        <span className="spacer" />
        <select aria-label="Export format" data-testid="export-format" value={format} onChange={(event) => setFormat(event.target.value as ExportFormat)}>
          {EXPORT_FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <button type="button" className="small" data-testid="collection-export" onClick={() => void workbench.exportCollection(collection.id, format)}>
          Export
        </button>
        <button type="button" className="small primary" data-testid="collection-run" disabled={collection.items.length === 0} onClick={() => openRunPanel(workbench.store.getState().setRunTarget, { collectionId: collection.id, folderId: null, label: collection.name })}>
          Run…
        </button>
        <button type="button" className="small danger-outline" data-testid="collection-delete" onClick={() => void workbench.removeCollection(collection.id)}>
          Delete
        </button>
      </div>
    </div>
  )
}

export function CollectionsView() {
  const workbench = useWorkbench()
  const { app } = useStores()
  const connected = useApp((s) => s.connection.kind === 'open')
  const collections = useApp((s) => s.collections)
  const selectedId = useWorkbenchState((s) => s.selectedCollectionId)
  const collection = useWorkbenchState((s) => s.collection)
  const search = useWorkbenchState((s) => s.collectionSearch)
  const runTarget = useWorkbenchState((s) => s.runTarget)
  const updatedAt = useApp((s) => s.collections?.find((c) => c.id === selectedId)?.updatedAt ?? null)

  useEffect(() => {
    if (connected) void workbench.loadCollections()
  }, [workbench, connected])
  useEffect(() => {
    // Read from the store: an effect run twice (React's strict mode) finds the one the first run opened.
    if (workbench.store.getState().selectedCollectionId !== null || !collections) return
    // The collection open before a reload, and its selected entry, if they are still there.
    const kept = app.getState().keptCollection
    if (kept) {
      app.getState().setKeptCollection(null)
      if (collections.some((c) => c.id === kept.id)) {
        void workbench.openCollection(kept.id).then(() => {
          const tree = workbench.store.getState().collection
          if (!kept.node || tree?.id !== kept.id || workbench.store.getState().selectedNode !== null) return
          const found = kept.node.kind === 'item' ? tree.items.some((i) => i.id === kept.node!.id) : tree.folders.some((f) => f.id === kept.node!.id)
          if (found) workbench.store.getState().selectNode(kept.node)
          else app.getState().showToast(kept.node.kind === 'item' ? 'The request you had selected is no longer in this collection.' : 'The folder you had selected is no longer in this collection.')
        })
        return
      }
      app.getState().showToast('The collection you had open was deleted.')
    }
    if (collections.length > 0) void workbench.openCollection(collections[0]!.id)
  }, [app, workbench, selectedId, collections])
  // The open collection changed (the list says so): read its tree again, unless an answer brings it.
  // A change made here is answered with the new tree just after the engine tells every window of it;
  // reading the tree again then would cost a collection of thousands of requests a second round trip
  // and its frames. So while changes made here wait for their answers, the tree is read again only if
  // they did not bring it (a change made in another window meanwhile, say).
  useEffect(() => {
    if (!selectedId || updatedAt === null) return
    const stale = () => workbench.store.getState().collection?.updatedAt !== updatedAt
    if (!stale()) return
    if (!workbench.changingCollections) {
      void workbench.reloadCollection()
      return
    }
    const stop = workbench.whenChangesSettled(() => {
      stop()
      if (stale()) void workbench.reloadCollection()
    })
    return stop
  }, [workbench, selectedId, updatedAt])

  return (
    <main className="main-view workbench-view collections-view" data-testid="collections-view" aria-label="Collections" tabIndex={-1} data-view-region>
      <aside className="collections-sidebar">
        <h2>Collections</h2>
        <input
          type="search"
          aria-label="Search all collections"
          placeholder="Search every collection"
          data-testid="collections-search"
          value={search}
          onChange={(event) => workbench.store.getState().setCollectionSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && search) {
              event.stopPropagation()
              workbench.store.getState().setCollectionSearch('')
            }
          }}
        />
        {search.trim() ? <SearchResults text={search.trim()} /> : <CollectionList />}
        {!search.trim() && <RecentlyDeleted />}
        <ImportBox />
      </aside>
      <section className="collection-main">
        {collection ? (
          <>
            <CollectionHeader />
            <div className="collection-body">
              <div className="collection-tree-column">
                <CollectionTree collection={collection} />
                <p className="muted hint">Drag to reorder or into a folder. Keys: ↑/↓, Home/End to move between entries, ←/→ to fold and unfold, * to unfold the folders beside, a name's first letters to go to it, Alt+↑/Alt+↓ to reorder, Alt+← out of a folder, Enter to open, F2 to rename, Delete to delete, Ctrl+Z to undo a delete.</p>
              </div>
              <SelectionPanel collection={collection} />
            </div>
            {runTarget && runTarget.collectionId === collection.id && <RunPanel key={`${runTarget.collectionId}/${runTarget.folderId ?? ''}`} target={runTarget} />}
          </>
        ) : selectedId ? (
          <p className="viewer-status">Loading…</p>
        ) : (
          <p className="muted">Create a collection, import one, or save a request into one from the traffic list (s).</p>
        )}
      </section>
      <UndoToast />
      <FolderDeleteConfirm />
    </main>
  )
}
