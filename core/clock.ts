// Monotonic clock, injectable so tests can drive schedule arithmetic without real time.
import { setTimeout as sleepTimer } from 'node:timers/promises'

export interface Clock {
  /** Monotonic milliseconds (fractional) since an arbitrary origin. */
  now(): number
  /** Wall-clock epoch milliseconds, for labelling only; never for measuring. */
  wallNow(): number
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) return
    await sleepTimer(ms, undefined, signal === undefined ? undefined : { signal })
  },
}
