// Whether this browser shows the desktop notifications the settings turned on: the setting is kept by
// Hookscope for every window, the permission by each browser, so one can be on while the other
// blocks every notification (another browser, or a permission taken back in the site's settings).
import { useEffect, useState } from 'react'
import { askForNotifications, notificationPermission } from '../state/desktop-notifier'

export function NotificationPermissionNote({ enabled, id }: { enabled: boolean; id: string }) {
  const [permission, setPermission] = useState(notificationPermission)
  useEffect(() => {
    // Changed in the browser's site settings while the page is open: said at once where the browser
    // tells, and when the window comes back to the front elsewhere.
    const update = () => setPermission(notificationPermission())
    let status: PermissionStatus | null = null
    let live = true
    navigator.permissions?.query({ name: 'notifications' }).then(
      (found) => {
        if (!live) return
        status = found
        found.addEventListener('change', update)
      },
      () => {},
    )
    window.addEventListener('focus', update)
    return () => {
      live = false
      status?.removeEventListener('change', update)
      window.removeEventListener('focus', update)
    }
  }, [])
  if (!enabled || permission === 'granted') return null
  return (
    <p className="setting-note notification-permission" id={id} data-testid="settings-notifications-permission" data-permission={permission}>
      {permission === 'denied' && 'This browser blocks notifications from this page, so none are shown here: allow them in its settings for this site.'}
      {permission === 'unsupported' && 'This browser cannot show desktop notifications, so none are shown here.'}
      {permission === 'default' && (
        <>
          This browser has not been asked to show them yet, so none are shown here.{' '}
          <button type="button" className="small" data-testid="settings-notifications-allow" onClick={() => void askForNotifications().then(() => setPermission(notificationPermission()))}>
            Allow notifications
          </button>
        </>
      )}
    </p>
  )
}
