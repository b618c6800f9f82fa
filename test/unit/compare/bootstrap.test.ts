// The seeded bootstrap: reproducible for a seed, intervals that cover known true differences,
// ties for identical samples, and the O(n) resampled percentile equal to sorting each resample.
import { describe, expect, it } from 'vitest'
import { createRandom, type Random } from '../../../core/random.js'
import {
  bootstrapMeanDifference,
  bootstrapPercentileDifference,
  bootstrapRateDifference,
  bootstrapRatioDifference,
  includesZero,
  percentile,
  percentileOfSorted,
} from '../../../results/bootstrap.js'

function draw(count: number, random: Random, sample: (random: Random) => number): number[] {
  return Array.from({ length: count }, () => sample(random))
}

const normal = (mean: number, sd: number) => (random: Random) => mean + sd * random.normal()
const exponential = (mean: number) => (random: Random) => random.exponential(mean)

describe('percentiles', () => {
  it('are nearest-rank, like HDR histograms', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 95)).toBe(95)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 100)).toBe(100)
    expect(percentile(values, 0)).toBe(1)
    expect(percentile([30, 10, 20], 50)).toBe(20)
    expect(percentile([30, 10, 20], 99)).toBe(30)
    expect(percentileOfSorted([], 50)).toBeNaN()
  })
})

