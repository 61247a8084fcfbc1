// The desktop window and its hardening. Owns: webPreferences, what the page may navigate to or open,
// which permissions it gets (notifications and clipboard writes for its own page, nothing else), and
// webviews (never). Everything takes Electron objects as arguments so tests can assert exactly what
// is set.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron'
import { APP_ORIGIN } from '../../shared/ipc'

export interface Bounds {
  x?: number
  y?: number
  width: number
  height: number
  maximized?: boolean
}

export const DEFAULT_BOUNDS: Bounds = { width: 1280, height: 820 }

export function windowOptions(preload: string, bounds: Bounds = DEFAULT_BOUNDS): BrowserWindowConstructorOptions {
  return {
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : {}),
    width: bounds.width,
    height: bounds.height,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Hookscope',
    backgroundColor: '#111418',
    autoHideMenuBar: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  }
}

/** Whether a URL belongs to the app itself (the custom scheme, or the dev server in development). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  try {
    const parsed = new URL(url)
    if (`${parsed.protocol}//${parsed.host}` === APP_ORIGIN) return true
    if (devServerUrl) return parsed.origin === new URL(devServerUrl).origin
  } catch {
    return false
  }
  return false
}

export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

export interface HardeningDeps {
  devServerUrl?: string
  /** Ask the user, then open in their browser. Only http(s) URLs ever reach it. */
  openExternal: (url: string) => void
}

/** Deny navigation away from the app, new windows, webviews; hand http(s) links to the browser after confirmation. */
export function hardenContents(contents: WebContents, deps: HardeningDeps): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, deps.devServerUrl)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, deps.devServerUrl)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebUrl(url)) deps.openExternal(url)
    return { action: 'deny' }
  })
}

/**
 * What the app's own page may use: desktop notifications (shown only while they are on in Settings,
 * which asks for this permission when they are turned on) and writing text to the clipboard (the
 * copy buttons). Nothing else, and nothing at all for any other page or for a frame inside the page.
 */
const APP_PERMISSIONS = new Set<string>(['notifications', 'clipboard-sanitized-write'])

export function permissionAllowed(permission: string, frame: { url: string | undefined; isMainFrame: boolean }, devServerUrl?: string): boolean {
  return APP_PERMISSIONS.has(permission) && frame.isMainFrame && frame.url !== undefined && isAppUrl(frame.url, devServerUrl)
}

export function hardenSession(session: Session, deps: { devServerUrl?: string } = {}): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permissionAllowed(permission, { url: details.requestingUrl, isMainFrame: details.isMainFrame }, deps.devServerUrl)),
  )
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, { url: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame }, deps.devServerUrl),
  )
  session.setDevicePermissionHandler(() => false)
  // The only download is "save full body", which the page makes from a blob of its own origin;
  // Electron then asks the user where to save it.
  session.on('will-download', (event, item) => {
    if (!item.getURL().startsWith(`blob:${APP_ORIGIN}/`)) event.preventDefault()
  })
}
