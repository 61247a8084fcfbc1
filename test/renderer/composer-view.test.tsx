import './helpers/setup-dom'
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { EditorView } from '@codemirror/view'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { Workbench, workbenchOf } from '../../renderer/src/workbench/commands'
import { defaultForwardConfig, type Endpoint, type RequestDraft } from '../../shared/model'
import { toCurl } from '../../shared/formats'
import { HookscopeError } from '../../shared/errors'
import { addCapture, createFakeEngine, utf8 } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { createHarness, renderWith, settle } from './helpers/render-app'
import { formatClock, formatDateTime } from '../../renderer/src/text/format'

const HOSTILE = '<img src=x onerror="window.__pwned=1">'

async function setup(options: { scheme?: boolean | 'svix' | 'github'; headers?: Array<[string, string]>; targets?: Endpoint['forward']['targets'] } = {}) {
  const engine = createFakeEngine()
  const endpoint = engine.endpoints[0]! as Endpoint
  endpoint.forward = { ...defaultForwardConfig(), targets: options.targets ?? [{ id: 't1', url: 'http://localhost:3000/app', paused: false }, { id: 't2', url: 'http://localhost:4000' }].map((t) => ({ paused: false, ...t })), defaultTargetId: 't1' }
  endpoint.signature = { scheme: options.scheme === true ? 'stripe' : options.scheme || null, publicUrl: null, hasSecret: Boolean(options.scheme) }
  const fake = installFakeWorkbench(engine)
  const capture = addCapture(
    engine,
    {
      method: 'POST',
      target: '/hooks/order?x=1',
      contentType: 'application/json',
      rawHeaders: [
        ['Host', '127.0.0.1:4567'],
        ['Content-Type', 'application/json'],
        ['X-Dup', 'one'],
        ['x-dup', 'two'],
        ['Content-Length', '27'],
        ...(options.headers ?? []),
      ],
    },
    '{"id":"evt_1","amount":100}',
  )
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  const workbench = workbenchOf(harness.stores)
  return { engine, fake, capture, harness, workbench }
}

const lastCall = (engine: ReturnType<typeof createFakeEngine>, method: string) => [...engine.calls].reverse().find((c) => c.method === method)?.input as Record<string, unknown> | undefined

async function openComposer(workbench: ReturnType<typeof workbenchOf>, captureId: string, shown = 'composer-body-editor') {
  await act(async () => {
    await workbench.openCapture(captureId)
  })
  await settle()
  // The body editor is a chunk of its own, loaded the first time: slow on a busy machine.
  await waitFor(() => expect(screen.getByTestId(shown)).toBeTruthy(), { timeout: 10_000 })
}

/** What a reload does: the page goes, the app starts again against the same engine, and the Composer is shown. */
async function reloadComposer(engine: ReturnType<typeof createFakeEngine>, options: { live?: boolean } = {}) {
  window.dispatchEvent(new Event('pagehide'))
  cleanup()
  const harness = createHarness(engine)
  if (options.live !== false) harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  fireEvent.click(screen.getByTestId('view-composer'))
  await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
  return workbenchOf(harness.stores)
}

