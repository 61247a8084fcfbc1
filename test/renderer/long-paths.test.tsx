import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

const LONG = `/hooks/${'segment-'.repeat(124)}end`.slice(0, 1000)

async function openCapture(target: string) {
  const engine = createFakeEngine()
  addCapture(engine, { target })
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  const row = await screen.findByTestId('traffic-row')
  act(() => row.click())
  await settle()
  await screen.findByTestId('overview')
  return { row }
}

describe('a long path', () => {
  it('is shown whole once in the Overview, folded until "Show all", and cut to two lines with a tooltip elsewhere', async () => {
    expect(LONG).toHaveLength(1000)
    const { row } = await openCapture(LONG)
    expect(within(row).getByTestId('row-path').getAttribute('title')).toBe(LONG)
    expect(screen.getByTestId('detail-target').getAttribute('title')).toBe(LONG)

    // The heading and the request target: two lines at most, the whole path in the tooltip.
    for (const testId of ['overview-target', 'overview-request-target']) {
      const element = screen.getByTestId(testId)
      expect(element.textContent).toBe(LONG)
      expect(element.classList.contains('clamp-2')).toBe(true)
      expect(element.getAttribute('title')).toBe(LONG)
    }

    // The URL, the one place it is shown whole: folded to a few lines until asked for.
    const url = screen.getByTestId('overview-url')
    expect(url.textContent!.endsWith(LONG)).toBe(true)
    expect(url.className).toBe('folded')
    const toggle = screen.getByTestId('overview-url-toggle')
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    expect(toggle.getAttribute('aria-controls')).toBe(url.id)
    expect(toggle.textContent).toBe(`Show all (${url.textContent!.length.toLocaleString('en-US')} characters)`)
    act(() => void fireEvent.click(toggle))
    expect(url.className).toBe('')
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    expect(toggle.textContent).toBe('Show less')
    act(() => void fireEvent.click(toggle))
    expect(url.className).toBe('folded')
  })

  it('is never folded when short', async () => {
    await openCapture('/hooks/short?x=1')
    expect(screen.getByTestId('overview-url').hasAttribute('class')).toBe(false)
    expect(screen.queryByTestId('overview-url-toggle')).toBeNull()
    expect(screen.getByTestId('overview-target').getAttribute('title')).toBe('/hooks/short?x=1')
  })

  it('goes into tooltips as text, with invisible characters spelled out', async () => {
    // A byte string: U+202E arrives as its three UTF-8 bytes.
    const target = `/a\xe2\x80\xaeb/<img src=x onerror=alert(1)>${'x'.repeat(300)}`
    const shown = `/a<U+202E>b/<img src=x onerror=alert(1)>${'x'.repeat(300)}`
    const { row } = await openCapture(target)
    expect(within(row).getByTestId('row-path').getAttribute('title')).toBe(shown)
    expect(screen.getByTestId('detail-target').getAttribute('title')).toBe(shown)
    expect(screen.getByTestId('overview-target').getAttribute('title')).toBe(shown)
    expect(document.querySelector('img')).toBeNull()
  })
})
