// The engine never reads the system clock directly: tests and hosts pass one in.
export interface Clock {
  /** Wall-clock milliseconds since the epoch (what users see). */
  now(): number
  /** Monotonic milliseconds (durations and timings; never jumps). */
  monotonic(): number
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
}
