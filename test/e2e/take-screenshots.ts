// README screenshots of the real UI in both themes: starts the headless host, sends Stripe-, GitHub-,
// Shopify- and Twilio-like webhooks over about twenty seconds (so the timeline has a shape), opens
// one of them and saves docs/screenshots/light.png and dark.png. The Stripe endpoint checks Stripe
// signatures and forwards to a small local app, so the list shows verdicts and deliveries.
//   npx tsx test/e2e/take-screenshots.ts
import { createHmac, randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { connectApi } from './helpers/api-client'
import { ensureBuilt, ROOT } from './helpers/build'
import { launchChromium } from './helpers/browser'
import { startHost } from './helpers/host'
import { sendRequest } from './helpers/send'

const OUT = path.join(ROOT, 'docs/screenshots')
const VIEWPORT = { width: 1440, height: 900 }

const stripeEvent = (type: string, amount: number) => {
  const body = JSON.stringify({
    id: `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    object: 'event',
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    data: {
      object: {
        id: `pi_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        object: 'payment_intent',
        amount,
        currency: 'usd',
        status: type.endsWith('succeeded') ? 'succeeded' : 'requires_payment_method',
        customer: 'cus_Q2fLr8sTn1',
        metadata: { order_id: `ord_${Math.floor(Math.random() * 90000) + 10000}` },
      },
    },
  })
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = createHmac('sha256', 'whsec_screenshots').update(`${timestamp}.${body}`).digest('hex')
  return {
    path: '/webhooks/stripe',
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['User-Agent', 'Stripe/1.0 (+https://stripe.com/docs/webhooks)'],
      ['Stripe-Signature', `t=${timestamp},v1=${signature}`],
      ['Accept', '*/*; q=0.5, application/xml'],
    ] as Array<[string, string]>,
    body,
  }
}

const githubPush = (n: number) => {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: randomUUID().replace(/-/g, ''),
    after: randomUUID().replace(/-/g, ''),
    repository: { id: 581204, full_name: 'acme/storefront', private: true },
    pusher: { name: 'octocat', email: 'octocat@github.com' },
    commits: [{ id: randomUUID().replace(/-/g, '').slice(0, 12), message: `Fix checkout rounding (#${1200 + n})`, author: { name: 'Mona Lisa' } }],
  })
  return {
    path: '/github',
    headers: [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'GitHub-Hookshot/7f3c2a1'],
      ['X-GitHub-Event', 'push'],
      ['X-GitHub-Delivery', randomUUID()],
      ['X-Hub-Signature-256', `sha256=${createHmac('sha256', 'gh-secret').update(body).digest('hex')}`],
    ] as Array<[string, string]>,
    body,
  }
}

const shopifyOrder = () => ({
  path: '/shopify/orders/create',
  headers: [
    ['Content-Type', 'application/json'],
    ['X-Shopify-Topic', 'orders/create'],
    ['X-Shopify-Shop-Domain', 'acme-store.myshopify.com'],
    ['X-Shopify-Hmac-Sha256', createHmac('sha256', 'shpss').update('x').digest('base64')],
  ] as Array<[string, string]>,
  body: JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '199.00', currency: 'USD', line_items: [{ title: 'IPod Nano - 8GB', quantity: 1 }] }),
})

