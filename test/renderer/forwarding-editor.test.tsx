import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { forwardConfigFrom, forwardFormFrom } from '../../renderer/src/components/forwarding/forward-form'
import { EndpointEditor } from '../../renderer/src/components/endpoint-editor'
import { EndpointsSidebar } from '../../renderer/src/components/endpoints-sidebar'
import { HookscopeError } from '../../shared/errors'
import { defaultForwardConfig, type EndpointPatch, type ForwardConfig } from '../../shared/model'
import { addCapture, createFakeEngine, makeEndpoint, type FakeEngine } from './helpers/fake-api'
import { installForwardFakes, targetStatus } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

async function setup(id: string | 'new' = 'ep_1', configure?: (fakes: ReturnType<typeof installForwardFakes>) => void, captures?: (engine: FakeEngine) => void) {
  const engine = createFakeEngine()
  const fakes = installForwardFakes(engine)
  configure?.(fakes)
  captures?.(engine)
  const harness = createHarness(engine)
  harness.stores.app.getState().setEndpoints(engine.endpoints, engine.statuses)
  if (captures) {
    harness.stores.sync.start()
    await settle()
  }
  const onClose = vi.fn()
  const view = renderWith(harness, <EndpointEditor id={id} onClose={onClose} />)
  await settle()
  const updates = () => engine.calls.filter((c) => c.method === 'endpoints.update').map((c) => c.input as { id: string; patch: EndpointPatch })
  return { engine, fakes, harness, view, onClose, updates }
}

const change = (element: Element, value: string) => act(() => void fireEvent.change(element, { target: { value } }))
const click = (element: Element) => act(() => void fireEvent.click(element))
const byTest = (id: string) => screen.getByTestId(id)
const allByTest = (id: string) => screen.getAllByTestId(id)

async function save() {
  click(byTest('endpoint-save'))
  await settle()
}

describe('route conditions no request can meet', () => {
  const form = (route: Partial<ReturnType<typeof forwardFormFrom>['routes'][number]>) => {
    const base = forwardFormFrom({ ...defaultForwardConfig(), mode: 'async', targets: [{ id: 't-app', url: 'http://localhost:3000', paused: false }], defaultTargetId: 't-app' })
    return { ...base, routes: [{ id: 'r-1', kind: 'path-prefix' as const, prefix: '', method: '', name: '', path: '', value: 'x', ignoreCase: false, targetId: 't-app', ...route }] }
  }
  const problems = (route: Parameters<typeof form>[0]) => {
    const check = forwardConfigFrom(form(route))
    return check.ok ? null : check.errors
  }

  it('says what to write instead of a path prefix without its /, a header written with its value, a method of two words or a JSONPath', () => {
    expect(problems({ kind: 'path-prefix', prefix: 'stripe' })).toEqual({ 'routes.0.match.prefix': 'A request’s path starts with /: give /stripe.' })
    expect(problems({ kind: 'path-prefix', prefix: 'http://localhost:3000/stripe' })).toEqual({ 'routes.0.match.prefix': 'A request’s path starts with /: give /stripe.' })
    expect(problems({ kind: 'header', name: 'X-GitHub-Event: push' })).toEqual({ 'routes.0.match.name': 'Give the name alone: X-GitHub-Event (its value goes in the next field).' })
    expect(problems({ kind: 'header', name: 'X GitHub Event' })).toEqual({ 'routes.0.match.name': 'A header name has no spaces, colons or quotes: such as X-GitHub-Event.' })
    expect(problems({ kind: 'method', method: 'POST PUT' })).toEqual({ 'routes.0.match.method': 'Give one method, such as POST.' })
    expect(problems({ kind: 'json-field', path: '$.data.object.status' })).toEqual({ 'routes.0.match.path': 'Give the path without $: data.object.status.' })
  })

  it('takes those that can match as they are', () => {
    expect(problems({ kind: 'path-prefix', prefix: '/stripe' })).toBeNull()
    expect(problems({ kind: 'header', name: 'X-GitHub-Event' })).toBeNull()
    expect(problems({ kind: 'method', method: 'post' })).toBeNull()
    expect(problems({ kind: 'json-field', path: 'type' })).toBeNull()
    // A field named so by .NET's serializers, not JSONPath.
    expect(problems({ kind: 'json-field', path: '$type' })).toBeNull()
  })

  it('says so at the route in the editor once the field is left', async () => {
    await setup()
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    change(byTest('forward-target-url'), 'http://localhost:3000')
    click(byTest('forward-add-route'))
    change(byTest('forward-route-prefix'), 'stripe')
    act(() => void fireEvent.blur(byTest('forward-route-prefix')))
    expect(byTest('forward-route-error').textContent).toBe('A request’s path starts with /: give /stripe.')
    expect(byTest('forward-route-prefix').getAttribute('aria-invalid')).toBe('true')
    change(byTest('forward-route-prefix'), '/stripe')
    expect(screen.queryByTestId('forward-route-error')).toBeNull()
  })
})

