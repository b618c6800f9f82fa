// Sweep analysis on known step data: SLO verdicts, the highest load meeting them, the knee
// (latency growth per doubling, throughput gain), the stop rule, chart data and flag parsing.
import { describe, expect, it } from 'vitest'
import { geometricRates, parseLoadList } from '../../../bin/commands/sweep.js'
import { stepFromSummary } from '../../../load/sweep.js'
import { buildSweepCharts, renderSweepHtml } from '../../../results/reports/sweep-html.js'
import { renderSweepTerminal } from '../../../results/reports/sweep-terminal.js'
import type { Summary } from '../../../results/summary.js'
import {
  analyzeSweep,
  DEFAULT_SWEEP_CRITERIA,
  growthPerDoubling,
  stopReason,
  SWEEP_SCHEMA_VERSION,
  throughputGain,
  type SweepDocument,
  type SweepStep,
} from '../../../results/sweep.js'

function step(index: number, load: number, options: { ttftP95: number | null; throughput: number | null; goodput?: number; errorRate?: number }): SweepStep {
  return {
    index,
    load,
    durationMs: 10_000,
    runDurationMs: 12_000,
    scheduled: load * 10,
    sent: load * 10,
    ok: load * 10,
    errors: 0,
    abandoned: 0,
    throughputPerSecond: options.throughput,
    ttftMs: { p50: options.ttftP95 === null ? null : options.ttftP95 / 2, p95: options.ttftP95, p99: options.ttftP95, mean: null },
    e2eMs: { p50: 2_000, p95: 4_000, p99: 5_000, mean: 2_500 },
    e2eServiceMeanMs: 2_400,
    errorRate: options.errorRate ?? 0,
    abandonRate: 0,
    goodputShare: options.goodput ?? 1,
    spendUsd: 0.01,
    outDir: null,
    notes: [],
  }
}

describe('growth per doubling and throughput gain', () => {
  it('computes the growth of a value per doubling of load', () => {
    expect(growthPerDoubling(1, 100, 2, 300)).toBeCloseTo(3, 12)
    // 4× over two doublings is 2× per doubling.
    expect(growthPerDoubling(1, 100, 4, 400)).toBeCloseTo(2, 12)
    expect(growthPerDoubling(2, 100, 2, 300)).toBeNull()
  })

  it('throughput gain is the share of the load increase that was served', () => {
    // Load doubled, throughput +10 %: gain 0.1.
    expect(throughputGain(4, 3.9, 8, 4.29)).toBeCloseTo(0.1, 12)
    // Load ×4 (+300 %), throughput ×4: gain 1.
    expect(throughputGain(1, 1, 4, 4)).toBeCloseTo(1, 12)
    expect(throughputGain(1, null, 2, 2)).toBeNull()
  })
})

