import './helpers/setup-dom'
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { defaultForwardConfig, type Endpoint } from '../../shared/model'
import type { RunState } from '../../shared/collections'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { settle } from './helpers/render-app'
import { renderCollectionsView } from './helpers/collections-app'

/** Start the run the panel shows and let it finish at once (`total` results); answers what `collections.run` was given. */
async function startRun(engine: ReturnType<typeof createFakeEngine>, harness: Awaited<ReturnType<typeof renderCollectionsView>>, total: number): Promise<unknown> {
  await act(async () => {
    fireEvent.submit(screen.getByTestId('run-start').closest('form')!)
  })
  await settle()
  const runId = workbenchOf(harness.stores).store.getState().runId!
  act(() => engine.emit('collections.run', { runId, collectionId: 'col_a', total, done: total, state: 'finished', results: [] }))
  await settle()
  return [...engine.calls].reverse().find((c) => c.method === 'collections.run')!.input
}

describe('a collection run', () => {
  it('says when the app refused an item for its signature, a stale timestamp say, beside its status', async () => {
    const engine = createFakeEngine()
    const endpoint = engine.endpoints[0]! as Endpoint
    endpoint.forward = { ...defaultForwardConfig(), targets: [{ id: 't1', url: 'http://localhost:3000/app', paused: false }], defaultTargetId: 't1' }
    endpoint.signature = { scheme: 'stripe', publicUrl: null, hasSecret: true }
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: [fake.item({ id: 'itm_1', name: 'Edited refund' }), fake.item({ id: 'itm_2', name: 'Not found' })] })
    const harness = await renderCollectionsView(engine)
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

  it('takes the focus to the run’s first option when Run… is pressed, for a collection and for a folder, also when its panel is open already', async () => {
    const engine = createFakeEngine()
    ;(engine.endpoints[0]! as Endpoint).forward = defaultForwardConfig()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Refunds', folders: [{ id: 'fld_1', name: 'Disputes', parentId: null }], items: [fake.item({ id: 'itm_1', name: 'Refund', folderId: 'fld_1' })] })
    await renderCollectionsView(engine)
    fireEvent.click(screen.getByTestId('collection-run'))
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('run-target')))
    // Pressed again with the focus elsewhere, it brings the focus back to the panel it opened.
    screen.getByTestId('collection-run').focus()
    fireEvent.click(screen.getByTestId('collection-run'))
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('run-target')))
    fireEvent.click(screen.getAllByTestId('tree-node').find((node) => node.textContent?.includes('Disputes'))!)
    await settle()
    fireEvent.click(screen.getByTestId('folder-run'))
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('run-target')))
    expect(screen.getByTestId('run-panel').textContent).toContain('Run Disputes')
  })

  async function runPanelFor(urls: string[], targets: string[], mode: 'async' | 'off' = 'async') {
    const engine = createFakeEngine()
    const endpoint = engine.endpoints[0]! as Endpoint
    endpoint.name = 'Stripe <b>hooks</b>'
    endpoint.forward = { ...defaultForwardConfig(), mode, targets: targets.map((url, i) => ({ id: `t${i}`, url, paused: false })), defaultTargetId: targets.length > 0 ? 't0' : null }
    const fake = installFakeWorkbench(engine)
    fake.addCollection({
      id: 'col_a',
      name: 'Saved',
      items: urls.map((url, i) => fake.item({ id: `itm_${i}`, name: `Item ${i}`, request: { method: 'POST', url, headers: [], body: { encoding: 'utf8', data: '{}' } }, source: { kind: 'capture', id: `cap_${i}`, endpointId: 'ep_1' } })),
    })
    const harness = await renderCollectionsView(engine)
    fireEvent.click(screen.getByTestId('collection-run'))
    await settle()
    const start = async () => (await startRun(engine, harness, urls.length)) as { baseUrl: string | null }
    return { engine, fake, start }
  }

  it('sends requests saved from a Hookscope endpoint to its forward target by default, saying that their own URL would capture them again', async () => {
    const { fake, start } = await runPanelFor(['http://127.0.0.1:4567/hooks/a', 'http://localhost:4567/hooks/b?x=1'], ['http://localhost:3000/app'])
    const select = screen.getByTestId('run-target') as HTMLSelectElement
    expect(select.value).toBe('http://localhost:3000/app')
    expect(screen.getByTestId('run-own-endpoint').textContent).toBe(
      'These requests point at Hookscope’s endpoint “Stripe <b>hooks</b>” (http://127.0.0.1:4567): they go to its forward target instead. Sent to their own URL, they would be captured there again, and forwarded.',
    )
    expect(document.querySelector('[data-testid="run-own-endpoint"] b')).toBeNull()
    expect((await start()).baseUrl).toBe('http://localhost:3000/app')
    // Their own URL stays a choice, and says what it does; the saved URLs are left as they are.
    fireEvent.change(select, { target: { value: '' } })
    expect(screen.getByTestId('run-own-endpoint').textContent).toBe('These requests point at Hookscope’s endpoint “Stripe <b>hooks</b>” (http://127.0.0.1:4567): they will be captured there again, and forwarded.')
    expect((await start()).baseUrl).toBeNull()
    expect(fake.collections.get('col_a')!.items.map((i) => i.request.url)).toEqual(['http://127.0.0.1:4567/hooks/a', 'http://localhost:4567/hooks/b?x=1'])
  })

  it('keeps each item’s own URL when the endpoint has no single forward target, saying they will be captured again', async () => {
    await runPanelFor(['http://127.0.0.1:4567/hooks/a'], [], 'off')
    expect((screen.getByTestId('run-target') as HTMLSelectElement).value).toBe('')
    expect(screen.getByTestId('run-own-endpoint').textContent).toBe('These requests point at Hookscope’s endpoint “Stripe <b>hooks</b>” (http://127.0.0.1:4567): they will be captured there again.')
  })

  it('counts the requests of a run that point at a Hookscope endpoint when only some do, and says nothing when none do', async () => {
    await runPanelFor(['http://127.0.0.1:4567/hooks/a', 'http://localhost:3000/elsewhere'], ['http://localhost:3000/app'])
    expect((screen.getByTestId('run-target') as HTMLSelectElement).value).toBe('')
    expect(screen.getByTestId('run-own-endpoint').textContent).toBe('1 of these 2 requests points at Hookscope’s endpoint “Stripe <b>hooks</b>” (http://127.0.0.1:4567): it will be captured there again, and forwarded.')
    cleanup()
    await runPanelFor(['http://localhost:3000/elsewhere', 'http://127.0.0.1:4568/other-port'], ['http://localhost:3000/app'])
    expect(screen.queryByTestId('run-own-endpoint')).toBeNull()
  })
})