describe('forwarding section of the endpoint editor', () => {
  it('puts the cursor in the URL field of a target just added', async () => {
    await setup()
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    expect(document.activeElement).toBe(allByTest('forward-target-url')[0])
    change(allByTest('forward-target-url')[0]!, 'http://localhost:3000')
    click(byTest('forward-add-target'))
    expect(document.activeElement).toBe(allByTest('forward-target-url')[1])
    // Typing elsewhere afterwards keeps the cursor where it is.
    act(() => (allByTest('forward-target-url')[0] as HTMLInputElement).focus())
    change(allByTest('forward-target-url')[0]!, 'http://localhost:3001')
    expect(document.activeElement).toBe(allByTest('forward-target-url')[0])
  })

  it('edits targets, ordered routes, the default target, Host, browser requests, timeout and retries, and saves them as patch.forward', async () => {
    const { updates, onClose } = await setup()
    expect(screen.queryByTestId('forward-add-target')).toBeNull()
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    click(byTest('forward-add-target'))
    const urls = allByTest('forward-target-url')
    change(urls[0]!, 'http://localhost:3000/webhooks')
    change(urls[1]!, 'http://localhost:4000')
    const ids = allByTest('forward-target').map((t) => t.getAttribute('data-target-id')!)
    const first = ids[0]!
    const second = ids[1]!
    expect(first).toMatch(/^t-[0-9a-z]+$/)
    expect(second).not.toBe(first)
    expect((byTest('forward-default-target') as HTMLSelectElement).value).toBe(first)

    click(byTest('forward-add-route'))
    change(byTest('forward-route-prefix'), '/stripe')
    change(byTest('forward-route-target'), second)
    click(byTest('forward-add-route'))
    const routes = () => allByTest('forward-route')
    change(within(routes()[1]!).getByTestId('forward-route-kind'), 'json-field')
    change(within(routes()[1]!).getByTestId('forward-route-path'), 'type')
    change(within(routes()[1]!).getByTestId('forward-route-value'), 'invoice.paid')
    click(byTest('forward-add-route'))
    change(within(routes()[2]!).getByTestId('forward-route-kind'), 'header')
    change(within(routes()[2]!).getByTestId('forward-route-name'), 'X-GitHub-Event')
    change(within(routes()[2]!).getByTestId('forward-route-value'), 'push')
    click(within(routes()[1]!).getByTestId('forward-route-up'))
    click(within(routes()[2]!).getByTestId('forward-route-down'))
    expect(within(routes()[2]!).getByTestId('forward-route-down')).toHaveProperty('disabled', true)

    change(byTest('forward-default-target'), second)
    change(byTest('forward-host'), 'keep')
    click(byTest('forward-allow-browser'))
    expect((byTest('forward-resign-stale') as HTMLInputElement).checked).toBe(true)
    click(byTest('forward-resign-stale'))
    change(byTest('forward-timeout'), '5')
    change(byTest('forward-max-attempts'), '3')
    change(byTest('forward-max-age'), '2')
    change(byTest('forward-base-delay'), '0.5')
    change(byTest('forward-max-delay'), '4')
    await save()

    expect(onClose).toHaveBeenCalled()
    const patch = updates().at(-1)!.patch
    expect(patch.forward).toEqual({
      mode: 'async',
      targets: [
        { id: first, url: 'http://localhost:3000/webhooks', paused: false },
        { id: second, url: 'http://localhost:4000', paused: false },
      ],
      routes: [
        { id: expect.stringMatching(/^r-/), match: { kind: 'json-field', path: 'type', value: 'invoice.paid' }, targetId: first },
        { id: expect.stringMatching(/^r-/), match: { kind: 'path-prefix', prefix: '/stripe' }, targetId: second },
        { id: expect.stringMatching(/^r-/), match: { kind: 'header', name: 'X-GitHub-Event', value: 'push' }, targetId: first },
      ],
      defaultTargetId: second,
      host: 'keep',
      allowBrowser: true,
      resignStale: false,
      timeoutMs: 5000,
      retry: { maxAttempts: 3, maxAgeMs: 7_200_000, baseDelayMs: 500, maxDelayMs: 4000 },
    } satisfies ForwardConfig)
    expect(patch.signature).toBeUndefined()
  })

  it('offers to accept a self-signed certificate for an https:// target only, and saves it with that target', async () => {
    const { updates } = await setup()
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    change(allByTest('forward-target-url')[0]!, 'http://localhost:3000')
    expect(screen.queryByTestId('forward-target-self-signed')).toBeNull()
    change(allByTest('forward-target-url')[0]!, 'https://localhost:3443/hooks')
    const accept = byTest('forward-target-self-signed') as HTMLInputElement
    expect(accept.checked).toBe(false)
    expect(accept.closest('label')!.textContent).toContain('Accept a self-signed certificate')
    click(accept)
    await save()
    expect(updates().at(-1)!.patch.forward!.targets).toEqual([expect.objectContaining({ url: 'https://localhost:3443/hooks', acceptSelfSigned: true })])
    // Back to http://, it means nothing and is not kept.
    const form = forwardFormFrom({ ...defaultForwardConfig(), targets: [{ id: 't', url: 'https://localhost:3443', paused: false, acceptSelfSigned: true }] })
    expect(form.targets[0]!.acceptSelfSigned).toBe(true)
    const plain = forwardConfigFrom({ ...form, targets: [{ ...form.targets[0]!, url: 'http://localhost:3000' }] })
    if (!plain.ok) throw new Error('the form should be valid')
    expect(plain.config.targets[0]).not.toHaveProperty('acceptSelfSigned')
  })

  it('does not send an unchanged forward config (a forward patch makes waiting deliveries try again at once)', async () => {
    const { updates } = await setup()
    change(byTest('endpoint-field-name'), 'Renamed')
    await save()
    expect(updates().at(-1)!.patch).toMatchObject({ name: 'Renamed' })
    expect(updates().at(-1)!.patch.forward).toBeUndefined()
  })

  it('shows its own checks next to the fields and sends nothing', async () => {
    const { updates } = await setup()
    change(byTest('forward-mode'), 'async')
    await save()
    expect(byTest('forward-targets-error').textContent).toMatch(/Add a target/)
    click(byTest('forward-add-target'))
    change(byTest('forward-target-url'), 'localhost:3000')
    click(byTest('forward-add-route'))
    change(byTest('forward-timeout'), 'soon')
    change(byTest('forward-base-delay'), '10')
    change(byTest('forward-max-delay'), '2')
    await save()
    expect(byTest('forward-target-error').textContent).toBe('Give a full URL, such as http://localhost:3000/webhooks.')
    expect(byTest('forward-route-error').textContent).toBe('Give a path prefix.')
    expect(byTest('forward-timeout-error').textContent).toBe('Give a number.')
    expect(byTest('forward-max-delay-error').textContent).toBe('At least the first retry delay.')
    expect(byTest('endpoint-form-error').textContent).toMatch(/need attention/)
    expect(updates()).toHaveLength(0)

    change(byTest('forward-target-url'), 'http://localhost:3000/hooks?x=1')
    await save()
    expect(byTest('forward-target-error').textContent).toMatch(/no query or fragment/)
  })

  it('places an error the engine returns next to the field it names', async () => {
    const { engine, onClose } = await setup()
    engine.override('endpoints.update', () => {
      throw new Error('forward targets must be reachable at patch.forward.targets.0.url')
    })
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    change(byTest('forward-target-url'), 'http://localhost:3000')
    await save()
    expect(byTest('forward-target-error').textContent).toBe('Forward targets must be reachable')
    expect(byTest('endpoint-form-error').textContent).toMatch(/engine refused/)
    expect(onClose).not.toHaveBeenCalled()
  })

  it('asks for another target when a route’s target is removed, and moves the default to a remaining one', async () => {
    const { updates } = await setup(undefined, (fakes) => {
      Object.assign(fakes.endpoint().forward, {
        ...defaultForwardConfig(),
        mode: 'async',
        targets: [
          { id: 't-a', url: 'http://localhost:3001', paused: false },
          { id: 't-b', url: 'http://localhost:3002', paused: true },
        ],
        routes: [{ id: 'r-1', match: { kind: 'method', method: 'PUT' }, targetId: 't-a' }],
        defaultTargetId: 't-a',
      } satisfies ForwardConfig)
    })
    expect(allByTest('forward-target-url').map((i) => (i as HTMLInputElement).value)).toEqual(['http://localhost:3001', 'http://localhost:3002'])
    expect((byTest('forward-route-method') as HTMLInputElement).value).toBe('PUT')
    click(allByTest('forward-target-remove')[0]!)
    expect((byTest('forward-default-target') as HTMLSelectElement).value).toBe('t-b')
    await save()
    expect(byTest('forward-route-error').textContent).toBe('Choose the target this route sends to.')
    change(byTest('forward-route-target'), 't-b')
    await save()
    expect(updates().at(-1)!.patch.forward).toMatchObject({
      targets: [{ id: 't-b', url: 'http://localhost:3002', paused: true }],
      routes: [{ id: 'r-1', match: { kind: 'method', method: 'PUT' }, targetId: 't-b' }],
      defaultTargetId: 't-b',
    })
  })

  it('says that removing a target fails the requests waiting for it, and how to send them elsewhere instead', async () => {
    const { harness } = await setup(undefined, (fakes) => {
      Object.assign(fakes.endpoint().forward, {
        ...defaultForwardConfig(),
        mode: 'async',
        targets: [
          { id: 't-a', url: 'http://localhost:3001/hooks', paused: false },
          { id: 't-b', url: 'http://localhost:3002', paused: false },
        ],
        defaultTargetId: 't-a',
      } satisfies ForwardConfig)
    })
    act(() =>
      harness.stores.sync.forward.getState().setTargets([
        targetStatus({ targetId: 't-a', url: 'http://localhost:3001/hooks', state: 'down', waiting: 2 }),
        targetStatus({ targetId: 't-b', url: 'http://localhost:3002', state: 'idle', waiting: 0 }),
      ]),
    )
    // A target nothing waits for goes without a word.
    click(allByTest('forward-target-remove')[1]!)
    expect(screen.queryByTestId('forward-removed-waiting')).toBeNull()
    click(allByTest('forward-target-remove')[0]!)
    const warning = byTest('forward-removed-waiting')
    expect(warning.textContent).toContain('2 requests wait for the removed target http://localhost:3001/hooks. Saving fails them')
    expect(warning.textContent).toContain('change that target’s URL instead')
  })

  it('keeps a pause made in the sidebar while the editor was open', async () => {
    const { harness, updates, fakes } = await setup(undefined, (f) => {
      Object.assign(f.endpoint().forward, { mode: 'async', targets: [{ id: 't-a', url: 'http://localhost:3001', paused: false }], defaultTargetId: 't-a' })
    })
    const paused = { ...fakes.endpoint(), forward: { ...fakes.endpoint().forward, targets: [{ id: 't-a', url: 'http://localhost:3001', paused: true }] } }
    act(() => harness.stores.app.getState().setEndpoint(paused))
    change(byTest('forward-timeout'), '7')
    await save()
    expect(updates().at(-1)!.patch.forward).toMatchObject({ timeoutMs: 7000, targets: [{ id: 't-a', paused: true }] })
  })
})

