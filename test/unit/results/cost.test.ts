// Spend against hand-computed fixtures per vendor convention; estimates, worst cases and workforce forecasts.
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../core/errors.js'
import { bundledPriceTable, findPrice } from '../../../adapters/pricing/index.js'
import {
  createSpendEstimator,
  estimateSpend,
  forecastSpend,
  spendUsd,
  worstCaseSpendUsd,
  type TokenPrices,
  type TokenUsage,
} from '../../../results/cost.js'

// Fixture prices, USD per million tokens, shaped like the vendors' list prices.
const gpt4oMini: TokenPrices = { inputUsdPerMTok: 0.15, cachedInputUsdPerMTok: 0.075, outputUsdPerMTok: 0.6 }
const haiku35: TokenPrices = { inputUsdPerMTok: 0.8, cachedInputUsdPerMTok: 0.08, cacheWriteUsdPerMTok: 1, outputUsdPerMTok: 4 }
const o3: TokenPrices = { inputUsdPerMTok: 2, cachedInputUsdPerMTok: 0.5, outputUsdPerMTok: 8 }
const sonnet45: TokenPrices = {
  inputUsdPerMTok: 3,
  cachedInputUsdPerMTok: 0.3,
  cacheWriteUsdPerMTok: 3.75,
  outputUsdPerMTok: 15,
  longContext: { aboveInputTokens: 200_000, inputUsdPerMTok: 6, cachedInputUsdPerMTok: 0.6, cacheWriteUsdPerMTok: 7.5, outputUsdPerMTok: 22.5 },
}
const gemini25Pro: TokenPrices = {
  inputUsdPerMTok: 1.25,
  cachedInputUsdPerMTok: 0.125,
  outputUsdPerMTok: 10,
  longContext: { aboveInputTokens: 200_000, inputUsdPerMTok: 2.5, cachedInputUsdPerMTok: 0.25, outputUsdPerMTok: 15 },
}
const deepseekChat: TokenPrices = { inputUsdPerMTok: 0.27, cachedInputUsdPerMTok: 0.07, outputUsdPerMTok: 1.1 }
const reasoningPriced: TokenPrices = { inputUsdPerMTok: 1, outputUsdPerMTok: 2, reasoningUsdPerMTok: 4 }
const noCachePrice: TokenPrices = { inputUsdPerMTok: 0.59, outputUsdPerMTok: 0.79 }

describe('spendUsd', () => {
  const cases: [label: string, usage: TokenUsage, price: TokenPrices, usd: number][] = [
    // OpenAI: prompt_tokens 10,000 of which cached_tokens 2,000; completion 500
    // (8,000 × 0.15 + 2,000 × 0.075 + 500 × 0.6) / 1e6
    ['OpenAI gpt-4o-mini with cached input', { inputTokens: 10_000, cachedInputTokens: 2_000, outputTokens: 500 }, gpt4oMini, 0.00165],
    ['OpenAI gpt-4o-mini, no cache', { inputTokens: 1_000, outputTokens: 1_000 }, gpt4oMini, 0.00075],
    // Anthropic raw: input_tokens 1,000, cache_read 3,000, cache_creation 2,000 → inputTokens 6,000
    // (1,000 × 0.8 + 3,000 × 0.08 + 2,000 × 1 + 400 × 4) / 1e6
    ['Anthropic haiku with cache reads and writes', { inputTokens: 6_000, cachedInputTokens: 3_000, cacheWriteInputTokens: 2_000, outputTokens: 400 }, haiku35, 0.00464],
    // reasoning tokens are inside completion_tokens: 1,000 × 2 + 3,000 × 8 (not + 2,500 × 8 again)
    ['OpenAI o3 reasoning, not charged twice', { inputTokens: 1_000, outputTokens: 3_000, reasoningTokens: 2_500 }, o3, 0.026],
    // a separate reasoning price: 400 × 2 + 600 × 4 output, 100 × 1 input
    ['reasoning at its own price', { inputTokens: 100, outputTokens: 1_000, reasoningTokens: 600 }, reasoningPriced, 0.0033],
    // at the threshold the base prices hold: 200,000 × 3 + 1,000 × 15
    ['Anthropic sonnet 4.5 at 200k input', { inputTokens: 200_000, outputTokens: 1_000 }, sonnet45, 0.615],
    // past it the whole request bills at the tier: 250,000 × 6 + 1,000 × 22.5
    ['Anthropic sonnet 4.5 past 200k input', { inputTokens: 250_000, outputTokens: 1_000 }, sonnet45, 1.5225],
    // 200,000 × 2.5 + 100,000 × 0.25 + 2,000 × 15
    ['Gemini 2.5 pro long context with cache', { inputTokens: 300_000, cachedInputTokens: 100_000, outputTokens: 2_000 }, gemini25Pro, 0.555],
    // 600,000 × 0.27 + 400,000 × 0.07 + 1,000,000 × 1.1
    ['DeepSeek chat with cache hits', { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 1_000_000 }, deepseekChat, 1.29],
    // no cache price: cached tokens bill as plain input
    ['host without a cache price', { inputTokens: 1_000, cachedInputTokens: 500, outputTokens: 100 }, noCachePrice, 0.000669],
    // cached never exceeds input: clamped
    ['cached larger than input is clamped', { inputTokens: 100, cachedInputTokens: 500, outputTokens: 0 }, gpt4oMini, 0.0000075],
    ['only input known (abandoned before the first token)', { inputTokens: 2_000 }, gpt4oMini, 0.0003],
    ['only output known', { outputTokens: 2_000 }, gpt4oMini, 0.0012],
    ['zero tokens', { inputTokens: 0, outputTokens: 0 }, gpt4oMini, 0],
  ]
  it.each(cases)('%s', (_label, usage, price, usd) => {
    expect(spendUsd(usage, price)).toBeCloseTo(usd, 12)
  })

  it('uses the bundled table the same way', () => {
    const price = findPrice(bundledPriceTable(), 'gpt-4o-mini-2024-07-18')
    expect(spendUsd({ inputTokens: 10_000, cachedInputTokens: 2_000, outputTokens: 500 }, price)).toBeCloseTo(0.00165, 12)
  })

  it('is null, never 0, for an unknown model or unknown tokens', () => {
    const table = bundledPriceTable()
    expect(spendUsd({ inputTokens: 1_000, outputTokens: 100 }, findPrice(table, 'my-private-model'))).toBeNull()
    expect(spendUsd({ inputTokens: 1_000, outputTokens: 100 }, undefined)).toBeNull()
    expect(spendUsd({}, gpt4oMini)).toBeNull()
    expect(spendUsd({ cachedInputTokens: 10 }, gpt4oMini)).toBeNull()
  })

  it('refuses impossible counts', () => {
    expect(() => spendUsd({ inputTokens: -1, outputTokens: 1 }, gpt4oMini)).toThrow(RangeError)
    expect(() => spendUsd({ inputTokens: Number.NaN, outputTokens: 1 }, gpt4oMini)).toThrow(RangeError)
  })
})

