// Renders components (or the whole app) over a fake engine with real stores and a manual frame
// scheduler, so a test decides when a frame passes.
import { render, screen, waitFor, type RenderResult } from '@testing-library/react'
import type { ReactNode } from 'react'
import { act } from 'react'
import { alwaysOpen } from '../../../renderer/src/api/connection-state'
import { createAppStore } from '../../../renderer/src/state/app-store'
import { StoresProvider, type Stores } from '../../../renderer/src/state/context'
import type { FrameScheduler } from '../../../renderer/src/state/frame-batcher'
import { LiveSync } from '../../../renderer/src/state/live-sync'
import { createTrafficStore } from '../../../renderer/src/state/traffic-store'
import { TrafficList } from '../../../renderer/src/components/traffic-list'
import { TrafficToolbar } from '../../../renderer/src/components/traffic-toolbar'
import { createFakeEngine, type FakeEngine } from './fake-api'

export class ManualFrames implements FrameScheduler {
  private callbacks: Array<() => void> = []
  request(callback: () => void): () => void {
    this.callbacks.push(callback)
    return () => {
      this.callbacks = this.callbacks.filter((c) => c !== callback)
    }
  }
  get waiting(): number {
    return this.callbacks.length
  }
  /** Runs the callbacks queued for one frame. */
  frame(): void {
    const due = this.callbacks
    this.callbacks = []
    for (const callback of due) callback()
  }
}

export interface Harness {
  engine: FakeEngine
  stores: Stores
  frames: ManualFrames
  wrap(node: ReactNode): ReactNode
}

export function createHarness(engine: FakeEngine = createFakeEngine()): Harness {
  const frames = new ManualFrames()
  const traffic = createTrafficStore()
  const app = createAppStore()
  const sync = new LiveSync({ api: engine.api, connection: alwaysOpen(), traffic, app, scheduler: frames })
  const stores: Stores = { api: engine.api, traffic, app, sync }
  return { engine, stores, frames, wrap: (node) => <StoresProvider stores={stores}>{node}</StoresProvider> }
}

export function renderWith(harness: Harness, node: ReactNode): RenderResult {
  return render(<>{harness.wrap(node)}</>)
}

/** The live list as the Traffic view shows it (its toolbar above it), once the sync has loaded it. */
export async function renderTraffic(harness: Harness): Promise<RenderResult> {
  harness.stores.sync.start()
  await settle()
  const view = renderWith(
    harness,
    <>
      <TrafficToolbar />
      <TrafficList />
    </>,
  )
  await settle()
  return view
}

/** Lets pending promises (fake engine replies) settle inside act(). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0))
    })
  }
}

/** Waits until nothing on the page is still loading or formatting (lazy viewers, body fetches). */
export async function settleViewers(): Promise<void> {
  await settle()
  await waitFor(
    () => {
      if (screen.queryByText(/^(Loading viewer…|Formatting…|Loading body…|Reading parts…|Loading…)$/)) throw new Error('still loading')
    },
    { timeout: 5000 },
  )
}
