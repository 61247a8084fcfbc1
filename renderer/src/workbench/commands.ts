// The workbench's commands: every engine call the composer, the diff, the pickers, the collections
// view and the traffic list's export make (replay.*, collections.*, captures.query and
// captures.export), and what they change in the workbench store.
// One Workbench per set of stores, created on first use. Components call these; none of them names
// an engine method itself. Never: imports Node or Electron.
import { useStore } from 'zustand'
import type { ApiClient } from '../../../shared/api'
import { HookscopeError, errorMessage } from '../../../shared/errors'
import { carriesSignature } from '../../../shared/signatures'
import { carriedSignature, resignCandidates } from './resign-offer'
import { draftOfSaved, type CollectionTree, type EntryRef, type ExportFormat, type ImportFormat, type ItemInfo, type RunState, type TrashedCollection } from '../../../shared/collections'
import { base64Encode, fromCurl, fromCurlExchanges, fromRawHttp, type Exchange } from '../../../shared/formats'
import { utf8Encode } from '../../../shared/formats/bytes'
import type { Endpoint, Replay, RequestDraft } from '../../../shared/model'
import { base64ToBytes, downloadBlob, loadWholeBody, readSlices, WHOLE_BODY_MAX_BYTES } from '../body/body-loader'
import { captureUrl } from '../export/capture-request'
import { toCaptureQuery } from '../state/capture-filter'
import { formatClock, formatCount } from '../text/format'
import type { Stores } from '../state/context'
import { useApp, useStores } from '../state/context'
import { createWorkbenchStore, initialComposer, type ImportProgress, type RequestRef, type RunTarget, type SaveSource, type WorkbenchActions, type WorkbenchState, type WorkbenchStore } from '../state/workbench-store'
import type { ComparableRequest } from '../diff/request-diff'
import { EXPORT_MAX_CAPTURES, ExportCancelled, exportedBlob, exportList, type TrafficExportFormat } from './list-export'
import { blankRequest, editableOfDraft, editableOfSpec, pastedKind, problemsOf, sameRequest, toDraft, withDefaultScheme } from './composer-draft'
import { sendTimeoutError, sendTimeoutMs, storedDraft, storeDraft, storedSendTimeout, storeSendTimeout } from './composer-storage'
import { refusedSignature } from '../text/verdict-text'

export const COMPARE_BODY_MAX_BYTES = 4 * 1024 * 1024
const DRAFT_SAVE_DELAY_MS = 300
/** A picked file larger than this goes to the engine in slices of this size, with progress. */
export const IMPORT_SLICE_BYTES = 1024 * 1024

export function messageOf(error: unknown): string {
  return errorMessage(error)
}

/** An https:// URL, for which a send can accept a self-signed certificate. */
export function isHttpsUrl(url: string): boolean {
  return /^https:\/\//i.test(url.trim())
}

/** Whether the endpoint's forward target at this URL accepts a self-signed certificate. */
export function targetAcceptsSelfSigned(endpoint: Endpoint | undefined, url: string): boolean {
  return isHttpsUrl(url) && endpoint?.forward.targets.find((t) => t.url === url)?.acceptSelfSigned === true
}

/** The forward target a capture of this endpoint goes to by default (the engine's own choice). */
export function defaultTargetUrl(endpoint: Endpoint | undefined): string | null {
  if (!endpoint) return null
  const targets = endpoint.forward.targets
  return (targets.find((t) => t.id === endpoint.forward.defaultTargetId) ?? targets[0])?.url ?? null
}

export function statusLine(replay: Replay): string {
  if (replay.response) return `${replay.response.status}${replay.response.statusText ? ` ${replay.response.statusText}` : ''}`
  return replay.error ? `${replay.error.code}: ${replay.error.message}` : 'no response'
}

/** A picked file's text (FileReader: it works wherever a File does). */
export function readFileText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.readAsText(file)
  })
}

/** A picked file's bytes. */
export function readFileBytes(file: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer))
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.readAsArrayBuffer(file)
  })
}

