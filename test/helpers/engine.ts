// Test fixtures: a real engine on a real temp folder, bound to port 0, and raw TCP clients.
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Engine, type EngineOptions } from '../../electron/core'
import type { CaptureSummary, Limits } from '../../shared/model'
import { createApiClient, dispatch, type ApiClient } from '../../shared/api'

export async function tempDir(prefix = 'hookscope-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix))
}

export interface TestEngine {
  engine: Engine
  dir: string
  port: number
  endpointId: string
  url: string
  reopen(): Promise<TestEngine>
  close(): Promise<void>
}

export async function startEngine(
  options: Partial<EngineOptions> & { limits?: Partial<Limits>; dir?: string } = {},
): Promise<TestEngine> {
  const dir = options.dir ?? (await tempDir())
  const engine = await Engine.open({ dataDir: dir, firstEndpoint: { name: 'Test' }, ...options })
  if (options.limits) await engine.updateSettings({ limits: options.limits })
  const status = engine.statuses()[0]!
  const result: TestEngine = {
    engine,
    dir,
    port: status.port!,
    endpointId: status.id,
    url: status.url!,
    reopen: async () => {
      await engine.close()
      return startEngine({ ...options, dir, limits: undefined })
    },
    close: async () => {
      await engine.close()
    },
  }
  return result
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/** Resolves with the next completed capture that matches. */
export function nextCapture(engine: Engine, predicate: (s: CaptureSummary) => boolean = () => true): Promise<CaptureSummary> {
  return engine.events.waitFor('capture:completed', predicate)
}

/** Resolves once `count` captures completed. */
export function captures(engine: Engine, count: number): Promise<CaptureSummary[]> {
  return new Promise((resolve) => {
    const seen: CaptureSummary[] = []
    const off = engine.events.on('capture:completed', (summary) => {
      seen.push(summary)
      if (seen.length === count) {
        off()
        resolve(seen)
      }
    })
  })
}

export interface RawResponse {
  status: number
  head: string
  headers: Array<[string, string]>
  body: Buffer
}

/** Split a byte stream of HTTP/1.x responses (Content-Length or chunked framing, or until close). */
export function parseResponses(data: Buffer, closed: boolean): { responses: RawResponse[]; complete: boolean } {
  const responses: RawResponse[] = []
  let offset = 0
  while (offset < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', offset, 'latin1')
    if (headEnd < 0) return { responses, complete: false }
    const head = data.subarray(offset, headEnd).toString('latin1')
    const lines = head.split('\r\n')
    const status = Number(lines[0]!.split(' ')[1])
    const headers = lines.slice(1).map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon), line.slice(colon + 1).trim()] as [string, string]
    })
    const get = (name: string) => headers.find(([key]) => key.toLowerCase() === name)?.[1]
    let bodyStart = headEnd + 4
    if (status >= 100 && status < 200) {
      offset = bodyStart
      continue
    }
    const length = get('content-length')
    let body: Buffer
    if (length !== undefined) {
      const end = bodyStart + Number(length)
      if (end > data.length) return { responses, complete: false }
      body = data.subarray(bodyStart, end)
      offset = end
    } else if (get('transfer-encoding')?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = []
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyStart, 'latin1')
        if (lineEnd < 0) return { responses, complete: false }
        const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16)
        if (size === 0) {
          const trailerEnd = data.indexOf('\r\n\r\n', lineEnd, 'latin1')
          if (trailerEnd < 0) return { responses, complete: false }
          offset = trailerEnd + 4
          break
        }
        if (lineEnd + 2 + size + 2 > data.length) return { responses, complete: false }
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
        bodyStart = lineEnd + 2 + size + 2
      }
      body = Buffer.concat(parts)
    } else {
      if (!closed) return { responses, complete: false }
      body = data.subarray(bodyStart)
      offset = data.length
    }
    responses.push({ status, head, headers, body })
  }
  return { responses, complete: true }
}

/**
 * Write raw bytes to a port and collect responses: resolves when `responses` of them arrived, or when
 * the server closes the connection.
 */
export function rawExchange(
  port: number,
  payload: Buffer | string | Array<Buffer | string>,
  options: { responses?: number; host?: string; keepOpen?: boolean; untilClose?: boolean } = {},
): Promise<{ responses: RawResponse[]; closed: boolean; raw: Buffer }> {
  const wanted = options.responses ?? 1
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, options.host ?? '127.0.0.1')
    const chunks: Buffer[] = []
    let settled = false
    const finish = (closed: boolean) => {
      if (settled) return
      const raw = Buffer.concat(chunks)
      const parsed = parseResponses(raw, closed)
      if (!closed && (options.untilClose || parsed.responses.length < wanted)) return
      settled = true
      if (!options.keepOpen) socket.destroy()
      resolve({ responses: parsed.responses, closed, raw })
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      finish(false)
    })
    socket.on('close', () => finish(true))
    socket.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE') return
      if (!settled) reject(error)
    })
    const parts = Array.isArray(payload) ? payload : [payload]
    for (const part of parts) socket.write(typeof part === 'string' ? Buffer.from(part, 'latin1') : part)
  })
}

/** Open a socket and resolve once it is connected. */
export function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Resolves when the socket is closed by the other side, with the bytes it sent first. */
export function whenClosed(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => undefined)
    if (socket.destroyed) return resolve(Buffer.concat(chunks))
    socket.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

/** Rebuild the request head exactly as stored: request line, raw header pairs, blank line. */
export function requestHead(capture: { method: string; target: string; httpVersion: string; rawHeaders: Array<[string, string]> }): Buffer {
  let text = `${capture.method} ${capture.target} HTTP/${capture.httpVersion}\r\n`
  for (const [name, value] of capture.rawHeaders) text += `${name}: ${value}\r\n`
  return Buffer.from(text + '\r\n', 'latin1')
}

/** The engine through the Api contract, as a host serves it (validation, defaults, envelopes). */
export function apiOf(engine: Engine): ApiClient {
  const handlers = engine.handlers()
  return createApiClient({
    invoke: (method, input) => dispatch(handlers, method, input),
    subscribe: () => () => undefined,
  })
}

/** A capture's stored body bytes. */
export async function storedBody(engine: Engine, id: string): Promise<Buffer> {
  const chunk = await apiOf(engine)['captures.body']({ id, offset: 0, length: 16 * 1024 * 1024 })
  return Buffer.from(chunk.base64, 'base64')
}
