// What the page knows about its link to the engine, shown by the connection banner.
export type ConnectionState =
  | { kind: 'connecting' }
  /** `fellBehind`: how often, lately, the host cut this page off for leaving live updates unread (said once it keeps happening). */
  | { kind: 'open'; fellBehind?: { times: number; minutes: number } }
  /** `reason` 'too-many-pages': the host is up, but as many pages as it takes are connected. */
  | { kind: 'disconnected'; retryInMs: number; reason?: 'too-many-pages' }
  | { kind: 'unauthorized' }
  | { kind: 'no-token' }

export interface ConnectionSource {
  readonly state: ConnectionState
  onState(listener: (state: ConnectionState) => void): () => void
  /** Try again now (after a new token, or when the user asks). */
  retryNow(token?: string): void
}

export function alwaysOpen(): ConnectionSource {
  const state: ConnectionState = { kind: 'open' }
  return { state, onState: () => () => {}, retryNow: () => {} }
}
