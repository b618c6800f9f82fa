// Forecast arithmetic equals hand-computed figures: the token profile, spend per day, month and
// year, the peak-hour rate and Little's law, sweep interpolation, and the busiest hour's share
// of a day recomputed here from the diurnal curve and the time-zone mix.
import { describe, expect, it } from 'vitest'
import { peakHourShare } from '../../../bin/commands/forecast.js'
import { normalizeCurve, WORKDAY_CURVE } from '../../../load/workload/diurnal.js'
import { DEFAULT_POPULATION } from '../../../load/workload/presets.js'
import { forecastWorkforce, interpolateSweep, taskProfileOf, type ForecastDocument } from '../../../results/forecast.js'
import { renderForecastTerminal } from '../../../results/reports/forecast-terminal.js'
import type { GroupStats } from '../../../results/summary.js'
import { analyzeSweep, DEFAULT_SWEEP_CRITERIA, type SweepDocument, type SweepStep } from '../../../results/sweep.js'

function task(requests: number, ok: number, okInput: number, okOutput: number): GroupStats {
  const latency = { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null }
  return {
    requests,
    byOutcome: ok === requests ? { ok } : { ok, http_500: requests - ok },
    error_rate: 0,
    abandon_rate: 0,
    ttft_ms: latency,
    e2e_ms: latency,
    spend_usd: 0,
    retry_amplification: 1,
    wasted_usd: 0,
    input_tokens: okInput,
    output_tokens: okOutput,
    ok_input_tokens: okInput,
    ok_output_tokens: okOutput,
  }
}

const TASKS = {
  // 50 completed of 60: means 100 in, 300 out; 60 % of requests.
  chat: task(60, 50, 5_000, 15_000),
  // 40 of 40: means 200 in, 200 out; 40 %.
  'write-email': task(40, 40, 8_000, 8_000),
}
// $1 per million input tokens, $2 per million output tokens.
const PRICE = { inputUsdPerMTok: 1, outputUsdPerMTok: 2 }

describe('token profile', () => {
  it('means per completed request and the mix by share of requests', () => {
    const profile = taskProfileOf(TASKS)
    expect(profile.completed).toBe(90)
    expect(profile.rows.map((row) => [row.name, row.share, row.meanInputTokens, row.meanOutputTokens])).toEqual([
      ['chat', 0.6, 100, 300],
      ['write-email', 0.4, 200, 200],
    ])
  })

  it('a task with no completed request is left out and named', () => {
    const profile = taskProfileOf({ ...TASKS, 'code-assist': task(100, 0, 0, 0) })
    expect(profile.dropped).toEqual([{ name: 'code-assist', share: 0.5 }])
    expect(profile.rows.map((row) => row.name)).toEqual(['chat', 'write-email'])
  })
})

describe('workforce forecast', () => {
  const input = {
    tasks: TASKS,
    price: PRICE,
    queriesPerDay: 10,
    workingDaysPerMonth: 21,
    runStreamTimeMs: 3_000,
    scenarios: [
      { label: 'pilot', employees: 50, adoption: 1, peakHourShare: 0.1 },
      { label: 'enterprise', employees: 1_000, adoption: 0.5, peakHourShare: 0.1 },
    ],
  }

  it('spend per request, day, month and year; peak rate; Little’s law', () => {
    const result = forecastWorkforce(input)
    // chat (100 × $1 + 300 × $2)/1e6 = $0.0007; email (200 + 400)/1e6 = $0.0006; mix 0.6 × 0.0007 + 0.4 × 0.0006.
    expect(result.perRequestUsd).toBeCloseTo(0.00066, 12)
    expect(result.profile.rows.map((row) => row.perRequestUsd)).toEqual([expect.closeTo(0.0007, 12), expect.closeTo(0.0006, 12)])
    const enterprise = result.scenarios[1]
    expect(enterprise?.activeUsers).toBe(500)
    expect(enterprise?.requestsPerDay).toBe(5_000)
    expect(enterprise?.requestsPerMonth).toBe(105_000)
    expect(enterprise?.perDayUsd).toBeCloseTo(3.3, 10)
    expect(enterprise?.perMonthUsd).toBeCloseTo(69.3, 10)
    expect(enterprise?.perYearUsd).toBeCloseTo(831.6, 9)
    // 5,000 a day × 10 % in the busiest hour = 500 an hour = 0.1389 req/s; × 3 s open = 0.4167 streams.
    expect(enterprise?.peakRequestsPerHour).toBeCloseTo(500, 10)
    expect(enterprise?.peakRatePerSecond).toBeCloseTo(500 / 3600, 12)
    expect(enterprise?.concurrentStreams).toBeCloseTo((500 / 3600) * 3, 12)
    expect(enterprise?.streamTimeBasis).toBe('run')
    const pilot = result.scenarios[0]
    expect(pilot?.requestsPerDay).toBe(500)
    expect(pilot?.perYearUsd).toBeCloseTo(500 * 0.00066 * 21 * 12, 10)
  })

  it('without a price, spend is unknown and says so', () => {
    const result = forecastWorkforce({ ...input, price: undefined })
    expect(result.scenarios[1]?.perDayUsd).toBeNull()
    expect(result.notes.some((note) => note.startsWith('no price for the model'))).toBe(true)
  })
})