describe('a run of items saved without re-signing that carry a signature', () => {
  async function panelWith(endpoints: Array<{ id: string; name: string; scheme: Endpoint['signature']['scheme']; hasSecret: boolean }>) {
    const engine = createFakeEngine()
    const first = engine.endpoints[0]! as Endpoint
    engine.endpoints.splice(0, 1, ...endpoints.map((e) => ({ ...first, id: e.id, name: e.name, forward: defaultForwardConfig(), signature: { scheme: e.scheme, publicUrl: null, hasSecret: e.hasSecret } })))
    engine.statuses.splice(0, 1, ...endpoints.map((e, i) => ({ ...engine.statuses[0]!, id: e.id, port: 5000 + i, url: `http://127.0.0.1:${5000 + i}` })))
    const fake = installFakeWorkbench(engine)
    const signed = (id: string, headers: Array<[string, string]>) => fake.item({ id, name: id, request: { method: 'POST', url: `http://localhost:3000/${id}`, headers: [['Content-Type', 'application/json'], ...headers], body: { encoding: 'utf8', data: '{}' } }, source: { kind: 'import', id: null } })
    fake.addCollection({
      id: 'col_a',
      name: 'Imported',
      items: [
        signed('stripe_1', [['Stripe-Signature', 't=1,v1=ab']]),
        signed('stripe_2', [['stripe-signature', 't=1,v1=cd']]),
        signed('std', [['webhook-id', 'msg_1'], ['webhook-timestamp', '1'], ['webhook-signature', 'v1,AAAA']]),
        signed('plain', []),
        { ...signed('configured', [['Stripe-Signature', 't=1,v1=ef']]), signature: { scheme: 'stripe', endpointId: 'ep_stripe' } },
        // Re-signed by an endpoint since removed: nothing re-signs it either.
        { ...signed('orphan', [['Stripe-Signature', 't=1,v1=ef']]), signature: { scheme: 'stripe', endpointId: 'ep_removed' } },
      ],
    })
    const harness = await renderCollectionsView(engine)
    fireEvent.click(screen.getByTestId('collection-run'))
    await settle()
    const start = async () => (await startRun(engine, harness, 6)) as { resignWith: string[] }
    return { start }
  }

  it('offers to re-sign them with an endpoint of their scheme, chosen when it is the only one, and sends that choice', async () => {
    const { start } = await panelWith([
      { id: 'ep_stripe', name: 'Stripe <b>live</b>', scheme: 'stripe', hasSecret: true },
      { id: 'ep_std', name: 'Std A', scheme: 'standard-webhooks', hasSecret: true },
      { id: 'ep_svix', name: 'Svix B', scheme: 'svix', hasSecret: true },
      { id: 'ep_gh', name: 'GitHub', scheme: 'github', hasSecret: true },
    ])
    const notes = screen.getAllByTestId('run-unsigned')
    expect(notes.map((note) => note.querySelector('p')!.textContent)).toEqual([
      '3 of these requests carry a Stripe signature (Stripe-Signature) that nothing re-signs: sent as saved, their signature still carries the time they were signed, which the app refuses once it is a few minutes old.',
      'One of these requests carries a Standard Webhooks or Svix signature (webhook-signature) that nothing re-signs: sent as saved, its signature still carries the time it was signed, which the app refuses once it is a few minutes old.',
    ])
    expect(document.querySelector('[data-testid="run-unsigned"] b')).toBeNull()
    const [stripeChoice, stdChoice] = screen.getAllByTestId('run-resign-with') as HTMLSelectElement[]
    // The only Stripe endpoint is chosen; of the two that read webhook-signature, none until one is picked.
    expect(stripeChoice!.value).toBe('ep_stripe')
    expect([...stripeChoice!.options].map((o) => o.textContent)).toEqual(['Nothing: send them as saved', 'Stripe <b>live</b>’s secret'])
    expect(stdChoice!.value).toBe('')
    expect([...stdChoice!.options].map((o) => o.textContent)).toEqual(['Nothing: send it as saved', 'Std A’s secret', 'Svix B’s secret'])
    expect((await start()).resignWith).toEqual(['ep_stripe'])
    fireEvent.change(stdChoice!, { target: { value: 'ep_svix' } })
    expect((await start()).resignWith).toEqual(['ep_svix', 'ep_stripe'])
    fireEvent.change(stripeChoice!, { target: { value: '' } })
    expect((await start()).resignWith).toEqual(['ep_svix'])
  })

  it('says how to get an endpoint that can re-sign them when none can', async () => {
    await panelWith([{ id: 'ep_stripe', name: 'Stripe', scheme: 'stripe', hasSecret: false }])
    expect(screen.queryByTestId('run-resign-with')).toBeNull()
    expect(screen.getAllByTestId('run-resign-none').map((p) => p.textContent)).toEqual([
      'To re-sign them, store the signing secret of “Stripe” in its signature settings.',
      'To re-sign it, choose Standard Webhooks or Svix as an endpoint’s signature scheme and store its secret.',
    ])
  })
})

