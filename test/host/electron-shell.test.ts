// The desktop shell's security settings, asserted on the code that sets them. Electron itself cannot
// run here, so its objects are replaced by small fakes that record what the code asks of them.
import { EventEmitter } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { IpcMain, Session, WebContents } from 'electron'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connectEngine } from '../../electron/main/bridge'
import { appResponse, resolveAppPath, RENDERER_CSP } from '../../electron/main/protocol'
import { hardenContents, hardenSession, isAppUrl, permissionAllowed, windowOptions } from '../../electron/main/window'
import { eventNames, methodNames } from '../../shared/api'
import { APP_ORIGIN, IPC_EVENT, IPC_INVOKE } from '../../shared/ipc'
import { apiOf, nextCapture, removeDir, startEngine, tempDir, type TestEngine } from '../helpers/engine'
import { traversalPaths } from './traversal-paths'

describe('window options', () => {
  it('isolates the page from Node and Electron', () => {
    const options = windowOptions('/app/preload/index.cjs')
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    })
  })
  it('restores remembered bounds', () => {
    expect(windowOptions('/p', { x: 10, y: 20, width: 900, height: 700 })).toMatchObject({ x: 10, y: 20, width: 900, height: 700 })
  })
})

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler
  }
}

function emitPreventable(contents: EventEmitter, name: string, url?: string): boolean {
  let prevented = false
  contents.emit(name, { preventDefault: () => (prevented = true) }, url)
  return prevented
}

