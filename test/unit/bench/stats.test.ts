// The benchmark arithmetic against hand-computed answers: every figure in bench/results comes from these.
import { describe, expect, it } from 'vitest'
import { createNumberBuffer, openAt, peakOverlap, percentiles, percentileSorted, slope, spread } from '../../../bench/lib/stats.js'

describe('percentileSorted (nearest rank)', () => {
  const values = Float64Array.from({ length: 100 }, (_, index) => index + 1)
  it.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [0, 1],
    [1, 1],
    [99.5, 100],
  ])('p%d of 1..100 is %d', (p, expected) => {
    expect(percentileSorted(values, p)).toBe(expected)
  })

  it('is NaN when empty', () => {
    expect(percentileSorted([], 50)).toBeNaN()
  })
})

describe('percentiles', () => {
  it('sorts a copy and reports p50, p99 and max', () => {
    const input = [5, 1, 4, 2, 3]
    expect(percentiles(input)).toEqual({ count: 5, p50: 3, p99: 5, max: 5 })
    expect(input).toEqual([5, 1, 4, 2, 3])
  })

  it('keeps negative values (signed errors)', () => {
    expect(percentiles([-2, -1, 0, 1, 30]).p50).toBe(0)
  })
})

describe('spread', () => {
  it('takes the middle value of an odd count and the range', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, rounds: [3, 1, 2] })
  })

  it('averages the middle two of an even count', () => {
    expect(spread([4, 1, 3, 2]).median).toBe(2.5)
  })

  it('ignores rounds that produced no number', () => {
    expect(spread([Number.NaN, 2, 4])).toMatchObject({ median: 3, min: 2, max: 4 })
    expect(spread([Number.NaN]).median).toBeNaN()
  })
})

describe('peakOverlap and openAt', () => {
  it('counts intervals open at once', () => {
    expect(
      peakOverlap([
        [0, 10],
        [2, 5],
        [4, 8],
        [9, 12],
      ]),
    ).toBe(3)
  })

  it('does not count an interval that ends where another starts', () => {
    expect(
      peakOverlap([
        [0, 5],
        [5, 10],
      ]),
    ).toBe(1)
  })

  it('finds the intervals open at an instant', () => {
    const intervals: [number, number][] = [
      [0, 10],
      [2, 5],
      [5, 8],
    ]
    expect(openAt(intervals, 5)).toBe(2)
    expect(openAt(intervals, 10)).toBe(0)
  })
})

describe('slope', () => {
  it('is exact on a line', () => {
    expect(slope([0, 1, 2, 3].map((x) => [x, 2 * x + 7] as const))).toBeCloseTo(2, 12)
  })

  it('is 0 on a flat series and NaN on one point', () => {
    expect(slope([[0, 5], [1, 5], [2, 5]])).toBe(0)
    expect(slope([[0, 1]])).toBeNaN()
  })
})

describe('createNumberBuffer', () => {
  it('grows past its capacity and keeps every value in order', () => {
    const buffer = createNumberBuffer(2)
    for (let value = 0; value < 1000; value++) buffer.push(value)
    expect(buffer.length).toBe(1000)
    expect(buffer.values()[999]).toBe(999)
    expect(Array.from(buffer.values().subarray(0, 3))).toEqual([0, 1, 2])
  })
})
