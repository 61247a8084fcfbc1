// Engine notices (store errors, restored files) until dismissed, and the short-lived toast.
import { useEffect } from 'react'
import { useApp, useStores } from '../state/context'
import { formatClock } from '../text/format'

export function Notices() {
  const { app } = useStores()
  const notices = useApp((s) => s.notices)
  // Always on the page, empty too: a live region that appears with its first notice is not announced.
  return (
    <div className="notices" aria-live="polite" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.key} className={`notice ${notice.level}`} data-testid="notice" data-code={notice.code}>
          <span className="notice-time muted">{formatClock(notice.at)}</span>
          <span className="notice-message">{notice.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" data-testid="notice-dismiss" onClick={() => app.getState().dismissNotice(notice.key)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}

export function Toast() {
  const { app } = useStores()
  const toast = useApp((s) => s.toast)
  useEffect(() => {
    if (!toast) return
    const timer = setTimeout(() => app.getState().clearToast(toast.key), toast.tone === 'error' ? 6000 : 2500)
    return () => clearTimeout(timer)
  }, [toast, app])
  // The status region stays on the page between toasts: one that appears with its message is not announced.
  return (
    <div role="status" data-testid="toast-region">
      {toast && (
        <div className={`toast ${toast.tone}`} data-testid="toast">
          {toast.message}
        </div>
      )}
    </div>
  )
}
