// The traffic list's export asks the engine for slices whose bodies fit in one export call, so that a
// few large bodies among the requests neither fail the export nor exhaust the engine's memory.
import { describe, expect, it } from 'vitest'
import { EXPORT_CALL_MAX_BODY_BYTES, type ApiClient } from '../../shared/api'
import { HookscopeError } from '../../shared/errors'
import { toHar } from '../../shared/formats'
import { readFileText } from '../../renderer/src/workbench/commands'
import { exportList } from '../../renderer/src/workbench/list-export'

const MB = 1024 * 1024

function engineWith(sizes: number[]) {
  const items = sizes.map((bodySize, n) => ({ id: `cap_${String(n).padStart(4, '0')}`, target: `/r/${n}`, bodySize }))
  const calls: string[][] = []
  const api = {
    on: () => () => undefined,
    'captures.query': async () => ({ items: [...items].reverse(), total: items.length, next: null }),
    'captures.export': async ({ ids, format }: { ids: string[]; format: 'har' | 'curl' }) => {
      calls.push(ids)
      const bytes = ids.reduce((sum, id) => sum + items.find((i) => i.id === id)!.bodySize, 0)
      // As the engine does: several captures whose bodies exceed one call are refused.
      if (ids.length > 1 && bytes > EXPORT_CALL_MAX_BODY_BYTES) throw new HookscopeError('INVALID_INPUT', 'too large')
      const exchanges = ids.map((id) => ({ request: { method: 'POST', url: `http://127.0.0.1:1${items.find((i) => i.id === id)!.target}`, headers: [], body: new Uint8Array(0) } }))
      expect(format).toBe('har')
      return { filename: 'hookscope.har', mimeType: 'application/json', text: JSON.stringify(toHar(exchanges, { creator: { name: 'Hookscope', version: 'test' } })) }
    },
  } as unknown as ApiClient
  return { api, calls, items }
}

describe('exporting the traffic list', () => {
  it('cuts a slice before its bodies add up to more than one export call carries', async () => {
    const large = EXPORT_CALL_MAX_BODY_BYTES / 2 + MB
    const { api, calls, items } = engineWith([1, large, large, 10, large, 100 * MB, 5])
    const result = await exportList(api, { query: {}, format: 'har', signal: new AbortController().signal, onProgress: () => undefined })
    expect(result.exported).toBe(items.length)
    const entries = (JSON.parse(await readFileText(result.blob)) as { log: { entries: Array<{ request: { url: string } }> } }).log.entries
    expect(entries.map((e) => new URL(e.request.url).pathname)).toEqual(items.map((i) => i.target))
    expect(calls.map((ids) => ids.length)).toEqual([2, 2, 1, 1, 1])
  })
})
