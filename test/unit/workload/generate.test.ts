// The workload model checked against its own parameters: determinism, Poisson counts, the
// diurnal shape, time zones, per-task token distributions, windows, time scale, burstiness.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../core/errors.js'
import { serializeTrafficRequest } from '../../../load/traffic-serialize.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { expectedArrivals } from '../../../load/workload/arrivals.js'
import { normalizeCurve, WORKDAY_CURVE } from '../../../load/workload/diurnal.js'
import { busiestHour, generateTraffic, planTraffic, type GenerateOptions } from '../../../load/workload/generate.js'
import { PRESETS, type WorkloadPreset } from '../../../load/workload/presets.js'
import { profileTraffic, zoneRangesFromHeader } from '../../../load/workload/profile.js'
import { DEFAULT_TASK_MIX, tokenQuantile } from '../../../load/workload/tasks.js'

const HOUR_MS = 3_600_000

function all(options: GenerateOptions): TrafficRequest[] {
  return [...generateTraffic(options)]
}

function digest(options: GenerateOptions): { hash: string; count: number } {
  const hash = createHash('sha256')
  let count = 0
  for (const request of generateTraffic(options)) {
    hash.update(serializeTrafficRequest(request))
    hash.update('\n')
    count++
  }
  return { hash: hash.digest('hex'), count }
}

function singleZone(overrides: Partial<WorkloadPreset> = {}): WorkloadPreset {
  const base = PRESETS['workday'] as WorkloadPreset
  return {
    ...base,
    name: 'single-zone-workday',
    population: { ...base.population, timeZones: [{ utcOffsetHours: 0, share: 1 }], userActivityCv: 0 },
    ...overrides,
  }
}

function expectUserError(run: () => unknown, code: string, pattern: RegExp): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).code).toBe(code)
    expect((error as UserError).message).toMatch(pattern)
    return
  }
  throw new Error('expected a UserError')
}