describe('signature section of the endpoint editor', () => {
  it('stores the scheme and a write-only secret, shows "stored" afterwards, never the secret, and forgets it', async () => {
    const secret = 'whsec_test_super_secret_value'
    const { engine, fakes, harness, updates, view } = await setup()
    expect(screen.queryByTestId('signature-secret')).toBeNull()
    change(byTest('signature-scheme'), 'stripe')
    expect(byTest('signature-scheme-hint').textContent).toMatch(/Stripe-Signature/)
    expect(screen.queryByTestId('signature-secret-stored')).toBeNull()
    expect((byTest('signature-secret') as HTMLInputElement).type).toBe('password')
    change(byTest('signature-secret'), secret)
    await save()
    expect(updates().at(-1)!.patch.signature).toEqual({ scheme: 'stripe', publicUrl: null })
    expect(engine.calls.filter((c) => c.method === 'endpoints.setSecret').map((c) => c.input)).toEqual([{ id: 'ep_1', secret }])
    expect(fakes.endpoint().signature).toEqual({ scheme: 'stripe', publicUrl: null, hasSecret: true })
    expect(harness.stores.app.getState().endpointsById.ep_1!.signature.hasSecret).toBe(true)

    view.unmount()
    renderWith(harness, <EndpointEditor id="ep_1" onClose={() => undefined} />)
    await settle()
    expect(byTest('signature-secret-stored').textContent).toBe('stored')
    expect((byTest('signature-secret') as HTMLInputElement).value).toBe('')
    expect(document.body.innerHTML).not.toContain(secret)
    click(byTest('signature-secret-forget'))
    await settle()
    expect(engine.calls.filter((c) => c.method === 'endpoints.setSecret').at(-1)!.input).toEqual({ id: 'ep_1', secret: null })
    expect(screen.queryByTestId('signature-secret-stored')).toBeNull()
  })

  it('takes Twilio without a public URL, the URL then read from the request as a tunnel sends it, and checks that one given is a URL', async () => {
    const { updates } = await setup()
    change(byTest('signature-scheme'), 'twilio')
    expect(byTest('signature-public-url-from-host').textContent).toBe(
      'Left empty, each request is checked as a call to the host in its Host header, over https when its X-Forwarded-Proto says https, as ngrok and cloudflared send them.',
    )
    await save()
    expect(screen.queryByTestId('signature-public-url-error')).toBeNull()
    expect(updates().at(-1)!.patch.signature).toEqual({ scheme: 'twilio', publicUrl: null })
    change(byTest('signature-public-url'), 'not a url')
    await save()
    expect(byTest('signature-public-url-error').textContent).toMatch(/full http/)
    change(byTest('signature-public-url'), 'https://abc.trycloudflare.com')
    await save()
    expect(updates().at(-1)!.patch.signature).toEqual({ scheme: 'twilio', publicUrl: 'https://abc.trycloudflare.com' })
  })

  it('says that the public URL is the tunnel’s address, and shows under it the URL a Twilio signature of the latest request is checked with', async () => {
    await setup('ep_1', undefined, (engine) => {
      addCapture(engine, { target: '/sms?attempt=2' })
    })
    change(byTest('signature-scheme'), 'twilio')
    expect(byTest('signature-settings').textContent).toMatch(/each request’s path and query are added/)
    expect(screen.queryByTestId('signature-public-url-example')).toBeNull()
    // The URL Twilio was told to call, path included: the request's path would be added once more.
    change(byTest('signature-public-url'), 'https://abc.trycloudflare.com/sms')
    expect(byTest('signature-public-url-example').textContent).toBe('A request to /sms is checked as a call to https://abc.trycloudflare.com/sms/sms')
    change(byTest('signature-public-url'), 'https://abc.trycloudflare.com/')
    expect(byTest('signature-public-url-example').textContent).toBe('A request to /sms is checked as a call to https://abc.trycloudflare.com/sms')
    change(byTest('signature-public-url'), 'not a url')
    expect(screen.queryByTestId('signature-public-url-example')).toBeNull()
  })

  it('creates an endpoint with forwarding, then sets its scheme and secret', async () => {
    const { engine } = await setup('new')
    change(byTest('endpoint-field-name'), 'Payments')
    change(byTest('forward-mode'), 'proxy')
    click(byTest('forward-add-target'))
    change(byTest('forward-target-url'), 'http://localhost:3000')
    change(byTest('signature-scheme'), 'github')
    change(byTest('signature-secret'), 'gh-secret')
    await save()
    const created = engine.calls.find((c) => c.method === 'endpoints.create')!.input as { forward: ForwardConfig }
    expect(created.forward.mode).toBe('proxy')
    expect(created.forward.targets).toEqual([{ id: expect.stringMatching(/^t-/), url: 'http://localhost:3000', paused: false }])
    expect(created.forward.defaultTargetId).toBe(created.forward.targets[0]!.id)
    expect(engine.calls.find((c) => c.method === 'endpoints.update')!.input).toEqual({ id: 'ep_2', patch: { signature: { scheme: 'github', publicUrl: null } } })
    expect(engine.calls.find((c) => c.method === 'endpoints.setSecret')!.input).toEqual({ id: 'ep_2', secret: 'gh-secret' })
  })

  it('is reached from the sidebar for every endpoint', async () => {
    const engine = createFakeEngine()
    installForwardFakes(engine)
    const harness = createHarness(engine)
    harness.stores.sync.start()
    renderWith(harness, <EndpointsSidebar />)
    await settle()
    click(byTest('endpoint-edit'))
    expect(harness.stores.app.getState().editingEndpoint).toBe('ep_1')
    harness.stores.sync.dispose()
  })
})

