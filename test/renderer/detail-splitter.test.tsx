import './helpers/setup-dom'
import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

describe("the detail's edge", () => {
  it('is a separator that names the pane whose width it sets (WAI-ARIA window splitter)', async () => {
    const engine = createFakeEngine()
    const capture = addCapture(engine, { target: '/split' })
    const harness = createHarness(engine)
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    const splitter = screen.getByTestId('detail-splitter')
    expect(splitter.getAttribute('role')).toBe('separator')
    const controls = splitter.getAttribute('aria-controls')
    expect(controls).toBeTruthy()
    expect(document.getElementById(controls!)).toBe(screen.getByTestId('detail'))
    harness.stores.sync.dispose()
  })
})
