// Notices, toasts and the connection's state reach screen readers: each polite live region is on the
// page before its first message, so that a message added to it is announced (a region that appears
// with its content is not).
import './helpers/setup-dom'
import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { createHarness, renderWith, settle } from './helpers/render-app'

describe('notices', () => {
  it('are added to a live region that was already on the page, which stays once they are dismissed', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const region = screen.getByTestId('notices')
    expect(region.getAttribute('aria-live')).toBe('polite')
    expect(region.children).toHaveLength(0)
    act(() => harness.engine.emit('app.notice', { level: 'error', code: 'DOCUMENT_CORRUPT', message: 'settings.json was damaged; restored the backup', at: Date.now() }))
    expect(screen.getByTestId('notices')).toBe(region)
    expect(region.querySelector('[data-testid="notice"]')?.textContent).toContain('settings.json was damaged')
    act(() => screen.getByTestId('notice-dismiss').click())
    expect(screen.queryByTestId('notice')).toBeNull()
    expect(screen.getByTestId('notices')).toBe(region)
  })
})

describe('the toast', () => {
  it('is said in a status region that was already on the page, so that “Copied” and the like are announced', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const region = screen.getByTestId('toast-region')
    expect(region.getAttribute('role')).toBe('status')
    expect(region.textContent).toBe('')
    act(() => harness.stores.app.getState().showToast('Copied as cURL'))
    expect(screen.getByTestId('toast-region')).toBe(region)
    expect(region.querySelector('[data-testid="toast"]')?.textContent).toBe('Copied as cURL')
  })
})

describe('the connection banner', () => {
  it('is said in a status region that was already on the page; a refused token is an alert of its own', async () => {
    const harness = createHarness()
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const region = screen.getByTestId('connection-region')
    expect(region.getAttribute('role')).toBe('status')
    expect(region.textContent).toBe('')
    act(() => harness.stores.app.getState().setConnection({ kind: 'disconnected', retryInMs: 2000 }))
    expect(screen.getByTestId('connection-region')).toBe(region)
    expect(region.querySelector('[data-testid="connection-banner"]')?.textContent).toMatch(/lost its connection to Hookscope/)
    act(() => harness.stores.app.getState().setConnection({ kind: 'unauthorized' }))
    const banner = screen.getByTestId('connection-banner')
    expect(banner.getAttribute('role')).toBe('alert')
    expect(region.contains(banner)).toBe(false)
    expect(region.textContent).toBe('')
  })
})