describe('forward form values', () => {
  it('round-trips an endpoint config', () => {
    const config: ForwardConfig = {
      ...defaultForwardConfig(),
      mode: 'async',
      targets: [{ id: 't-1', url: 'http://localhost:3000', paused: true }],
      routes: [{ id: 'r-1', match: { kind: 'header', name: 'X-Kind', value: 'a' }, targetId: 't-1' }],
      defaultTargetId: 't-1',
    }
    expect(forwardConfigFrom(forwardFormFrom(config))).toEqual({ ok: true, config })
  })
})

describe('response and address fields of the endpoint editor', () => {
  it('names the field a refused value belongs to, by its label, and says what it accepts', async () => {
    const { updates, onClose } = await setup()
    const field = (name: string) => byTest(`endpoint-field-${name}`)
    const refusal = async () => {
      await save()
      return byTest('endpoint-form-error').textContent
    }
    change(field('delay'), '40000')
    expect(await refusal()).toBe('Delay (ms): enter a whole number of milliseconds from 0 to 30000 (30 s).')
    change(field('delay'), '0')
    change(field('status'), '99')
    expect(await refusal()).toBe('Status: enter an HTTP status code from 200 to 599.')
    change(field('status'), '200')
    change(field('headers'), 'Content-Type: text/plain\nX-Bad name: v')
    expect(await refusal()).toMatch(/^Headers "X-Bad name": header names are tokens/)
    change(field('headers'), 'Content-Type: text/plain')
    change(field('port'), '70000')
    expect(await refusal()).toBe('Port: enter a whole number from 0 to 65535 (0 picks a free one).')
    change(field('port'), '0')
    change(field('name'), '  ')
    expect(await refusal()).toBe('Name: give the endpoint a name of 1 to 100 characters.')
    change(field('name'), 'Stripe')
    change(field('host'), '')
    expect(await refusal()).toMatch(/^Bind address: enter an address/)
    expect(updates()).toHaveLength(0)
    expect(onClose).not.toHaveBeenCalled()
    change(field('host'), '127.0.0.1')
    await save()
    expect(onClose).toHaveBeenCalled()
    expect(updates()[0]!.patch).toMatchObject({ name: 'Stripe', port: 0, response: { status: 200, delayMs: 0, headers: [['Content-Type', 'text/plain']] } })
  })
})

