// The app:// scheme that serves the built renderer (never file://, which would grant the page the
// file system's origin). Owns: mapping app://hookscope/<path> to a file inside the renderer folder,
// and the CSP and security headers on every response.
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { APP_HOST, APP_SCHEME } from '../../shared/ipc'
import { contentSecurityPolicy, securityHeaders } from '../../shared/security'

export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const

export const RENDERER_CSP = contentSecurityPolicy()

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

/** The file a URL maps to, or null when it is not ours or would leave the renderer folder. */
export function resolveAppPath(rendererDir: string, url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0')) return null
  const root = path.resolve(rendererDir)
  const file = path.resolve(root, pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, ''))
  return file.startsWith(root + path.sep) ? file : null
}

export async function appResponse(rendererDir: string, url: string): Promise<Response> {
  const headers = securityHeaders(RENDERER_CSP)
  const file = resolveAppPath(rendererDir, url)
  if (!file) return new Response('Not Found', { status: 404, headers })
  try {
    const body = await fs.readFile(file)
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' } })
  } catch {
    return new Response('Not Found', { status: 404, headers })
  }
}