describe('analyzeSweep', () => {
  it('finds the knee where p95 TTFT grows more than 2× per doubling', () => {
    const steps = [
      step(1, 1, { ttftP95: 300, throughput: 1 }),
      step(2, 2, { ttftP95: 330, throughput: 2 }),
      step(3, 4, { ttftP95: 450, throughput: 3.9 }),
      step(4, 8, { ttftP95: 2_000, throughput: 7.5, goodput: 0.5 }),
    ]
    const analysis = analyzeSweep(steps)
    expect(analysis.steps.map((v) => v.meetsSlo)).toEqual([true, true, true, false])
    expect(analysis.maxLoadMeetingSlo).toBe(4)
    expect(analysis.steps[3]?.latencyGrowthPerDoubling).toBeCloseTo(2_000 / 450, 9)
    expect(analysis.knee).toEqual({ load: 4, index: 3, nextLoad: 8, reason: 'from 4 to 8 req/s: p95 TTFT grew 4.4× per doubling of load (limit 2×)' })
    expect(analysis.saturatedAt).toBeNull()
    expect(analysis.headline).toBe('The endpoint met the SLOs up to 4 req/s; the knee is at 4 req/s.')
  })

  it('finds the knee where throughput stops rising (saturation), and reports what was served', () => {
    const steps = [step(1, 2, { ttftP95: 500, throughput: 2 }), step(2, 4, { ttftP95: 700, throughput: 3.2 }), step(3, 8, { ttftP95: 900, throughput: 3.3 })]
    const analysis = analyzeSweep(steps)
    expect(analysis.steps[1]?.throughputGain).toBeCloseTo(0.6, 12)
    expect(analysis.steps[2]?.throughputGain).toBeCloseTo(3.3 / 3.2 - 1, 12)
    expect(analysis.steps[2]?.saturated).toBe(true)
    expect(analysis.knee?.load).toBe(4)
    expect(analysis.knee?.reason).toBe('from 4 to 8 req/s: throughput rose by only 3 % of the added load (limit 10 %)')
    expect(analysis.saturatedAt).toBe(8)
    expect(analysis.maxThroughputPerSecond).toBe(3.3)
    expect(analysis.headline).toBe('The endpoint met the SLOs up to 8 req/s (the highest step measured); the knee is at 4 req/s; it served at most 3.30 req/s.')
  })

  it('the highest load meeting the SLOs is the top of the passing run from the lowest step', () => {
    const steps = [
      step(1, 1, { ttftP95: 300, throughput: 1 }),
      step(2, 2, { ttftP95: 300, throughput: 2, errorRate: 0.02 }),
      step(3, 4, { ttftP95: 300, throughput: 4 }),
    ]
    const analysis = analyzeSweep(steps)
    expect(analysis.steps[1]?.reasons).toEqual(['error rate 2.0 % > 1.0 %'])
    expect(analysis.maxLoadMeetingSlo).toBe(1)
    expect(analyzeSweep([step(1, 1, { ttftP95: 300, throughput: 1, goodput: 0.5 })]).headline).toBe('No step met the SLOs (the lowest, 1 req/s, already failed); no knee within the steps measured.')
  })

  it('a step where nothing completed any more is past the knee', () => {
    const analysis = analyzeSweep([step(1, 1, { ttftP95: 300, throughput: 1 }), step(2, 2, { ttftP95: null, throughput: null, goodput: 0 })])
    expect(analysis.steps[1]?.latencyExploded).toBe(true)
    expect(analysis.steps[1]?.saturated).toBe(true)
    expect(analysis.knee?.load).toBe(1)
  })

  it('stops after the step that broke the SLOs or saturated', () => {
    const ok = [step(1, 1, { ttftP95: 300, throughput: 1 }), step(2, 2, { ttftP95: 310, throughput: 2 })]
    expect(stopReason(ok, DEFAULT_SWEEP_CRITERIA, 'rate')).toBeNull()
    expect(stopReason([...ok, step(3, 4, { ttftP95: 320, throughput: 2.1 })], DEFAULT_SWEEP_CRITERIA, 'rate')).toBe('the endpoint saturated at 4 req/s: throughput stopped rising')
    expect(stopReason([...ok, step(3, 4, { ttftP95: 320, throughput: 4, goodput: 0.8 })], DEFAULT_SWEEP_CRITERIA, 'users')).toBe('the SLOs broke at 4 users (goodput 80.0 % < 90.0 %)')
  })
})

describe('steps from run summaries', () => {
  it('copies the run figures and counts errors by outcome', () => {
    const summary = {
      durationMs: 12_345,
      requests: { scheduled: 40, sent: 40, attempts: 40, completed: 30, byOutcome: { ok: 30, http_429: 4, reset: 2, abandoned: 4 } },
      abandonment: { abandoned: 4, rate: 0.1 },
      latency: {
        ttft_ms: { p50: 100, p95: 200, p99: 300, mean: 120 },
        e2e_ms: { p50: 1_000, p95: 2_000, p99: 3_000, mean: 1_200 },
        e2e_service_ms: { mean: 1_100 },
      },
      errors: { rate: 0.15 },
      goodput: { share: 0.7 },
      spend: { usd: 0.5 },
      notes: [],
    } as unknown as Summary
    const result = stepFromSummary(2, 4, 10_000, summary, 2.98765, '/tmp/x')
    expect(result).toMatchObject({ index: 2, load: 4, scheduled: 40, sent: 40, ok: 30, errors: 6, abandoned: 4, throughputPerSecond: 2.988, errorRate: 0.15, goodputShare: 0.7, e2eServiceMeanMs: 1_100 })
    expect(result.ttftMs).toEqual({ p50: 100, p95: 200, p99: 300, mean: 120 })
  })
})

