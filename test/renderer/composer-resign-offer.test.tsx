// A collection item saved without re-signing that carries a provider's signature (saved by an earlier
// version, or imported from HAR, Postman or cURL): the Composer notices, re-signs it with the one
// endpoint that can, or offers those that can, and Update item keeps that choice for the item's runs.
import './helpers/setup-dom'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { defaultForwardConfig, type Endpoint } from '../../shared/model'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { createHarness, renderWith, settle } from './helpers/render-app'

type EndpointSpec = { id: string; name: string; scheme: Endpoint['signature']['scheme']; hasSecret: boolean }

async function openItemWith(
  endpoints: EndpointSpec[],
  headers: Array<[string, string]>,
  source: { kind: 'import' | 'capture'; id: string | null } = { kind: 'import', id: null },
  signature: { scheme: 'stripe'; endpointId: string } | null = null,
) {
  const engine = createFakeEngine()
  const first = engine.endpoints[0]! as Endpoint
  engine.endpoints.splice(0, 1, ...endpoints.map((e) => ({ ...first, id: e.id, name: e.name, forward: defaultForwardConfig(), signature: { scheme: e.scheme, publicUrl: null, hasSecret: e.hasSecret } })))
  engine.statuses.splice(0, 1, ...endpoints.map((e, i) => ({ ...engine.statuses[0]!, id: e.id, port: 5000 + i, url: `http://127.0.0.1:${5000 + i}` })))
  const fake = installFakeWorkbench(engine)
  fake.addCollection({
    id: 'col_a',
    name: 'Imported',
    items: [fake.item({ id: 'itm_1', name: 'Old refund', request: { method: 'POST', url: 'http://localhost:3000/hooks', headers: [['Content-Type', 'application/json'], ...headers], body: { encoding: 'utf8', data: '{}' } }, source, signature })],
  })
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  const workbench = workbenchOf(harness.stores)
  await act(async () => {
    await workbench.openItem('col_a', 'itm_1')
  })
  await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
  const send = async () => {
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    return [...engine.calls].reverse().find((c) => c.method === 'replay.send')!.input as { endpointId?: string; resign: { scheme: string } | null }
  }
  return { engine, send }
}

describe('an item saved without re-signing that carries a signature, in the Composer', () => {
  it('is re-signed with the one endpoint whose scheme reads it and has a secret, and Update item keeps it so', async () => {
    const { engine, send } = await openItemWith(
      [
        { id: 'ep_gh', name: 'GitHub', scheme: 'github', hasSecret: true },
        { id: 'ep_stripe', name: 'Stripe <b>live</b>', scheme: 'stripe', hasSecret: true },
      ],
      [['Stripe-Signature', 't=1700000000,v1=abc']],
      { kind: 'capture', id: 'cap_gone' },
    )
    const resign = screen.getByTestId('composer-resign') as HTMLInputElement
    expect(resign.checked).toBe(true)
    expect(resign.parentElement!.textContent!.trim()).toBe('Re-sign (Stripe) with a fresh timestamp')
    expect(screen.getByTestId('composer-resign-endpoint').textContent).toBe('Secret of “Stripe <b>live</b>”')
    expect(screen.queryByTestId('composer-stale-signature')).toBeNull()
    expect(await send()).toMatchObject({ endpointId: 'ep_stripe', resign: { scheme: 'stripe' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect([...engine.calls].reverse().find((c) => c.method === 'collections.updateItem')!.input).toMatchObject({ patch: { signature: { scheme: 'stripe', endpointId: 'ep_stripe' } } })
    // Turned off, it is sent as it is, and the item is no more re-signed.
    fireEvent.click(resign)
    expect(await send()).toMatchObject({ resign: null })
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect([...engine.calls].reverse().find((c) => c.method === 'collections.updateItem')!.input).toMatchObject({ patch: { signature: null } })
  })

  it('offers the endpoints that can re-sign it when there are several, saying why it matters', async () => {
    const { send } = await openItemWith(
      [
        { id: 'ep_std', name: 'Std A', scheme: 'standard-webhooks', hasSecret: true },
        { id: 'ep_svix', name: 'Svix B', scheme: 'svix', hasSecret: true },
        { id: 'ep_stripe', name: 'Stripe', scheme: 'stripe', hasSecret: true },
      ],
      [['webhook-id', 'msg_1'], ['webhook-timestamp', '1700000000'], ['webhook-signature', 'v1,AAAA']],
    )
    expect(screen.getByTestId('composer-stale-signature').querySelector('p')!.textContent).toBe(
      'This request carries a Standard Webhooks or Svix signature (webhook-signature) that nothing re-signs: sent as it is, its signature still carries the time it was signed, which the app refuses once it is a few minutes old.',
    )
    expect(await send()).toMatchObject({ resign: null })
    const choice = screen.getByTestId('composer-resign-with') as HTMLSelectElement
    expect([...choice.options].map((o) => o.textContent)).toEqual(['Choose an endpoint…', 'Std A’s secret', 'Svix B’s secret'])
    fireEvent.change(choice, { target: { value: 'ep_svix' } })
    expect(screen.queryByTestId('composer-stale-signature')).toBeNull()
    expect((screen.getByTestId('composer-resign') as HTMLInputElement).checked).toBe(true)
    expect(await send()).toMatchObject({ endpointId: 'ep_svix', resign: { scheme: 'svix' } })
  })

  it('says how to get an endpoint that can re-sign it when none can', async () => {
    await openItemWith([{ id: 'ep_gh', name: 'GitHub', scheme: 'github', hasSecret: false }], [['X-Hub-Signature-256', 'sha256=00']])
    expect(screen.getByTestId('composer-stale-signature').querySelector('p')!.textContent).toBe(
      'This request carries a GitHub signature (X-Hub-Signature-256) that nothing re-signs: sent as it is, its signature holds only while the app keeps the secret it was signed with and the body is unchanged.',
    )
    expect(screen.getByTestId('composer-resign-none').textContent).toBe('To re-sign it, store the signing secret of “GitHub” in its signature settings.')
  })

  it('is re-signed as one saved without re-signing when its re-signing endpoint was removed', async () => {
    const { send } = await openItemWith([{ id: 'ep_a', name: 'Stripe A', scheme: 'stripe', hasSecret: true }], [['Stripe-Signature', 't=1700000000,v1=abc']], { kind: 'import', id: null }, { scheme: 'stripe', endpointId: 'ep_removed' })
    expect((screen.getByTestId('composer-resign') as HTMLInputElement).checked).toBe(true)
    expect(await send()).toMatchObject({ endpointId: 'ep_a', resign: { scheme: 'stripe' } })
  })
})
