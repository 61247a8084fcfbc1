// The selected entry of a collection: an item's request at a glance, its name, notes and tags, its
// folder, and what to do with it (open in the composer, compare, delete); or a folder's name, a new
// sub-folder, a run of just that folder, or its deletion.
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { BodyInfo, CollectionFolder, CollectionTree, ItemInfo } from '../../../../shared/collections'
import type { Endpoint } from '../../../../shared/model'
import { useApp } from '../../state/context'
import { itemEndpoint, useWorkbench, useWorkbenchState } from '../../workbench/commands'
import { carriedSignature, endpointNames, resignCandidates, resignSetupAdvice, schemesInWords, staleWords } from '../../workbench/resign-offer'
import { formatCount, formatDateTime } from '../../text/format'
import { SCHEME_LABELS } from '../../text/verdict-text'
import { VisibleText } from '../visible-text'
import { CompareButton } from './compare-button'
import { RemovedEndpointNote } from './removed-endpoint-note'
import { openRunPanel } from './run-panel'

export function folderPath(folders: readonly CollectionFolder[], id: string | null): string {
  const names: string[] = []
  for (let at = id; at !== null; ) {
    const folder = folders.find((f) => f.id === at)
    if (!folder) break
    names.unshift(folder.name)
    at = folder.parentId
  }
  return names.join(' / ')
}

/** An item's body as the tree knows it: its kind and size in bytes (its bytes come when it is opened). */
export function bodySummary(body: BodyInfo): string {
  if (body.size === 0) return 'no body'
  const bytes = `${formatCount(body.size)} ${body.size === 1 ? 'byte' : 'bytes'}`
  return body.encoding === 'base64' ? `binary body of ${bytes}` : `text body of ${bytes}`
}

export function parseTags(text: string): string[] {
  const tags: string[] = []
  for (const piece of text.split(',')) {
    const tag = piece.trim().slice(0, 50)
    if (tag && !tags.includes(tag)) tags.push(tag)
  }
  return tags.slice(0, 50)
}

export function SelectionPanel({ collection }: { collection: CollectionTree }) {
  const selected = useWorkbenchState((s) => s.selectedNode)
  if (!selected) return <p className="muted selection-hint">Select a request or a folder to see it here.</p>
  if (selected.kind === 'item') {
    const item = collection.items.find((i) => i.id === selected.id)
    return item ? <ItemPanel key={item.id} collection={collection} item={item} /> : null
  }
  const folder = collection.folders.find((f) => f.id === selected.id)
  return folder ? <FolderPanel key={folder.id} collection={collection} folder={folder} /> : null
}

/** The endpoint that re-signs the item when it is sent: the one it names, while it checks that scheme with a secret. */
function resignedBy(item: ItemInfo, endpoints: readonly Endpoint[]): Endpoint | null {
  const signature = item.signature
  const signer = signature ? endpoints.find((e) => e.id === signature.endpointId) : undefined
  return signer && signature && signer.signature.scheme === signature.scheme && signer.signature.hasSecret ? signer : null
}

/**
 * An item that carries a provider's signature which nothing re-signs when it is sent (saved without
 * re-signing, imported, or its endpoint removed or without a secret): as the Composer and the run panel
 * warn, sent as saved the app refuses it once stale. Says what makes it re-signed.
 */
function StaleSignatureNote({ item, endpoints }: { item: ItemInfo; endpoints: readonly Endpoint[] }) {
  const carried = carriedSignature(item.request.headers)
  if (!carried || resignedBy(item, endpoints)) return null
  const { usable, noSecret } = resignCandidates(carried.schemes, endpoints)
  const words = schemesInWords(carried.schemes)
  return (
    <div className="viewer-note warning item-stale-signature" data-testid="item-stale-signature">
      <p>
        This request carries a {words} signature ({carried.header}) that nothing re-signs: sent as saved, {staleWords(carried.schemes, false)}.
      </p>
      <p data-testid="item-resign-how">
        {usable.length > 0
          ? `To re-sign it, open it in the composer, which offers ${endpointNames(usable)}’s secret (Update item keeps the choice); a run offers it too.`
          : resignSetupAdvice(carried.schemes, noSecret)}
      </p>
    </div>
  )
}

