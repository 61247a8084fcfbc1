// State of the workbench: the composer (the request being edited, where it came from, what came
// back), replays of its origin, the comparison being shown, the open collection and its selection,
// the pickers and prompts, the undo offer after a deletion, the request marked for comparison, and
// how far the traffic list's export is. Never: calls the engine (the commands in
// workbench/commands.ts do) or touches the DOM.
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { CollectionItem, CollectionTree } from '../../../shared/collections'
import type { Replay, RequestDraft } from '../../../shared/model'
import { blankRequest, followUrl, type ComposerBody, type EditableRequest, type HeaderRow } from '../workbench/composer-draft'
import type { ExportProgress } from '../workbench/list-export'

export type ComposerSource =
  | { kind: 'blank' }
  /** `endpoint`: the endpoint whose address the URL names (`origin`), when known: the one the capture came to, sent to its own address. */
  | { kind: 'capture'; captureId: string; endpoint?: { id: string; origin: string } }
  /** `endpoint`: the endpoint whose address the item's URL names (`origin`), when known. */
  /** `updatedAt`: the item's version as opened (or last saved from here): Update item is refused when it changed since. */
  | { kind: 'item'; collectionId: string; itemId: string; name: string; updatedAt?: number; endpoint?: { id: string; origin: string } }
  | { kind: 'replay'; replayId: string }
  | { kind: 'pasted'; format: 'curl' | 'raw' }
  /** The draft kept from the last session; `bodyOmitted`: the size of a body too large to keep; `item`: the collection item it was opened from. */
  | { kind: 'restored'; bodyOmitted: number | null; item?: { collectionId: string; itemId: string; name: string; updatedAt?: number } }

/** A request that can be compared with another. */
export type RequestRef =
  | { kind: 'capture'; id: string }
  | { kind: 'replay'; id: string }
  | { kind: 'item'; collectionId: string; itemId: string }
  | { kind: 'draft'; draft: RequestDraft; label: string }

/** What "save to collection" saves; a draft with the scheme and endpoint that re-sign it, if any, and
 * whether its https:// app's own certificate is accepted. */
export type SaveSource = { captureId: string } | { replayId: string } | { draft: RequestDraft; signature?: ItemSignature | null; acceptSelfSigned?: boolean }

export type ItemSignature = NonNullable<CollectionItem['signature']>

/** Sending: bytes of the file sent, of its size. Reading: requests the engine has read, of how many (0 while it parses). */
export interface ImportProgress {
  phase: 'sending' | 'reading'
  done: number
  total: number
}

export interface ComposerState {
  source: ComposerSource
  /** The capture the request came from: replays are linked to it. */
  originId: string | null
  /** Whose forward targets are offered and whose secret re-signs. */
  endpointId: string | null
  request: EditableRequest
  /** Bumped when the request is replaced as a whole (the body editor then takes the new text). */
  revision: number
  /** The request as opened or last saved to its collection item: edits since are what Update item would save. */
  baseline: EditableRequest | null
  formView: 'table' | 'text'
  resign: boolean
  renewId: boolean
  /** Sent to an https:// URL, accept a certificate no trusted authority vouches for (a local app's own). */
  acceptSelfSigned: boolean
  /** How long a send waits for the answer, in seconds, as typed (checked before sending). */
  timeoutSeconds: string
  sending: boolean
  loading: boolean
  /** The replay shown on the response side: the last one sent, or one opened from a list. */
  result: Replay | null
  /** The replay shown again after a reload (the one shown before it, or the draft's latest), until another is shown. */
  keptResultId: string | null
  error: string | null
  /** Why the last send was not made (the engine refused it): shown on the response side, in place of an answer. */
  notSent: string | null
}

export type TreeNode = { kind: 'item' | 'folder'; id: string }

export interface UndoOffer {
  key: number
  message: string
  kind: 'item' | 'collection'
  collectionId: string
}

