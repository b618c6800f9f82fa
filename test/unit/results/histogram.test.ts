// HDR latency histograms against ground truth: known value sets, merge of halves, encode/decode.
import * as hdr from 'hdr-histogram-js'
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import { createLatencyHistogram, decodeHistogram, merge, type LatencyHistogram } from '../../../results/histogram.js'

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]

/** Nearest-rank percentile of sorted values: the value at rank ceil(p/100 × n) (at least 1). */
function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1] as number
}

/** Within 3 significant digits (HDR buckets are < 0.1% wide), plus the 1 µs recording grain. */
function expectWithinPrecision(actual: number, truth: number): void {
  expect(Math.abs(actual - truth)).toBeLessThanOrEqual(truth * 1e-3 + 1e-3)
}

function filled(values: readonly number[]): LatencyHistogram {
  const histogram = createLatencyHistogram()
  for (const value of values) histogram.record(value)
  return histogram
}

const oneToTenThousand = Array.from({ length: 10_000 }, (_, index) => index + 1)

describe('createLatencyHistogram', () => {
  it('gives percentiles of 1..10000 ms within 3 significant digits', () => {
    const histogram = filled(oneToTenThousand)
    expect(histogram.count).toBe(10_000)
    for (const p of PERCENTILES) expectWithinPrecision(histogram.percentile(p), nearestRank(oneToTenThousand, p))
    expectWithinPrecision(histogram.percentile(50), 5_000)
    expectWithinPrecision(histogram.percentile(99), 9_900)
  })

  it('keeps exact min, max and mean for values recorded here', () => {
    const histogram = filled(oneToTenThousand)
    expect(histogram.min).toBe(1)
    expect(histogram.max).toBe(10_000)
    expect(histogram.mean).toBeCloseTo(5_000.5, 9)
  })

  it('matches a skewed (lognormal) latency sample', () => {
    const random = createRandom(42)
    const values = Array.from({ length: 20_000 }, () => Math.round(random.lognormal(800, 0.9) * 1000) / 1000)
    const sorted = [...values].sort((a, b) => a - b)
    const histogram = filled(values)
    for (const p of PERCENTILES) expectWithinPrecision(histogram.percentile(p), nearestRank(sorted, p))
    expect(histogram.mean).toBeCloseTo(values.reduce((sum, value) => sum + value, 0) / values.length, 6)
  })

  it('records whole microseconds from 1 µs to past an hour', () => {
    const histogram = createLatencyHistogram()
    histogram.record(0.001)
    histogram.record(0.0004) // below 1 µs: recorded as 0
    histogram.record(7_200_000) // 2 h
    expect(histogram.count).toBe(3)
    expect(histogram.min).toBe(0)
    expect(histogram.percentile(50)).toBe(0.001)
    expect(histogram.max).toBe(7_200_000)
    expectWithinPrecision(histogram.percentile(100), 7_200_000)
  })

  it('records a count at once', () => {
    const histogram = createLatencyHistogram()
    histogram.record(10, 99)
    histogram.record(1_000)
    expect(histogram.count).toBe(100)
    expectWithinPrecision(histogram.percentile(99), 10)
    expect(histogram.percentile(100)).toBe(1_000)
    expect(histogram.mean).toBeCloseTo((10 * 99 + 1_000) / 100, 9)
  })

  it('never reports a percentile outside the exact min and max', () => {
    const histogram = filled(Array.from({ length: 50 }, () => 10_000))
    expect(histogram.percentile(50)).toBe(10_000)
    expect(histogram.percentile(100)).toBe(10_000)
    expect(histogram.percentile(0)).toBe(10_000)
  })

  it('takes clock noise as 0 but refuses real negatives, NaN and bad percentiles', () => {
    const histogram = createLatencyHistogram()
    histogram.record(-0.0004)
    expect(histogram.min).toBe(0)
    expect(() => histogram.record(-5)).toThrow(RangeError)
    expect(() => histogram.record(Number.NaN)).toThrow(RangeError)
    expect(() => histogram.record(1, 0)).toThrow(RangeError)
    expect(() => histogram.percentile(101)).toThrow(RangeError)
  })

  it('is NaN, not 0, when empty', () => {
    const histogram = createLatencyHistogram()
    expect(histogram.count).toBe(0)
    expect(histogram.percentile(50)).toBeNaN()
    expect(histogram.mean).toBeNaN()
    expect(histogram.max).toBeNaN()
    expect(histogram.min).toBeNaN()
  })
})

