import './helpers/setup-dom'
import { act, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../renderer/src/app'
import { DETAIL_TABS } from '../../renderer/src/state/app-store'
import { addCapture, createFakeEngine } from './helpers/fake-api'
import { createHarness, renderWith, settle, settleViewers } from './helpers/render-app'

declare global {
  interface Window {
    __pwned?: unknown
  }
}

const SCRIPT = '<script>window.__pwned=1</script>'
const IMG = '<img src=x onerror="window.__pwned=2">'
const SVG = '<svg onload="window.__pwned=3"></svg>'
const LINK = 'javascript:window.__pwned=4'
const latin1 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text))

function assertInert(root: ParentNode) {
  expect(root.querySelectorAll('script, iframe, object, embed, form[action], a[href^="javascript" i]').length).toBe(0)
  const svgs = Array.from(root.querySelectorAll('svg')).filter((svg) => !svg.closest('[data-testid="timeline"]'))
  expect(svgs).toHaveLength(0)
  for (const img of Array.from(root.querySelectorAll('img[src]'))) expect(img.getAttribute('src'), img.outerHTML).toMatch(/^blob:/)
  for (const element of Array.from(root.querySelectorAll('*'))) {
    for (const attribute of Array.from(element.attributes)) expect(attribute.name.startsWith('on'), `${element.tagName} has ${attribute.name}`).toBe(false)
  }
  expect(window.__pwned).toBeUndefined()
}

afterEach(() => {
  delete window.__pwned
})

async function openEverywhere(patch: Parameters<typeof addCapture>[1], body: string, extra: Parameters<typeof addCapture>[3] = {}) {
  const engine = createFakeEngine()
  const capture = addCapture(engine, patch, body, extra)
  const harness = createHarness(engine)
  harness.stores.sync.start()
  const view = renderWith(harness, <App />)
  await settle()
  const row = await screen.findByTestId('traffic-row')
  assertInert(view.container)
  act(() => row.click())
  await settle()
  const seen: string[] = []
  for (const tab of DETAIL_TABS) {
    act(() => screen.getByTestId(`tab-${tab}`).click())
    await settleViewers()
    assertInert(document.body)
    seen.push(screen.getByTestId(`panel-${tab}`).textContent ?? '')
  }
  harness.stores.sync.dispose()
  return { view, capture, text: seen.join('\n'), row }
}

describe('hostile payloads are shown as text and run nothing', () => {
  it('in the path, header names and values, query and cookies', async () => {
    const target = `/${latin1(SCRIPT)}?q=${encodeURIComponent(IMG)}&next=${LINK}`
    const { text, row } = await openEverywhere(
      {
        target,
        method: 'POST',
        contentType: 'text/plain',
        rawHeaders: [
          ['Host', '127.0.0.1:4567'],
          [latin1(SVG), latin1(IMG)],
          ['X-Link', LINK],
          ['Cookie', `session=${latin1(SCRIPT)}; other=${LINK}`],
        ],
      },
      `${SCRIPT}${IMG}${SVG}`,
    )
    expect(within(row).getByTestId('row-path').textContent).toContain(SCRIPT)
    expect(text).toContain(SVG)
    expect(text).toContain(IMG)
    expect(text).toContain(LINK)
    expect(text).toContain(`session${SCRIPT}`)
  })

  it('in JSON keys and values, and HTML or XML bodies', async () => {
    const json = JSON.stringify({ [SCRIPT]: IMG, [SVG]: [LINK], nested: { [IMG]: SCRIPT } })
    const first = await openEverywhere({ contentType: 'application/json' }, json)
    expect(first.text).toContain(`"${SCRIPT}": `)
    first.view.unmount()
    const html = await openEverywhere({ contentType: 'text/html' }, `<html><body onload="window.__pwned=5">${SCRIPT}${IMG}<a href="${LINK}">x</a></body></html>`)
    html.view.unmount()
    await openEverywhere({ contentType: 'image/svg+xml' }, `<?xml version="1.0"?>${SVG}`)
  })

  it('in multipart field names and file names', async () => {
    const b64 = (text: string) => btoa(unescape(encodeURIComponent(text)))
    await openEverywhere({ contentType: 'multipart/form-data; boundary=B' }, '--B\r\n', {
      parts: {
        error: null,
        parts: [
          { rawHeaders: [[latin1(SCRIPT), latin1(`form-data; name="${SVG}"`)]], name: SCRIPT, filename: `${IMG}.png`, contentType: 'image/png', transferEncoding: '7bit', size: 4, base64: b64('\x89PNG'), truncated: false },
          { rawHeaders: [], name: SVG, filename: null, contentType: 'text/html', transferEncoding: '7bit', size: 10, base64: b64(SCRIPT), truncated: false },
        ],
      },
    })
    act(() => screen.getByTestId('tab-body').click())
    await settleViewers()
    const names = screen.getAllByTestId('part-name').map((n) => n.textContent)
    expect(names).toEqual([SCRIPT, SVG])
    expect(screen.getByTestId('part-filename').textContent).toBe(`${IMG}.png`)
    assertInert(document.body)
  })

  it('with invisible characters in headers and paths made visible', async () => {
    const { text } = await openEverywhere(
      { target: latin1('/files/invoice\u202Efdp.exe'), rawHeaders: [[latin1('X-Zero\u200Bwidth'), latin1('a\u2066b\u0007')]] },
      '',
    )
    expect(text).toContain('invoice<U+202E>fdp.exe')
    expect(text).toContain('X-Zero<U+200B>width')
    expect(text).toContain('a<U+2066>b<U+0007>')
  })
})
