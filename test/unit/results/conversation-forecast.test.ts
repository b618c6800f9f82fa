// The forecast's conversation part: spend per chain, by turn, and the monthly spend at the run's cache saving.
import { describe, expect, it } from 'vitest'
import { conversationForecast } from '../../../results/conversations/forecast.js'
import type { Summary } from '../../../results/summary.js'

describe('conversationForecast', () => {
  it('weights calls per chain by chains and applies the saving share to each month', () => {
    const chain = (count: number, turns: number, spend: number) => ({ count, completed: count, ended_early: 0, turns_sent_mean: turns, spend_usd: spend, spend_per_chain_usd: spend / count, duration_ms: { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null } })
    const summary = {
      conversations: { conversations: chain(3, 4, 0.03), agent_tasks: chain(1, 2, 0.01), by_turn: [] },
      caching: { input_tokens: 100, cached_input_tokens: 50, cache_write_tokens: 0, cached_share: 0.5, spend_usd: 0.75, uncached_spend_usd: 1, saving_usd: 0.25, saving_share: 0.25 },
    } as unknown as Partial<Summary>
    const forecast = conversationForecast(summary, { pilot: 100, enterprise: null })
    // (3 × 4 + 1 × 2) / 4 calls; (0.03 + 0.01) / 4 USD per chain; 100 × (1 − 0.25).
    expect(forecast).toMatchObject({ turnsPerChain: 3.5, spendPerChainUsd: 0.01, cacheSavingShare: 0.25, perMonthWithCacheUsd: { pilot: 75, enterprise: null } })
    expect(conversationForecast({}, { pilot: 1 })).toBeUndefined()
  })
})
