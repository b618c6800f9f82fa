// The sample summaries follow the Summary type (compile-time, in summaries.ts), carry exactly
// the keys the real aggregator writes, and add up: buckets, tasks and phases to the totals.
import { describe, expect, it } from 'vitest'
import { createAggregator } from '../../../results/aggregate.js'
import type { Summary } from '../../../results/summary.js'
import { peakHourSummary, tinySummary } from './summaries.js'

/** A summary from the real aggregator with every optional part present (phase, task, malformed). */
function aggregatorSummary(): Summary {
  const aggregator = createAggregator({ bucketMs: 1000, slo: { ttft_ms: 1000 }, phases: [{ name: 'baseline', fromMs: 0, toMs: 1000 }] })
  aggregator.add({
    requestId: 'r1',
    attempt: 1,
    userId: 'u1',
    task: 'chat',
    phase: 'baseline',
    tags: ['malformed:typos'],
    handling: 'answered',
    outcome: 'ok',
    scheduledAtMs: 10,
    ttftMs: 100,
    e2eMs: 300,
    spendUsd: 0.001,
  })
  return aggregator.finish({
    runId: 'r',
    name: 'n',
    partial: false,
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:01.000Z',
    durationMs: 1000,
    plannedDurationMs: null,
    target: { label: 'l', adapter: 'a', model: 'm', baseUrl: 'http://127.0.0.1:1/v1', pricedAs: null },
    traffic: { source: 's', requests: 1, seed: null, segment: null },
  })
}

function keys(value: object): string[] {
  return Object.keys(value).sort()
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0)
}

describe('sample summaries', () => {
  const reference = aggregatorSummary()

  for (const [name, load] of [
    ['peak-hour', peakHourSummary],
    ['tiny', tinySummary],
  ] as const) {
    it(`${name} has the keys the aggregator writes`, () => {
      const summary = load()
      expect(keys(summary)).toEqual(keys(reference))
      for (const part of ['requests', 'throughput', 'goodput', 'tokens', 'spend', 'abandonment', 'retries', 'errors', 'timeseries'] as const) {
        expect(keys(summary[part]), part).toEqual(keys(reference[part]))
      }
      expect(keys(summary.latency)).toEqual(keys(reference.latency))
      for (const stats of Object.values(summary.latency)) expect(keys(stats)).toEqual(keys(reference.latency.ttft_ms))
      for (const group of Object.values(summary.tasks)) expect(keys(group)).toEqual(keys(reference.tasks['chat'] as object))
      for (const group of Object.values(summary.phases)) expect(keys(group)).toEqual(keys(reference.phases['baseline'] as object))
      const bucketKeys = keys(reference.timeseries.buckets[0] as object).filter((key) => key !== 'phase')
      for (const bucket of summary.timeseries.buckets) expect(keys(bucket).filter((key) => key !== 'phase')).toEqual(bucketKeys)
    })

    it(`${name} adds up`, () => {
      const summary = load()
      const buckets = summary.timeseries.buckets
      for (const bucket of buckets) {
        for (const count of Object.values(bucket.byOutcome)) expect(Number.isInteger(count) && count >= 0).toBe(true)
        expect(sum(Object.values(bucket.byOutcome))).toBe(bucket.scheduled)
        expect(bucket.t % summary.timeseries.bucketMs).toBe(0)
      }
      expect(sum(buckets.map((bucket) => bucket.scheduled))).toBe(summary.requests.scheduled)
      expect(sum(Object.values(summary.requests.byOutcome))).toBe(summary.requests.scheduled)
      expect(sum(Object.values(summary.tasks).map((group) => group.requests))).toBe(summary.requests.scheduled)
      const taskSpend = sum(Object.values(summary.spend.per_task).map((usd) => (usd === 'unknown' ? 0 : usd)))
      expect(taskSpend).toBeCloseTo(summary.spend.usd as number, 4)
      expect(sum(buckets.map((bucket) => bucket.spend_usd))).toBeCloseTo(summary.spend.usd as number, 3)
      if (Object.keys(summary.phases).length > 0) {
        expect(sum(Object.values(summary.phases).map((group) => group.requests))).toBe(summary.requests.scheduled)
      }
    })
  }

  it('peak-hour is an hour of one-minute buckets with four phases, failing thresholds and messy input', () => {
    const summary = peakHourSummary()
    expect(summary.timeseries.bucketMs).toBe(60_000)
    expect(summary.timeseries.buckets).toHaveLength(60)
    expect(Object.keys(summary.phases)).toEqual(expect.arrayContaining(['baseline', 'latency-spike', 'rate-limit-burst', 'recovery']))
    expect(summary.requests.byOutcome['http_429']).toBeGreaterThan(0)
    expect(Object.keys(summary.tasks).length).toBeGreaterThanOrEqual(4)
    expect(Object.keys(summary.malformed).length).toBeGreaterThanOrEqual(5)
    expect(summary.thresholds.filter((row) => !row.pass).length).toBe(4)
    expect(summary.thresholds.filter((row) => row.pass).length).toBe(2)
  })

  it('tiny is one bucket, one task, no phases and no thresholds', () => {
    const summary = tinySummary()
    expect(summary.timeseries.buckets).toHaveLength(1)
    expect(Object.keys(summary.tasks)).toEqual(['chat'])
    expect(summary.phases).toEqual({})
    expect(summary.thresholds).toEqual([])
  })
})
