import { describe, expect, it } from 'vitest'
import { createIdGenerator, idTime } from '../../electron/core/ids'

describe('capture ids', () => {
  it('sort as strings in the order they were made, within a millisecond and across milliseconds, and carry their time', () => {
    let now = 1_765_000_000_000
    const newId = createIdGenerator(() => now)
    const ids: string[] = []
    for (let ms = 0; ms < 50; ms++) {
      for (let i = 0; i < 40; i++) ids.push(newId())
      now += ms % 7 === 0 ? 0 : 1
    }
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{18}$/)
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    expect(idTime(ids[0]!)).toBe(1_765_000_000_000)
    expect(idTime(ids[ids.length - 1]!)).toBe(now)
  })

  it('keeps increasing when the clock steps back', () => {
    let now = 1_765_000_000_500
    const newId = createIdGenerator(() => now)
    const first = newId()
    now -= 400
    const second = newId()
    expect(second > first).toBe(true)
    expect(idTime(second)).toBe(1_765_000_000_500)
  })
})
