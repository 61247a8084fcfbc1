import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { defaultForwardConfig, type Endpoint } from '../../shared/model'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { createHarness, renderWith, settle } from './helpers/render-app'

describe('a collection run', () => {
  it('says when the app refused an item for its signature, a stale timestamp say, beside its status', async () => {
    const engine = createFakeEngine()
    const endpoint = engine.endpoints[0]! as Endpoint
    endpoint.forward = { ...defaultForwardConfig(), targets: [{ id: 't1', url: 'http://localhost:3000/app', paused: false }], defaultTargetId: 't1' }
    endpoint.signature = { scheme: 'stripe', publicUrl: null, hasSecret: true }
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: [fake.item({ id: 'itm_1', name: 'Edited refund' }), fake.item({ id: 'itm_2', name: 'Not found' })] })
    const harness = createHarness(engine)
    harness.stores.sync.start()
    renderWith(harness, <App />)
    await settle()
    act(() => harness.stores.app.getState().setView('collections'))
    await settle()
    const workbench = workbenchOf(harness.stores)
    fireEvent.click(screen.getByTestId('collection-run'))
    await act(async () => {
      fireEvent.submit(screen.getByTestId('run-start').closest('form')!)
    })
    await settle()
    const runId = workbench.store.getState().runId!
    const base = { replayId: null, durationMs: 5, error: null, ok: false }
    act(() =>
      engine.emit('collections.run', {
        runId,
        collectionId: 'col_a',
        total: 2,
        done: 2,
        state: 'finished',
        results: [
          { ...base, itemId: 'itm_1', name: 'Edited refund', status: 400, signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 900, toleranceSeconds: 300 } },
          { ...base, itemId: 'itm_2', name: 'Not found', status: 404, signature: { kind: 'valid', scheme: 'stripe' } },
        ],
      }),
    )
    await settle()
    expect(screen.getAllByTestId('run-result-error').map((cell) => cell.textContent)).toEqual(['Stale Stripe timestamp: the app would refuse it', ''])
  })
})
