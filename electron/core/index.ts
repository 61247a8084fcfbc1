// The engine's public surface for hosts and tests.
export { Engine, type EngineOptions, INLINE_BODY_LIMIT } from './engine'
export { systemClock, type Clock } from './clock'
export type { EngineEvents } from './events'
