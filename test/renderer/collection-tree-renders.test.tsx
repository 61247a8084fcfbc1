import './helpers/setup-dom'
import { act, fireEvent, screen, within } from '@testing-library/react'
import { createElement } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { settle } from './helpers/render-app'
import { renderCollectionsView } from './helpers/collections-app'

// Counts the rows drawn: each tree row draws its name through VisibleText, here without its own memo,
// so that every render of a row counts.
const drawn = vi.hoisted(() => ({ texts: [] as string[] }))
vi.mock('../../renderer/src/components/visible-text', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../renderer/src/components/visible-text')>()
  return {
    ...original,
    VisibleText: (props: Parameters<typeof original.VisibleText>[0]) => {
      drawn.texts.push(props.value)
      return createElement(original.VisibleText, props)
    },
  }
})

describe('collection tree', () => {
  it('draws again only the rows a change of the collection changed, not every row in view', async () => {
    const engine = createFakeEngine()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_big', name: 'Big', items: Array.from({ length: 500 }, (_, n) => fake.item({ id: `itm_${n}`, name: `request ${n}` })) })
    const harness = await renderCollectionsView(engine)
    const nodeOf = (name: string) => screen.getAllByTestId('tree-node').find((n) => within(n).getByTestId('tree-name').textContent === name)!
    expect(screen.getAllByTestId('tree-node').length).toBeGreaterThan(20)
    fireEvent.click(nodeOf('request 3'))
    await settle()
    act(() => nodeOf('request 3').focus())
    drawn.texts = []
    await act(async () => {
      fireEvent.keyDown(nodeOf('request 3'), { key: 'ArrowDown', altKey: true })
    })
    await settle()
    expect(screen.getAllByTestId('tree-node').slice(0, 6).map((n) => within(n).getByTestId('tree-name').textContent)).toEqual(['request 0', 'request 1', 'request 2', 'request 4', 'request 3', 'request 5'])
    expect(document.activeElement).toBe(nodeOf('request 3'))
    // The two rows that swapped places are drawn again; the other rows in view are not.
    const names = drawn.texts.filter((text) => text.startsWith('request '))
    expect(new Set(names)).toEqual(new Set(['request 3', 'request 4']))
    expect(workbenchOf(harness.stores).store.getState().collection?.items[4]?.id).toBe('itm_3')
  })
})
