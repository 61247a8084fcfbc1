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
})
