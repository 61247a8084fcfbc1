import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { EndpointEditor } from '../../renderer/src/components/endpoint-editor'
import { EndpointsSidebar } from '../../renderer/src/components/endpoints-sidebar'
import { createFakeEngine } from './helpers/fake-api'
import { targetStatus } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

// What the sidebar says about each endpoint: whether other machines can reach it, and that its state
// is unknown while the page is disconnected.
async function sidebarWith(host: string, networkUrls?: string[]) {
  const engine = createFakeEngine()
  engine.endpoints[0]!.host = host
  if (networkUrls) engine.statuses[0]!.networkUrls = networkUrls
  const harness = createHarness(engine)
  harness.stores.sync.start()
  await settle()
  renderWith(harness, <EndpointsSidebar />)
  await settle()
  return harness
}

describe('the endpoints sidebar', () => {
  it('marks an endpoint bound to a non-loopback address as exposed to the network, with the addresses others would use', async () => {
    await sidebarWith('0.0.0.0', ['http://192.168.1.20:4567/', 'http://10.0.0.5:4567/'])
    const marker = screen.getByTestId('endpoint-exposed')
    expect(marker.textContent).toContain('Exposed to your network')
    expect(marker.textContent).toContain('0.0.0.0')
    expect(screen.getAllByTestId('endpoint-network-url').map((el) => el.textContent)).toEqual(['http://192.168.1.20:4567/', 'http://10.0.0.5:4567/'])
    expect(marker.getAttribute('title')).toMatch(/other machines/)
  })

  it('marks it even when no network address was found', async () => {
    await sidebarWith('0.0.0.0', [])
    expect(screen.getByTestId('endpoint-exposed').textContent).toContain('Exposed to your network on 0.0.0.0')
  })

  it('shows no marker for a loopback endpoint', async () => {
    await sidebarWith('127.0.0.1')
    expect(screen.queryByTestId('endpoint-exposed')).toBeNull()
  })

  it('shows the state as unknown while disconnected, and the real one again once connected', async () => {
    const harness = await sidebarWith('127.0.0.1')
    const state = () => screen.getByTestId('endpoint-state')
    expect(state().textContent).toBe('listening')
    act(() => harness.stores.app.getState().setConnection({ kind: 'disconnected', retryInMs: 1000 }))
    expect(state().textContent).toBe('state unknown while disconnected')
    expect(state().getAttribute('data-state')).toBe('unknown')
    expect(screen.getByTestId('endpoint-toggle')).toHaveProperty('disabled', true)
    act(() => harness.stores.app.getState().setConnection({ kind: 'open' }))
    expect(state().textContent).toBe('listening')
  })

  it('says when the forwarding was set for this run only (hookscope serve --forward), in the sidebar and the editor', async () => {
    const engine = createFakeEngine()
    engine.statuses[0]!.forwardThisRunOnly = true
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    renderWith(
      harness,
      <>
        <EndpointsSidebar />
        <EndpointEditor id={engine.endpoints[0]!.id} onClose={() => undefined} />
      </>,
    )
    await settle()
    expect(screen.getByTestId('endpoint-forward-run-only').textContent).toContain('this run only')
    expect(screen.getByTestId('forward-run-only').textContent).toContain('not saved')
  })

  it('says nothing of the kind for a saved forwarding', async () => {
    const harness = await sidebarWith('127.0.0.1')
    renderWith(harness, <EndpointEditor id="ep_1" onClose={() => undefined} />)
    await settle()
    expect(screen.queryByTestId('endpoint-forward-run-only')).toBeNull()
    expect(screen.queryByTestId('forward-run-only')).toBeNull()
  })

  it('the editor says what the sender gets instead of a typed Content-Length or Transfer-Encoding, and of a body a 204 or 304 cannot carry', async () => {
    const harness = createHarness(createFakeEngine())
    harness.stores.sync.start()
    await settle()
    renderWith(harness, <EndpointEditor id="new" onClose={() => undefined} />)
    await settle()
    const type = (testId: string, value: string) => act(() => void fireEvent.change(screen.getByTestId(testId), { target: { value } }))
    const notes = () => [...(screen.queryByTestId('endpoint-response-note')?.querySelectorAll('p') ?? [])].map((p) => p.textContent)
    expect(notes()).toEqual([])
    type('endpoint-field-body', 'héllo\n')
    type('endpoint-field-headers', 'Set-Cookie: a=1\nSet-Cookie: b=2\ncontent-length: 999\nTransfer-Encoding: chunked')
    expect(notes()).toEqual([
      'Content-Length is set from the body (7 bytes): the "999" typed is not sent.',
      'Transfer-Encoding is not sent: the body goes out whole, with a Content-Length that matches it.',
    ])
    // A Content-Length that matches the body is what is sent anyway.
    type('endpoint-field-headers', 'Content-Length: 7')
    expect(notes()).toEqual([])
    type('endpoint-field-status', '204')
    expect(notes()).toEqual(['Content-Length is not sent: a 204 response has no body.', 'A 204 response has no body: the body above is not sent.'])
    type('endpoint-field-headers', '')
    type('endpoint-field-body', '')
    expect(notes()).toEqual([])
  })

  it('asks before removing an endpoint, saying how many requests waiting to be forwarded will not be delivered', async () => {
    const harness = createHarness(createFakeEngine())
    harness.stores.sync.start()
    await settle()
    renderWith(harness, <EndpointEditor id="ep_1" onClose={() => undefined} />)
    await settle()
    const message = () => {
      act(() => void fireEvent.click(screen.getByTestId('endpoint-remove')))
      const confirm = screen.getByTestId('endpoint-remove-confirm')
      const text = confirm.querySelector('p')!.textContent
      act(() => void fireEvent.click(within(confirm).getByText('Cancel')))
      return text
    }
    expect(message()).toBe('Stop and remove "Default"? Its captured requests stay in the history.')
    act(() =>
      harness.stores.sync.forward.getState().setTargets([
        targetStatus({ targetId: 't-a', state: 'paused', waiting: 2 }),
        targetStatus({ targetId: 't-old', removed: true, waiting: 1 }),
        targetStatus({ endpointId: 'ep_other', targetId: 't-b', waiting: 5 }),
      ]),
    )
    expect(message()).toBe('Stop and remove "Default"? Its captured requests stay in the history. 3 requests waiting to be forwarded will not be delivered.')
  })

  it('the editor warns of other machines only for a valid address that is not loopback, and says when an address is none', async () => {
    const harness = createHarness(createFakeEngine())
    harness.stores.sync.start()
    await settle()
    renderWith(harness, <EndpointEditor id="new" onClose={() => undefined} />)
    await settle()
    const note = (host: string) => {
      act(() => void fireEvent.change(screen.getByTestId('endpoint-field-host'), { target: { value: host } }))
      return screen.queryByTestId('endpoint-host-note')?.textContent ?? null
    }
    const network = 'Other machines on your network can send requests to this address.'
    const invalid = /^Not an IP address or host name/
    for (const host of ['127.0.0.1', '127.5.0.9', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) expect(note(host), host).toBeNull()
    for (const host of ['0.0.0.0', '192.168.1.20', '::', 'fe80::1%eth0', '2001:db8::5']) expect(note(host), host).toBe(network)
    for (const host of ['999.1.1.1', '10.0.0', '127.0.0.1:8080', 'not an address', '-bad.example', ':::1', '']) expect(note(host), host).toMatch(invalid)
    expect(note('my-laptop.lan')).toMatch(/^The endpoint listens on the address this name resolves to/)
  })

  it('names each button with the endpoint it acts on, and says which endpoint is shown and how many requests are new', async () => {
    const engine = createFakeEngine()
    engine.endpoints[0]!.name = 'Stripe'
    const harness = createHarness(engine)
    harness.stores.sync.start()
    await settle()
    renderWith(harness, <EndpointsSidebar />)
    await settle()
    expect(screen.getByRole('button', { name: 'Edit Stripe' })).toBe(screen.getByTestId('endpoint-edit'))
    expect(screen.getByRole('button', { name: 'Stop Stripe' })).toBe(screen.getByTestId('endpoint-toggle'))
    expect(screen.getByRole('button', { name: 'Copy the URL of Stripe' })).toBe(screen.getByTestId('endpoint-copy-url'))
    const all = screen.getByRole('button', { name: 'All endpoints' })
    const stripe = screen.getByTestId('endpoint-select')
    expect(all.getAttribute('aria-pressed')).toBe('true')
    expect(stripe.getAttribute('aria-pressed')).toBe('false')
    act(() => stripe.click())
    expect(all.getAttribute('aria-pressed')).toBe('false')
    expect(stripe.getAttribute('aria-pressed')).toBe('true')
    act(() => harness.stores.traffic.setState({ newByEndpoint: { [engine.endpoints[0]!.id]: 3 } }))
    expect(screen.getByRole('button', { name: /^Stripe,\s*3\s*new$/ })).toBe(stripe)
  })
})
