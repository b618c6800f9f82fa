// The summary's figures against hand-computed ground truth from a handful of known samples.
import { describe, expect, it } from 'vitest'
import { createAggregator } from '../../../results/aggregate.js'
import { collectTargetData } from '../../../results/compare/index.js'
import type { Sample } from '../../../results/types.js'

const INFO = {
  runId: 'r',
  name: 'n',
  partial: false,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:02.000Z',
  durationMs: 2_000,
  plannedDurationMs: 2_000,
  target: { label: 't', adapter: 'a', model: 'm', baseUrl: 'http://127.0.0.1', pricedAs: 'm' },
  traffic: { source: 's', requests: 7, seed: 1, segment: null },
}

function sample(overrides: Partial<Sample> & Pick<Sample, 'requestId' | 'outcome' | 'scheduledAtMs'>): Sample {
  return { attempt: 1, userId: 'u', task: 'chat', ...overrides }
}

const sent = (scheduledAtMs: number, lagMs: number) => ({ scheduledAtMs, sentAtMs: scheduledAtMs + lagMs, scheduleLagMs: lagMs })

const SAMPLES: Sample[] = [
  sample({ requestId: 'A', outcome: 'ok', userId: 'u1', ...sent(0, 1), ttftMs: 100, e2eMs: 1_000, inputTokens: 10, outputTokens: 20, spendUsd: 0.001 }),
  sample({ requestId: 'B', outcome: 'ok', userId: 'u2', ...sent(100, 2), ttftMs: 3_000, e2eMs: 5_000, inputTokens: 10, outputTokens: 20, spendUsd: 0.002 }),
  sample({ requestId: 'C', outcome: 'http', status: 429, willRetry: true, task: 'write-email', userId: 'u3', ...sent(1_500, 3) }),
  sample({ requestId: 'C', attempt: 2, outcome: 'ok', task: 'write-email', userId: 'u3', scheduledAtMs: 1_500, sentAtMs: 1_600, ttftMs: 200, e2eMs: 800, inputTokens: 10, outputTokens: 20, spendUsd: 0.003 }),
  sample({ requestId: 'D', outcome: 'abandoned', task: 'summarize', userId: 'u4', ...sent(1_200, 4), inputTokens: 10, outputTokens: 5, tokensEstimated: true, spendUsd: 0.0005, tags: ['malformed:typos'], handling: 'abandoned' }),
  sample({ requestId: 'E', outcome: 'dropped', task: 'summarize', userId: 'u5', scheduledAtMs: 1_300 }),
  sample({ requestId: 'F', outcome: 'reset', errorCode: 'ADAPTER_RESET', task: 'summarize', userId: 'u6', ...sent(200, 5), tags: ['malformed:typos'], handling: 'reset' }),
  sample({ requestId: 'G', outcome: 'lost-demand', task: 'summarize', userId: 'u7', scheduledAtMs: 1_400 }),
]

