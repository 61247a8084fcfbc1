// Collections end to end: requests saved from the traffic list into a new collection, organized
// (a folder, drag and drop, Alt+↑ reordering), given notes and tags, found by search, deleted and
// brought back with Undo, run against the app with live progress and results (stopping at a
// failure), exported (the downloaded file read back), and files imported through the file picker:
// HAR and Postman, curl scripts as people keep them, and a malformed HAR refused with the engine's
// own message. The traffic list's export holds every request the list counts, not only the pages it
// has loaded.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toHar, toPostman, type Exchange } from '../../shared/formats'
import { httpTarget, type Target } from '../helpers/targets'
import { sendRequest, uniquePath, useE2E, waitForRow } from './helpers'
import { connectApi, firstEndpointId, type HostApi } from './helpers/api-client'
import { hiddenRingSides } from './helpers/focus-rings'
import * as workbenchScripts from './helpers/workbench-page-scripts.js'

const e2e = useE2E()
let app: Target
let hostApi: HostApi | null = null
let scratch = ''

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'hookscope-e2e-collections-'))
  app = await httpTarget((req, res) => {
    const failing = req.url?.includes('/run-fails-') === true
    res.writeHead(failing ? 500 : 201, { 'Content-Type': 'text/plain' })
    res.end(failing ? 'boom' : 'stored')
  })
  try {
    hostApi = await connectApi(e2e.host)
  } catch {
    return // No browser, no host: every test skips with the reason.
  }
  const endpointId = await firstEndpointId(hostApi.api)
  await hostApi.api['endpoints.update']({ id: endpointId, patch: { forward: { targets: [{ id: 'app', url: `${app.url}/app` }], defaultTargetId: 'app' } } })
})

afterAll(async () => {
  hostApi?.close()
  await app?.close()
  await rm(scratch, { recursive: true, force: true })
})

async function saveFromList(page: Page, pathText: string, collection: { create: string } | { into: string }) {
  const row = await waitForRow(page, pathText)
  await row.click()
  await page.getByTestId('detail-target').filter({ hasText: pathText }).waitFor()
  await page.keyboard.press('s')
  const picker = page.getByTestId('save-picker')
  await picker.waitFor()
  if ('create' in collection) {
    await picker.getByTestId('save-collection').selectOption({ label: 'New collection…' })
    await picker.getByTestId('save-new-name').fill(collection.create)
  } else {
    await picker.getByTestId('save-collection').selectOption({ label: collection.into })
  }
  await picker.getByTestId('save-confirm').click()
  await picker.waitFor({ state: 'detached' })
}

async function openCollection(page: Page, name: string) {
  await page.getByTestId('view-collections').click()
  await page.getByTestId('collection-entry').filter({ hasText: name }).click()
  await page.getByTestId('collection-title').filter({ hasText: name }).waitFor()
}

function node(page: Page, name: string): Locator {
  return page.getByTestId('tree-node').filter({ has: page.getByTestId('tree-name').filter({ hasText: name }) })
}

async function waitForTree(page: Page, expected: string[]) {
  try {
    await page.waitForFunction(workbenchScripts.treeShows, JSON.stringify(expected), { timeout: 10_000 })
  } catch (error) {
    throw new Error(`The tree shows ${JSON.stringify(await page.evaluate(workbenchScripts.treeOrder))}, not ${JSON.stringify(expected)}`, { cause: error })
  }
}

describe.each(['light', 'dark'] as const)('the Collections sidebar, %s theme', (colorScheme) => {
  it('shows the whole focus ring on its search, the new collection’s name, the import format and the file picker', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collections-view').waitFor()
    expect(await hiddenRingSides(page, ['collections-search', 'collection-new-name', 'import-format', 'collection-import-file'])).toEqual({})
  })
})

