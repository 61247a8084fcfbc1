import './helpers/setup-dom'
import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { TrafficTimeline } from '../../renderer/src/components/traffic-timeline'
import { createHarness, renderWith, settle } from './helpers/render-app'

describe('the traffic timeline', () => {
  it('names each bar color in a key, in words beside the color', async () => {
    renderWith(createHarness(), <TrafficTimeline />)
    await settle()
    const items = screen.getAllByTestId('timeline-key-item')
    expect(items.map((item) => item.textContent)).toEqual(['2xx', '3xx', '4xx', '5xx', 'no response (yet)'])
    // Each swatch is drawn in its bars' color class.
    const layers = ['2xx', '3xx', '4xx', '5xx', 'none']
    items.forEach((item, i) => {
      const swatch = item.querySelector('.timeline-swatch')!
      expect(swatch.classList.contains(`timeline-swatch-${layers[i]}`)).toBe(true)
      expect(screen.getByTestId(`timeline-${layers[i]}`).getAttribute('class')).toBe(`timeline-${layers[i]}`)
    })
    expect(screen.getByTestId('timeline-key').getAttribute('aria-label')).toBe('Bar colors')
  })
})