describe('re-signing where configured', () => {
  async function panelFor(endpoints: Array<{ id: string; name: string; hasSecret: boolean }>, items: Array<{ id: string; signedBy: string | null; header?: boolean }>) {
    const engine = createFakeEngine()
    const first = engine.endpoints[0]! as Endpoint
    engine.endpoints.splice(0, 1, ...endpoints.map((e) => ({ ...first, id: e.id, name: e.name, forward: defaultForwardConfig(), signature: { scheme: 'stripe' as const, publicUrl: null, hasSecret: e.hasSecret } })))
    engine.statuses.splice(0, 1, ...endpoints.map((e, i) => ({ ...engine.statuses[0]!, id: e.id, port: 5000 + i, url: `http://127.0.0.1:${5000 + i}` })))
    const fake = installFakeWorkbench(engine)
    fake.addCollection({
      id: 'col_a',
      name: 'Payments',
      items: items.map((item) =>
        fake.item({
          id: item.id,
          name: item.id,
          signature: item.signedBy === null ? null : { scheme: 'stripe', endpointId: item.signedBy },
          request: { method: 'POST', url: `http://localhost:3000/${item.id}`, headers: item.header === false ? [] : [['Stripe-Signature', 't=1,v1=ab']], body: { encoding: 'utf8', data: '{}' } },
        }),
      ),
    })
    const harness = await renderCollectionsView(engine)
    fireEvent.click(screen.getByTestId('collection-run'))
    await settle()
    const start = async () => (await startRun(engine, harness, items.length)) as { resign: boolean }
    return { start }
  }
  const option = () => screen.queryByTestId('run-resign') as HTMLInputElement | null

  it('is offered, and on, when an endpoint has the secret that re-signs a request of the run', async () => {
    const { start } = await panelFor(
      [
        { id: 'ep_live', name: 'Stripe live', hasSecret: true },
        { id: 'ep_test', name: 'Stripe test', hasSecret: false },
      ],
      [
        { id: 'by_test', signedBy: 'ep_test' },
        { id: 'by_live', signedBy: 'ep_live' },
      ],
    )
    expect(option()!.disabled).toBe(false)
    expect(option()!.checked).toBe(true)
    expect(screen.queryByTestId('run-resign-reason')).toBeNull()
    expect((await start()).resign).toBe(true)
    fireEvent.click(option()!)
    expect((await start()).resign).toBe(false)
  })

  it('is shown off, saying why and what to do, when no endpoint set to re-sign the run’s requests has a secret', async () => {
    const { start } = await panelFor(
      [
        { id: 'ep_live', name: 'Stripe <b>live</b>', hasSecret: false },
        { id: 'ep_test', name: 'Stripe test', hasSecret: false },
      ],
      [
        { id: 'one', signedBy: 'ep_live' },
        { id: 'two', signedBy: 'ep_live' },
        { id: 'three', signedBy: 'ep_test' },
      ],
    )
    expect(option()!.disabled).toBe(true)
    expect(option()!.checked).toBe(false)
    const reason = screen.getByTestId('run-resign-reason')
    expect(reason.textContent).toBe('The 3 requests set to be re-signed are sent as saved: “Stripe <b>live</b>” and “Stripe test” have no signing secret yet. Store them in their signature settings to re-sign them.')
    expect(document.querySelector('[data-testid="run-resign-reason"] b')).toBeNull()
    expect(option()!.getAttribute('aria-describedby')).toBe(reason.id)
    // Sent as saved, as it says, whatever was chosen before.
    expect((await start()).resign).toBe(false)
  })

  it('names one endpoint and one request in the singular', async () => {
    await panelFor([{ id: 'ep_live', name: 'Stripe', hasSecret: false }], [{ id: 'one', signedBy: 'ep_live' }, { id: 'plain', signedBy: null, header: false }])
    expect(screen.getByTestId('run-resign-reason').textContent).toBe('The request set to be re-signed is sent as saved: “Stripe” has no signing secret yet. Store it in its signature settings to re-sign it.')
  })

  it('is not shown when no request of the run is set to be re-signed, or none carries the signature it would replace', async () => {
    const { start } = await panelFor([{ id: 'ep_live', name: 'Stripe', hasSecret: true }], [{ id: 'plain', signedBy: null, header: false }, { id: 'bare', signedBy: 'ep_live', header: false }])
    expect(option()).toBeNull()
    expect(screen.queryByTestId('run-resign-reason')).toBeNull()
    expect((await start()).resign).toBe(false)
  })
})

