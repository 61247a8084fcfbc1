// What the run panel keeps in this browser's storage for each collection and folder, as Postman's
// runner keeps its settings: where the requests go (once chosen), the base URL typed, the delay, the
// timeout, stop on failure, re-signing, and the endpoint chosen to re-sign each kind of signature nothing re-signs.
// Closed, reopened or after a reload, the panel offers the run it was set up for. Storage may refuse
// (private mode, quota): the options then last as long as the panel. Never: calls the engine or
// touches the DOM.
import { z } from 'zod'

export const RUN_OPTIONS_KEY = 'hookscope.runOptions'
/** The collections and folders whose options are kept (the most recently changed). */
export const MAX_KEPT_RUN_OPTIONS = 100

export const RunOptions = z.object({
  /** The "Send to" choice once made (null: it follows what the requests point at). */
  choice: z.string().nullable(),
  custom: z.string(),
  delay: z.string(),
  /** How long each request waits for its answer, in seconds, as typed. */
  timeout: z.string().default('30'),
  stopOnFailure: z.boolean(),
  resign: z.boolean(),
  /** The endpoint chosen to re-sign each group of requests nothing re-signs, by the group's schemes. */
  resignChoice: z.record(z.string(), z.string()),
})
export type RunOptions = z.infer<typeof RunOptions>

export const DEFAULT_RUN_OPTIONS: RunOptions = { choice: null, custom: '', delay: '0', timeout: '30', stopOnFailure: false, resign: true, resignChoice: {} }

const Stored = z.object({ version: z.literal(1), options: z.array(z.object({ key: z.string(), options: RunOptions })) })

export function runOptionsKey(target: { collectionId: string; folderId: string | null }): string {
  return `${target.collectionId}/${target.folderId ?? ''}`
}

function readAll(): Array<{ key: string; options: RunOptions }> {
  try {
    const text = localStorage.getItem(RUN_OPTIONS_KEY)
    if (text === null) return []
    const parsed = Stored.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data.options : []
  } catch {
    return []
  }
}

export function storedRunOptions(target: { collectionId: string; folderId: string | null }): RunOptions {
  const key = runOptionsKey(target)
  return readAll().find((entry) => entry.key === key)?.options ?? DEFAULT_RUN_OPTIONS
}

export function storeRunOptions(target: { collectionId: string; folderId: string | null }, options: RunOptions): void {
  const key = runOptionsKey(target)
  const kept = [...readAll().filter((entry) => entry.key !== key), { key, options }].slice(-MAX_KEPT_RUN_OPTIONS)
  try {
    localStorage.setItem(RUN_OPTIONS_KEY, JSON.stringify({ version: 1, options: kept }))
  } catch {
    // Storage refused: the options last as long as the panel.
  }
}
