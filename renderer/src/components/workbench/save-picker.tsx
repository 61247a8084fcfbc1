// "Save to collection": pick a collection (or name a new one), a folder and a name, then save the
// capture, replay or composer draft into it exactly (raw headers, body bytes).
import { useEffect, useState } from 'react'
import type { CollectionFolder, CollectionSummary } from '../../../../shared/collections'
import { useApp, useStores } from '../../state/context'
import { formatCount, formatDateTime } from '../../text/format'
import type { SaveSource } from '../../state/workbench-store'
import { messageOf, useWorkbench } from '../../workbench/commands'
import { Dialog } from '../dialog'

const NEW = '__new__'

function folderLabel(folders: CollectionFolder[], folder: CollectionFolder): string {
  const names = [folder.name]
  for (let parent = folder.parentId; parent !== null; ) {
    const found = folders.find((f) => f.id === parent)
    if (!found) break
    names.unshift(found.name)
    parent = found.parentId
  }
  return names.join(' / ')
}

/** A collection as the dropdown lists it: its name, and for a name another collection shares, its size and creation time. */
export function collectionLabel(collection: CollectionSummary, all: readonly CollectionSummary[]): string {
  if (!all.some((c) => c.id !== collection.id && c.name === collection.name)) return collection.name
  const n = collection.itemCount
  return `${collection.name} (${formatCount(n)} ${n === 1 ? 'request' : 'requests'} · created ${formatDateTime(collection.createdAt)})`
}

export function SavePicker({ source, onClose }: { source: SaveSource; onClose: () => void }) {
  const { api } = useStores()
  const workbench = useWorkbench()
  const collections = useApp((s) => s.collections)
  const [collectionId, setCollectionId] = useState<string>(() => workbench.store.getState().selectedCollectionId ?? '')
  const [newName, setNewName] = useState('')
  const [folders, setFolders] = useState<CollectionFolder[]>([])
  const [folderId, setFolderId] = useState('')
  const [name, setName] = useState('')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    void workbench.loadCollections()
  }, [workbench])
  const chosen = collectionId === '' && collections ? (collections[collections.length - 1]?.id ?? NEW) : collectionId || NEW
  useEffect(() => {
    setFolderId('')
    if (chosen === NEW) {
      setFolders([])
      return
    }
    let alive = true
    api['collections.get']({ id: chosen }).then(
      (collection) => alive && setFolders(collection.folders),
      () => alive && setFolders([]),
    )
    return () => {
      alive = false
    }
  }, [api, chosen])

  const save = async () => {
    setSaving(true)
    setError(null)
    try {
      await workbench.saveItem({ source, collectionId: chosen === NEW ? null : chosen, newCollectionName: newName, folderId: folderId || null, name })
      onClose()
    } catch (err) {
      setError(messageOf(err))
      setSaving(false)
    }
  }

  return (
    <Dialog title="Save to collection" onClose={onClose} testId="save-picker">
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault()
          void save()
        }}
      >
        <label>
          Collection
          <select data-testid="save-collection" value={chosen} onChange={(event) => setCollectionId(event.target.value)}>
            {(collections ?? []).map((c, _, all) => (
              <option key={c.id} value={c.id}>
                {collectionLabel(c, all)}
              </option>
            ))}
            <option value={NEW}>New collection…</option>
          </select>
        </label>
        {chosen === NEW && (
          <label>
            Name of the new collection
            <input data-testid="save-new-name" value={newName} placeholder="My requests" onChange={(event) => setNewName(event.target.value)} />
          </label>
        )}
        {folders.length > 0 && (
          <label>
            Folder
            <select data-testid="save-folder" value={folderId} onChange={(event) => setFolderId(event.target.value)}>
              <option value="">(top level)</option>
              {folders.map((folder) => (
                <option key={folder.id} value={folder.id}>
                  {folderLabel(folders, folder)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Item name
          <input data-testid="save-name" value={name} placeholder="Method and path" onChange={(event) => setName(event.target.value)} />
        </label>
        {error && (
          <p className="field-error" data-testid="save-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="save-confirm" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
