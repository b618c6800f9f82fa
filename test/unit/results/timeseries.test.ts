// The time series against exact arithmetic: frozen buckets within 0.1 % of the exact nearest rank,
// counts exact through freezing and widening, and the bucket count bounded however long the run.
import { describe, expect, it } from 'vitest'
import { addToLogBins, emptyLogBins, logBinsOf, logBinsPercentiles, mergeLogBins } from '../../../results/accumulate/log-bins.js'
import { createTimeSeries, MAX_BUCKETS, RAW_VALUES_PER_BUCKET } from '../../../results/accumulate/timeseries.js'
import type { Sample } from '../../../results/types.js'
import { nearestRank } from '../../../core/stats.js'

/** Deterministic pseudo-random numbers (a small LCG), so failures replay. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

function exactPercentiles(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort()
  return [50, 95, 99].map((p) => nearestRank(sorted, p) as number)
}

function sample(atMs: number, fields: Partial<Sample> = {}): Sample {
  return { requestId: `r${atMs}`, userId: `u${Math.floor(atMs) % 7}`, task: 't', attempt: 1, scheduledAtMs: atMs, outcome: 'ok', ...fields } as Sample
}

describe('log bins', () => {
  it('read nearest-rank percentiles at most 0.1 % above the exact ones, never outside min..max', () => {
    const next = random(7)
    const values = Array.from({ length: 5_000 }, () => 0.2 + Math.exp(next() * 10))
    const exact = exactPercentiles(values)
    const read = logBinsPercentiles(logBinsOf(values), [50, 95, 99]) as number[]
    for (const [i, value] of read.entries()) {
      const truth = exact[i] as number
      expect(value).toBeGreaterThanOrEqual(truth)
      expect(value).toBeLessThanOrEqual(truth * 1.001)
    }
    expect(logBinsPercentiles(logBinsOf([42.5]), [0, 50, 100])).toEqual([42.5, 42.5, 42.5])
    expect(logBinsPercentiles(emptyLogBins(), [50])).toEqual([null])
  })

  it('merge and add agree with the sketch of all the values at once', () => {
    const next = random(11)
    const a = Array.from({ length: 700 }, () => next() * 900)
    const b = Array.from({ length: 300 }, () => 5 + next() * 50)
    const whole = logBinsOf([...a, ...b])
    const merged = mergeLogBins(logBinsOf(a), logBinsOf(b))
    const added = logBinsOf(a)
    for (const value of b) addToLogBins(added, value)
    for (const sketch of [merged, added]) {
      expect(sketch.total).toBe(1_000)
      expect(Array.from(sketch.keys.subarray(0, sketch.size))).toEqual(Array.from(whole.keys))
      expect(Array.from(sketch.counts.subarray(0, sketch.size))).toEqual(Array.from(whole.counts))
      expect(logBinsPercentiles(sketch, [1, 50, 99.9])).toEqual(logBinsPercentiles(whole, [1, 50, 99.9]))
    }
  })
})

describe('the time series', () => {
  it('keeps recent buckets exact and freezes old ones within 0.1 %, counts and users exact', () => {
    const series = createTimeSeries(1_000)
    const next = random(3)
    const truth = new Map<number, number[]>()
    for (let second = 0; second < 300; second++) {
      for (let i = 0; i < 40; i++) {
        const ttft = 50 + next() * 400
        series.add(sample(second * 1_000 + i * 20, { ttftMs: ttft, e2eMs: ttft * 3 }))
        truth.set(second, [...(truth.get(second) ?? []), ttft])
      }
      series.add(sample(second * 1_000 + 900, { outcome: 'abandoned' }))
    }
    // A late answer for the first bucket, long after it froze.
    series.add(sample(10, { ttftMs: 10_000, e2eMs: 30_000 }))
    truth.set(0, [...(truth.get(0) ?? []), 10_000])
    const rows = series.rows()
    expect(rows).toHaveLength(300)
    for (const [second, values] of truth) {
      const row = rows[second]
      const unrounded = exactPercentiles(values)
      const exact = unrounded.map((value) => Math.round(value * 10) / 10)
      const frozen = second < 300 - 120
      const got = [row?.ttft_p50, row?.ttft_p95, row?.ttft_p99] as number[]
      for (const [i, value] of got.entries()) {
        if (frozen) {
          // Rows are rounded to 0.1 ms: within 0.1 % above the exact value, give or take 0.05.
          expect(value).toBeGreaterThanOrEqual((unrounded[i] as number) - 0.05)
          expect(value).toBeLessThanOrEqual((unrounded[i] as number) * 1.001 + 0.05)
        } else expect(value).toBe(exact[i])
      }
      expect(row?.ok).toBe(values.length)
      expect(row?.abandoned).toBe(1)
      expect(row?.scheduled).toBe(values.length + 1)
      expect(row?.active_users).toBe(7)
    }
  })

  it('bins a recent bucket past RAW_VALUES_PER_BUCKET answers: within 0.1 %, counts and users exact', () => {
    const series = createTimeSeries(1_000)
    const next = random(11)
    const full: number[] = []
    const exactOnes: number[] = []
    const n = RAW_VALUES_PER_BUCKET * 3 + 17
    for (let i = 0; i < n; i++) {
      const ttft = 20 + next() * 900
      full.push(ttft)
      series.add(sample((i / n) * 999, { ttftMs: ttft, e2eMs: ttft * 2, userId: `u${i % 101}` }))
    }
    for (let i = 0; i < RAW_VALUES_PER_BUCKET - 1; i++) {
      const ttft = 20 + next() * 900
      exactOnes.push(ttft)
      series.add(sample(1_000 + (i / RAW_VALUES_PER_BUCKET) * 999, { ttftMs: ttft, e2eMs: ttft * 2 }))
    }
    const [binned, exact] = series.rows()
    const truth = exactPercentiles(full)
    for (const [i, value] of [binned?.ttft_p50, binned?.ttft_p95, binned?.ttft_p99].entries()) {
      expect(value).toBeGreaterThanOrEqual((truth[i] as number) - 0.05)
      expect(value).toBeLessThanOrEqual((truth[i] as number) * 1.001 + 0.05)
    }
    expect(binned?.ok).toBe(n)
    expect(binned?.active_users).toBe(101)
    // One answer short of the cap: still exact.
    expect([exact?.ttft_p50, exact?.ttft_p95, exact?.ttft_p99]).toEqual(exactPercentiles(exactOnes).map((value) => Math.round(value * 10) / 10))
  })

  it('counts distinct users per row exactly across the buckets a wide row merges', () => {
    const series = createTimeSeries(1_000)
    // Second s has users u<s> and u<s+1>: two per bucket, eleven distinct in any ten seconds.
    for (let second = 0; second < 200; second++) {
      for (const user of [second, second + 1]) series.add(sample(second * 1_000 + 100, { requestId: `r${second}-${user}`, userId: `u${user}`, ttftMs: 5, e2eMs: 9 }))
    }
    expect(series.rows().every((row) => row.active_users === 2)).toBe(true)
    const wide = series.rows(10_000)
    expect(wide).toHaveLength(20)
    // The last 2 min stay exact: 11 distinct users in each 10 s row.
    for (const row of wide.slice(-11)) expect(row.active_users).toBe(11)
    // Frozen buckets kept only their counts: a merged row reads at least any one bucket's.
    for (const row of wide.slice(0, 8)) {
      expect(row.active_users).toBeGreaterThanOrEqual(2)
      expect(row.active_users).toBeLessThanOrEqual(11)
    }
  })

  it('doubles its width past MAX_BUCKETS with every count kept, and rows of a multiple merge exactly', () => {
    const series = createTimeSeries(1_000)
    const seconds = 3_000
    for (let second = 0; second < seconds; second++) series.add(sample(second * 1_000 + 500, { ttftMs: 100 + (second % 10), spendUsd: 0.001, outputTokens: 5 }))
    // 3,000 one-second buckets do not fit in 1,440: 2 s, then 4 s.
    expect(series.bucketMs()).toBe(4_000)
    const rows = series.rows()
    expect(rows.length).toBe(750)
    expect(rows.length).toBeLessThanOrEqual(MAX_BUCKETS)
    expect(rows.every((row) => row.ok === 4 && row.output_tokens === 20)).toBe(true)
    expect(rows.reduce((total, row) => total + row.scheduled, 0)).toBe(seconds)
    expect(rows.reduce((total, row) => total + row.spend_usd, 0)).toBeCloseTo(seconds * 0.001, 9)
    const wide = series.rows(40_000, 3_200_000)
    expect(wide).toHaveLength(80)
    expect(wide[0]?.scheduled).toBe(40)
    expect(wide[0]?.ttft_p50).toBeCloseTo(104, 0)
    expect(wide.at(-1)?.scheduled).toBe(0)
    expect(() => series.rows(6_000)).toThrow(/whole multiple/)
  })

  it('stays within MAX_BUCKETS over a simulated 48-hour run', () => {
    const series = createTimeSeries(1_000)
    const seconds = 48 * 3_600
    for (let second = 0; second < seconds; second += 2) series.add(sample(second * 1_000, { ttftMs: 200, e2eMs: 900 }))
    expect(series.rows().length).toBeLessThanOrEqual(MAX_BUCKETS)
    expect(series.rows().reduce((total, row) => total + row.ok, 0)).toBe(seconds / 2)
    expect(series.bucketMs()).toBe(128_000)
  })
})
