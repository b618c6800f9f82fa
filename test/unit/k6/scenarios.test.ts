// Traffic offsets -> k6 scenarios: rate stages must start exactly the traffic's requests, each
// within one window of its offset, and last as long as the traffic (plus the tail).
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import {
  exactScenario,
  parseK6DurationMs,
  plannedStartsMs,
  rateScenario,
  scheduleFidelity,
  stagesDurationMs,
  windowCounts,
} from '../../../load/k6/scenarios.js'

function poissonOffsets(count: number, meanGapMs: number, seed: number): number[] {
  const random = createRandom(seed)
  const offsets: number[] = []
  let t = 0
  for (let i = 0; i < count; i++) {
    offsets.push(Math.round(t))
    t += random.exponential(meanGapMs)
  }
  return offsets
}

/** A diurnal-ish burst: quiet, a spike, quiet again, with empty windows between. */
function burstyOffsets(): number[] {
  const offsets: number[] = []
  for (let i = 0; i < 20; i++) offsets.push(i * 500)
  for (let i = 0; i < 300; i++) offsets.push(10_000 + i * 10)
  for (let i = 0; i < 10; i++) offsets.push(30_000 + i * 1000)
  return offsets
}

describe('windowCounts', () => {
  it('counts offsets per half-open window', () => {
    expect(windowCounts([0, 999, 1000, 2500, 2999], 1000)).toEqual([2, 1, 2])
    expect(windowCounts([], 1000)).toEqual([])
  })
  it('rejects unsorted or negative offsets', () => {
    expect(() => windowCounts([5, 3], 1000)).toThrow(/sorted/)
    expect(() => windowCounts([-1], 1000)).toThrow(/≥ 0/)
  })
})

describe('rateScenario', () => {
  const cases: Array<[string, number[], number]> = [
    ['poisson 2000 req, 1 s windows', poissonOffsets(2000, 50, 7), 1000],
    ['poisson 500 req, 250 ms windows', poissonOffsets(500, 120, 8), 250],
    ['bursty with empty windows', burstyOffsets(), 1000],
    ['single request', [0], 1000],
    ['all at once', new Array<number>(50).fill(1234), 1000],
  ]
  for (const [name, offsets, windowMs] of cases) {
    it(`${name}: starts exactly the traffic's requests, each within one window of its offset`, () => {
      const scenario = rateScenario(offsets, { mode: 'rate', windowMs, requestTimeoutMs: 60_000 })
      const starts = plannedStartsMs(scenario)
      expect(starts.length).toBe(offsets.length)
      // Per-window counts of the k6 plan equal the traffic's (a start exactly on a window's end belongs to it).
      const planned = windowCounts(starts.map((s) => Math.max(0, Math.ceil(s) - 1)), windowMs)
      expect(planned).toEqual(windowCounts(offsets, windowMs))
      const fidelity = scheduleFidelity(offsets, starts)
      expect(fidelity.maxDeviationMs).toBeLessThanOrEqual(windowMs)
      // Duration: the traffic's windows plus the half-window tail.
      const windows = Math.floor((offsets[offsets.length - 1] as number) / windowMs) + 1
      expect(stagesDurationMs(scenario)).toBe(windows * windowMs + Math.ceil(windowMs / 2))
      // Starts are ordered, so iteration n (request n) is also the n-th start.
      for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1] as number)
    })
  }

  it('merges windows with equal counts and jumps with 0 s stages', () => {
    const scenario = rateScenario([0, 1000, 2000, 3000, 3500], { mode: 'rate', windowMs: 1000, requestTimeoutMs: 30_000 })
    expect(scenario.startRate).toBe(1)
    expect(scenario.timeUnit).toBe('1000ms')
    expect(scenario.stages).toEqual([
      { duration: '3000ms', target: 1 },
      { duration: '0ms', target: 2 },
      { duration: '1000ms', target: 2 },
      { duration: '0ms', target: 1 },
      { duration: '500ms', target: 1 },
    ])
    expect(scenario.gracefulStop).toBe('35000ms')
  })

  it('sizes VUs from the peak rate unless given', () => {
    const offsets = new Array<number>(100).fill(0)
    const sized = rateScenario(offsets, { mode: 'rate', requestTimeoutMs: 60_000 })
    expect(sized.preAllocatedVUs).toBe(1000)
    expect(sized.maxVUs).toBe(5000)
    const given = rateScenario(offsets, { mode: 'rate', requestTimeoutMs: 60_000, vus: 20, maxVUs: 40 })
    expect([given.preAllocatedVUs, given.maxVUs]).toEqual([20, 40])
  })

  it('rejects a window below 10 ms with a usage error', () => {
    expect(() => rateScenario([0], { mode: 'rate', windowMs: 5, requestTimeoutMs: 1000 })).toThrow(/--window-ms 5/)
  })
})

describe('exactScenario', () => {
  it('runs every request once, long enough for the last answer', () => {
    const offsets = poissonOffsets(300, 100, 3)
    const scenario = exactScenario(offsets, { mode: 'exact', requestTimeoutMs: 60_000, vus: 50 })
    expect(scenario).toMatchObject({ executor: 'shared-iterations', iterations: 300, vus: 50 })
    expect(parseK6DurationMs(scenario.maxDuration)).toBe((offsets[299] as number) + 70_000)
  })
  it('never asks for more VUs than requests', () => {
    expect(exactScenario([0, 10], { mode: 'exact', requestTimeoutMs: 60_000 }).vus).toBe(2)
  })
})

describe('parseK6DurationMs', () => {
  it('reads the forms k6 accepts', () => {
    expect(parseK6DurationMs('1500ms')).toBe(1500)
    expect(parseK6DurationMs('0s')).toBe(0)
    expect(parseK6DurationMs('1h30m')).toBe(5_400_000)
    expect(() => parseK6DurationMs('soon')).toThrow()
  })
})