describe('a run still in progress when the page was reloaded, or its panel closed', () => {
  async function panelWithRuns(runs: RunState[]) {
    const engine = createFakeEngine()
    ;(engine.endpoints[0]! as Endpoint).forward = defaultForwardConfig()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: ['one', 'two', 'three'].map((name) => fake.item({ id: `itm_${name}`, name })) })
    engine.override('collections.runs', () => runs)
    const harness = await renderCollectionsView(engine)
    fireEvent.click(screen.getByTestId('collection-run'))
    await settle()
    return { engine, harness }
  }
  const running: RunState = {
    runId: 'run_1',
    collectionId: 'col_a',
    folderId: null,
    total: 3,
    done: 1,
    state: 'running',
    results: [{ itemId: 'itm_one', name: 'one', replayId: 'rep_1', status: 200, durationMs: 4, error: null, ok: true }],
  }

  it('shows its progress and results with its Stop, and starts no second run beside it', async () => {
    const { engine } = await panelWithRuns([running, { ...running, runId: 'run_0', done: 3, state: 'finished' }])
    expect(screen.getByTestId('run-progress-text').textContent).toBe('1 of 3 sent · running')
    expect(screen.getAllByTestId('run-result').map((row) => row.textContent)).toEqual(['1one2004 ms'])
    expect((screen.getByTestId('run-start') as HTMLButtonElement).disabled).toBe(true)
    await act(async () => {
      fireEvent.click(screen.getByTestId('run-cancel'))
    })
    expect([...engine.calls].reverse().find((c) => c.method === 'collections.cancelRun')!.input).toEqual({ runId: 'run_1' })
    // Closed and opened again, the panel finds it again.
    fireEvent.click(screen.getByTestId('run-close'))
    fireEvent.click(screen.getByTestId('collection-run'))
    await settle()
    expect(screen.getByTestId('run-progress-text').textContent).toBe('1 of 3 sent · running')
  })

  it('says the run stopped when the engine tells it so before Stop is answered, which names the run as it was when Stop was pressed', async () => {
    const { engine } = await panelWithRuns([running])
    engine.override('collections.cancelRun', () => {
      engine.emit('collections.run', { ...running, state: 'cancelled' })
      return running
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('run-cancel'))
    })
    await settle()
    expect(screen.getByTestId('run-progress-text').textContent).toBe('1 of 3 sent · cancelled')
    expect(screen.queryByTestId('run-cancel')).toBeNull()
    expect((screen.getByTestId('run-start') as HTMLButtonElement).disabled).toBe(false)
  })

  it('shows the last run of what it runs once none is in progress, and not a run of a folder in the panel of the whole collection', async () => {
    await panelWithRuns([{ ...running, folderId: 'fld_x', runId: 'run_2' }, { ...running, runId: 'run_0', done: 3, state: 'finished' }])
    expect(screen.getByTestId('run-progress-text').textContent).toBe('3 of 3 sent · finished')
    expect((screen.getByTestId('run-start') as HTMLButtonElement).disabled).toBe(false)
  })
})

