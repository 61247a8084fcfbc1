// Signature checks in a real browser against the real headless host: a Stripe scheme and a write-only
// secret set in the endpoint editor; requests signed with the official `stripe` package judged valid,
// tampered, missing and stale in the list; the Signature tab explaining a stale timestamp and checking
// again; forgetting the secret; and the way to the editor from an endpoint that checks nothing. Svix
// messages as the svix library judges them: one whose svix-signature a proxy sent twice, and one
// from a clock that runs ahead, each explained and resent re-signed to an app that accepts it. A
// Twilio endpoint left without a public URL, judged over the URL a tunnel's headers name.
import Stripe from 'stripe'
import { Webhook as SvixWebhook } from 'svix'
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import { httpTarget } from '../helpers/targets'
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

  it('Svix: a signature header sent twice and a timestamp from a clock ahead are explained, and a re-signed resend is accepted by the svix library', async (ctx) => {
    e2e.requireBrowser(ctx)
    const secret = 'whsec_' + Buffer.from(`svix-e2e-${Math.random()}`).toString('base64')
    const accepted: string[] = []
    const app = await httpTarget((req, res, body) => {
      try {
        new SvixWebhook(secret).verify(body, req.headers as Record<string, string>)
        accepted.push(req.url ?? '')
        res.writeHead(204)
      } catch (error) {
        res.writeHead(400, { 'Content-Type': 'text/plain' })
        res.write((error as Error).message)
      }
      res.end()
    })
    try {
      const { page } = await e2e.open()
      const url = await createEndpoint(page, 'Svix sig')
      await openEditor(page, 'Svix sig')
      await page.getByTestId('signature-scheme').selectOption('svix')
      await page.getByTestId('signature-secret').fill(secret)
      await saveEditor(page)

      const payload = JSON.stringify({ type: 'user.created', data: { id: 'user_1' } })
      const svix = new SvixWebhook(secret)
      const signedAt = (at: Date): Array<[string, string]> => [
        ['Content-Type', 'application/json'],
        ['svix-id', 'msg_e2e'],
        ['svix-timestamp', String(Math.floor(at.getTime() / 1000))],
        ['svix-signature', svix.sign('msg_e2e', at, payload)],
      ]
      const p = uniquePath('svix')
      const twice = signedAt(new Date())
      await sendRequest(url, { path: `${p}/twice`, headers: [...twice, ['svix-signature', 'v1,c2lnbmVkIGJ5IGEgcHJveHk=']], body: payload })
      await sendRequest(url, { path: `${p}/ahead`, headers: signedAt(new Date(Date.now() + 7 * 60_000)), body: payload })

      const tab = page.getByTestId('signature-tab')
      const twiceRow = await waitForRow(page, `${p}/twice`)
      await twiceRow.getByTestId('badge-signature').filter({ hasText: 'sig invalid' }).waitFor()
      await twiceRow.click()
      await page.getByTestId('tab-signature').click()
      await tab.getByTestId('signature-headline').filter({ hasText: 'Invalid Svix signature' }).waitFor()
      expect(await tab.getByTestId('signature-detail').allTextContents()).toEqual([
        'No v1 signature matches the id, timestamp, body and secret; svix-signature came 2 times, and an app reads the copies as one value joined with ", ".',
        'Something on the way (a proxy, or the client that sent it) sent a signed header more than once, and no signature matches the copies read together: send it once. A re-signed resend keeps only the first copy.',
      ])
      await tab.getByTestId('signature-resend-resigned').click()
      const prompt = page.getByTestId('resend-prompt')
      await prompt.getByTestId('resend-url').fill(app.url)
      expect(await prompt.getByTestId('resend-resign').isChecked()).toBe(true)
      await prompt.getByTestId('resend-confirm').click()
      await page.getByTestId('toast').filter({ hasText: `Resent re-signed to POST ${app.url}${p}/twice: 204` }).waitFor()
      const resent = app.received.find((r) => r.url === `${p}/twice`)!
      expect(resent.rawHeaders.filter(([name]) => name.toLowerCase() === 'svix-signature')).toHaveLength(1)

      const aheadRow = await waitForRow(page, `${p}/ahead`)
      await aheadRow.getByTestId('badge-signature').filter({ hasText: /^sig stale \+7 min$/ }).waitFor()
      await aheadRow.click()
      await tab.getByTestId('signature-headline').filter({ hasText: 'Stale Svix timestamp' }).waitFor()
      const details = await tab.getByTestId('signature-detail').allTextContents()
      expect(details[0]).toMatch(/^The signature itself matches, but the signed timestamp is 7 min in the future \(drift -4\d\d s\) when the request arrived\.$/)
      expect(details[1]).toBe('Svix accepts a timestamp at most 5 min (300 s) away from the app’s clock, in either direction, so an app checking it would refuse this request. A timestamp ahead of the time the request arrived means the sender’s clock, or this machine’s, is off.')
      await tab.getByTestId('signature-resend-resigned').click()
      await prompt.getByTestId('resend-url').fill(app.url)
      await prompt.getByTestId('resend-confirm').click()
      await page.getByTestId('toast').filter({ hasText: `Resent re-signed to POST ${app.url}${p}/ahead: 204` }).waitFor()
      expect(accepted).toEqual([`${p}/twice`, `${p}/ahead`])
    } finally {
      await app.close()
    }
  })

  it('Twilio without a public URL: a request through a tunnel is judged over the https:// URL its Host names', async (ctx) => {
    e2e.requireBrowser(ctx)
    const token = `twilio_e2e_${Math.random().toString(36).slice(2)}`
    const { page } = await e2e.open()
    const url = await createEndpoint(page, 'Twilio sig')
    await openEditor(page, 'Twilio sig')
    await page.getByTestId('signature-scheme').selectOption('twilio')
    await page.getByTestId('signature-public-url-from-host').waitFor()
    await page.getByTestId('signature-secret').fill(token)
    await saveEditor(page)

    const p = uniquePath('sms')
    const params = { AccountSid: 'AC1', Body: 'héllo from a tunnel', From: '+15550001111' }
    const form: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded'], ['Host', 'abc.ngrok.app'], ['X-Forwarded-Proto', 'https']]
    const body = new URLSearchParams(params).toString()
    await sendRequest(url, { path: `${p}/tunnel?x=1`, headers: [...form, ['X-Twilio-Signature', twilio.getExpectedTwilioSignature(token, `https://abc.ngrok.app${p}/tunnel?x=1`, params)]], body })
    await sendRequest(url, { path: `${p}/elsewhere`, headers: [...form, ['X-Twilio-Signature', twilio.getExpectedTwilioSignature(token, `https://other.example${p}/elsewhere`, params)]], body })
    await (await waitForRow(page, `${p}/tunnel`)).getByTestId('badge-signature').filter({ hasText: 'sig valid' }).waitFor()
    const elsewhere = await waitForRow(page, `${p}/elsewhere`)
    await elsewhere.getByTestId('badge-signature').filter({ hasText: 'sig invalid' }).waitFor()
    expect(await elsewhere.getByTestId('badge-signature').getAttribute('title')).toContain(`with the URL taken as https://abc.ngrok.app${p}/elsewhere`)
  })
})