describe('mistakes in the endpoint editor', () => {
  it('shows each field’s problem once it is left and as it is edited, and all of them at one Save, focusing the first', async () => {
    const { updates, onClose } = await setup()
    const field = (name: string) => byTest(`endpoint-field-${name}`)
    const problem = (name: string) => screen.queryByTestId(`endpoint-field-${name}-error`)?.textContent ?? null
    // Left with a mistake: said at once, at the field, before any Save.
    change(field('status'), '99')
    expect(problem('status')).toBeNull()
    act(() => void fireEvent.blur(field('status')))
    expect(problem('status')).toBe('Status: enter an HTTP status code from 200 to 599.')
    expect(field('status').getAttribute('aria-invalid')).toBe('true')
    expect(field('status').getAttribute('aria-describedby')).toBe('endpoint-field-status-error')
    // From then on it follows the edit.
    change(field('status'), '201')
    expect(problem('status')).toBeNull()
    expect(field('status').getAttribute('aria-invalid')).toBeNull()
    change(field('status'), '99')
    expect(problem('status')).toMatch(/^Status:/)

    // Three mistakes, one Save: each at its field, the first focused, nothing sent.
    change(field('delay'), '40000')
    change(field('headers'), 'Content-Type: text/plain\nX-Bad name: v')
    act(() => (field('name') as HTMLInputElement).focus())
    await save()
    expect(problem('status')).toBe('Status: enter an HTTP status code from 200 to 599.')
    expect(problem('delay')).toBe('Delay (ms): enter a whole number of milliseconds from 0 to 30000 (30 s).')
    expect(problem('headers')).toMatch(/^Headers "X-Bad name": header names are tokens/)
    expect(problem('name')).toBeNull()
    expect(document.activeElement).toBe(field('status'))
    expect(byTest('endpoint-form-error').textContent).toBe('These need attention (marked above): Status, Delay (ms), Headers.')
    expect(updates()).toHaveLength(0)
    expect(onClose).not.toHaveBeenCalled()

    change(field('status'), '200')
    change(field('delay'), '0')
    change(field('headers'), 'Content-Type: text/plain')
    expect([problem('status'), problem('delay'), problem('headers')]).toEqual([null, null, null])
    await save()
    expect(onClose).toHaveBeenCalled()
    expect(updates()[0]!.patch).toMatchObject({ response: { status: 200, delayMs: 0, headers: [['Content-Type', 'text/plain']] } })
  })
})

