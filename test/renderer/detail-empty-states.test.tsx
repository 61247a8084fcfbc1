import './helpers/setup-dom'
import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { HeadersTab } from '../../renderer/src/components/detail/headers-tab'
import { QueryTab } from '../../renderer/src/components/detail/query-tab'

describe('detail tabs with nothing, or one thing, to show', () => {
  it('says a request sent no headers (HTTP/1.0 allows none) instead of an empty table, and counts one header as one', () => {
    const view = render(<HeadersTab headers={[]} trailers={[]} />)
    expect(screen.getByTestId('headers-empty').textContent).toBe('This request sent no headers.')
    expect(screen.queryByTestId('headers-table')).toBeNull()
    view.unmount()

    render(<HeadersTab headers={[['Host', 'example.test']]} trailers={[]} />)
    expect(screen.getByTestId('headers-count').textContent).toBe('1 header, as it was sent.')
    expect(screen.getAllByTestId('header-row')).toHaveLength(1)
  })

  it('says a query string is empty (a target ending in "?", or "?&") instead of an empty table', () => {
    for (const target of ['/hooks?', '/hooks?&&']) {
      const view = render(<QueryTab target={target} />)
      expect(screen.getByTestId('query-raw').textContent, target).toBe(target.slice(target.indexOf('?')))
      expect(screen.getByTestId('query-empty').textContent, target).toBe('The query string is empty: it has no names or values.')
      expect(screen.queryByTestId('query-table'), target).toBeNull()
      view.unmount()
    }
    render(<QueryTab target="/hooks" />)
    expect(screen.getByTestId('query-empty').textContent).toBe('This request has no query string.')
  })
})
