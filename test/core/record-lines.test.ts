import { describe, expect, it } from 'vitest'
import { RecordLines } from '../../electron/core/store/record-lines'
import type { CaptureRecord } from '../../electron/core/store/history'

const record = (id: string, body: string): CaptureRecord =>
  ({ id, method: 'POST', target: `/${id}`, status: null, inline: { encoding: 'utf8', data: body }, timings: { bodyEndMs: 1, storedMs: null, respondedMs: null } }) as unknown as CaptureRecord

describe('record lines', () => {
  it('gives back each record as it was added, with the changes made since, as a new object each time', () => {
    const lines = new RecordLines()
    const a = record('a', '{"é":"ü"}')
    const bytes = lines.add('a', JSON.stringify(a))
    expect(bytes.toString('utf8')).toBe(`${JSON.stringify(a)}\n`)
    lines.change('a', { status: 200 })
    lines.change('a', { durationMs: 3 })
    const back = lines.record('a')!
    expect(back).toEqual({ ...a, status: 200, durationMs: 3 })
    back.status = 500
    expect(lines.record('a')!.status).toBe(200)
    expect(lines.changed()).toEqual({ a: { status: 200, durationMs: 3 } })
  })

  it('keeps lines handed out valid as its buffer grows, and leaves deleted records out', () => {
    const lines = new RecordLines()
    const handed: Array<[string, Buffer]> = []
    for (let i = 0; i < 200; i++) {
      const r = record(`r${i}`, 'x'.repeat(1500))
      handed.push([JSON.stringify(r), lines.add(r.id, JSON.stringify(r))])
    }
    for (const [json, bytes] of handed) expect(bytes.toString('utf8')).toBe(`${json}\n`)
    lines.change('r3', { status: 201 })
    lines.delete('r3')
    expect(lines.has('r3')).toBe(false)
    expect(lines.record('r3')).toBeUndefined()
    expect(lines.changed()).toEqual({})
    expect(lines.size).toBe(199)
    expect([...lines.lines()].map((line) => line.toString('utf8'))).toEqual(handed.filter((_, i) => i !== 3).map(([json]) => `${json}\n`))
  })
})