describe('mistakes in the forwarding section', () => {
  it('shows each target’s, route’s and number’s problem once it is left and as it is edited, and all of them at one Save, focusing the first', async () => {
    const { updates, onClose } = await setup()
    const blur = (element: Element) => act(() => void fireEvent.blur(element))
    const problem = (testId: string) => screen.queryByTestId(testId)?.textContent ?? null
    const describedBy = (element: Element) => element.getAttribute('aria-describedby') && document.getElementById(element.getAttribute('aria-describedby')!)?.textContent
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    const url = byTest('forward-target-url')
    change(url, 'localhost:3000')
    expect(problem('forward-target-error')).toBeNull()
    // Left with a mistake: said at once, at the field, before any Save.
    blur(url)
    expect(problem('forward-target-error')).toBe('Give a full URL, such as http://localhost:3000/webhooks.')
    expect(url.getAttribute('aria-invalid')).toBe('true')
    expect(describedBy(url)).toBe('Give a full URL, such as http://localhost:3000/webhooks.')
    // From then on it follows the edit.
    change(url, 'http://localhost:3000')
    expect(problem('forward-target-error')).toBeNull()
    expect(url.getAttribute('aria-invalid')).toBeNull()
    change(url, 'http://localhost:3000/hooks?x=1')
    expect(problem('forward-target-error')).toMatch(/no query or fragment/)
    change(url, 'http://localhost:3000')

    click(byTest('forward-add-route'))
    blur(byTest('forward-route-prefix'))
    expect(problem('forward-route-error')).toBe('Give a path prefix.')
    expect(byTest('forward-route-prefix').getAttribute('aria-invalid')).toBe('true')
    change(byTest('forward-route-prefix'), '/stripe')
    expect(problem('forward-route-error')).toBeNull()

    change(byTest('forward-timeout'), 'soon')
    expect(problem('forward-timeout-error')).toBeNull()
    blur(byTest('forward-timeout'))
    expect(problem('forward-timeout-error')).toBe('Give a number.')
    change(byTest('forward-timeout'), '5')
    expect(problem('forward-timeout-error')).toBeNull()

    // Two mistakes never left, one Save: each at its field, the first focused, nothing sent.
    change(byTest('forward-max-attempts'), '0')
    change(byTest('forward-max-delay'), '0.001')
    act(() => (byTest('endpoint-field-name') as HTMLInputElement).focus())
    await save()
    expect(problem('forward-max-attempts-error')).toBe('Between 1 and 1000.')
    expect(problem('forward-max-delay-error')).toBe('At least 0.01 s.')
    expect(document.activeElement).toBe(byTest('forward-max-attempts'))
    expect(updates()).toHaveLength(0)
    // Fixed as it is typed, without another Save.
    change(byTest('forward-max-attempts'), '5')
    expect(problem('forward-max-attempts-error')).toBeNull()
    change(byTest('forward-max-delay'), '60')
    expect(problem('forward-max-delay-error')).toBeNull()
    await save()
    expect(onClose).toHaveBeenCalled()
    expect(updates()[0]!.patch.forward).toMatchObject({ retry: { maxAttempts: 5, maxDelayMs: 60_000 }, routes: [{ match: { kind: 'path-prefix', prefix: '/stripe' } }] })
  })
})