const twilioSms = () => ({
  path: '/twilio/sms?source=prod',
  headers: [
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['X-Twilio-Signature', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['I-Twilio-Idempotency-Token', randomUUID()],
  ] as Array<[string, string]>,
  body: 'MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&From=%2B15017122661&To=%2B15558675310&Body=Order+%2312045+shipped%21&NumMedia=0',
})

async function createEndpoint(page: Page, name: string, status?: string): Promise<string> {
  await page.getByTestId('endpoint-new').click()
  await page.getByTestId('endpoint-field-name').fill(name)
  if (status) await page.getByTestId('endpoint-field-status').fill(status)
  await page.getByTestId('endpoint-save').click()
  await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
  const item = page.getByTestId('endpoint-item').filter({ has: page.getByTestId('endpoint-name').filter({ hasText: name }) })
  await item.getByTestId('endpoint-state').filter({ hasText: 'listening' }).waitFor()
  return (await item.getByTestId('endpoint-url').textContent())!
}

async function main(): Promise<void> {
  ensureBuilt()
  const launched = await launchChromium()
  if (!launched.browser) throw new Error(launched.reason)
  const browser = launched.browser
  const host = await startHost()
  let closeApp: () => Promise<void> = async () => undefined
  try {
    await mkdir(OUT, { recursive: true })
    const setup = await browser.newContext({ viewport: VIEWPORT })
    const setupPage = await setup.newPage()
    await setupPage.goto(host.openUrl)
    await setupPage.getByTestId('app-ready').waitFor({ state: 'attached' })
    await setupPage.getByTestId('endpoint-item').first().getByTestId('endpoint-edit').click()
    await setupPage.getByTestId('endpoint-field-name').fill('Stripe')
    await setupPage.getByTestId('endpoint-save').click()
    await setupPage.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
    const github = await createEndpoint(setupPage, 'GitHub')
    const staging = await createEndpoint(setupPage, 'Staging (503)', '503')
    await setup.close()
    // The Stripe endpoint checks signatures and forwards to an app, as a user would set it up.
    const app = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end('{"received":true}')
      })
    })
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()))
    closeApp = () => new Promise<void>((resolve) => app.close(() => resolve()))
    const { api, close: closeApi } = await connectApi(host)
    const [stripeEndpoint] = await api['endpoints.list']({})
    await api['endpoints.update']({
      id: stripeEndpoint!.id,
      patch: {
        signature: { scheme: 'stripe' },
        forward: { mode: 'async', targets: [{ id: 'app', url: `http://localhost:${(app.address() as AddressInfo).port}`, paused: false }], defaultTargetId: 'app' },
      },
    })
    await api['endpoints.setSecret']({ id: stripeEndpoint!.id, secret: 'whsec_screenshots' })
    closeApi()

    const stripe = host.captureUrl
    const types = ['payment_intent.succeeded', 'payment_intent.created', 'charge.succeeded', 'invoice.paid', 'payment_intent.payment_failed']
    const started = Date.now()
    for (let second = 0; second < 22; second++) {
      const burst = 1 + ((second * 7) % 5)
      const sends: Array<Promise<unknown>> = []
      for (let i = 0; i < burst; i++) sends.push(sendRequest(stripe, stripeEvent(types[(second + i) % types.length]!, 1000 + ((second * 379 + i * 97) % 9000))))
      if (second % 3 === 0) sends.push(sendRequest(github, githubPush(second)))
      if (second % 4 === 1) sends.push(sendRequest(stripe, shopifyOrder()))
      if (second % 5 === 2) sends.push(sendRequest(staging, twilioSms()))
      if (second % 6 === 4) sends.push(sendRequest(stripe, { method: 'GET', path: '/webhooks/stripe/health' }))
      if (second === 9) {
        sends.push(
          sendRequest(stripe, {
            path: '/webhooks/stripe',
            headers: [
              ['Content-Type', 'application/json'],
              ['Origin', 'https://unknown-site.example'],
              ['Sec-Fetch-Site', 'cross-site'],
              ['Sec-Fetch-Mode', 'cors'],
            ],
            body: '{"probe":true}',
          }),
        )
      }
      await Promise.all(sends)
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (second + 1) * 1000 - Date.now())))
    }
    await sendRequest(stripe, stripeEvent('payment_intent.succeeded', 4200))

    for (const scheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: scheme, deviceScaleFactor: 1 })
      const page = await context.newPage()
      await page.goto(host.openUrl)
      await page.getByTestId('app-ready').waitFor({ state: 'attached' })
      const row = page.getByTestId('traffic-row').filter({ has: page.getByTestId('row-path').filter({ hasText: /^\/webhooks\/stripe$/ }) }).first()
      await row.click()
      await page.getByTestId('tab-body').click()
      await page.getByTestId('viewer-json').waitFor()
      await page.locator('[data-testid="body-tab"] .cm-editor').waitFor()
      await page.mouse.move(0, VIEWPORT.height - 1)
      await page.screenshot({ path: path.join(OUT, `${scheme}.png`) })
      console.log(`saved ${path.join(OUT, `${scheme}.png`)}`)
      await context.close()
    }
  } finally {
    await browser.close()
    await host.stop()
    await closeApp()
  }
}

await main()
