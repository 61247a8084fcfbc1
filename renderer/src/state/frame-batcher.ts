// Applies queued work once per animation frame. Owns: coalescing everything that arrived since the
// last frame into one call, slicing a huge queue over several frames, and a slow timer that takes
// over when the page is hidden (browsers stop animation frames then). A hidden page also applies a
// frame's worth as soon as it has gathered: its timers may wake once a minute (Chromium throttles the
// timers of a page hidden for minutes), and the queue would grow without end meanwhile.
export interface FrameScheduler {
  /** Run `callback` at the next opportunity; returns a cancel function. */
  request(callback: () => void): () => void
}

export function browserFrameScheduler(hiddenFallbackMs = 200): FrameScheduler {
  return {
    request(callback) {
      let done = false
      const run = () => {
        if (done) return
        done = true
        cancelAnimationFrame(frame)
        clearTimeout(timer)
        callback()
      }
      const frame = requestAnimationFrame(run)
      const timer = setTimeout(run, document.hidden ? 0 : hiddenFallbackMs)
      return () => {
        done = true
        cancelAnimationFrame(frame)
        clearTimeout(timer)
      }
    },
  }
}

export interface FrameBatcherOptions<T> {
  scheduler: FrameScheduler
  /** Most units of work applied in one frame. */
  maxPerFrame: number
  weight: (item: T) => number
  /** Split one item too heavy for a frame into lighter pieces. */
  split: (item: T, maxWeight: number) => T[]
  /** Whether the page is hidden (nothing is drawn): the document's visibility unless given. */
  hidden?: () => boolean
}

const documentHidden = (): boolean => typeof document !== 'undefined' && document.hidden

export class FrameBatcher<T> {
  private queue: T[] = []
  /** The weight of what is queued. */
  private queued = 0
  private cancel: (() => void) | null = null

  constructor(
    private readonly apply: (items: T[]) => void,
    private readonly options: FrameBatcherOptions<T>,
  ) {}

  get pending(): number {
    return this.queue.length
  }

  push(item: T): void {
    const weight = this.options.weight(item)
    if (weight > this.options.maxPerFrame) this.queue.push(...this.options.split(item, this.options.maxPerFrame))
    else this.queue.push(item)
    this.queued += weight
    if (this.queued >= this.options.maxPerFrame && (this.options.hidden ?? documentHidden)()) this.flushAll()
    else this.schedule()
  }

  private schedule(): void {
    if (this.cancel || this.queue.length === 0) return
    this.cancel = this.options.scheduler.request(() => {
      this.cancel = null
      this.flushFrame()
    })
  }

  private flushFrame(): void {
    let budget = this.options.maxPerFrame
    let count = 0
    while (count < this.queue.length) {
      const weight = this.options.weight(this.queue[count]!)
      if (count > 0 && weight > budget) break
      budget -= weight
      count++
    }
    const items = this.queue.splice(0, count)
    this.queued = this.queue.length === 0 ? 0 : this.queued - (this.options.maxPerFrame - budget)
    if (items.length > 0) this.apply(items)
    this.schedule()
  }

  /** Apply everything now (tests, and before a full reload replaces the list). */
  flushAll(): void {
    this.cancel?.()
    this.cancel = null
    const items = this.queue.splice(0)
    this.queued = 0
    if (items.length > 0) this.apply(items)
  }

  dispose(): void {
    this.cancel?.()
    this.cancel = null
    this.queue = []
    this.queued = 0
  }
}
