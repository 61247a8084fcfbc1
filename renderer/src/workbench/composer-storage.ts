// What the composer keeps in this browser's storage, so that it survives reloads and restarts: the
// send timeout last chosen, and the request being edited (method, URL, header rows, body; a body
// over 1 MiB is left out, and the restored draft says so) with how it is sent: the capture it came
// from (its replays stay linked to it), the endpoint whose secret re-signs it, and the re-signing
// options, so that a send after a reload is signed as it would have been before, and whether it accepts
// a self-signed certificate; and the collection
// item it was opened from, so that "Update item" still saves to it; and the replay whose answer the
// response side shows, so that it shows it again (as Postman keeps a tab's last response). Storage may refuse (private mode, quota):
// the value then holds until the page reloads. Never: calls the engine or touches the DOM.
import { z } from 'zod'
import { base64Decode, base64Encode } from '../../../shared/formats/bytes'
import { bodyBytes, newRowKey, type ComposerBody, type EditableRequest } from './composer-draft'

export const SEND_TIMEOUT_KEY = 'hookscope.composerTimeout'
export const DEFAULT_SEND_TIMEOUT_SECONDS = 30
export const MIN_SEND_TIMEOUT_SECONDS = 1
export const MAX_SEND_TIMEOUT_SECONDS = 600

/** Why a typed send timeout (in seconds) cannot be used, or null when it can. */
export function sendTimeoutError(text: string): string | null {
  const trimmed = text.trim()
  const seconds = trimmed === '' ? NaN : Number(trimmed)
  if (!Number.isFinite(seconds)) return 'The timeout is a number of seconds, from 1 to 600.'
  if (seconds < MIN_SEND_TIMEOUT_SECONDS || seconds > MAX_SEND_TIMEOUT_SECONDS) return 'The timeout is from 1 to 600 seconds (10 minutes).'
  return null
}

/** A valid typed send timeout, in milliseconds. */
export function sendTimeoutMs(text: string): number {
  return Math.round(Number(text.trim()) * 1000)
}

export function storedSendTimeout(): string {
  try {
    const stored = localStorage.getItem(SEND_TIMEOUT_KEY)
    if (stored !== null && sendTimeoutError(stored) === null) return stored
  } catch {
    // No storage: the default.
  }
  return String(DEFAULT_SEND_TIMEOUT_SECONDS)
}

export function storeSendTimeout(text: string): void {
  if (sendTimeoutError(text) !== null) return
  try {
    localStorage.setItem(SEND_TIMEOUT_KEY, text.trim())
  } catch {
    // Storage refused: the timeout holds until the page reloads.
  }
}

export const DRAFT_KEY = 'hookscope.composerDraft'
/** A body over this many bytes is not kept with the draft (browser storage holds a few MB in all). */
export const DRAFT_BODY_MAX_BYTES = 1024 * 1024

const StoredDraft = z.object({
  version: z.literal(1),
  method: z.string(),
  url: z.string(),
  headers: z.array(z.object({ name: z.string(), value: z.string(), enabled: z.boolean(), followsUrl: z.boolean().optional() })),
  body: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('text'), text: z.string() }),
    z.object({ mode: z.literal('binary'), base64: z.string(), fileName: z.string().nullable() }),
    /** Too large to keep: its size in bytes. */
    z.object({ mode: z.literal('omitted'), size: z.number() }),
  ]),
  /** How it is sent (absent in drafts kept before it was). */
  signing: z
    .object({ originId: z.string().nullable(), endpointId: z.string().nullable(), resign: z.boolean(), renewId: z.boolean() })
    .optional(),
  /** The collection item it was opened from, which "Update item" saves it to. */
  /** `updatedAt`: the item's version it was opened from (absent in drafts kept before it was). */
  item: z.object({ collectionId: z.string(), itemId: z.string(), name: z.string(), updatedAt: z.number().optional() }).nullable().optional(),
  /** The replay whose answer the response side showed (absent in drafts kept before it was). */
  resultId: z.string().nullable().optional(),
  /** Sent to an https:// URL, it accepts a self-signed certificate (absent in drafts kept before it could). */
  acceptSelfSigned: z.boolean().optional(),
})
type StoredDraft = z.infer<typeof StoredDraft>