function document(steps: SweepStep[]): SweepDocument {
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    kind: 'sweep',
    createdAt: '2025-01-01T00:00:00.000Z',
    target: { label: 'mock:overloaded', model: 'gpt-4o-mini', pricedAs: 'gpt-4o-mini' },
    traffic: 'preset:peak-hour',
    mode: 'rate',
    slo: { ttft_ms: 2_000, e2e_ms: 10_000 },
    criteria: DEFAULT_SWEEP_CRITERIA,
    stepDurationMs: 10_000,
    stepRequests: null,
    steps,
    analysis: analyzeSweep(steps),
    stoppedEarly: null,
    plannedLoads: steps.map((s) => s.load),
  }
}

describe('sweep reports', () => {
  const steps = [step(1, 2, { ttftP95: 500, throughput: 2 }), step(2, 4, { ttftP95: 700, throughput: 3.2 }), step(3, 8, { ttftP95: 900, throughput: 3.3, goodput: 0.4 })]

  it('chart data: one x per step, latency and throughput series equal to the steps, markers at the knee and the SLO limit', () => {
    const charts = buildSweepCharts(document(steps))
    expect(charts.x).toEqual([2, 4, 8])
    expect(charts.charts.map((chart) => chart.id)).toEqual(['sweep-ttft', 'sweep-e2e', 'sweep-throughput'])
    const ttft = charts.charts[0]
    expect(ttft?.series.find((s) => s.label === 'TTFT p95')?.values).toEqual([500, 700, 900])
    expect(ttft?.series.find((s) => s.label === 'TTFT SLO')?.values).toEqual([2_000, 2_000, 2_000])
    expect(charts.charts[1]?.series.find((s) => s.label === 'e2e SLO')?.values).toEqual([10_000, 10_000, 10_000])
    const throughput = charts.charts[2]
    expect(throughput?.series.find((s) => s.label === 'served')?.values).toEqual([2, 3.2, 3.3])
    expect(throughput?.series.find((s) => s.label === 'offered')?.values).toEqual([2, 4, 8])
    expect(throughput?.series.find((s) => s.label === 'goodput share')?.values).toEqual([100, 100, 40])
    expect(charts.markers.map((m) => m.at)).toEqual([4, 4])
  })

  it('terminal and HTML lead with the headline', () => {
    const text = renderSweepTerminal(document(steps))
    expect(text.split('\n')[0]).toBe('The endpoint met the SLOs up to 4 req/s; the knee is at 4 req/s; it served at most 3.30 req/s.')
    expect(text).toMatch(/\n\s+8\s+80\s+450\s+900 .* FAILS: goodput 40\.0 % < 90\.0 % \(saturated\)/)
    const html = renderSweepHtml(document(steps))
    expect(html).toContain('<p class="verdict-headline">The endpoint met the SLOs up to 4 req/s; the knee is at 4 req/s; it served at most 3.30 req/s.</p>')
    expect(html).not.toMatch(/<script[^>]+src=/)
  })
})

describe('sweep flags', () => {
  it('--start/--factor/--max makes a geometric series; lists parse; bad values are user errors', () => {
    expect(geometricRates(1, 2, 16)).toEqual([1, 2, 4, 8, 16])
    expect(geometricRates(0.5, 3, 10)).toEqual([0.5, 1.5, 4.5])
    expect(() => geometricRates(1, 1, 4)).toThrow(/--factor must be a number > 1/)
    expect(parseLoadList('--rates', '1, 2.5,4', false)).toEqual([1, 2.5, 4])
    expect(() => parseLoadList('--users', '8,x', true)).toThrow(/--users 'x' must be a whole number/)
  })
})

describe('sweep options', () => {
  it('rejects steps that do not increase, both rates and users, and short steps, before anything starts', async () => {
    const { runSweep } = await import('../../../load/sweep.js')
    await expect(runSweep({ target: 'mock:fast', rates: [4, 2] })).rejects.toThrow(/steps must increase \(got 4,2\)/)
    await expect(runSweep({ target: 'mock:fast', rates: [1], users: [2] })).rejects.toThrow(/give either rates/)
    await expect(runSweep({ target: 'mock:fast', rates: [1], stepDurationMs: 500 })).rejects.toThrow(/--step-duration must be at least 1s/)
  })
})
