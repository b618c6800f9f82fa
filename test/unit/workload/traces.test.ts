// Pure parts of the trace readers: timestamps, PMFs, jitter, rescaled gaps, Γ, profile percentiles.
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import { nearestRank } from '../../../core/stats.js'
import { parseAzureTimestamp } from '../../../load/workload/trace-azure.js'
import { jitterEqualTimes } from '../../../load/workload/trace-mooncake.js'
import { gammaFunction, parsePmf, samplePmf, servegenExpected, windowGaps, type ServegenWindow } from '../../../load/workload/trace-servegen.js'
import { normalQuantile } from '../../../load/workload/tasks.js'

describe('parseAzureTimestamp', () => {
  it('keeps all seven fractional digits', () => {
    expect(parseAzureTimestamp('2023-11-16 18:15:46.6805900')).toEqual({ ms: Date.UTC(2023, 10, 16, 18, 15, 46) + 680, ticks: 5900 })
    expect(parseAzureTimestamp('2023-11-16 18:15:46.68')).toEqual({ ms: Date.UTC(2023, 10, 16, 18, 15, 46) + 680, ticks: 0 })
    expect(parseAzureTimestamp('2023-11-16 18:15:46')).toEqual({ ms: Date.UTC(2023, 10, 16, 18, 15, 46), ticks: 0 })
    expect(parseAzureTimestamp('2023-11-16T00:00:00.0000001')).toEqual({ ms: Date.UTC(2023, 10, 16), ticks: 1 })
  })
  it.each(['', '2023-11-16', '2023-02-30 10:00:00', '2023-11-16 24:00:00', '2023-11-16 10:61:00', '16/11/2023 10:00:00', '2023-11-16 10:00:00.12345678'])('rejects %j', (text) => {
    expect(parseAzureTimestamp(text)).toBeUndefined()
  })
})

describe('jitterEqualTimes', () => {
  it('spreads runs of equal times evenly up to the next time and leaves distinct times', () => {
    const times = [0, 0, 0, 0, 100, 150, 150]
    const spread = jitterEqualTimes(times)
    expect(spread).toBe(4)
    expect(times).toEqual([0, 25, 50, 75, 100, 150, 150 + 75 / 2])
  })
})

describe('ServeGen helpers', () => {
  it('parses a Python dict PMF and samples it', () => {
    const pmf = parsePmf('{4: 0.25, 5: 0.0, 10: 5e-01, 12: 0.25}', 'w')
    expect([...pmf.values]).toEqual([4, 10, 12])
    const random = createRandom(1)
    const counts = new Map<number, number>()
    for (let i = 0; i < 40_000; i++) {
      const value = samplePmf(pmf, random)
      counts.set(value, (counts.get(value) ?? 0) + 1)
    }
    expect((counts.get(10) ?? 0) / 40_000).toBeCloseTo(0.5, 1)
    expect((counts.get(4) ?? 0) / 40_000).toBeCloseTo(0.25, 1)
    expect(() => parsePmf('{1.5: 1}', 'w')).toThrow(/length 1\.5 is not a token count/)
    expect(() => parsePmf('{}', 'w')).toThrow(/no length has a positive probability/)
  })

  it('computes Γ', () => {
    expect(gammaFunction(5)).toBeCloseTo(24, 9)
    expect(gammaFunction(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 9)
    expect(gammaFunction(4.7)).toBeCloseTo(15.431411, 5)
  })

  it('rescales Gamma and Weibull gaps to the window rate', () => {
    const base = { startS: 0, cv: 2, line: 1 }
    const windows: ServegenWindow[] = [
      { ...base, rate: 8, family: 'Gamma', shape: 0.5, scale: 0.3 },
      { ...base, rate: 8, family: 'Weibull', shape: 0.4, scale: 0.05 },
      { ...base, rate: 8, family: '', shape: 0, scale: 0 },
    ]
    for (const window of windows) {
      const gap = windowGaps(window, createRandom(window.family))
      let sum = 0
      let squares = 0
      const n = 200_000
      for (let i = 0; i < n; i++) {
        const g = gap()
        sum += g
        squares += g * g
      }
      const mean = sum / n
      expect(mean, window.family).toBeCloseTo(1 / 8, 2)
      if (window.family === 'Gamma') expect(Math.sqrt(squares / n - mean * mean) / mean).toBeCloseTo(Math.sqrt(2), 1)
    }
  })

  it('sums the expected requests over a range', () => {
    const w = (startS: number, rate: number): ServegenWindow => ({ startS, rate, cv: 1, family: 'Gamma', shape: 1, scale: 1, line: 1 })
    const windows = [w(0, 1), w(600, 2), w(1200, 0)]
    expect(servegenExpected(windows, { fromMs: 0, toMs: Infinity })).toBe(1800)
    expect(servegenExpected(windows, { fromMs: 300_000, toMs: 900_000 })).toBe(300 + 600)
  })
})

describe('numbers used by the profile and the tests', () => {
  it('nearest-rank percentiles', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    expect(nearestRank(sorted, 50)).toBe(5)
    expect(nearestRank(sorted, 90)).toBe(9)
    expect(nearestRank(sorted, 99)).toBe(10)
    expect(nearestRank([], 50)).toBeNull()
  })
  it('inverse normal CDF', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5)
  })
})
