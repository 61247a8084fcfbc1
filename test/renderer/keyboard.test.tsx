import './helpers/setup-dom'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { SHORTCUTS } from '../../renderer/src/keyboard/shortcuts'
import { HookscopeError } from '../../shared/errors'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { installForwardFakes } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

async function setup() {
  const engine = createFakeEngine()
  installForwardFakes(engine)
  const captures = [1, 2, 3].map((n) => addCapture(engine, { target: `/order/${n}`, contentType: 'application/json' }, `{"n":${n}}`))
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  const press = async (key: string) => {
    act(() => {
      fireEvent.keyDown(document.activeElement ?? document.body, { key })
    })
    await settle(2)
  }
  return { harness, captures, press, traffic: harness.stores.traffic }
}

const selectedPath = () => document.querySelector('[data-testid="traffic-row"][aria-selected="true"] [data-testid="row-path"]')?.textContent

describe('keyboard', () => {
  it('moves with j/k and the arrows, opens with Enter, switches tabs with ] and closes with Escape', async () => {
    const { press } = await setup()
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(3)
    await press('j')
    expect(selectedPath()).toBe('/order/3')
    await press('j')
    await press('ArrowDown')
    expect(selectedPath()).toBe('/order/1')
    await press('k')
    expect(selectedPath()).toBe('/order/2')
    expect(screen.queryByTestId('detail')).toBeNull()
    await press('Enter')
    expect(screen.getByTestId('detail')).toBeTruthy()
    expect(screen.getByTestId('overview-target').textContent).toBe('/order/2')
    await press('ArrowUp')
    expect(screen.getByTestId('overview-target').textContent).toBe('/order/3')
    await press(']')
    expect(screen.getByTestId('tab-headers').getAttribute('aria-selected')).toBe('true')
    await press('[')
    expect(screen.getByTestId('tab-overview').getAttribute('aria-selected')).toBe('true')
    await press('Escape')
    expect(screen.queryByTestId('detail')).toBeNull()
    expect(selectedPath()).toBe('/order/3')
  })

  it('focuses the search with /, and typing there does not trigger shortcuts', async () => {
    const { press, traffic } = await setup()
    await press('/')
    const search = screen.getByTestId('search-input')
    expect(document.activeElement).toBe(search)
    await press('p')
    expect(traffic.getState().paused).toBe(false)
  })

  it('focuses the search with / from another view too, once it has brought the traffic back', async () => {
    const { press, harness } = await setup()
    for (const view of ['settings', 'composer', 'collections'] as const) {
      act(() => harness.stores.app.getState().setView(view))
      await settle()
      await press('/')
      expect(harness.stores.app.getState().view).toBe('traffic')
      expect(document.activeElement).toBe(screen.getByTestId('search-input'))
    }
  })

  it('leaves the list and the open request alone under the list’s keys while another view is shown', async () => {
    const { press, harness, traffic } = await setup()
    await press('j')
    await press('Enter')
    const before = { selected: traffic.getState().selectedId, opened: traffic.getState().openedId, tab: harness.stores.app.getState().detailTab }
    for (const view of ['settings', 'composer', 'collections'] as const) {
      act(() => harness.stores.app.getState().setView(view))
      await settle()
      for (const key of ['j', 'k', 'ArrowDown', 'G', 'End', 'Enter', ']', '[']) await press(key)
      expect(harness.stores.app.getState().view).toBe(view)
      expect({ selected: traffic.getState().selectedId, opened: traffic.getState().openedId, tab: harness.stores.app.getState().detailTab }).toEqual(before)
    }
  })

  it('Esc in the search clears it and gives the focus back to the list, where j/k move the selection', async () => {
    const { press, traffic } = await setup()
    await press('/')
    const search = screen.getByTestId('search-input') as HTMLInputElement
    act(() => void fireEvent.change(search, { target: { value: 'stripe' } }))
    await press('Escape')
    expect(search.value).toBe('')
    expect(traffic.getState().filter.text).toBe('')
    expect(document.activeElement).toBe(screen.getByRole('grid', { name: 'Captured requests' }))
    await press('j')
    expect(search.value).toBe('')
    expect(selectedPath()).toBe('/order/3')
    // ↓ leaves the search for the list too.
    await press('/')
    await press('ArrowDown')
    expect(document.activeElement).toBe(screen.getByRole('grid'))
    await press('j')
    expect(selectedPath()).toBe('/order/2')
  })

  it('gives the focus back to the list when a dialog a key opened from it closes', async () => {
    const { press } = await setup()
    await press('j')
    await press('R')
    expect(document.activeElement).toBe(screen.getByTestId('resend-url'))
    await press('Escape')
    expect(screen.queryByTestId('resend-prompt')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('grid'))
    await press('j')
    expect(selectedPath()).toBe('/order/2')
    await press('C')
    const sheet = await screen.findByTestId('code-sheet')
    // Keys go where the focus is: once the sheet has taken it.
    await waitFor(() => expect(sheet.contains(document.activeElement)).toBe(true))
    await press('Escape')
    expect(screen.queryByTestId('code-sheet')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('grid'))
  })

  it('keeps Tab inside a dialog, and Esc closes it wherever the focus went', async () => {
    const { press } = await setup()
    const user = userEvent.setup({ document })
    await press('j')
    await press('R')
    const prompt = screen.getByTestId('resend-prompt')
    expect(document.activeElement).toBe(screen.getByTestId('resend-url'))
    const visited: Array<Element | null> = []
    for (let i = 0; i < 8; i++) {
      await user.tab()
      visited.push(document.activeElement)
    }
    expect(visited.every((el) => el !== null && prompt.contains(el))).toBe(true)
    expect(visited).toContain(screen.getByTestId('resend-url'))
    await user.tab({ shift: true })
    expect(prompt.contains(document.activeElement)).toBe(true)
    // The focused control went away under the focus: keys still reach the dialog.
    act(() => (document.activeElement as HTMLElement).blur())
    expect(document.activeElement).toBe(document.body)
    await user.tab()
    expect(prompt.contains(document.activeElement)).toBe(true)
    act(() => (document.activeElement as HTMLElement).blur())
    await user.keyboard('{Escape}')
    await settle()
    expect(screen.queryByTestId('resend-prompt')).toBeNull()
  })

  it('pauses with p, asks before clearing with x, and lists every shortcut under ?', async () => {
    const { press, traffic } = await setup()
    await press('p')
    expect(traffic.getState().paused).toBe(true)
    expect(screen.getByTestId('pause-toggle').textContent).toBe('Resume')
    await press('p')
    expect(traffic.getState().paused).toBe(false)
    await press('x')
    expect(screen.getByTestId('clear-confirm')).toBeTruthy()
    act(() => screen.getByText('Cancel').click())
    await settle()
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(3)
    await press('?')
    const rows = screen.getAllByTestId('shortcut-row')
    expect(rows).toHaveLength(SHORTCUTS.length)
    const sheet = screen.getByTestId('help-sheet').textContent ?? ''
    for (const label of ['Copy as cURL', 'Clear history', 'Pause or resume live updates', 'Search', 'Show this help']) expect(sheet).toContain(label)
    for (const label of ['Resend as is (to its forward target)', 'Edit and send', 'Save to a collection']) expect(sheet).toContain(label)
    act(() => {
      fireEvent.keyDown(screen.getByTestId('help-sheet'), { key: 'Escape' })
    })
    await settle()
    expect(screen.queryByTestId('help-sheet')).toBeNull()
  })

  it('never leaves the focus on the page body when the detail closes, a view is left or the list empties', async () => {
    const { press, harness } = await setup()
    const grid = () => screen.getByRole('grid', { name: 'Captured requests' })
    await press('j')
    await press('Enter')
    // Esc pressed on one of the detail's tabs closes the detail, which held the focus.
    act(() => screen.getByTestId('tab-headers').focus())
    await press('Escape')
    expect(screen.queryByTestId('detail')).toBeNull()
    expect(document.activeElement).toBe(grid())
    // Its close button, pressed from the keyboard, goes the same way.
    await press('Enter')
    act(() => screen.getByTestId('detail-close').focus())
    act(() => screen.getByTestId('detail-close').click())
    await settle()
    expect(screen.queryByTestId('detail')).toBeNull()
    expect(document.activeElement).toBe(grid())
    // Edit and send opens the composer, which takes the focus; Esc comes back to the list.
    await press('e')
    await screen.findByTestId('composer-url')
    expect(document.activeElement).toBe(screen.getByTestId('composer-view'))
    await press('Escape')
    expect(screen.queryByTestId('composer-view')).toBeNull()
    expect(document.activeElement).toBe(grid())
    // Clearing every request replaces the list by its empty state: the traffic column keeps the focus.
    await press('x')
    act(() => screen.getByTestId('confirm-button').click())
    await settle()
    expect(harness.stores.traffic.getState().ids).toHaveLength(0)
    expect(screen.queryByRole('grid')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('main', { name: 'Traffic' }))
  })

  it('moves between the detail’s tabs with the arrows, Home and End, as one Tab stop naming its panel', async () => {
    const { press } = await setup()
    await press('j')
    await press('Enter')
    const tablist = screen.getByRole('tablist', { name: 'Request detail' })
    const tabs = screen.getAllByRole('tab')
    expect(tabs.filter((tab) => tab.tabIndex === 0)).toEqual([screen.getByTestId('tab-overview')])
    const panel = screen.getByRole('tabpanel')
    expect(panel.getAttribute('aria-labelledby')).toBe(screen.getByTestId('tab-overview').id)
    for (const tab of tabs) expect(tab.getAttribute('aria-controls')).toBe(panel.id)
    act(() => screen.getByTestId('tab-overview').focus())
    await press('ArrowRight')
    expect(screen.getByTestId('tab-headers').getAttribute('aria-selected')).toBe('true')
    expect(document.activeElement).toBe(screen.getByTestId('tab-headers'))
    expect(screen.getByTestId('tab-headers').tabIndex).toBe(0)
    expect(screen.getByTestId('tab-overview').tabIndex).toBe(-1)
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(screen.getByTestId('tab-headers').id)
    // End and Home go to the last and first tab, and leave the list's selection where it was.
    await press('End')
    expect(document.activeElement).toBe(screen.getByTestId('tab-timings'))
    expect(selectedPath()).toBe('/order/3')
    await press('ArrowRight')
    expect(document.activeElement).toBe(screen.getByTestId('tab-overview'))
    await press('ArrowLeft')
    expect(document.activeElement).toBe(screen.getByTestId('tab-timings'))
    await press('Home')
    expect(screen.getByTestId('tab-overview').getAttribute('aria-selected')).toBe('true')
    expect(tablist.contains(document.activeElement)).toBe(true)
    expect(selectedPath()).toBe('/order/3')
  })

  it('lists under ? the keys that act where the focus is: the Composer’s send, the tabs, collections and dialogs', async () => {
    const { press } = await setup()
    await press('?')
    const rows = screen.getAllByTestId('focus-shortcut-row').map((row) => row.textContent ?? '')
    // Longer than the dialog: the list takes the focus, so that the arrow keys scroll it.
    expect(document.activeElement).toBe(screen.getByRole('region', { name: 'Shortcuts' }))
    // The header's ? button is named for what it opens, not read as a question mark.
    expect(screen.getByRole('button', { name: 'Keyboard shortcuts' })).toBe(screen.getByTestId('open-help'))
    expect(rows.find((row) => row.includes('Ctrl+Enter'))).toContain('Composer: Send the request')
    expect(rows.find((row) => row.includes('Detail tabs'))).toMatch(/←.*→.*Home.*End/)
    expect(rows.some((row) => row.startsWith('Alt+↑') && row.includes('Collections'))).toBe(true)
    // Every key the collections' tree takes: Home/End and PageUp/PageDown move through it, ←/→ fold,
    // unfold and move between a folder and its entries.
    const tree = rows.filter((row) => row.includes('Collections:'))
    for (const key of ['Home', 'End', 'PageUp', 'PageDown', '←', '→']) expect(tree.some((row) => row.split('Collections:')[0]!.split(' ').includes(key))).toBe(true)
    expect(rows.some((row) => row.includes('Dialogs') && row.includes('Esc'))).toBe(true)
    // The search box hands the keys to the list with ↓, and the Forwarding tab's attempts are one
    // Tab stop whose rows ↑ ↓ Home End move between.
    expect(rows.find((row) => row.includes('Search:'))).toMatch(/^↓/)
    expect(rows.find((row) => row.includes('Forwarding tab:'))).toMatch(/↑.*↓.*Home.*End/)
  })

  it('says why a theme switched with t or the header button was not saved, in the message alone', async () => {
    const { harness, press } = await setup()
    const refusal = 'This was not saved: the disk is full (ENOSPC: no space left on device, write).'
    harness.engine.override('settings.update', () => {
      throw new HookscopeError('STORE_WRITE_FAILED', refusal)
    })
    await press('t')
    expect(screen.getByTestId('toast').textContent).toContain(refusal)
    expect(screen.getByTestId('toast').textContent).not.toContain('HookscopeError')
    act(() => harness.stores.app.getState().clearToast(harness.stores.app.getState().toast!.key))
    expect(screen.queryByTestId('toast')).toBeNull()
    act(() => void fireEvent.click(screen.getByTestId('theme-toggle')))
    await settle()
    expect(screen.getByTestId('toast').textContent).toContain(refusal)
  })

  it('takes every press of t (or of the theme button) into account, also those made before the engine saved the one before', async () => {
    const { harness, press } = await setup()
    const held: Array<() => void> = []
    harness.engine.override('settings.update', (_input, fixture) => new Promise((resolve) => held.push(() => resolve(fixture()))))
    const label = () => screen.getByTestId('theme-toggle').textContent
    expect(label()).toBe('Theme: system')
    // system → light → dark → system, each press made while the ones before still wait for the engine.
    await press('t')
    await press('t')
    act(() => void fireEvent.click(screen.getByTestId('theme-toggle')))
    await press('t')
    expect(harness.engine.calls.filter((c) => c.method === 'settings.update').map((c) => (c.input as { ui: { theme: string } }).ui.theme)).toEqual(['light', 'dark', 'system', 'light'])
    while (held.length > 0) {
      await act(async () => held.shift()!())
      await settle()
    }
    expect(harness.stores.app.getState().settings?.ui.theme).toBe('light')
    expect(label()).toBe('Theme: light')
  })

  it('marks the view shown in the view switcher as the current page, not as a pressed button', async () => {
    await setup()
    const current = () =>
      ['view-traffic', 'view-composer', 'view-collections', 'open-settings'].filter((id) => screen.getByTestId(id).getAttribute('aria-current') === 'page')
    expect(screen.getByRole('navigation', { name: 'Views' })).toBeTruthy()
    expect(current()).toEqual(['view-traffic'])
    for (const id of ['view-traffic', 'view-composer', 'view-collections', 'open-settings']) expect(screen.getByTestId(id).hasAttribute('aria-pressed')).toBe(false)
    act(() => void fireEvent.click(screen.getByTestId('view-collections')))
    await settle()
    expect(current()).toEqual(['view-collections'])
    act(() => void fireEvent.click(screen.getByTestId('open-settings')))
    await settle()
    expect(current()).toEqual(['open-settings'])
  })

  it('keeps the view open when its own button is pressed again, Settings included', async () => {
    const { harness } = await setup()
    const views = { 'view-traffic': 'traffic', 'view-composer': 'composer', 'view-collections': 'collections', 'open-settings': 'settings' } as const
    for (const [testId, view] of Object.entries(views)) {
      for (let press = 0; press < 2; press++) {
        act(() => void fireEvent.click(screen.getByTestId(testId)))
        await settle()
        expect(harness.stores.app.getState().view, `${testId}, press ${press + 1}`).toBe(view)
        expect(screen.getByTestId(testId).getAttribute('aria-current')).toBe('page')
      }
    }
    act(() => void fireEvent.click(screen.getByTestId('open-settings')))
    await settle()
    expect(screen.getByTestId('settings-view')).toBeTruthy()
  })
})