describe('the options of a run', () => {
  it('are kept for each collection and folder, the timeout each request waits included: closed, reopened and after a reload the panel runs as it was set up', async () => {
    const engine = createFakeEngine()
    const endpoint = engine.endpoints[0]! as Endpoint
    endpoint.forward = { ...defaultForwardConfig(), targets: [{ id: 't1', url: 'http://localhost:3000/app', paused: false }], defaultTargetId: 't1' }
    endpoint.signature = { scheme: 'stripe', publicUrl: null, hasSecret: true }
    const fake = installFakeWorkbench(engine)
    // Saved re-signed by the endpoint, which has its secret: the run can re-sign them.
    const signed = (id: string, name: string) =>
      fake.item({ id, name, signature: { scheme: 'stripe', endpointId: endpoint.id }, request: { method: 'POST', url: `http://localhost:3000/${id}`, headers: [['Stripe-Signature', 't=1,v1=ab']], body: { encoding: 'utf8', data: '{}' } } })
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: [signed('itm_1', 'one')] })
    fake.addCollection({ id: 'col_b', name: 'Orders', items: [signed('itm_2', 'two')] })
    let harness = await renderCollectionsView(engine)
    const open = async (name: string) => {
      await act(async () => {
        fireEvent.click(screen.getAllByTestId('collection-entry').find((entry) => entry.textContent?.includes(name))!)
      })
      await settle()
      fireEvent.click(screen.getByTestId('collection-run'))
      await settle()
    }
    const start = () => startRun(engine, harness, 1)
    await open('Refunds')
    fireEvent.change(screen.getByTestId('run-target'), { target: { value: '__custom__' } })
    // Typed without its scheme, as in the Composer: over http://.
    fireEvent.change(screen.getByTestId('run-custom-url'), { target: { value: 'localhost:4000/staging' } })
    fireEvent.change(screen.getByTestId('run-delay'), { target: { value: '250' } })
    fireEvent.click(screen.getByTestId('run-stop'))
    fireEvent.click(screen.getByTestId('run-resign'))
    // A timeout that cannot be used says so, and starts nothing.
    fireEvent.change(screen.getByTestId('run-timeout'), { target: { value: '0.5' } })
    expect(screen.getByTestId('run-timeout-error').textContent).toBe('The timeout is from 1 to 600 seconds (10 minutes).')
    expect((screen.getByTestId('run-start') as HTMLButtonElement).disabled).toBe(true)
    fireEvent.change(screen.getByTestId('run-timeout'), { target: { value: '90' } })
    const expected = { id: 'col_a', baseUrl: 'http://localhost:4000/staging', delayMs: 250, stopOnFailure: true, resign: false, timeoutMs: 90_000 }
    expect(await start()).toMatchObject(expected)

    // Closed and opened again.
    fireEvent.click(screen.getByTestId('run-close'))
    fireEvent.click(screen.getByTestId('collection-run'))
    await settle()
    expect((screen.getByTestId('run-custom-url') as HTMLInputElement).value).toBe('localhost:4000/staging')
    expect(await start()).toMatchObject(expected)

    // After a reload.
    cleanup()
    harness = await renderCollectionsView(engine)
    await open('Refunds')
    expect((screen.getByTestId('run-delay') as HTMLInputElement).value).toBe('250')
    expect((screen.getByTestId('run-stop') as HTMLInputElement).checked).toBe(true)
    expect((screen.getByTestId('run-resign') as HTMLInputElement).checked).toBe(false)
    expect(await start()).toMatchObject(expected)

    // Another collection has its own, from the defaults.
    fireEvent.click(screen.getByTestId('run-close'))
    await open('Orders')
    expect((screen.getByTestId('run-target') as HTMLSelectElement).value).toBe('')
    expect((screen.getByTestId('run-delay') as HTMLInputElement).value).toBe('0')
    expect((screen.getByTestId('run-stop') as HTMLInputElement).checked).toBe(false)
    expect((screen.getByTestId('run-timeout') as HTMLInputElement).value).toBe('30')
  })
})

