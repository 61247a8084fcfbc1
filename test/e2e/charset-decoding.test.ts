// The engine reads bodies for search in the charset their Content-Type declares; the detail reads them
// in the browser. Both must agree byte for byte, or search misses what the detail shows. Judged here by
// Chromium's own TextDecoder over every byte value.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declaredCharset } from '../../electron/core/capture/decode'
import { launchChromium } from './helpers/browser'
import { pageScripts } from './helpers'

let browser: Browser | null = null
let skipReason: string | null = null

beforeAll(async () => {
  const launched = await launchChromium()
  browser = launched.browser
  skipReason = launched.reason
})
afterAll(async () => {
  await browser?.close()
})

describe('charset decoding for search', () => {
  it('reads every byte of windows-1252 and the labels browsers read as it as Chromium does', async (ctx) => {
    if (skipReason !== null) ctx.skip(skipReason)
    const page = await browser!.newPage()
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    for (const label of ['windows-1252', 'iso-8859-1', 'latin1', 'us-ascii', 'cp1252']) {
      const chromium = await page.evaluate(pageScripts.decodeEveryByte, label)
      const engine = Array.from(declaredCharset(`text/plain; charset=${label}`)!.decode(everyByte), (ch) => ch.codePointAt(0))
      expect(engine, label).toEqual(chromium)
    }
    expect(String.fromCodePoint(...(await page.evaluate(pageScripts.decodeEveryByte, 'latin1')).slice(0x80, 0xa0))).toContain('€')
    await page.close()
  })
})