describe('where a target sends requests', () => {
  it('shows, under each target URL as typed, where the endpoint’s latest request goes: the request’s path appended', async () => {
    await setup('ep_1', undefined, (engine) => {
      addCapture(engine, { target: '/stripe/events?attempt=2' })
    })
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    expect(byTest('forward-target-url').getAttribute('placeholder')).toBe('http://localhost:3000')
    expect(screen.queryByTestId('forward-target-example')).toBeNull()
    change(byTest('forward-target-url'), 'http://localhost:3000/stripe/events/')
    expect(byTest('forward-target-example').textContent).toBe('A request to /stripe/events goes to http://localhost:3000/stripe/events/stripe/events')
    change(byTest('forward-target-url'), 'http://localhost:3000')
    expect(byTest('forward-target-example').textContent).toBe('A request to /stripe/events goes to http://localhost:3000/stripe/events')
  })

  it('takes /webhooks as its example before the endpoint has a request', async () => {
    await setup()
    change(byTest('forward-mode'), 'async')
    click(byTest('forward-add-target'))
    change(byTest('forward-target-url'), 'http://localhost:3000/webhooks')
    expect(byTest('forward-target-example').textContent).toBe('A request to /webhooks goes to http://localhost:3000/webhooks/webhooks')
  })
})