describe('running the failed requests again', () => {
  it('is offered once a run ended with failures, starts a new run of them from the run that had them, and is hidden when none failed', async () => {
    const engine = createFakeEngine()
    ;(engine.endpoints[0]! as Endpoint).forward = defaultForwardConfig()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: ['one', 'two', 'three'].map((name) => fake.item({ id: `itm_${name}`, name })) })
    engine.override('collections.rerunFailed', (input) => {
      const { runId } = input as { runId: string }
      return { runId: `${runId}_again`, collectionId: 'col_a', total: 2, done: 0, state: 'running', results: [] } satisfies RunState
    })
    const harness = await renderCollectionsView(engine)
    const workbench = workbenchOf(harness.stores)
    fireEvent.click(screen.getByTestId('collection-run'))
    await act(async () => {
      fireEvent.submit(screen.getByTestId('run-start').closest('form')!)
    })
    await settle()
    const runId = workbench.store.getState().runId!
    const result = (itemId: string, status: number | null, ok: boolean) => ({ itemId, name: itemId.slice(4), replayId: null, status, durationMs: 3, error: status === null ? 'connection refused' : null, ok })
    const results = [result('itm_one', 200, true), result('itm_two', null, false), result('itm_three', 500, false)]
    // Not while it runs, even with a failure already.
    act(() => engine.emit('collections.run', { runId, collectionId: 'col_a', total: 3, done: 2, state: 'running', results: results.slice(0, 2) }))
    await settle()
    expect(screen.queryByTestId('run-failed-again')).toBeNull()
    act(() => engine.emit('collections.run', { runId, collectionId: 'col_a', total: 3, done: 3, state: 'finished', results }))
    await settle()
    const again = screen.getByTestId('run-failed-again')
    expect(again.textContent).toBe('Run failed again (2)')
    await act(async () => {
      fireEvent.click(again)
    })
    await settle()
    expect(engine.calls.filter((c) => c.method === 'collections.rerunFailed').map((c) => c.input)).toEqual([{ runId }])
    expect(workbench.store.getState().runId).toBe(`${runId}_again`)
    expect(screen.getByTestId('run-progress-text').textContent).toBe('0 of 2 sent · running')
    expect(screen.queryByTestId('run-failed-again')).toBeNull()
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('run-cancel')))
    // The new run's requests all answered: nothing is left to run again.
    act(() => engine.emit('collections.run', { runId: `${runId}_again`, collectionId: 'col_a', total: 2, done: 2, state: 'finished', results: [result('itm_two', 200, true), result('itm_three', 200, true)] }))
    await settle()
    expect(screen.getByTestId('run-progress-text').textContent).toBe('2 of 2 sent · finished')
    expect(screen.queryByTestId('run-failed-again')).toBeNull()
  })
})