function ItemPanel({ collection, item }: { collection: CollectionTree; item: ItemInfo }) {
  const workbench = useWorkbench()
  const endpoints = useApp(useShallow((s) => s.endpointIds.map((id) => s.endpointsById[id]).filter((e) => e !== undefined)))
  const [name, setName] = useState(item.name)
  const [notes, setNotes] = useState(item.notes)
  const [tags, setTags] = useState(item.tags.join(', '))
  // The saved values, compared as text: a collection reloaded by another change (a move, say) brings
  // the same tags as a new array, which must not wipe what is being typed.
  const savedTags = item.tags.join('\u0000')
  // A saved value changed elsewhere (a rename in the tree, another window) replaces only a field left
  // as it was: what is being typed into another field, or into that one, stays, and the panel says so.
  const typed = useRef({ name, notes, tags })
  typed.current = { name, notes, tags }
  const savedBefore = useRef({ name: item.name, notes: item.notes, tags: savedTags })
  const [changedElsewhere, setChangedElsewhere] = useState<string[]>([])
  useEffect(() => {
    const before = savedBefore.current
    savedBefore.current = { name: item.name, notes: item.notes, tags: savedTags }
    const current = typed.current
    const tagsText = savedTags.split('\u0000').filter((tag) => tag !== '').join(', ')
    const kept: string[] = []
    if (item.name !== before.name) {
      if (current.name.trim() === before.name) setName(item.name)
      else if (current.name.trim() !== item.name) kept.push('name')
    }
    if (item.notes !== before.notes) {
      if (current.notes === before.notes) setNotes(item.notes)
      else if (current.notes !== item.notes) kept.push('notes')
    }
    if (savedTags !== before.tags) {
      const typedTags = parseTags(current.tags).join('\u0000')
      if (typedTags === before.tags) setTags(tagsText)
      else if (typedTags !== savedTags) kept.push('tags')
    }
    if (kept.length > 0) setChangedElsewhere((fields) => ['name', 'notes', 'tags'].filter((field) => fields.includes(field) || kept.includes(field)))
  }, [item.name, item.notes, savedTags])
  const dirty = name.trim() !== item.name || notes !== item.notes || parseTags(tags).join(',') !== item.tags.join(',')
  if (!dirty && changedElsewhere.length > 0) setChangedElsewhere([])
  // Closing the panel (another selection, collection or view) keeps what was typed but not saved.
  const pending = useRef<{ name: string; notes: string; tags: string[] } | null>(null)
  pending.current = dirty && name.trim() ? { name: name.trim(), notes, tags: parseTags(tags) } : null
  useEffect(() => {
    const keep = () => {
      const edits = pending.current
      if (!edits) return
      pending.current = null
      void workbench.keepItemEdits(collection.id, item.id, edits)
    }
    // So does a reload or a closing window: what was typed is sent before the page goes.
    window.addEventListener('pagehide', keep)
    return () => {
      window.removeEventListener('pagehide', keep)
      keep()
    }
  }, [workbench, collection.id, item.id])

  return (
    <section className="selection-panel" data-testid="item-panel" data-item-id={item.id}>
      <p className="item-request">
        <span className={`method method-${item.request.method.toLowerCase()}`}>
          <VisibleText value={item.request.method} byteString />
        </span>{' '}
        <span className="item-url" data-testid="item-url">
          <VisibleText value={item.request.url} byteString />
        </span>
      </p>
      <p className="muted" data-testid="item-summary">
        {item.request.headers.length} {item.request.headers.length === 1 ? 'header' : 'headers'} · {bodySummary(item.request.body)}
        {item.signature && resignedBy(item, endpoints) ? ` · re-signed (${SCHEME_LABELS[item.signature.scheme]}) when sent` : ''}
        {item.acceptSelfSigned && /^https:\/\//i.test(item.request.url) ? ' · accepts its app’s self-signed certificate' : ''} · saved from {item.source.kind} · updated {formatDateTime(item.updatedAt)}
      </p>
      <RemovedEndpointNote endpoint={itemEndpoint(item)} testId="item-endpoint-removed">
        {item.signature ? ', and its secret, which re-signed the item, went with it' : ''}. Open it in the composer and send it to another URL.
      </RemovedEndpointNote>
      <StaleSignatureNote item={item} endpoints={endpoints} />
      <div className="item-actions">
        <button type="button" className="primary" data-testid="item-open" onClick={() => void workbench.openItem(collection.id, item.id)}>
          Open in composer
        </button>
        <CompareButton request={{ kind: 'item', collectionId: collection.id, itemId: item.id }} label={`“${item.name}”`} title="Compare with another request" testId="item-compare" />
        <span className="spacer" />
        <button type="button" className="danger-outline" data-testid="item-delete" onClick={() => void workbench.removeItem(collection.id, item.id)}>
          Delete
        </button>
      </div>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault()
          if (!name.trim()) return
          void workbench.updateItem(collection.id, item.id, { name: name.trim(), notes, tags: parseTags(tags) })
        }}
      >
        {changedElsewhere.length > 0 && (
          <p className="viewer-note warning" role="status" data-testid="item-changed-elsewhere">
            Its {changedElsewhere.length > 1 ? `${changedElsewhere.slice(0, -1).join(', ')} and ${changedElsewhere.at(-1)}` : changedElsewhere[0]} changed elsewhere while you were editing {changedElsewhere.length === 1 ? 'it' : 'them'}. What you typed is kept: Save changes saves it over that change.
          </p>
        )}
        <label>
          Name
          <input data-testid="item-name" value={name} maxLength={300} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          Notes
          <textarea data-testid="item-notes" rows={4} value={notes} onChange={(event) => setNotes(event.target.value)} />
        </label>
        <label>
          Tags (comma-separated)
          <input data-testid="item-tags" value={tags} onChange={(event) => setTags(event.target.value)} />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="primary" data-testid="item-save" disabled={!dirty || !name.trim()}>
            Save changes
          </button>
        </div>
      </form>
      <label className="inline-field">
        <span>Folder</span>
        <select
          data-testid="item-folder"
          value={item.folderId ?? ''}
          onChange={(event) => {
            const folderId = event.target.value || null
            const count = collection.items.filter((i) => i.folderId === folderId && i.id !== item.id).length
            void workbench.moveItem(collection.id, item.id, folderId, count)
          }}
        >
          <option value="">(top level)</option>
          {collection.folders.map((folder) => (
            <option key={folder.id} value={folder.id}>
              {folderPath(collection.folders, folder.id)}
            </option>
          ))}
        </select>
      </label>
    </section>
  )
}

