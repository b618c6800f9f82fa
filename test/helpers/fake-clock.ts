// A virtual clock for schedule arithmetic: sleep() advances time at once, and every reading
// moves it on by a hair (0.05 ms) so that pacing loops which yield until a due time finish.
import type { Clock } from '../../core/clock.js'

export function createFakeClock(startMs = 1_000): Clock & { advance(ms: number): void } {
  let now = startMs
  return {
    now: () => (now += 0.05),
    wallNow: () => 1_700_000_000_000 + now,
    advance(ms) {
      now += ms
    },
    async sleep(ms, signal) {
      if (signal?.aborted === true) throw new Error('aborted')
      now += Math.max(0, ms)
      await Promise.resolve()
    },
  }
}
