import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../helpers/engine'
import { httpTarget } from '../helpers/targets'

const child = path.join(import.meta.dirname, '../helpers/engine-child.ts')
let proc: ChildProcess | null = null
const dirs: string[] = []
afterEach(async () => {
  proc?.kill('SIGKILL')
  await Promise.all(dirs.splice(0).map(removeDir))
})

function startChild(dir: string, settings: object, endpoint?: object): Promise<{ url: string; pid: number }> {
  const args = [child, dir, JSON.stringify(settings), ...(endpoint ? [JSON.stringify(endpoint)] : [])]
  proc = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve) => createInterface({ input: proc!.stdout! }).once('line', (line) => resolve(JSON.parse(line))))
}

function warm(url: string): Promise<void> {
  return new Promise<void>((resolve) => http.request(url, { method: 'POST' }, (res) => res.resume().on('end', resolve)).end('warm'))
}

function upload(url: string, total: number): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 0x5a)
  return new Promise<number>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Length': total } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.on('error', reject)
    let sent = 0
    const pump = () => {
      while (sent < total) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

function kib(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1])
}

describe('memory', () => {
  const linux = process.platform === 'linux'
  it('a 1 GB upload raises the engine process’s peak RSS by less than 64 MB', async (ctx) => {
    if (!linux) {
      console.log('skipped: peak RSS is read from /proc/<pid>/status, which exists only on Linux')
      return ctx.skip()
    }
    const dir = await tempDir()
    dirs.push(dir)
    const { url, pid } = await startChild(dir, { limits: { maxBodyBytes: 2 * 1024 ** 3 } })
    // Warm the request path first, then reset the kernel's peak-RSS counter for this process.
    await warm(url)
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    const before = kib(pid, 'VmRSS')
    const status = await upload(url, 1024 ** 3)
    expect(status).toBe(200)
    const peak = kib(pid, 'VmHWM')
    const growthMb = (peak - before) / 1024
    console.log(`1 GB upload: RSS before ${(before / 1024).toFixed(1)} MB, peak ${(peak / 1024).toFixed(1)} MB, growth ${growthMb.toFixed(1)} MB`)
    expect(growthMb).toBeLessThan(64)
  })
})

describe('memory while forwarding', () => {
  it('forwarding a 128 MB body to a target that reads slowly keeps the engine’s peak RSS growth under 64 MB', async (ctx) => {
    if (process.platform !== 'linux') {
      console.log('skipped: peak RSS is read from /proc/<pid>/status, which exists only on Linux')
      return ctx.skip()
    }
    const dir = await tempDir()
    dirs.push(dir)
    const total = 128 * 1024 * 1024
    let bigDone: () => void = () => undefined
    const bigReceived = new Promise<void>((resolve) => (bigDone = resolve))
    // The target reads 1 MB, then waits a moment before it asks for more: about 200 MB/s at most.
    const app = await httpTarget()
    const slow = http.createServer((req, res) => {
      let bytes = 0
      let sincePause = 0
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        sincePause += chunk.length
        if (sincePause >= 1024 * 1024) {
          sincePause = 0
          req.pause()
          setTimeout(() => req.resume(), 5)
        }
      })
      req.on('end', () => {
        res.end('ok')
        if (bytes === total) bigDone()
      })
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()))
    const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}`
    try {
      const { url, pid } = await startChild(dir, { limits: { maxBodyBytes: 1024 ** 3 } }, { forward: { mode: 'async', targets: [{ id: 'slow', url: slowUrl, paused: false }], defaultTargetId: 'slow' } })
      await warm(url)
      writeFileSync(`/proc/${pid}/clear_refs`, '5')
      const before = kib(pid, 'VmRSS')
      expect(await upload(url, total)).toBe(200)
      await bigReceived
      const growthMb = (kib(pid, 'VmHWM') - before) / 1024
      console.log(`128 MB forwarded to a slow reader: peak RSS growth ${growthMb.toFixed(1)} MB`)
      expect(growthMb).toBeLessThan(64)
    } finally {
      slow.close()
      await app.close()
    }
  })
})
