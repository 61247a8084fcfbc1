// Requests per second over the last minutes as stacked bars, one color per status class, named in a
// key beside the colors. Redrawn at most a few times a second, whatever the traffic.
import { useEffect, useState } from 'react'
import { useStores } from '../state/context'
import { TIMELINE_SECONDS, type TimelineSnapshot } from '../state/timeline-counter'

const HEIGHT = 48
const REDRAW_MS = 500
// Bucket index → class name; 1xx is drawn with 2xx. A request still waiting for its answer is drawn
// with those that got none, until its answer moves it (hence "yet").
const LAYERS: Array<{ name: string; indices: number[]; label: string }> = [
  { name: '2xx', indices: [1, 2], label: '2xx' },
  { name: '3xx', indices: [3], label: '3xx' },
  { name: '4xx', indices: [4], label: '4xx' },
  { name: '5xx', indices: [5], label: '5xx' },
  { name: 'none', indices: [0], label: 'no response (yet)' },
]

function layerPaths(snapshot: TimelineSnapshot): Record<string, string> {
  const scale = snapshot.peak > 0 ? HEIGHT / snapshot.peak : 0
  const paths: Record<string, string> = {}
  for (const layer of LAYERS) paths[layer.name] = ''
  snapshot.buckets.forEach((bucket, x) => {
    let base = HEIGHT
    for (const layer of LAYERS) {
      const count = layer.indices.reduce((sum, i) => sum + bucket[i]!, 0)
      if (count <= 0) continue
      const h = count * scale
      base -= h
      paths[layer.name] += `M${x} ${base.toFixed(2)}h0.85v${h.toFixed(2)}h-0.85z`
    }
  })
  return paths
}

export function TrafficTimeline() {
  const { sync } = useStores()
  const [snapshot, setSnapshot] = useState(() => sync.timeline.snapshot(Date.now()))
  useEffect(() => {
    let dirty = false
    const off = sync.timeline.subscribe(() => {
      dirty = true
    })
    const timer = setInterval(() => {
      const now = Date.now()
      if (dirty || Math.floor(now / 1000) !== snapshot.endSecond) {
        dirty = false
        setSnapshot(sync.timeline.snapshot(now))
      }
    }, REDRAW_MS)
    return () => {
      off()
      clearInterval(timer)
    }
  }, [sync, snapshot.endSecond])
  const paths = layerPaths(snapshot)
  const current = snapshot.buckets[snapshot.buckets.length - 2]?.reduce((a, b) => a + b, 0) ?? 0
  return (
    <div className="timeline" data-testid="timeline">
      <svg viewBox={`0 0 ${TIMELINE_SECONDS} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`Requests per second over the last ${TIMELINE_SECONDS / 60} minutes`}>
        <line x1="0" x2={TIMELINE_SECONDS} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="timeline-axis" />
        {LAYERS.map((layer) => (
          <path key={layer.name} d={paths[layer.name]} className={`timeline-${layer.name}`} data-testid={`timeline-${layer.name}`} />
        ))}
      </svg>
      <div className="timeline-legend">
        <span>{TIMELINE_SECONDS / 60} min</span>
        <ul className="timeline-key" aria-label="Bar colors" data-testid="timeline-key">
          {LAYERS.map((layer) => (
            <li key={layer.name} data-testid="timeline-key-item">
              <span className={`timeline-swatch timeline-swatch-${layer.name}`} aria-hidden="true" />
              {layer.label}
            </li>
          ))}
        </ul>
        <span data-testid="timeline-peak">peak {snapshot.peak}/s</span>
        <span>now {current}/s</span>
      </div>
    </div>
  )
}
