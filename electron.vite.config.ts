import { resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { contentSecurityPolicy } from './shared/security'

// The built page carries its CSP in a meta tag too (defense in depth; both hosts also send it as a
// header). Not in development: the dev server injects inline scripts for hot reload.
function cspMeta(): Plugin {
  return {
    name: 'hookscope-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy().replace(/; frame-ancestors 'none'/, '') }, injectTo: 'head-prepend' },
    ],
  }
}

const version = JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')).version as string

export default defineConfig({
  main: {
    define: { __HOOKSCOPE_VERSION__: JSON.stringify(version) },
    build: {
      // Node 20 syntax: the same bundle runs in Electron's newer Node and in the headless host.
      target: 'node20',
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          headless: resolve(import.meta.dirname, 'electron/headless/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      target: 'node20',
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages: bundle everything it uses into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react(), cspMeta()],
    build: {
      target: 'chrome120',
      minify: process.env.HOOKSCOPE_NO_MINIFY ? false : true,
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      emptyOutDir: true,
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
})
