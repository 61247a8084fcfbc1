import './helpers/setup-dom'
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../renderer/src/app'
import { spokenProgressText } from '../../renderer/src/components/workbench/traffic-export'
import { FIRST_PAGE } from '../../renderer/src/state/live-sync'
import { readFileText, workbenchOf } from '../../renderer/src/workbench/commands'
import { HookscopeError } from '../../shared/errors'
import { toCurlMany, toHar, type Exchange } from '../../shared/formats'
import { addCapture, createFakeEngine, type FakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle } from './helpers/render-app'

const STORED = 1200

/** captures.export as the engine answers it: the ids in the order given, through the real formats. */
function installExport(engine: FakeEngine, hold?: (ids: string[]) => Promise<void> | undefined) {
  engine.override('captures.export', async (input) => {
    const { ids, format } = input as { ids: string[]; format: 'har' | 'curl' }
    await hold?.(ids)
    const exchanges: Exchange[] = ids.map((id) => {
      const fake = engine.captures.get(id)
      if (!fake) throw new HookscopeError('NOT_FOUND', `No capture with id ${id}.`)
      return { request: { method: fake.capture.method, url: `http://127.0.0.1:4567${fake.capture.target}`, headers: [], body: new Uint8Array(0) }, startedAt: fake.capture.receivedAt }
    })
    if (format === 'curl') return { filename: 'hookscope-now.sh', mimeType: 'text/x-shellscript', text: toCurlMany(exchanges.map((e) => e.request)) + '\n' }
    return { filename: 'hookscope-now.har', mimeType: 'application/json', text: JSON.stringify(toHar(exchanges, { creator: { name: 'Hookscope', version: 'test' } }), null, 2) }
  })
}

function watchDownloads() {
  const blobs: Blob[] = []
  const names: string[] = []
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob)
    return `blob:http://localhost/${blobs.length}`
  })
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download)
  })
  return { blobs, names }
}

async function setup(count = STORED) {
  const engine = createFakeEngine()
  const paths: string[] = []
  for (let n = 0; n < count; n++) {
    const target = `/export/${String(n).padStart(4, '0')}`
    addCapture(engine, { target })
    paths.push(target)
  }
  const harness = createHarness(engine)
  harness.stores.sync.start()
  renderWith(harness, <App />)
  await settle()
  await waitFor(() => expect(screen.getByTestId('traffic-count').textContent).toBe(`${count.toLocaleString('en-US')} requests`))
  return { engine, harness, paths, workbench: workbenchOf(harness.stores) }
}

const harPaths = (text: string) => (JSON.parse(text) as { log: { entries: Array<{ request: { url: string } }> } }).log.entries.map((e) => new URL(e.request.url).pathname)

afterEach(() => vi.restoreAllMocks())

