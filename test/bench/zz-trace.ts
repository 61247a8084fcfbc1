import http from 'node:http'
import { writeFileSync } from 'node:fs'
import { launchChromium } from '/work/main/test/e2e/helpers/browser'
import { startHost } from '/work/main/test/e2e/helpers/host'
const launched = await launchChromium()
const browser = launched.browser!
const host = await startHost()
const context = await browser.newContext({ viewport: { width: 1600, height: 1400 }, deviceScaleFactor: 1 })
const page = await context.newPage()
await page.goto(host.openUrl)
await page.getByTestId('app-ready').waitFor({ state: 'attached' })
if (process.env.CSS_OVERRIDE) await page.addStyleTag({ content: process.env.CSS_OVERRIDE })
const url = new URL(host.captureUrl)
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
const sendOne = (i: number) => { const body = `{"n":${i}}`; const r = http.request({ host: url.hostname, port: url.port, method: 'POST', path: `/bench/${i}`, agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => res.resume()); r.end(body) }
for (let i = 0; i < 200; i++) sendOne(-i)
await page.getByTestId('traffic-row').first().waitFor()
await new Promise((r) => setTimeout(r, 1000))
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'viz'] })
let sent = 0; const start = Date.now()
await new Promise<void>((resolve) => { const t = setInterval(() => { const due = Math.floor((Date.now() - start) / 2); while (sent < due) sendOne(sent++); if (sent >= 1500) { clearInterval(t); resolve() } }, 2) })
await new Promise((r) => setTimeout(r, 300))
const buf = await browser.stopTracing()
writeFileSync('/tmp/ui-trace.json', buf)
await browser.close(); agent.destroy(); await host.stop()
