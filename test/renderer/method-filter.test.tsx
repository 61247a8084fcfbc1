import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { addCapture } from './helpers/fake-api'
import { createHarness, renderTraffic, settle } from './helpers/render-app'

async function showTraffic() {
  const harness = createHarness()
  addCapture(harness.engine, { target: '/post', method: 'POST' })
  addCapture(harness.engine, { target: '/dav', method: 'PROPFIND' })
  addCapture(harness.engine, { target: '/query', method: 'QUERY' })
  addCapture(harness.engine, { target: '/report', method: 'REPORT' })
  await renderTraffic(harness)
  return harness
}

const paths = () => screen.getAllByTestId('row-path').map((cell) => cell.textContent)

describe('the method filter', () => {
  it('offers every method seen in the history, beyond the common ones, and filters by it', async () => {
    const harness = await showTraffic()
    const select = screen.getByTestId('filter-method') as HTMLSelectElement
    act(() => select.focus())
    const seen = screen.getByTestId('filter-method-seen') as HTMLOptGroupElement
    expect(seen.label).toBe('Seen in history')
    expect(Array.from(seen.querySelectorAll('option'), (o) => o.value)).toEqual(['PROPFIND', 'QUERY', 'REPORT'])
    fireEvent.change(select, { target: { value: 'PROPFIND' } })
    await settle()
    expect(harness.stores.traffic.getState().filter.method).toBe('PROPFIND')
    expect(paths()).toEqual(['/dav'])
    expect((screen.getByTestId('filter-method') as HTMLSelectElement).value).toBe('PROPFIND')
  })

  it('takes any method typed under "Other…", for one not loaded yet, and refuses what is no method', async () => {
    const harness = await showTraffic()
    fireEvent.change(screen.getByTestId('filter-method'), { target: { value: ' other' } })
    const input = screen.getByTestId('filter-method-input') as HTMLInputElement
    expect(document.activeElement).toBe(input)
    fireEvent.change(input, { target: { value: 'not a method' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(harness.stores.traffic.getState().filter.method).toBeNull()
    fireEvent.change(input, { target: { value: 'report' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    await settle()
    expect(harness.stores.traffic.getState().filter.method).toBe('REPORT')
    expect(paths()).toEqual(['/report'])
    const select = screen.getByTestId('filter-method') as HTMLSelectElement
    expect(select.value).toBe('REPORT')
    expect(document.activeElement).toBe(select)
    // Esc leaves the filter as it was.
    fireEvent.change(select, { target: { value: ' other' } })
    fireEvent.keyDown(screen.getByTestId('filter-method-input'), { key: 'Escape' })
    expect(harness.stores.traffic.getState().filter.method).toBe('REPORT')
    expect(document.activeElement).toBe(screen.getByTestId('filter-method'))
  })
})
