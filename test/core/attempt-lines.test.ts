import { describe, expect, it } from 'vitest'
import { AttemptLines } from '../../electron/core/forward/attempt-lines'

describe('attempt lines', () => {
  it('gives back each line as it was added, and each capture its attempts in order', () => {
    const lines = new AttemptLines()
    const a1 = lines.add('{"id":"a1","h":"é ü 𝄞"}', -1)
    const b1 = lines.add('{"id":"b1"}', -1)
    const a2 = lines.add('{"id":"a2"}', a1)
    const a3 = lines.add('{"id":"a3"}', a2)
    expect(lines.line(a1)).toBe('{"id":"a1","h":"é ü 𝄞"}')
    expect(lines.bytes(a1).toString('utf8')).toBe('{"id":"a1","h":"é ü 𝄞"}\n')
    expect(lines.chain(a3).map((slot) => lines.line(slot))).toEqual(['{"id":"a1","h":"é ü 𝄞"}', '{"id":"a2"}', '{"id":"a3"}'])
    expect(lines.chain(b1)).toEqual([b1])
    expect(lines.chain(-1)).toEqual([])
    expect(lines.size).toBe(4)
  })

  it('keeps lines handed out valid across its buffers, including lines larger than one', () => {
    const lines = new AttemptLines()
    const handed: Array<[string, Buffer, number]> = []
    let previous = -1
    for (let i = 0; i < 300; i++) {
      // Mostly small lines, some multi-byte, a few larger than a buffer.
      const text = JSON.stringify({ i, pad: i % 50 === 7 ? 'ж'.repeat(70_000) : 'x'.repeat(i * 7) })
      previous = lines.add(text, previous)
      handed.push([text, lines.bytes(previous), previous])
    }
    for (const [text, bytes, slot] of handed) {
      expect(bytes.toString('utf8')).toBe(`${text}\n`)
      expect(lines.line(slot)).toBe(text)
    }
    expect(lines.chain(previous).map((slot) => lines.line(slot))).toEqual(handed.map(([text]) => text))
  })

  it('lays lines added one after another side by side, so the journal writes a run of them as one', () => {
    const lines = new AttemptLines()
    lines.add('{"n":1}', -1)
    lines.add('{"n":2}', -1)
    const first = lines.bytes(0)
    const second = lines.bytes(1)
    expect(second.buffer).toBe(first.buffer)
    expect(second.byteOffset).toBe(first.byteOffset + first.length)
  })
})
