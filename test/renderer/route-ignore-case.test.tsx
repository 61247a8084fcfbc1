// A header or JSON-field route compares its value exactly unless "Ignore case" is ticked; the route's
// summary says which, and the option is saved with the route (absent when off, as before it existed).
import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { EndpointEditor } from '../../renderer/src/components/endpoint-editor'
import { defaultForwardConfig, type EndpointPatch, type ForwardConfig } from '../../shared/model'
import { createFakeEngine } from './helpers/fake-api'
import { installForwardFakes } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

async function setup(forward: ForwardConfig) {
  const engine = createFakeEngine()
  const fakes = installForwardFakes(engine)
  Object.assign(fakes.endpoint().forward, forward)
  const harness = createHarness(engine)
  harness.stores.app.getState().setEndpoints(engine.endpoints, engine.statuses)
  renderWith(harness, <EndpointEditor id="ep_1" onClose={vi.fn()} />)
  await settle()
  const updates = () => engine.calls.filter((c) => c.method === 'endpoints.update').map((c) => c.input as { id: string; patch: EndpointPatch })
  return { updates }
}

const change = (element: Element, value: string) => act(() => void fireEvent.change(element, { target: { value } }))
const click = (element: Element) => act(() => void fireEvent.click(element))
const byTest = (id: string) => screen.getByTestId(id)

const forward = (routes: ForwardConfig['routes']): ForwardConfig => ({
  ...defaultForwardConfig(),
  mode: 'async',
  targets: [
    { id: 't-staging', url: 'http://localhost:3001', paused: false },
    { id: 't-main', url: 'http://localhost:3000', paused: false },
  ],
  routes,
  defaultTargetId: 't-main',
})

describe('letter case in a route by value', () => {
  it('a header route is exact until "Ignore case" is ticked, and its summary says so; the option is saved with it', async () => {
    const { updates } = await setup(forward([{ id: 'r-1', match: { kind: 'header', name: 'X-Env', value: 'staging' }, targetId: 't-staging' }]))
    const box = byTest('forward-route-ignore-case') as HTMLInputElement
    expect(box.checked).toBe(false)
    expect(byTest('forward-route-summary').textContent).toBe('Requests whose X-Env header is “staging”, exactly (letter case counts)')
    click(box)
    expect(byTest('forward-route-summary').textContent).toBe('Requests whose X-Env header is “staging”, in any letter case')
    click(byTest('endpoint-save'))
    await settle()
    expect(updates().at(-1)!.patch.forward?.routes).toEqual([{ id: 'r-1', match: { kind: 'header', name: 'X-Env', value: 'staging', ignoreCase: true }, targetId: 't-staging' }])
  })

  it('a JSON-field route saved ignoring case loads ticked; a path or method route offers no such option', async () => {
    const { updates } = await setup(
      forward([
        { id: 'r-1', match: { kind: 'json-field', path: 'data.env', value: 'Staging', ignoreCase: true }, targetId: 't-staging' },
        { id: 'r-2', match: { kind: 'path-prefix', prefix: '/stripe' }, targetId: 't-main' },
      ]),
    )
    const [json, path] = screen.getAllByTestId('forward-route')
    expect((within(json!).getByTestId('forward-route-ignore-case') as HTMLInputElement).checked).toBe(true)
    expect(within(json!).getByTestId('forward-route-summary').textContent).toBe('JSON bodies whose data.env is “Staging”, in any letter case')
    expect(within(path!).queryByTestId('forward-route-ignore-case')).toBeNull()
    click(within(json!).getByTestId('forward-route-ignore-case'))
    change(within(path!).getByTestId('forward-route-prefix'), '/github')
    click(byTest('endpoint-save'))
    await settle()
    expect(updates().at(-1)!.patch.forward?.routes).toEqual([
      { id: 'r-1', match: { kind: 'json-field', path: 'data.env', value: 'Staging' }, targetId: 't-staging' },
      { id: 'r-2', match: { kind: 'path-prefix', prefix: '/github' }, targetId: 't-main' },
    ])
  })
})
