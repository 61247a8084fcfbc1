// Hands the stores and the live sync to components. Hooks select narrowly: a component names the
// fields it reads and re-renders only when those change.
import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { ApiClient } from '../../../shared/api'
import type { AppActions, AppState, AppStore } from './app-store'
import type { LiveSync } from './live-sync'
import type { TrafficActions, TrafficState, TrafficStore } from './traffic-store'

export interface Stores {
  api: ApiClient
  traffic: TrafficStore
  app: AppStore
  sync: LiveSync
}

const StoresContext = createContext<Stores | null>(null)

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>
}

export function useStores(): Stores {
  const stores = useContext(StoresContext)
  if (!stores) throw new Error('StoresProvider is missing')
  return stores
}

export function useTraffic<T>(selector: (state: TrafficState & TrafficActions) => T): T {
  return useStore(useStores().traffic, selector)
}

export function useApp<T>(selector: (state: AppState & AppActions) => T): T {
  return useStore(useStores().app, selector)
}