export function detectImportFormat(text: string, fileName = '', whole = true): ImportFormat {
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{')) {
    // The head of a large file, which is not JSON on its own: its first keys say what it is.
    if (!whole) {
      if (/^\{\s*"log"\s*:/.test(trimmed)) return 'har'
      if (/"info"\s*:/.test(trimmed) && /"(?:item|_postman_id)"\s*:/.test(trimmed)) return 'postman'
      if (/^\{\s*"schemaVersion"\s*:/.test(trimmed)) return 'hookscope'
      if (/"log"\s*:\s*\{/.test(trimmed) && /"entries"\s*:/.test(trimmed)) return 'har'
    }
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>
      if (parsed && typeof parsed === 'object') {
        if ('log' in parsed) return 'har'
        if ('info' in parsed && 'item' in parsed) return 'postman'
        // Other Postman files (a v1 collection, an environment): the Postman importer says what they are.
        if ('requests' in parsed || '_postman_variable_scope' in parsed || ('values' in parsed && !('items' in parsed))) return 'postman'
        if ('schemaVersion' in parsed || ('folders' in parsed && 'items' in parsed)) return 'hookscope'
      }
    } catch {
      // Not JSON after all: let the engine say what is wrong with it as a HAR file.
    }
    if (/\.har$/i.test(fileName)) return 'har'
    if (/postman/i.test(fileName)) return 'postman'
    return 'hookscope'
  }
  // A shell script may begin with its #! line, comments and blank lines; a raw HTTP message never begins with "#".
  if (pastedKind(trimmed.replace(/^(?:#[^\n]*\n|[ \t\r]*\n)+/, '').trimStart()) === 'curl') return 'curl'
  // Neither JSON nor commands, in a file named as a HAR or JSON file: read as its name says, so that
  // what is wrong is said of the file it claims to be, not of an HTTP message it never meant to be.
  if (/\.har$/i.test(fileName)) return 'har'
  if (/\.json$/i.test(fileName)) return /postman/i.test(fileName) ? 'postman' : 'hookscope'
  return 'raw'
}

/** The one request of a pasted cURL command, with how curl was told to send it; fromCurl's errors for none or several. */
function oneCurlExchange(text: string): Exchange {
  const exchanges = fromCurlExchanges(text)
  // None or several: fromCurl says which, in its words.
  return exchanges.length === 1 ? exchanges[0]! : { request: fromCurl(text) }
}

export class Workbench {
  readonly store: WorkbenchStore

  constructor(private readonly stores: Stores) {
    // The composer opens on the request last edited, kept in this browser's storage, if any.
    const restored = storedDraft()
    if (restored) this.resultToRestore = { id: restored.resultId }
    this.store = createWorkbenchStore({
      composer: {
        ...initialComposer(),
        timeoutSeconds: storedSendTimeout(),
        ...(restored ? { request: restored.request, baseline: restored.request, source: { kind: 'restored', bodyOmitted: restored.bodyOmitted, ...(restored.item ? { item: restored.item } : {}) }, ...restored.signing, acceptSelfSigned: restored.acceptSelfSigned } : {}),
      },
    })
    this.store.subscribe(({ composer: now }, { composer: before }) => {
      if (now.request !== before.request || now.source !== before.source || now.originId !== before.originId || now.endpointId !== before.endpointId || now.resign !== before.resign || now.renewId !== before.renewId || now.acceptSelfSigned !== before.acceptSelfSigned || now.result !== before.result) this.keepDraftSoon()
    })
    // A reload or a closing window writes what is still waiting.
    window.addEventListener('pagehide', () => this.keepDraftNow())
  }

  private draftTimer: ReturnType<typeof setTimeout> | null = null
  /** The answer the restored draft showed, to show again once its replays are listed (`id` null: a
   * draft kept before the answer was, which shows its latest replay's). */
  private resultToRestore: { id: string | null } | null = null
  /** Counts items opened in the composer: only the last one opened is shown. */
  private itemOpenings = 0

  /** Keeps the composer's request once the typing pauses (a large body costs a few ms to store). */
  private keepDraftSoon(): void {
    if (this.draftTimer !== null) clearTimeout(this.draftTimer)
    this.draftTimer = setTimeout(() => this.keepDraftNow(), DRAFT_SAVE_DELAY_MS)
  }

  private keepDraftNow(): void {
    if (this.draftTimer === null) return
    clearTimeout(this.draftTimer)
    this.draftTimer = null
    const { request, originId, endpointId, resign, renewId, result, acceptSelfSigned } = this.state.composer
    storeDraft(request, { originId, endpointId, resign, renewId }, this.itemOfDraft(), result?.id ?? null, acceptSelfSigned)
  }

  private get api(): ApiClient {
    return this.stores.api
  }

  private get state(): WorkbenchState & WorkbenchActions {
    return this.store.getState()
  }

  private toast(message: string, tone: 'info' | 'error' = 'info'): void {
    this.stores.app.getState().showToast(message, tone)
  }

  private endpoint(id: string | null): Endpoint | undefined {
    return id ? this.stores.app.getState().endpointsById[id] : undefined
  }

  private resignDefault(endpointId: string | null): boolean {
    const endpoint = this.endpoint(endpointId)
    return Boolean(endpoint?.signature.scheme && endpoint.signature.hasSecret)
  }

  // ——— composer ———

  /** The collection item whose changes the Composer holds, not saved to it (Update item saves them); null when there are none. */
  unsavedItem(): string | null {
    const { composer } = this.state
    const item = this.itemOfDraft()
    if (!item || (composer.source.kind === 'restored' && composer.source.bodyOmitted !== null) || composer.loading || !composer.baseline || sameRequest(composer.baseline, composer.request)) return null
    return item.name
  }

  /**
   * Whether the Composer's request may be replaced by another now: not while it holds an item's
   * changes not saved to it, which the user is asked about first (`open` runs once they discard them).
   */
  private mayReplaceComposer(open: () => void): boolean {
    const name = this.unsavedItem()
    if (name === null) return true
    this.stores.app.getState().setView('composer')
    this.state.setDiscardConfirm({
      name,
      open: () => {
        this.state.setComposer({ baseline: null })
        open()
      },
    })
    return false
  }

  openBlank(): void {
    if (!this.mayReplaceComposer(() => this.openBlank())) return
    this.state.loadRequest(blankRequest(), {
      source: { kind: 'blank' },
      originId: null,
      endpointId: null,
      resign: false,
      acceptSelfSigned: false,
    })
    this.stores.app.getState().setView('composer')
    void this.loadReplays()
  }

  async openCapture(captureId: string): Promise<void> {
    if (!this.mayReplaceComposer(() => void this.openCapture(captureId))) return
    this.stores.app.getState().setView('composer')
    this.state.setComposer({ loading: true, error: null })
    try {
      const capture = await this.api['captures.get']({ id: captureId })
      const endpoint = this.endpoint(capture.endpointId)
      const base = defaultTargetUrl(endpoint)
      // Sent to a forward target, it is sent as forwarding sends there: accepting that target's own certificate if it does.
      const acceptSelfSigned = base !== null && targetAcceptsSelfSigned(endpoint, base)
      const draft = await this.api['replay.draft']({ captureId, ...(base ? { baseUrl: base } : {}) })
      // At a forward target, Host names the target unless the endpoint keeps it as received: what
      // Send sends unchanged is what forwarding and a resend there send.
      // With no forward target the URL names the address of the endpoint it came to (which answers no
      // more once that endpoint is removed).
      const at = base === null ? endpointAtUrl(capture.endpointId, draft.url) : null
      this.state.loadRequest(editableOfDraft(draft, { hostFollowsUrl: base !== null && endpoint?.forward.host === 'rewrite' }), {
        source: { kind: 'capture', captureId, ...(at ? { endpoint: at } : {}) },
        originId: captureId,
        endpointId: capture.endpointId,
        // Re-signed by default only when it carries the endpoint's scheme's signature.
        resign: this.resignDefault(capture.endpointId) && endpoint?.signature.scheme != null && carriesSignature(endpoint.signature.scheme, capture.rawHeaders),
        renewId: false,
        acceptSelfSigned,
      })
      await this.loadReplays()
    } catch (error) {
      this.state.setComposer({ loading: false, error: `Could not open the request: ${messageOf(error)}` })
    }
  }

  /** The composer on a saved item, read whole (its body's exact bytes) from the engine: the tree the
   * page holds has no bodies, and the composer's request is what Send sends and Update saves. */
  async openItem(collectionId: string, itemId: string): Promise<void> {
    if (!this.mayReplaceComposer(() => void this.openItem(collectionId, itemId))) return
    const opening = ++this.itemOpenings
    this.stores.app.getState().setView('composer')
    this.state.setComposer({ loading: true, error: null })
    try {
      const item = await this.api['collections.item']({ id: collectionId, itemId })
      // Another request opened meanwhile is the one the composer shows.
      if (opening !== this.itemOpenings || !this.state.composer.loading) return
      // An item saved without re-signing that carries a signature (saved by an earlier version, or
      // imported) is re-signed by the one endpoint that can, when there is exactly one; the Composer
      // offers the others.
      // So is one whose endpoint was removed.
      const configured = item.signature && this.endpoint(item.signature.endpointId) ? item.signature : null
      const carried = configured ? null : carriedSignature(item.request.headers)
      const resigner = carried ? resignCandidates(carried.schemes, Object.values(this.stores.app.getState().endpointsById)).usable : []
      const endpointId = configured?.endpointId ?? (resigner.length === 1 ? resigner[0]!.id : null)
      const endpoint = itemEndpoint(item)
      this.state.loadRequest(editableOfDraft(draftOfSaved(item.request)), {
        source: { kind: 'item', collectionId, itemId: item.id, name: item.name, updatedAt: item.updatedAt, ...(endpoint ? { endpoint } : {}) },
        originId: item.source.kind === 'capture' ? item.source.id : null,
        endpointId,
        resign: (configured !== null || resigner.length === 1) && this.resignDefault(endpointId),
        renewId: false,
        acceptSelfSigned: item.acceptSelfSigned === true,
      })
      void this.loadReplays()
    } catch (error) {
      if (opening === this.itemOpenings) this.state.setComposer({ loading: false, error: `Could not open the request: ${messageOf(error)}` })
    }
  }

  /** The composer on a capture, its replays listed and the latest one's answer shown. */
  async showReplaysOf(captureId: string): Promise<void> {
    await this.openCapture(captureId)
    const latest = this.state.composer.originId === captureId ? this.state.replays[0] : undefined
    if (latest) this.state.setComposer({ result: latest, keptResultId: null })
  }

  async openReplay(replayId: string, options: { intoEditor?: boolean } = {}): Promise<void> {
    if (options.intoEditor !== false && !this.mayReplaceComposer(() => void this.openReplay(replayId, options))) return
    this.stores.app.getState().setView('composer')
    try {
      const replay = await this.api['replay.get']({ id: replayId })
      if (options.intoEditor !== false) {
        const { bytes: body } = await readSlices((offset) => this.api['replay.body']({ id: replayId, part: 'request', offset, length: 4 * 1024 * 1024 }), 64 * 1024 * 1024)
        const originEndpoint = replay.originId ? (await this.api['captures.get']({ id: replay.originId }).catch(() => null))?.endpointId ?? null : null
        this.state.loadRequest(editableOfDraft({ method: replay.request.method, url: replay.request.url, headers: replay.request.headers, bodyBase64: base64Encode(body) }), {
          source: { kind: 'replay', replayId },
          originId: replay.originId,
          endpointId: originEndpoint,
          resign: replay.resigned !== null,
          renewId: replay.resigned?.renewedId ?? false,
          acceptSelfSigned: replay.acceptSelfSigned === true,
        })
      }
      this.state.setComposer({ result: replay, keptResultId: null, error: null, notSent: null })
      await this.loadReplays()
    } catch (error) {
      this.state.setComposer({ error: `Could not open the replay: ${messageOf(error)}` })
    }
  }

  /** Fills the composer from a pasted cURL command or raw HTTP message; returns the error, if any. */
  openPasted(text: string): string | null {
    const later = () => {
      const problem = this.openPasted(text)
      if (problem) this.toast(problem, 'error')
    }
    if (!this.mayReplaceComposer(later)) return null
    const kind = pastedKind(text)
    try {
      // Typed text is read as UTF-8; encoded here so the bytes are of this page's own Uint8Array.
      // A command with -k (--insecure) asks to accept the server's certificate: the Composer's box says so.
      const pasted = kind === 'curl' ? oneCurlExchange(text) : { request: fromRawHttp(Uint8Array.from(utf8Encode(text))) }
      const acceptSelfSigned = pasted.acceptSelfSigned === true && /^https:\/\//i.test(pasted.request.url)
      this.state.loadRequest(editableOfSpec(pasted.request), { source: { kind: 'pasted', format: kind }, originId: null, endpointId: null, resign: false, renewId: false, acceptSelfSigned })
      this.stores.app.getState().setView('composer')
      void this.loadReplays()
      return null
    } catch (error) {
      return `${kind === 'curl' ? 'That cURL command' : 'That HTTP message'} could not be read: ${messageOf(error)}`
    }
  }

  async loadReplays(): Promise<void> {
    const originId = this.state.composer.originId
    try {
      const replays = await this.api['replay.list'](originId ? { originId } : {})
      if (this.state.composer.originId !== originId) return
      this.state.setReplays(replays.slice(0, 200))
      if (this.resultToRestore) await this.restoreResult(this.resultToRestore.id, replays)
    } catch (error) {
      this.toast(`Could not list replays: ${messageOf(error)}`, 'error')
    }
  }

  /** After a reload, the restored draft's response side shows again the answer it showed (or, when
   * that replay is no longer kept, the latest of the draft's own replays), until another is shown. */
  private async restoreResult(id: string | null, replays: Replay[]): Promise<void> {
    this.resultToRestore = null
    const before = this.state.composer
    if (before.source.kind !== 'restored' || before.result || before.sending || before.notSent) return
    let replay = id === null ? undefined : (replays.find((r) => r.id === id) ?? (await this.api['replay.get']({ id }).catch(() => undefined)))
    if (!replay && before.originId) replay = replays[0]
    const now = this.state.composer
    // Something else shown or sent meanwhile is what the response side keeps.
    if (!replay || now.source !== before.source || now.result || now.sending || now.notSent) return
    this.state.setComposer({ result: replay, keptResultId: replay.id })
  }

  async send(): Promise<Replay | null> {
    if (this.state.composer.sending) return null
    // Typed without its scheme (localhost:3000/hooks), it goes over http://, as in Postman, and the field says so.
    const schemed = withDefaultScheme(this.state.composer.request.url)
    if (schemed !== null) this.state.setRequest({ url: schemed })
    const { composer } = this.state
    const problems = problemsOf(composer.request)
    if (problems.count > 0) {
      this.state.setComposer({ error: `Fix ${problems.count === 1 ? 'the marked field' : `the ${problems.count} marked fields`} before sending.` })
      return null
    }
    const timeoutError = sendTimeoutError(composer.timeoutSeconds)
    if (timeoutError) {
      this.state.setComposer({ error: `Not sent: ${timeoutError}` })
      return null
    }
    storeSendTimeout(composer.timeoutSeconds)
    const endpoint = this.endpoint(composer.endpointId)
    const scheme = endpoint?.signature.scheme ?? null
    const sendId = `send-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
    this.sendId = sendId
    this.state.setComposer({ sending: true, error: null, notSent: null })
    try {
      const replay = await this.api['replay.send']({
        draft: toDraft(composer.request),
        originId: composer.originId,
        ...(composer.endpointId ? { endpointId: composer.endpointId } : {}),
        resign: composer.resign && scheme ? { scheme, renewId: composer.renewId } : null,
        timeoutMs: sendTimeoutMs(composer.timeoutSeconds),
        sendId,
        ...(composer.acceptSelfSigned && isHttpsUrl(composer.request.url) ? { acceptSelfSigned: true } : {}),
      })
      this.state.setComposer({ sending: false, result: replay, keptResultId: null })
      this.state.noteReplaySent()
      await this.loadReplays()
      return replay
    } catch (error) {
      // Said once, where the answer would be, in place of the answer to an earlier send.
      this.state.setComposer({ sending: false, notSent: messageOf(error) })
      return null
    } finally {
      if (this.sendId === sendId) this.sendId = null
    }
  }

  /** The composer's send in progress, so that Cancel can cut it short. */
  private sendId: string | null = null

  /** Cuts short the composer's send still waiting for its answer: it is kept as a replay, aborted. */
  async cancelSend(): Promise<void> {
    const sendId = this.sendId
    if (sendId === null) return
    try {
      await this.api['replay.cancel']({ sendId })
    } catch (error) {
      this.toast(`Could not cancel: ${messageOf(error)}`, 'error')
    }
  }

  /**
   * Sends a capture again: exactly as it was, or re-signed (a fresh timestamp, the same message id)
   * with its endpoint's scheme and secret; to its endpoint's forward target, or to `baseUrl`.
   */
  async resendAsIs(captureId: string, baseUrl?: string, options: { resign?: boolean } = {}): Promise<Replay | null> {
    let resign: { scheme: NonNullable<Endpoint['signature']['scheme']>; renewId: boolean } | null = null
    if (options.resign) {
      const endpoint = this.endpoint(this.stores.traffic.getState().byId[captureId]?.endpointId ?? null)
      const missing = resignMissing(endpoint)
      if (missing || !endpoint?.signature.scheme) {
        this.toast(`Not resent: ${missing ?? 'the endpoint checks no signature'}.`, 'error')
        return null
      }
      resign = { scheme: endpoint.signature.scheme, renewId: false }
    }
    const how = resign ? 'Resent re-signed' : 'Resent as is'
    try {
      const replay = await this.api['replay.resend']({ captureId, ...(baseUrl ? { baseUrl } : {}), ...(resign ? { resign } : {}) })
      this.state.noteReplaySent()
      // Sent and answered (an error status is the target's answer); no answer at all is a failure.
      // Either way it names where it went: the target's URL with the request's path appended.
      const where = `${replay.request.method} ${replay.request.url}`
      // A refusal the signature explains says so, and how to send one the app accepts.
      const refused = refusedSignature(replay.signature, replay.sentAt)
      const why = refused ? ` — ${refused.headline}${!resign && refused.resignFixes ? ': resend it re-signed' : ''}` : ''
      if (replay.response) this.toast(`${how} to ${where}: ${statusLine(replay)}${why}`, replay.response.status < 400 && !refused ? 'info' : 'error')
      else this.toast(`Resend to ${where} failed: ${statusLine(replay)}`, 'error')
      if (this.state.composer.originId === captureId) await this.loadReplays()
      return replay
    } catch (error) {
      const message = messageOf(error)
      if (!baseUrl && error instanceof HookscopeError && error.code === 'NO_FORWARD_TARGET') {
        this.state.setResendPrompt({ captureId, resign: resign !== null })
        return null
      }
      this.toast(`Resend failed: ${message}`, 'error')
      return null
    }
  }

  // ——— comparing ———

  async loadComparable(ref: RequestRef): Promise<ComparableRequest> {
    switch (ref.kind) {
      case 'capture': {
        const capture = await this.api['captures.get']({ id: ref.id })
        const body = capture.body.size > 0 ? (await loadWholeBody(this.api, ref.id, COMPARE_BODY_MAX_BYTES)).bytes : new Uint8Array(0)
        const endpointUrl = this.stores.app.getState().statusById[capture.endpointId]?.url ?? null
        return { label: `Captured ${capture.method} ${capture.target}`, method: capture.method, url: captureUrl(capture, endpointUrl), headers: capture.rawHeaders, body }
      }
      case 'replay': {
        const replay = await this.api['replay.get']({ id: ref.id })
        const { bytes: body } = await readSlices((offset) => this.api['replay.body']({ id: ref.id, part: 'request', offset, length: WHOLE_BODY_MAX_BYTES }), COMPARE_BODY_MAX_BYTES)
        return { label: `Replay at ${formatClock(replay.sentAt)}`, method: replay.request.method, url: replay.request.url, headers: replay.request.headers, body }
      }
      case 'item': {
        const item = await this.api['collections.item']({ id: ref.collectionId, itemId: ref.itemId })
        const collectionName = this.stores.app.getState().collections?.find((c) => c.id === ref.collectionId)?.name ?? 'Collection'
        const draft = draftOfSaved(item.request)
        return { label: `${collectionName} / ${item.name}`, method: draft.method, url: draft.url, headers: draft.headers, body: base64ToBytes(draft.bodyBase64) }
      }
      case 'draft':
        return { label: ref.label, method: ref.draft.method, url: ref.draft.url, headers: ref.draft.headers, body: base64ToBytes(ref.draft.bodyBase64) }
    }
  }

  /** Marks one side of a comparison; with one already marked, opens the comparison, or (the marked
   * request itself) unmarks it. */
  compare(ref: RequestRef, label: string): void {
    const mark = this.state.compareMark
    if (mark && sameRef(mark.ref, ref)) {
      this.unmarkCompare()
      return
    }
    if (mark) {
      this.state.setCompareMark(null)
      this.state.setDiff({ left: mark.ref, right: ref })
      return
    }
    this.state.setCompareMark({ ref, label })
    this.toast(`${label} marked for comparison: choose Compare on another request (Esc unmarks it).`)
  }

  /** Forgets the request marked for comparison; false when none was. */
  unmarkCompare(): boolean {
    const mark = this.state.compareMark
    if (!mark) return false
    this.state.setCompareMark(null)
    this.toast(`${mark.label} is no longer marked for comparison.`)
    return true
  }

  // ——— saving into collections ———

  async loadCollections(): Promise<void> {
    try {
      this.stores.app.getState().setCollections(await this.api['collections.list']({}))
    } catch (error) {
      this.toast(`Could not list collections: ${messageOf(error)}`, 'error')
    }
  }

  async saveItem(input: { source: SaveSource; collectionId: string | null; newCollectionName?: string; folderId: string | null; name?: string }): Promise<ItemInfo> {
    let collectionId = input.collectionId
    if (!collectionId) collectionId = (await this.api['collections.create']({ name: input.newCollectionName?.trim() || 'My requests' })).id
    const { source } = input
    const from = 'draft' in source ? { draft: source.draft } : source
    const signature = 'draft' in source ? (source.signature ?? null) : null
    const acceptSelfSigned = 'draft' in source && source.acceptSelfSigned === true
    const item = await this.api['collections.saveItem']({ id: collectionId, folderId: input.folderId, from, signature, ...(acceptSelfSigned ? { acceptSelfSigned } : {}), ...(input.name?.trim() ? { name: input.name.trim() } : {}) })
    await this.loadCollections()
    if (this.state.selectedCollectionId === collectionId) await this.reloadCollection()
    const name = this.stores.app.getState().collections?.find((c) => c.id === collectionId)?.name ?? 'the collection'
    this.toast(`Saved "${item.name}" to ${name}`)
    return item
  }

  /** The composer's request, as a draft to save or compare. */
  composerDraft(): RequestDraft {
    return toDraft(this.state.composer.request)
  }

  /** The composer's request to save, with the scheme and endpoint that re-sign it when the item is sent
   * (its endpoint's scheme, as a saved capture gets), so that a run or a later send re-signs it too,
   * and the self-signed certificate it accepts, so that they reach the same app. */
  composerSaveSource(): SaveSource {
    const { endpointId } = this.state.composer
    const scheme = this.endpoint(endpointId)?.signature.scheme ?? null
    return { draft: this.composerDraft(), signature: scheme && endpointId ? { scheme, endpointId } : null, ...(this.acceptsSelfSigned() ? { acceptSelfSigned: true } : {}) }
  }

  /** Whether the composer's request is sent accepting its https:// app's own certificate. */
  private acceptsSelfSigned(): boolean {
    const { composer } = this.state
    return composer.acceptSelfSigned && isHttpsUrl(composer.request.url)
  }

  /** The collection item the composer's request was opened from, also once kept across a reload:
   * "Update item" saves to it (never a restored draft whose body was too large to keep). */
  itemOfDraft(): { collectionId: string; itemId: string; name: string; updatedAt?: number } | null {
    const { source } = this.state.composer
    if (source.kind === 'item') return { collectionId: source.collectionId, itemId: source.itemId, name: source.name, ...(source.updatedAt !== undefined ? { updatedAt: source.updatedAt } : {}) }
    return source.kind === 'restored' ? (source.item ?? null) : null
  }

  /** The Composer's item, now at version `updatedAt` (saved from here): a later Update item starts from it. */
  private composerItemAt(itemId: string, updatedAt: number): void {
    const { source } = this.state.composer
    if (source.kind === 'item' && source.itemId === itemId) this.state.setComposer({ source: { ...source, updatedAt } })
    else if (source.kind === 'restored' && source.item?.itemId === itemId) this.state.setComposer({ source: { ...source, item: { ...source.item, updatedAt } } })
  }

  /**
   * Saves the Composer's request to its item. When the item was changed elsewhere since the Composer
   * opened it (another window saved it), nothing is saved and the user is asked (`itemConflict`):
   * overwrite it (`overwrite`), keep theirs, or cancel.
   */
  updateItemRequest(options: { overwrite?: boolean } = {}): Promise<void> {
    return this.inOrder(() => this.saveItemRequest(options))
  }

  /**
   * This page's saves to items, one after the other: a save made while another is on its way (Ctrl+S
   * twice, the item's panel then Update item) starts from the version the one before it left, rather
   * than being taken for a save over another window's change.
   */
  private itemWrites: Promise<unknown> = Promise.resolve()
  private inOrder<T>(work: () => Promise<T>): Promise<T> {
    const next = this.itemWrites.then(work, work)
    this.itemWrites = next.catch(() => undefined)
    return next
  }

  private async saveItemRequest(options: { overwrite?: boolean }): Promise<void> {
    const { source, request } = this.state.composer
    const item = this.itemOfDraft()
    if (!item || (source.kind === 'restored' && source.bodyOmitted !== null)) return
    this.state.setItemConflict(null)
    try {
      // How it is signed goes with it: re-signed as the Composer re-signs it, or no more once that is turned off.
      const { endpointId, resign } = this.state.composer
      const endpoint = this.endpoint(endpointId)
      const scheme = endpoint?.signature.scheme ?? null
      const signing = resign && scheme && endpointId ? { signature: { scheme, endpointId } } : !resign && scheme && endpoint?.signature.hasSecret ? { signature: null } : {}
      // So does the certificate it accepts: a run or a later send reaches the app this one reaches.
      const patch = { ...signing, acceptSelfSigned: this.acceptsSelfSigned() }
      const ifUnchanged = !options.overwrite && item.updatedAt !== undefined ? { ifUpdatedAt: item.updatedAt } : {}
      const collection = await this.api['collections.updateItem']({ id: item.collectionId, itemId: item.itemId, patch, request: toDraft(request), ...ifUnchanged })
      if (this.state.selectedCollectionId === collection.id) this.state.setCollection(collection)
      const saved = collection.items.find((i) => i.id === item.itemId)
      if (saved) this.composerItemAt(item.itemId, saved.updatedAt)
      // What it saved is the item now; edits typed meanwhile are still to save.
      if (this.itemOfDraft()?.itemId === item.itemId) this.state.setComposer({ baseline: request })
      this.toast(`Updated "${item.name}"`)
    } catch (error) {
      if (error instanceof HookscopeError && error.code === 'CONFLICT') {
        this.state.setItemConflict({ collectionId: item.collectionId, itemId: item.itemId, name: item.name })
        return
      }
      if (error instanceof HookscopeError && error.code === 'NOT_FOUND') {
        // Deleted meanwhile (or its collection was), as Postman does with a request closed under its
        // tab: the request stays as edited, no longer linked to it, and is offered a collection.
        this.state.setComposer({ source: { kind: 'blank' } })
        this.toast(`"${item.name}" is no longer in its collection (deleted, or its collection was): choose where to save the request instead.`, 'error')
        this.state.setSavePicker(this.composerSaveSource())
        return
      }
      this.toast(`Could not update the item: ${messageOf(error)}`, 'error')
    }
  }

  /** The item as it was saved elsewhere, in the Composer: its changes here are given up. */
  keepTheirs(): Promise<void> {
    const conflict = this.state.itemConflict
    this.state.setItemConflict(null)
    if (!conflict) return Promise.resolve()
    this.state.setComposer({ baseline: null })
    return this.openItem(conflict.collectionId, conflict.itemId)
  }

  // ——— collections ———

  /** Changes to collections sent from here and not answered yet (each answer brings the tree it made). */
  private changesInFlight = 0
  private readonly changesSettled = new Set<() => void>()

  /** Whether a change to a collection made here still waits for its answer. */
  get changingCollections(): boolean {
    return this.changesInFlight > 0
  }

  /** Calls `listener` once no change made here waits for its answer any more; returns its removal. */
  whenChangesSettled(listener: () => void): () => void {
    this.changesSettled.add(listener)
    return () => this.changesSettled.delete(listener)
  }

  private async guard<T>(what: string, run: () => Promise<T>): Promise<T | null> {
    this.changesInFlight++
    try {
      return await run()
    } catch (error) {
      this.toast(`${what}: ${messageOf(error)}`, 'error')
      return null
    } finally {
      // Told once the caller has shown what the answer brought (its continuation runs first).
      setTimeout(() => {
        if (--this.changesInFlight > 0) return
        for (const listener of [...this.changesSettled]) listener()
      }, 0)
    }
  }

  private show(collection: CollectionTree): CollectionTree {
    if (this.state.selectedCollectionId === collection.id) this.state.setCollection(collection)
    return collection
  }

  async reloadCollection(): Promise<void> {
    const id = this.state.selectedCollectionId
    if (!id) return
    try {
      const collection = await this.api['collections.get']({ id })
      if (this.state.selectedCollectionId === id) this.state.setCollection(collection)
    } catch (error) {
      if (this.state.selectedCollectionId === id) {
        this.state.selectCollection(null)
        this.toast(`Could not open the collection: ${messageOf(error)}`, 'error')
      }
    }
  }

  async openCollection(id: string): Promise<void> {
    this.state.selectCollection(id)
    await this.reloadCollection()
  }

  async createCollection(name: string): Promise<CollectionTree | null> {
    const created = await this.guard('Could not create the collection', () => this.api['collections.create']({ name }))
    if (created) {
      await this.loadCollections()
      this.state.selectCollection(created.id)
      this.state.setCollection(created)
    }
    return created
  }

  renameCollection(id: string, name: string) {
    return this.guard('Could not rename the collection', async () => this.show(await this.api['collections.rename']({ id, name })))
  }

  async removeCollection(id: string): Promise<void> {
    const name = this.stores.app.getState().collections?.find((c) => c.id === id)?.name ?? 'Collection'
    const done = await this.guard('Could not delete the collection', () => this.api['collections.remove']({ id }))
    if (!done) return
    if (this.state.selectedCollectionId === id) this.state.selectCollection(null)
    this.state.offerUndo({ kind: 'collection', collectionId: id, message: `Deleted the collection "${name}" (kept in Recently deleted for 30 days).` })
    await this.loadCollections()
  }

  addFolder(id: string, name: string, parentId: string | null) {
    return this.guard('Could not add the folder', async () => this.show(await this.api['collections.addFolder']({ id, name, parentId })))
  }

  renameFolder(id: string, folderId: string, name: string) {
    return this.guard('Could not rename the folder', async () => this.show(await this.api['collections.renameFolder']({ id, folderId, name })))
  }

  /** Delete a folder: at once when it is empty, after a confirmation naming what goes with it when it holds requests. */
  async deleteFolder(id: string, folderId: string): Promise<void> {
    const collection = this.state.collection
    const folder = collection?.id === id ? collection.folders.find((f) => f.id === folderId) : undefined
    if (!collection || !folder) return this.removeFolder(id, folderId)
    const inside = new Set([folderId])
    for (let grew = true; grew; ) {
      grew = false
      for (const f of collection.folders) if (f.parentId !== null && inside.has(f.parentId) && !inside.has(f.id)) grew = Boolean(inside.add(f.id))
    }
    const requests = collection.items.filter((item) => item.folderId !== null && inside.has(item.folderId)).length
    if (requests === 0) return this.removeFolder(id, folderId)
    this.state.setFolderDeletion({ collectionId: id, folderId, name: folder.name, requests, folders: inside.size - 1 })
  }

  async removeFolder(id: string, folderId: string): Promise<void> {
    const name = this.state.collection?.folders.find((f) => f.id === folderId)?.name ?? 'folder'
    const collection = await this.guard('Could not delete the folder', () => this.api['collections.removeFolder']({ id, folderId }))
    if (!collection) return
    this.show(collection)
    this.state.offerUndo({ kind: 'item', collectionId: id, message: `Deleted the folder "${name}" and what it held.` })
  }

  async removeItem(id: string, itemId: string): Promise<void> {
    const name = this.state.collection?.items.find((i) => i.id === itemId)?.name ?? 'item'
    const collection = await this.guard('Could not delete the item', () => this.api['collections.removeItem']({ id, itemId }))
    if (!collection) return
    this.show(collection)
    this.state.offerUndo({ kind: 'item', collectionId: id, message: `Deleted "${name}".` })
  }

  /** Deleted collections still in the trash, most recently deleted first (null when they could not be
   * read: the list is read again at every change of the collections, so a failure is not announced). */
  async trash(): Promise<TrashedCollection[] | null> {
    try {
      return await this.api['collections.trash']({})
    } catch {
      return null
    }
  }

  /** Bring a deleted collection back from the trash and open it. */
  async restoreCollection(id: string): Promise<CollectionTree | null> {
    const restored = await this.guard('Could not restore the collection', () => this.api['collections.restore']({ id }))
    if (!restored) return null
    if (this.state.undo?.kind === 'collection' && this.state.undo.collectionId === id) this.state.offerUndo(null)
    await this.loadCollections()
    this.state.selectCollection(restored.id)
    this.state.setCollection(restored)
    this.toast(`Restored the collection "${restored.name}"`)
    return restored
  }

  /** Delete a collection in the trash for good. */
  async purgeCollection(id: string, name: string): Promise<boolean> {
    const done = await this.guard('Could not delete the collection', () => this.api['collections.purge']({ id }))
    if (!done) return false
    if (this.state.undo?.kind === 'collection' && this.state.undo.collectionId === id) this.state.offerUndo(null)
    this.toast(`Deleted the collection "${name}" for good`)
    return true
  }

  async undo(): Promise<void> {
    const offer = this.state.undo
    if (!offer) return
    this.state.offerUndo(null)
    if (offer.kind === 'collection') {
      await this.restoreCollection(offer.collectionId)
      return
    }
    const collection = await this.guard('Could not undo', () => this.api['collections.undo']({ id: offer.collectionId }))
    if (collection) this.show(collection)
  }

  moveItem(id: string, itemId: string, folderId: string | null, index: number) {
    return this.guard('Could not move the item', async () => this.show(await this.api['collections.moveItem']({ id, itemId, folderId, index })))
  }

  moveFolder(id: string, folderId: string, parentId: string | null, index: number) {
    return this.guard('Could not move the folder', async () => this.show(await this.api['collections.moveFolder']({ id, folderId, parentId, index })))
  }

  /** Move a request or a folder to a place among all of a parent's children, requests and folders alike. */
  moveEntry(id: string, entry: EntryRef, parentId: string | null, index: number) {
    return this.guard(entry.kind === 'item' ? 'Could not move the item' : 'Could not move the folder', async () => this.show(await this.api['collections.moveEntry']({ id, entry, parentId, index })))
  }

  updateItem(id: string, itemId: string, patch: { name?: string; notes?: string; tags?: string[] }) {
    return this.inOrder(() =>
      this.guard('Could not save the item', async () => {
        const before = this.versionShown(itemId)
        return this.followOwnChange(itemId, before, this.show(await this.api['collections.updateItem']({ id, itemId, patch })))
      }),
    )
  }

  /** The version of an item the page's tree holds. */
  private versionShown(itemId: string): number | undefined {
    return this.state.collection?.items.find((i) => i.id === itemId)?.updatedAt
  }

  /**
   * A change made here to an item's name, notes or tags, which the Composer open on the same version of
   * it follows: its Update item is not taken for a save over someone else's change.
   */
  private followOwnChange(itemId: string, before: number | undefined, tree: CollectionTree): CollectionTree {
    const after = tree.items.find((i) => i.id === itemId)?.updatedAt
    if (before !== undefined && after !== undefined && this.itemOfDraft()?.itemId === itemId && this.itemOfDraft()?.updatedAt === before) this.composerItemAt(itemId, after)
    return tree
  }

  /** Edits of an item's name, notes or tags left unsaved when its panel closes: kept, unless the item is gone. */
  async keepItemEdits(id: string, itemId: string, patch: { name: string; notes: string; tags: string[] }): Promise<void> {
    try {
      const before = this.versionShown(itemId)
      this.followOwnChange(itemId, before, this.show(await this.api['collections.updateItem']({ id, itemId, patch })))
      this.toast(`Saved your changes to "${patch.name}"`)
    } catch (error) {
      // Deleted along with what was typed into it: nothing to keep them in.
      if (error instanceof HookscopeError && error.code === 'NOT_FOUND') return
      this.toast(`Could not save your changes to "${patch.name}": ${messageOf(error)}`, 'error')
    }
  }

  search(text: string) {
    return this.api['collections.search']({ text })
  }

  async run(input: { collectionId: string; folderId: string | null; baseUrl: string | null; delayMs: number; stopOnFailure: boolean; resign: boolean; resignWith?: string[]; timeoutMs?: number }): Promise<void> {
    const state = await this.guard('Could not start the run', () =>
      this.api['collections.run']({
        id: input.collectionId,
        folderId: input.folderId,
        baseUrl: input.baseUrl,
        delayMs: input.delayMs,
        stopOnFailure: input.stopOnFailure,
        resign: input.resign,
        ...(input.resignWith?.length ? { resignWith: input.resignWith } : {}),
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      }),
    )
    if (!state) return
    this.stores.app.getState().applyRun(state)
    this.state.setRunId(state.runId)
  }

  /** A new run of the requests that failed in an ended run, in their order, with its options; the panel shows it. */
  async rerunFailed(runId: string): Promise<void> {
    const state = await this.guard('Could not run the failed requests again', () => this.api['collections.rerunFailed']({ runId }))
    if (!state) return
    this.stores.app.getState().applyRun(state)
    this.state.setRunId(state.runId)
  }

  /**
   * The run panel opened on a collection or folder shows its run still in progress, or else its last
   * one, as the engine keeps them: a reload or a panel closed meanwhile loses neither its progress nor
   * its Stop. A run of something else is not shown there.
   */
  async findRun(target: RunTarget): Promise<void> {
    const ofTarget = (run: RunState | undefined) => run !== undefined && run.collectionId === target.collectionId && (run.folderId === undefined || run.folderId === target.folderId)
    const shown = this.state.runId ? this.stores.app.getState().runs[this.state.runId] : undefined
    if (ofTarget(shown)) return
    this.state.setRunId(null)
    let runs: RunState[]
    try {
      runs = await this.api['collections.runs']({ collectionId: target.collectionId })
    } catch {
      return // An engine without the list: the panel starts empty, as it did.
    }
    const found = runs.filter(ofTarget)
    const run = found.find((r) => r.state === 'running') ?? found[0]
    // Another panel opened, or a run started, meanwhile: that is what the panel shows.
    if (!run || this.state.runTarget?.collectionId !== target.collectionId || this.state.runTarget.folderId !== target.folderId || this.state.runId !== null) return
    this.stores.app.getState().applyRun(run)
    this.state.setRunId(run.runId)
  }

  async cancelRun(runId: string): Promise<void> {
    const state = await this.guard('Could not stop the run', () => this.api['collections.cancelRun']({ runId }))
    if (state) this.stores.app.getState().applyRun(state)
  }

  async exportCollection(id: string, format: ExportFormat): Promise<void> {
    // A large export comes as a file, read in slices: the page never holds it as one string.
    const file = await this.guard('Export failed', async () => {
      const exported = await this.api['collections.export']({ id, format })
      return { blob: await exportedBlob(this.api, exported), filename: exported.filename }
    })
    if (file) downloadBlob(file.blob, file.filename)
  }

  private importing: { cancel: AbortController; uploadId: string } | null = null

  /**
   * A picked file imported as a new collection. One past a slice goes to the engine in slices, so
   * that the page stays responsive and shows how far it is, then is read there with progress; Cancel
   * stops it at any point before the collection is stored.
   */
  async importPickedFile(file: Blob, chosen: ImportFormat | 'auto', fileName: string): Promise<CollectionTree | null> {
    if (file.size <= IMPORT_SLICE_BYTES) return this.importFile(await readFileBytes(file), chosen, fileName)
    if (this.importing) return null
    const cancel = new AbortController()
    const uploadId = `upl_${Date.now().toString(36)}_${Math.random().toString(36).slice(2)}`
    const importing = { cancel, uploadId }
    this.importing = importing
    const progress = (next: ImportProgress) => {
      if (!cancel.signal.aborted) this.state.setImportProgress(next)
    }
    this.state.setImportError(null)
    progress({ phase: 'sending', done: 0, total: file.size })
    const off = this.api.on('collections.importing', (event) => {
      if (event.uploadId === uploadId) progress({ phase: 'reading', done: event.done, total: event.total })
    })
    try {
      const head = new TextDecoder().decode(await readFileBytes(file.slice(0, 64 * 1024)))
      const format = chosen === 'auto' ? detectImportFormat(head, fileName, false) : chosen
      for (let offset = 0; offset < file.size; offset += IMPORT_SLICE_BYTES) {
        const bytes = await readFileBytes(file.slice(offset, offset + IMPORT_SLICE_BYTES))
        if (cancel.signal.aborted) return null
        await this.api['collections.importChunk']({ uploadId, offset, base64: base64Encode(bytes) })
        progress({ phase: 'sending', done: offset + bytes.length, total: file.size })
      }
      if (cancel.signal.aborted) return null
      progress({ phase: 'reading', done: 0, total: 0 })
      return await this.importText({ uploadId }, format, fileName, cancel.signal)
    } catch (error) {
      if (!cancel.signal.aborted) this.state.setImportError(`Could not import ${fileName || 'the file'}: ${messageOf(error)}`)
      return null
    } finally {
      off()
      if (this.importing === importing) this.importing = null
      if (!cancel.signal.aborted) this.state.setImportProgress(null)
    }
  }

  /** Stops the import under way: nothing is stored. */
  cancelImport(): void {
    const importing = this.importing
    if (!importing) return
    importing.cancel.abort()
    this.importing = null
    this.state.setImportProgress(null)
    this.toast('Import cancelled: nothing was imported')
    // What the engine already received is dropped there, and a reading under way stops before anything is stored.
    void this.api['collections.cancelImport']({ uploadId: importing.uploadId }).catch(() => undefined)
  }

  /** A picked file imported as a new collection: its format as chosen, or told from its contents ('auto'). */
  async importFile(bytes: Uint8Array, chosen: ImportFormat | 'auto', fileName: string): Promise<CollectionTree | null> {
    // Read as a browser reads a text file (UTF-8, a byte order mark dropped); a raw HTTP message goes as its exact bytes.
    const text = new TextDecoder().decode(bytes)
    const format = chosen === 'auto' ? detectImportFormat(text, fileName) : chosen
    return this.importText(format === 'raw' ? { base64: base64Encode(bytes) } : { text }, format, fileName)
  }

  async importText(file: { text: string } | { base64: string } | { uploadId: string }, format: ImportFormat, fileName: string, signal?: AbortSignal): Promise<CollectionTree | null> {
    this.state.setImportError(null)
    try {
      const name = fileName.replace(/\.(json|har|sh|txt|http)$/i, '').replace(/\.postman_collection$/i, '').trim()
      const collection = await this.api['collections.import']({ format, ...file, ...(name && format !== 'postman' && format !== 'hookscope' ? { name: name.slice(0, 200) } : {}) })
      if (signal?.aborted) return null
      await this.loadCollections()
      this.state.selectCollection(collection.id)
      this.state.setCollection(collection)
      this.toast(`Imported ${collection.items.length} ${collection.items.length === 1 ? 'request' : 'requests'} into "${collection.name}"`)
      return collection
    } catch (error) {
      if (!signal?.aborted) this.state.setImportError(`Could not import ${fileName || 'the file'}: ${messageOf(error)}`)
      return null
    }
  }

  // ——— exporting the traffic list ———

  private listExportCancel: AbortController | null = null

  /** Every request the traffic list counts (its search and filters, as the engine matches them now;
   * while paused, none newer than the list shows), downloaded as one HAR or cURL file. */
  async exportList(format: TrafficExportFormat, options: { max?: number; slice?: number } = {}): Promise<void> {
    if (this.state.listExport) return
    const traffic = this.stores.traffic.getState()
    const { limit: _limit, ...query } = toCaptureQuery(traffic.filter, Date.now(), 1)
    const cancel = new AbortController()
    this.listExportCancel = cancel
    this.state.setListExport({ format, phase: 'listing', done: 0, total: traffic.total, bytesDone: 0, bytesTotal: 0 })
    try {
      const result = await exportList(this.api, {
        query,
        format,
        ...(traffic.paused && traffic.ids[0] !== undefined ? { newestId: traffic.ids[0] } : {}),
        ...options,
        signal: cancel.signal,
        onProgress: (progress) => {
          if (!cancel.signal.aborted) this.state.setListExport(progress)
        },
      })
      if (result.exported === 0) {
        this.toast('There is nothing to export.', 'error')
        return
      }
      downloadBlob(result.blob, result.filename)
      const what = `${formatCount(result.exported)} ${result.exported === 1 ? 'request' : 'requests'}`
      const gone = result.gone > 0 ? ` (${formatCount(result.gone)} deleted while exporting)` : ''
      if (result.capped) {
        const max = options.max ?? EXPORT_MAX_CAPTURES
        this.toast(`Exported the newest ${what} of ${formatCount(result.matched)}${gone}: an export holds at most ${formatCount(max)}. Narrow the search, filters or time range to export the rest.`, 'error')
      } else {
        this.toast(`Exported ${what} as ${format === 'har' ? 'HAR' : 'cURL'}${gone}.`)
      }
    } catch (error) {
      if (error instanceof ExportCancelled) this.toast('Export cancelled: no file was saved.')
      else this.toast(`Export failed: ${messageOf(error)}`, 'error')
    } finally {
      if (this.listExportCancel === cancel) {
        this.listExportCancel = null
        this.state.setListExport(null)
      }
    }
  }

  /** Cancels the traffic list's export in progress: nothing is downloaded. */
  cancelListExport(): void {
    this.listExportCancel?.abort()
  }
}

const workbenches = new WeakMap<Stores['app'], Workbench>()

export function workbenchOf(stores: Stores): Workbench {
  let workbench = workbenches.get(stores.app)
  if (!workbench) workbenches.set(stores.app, (workbench = new Workbench(stores)))
  return workbench
}

export function useWorkbench(): Workbench {
  return workbenchOf(useStores())
}

export function useWorkbenchState<T>(selector: (state: WorkbenchState & WorkbenchActions) => T): T {
  return useStore(useWorkbench().store, selector)
}

/** Whether two references name the same request. */
export function sameRef(a: RequestRef, b: RequestRef): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

export interface CompareButton {
  pressed: boolean
  text: string
  title: string
}

/** How a request's Compare button reads: marked (pressed; a click unmarks it), offering to compare
 * with the marked request, or plain. */
export function useCompareButton(ref: RequestRef, title: string): CompareButton {
  const mark = useWorkbenchState((s) => s.compareMark)
  if (!mark) return { pressed: false, text: 'Compare', title }
  if (sameRef(mark.ref, ref)) return { pressed: true, text: 'Marked for compare', title: 'Marked for comparison: choose Compare on another request. Click again or press Esc to unmark it.' }
  return { pressed: false, text: 'Compare with marked', title: `Compare with the marked request: ${mark.label}` }
}

/** The endpoint whose address a saved item's URL names (the one its capture came to, or else the one
 * that re-signs it), with that address's origin; null when it names none. */
export function itemEndpoint(item: Pick<ItemInfo, 'source' | 'signature'> & { request: { url: string } }): { id: string; origin: string } | null {
  return endpointAtUrl(item.source.endpointId ?? item.signature?.endpointId, item.request.url)
}

/** An endpoint with the origin of a URL that names its address; null without either. */
function endpointAtUrl(id: string | null | undefined, url: string): { id: string; origin: string } | null {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+/i.exec(url)?.[0]
  return id && origin ? { id, origin } : null
}

/** Whether an endpoint was removed: false while it exists or the endpoints are not known yet; else the
 * name it had (null when that is no longer kept). */
export function useRemovedEndpoint(endpointId: string | null | undefined): { name: string | null } | false {
  const removed = useApp((s) => Boolean(endpointId) && s.ready && !s.endpointsById[endpointId!])
  const name = useApp((s) => (endpointId ? (s.removedEndpointNames[endpointId] ?? null) : null))
  return removed ? { name } : false
}

/** What an endpoint lacks to re-sign its requests (a scheme, a stored secret), or null when it can. */
export function resignMissing(endpoint: Endpoint | null | undefined): string | null {
  if (!endpoint) return 'the endpoint it came to was removed'
  if (!endpoint.signature?.scheme) return `${endpoint.name} checks no signature: choose the provider that signs its webhooks`
  if (!endpoint.signature.hasSecret) return `no signing secret is stored for ${endpoint.name}`
  return null
}
