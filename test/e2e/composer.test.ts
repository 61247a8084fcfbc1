// The composer end to end: a capture opened for editing (prefilled exactly), a JSON field edited,
// the request sent to the endpoint's forward target, the response shown and compared with the
// original; Stripe's own library judging an edited replay without and with re-signing; a pasted cURL
// command sent; a 3xx shown as it came; Ctrl+Enter sending the body as typed; the replay rows naming
// their requests with their actions in view in a wide and a narrow window; "resend as is" with one
// key, and to another URL; typing over a selected multi-line body sends exactly what was typed; what is
// typed into the URL beyond ASCII is sent percent-encoded; an imported item carrying a stale Stripe
// signature re-signed in the Composer and in a run, as Stripe's library judges; an https:// app with its
// own certificate reached once the request accepts it.
import Stripe from 'stripe'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, httpTarget, selfSignedTarget, type Target } from '../helpers/targets'
import { pageScripts, sendRequest, uniquePath, useE2E, waitForRow } from './helpers'
import { connectApi, firstEndpointId, type HostApi } from './helpers/api-client'
import { hiddenRingSides } from './helpers/focus-rings'
import * as workbenchScripts from './helpers/workbench-page-scripts.js'

const e2e = useE2E()
const STRIPE_SECRET = 'whsec_e2e_composer_0123456789abcdef0123456789'
const stripe = new Stripe('sk_test_e2e_composer')

let app: Target
let other: Target
let stripeApp: Target
let hostApi: HostApi | null = null
let stripeCaptureUrl = ''

beforeAll(async () => {
  app = await httpTarget((req, res, body) => {
    if (req.url?.includes('/redirect-me')) {
      res.writeHead(302, { Location: '/elsewhere', 'Content-Type': 'text/plain' })
      res.end('moved')
      return
    }
    res.writeHead(201, { 'Content-Type': 'application/json', 'X-App': 'composer-e2e' })
    res.end(JSON.stringify({ received: body.length, method: req.method }))
  })
  other = await httpTarget()
  stripeApp = await httpTarget((req, res, body) => {
    try {
      const event = stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature'] ?? ''), STRIPE_SECRET)
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ accepted: event.id }))
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/plain' })
      res.end(`rejected: ${(error as Error).message}`)
    }
  })
  try {
    hostApi = await connectApi(e2e.host)
  } catch {
    return // No browser, no host: every test skips with the reason.
  }
  const { api } = hostApi
  const endpointId = await firstEndpointId(api)
  await api['endpoints.update']({ id: endpointId, patch: { forward: { targets: [{ id: 'app', url: `${app.url}/app` }], defaultTargetId: 'app' } } })
  const signed = await api['endpoints.create']({ name: 'Stripe', host: '127.0.0.1', port: 0 })
  await api['endpoints.update']({ id: signed.id, patch: { signature: { scheme: 'stripe' }, forward: { targets: [{ id: 'stripe-app', url: stripeApp.url }], defaultTargetId: 'stripe-app' } } })
  await api['endpoints.setSecret']({ id: signed.id, secret: STRIPE_SECRET })
  const status = (await api['endpoints.status']({})).find((s) => s.id === signed.id)
  stripeCaptureUrl = status!.url!
})

afterAll(async () => {
  hostApi?.close()
  await Promise.all([app?.close(), other?.close(), stripeApp?.close()])
})

async function openInComposer(page: Page, pathText: string) {
  const row = await waitForRow(page, pathText)
  await row.click()
  await page.getByTestId('detail-target').filter({ hasText: pathText }).waitFor()
  await page.getByTestId('detail-edit').click()
  await page.getByTestId('composer-view').waitFor()
  await page.getByTestId('composer-body-editor').locator('.cm-content').waitFor()
}

async function replaceBody(page: Page, text: string) {
  await page.getByTestId('composer-body-editor').locator('.cm-content').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(text)
}

const receivedAt = (target: Target, path: string) => target.received.filter((r) => r.url.startsWith(path))

async function waitForReceived(target: Target, path: string, count: number) {
  for (let seen = target.received.length; receivedAt(target, path).length < count; seen++) await target.waitFor(seen + 1)
  return receivedAt(target, path)
}