describe('generateTraffic', () => {
  it('gives identical requests for the same seed and different ones for another seed', () => {
    const a = digest({ preset: 'peak-hour', seed: 7, employees: 2000 })
    const b = digest({ preset: 'peak-hour', seed: 7, employees: 2000 })
    const c = digest({ preset: 'peak-hour', seed: 8, employees: 2000 })
    expect(a).toEqual(b)
    expect(c.hash).not.toBe(a.hash)
  })

  it('keeps request counts within Poisson tolerance of the expected value', () => {
    for (const [preset, employees] of [
      ['peak-hour', 3000],
      ['workday', 1000],
      ['weekend', 10000],
    ] as const) {
      for (const seed of [1, 2, 3]) {
        const traffic = generateTraffic({ preset, seed, employees })
        const count = [...traffic].length
        const expected = traffic.expectedRequests
        // 4.5 standard deviations: a false alarm about once in 150,000 runs per check.
        expect(Math.abs(count - expected), `${preset} seed ${seed}: ${count} vs ${expected}`).toBeLessThan(4.5 * Math.sqrt(expected))
      }
    }
  })

  it('matches the population arithmetic: one working day = active users × queries per day', () => {
    const plan = planTraffic({ preset: singleZone(), seed: 1, employees: 1000, adoption: 0.5, queriesPerDay: 20 })
    expect(plan.expectedRequests).toBeCloseTo(500 * 20, 6)
    const weekend = planTraffic({ preset: { ...singleZone(), startDay: 'sat' }, seed: 1, employees: 1000, adoption: 0.5, queriesPerDay: 20 })
    expect(weekend.expectedRequests).toBeCloseTo(500 * 20 * 0.05, 6)
  })

  it('recovers the diurnal curve from the hourly counts of a workday', () => {
    const requests = all({ preset: singleZone(), seed: 11, employees: 2000, adoption: 1, queriesPerDay: 25 })
    const hourly = new Array<number>(24).fill(0)
    for (const request of requests) {
      const hour = Math.floor(request.offsetMs / HOUR_MS)
      hourly[hour] = (hourly[hour] as number) + 1
    }
    const curve = normalizeCurve(WORKDAY_CURVE) as number[]
    const total = 2000 * 25
    for (let hour = 0; hour < 24; hour++) {
      const expected = total * (curve[hour] as number)
      expect(Math.abs((hourly[hour] as number) - expected), `hour ${hour}`).toBeLessThan(4.5 * Math.sqrt(expected) + 1)
    }
    // Shape: morning peak at 10:00, lunch dip, after-lunch peak.
    expect(hourly.indexOf(Math.max(...hourly))).toBe(10)
    expect(hourly[12]).toBeLessThan(hourly[10] as number)
    expect(hourly[12]).toBeLessThan(hourly[14] as number)
  })

  it('spreads a multi-zone workday by the zones and their local curves', async () => {
    const traffic = generateTraffic({ preset: 'workday', seed: 5, employees: 1500 })
    const { plan } = traffic
    const requests = [...traffic]
    // Expected requests per UTC hour from the plan's segments.
    for (let hour = 0; hour < 24; hour++) {
      const expected = expectedArrivals(
        plan.segments
          .filter((segment) => segment.startMs < (hour + 1) * HOUR_MS && segment.endMs > hour * HOUR_MS)
          .map((segment) => ({ ...segment, startMs: Math.max(segment.startMs, hour * HOUR_MS), endMs: Math.min(segment.endMs, (hour + 1) * HOUR_MS) })),
      )
      const observed = requests.filter((request) => Math.floor(request.offsetMs / HOUR_MS) === hour).length
      expect(Math.abs(observed - expected), `UTC hour ${hour}`).toBeLessThan(4.5 * Math.sqrt(expected) + 1)
    }
    // Share per time zone against the plan.
    const profile = await profileTraffic(requests, { zones: zoneRangesFromHeader(traffic.draftHeader) ?? [] })
    plan.zones.forEach((zone, z) => {
      let expected = 0
      plan.segments.forEach((segment, i) => (expected += (plan.zoneRates[i]?.[z] as number) * (segment.endMs - segment.startMs)))
      const observed = profile.timeZones?.[z]?.requests ?? -1
      expect(Math.abs(observed - expected), zone.label).toBeLessThan(4.5 * Math.sqrt(expected) + 1)
      expect(profile.timeZones?.[z]?.share).toBeCloseTo(observed / requests.length, 10)
    })
  })

  it('attributes requests to users of the right zone, with ids like u00042', () => {
    const traffic = generateTraffic({ preset: 'peak-hour', seed: 3, employees: 500 })
    const zones = traffic.plan.zones
    const lastUser = (zones[zones.length - 1]?.firstUser ?? 0) + (zones[zones.length - 1]?.activeUsers ?? 0)
    const perUser = new Map<string, number[]>()
    for (const request of traffic) {
      expect(request.userId).toMatch(/^u\d{5}$/)
      expect(Number(request.userId.slice(1))).toBeLessThan(lastUser)
      perUser.set(request.userId, [...(perUser.get(request.userId) ?? []), request.offsetMs])
    }
    // Users come back: a user's requests form a sequence.
    expect([...perUser.values()].some((offsets) => offsets.length >= 3)).toBe(true)
  })

  it('draws per-task token counts from their distributions', () => {
    const requests = all({ preset: 'workday', seed: 21, employees: 4000 })
    expect(requests.length).toBeGreaterThan(60_000)
    for (const [task, profile] of Object.entries(DEFAULT_TASK_MIX)) {
      const mine = requests.filter((request) => request.task === task)
      expect(mine.length / requests.length).toBeCloseTo(profile.weight, 1)
      for (const side of ['input', 'output'] as const) {
        const values = mine.map((request) => (side === 'input' ? request.inputTokens : (request.targetOutputTokens as number)))
        for (const q of [0.1, 0.5, 0.9, 0.99]) {
          const x = tokenQuantile(profile[side], q)
          // The empirical CDF at the model's q-quantile must straddle q (ties from rounding).
          const below = values.filter((v) => v < x).length / values.length
          const atOrBelow = values.filter((v) => v <= x).length / values.length
          const tolerance = 4.5 * Math.sqrt((q * (1 - q)) / values.length)
          expect(below, `${task} ${side} q${q}`).toBeLessThanOrEqual(q + tolerance)
          expect(atOrBelow, `${task} ${side} q${q}`).toBeGreaterThanOrEqual(q - tolerance)
        }
        expect(Math.min(...values)).toBeGreaterThanOrEqual(profile[side].min)
        expect(Math.max(...values)).toBeLessThanOrEqual(profile[side].max)
      }
      for (const request of mine) {
        expect(request.inputTokens).toBe(request.prompt?.tokens)
        expect(request.maxOutputTokens).toBeGreaterThanOrEqual(request.targetOutputTokens as number)
        expect(request.responseSchema !== undefined).toBe(task === 'extract-table')
      }
    }
  })

  it('keeps the same profile within tolerance for another seed', async () => {
    const a = await profileTraffic(generateTraffic({ preset: 'peak-hour', seed: 1, employees: 5000 }))
    const b = await profileTraffic(generateTraffic({ preset: 'peak-hour', seed: 2, employees: 5000 }))
    expect(Math.abs(a.requests - b.requests)).toBeLessThan(4.5 * Math.sqrt(2 * a.requests))
    for (const task of a.tasks) {
      const other = b.tasks.find((t) => t.task === task.task)
      expect(other).toBeDefined()
      expect(Math.abs(task.share - (other?.share ?? 0))).toBeLessThan(0.02)
      // Median of a lognormal: standard error ≈ 1.2533 σ / √n in log space, for each of two samples.
      const sigma = DEFAULT_TASK_MIX[task.task]?.input.sigma ?? 1
      const tolerance = 4.5 * 1.2533 * sigma * Math.sqrt(1 / task.requests + 1 / (other?.requests ?? 1))
      expect(Math.abs(Math.log(task.input.p50 / (other?.input.p50 ?? 1)))).toBeLessThan(tolerance)
    }
  })

  it('compresses time with timeScale and keeps the same requests', () => {
    const plain = all({ preset: 'peak-hour', seed: 4, employees: 800 })
    const fast = all({ preset: 'peak-hour', seed: 4, employees: 800, timeScale: 60 })
    expect(fast.length).toBe(plain.length)
    for (let i = 0; i < plain.length; i++) {
      expect(Math.abs((fast[i]?.offsetMs as number) - (plain[i]?.offsetMs as number) / 60)).toBeLessThanOrEqual(0.51)
      expect(fast[i]?.prompt).toEqual(plain[i]?.prompt)
    }
    expect(fast[fast.length - 1]?.offsetMs).toBeLessThanOrEqual(60_000)
  })

  it('cuts a window and rebases offsets to its start', () => {
    const traffic = generateTraffic({ preset: 'workday', seed: 6, employees: 1000, window: '8-12' })
    const requests = [...traffic]
    expect(Math.abs(requests.length - traffic.expectedRequests)).toBeLessThan(4.5 * Math.sqrt(traffic.expectedRequests))
    expect(requests.every((request) => request.offsetMs >= 0 && request.offsetMs <= 4 * HOUR_MS)).toBe(true)
    expect(traffic.plan.window).toEqual({ startMs: 8 * HOUR_MS, endMs: 12 * HOUR_MS })
  })

  it('makes arrivals bursty with a coefficient of variation above 1', () => {
    const dispersion = (requests: TrafficRequest[]): number => {
      const bins = new Array<number>(360).fill(0)
      for (const request of requests) {
        const bin = Math.floor(request.offsetMs / 10_000)
        bins[bin] = (bins[bin] as number) + 1
      }
      const mean = bins.reduce((a, b) => a + b, 0) / bins.length
      const variance = bins.reduce((a, b) => a + (b - mean) ** 2, 0) / (bins.length - 1)
      return variance / mean
    }
    const poisson = generateTraffic({ preset: 'peak-hour', seed: 9, employees: 3000 })
    const bursty = generateTraffic({ preset: 'peak-hour', seed: 9, employees: 3000, burstinessCv: 3 })
    const p = [...poisson]
    const b = [...bursty]
    expect(dispersion(p)).toBeGreaterThan(0.75)
    expect(dispersion(p)).toBeLessThan(1.35)
    // A gamma renewal process has count dispersion → cv² = 9 for long bins.
    expect(dispersion(b)).toBeGreaterThan(4)
    expect(Math.abs(b.length - bursty.expectedRequests)).toBeLessThan(4.5 * 3 * Math.sqrt(bursty.expectedRequests))
  })

  it('stops at maxRequests and reports the exact header', () => {
    const traffic = generateTraffic({ preset: 'workday', seed: 2, employees: 500, maxRequests: 123 })
    const requests = [...traffic]
    expect(requests).toHaveLength(123)
    expect(traffic.header.requestCount).toBe(123)
    expect(traffic.header.spanMs).toBe(requests[122]?.offsetMs)
    const uncapped = generateTraffic({ preset: 'peak-hour', seed: 2, employees: 300 })
    expect(uncapped.header.requestCount).toBe([...uncapped].length)
  })

  it('serves requests as an async iterable too', async () => {
    const traffic = generateTraffic({ preset: 'peak-hour', seed: 2, employees: 100 })
    const list: TrafficRequest[] = []
    for await (const request of traffic.requests) list.push(request)
    expect(list).toEqual([...traffic])
  })

  it('starts peak-hour at the busiest hour', () => {
    const plan = planTraffic({ preset: 'peak-hour', seed: 1 })
    const workday = planTraffic({ preset: 'workday', seed: 1 })
    const hours = Array.from({ length: 24 }, (_, hour) =>
      expectedArrivals(planTraffic({ preset: 'workday', seed: 1, window: { startMs: hour * HOUR_MS, endMs: (hour + 1) * HOUR_MS } }).segments),
    )
    const start = (plan.header.parameters?.['start'] as { hourUtc: number }).hourUtc
    expect(start).toBe(hours.indexOf(Math.max(...hours)))
    expect(busiestHour(plan.preset, plan.zones)).toBe(start)
    expect(plan.expectedRequests).toBeCloseTo(Math.max(...hours), 6)
    expect(workday.expectedRequests).toBeGreaterThan(plan.expectedRequests * 5)
  })

  it('rejects bad options with one clear error', () => {
    expectUserError(() => generateTraffic({ preset: 'rush-hour', seed: 1 }), 'USAGE_INVALID', /'rush-hour' is not a preset; expected one of peak-hour, workday, weekend/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: 1, employees: 0 }), 'USAGE_INVALID', /--employees must be a whole number/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: 1, adoption: 1.5 }), 'USAGE_INVALID', /--adoption must be a share in \(0, 1\]/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: 1, timeScale: 0 }), 'USAGE_INVALID', /--time-scale must be a number > 0/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: 1, window: '20-30' }), 'USAGE_INVALID', /must lie within the preset's 24 h/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: 1, window: '12-8' }), 'USAGE_INVALID', /START-END with END after START/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: -1 }), 'USAGE_INVALID', /--seed/)
    expectUserError(() => generateTraffic({ preset: 'workday', seed: 1, burstinessCv: 0 }), 'USAGE_INVALID', /--burstiness/)
  })

  it('applies a workload model file and names bad fields', () => {
    const model = { population: { timeZones: [{ utcOffsetHours: 9, share: 1 }], queriesPerDay: 10 }, taskMix: { chat: { weight: 1 } } }
    const plan = planTraffic({ preset: 'workday', seed: 1, employees: 100, adoption: 1, model: { json: model, file: 'model.json' } })
    expect(plan.expectedRequests).toBeGreaterThan(999)
    expect(plan.expectedRequests).toBeLessThan(1001)
    expect([...generateTraffic({ preset: 'peak-hour', seed: 1, employees: 100, model: { json: model, file: 'model.json' } })].every((r) => r.task === 'chat')).toBe(true)
    const bad: [unknown, RegExp][] = [
      [{ population: { timeZones: [{ utcOffsetHours: 30, share: 1 }] } }, /model\.json: field 'population\.timeZones\[0\]\.utcOffsetHours' must be hours from UTC/],
      [{ population: { workdayCurve: [1, 2, 3] } }, /field 'population\.workdayCurve' must have exactly 24/],
      [{ population: { workdayCurve: new Array(24).fill(0) } }, /at least one positive weight/],
      [{ populaton: {} }, /unknown field 'populaton'/],
      [{ taskMix: { translate: { weight: 1 } } }, /'taskMix\.translate' is a new task and needs input, output and maxOutputTokens/],
      [{ taskMix: { chat: { weight: 0 } } }, /at least one task with a positive weight/],
      [[1, 2], /must be a JSON object/],
    ]
    for (const [json, pattern] of bad) expectUserError(() => planTraffic({ preset: 'workday', seed: 1, model: { json, file: 'model.json' } }), 'CONFIG_INVALID', pattern)
  })

  it('accepts the example model file in load/workload/README.md', () => {
    const readme = readFileSync(new URL('../../../load/workload/README.md', import.meta.url), 'utf8')
    const json = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? 'null') as unknown
    const plan = planTraffic({ preset: 'workday', seed: 1, model: { json, file: 'README.md' } })
    expect(plan.preset.population.employees).toBe(4000)
    expect(plan.window.endMs).toBe(HOUR_MS)
    expect(Object.keys(plan.preset.taskMix)).toEqual(['chat', 'write-email'])
  })
})
