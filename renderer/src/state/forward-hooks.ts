// Hands the forward target statuses to components, selected narrowly: a target row re-renders only
// when its own status changes.
import { useStore } from 'zustand'
import type { ForwardActions, ForwardState } from './forward-store'
import { useStores } from './context'

export function useForward<T>(selector: (state: ForwardState & ForwardActions) => T): T {
  return useStore(useStores().sync.forward, selector)
}
