// What the composer keeps in this browser's storage, so that it survives reloads and restarts: the
// send timeout last chosen. Storage may refuse (private mode, quota): the value then holds until the
// page reloads. Never: calls the engine or touches the DOM.

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
