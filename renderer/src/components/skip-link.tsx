// The page's first Tab stop, shown only while it has the focus: "Skip to requests" passes over the
// header and every endpoint's buttons to the live list (in another view, to that view).
import type { MouseEvent } from 'react'
import { focusViewHome, TRAFFIC_LIST_ID } from '../keyboard/focus-home'
import { useApp } from '../state/context'
import type { MainView } from '../state/app-store'

const TARGETS: Record<MainView, string> = {
  traffic: 'Skip to requests',
  composer: 'Skip to the Composer',
  collections: 'Skip to collections',
  settings: 'Skip to settings',
}

export function SkipLink() {
  const view = useApp((s) => s.view)
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    // The page's address keeps its fragment (where the web UI's token arrives): the focus moves itself.
    event.preventDefault()
    focusViewHome()
  }
  return (
    <a className="skip-link" href={`#${TRAFFIC_LIST_ID}`} data-testid="skip-link" onClick={skip}>
      {TARGETS[view]}
    </a>
  )
}