/** A folder whose deletion waits for the user's yes: it holds requests. */
export interface FolderDeletion {
  collectionId: string
  folderId: string
  name: string
  /** The requests it holds, in it and in its sub-folders. */
  requests: number
  folders: number
}

export interface RunTarget {
  collectionId: string
  folderId: string | null
  label: string
}

export interface WorkbenchState {
  composer: ComposerState
  replays: Replay[]
  /** Bumped by every replay sent from this window, so that views counting replays read them again. */
  replaysSent: number
  compareMark: { ref: RequestRef; label: string } | null
  diff: { left: RequestRef; right: RequestRef } | null
  savePicker: SaveSource | null
  resendPrompt: { captureId: string; resign?: boolean } | null
  pasteOpen: boolean
  selectedCollectionId: string | null
  /** The open collection's tree: its items without their bodies' bytes (`collections.item` brings one whole). */
  collection: CollectionTree | null
  selectedNode: TreeNode | null
  collectionSearch: string
  undo: UndoOffer | null
  folderDeletion: FolderDeletion | null
  runTarget: RunTarget | null
  runId: string | null
  /** Another request to open in the Composer, waiting for the user's yes: it holds an item's changes not saved to it. */
  discardConfirm: { name: string; open: () => void } | null
  /** The item "Update item" would save to, changed elsewhere since the Composer opened it: overwrite, keep theirs, or cancel. */
  itemConflict: { collectionId: string; itemId: string; name: string } | null
  importError: string | null
  /** A large file's import under way: its bytes being sent, then its requests being read by the engine. */
  importProgress: ImportProgress | null
  /** The traffic list's export in progress. */
  listExport: ExportProgress | null
}

export interface WorkbenchActions {
  setComposer(patch: Partial<ComposerState>): void
  loadRequest(request: EditableRequest, patch: Partial<ComposerState>): void
  setRequest(patch: Partial<EditableRequest>): void
  setBody(body: ComposerBody, replaceEditor?: boolean): void
  updateHeader(key: number, patch: Partial<Omit<HeaderRow, 'key'>>): void
  addHeader(row: HeaderRow): void
  removeHeader(key: number): void
  moveHeader(key: number, delta: number): void
  setReplays(replays: Replay[]): void
  noteReplaySent(): void
  setCompareMark(mark: WorkbenchState['compareMark']): void
  setDiff(diff: WorkbenchState['diff']): void
  setSavePicker(source: SaveSource | null): void
  setResendPrompt(prompt: WorkbenchState['resendPrompt']): void
  setPasteOpen(open: boolean): void
  setCollection(collection: CollectionTree | null): void
  selectCollection(id: string | null): void
  selectNode(node: TreeNode | null): void
  setCollectionSearch(text: string): void
  offerUndo(offer: Omit<UndoOffer, 'key'> | null): void
  setFolderDeletion(deletion: FolderDeletion | null): void
  setRunTarget(target: RunTarget | null): void
  setRunId(runId: string | null): void
  setDiscardConfirm(confirm: WorkbenchState['discardConfirm']): void
  setItemConflict(conflict: WorkbenchState['itemConflict']): void
  setImportError(message: string | null): void
  setImportProgress(progress: ImportProgress | null): void
  setListExport(progress: ExportProgress | null): void
}

export type WorkbenchStore = StoreApi<WorkbenchState & WorkbenchActions>

export function initialComposer(): ComposerState {
  return {
    source: { kind: 'blank' },
    originId: null,
    endpointId: null,
    request: blankRequest(),
    revision: 0,
    baseline: null,
    formView: 'table',
    resign: false,
    renewId: false,
    acceptSelfSigned: false,
    timeoutSeconds: '30',
    sending: false,
    loading: false,
    result: null,
    keptResultId: null,
    error: null,
    notSent: null,
  }
}