describe('exporting the traffic list', () => {
  it('writes every request the list counts, not only the pages it has loaded, oldest first', async () => {
    const { engine, harness, paths } = await setup()
    installExport(engine)
    const downloads = watchDownloads()
    // The list holds its first page only; the count is of every stored request.
    expect(harness.stores.traffic.getState().ids).toHaveLength(FIRST_PAGE)

    await act(async () => {
      fireEvent.click(screen.getByTestId('traffic-export-har'))
    })
    await waitFor(() => expect(downloads.blobs).toHaveLength(1))
    const har = await readFileText(downloads.blobs[0]!)
    expect(downloads.names).toEqual(['hookscope-now.har'])
    expect(harPaths(har)).toEqual(paths)
    expect(JSON.parse(har).log.creator).toEqual({ name: 'Hookscope', version: 'test' })
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Exported 1,200 requests as HAR.'))
    expect(screen.queryByTestId('traffic-export-progress')).toBeNull()

    // The same under a search: what the engine matches, all of it.
    act(() => harness.stores.traffic.getState().setFilter({ text: '/export/1' }))
    await waitFor(() => expect(screen.getByTestId('traffic-count').textContent).toBe('200 requests'))
    await act(async () => {
      fireEvent.click(screen.getByTestId('traffic-export-curl'))
    })
    await waitFor(() => expect(downloads.blobs).toHaveLength(2))
    const script = await readFileText(downloads.blobs[1]!)
    const urls = [...script.matchAll(/http:\/\/127\.0\.0\.1:4567(\/export\/\d+)/g)].map((m) => m[1])
    expect(urls).toEqual(paths.filter((p) => p.startsWith('/export/1')))
  })

  it('shows how far a long export is, and cancelling it saves nothing', async () => {
    const { engine, harness } = await setup()
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let slices = 0
    installExport(engine, () => (++slices === 2 ? held : undefined))
    const downloads = watchDownloads()

    await act(async () => {
      fireEvent.click(screen.getByTestId('traffic-export-har'))
    })
    await waitFor(() => expect(screen.getByTestId('traffic-export-progress').textContent).toBe('Exporting 250 of 1,200 requests… 20 %'))
    // Screen readers hear it in quarters, not at every percent.
    expect(screen.getByTestId('traffic-export-spoken').textContent).toBe('Exporting 1,200 requests…')
    expect(screen.getByTestId('traffic-export-progress').getAttribute('aria-hidden')).toBe('true')
    const bar = screen.getByTestId('traffic-export-bar') as HTMLProgressElement
    // Requests without bodies: each counts the same.
    expect(bar.value / bar.max).toBeCloseTo(250 / 1200)
    expect((screen.getByTestId('traffic-export-har') as HTMLButtonElement).disabled).toBe(true)

    fireEvent.click(screen.getByTestId('traffic-export-cancel'))
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Export cancelled: no file was saved.'))
    expect(screen.queryByTestId('traffic-export-progress')).toBeNull()
    expect((screen.getByTestId('traffic-export-har') as HTMLButtonElement).disabled).toBe(false)
    release()
    await settle()
    expect(slices).toBe(2)
    expect(downloads.blobs).toHaveLength(0)
    expect(harness.stores.app.getState().toast?.message).toBe('Export cancelled: no file was saved.')
  })

  it('says so when it stops at the cap, leaves out requests deleted while it ran, and those a paused list does not show', async () => {
    const { engine, harness, paths, workbench } = await setup()
    installExport(engine)
    const downloads = watchDownloads()

    await act(async () => {
      await workbench.exportList('curl', { max: 1000 })
    })
    const script = await readFileText(downloads.blobs[0]!)
    expect(script.trim().split('\n').filter((line) => line.startsWith('curl'))).toHaveLength(1000)
    expect(script).toContain(paths[STORED - 1])
    expect(script).not.toContain(`${paths[STORED - 1001]}'`)
    expect(screen.getByTestId('toast').textContent).toBe(
      'Exported the newest 1,000 requests of 1,200: an export holds at most 1,000. Narrow the search, filters or time range to export the rest.',
    )

    // Listed, then deleted before its slice is exported: the rest of the slice is kept.
    installExport(engine, (ids) => {
      if (ids.includes(engine.summaries[3]!.id)) engine.captures.delete(engine.summaries[3]!.id)
      return undefined
    })
    await act(async () => {
      await workbench.exportList('har')
    })
    expect(harPaths(await readFileText(downloads.blobs[1]!))).toEqual(paths.filter((_, n) => n !== 3))
    expect(screen.getByTestId('toast').textContent).toBe('Exported 1,199 requests as HAR (1 deleted while exporting).')

    // Paused, the list does not show requests newer than its rows yet: neither does the export.
    act(() => harness.stores.traffic.getState().setPaused(true))
    for (let n = 0; n < 3; n++) addCapture(engine, { target: `/export/later-${n}` })
    await act(async () => {
      await workbench.exportList('curl')
    })
    const paused = await readFileText(downloads.blobs[2]!)
    expect(paused.match(/^curl /gm)).toHaveLength(STORED - 1)
    expect(paused).not.toContain('/export/later-')
  })
})

describe('the export progress screen readers hear', () => {
  const at = (bytesDone: number, total = 3) => ({ format: 'har' as const, phase: 'exporting' as const, done: 1, total, bytesDone, bytesTotal: 1000 })
  it('changes at each quarter only, where the visible percent changes at each step', () => {
    const spoken = new Set<string>()
    for (let bytes = 0; bytes <= 1000; bytes += 10) spoken.add(spokenProgressText(at(bytes)))
    expect([...spoken]).toEqual(['Exporting 3 requests…', 'Exporting 3 requests… 25 %', 'Exporting 3 requests… 50 %', 'Exporting 3 requests… 75 %', 'Exporting 3 requests… 100 %'])
    expect(spokenProgressText(at(460, 1))).toBe('Exporting 1 request… 25 %')
  })
})
