// The page-wide key handler: maps a key to its shortcut action and runs it against the stores.
import { useEffect } from 'react'
import { flushSync } from 'react-dom'
import { copyAsCurl } from '../export/copy-actions'
import type { Stores } from '../state/context'
import { actionForKey, isTypingTarget, type ShortcutAction } from './shortcuts'
import { SEARCH_INPUT_ID } from '../components/traffic-toolbar'
import { focusTrafficList } from '../components/traffic-list'
import { workbenchOf } from '../workbench/commands'
import { REMOVED_CAPTURE_REASON } from '../components/workbench/capture-actions'
import { errorMessage } from '../../../shared/errors'

function activatesOnEnter(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest('button, a[href], summary, [role="button"], [role="tab"]') !== null
}

/** The actions on the list and the open request, which only the traffic view shows: elsewhere they would change what cannot be seen. */
const TRAFFIC_ONLY: ReadonlySet<ShortcutAction> = new Set(['next', 'previous', 'first', 'last', 'open', 'next-tab', 'previous-tab'])

/** The actions that read the request from the history: refused, saying why, for an open request retention removed. */
const NEEDS_STORED: ReadonlySet<ShortcutAction> = new Set(['copy-curl', 'copy-code', 'resend', 'resend-to', 'resend-resigned', 'edit-send', 'save-collection'])

function modalOpen(): boolean {
  return document.querySelector('[role="dialog"]') !== null
}

export function runShortcut(action: ShortcutAction, stores: Stores): boolean {
  const { traffic, app, api, sync } = stores
  const t = traffic.getState()
  const a = app.getState()
  const current = t.openedId ?? t.selectedId
  if (TRAFFIC_ONLY.has(action) && a.view !== 'traffic') return false
  if (NEEDS_STORED.has(action) && current !== null && current === t.openedId && t.openedRemoved) {
    // As the detail's disabled buttons say (the copy keys act in any view, the others in the traffic view).
    if (!action.startsWith('copy-') && a.view !== 'traffic') return false
    a.showToast(`${REMOVED_CAPTURE_REASON}.`, 'error')
    return true
  }
  switch (action) {
    case 'next':
      t.moveSelection(1)
      return true
    case 'previous':
      t.moveSelection(-1)
      return true
    case 'first':
      t.selectEdge('first')
      return true
    case 'last':
      t.selectEdge('last')
      return true
    case 'open':
      if (t.selectedId === null) return false
      t.open(t.selectedId)
      return true
    case 'close':
      // A request waiting to be compared is a mode of its own: Esc leaves it before anything closes.
      if (workbenchOf(stores).unmarkCompare()) return true
      if (a.view !== 'traffic') a.setView('traffic')
      else t.open(null)
      return true
    case 'search': {
      // From another view, the traffic (and its search field) is drawn first, so that the field is there to take the focus.
      if (a.view !== 'traffic') flushSync(() => a.setView('traffic'))
      const input = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null
      input?.focus()
      input?.select()
      return true
    }
    case 'copy-curl':
      if (current === null) return false
      void copyAsCurl(api, app, traffic, current)
      return true
    case 'copy-code':
      if (current === null) return false
      a.setCodeSheetFor(current)
      return true
    case 'resend':
      if (current === null || a.view !== 'traffic') return false
      void workbenchOf(stores).resendAsIs(current)
      return true
    case 'resend-to':
      if (current === null || a.view !== 'traffic') return false
      workbenchOf(stores).store.getState().setResendPrompt({ captureId: current })
      return true
    case 'resend-resigned':
      // An endpoint that cannot re-sign is named in the toast, as the disabled button's title names it.
      if (current === null || a.view !== 'traffic') return false
      void workbenchOf(stores).resendAsIs(current, undefined, { resign: true })
      return true
    case 'edit-send':
      if (current === null || a.view !== 'traffic') return false
      void workbenchOf(stores).openCapture(current)
      return true
    case 'save-collection':
      if (current === null || a.view !== 'traffic') return false
      workbenchOf(stores).store.getState().setSavePicker({ captureId: current })
      return true
    case 'pause':
      t.setPaused(!t.paused)
      return true
    case 'clear':
      a.setConfirmingClear(true)
      return true
    case 'next-tab':
      a.stepDetailTab(1)
      return true
    case 'previous-tab':
      a.stepDetailTab(-1)
      return true
    case 'theme':
      void sync.switchTheme().catch((error: unknown) => app.getState().showToast(errorMessage(error), 'error'))
      return true
    case 'help':
      a.setHelpOpen(true)
      return true
  }
}

export function useGlobalKeys(stores: Stores): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target) || modalOpen()) return
      const action = actionForKey(event)
      if (!action) return
      if (action === 'open' && activatesOnEnter(event.target)) return
      // A key pressed with nothing focused acts on the list: the list takes the focus first, so that a
      // dialog the key opens (Resend to…, Save, Copy as code) gives the focus back to it on closing.
      if (event.target === document.body && stores.app.getState().view === 'traffic') focusTrafficList()
      if (runShortcut(action, stores)) event.preventDefault()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [stores])
}