describe('merge', () => {
  it('of two halves equals the whole', () => {
    const whole = filled(oneToTenThousand)
    const merged = merge(
      filled(oneToTenThousand.filter((value) => value % 2 === 0)),
      filled(oneToTenThousand.filter((value) => value % 2 === 1)),
    )
    expect(merged.count).toBe(whole.count)
    for (const p of PERCENTILES) expect(merged.percentile(p)).toBe(whole.percentile(p))
    expect([merged.min, merged.max, merged.mean]).toEqual([whole.min, whole.max, whole.mean])
  })

  it('of disjoint ranges gives the percentiles of the union', () => {
    const low = oneToTenThousand.slice(0, 3_000)
    const high = oneToTenThousand.slice(3_000).map((value) => value * 10)
    const union = [...low, ...high].sort((a, b) => a - b)
    const merged = merge(filled(low), filled(high))
    expect(merged.count).toBe(union.length)
    for (const p of PERCENTILES) expectWithinPrecision(merged.percentile(p), nearestRank(union, p))
  })

  it('leaves its inputs alone and accepts an empty side', () => {
    const a = filled([1, 2, 3])
    const merged = merge(a, createLatencyHistogram())
    merged.record(100)
    expect(a.count).toBe(3)
    expect(merged.count).toBe(4)
    expect(merged.max).toBe(100)
  })
})

describe('encode / decodeHistogram', () => {
  it('round-trips counts and percentiles exactly, min/max/mean within precision', () => {
    const original = filled(oneToTenThousand)
    const text = original.encode()
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/)
    const decoded = decodeHistogram(text)
    expect(decoded.count).toBe(original.count)
    // the same buckets; only the top bucket may differ, where the original clamps to its exact max
    for (const p of PERCENTILES) {
      if (p <= 99.9) expect(decoded.percentile(p)).toBe(original.percentile(p))
      expectWithinPrecision(decoded.percentile(p), original.percentile(p))
    }
    expectWithinPrecision(decoded.max, 10_000)
    expectWithinPrecision(decoded.min, 1)
    expectWithinPrecision(decoded.mean, 5_000.5)
  })

  it('merges decoded segments like live ones', () => {
    const evens = oneToTenThousand.filter((value) => value % 2 === 0)
    const odds = oneToTenThousand.filter((value) => value % 2 === 1)
    const merged = merge(decodeHistogram(filled(evens).encode()), decodeHistogram(filled(odds).encode()))
    const whole = filled(oneToTenThousand)
    expect(merged.count).toBe(10_000)
    for (const p of PERCENTILES) {
      if (p <= 99.9) expect(merged.percentile(p)).toBe(whole.percentile(p))
      expectWithinPrecision(merged.percentile(p), whole.percentile(p))
    }
    expectWithinPrecision(merged.mean, 5_000.5)
    // re-encoding the merge keeps it
    expect(decodeHistogram(merged.encode()).percentile(99)).toBe(whole.percentile(99))
  })

  it('speaks the package’s own V2 format both ways (we load its modules one by one)', () => {
    const ours = filled(oneToTenThousand)
    const readByPackage = hdr.decodeFromCompressedBase64(ours.encode(), 64, false)
    expect(readByPackage.totalCount).toBe(10_000)
    expect(readByPackage.getValueAtPercentile(99) / 1000).toBe(ours.percentile(99))
    const theirs = hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3, useWebAssembly: false })
    for (const value of oneToTenThousand) theirs.recordValue(value * 1000)
    const readByUs = decodeHistogram(hdr.encodeIntoCompressedBase64(theirs))
    expect(readByUs.count).toBe(10_000)
    expect(readByUs.percentile(50)).toBe(theirs.getValueAtPercentile(50) / 1000)
  })

  it('round-trips an empty histogram and refuses garbage', () => {
    expect(decodeHistogram(createLatencyHistogram().encode()).count).toBe(0)
    expect(() => decodeHistogram('not a histogram')).toThrow(RangeError)
  })
})
