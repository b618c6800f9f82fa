// The pacer on the real clock: never early, abortable, several waiters in order, and it counts
// its own work. (How precise it is, and what it costs, is measured by `make bench`, not here.)
import { describe, expect, it } from 'vitest'
import { systemClock } from '../../../core/clock.js'
import { pacerStats, waitUntil } from '../../../load/schedules/pacer.js'
import { createTicker } from '../../../load/schedules/ticker.js'

describe('waitUntil on the system clock', () => {
  it('never returns before the due time, and counts its waits and wake-ups', async () => {
    const before = pacerStats()
    const signal = new AbortController().signal
    const start = performance.now()
    for (let index = 1; index <= 20; index++) {
      const due = start + index * 3
      await waitUntil(systemClock, due, signal)
      expect(performance.now()).toBeGreaterThanOrEqual(due)
    }
    const after = pacerStats()
    // A wait whose due time had already passed (a busy machine) returns at once, uncounted.
    expect(after.waits - before.waits).toBeGreaterThan(0)
    expect(after.waits - before.waits).toBeLessThanOrEqual(20)
    expect(after.wakeups - before.wakeups).toBeGreaterThan(0)
  })

  it('returns at once when aborted', async () => {
    const controller = new AbortController()
    const waiting = waitUntil(systemClock, performance.now() + 60_000, controller.signal)
    setTimeout(() => controller.abort(), 20)
    const start = performance.now()
    await waiting
    expect(performance.now() - start).toBeLessThan(5_000)
  })
})

describe('createTicker', () => {
  it('wakes several waiters in due order, whatever order they came in', async () => {
    const ticker = createTicker()
    const signal = new AbortController().signal
    const woke: number[] = []
    const start = performance.now()
    await Promise.all([30, 10, 20].map((offset) => ticker.wake(start + offset, signal).then(() => woke.push(offset))))
    ticker.close()
    expect(woke).toEqual([10, 20, 30])
  })
})
