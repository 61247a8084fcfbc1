import './helpers/setup-dom'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { workbenchOf } from '../../renderer/src/workbench/commands'
import { base64Decode, base64Encode } from '../../shared/formats/bytes'
import { defaultForwardConfig, type Endpoint } from '../../shared/model'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { settle } from './helpers/render-app'
import { renderCollectionsView } from './helpers/collections-app'

async function setup() {
  const engine = createFakeEngine()
  const endpoint = engine.endpoints[0]! as Endpoint
  endpoint.forward = { ...defaultForwardConfig(), targets: [{ id: 't1', url: 'http://localhost:3000/app', paused: false }], defaultTargetId: 't1' }
  endpoint.signature = { scheme: null, publicUrl: null, hasSecret: false }
  const fake = installFakeWorkbench(engine)
  fake.addCollection({
    id: 'col_a',
    name: 'Orders',
    folders: [{ id: 'fld_1', name: 'Refunds', parentId: null, notes: 'Money <b>back</b>' }],
    items: [fake.item({ id: 'itm_1', name: 'Created' }), fake.item({ id: 'itm_2', name: 'Paid', notes: 'check twice' }), fake.item({ id: 'itm_3', name: 'Refunded', folderId: 'fld_1' })],
  })
  fake.addCollection({ id: 'col_b', name: '<b>Other</b>', items: [fake.item({ id: 'itm_9', name: '<img src=x onerror=alert(1)>' })] })
  const harness = await renderCollectionsView(engine)
  return { engine, fake, harness, workbench: workbenchOf(harness.stores) }
}

const tree = () => screen.getAllByTestId('tree-node').map((n) => `${'  '.repeat(Number(n.getAttribute('data-depth')))}${within(n).getByTestId('tree-name').textContent}`)
const nodeOf = (name: string) => screen.getAllByTestId('tree-node').find((n) => within(n).getByTestId('tree-name').textContent === name)!
const calls = (engine: ReturnType<typeof createFakeEngine>, method: string) => engine.calls.filter((c) => c.method === method).map((c) => c.input)

