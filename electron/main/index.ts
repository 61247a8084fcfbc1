// The desktop shell: one window on the engine. Owns: the app lifecycle, the single-instance lock, the
// hardened window, IPC bound from the contract, relaying engine events (batched) to the window,
// remembering the window's bounds, secrets through safeStorage, and a clean shutdown that flushes
// the store. The engine itself lives in electron/core and knows nothing of Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell } from 'electron'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Engine } from '../core'
import { FileSecretStore } from '../core/secrets'
import { toErrorShape } from '../../shared/errors'
import { APP_ORIGIN } from '../../shared/ipc'
import { connectEngine, type EngineBridge } from './bridge'
import { APP_SCHEME_PRIVILEGES, appResponse } from './protocol'
import { keychainCipher } from './secret-cipher'
import { loadBounds, saveBounds } from './window-state'
import { hardenContents, hardenSession, windowOptions } from './window'

const here = path.dirname(fileURLToPath(import.meta.url))
const rendererDir = path.join(here, '../renderer')
const preload = path.join(here, '../preload/index.cjs')
const devServerUrl = process.env.ELECTRON_RENDERER_URL

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
// A separate data folder (tests, portable use): must be set before anything reads userData.
if (process.env.HOOKSCOPE_DATA_DIR) app.setPath('userData', path.resolve(process.env.HOOKSCOPE_DATA_DIR))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | null = null
  let engine: Engine | null = null
  let bridge: EngineBridge | null = null
  let savingBounds: Promise<void> = Promise.resolve()

  const confirmOpenExternal = async (url: string) => {
    const owner = window ?? undefined
    const options = {
      type: 'question' as const,
      buttons: ['Open in browser', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'Open this link in your browser?',
      detail: url,
    }
    const { response } = owner ? await dialog.showMessageBox(owner, options) : await dialog.showMessageBox(options)
    if (response === 0) await shell.openExternal(url)
  }

  app.on('second-instance', () => {
    if (!window) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })

  app.on('web-contents-created', (_event, contents) => {
    hardenContents(contents, { devServerUrl, openExternal: (url) => void confirmOpenExternal(url) })
  })

  const createWindow = async () => {
    const bounds = await loadBounds(app.getPath('userData'))
    window = new BrowserWindow(windowOptions(preload, bounds))
    if (bounds.maximized) window.maximize()
    window.once('ready-to-show', () => window?.show())
    window.on('close', () => {
      if (window) savingBounds = saveBounds(app.getPath('userData'), { ...window.getNormalBounds(), maximized: window.isMaximized() }).catch(() => undefined)
    })
    window.on('closed', () => {
      window = null
    })
    if (devServerUrl) await window.loadURL(devServerUrl)
    else await window.loadURL(`${APP_ORIGIN}/index.html`)
  }

  app.whenReady().then(async () => {
    hardenSession(session.defaultSession, { devServerUrl })
    protocol.handle('app', (request) => appResponse(rendererDir, request.url))
    const secrets = new FileSecretStore(path.join(app.getPath('userData'), 'secrets.json'), keychainCipher(safeStorage), { desktop: true })
    try {
      engine = await Engine.open({ dataDir: app.getPath('userData'), host: 'electron', version: app.getVersion(), secrets })
    } catch (error) {
      dialog.showErrorBox('Hookscope could not start', (error as Error).message)
      app.exit(1)
      return
    }
    bridge = connectEngine({ engine, ipcMain, trustedContents: () => window?.webContents ?? null, devServerUrl })
    Menu.setApplicationMenu(Menu.buildFromTemplate([{ role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]))
    await createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createWindow()
    })
  })

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !engine) return
    // Store what is in flight and flush every file before the process ends.
    event.preventDefault()
    quitting = true
    bridge?.flush()
    bridge?.dispose()
    void Promise.all([savingBounds, engine.close()])
      .catch((error: unknown) => {
        // What could not be written at the end is said before the app goes, never dropped unseen.
        dialog.showErrorBox('Hookscope could not store everything before quitting', toErrorShape(error).message)
      })
      .finally(() => app.quit())
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