export function createWorkbenchStore(initial: Partial<WorkbenchState> = {}): WorkbenchStore {
  let undoKeys = 0
  return createStore<WorkbenchState & WorkbenchActions>()((set, get) => {
    const composer = (patch: Partial<ComposerState>) => set({ composer: { ...get().composer, ...patch } })
    const request = (patch: Partial<EditableRequest>) => {
      const next = { ...get().composer.request, ...patch }
      // Host rows the user has not edited follow the URL.
      if (patch.url !== undefined) next.headers = followUrl(next.headers, next.url)
      composer({ request: next })
    }
    return {
      composer: initialComposer(),
      replays: [],
      replaysSent: 0,
      compareMark: null,
      diff: null,
      savePicker: null,
      resendPrompt: null,
      pasteOpen: false,
      selectedCollectionId: null,
      collection: null,
      selectedNode: null,
      collectionSearch: '',
      undo: null,
      folderDeletion: null,
      runTarget: null,
      runId: null,
      discardConfirm: null,
      itemConflict: null,
      importError: null,
      importProgress: null,
      listExport: null,
      ...initial,

      setComposer: composer,
      loadRequest(next, patch) {
        composer({ result: null, keptResultId: null, error: null, notSent: null, sending: false, loading: false, ...patch, request: next, baseline: next, revision: get().composer.revision + 1 })
      },
      setRequest: request,
      setBody(body, replaceEditor = false) {
        const c = get().composer
        set({ composer: { ...c, request: { ...c.request, body }, revision: replaceEditor ? c.revision + 1 : c.revision } })
      },
      updateHeader(key, patch) {
        // An edited name or value is the user's own: it no longer follows the URL.
        const edited = 'name' in patch || 'value' in patch
        request({ headers: get().composer.request.headers.map((row) => (row.key === key ? { ...row, ...patch, ...(edited ? { followsUrl: false } : {}) } : row)) })
      },
      addHeader(row) {
        request({ headers: [...get().composer.request.headers, row] })
      },
      removeHeader(key) {
        request({ headers: get().composer.request.headers.filter((row) => row.key !== key) })
      },
      moveHeader(key, delta) {
        const headers = [...get().composer.request.headers]
        const at = headers.findIndex((row) => row.key === key)
        const to = Math.max(0, Math.min(headers.length - 1, at + delta))
        if (at < 0 || to === at) return
        const [row] = headers.splice(at, 1)
        headers.splice(to, 0, row!)
        request({ headers })
      },
      setReplays: (replays) => set({ replays }),
      noteReplaySent: () => set({ replaysSent: get().replaysSent + 1 }),
      setCompareMark: (compareMark) => set({ compareMark }),
      setDiff: (diff) => set({ diff }),
      setSavePicker: (savePicker) => set({ savePicker }),
      setResendPrompt: (resendPrompt) => set({ resendPrompt }),
      setPasteOpen: (pasteOpen) => set({ pasteOpen }),
      setCollection(collection) {
        const s = get()
        const node = s.selectedNode
        const stillThere =
          node && collection && (node.kind === 'item' ? collection.items.some((i) => i.id === node.id) : collection.folders.some((f) => f.id === node.id))
        set({ collection, selectedNode: stillThere ? node : null })
      },
      selectCollection(id) {
        if (get().selectedCollectionId === id) return
        set({ selectedCollectionId: id, collection: null, selectedNode: null })
      },
      selectNode: (selectedNode) => set({ selectedNode }),
      setCollectionSearch: (collectionSearch) => set({ collectionSearch }),
      offerUndo: (offer) => set({ undo: offer ? { ...offer, key: ++undoKeys } : null }),
      setFolderDeletion: (folderDeletion) => set({ folderDeletion }),
      setRunTarget: (runTarget) => set({ runTarget }),
      setRunId: (runId) => set({ runId }),
      setDiscardConfirm: (discardConfirm) => set({ discardConfirm }),
      setItemConflict: (itemConflict) => set({ itemConflict }),
      setImportError: (importError) => set({ importError }),
      setImportProgress: (importProgress) => set({ importProgress }),
      setListExport: (listExport) => set({ listExport }),
    }
  })
}
