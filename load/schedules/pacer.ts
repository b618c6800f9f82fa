// Precise pacing without one timer per request: sleep coarsely, then yield with setImmediate
// until the due time, so sends land within a fraction of a millisecond of their schedule
// while I/O keeps flowing.
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Clock } from '../../core/clock.js'

/** Coarse timers wake up to ~1–2 ms late; the last stretch is covered by yielding. */
const SPIN_WINDOW_MS = 2

export async function waitUntil(clock: Clock, dueMs: number, signal: AbortSignal): Promise<void> {
  let remaining = dueMs - clock.now()
  if (remaining > SPIN_WINDOW_MS + 1) {
    try {
      await clock.sleep(remaining - SPIN_WINDOW_MS, signal)
    } catch {
      // Aborted: the caller checks the signal and stops.
      return
    }
    remaining = dueMs - clock.now()
  }
  while (remaining > 0 && !signal.aborted) {
    await yieldToLoop()
    remaining = dueMs - clock.now()
  }
}
