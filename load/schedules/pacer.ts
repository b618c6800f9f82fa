// Precise sends without spinning: the real clock sleeps on a precise ticker (a worker thread's
// timed wait) until just before the due time, then yields with setImmediate for the last
// fraction of a millisecond, so sends land within microseconds of their schedule while I/O keeps
// flowing and the client burns no core between sends. A clock other than the system's (tests)
// sleeps on its own timers instead.
import { systemClock, type Clock } from '../../core/clock.js'
import { createTicker, type Ticker } from './ticker.js'

/**
 * The ticker's message reaches the main loop some 0.05–0.2 ms after its target, so it aims that
 * far early and the rest is yielded. The window follows the delivery delay it sees (a moving
 * average plus a margin), between these bounds.
 */
const MIN_YIELD_WINDOW_MS = 0.05
const MAX_YIELD_WINDOW_MS = 1
const YIELD_MARGIN_MS = 0.03
let yieldWindowMs = 0.3
/** Node timers fire up to ~1–2 ms early or late: with another clock, the last stretch is yielded. */
const TIMER_YIELD_WINDOW_MS = 2

/** What pacing cost the client: wake-ups, and time spent yielding in the last stretch. */
export interface PacerStats {
  wakeups: number
  /** Wall time spent in the yield loop (the busy part; the ticker's sleep costs no CPU). */
  yieldMs: number
  waits: number
}

let ticker: Ticker | undefined
let tickerFailed = false
const stats: PacerStats = { wakeups: 0, yieldMs: 0, waits: 0 }

/** Totals since the process started (a run reports the difference). */
export function pacerStats(): PacerStats {
  return { ...stats, wakeups: ticker?.wakeups ?? 0 }
}

function sharedTicker(): Ticker | undefined {
  if (ticker === undefined && !tickerFailed) {
    try {
      ticker = createTicker()
    } catch {
      // No worker threads here: timers and the yield loop still pace, less precisely.
      tickerFailed = true
    }
  }
  return ticker
}

/** Starts the precise ticker and waits until its thread runs: call before a run's clock starts. */
export async function preparePacer(clock: Clock): Promise<void> {
  if (clock !== systemClock) return
  await sharedTicker()?.ready
}

export async function waitUntil(clock: Clock, dueMs: number, signal: AbortSignal): Promise<void> {
  let remaining = dueMs - clock.now()
  if (remaining <= 0) return
  stats.waits++
  const precise = clock === systemClock ? sharedTicker() : undefined
  if (precise !== undefined) {
    if (remaining > yieldWindowMs) {
      const targetMs = dueMs - yieldWindowMs
      await precise.wake(targetMs, signal)
      const deliveryMs = clock.now() - targetMs
      // Only ordinary deliveries tune the window; a loop that was busy elsewhere says nothing.
      if (deliveryMs >= 0 && deliveryMs < MAX_YIELD_WINDOW_MS) {
        const wanted = Math.min(MAX_YIELD_WINDOW_MS, Math.max(MIN_YIELD_WINDOW_MS, deliveryMs + YIELD_MARGIN_MS))
        yieldWindowMs += (wanted - yieldWindowMs) * 0.1
      }
    }
  } else if (remaining > TIMER_YIELD_WINDOW_MS + 1) {
    try {
      await clock.sleep(remaining - TIMER_YIELD_WINDOW_MS, signal)
    } catch {
      // Aborted: the caller checks the signal and stops.
      return
    }
  }
  remaining = dueMs - clock.now()
  if (remaining <= 0 || signal.aborted) return
  const yieldStart = performance.now()
  await yieldUntil(clock, dueMs, signal)
  stats.yieldMs += performance.now() - yieldStart
}

/**
 * setImmediate until `dueMs`, so I/O callbacks run between checks: one promise for the whole
 * stretch rather than one per turn of the loop (the promise form of setImmediate made the yield
 * loop a sixth of all the client's allocation at 1,000 req/s, and with it GC pauses in the tail).
 */
function yieldUntil(clock: Clock, dueMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (dueMs - clock.now() <= 0 || signal.aborted) resolve()
      else setImmediate(check)
    }
    setImmediate(check)
  })
}
