// Desktop notifications for new requests (off unless the user turns them on). Owns: noticing each
// capture once, showing at most one notification per interval (several requests are summed up), only
// while the window is not in front, and a click on one bringing the window forward with the request
// it names open. Never: puts captured bytes other than method and path in it.
import type { CaptureSummary } from '../../../shared/model'
import { displayText } from '../text/visible-text'

export interface NotifierOptions {
  endpointName: (id: string) => string
  minIntervalMs?: number
  now?: () => number
  isInFront?: () => boolean
  /** Shows a notification; `onClick` runs when the user clicks it. */
  show?: (title: string, body: string, onClick: () => void) => void
  /** Opens the request a clicked notification names. */
  onOpen?: (id: string) => void
}

export function notificationsPermitted(): boolean {
  return notificationPermission() === 'granted'
}

/** What this browser lets this page do: the setting is Hookscope's, for every window; the permission each browser's. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

export async function askForNotifications(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false
  if (Notification.permission === 'granted') return true
  if (Notification.permission === 'denied') return false
  return (await Notification.requestPermission()) === 'granted'
}

export class DesktopNotifier {
  private readonly seen = new Set<string>()
  private lastShown = -Infinity
  private waiting: CaptureSummary[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private enabledSince: number | null = null

  constructor(private readonly options: NotifierOptions) {}

  /** Turn notifications on or off; requests received before they were turned on are not news. */
  setEnabled(enabled: boolean): void {
    if (enabled && this.enabledSince === null) this.enabledSince = (this.options.now ?? Date.now)()
    if (!enabled) this.enabledSince = null
  }

  observe(captures: readonly CaptureSummary[]): void {
    if (this.enabledSince === null) return
    const fresh: CaptureSummary[] = []
    for (const capture of captures) {
      if (this.seen.has(capture.id) || capture.receivedAt < this.enabledSince) continue
      this.seen.add(capture.id)
      fresh.push(capture)
    }
    if (this.seen.size > 10_000) {
      const keep = [...this.seen].slice(-5_000)
      this.seen.clear()
      for (const id of keep) this.seen.add(id)
    }
    if (fresh.length === 0 || !notificationsPermitted()) return
    const inFront = this.options.isInFront ?? (() => document.visibilityState === 'visible' && document.hasFocus())
    if (inFront()) return
    this.waiting.push(...fresh)
    this.schedule()
  }

  private schedule(): void {
    if (this.timer) return
    const now = (this.options.now ?? Date.now)()
    const interval = this.options.minIntervalMs ?? 4000
    const wait = Math.max(0, this.lastShown + interval - now)
    this.timer = setTimeout(() => {
      this.timer = null
      this.flush()
    }, wait)
  }

  private flush(): void {
    const captures = this.waiting
    this.waiting = []
    if (captures.length === 0) return
    this.lastShown = (this.options.now ?? Date.now)()
    const first = captures[0]!
    const where = this.options.endpointName(first.endpointId)
    const title = captures.length === 1 ? `New request on ${where}` : `${captures.length} new requests`
    const body = `${first.method} ${displayText(first.target).slice(0, 120)}${captures.length > 1 ? ` and ${captures.length - 1} more` : ''}`
    const show =
      this.options.show ??
      ((t, b, onClick) => {
        const notification = new Notification(t, { body: b, tag: 'hookscope-traffic' })
        notification.onclick = () => {
          window.focus()
          onClick()
          notification.close()
        }
      })
    try {
      show(title, body, () => this.options.onOpen?.(first.id))
    } catch {}
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
