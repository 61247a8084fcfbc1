import './helpers/setup-dom'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { browserFrameScheduler, FrameBatcher } from '../../renderer/src/state/frame-batcher'
import { ManualFrames } from './helpers/render-app'

const options = (frames: ManualFrames, maxPerFrame = 100) => ({
  scheduler: frames,
  maxPerFrame,
  weight: (item: number[]) => item.length,
  split: (item: number[], max: number) => {
    const pieces: number[][] = []
    for (let i = 0; i < item.length; i += max) pieces.push(item.slice(i, i + max))
    return pieces
  },
})

describe('frame batcher', () => {
  it('applies everything that arrived before a frame in one call', () => {
    const frames = new ManualFrames()
    const applied: number[][][] = []
    const batcher = new FrameBatcher<number[]>((items) => applied.push(items), options(frames))
    batcher.push([1])
    batcher.push([2, 3])
    batcher.push([4])
    expect(applied).toHaveLength(0)
    expect(frames.waiting).toBe(1)
    frames.frame()
    expect(applied).toEqual([[[1], [2, 3], [4]]])
    expect(frames.waiting).toBe(0)
  })

  it('slices a huge queue over several frames', () => {
    const frames = new ManualFrames()
    const perFrame: number[] = []
    const batcher = new FrameBatcher<number[]>((items) => perFrame.push(items.reduce((n, i) => n + i.length, 0)), options(frames, 100))
    batcher.push(Array.from({ length: 350 }, (_, i) => i))
    let guard = 0
    while (frames.waiting > 0 && guard++ < 10) frames.frame()
    expect(perFrame).toEqual([100, 100, 100, 50])
  })

  it('applies a frame\'s worth at once on a hidden page, whose timers may not wake for a minute, so the queue never grows past it', () => {
    const frames = new ManualFrames()
    let hidden = true
    const applied: number[] = []
    const batcher = new FrameBatcher<number[]>((items) => applied.push(items.reduce((n, i) => n + i.length, 0)), { ...options(frames, 100), hidden: () => hidden })
    // Live traffic for a long while, and not one wake-up of the page's timers.
    for (let i = 0; i < 1000; i++) {
      batcher.push([i, i, i])
      expect(batcher.pending).toBeLessThan(34)
    }
    expect(applied.reduce((a, b) => a + b, 0)).toBeGreaterThan(2900)
    // Shown again, what arrives waits for the next frame.
    hidden = false
    const before = applied.length
    for (let i = 0; i < 100; i++) batcher.push([i])
    expect(applied).toHaveLength(before)
    frames.frame()
    expect(applied.length).toBeGreaterThan(before)
  })

  it('flushAll applies what is queued at once', () => {
    const frames = new ManualFrames()
    const applied: number[] = []
    const batcher = new FrameBatcher<number[]>((items) => applied.push(items.length), options(frames))
    batcher.push([1])
    batcher.flushAll()
    expect(applied).toEqual([1])
    frames.frame()
    expect(applied).toEqual([1])
  })
})

describe('browser frame scheduler', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('runs once, from whichever comes first: the animation frame or the slow timer', () => {
    vi.useFakeTimers()
    const frameCallbacks: FrameRequestCallback[] = []
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frameCallbacks.push(cb))
    vi.stubGlobal('cancelAnimationFrame', () => {})
    const scheduler = browserFrameScheduler(200)
    let runs = 0
    scheduler.request(() => runs++)
    frameCallbacks[0]!(0)
    vi.advanceTimersByTime(500)
    expect(runs).toBe(1)
  })

  it('falls back to the timer when animation frames do not come (hidden page)', () => {
    vi.useFakeTimers()
    vi.stubGlobal('requestAnimationFrame', () => 1)
    vi.stubGlobal('cancelAnimationFrame', () => {})
    const scheduler = browserFrameScheduler(200)
    let runs = 0
    scheduler.request(() => runs++)
    vi.advanceTimersByTime(199)
    expect(runs).toBe(0)
    vi.advanceTimersByTime(1)
    expect(runs).toBe(1)
  })
})