describe('one item open in the Composer of two windows', () => {
  it('asks, at the later Update item, before overwriting what the other saved meanwhile: cancel, overwrite or keep theirs', async (ctx) => {
    e2e.requireBrowser(ctx)
    const api = hostApi!.api
    const name = `Shared ${uniquePath('conflict')}`
    const collection = await api['collections.create']({ name })
    const saved = await api['collections.saveItem']({ id: collection.id, from: { draft: { method: 'POST', url: `${app.url}/original`, headers: [], bodyBase64: '' } }, name: 'shared hook' })
    const storedUrl = async () => (await api['collections.item']({ id: collection.id, itemId: saved.id })).request.url
    const openIn = async () => {
      const { page } = await e2e.open()
      await openCollection(page, name)
      await node(page, 'shared hook').click()
      await page.getByTestId('item-open').click()
      await expect.poll(() => page.getByTestId('composer-url').inputValue()).toBe(`${app.url}/original`)
      return page
    }
    const a = await openIn()
    const b = await openIn()
    await a.getByTestId('composer-url').fill(`${app.url}/from-a`)
    await a.getByTestId('composer-update-item').click()
    await expect.poll(storedUrl).toBe(`${app.url}/from-a`)

    // The other window saves from the version it opened: asked, not silently winning.
    await b.getByTestId('composer-url').fill(`${app.url}/from-b`)
    await b.getByTestId('composer-update-item').click()
    const question = b.getByTestId('composer-item-conflict')
    await question.waitFor()
    expect(await question.textContent()).toContain('“shared hook” was changed and saved elsewhere')
    await b.getByTestId('item-conflict-cancel').click()
    await question.waitFor({ state: 'detached' })
    expect(await storedUrl()).toBe(`${app.url}/from-a`)
    expect(await b.getByTestId('composer-url').inputValue()).toBe(`${app.url}/from-b`)
    await b.getByTestId('composer-update-item').click()
    await b.getByTestId('item-conflict-overwrite').click()
    await expect.poll(storedUrl).toBe(`${app.url}/from-b`)
    await question.waitFor({ state: 'detached' })

    // The first window, now behind, is asked in turn; keeping theirs shows what the other saved.
    await a.getByTestId('composer-url').fill(`${app.url}/from-a-again`)
    await a.getByTestId('composer-update-item').click()
    await a.getByTestId('item-conflict-keep-theirs').click()
    await expect.poll(() => a.getByTestId('composer-url').inputValue()).toBe(`${app.url}/from-b`)
    expect(await storedUrl()).toBe(`${app.url}/from-b`)
    // On that version, its next save is not asked about.
    await a.getByTestId('composer-url').fill(`${app.url}/settled`)
    await a.getByTestId('composer-update-item').click()
    await expect.poll(storedUrl).toBe(`${app.url}/settled`)
    expect(await a.getByTestId('composer-item-conflict').count()).toBe(0)
  })
})

