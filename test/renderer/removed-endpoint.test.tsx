import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { TrafficList } from '../../renderer/src/components/traffic-list'
import { addCapture } from './helpers/fake-api'
import { createHarness, renderTraffic, renderWith, settle } from './helpers/render-app'

// Captures outlive their endpoint: the list says the endpoint was removed, and the endpoint filter
// can still show them.
describe('captures of a removed endpoint', () => {
  it('say "(removed)" in the endpoint cell, muted, with a title', async () => {
    const harness = createHarness()
    const kept = addCapture(harness.engine, { target: '/kept' })
    const orphan = addCapture(harness.engine, { target: '/orphan', endpointId: 'ep_gone' })
    harness.stores.sync.start()
    await settle()
    renderWith(harness, <TrafficList />)
    await settle()
    const cellOf = (id: string) => document.querySelector(`[data-testid="traffic-row"][data-capture-id="${id}"]`)!.children[6]!
    expect(cellOf(kept.id).textContent).toBe('Default')
    // Nothing said of removal: at most its name, where the page cannot measure that it fits (as here).
    expect([null, 'Default']).toContain(cellOf(kept.id).getAttribute('title'))
    const cell = cellOf(orphan.id)
    expect(cell.textContent).toBe('(removed)')
    expect(cell.classList.contains('muted')).toBe(true)
    expect(cell.getAttribute('title')).toBe('This endpoint was removed')
  })

  it('keep the name their endpoint had: in the endpoint cell, the filter and Clear history', async () => {
    const harness = createHarness()
    harness.engine.override('endpoints.removed', () => [{ id: 'ep_gone', name: 'Stripe', removedAt: 1 }])
    addCapture(harness.engine, { target: '/kept' })
    const orphan = addCapture(harness.engine, { target: '/orphan', endpointId: 'ep_gone' })
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const cell = document.querySelector(`[data-testid="traffic-row"][data-capture-id="${orphan.id}"]`)!.children[6]!
    expect(cell.textContent).toBe('Stripe (removed)')
    expect(cell.getAttribute('title')).toBe('The endpoint “Stripe” was removed')
    const select = screen.getByTestId('filter-endpoint') as HTMLSelectElement
    act(() => select.focus())
    expect(Array.from(screen.getByTestId('filter-endpoint-removed').querySelectorAll('option'), (o) => o.textContent)).toEqual(['Stripe (removed)'])
    act(() => harness.stores.traffic.getState().setFilter({ endpointId: 'ep_gone' }))
    act(() => harness.stores.app.getState().setConfirmingClear(true))
    await settle()
    expect(screen.getByTestId('clear-confirm').querySelector('p')!.textContent).toBe('Delete every captured request of the removed endpoint “Stripe”? Other endpoints’ requests are kept. This cannot be undone.')
    act(() => screen.getByText('Cancel').click())
    await settle()
    // Renamed live by the engine's event, as another window removing an endpoint would.
    act(() => harness.engine.emit('endpoints.changed', { endpoints: harness.engine.endpoints, status: harness.engine.statuses, removed: [{ id: 'ep_gone', name: 'Stripe live', removedAt: 1 }] }))
    await settle()
    expect(document.querySelector(`[data-testid="traffic-row"][data-capture-id="${orphan.id}"]`)!.children[6]!.textContent).toBe('Stripe live (removed)')
  })

  it('are offered by the endpoint filter under "Removed endpoints", and the filter shows them', async () => {
    const harness = createHarness()
    addCapture(harness.engine, { target: '/kept' })
    addCapture(harness.engine, { target: '/orphan', endpointId: 'ep_gone' })
    await renderTraffic(harness)
    const select = screen.getByTestId('filter-endpoint') as HTMLSelectElement
    act(() => select.focus())
    const group = screen.getByTestId('filter-endpoint-removed') as HTMLOptGroupElement
    expect(group.label).toBe('Removed endpoints')
    const options = Array.from(group.querySelectorAll('option'), (o) => o.value)
    expect(options).toEqual(['ep_gone'])
    fireEvent.change(select, { target: { value: 'ep_gone' } })
    await settle()
    expect(harness.stores.traffic.getState().filter.endpointId).toBe('ep_gone')
    expect(screen.getAllByTestId('row-path').map((c) => c.textContent)).toEqual(['/orphan'])
    expect(select.value).toBe('ep_gone')
  })

  it('Clear history says exactly what it deletes: the endpoint filtered to (removed or not), never narrowed by the search', async () => {
    const harness = createHarness()
    addCapture(harness.engine, { target: '/kept' })
    addCapture(harness.engine, { target: '/orphan', endpointId: 'ep_gone' })
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    const traffic = harness.stores.traffic.getState()
    const confirmText = async () => {
      act(() => harness.stores.app.getState().setConfirmingClear(true))
      await settle()
      const text = screen.getByTestId('clear-confirm').querySelector('p')!.textContent
      act(() => screen.getByText('Cancel').click())
      await settle()
      return text
    }
    expect(await confirmText()).toBe('Delete every captured request, of every endpoint? This cannot be undone.')
    act(() => traffic.setFilter({ text: 'orphan', method: 'POST' }))
    expect(await confirmText()).toBe('Delete every captured request, of every endpoint? The search and filters do not narrow this: requests they hide are deleted too. This cannot be undone.')
    act(() => traffic.setFilter({ text: '', method: null, endpointId: harness.engine.endpoints[0]!.id }))
    expect(await confirmText()).toBe('Delete every captured request of “Default”? Other endpoints’ requests are kept. This cannot be undone.')
    act(() => traffic.setFilter({ endpointId: 'ep_gone' }))
    expect(await confirmText()).toBe('Delete every captured request of the removed endpoint ep_gone? Other endpoints’ requests are kept. This cannot be undone.')
    act(() => traffic.setFilter({ statusClass: 2, range: '1h' }))
    expect(await confirmText()).toBe(
      'Delete every captured request of the removed endpoint ep_gone? Other endpoints’ requests are kept. The search and the other filters do not narrow this: requests of this endpoint they hide are deleted too. This cannot be undone.',
    )
    // And that is what it deletes.
    act(() => harness.stores.app.getState().setConfirmingClear(true))
    await settle()
    await act(async () => {
      screen.getByTestId('confirm-button').click()
    })
    await settle()
    expect([...harness.engine.calls].reverse().find((c) => c.method === 'captures.clear')?.input).toEqual({ endpointId: 'ep_gone' })
  })
})
