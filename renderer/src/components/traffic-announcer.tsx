// Tells assistive technology that requests arrived, without flooding it: a polite live region that
// speaks at once after a quiet spell ("New request: POST /webhooks/stripe"), then at most once per
// interval, summing up what came meanwhile ("212 new requests"), however fast requests arrive. Only
// requests new to the list count: a search, a filter or a reload that lists other rows says nothing.
// The text is set outside React, as the list's rows are, so a live batch costs no render. Turned off
// in Settings (`ui.announceRequests`), it says nothing, then or later, of what arrives meanwhile.
import { useEffect, useRef } from 'react'
import { useStores } from '../state/context'
import { displayText } from '../text/visible-text'

/** The shortest time between two announcements. */
export const ANNOUNCE_INTERVAL_MS = 5000

export function TrafficAnnouncer({ intervalMs = ANNOUNCE_INTERVAL_MS }: { intervalMs?: number }) {
  const { traffic, app } = useStores()
  const region = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const initial = traffic.getState()
    // The newest id the list has held; a listed id above it is a request that just arrived.
    let highWater = initial.ids[0] ?? ''
    let pending = 0
    let latest: string | null = null
    let lastSpoken = -Infinity
    let timer: ReturnType<typeof setTimeout> | null = null
    // On until the settings say otherwise (they are read at start, with the first list).
    const on = () => app.getState().settings?.ui.announceRequests !== false
    const speak = () => {
      timer = null
      if (!on()) pending = 0
      if (pending === 0 || !region.current) return
      const capture = pending === 1 && latest !== null ? traffic.getState().byId[latest] : undefined
      region.current.textContent = capture
        ? `New request: ${displayText(capture.method)} ${displayText(capture.target)}`
        : `${pending.toLocaleString('en-US')} new ${pending === 1 ? 'request' : 'requests'}`
      pending = 0
      latest = null
      lastSpoken = Date.now()
    }
    const off = traffic.subscribe((s, previous) => {
      const top = s.ids[0]
      // Another list (a search, a filter, a reload, the first read): its rows are not news.
      const quiet = s.generation !== previous.generation || !s.loaded || s.reloading || !previous.loaded || previous.reloading
      if (top === undefined || top <= highWater) return
      if (!quiet && on()) {
        let arrived = 0
        for (const id of s.ids) {
          if (id <= highWater) break
          arrived++
        }
        pending += arrived
        latest = top
      }
      highWater = top
      if (pending === 0 || timer !== null) return
      timer = setTimeout(speak, Math.max(0, lastSpoken + intervalMs - Date.now()))
    })
    return () => {
      off()
      if (timer !== null) clearTimeout(timer)
    }
  }, [traffic, app, intervalMs])
  return <div ref={region} className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="traffic-announcer" />
}
