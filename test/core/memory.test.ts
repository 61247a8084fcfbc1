import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../helpers/engine'

const child = path.join(import.meta.dirname, '../helpers/engine-child.ts')
let proc: ChildProcess | null = null
const dirs: string[] = []
afterEach(async () => {
  proc?.kill('SIGKILL')
  await Promise.all(dirs.splice(0).map(removeDir))
})

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
    const settings = JSON.stringify({ limits: { maxBodyBytes: 2 * 1024 ** 3 } })
    proc = spawn(process.execPath, ['--import', 'tsx', child, dir, settings], { stdio: ['ignore', 'pipe', 'inherit'] })
    const { url, pid } = await new Promise<{ url: string; pid: number }>((resolve) =>
      createInterface({ input: proc!.stdout! }).once('line', (line) => resolve(JSON.parse(line))),
    )
    // Warm the request path first, then reset the kernel's peak-RSS counter for this process.
    await new Promise<void>((resolve) => http.request(url, { method: 'POST' }, (res) => res.resume().on('end', resolve)).end('warm'))
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    const before = kib(pid, 'VmRSS')
    const total = 1024 ** 3
    const chunk = Buffer.alloc(1024 * 1024, 0x5a)
    const status = await new Promise<number>((resolve, reject) => {
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
    expect(status).toBe(200)
    const peak = kib(pid, 'VmHWM')
    const growthMb = (peak - before) / 1024
    console.log(`1 GB upload: RSS before ${(before / 1024).toFixed(1)} MB, peak ${(peak / 1024).toFixed(1)} MB, growth ${growthMb.toFixed(1)} MB`)
    expect(growthMb).toBeLessThan(64)
  })
})