/** How the composer's request is sent: its origin, the endpoint that re-signs it, and whether it does. */
export interface DraftSigning {
  originId: string | null
  endpointId: string | null
  resign: boolean
  renewId: boolean
}

const NO_SIGNING: DraftSigning = { originId: null, endpointId: null, resign: false, renewId: false }

/** The collection item a draft was opened from. */
export interface DraftItem {
  collectionId: string
  itemId: string
  name: string
  updatedAt?: number
}

export interface RestoredDraft {
  request: EditableRequest
  /** The size of the body that was too large to keep, or null when the body is the one edited. */
  bodyOmitted: number | null
  signing: DraftSigning
  item: DraftItem | null
  /** The replay whose answer was shown beside it, or null. */
  resultId: string | null
  acceptSelfSigned: boolean
}

function storedBody(body: ComposerBody): StoredDraft['body'] {
  const size = bodyBytes(body).length
  if (size > DRAFT_BODY_MAX_BYTES) return { mode: 'omitted', size }
  return body.mode === 'text' ? { mode: 'text', text: body.text } : { mode: 'binary', base64: base64Encode(body.bytes), fileName: body.fileName }
}

function restoredBody(body: StoredDraft['body']): ComposerBody {
  if (body.mode === 'text') return { mode: 'text', text: body.text }
  const bytes = body.mode === 'binary' ? base64Decode(body.base64) : null
  return bytes && body.mode === 'binary' ? { mode: 'binary', bytes, fileName: body.fileName } : { mode: 'text', text: '' }
}

/** Keeps the request being edited and how it is sent, so that a reload or a restart finds them again. */
export function storeDraft(request: EditableRequest, signing: DraftSigning = NO_SIGNING, item: DraftItem | null = null, resultId: string | null = null, acceptSelfSigned = false): void {
  const draft: StoredDraft = {
    version: 1,
    method: request.method,
    url: request.url,
    headers: request.headers.map(({ name, value, enabled, followsUrl }) => ({ name, value, enabled, ...(followsUrl ? { followsUrl } : {}) })),
    body: storedBody(request.body),
    signing: { originId: signing.originId, endpointId: signing.endpointId, resign: signing.resign, renewId: signing.renewId },
    item: item && { collectionId: item.collectionId, itemId: item.itemId, name: item.name, ...(item.updatedAt !== undefined ? { updatedAt: item.updatedAt } : {}) },
    resultId,
    ...(acceptSelfSigned ? { acceptSelfSigned } : {}),
  }
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(draft))
  } catch {
    // Over the storage's quota: keep the rest of the draft at least.
    try {
      if (draft.body.mode !== 'omitted') localStorage.setItem(DRAFT_KEY, JSON.stringify({ ...draft, body: { mode: 'omitted', size: bodyBytes(request.body).length } }))
    } catch {
      // Storage refused: the draft holds until the page reloads.
    }
  }
}

/** The request last edited, as kept by `storeDraft`; null when there is none (or it is unreadable). */
export function storedDraft(): RestoredDraft | null {
  let parsed: StoredDraft
  try {
    const text = localStorage.getItem(DRAFT_KEY)
    if (text === null) return null
    const result = StoredDraft.safeParse(JSON.parse(text))
    if (!result.success) return null
    parsed = result.data
  } catch {
    return null
  }
  return {
    request: {
      method: parsed.method,
      url: parsed.url,
      headers: parsed.headers.map((row) => ({ key: newRowKey(), ...row })),
      body: restoredBody(parsed.body),
    },
    bodyOmitted: parsed.body.mode === 'omitted' ? parsed.body.size : null,
    signing: parsed.signing ?? NO_SIGNING,
    item: parsed.item ?? null,
    resultId: parsed.resultId ?? null,
    acceptSelfSigned: parsed.acceptSelfSigned ?? false,
  }
}
