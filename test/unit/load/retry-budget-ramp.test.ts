import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import { createBudget } from '../../../load/budget.js'
import { parseRetries, retryDelayMs, SDK_RETRIES } from '../../../load/retry.js'
import { createRampClock } from '../../../load/schedules/ramping.js'

describe('retries', () => {
  const random = createRandom(1)
  it('does not retry when off or not retryable', () => {
    expect(retryDelayMs(parseRetries('off') ?? SDK_RETRIES, { retriesSoFar: 0, retryable: true }, random)).toBeUndefined()
    expect(retryDelayMs(SDK_RETRIES, { retriesSoFar: 0, retryable: false }, random)).toBeUndefined()
  })
  it('honours Retry-After and x-should-retry', () => {
    expect(retryDelayMs(SDK_RETRIES, { retriesSoFar: 0, retryable: true, retryAfterMs: 1234 }, random)).toBe(1234)
    expect(retryDelayMs(SDK_RETRIES, { retriesSoFar: 0, retryable: false, shouldRetry: true, retryAfterMs: 10 }, random)).toBe(10)
    expect(retryDelayMs(SDK_RETRIES, { retriesSoFar: 0, retryable: true, shouldRetry: false }, random)).toBeUndefined()
  })
  it('backs off exponentially with up to 25 % jitter, and stops after 2 retries', () => {
    const first = retryDelayMs(SDK_RETRIES, { retriesSoFar: 0, retryable: true }, random) as number
    const second = retryDelayMs(SDK_RETRIES, { retriesSoFar: 1, retryable: true }, random) as number
    expect(first).toBeGreaterThanOrEqual(375)
    expect(first).toBeLessThanOrEqual(500)
    expect(second).toBeGreaterThanOrEqual(750)
    expect(second).toBeLessThanOrEqual(1000)
    expect(retryDelayMs(SDK_RETRIES, { retriesSoFar: 2, retryable: true }, random)).toBeUndefined()
  })
  it('ignores a Retry-After longer than 60 s (falls back to backoff)', () => {
    const delay = retryDelayMs(SDK_RETRIES, { retriesSoFar: 0, retryable: true, retryAfterMs: 3_600_000 }, random) as number
    expect(delay).toBeLessThanOrEqual(500)
  })
})

describe('budget', () => {
  it('reserves the worst case of in-flight requests and stops for good at the cap', () => {
    const budget = createBudget(1)
    expect(budget.tryReserve(0.4)).toBe(true)
    expect(budget.tryReserve(0.4)).toBe(true)
    expect(budget.tryReserve(0.4)).toBe(false) // 0.8 reserved + 0.4 > 1
    expect(budget.stopped).toBe(true)
    budget.settle(0.4, 0.1)
    expect(budget.tryReserve(0.01)).toBe(false) // stopped stays stopped
    expect(budget.spentUsd).toBeCloseTo(0.1)
  })
  it('never stops without a cap', () => {
    const budget = createBudget(undefined)
    for (let i = 0; i < 100; i++) expect(budget.tryReserve(1e6)).toBe(true)
  })
})

describe('ramping arrivals', () => {
  it('sends the integral of the rate: a constant 10/s stage of 2 s gives 20 arrivals', () => {
    const at = createRampClock(10, [{ durationMs: 2_000, targetRatePerSecond: 10 }])
    const times: number[] = []
    for (let k = 0; ; k++) {
      const t = at(k)
      if (t === undefined) break
      times.push(t)
    }
    expect(times).toHaveLength(20)
    expect(times[0]).toBeCloseTo(50)
    expect(times[1] as number - (times[0] as number)).toBeCloseTo(100)
  })
  it('ramps linearly from 0 to 20/s over 2 s: 20 arrivals, denser at the end', () => {
    const at = createRampClock(0, [{ durationMs: 2_000, targetRatePerSecond: 20 }])
    const times: number[] = []
    for (let k = 0; ; k++) {
      const t = at(k)
      if (t === undefined) break
      times.push(t)
    }
    expect(times).toHaveLength(20)
    const firstHalf = times.filter((t) => t < 1_000).length
    expect(firstHalf).toBe(5) // ∫0..1 10t dt = 5
  })
})
