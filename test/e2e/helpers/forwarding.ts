// Forwarding and signature plumbing for the end-to-end tests: real target servers on port 0 (an app
// that answers, one that fails until it is healed, one that is down until it starts), and the page
// steps a user takes: creating and editing endpoints, and finding a target or a row's badges.
import type { Page } from 'playwright-core'
import { freePort, httpTarget, type Target } from '../../helpers/targets'

export const SCRIPT = '<script>window.__pwned=1;alert(1)</script>'
export const IMG = '<img src=x onerror="window.__pwned=2;alert(2)">'

/** An app that answers every request with JSON naming what it received, and a header of its own. */
export function appTarget(): Promise<Target> {
  return httpTarget((req, res, body) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-App': 'orders-service' })
    res.end(JSON.stringify({ received: req.url, bytes: body.length }))
  })
}

export interface SwitchableTarget extends Target {
  /** From now on answer 200. */
  heal(): void
}

/** A target that answers `status` (500 unless told) with a body, until it is healed. */
export async function failingTarget(status = 500): Promise<SwitchableTarget> {
  let failing = true
  const target = await httpTarget((_req, res) => {
    if (failing) {
      res.writeHead(status, { 'Content-Type': 'text/plain' })
      res.end('boom')
    } else {
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end('ok now')
    }
  })
  return Object.assign(target, { heal: () => void (failing = false) })
}

export interface LateTarget {
  url: string
  /** Start listening on the reserved port; resolves with the running target. */
  start(): Promise<Target>
}

/** A port nothing listens on yet: the target is down until `start()`. */
export async function lateTarget(): Promise<LateTarget> {
  const port = await freePort()
  return { url: `http://127.0.0.1:${port}`, start: () => httpTarget(undefined, { port }) }
}

export const endpointItem = (page: Page, name: string) => page.getByTestId('endpoint-item').filter({ has: page.getByTestId('endpoint-name').filter({ hasText: name }) })

/** Creates an endpoint through the editor and returns its capture URL (without a trailing slash). */
export async function createEndpoint(page: Page, name: string): Promise<string> {
  await page.getByTestId('endpoint-new').click()
  await page.getByTestId('endpoint-editor').waitFor()
  await page.getByTestId('endpoint-field-name').fill(name)
  await page.getByTestId('endpoint-save').click()
  await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
  const item = endpointItem(page, name)
  await item.getByTestId('endpoint-state').filter({ hasText: 'listening' }).waitFor()
  return (await item.getByTestId('endpoint-url').textContent())!.replace(/\/$/, '')
}

export async function openEditor(page: Page, name: string): Promise<void> {
  await endpointItem(page, name).getByTestId('endpoint-edit').click()
  await page.getByTestId('endpoint-editor').waitFor()
}

export async function saveEditor(page: Page): Promise<void> {
  await page.getByTestId('endpoint-save').click()
  await page.getByTestId('endpoint-editor').waitFor({ state: 'detached' })
}

/** The sidebar entry of one forward target of an endpoint, found by its URL. */
export function targetItem(page: Page, endpointName: string, url: string) {
  return endpointItem(page, endpointName)
    .getByTestId('target-item')
    .filter({ has: page.getByTestId('target-url').filter({ hasText: new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
}