describe('web contents hardening', () => {
  it('keeps navigation and redirects inside the app', () => {
    const contents = new FakeContents()
    hardenContents(contents as unknown as WebContents, { openExternal: () => undefined })
    expect(emitPreventable(contents, 'will-navigate', 'https://evil.example/')).toBe(true)
    expect(emitPreventable(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(emitPreventable(contents, 'will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false)
    expect(emitPreventable(contents, 'will-redirect', 'http://169.254.169.254/')).toBe(true)
    expect(emitPreventable(contents, 'will-attach-webview')).toBe(true)
  })
  it('denies new windows, handing only http(s) links to the (confirming) opener', () => {
    const contents = new FakeContents()
    const opened: string[] = []
    hardenContents(contents as unknown as WebContents, { openExternal: (url) => opened.push(url) })
    for (const url of ['https://stripe.com/docs', 'javascript:alert(1)', 'file:///etc/passwd', 'smb://share/x', 'http://localhost:3000/']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://stripe.com/docs', 'http://localhost:3000/'])
  })
  it('accepts the dev server only when one is configured', () => {
    expect(isAppUrl('http://localhost:5173/', undefined)).toBe(false)
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true)
  })
  it('lets the app’s own page show notifications and copy text, and nothing else anywhere else', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {}
    const session = {
      setPermissionRequestHandler: (h: (...a: unknown[]) => unknown) => (handlers.request = h),
      setPermissionCheckHandler: (h: (...a: unknown[]) => unknown) => (handlers.check = h),
      setDevicePermissionHandler: () => undefined,
      on: () => undefined,
    }
    hardenSession(session as unknown as Session)
    const request = (permission: string, details: { requestingUrl: string; isMainFrame: boolean }) => {
      let granted: boolean | undefined
      handlers.request!(null, permission, (answer: boolean) => (granted = answer), details)
      return granted
    }
    const page = { requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true }
    // Turning notifications on in Settings asks for them; the page then checks before showing one.
    expect(request('notifications', page)).toBe(true)
    expect(handlers.check!(null, 'notifications', APP_ORIGIN, page)).toBe(true)
    expect(handlers.check!(null, 'notifications', APP_ORIGIN, { isMainFrame: true })).toBe(true)
    expect(request('clipboard-sanitized-write', page)).toBe(true)
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock', 'unknown']) {
      expect(request(permission, page), permission).toBe(false)
      expect(handlers.check!(null, permission, APP_ORIGIN, page), permission).toBe(false)
    }
    // A frame inside the page, or a page from elsewhere (had one ever loaded), gets nothing.
    expect(request('notifications', { ...page, isMainFrame: false })).toBe(false)
    expect(handlers.check!(null, 'notifications', APP_ORIGIN, { ...page, isMainFrame: false })).toBe(false)
    expect(request('notifications', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false)
    expect(handlers.check!(null, 'notifications', 'https://evil.example', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false)
    expect(request('notifications', { requestingUrl: 'http://localhost:5173/', isMainFrame: true })).toBe(false)
  })
  it('lets the dev server’s page show notifications only in development', () => {
    expect(permissionAllowed('notifications', { url: 'http://localhost:5173/', isMainFrame: true })).toBe(false)
    expect(permissionAllowed('notifications', { url: 'http://localhost:5173/', isMainFrame: true }, 'http://localhost:5173/')).toBe(true)
  })
  it('denies every other permission request and check, and downloads other than the page’s own blobs', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {}
    const emitter = new EventEmitter()
    const session = {
      setPermissionRequestHandler: (h: (...a: unknown[]) => unknown) => (handlers.request = h),
      setPermissionCheckHandler: (h: (...a: unknown[]) => unknown) => (handlers.check = h),
      setDevicePermissionHandler: (h: (...a: unknown[]) => unknown) => (handlers.device = h),
      on: emitter.on.bind(emitter),
    }
    hardenSession(session as unknown as Session)
    const page = { requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true }
    const callback = vi.fn()
    handlers.request!(null, 'media', callback, page)
    expect(callback).toHaveBeenCalledWith(false)
    expect(handlers.check!(null, 'clipboard-read', APP_ORIGIN, page)).toBe(false)
    expect(handlers.device!({})).toBe(false)
    const download = (url: string) => {
      let prevented = false
      emitter.emit('will-download', { preventDefault: () => (prevented = true) }, { getURL: () => url })
      return prevented
    }
    expect(download('https://evil.example/payload.exe')).toBe(true)
    expect(download(`blob:${APP_ORIGIN}/1234-5678`)).toBe(false)
  })
})

describe('the app:// protocol', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('hookscope-renderer-')
    await mkdir(path.join(dir, 'assets'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html>')
    await writeFile(path.join(dir, 'assets', 'a.js'), '1')
  })
  afterEach(() => removeDir(dir))

  it('maps app://hookscope paths inside the renderer folder only', () => {
    expect(resolveAppPath(dir, `${APP_ORIGIN}/`)).toBe(path.join(dir, 'index.html'))
    expect(resolveAppPath(dir, `${APP_ORIGIN}/assets/a.js`)).toBe(path.join(dir, 'assets', 'a.js'))
    expect(resolveAppPath(dir, `${APP_ORIGIN}/../../etc/passwd`)).toBe(path.join(dir, 'etc', 'passwd'))
    // The URL parser folds encoded dot segments too; whatever a path says, it stays inside the folder.
    expect(resolveAppPath(dir, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`)).toBe(path.join(dir, 'etc', 'passwd'))
    expect(resolveAppPath(dir, `${APP_ORIGIN}/..%2f..%2fetc%2fpasswd`)).toBeNull()
    expect(resolveAppPath(dir, 'app://other/index.html')).toBeNull()
    expect(resolveAppPath(dir, 'file:///etc/passwd')).toBeNull()
  })
  it('serves nothing of a folder beside the renderer\'s whose name begins with the same name, however the path is spelled', async () => {
    const sibling = `${dir}-secret`
    await mkdir(sibling)
    await writeFile(path.join(sibling, 'token.txt'), 'secret')
    try {
      const name = path.basename(sibling)
      for (const pathname of [
        ...traversalPaths(name, sibling),
        '/%E0%A4%A',
      ]) {
        const url = `${APP_ORIGIN}${pathname}`
        const file = resolveAppPath(dir, url)
        if (file !== null) expect(file.startsWith(dir + path.sep), pathname).toBe(true)
        const response = await appResponse(dir, url)
        expect(response.status, pathname).toBe(404)
        expect(await response.text(), pathname).not.toContain('secret')
      }
    } finally {
      await removeDir(sibling)
    }
  })
  it('answers with the strict CSP and security headers', async () => {
    const response = await appResponse(dir, `${APP_ORIGIN}/index.html`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP)
    expect(RENDERER_CSP).toContain("default-src 'none'")
    expect(RENDERER_CSP).toContain("script-src 'self'")
    expect(RENDERER_CSP).not.toContain('unsafe-eval')
    expect(RENDERER_CSP).toContain("object-src 'none'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect((await appResponse(dir, `${APP_ORIGIN}/missing.js`)).status).toBe(404)
  })
})

describe('IPC bound from the contract', () => {
  let t: TestEngine
  beforeEach(async () => {
    t = await startEngine()
  })
  afterEach(async () => {
    await t.close()
    await removeDir(t.dir)
  })

  function fakeWindow(url = `${APP_ORIGIN}/index.html`) {
    const sent: Array<[string, unknown]> = []
    const mainFrame = { url }
    const contents = {
      id: 7,
      mainFrame,
      isDestroyed: () => false,
      send: (channel: string, event: string, payload: unknown) => {
        expect(channel).toBe(IPC_EVENT)
        sent.push([event, payload])
      },
    }
    return { contents, sent, mainFrame }
  }

  function fakeIpcMain() {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>()
    const ipcMain = {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<unknown>) => void handlers.set(channel, fn),
      removeHandler: (channel: string) => void handlers.delete(channel),
    }
    return { ipcMain: ipcMain as unknown as IpcMain, handlers }
  }

  it('serves every method of the contract on the one invoke channel, to the app’s own top frame only', async () => {
    const { contents, mainFrame } = fakeWindow()
    const { ipcMain, handlers } = fakeIpcMain()
    const bridge = connectEngine({ engine: t.engine, ipcMain, trustedContents: () => contents as unknown as WebContents })
    expect([...handlers.keys()]).toEqual([IPC_INVOKE])
    const invoke = handlers.get(IPC_INVOKE)!
    const trusted = { sender: contents, senderFrame: mainFrame }
    for (const method of methodNames) {
      const result = (await invoke(trusted, method, {})) as { ok: boolean; error?: { code: string } }
      if (!result.ok) expect(result.error!.code, method).not.toBe('UNKNOWN_METHOD')
    }
    expect(await invoke(trusted, 'app.info', {})).toMatchObject({ ok: true, value: { name: 'Hookscope' } })
    // An iframe of the page, another window, or a page from elsewhere is refused before any handler runs.
    const iframe = { sender: contents, senderFrame: { url: `${APP_ORIGIN}/index.html` } }
    expect(await invoke(iframe, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const otherWindow = { sender: { ...contents, id: 8 }, senderFrame: mainFrame }
    expect(await invoke(otherWindow, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    // The window itself showing a page from elsewhere (had navigation ever escaped) is refused too.
    const foreign = fakeWindow('https://evil.example/')
    const foreignIpc = fakeIpcMain()
    const foreignBridge = connectEngine({ engine: t.engine, ipcMain: foreignIpc.ipcMain, trustedContents: () => foreign.contents as unknown as WebContents })
    expect(await foreignIpc.handlers.get(IPC_INVOKE)!({ sender: foreign.contents, senderFrame: foreign.mainFrame }, 'app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
    expect(await invoke(trusted, 'captures.get', { id: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    foreignBridge.dispose()
    bridge.dispose()
    expect(handlers.size).toBe(0)
  })

  it('relays every event of the contract to the window, traffic in batches', async () => {
    const { contents, sent } = fakeWindow()
    const { ipcMain } = fakeIpcMain()
    const bridge = connectEngine({ engine: t.engine, ipcMain, trustedContents: () => contents as unknown as WebContents })
    const seen = (name: string) => sent.some(([event]) => event === name)
    await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${t.url}${i}`, { method: 'POST', body: 'x' })))
    await t.engine.createEndpoint({ name: 'Another' })
    t.engine.notify({ level: 'warning', code: 'TEST', message: 'hello' })
    await t.engine.updateEndpoint(t.endpointId, { forward: { mode: 'async', targets: [{ id: 'app', url: 'http://127.0.0.1:9/', paused: true }], defaultTargetId: 'app' } })
    const api = apiOf(t.engine)
    const collection = await api['collections.create']({ name: 'Kept' })
    await api['collections.saveItem']({ id: collection.id, from: { captureId: t.engine.history.query({}).items[0]!.id } })
    await api['collections.run']({ id: collection.id, baseUrl: 'http://127.0.0.1:9' })
    // A file sent in slices reports its reading.
    const har = { log: { version: '1.2', creator: { name: 'test', version: '1' }, entries: [{ request: { method: 'POST', url: 'http://127.0.0.1:9/a', httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 }, response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'text/plain' }, redirectURL: '', headersSize: -1, bodySize: 0 }, cache: {}, timings: { send: 0, wait: 0, receive: 0 }, startedDateTime: new Date(0).toISOString(), time: 0 }] } }
    await api['collections.importChunk']({ uploadId: 'upload-1', offset: 0, base64: Buffer.from(JSON.stringify(har)).toString('base64') })
    await api['collections.import']({ format: 'har', uploadId: 'upload-1' })
    // An export asked for with a progress id reports its writing.
    await api['captures.export']({ ids: [t.engine.history.query({}).items[0]!.id], format: 'har', progressId: 'export-1' })
    await api['settings.update']({ ui: { theme: 'dark' } })
    await api['captures.clear']({})
    await vi.waitFor(() => {
      for (const name of eventNames) expect(seen(name), name).toBe(true)
    })
    const batches = sent.filter(([event]) => event === 'traffic.batch')
    expect(batches.length).toBeLessThan(20)
    bridge.dispose()
  })

  it('relays nothing to the window while it shows a page other than the app’s', async () => {
    const { contents, sent, mainFrame } = fakeWindow('https://evil.example/')
    const { ipcMain } = fakeIpcMain()
    const bridge = connectEngine({ engine: t.engine, ipcMain, trustedContents: () => contents as unknown as WebContents })
    const first = nextCapture(t.engine)
    await fetch(`${t.url}while-foreign`, { method: 'POST', body: 'secret' })
    await first
    bridge.flush()
    expect(sent).toEqual([])
    // Back on the app's page, the next capture arrives.
    mainFrame.url = `${APP_ORIGIN}/index.html`
    const second = nextCapture(t.engine)
    await fetch(`${t.url}back-home`, { method: 'POST', body: 'x' })
    await second
    bridge.flush()
    expect(sent.map(([event]) => event)).toContain('traffic.batch')
    expect(JSON.stringify(sent)).not.toContain('while-foreign')
    bridge.dispose()
  })
})