describe('bootstrap', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const random = createRandom(11)
    const a = draw(200, random, exponential(100))
    const b = draw(200, random, exponential(120))
    const first = bootstrapPercentileDifference(a, b, 95, { seed: 3 })
    const again = bootstrapPercentileDifference(a, b, 95, { seed: 3 })
    const other = bootstrapPercentileDifference(a, b, 95, { seed: 4 })
    expect(again).toEqual(first)
    expect(other.difference).toBe(first.difference)
    expect([other.low, other.high]).not.toEqual([first.low, first.high])
    expect(bootstrapRateDifference({ events: 10, trials: 80 }, { events: 20, trials: 80 }, { seed: 9 })).toEqual(
      bootstrapRateDifference({ events: 10, trials: 80 }, { events: 20, trials: 80 }, { seed: 9 }),
    )
  })

  it('resamples percentiles exactly as sorting every resample would, from the same draws', () => {
    const random = createRandom(5)
    const a = draw(57, random, exponential(50))
    const b = draw(43, random, exponential(70))
    const resamples = 300
    const fast = bootstrapPercentileDifference(a, b, 90, { seed: 8, resamples })
    // The naive way, consuming the random stream in the same order: sorted A's n draws, then B's.
    const stream = createRandom(8)
    const sortedA = [...a].sort((x, y) => x - y)
    const sortedB = [...b].sort((x, y) => x - y)
    const naive = (sorted: number[]): number => {
      const picked = sorted.map(() => sorted[Math.floor(stream.next() * sorted.length)] as number)
      return percentile(picked, 90)
    }
    const differences = Array.from({ length: resamples }, () => naive(sortedA) - naive(sortedB)).sort((x, y) => x - y)
    expect(fast.low).toBe(differences[Math.floor(0.025 * resamples)])
    expect(fast.high).toBe(differences[Math.ceil(0.975 * resamples) - 1])
    expect(fast.difference).toBe(percentile(a, 90) - percentile(b, 90))
  })

  it('covers the true difference of medians and p95s about 95 % of the time', () => {
    // Exponential(mean m): median m·ln 2, p95 m·ln 20.
    const trials = 30
    let medianCovered = 0
    let p95Covered = 0
    const random = createRandom(2024)
    for (let t = 0; t < trials; t++) {
      const a = draw(600, random, exponential(100))
      const b = draw(600, random, exponential(130))
      const median = bootstrapPercentileDifference(a, b, 50, { seed: t, resamples: 600 })
      const p95 = bootstrapPercentileDifference(a, b, 95, { seed: t, resamples: 600 })
      if (median.low <= -30 * Math.LN2 && -30 * Math.LN2 <= median.high) medianCovered++
      if (p95.low <= -30 * Math.log(20) && -30 * Math.log(20) <= p95.high) p95Covered++
    }
    // 95 % nominal; binomial noise over 30 trials allows a few misses.
    expect(medianCovered).toBeGreaterThanOrEqual(25)
    expect(p95Covered).toBeGreaterThanOrEqual(24)
  })

  it('gives a mean-difference interval as wide as the normal theory says, around the true difference', () => {
    const random = createRandom(77)
    const a = draw(400, random, normal(100, 10))
    const b = draw(400, random, normal(103, 10))
    const estimate = bootstrapMeanDifference(a, b, { seed: 1 })
    // Standard error of the difference: √(10²/400 + 10²/400) ≈ 0.707; a 95 % interval is ≈ ±1.39.
    expect(estimate.high - estimate.low).toBeGreaterThan(2.77 * 0.85)
    expect(estimate.high - estimate.low).toBeLessThan(2.77 * 1.15)
    expect(estimate.low).toBeLessThan(-3 + 1.5)
    expect(estimate.high).toBeGreaterThan(-3 - 1.5)
    expect(includesZero(estimate)).toBe(false)
  })

  it('gives a rate-difference interval close to the normal approximation', () => {
    const estimate = bootstrapRateDifference({ events: 30, trials: 100 }, { events: 50, trials: 100 }, { seed: 2 })
    const se = Math.sqrt((0.3 * 0.7) / 100 + (0.5 * 0.5) / 100)
    expect(estimate.difference).toBeCloseTo(-0.2, 12)
    expect(estimate.low).toBeGreaterThan(-0.2 - 1.96 * se - 0.03)
    expect(estimate.low).toBeLessThan(-0.2 - 1.96 * se + 0.03)
    expect(estimate.high).toBeGreaterThan(-0.2 + 1.96 * se - 0.03)
    expect(estimate.high).toBeLessThan(-0.2 + 1.96 * se + 0.03)
  })

  it('ties identical samples: every interval holds 0', () => {
    const random = createRandom(3)
    const values = draw(150, random, exponential(200))
    for (const p of [50, 95, 99]) expect(includesZero(bootstrapPercentileDifference(values, [...values], p, { seed: p }))).toBe(true)
    expect(includesZero(bootstrapMeanDifference(values, [...values], { seed: 1 }))).toBe(true)
    expect(includesZero(bootstrapRateDifference({ events: 7, trials: 150 }, { events: 7, trials: 150 }, { seed: 1 }))).toBe(true)
    const none = bootstrapRateDifference({ events: 0, trials: 50 }, { events: 0, trials: 90 }, { seed: 1 })
    expect([none.low, none.difference, none.high]).toEqual([0, 0, 0])
    const ratio = { numerators: values, denominators: values.map((_, i) => (i % 3 === 0 ? 0 : 1)) }
    expect(includesZero(bootstrapRatioDifference(ratio, ratio, { seed: 1 }))).toBe(true)
  })

  it('separates clearly different samples and signs the difference A − B', () => {
    const random = createRandom(8)
    const fast = draw(40, random, normal(100, 5))
    const slow = draw(40, random, normal(900, 50))
    const estimate = bootstrapPercentileDifference(fast, slow, 50, { seed: 1 })
    expect(estimate.difference).toBeLessThan(-700)
    expect(estimate.high).toBeLessThan(0)
    const ratio = bootstrapRatioDifference({ numerators: [1, 1, 1, 1], denominators: [1, 1, 1, 1] }, { numerators: [2, 2, 2, 2], denominators: [1, 1, 1, 1] }, { seed: 1 })
    expect(ratio).toMatchObject({ difference: -1, low: -1, high: -1 })
  })

  it('rejects what cannot be bootstrapped', () => {
    expect(() => bootstrapPercentileDifference([], [1], 50)).toThrow(RangeError)
    expect(() => bootstrapPercentileDifference([1], [1], 101)).toThrow(RangeError)
    expect(() => bootstrapRateDifference({ events: 3, trials: 2 }, { events: 0, trials: 1 })).toThrow(RangeError)
    expect(() => bootstrapMeanDifference([1], [1], { resamples: 5 })).toThrow(RangeError)
    expect(() => bootstrapMeanDifference([1], [1], { confidence: 1 })).toThrow(RangeError)
  })
})