/** A HAR file of one POST carrying a Stripe signature an hour old, as an item imported from elsewhere would. */
function staleStripeHar(url: string, payload: string) {
  const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 })
  return {
    log: {
      version: '1.2',
      creator: { name: 'e2e', version: '1' },
      entries: [{ request: { method: 'POST', url, headers: [{ name: 'Content-Type', value: 'application/json' }, { name: 'Stripe-Signature', value: stale }], postData: { mimeType: 'application/json', text: payload } } }],
    },
  }
}

describe.each(['light', 'dark'] as const)('the Composer’s fields, %s theme', (colorScheme) => {
  it('show the whole focus ring on the method, the URL and Send, and outline the body as the other fields are', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open({ colorScheme })
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-new').click()
    await page.getByTestId('composer-url').fill('http://localhost:3000/hooks')
    expect(await hiddenRingSides(page, ['composer-method', 'composer-url', 'composer-send', 'composer-body-input'])).toEqual({})
    await page.evaluate('document.activeElement.blur()')
    const borders = await page.evaluate(`[...document.querySelectorAll('[data-testid="composer-url"], [data-testid="composer-body-editor"]')].map((el) => getComputedStyle(el).borderTopColor)`)
    expect(borders).toHaveLength(2)
    expect((borders as string[])[1]).toBe((borders as string[])[0])
  })
})

