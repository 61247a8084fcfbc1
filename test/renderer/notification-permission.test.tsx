import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SettingsView } from '../../renderer/src/components/settings-view'
import { createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

/** The browser's Notification, as far as the page asks it: its permission, and the answer to asking. */
function browserNotifications(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const fake = {
    permission,
    requestPermission: vi.fn(async () => {
      fake.permission = answer
      return answer
    }),
  }
  vi.stubGlobal('Notification', fake)
  return fake
}

async function openSettings(notifications: boolean) {
  const engine = createFakeEngine()
  engine.settings.ui.notifications = notifications
  const harness = createHarness(engine)
  harness.stores.app.getState().setSettings(engine.settings)
  renderWith(harness, <SettingsView />)
  await settle()
}

afterEach(() => void vi.unstubAllGlobals())

describe('desktop notifications turned on in a browser that does not show them', () => {
  it('says that this browser blocks them, beside the setting that is on', async () => {
    browserNotifications('denied')
    await openSettings(true)
    const note = screen.getByTestId('settings-notifications-permission')
    expect(note.textContent).toContain('This browser blocks notifications from this page, so none are shown here')
    expect(screen.getByTestId('settings-notifications').getAttribute('aria-describedby')).toBe(note.id)
  })

  it('offers to ask this browser when it was never asked, and says nothing once it allows them', async () => {
    const fake = browserNotifications('default', 'granted')
    await openSettings(true)
    expect(screen.getByTestId('settings-notifications-permission').textContent).toContain('has not been asked to show them yet')
    act(() => void fireEvent.click(screen.getByTestId('settings-notifications-allow')))
    await settle()
    expect(fake.requestPermission).toHaveBeenCalledTimes(1)
    expect(screen.queryByTestId('settings-notifications-permission')).toBeNull()
  })

  it('says nothing while they are off, or allowed', async () => {
    browserNotifications('denied')
    await openSettings(false)
    expect(screen.queryByTestId('settings-notifications-permission')).toBeNull()
    browserNotifications('granted')
    await openSettings(true)
    expect(screen.queryByTestId('settings-notifications-permission')).toBeNull()
  })
})
