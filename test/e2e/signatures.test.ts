// Signature checks in a real browser against the real headless host: a Stripe scheme and a write-only
// secret set in the endpoint editor; requests signed with the official `stripe` package judged valid,
// tampered, missing and stale in the list; the Signature tab explaining a stale timestamp and checking
// again; forgetting the secret; and the way to the editor from an endpoint that checks nothing.
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { sendRequest, uniquePath, useE2E, waitForRow } from './helpers'
import { createEndpoint, openEditor, saveEditor } from './helpers/forwarding'

const e2e = useE2E()
const stripe = new Stripe('sk_test_hookscope_e2e')

describe('signatures', () => {
  it('judges Stripe signatures with a stored secret, explains a stale timestamp, and forgets the secret', async (ctx) => {
    e2e.requireBrowser(ctx)
    const secret = `whsec_e2e_${Math.random().toString(36).slice(2)}`
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Stripe sig')
    await openEditor(page, 'Stripe sig')
    await page.getByTestId('signature-scheme').selectOption('stripe')
    await page.getByTestId('signature-scheme-hint').filter({ hasText: 'Stripe-Signature' }).waitFor()
    expect(await page.getByTestId('signature-secret').getAttribute('type')).toBe('password')
    await page.getByTestId('signature-secret').fill(secret)
    await saveEditor(page)

    await openEditor(page, 'Stripe sig')
    await page.getByTestId('signature-secret-stored').waitFor()
    expect(await page.getByTestId('signature-secret').inputValue()).toBe('')
    expect(await page.content()).not.toContain(secret)
    await page.getByTestId('endpoint-editor').getByRole('button', { name: 'Cancel' }).click()
    await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })

    const p = uniquePath('stripe')
    const payload = JSON.stringify({ id: 'evt_e2e', type: 'invoice.paid', data: { object: { amount: 4200 } } })
    const signed = stripe.webhooks.generateTestHeaderString({ payload, secret })
    const stale = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 })
    const json: [string, string] = ['Content-Type', 'application/json']
    await sendRequest(url, { path: `${p}/valid`, headers: [json, ['Stripe-Signature', signed]], body: payload })
    await sendRequest(url, { path: `${p}/tampered`, headers: [json, ['Stripe-Signature', signed]], body: payload.replace('4200', '1') })
    await sendRequest(url, { path: `${p}/unsigned`, headers: [json], body: payload })
    await sendRequest(url, { path: `${p}/stale`, headers: [json, ['Stripe-Signature', stale]], body: payload })

    const valid = await waitForRow(page, `${p}/valid`)
    await valid.getByTestId('badge-signature').filter({ hasText: 'sig valid' }).waitFor()
    expect(await valid.getByTestId('badge-signature').getAttribute('title')).toBe('Stripe signature valid: your app would accept it.')
    const tampered = await waitForRow(page, `${p}/tampered`)
    await tampered.getByTestId('badge-signature').filter({ hasText: 'sig invalid' }).waitFor()
    expect(await tampered.getByTestId('badge-signature').getAttribute('class')).toBe('badge danger')
    await (await waitForRow(page, `${p}/unsigned`)).getByTestId('badge-signature').filter({ hasText: 'sig missing' }).waitFor()
    const staleRow = await waitForRow(page, `${p}/stale`)
    await staleRow.getByTestId('badge-signature').filter({ hasText: /^sig stale 1 h$/ }).waitFor()

    await staleRow.click()
    await page.getByTestId('tab-signature').click()
    const tab = page.getByTestId('signature-tab')
    await tab.getByTestId('signature-headline').filter({ hasText: 'Stale Stripe timestamp' }).waitFor()
    const details = await tab.getByTestId('signature-detail').allTextContents()
    expect(details[0]).toMatch(/^The signature itself matches, but the signed timestamp is 1 h old \(drift 36\d\d s\) when the request arrived\.$/)
    expect(details[1]).toBe('Stripe accepts at most 5 min (300 s), so an app checking it would refuse this request as a possible replay.')
    expect(await tab.getByTestId('signature-fact').allTextContents()).toContain('Tolerance300 s (5 min)')
    await tab.getByTestId('signature-check-again').click()
    await tab.getByTestId('signature-checked-at').waitFor()
    expect(await tab.getByTestId('signature-verdict').getAttribute('data-kind')).toBe('timestamp-out-of-tolerance')

    await tampered.click()
    await tab.getByTestId('signature-headline').filter({ hasText: 'Invalid Stripe signature' }).waitFor()

    await openEditor(page, 'Stripe sig')
    await page.getByTestId('signature-secret-forget').click()
    await page.getByTestId('signature-secret-stored').waitFor({ state: 'detached' })
    await page.getByTestId('endpoint-editor').getByRole('button', { name: 'Cancel' }).click()
    await valid.getByTestId('badge-signature').filter({ hasText: 'no secret' }).waitFor()
    await tab.getByTestId('signature-headline').filter({ hasText: 'Not checked: no secret' }).waitFor()
    await tab.getByTestId('signature-configure').filter({ hasText: 'Store the secret…' }).waitFor()
  })

  it('says when an endpoint checks no signature, and opens its editor from there', async (ctx) => {
    e2e.requireBrowser(ctx)
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Unsigned sig')
    const p = uniquePath('unsigned')
    await sendRequest(url, { path: p, body: '{}' })
    const row = await waitForRow(page, p)
    expect(await row.getByTestId('badge-signature').count()).toBe(0)
    await row.click()
    await page.getByTestId('tab-signature').click()
    await page.getByTestId('signature-hint').filter({ hasText: 'This endpoint checks no signature' }).waitFor()
    expect(await page.getByTestId('signature-check-again').isDisabled()).toBe(true)
    await page.getByTestId('signature-configure').click()
    await page.getByRole('dialog', { name: 'Edit Unsigned sig' }).getByTestId('signature-scheme').waitFor()
  })
})
