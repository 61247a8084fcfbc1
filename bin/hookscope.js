#!/usr/bin/env node
// `hookscope serve`: the headless host, built by `npm run build` into out/main/headless.js.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = new URL('../out/main/headless.js', import.meta.url)
if (!existsSync(fileURLToPath(built))) {
  console.error('hookscope: not built yet. Run "npm run build" in the Hookscope folder first.')
  process.exit(1)
}
const { main } = await import(built.href)
await main(process.argv.slice(2))
