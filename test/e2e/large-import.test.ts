// A multi-megabyte HAR file imported through the file picker: the page sends it in slices and shows
// how far it is (bytes sent, then requests read by the engine), stays responsive enough to cancel
// at any point (nothing is imported), and imports the whole file when left to finish.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHar, type Exchange } from '../../shared/formats'
import { useE2E } from './helpers'
import * as workbenchScripts from './helpers/workbench-page-scripts.js'

const e2e = useE2E()
let scratch = ''

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hookscope-e2e-large-import-'))
})

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

const COUNT = 2000

async function writeBigHar(stamp: string): Promise<string> {
  const exchanges: Exchange[] = Array.from({ length: COUNT }, (_, n) => ({
    request: {
      method: 'POST',
      url: `http://localhost:3000/big-${stamp}/${n}`,
      headers: [['Content-Type', 'application/json']],
      body: new TextEncoder().encode(JSON.stringify({ n, data: 'x'.repeat(4000) })),
    },
    response: { status: 200, headers: [['Content-Type', 'text/plain']], body: new TextEncoder().encode('ok') },
  }))
  const file = path.join(scratch, `big-${stamp}.har`)
  await writeFile(file, JSON.stringify(toHar(exchanges, { creator: { name: 'test', version: '1' } })))
  return file
}

/** "Sending the file… 2.0 of 8.3 MB" or "Reading requests… 120 of 2,000" as [done, total]. */
function numbersOf(text: string): [number, number] {
  const match = /… ([\d.,]+) of ([\d.,]+)/.exec(text)
  if (!match) return [NaN, NaN]
  return [Number(match[1]!.replace(/,/g, '')), Number(match[2]!.replace(/,/g, ''))]
}

describe('importing a large file', () => {
  it('shows how far a multi-megabyte HAR import is, can cancel it, and imports it whole', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const stamp = Date.now().toString(36)
    const file = await writeBigHar(stamp)
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collections-view').waitFor()
    const before = await page.getByTestId('collection-entry').count()

    // Cancelled while it is being sent: nothing is imported.
    await page.getByTestId('collection-import-file').setInputFiles(file)
    await page.getByTestId('import-progress').filter({ hasText: /^Sending the file… / }).waitFor()
    await page.getByTestId('import-cancel').click()
    await page.getByTestId('toast').filter({ hasText: 'Import cancelled: nothing was imported' }).waitFor()
    await page.getByTestId('import-progress').waitFor({ state: 'detached' })
    expect(await page.getByTestId('import-error').count()).toBe(0)

    // Left to finish: progress through both phases, then the whole collection.
    await page.evaluate(workbenchScripts.startTextWatch, 'import-progress')
    await page.getByTestId('collection-import-file').setInputFiles(file)
    await page.getByTestId('collection-title').filter({ hasText: `big-${stamp}` }).waitFor({ timeout: 120_000 })
    await page.getByTestId('toast').filter({ hasText: `Imported 2,000 requests into "big-${stamp}"` }).or(page.getByTestId('toast').filter({ hasText: `Imported 2000 requests into "big-${stamp}"` })).first().waitFor()
    expect(await page.getByTestId('collection-entry').count()).toBe(before + 1)

    const texts = await page.evaluate(workbenchScripts.watchedTexts)
    const sending = texts.filter((text) => text.startsWith('Sending the file… ')).map(numbersOf)
    const reading = texts.filter((text) => text.startsWith('Reading requests… ')).map(numbersOf)
    // The bytes sent were shown as they went, not only at the start and the end.
    expect(sending.some(([done, total]) => done > 0 && done < total)).toBe(true)
    expect(reading.length).toBeGreaterThan(0)
    expect(reading.every(([, total]) => total === COUNT)).toBe(true)
    expect(reading.some(([done]) => done < COUNT)).toBe(true)
    await page.getByTestId('import-progress').waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })
})
