// Its own file: the Copy as code sheet's code is loaded the first time it opens, as in the app.
import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { installForwardFakes } from './helpers/forward-fakes'
import { createHarness, renderWith, settle } from './helpers/render-app'

it('Escape pressed while the Copy as code sheet is still loading closes it, and it does not open later', async () => {
  const engine = createFakeEngine()
  installForwardFakes(engine)
  addCapture(engine, { target: '/order/1', contentType: 'application/json' }, '{"n":1}')
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  const press = (key: string) => act(() => void fireEvent.keyDown(document.activeElement ?? document.body, { key }))
  press('j')
  await settle(2)
  // Shift+C, then Escape at once: the sheet's code has not arrived yet.
  press('C')
  expect(screen.queryByTestId('code-sheet')).toBeNull()
  expect(screen.getByTestId('code-sheet-loading')).toBeTruthy()
  press('Escape')
  expect(screen.queryByTestId('code-sheet-loading')).toBeNull()
  await settle(5)
  expect(screen.queryByTestId('code-sheet')).toBeNull()
  expect(harness.stores.app.getState().codeSheetFor).toBeNull()
})