function sweepStep(index: number, load: number, ttftP95: number, e2eServiceMeanMs: number, throughput = load): SweepStep {
  return {
    index,
    load,
    durationMs: 10_000,
    runDurationMs: 12_000,
    scheduled: 10,
    sent: 10,
    ok: 10,
    errors: 0,
    abandoned: 0,
    throughputPerSecond: throughput,
    ttftMs: { p50: ttftP95 / 2, p95: ttftP95, p99: ttftP95, mean: null },
    e2eMs: { p50: 1_000 * load, p95: 2_000 * load, p99: null, mean: null },
    e2eServiceMeanMs,
    errorRate: 0,
    abandonRate: 0,
    goodputShare: load <= 2 ? 1 : 0.5,
    spendUsd: 0,
    outDir: null,
    notes: [],
  }
}

function sweepOf(steps: SweepStep[], mode: 'rate' | 'users' = 'rate'): SweepDocument {
  return {
    schemaVersion: 1,
    kind: 'sweep',
    createdAt: '2025-01-01T00:00:00.000Z',
    target: { label: 'mock:typical-cloud', model: 'm', pricedAs: null },
    traffic: 'preset:peak-hour',
    mode,
    slo: {},
    criteria: DEFAULT_SWEEP_CRITERIA,
    stepDurationMs: 10_000,
    stepRequests: null,
    steps,
    analysis: analyzeSweep(steps, DEFAULT_SWEEP_CRITERIA, mode),
    stoppedEarly: null,
    plannedLoads: steps.map((s) => s.load),
  }
}

describe('latency at a rate, from a sweep', () => {
  const sweep = sweepOf([sweepStep(1, 1, 100, 1_000), sweepStep(2, 2, 200, 2_000), sweepStep(3, 4, 1_000, 6_000)])

  it('interpolates linearly between the steps around the rate, with headroom to the SLO-meeting load', () => {
    const at = interpolateSweep(sweep, 3)
    expect(at.status).toBe('within')
    expect([at.lowerLoad, at.upperLoad]).toEqual([2, 4])
    expect(at.ttftP95Ms).toBeCloseTo(600, 12)
    expect(at.e2eP95Ms).toBeCloseTo(6_000, 12)
    expect(at.e2eServiceMeanMs).toBeCloseTo(4_000, 12)
    expect(at.maxRateMeetingSlo).toBe(2)
    expect(at.headroom).toBeCloseTo(2 / 3, 12)
    expect(at.note).toBe('interpolated between the 2 and 4 req/s steps; above the 2 req/s that met the SLOs')
    expect(interpolateSweep(sweep, 1.5).note).toBe('interpolated between the 1 and 2 req/s steps; within the 2 req/s that met the SLOs (headroom ×1.3)')
  })

  it('says when the rate is beyond the highest step (no latency given) or below the lowest', () => {
    const beyond = interpolateSweep(sweep, 5)
    expect(beyond.status).toBe('beyond')
    expect(beyond.ttftP95Ms).toBeNull()
    expect(beyond.note).toBe('beyond the highest step measured (4 req/s): not measured, so no latency is given; above the 2 req/s that met the SLOs')
    const below = interpolateSweep(sweep, 0.25)
    expect(below.status).toBe('below')
    expect(below.ttftP95Ms).toBe(100)
  })

  it('a users sweep is read on its served rate', () => {
    const users = sweepOf([sweepStep(1, 8, 100, 1_000, 2), sweepStep(2, 16, 300, 2_000, 3)], 'users')
    const at = interpolateSweep(users, 2.5)
    expect(at.ttftP95Ms).toBeCloseTo(200, 12)
  })

  it('streams use the sweep’s stream time at the rate when it was measured there', () => {
    const result = forecastWorkforce({
      tasks: TASKS,
      price: PRICE,
      queriesPerDay: 10,
      workingDaysPerMonth: 21,
      runStreamTimeMs: 9_999,
      // 3 req/s at peak: 3 × 3600 / 0.1 = 108,000 requests a day = 10,800 users × 10.
      scenarios: [{ label: 'enterprise', employees: 10_800, adoption: 1, peakHourShare: 0.1 }],
      sweep,
    })
    const enterprise = result.scenarios[0]
    expect(enterprise?.peakRatePerSecond).toBeCloseTo(3, 12)
    expect(enterprise?.streamTimeBasis).toBe('sweep')
    expect(enterprise?.concurrentStreams).toBeCloseTo(3 * 4, 12)
  })
})

