// A collection export the engine answers as a file (past a megabyte) is downloaded as that file's
// bytes, read in slices in order, the last of which the engine deletes it with.
import './helpers/setup-dom'
import { act, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readFileBytes } from '../../renderer/src/workbench/commands'
import { base64Encode } from '../../shared/formats/bytes'
import { createFakeEngine } from './helpers/fake-api'
import { installFakeWorkbench } from './helpers/fake-workbench'
import { settle } from './helpers/render-app'
import { renderCollectionsView } from './helpers/collections-app'

afterEach(() => vi.restoreAllMocks())

describe('exporting a large collection', () => {
  it('downloads the file the engine wrote, read in slices, byte for byte', async () => {
    const engine = createFakeEngine()
    const fake = installFakeWorkbench(engine)
    fake.addCollection({ id: 'col_a', name: 'Large', items: [fake.item({ id: 'itm_1', name: 'Upload' })] })
    // Every byte value, and more than two slices' worth.
    const file = new Uint8Array(20 * 1024 * 1024 + 3)
    for (let i = 0; i < file.length; i++) file[i] = (i * 7) & 0xff
    const reads: Array<{ offset: number; length: number }> = []
    engine.override('collections.export', () => ({ filename: 'Large.har', mimeType: 'application/json', text: '', file: { id: 'exp_1', size: file.length } }))
    engine.override('exports.read', (input) => {
      const { id, offset, length } = input as { id: string; offset: number; length: number }
      expect(id).toBe('exp_1')
      reads.push({ offset, length })
      const slice = file.subarray(offset, Math.min(file.length, offset + length))
      return { base64: base64Encode(slice), size: slice.length, totalSize: file.length }
    })
    const blobs: Blob[] = []
    const names: string[] = []
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return `blob:http://localhost/${blobs.length}`
    })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download)
    })
    await renderCollectionsView(engine)
    fireEvent.change(screen.getByTestId('export-format'), { target: { value: 'har' } })
    await act(async () => {
      fireEvent.click(screen.getByTestId('collection-export'))
    })
    await settle()
    await vi.waitFor(() => expect(names).toEqual(['Large.har']))
    expect(reads.map((read) => read.offset)).toEqual([0, 8 * 1024 * 1024, 16 * 1024 * 1024])
    expect(blobs[0]!.type).toBe('application/json')
    const saved = await readFileBytes(blobs[0]!)
    expect(saved.length).toBe(file.length)
    expect(saved.every((byte, i) => byte === file[i])).toBe(true)
  })
})
