import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

/** The app with one capture open in the detail. */
async function appWithDetailOpen(target: string) {
  const engine = createFakeEngine()
  const capture = addCapture(engine, { target })
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  act(() => harness.stores.traffic.getState().open(capture.id))
  await settle()
  return harness
}

describe("the detail's edge", () => {
  it('is a separator that names the pane whose width it sets (WAI-ARIA window splitter)', async () => {
    const harness = await appWithDetailOpen('/split')
    const splitter = screen.getByTestId('detail-splitter')
    expect(splitter.getAttribute('role')).toBe('separator')
    const controls = splitter.getAttribute('aria-controls')
    expect(controls).toBeTruthy()
    expect(document.getElementById(controls!)).toBe(screen.getByTestId('detail'))
    harness.stores.sync.dispose()
  })

  it('ends a drag whose pointer capture is lost, so that a later hover moves nothing', async () => {
    const harness = await appWithDetailOpen('/split-lost')
    const splitter = screen.getByTestId('detail-splitter')
    const workspace = splitter.closest<HTMLElement>('.workspace')!
    const width = () => workspace.style.getPropertyValue('--detail-width')
    fireEvent.pointerDown(splitter, { pointerId: 1, button: 0, clientX: 500 })
    expect(splitter.className).toContain('dragging')
    // The system takes the pointer without a pointerup (a window switch, a context menu).
    fireEvent.lostPointerCapture(splitter, { pointerId: 1 })
    expect(splitter.className).not.toContain('dragging')
    const before = width()
    fireEvent.pointerMove(splitter, { pointerId: 1, clientX: 200 })
    expect(width()).toBe(before)
    harness.stores.sync.dispose()
  })
})
