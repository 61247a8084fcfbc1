// Sends real HTTP requests to a capture endpoint: node:http with raw header pairs (order, case and
// duplicates as given), and curl for the cases a user would type.
import { execFile } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'

export interface SendOptions {
  method?: string
  path?: string
  headers?: Array<[string, string]>
  body?: string | Buffer
}

export interface SentResponse {
  status: number
  body: string
}

export function sendRequest(baseUrl: string, options: SendOptions = {}, agent?: http.Agent): Promise<SentResponse> {
  const url = new URL(baseUrl)
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body
  const headers: string[] = []
  for (const [name, value] of options.headers ?? []) headers.push(name, value)
  if (body && !(options.headers ?? []).some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))) headers.push('Content-Length', String(body.length))
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, method: options.method ?? 'POST', path: options.path ?? '/', headers, agent: agent ?? false },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

export function runCurl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['--silent', '--show-error', '--max-time', '20', ...args], (error, stdout, stderr) => {
      if (error) reject(new Error(`curl ${args.join(' ')} failed: ${stderr || error.message}`))
      else resolve({ stdout, stderr })
    })
  })
}

/** Runs a command line through sh, as a user pasting it into a terminal would. */
export function runShell(command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', command], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`sh -c failed: ${stderr || error.message}`))
      else resolve({ stdout, stderr })
    })
  })
}

/** Writes raw bytes to the endpoint over TCP and resolves with whatever comes back before close. */
export function sendRaw(baseUrl: string, bytes: string | Buffer): Promise<string> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => socket.end(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes))
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
  })
}

/** Text as a latin1 byte string of its UTF-8 bytes: how node:http sends (and records) non-ASCII. */
export function utf8ByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1')
}