describe('composer', () => {
  it('sends what was typed over a selected multi-line body, with no line break added', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const p = uniquePath('typed')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ id: 'evt_1', data: { amount: 100 } }, null, 2) })
    await openInComposer(page, p)
    await page.getByTestId('composer-body-editor').locator('.cm-line').first().click()
    await page.keyboard.press('Control+A')
    await page.keyboard.type('{"a":1}')
    await page.getByTestId('composer-body-size').filter({ hasText: '7 B' }).waitFor()
    await page.getByTestId('composer-send').click()
    const [received] = await waitForReceived(app, `/app${p}`, 1)
    expect(received!.body.toString()).toBe('{"a":1}')
    expect(errors).toEqual([])
  })

  it('opens a capture prefilled, sends an edited JSON field to the forward target, shows the response and the diff', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const p = uniquePath('edit')
    const original = '{"id":"evt_1","amount":100,"currency":"usd"}'
    await sendRequest(e2e.host.captureUrl, { path: `${p}?q=1`, headers: [['Content-Type', 'application/json'], ['X-Trace', 'abc'], ['x-trace', 'second']], body: original })
    await openInComposer(page, p)

    expect(await page.getByTestId('composer-method').inputValue()).toBe('POST')
    expect(await page.getByTestId('composer-url').inputValue()).toBe(`${app.url}/app${p}?q=1`)
    const names = await page.evaluate(workbenchScripts.inputValues, 'header-name-input')
    expect(names.filter((n) => /trace/i.test(n))).toEqual(['X-Trace', 'x-trace'])
    expect(await page.getByTestId('content-length-computed').textContent()).toContain(String(original.length))
    expect(await page.getByTestId('composer-json-status').textContent()).toBe('Valid JSON')

    // Live validation: a header name with a space is refused before anything is sent.
    await page.getByTestId('header-add').click()
    await page.getByTestId('header-name-input').last().fill('Bad Name')
    await page.getByTestId('header-name-error').waitFor()
    expect(await page.getByTestId('composer-send').isDisabled()).toBe(true)
    await page.getByTestId('header-remove').last().click()
    await page.getByTestId('header-name-error').waitFor({ state: 'detached' })

    const edited = '{"id":"evt_1","amount":1000,"currency":"usd"}'
    await replaceBody(page, '{"id":"evt_1","amount":1000,"currency":"usd"')
    await page.getByTestId('composer-json-status').filter({ hasText: 'Not valid JSON' }).waitFor()
    await page.keyboard.insertText('}')
    await page.getByTestId('composer-json-status').filter({ hasText: 'Valid JSON' }).waitFor()
    await page.getByTestId('content-length-computed').filter({ hasText: String(edited.length) }).waitFor()

    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '201' }).waitFor()
    const [received] = await waitForReceived(app, `/app${p}`, 1)
    expect(received!.method).toBe('POST')
    expect(received!.url).toBe(`/app${p}?q=1`)
    expect(received!.body.toString()).toBe(edited)
    expect(received!.rawHeaders.filter(([n]) => /trace/i.test(n))).toEqual([
      ['X-Trace', 'abc'],
      ['x-trace', 'second'],
    ])
    expect(received!.rawHeaders.find(([n]) => n.toLowerCase() === 'content-length')![1]).toBe(String(edited.length))

    await page.getByTestId('response-body').getByTestId('viewer-json').waitFor()
    expect(await page.getByTestId('response-body').locator('.cm-content').textContent()).toContain(`"received": ${edited.length}`)
    await page.getByTestId('response-tab-headers').click()
    expect(await page.getByTestId('response-headers').textContent()).toContain('composer-e2e')
    await page.getByTestId('replay-row').first().waitFor()
    expect(await page.getByTestId('replay-row').count()).toBe(1)

    await page.getByTestId('response-diff').click()
    const sheet = page.getByTestId('diff-sheet')
    await sheet.getByTestId('diff-content').waitFor()
    const change = sheet.getByTestId('diff-json-change')
    expect(await change.count()).toBe(1)
    expect(await change.getAttribute('data-kind')).toBe('changed')
    expect(await change.getByTestId('diff-json-path').textContent()).toBe('$.amount')
    expect(await change.getByTestId('diff-json-before').textContent()).toBe('100')
    expect(await change.getByTestId('diff-json-after').textContent()).toBe('1000')
    const lengthRow = sheet.getByTestId('diff-header-row').filter({ has: page.getByTestId('diff-header-name').filter({ hasText: /^Content-Length$/i }) })
    expect(await lengthRow.getAttribute('data-kind')).toBe('changed')
    expect(await lengthRow.getByTestId('diff-header-after').textContent()).toBe(String(edited.length))
    const headerRows = await page.evaluate(workbenchScripts.rowKinds, 'diff-header-row')
    expect(headerRows.filter((row) => /trace/i.test(row))).toEqual(['same:X-Traceabcabc', 'same:x-tracesecondsecond'])
    expect(await sheet.getByTestId('diff-url').textContent()).toContain(`${app.url}/app${p}?q=1`)
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })

  it('an app verifying with Stripe’s library rejects the edited replay unless it is re-signed', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('stripe')
    const payload = JSON.stringify({ id: 'evt_stripe_e2e', object: 'event', type: 'invoice.paid', data: { object: { amount_paid: 500 } } })
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET })
    await sendRequest(stripeCaptureUrl, { path: p, headers: [['Content-Type', 'application/json'], ['Stripe-Signature', header]], body: payload })
    await openInComposer(page, p)
    expect(await page.getByTestId('composer-url').inputValue()).toBe(`${stripeApp.url}${p}`)

    // Offered and on by default, since the endpoint has a scheme and a secret: turn it off first.
    expect(await page.getByTestId('composer-resign').isChecked()).toBe(true)
    await page.getByTestId('composer-resign').uncheck()
    await replaceBody(page, payload.replace('500', '99999'))
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '400' }).waitFor()
    await page.getByTestId('response-body').filter({ hasText: 'rejected' }).waitFor()

    await page.getByTestId('composer-resign').check()
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '200' }).waitFor()
    await page.getByTestId('response-resigned').waitFor()
    const received = await waitForReceived(stripeApp, p, 2)
    expect(received[1]!.body.toString()).toBe(payload.replace('500', '99999'))
    const signature = received[1]!.rawHeaders.find(([n]) => n.toLowerCase() === 'stripe-signature')![1]
    expect(signature).not.toBe(header)
    expect(stripe.webhooks.constructEvent(received[1]!.body, signature, STRIPE_SECRET).id).toBe('evt_stripe_e2e')
    expect(await page.getByTestId('replay-row').count()).toBe(2)
  })

  it('re-signs an imported item that carries a stale Stripe signature, in the Composer and in a run: Stripe’s library accepts both', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open()
    const p = uniquePath('imported-stripe')
    const payload = JSON.stringify({ id: 'evt_imported_e2e', object: 'event', type: 'invoice.paid' })
    const har = staleStripeHar(`${stripeApp.url}${p}`, payload)
    const name = `Imported ${p}`
    const collection = await hostApi!.api['collections.import']({ format: 'har', text: JSON.stringify(har), name })
    expect(collection.items[0]!.signature).toBeNull()

    await page.getByTestId('view-collections').click()
    await page.getByTestId('collection-entry').filter({ hasText: name }).click()
    await page.getByTestId('collection-title').filter({ hasText: name }).waitFor()
    await page.getByTestId('tree-node').first().click()
    await page.getByTestId('item-open').click()
    await page.getByTestId('composer-view').waitFor()
    // The one endpoint that checks Stripe signatures with a secret re-signs it, and says so.
    expect(await page.getByTestId('composer-resign').isChecked()).toBe(true)
    expect(await page.getByTestId('composer-resign-endpoint').count()).toBe(0)
    expect(await page.getByTestId('composer-endpoint').locator('option:checked').textContent()).toBe('Stripe')
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '200' }).waitFor()
    const [sent] = await waitForReceived(stripeApp, p, 1)
    const signature = sent!.rawHeaders.find(([n]) => n.toLowerCase() === 'stripe-signature')![1]
    expect(stripe.webhooks.constructEvent(sent!.body, signature, STRIPE_SECRET).id).toBe('evt_imported_e2e')

    // Run as saved, it is offered re-signed by the same endpoint, and accepted.
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collection-run').click()
    expect(await page.getByTestId('run-unsigned').locator('p').textContent()).toContain('One of these requests carries a Stripe signature (Stripe-Signature) that nothing re-signs')
    expect(await page.getByTestId('run-resign-with').locator('option:checked').textContent()).toBe('Stripe’s secret')
    await page.getByTestId('run-start').click()
    await page.getByTestId('run-progress-text').filter({ hasText: '1 of 1 sent · finished' }).waitFor()
    expect(await page.getByTestId('run-result-status').allTextContents()).toEqual(['200'])
    const [, ran] = await waitForReceived(stripeApp, p, 2)
    expect(stripe.webhooks.constructEvent(ran!.body, ran!.rawHeaders.find(([n]) => n.toLowerCase() === 'stripe-signature')![1], STRIPE_SECRET).id).toBe('evt_imported_e2e')
    expect(errors).toEqual([])
  })

  it('in a 900 px window, a header re-signing replaces keeps its name whole beside the note that says so', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open({ viewport: { width: 900, height: 800 } })
    const p = uniquePath('narrow-resigned')
    const payload = JSON.stringify({ id: 'evt_narrow_e2e', object: 'event' })
    const har = staleStripeHar(`${stripeApp.url}${p}`, payload)
    const name = `Narrow ${p}`
    await hostApi!.api['collections.import']({ format: 'har', text: JSON.stringify(har), name })
    await page.getByTestId('view-collections').click()
    await page.getByTestId('collection-entry').filter({ hasText: name }).click()
    await page.getByTestId('collection-title').filter({ hasText: name }).waitFor()
    await page.getByTestId('tree-node').first().click()
    await page.getByTestId('item-open').click()
    await page.getByTestId('header-resigned').waitFor()
    const names = page.getByTestId('header-editor').locator('tbody tr').filter({ has: page.getByTestId('header-resigned') }).getByTestId('header-name-input')
    expect(await names.inputValue()).toBe('Stripe-Signature')
    // The whole name is in view: nothing of it scrolled out of its field.
    expect(await names.evaluate((input) => input.scrollWidth - input.clientWidth)).toBeLessThanOrEqual(0)
    expect(errors).toEqual([])
  })

  it('resends a stale Stripe request re-signed from the Signature tab: Stripe’s library accepts it, where the resend as is was refused', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('stale')
    const payload = JSON.stringify({ id: 'evt_stale_e2e', object: 'event', type: 'invoice.paid' })
    const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3901 })
    await sendRequest(stripeCaptureUrl, { path: p, headers: [['Content-Type', 'application/json'], ['Stripe-Signature', stale]], body: payload })
    const row = await waitForRow(page, p)
    await row.getByTestId('badge-signature').filter({ hasText: /^sig stale/ }).waitFor()
    await row.click()
    await page.getByTestId('tab-signature').click()
    const tab = page.getByTestId('signature-tab')
    await tab.getByTestId('signature-headline').filter({ hasText: 'Stale Stripe timestamp' }).waitFor()

    await page.getByTestId('detail-resend').click()
    await page.getByTestId('toast').filter({ hasText: `Resent as is to POST ${stripeApp.url}${p}: 400` }).waitFor()
    const before = receivedAt(stripeApp, p).length
    await tab.getByTestId('signature-resend-resigned').click()
    await page.getByTestId('toast').filter({ hasText: `Resent re-signed to POST ${stripeApp.url}${p}: 200 OK` }).waitFor()
    const received = await waitForReceived(stripeApp, p, before + 1)
    const resent = received[before]!
    expect(resent.body.toString()).toBe(payload)
    const signature = resent.rawHeaders.find(([n]) => n.toLowerCase() === 'stripe-signature')![1]
    // Within Stripe's 5-minute tolerance, with the endpoint's secret.
    expect(stripe.webhooks.constructEvent(resent.body, signature, STRIPE_SECRET).id).toBe('evt_stale_e2e')
  })

  it('sends a pasted cURL command, and shows a redirect as it came without following it', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('pasted')
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-view').waitFor()
    await page.getByTestId('composer-paste').click()
    await page.getByTestId('paste-text').fill(`curl -X PUT '${app.url}${p}?x=1' -H 'Content-Type: application/json' -H 'X-From: curl' --data '{"pasted":true}'`)
    await page.getByTestId('paste-confirm').click()
    await page.getByTestId('paste-dialog').waitFor({ state: 'detached' })
    expect(await page.getByTestId('composer-method').inputValue()).toBe('PUT')
    expect(await page.getByTestId('composer-url').inputValue()).toBe(`${app.url}${p}?x=1`)
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '201' }).waitFor()
    const [received] = await waitForReceived(app, p, 1)
    expect(received!.method).toBe('PUT')
    expect(received!.url).toBe(`${p}?x=1`)
    expect(received!.body.toString()).toBe('{"pasted":true}')
    expect(received!.rawHeaders).toContainEqual(['X-From', 'curl'])

    // Copy as raw HTTP, then paste that message back: the same request goes out again.
    await page.getByTestId('composer-copy-raw').click()
    await page.getByTestId('toast').filter({ hasText: 'Copied as raw HTTP' }).waitFor()
    const raw = await page.evaluate(pageScripts.readClipboard)
    expect(raw).toBe(`PUT ${p}?x=1 HTTP/1.1\r\nHost: ${new URL(app.url).host}\r\nContent-Type: application/json\r\nX-From: curl\r\nContent-Length: 15\r\n\r\n{"pasted":true}`)
    await page.getByTestId('composer-new').click()
    expect(await page.getByTestId('composer-method').inputValue()).toBe('POST')
    await page.getByTestId('composer-paste').click()
    await page.getByTestId('paste-text').fill(raw)
    await page.getByTestId('paste-confirm').click()
    expect(await page.getByTestId('composer-url').inputValue()).toBe(`${app.url}${p}?x=1`)
    await page.getByTestId('composer-send').click()
    await page.getByTestId('replay-row').nth(1).waitFor()
    const [, pastedAgain] = await waitForReceived(app, p, 2)
    expect(pastedAgain!.method).toBe('PUT')
    expect(pastedAgain!.body.toString()).toBe('{"pasted":true}')

    await page.getByTestId('composer-url').fill(`${app.url}${p}/redirect-me`)
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '302' }).waitFor()
    await page.getByTestId('response-tab-headers').click()
    expect(await page.getByTestId('response-headers').textContent()).toContain('/elsewhere')
    expect(app.received.some((r) => r.url === '/elsewhere')).toBe(false)

    await page.getByTestId('composer-paste').click()
    await page.getByTestId('paste-text').fill('curl https://example.test -d @secrets.txt')
    await page.getByTestId('paste-confirm').click()
    expect(await page.getByTestId('paste-error').textContent()).toMatch(/could not be read/)
  })

  it('sends what is typed into the URL beyond ASCII percent-encoded as UTF-8, which a Node app accepts, the caret staying after it', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('typed-url')
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-new').click()
    const url = page.getByTestId('composer-url')
    await url.fill(`${app.url}${p}?q=x`)
    await url.press('End')
    await url.press('ArrowLeft')
    await url.pressSequentially('éz')
    expect(await url.inputValue()).toBe(`${app.url}${p}?q=%C3%A9zx`)
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-status').filter({ hasText: '201' }).waitFor()
    const [received] = await waitForReceived(app, p, 1)
    expect(received!.url).toBe(`${p}?q=%C3%A9zx`)
  })

  it('an https:// app with its own certificate is refused in words that offer to accept it, reached once the request does, which the draft keeps across a reload', async (ctx) => {
    e2e.requireBrowser(ctx)
    const tls = await selfSignedTarget((_req, res, body) => {
      res.writeHead(201, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ secure: true, received: body.length }))
    })
    try {
      const { page, errors } = await e2e.open()
      const p = uniquePath('self-signed')
      await page.getByTestId('view-composer').click()
      await page.getByTestId('composer-new').click()
      const url = page.getByTestId('composer-url')
      // Offered for https:// URLs only.
      await url.fill(`http://localhost:${tls.port}${p}`)
      expect(await page.getByTestId('composer-accept-self-signed').count()).toBe(0)
      await url.fill(`${tls.url}${p}`)
      const accept = page.getByTestId('composer-accept-self-signed')
      await accept.waitFor()
      expect(await accept.isChecked()).toBe(false)
      await page.getByTestId('composer-send').click()
      await page.getByTestId('response-status').filter({ hasText: 'Secure connection failed' }).waitFor()
      expect(await page.getByTestId('response-error').textContent()).toMatch(/^The TLS connection to localhost:\d+ failed\. TLS failed: no trusted authority vouches for the target's certificate \(self[- ]signed certificate\)$/)
      expect(tls.received).toHaveLength(0)
      // The error's advice sends it again, accepting the certificate.
      await page.getByTestId('response-accept-self-signed').click()
      await page.getByTestId('response-status').filter({ hasText: '201' }).waitFor()
      expect(tls.received.map((r) => r.url)).toEqual([p])
      expect(await accept.isChecked()).toBe(true)
      expect(await page.getByTestId('response-self-signed-offer').count()).toBe(0)

      // Kept with the draft: after a reload the request still accepts it, and a send reaches the app.
      await page.reload()
      await page.getByTestId('view-composer').click()
      await page.getByTestId('composer-restored').waitFor()
      expect(await page.getByTestId('composer-accept-self-signed').isChecked()).toBe(true)
      await page.keyboard.press('Control+Enter')
      await tls.waitFor(2)
      // Unticked from the keyboard, it verifies again: refused.
      await page.getByTestId('composer-accept-self-signed').focus()
      await page.keyboard.press('Space')
      expect(await page.getByTestId('composer-accept-self-signed').isChecked()).toBe(false)
      await page.getByTestId('composer-send').click()
      await page.getByTestId('response-status').filter({ hasText: 'Secure connection failed' }).waitFor()
      expect(tls.received).toHaveLength(2)
      expect(errors).toEqual([])
    } finally {
      await tls.close()
    }
  })

  it('sends with Ctrl+Enter from the body editor as typed; each replay row names its request and keeps its actions in view', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page, errors } = await e2e.open({ viewport: { width: 1440, height: 900 } })
    const p = uniquePath('rows')
    const longUrl = `${app.url}${p}/orders/2024/invoices/in_1NqT8w2eZvKYlo2C/line-items?expand[]=discounts&expand[]=tax_amounts&limit=100`
    const refusedUrl = `http://127.0.0.1:${await freePort()}${p}/refused/${'a-rather-long-path-segment/'.repeat(6)}end`
    const shortUrl = `${app.url}${p}/short`
    await page.getByTestId('view-composer').click()
    await page.getByTestId('composer-view').waitFor()
    await page.getByTestId('composer-new').click()
    await page.getByTestId('composer-url').fill(longUrl)
    await page.getByTestId('composer-body-editor').locator('.cm-content').click()
    await page.keyboard.press('Control+A')
    await page.keyboard.press('Backspace')
    await page.keyboard.type('{"typed":true}')
    await page.getByTestId('content-length-computed').filter({ hasText: '14' }).waitFor()
    await page.keyboard.press('Control+Enter')
    await page.getByTestId('response-status').filter({ hasText: '201' }).waitFor()
    const [typed] = await waitForReceived(app, p, 1)
    expect(typed!.body.toString()).toBe('{"typed":true}')
    expect(typed!.rawHeaders.find(([n]) => n.toLowerCase() === 'content-length')![1]).toBe('14')
    expect(await page.evaluate(pageScripts.editorText, '[data-testid="composer-body-editor"]')).toBe('{"typed":true}')

    await page.getByTestId('composer-url').fill(refusedUrl)
    await page.getByTestId('composer-send').click()
    // Said once, in words, where the answer would be; the system's own words kept as the detail.
    await page.getByTestId('response-status').filter({ hasText: 'Connection refused' }).waitFor()
    const port = new URL(refusedUrl).port
    expect(await page.getByTestId('response-error').textContent()).toMatch(new RegExp(`^Nothing accepted a connection at 127\\.0\\.0\\.1:${port}: is the app running, and listening on that port\\? connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`))
    expect(await page.getByTestId('composer-error').count()).toBe(0)
    const refusal = `REFUSED: connection refused (${await page.getByTestId('response-error-detail').textContent()})`

    // Re-signed for the Stripe endpoint: the row shows a badge as well.
    await page.getByTestId('composer-method').fill('PUT')
    await page.getByTestId('composer-url').fill(shortUrl)
    await page.getByTestId('composer-endpoint').selectOption({ label: 'Stripe' })
    expect(await page.getByTestId('composer-resign').isChecked()).toBe(true)
    await page.getByTestId('composer-send').click()
    await page.getByTestId('response-resigned').waitFor()
    await page.getByTestId('replay-row').nth(2).waitFor()

    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1000, height: 760 },
    ]) {
      await page.setViewportSize(viewport)
      const where = `${viewport.width}×${viewport.height}`
      const all = await page.evaluate(workbenchScripts.replayRows)
      // Every row's actions (the replays of other tests' captures have a Diff too) are whole and in view.
      for (const [index, row] of all.entries()) {
        expect(row.actions, `${where}, row ${index}`).toMatchObject({ 'replay-edit': true, 'replay-compare': true, 'replay-save': true })
        expect(Object.values(row.actions).every(Boolean), `${where}, row ${index}`).toBe(true)
      }
      const rows = all.slice(0, 3)
      expect(rows.map((row) => row.request?.title), where).toEqual([`PUT ${shortUrl}`, `POST ${refusedUrl}`, `POST ${longUrl}`])
      expect(rows.map((row) => row.request?.text), where).toEqual([`PUT ${p}/short`, `POST ${refusedUrl.slice(refusedUrl.indexOf(p))}`, `POST ${longUrl.slice(longUrl.indexOf(p))}`])
      expect(rows.map((row) => row.status?.title), where).toEqual(['201 Created', refusal, '201 Created'])
      // The long ones end in an ellipsis (their whole text is in the title).
      expect(rows.map((row) => row.request?.cut), where).toEqual([false, true, true])
    }
    expect(errors).toEqual([])
  })

  it('resends a capture as it was with one key, and to another URL with Shift+R', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const p = uniquePath('resend')
    await sendRequest(e2e.host.captureUrl, { path: p, headers: [['Content-Type', 'text/plain'], ['X-Once', '1']], body: 'exactly these bytes' })
    const row = await waitForRow(page, p)
    await row.click()
    await page.getByTestId('detail-target').filter({ hasText: p }).waitFor()
    await page.keyboard.press('r')
    await page.getByTestId('toast').filter({ hasText: `Resent as is to POST ${app.url}/app${p}: 201` }).waitFor()
    const [again] = await waitForReceived(app, `/app${p}`, 1)
    expect(again!.body.toString()).toBe('exactly these bytes')
    expect(again!.rawHeaders).toContainEqual(['X-Once', '1'])

    await page.keyboard.press('Shift+R')
    await page.getByTestId('resend-prompt').waitFor()
    await page.getByTestId('resend-url').fill(`${other.url}/other-base`)
    await page.getByTestId('resend-confirm').click()
    await page.getByTestId('toast').filter({ hasText: `Resent as is to POST ${other.url}/other-base${p}: 200` }).waitFor()
    const [elsewhere] = await waitForReceived(other, `/other-base${p}`, 1)
    expect(elsewhere!.body.toString()).toBe('exactly these bytes')
  })
})
