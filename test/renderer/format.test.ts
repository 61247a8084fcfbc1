import { describe, expect, it } from 'vitest'
import { statusClassOf } from '../../renderer/src/text/format'

describe('status colours', () => {
  it('colour a status by its class, and a missing one (no answer yet, or none sent) as none', () => {
    expect([101, 200, 304, 404, 503].map(statusClassOf)).toEqual(['status-1xx', 'status-2xx', 'status-3xx', 'status-4xx', 'status-5xx'])
    expect(statusClassOf(null)).toBe('status-none')
    expect(statusClassOf(undefined)).toBe('status-none')
  })
})
