// Serves the built renderer to the browser. Owns: mapping a URL path to a file inside the renderer
// folder (never outside it), content types, and the security headers. Never: serves anything else.
import { promises as fs } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  const send = (status: number, text: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : text)
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed')
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://ui.invalid').pathname)
  } catch {
    return send(400, 'Bad Request')
  }
  if (pathname.includes('\0')) return send(400, 'Bad Request')
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '')
  const file = path.resolve(root, relative)
  if (file !== root && !file.startsWith(root + path.sep)) return send(404, 'Not Found')
  // Opened before anything is answered, and streamed from that handle: a file that goes away meanwhile
  // (a rebuild) or fails to read is a 404 or a cut connection, never an error nobody handles.
  let handle: FileHandle
  try {
    handle = await fs.open(file, 'r')
  } catch {
    return send(404, 'Not Found')
  }
  let stat
  try {
    stat = await handle.stat()
  } catch {
    stat = null
  }
  if (!stat?.isFile()) {
    await handle.close().catch(() => undefined)
    return send(404, 'Not Found')
  }
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
  res.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': String(stat.size),
    // Built assets carry a content hash in their names; the page itself must always be fresh.
    'Cache-Control': relative === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
  })
  if (req.method === 'HEAD') {
    await handle.close().catch(() => undefined)
    return void res.end()
  }
  pipeline(handle.createReadStream(), res, () => undefined)
}
