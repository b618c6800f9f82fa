// The Prometheus sink against hand-made Samples with known values: counts by final attempt,
// tokens and spend by every attempt, histograms in seconds, phase, labels without URLs.
import { describe, expect, it } from 'vitest'
import { createPrometheusSink } from '../../../results/metrics/prometheus-sink.js'
import { parseExposition, sumOf } from '../../helpers/prometheus-text.js'
import { createRunMetrics } from '../../../results/metrics/registry.js'
import type { Sample } from '../../../results/types.js'

function sample(overrides: Partial<Sample> & Pick<Sample, 'requestId' | 'outcome' | 'scheduledAtMs'>): Sample {
  return { attempt: 1, userId: 'u', task: 'chat', ...overrides }
}

const SAMPLES: Sample[] = [
  sample({ requestId: 'A', outcome: 'ok', scheduledAtMs: 0, scheduleLagMs: 2, ttftMs: 300, e2eMs: 1_200, itlMs: [10, 20], inputTokens: 100, outputTokens: 20, spendUsd: 0.001, phase: 'baseline' }),
  sample({ requestId: 'B', outcome: 'http', status: 429, willRetry: true, scheduledAtMs: 100, scheduleLagMs: 1, spendUsd: 0, phase: 'baseline' }),
  sample({ requestId: 'B', attempt: 2, outcome: 'ok', scheduledAtMs: 100, ttftMs: 2_500, e2eMs: 4_000, inputTokens: 100, outputTokens: 30, spendUsd: 0.002, phase: 'baseline' }),
  sample({ requestId: 'C', outcome: 'abandoned', abandonReason: 'ttft', scheduledAtMs: 500, scheduleLagMs: 4, inputTokens: 100, spendUsd: null, phase: 'outage' }),
  // Scheduled before C but recorded after it: the phase shown stays C's.
  sample({ requestId: 'D', outcome: 'dropped', scheduledAtMs: 400, phase: 'baseline' }),
]

const RUN = {
  runId: 'r1',
  name: 'nightly',
  startedAt: '2026-01-01T00:00:00.000Z',
  config: { target: { label: 'openai-compatible:llama3@http://user:secret@127.0.0.1:8000/v1?key=abc' } },
}

async function scrape(samples: readonly Sample[]): Promise<{ text: string; parsed: ReturnType<typeof parseExposition> }> {
  const metrics = createRunMetrics()
  const sink = createPrometheusSink(metrics)
  await sink.start?.(RUN)
  for (const s of samples) sink.record(s)
  sink.progress({ elapsedMs: 1_500, inFlight: 7 })
  const text = await metrics.text()
  return { text, parsed: parseExposition(text) }
}

describe('prometheus sink', () => {
  it('counts requests by final outcome and attempts by send', async () => {
    const { parsed } = await scrape(SAMPLES)
    expect(sumOf(parsed, 'gauntlet_requests_total', { outcome: 'ok' })).toBe(2)
    expect(sumOf(parsed, 'gauntlet_requests_total', { outcome: 'abandoned' })).toBe(1)
    expect(sumOf(parsed, 'gauntlet_requests_total', { outcome: 'dropped' })).toBe(1)
    expect(sumOf(parsed, 'gauntlet_requests_total', { outcome: 'http_429' })).toBe(0)
    expect(sumOf(parsed, 'gauntlet_requests_total')).toBe(4)
    expect(sumOf(parsed, 'gauntlet_attempts_total', { outcome: 'http_429' })).toBe(1)
    expect(sumOf(parsed, 'gauntlet_attempts_total')).toBe(4)
    expect(sumOf(parsed, 'gauntlet_abandoned_total', { reason: 'ttft' })).toBe(1)
  })

  it('adds tokens and spend over every attempt, and counts unpriced attempts', async () => {
    const { parsed } = await scrape(SAMPLES)
    expect(sumOf(parsed, 'gauntlet_input_tokens_total')).toBe(300)
    expect(sumOf(parsed, 'gauntlet_output_tokens_total')).toBe(50)
    expect(sumOf(parsed, 'gauntlet_spend_usd_total')).toBeCloseTo(0.003, 12)
    expect(sumOf(parsed, 'gauntlet_unpriced_attempts_total')).toBe(1)
  })

  it('observes latency in seconds: TTFT/e2e of completed requests, lag of first sends, every ITL gap', async () => {
    const { parsed } = await scrape(SAMPLES)
    expect(parsed.types.get('gauntlet_ttft_seconds')).toBe('histogram')
    expect(sumOf(parsed, 'gauntlet_ttft_seconds_count')).toBe(2)
    expect(sumOf(parsed, 'gauntlet_ttft_seconds_sum')).toBeCloseTo(2.8, 9)
    expect(sumOf(parsed, 'gauntlet_ttft_seconds_bucket', { le: '0.5' })).toBe(1)
    expect(sumOf(parsed, 'gauntlet_ttft_seconds_bucket', { le: '2' })).toBe(1)
    expect(sumOf(parsed, 'gauntlet_ttft_seconds_bucket', { le: '3' })).toBe(2)
    expect(sumOf(parsed, 'gauntlet_ttft_seconds_bucket', { le: '+Inf' })).toBe(2)
    expect(sumOf(parsed, 'gauntlet_e2e_seconds_sum')).toBeCloseTo(5.2, 9)
    expect(sumOf(parsed, 'gauntlet_itl_seconds_count')).toBe(2)
    expect(sumOf(parsed, 'gauntlet_itl_seconds_sum')).toBeCloseTo(0.03, 9)
    expect(sumOf(parsed, 'gauntlet_schedule_lag_seconds_count')).toBe(3)
    expect(sumOf(parsed, 'gauntlet_schedule_lag_seconds_sum')).toBeCloseTo(0.007, 9)
  })

  it('shows the phase of the latest scheduled request, one series at 1, and the live gauges', async () => {
    const { parsed } = await scrape(SAMPLES)
    const phases = parsed.series.filter((s) => s.name === 'gauntlet_phase_info')
    expect(phases.map((s) => [s.labels['phase'], s.value])).toEqual([['outage', 1]])
    expect(sumOf(parsed, 'gauntlet_in_flight_requests')).toBe(7)
    expect(sumOf(parsed, 'gauntlet_elapsed_seconds')).toBe(1.5)
  })

  it('labels every series with run and adapter:model, never the URL or its secrets', async () => {
    const { text, parsed } = await scrape(SAMPLES)
    expect(text).not.toMatch(/secret|key=abc|127\.0\.0\.1|http:/)
    for (const series of parsed.series) expect(series.labels).toMatchObject({ run: 'nightly', target: 'openai-compatible:llama3' })
  })

  it('uses a sample’s own target (comparisons), and shows zeroed series before the first sample', async () => {
    const { parsed } = await scrape([{ ...SAMPLES[0], target: 'anthropic:claude@https://x.example' } as Sample])
    expect(sumOf(parsed, 'gauntlet_requests_total', { target: 'anthropic:claude' })).toBe(1)
    const empty = await scrape([])
    expect(sumOf(empty.parsed, 'gauntlet_ttft_seconds_count')).toBe(0)
    expect(empty.parsed.series.some((s) => s.name === 'gauntlet_output_tokens_total')).toBe(true)
  })
})
