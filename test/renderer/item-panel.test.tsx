// A saved request's panel in the collections view: what it holds and how it is sent, in words.
import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { defaultForwardConfig, type Endpoint } from '../../shared/model'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { settle } from './helpers/render-app'
import { renderCollectionsView } from './helpers/collections-app'

describe('the item panel', () => {
  it('counts one header as one, and names the provider whose signature is renewed when sent', async () => {
    const engine = createFakeEngine()
    const endpoint = engine.endpoints[0]! as Endpoint
    endpoint.forward = defaultForwardConfig()
    endpoint.signature = { scheme: 'standard-webhooks', publicUrl: null, hasSecret: true }
    const fake = installFakeWorkbench(engine)
    const request = (headers: Array<[string, string]>) => ({ method: 'POST', url: 'http://localhost:3000/hooks', headers, body: { encoding: 'utf8' as const, data: '{}' } })
    fake.addCollection({
      id: 'col_a',
      name: 'Hooks',
      items: [
        fake.item({ id: 'itm_1', name: 'One header', request: request([['Content-Type', 'application/json']]) }),
        fake.item({ id: 'itm_3', name: 'Local TLS', request: { ...request([]), url: 'https://localhost:3443/hooks' }, acceptSelfSigned: true }),
        fake.item({
          id: 'itm_2',
          name: 'Signed',
          request: request([['webhook-id', 'msg_1'], ['webhook-timestamp', '1700000000'], ['webhook-signature', 'v1,AAAA']]),
          signature: { scheme: 'standard-webhooks', endpointId: endpoint.id },
        }),
      ],
    })
    await renderCollectionsView(engine)
    const summaryOf = async (name: string) => {
      await act(async () => {
        fireEvent.click(screen.getAllByTestId('tree-node').find((node) => within(node).getByTestId('tree-name').textContent === name)!)
      })
      await settle()
      return screen.getByTestId('item-summary').textContent!
    }
    expect(await summaryOf('One header')).toMatch(/^1 header · text body of 2 bytes · saved from /)
    expect(await summaryOf('Signed')).toMatch(/^3 headers · text body of 2 bytes · re-signed \(Standard Webhooks\) when sent · saved from /)
    expect(await summaryOf('Local TLS')).toMatch(/^0 headers · text body of 2 bytes · accepts its app’s self-signed certificate · saved from /)
  })

  it('keeps what is typed into its notes and tags when the item is renamed in the tree, and says when a field being typed into changed', async () => {
    const engine = createFakeEngine()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Hooks', items: [fake.item({ id: 'itm_1', name: 'Order created', notes: 'saved notes' })] })
    await renderCollectionsView(engine)
    const node = () => screen.getAllByTestId('tree-node').find((n) => n.dataset.nodeId === 'itm_1')!
    await act(async () => {
      fireEvent.click(node())
    })
    await settle()
    fireEvent.change(screen.getByTestId('item-notes'), { target: { value: 'typed, not saved yet' } })
    fireEvent.change(screen.getByTestId('item-tags'), { target: { value: 'stripe, wip' } })
    // Renamed in place (F2) while the panel holds unsaved notes and tags.
    const rename = async (name: string) => {
      await act(async () => {
        fireEvent.keyDown(node(), { key: 'F2' })
      })
      const field = screen.getByTestId('tree-rename')
      fireEvent.change(field, { target: { value: name } })
      await act(async () => {
        fireEvent.keyDown(field, { key: 'Enter' })
      })
      await settle()
    }
    await rename('Order created (v2)')
    expect(fake.collections.get('col_a')!.items[0]!.name).toBe('Order created (v2)')
    expect((screen.getByTestId('item-name') as HTMLInputElement).value).toBe('Order created (v2)')
    expect((screen.getByTestId('item-notes') as HTMLTextAreaElement).value).toBe('typed, not saved yet')
    expect((screen.getByTestId('item-tags') as HTMLInputElement).value).toBe('stripe, wip')
    expect(screen.queryByTestId('item-changed-elsewhere')).toBeNull()

    // The name being typed into, renamed meanwhile: what was typed stays, and the panel says so.
    fireEvent.change(screen.getByTestId('item-name'), { target: { value: 'Mine' } })
    await rename('Theirs')
    expect((screen.getByTestId('item-name') as HTMLInputElement).value).toBe('Mine')
    expect(screen.getByTestId('item-changed-elsewhere').textContent).toMatch(/^Its name changed elsewhere while you were editing it\. What you typed is kept/)
    await act(async () => {
      fireEvent.click(screen.getByTestId('item-save'))
    })
    await settle()
    expect(fake.collections.get('col_a')!.items[0]).toMatchObject({ name: 'Mine', notes: 'typed, not saved yet', tags: ['stripe', 'wip'] })
    expect(screen.queryByTestId('item-changed-elsewhere')).toBeNull()
  })
})
