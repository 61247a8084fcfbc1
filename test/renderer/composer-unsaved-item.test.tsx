// A collection item opened in the Composer and changed there: its changes are not lost unasked when
// another request is opened over them.
import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { settle } from './helpers/render-app'
import { renderCollectionsView } from './helpers/collections-app'

describe('an item changed in the Composer', () => {
  it('asks before another request replaces its unsaved changes, keeps them on Cancel, and asks no more once Update item saved them', async () => {
    const engine = createFakeEngine()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Hooks', items: [fake.item({ id: 'itm_1', name: 'Order created' }), fake.item({ id: 'itm_2', name: 'Order paid' })] })
    await renderCollectionsView(engine)
    const url = () => (screen.getByTestId('composer-url') as HTMLInputElement).value
    const open = async (itemId: string) => {
      await act(async () => {
        fireEvent.click(screen.getByTestId('view-collections'))
      })
      await settle()
      await act(async () => {
        fireEvent.click(screen.getAllByTestId('tree-node').find((node) => node.dataset.nodeId === itemId)!)
      })
      await settle()
      await act(async () => {
        fireEvent.click(screen.getByTestId('item-open'))
      })
      await settle()
    }
    const edit = async (value: string) => {
      await act(async () => {
        fireEvent.change(screen.getByTestId('composer-url'), { target: { value } })
      })
      await settle()
    }

    await open('itm_1')
    expect(url()).toBe('http://localhost:3000/itm_1')
    expect(screen.queryByTestId('composer-unsaved')).toBeNull()
    await edit('http://localhost:3000/itm_1?edited=1')
    expect(screen.getByTestId('composer-unsaved').textContent).toBe(' · changed, not saved to it')

    // Another item opened over it: asked first, in the Composer, which still shows the changes.
    await open('itm_2')
    const dialog = screen.getByTestId('composer-discard-confirm')
    expect(dialog.textContent).toContain('The Composer holds changes to “Order created” that are not saved to it.')
    expect(screen.getByTestId('composer-view')).toBeTruthy()
    expect(url()).toBe('http://localhost:3000/itm_1?edited=1')
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    })
    await settle()
    expect(screen.queryByTestId('composer-discard-confirm')).toBeNull()
    expect(url()).toBe('http://localhost:3000/itm_1?edited=1')

    // Saved to the item, the changes are safe: the next one opens at once.
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect(fake.collections.get('col_a')!.items[0]!.request.url).toBe('http://localhost:3000/itm_1?edited=1')
    expect(screen.queryByTestId('composer-unsaved')).toBeNull()
    await open('itm_2')
    expect(screen.queryByTestId('composer-discard-confirm')).toBeNull()
    expect(url()).toBe('http://localhost:3000/itm_2')

    // Changed again and discarded: the other request opens.
    await edit('http://localhost:3000/itm_2?edited=2')
    await open('itm_1')
    await act(async () => {
      fireEvent.click(screen.getByTestId('confirm-button'))
    })
    await settle()
    expect(url()).toBe('http://localhost:3000/itm_1?edited=1')
    expect(fake.collections.get('col_a')!.items[1]!.request.url).toBe('http://localhost:3000/itm_2')
  })

  it('saves twice in a row to its item without taking the second save for one over another window’s change', async () => {
    const engine = createFakeEngine()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Hooks', items: [fake.item({ id: 'itm_1', name: 'Order created' })] })
    await renderCollectionsView(engine)
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('tree-node').find((node) => node.dataset.nodeId === 'itm_1')!)
    })
    await settle()
    await act(async () => {
      fireEvent.click(screen.getByTestId('item-open'))
    })
    await settle()
    await act(async () => {
      fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:3000/itm_1?edited=1' } })
    })
    await settle()
    const before = fake.collections.get('col_a')!.items[0]!.updatedAt
    // Pressed twice before the first save's answer came.
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect(screen.queryByTestId('composer-item-conflict')).toBeNull()
    expect(fake.collections.get('col_a')!.items[0]!.updatedAt).toBe(before + 2)
    expect(fake.collections.get('col_a')!.items[0]!.request.url).toBe('http://localhost:3000/itm_1?edited=1')
  })
})
