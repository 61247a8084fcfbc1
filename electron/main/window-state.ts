// Remembers the window's size and position between runs (a small versioned document).
import { z } from 'zod'
import { DocumentStore } from '../core/store/document'
import { DEFAULT_BOUNDS, type Bounds } from './window'

const BoundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(200),
  height: z.number().int().min(200),
  maximized: z.boolean().optional(),
})

function open(dir: string) {
  return DocumentStore.open({
    dir,
    name: 'window.json',
    schema: BoundsSchema,
    version: 1,
    migrations: [],
    defaults: () => DEFAULT_BOUNDS,
    now: Date.now,
    // Losing a window position is not worth a notice.
    onNotice: () => undefined,
  })
}

export async function loadBounds(dir: string): Promise<Bounds> {
  try {
    return (await open(dir)).data
  } catch {
    return DEFAULT_BOUNDS
  }
}

export async function saveBounds(dir: string, bounds: Bounds): Promise<void> {
  const doc = await open(dir)
  await doc.update(() => BoundsSchema.parse(bounds))
}
