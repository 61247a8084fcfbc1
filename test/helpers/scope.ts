// Per-test clean-up for tests that start engines and target servers: whatever a test opened is
// closed after it, targets first, then the engine (with its data folder).
import { afterEach } from 'vitest'
import { removeDir, type TestEngine } from './engine'
import { httpTarget, type Target } from './targets'

export function testScope(engine: () => TestEngine | null) {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    const current = engine()
    if (current) {
      // Closing twice is harmless: a test that reopened or closed it itself is covered too.
      await current.close()
      await removeDir(current.dir)
    }
  })
  return {
    defer(close: () => Promise<void>): void {
      closers.push(close)
    },
    async target(...args: Parameters<typeof httpTarget>): Promise<Target> {
      const created = await httpTarget(...args)
      closers.push(() => created.close())
      return created
    },
  }
}
