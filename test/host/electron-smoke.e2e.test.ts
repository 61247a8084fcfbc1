// The desktop app opened for real with Playwright's Electron driver, where Electron's binary exists.
// Elsewhere (a machine that cannot download it) the test says why it skipped.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../helpers/engine'

const require = createRequire(import.meta.url)
const root = path.resolve(import.meta.dirname, '../..')

function electronBinary(): { path: string } | { missing: string } {
  let dir: string
  try {
    dir = path.dirname(require.resolve('electron/package.json'))
  } catch {
    return { missing: 'the electron package is not installed' }
  }
  const pathFile = path.join(dir, 'path.txt')
  if (!existsSync(pathFile)) return { missing: `Electron's binary was never downloaded (no ${path.relative(root, pathFile)}; run "npm start" once where the network allows)` }
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(binary) ? { path: binary } : { missing: `Electron's binary is missing at ${binary}` }
}

describe('desktop app (Electron)', () => {
  it('opens the window and shows a request that arrives', async (ctx) => {
    const binary = electronBinary()
    if ('missing' in binary) {
      console.log(`skipped: Electron smoke test — ${binary.missing}. The same renderer and engine are tested through the headless host.`)
      return ctx.skip()
    }
    const dataDir = await tempDir()
    const app = await electron.launch({
      executablePath: binary.path,
      args: [path.join(root, 'out/main/index.js'), ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, HOOKSCOPE_DATA_DIR: dataDir },
    })
    try {
      const page = await app.firstWindow()
      await page.waitForSelector('[data-testid="app-ready"]')
      const url = await page.evaluate(async () => {
        const api = (globalThis as unknown as { hookscope: Record<string, (input?: unknown) => Promise<{ ok: boolean; value: Array<{ url: string | null }> }>> }).hookscope
        const result = await api['endpoints.status']!({})
        return result.value[0]!.url!
      })
      const response = await fetch(`${url}smoke-test`, { method: 'POST', body: '{"hello":"electron"}' })
      expect(response.status).toBe(200)
      await page.getByText('/smoke-test').first().waitFor()
      // The page has no Node: the preload exposes the Api object and nothing else.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    } finally {
      await app.close()
      await removeDir(dataDir)
    }
  })
})
