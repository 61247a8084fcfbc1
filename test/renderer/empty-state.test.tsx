import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { EmptyState } from '../../renderer/src/components/empty-state'
import { createFakeEngine, makeEndpoint } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

describe('the first-request guide of an endpoint shown on its own', () => {
  it('says why an endpoint that cannot listen does not, and offers its editor, rather than to start it again', async () => {
    const engine = createFakeEngine()
    const other = makeEndpoint('ep_2', 'Other', 4568)
    engine.endpoints.push(other.endpoint)
    engine.statuses.push({
      ...other.status,
      state: 'error',
      url: null,
      error: { code: 'PORT_IN_USE', message: 'Port 4568 on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.' },
    })
    const harness = createHarness(engine)
    harness.stores.app.getState().setEndpoints(engine.endpoints, engine.statuses)
    harness.stores.traffic.getState().setFilter({ endpointId: 'ep_2' })
    renderWith(harness, <EmptyState />)
    await settle()
    const text = screen.getByTestId('empty-state').textContent
    expect(text).toContain('“Other” cannot listen: Port 4568 on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.')
    expect(text).not.toContain('start it in the sidebar')
    act(() => void fireEvent.click(screen.getByTestId('empty-edit-endpoint')))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_2')
  })
})