function FolderPanel({ collection, folder }: { collection: CollectionTree; folder: CollectionFolder }) {
  const workbench = useWorkbench()
  const [name, setName] = useState(folder.name)
  const [sub, setSub] = useState('')
  useEffect(() => setName(folder.name), [folder.name])
  return (
    <section className="selection-panel" data-testid="folder-panel">
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault()
          if (name.trim() && name.trim() !== folder.name) void workbench.renameFolder(collection.id, folder.id, name.trim())
        }}
      >
        <label>
          Folder name
          <input data-testid="folder-name" value={name} maxLength={200} onChange={(event) => setName(event.target.value)} />
        </label>
        <div className="item-actions">
          <button type="submit" data-testid="folder-save" disabled={!name.trim() || name.trim() === folder.name}>
            Rename
          </button>
          <button type="button" data-testid="folder-run" onClick={() => openRunPanel(workbench.store.getState().setRunTarget, { collectionId: collection.id, folderId: folder.id, label: folderPath(collection.folders, folder.id) })}>
            Run folder…
          </button>
          <span className="spacer" />
          <button type="button" className="danger-outline" data-testid="folder-delete" onClick={() => void workbench.deleteFolder(collection.id, folder.id)}>
            Delete folder
          </button>
        </div>
      </form>
      <form
        className="form-row"
        onSubmit={(event) => {
          event.preventDefault()
          if (!sub.trim()) return
          void workbench.addFolder(collection.id, sub.trim(), folder.id)
          setSub('')
        }}
      >
        <input aria-label="New sub-folder" placeholder="New sub-folder" data-testid="subfolder-name" value={sub} onChange={(event) => setSub(event.target.value)} />
        <button type="submit" data-testid="subfolder-add" disabled={!sub.trim()}>
          Add
        </button>
      </form>
    </section>
  )
}