describe('collections', () => {
  it('saves requests from the list, organizes them (folder, drag and drop, keyboard), with notes, tags and search', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const tag = Date.now().toString(36)
    const name = `Orders ${tag}`
    const [a, b, c] = ['created', 'paid', 'refunded'].map((event) => uniquePath(`order-${event}`))
    for (const p of [a, b, c]) await sendRequest(e2e.host.captureUrl, { path: p!, headers: [['Content-Type', 'application/json']], body: `{"event":"${p}"}` })
    await saveFromList(page, a!, { create: name })
    await saveFromList(page, b!, { into: name })
    await saveFromList(page, c!, { into: name })

    await openCollection(page, name)
    const itemName = (p: string) => `POST ${p}`
    await waitForTree(page, [itemName(a!), itemName(b!), itemName(c!)])

    await page.getByTestId('folder-new-name').fill('Refunds')
    await page.getByTestId('folder-new').click()
    await waitForTree(page, [itemName(a!), itemName(b!), itemName(c!), 'Refunds'])

    // Drag and drop: the refund goes into the folder.
    await node(page, itemName(c!)).dragTo(node(page, 'Refunds'))
    await waitForTree(page, [itemName(a!), itemName(b!), 'Refunds', `  ${itemName(c!)}`])

    // Keyboard: Alt+↑ moves "paid" above "created"; the focus stays on it.
    await node(page, itemName(b!)).click()
    await page.keyboard.press('Alt+ArrowUp')
    await waitForTree(page, [itemName(b!), itemName(a!), 'Refunds', `  ${itemName(c!)}`])
    await page.waitForFunction(workbenchScripts.nodeHasFocus, await node(page, itemName(b!)).getAttribute('data-node-id'))
    // Alt+← takes the refund out of its folder, to just after it; Alt+↑ moves it past the folder.
    await node(page, itemName(c!)).click()
    await page.keyboard.press('Alt+ArrowLeft')
    await waitForTree(page, [itemName(b!), itemName(a!), 'Refunds', itemName(c!)])
    await page.keyboard.press('Alt+ArrowUp')
    await waitForTree(page, [itemName(b!), itemName(a!), itemName(c!), 'Refunds'])
    // Back into the folder through the item's folder picker.
    await page.getByTestId('item-folder').selectOption({ label: 'Refunds' })
    await waitForTree(page, [itemName(b!), itemName(a!), 'Refunds', `  ${itemName(c!)}`])

    // Notes and tags.
    await node(page, itemName(a!)).click()
    await page.getByTestId('item-notes').fill(`Replays fine after the fix ${tag}`)
    await page.getByTestId('item-tags').fill('billing, urgent')
    await page.getByTestId('item-save').click()
    await node(page, itemName(a!)).getByTestId('tree-tag').filter({ hasText: 'urgent' }).waitFor()

    // The order, the folder, the notes and tags are stored: they survive a reload.
    await page.reload()
    await page.getByTestId('app-ready').waitFor({ state: 'attached' })
    await openCollection(page, name)
    await waitForTree(page, [itemName(b!), itemName(a!), 'Refunds', `  ${itemName(c!)}`])
    expect(await node(page, itemName(a!)).getByTestId('tree-tag').allTextContents()).toEqual(['billing', 'urgent'])

    // Search across every collection: by note text, then by URL.
    await page.getByTestId('collections-search').fill(`after the fix ${tag}`)
    await page.getByTestId('search-result').first().waitFor()
    expect(await page.getByTestId('search-result').count()).toBe(1)
    expect(await page.getByTestId('search-result').textContent()).toContain(a!)
    await page.getByTestId('collections-search').fill(c!)
    await page.getByTestId('search-result').filter({ hasText: c! }).waitFor()
    await page.getByTestId('search-result').click()
    await page.getByTestId('item-panel').getByTestId('item-url').filter({ hasText: c! }).waitFor()
    expect(await page.evaluate(workbenchScripts.treeOrder)).toEqual([itemName(b!), itemName(a!), 'Refunds', `  ${itemName(c!)}`])

    // An item opens in the composer with its request.
    const itemUrl = (await page.getByTestId('item-url').textContent())!
    expect(itemUrl.endsWith(c!)).toBe(true)
    await page.getByTestId('item-open').click()
    await page.getByTestId('composer-view').waitFor()
    expect(await page.getByTestId('composer-url').inputValue()).toBe(itemUrl)
    expect(await page.getByTestId('composer-body-editor').locator('.cm-content').textContent()).toBe(`{"event":"${c}"}`)
    expect(errors).toEqual([])
  })

  it('gives the focus to the offered Undo when the last entry of a collection is deleted, and undoes with Ctrl+Z', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const name = `Single ${Date.now().toString(36)}`
    const only = uniquePath('only-entry')
    await sendRequest(e2e.host.captureUrl, { path: only, headers: [['Content-Type', 'text/plain']], body: 'only' })
    await saveFromList(page, only, { create: name })
    await openCollection(page, name)
    await waitForTree(page, [`POST ${only}`])

    await node(page, `POST ${only}`).click()
    await page.keyboard.press('Delete')
    await waitForTree(page, [])
    await page.getByTestId('undo-toast').waitFor()
    try {
      await page.waitForFunction(workbenchScripts.testIdHasFocus, 'undo-button', { timeout: 5_000 })
    } catch (error) {
      throw new Error(`The focus is on ${await page.evaluate(workbenchScripts.focusedTestId)}, not on Undo`, { cause: error })
    }
    await page.keyboard.press('Enter')
    await waitForTree(page, [`POST ${only}`])

    // Ctrl+Z undoes a delete from the tree; typed in a field, it is the field's own.
    await node(page, `POST ${only}`).click()
    await page.keyboard.press('Delete')
    await waitForTree(page, [])
    await page.getByTestId('undo-toast').waitFor()
    await page.keyboard.press('Control+z')
    await waitForTree(page, [`POST ${only}`])
    await page.getByTestId('undo-toast').waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })

  it('deletes with undo, runs with live progress and results, and exports', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const name = `Run ${Date.now().toString(36)}`
    const [first, failing, last] = [uniquePath('run-first'), uniquePath('run-fails'), uniquePath('run-last')]
    for (const p of [first, failing, last]) await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'text/plain']], body: `body of ${p}` })
    await saveFromList(page, first, { create: name })
    await saveFromList(page, failing, { into: name })
    await saveFromList(page, last, { into: name })
    await openCollection(page, name)
    await waitForTree(page, [`POST ${first}`, `POST ${failing}`, `POST ${last}`])

    // Delete an item, then Undo.
    await node(page, `POST ${last}`).click()
    await page.keyboard.press('Delete')
    await waitForTree(page, [`POST ${first}`, `POST ${failing}`])
    await page.getByTestId('undo-toast').waitFor()
    await page.getByTestId('undo-button').click()
    await waitForTree(page, [`POST ${first}`, `POST ${failing}`, `POST ${last}`])

    // Delete the whole collection, then Undo.
    await page.getByTestId('collection-delete').click()
    await page.getByTestId('collection-entry').filter({ hasText: name }).waitFor({ state: 'detached' })
    await page.getByTestId('undo-button').click()
    await page.getByTestId('collection-title').filter({ hasText: name }).waitFor()
    await waitForTree(page, [`POST ${first}`, `POST ${failing}`, `POST ${last}`])

    // Run it to the app, with a delay so the progress can be seen between the requests.
    await page.getByTestId('collection-run').click()
    await page.getByTestId('run-target').selectOption(`${app.url}/app`)
    await page.getByTestId('run-delay').fill('700')
    await page.getByTestId('run-stop').check()
    await page.getByTestId('run-start').click()
    await page.getByTestId('run-progress-text').filter({ hasText: '1 of 3 sent · running' }).waitFor()
    expect(await page.getByTestId('run-progress').getAttribute('aria-valuenow')).toBe('1')
    expect(await page.getByTestId('run-result').count()).toBe(1)
    await page.getByTestId('run-progress-text').filter({ hasText: '2 of 3 sent · stopped' }).waitFor()
    const results = page.getByTestId('run-result')
    expect(await results.getByTestId('run-result-status').allTextContents()).toEqual(['201', '500'])
    expect((await page.evaluate(workbenchScripts.rowKinds, 'run-result')).map((row) => row.split(':')[0])).toEqual(['true', 'false'])
    expect(app.received.some((r) => r.url === `/app${last}`)).toBe(false)
    expect(app.received.find((r) => r.url === `/app${first}`)!.body.toString()).toBe(`body of ${first}`)

    // A result opens its replay: what was sent and what came back.
    await results.nth(1).click()
    await page.getByTestId('composer-view').waitFor()
    await page.getByTestId('response-status').filter({ hasText: '500' }).waitFor()
    expect(await page.getByTestId('composer-url').inputValue()).toBe(`${app.url}/app${failing}`)

    // Export as HAR: the downloaded file holds the three requests in order.
    await openCollection(page, name)
    await page.getByTestId('export-format').selectOption('har')
    const download = page.waitForEvent('download')
    await page.getByTestId('collection-export').click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/\.har$/)
    const har = JSON.parse(await readFile(await file.path(), 'utf8')) as { log: { entries: Array<{ request: { url: string; postData?: { text?: string } } }> } }
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual([first, failing, last])
    expect(har.log.entries[0]!.request.postData?.text).toBe(`body of ${first}`)

    // Export the traffic list's requests as cURL.
    await page.getByTestId('view-traffic').click()
    await page.getByTestId('search-input').fill(first)
    await page.getByTestId('traffic-count').filter({ hasText: /^1 request$/ }).waitFor()
    const curlDownload = page.waitForEvent('download')
    await page.getByTestId('traffic-export-curl').click()
    const script = await readFile(await (await curlDownload).path(), 'utf8')
    expect(script).toContain(`curl`)
    expect(script).toContain(first)
    expect(script).not.toContain(last)
  })

  it('imports HAR and Postman files through the file picker, and says clearly what is wrong with a malformed one', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const stamp = Date.now().toString(36)
    const exchanges: Exchange[] = [
      { request: { method: 'POST', url: `http://localhost:3000/imported-${stamp}/one`, headers: [['Content-Type', 'application/json']], body: new TextEncoder().encode('{"n":1}') }, name: `First ${stamp}` },
      { request: { method: 'GET', url: `http://localhost:3000/imported-${stamp}/two?x=1`, headers: [['Accept', '*/*']], body: new Uint8Array(0) }, name: `Second ${stamp}` },
    ]
    const harFile = path.join(scratch, `browser-${stamp}.har`)
    await writeFile(harFile, JSON.stringify(toHar(exchanges, { creator: { name: 'test', version: '1' } })))
    const postmanFile = path.join(scratch, `team-${stamp}.postman_collection.json`)
    await writeFile(postmanFile, JSON.stringify(toPostman(exchanges, { name: `Team ${stamp}` })))
    const broken = toHar(exchanges, { creator: { name: 'test', version: '1' } })
    broken.log.entries[1]!.request.url = '/not-absolute'
    const brokenFile = path.join(scratch, `broken-${stamp}.har`)
    await writeFile(brokenFile, JSON.stringify(broken))

    await page.getByTestId('view-collections').click()
    await page.getByTestId('collections-view').waitFor()
    await page.getByTestId('collection-import-file').setInputFiles(harFile)
    await page.getByTestId('collection-title').filter({ hasText: `browser-${stamp}` }).waitFor()
    await waitForTree(page, [`First ${stamp}`, `Second ${stamp}`])

    await page.getByTestId('collection-import-file').setInputFiles(postmanFile)
    await page.getByTestId('collection-title').filter({ hasText: `Team ${stamp}` }).waitFor()
    await waitForTree(page, [`First ${stamp}`, `Second ${stamp}`])
    await node(page, `Second ${stamp}`).click()
    expect(await page.getByTestId('item-url').textContent()).toBe(`http://localhost:3000/imported-${stamp}/two?x=1`)

    const before = await page.getByTestId('collection-entry').count()
    await page.getByTestId('collection-import-file').setInputFiles(brokenFile)
    const error = page.getByTestId('import-error')
    await error.waitFor()
    expect(await error.textContent()).toContain(`Could not import broken-${stamp}.har: Not a valid HAR file: log.entries[1].request.url: "/not-absolute" is not an absolute URL`)
    expect(await page.getByTestId('collection-entry').count()).toBe(before)

    // Not even JSON, with the format chosen by hand.
    const garbage = path.join(scratch, `garbage-${stamp}.json`)
    await writeFile(garbage, '{"info": {"name": "x"}, "item": [')
    await page.getByTestId('import-format').selectOption('postman')
    await page.getByTestId('collection-import-file').setInputFiles(garbage)
    await error.filter({ hasText: `garbage-${stamp}.json` }).waitFor()
    expect(await error.textContent()).toMatch(/Postman|JSON/)
    expect(await page.getByTestId('collection-entry').count()).toBe(before)
  })

  it('imports curl commands as people keep them through the file picker (a script with its #! line, typed for PowerShell), and names what an editor replaced', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const stamp = Date.now().toString(36)
    const script = path.join(scratch, `charges-${stamp}.sh`)
    await writeFile(script, `#!/usr/bin/env bash\n# Create a charge, then list them\ncurl https://api.stripe.test/v1/charges-${stamp} \\\n  -u sk_test_x: \\\n  -d amount=2000\ncurl -G https://api.stripe.test/v1/charges-${stamp} -u sk_test_x: -d limit=3\n`)
    const powershell = path.join(scratch, `windows-${stamp}.txt`)
    await writeFile(powershell, `curl.exe -X POST 'https://api.example.test/orders-${stamp}' \`\r\n  -H 'Content-Type: application/json' \`\r\n  -d '{"sku": "A1"}'\r\n`)
    const chat = path.join(scratch, `chat-${stamp}.sh`)
    await writeFile(chat, `curl -X POST https://api.example.test/x \\\n  -H \u201cContent-Type: application/json\u201d\n`)

    await page.getByTestId('view-collections').click()
    await page.getByTestId('collections-view').waitFor()
    await page.getByTestId('collection-import-file').setInputFiles(script)
    await page.getByTestId('collection-title').filter({ hasText: `charges-${stamp}` }).waitFor()
    await waitForTree(page, [`POST /v1/charges-${stamp}`, `GET /v1/charges-${stamp}`])
    await node(page, `GET /v1/charges-${stamp}`).click()
    expect(await page.getByTestId('item-url').textContent()).toBe(`https://api.stripe.test/v1/charges-${stamp}?limit=3`)

    await page.getByTestId('collection-import-file').setInputFiles(powershell)
    await page.getByTestId('collection-title').filter({ hasText: `windows-${stamp}` }).waitFor()
    await waitForTree(page, [`POST /orders-${stamp}`])
    await node(page, `POST /orders-${stamp}`).click()
    expect(await page.getByTestId('item-url').textContent()).toBe(`https://api.example.test/orders-${stamp}`)
    expect(await page.getByTestId('item-summary').textContent()).toMatch(/^1 header · /)

    const before = await page.getByTestId('collection-entry').count()
    await page.getByTestId('collection-import-file').setInputFiles(chat)
    const error = page.getByTestId('import-error')
    await error.filter({ hasText: `chat-${stamp}.sh` }).waitFor()
    expect(await error.textContent()).toContain(`Could not import chat-${stamp}.sh: a typographic quote \u201c, which the shell does not take for a quote: write " instead (an editor or a chat app may have put it there) at line 2, column 6`)
    expect(await page.getByTestId('collection-entry').count()).toBe(before)
  })

  it('in a 900 px window, shows the selected request, its signature warning and its actions whole, under the tree', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open({ viewport: { width: 900, height: 800 } })
    const name = `Narrow ${uniquePath('narrow')}`
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'e2e', version: '1' },
        entries: [{ request: { method: 'POST', url: 'http://localhost:4242/webhooks/stripe', headers: [{ name: 'Stripe-Signature', value: 't=1700000000,v1=00' }], postData: { mimeType: 'application/json', text: '{}' } } }],
      },
    }
    await hostApi!.api['collections.import']({ format: 'har', text: JSON.stringify(har), name })
    await openCollection(page, name)
    await page.getByTestId('tree-node').first().click()
    await page.getByTestId('item-stale-signature').waitFor()
    const main = (await page.locator('.collection-main').boundingBox())!
    for (const testId of ['item-panel', 'item-stale-signature', 'item-open', 'item-delete']) {
      const box = (await page.getByTestId(testId).boundingBox())!
      expect(box.x + box.width, testId).toBeLessThanOrEqual(main.x + main.width)
    }
    // Nothing to scroll sideways to.
    expect(await page.locator('.collection-main').evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0)
    expect(errors).toEqual([])
  })

  it('keeps names without spaces (a collection’s, folders six deep, a request’s) within the view: its list, title, folder, run, results and the Composer', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open({ viewport: { width: 1400, height: 900 } })
    const api = hostApi!.api
    const collectionName = `${uniquePath('long')}${'L'.repeat(150)}`
    const collection = await api['collections.create']({ name: collectionName })
    let parentId: string | null = null
    for (let depth = 0; depth < 6; depth++) {
      const tree = await api['collections.addFolder']({ id: collection.id, name: `Level${depth + 1}${'f'.repeat(100)}`, parentId })
      parentId = tree.folders.at(-1)!.id
    }
    const itemName = 'N'.repeat(300)
    await api['collections.saveItem']({ id: collection.id, folderId: parentId, from: { draft: { method: 'POST', url: `${app.url}/run-fails-long`, headers: [], bodyBase64: '' } }, name: itemName })
    await page.getByTestId('view-collections').click()
    await page.locator(`[data-testid="collection-entry"][data-collection-id="${collection.id}"]`).click()
    await page.getByTestId('collection-title').waitFor()
    await page.getByTestId('tree-node').last().click()
    await page.getByTestId('item-panel').waitFor()
    await page.getByTestId('collection-run').click()
    await page.getByTestId('run-panel').getByRole('button', { name: 'Start' }).click()
    await page.getByTestId('run-result-status').filter({ hasText: '500' }).waitFor()
    const sideways = (selector: string) => page.locator(selector).evaluate((el) => el.scrollWidth - el.clientWidth)
    expect(await sideways('.collections-sidebar'), 'the list of collections').toBe(0)
    expect(await sideways('.collection-main'), 'the open collection').toBe(0)
    const panel = (await page.getByTestId('item-panel').boundingBox())!
    const folder = (await page.getByTestId('item-folder').boundingBox())!
    expect(folder.x + folder.width, 'the folder of the selected request').toBeLessThanOrEqual(panel.x + panel.width)
    const run = (await page.getByTestId('run-panel').boundingBox())!
    const results = (await page.getByTestId('run-results').boundingBox())!
    expect(results.x + results.width, 'the run’s results').toBeLessThanOrEqual(run.x + run.width)

    await page.getByTestId('item-open').click()
    await page.getByTestId('composer-url').waitFor()
    expect(await sideways('[data-testid="composer-view"]'), 'the Composer').toBe(0)
    expect(errors).toEqual([])
  })

  it('runs with a delay typed to the millisecond (250 ms), which the browser takes as it is', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const api = hostApi!.api
    const collection = await api['collections.create']({ name: `Delay ${uniquePath('delay')}` })
    for (const name of ['first', 'second']) {
      await api['collections.saveItem']({ id: collection.id, from: { draft: { method: 'POST', url: `${app.url}/delay-${name}`, headers: [], bodyBase64: '' } }, name })
    }
    await page.getByTestId('view-collections').click()
    await page.locator(`[data-testid="collection-entry"][data-collection-id="${collection.id}"]`).click()
    await page.getByTestId('collection-run').click()
    await page.getByTestId('run-delay').fill('250')
    const started = Date.now()
    await page.getByTestId('run-panel').getByRole('button', { name: 'Start' }).click()
    await page.getByTestId('run-progress-text').filter({ hasText: '2 of 2 sent · finished' }).waitFor({ timeout: 10_000 })
    // The second waited out the delay after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    const [run] = await api['collections.runs']({ collectionId: collection.id })
    expect(run!.results.map((r) => r.status)).toEqual([201, 201])
    expect(errors).toEqual([])
  })

  it('exports every request the traffic list counts, past the pages it has loaded', async (ctx) => {
    e2e.requireBrowser(ctx)
    const prefix = uniquePath('export-all')
    const SENT = 700 // more than the list's first page (500)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })
    try {
      // Sent one after another in 8 lanes, so that request n is older than request n + 8.
      const lanes = Array.from({ length: 8 }, async (_, lane) => {
        for (let n = lane; n < SENT; n += 8) await sendRequest(e2e.host.captureUrl, { path: `${prefix}/${String(n).padStart(4, '0')}`, body: `n=${n}` }, agent)
      })
      await Promise.all(lanes)
    } finally {
      agent.destroy()
    }
    const sent = Array.from({ length: SENT }, (_, n) => `${prefix}/${String(n).padStart(4, '0')}`)
    const { page, errors } = await e2e.open()

    // Under a search: the HAR file holds every match, oldest first.
    await page.getByTestId('search-input').fill(prefix)
    await page.getByTestId('traffic-count').filter({ hasText: /^700 requests$/ }).waitFor()
    const harDownload = page.waitForEvent('download')
    await page.getByTestId('traffic-export-har').click()
    const har = JSON.parse(await readFile(await (await harDownload).path(), 'utf8')) as { log: { entries: Array<{ startedDateTime: string; request: { url: string; postData?: { text?: string } } }> } }
    const paths = har.log.entries.map((e) => new URL(e.request.url).pathname)
    expect(paths).toHaveLength(SENT)
    expect([...paths].sort()).toEqual(sent)
    const started = har.log.entries.map((e) => e.startedDateTime)
    expect(started).toEqual([...started].sort())
    expect(har.log.entries.find((e) => e.request.url.endsWith(`${prefix}/0000`))?.request.postData?.text).toBe('n=0')
    await page.getByTestId('toast').filter({ hasText: 'Exported 700 requests as HAR.' }).waitFor()

    // No filter at all: the cURL file holds as many commands as the list counts.
    await page.getByTestId('search-input').fill('')
    await page.getByTestId('traffic-count').filter({ hasNotText: /^700 requests$/ }).filter({ hasText: /requests$/ }).waitFor()
    const counted = Number((await page.getByTestId('traffic-count').textContent())!.replace(/\D/g, ''))
    expect(counted).toBeGreaterThan(SENT)
    const curlDownload = page.waitForEvent('download')
    await page.getByTestId('traffic-export-curl').click()
    const script = await readFile(await (await curlDownload).path(), 'utf8')
    expect(script.match(/^curl -q /gm)).toHaveLength(counted)
    for (const sentPath of [sent[0]!, sent[SENT - 1]!]) expect(script).toContain(sentPath)
    expect(errors).toEqual([])
  })
})