describe('composer', () => {
  it('opens a capture exactly as captured, sent to the endpoint’s default forward target', async () => {
    const { engine, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    expect(lastCall(engine, 'replay.draft')).toEqual({ captureId: capture.id, baseUrl: 'http://localhost:3000/app' })
    expect((screen.getByTestId('composer-method') as HTMLInputElement).value).toBe('POST')
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://localhost:3000/app/hooks/order?x=1')
    expect(screen.getAllByTestId('header-name-input').map((i) => (i as HTMLInputElement).value)).toEqual(['Host', 'Content-Type', 'X-Dup', 'x-dup', 'Content-Length'])
    expect(screen.getByTestId('content-length-computed').textContent).toContain('27')
    expect(screen.getByTestId('composer-json-status').textContent).toBe('Valid JSON')
    expect(document.querySelector('[data-testid="composer-body-editor"] .cm-content')?.textContent).toBe('{"id":"evt_1","amount":100}')
    expect((screen.getByTestId('composer-target') as HTMLSelectElement).value).toBe('http://localhost:3000/app')
    fireEvent.change(screen.getByTestId('composer-target'), { target: { value: 'http://localhost:4000' } })
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://localhost:4000/hooks/order?x=1')
  })

  it('names the forward target in Host, as a resend there does, unless the endpoint keeps the Host as received', async () => {
    const { engine, capture, workbench } = await setup()
    const hostValue = () => (screen.getAllByTestId('header-value-input') as HTMLInputElement[])[0]!.value
    await openComposer(workbench, capture.id)
    expect(hostValue()).toBe('localhost:3000')
    fireEvent.change(screen.getByTestId('composer-target'), { target: { value: 'http://localhost:4000' } })
    expect(hostValue()).toBe('localhost:4000')
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][] } }
    expect(sent.draft.headers[0]).toEqual(['Host', 'localhost:4000'])

    ;(engine.endpoints[0] as Endpoint).forward.host = 'keep'
    await openComposer(workbench, capture.id)
    expect(hostValue()).toBe('127.0.0.1:4567')
    fireEvent.change(screen.getByTestId('composer-target'), { target: { value: 'http://localhost:4000' } })
    expect(hostValue()).toBe('127.0.0.1:4567')
  })

  it('edits headers (validated live, reordered, switched off) and sends exactly what is shown', async () => {
    const { engine, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    const nameInputs = () => screen.getAllByTestId('header-name-input') as HTMLInputElement[]
    fireEvent.click(screen.getByTestId('header-add'))
    fireEvent.change(nameInputs().at(-1)!, { target: { value: 'Bad Name' } })
    expect(screen.getByTestId('header-name-error').textContent).toMatch(/tokens/)
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(true)
    fireEvent.change(nameInputs().at(-1)!, { target: { value: 'X-New' } })
    const values = () => screen.getAllByTestId('header-value-input') as HTMLInputElement[]
    fireEvent.change(values().at(-1)!, { target: { value: 'a\u0007b' } })
    expect(screen.getByTestId('header-value-error').textContent).toMatch(/control characters/)
    fireEvent.change(values().at(-1)!, { target: { value: 'café' } })
    expect(screen.queryByTestId('header-value-error')).toBeNull()

    // Alt+↓ on the first duplicate moves it below the second; the Host line is switched off.
    fireEvent.keyDown(nameInputs()[2]!, { key: 'ArrowDown', altKey: true })
    fireEvent.click(screen.getAllByTestId('header-enabled')[0]!)
    expect(nameInputs().map((i) => i.value)).toEqual(['Host', 'Content-Type', 'x-dup', 'X-Dup', 'Content-Length', 'X-New'])

    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][]; bodyBase64: string; url: string }; originId: string; resign: unknown }
    expect(sent.originId).toBe(capture.id)
    expect(sent.resign).toBeNull()
    expect(sent.draft.url).toBe('http://localhost:3000/app/hooks/order?x=1')
    expect(sent.draft.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['x-dup', 'two'],
      ['X-Dup', 'one'],
      ['Content-Length', '27'],
      ['X-New', 'cafÃ©'],
    ])
    expect(atob(sent.draft.bodyBase64)).toBe('{"id":"evt_1","amount":100}')
    await waitFor(() => expect(screen.getByTestId('response-status').textContent).toBe('200 OK'))
    expect(screen.getAllByTestId('replay-row')).toHaveLength(1)
  })

  it('shows a mistake in the method and one in the URL each at its field, and counts under Headers only the header rows to fix', async () => {
    const { capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'ftp://localhost:3000/hooks' } })
    fireEvent.change(screen.getByTestId('composer-method'), { target: { value: 'PO ST' } })
    // Each field says what is wrong with it, both at once.
    expect(screen.getByTestId('composer-method-error').textContent).toMatch(/^The method is a token/)
    expect(screen.getByTestId('composer-url-error').textContent).toMatch(/^The URL must start with http/)
    expect(screen.getByTestId('composer-method').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByTestId('composer-method').getAttribute('aria-describedby')).toBe('composer-method-error')
    expect(screen.getByTestId('composer-url').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByTestId('composer-url').getAttribute('aria-describedby')).toBe('composer-url-error')
    fireEvent.change(screen.getByTestId('composer-method'), { target: { value: 'POST' } })
    expect(screen.queryByTestId('composer-method-error')).toBeNull()
    expect(screen.getByTestId('composer-method').getAttribute('aria-invalid')).toBeNull()
    expect(screen.getByTestId('composer-url-error').textContent).toMatch(/^The URL must/)
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(true)
    expect(screen.queryByTestId('composer-headers-to-fix')).toBeNull()
    expect(screen.getByTestId('composer-view').textContent).not.toMatch(/to fix/)
    fireEvent.click(screen.getByTestId('header-add'))
    fireEvent.change((screen.getAllByTestId('header-name-input') as HTMLInputElement[]).at(-1)!, { target: { value: 'Bad Name' } })
    expect(screen.getByTestId('composer-headers-to-fix').textContent).toBe('1 to fix')
  })

  it('sends with Ctrl+Enter (⌘+Enter) from the body editor, leaving the body as typed', async () => {
    const { engine, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    const content = document.querySelector<HTMLElement>('[data-testid="composer-body-editor"] .cm-content')!
    const editor = EditorView.findFromDOM(content)!
    const typed = '{"id":"evt_1","amount":1000}'
    act(() => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: typed }, selection: { anchor: typed.length } }))
    content.focus()
    for (const modifier of [{ ctrlKey: true }, { metaKey: true }]) {
      await act(async () => {
        fireEvent.keyDown(content, { key: 'Enter', code: 'Enter', keyCode: 13, ...modifier })
      })
      await settle()
      const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][]; bodyBase64: string } }
      expect(atob(sent.draft.bodyBase64)).toBe(typed)
      expect(sent.draft.headers.find(([n]) => n === 'Content-Length')).toEqual(['Content-Length', String(typed.length)])
      expect(editor.state.doc.toString()).toBe(typed)
    }
    expect(engine.calls.filter((c) => c.method === 'replay.send')).toHaveLength(2)
    expect(workbench.store.getState().composer.request.body).toEqual({ mode: 'text', text: typed })
  })

  it('sends with Ctrl+Enter right after e opened it from the list, with the focus on the composer itself', async () => {
    const { engine, capture, harness } = await setup()
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'e' })
    })
    await settle()
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    expect(document.activeElement).toBe(screen.getByTestId('composer-view'))
    await act(async () => {
      fireEvent.keyDown(document.activeElement!, { key: 'Enter', code: 'Enter', keyCode: 13, ctrlKey: true })
    })
    await settle()
    expect(engine.calls.filter((c) => c.method === 'replay.send')).toHaveLength(1)
    await waitFor(() => expect(screen.getByTestId('response-status').textContent).toBe('200 OK'))
    // Not while a dialog is open over the composer.
    fireEvent.click(screen.getByTestId('composer-paste'))
    await settle()
    await act(async () => {
      fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Enter', code: 'Enter', keyCode: 13, ctrlKey: true })
    })
    await settle()
    expect(engine.calls.filter((c) => c.method === 'replay.send')).toHaveLength(1)
  })

  it('sends with the timeout chosen, remembers it for later sends and the next start, and refuses a bad one', async () => {
    const { engine, capture, workbench, harness } = await setup()
    await openComposer(workbench, capture.id)
    const timeout = () => screen.getByTestId('composer-timeout') as HTMLInputElement
    const send = async (how: 'click' | 'keys' = 'click') => {
      await act(async () => {
        if (how === 'click') fireEvent.click(screen.getByTestId('composer-send'))
        else fireEvent.keyDown(document.body, { key: 'Enter', code: 'Enter', keyCode: 13, ctrlKey: true })
      })
      await settle()
    }
    expect(timeout().value).toBe('30')
    await send()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ timeoutMs: 30_000 })

    fireEvent.change(timeout(), { target: { value: '120' } })
    await send()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ timeoutMs: 120_000 })
    // Kept when another request is opened, and read back by the next start.
    await openComposer(workbench, capture.id)
    expect(timeout().value).toBe('120')
    await send()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ timeoutMs: 120_000 })
    expect(localStorage.getItem('hookscope.composerTimeout')).toBe('120')
    expect(new Workbench(harness.stores).store.getState().composer.timeoutSeconds).toBe('120')

    const sends = () => engine.calls.filter((c) => c.method === 'replay.send').length
    const before = sends()
    for (const bad of ['0.5', '601', 'soon', '']) {
      fireEvent.change(timeout(), { target: { value: bad } })
      expect(screen.getByTestId('composer-timeout-error').textContent).toMatch(/from 1 to 600/)
      expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(true)
      await send('keys')
      expect(screen.getByTestId('composer-error').textContent).toMatch(/^Not sent: .*from 1 to 600/)
    }
    expect(sends()).toBe(before)
    // A bad value is never kept.
    expect(localStorage.getItem('hookscope.composerTimeout')).toBe('120')
    fireEvent.change(timeout(), { target: { value: '600' } })
    expect(screen.queryByTestId('composer-timeout-error')).toBeNull()
    await send()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ timeoutMs: 600_000 })
  })

  it('sends what is typed into the URL percent-encoded as UTF-8, and a draft’s own URL bytes as they came', async () => {
    const { engine, workbench } = await setup()
    act(() => workbench.openBlank())
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    const url = () => screen.getByTestId('composer-url') as HTMLInputElement
    fireEvent.change(url(), { target: { value: 'http://localhost:3000/search?q=é' } })
    expect(url().value).toBe('http://localhost:3000/search?q=%C3%A9')
    const send = async () => {
      await act(async () => {
        fireEvent.click(screen.getByTestId('composer-send'))
      })
      await settle()
      return (lastCall(engine, 'replay.send') as { draft: RequestDraft }).draft.url
    }
    expect(await send()).toBe('http://localhost:3000/search?q=%C3%A9')

    // A request whose target holds bytes that are not UTF-8 (a latin1 é): sent byte for byte, also
    // once another part of its URL was edited.
    const latin1 = addCapture(engine, { method: 'GET', target: '/caf\xe9?a=1', rawHeaders: [['Host', '127.0.0.1:4567']] })
    await openComposer(workbench, latin1.id)
    expect(await send()).toBe('http://localhost:3000/app/caf\xe9?a=1')
    fireEvent.change(url(), { target: { value: `${url().value}&b=é` } })
    expect(await send()).toBe('http://localhost:3000/app/caf\xe9?a=1&b=%C3%A9')
  })

  it('shows a host typed beyond ASCII as typed, sent, restored after a reload, while the wire names it in punycode', async () => {
    const { engine, workbench } = await setup()
    act(() => workbench.openBlank())
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    const url = () => screen.getByTestId('composer-url') as HTMLInputElement
    fireEvent.change(url(), { target: { value: 'http://café.localhost:3000/hooks?q=é' } })
    // The host as typed; the query percent-encoded as it is sent.
    expect(url().value).toBe('http://café.localhost:3000/hooks?q=%C3%A9')
    // Edited after the host, the host stays as typed.
    fireEvent.change(url(), { target: { value: 'http://café.localhost:3000/hooks?q=%C3%A9&n=1' } })
    expect(url().value).toBe('http://café.localhost:3000/hooks?q=%C3%A9&n=1')
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect((lastCall(engine, 'replay.send') as { draft: RequestDraft }).draft.url).toBe('http://xn--caf-dma.localhost:3000/hooks?q=%C3%A9&n=1')
    expect(url().value).toBe('http://café.localhost:3000/hooks?q=%C3%A9&n=1')
    await waitFor(() => expect(localStorage.getItem('hookscope.composerDraft')).toContain('&n=1'))
    await reloadComposer(engine)
    expect(url().value).toBe('http://café.localhost:3000/hooks?q=%C3%A9&n=1')
    // A host no URL can hold says so at the field, and is not sent.
    fireEvent.change(url(), { target: { value: 'http://xn--ü.localhost:3000/hooks' } })
    expect(screen.getByTestId('composer-url-error').textContent).toBe('“xn--ü.localhost” is not a host name a URL can hold: check its spelling.')
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(true)
  })

  it('sends a URL typed without its scheme over http://, as Postman does, and says so in the field', async () => {
    const { engine, workbench } = await setup()
    act(() => workbench.openBlank())
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    const url = () => screen.getByTestId('composer-url') as HTMLInputElement
    fireEvent.change(url(), { target: { value: 'localhost:3000/hooks?x=1' } })
    expect(screen.queryByTestId('composer-url-error')).toBeNull()
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(false)
    await act(async () => {
      fireEvent.keyDown(url(), { key: 'Enter', ctrlKey: true })
    })
    await settle()
    expect((lastCall(engine, 'replay.send') as { draft: RequestDraft }).draft.url).toBe('http://localhost:3000/hooks?x=1')
    expect(url().value).toBe('http://localhost:3000/hooks?x=1')
    // Left, the field says it too; what is no host stays marked.
    const leave = () =>
      act(() => {
        url().focus()
        ;(screen.getByTestId('composer-method') as HTMLInputElement).focus()
      })
    fireEvent.change(url(), { target: { value: '[::1]:8080/x' } })
    leave()
    expect(url().value).toBe('http://[::1]:8080/x')
    fireEvent.change(url(), { target: { value: 'ftp://example.test/x' } })
    leave()
    expect(screen.getByTestId('composer-url-error').textContent).toBe('The URL must start with http:// or https:// and a host.')
    fireEvent.change(url(), { target: { value: '/hooks' } })
    expect(screen.getByTestId('composer-url-error')).toBeTruthy()
  })

  it('keeps the draft being edited across a reload and opens it again, leaving out a body over 1 MB', async () => {
    const { engine, workbench } = await setup()
    act(() => workbench.openBlank())
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    fireEvent.change(screen.getByTestId('composer-method'), { target: { value: 'PUT' } })
    fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:5000/slow?café=1' } })
    fireEvent.click(screen.getByTestId('header-add'))
    fireEvent.change((screen.getAllByTestId('header-name-input') as HTMLInputElement[]).at(-1)!, { target: { value: 'X-Draft' } })
    fireEvent.change((screen.getAllByTestId('header-value-input') as HTMLInputElement[]).at(-1)!, { target: { value: HOSTILE } })
    fireEvent.click(screen.getAllByTestId('header-enabled')[0]!)
    const editor = EditorView.findFromDOM(document.querySelector<HTMLElement>('[data-testid="composer-body-editor"] .cm-content')!)!
    const typed = '{"draft":true}'
    act(() => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: typed } }))
    // Kept once the typing pauses, without waiting for the page to go.
    await waitFor(() => expect(localStorage.getItem('hookscope.composerDraft')).toContain('draft'))

    const reload = () => reloadComposer(engine, { live: false })
    const second = await reload()
    expect(screen.getByTestId('composer-restored').textContent).toBe('The draft you were editing')
    expect((screen.getByTestId('composer-method') as HTMLInputElement).value).toBe('PUT')
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://localhost:5000/slow?caf%C3%A9=1')
    expect((screen.getAllByTestId('header-name-input') as HTMLInputElement[]).map((i) => i.value)).toEqual(['Content-Type', 'X-Draft'])
    expect((screen.getAllByTestId('header-value-input') as HTMLInputElement[]).at(-1)!.value).toBe(HOSTILE)
    expect((screen.getAllByTestId('header-enabled') as HTMLInputElement[]).map((i) => i.checked)).toEqual([false, true])
    expect(document.querySelector('[data-testid="composer-body-editor"] .cm-content')?.textContent).toBe(typed)
    expect((window as { __pwned?: number }).__pwned).toBeUndefined()

    // A body over 1 MB is left out: the rest of the draft comes back, saying so.
    const big = 'x'.repeat(1024 * 1024 + 1)
    act(() => second.store.getState().setBody({ mode: 'text', text: big }, true))
    await reload()
    expect(screen.getByTestId('composer-restored').textContent).toBe('The draft you were editing (its body, 1.00 MB, was too large to keep)')
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://localhost:5000/slow?caf%C3%A9=1')
    expect(document.querySelector('[data-testid="composer-body-editor"] .cm-content')?.textContent).toBe('')

    // An unreadable draft opens the composer blank.
    localStorage.setItem('hookscope.composerDraft', '{"version":1,"method":')
    await reload()
    expect(screen.queryByTestId('composer-restored')).toBeNull()
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://localhost:3000/webhooks')
  })

  it('says once, where the answer would be and in words, why a send got no answer, and why one was not sent at all', async () => {
    const { engine, fake, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    act(() => workbench.store.getState().setRequest({ url: 'http://127.0.0.1:1/hooks' }))
    engine.override('replay.send', (input) => {
      const { draft } = input as { draft: RequestDraft }
      const replay = {
        id: 'rpl_refused',
        originId: capture.id,
        sentAt: Date.now(),
        request: { method: draft.method, url: draft.url, headers: draft.headers, body: { size: 0, sha256: 'x', truncated: false, declaredSize: null, storage: 'none' as const } },
        response: null,
        timings: { connectMs: null, firstByteMs: null, totalMs: 2 },
        error: { code: 'REFUSED' as const, message: 'connection refused (connect ECONNREFUSED 127.0.0.1:1)' },
        resigned: null,
      }
      fake.replays.unshift(replay)
      return replay
    })
    const send = async () => {
      await act(async () => {
        fireEvent.click(screen.getByTestId('composer-send'))
      })
      await settle()
    }
    const times = (text: string, within: HTMLElement) => (within.textContent ?? '').split(text).length - 1
    await send()
    const panel = screen.getByTestId('response-panel')
    expect(screen.getByTestId('response-status').textContent).toBe('Connection refused')
    expect(screen.getByTestId('response-error').textContent).toBe('Nothing accepted a connection at 127.0.0.1:1: is the app running, and listening on that port? connect ECONNREFUSED 127.0.0.1:1')
    expect(times('ECONNREFUSED', panel)).toBe(1)
    expect(times('REFUSED:', panel)).toBe(0)
    expect(screen.queryByTestId('composer-error')).toBeNull()

    // One the engine would not send: said there too, in place of the earlier answer, and nowhere else.
    const reason = 'The endpoint "Default" has no signing secret; add one in its signature settings.'
    engine.override('replay.send', () => {
      throw new HookscopeError('INVALID_INPUT', reason)
    })
    await send()
    expect(screen.getByTestId('response-status').textContent).toBe('Not sent')
    expect(screen.getByTestId('response-error').textContent).toBe(reason)
    expect(times(reason, screen.getByTestId('composer-view'))).toBe(1)
    expect(screen.queryByTestId('composer-error')).toBeNull()

    // Answered at last: the answer takes its place.
    installFakeWorkbench(engine)
    await send()
    expect(screen.getByTestId('response-status').textContent).toBe('200 OK')
    expect(screen.queryByTestId('response-error')).toBeNull()
  })

  it('a capture opened for a forward target that accepts a self-signed certificate accepts it too; picking a target follows that target', async () => {
    const { engine, capture, workbench } = await setup({
      targets: [
        { id: 't1', url: 'https://localhost:3443', paused: false, acceptSelfSigned: true },
        { id: 't2', url: 'https://localhost:4443', paused: false },
      ],
    })
    await openComposer(workbench, capture.id)
    const accept = () => screen.getByTestId('composer-accept-self-signed') as HTMLInputElement
    expect(accept().checked).toBe(true)
    fireEvent.change(screen.getByTestId('composer-target'), { target: { value: 'https://localhost:4443' } })
    expect(accept().checked).toBe(false)
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect(lastCall(engine, 'replay.send')).not.toHaveProperty('acceptSelfSigned')
    fireEvent.change(screen.getByTestId('composer-target'), { target: { value: 'https://localhost:3443' } })
    expect(accept().checked).toBe(true)
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ acceptSelfSigned: true, draft: { url: 'https://localhost:3443/hooks/order?x=1' } })
    // Not offered, nor sent, for an http:// URL.
    fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:3000/hooks' } })
    expect(screen.queryByTestId('composer-accept-self-signed')).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect(lastCall(engine, 'replay.send')).not.toHaveProperty('acceptSelfSigned')
  })

  it('a request saved accepting its app’s self-signed certificate keeps it: saved, opened again, updated, and a replay edited again', async () => {
    const { engine, fake, workbench } = await setup()
    const accept = () => screen.getByTestId('composer-accept-self-signed') as HTMLInputElement
    act(() => workbench.openBlank())
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'https://localhost:3443/hooks' } })
    fireEvent.click(accept())
    fireEvent.click(screen.getByTestId('composer-save'))
    await settle()
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-confirm'))
    })
    await settle()
    expect(lastCall(engine, 'collections.saveItem')).toMatchObject({ from: { draft: { url: 'https://localhost:3443/hooks' } }, acceptSelfSigned: true })

    // Opened again, it is sent accepting it; unticked and updated, the item checks the certificate again.
    fake.addCollection({ id: 'col_tls', name: 'Local TLS', items: [fake.item({ id: 'itm_tls', name: 'Order', request: { method: 'POST', url: 'https://localhost:3443/orders', headers: [], body: { encoding: 'utf8', data: '{}' } }, acceptSelfSigned: true })] })
    await act(async () => {
      await workbench.openItem('col_tls', 'itm_tls')
    })
    await settle()
    expect(accept().checked).toBe(true)
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ acceptSelfSigned: true, draft: { url: 'https://localhost:3443/orders' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect(lastCall(engine, 'collections.updateItem')).toMatchObject({ id: 'col_tls', itemId: 'itm_tls', patch: { acceptSelfSigned: true } })
    fireEvent.click(accept())
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect(lastCall(engine, 'collections.updateItem')).toMatchObject({ patch: { acceptSelfSigned: false } })

    // A replay sent accepting it, loaded into the editor, is sent again as it was.
    const replay = { ...fake.replays[0]!, acceptSelfSigned: true as const }
    fake.replays.unshift({ ...replay, id: 'rpl_tls' })
    act(() => workbench.openBlank())
    await act(async () => {
      await workbench.openReplay('rpl_tls')
    })
    await settle()
    expect(accept().checked).toBe(true)
  })

  it('cancels a send still waiting for its answer, and shows it as cancelled', async () => {
    const { engine, capture, workbench } = await setup()
    let settle_: ((replay: unknown) => void) | null = null
    engine.override('replay.send', (input) => {
      const { draft } = input as { draft: RequestDraft }
      return new Promise((resolve) => {
        settle_ = () =>
          resolve({
            id: 'rpl_cancelled',
            originId: capture.id,
            sentAt: Date.now(),
            request: { method: draft.method, url: draft.url, headers: draft.headers, body: { size: 0, sha256: 'x', truncated: false, declaredSize: null, storage: 'none' } },
            response: null,
            timings: { connectMs: 1, firstByteMs: null, totalMs: 5 },
            error: { code: 'ABORTED', message: 'cancelled before the answer was complete' },
            resigned: null,
          })
      })
    })
    engine.override('replay.cancel', () => {
      settle_?.(null)
      return { cancelled: true }
    })
    await openComposer(workbench, capture.id)
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect(screen.queryByTestId('composer-send')).toBeNull()
    expect(screen.getByTestId('composer-sending').textContent).toBe('Sending…')
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-cancel'))
    })
    await settle()
    const sent = lastCall(engine, 'replay.send') as { sendId: string }
    expect(sent.sendId).toEqual(expect.any(String))
    expect(lastCall(engine, 'replay.cancel')).toEqual({ sendId: sent.sendId })
    await waitFor(() => expect(screen.getByTestId('response-status').textContent).toBe('Cancelled'))
    expect(screen.getByTestId('response-error').textContent).toBe('Cancelled before the answer was complete.')
    expect((screen.getByTestId('composer-send') as HTMLButtonElement).disabled).toBe(false)
  })

  it('names in each replay row the method and path it sent, as text, the whole URL in its title', async () => {
    const { engine, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    // Markup in a path (no spaces: the URL is refused with them), and UTF-8 bytes shown decoded.
    const markup = '<img/src=x/onerror=window.__pwned=1>'
    const hostileUrl = `http://localhost:3000/hooks/${markup}?x=caf\u00c3\u00a9`
    await act(async () => {
      await workbench.send()
    })
    act(() => workbench.store.getState().setRequest({ method: 'PATCH', url: hostileUrl }))
    await act(async () => {
      await workbench.send()
    })
    await settle()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ draft: { method: 'PATCH', url: hostileUrl } })
    const requests = screen.getAllByTestId('replay-request')
    expect(requests.map((r) => r.textContent)).toEqual([`PATCH /hooks/${markup}?x=café`, 'POST /app/hooks/order?x=1'])
    expect(requests.map((r) => r.getAttribute('title'))).toEqual([`PATCH http://localhost:3000/hooks/${markup}?x=café`, 'POST http://localhost:3000/app/hooks/order?x=1'])
    expect(screen.getAllByTestId('replay-status').map((s) => s.getAttribute('title'))).toEqual(['200 OK', '200 OK'])
    expect(document.querySelector('img')).toBeNull()
  })

  it('formats JSON, shows what is wrong with invalid JSON, and follows the body with Content-Length', async () => {
    const { engine, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    const actions = workbench.store.getState()
    act(() => actions.setBody({ mode: 'text', text: '{"id":"evt_1","amount":12345678901234567890' }, true))
    await settle()
    expect(screen.getByTestId('composer-json-status').textContent).toMatch(/^Not valid JSON/)
    expect((screen.getByTestId('composer-format') as HTMLButtonElement).disabled).toBe(true)
    act(() => actions.setBody({ mode: 'text', text: '{"id":"evt_1","amount":12345678901234567890}' }, true))
    await settle()
    fireEvent.click(screen.getByTestId('composer-format'))
    await settle()
    const formatted = '{\n  "id": "evt_1",\n  "amount": 12345678901234567890\n}'
    expect(workbench.store.getState().composer.request.body).toEqual({ mode: 'text', text: formatted })
    expect(screen.getByTestId('content-length-computed').textContent).toContain(String(formatted.length))
    await act(async () => {
      await workbench.send()
    })
    const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][]; bodyBase64: string } }
    expect(sent.draft.headers.find(([n]) => n === 'Content-Length')).toEqual(['Content-Length', String(formatted.length)])
    expect(atob(sent.draft.bodyBase64)).toBe(formatted)
  })

  it('keeps the body editor, its focus and its undo history when Format re-indents the body or a typed { makes it JSON', async () => {
    const { engine, workbench } = await setup()
    const plain = addCapture(engine, { target: '/plain', contentType: 'text/plain', rawHeaders: [['Content-Type', 'text/plain']] }, 'hello')
    await openComposer(workbench, plain.id)
    const content = () => document.querySelector<HTMLElement>('[data-testid="composer-body-editor"] .cm-content')!
    const editor = EditorView.findFromDOM(content())!
    content().focus()
    // Typed over the text, a body that now begins with { is shown as JSON in the very editor typed into.
    act(() => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: '{' }, selection: { anchor: 1 }, userEvent: 'input.type' }))
    await settle()
    expect(screen.getByTestId('composer-format')).toBeTruthy()
    expect(EditorView.findFromDOM(content())).toBe(editor)
    expect(editor.hasFocus).toBe(true)
    act(() => editor.dispatch({ changes: { from: 1, insert: '"a":1}' }, selection: { anchor: 7 }, userEvent: 'input.type' }))
    await settle()
    expect(workbench.store.getState().composer.request.body).toEqual({ mode: 'text', text: '{"a":1}' })
    // Format is one more step of the editor's history: Ctrl+Z gives back the bytes as they were, and Ctrl+Y formats again.
    fireEvent.click(screen.getByTestId('composer-format'))
    await settle()
    expect(EditorView.findFromDOM(content())).toBe(editor)
    expect(editor.state.doc.toString()).toBe('{\n  "a": 1\n}')
    content().focus()
    await act(async () => {
      fireEvent.keyDown(content(), { key: 'z', code: 'KeyZ', keyCode: 90, ctrlKey: true })
    })
    expect(editor.state.doc.toString()).toBe('{"a":1}')
    expect(workbench.store.getState().composer.request.body).toEqual({ mode: 'text', text: '{"a":1}' })
    await act(async () => {
      fireEvent.keyDown(content(), { key: 'y', code: 'KeyY', keyCode: 89, ctrlKey: true })
    })
    expect(workbench.store.getState().composer.request.body).toEqual({ mode: 'text', text: '{\n  "a": 1\n}' })
    // Another request opened starts a history of its own: Ctrl+Z does not bring back the one before.
    await openComposer(workbench, plain.id)
    const next = EditorView.findFromDOM(content())!
    expect(next.state.doc.toString()).toBe('hello')
    content().focus()
    await act(async () => {
      fireEvent.keyDown(content(), { key: 'z', code: 'KeyZ', keyCode: 90, ctrlKey: true })
    })
    expect(next.state.doc.toString()).toBe('hello')
  })

  it('edits a form body as a table, re-encoding it', async () => {
    const { engine, workbench } = await setup()
    const form = addCapture(engine, { target: '/form', contentType: 'application/x-www-form-urlencoded', rawHeaders: [['Content-Type', 'application/x-www-form-urlencoded']] }, 'name=Ada+Lovelace&lang=en')
    await openComposer(workbench, form.id, 'composer-form-table')
    const values = screen.getAllByTestId('form-value-input') as HTMLInputElement[]
    expect(values.map((v) => v.value)).toEqual(['Ada Lovelace', 'en'])
    fireEvent.change(values[1]!, { target: { value: 'fr & de' } })
    expect(workbench.store.getState().composer.request.body).toEqual({ mode: 'text', text: 'name=Ada+Lovelace&lang=fr+%26+de' })
  })

  it('re-encodes only the form field edited: the others keep their bytes as sent', async () => {
    const { engine, workbench } = await setup()
    // Slack and Twilio sign the body as sent: %20 for spaces, lower-case escapes, a field without "=".
    const sent = 'token=abc&text=hello%20world&user_name=J%c3%b6rg&flag&response_url=https%3A%2F%2Fhooks.slack.com%2Fx\n'
    const form = addCapture(engine, { target: '/slack', contentType: 'application/x-www-form-urlencoded', rawHeaders: [['Content-Type', 'application/x-www-form-urlencoded']] }, sent)
    await openComposer(workbench, form.id, 'composer-form-table')
    const body = () => (workbench.store.getState().composer.request.body as { text: string }).text
    const values = () => screen.getAllByTestId('form-value-input') as HTMLInputElement[]
    expect(values().map((v) => v.value)).toEqual(['abc', 'hello world', 'Jörg', '', 'https://hooks.slack.com/x'])
    fireEvent.change(values()[0]!, { target: { value: 'new token' } })
    expect(body()).toBe('token=new+token&text=hello%20world&user_name=J%c3%b6rg&flag&response_url=https%3A%2F%2Fhooks.slack.com%2Fx\n')
    fireEvent.change(screen.getAllByTestId('form-name-input')[1]!, { target: { value: 'message' } })
    expect(body()).toBe('token=new+token&message=hello%20world&user_name=J%c3%b6rg&flag&response_url=https%3A%2F%2Fhooks.slack.com%2Fx\n')
    fireEvent.click(screen.getAllByTestId('form-remove')[0]!)
    expect(body()).toBe('message=hello%20world&user_name=J%c3%b6rg&flag&response_url=https%3A%2F%2Fhooks.slack.com%2Fx\n')
    fireEvent.click(screen.getByTestId('form-add'))
    expect(body()).toBe('message=hello%20world&user_name=J%c3%b6rg&flag&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&field=\n')
  })

  it('sends a chosen file as a binary body, byte for byte', async () => {
    const { engine, capture, workbench } = await setup()
    await openComposer(workbench, capture.id)
    const bytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff])
    await act(async () => {
      fireEvent.change(screen.getByTestId('composer-body-file'), { target: { files: [new File([bytes], 'logo.png', { type: 'image/png' })] } })
    })
    await waitFor(() => expect(screen.getByTestId('composer-body-binary').textContent).toContain('logo.png'))
    expect(screen.getByTestId('content-length-computed').textContent).toContain('6')
    await act(async () => {
      await workbench.send()
    })
    const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][]; bodyBase64: string } }
    expect(sent.draft.bodyBase64).toBe(btoa(String.fromCharCode(...bytes)))
    expect(sent.draft.headers.find(([n]) => n === 'Content-Length')).toEqual(['Content-Length', '6'])
  })

  it('offers to re-sign only what the scheme signs', async () => {
    const stripe = await setup({ scheme: true })
    await openComposer(stripe.workbench, stripe.capture.id)
    expect(screen.getByTestId('composer-resign').parentElement!.textContent!.trim()).toBe('Re-sign (Stripe) with a fresh timestamp')
    expect(screen.queryByTestId('composer-renew-id')).toBeNull()
    cleanup()
    const github = await setup({ scheme: 'github' })
    await openComposer(github.workbench, github.capture.id)
    expect(screen.getByTestId('composer-resign').parentElement!.textContent!.trim()).toBe('Re-sign (GitHub) with the endpoint’s secret')
    expect(screen.queryByTestId('composer-renew-id')).toBeNull()
  })

  it('re-signs with the endpoint’s scheme when asked, renewing the id if chosen', async () => {
    const { engine, capture, workbench } = await setup({ scheme: 'svix', headers: [['svix-id', 'msg_1'], ['svix-timestamp', '1700000000'], ['svix-signature', 'v1,AAAA']] })
    await openComposer(workbench, capture.id)
    const resign = screen.getByTestId('composer-resign') as HTMLInputElement
    expect(resign.checked).toBe(true)
    expect(resign.parentElement!.textContent!.trim()).toBe('Re-sign (Svix) with a fresh timestamp')
    fireEvent.click(screen.getByTestId('composer-renew-id'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-send'))
    })
    await settle()
    expect(lastCall(engine, 'replay.send')).toMatchObject({ endpointId: 'ep_1', resign: { scheme: 'svix', renewId: true } })
    await waitFor(() => expect(screen.getByTestId('response-resigned').textContent).toBe('re-signed (Svix, new id)'))
    fireEvent.click(resign)
    await act(async () => {
      await workbench.send()
    })
    expect(lastCall(engine, 'replay.send')).toMatchObject({ resign: null })
  })

  it('says beside the answer what the app made of the signature sent: refused when edited without re-signing', async () => {
    const { capture, workbench } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1,v1=abc']] })
    await openComposer(workbench, capture.id)
    fireEvent.click(screen.getByTestId('composer-resign'))
    await act(async () => {
      await workbench.send()
    })
    const sent = workbench.store.getState().composer.result!
    act(() => workbench.store.getState().setComposer({ result: { ...sent, signature: { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches the body and the secret' } } }))
    expect(screen.getByTestId('response-signature').textContent).toBe('sig invalid')
    expect(screen.getByTestId('response-signature-note').className).toBe('viewer-note error')
    expect(screen.getByTestId('response-signature-note').textContent).toBe(
      'Sent without re-signing: Invalid Stripe signature. No v1 signature matches the body and the secret. Turn on re-signing to send it with a fresh signature.',
    )
    act(() => workbench.store.getState().setComposer({ result: { ...sent, resigned: { scheme: 'stripe', renewedId: false }, signature: { kind: 'valid', scheme: 'stripe' } } }))
    expect(screen.getByTestId('response-signature').textContent).toBe('sig valid')
    expect(screen.queryByTestId('response-signature-note')).toBeNull()
  })

  it('says a replay’s signature was judged as it was sent, over the body it was sent with, not when its capture arrived', async () => {
    const { capture, fake, workbench } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1,v1=abc']] })
    await openComposer(workbench, capture.id)
    fireEvent.click(screen.getByTestId('composer-resign'))
    await act(async () => {
      await workbench.send()
    })
    const sent = workbench.store.getState().composer.result!
    const at = formatClock(sent.sentAt)
    act(() => workbench.store.getState().setComposer({ result: { ...sent, signature: { kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 3600, toleranceSeconds: 300 } } }))
    expect(screen.getByTestId('response-signature-note').textContent).toBe(
      `Sent without re-signing: Stale Stripe timestamp. The signature itself matches the body it was sent with, but the signed timestamp was 1 h old (drift 3600 s) when it was sent, at ${at}. Turn on re-signing to send it with a fresh signature.`,
    )
    expect(screen.getByTestId('response-signature').title).toBe(
      `Stripe signature matches, but its timestamp is 1 h old (tolerance 5 min): your app would refuse it. Judged as it was sent, at ${at}, over the body it was sent with and the endpoint’s current secret: what the app that got it decides.`,
    )
    // So does its badge among the request's replays.
    fake.replays[0] = { ...fake.replays[0]!, signature: { kind: 'invalid', scheme: 'stripe', reason: 'no v1 signature matches the body and the secret' } }
    await act(async () => {
      await workbench.loadReplays()
    })
    expect(screen.getByTestId('replay-signature').title).toBe(`Stripe signature invalid: no v1 signature matches the body and the secret. Judged as it was sent, at ${formatClock(fake.replays[0]!.sentAt)}, over the body it was sent with and the endpoint’s current secret: what the app that got it decides.`)
  })

  it('says which URL a re-signed Twilio request was signed for, and why that is the one the app checks', async () => {
    const { capture, workbench } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1,v1=abc']] })
    await openComposer(workbench, capture.id)
    await act(async () => {
      await workbench.send()
    })
    const sent = workbench.store.getState().composer.result!
    expect(screen.queryByTestId('response-signed-url')).toBeNull()
    const show = (from: 'public-url' | 'arrival' | 'request') =>
      act(() => workbench.store.getState().setComposer({ result: { ...sent, resigned: { scheme: 'twilio', renewedId: false, signedUrl: { url: 'https://abc.ngrok.app/sms?x=1', from } } } }))
    show('arrival')
    expect(screen.getByTestId('response-signed-url').textContent).toBe(
      'Signed for https://abc.ngrok.app/sms?x=1: the URL Twilio called for the original request (its Host and X-Forwarded-Proto as it arrived), which your app checks as it checked the original. If your app checks another URL, give its address as the endpoint’s public URL.',
    )
    show('public-url')
    expect(screen.getByTestId('response-signed-url').textContent).toBe('Signed for https://abc.ngrok.app/sms?x=1: the endpoint’s public URL with this request’s path and query, which an app behind that tunnel checks.')
  })

  it('saves the edited request with the scheme and endpoint that re-sign it, as a saved capture gets them', async () => {
    const { engine, capture, workbench } = await setup({ scheme: true })
    await openComposer(workbench, capture.id)
    fireEvent.click(screen.getByTestId('composer-save'))
    await settle()
    await act(async () => {
      fireEvent.click(screen.getByTestId('save-confirm'))
    })
    await settle()
    expect(lastCall(engine, 'collections.saveItem')).toMatchObject({ from: { draft: { method: 'POST' } }, signature: { scheme: 'stripe', endpointId: 'ep_1' } })
  })

  it('saves with Ctrl+S (⌘+S) from any field, as Postman does: the item it came from is updated, anything else goes to a collection', async () => {
    const { engine, fake, workbench } = await setup()
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: [fake.item({ id: 'itm_1', name: 'Refund' })] })
    await act(async () => {
      await workbench.openItem('col_a', 'itm_1')
    })
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:3000/refunds' } })
    const save = async (target: Element, init: KeyboardEventInit) => {
      let event!: KeyboardEvent
      await act(async () => {
        event = new KeyboardEvent('keydown', { key: 's', bubbles: true, cancelable: true, ...init })
        target.dispatchEvent(event)
      })
      await settle()
      return event.defaultPrevented
    }
    expect(await save(screen.getByTestId('composer-url'), { ctrlKey: true })).toBe(true)
    expect(lastCall(engine, 'collections.updateItem')).toMatchObject({ id: 'col_a', itemId: 'itm_1', request: { url: 'http://localhost:3000/refunds' } })
    expect(screen.getByTestId('toast').textContent).toBe('Updated "Refund"')
    // From a new request, ⌘+S asks which collection to save it to.
    act(() => workbench.openBlank())
    expect(await save(document.querySelector('[data-testid="composer-body-editor"] .cm-content')!, { metaKey: true })).toBe(true)
    expect(screen.getByTestId('save-confirm')).toBeTruthy()
    expect(engine.calls.filter((c) => c.method === 'collections.updateItem')).toHaveLength(1)
  })

  it('offers a collection to save to when the item it came from was deleted meanwhile, the request kept as edited', async () => {
    const { engine, fake, workbench } = await setup()
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: [fake.item({ id: 'itm_1', name: 'Refund <b>1</b>' })] })
    await act(async () => {
      await workbench.openItem('col_a', 'itm_1')
    })
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:3000/edited' } })
    engine.override('collections.updateItem', () => {
      throw new HookscopeError('NOT_FOUND', 'No item itm_1 in this collection.')
    })
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('"Refund <b>1</b>" is no longer in its collection (deleted, or its collection was): choose where to save the request instead.')
    expect(screen.getByTestId('save-confirm')).toBeTruthy()
    expect(screen.queryByTestId('composer-update-item')).toBeNull()
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://localhost:3000/edited')
  })

  it('keeps the collection item a draft was opened from across a reload: Update item still saves to it', async () => {
    const { engine, fake, workbench } = await setup()
    fake.addCollection({ id: 'col_a', name: 'Refunds', items: [fake.item({ id: 'itm_1', name: 'Refund <b>1</b>' })] })
    await act(async () => {
      await workbench.openItem('col_a', 'itm_1')
    })
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    const editor = EditorView.findFromDOM(document.querySelector<HTMLElement>('[data-testid="composer-body-editor"] .cm-content')!)!
    act(() => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: '{"amount":1500}' } }))
    await waitFor(() => expect(localStorage.getItem('hookscope.composerDraft')).toContain('1500'), { timeout: 5_000 })

    await reloadComposer(engine)
    expect(screen.getByTestId('composer-restored').textContent).toBe('The draft you were editing from the collection item “Refund <b>1</b>”')
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect(lastCall(engine, 'collections.updateItem')).toMatchObject({ id: 'col_a', itemId: 'itm_1', request: { bodyBase64: btoa('{"amount":1500}') } })
    expect(screen.getByTestId('toast').textContent).toBe('Updated "Refund <b>1</b>"')
  })

  it('keeps how the draft is sent across a reload: its origin, the endpoint that re-signs it, and the re-signing options', async () => {
    const { engine, capture, workbench } = await setup({ scheme: 'svix', headers: [['svix-id', 'msg_1'], ['svix-timestamp', '1700000000'], ['svix-signature', 'v1,AAAA']] })
    await openComposer(workbench, capture.id)
    fireEvent.click(screen.getByTestId('composer-renew-id'))
    const editor = EditorView.findFromDOM(document.querySelector<HTMLElement>('[data-testid="composer-body-editor"] .cm-content')!)!
    act(() => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: '{"id":"evt_1","amount":1500}' } }))
    await waitFor(() => expect(localStorage.getItem('hookscope.composerDraft')).toContain('1500'), { timeout: 5_000 })

    const reloaded = await reloadComposer(engine)
    expect(screen.getByTestId('composer-restored')).toBeTruthy()
    expect((screen.getByTestId('composer-resign') as HTMLInputElement).checked).toBe(true)
    expect((screen.getByTestId('composer-renew-id') as HTMLInputElement).checked).toBe(true)
    await act(async () => {
      await reloaded.send()
    })
    expect(lastCall(engine, 'replay.send')).toMatchObject({ originId: capture.id, endpointId: 'ep_1', resign: { scheme: 'svix', renewId: true } })
  })

  it('shows after a reload the answer last shown, marked with its time, until the next send', async () => {
    const { engine, fake, capture, workbench } = await setup()
    fake.responseBody = '{"answer":"<b>kept</b>"}'
    fake.nextStatus = 202
    await openComposer(workbench, capture.id)
    await act(async () => {
      await workbench.send()
    })
    await settle()
    const sent = fake.replays[0]!
    // A later resend from the list is listed first; the panel keeps what it showed.
    fake.nextStatus = 500
    await act(async () => {
      await workbench.resendAsIs(capture.id)
    })
    await waitFor(() => expect(screen.getAllByTestId('replay-row')).toHaveLength(2))
    expect(screen.getByTestId('response-panel').getAttribute('data-replay-id')).toBe(sent.id)

    const reload = () => reloadComposer(engine)
    let again = await reload()
    await waitFor(() => expect(screen.getByTestId('response-panel').getAttribute('data-replay-id')).toBe(sent.id))
    expect(screen.getByTestId('response-status').textContent).toBe('202 Status')
    expect(screen.getByTestId('response-kept').textContent).toContain(formatDateTime(sent.sentAt))
    await waitFor(() => expect(screen.getByTestId('response-body').textContent).toContain('<b>kept</b>'))
    expect(document.querySelector('[data-testid="response-body"] b')).toBeNull()
    expect(screen.getByTestId('replays').querySelector('.replay-row.shown')?.getAttribute('data-replay-id')).toBe(sent.id)

    // A replay no longer kept: the latest of the draft's replays instead.
    fake.replays.splice(fake.replays.indexOf(sent), 1)
    again = await reload()
    await waitFor(() => expect(screen.getByTestId('response-panel').getAttribute('data-replay-id')).toBe(fake.replays[0]!.id))
    expect(screen.getByTestId('response-status').textContent).toBe('500 Status')

    // The next send replaces it, no longer marked as kept.
    fake.nextStatus = 200
    await act(async () => {
      await again.send()
    })
    await settle()
    expect(screen.getByTestId('response-status').textContent).toBe('200 OK')
    expect(screen.queryByTestId('response-kept')).toBeNull()
  })

  it('marks the headers re-signing replaces when sent, and only while it is on', async () => {
    const { engine, capture, workbench } = await setup({ scheme: 'svix', headers: [['svix-id', 'msg_1'], ['svix-timestamp', '1700000000'], ['svix-signature', 'v1,typed-by-hand']] })
    await openComposer(workbench, capture.id)
    const marked = () =>
      screen
        .getAllByTestId('header-edit-row')
        .filter((row) => within(row).queryByTestId('header-resigned'))
        .map((row) => (within(row).getByTestId('header-name-input') as HTMLInputElement).value)
    expect(marked()).toEqual(['svix-timestamp', 'svix-signature'])
    expect(screen.getAllByTestId('header-resigned')[0]!.textContent).toBe('Replaced when sent: re-signed (Svix). Turn re-signing off to send it as typed.')
    // A renewed id is replaced too.
    fireEvent.click(screen.getByTestId('composer-renew-id'))
    expect(marked()).toEqual(['svix-id', 'svix-timestamp', 'svix-signature'])
    fireEvent.click(screen.getByTestId('composer-resign'))
    expect(marked()).toEqual([])
    await act(async () => {
      await workbench.send()
    })
    const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][] }; resign: unknown }
    expect(sent.resign).toBeNull()
    expect(sent.draft.headers).toContainEqual(['svix-signature', 'v1,typed-by-hand'])
  })

  it('says that re-signing sends a signature header switched off or removed, and sends none once re-signing is off', async () => {
    const { engine, capture, workbench } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1700000000,v1=00']] })
    await openComposer(workbench, capture.id)
    const signatureRow = () => screen.getAllByTestId('header-edit-row').find((row) => (within(row).getByTestId('header-name-input') as HTMLInputElement).value === 'Stripe-Signature')
    expect((screen.getByTestId('composer-resign') as HTMLInputElement).checked).toBe(true)
    expect(screen.queryByTestId('composer-resign-adds')).toBeNull()
    // Switched off, the header is still sent while re-signing is on: both the row and the option say so.
    fireEvent.click(within(signatureRow()!).getByTestId('header-enabled'))
    expect(within(signatureRow()!).getByTestId('header-resign-adds').textContent).toBe('Sent anyway: re-signing (Stripe) adds it. Turn re-signing off to send the request without it.')
    expect(screen.getByTestId('composer-resign-adds').textContent).toBe('This request sends no Stripe-Signature header: re-signing adds one. Turn re-signing off to send it without.')
    // Removed, the option still says so.
    fireEvent.click(within(signatureRow()!).getByTestId('header-remove'))
    expect(signatureRow()).toBeUndefined()
    expect(screen.getByTestId('composer-resign-adds')).toBeTruthy()
    fireEvent.click(screen.getByTestId('composer-resign'))
    expect(screen.queryByTestId('composer-resign-adds')).toBeNull()
    await act(async () => {
      await workbench.send()
    })
    const sent = lastCall(engine, 'replay.send') as { draft: { headers: string[][] }; resign: unknown }
    expect(sent.resign).toBeNull()
    expect(sent.draft.headers.map(([name]) => name)).not.toContain('Stripe-Signature')
  })

  it('shows hostile response headers and bodies as text, and refuses a bad paste clearly', async () => {
    const { fake, capture, workbench } = await setup()
    fake.responseHeaders = [[HOSTILE, HOSTILE]]
    fake.responseBody = HOSTILE
    fake.nextStatus = 302
    await openComposer(workbench, capture.id)
    await act(async () => {
      await workbench.send()
    })
    await settle()
    expect(screen.getByTestId('response-status').textContent).toBe('302 Status')
    fireEvent.click(screen.getByTestId('response-tab-headers'))
    expect(within(screen.getByTestId('response-headers')).getAllByText(HOSTILE)).toHaveLength(2)
    expect(document.querySelector('img')).toBeNull()
    act(() => workbench.store.getState().setPasteOpen(true))
    fireEvent.change(screen.getByTestId('paste-text'), { target: { value: 'curl http://h -d @/etc/passwd' } })
    fireEvent.click(screen.getByTestId('paste-confirm'))
    expect(screen.getByTestId('paste-error').textContent).toMatch(/^That cURL command could not be read: /)
    fireEvent.change(screen.getByTestId('paste-text'), { target: { value: 'PATCH /raw?y=2 HTTP/1.1\nHost: example.test\nX-Raw: 1\n\nbody' } })
    fireEvent.click(screen.getByTestId('paste-confirm'))
    await settle()
    expect(screen.queryByTestId('paste-dialog')).toBeNull()
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://example.test/raw?y=2')
    expect((screen.getByTestId('composer-method') as HTMLInputElement).value).toBe('PATCH')
  })

  it('opens a request copied as cURL whose body went through printf (a pretty-printed webhook), as it opens any curl command', async () => {
    const { harness } = await setup()
    const body = '{\n  "id": "evt_1",\n  "description": "Café"\n}'
    const copied = toCurl({ method: 'POST', url: 'http://127.0.0.1:4567/hooks?x=1', headers: [['Content-Type', 'application/json'], ['Stripe-Signature', 't=1,v1=abc']], body: utf8(body) })
    // What Copy as cURL writes for a body with line breaks: the body fed to curl by printf.
    expect(copied).toMatch(/^printf '/)
    for (const command of [copied, `/usr/bin/curl -X PUT 'http://127.0.0.1:4567/w' -d x`, 'curl.exe -X PUT "http://127.0.0.1:4567/w" -d "x"']) {
      act(() => workbenchOf(harness.stores).store.getState().setPasteOpen(true))
      fireEvent.change(screen.getByTestId('paste-text'), { target: { value: command } })
      expect(screen.getByTestId('paste-dialog').textContent).toContain('Read as a cURL command.')
    }
    act(() => workbenchOf(harness.stores).store.getState().setPasteOpen(false))
    act(() => workbenchOf(harness.stores).store.getState().setPasteOpen(true))
    fireEvent.change(screen.getByTestId('paste-text'), { target: { value: copied } })
    fireEvent.click(screen.getByTestId('paste-confirm'))
    await settle()
    expect(screen.queryByTestId('paste-error')).toBeNull()
    expect(screen.queryByTestId('paste-dialog')).toBeNull()
    await waitFor(() => expect(screen.getByTestId('composer-body-editor')).toBeTruthy(), { timeout: 10_000 })
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://127.0.0.1:4567/hooks?x=1')
    expect((screen.getByTestId('composer-method') as HTMLInputElement).value).toBe('POST')
    const editor = EditorView.findFromDOM(document.querySelector<HTMLElement>('[data-testid="composer-body-editor"] .cm-content')!)!
    expect(editor.state.doc.toString()).toBe(body)
  })

  it('ticks "Accept a self-signed certificate" for a pasted curl -k to an https:// URL, and only then', async () => {
    const { harness } = await setup()
    const paste = async (command: string) => {
      act(() => workbenchOf(harness.stores).store.getState().setPasteOpen(true))
      fireEvent.change(screen.getByTestId('paste-text'), { target: { value: command } })
      fireEvent.click(screen.getByTestId('paste-confirm'))
      await settle()
      expect(screen.queryByTestId('paste-dialog')).toBeNull()
    }
    await paste("curl -k 'https://localhost:3443/hooks' -d x")
    await waitFor(() => expect((screen.getByTestId('composer-accept-self-signed') as HTMLInputElement).checked).toBe(true))
    await paste("curl 'https://localhost:3443/hooks' -d x")
    await waitFor(() => expect((screen.getByTestId('composer-accept-self-signed') as HTMLInputElement).checked).toBe(false))
    await paste("curl --insecure 'https://localhost:3443/other' -d x")
    await waitFor(() => expect((screen.getByTestId('composer-accept-self-signed') as HTMLInputElement).checked).toBe(true))
  })

  it('resends as is with r, asks where to when there is no target, and opens the composer with e', async () => {
    const { engine, capture, harness } = await setup()
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'r' })
    })
    await settle()
    expect(lastCall(engine, 'replay.resend')).toEqual({ captureId: capture.id })
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Resent as is to POST http://localhost:3000/app/hooks/order?x=1: 200 OK'))

    ;(engine.endpoints[0] as Endpoint).forward.targets = []
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'r' })
    })
    await settle()
    fireEvent.change(screen.getByTestId('resend-url'), { target: { value: 'http://localhost:9999/base' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('resend-confirm'))
    })
    await settle()
    expect(lastCall(engine, 'replay.resend')).toEqual({ captureId: capture.id, baseUrl: 'http://localhost:9999/base' })
    expect(screen.queryByTestId('resend-prompt')).toBeNull()

    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'e' })
    })
    await settle()
    expect(screen.getByTestId('composer-view')).toBeTruthy()
    expect(harness.stores.app.getState().view).toBe('composer')
    fireEvent.keyDown(document.body, { key: 'Escape' })
    expect(harness.stores.app.getState().view).toBe('traffic')
  })

  it('says, on a capture whose endpoint was removed, that nothing answers at its address any more, naming that endpoint', async () => {
    const { engine, capture, harness, workbench } = await setup()
    act(() => harness.stores.app.getState().setRemovedEndpoints([{ id: 'ep_gone', name: 'Stripe <test>', removedAt: 1 }]))
    const orphan = addCapture(engine, { target: '/hooks/stripe', endpointId: 'ep_gone', localPort: 4999 }, '{}')
    await openComposer(workbench, capture.id)
    expect(screen.queryByTestId('composer-endpoint-removed')).toBeNull()
    await openComposer(workbench, orphan.id)
    expect((screen.getByTestId('composer-url') as HTMLInputElement).value).toBe('http://127.0.0.1:4999/hooks/stripe')
    expect(screen.getByTestId('composer-endpoint-removed').textContent).toBe(
      'The endpoint “Stripe <test>” was removed: nothing answers at http://127.0.0.1:4999 any more, so a send there fails. Change the URL to send the request elsewhere.',
    )
    // Sent elsewhere, the warning goes.
    act(() => void fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:3000/hooks/stripe' } }))
    await settle()
    expect(screen.queryByTestId('composer-endpoint-removed')).toBeNull()
  })

  it('links a capture to its replays: the detail counts them, and shows the latest one’s answer in the composer', async () => {
    const { capture, harness } = await setup()
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    expect(screen.queryByTestId('detail-replays')).toBeNull()
    for (let i = 0; i < 2; i++) {
      await act(async () => {
        fireEvent.click(screen.getByTestId('detail-resend'))
      })
      await settle()
    }
    await waitFor(() => expect(screen.getByTestId('detail-replays').textContent).toBe('Replays (2)'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-replays'))
    })
    await settle()
    await waitFor(() => expect(screen.getByTestId('response-status').textContent).toBe('200 OK'))
    expect(harness.stores.app.getState().view).toBe('composer')
    expect(screen.getAllByTestId('replay-row')).toHaveLength(2)
    expect(screen.getByTestId('response-panel').getAttribute('data-replay-id')).toBe(screen.getAllByTestId('replay-row')[0]!.getAttribute('data-replay-id'))
  })

  it('does not offer to re-sign a request that carries none of the endpoint scheme’s signature, from the detail or by default in the Composer', async () => {
    const { engine, capture, harness, workbench } = await setup({ scheme: true, headers: [['X-GitHub-Event', 'push'], ['X-Hub-Signature-256', 'sha256=00']] })
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    const button = screen.getByTestId('detail-resend-resigned')
    expect(button).toHaveProperty('disabled', true)
    expect(button.getAttribute('title')).toBe('Not offered: this request carries no Stripe signature (no Stripe-Signature header), and re-signing would add one its sender never sent.')
    expect(engine.calls.filter((c) => c.method === 'replay.resend')).toEqual([])
    await openComposer(workbench, capture.id)
    // Still there to choose by hand.
    expect((screen.getByTestId('composer-resign') as HTMLInputElement).checked).toBe(false)
  })

  it('resends re-signed from the detail, and asks where to with the re-sign option kept', async () => {
    const { engine, capture, harness } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1700000000,v1=00']] })
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-resend-resigned'))
    })
    await settle()
    expect(lastCall(engine, 'replay.resend')).toEqual({ captureId: capture.id, resign: { scheme: 'stripe', renewId: false } })
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Resent re-signed to POST http://localhost:3000/app/hooks/order?x=1: 200 OK'))

    ;(engine.endpoints[0] as Endpoint).forward.targets = []
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-resend-resigned'))
    })
    await settle()
    expect((screen.getByTestId('resend-resign') as HTMLInputElement).checked).toBe(true)
    expect(screen.getByTestId('resend-confirm').textContent).toBe('Resend re-signed')
    fireEvent.change(screen.getByTestId('resend-url'), { target: { value: 'http://localhost:9999/base' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('resend-confirm'))
    })
    await settle()
    expect(lastCall(engine, 'replay.resend')).toEqual({ captureId: capture.id, baseUrl: 'http://localhost:9999/base', resign: { scheme: 'stripe', renewId: false } })
  })

  it('resends re-signed with Alt+R (⌥R on macOS), listed in the help and on the button, and says why not when the endpoint cannot re-sign', async () => {
    const { engine, capture, harness } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1700000000,v1=00']] })
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    expect(screen.getByTestId('detail-resend-resigned').getAttribute('title')).toContain('(Alt+R)')
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'r', code: 'KeyR', altKey: true })
    })
    await settle()
    expect(lastCall(engine, 'replay.resend')).toEqual({ captureId: capture.id, resign: { scheme: 'stripe', renewId: false } })
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Resent re-signed to POST http://localhost:3000/app/hooks/order?x=1: 200 OK'))
    // macOS: Option+R types ®; the key is told by its place.
    const calls = engine.calls.length
    await act(async () => {
      fireEvent.keyDown(document.body, { key: '®', code: 'KeyR', altKey: true })
    })
    await settle()
    expect(engine.calls.slice(calls).filter((c) => c.method === 'replay.resend')).toHaveLength(1)

    // Without a secret: not sent, and the toast says why (the button, disabled, says it too).
    const endpoint = engine.endpoints[0] as Endpoint
    act(() => harness.stores.app.getState().setEndpoints([{ ...endpoint, signature: { ...endpoint.signature, hasSecret: false } }]))
    await settle()
    expect((screen.getByTestId('detail-resend-resigned') as HTMLButtonElement).disabled).toBe(true)
    const before = engine.calls.length
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'r', code: 'KeyR', altKey: true })
    })
    await settle()
    expect(engine.calls.slice(before).some((c) => c.method === 'replay.resend')).toBe(false)
    expect(screen.getByTestId('toast').textContent).toBe('Not resent: no signing secret is stored for Default.')

    await act(async () => {
      fireEvent.keyDown(document.body, { key: '?' })
    })
    const row = screen.getAllByTestId('shortcut-row').find((r) => r.textContent?.includes('Resend re-signed'))
    expect(row?.querySelector('kbd')?.textContent).toBe('Alt+R')
  })

  it('says a resend failed when nothing answered it, and that it was resent when the target answered with an error', async () => {
    const { engine, capture, harness } = await setup()
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    engine.override('replay.resend', () => ({
      id: 'rpl_refused',
      originId: capture.id,
      sentAt: Date.now(),
      request: { method: 'POST', url: 'http://localhost:3000/app/hooks/order?x=1', headers: [], body: { size: 0, sha256: 'x', truncated: false, declaredSize: null, storage: 'none' } },
      response: null,
      timings: { connectMs: null, firstByteMs: null, totalMs: 2 },
      error: { code: 'REFUSED', message: 'connection refused (nothing listens at localhost:3000)' },
      resigned: null,
    }))
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-resend'))
    })
    await settle()
    const toast = screen.getByTestId('toast')
    expect(toast.textContent).toBe('Resend to POST http://localhost:3000/app/hooks/order?x=1 failed: REFUSED: connection refused (nothing listens at localhost:3000)')
    expect(toast.className).toContain('error')

    installFakeWorkbench(engine).nextStatus = 503
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-resend'))
    })
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Resent as is to POST http://localhost:3000/app/hooks/order?x=1: 503 Status')
  })

  it('says when a resend was refused for its signature, and that re-signing sends one the app accepts', async () => {
    const { engine, capture, harness } = await setup({ scheme: true, headers: [['Stripe-Signature', 't=1,v1=abc']] })
    act(() => harness.stores.traffic.getState().open(capture.id))
    await settle()
    const replay = (signature: unknown, resigned: boolean) => ({
      id: 'rpl_stale',
      originId: capture.id,
      sentAt: Date.now(),
      request: { method: 'POST', url: 'http://localhost:3000/app/hooks/order?x=1', headers: [], body: { size: 0, sha256: 'x', truncated: false, declaredSize: null, storage: 'none' } },
      response: { status: 400, statusText: 'Bad Request', headers: [], body: null },
      timings: { connectMs: 1, firstByteMs: 2, totalMs: 2 },
      error: null,
      resigned: resigned ? { scheme: 'stripe', renewedId: false } : null,
      signature,
    })
    engine.override('replay.resend', () => replay({ kind: 'timestamp-out-of-tolerance', scheme: 'stripe', driftSeconds: 900, toleranceSeconds: 300 }, false))
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-resend'))
    })
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Resent as is to POST http://localhost:3000/app/hooks/order?x=1: 400 Bad Request — Stale Stripe timestamp: resend it re-signed')
    // Re-signed and still refused: not the signature.
    engine.override('replay.resend', () => replay({ kind: 'valid', scheme: 'stripe' }, true))
    await act(async () => {
      fireEvent.click(screen.getByTestId('detail-resend'))
    })
    await settle()
    expect(screen.getByTestId('toast').textContent).toBe('Resent as is to POST http://localhost:3000/app/hooks/order?x=1: 400 Bad Request')
  })
})