describe('worstCaseSpendUsd', () => {
  it('charges all input uncached and the max output', () => {
    // 1,000 × 0.15 + 4,096 × 0.6
    expect(worstCaseSpendUsd({ inputTokens: 1_000, maxOutputTokens: 4_096 }, gpt4oMini)).toBeCloseTo(0.0026076, 12)
  })
  it('takes the dearer of output and reasoning prices, and the long-context tier', () => {
    // 100 × 1 + 1,000 × 4
    expect(worstCaseSpendUsd({ inputTokens: 100, maxOutputTokens: 1_000 }, reasoningPriced)).toBeCloseTo(0.0041, 12)
    // 250,000 × 6 + 1,000 × 22.5
    expect(worstCaseSpendUsd({ inputTokens: 250_000, maxOutputTokens: 1_000 }, sonnet45)).toBeCloseTo(1.5225, 12)
  })
  it('is null when unpriced', () => {
    expect(worstCaseSpendUsd({ inputTokens: 1, maxOutputTokens: 1 }, undefined)).toBeNull()
  })
  it('is never below the spend of a request that stays within its max output', () => {
    const usage = { inputTokens: 5_000, cachedInputTokens: 4_000, outputTokens: 700, reasoningTokens: 300 }
    for (const price of [gpt4oMini, haiku35, o3, sonnet45, reasoningPriced]) {
      expect(worstCaseSpendUsd({ inputTokens: 5_000, maxOutputTokens: 700 }, price)).toBeGreaterThanOrEqual(spendUsd(usage, price) as number)
    }
  })
})

describe('estimateSpend', () => {
  const requests = [
    { inputTokens: 1_000, targetOutputTokens: 200, maxOutputTokens: 1_000 },
    { inputTokens: 2_000, targetOutputTokens: 300, maxOutputTokens: 1_000 },
    { inputTokens: 500, maxOutputTokens: 1_000 },
  ]
  it('sums input and target output tokens (max output without a target)', () => {
    const estimate = estimateSpend(requests, gpt4oMini)
    expect(estimate).toMatchObject({ requests: 3, inputTokens: 3_500, outputTokens: 1_500, requestsWithoutTarget: 1 })
    // 3,500 × 0.15 + 1,500 × 0.6
    expect(estimate.usd).toBeCloseTo(0.001425, 12)
    // 3,500 × 0.15 + 3,000 × 0.6
    expect(estimate.worstCaseUsd).toBeCloseTo(0.002325, 12)
  })
  it('applies the long-context tier request by request, not to the totals', () => {
    const estimate = estimateSpend(
      [
        { inputTokens: 150_000, targetOutputTokens: 0, maxOutputTokens: 0 },
        { inputTokens: 150_000, targetOutputTokens: 0, maxOutputTokens: 0 },
      ],
      sonnet45,
    )
    expect(estimate.usd).toBeCloseTo(0.9, 12) // 300,000 × 3, not × 6
  })
  it('is unknown for an unpriced model but still counts tokens', () => {
    expect(estimateSpend(requests, undefined)).toMatchObject({ inputTokens: 3_500, usd: null, worstCaseUsd: null })
  })
  it('streams through createSpendEstimator with the same result', () => {
    const estimator = createSpendEstimator(gpt4oMini)
    for (const request of requests) estimator.add(request)
    expect(estimator.result()).toEqual(estimateSpend(requests, gpt4oMini))
    expect(createSpendEstimator(gpt4oMini).result()).toMatchObject({ requests: 0, usd: 0 })
  })
})