describe('aggregate', () => {
  const aggregator = createAggregator({ bucketMs: 1_000, slo: { ttft_ms: 2_000, e2e_ms: 10_000 } })
  for (const s of SAMPLES) aggregator.add(s)
  const summary = aggregator.finish({ ...INFO, usersQuit: 1 })

  it('counts logical requests by their final attempt, and attempts apart', () => {
    expect(summary.requests).toEqual({
      scheduled: 7,
      sent: 5,
      attempts: 6,
      completed: 3,
      byOutcome: { ok: 3, abandoned: 1, dropped: 1, reset: 1, 'lost-demand': 1 },
    })
    expect(summary.retries).toEqual({ logical: 5, attempts: 6, amplification: 1.2 })
  })

  it('computes rates over sent requests, goodput under the SLOs, and throughput over the duration', () => {
    expect(summary.errors).toEqual({ rate: 0.2, byCode: { ADAPTER_RESET: 1 } })
    expect(summary.abandonment).toMatchObject({ rate: 0.2, abandoned: 1, abandoned_before_first_token: 1, users_quit: 1, lost_demand: 1, users: 5 })
    // A and C meet TTFT ≤ 2 s and e2e ≤ 10 s; B's TTFT is 3 s.
    expect(summary.goodput).toMatchObject({ requests: 2, requests_per_s: 1, share: 0.4 })
    expect(summary.throughput.requests_per_s).toBe(1.5)
    expect(summary.throughput.output_tokens_per_s).toBe(32.5)
  })

  it('adds tokens and spend over every attempt; abandoned spend is wasted', () => {
    expect(summary.tokens).toEqual({ input: 40, cached_input: 0, output: 65, reasoning: 0, estimated_share: 0.25 })
    expect(summary.spend.usd).toBeCloseTo(0.0065, 12)
    expect(summary.spend.wasted_usd).toBeCloseTo(0.0005, 12)
    expect(summary.spend.per_1k_requests_usd).toBeCloseTo(1.3, 9)
    expect(summary.spend.per_task).toEqual({ chat: 0.003, 'write-email': 0.003, summarize: 0.0005 })
  })

  it('cuts per task, with token totals and retry amplification', () => {
    expect(summary.tasks['chat']).toMatchObject({ requests: 2, ok_output_tokens: 40, ok_input_tokens: 20, error_rate: 0 })
    expect(summary.tasks['write-email']).toMatchObject({ requests: 1, retry_amplification: 2, byOutcome: { ok: 1 } })
    expect(summary.tasks['summarize']).toMatchObject({ requests: 4, error_rate: 0.5, abandon_rate: 0.5 })
  })

  it('reports latency from completed requests and lag from first sends only', () => {
    expect(summary.latency.ttft_ms.count).toBe(3)
    expect(summary.latency.ttft_ms.p50).toBeCloseTo(200, 0)
    expect(summary.latency.ttft_ms.max).toBe(3_000)
    expect(summary.latency.schedule_lag_ms).toMatchObject({ count: 5, max: 5, min: 1 })
  })

  it('counts malformed inputs by kind and handling', () => {
    expect(summary.malformed).toEqual({ typos: { abandoned: 1, reset: 1 } })
  })

  it('buckets by scheduled time, with exact nearest-rank percentiles and active users', () => {
    const [first, second] = summary.timeseries.buckets
    expect(first).toMatchObject({ t: 0, scheduled: 3, ok: 2, errors: 1, ttft_p50: 100, ttft_p95: 3_000, active_users: 3 })
    expect(second).toMatchObject({ t: 1_000, scheduled: 4, ok: 1, abandoned: 1, dropped: 1, lost_demand: 1, ttft_p50: 200, active_users: 2 })
  })

  it('marks spend unknown, never 0, when any attempt was unpriced', () => {
    const unpriced = createAggregator({ bucketMs: 1_000, slo: {} })
    unpriced.add(sample({ requestId: 'X', outcome: 'ok', scheduledAtMs: 0, inputTokens: 5, outputTokens: 5, spendUsd: null }))
    const s = unpriced.finish(INFO)
    expect(s.spend.usd).toBe('unknown')
    expect(s.spend.per_1k_requests_usd).toBe('unknown')
    expect(s.notes.join(' ')).toMatch(/unknown/)
  })

  it('gives compare the same counts as the summary (one accumulator for both)', () => {
    const data = collectTargetData(SAMPLES)
    expect({ sent: data.sent, errors: data.errors, abandoned: data.abandoned, attempts: data.attempts }).toEqual({
      sent: summary.requests.sent,
      errors: Math.round(summary.errors.rate * summary.requests.sent),
      abandoned: summary.abandonment.abandoned,
      attempts: summary.requests.attempts,
    })
    expect(data.rateLimited).toBe(1)
    expect(data.requestSpendUsd.length).toBe(5)
  })
})
