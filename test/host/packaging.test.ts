// Packaging settings for electron-builder (`npm run dist`), asserted where the binary cannot be built.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'))

describe('packaging', () => {
  it('sets the Electron fuses that close Node-style entry points', () => {
    expect(pkg.build.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
    expect(pkg.build.asar).toBe(true)
  })
  it('builds AppImage, deb, dmg and nsis from the built output', () => {
    expect(pkg.build.linux.target).toEqual(['AppImage', 'deb'])
    expect(pkg.build.mac.target).toEqual(['dmg'])
    expect(pkg.build.win.target).toEqual(['nsis'])
    expect(pkg.build.files).toContain('out/**')
    expect(pkg.main).toBe('out/main/index.js')
    expect(pkg.scripts.dist).toContain('electron-builder')
  })
  it('installs without downloading Electron: its binary is fetched on first start', () => {
    const electron = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../node_modules/electron/package.json'), 'utf8'))
    expect(electron.scripts?.postinstall).toBeUndefined()
    expect(pkg.devDependencies.electron).toBeDefined()
  })
})
