import './helpers/setup-dom'
import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { TimingsTab } from '../../renderer/src/components/detail/timings-tab'
import { makeCapture } from './helpers/fake-api'

const rows = () =>
  [screen.getByTestId('timing-headers'), ...screen.getAllByTestId('timing-row')].map((row) => ({
    cells: Array.from(row.querySelectorAll('td'))
      .slice(0, 3)
      .map((cell) => cell.textContent),
    bar: row.querySelector<HTMLElement>('.timing-bar')?.style ?? null,
  }))

describe('timings tab', () => {
  it('says how long each step of a slow request took, its bar starting where the step before ended', () => {
    // A body that took 31 s to arrive, stored in 3 ms, answered at once.
    const capture = makeCapture({ durationMs: 31_083.5, timings: { bodyEndMs: 31_080, storedMs: 31_083.4, respondedMs: 31_083.5 } })
    render(<TimingsTab capture={capture} />)
    expect(screen.getByTestId('timings').querySelector('p')!.textContent).toBe(
      `Received at ${screen.getByTestId('timings').querySelector('strong')!.textContent}; answered 31.1 s after its headers arrived.`,
    )
    const shown = rows()
    expect(shown.map((row) => row.cells)).toEqual([
      ['Headers received', '0 ms', '—'],
      ['Body received', '31.1 s', '31.1 s'],
      ['Stored on disk', '31.1 s', '3 ms'],
      ['Response sent', '31.1 s', '0.10 ms'],
    ])
    expect(shown[0]!.bar).toBeNull()
    expect(shown[1]!.bar).toMatchObject({ marginLeft: '0%' })
    expect(parseFloat(shown[1]!.bar!.width)).toBeCloseTo((31_080 / 31_083.5) * 100, 3)
    expect(parseFloat(shown[2]!.bar!.marginLeft)).toBeCloseTo((31_080 / 31_083.5) * 100, 3)
    expect(screen.getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Step', 'At', 'Took', 'Timeline'])
  })

  it('shows a step that never came as such, and the steps after it from the last one that did', () => {
    // Stored, but its sender left before it was answered.
    const capture = makeCapture({ status: null, durationMs: null, timings: { bodyEndMs: 2, storedMs: 5, respondedMs: null } })
    render(<TimingsTab capture={capture} />)
    expect(screen.getByTestId('timings').querySelector('p')!.textContent).toMatch(/; not answered\.$/)
    expect(rows().map((row) => row.cells)).toEqual([
      ['Headers received', '0 ms', '—'],
      ['Body received', '2 ms', '2 ms'],
      ['Stored on disk', '5 ms', '3 ms'],
      ['Response sent', '—', '—'],
    ])
  })
})
