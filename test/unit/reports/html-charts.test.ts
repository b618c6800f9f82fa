// Chart data against ground truth: samples with known counts, spend and users go through the
// real aggregator; every plotted value must follow from them by hand arithmetic.
import { describe, expect, it } from 'vitest'
import { createAggregator } from '../../../results/aggregate.js'
import { buildCharts, PERCENTILE_TICKS, type Chart, type ChartsData } from '../../../results/reports/html-charts.js'
import type { Summary } from '../../../results/summary.js'
import type { Sample } from '../../../results/types.js'
import { peakHourSummary, tinySummary } from './summaries.js'

function sample(partial: Partial<Sample> & Pick<Sample, 'requestId' | 'userId' | 'outcome' | 'scheduledAtMs'>): Sample {
  return { attempt: 1, task: 'chat', ...partial }
}

/**
 * Three 2-second buckets:
 *   0–2 s  ok ×3 (users a, b, a), $0.01 each; in flight peaks at 3
 *   2–4 s  ok (c, $0.02), HTTP 429 (d), abandoned (e, $0.005 wasted), dropped (f); in flight 1
 *   4–6 s  lost demand (g), timeout (a)
 * Phases: baseline 0–4 s, outage 4–6 s.
 */
function knownSummary(): Summary {
  const aggregator = createAggregator({
    bucketMs: 2000,
    slo: {},
    phases: [
      { name: 'baseline', fromMs: 0, toMs: 4000 },
      { name: 'outage', fromMs: 4000, toMs: 6000 },
    ],
  })
  const ok = (id: string, userId: string, at: number, ttftMs: number, spendUsd: number): Sample =>
    sample({ requestId: id, userId, outcome: 'ok', scheduledAtMs: at, ttftMs, e2eMs: ttftMs * 10, spendUsd, phase: at < 4000 ? 'baseline' : 'outage' })
  aggregator.add(ok('1', 'a', 100, 100, 0.01))
  aggregator.add(ok('2', 'b', 700, 200, 0.01))
  aggregator.add(ok('3', 'a', 1900, 300, 0.01))
  aggregator.add(ok('4', 'c', 2100, 400, 0.02))
  aggregator.add(sample({ requestId: '5', userId: 'd', outcome: 'http', status: 429, scheduledAtMs: 2500, phase: 'baseline' }))
  aggregator.add(sample({ requestId: '6', userId: 'e', outcome: 'abandoned', scheduledAtMs: 3000, spendUsd: 0.005, phase: 'baseline' }))
  aggregator.add(sample({ requestId: '7', userId: 'f', outcome: 'dropped', scheduledAtMs: 3500, phase: 'baseline' }))
  aggregator.add(sample({ requestId: '8', userId: 'g', outcome: 'lost-demand', scheduledAtMs: 4200, phase: 'outage' }))
  aggregator.add(sample({ requestId: '9', userId: 'a', outcome: 'timeout', scheduledAtMs: 5000, phase: 'outage' }))
  aggregator.gauge(500, 2)
  aggregator.gauge(1500, 3)
  aggregator.gauge(2500, 1)
  return aggregator.finish({
    runId: 'known',
    name: 'known',
    partial: false,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:06.000Z',
    durationMs: 6000,
    plannedDurationMs: 6000,
    target: { label: 'mock', adapter: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:1/v1', pricedAs: 'm' },
    traffic: { source: 'test', requests: 9, seed: 1, segment: null },
  })
}

function chart(data: ChartsData, id: string): Chart {
  const found = data.charts.find((entry) => entry.id === id)
  if (found === undefined) throw new Error(`no chart ${id}`)
  return found
}

function values(data: ChartsData, id: string, label: string): (number | null)[] {
  const series = chart(data, id).series.find((entry) => entry.label === label)
  if (series === undefined) throw new Error(`no series ${label} in ${id}`)
  return series.raw ?? series.values
}

describe('buildCharts on known samples', () => {
  const summary = knownSummary()
  const data = buildCharts(summary)

  it('puts bucket starts plus the end of the last bucket on the time axis, in seconds for a short run', () => {
    expect(data.timeUnit).toBe('s')
    expect(chart(data, 'rate').x).toEqual([0, 2, 4, 6])
    expect(data.charts.map((entry) => entry.id)).toEqual(['ttft', 'e2e', 'rate', 'outcomes', 'spend', 'users', 'distribution'])
  })

  it('plots request rate per second of bucket and the in-flight peak', () => {
    expect(values(data, 'rate', 'due')).toEqual([1.5, 2, 1, 1])
    expect(values(data, 'rate', 'completed ok')).toEqual([1.5, 0.5, 0, 0])
    expect(values(data, 'rate', 'in flight (max)')).toEqual([3, 1, 0, 0])
  })

  it('stacks outcomes so the top layer is every request that came due', () => {
    const outcomes = chart(data, 'outcomes')
    expect(outcomes.stacked).toBe(true)
    expect(outcomes.series.map((entry) => entry.label)).toEqual([
      'ok',
      'HTTP 429 rate limited',
      'timed out',
      'abandoned by user',
      'dropped (too many in flight)',
      'lost demand (user quit)',
    ])
    expect(values(data, 'outcomes', 'ok')).toEqual([3, 1, 0, 0])
    expect(values(data, 'outcomes', 'HTTP 429 rate limited')).toEqual([0, 1, 0, 0])
    expect(values(data, 'outcomes', 'timed out')).toEqual([0, 0, 1, 1])
    expect(values(data, 'outcomes', 'abandoned by user')).toEqual([0, 1, 0, 0])
    expect(values(data, 'outcomes', 'dropped (too many in flight)')).toEqual([0, 1, 0, 0])
    expect(values(data, 'outcomes', 'lost demand (user quit)')).toEqual([0, 0, 1, 1])
    expect(outcomes.series.at(-1)?.values).toEqual([3, 4, 2, 2])
    // Each layer's plotted value is the running sum of the layers up to it.
    expect(outcomes.series[1]?.values).toEqual([3, 2, 0, 0])
  })

  it('accumulates spend at bucket ends', () => {
    const spend = values(data, 'spend', 'spend so far') as number[]
    expect(spend).toHaveLength(4)
    expect(spend[0]).toBe(0)
    expect(spend[1]).toBeCloseTo(0.03, 9)
    expect(spend[2]).toBeCloseTo(0.055, 9)
    expect(spend[3]).toBeCloseTo(0.055, 9)
  })

  it('plots abandonment as a share of sent requests, and active users', () => {
    const abandoned = values(data, 'users', 'abandoned') as number[]
    // Bucket 2–4 s: 4 due, 1 dropped -> 3 sent, 1 abandoned.
    expect(abandoned[0]).toBe(0)
    expect(abandoned[1]).toBeCloseTo(100 / 3, 9)
    expect(abandoned[2]).toBe(0)
    expect(values(data, 'users', 'active users')).toEqual([2, 3, 1, 1])
  })

  it('plots the buckets’ latency percentiles, with gaps where nothing completed', () => {
    const buckets = summary.timeseries.buckets
    expect(values(data, 'ttft', 'p95')).toEqual([buckets[0]?.ttft_p95, buckets[1]?.ttft_p95, null, null])
    expect(values(data, 'e2e', 'p50')).toEqual([buckets[0]?.e2e_p50, buckets[1]?.e2e_p50, null, null])
    expect(buckets[0]?.ttft_p95).toBeCloseTo(300, -1)
  })

  it('draws the distribution from the summary percentiles at fixed positions', () => {
    const distribution = chart(data, 'distribution')
    expect(distribution.x).toEqual([1, 2, 10, 20, 100, 1000, 10_000])
    expect(distribution.xTicks?.map((tick) => tick.label)).toEqual(['min', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max'])
    const ttft = summary.latency.ttft_ms
    expect(values(data, 'distribution', 'time to first token')).toEqual(PERCENTILE_TICKS.map((tick) => ttft[tick.key]))
    expect(distribution.title).toContain('not raw samples')
  })

  it('shades phases from their timeline windows', () => {
    expect(data.phases).toEqual([
      { name: 'baseline', from: 0, to: 4, color: '#8a8a8a', calm: true },
      { name: 'outage', from: 4, to: 6, color: expect.any(String), calm: false },
    ])
  })

  it('derives phase windows from the buckets when the summary has none', () => {
    const copy = structuredClone(summary)
    for (const phase of Object.values(copy.phases)) {
      phase.fromMs = 0
      phase.toMs = 0
    }
    expect(buildCharts(copy).phases.map(({ name, from, to }) => ({ name, from, to }))).toEqual([
      { name: 'baseline', from: 0, to: 4 },
      { name: 'outage', from: 4, to: 6 },
    ])
  })
})

describe('buildCharts on the sample summaries', () => {
  it('peak-hour: minutes, four phase bands, stacked tops equal to due requests, spend to the total', () => {
    const summary = peakHourSummary()
    const data = buildCharts(summary)
    const buckets = summary.timeseries.buckets
    expect(data.timeUnit).toBe('min')
    expect(chart(data, 'rate').x.at(-1)).toBe(60)
    expect(data.phases.map(({ name, from, to }) => [name, from, to])).toEqual([
      ['baseline', 0, 20],
      ['latency-spike', 20, 30],
      ['rate-limit-burst', 30, 38],
      ['recovery', 38, 60],
    ])
    const outcomes = chart(data, 'outcomes')
    const top = outcomes.series.at(-1)?.values ?? []
    buckets.forEach((bucket, index) => {
      expect(top[index]).toBe(bucket.scheduled)
      const layers = outcomes.series.map((entry) => (entry.raw as number[])[index] as number)
      expect(layers.reduce((total, value) => total + value, 0)).toBe(bucket.scheduled)
    })
    const spend = chart(data, 'spend').series[0]?.values ?? []
    expect(spend.at(-1)).toBeCloseTo(summary.spend.usd as number, 3)
    expect(values(data, 'rate', 'due')[25]).toBeCloseTo((buckets[25]?.scheduled ?? 0) / 60, 9)
  })

  it('caps error kinds at six layers, the rest as "other errors"', () => {
    const summary = tinySummary()
    const bucket = summary.timeseries.buckets[0]
    if (bucket === undefined) throw new Error('no bucket')
    for (const status of [400, 401, 403, 404, 500, 502, 503]) bucket.byOutcome[`http_${status}`] = status % 7
    const labels = chart(buildCharts(summary), 'outcomes').series.map((entry) => entry.label)
    expect(labels.filter((label) => label.startsWith('HTTP'))).toHaveLength(5)
    expect(labels).toContain('other errors')
  })

  it('tiny: one bucket spans two x points; no phases', () => {
    const data = buildCharts(tinySummary())
    expect(chart(data, 'rate').x).toEqual([0, 10])
    expect(data.phases).toEqual([])
  })

  it('a run with no buckets and no latency has no charts', () => {
    const summary = tinySummary()
    summary.timeseries.buckets = []
    summary.latency.ttft_ms.count = 0
    summary.latency.e2e_ms.count = 0
    expect(buildCharts(summary).charts).toEqual([])
  })
})
