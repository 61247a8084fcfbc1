// Fixtures for the format tests: a node:http server on 127.0.0.1:0 that records each request's raw
// header pairs and body bytes, a runner for shell scripts, temp folders, byte helpers, and checks.
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { HookscopeError } from '../../../shared/errors'
import type { Exchange, HeaderPair } from '../../../shared/formats'

export interface Recorded {
  method: string
  target: string
  httpVersion: string
  headers: HeaderPair[]
  body: Buffer
}

export interface Recorder {
  port: number
  origin: string
  /** Resolves with the first request that completes after this call. */
  next(): Promise<Recorded>
  received: Recorded[]
  close(): Promise<void>
}

export function pairs(raw: string[]): HeaderPair[] {
  const out: HeaderPair[] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!])
  return out
}

export async function startRecorder(
  respond: (req: http.IncomingMessage, res: http.ServerResponse, recorded: Recorded) => void = (_req, res) => {
    res.setHeader('Content-Type', 'text/plain')
    res.end('ok')
  },
): Promise<Recorder> {
  const received: Recorded[] = []
  const waiting: Array<(recorded: Recorded) => void> = []
  const server = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method!,
        target: req.url!,
        httpVersion: req.httpVersion,
        headers: pairs(req.rawHeaders),
        body: Buffer.concat(chunks),
      }
      received.push(recorded)
      for (const waiter of waiting.splice(0)) waiter(recorded)
      respond(req, res, recorded)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    received,
    next: () => new Promise<Recorded>((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface ShellResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

/** Writes the command to a script file and runs it with the given shell, as a user pasting it would. */
export async function runInShell(shell: string, command: string, dir: string): Promise<ShellResult> {
  const script = path.join(dir, `command-${Math.random().toString(36).slice(2)}.sh`)
  await writeFile(script, `${command}\n`)
  return new Promise((resolve, reject) => {
    const child = spawn(shell, [script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }))
  })
}

export async function tempDir(prefix = 'hookscope-formats-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

export const allBytes = (): Uint8Array => Uint8Array.from({ length: 256 }, (_, i) => i)

/** A byte string (one char per byte) from text, as node:http would hold the UTF-8 bytes. */
export const utf8ByteString = (text: string): string => Buffer.from(text, 'utf8').toString('latin1')

export const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'))

/** Plain Uint8Array view, so toEqual compares contents and not Buffer versus Uint8Array. */
export const plain = (data: Uint8Array): Uint8Array => new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))

/** The INVALID_INPUT error that `run` throws (the test fails if it throws none, or another). */
export function errorOf(run: () => unknown): HookscopeError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(HookscopeError)
    expect((error as HookscopeError).code).toBe('INVALID_INPUT')
    return error as HookscopeError
  }
  throw new Error('expected an error')
}

/** Exchanges with their bodies as plain byte arrays, so that a round trip compares equal. */
export const comparable = (exchanges: Exchange[]) =>
  exchanges.map((exchange) => ({
    ...exchange,
    request: { ...exchange.request, body: plain(exchange.request.body) },
    ...(exchange.response ? { response: { ...exchange.response, body: plain(exchange.response.body) } } : {}),
  }))

export interface RawRecorder {
  origin: string
  /** The bytes of the next request's head (request line and headers), as latin1. */
  nextHead(): Promise<string>
  close(): Promise<void>
}

/**
 * A server that keeps each request's head as the bytes that came, answering "ok": node:http refuses
 * a request target with bytes beyond ASCII, which a raw sender (and curl's --request-target) sends.
 */
export async function startRawRecorder(): Promise<RawRecorder> {
  const waiting: Array<(head: string) => void> = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    let received = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = received.subarray(0, end).toString('latin1')
      received = Buffer.alloc(0)
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
      waiting.shift()?.(head)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    nextHead: () => new Promise<string>((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
