// Per-key token buckets: budgets, refusals with Retry-After, refill, and the vendors' headers.
import { describe, expect, it } from 'vitest'
import { createRateLimiter, formatResetDuration } from '../../../adapters/mock/rate-limit.js'

describe('mock rate limiter', () => {
  it('allows the per-minute request budget, then refuses with the time to the next request', () => {
    let now = 0
    const limiter = createRateLimiter({ requestsPerMinute: 3 }, () => now, () => 0)
    const remaining = [1, 2, 3].map(() => limiter.take('k', 10))
    expect(remaining.map((decision) => decision.allowed)).toEqual([true, true, true])
    expect(remaining.map((decision) => decision.headers['x-ratelimit-remaining-requests'])).toEqual(['2', '1', '0'])
    expect(remaining[0]?.headers['x-ratelimit-limit-requests']).toBe('3')
    const refused = limiter.take('k', 10)
    expect(refused).toMatchObject({ allowed: false, exceeded: 'requests', retryAfterMs: 20_000 })
    expect(refused.headers['x-ratelimit-reset-requests']).toBe('1m0s')
    // another key has its own budget
    expect(limiter.take('other', 10).allowed).toBe(true)
    // one request refills every 20 s
    now = 20_000
    expect(limiter.take('k', 10).allowed).toBe(true)
    expect(limiter.take('k', 10).allowed).toBe(false)
  })

  it('charges tokens and refuses a request that does not fit, without charging it', () => {
    let now = 0
    const limiter = createRateLimiter({ tokensPerMinute: 1000 }, () => now, () => 0)
    expect(limiter.take('k', 600).allowed).toBe(true)
    const refused = limiter.take('k', 600)
    expect(refused).toMatchObject({ allowed: false, exceeded: 'tokens' })
    expect(refused.retryAfterMs).toBeCloseTo(12_000, 6) // 200 missing tokens at 1000/min
    expect(refused.headers['x-ratelimit-remaining-tokens']).toBe('400')
    expect(refused.anthropicHeaders['anthropic-ratelimit-tokens-remaining']).toBe('400')
    expect(limiter.take('k', 400).allowed).toBe(true)
    now = 60_000
    expect(limiter.take('k', 1000).allowed).toBe(true)
    expect(limiter.take('k', 5000)).toMatchObject({ allowed: false, retryAfterMs: 60_000 })
  })

  it('formats resets like OpenAI and Anthropic', () => {
    expect(formatResetDuration(0)).toBe('0s')
    expect(formatResetDuration(120)).toBe('120ms')
    expect(formatResetDuration(1500)).toBe('1.5s')
    expect(formatResetDuration(360_000)).toBe('6m0s')
    expect(formatResetDuration(3_723_000)).toBe('1h2m3s')
    const limiter = createRateLimiter({ requestsPerMinute: 60 }, () => 0, () => Date.UTC(2025, 0, 1))
    const decision = limiter.take('k', 0)
    expect(decision.anthropicHeaders['anthropic-ratelimit-requests-reset']).toBe('2025-01-01T00:00:01.000Z')
    expect(decision.headers['x-ratelimit-reset-requests']).toBe('1s')
  })
})
