import './helpers/setup-dom'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { formatClock } from '../../renderer/src/text/format'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { defaultForwardConfig, type Endpoint } from '../../shared/model'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { createHarness, renderWith, settle } from './helpers/render-app'

const HOSTILE = '<script>window.__pwned=1</script>'

async function setup() {
  const engine = createFakeEngine()
  const endpoint = engine.endpoints[0]! as Endpoint
  endpoint.forward = { ...defaultForwardConfig(), targets: [{ id: 't1', url: 'http://localhost:3000', paused: false }], defaultTargetId: 't1' }
  endpoint.signature = { scheme: null, publicUrl: null, hasSecret: false }
  installFakeWorkbench(engine)
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  return { engine, harness, workbench: workbenchOf(harness.stores) }
}

describe('comparing requests', () => {
  it('compares a replay with its origin: headers order-aware, JSON body by path, all as text', async () => {
    const { engine, workbench } = await setup()
    const capture = addCapture(
      engine,
      {
        target: '/hook',
        contentType: 'application/json',
        rawHeaders: [
          ['Content-Type', 'application/json'],
          ['X-Order', 'first'],
          ['X-Gone', HOSTILE],
          ['X-Dup', 'a'],
          ['X-Dup', 'b'],
        ],
      },
      `{"amount":100,"note":"${HOSTILE.replace(/"/g, '\\"')}","keep":true}`,
    )
    await act(async () => {
      await workbench.openCapture(capture.id)
    })
    const state = workbench.store.getState()
    act(() => {
      const rows = state.composer.request.headers
      state.removeHeader(rows.find((r) => r.name === 'X-Gone')!.key)
      state.moveHeader(rows.find((r) => r.name === 'X-Order')!.key, 10)
      state.updateHeader(workbench.store.getState().composer.request.headers.find((r) => r.value === 'b')!.key, { value: 'B' })
      state.setBody({ mode: 'text', text: '{"amount":250,"keep":true,"added":[1]}' }, true)
    })
    let replayId = ''
    await act(async () => {
      replayId = (await workbench.send())!.id
    })
    await settle()
    fireEvent.click(screen.getByTestId('response-diff'))
    await settle()
    await waitFor(() => expect(screen.getByTestId('diff-content')).toBeTruthy())
    expect(workbench.store.getState().diff).toEqual({ left: { kind: 'capture', id: capture.id }, right: { kind: 'replay', id: replayId } })
    // The replay is named by the time it was sent, on the 24-hour clock the rest of the app uses.
    const sentAt = (await engine.api['replay.get']({ id: replayId })).sentAt
    expect(screen.getByTestId('diff-content').querySelector('.diff-new')!.textContent).toBe(`+ Replay at ${formatClock(sentAt)}`)
    expect(formatClock(sentAt)).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/)

    const rows = screen.getAllByTestId('diff-header-row').map((row) => `${row.getAttribute('data-kind')}:${within(row).getByTestId('diff-header-name').textContent}`)
    expect(rows).toEqual(['same:Content-Type', 'removed:X-Gone', 'same:X-Dup', 'changed:X-Dup', 'moved:X-Order'])
    expect(screen.getByTestId('diff-header-summary').textContent).toBe('3 differences')
    const changes = screen.getAllByTestId('diff-json-change').map((row) => [row.getAttribute('data-kind'), within(row).getByTestId('diff-json-path').textContent, within(row).getByTestId('diff-json-before').textContent, within(row).getByTestId('diff-json-after').textContent])
    expect(changes).toEqual([
      ['changed', '$.amount', '100', '250'],
      ['removed', '$.note', JSON.stringify(HOSTILE), ''],
      ['added', '$.added', '', '[1]'],
    ])
    expect(document.querySelector('script')).toBeNull()
    expect(screen.getAllByText(HOSTILE).length).toBeGreaterThan(0)

    fireEvent.click(screen.getByTestId('diff-show-same'))
    expect(screen.getAllByTestId('diff-header-row')).toHaveLength(3)
  })

  it('compares any two requests: mark one, then compare with another; text bodies by line', async () => {
    const { engine, workbench } = await setup()
    const a = addCapture(engine, { target: '/a', contentType: 'text/plain', rawHeaders: [['Content-Type', 'text/plain']] }, 'one\ntwo\nthree\n')
    const b = addCapture(engine, { method: 'PUT', target: '/b', contentType: 'text/plain', rawHeaders: [['Content-Type', 'text/plain']] }, 'one\n2\nthree\nfour\n')
    act(() => workbench.compare({ kind: 'capture', id: a.id }, 'A'))
    expect(workbench.store.getState().compareMark?.label).toBe('A')
    act(() => workbench.compare({ kind: 'capture', id: b.id }, 'B'))
    await settle()
    await waitFor(() => expect(screen.getByTestId('diff-body-lines')).toBeTruthy())
    expect(screen.getByTestId('diff-method').textContent).toBe('MethodPOST → PUT')
    expect(screen.getAllByTestId('diff-line').map((l) => `${l.getAttribute('data-kind')}:${l.textContent!.slice(1)}`)).toEqual(['same:one', 'removed:two', 'added:2', 'same:three', 'added:four'])
    expect(workbench.store.getState().compareMark).toBeNull()
  })

  it('marks the row of the request marked for comparison in the list, until it is unmarked', async () => {
    const { engine, harness } = await setup()
    const a = addCapture(engine, { target: '/a' }, 'one')
    const b = addCapture(engine, { target: '/b' }, 'two')
    await act(async () => {
      await harness.stores.sync.queryFirstPage()
    })
    const row = (id: string) => document.querySelector<HTMLElement>(`[data-testid="traffic-row"][data-capture-id="${id}"]`)!
    const marked = () => screen.getAllByTestId('traffic-row').filter((r) => r.classList.contains('compare-marked')).map((r) => r.dataset.captureId)
    act(() => harness.stores.traffic.getState().open(a.id))
    await settle()
    expect(marked()).toEqual([])
    fireEvent.click(screen.getByTestId('detail-compare'))
    expect(marked()).toEqual([a.id])
    expect(row(a.id).title).toMatch(/^Marked for comparison/)
    expect(row(b.id).title).toBe('')
    fireEvent.keyDown(document.body, { key: 'Escape' })
    expect(marked()).toEqual([])
    expect(row(a.id).title).toBe('')
  })

  it('keeps a marked request visibly marked until it is compared, clicked again or Esc is pressed', async () => {
    const { engine, harness, workbench } = await setup()
    const a = addCapture(engine, { target: '/a', contentType: 'text/plain', rawHeaders: [['Content-Type', 'text/plain']] }, 'one\n')
    const b = addCapture(engine, { method: 'PUT', target: '/b', contentType: 'text/plain', rawHeaders: [['Content-Type', 'text/plain']] }, 'two\n')
    await act(async () => {
      await harness.stores.sync.queryFirstPage()
    })
    const open = async (id: string) => {
      act(() => harness.stores.traffic.getState().open(id))
      await settle()
    }
    const compare = () => screen.getByTestId('detail-compare')
    const state = () => [compare().getAttribute('aria-pressed'), compare().textContent]

    await open(a.id)
    expect(state()).toEqual(['false', 'Compare'])
    fireEvent.click(compare())
    expect(state()).toEqual(['true', 'Marked for compare'])
    expect(compare().title).toMatch(/Click again or press Esc to unmark it/)
    expect(screen.getByTestId('toast').textContent).toMatch(/^POST \/a at \d\d:\d\d:\d\d\.\d{3} marked for comparison: choose Compare on another request/)
    // The mark outlives its toast.
    act(() => harness.stores.app.getState().clearToast(harness.stores.app.getState().toast!.key))
    expect(screen.queryByTestId('toast')).toBeNull()
    expect(state()).toEqual(['true', 'Marked for compare'])

    // A second click unmarks it.
    fireEvent.click(compare())
    expect(state()).toEqual(['false', 'Compare'])
    expect(workbench.store.getState().compareMark).toBeNull()

    // So does Esc, before it closes anything.
    fireEvent.click(compare())
    fireEvent.keyDown(document.body, { key: 'Escape' })
    expect(state()).toEqual(['false', 'Compare'])
    expect(harness.stores.traffic.getState().openedId).toBe(a.id)

    // Another request offers to compare with the marked one.
    fireEvent.click(compare())
    await open(b.id)
    expect(state()).toEqual(['false', 'Compare with marked'])
    expect(compare().title).toMatch(/^Compare with the marked request: POST \/a at /)
    fireEvent.click(compare())
    await settle()
    await waitFor(() => expect(screen.getByTestId('diff-body-lines')).toBeTruthy())
    expect(workbench.store.getState().diff).toEqual({ left: { kind: 'capture', id: a.id }, right: { kind: 'capture', id: b.id } })
    expect(workbench.store.getState().compareMark).toBeNull()
  })
})