describe('forecastSpend', () => {
  it('projects a per-request cost to day, month and year', () => {
    const forecast = forecastSpend({ perRequestUsd: 0.002, employees: 10_000, adoption: 0.5, queriesPerDay: 30, workingDaysPerMonth: 21 })
    expect(forecast).toMatchObject({ activeUsers: 5_000, requestsPerDay: 150_000, requestsPerMonth: 3_150_000, requestsPerYear: 37_800_000 })
    expect(forecast.perDayUsd).toBeCloseTo(300, 9)
    expect(forecast.perMonthUsd).toBeCloseTo(6_300, 9)
    expect(forecast.perYearUsd).toBeCloseTo(75_600, 9)
  })

  it('weights a task mix by normalised shares', () => {
    const forecast = forecastSpend({
      tasks: [
        { name: 'chat', share: 3, inputTokens: 1_000, outputTokens: 200 },
        { name: 'summarise', share: 1, inputTokens: 4_000, outputTokens: 1_000 },
      ],
      price: gpt4oMini,
      employees: 10_000,
      adoption: 0.5,
      queriesPerDay: 30,
    })
    // chat 1,000 × 0.15 + 200 × 0.6 = 270 µ$; summarise 4,000 × 0.15 + 1,000 × 0.6 = 1,200 µ$
    expect(forecast.perTask.map((task) => task.share)).toEqual([0.75, 0.25])
    expect(forecast.perTask[0]?.perRequestUsd).toBeCloseTo(0.00027, 12)
    expect(forecast.perTask[1]?.perRequestUsd).toBeCloseTo(0.0012, 12)
    expect(forecast.perRequestUsd).toBeCloseTo(0.0005025, 12)
    expect(forecast.perDayUsd).toBeCloseTo(75.375, 9)
    expect(forecast.perMonthUsd).toBeCloseTo(75.375 * 21, 9) // 21 working days by default
    const taskDays = forecast.perTask.reduce((sum, task) => sum + (task.perDayUsd as number), 0)
    expect(taskDays).toBeCloseTo(forecast.perDayUsd as number, 9)
  })

  it('stays unknown without a price', () => {
    const forecast = forecastSpend({ tasks: [{ name: 'chat', share: 1, inputTokens: 1, outputTokens: 1 }], employees: 10, adoption: 1, queriesPerDay: 1 })
    expect(forecast).toMatchObject({ perRequestUsd: null, perDayUsd: null, perMonthUsd: null, perYearUsd: null, requestsPerDay: 10 })
    expect(forecastSpend({ perRequestUsd: null, employees: 1, adoption: 1, queriesPerDay: 1 }).perYearUsd).toBeNull()
  })

  const bad: [string, Parameters<typeof forecastSpend>[0], RegExp][] = [
    ['adoption above 1', { perRequestUsd: 1, employees: 10, adoption: 1.5, queriesPerDay: 1 }, /adoption: expected a number between 0 and 1, got 1\.5/],
    ['negative employees', { perRequestUsd: 1, employees: -5, adoption: 1, queriesPerDay: 1 }, /employees: expected a number >= 0, got -5/],
    ['NaN queries', { perRequestUsd: 1, employees: 1, adoption: 1, queriesPerDay: Number.NaN }, /queriesPerDay/],
    ['both cost inputs', { perRequestUsd: 1, tasks: [{ name: 'a', share: 1, inputTokens: 1, outputTokens: 1 }], employees: 1, adoption: 1, queriesPerDay: 1 }, /both perRequestUsd and tasks/],
    ['shares summing to 0', { tasks: [{ name: 'a', share: 0, inputTokens: 1, outputTokens: 1 }], employees: 1, adoption: 1, queriesPerDay: 1 }, /shares sum to 0/],
    ['a negative task token count', { tasks: [{ name: 'a', share: 1, inputTokens: -1, outputTokens: 1 }], employees: 1, adoption: 1, queriesPerDay: 1 }, /tasks\[0\]\.inputTokens/],
  ]
  it.each(bad)('refuses %s with CONFIG_INVALID', (_label, options, pattern) => {
    let caught: unknown
    try {
      forecastSpend(options)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UserError)
    expect((caught as UserError).code).toBe('CONFIG_INVALID')
    expect((caught as UserError).message).toMatch(pattern)
    expect((caught as UserError).message).toContain('fix:')
  })
})