describe('collections view', () => {
  it('lists collections and shows the first as a tree in run order, captured text as text', async () => {
    const { harness } = await setup()
    expect(screen.getAllByTestId('collection-entry').map((e) => e.textContent)).toEqual(['Orders3 requests · 1 folder', '<b>Other</b>1 request'])
    expect(screen.getByTestId('collection-title').textContent).toBe('Orders')
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded'])
    // A folder's description (from a Postman file) as its tooltip: text, never markup.
    expect(nodeOf('Refunds').getAttribute('title')).toBe('Money <b>back</b>')
    fireEvent.click(screen.getAllByTestId('collection-entry')[1]!)
    await settle()
    expect(tree()).toEqual(['<img src=x onerror=alert(1)>'])
    expect(document.querySelector('img, b')).toBeNull()
    expect(harness.stores.app.getState().collections).toHaveLength(2)
  })

  it('shows a folder where it stands among the requests beside it, as an imported Postman collection placed it', async () => {
    const { fake, workbench } = await setup()
    fake.addCollection({
      id: 'col_c',
      name: 'Interleaved',
      folders: [
        { id: 'fld_a', name: 'Orders', parentId: null, itemsBefore: 1 },
        { id: 'fld_b', name: 'Drafts', parentId: 'fld_a', itemsBefore: 0 },
        { id: 'fld_c', name: 'Later', parentId: null },
      ],
      items: [
        fake.item({ id: 'itm_a', name: 'first' }),
        fake.item({ id: 'itm_b', name: 'created', folderId: 'fld_a' }),
        fake.item({ id: 'itm_c', name: 'between' }),
      ],
    })
    await act(async () => {
      await workbench.loadCollections()
    })
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Interleaved'))!)
    await settle()
    expect(tree()).toEqual(['first', 'Orders', '  Drafts', '  created', 'between', 'Later'])
  })

  it('shows the method once for an item named after its method and path, as saving names it', async () => {
    const { fake } = await setup()
    fake.addCollection({ id: 'col_c', name: 'Saved', items: [fake.item({ id: 'itm_5', name: 'POST /stripe/signed' }), fake.item({ id: 'itm_6', name: 'Refund' })] })
    await act(async () => {
      fireEvent.click(screen.getByTestId('view-traffic'))
    })
    await settle()
    await act(async () => {
      fireEvent.click(screen.getByTestId('view-collections'))
    })
    await settle()
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Saved'))!)
    await settle()
    expect(tree()).toEqual(['POST /stripe/signed', 'Refund'])
    expect(nodeOf('POST /stripe/signed').textContent).toBe('POST /stripe/signed')
    expect(nodeOf('Refund').textContent).toBe('POSTRefund')
    expect(nodeOf('POST /stripe/signed').querySelector('.method')?.textContent).toBe('POST')
  })

  it('reorders with Alt+↑/↓, moves out of a folder with Alt+←, deletes with Delete and brings it back with Undo', async () => {
    const { engine } = await setup()
    fireEvent.click(nodeOf('Created'))
    await act(async () => {
      fireEvent.keyDown(nodeOf('Created'), { key: 'ArrowDown', altKey: true })
    })
    await settle()
    expect(calls(engine, 'collections.moveEntry').at(-1)).toEqual({ id: 'col_a', entry: { kind: 'item', id: 'itm_1' }, parentId: null, index: 1 })
    expect(tree()).toEqual(['Paid', 'Created', 'Refunds', '  Refunded'])
    await act(async () => {
      fireEvent.keyDown(nodeOf('Refunded'), { key: 'ArrowLeft', altKey: true })
    })
    await settle()
    // Out of its folder, right after that folder.
    expect(tree()).toEqual(['Paid', 'Created', 'Refunds', 'Refunded'])
    fireEvent.keyDown(nodeOf('Paid'), { key: 'ArrowDown' })
    await settle()
    expect(nodeOf('Created').getAttribute('aria-selected')).toBe('true')
    await act(async () => {
      fireEvent.keyDown(nodeOf('Created'), { key: 'Delete' })
    })
    await settle()
    expect(tree()).toEqual(['Paid', 'Refunds', 'Refunded'])
    expect(screen.getByTestId('undo-toast').textContent).toContain('Deleted "Created".')
    await act(async () => {
      fireEvent.click(screen.getByTestId('undo-button'))
    })
    await settle()
    expect(calls(engine, 'collections.undo')).toEqual([{ id: 'col_a' }])
    expect(tree()).toEqual(['Paid', 'Created', 'Refunds', 'Refunded'])
    expect(screen.queryByTestId('undo-toast')).toBeNull()
  })

  it('asks before deleting a folder that holds requests, naming how many go; an empty folder goes at once', async () => {
    const { engine, fake, workbench } = await setup()
    const before = fake.collections.get('col_a')!
    fake.collections.set('col_a', {
      ...before,
      folders: [...before.folders, { id: 'fld_nested', name: 'Nested', parentId: 'fld_1' }],
      items: [...before.items, fake.item({ id: 'itm_4', name: 'Deep', folderId: 'fld_nested' })],
    })
    await act(async () => {
      await workbench.reloadCollection()
    })
    await settle()
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded', '  Nested', '    Deep'])
    fireEvent.click(nodeOf('Refunds'))
    await act(async () => {
      fireEvent.keyDown(nodeOf('Refunds'), { key: 'Delete' })
    })
    await settle()
    const dialog = screen.getByTestId('folder-delete-confirm')
    expect(dialog.textContent).toContain('Delete the folder "Refunds" with the 2 requests and 1 sub-folder it holds?')
    expect(calls(engine, 'collections.removeFolder')).toEqual([])
    fireEvent.click(within(dialog).getByText('Cancel'))
    await settle()
    expect(screen.queryByTestId('folder-delete-confirm')).toBeNull()
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded', '  Nested', '    Deep'])
    // The folder panel's button asks too; confirming deletes, with its undo.
    fireEvent.click(screen.getByTestId('folder-delete'))
    await settle()
    await act(async () => {
      fireEvent.click(within(screen.getByTestId('folder-delete-confirm')).getByTestId('confirm-button'))
    })
    await settle()
    expect(calls(engine, 'collections.removeFolder')).toEqual([{ id: 'col_a', folderId: 'fld_1' }])
    expect(tree()).toEqual(['Created', 'Paid'])
    expect(screen.getByTestId('undo-toast').textContent).toContain('Deleted the folder "Refunds"')
    // An empty folder is deleted without a question.
    await act(async () => {
      await workbench.addFolder('col_a', 'Empty', null)
    })
    await settle()
    expect(tree()).toEqual(['Created', 'Paid', 'Empty'])
    await settle()
    await act(async () => {
      fireEvent.keyDown(nodeOf('Empty'), { key: 'Delete' })
    })
    await settle()
    expect(screen.queryByTestId('folder-delete-confirm')).toBeNull()
    expect(tree()).toEqual(['Created', 'Paid'])
  })

  it('keeps a deleted collection in Recently deleted once its undo is gone: restored from there, or deleted for good after a confirmation', async () => {
    const { engine } = await setup()
    expect(screen.queryByTestId('collections-trash')).toBeNull()
    await act(async () => {
      fireEvent.click(screen.getByTestId('collection-delete'))
    })
    await settle()
    expect(screen.getByTestId('undo-toast').textContent).toContain('Deleted the collection "Orders"')
    // A later deletion takes the undo offer: the collection is still in the trash.
    fireEvent.click(screen.getAllByTestId('collection-entry')[0]!)
    await settle()
    fireEvent.click(nodeOf('<img src=x onerror=alert(1)>'))
    await act(async () => {
      fireEvent.keyDown(nodeOf('<img src=x onerror=alert(1)>'), { key: 'Delete' })
    })
    await settle()
    expect(screen.getByTestId('undo-toast').textContent).not.toContain('Orders')
    expect(screen.getByTestId('collections-trash-toggle').textContent).toBe('Recently deleted (1)')
    const entry = screen.getByTestId('trash-entry')
    expect(entry.textContent).toContain('Orders')
    expect(entry.textContent).toContain('3 requests')
    await act(async () => {
      fireEvent.click(within(entry).getByTestId('trash-restore'))
    })
    await settle()
    expect(calls(engine, 'collections.restore')).toEqual([{ id: 'col_a' }])
    expect(screen.getByTestId('collection-title').textContent).toBe('Orders')
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded'])
    expect(screen.queryByTestId('collections-trash')).toBeNull()

    // Deleting for good asks first, and Cancel keeps it.
    await act(async () => {
      fireEvent.click(screen.getByTestId('collection-delete'))
    })
    await settle()
    fireEvent.click(within(screen.getByTestId('trash-entry')).getByTestId('trash-purge'))
    expect(screen.getByTestId('trash-purge-confirm').textContent).toContain('Delete the collection "Orders" and its 3 requests for good?')
    fireEvent.click(within(screen.getByTestId('trash-purge-confirm')).getByText('Cancel'))
    expect(calls(engine, 'collections.purge')).toEqual([])
    fireEvent.click(within(screen.getByTestId('trash-entry')).getByTestId('trash-purge'))
    await act(async () => {
      fireEvent.click(within(screen.getByTestId('trash-purge-confirm')).getByTestId('confirm-button'))
    })
    await settle()
    expect(calls(engine, 'collections.purge')).toEqual([{ id: 'col_a' }])
    expect(screen.queryByTestId('collections-trash')).toBeNull()
  })

  it('moves by drag and drop: onto a folder goes into it, onto an item goes before it', async () => {
    const { engine } = await setup()
    const drag = async (from: HTMLElement, to: HTMLElement) => {
      const dataTransfer = { setData: vi.fn(), getData: vi.fn(), effectAllowed: '', dropEffect: '' }
      fireEvent.dragStart(from, { dataTransfer })
      fireEvent.dragOver(to, { dataTransfer })
      await act(async () => {
        fireEvent.drop(to, { dataTransfer })
      })
      await settle()
    }
    await drag(nodeOf('Created'), nodeOf('Refunds'))
    expect(calls(engine, 'collections.moveEntry').at(-1)).toEqual({ id: 'col_a', entry: { kind: 'item', id: 'itm_1' }, parentId: 'fld_1', index: 1 })
    expect(tree()).toEqual(['Paid', 'Refunds', '  Refunded', '  Created'])
    await drag(nodeOf('Created'), nodeOf('Refunded'))
    expect(tree()).toEqual(['Paid', 'Refunds', '  Created', '  Refunded'])
    await drag(nodeOf('Refunded'), screen.getByTestId('tree-root-drop'))
    expect(tree()).toEqual(['Paid', 'Refunds', '  Created', 'Refunded'])
    // A folder dropped onto a request goes before it too.
    await drag(nodeOf('Refunds'), nodeOf('Paid'))
    expect(tree()).toEqual(['Refunds', '  Created', 'Paid', 'Refunded'])
  })

  it('draws only the rows in view of a large collection, each saying its place in the tree, and follows the keyboard to any entry', async () => {
    const { fake, workbench } = await setup()
    const items = Array.from({ length: 500 }, (_, n) => fake.item({ id: `itm_big_${n}`, name: `request ${n}` }))
    fake.addCollection({
      id: 'col_big',
      name: 'Big',
      folders: [{ id: 'fld_big', name: 'Folder', parentId: null, itemsBefore: 0 }],
      items: [fake.item({ id: 'itm_in_a', name: 'inside a', folderId: 'fld_big' }), fake.item({ id: 'itm_in_b', name: 'inside b', folderId: 'fld_big' }), ...items],
    })
    await act(async () => {
      await workbench.loadCollections()
    })
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Big'))!)
    await settle()
    const box = screen.getByTestId('collection-tree')
    const mounted = () => screen.getAllByTestId('tree-node')
    const focused = () => document.activeElement?.querySelector('[data-testid="tree-name"]')?.textContent
    const key = async (key: string) => {
      await act(async () => {
        fireEvent.keyDown(document.activeElement!, { key })
      })
      await settle()
    }
    const scrollTo = (offset: number) =>
      act(() => {
        box.scrollTop = offset
        fireEvent.scroll(box)
      })
    // The 600 px box shows 22 rows: they and a few around them are in the page, not 503.
    expect(mounted().length).toBeLessThan(60)
    expect(tree().slice(0, 4)).toEqual(['Folder', '  inside a', '  inside b', 'request 0'])
    // Each row's place, from the whole tree rather than from the rows in the page.
    expect(['aria-level', 'aria-posinset', 'aria-setsize', 'aria-expanded'].map((name) => nodeOf('Folder').getAttribute(name))).toEqual(['1', '1', '501', 'true'])
    expect(['aria-level', 'aria-posinset', 'aria-setsize'].map((name) => nodeOf('inside b').getAttribute(name))).toEqual(['2', '2', '2'])

    // End: the last entry, scrolled into view and focused.
    act(() => nodeOf('Folder').focus())
    await key('End')
    expect(focused()).toBe('request 499')
    expect(document.activeElement!.getAttribute('aria-posinset')).toBe('501')
    expect(document.activeElement!.getAttribute('aria-selected')).toBe('true')
    expect(box.scrollTop).toBe(503 * 28 - 600)
    expect(mounted().length).toBeLessThan(60)
    // Scrolled away to the top and back, the focused entry keeps the focus.
    scrollTo(0)
    expect(tree()[0]).toBe('Folder')
    expect(focused()).toBe('request 499')
    scrollTo(503 * 28 - 600)
    expect(focused()).toBe('request 499')
    await key('ArrowUp')
    expect(focused()).toBe('request 498')
    // Home: the first, scrolled back into view.
    await key('Home')
    expect(focused()).toBe('Folder')
    expect(box.scrollTop).toBe(0)
    // ← folds an open folder, → unfolds it and then enters it, ← goes back to the folder.
    await key('ArrowLeft')
    expect(nodeOf('Folder').getAttribute('aria-expanded')).toBe('false')
    expect(tree().slice(0, 2)).toEqual(['Folder', 'request 0'])
    await key('ArrowRight')
    expect(nodeOf('Folder').getAttribute('aria-expanded')).toBe('true')
    expect(focused()).toBe('Folder')
    await key('ArrowRight')
    expect(focused()).toBe('inside a')
    await key('ArrowLeft')
    expect(focused()).toBe('Folder')
    await key('PageDown')
    expect(focused()).toBe('request 17')

    // A search result in a folded folder, far from where the tree is scrolled: the folder unfolds and
    // the result is scrolled into view, selected.
    await key('Home')
    await key('ArrowLeft')
    expect(nodeOf('Folder').getAttribute('aria-expanded')).toBe('false')
    await key('End')
    expect(box.scrollTop).toBe(501 * 28 - 600)
    fireEvent.change(screen.getByTestId('collections-search'), { target: { value: 'inside b' } })
    await waitFor(() => expect(screen.getAllByTestId('search-result').map((r) => r.textContent)).toEqual(['POSTinside bin Big']))
    await act(async () => {
      fireEvent.click(screen.getByTestId('search-result'))
    })
    await settle()
    expect(nodeOf('Folder').getAttribute('aria-expanded')).toBe('true')
    expect(nodeOf('inside b').getAttribute('aria-selected')).toBe('true')
    expect(box.scrollTop).toBe(2 * 28)
    // Another collection opens at its top.
    await key('End')
    expect(box.scrollTop).toBeGreaterThan(0)
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Orders'))!)
    await settle()
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded'])
    expect(screen.getByTestId('collection-tree').scrollTop).toBe(0)
  })

  it('moves the focus to the next entry whose name starts with the letters typed, scrolled into view, and owns those keys while it has the focus', async () => {
    const { fake, workbench, harness } = await setup()
    const items = Array.from({ length: 500 }, (_, n) => fake.item({ id: `itm_ta_${n}`, name: `request ${n}` }))
    fake.addCollection({
      id: 'col_ta',
      name: 'Typed',
      folders: [{ id: 'fld_ta', name: 'Folder', parentId: null, itemsBefore: 0 }],
      items: [fake.item({ id: 'itm_ta_a', name: 'Inside a', folderId: 'fld_ta' }), fake.item({ id: 'itm_ta_b', name: 'inside b', folderId: 'fld_ta' }), ...items, fake.item({ id: 'itm_ta_z', name: 'Zebra' })],
    })
    await act(async () => {
      await workbench.loadCollections()
    })
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Typed'))!)
    await settle()
    const box = screen.getByTestId('collection-tree')
    const focused = () => document.activeElement?.querySelector('[data-testid="tree-name"]')?.textContent
    let clock = 1_800_000_000_000
    const now = vi.spyOn(Date, 'now').mockImplementation(() => clock)
    const type = async (text: string, gap = 50) => {
      for (const key of text) {
        clock += gap
        await act(async () => {
          fireEvent.keyDown(document.activeElement!, { key })
        })
        await settle()
      }
    }
    try {
      act(() => nodeOf('Folder').focus())
      // Letters typed together: the first name that starts with them, far below, scrolled into view.
      await type('request 49')
      expect(focused()).toBe('request 49')
      expect(box.scrollTop).toBe(52 * 28 - 600 + 28)
      await type('7')
      expect(focused()).toBe('request 497')
      expect(box.scrollTop).toBe(500 * 28 - 600 + 28)
      // Past the pause, a new name; case does not matter, and the search wraps around to the top.
      clock += 600
      await type('z')
      expect(focused()).toBe('Zebra')
      clock += 600
      await type('I')
      expect(focused()).toBe('Inside a')
      expect(box.scrollTop).toBe(28)
      // One letter again and again steps through the names starting with it.
      clock += 600
      await type('ii', 600)
      expect(focused()).toBe('Inside a')
      clock += 600
      await type('i')
      expect(focused()).toBe('inside b')
      // The tree owns the letters while it has the focus: t, p and x switch no theme, pause nothing, clear nothing.
      const theme = harness.stores.app.getState().settings?.ui.theme
      clock += 600
      await type('tpx/')
      expect(harness.stores.app.getState().settings?.ui.theme).toBe(theme)
      expect(harness.stores.traffic.getState().paused).toBe(false)
      expect(harness.stores.app.getState().confirmingClear).toBe(false)
      expect(harness.stores.app.getState().view).toBe('collections')
      expect(focused()).toBe('inside b')
      // ? typed first still opens the help.
      clock += 600
      await type('?')
      expect(screen.getByTestId('help-sheet').textContent).toContain('type-ahead')
    } finally {
      now.mockRestore()
    }
  })

  it('unfolds every folder beside the focused entry with *', async () => {
    const { fake, workbench } = await setup()
    fake.addCollection({
      id: 'col_star',
      name: 'Starred',
      folders: [
        { id: 'fld_s1', name: 'One', parentId: null },
        { id: 'fld_s2', name: 'Two', parentId: null },
        { id: 'fld_s3', name: 'Deep', parentId: 'fld_s2' },
      ],
      items: [fake.item({ id: 'itm_s0', name: 'top' }), fake.item({ id: 'itm_s1', name: 'in one', folderId: 'fld_s1' }), fake.item({ id: 'itm_s2', name: 'in two', folderId: 'fld_s2' }), fake.item({ id: 'itm_s3', name: 'in deep', folderId: 'fld_s3' })],
    })
    await act(async () => {
      await workbench.loadCollections()
    })
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Starred'))!)
    await settle()
    const key = async (name: string, key: string) => {
      await act(async () => {
        fireEvent.keyDown(nodeOf(name), { key })
      })
      await settle()
    }
    for (const name of ['Deep', 'Two', 'One']) await key(name, 'ArrowLeft')
    expect(tree()).toEqual(['top', 'One', 'Two'])
    act(() => nodeOf('top').focus())
    await key('top', '*')
    // The folders at the focused entry's level unfold, not the ones inside them; the focus stays.
    expect(tree()).toEqual(['top', 'One', '  in one', 'Two', '  in two', '  Deep'])
    expect(document.activeElement).toBe(nodeOf('top'))
    await key('Deep', '*')
    expect(tree()).toEqual(['top', 'One', '  in one', 'Two', '  in two', '  Deep', '    in deep'])
  })

  it('reads the tree once per change made here (its answer), and again only for a change made elsewhere', async () => {
    const { engine, fake } = await setup()
    const reads = () => calls(engine, 'collections.get').length
    const before = reads()
    fireEvent.click(nodeOf('Created'))
    await act(async () => {
      fireEvent.keyDown(nodeOf('Created'), { key: 'ArrowDown', altKey: true })
    })
    await settle()
    expect(tree()).toEqual(['Paid', 'Created', 'Refunds', '  Refunded'])
    await act(async () => {
      fireEvent.keyDown(nodeOf('Refunds'), { key: 'F2' })
    })
    fireEvent.change(screen.getByTestId('tree-rename'), { target: { value: 'Returns' } })
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('tree-rename'), { key: 'Enter' })
    })
    await settle()
    expect(tree()).toEqual(['Paid', 'Created', 'Returns', '  Refunded'])
    // Told of both changes, the view read no tree but the answers that came with them.
    expect(calls(engine, 'collections.moveEntry')).toHaveLength(1)
    expect(calls(engine, 'collections.renameFolder')).toHaveLength(1)
    expect(reads()).toBe(before)
    // A change made in another window comes with no answer here: the tree is read again.
    const changed = fake.collections.get('col_a')!
    fake.collections.set('col_a', { ...changed, items: changed.items.map((i) => (i.id === 'itm_2' ? { ...i, name: 'Paid elsewhere' } : i)), updatedAt: changed.updatedAt + 1 })
    act(() => engine.emit('collections.changed', { collections: [...fake.collections.values()].map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt, updatedAt: c.updatedAt, itemCount: c.items.length, folderCount: c.folders.length })) }))
    await waitFor(() => expect(tree()).toEqual(['Paid elsewhere', 'Created', 'Returns', '  Refunded']), { timeout: 3000 })
    expect(reads()).toBe(before + 1)
  })

  it('moves the selected request or folder one visible place at a time with Alt+↑/↓, past folders and requests alike', async () => {
    const { fake, workbench } = await setup()
    fake.addCollection({
      id: 'col_c',
      name: 'Interleaved',
      folders: [
        { id: 'fld_a', name: 'F1', parentId: null, itemsBefore: 1 },
        { id: 'fld_b', name: 'F2', parentId: null, itemsBefore: 2 },
      ],
      items: [fake.item({ id: 'itm_a', name: 'A' }), fake.item({ id: 'itm_x', name: 'x', folderId: 'fld_a' }), fake.item({ id: 'itm_b', name: 'B' }), fake.item({ id: 'itm_c', name: 'C' })],
    })
    await act(async () => {
      await workbench.loadCollections()
    })
    fireEvent.click(screen.getAllByTestId('collection-entry').find((e) => e.textContent?.startsWith('Interleaved'))!)
    await settle()
    expect(tree()).toEqual(['A', 'F1', '  x', 'B', 'F2', 'C'])
    const press = async (name: string, key: 'ArrowUp' | 'ArrowDown') => {
      nodeOf(name).focus()
      await act(async () => {
        fireEvent.keyDown(nodeOf(name), { key, altKey: true })
      })
      await settle()
      // The moved entry keeps the focus, ready for the next step.
      await waitFor(() => expect(document.activeElement).toBe(nodeOf(name)))
      return tree()
    }
    expect(await press('A', 'ArrowDown')).toEqual(['F1', '  x', 'A', 'B', 'F2', 'C'])
    expect(await press('A', 'ArrowDown')).toEqual(['F1', '  x', 'B', 'A', 'F2', 'C'])
    expect(await press('A', 'ArrowDown')).toEqual(['F1', '  x', 'B', 'F2', 'A', 'C'])
    expect(await press('F2', 'ArrowUp')).toEqual(['F1', '  x', 'F2', 'B', 'A', 'C'])
    expect(await press('F2', 'ArrowUp')).toEqual(['F2', 'F1', '  x', 'B', 'A', 'C'])
    // At the top it stays; a folder's contents move with it.
    expect(await press('F2', 'ArrowUp')).toEqual(['F2', 'F1', '  x', 'B', 'A', 'C'])
    expect(await press('F1', 'ArrowDown')).toEqual(['F2', 'B', 'F1', '  x', 'A', 'C'])
    expect(await press('C', 'ArrowUp')).toEqual(['F2', 'B', 'F1', '  x', 'C', 'A'])
    // Alt+← takes it out of its folder to the place right after that folder.
    nodeOf('x').focus()
    await act(async () => {
      fireEvent.keyDown(nodeOf('x'), { key: 'ArrowLeft', altKey: true })
    })
    await settle()
    expect(tree()).toEqual(['F2', 'B', 'F1', 'x', 'C', 'A'])
  })

  it('keeps notes typed but not saved: through a move, and when another item, collection or view is opened', async () => {
    const { engine } = await setup()
    const notes = () => (screen.getByTestId('item-notes') as HTMLTextAreaElement).value
    fireEvent.click(nodeOf('Paid'))
    await settle()
    fireEvent.change(screen.getByTestId('item-notes'), { target: { value: 'retry after deploy' } })
    // Moving it reloads the collection: what is being typed stays.
    await act(async () => {
      fireEvent.change(screen.getByTestId('item-folder'), { target: { value: 'fld_1' } })
    })
    await settle()
    expect(notes()).toBe('retry after deploy')
    expect(calls(engine, 'collections.updateItem')).toEqual([])
    // Opening another item keeps them.
    await act(async () => {
      fireEvent.click(nodeOf('Created'))
    })
    await settle()
    expect(calls(engine, 'collections.updateItem')).toEqual([{ id: 'col_a', itemId: 'itm_2', patch: { name: 'Paid', notes: 'retry after deploy', tags: [] } }])
    expect(screen.getByText('Saved your changes to "Paid"')).toBeTruthy()
    fireEvent.click(nodeOf('Paid'))
    await settle()
    expect(notes()).toBe('retry after deploy')
    // So does opening another collection, or another view.
    fireEvent.change(screen.getByTestId('item-name'), { target: { value: 'Paid twice' } })
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('collection-entry')[1]!)
    })
    await settle()
    expect(calls(engine, 'collections.updateItem').at(-1)).toEqual({ id: 'col_a', itemId: 'itm_2', patch: { name: 'Paid twice', notes: 'retry after deploy', tags: [] } })
    fireEvent.click(nodeOf('<img src=x onerror=alert(1)>'))
    await settle()
    fireEvent.change(screen.getByTestId('item-tags'), { target: { value: 'later' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('view-traffic'))
    })
    await settle()
    expect(calls(engine, 'collections.updateItem').at(-1)).toEqual({ id: 'col_b', itemId: 'itm_9', patch: { name: '<img src=x onerror=alert(1)>', notes: '', tags: ['later'] } })
  })

  it('keeps notes typed but not saved when the page is reloaded or its window closed, once', async () => {
    const { engine } = await setup()
    fireEvent.click(nodeOf('Paid'))
    await settle()
    fireEvent.change(screen.getByTestId('item-notes'), { target: { value: 'replay after deploy' } })
    await act(async () => {
      window.dispatchEvent(new Event('pagehide'))
    })
    await settle()
    expect(calls(engine, 'collections.updateItem')).toEqual([{ id: 'col_a', itemId: 'itm_2', patch: { name: 'Paid', notes: 'replay after deploy', tags: [] } }])
    // Kept, so opening another item does not send them again.
    await act(async () => {
      fireEvent.click(nodeOf('Created'))
    })
    await settle()
    expect(calls(engine, 'collections.updateItem')).toHaveLength(1)
  })

  it('says nothing about unsaved notes of an item that was deleted', async () => {
    const { engine } = await setup()
    fireEvent.click(nodeOf('Paid'))
    await settle()
    fireEvent.change(screen.getByTestId('item-notes'), { target: { value: 'never mind' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('item-delete'))
    })
    await settle()
    expect(tree()).toEqual(['Created', 'Refunds', '  Refunded'])
    expect(calls(engine, 'collections.removeItem')).toEqual([{ id: 'col_a', itemId: 'itm_2' }])
    expect(screen.queryByText(/Could not save|Saved your changes/)).toBeNull()
    expect(screen.getByTestId('undo-toast').textContent).toContain('Deleted "Paid".')
  })

  it('saves notes and tags, and searches across collections', async () => {
    const { engine } = await setup()
    fireEvent.click(nodeOf('Paid'))
    await settle()
    expect((screen.getByTestId('item-notes') as HTMLTextAreaElement).value).toBe('check twice')
    fireEvent.change(screen.getByTestId('item-notes'), { target: { value: 'retry after deploy' } })
    fireEvent.change(screen.getByTestId('item-tags'), { target: { value: ' billing, urgent,billing , ' } })
    await act(async () => {
      fireEvent.submit(screen.getByTestId('item-save').closest('form')!)
    })
    await settle()
    expect(calls(engine, 'collections.updateItem').at(-1)).toEqual({ id: 'col_a', itemId: 'itm_2', patch: { name: 'Paid', notes: 'retry after deploy', tags: ['billing', 'urgent'] } })
    expect(within(nodeOf('Paid')).getAllByTestId('tree-tag').map((t) => t.textContent)).toEqual(['billing', 'urgent'])

    fireEvent.change(screen.getByTestId('collections-search'), { target: { value: 'after deploy' } })
    // The search runs after a short pause in typing: wait for its results, not for a fixed time.
    await waitFor(() => expect(screen.getAllByTestId('search-result').map((r) => r.textContent)).toEqual(['POSTPaidin Orders']))
    fireEvent.change(screen.getByTestId('collections-search'), { target: { value: 'onerror' } })
    await waitFor(() => expect(screen.getByTestId('search-result').textContent).toContain('in <b>Other</b>'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('search-result'))
    })
    await settle()
    expect(screen.getByTestId('collection-title').textContent).toBe('<b>Other</b>')
    expect(screen.getByTestId('item-panel').getAttribute('data-item-id')).toBe('itm_9')
  })

  it('runs with progress and results from collections.run events; a result opens its replay', async () => {
    const { engine, fake, workbench } = await setup()
    fireEvent.click(screen.getByTestId('collection-run'))
    fireEvent.change(screen.getByTestId('run-target'), { target: { value: 'http://localhost:3000/app' } })
    fireEvent.change(screen.getByTestId('run-delay'), { target: { value: '250' } })
    fireEvent.click(screen.getByTestId('run-stop'))
    // jsdom does not submit a form from a click on its submit button: submit it as the click would.
    await act(async () => {
      fireEvent.submit(screen.getByTestId('run-start').closest('form')!)
    })
    await settle()
    // Nothing in it is set to be re-signed: the run asks for no re-signing.
    expect(calls(engine, 'collections.run').at(-1)).toEqual({ id: 'col_a', folderId: null, baseUrl: 'http://localhost:3000/app', delayMs: 250, stopOnFailure: true, resign: false, timeoutMs: 30_000 })
    const runId = workbench.store.getState().runId!
    expect(screen.getByTestId('run-progress-text').textContent).toBe('0 of 3 sent · running')
    const sent = await workbench.send().then(() => fake.replays[0]!)
    const result = (n: number, ok: boolean) => ({ itemId: `itm_${n}`, name: `Item ${n}`, replayId: ok ? sent.id : null, status: ok ? 200 : null, durationMs: 5, error: ok ? null : 'REFUSED: connection refused', ok })
    act(() => engine.emit('collections.run', { runId, collectionId: 'col_a', total: 3, done: 1, state: 'running', results: [result(1, true)] }))
    await settle()
    expect(screen.getByTestId('run-progress').getAttribute('aria-valuenow')).toBe('1')
    expect(screen.getByTestId('run-progress-text').textContent).toBe('1 of 3 sent · running')
    act(() => engine.emit('collections.run', { runId, collectionId: 'col_a', total: 3, done: 2, state: 'stopped', results: [result(1, true), result(2, false)] }))
    await settle()
    expect(screen.getByTestId('run-progress-text').textContent).toBe('2 of 3 sent · stopped · 1 failed')
    expect(screen.getAllByTestId('run-result').map((r) => r.getAttribute('data-ok'))).toEqual(['true', 'false'])
    expect(screen.getAllByTestId('run-result')[1]!.textContent).toContain('REFUSED: connection refused')
    // A late copy of an earlier state does not take the progress back.
    act(() => engine.emit('collections.run', { runId, collectionId: 'col_a', total: 3, done: 1, state: 'running', results: [result(1, true)] }))
    await settle()
    expect(screen.getByTestId('run-progress-text').textContent).toBe('2 of 3 sent · stopped · 1 failed')
    // A result that was sent is a control that opens it, named by its request; one never sent is none.
    const results = within(screen.getByTestId('run-results'))
    expect(results.getAllByRole('button').map((button) => button.textContent)).toEqual(['Item 1'])
    const open = results.getByRole('button', { name: 'Item 1' })
    expect(open.getAttribute('title')).toBe('Open what was sent and what came back')
    // Reached and pressed from the keyboard, as any button is (Space as well as Enter).
    const user = userEvent.setup()
    open.focus()
    await act(async () => {
      await user.keyboard(' ')
    })
    await settle()
    expect(screen.getByTestId('composer-view')).toBeTruthy()
    expect(screen.getByTestId('response-panel').getAttribute('data-replay-id')).toBe(sent.id)
  })

  it('imports a file (showing the engine’s error when it is malformed) and exports through a download', async () => {
    const { engine } = await setup()
    const bad = new File(['{"not":"har"}'], 'broken.har', { type: 'application/json' })
    await act(async () => {
      fireEvent.change(screen.getByTestId('collection-import-file'), { target: { files: [bad] } })
    })
    await settle()
    await waitFor(() => expect(screen.getByTestId('import-error').textContent).toContain('Could not import broken.har: Not a valid HAR file: log: missing'))
    expect(calls(engine, 'collections.import').at(-1)).toEqual({ format: 'har', text: '{"not":"har"}', name: 'broken' })
    const good = new File(['{"log":{"entries":[]}}'], 'browser.har', { type: 'application/json' })
    await act(async () => {
      fireEvent.change(screen.getByTestId('collection-import-file'), { target: { files: [good] } })
    })
    await settle()
    await waitFor(() => expect(screen.getByTestId('collection-title').textContent).toBe('Imported HAR'))
    expect(calls(engine, 'collections.import').at(-1)).toMatchObject({ format: 'har', name: 'browser' })
    expect(screen.queryByTestId('import-error')).toBeNull()

    const clicked: string[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'postman' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('collection-export'))
    })
    await settle()
    click.mockRestore()
    expect(calls(engine, 'collections.export').at(-1)).toMatchObject({ format: 'postman' })
    expect(clicked).toEqual(['Imported HAR.postman'])
  })

  it('imports a raw HTTP message file as its exact bytes: a binary body and latin1 header bytes are not read as UTF-8', async () => {
    const { engine } = await setup()
    const head = Uint8Array.from('POST /upload HTTP/1.1\r\nHost: hooks.example\r\nX-Name: caf\xe9\r\nContent-Length: 4\r\n\r\n', (c) => c.charCodeAt(0))
    const bytes = new Uint8Array([...head, 0x00, 0xff, 0x80, 0xc3])
    const file = new File([bytes], 'upload.http', { type: 'application/octet-stream' })
    await act(async () => {
      fireEvent.change(screen.getByTestId('collection-import-file'), { target: { files: [file] } })
    })
    await settle()
    await waitFor(() => expect(calls(engine, 'collections.import')).toHaveLength(1))
    const input = calls(engine, 'collections.import')[0] as { format: string; base64?: string; text?: string; name?: string }
    expect(input).toMatchObject({ format: 'raw', name: 'upload' })
    expect(input.text).toBeUndefined()
    expect(Uint8Array.from(atob(input.base64!), (c) => c.charCodeAt(0))).toEqual(bytes)
  })

  it('saves to a collection with Enter from any field of the dialog, the collection dropdown included', async () => {
    const { engine, workbench } = await setup()
    const enter = (el: Element) => act(() => void fireEvent.keyDown(el, { key: 'Enter' }))
    act(() => workbench.store.getState().setSavePicker({ draft: workbench.composerDraft() }))
    await settle()
    const dropdown = screen.getByTestId('save-collection') as HTMLSelectElement
    act(() => void fireEvent.change(dropdown, { target: { value: 'col_b' } }))
    await settle()
    dropdown.focus()
    enter(dropdown)
    await settle()
    expect(calls(engine, 'collections.saveItem')).toEqual([expect.objectContaining({ id: 'col_b' })])
    expect(screen.queryByTestId('save-picker')).toBeNull()
    expect(screen.getByTestId('toast').textContent).toMatch(/^Saved ".*" to <b>Other<\/b>$/)

    // The folder dropdown too; Shift+Enter saves nothing.
    act(() => workbench.store.getState().setSavePicker({ draft: workbench.composerDraft() }))
    await settle()
    act(() => void fireEvent.change(screen.getByTestId('save-collection'), { target: { value: 'col_a' } }))
    await waitFor(() => expect(screen.getByTestId('save-folder')).toBeTruthy())
    const folder = screen.getByTestId('save-folder')
    act(() => void fireEvent.change(folder, { target: { value: 'fld_1' } }))
    act(() => void fireEvent.keyDown(folder, { key: 'Enter', shiftKey: true }))
    await settle()
    expect(calls(engine, 'collections.saveItem')).toHaveLength(1)
    enter(folder)
    await settle()
    expect(calls(engine, 'collections.saveItem').slice(1)).toEqual([expect.objectContaining({ id: 'col_a', folderId: 'fld_1' })])
    expect(screen.queryByTestId('save-picker')).toBeNull()
  })

  it('tells apart collections that share a name, in the save dropdown and the list, by their size and creation time', async () => {
    const { fake, workbench } = await setup()
    const created = (at: string) => new Date(at).getTime()
    fake.addCollection({ id: 'col_m1', name: 'My requests', createdAt: created('2026-03-01T10:00:00'), items: [fake.item({ id: 'itm_m1', name: 'one' })] })
    fake.addCollection({ id: 'col_m2', name: 'My requests', createdAt: created('2026-03-02T09:30:00') })
    await act(async () => {
      await workbench.loadCollections()
    })
    act(() => workbench.store.getState().setSavePicker({ draft: workbench.composerDraft() }))
    await settle()
    const options = Array.from((screen.getByTestId('save-collection') as HTMLSelectElement).options).map((o) => o.textContent)
    expect(options).toEqual([
      'Orders',
      '<b>Other</b>',
      'My requests (1 request · created 2026-03-01 10:00:00.000)',
      'My requests (0 requests · created 2026-03-02 09:30:00.000)',
      'New collection…',
    ])
    act(() => void fireEvent.click(within(screen.getByTestId('save-picker')).getByText('Cancel')))
    await settle()
    const entries = screen.getAllByTestId('collection-entry').map((e) => e.textContent)
    expect(entries.slice(2)).toEqual(['My requests1 request · created 2026-03-01 10:00:00.000', 'My requests0 requests · created 2026-03-02 09:30:00.000'])
    expect(entries[0]).toBe('Orders3 requests · 1 folder')
  })

  it('says where an item is shown, and in the composer before sending, that the endpoint it was saved from was removed, naming it', async () => {
    const { engine, fake, harness, workbench } = await setup()
    act(() => harness.stores.app.getState().setRemovedEndpoints([{ id: 'ep_gone', name: 'Stripe <test>', removedAt: 1 }]))
    const request = { method: 'POST', url: 'http://127.0.0.1:4999/hooks/stripe', headers: [], body: { encoding: 'utf8' as const, data: '{}' } }
    fake.addCollection({
      id: 'col_g',
      name: 'Gone',
      items: [
        fake.item({ id: 'itm_g', name: 'Orphan', request, source: { kind: 'capture', id: 'cap_1', endpointId: 'ep_gone' } }),
        fake.item({ id: 'itm_k', name: 'Kept', source: { kind: 'capture', id: 'cap_2', endpointId: engine.endpoints[0]!.id } }),
      ],
    })
    await act(async () => {
      await workbench.loadCollections()
      await workbench.openCollection('col_g')
    })
    await settle()
    fireEvent.click(nodeOf('Kept'))
    await settle()
    expect(screen.queryByTestId('item-endpoint-removed')).toBeNull()
    fireEvent.click(nodeOf('Orphan'))
    await settle()
    expect(screen.getByTestId('item-endpoint-removed').textContent).toBe(
      'The endpoint “Stripe <test>” was removed: nothing answers at http://127.0.0.1:4999 any more. Open it in the composer and send it to another URL.',
    )
    await act(async () => {
      fireEvent.click(screen.getByTestId('item-open'))
    })
    await settle()
    expect(screen.getByTestId('composer-endpoint-removed').textContent).toContain('The endpoint “Stripe <test>” was removed: nothing answers at http://127.0.0.1:4999 any more')
    // Sent elsewhere, the warning goes.
    act(() => void fireEvent.change(screen.getByTestId('composer-url'), { target: { value: 'http://localhost:3000/hooks/stripe' } }))
    await settle()
    expect(screen.queryByTestId('composer-endpoint-removed')).toBeNull()
  })

  it('warns where an item is shown that its provider signature is re-signed by nothing, and says what to do', async () => {
    const { engine, fake, harness, workbench } = await setup()
    const endpoint = engine.endpoints[0]! as Endpoint
    const signed = { method: 'POST', url: 'http://localhost:3000/hooks', headers: [['Stripe-Signature', 't=1700000000,v1=00']] as Array<[string, string]>, body: { encoding: 'utf8' as const, data: '{}' } }
    fake.addCollection({
      id: 'col_s',
      name: 'Signed',
      items: [
        fake.item({ id: 'itm_s', name: 'Stale', request: signed }),
        fake.item({ id: 'itm_r', name: 'Re-signed', request: signed, signature: { scheme: 'stripe', endpointId: endpoint.id } }),
        fake.item({ id: 'itm_p', name: 'Plain' }),
      ],
    })
    await act(async () => {
      await workbench.loadCollections()
      await workbench.openCollection('col_s')
    })
    await settle()
    const note = () => screen.queryByTestId('item-stale-signature')
    fireEvent.click(nodeOf('Plain'))
    await settle()
    expect(note()).toBeNull()
    fireEvent.click(nodeOf('Stale'))
    await settle()
    expect(note()!.querySelector('p')!.textContent).toBe(
      'This request carries a Stripe signature (Stripe-Signature) that nothing re-signs: sent as saved, its signature still carries the time it was signed, which the app refuses once it is a few minutes old.',
    )
    expect(screen.getByTestId('item-resign-how').textContent).toBe('To re-sign it, choose Stripe as an endpoint’s signature scheme and store its secret.')
    // An endpoint that checks Stripe, without its secret yet; then with it.
    act(() => harness.stores.app.getState().setEndpoint({ ...endpoint, signature: { scheme: 'stripe', publicUrl: null, hasSecret: false } }))
    expect(screen.getByTestId('item-resign-how').textContent).toBe('To re-sign it, store the signing secret of “Default” in its signature settings.')
    // The item re-signed by that endpoint cannot be re-signed either while it has no secret.
    fireEvent.click(nodeOf('Re-signed'))
    await settle()
    expect(screen.getByTestId('item-resign-how').textContent).toBe('To re-sign it, store the signing secret of “Default” in its signature settings.')
    act(() => harness.stores.app.getState().setEndpoint({ ...endpoint, signature: { scheme: 'stripe', publicUrl: null, hasSecret: true } }))
    expect(note()).toBeNull()
    fireEvent.click(nodeOf('Stale'))
    await settle()
    expect(screen.getByTestId('item-resign-how').textContent).toBe('To re-sign it, open it in the composer, which offers “Default”’s secret (Update item keeps the choice); a run offers it too.')
  })

  it('undoes the last delete with Ctrl+Z (⌘+Z), not while typing in a field, and lists the key under ?', async () => {
    const { engine } = await setup()
    fireEvent.click(nodeOf('Paid'))
    await settle()
    await act(async () => {
      fireEvent.keyDown(nodeOf('Paid'), { key: 'Delete' })
    })
    await settle()
    expect(tree()).toEqual(['Created', 'Refunds', '  Refunded'])
    // In a field, Ctrl+Z is the field's own undo.
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('collections-search'), { key: 'z', ctrlKey: true })
    })
    await settle()
    expect(calls(engine, 'collections.undo')).toEqual([])
    await act(async () => {
      fireEvent.keyDown(nodeOf('Created'), { key: 'z', ctrlKey: true })
    })
    await settle()
    expect(calls(engine, 'collections.undo')).toEqual([{ id: 'col_a' }])
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded'])
    expect(screen.queryByTestId('undo-toast')).toBeNull()
    // Nothing offered, nothing undone; ⌘+Z does the same on macOS.
    await act(async () => {
      fireEvent.keyDown(nodeOf('Created'), { key: 'z', metaKey: true })
    })
    await settle()
    expect(calls(engine, 'collections.undo')).toHaveLength(1)
    await act(async () => {
      fireEvent.keyDown(nodeOf('Created'), { key: 'Delete' })
    })
    await settle()
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'z', metaKey: true })
    })
    await settle()
    expect(calls(engine, 'collections.undo')).toHaveLength(2)
    expect(tree()).toEqual(['Created', 'Paid', 'Refunds', '  Refunded'])

    fireEvent.click(screen.getByTestId('open-help'))
    await settle()
    expect(screen.getByTestId('help-sheet').textContent).toContain('Ctrl+Z')
  })

  it('renames the focused request or folder in place with F2: Enter saves, Esc cancels, and the focus goes back to the entry', async () => {
    const { engine, harness } = await setup()
    const field = () => screen.getByTestId('tree-rename') as HTMLInputElement
    const focusedName = () => document.activeElement?.querySelector('[data-testid="tree-name"]')?.textContent
    const press = async (target: Element, key: string) => {
      await act(async () => {
        fireEvent.keyDown(target, { key })
      })
      await settle()
    }
    act(() => nodeOf('Paid').focus())
    await press(nodeOf('Paid'), 'F2')
    expect(document.activeElement).toBe(field())
    expect(field().value).toBe('Paid')
    expect(field().getAttribute('aria-label')).toBe('Request name')
    fireEvent.change(field(), { target: { value: '  Paid twice ' } })
    await press(field(), 'Enter')
    expect(calls(engine, 'collections.updateItem')).toEqual([{ id: 'col_a', itemId: 'itm_2', patch: { name: 'Paid twice' } }])
    expect(tree()).toEqual(['Created', 'Paid twice', 'Refunds', '  Refunded'])
    expect(screen.queryByTestId('tree-rename')).toBeNull()
    expect(focusedName()).toBe('Paid twice')

    // Esc cancels: nothing sent, the view stays, the folder keeps the focus.
    act(() => nodeOf('Refunds').focus())
    await press(nodeOf('Refunds'), 'F2')
    expect(field().getAttribute('aria-label')).toBe('Folder name')
    fireEvent.change(field(), { target: { value: 'Money back' } })
    await press(field(), 'Escape')
    expect(calls(engine, 'collections.renameFolder')).toEqual([])
    expect(screen.queryByTestId('tree-rename')).toBeNull()
    expect(harness.stores.app.getState().view).toBe('collections')
    expect(focusedName()).toBe('Refunds')
    // Keys typed into the field are the field's: Delete deletes a letter, not the folder.
    await press(nodeOf('Refunds'), 'F2')
    await press(field(), 'Delete')
    expect(calls(engine, 'collections.removeFolder')).toEqual([])
    fireEvent.change(field(), { target: { value: 'Returns' } })
    await press(field(), 'Enter')
    expect(calls(engine, 'collections.renameFolder')).toEqual([{ id: 'col_a', folderId: 'fld_1', name: 'Returns' }])
    expect(tree()).toEqual(['Created', 'Paid twice', 'Returns', '  Refunded'])
    expect(focusedName()).toBe('Returns')

    fireEvent.click(screen.getByTestId('open-help'))
    await settle()
    expect(screen.getByTestId('help-sheet').textContent).toContain('F2Collections: Rename the entry in place')
  })

  it('holds no body in the tree; opens a large item whole in the composer, sends and saves back its exact bytes; a name, notes or tags edit sends no body', async () => {
    const { engine, fake, harness, workbench } = await setup()
    const text = `{"note":"café ✓ 🦊","pad":"${'BODY'.repeat(100_000)}"}`
    const binary = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) & 0xff)
    const textBytes = new TextEncoder().encode(text)
    fake.addCollection({
      id: 'col_big',
      name: 'Imported',
      items: [
        fake.item({ id: 'itm_text', name: 'Text', request: { method: 'POST', url: 'http://localhost:3000/text', headers: [['Content-Type', 'application/json']], body: { encoding: 'utf8', data: text } } }),
        fake.item({ id: 'itm_bin', name: 'Binary', request: { method: 'PUT', url: 'http://localhost:3000/bin', headers: [['Content-Type', 'application/octet-stream']], body: { encoding: 'base64', data: base64Encode(binary) } } }),
      ],
    })
    await act(async () => {
      await workbench.openCollection('col_big')
    })
    await settle()
    // The page holds the tree: each body's size, not its bytes.
    const held = JSON.stringify(workbench.store.getState().collection)
    expect(held).not.toContain('BODY')
    expect(held.length).toBeLessThan(4096)
    fireEvent.click(nodeOf('Text'))
    await settle()
    expect(screen.getByTestId('item-panel').textContent).toContain(`text body of ${textBytes.length.toLocaleString('en-US')} bytes`)

    // Opened, it is read whole: sent and saved back byte for byte.
    fireEvent.click(screen.getByTestId('item-open'))
    await settle()
    expect(calls(engine, 'collections.item')).toEqual([{ id: 'col_big', itemId: 'itm_text' }])
    await waitFor(() => expect(screen.getByTestId('composer-body-size').textContent).toBe('391 KB'))
    fireEvent.click(screen.getByTestId('composer-send'))
    await settle()
    const sent = () => (calls(engine, 'replay.send').at(-1) as { draft: { bodyBase64: string } }).draft.bodyBase64
    expect(sent()).toBe(base64Encode(textBytes))
    await act(async () => {
      fireEvent.click(screen.getByTestId('composer-update-item'))
    })
    await settle()
    expect((calls(engine, 'collections.updateItem').at(-1) as { request: { bodyBase64: string } }).request.bodyBase64).toBe(base64Encode(textBytes))
    expect(new TextDecoder().decode(base64Decode(fake.collections.get('col_big')!.items[0]!.request.body.data)!)).toBe(text)

    // A binary body, likewise.
    act(() => harness.stores.app.getState().setView('collections'))
    await settle()
    fireEvent.click(nodeOf('Binary'))
    await settle()
    expect(screen.getByTestId('item-panel').textContent).toContain('binary body of 300,000 bytes')
    fireEvent.click(screen.getByTestId('item-open'))
    await settle()
    await waitFor(() => expect(screen.getByTestId('composer-body-size').textContent).toMatch(/^293 KB/))
    fireEvent.click(screen.getByTestId('composer-send'))
    await settle()
    expect(base64Decode(sent())).toEqual(binary)

    // Its name, notes and tags are saved without a request: the stored body stays as it is.
    act(() => harness.stores.app.getState().setView('collections'))
    await settle()
    fireEvent.click(nodeOf('Binary'))
    await settle()
    fireEvent.change(screen.getByTestId('item-name'), { target: { value: 'Binary upload' } })
    fireEvent.change(screen.getByTestId('item-notes'), { target: { value: 'kept' } })
    fireEvent.change(screen.getByTestId('item-tags'), { target: { value: 'big' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('item-save'))
    })
    await settle()
    expect(calls(engine, 'collections.updateItem').at(-1)).toEqual({ id: 'col_big', itemId: 'itm_bin', patch: { name: 'Binary upload', notes: 'kept', tags: ['big'] } })
    expect(base64Decode(fake.collections.get('col_big')!.items[1]!.request.body.data)).toEqual(binary)
  }, 45_000)
})
