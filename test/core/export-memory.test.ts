// Exporting a large request holds its body about once: the engine writes the file piece by piece
// and hands it out in slices, never the whole file as one string (nor a string built a few
// characters at a time). Measured in an engine process of its own, from the kernel's peak RSS.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../helpers/engine'

const child = path.join(import.meta.dirname, '../helpers/export-child.ts')
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeDir))
})

interface Measure {
  fileMb: number
  growthMb: number
  ms: number
}

async function exportIn(bodyMb: number, kind: 'text' | 'binary', format: string): Promise<Measure> {
  const dir = await tempDir()
  dirs.push(dir)
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, dir, String(bodyMb), kind, format], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve))
  expect(code).toBe(0)
  return JSON.parse(out) as Measure
}

const BODY_MB = 64

describe('memory while exporting', () => {
  it.each([
    ['a capture as HAR', 'binary', 'har'],
    ['a collection as Postman', 'binary', 'collection-postman'],
    ['a capture as cURL', 'text', 'curl'],
  ] as const)(`exporting %s with a ${BODY_MB} MB body raises the engine's peak RSS by less than 3 times the body`, async (_what, kind, format) => {
    if (process.platform !== 'linux') {
      console.log('skipped: peak RSS is read from /proc/self/status, which exists only on Linux')
      return
    }
    const measure = await exportIn(BODY_MB, kind, format)
    console.log(`${format} of a ${BODY_MB} MB ${kind} body: ${measure.fileMb.toFixed(1)} MB file, peak RSS growth ${measure.growthMb.toFixed(1)} MB, ${measure.ms} ms`)
    expect(measure.fileMb).toBeGreaterThan(BODY_MB)
    expect(measure.growthMb).toBeLessThan(3 * BODY_MB)
  }, 180_000)
})