describe('the busiest hour of a working day', () => {
  it('equals the maximum over UTC hours of the zones’ curve shares (computed here by hand)', () => {
    const curve = normalizeCurve(WORKDAY_CURVE) as number[]
    const zones = DEFAULT_POPULATION.timeZones
    const total = zones.reduce((sum, zone) => sum + zone.share, 0)
    let best = 0
    for (let hour = 0; hour < 24; hour++) {
      let share = 0
      for (const zone of zones) {
        // A UTC hour covers local [hour + offset, hour + offset + 1): split across two local hours for half-hour zones.
        const start = hour + zone.utcOffsetHours
        const first = Math.floor(start)
        const part = 1 - (start - first)
        const at = (h: number): number => curve[((h % 24) + 24) % 24] as number
        share += (zone.share / total) * (part * at(first) + (1 - part) * at(first + 1))
      }
      best = Math.max(best, share)
    }
    // 10,000 × 75 % splits into whole active users exactly in proportion, so the model's share is exact.
    expect(peakHourShare(10_000, 0.75, 30)).toBeCloseTo(best, 9)
    expect(best).toBeGreaterThan(0.08)
    expect(best).toBeLessThan(0.082)
  })
})

describe('forecast terminal', () => {
  it('puts the pilot next to the enterprise in one table', () => {
    const result = forecastWorkforce({
      tasks: TASKS,
      price: PRICE,
      queriesPerDay: 10,
      workingDaysPerMonth: 21,
      runStreamTimeMs: 3_000,
      scenarios: [
        { label: 'pilot', employees: 50, adoption: 1, peakHourShare: 0.1 },
        { label: 'enterprise', employees: 1_000, adoption: 0.5, peakHourShare: 0.1 },
      ],
    })
    const document: ForecastDocument = {
      ...result,
      schemaVersion: 1,
      kind: 'forecast',
      createdAt: '2025-01-01T00:00:00.000Z',
      run: { dir: '/runs/a', runId: 'run-a', target: 'mock:typical-cloud', completed: 90 },
      pricedAs: 'test-model',
      priceTableAsOf: null,
      assumptions: { queriesPerDay: 10, workingDaysPerMonth: 21, peakModel: 'test', streamTime: 'test' },
      sweep: null,
      runSpendPerRequestUsd: null,
    }
    const text = renderForecastTerminal(document)
    expect(text).toMatch(/^\s+pilot \(50 users\)\s+enterprise \(1,000 × 50 %\)$/m)
    expect(text).toMatch(/^spend per working day\s+\$0\.33\s+\$3\.30$/m)
    expect(text).toMatch(/^spend per year\s+\$83\.16\s+\$832$/m)
    expect(text).toMatch(/^peak-hour rate \(req\/s\)\s+0\.014\s+0\.14$/m)
  })
})
