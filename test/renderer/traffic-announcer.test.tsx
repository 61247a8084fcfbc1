import './helpers/setup-dom'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { SettingsView } from '../../renderer/src/components/settings-view'
import { TrafficAnnouncer } from '../../renderer/src/components/traffic-announcer'
import { TrafficList } from '../../renderer/src/components/traffic-list'
import type { CaptureSummary } from '../../shared/model'
import { addCapture, makeSummary } from './helpers/fake-api'
import { createHarness, renderWith, settle, type Harness } from './helpers/render-app'

const INTERVAL_MS = 1500

async function setup(options: { settings?: boolean } = {}) {
  const harness = createHarness()
  for (let i = 0; i < 3; i++) addCapture(harness.engine, { target: `/stored/${i}` })
  harness.stores.sync.start()
  renderWith(
    harness,
    <>
      {options.settings && <SettingsView />}
      <TrafficList />
      <TrafficAnnouncer intervalMs={INTERVAL_MS} />
    </>,
  )
  await settle()
  const region = screen.getByTestId('traffic-announcer')
  // Every text the region was given, in order.
  const spoken: string[] = []
  new MutationObserver(() => spoken.push(region.textContent ?? '')).observe(region, { childList: true, characterData: true, subtree: true })
  return { harness, region, spoken }
}

function live(harness: Harness, captures: CaptureSummary[]) {
  act(() => harness.engine.emit('traffic.batch', { captures, removed: [] }))
  act(() => harness.frames.frame())
}

describe('announcing new requests', () => {
  it('says nothing of the requests listed at start, names one that arrives, and sums up a flood in one message per interval', async () => {
    const { harness, region, spoken } = await setup()
    expect(region.getAttribute('aria-live')).toBe('polite')
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(3)
    expect(region.textContent).toBe('')
    live(harness, [makeSummary({ method: 'POST', target: '/webhooks/stripe' })])
    await waitFor(() => expect(region.textContent).toBe('New request: POST /webhooks/stripe'))
    // 500 requests in 10 batches, within one interval: one message for all of them.
    for (let batch = 0; batch < 10; batch++) live(harness, Array.from({ length: 50 }, (_, i) => makeSummary({ target: `/burst/${batch}/${i}` })))
    expect(spoken).toEqual(['New request: POST /webhooks/stripe'])
    await waitFor(() => expect(region.textContent).toBe('500 new requests'), { timeout: INTERVAL_MS * 4 })
    expect(spoken).toEqual(['New request: POST /webhooks/stripe', '500 new requests'])
  })

  it('does not take the rows a search lists for new requests', async () => {
    const { harness, region, spoken } = await setup()
    act(() => harness.stores.traffic.getState().setFilter({ ...harness.stores.traffic.getState().filter, text: 'stored' }))
    await settle()
    act(() => harness.stores.traffic.getState().setFilter({ ...harness.stores.traffic.getState().filter, text: '' }))
    await settle()
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(3)
    live(harness, [makeSummary({ method: 'PUT', target: '/after-search' })])
    await waitFor(() => expect(region.textContent).toBe('New request: PUT /after-search'))
    expect(spoken).toEqual(['New request: PUT /after-search'])
  })

  it('says nothing while turned off in Settings, and nothing later of what arrived meanwhile', async () => {
    const { harness, region, spoken } = await setup({ settings: true })
    const setting = screen.getByLabelText('Announce new requests to screen readers (at most once every 5 seconds)') as HTMLInputElement
    expect(setting.checked).toBe(true)
    await act(async () => {
      fireEvent.click(setting)
    })
    await settle()
    expect(harness.engine.settings.ui.announceRequests).toBe(false)
    expect(setting.checked).toBe(false)
    live(harness, [makeSummary({ method: 'POST', target: '/while-off' })])
    expect(screen.getAllByTestId('traffic-row')).toHaveLength(4)
    await act(async () => {
      fireEvent.click(setting)
    })
    await settle()
    expect(harness.engine.settings.ui.announceRequests).toBe(true)
    live(harness, [makeSummary({ method: 'PUT', target: '/back-on' })])
    await waitFor(() => expect(region.textContent).toBe('New request: PUT /back-on'))
    expect(spoken).toEqual(['New request: PUT /back-on'])
  })
})