describe('an address the engine cannot move an endpoint to', () => {
  it('marks the port or bind address it refused, focuses it and says that nothing was saved', async () => {
    const { engine, onClose } = await setup()
    const field = (name: string) => byTest(`endpoint-field-${name}`)
    const problem = (name: string) => screen.queryByTestId(`endpoint-field-${name}-error`)?.textContent ?? null
    let refusal = new HookscopeError('PORT_IN_USE', 'Port 8080 on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.')
    engine.override('endpoints.update', () => {
      throw refusal
    })
    change(field('port'), '8080')
    await save()
    expect(problem('port')).toBe('Port 8080 on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.')
    expect(field('port').getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(field('port'))
    expect(byTest('endpoint-form-error').textContent).toBe('Not saved: Port 8080 on 127.0.0.1 is already in use by another program. Choose another port, or 0 for any free one.')
    expect(onClose).not.toHaveBeenCalled()
    // Another port: the mark goes with the value it was about.
    change(field('port'), '8081')
    expect(problem('port')).toBeNull()

    refusal = new HookscopeError('ADDRESS_NOT_AVAILABLE', '10.99.99.99 is not an address of this machine.')
    change(field('host'), '10.99.99.99')
    await save()
    expect(problem('host')).toBe('10.99.99.99 is not an address of this machine.')
    expect(document.activeElement).toBe(field('host'))
    expect(byTest('endpoint-form-error').textContent).toBe('Not saved: 10.99.99.99 is not an address of this machine. Change its bind address or port.')
    expect(problem('port')).toBeNull()
  })
})

describe('endpoint names', () => {
  async function withTwo(id: string | 'new') {
    const engine = createFakeEngine()
    const second = makeEndpoint('ep_2', 'Stripe', 4568)
    engine.endpoints.push(second.endpoint)
    engine.statuses.push(second.status)
    installForwardFakes(engine)
    const harness = createHarness(engine)
    harness.stores.app.getState().setEndpoints(engine.endpoints, engine.statuses)
    const onClose = vi.fn()
    renderWith(harness, <EndpointEditor id={id} onClose={onClose} />)
    await settle()
    const sent = () => engine.calls.filter((c) => c.method === 'endpoints.update' || c.method === 'endpoints.create')
    return { onClose, sent }
  }

  it('refuses a name another endpoint has, whatever its case, saying which, and keeps its own', async () => {
    const { onClose, sent } = await withTwo('ep_1')
    const name = byTest('endpoint-field-name')
    change(name, ' stripe ')
    await save()
    expect(screen.getByTestId('endpoint-field-name-error').textContent).toBe('Name: another endpoint is already called “Stripe”; give this one a name of its own.')
    expect(document.activeElement).toBe(name)
    expect(sent()).toHaveLength(0)
    change(name, 'Default')
    await save()
    expect(onClose).toHaveBeenCalled()
  })

  it('offers a new endpoint a name no other has', async () => {
    const engine = createFakeEngine()
    engine.endpoints[0]!.name = 'Webhooks'
    installForwardFakes(engine)
    const harness = createHarness(engine)
    harness.stores.app.getState().setEndpoints(engine.endpoints, engine.statuses)
    renderWith(harness, <EndpointEditor id="new" onClose={vi.fn()} />)
    await settle()
    expect((byTest('endpoint-field-name') as HTMLInputElement).value).toBe('Webhooks 2')
  })
})

describe('removing an endpoint from its editor', () => {
  it('asks first; cancelled, gives the focus back to Remove, with what was typed kept', async () => {
    const { onClose } = await setup()
    change(byTest('endpoint-field-name'), 'Typed')
    act(() => byTest('endpoint-remove').focus())
    click(byTest('endpoint-remove'))
    const confirm = byTest('endpoint-remove-confirm')
    expect(confirm.textContent).toContain('Stop and remove "Default"?')
    click(within(confirm).getByText('Cancel'))
    expect(screen.queryByTestId('endpoint-remove-confirm')).toBeNull()
    expect(document.activeElement).toBe(byTest('endpoint-remove'))
    expect((byTest('endpoint-field-name') as HTMLInputElement).value).toBe('Typed')
    expect(onClose).not.toHaveBeenCalled()
  })
})
