// Pure arithmetic for the benchmark tables: exact percentiles, median and spread over rounds,
// peak overlap of intervals, and the slope of a series. No I/O, so each figure can be tested.
import { nearestRank } from '../../core/stats.js'

/** core/stats.ts `nearestRank` of an ascending-sorted array (p in 0..100), NaN when empty: a gap in a bench table. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  return nearestRank(sorted, p) ?? Number.NaN
}

export interface Percentiles {
  count: number
  p50: number
  p99: number
  max: number
}

/** p50 / p99 / max of the values (copied and sorted; the input is left alone). */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort()
  return {
    count: sorted.length,
    p50: percentileSorted(sorted, 50),
    p99: percentileSorted(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  }
}

/** A figure measured over several rounds: the median is the headline, min–max the spread. */
export interface Spread {
  median: number
  min: number
  max: number
  /** Every round's value, in the order measured. */
  rounds: number[]
}

/** Median (mean of the middle two for an even count) and range of the rounds. */
export function spread(rounds: readonly number[]): Spread {
  const values = rounds.filter((value) => Number.isFinite(value))
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, rounds: [...rounds] }
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, rounds: [...rounds] }
}

/**
 * Largest number of intervals open at one instant. An interval that ends exactly when another
 * starts does not overlap it (the end is processed first).
 */
export function peakOverlap(intervals: readonly (readonly [number, number])[]): number {
  const events: [number, number][] = []
  for (const [start, end] of intervals) {
    if (!(end >= start)) continue
    events.push([start, 1], [end, -1])
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let open = 0
  let peak = 0
  for (const [, delta] of events) {
    open += delta
    if (open > peak) peak = open
  }
  return peak
}

/** How many intervals contain the instant `at` (start ≤ at < end). */
export function openAt(intervals: readonly (readonly [number, number])[], at: number): number {
  let open = 0
  for (const [start, end] of intervals) if (start <= at && at < end) open++
  return open
}

/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than two points. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length
  if (n < 2) return Number.NaN
  let sumX = 0
  let sumY = 0
  for (const [x, y] of points) {
    sumX += x
    sumY += y
  }
  const meanX = sumX / n
  const meanY = sumY / n
  let numerator = 0
  let denominator = 0
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY)
    denominator += (x - meanX) ** 2
  }
  return denominator === 0 ? Number.NaN : numerator / denominator
}

/** A growable Float64 buffer: a million samples without a million boxed numbers. */
export interface NumberBuffer {
  push(value: number): void
  readonly length: number
  values(): Float64Array
}

export function createNumberBuffer(initialCapacity = 1024): NumberBuffer {
  let data = new Float64Array(Math.max(1, initialCapacity))
  let length = 0
  return {
    push(value) {
      if (length === data.length) {
        const grown = new Float64Array(data.length * 2)
        grown.set(data)
        data = grown
      }
      data[length++] = value
    },
    get length() {
      return length
    },
    values: () => data.subarray(0, length),
  }
}
