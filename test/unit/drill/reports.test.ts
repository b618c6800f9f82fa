// The drill's reports from a hand-made summary: terminal (verdict first), chart data (the band
// and SLO lines, per-bucket p95), the HTML page, JUnit cases and the --drift flag.
import { describe, expect, it } from 'vitest'
import { drillJunitCases, parseDriftFlag } from '../../../bin/commands/drill.js'
import { analyzeDrill, type DrillDocument, type DrillPhase } from '../../../results/drill/index.js'
import { buildDrillCharts, renderDrillHtml } from '../../../results/reports/drill-html.js'
import { renderDrillTerminal } from '../../../results/reports/drill-terminal.js'
import type { GroupStats, Summary, TimeBucket } from '../../../results/summary.js'

function stats(p95: number, requests: number, errors: number): GroupStats {
  const latency = { count: requests - errors, p50: p95 / 2, p90: p95, p95, p99: p95, p999: p95, max: p95, mean: p95 / 2, min: 1 }
  return {
    requests,
    byOutcome: errors > 0 ? { ok: requests - errors, http_429: errors } : { ok: requests },
    error_rate: errors / requests,
    abandon_rate: 0,
    ttft_ms: latency,
    e2e_ms: { ...latency, p95: p95 * 5 },
    spend_usd: 0.02,
    retry_amplification: errors > 0 ? 1.5 : 1,
    wasted_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    ok_output_tokens: 0,
    ok_input_tokens: 0,
  }
}

function bucket(t: number, ttft: number, errors: number): TimeBucket {
  return {
    t,
    scheduled: 10,
    ok: 10 - errors,
    errors,
    abandoned: 0,
    dropped: 0,
    lost_demand: 0,
    byOutcome: errors > 0 ? { ok: 10 - errors, http_429: errors } : { ok: 10 },
    ttft_p50: ttft / 2,
    ttft_p95: ttft,
    ttft_p99: ttft,
    e2e_p50: null,
    e2e_p95: ttft * 5,
    e2e_p99: null,
    in_flight_max: 3,
    spend_usd: 0.001,
    output_tokens: 100,
    active_users: 5,
  }
}

const PHASES: DrillPhase[] = [
  { name: 'baseline', fromMs: 0, toMs: 5_000, faults: [], fading: false },
  { name: '429-storm', fromMs: 5_000, toMs: 10_000, faults: ['status'], fading: false, description: '60 % of requests get a 429' },
  { name: 'recovery', fromMs: 10_000, toMs: 15_000, faults: [], fading: false },
]

function drillDocument(): { document: DrillDocument; summary: Summary } {
  const buckets = Array.from({ length: 15 }, (_, s) => bucket(s * 1_000, 400, s >= 5 && s < 11 ? 6 : 0))
  const summary = {
    runId: 'run-1',
    name: 'drill',
    partial: false,
    startedAt: '2025-01-04T00:00:00.000Z',
    durationMs: 15_500,
    target: { label: 'mock:fast', adapter: 'mock', model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1', pricedAs: 'gpt-4o-mini' },
    requests: { scheduled: 150, sent: 150, attempts: 180, completed: 114, byOutcome: { ok: 114, http_429: 36 } },
    latency: { ttft_ms: { count: 0 }, e2e_ms: { count: 0 } },
    spend: { usd: 0.06, per_1k_requests_usd: 0.4, per_task: {}, wasted_usd: 0 },
    timeseries: { bucketMs: 1_000, buckets },
    phases: { baseline: { ...stats(400, 50, 0), fromMs: 0, toMs: 5_000 }, '429-storm': { ...stats(400, 50, 30), fromMs: 5_000, toMs: 10_000 }, recovery: { ...stats(400, 50, 6), fromMs: 10_000, toMs: 15_000 } },
  } as unknown as Summary
  const report = analyzeDrill({ summary, phases: PHASES, timeScale: 240 })
  const document: DrillDocument = {
    kind: 'drill',
    ...report,
    run: {
      runId: 'run-1',
      startedAt: summary.startedAt,
      durationMs: 15_500,
      partial: false,
      target: summary.target,
      outDir: '/runs/run-1',
      preset: 'weekend',
      employees: 10_000,
      simulatedEmployees: 42,
      startHour: 0,
      keepRate: true,
      expectedRatePerSecond: 0.85,
      timeline: { source: 'drill.json', durationMs: 3_600_000, phases: PHASES, tailMs: 0 },
      retries: 'sdk',
      baselineDir: null,
      resumedFrom: null,
    },
  }
  return { document, summary }
}

describe('drill terminal report', () => {
  it('verdict first, then what broke, then the detect/recover and phase tables', () => {
    const { document } = drillDocument()
    const text = renderDrillTerminal(document)
    const lines = text.split('\n')
    expect(lines[0]).toBe(
      'DEGRADED — the baseline held, but 2 of 3 phases broke their SLOs during or after faults (429-storm, recovery), and the endpoint was back within the baseline band 1.0 s (drill time 4.0 min) after 429-storm ended.',
    )
    expect(text.indexOf('What broke')).toBeLessThan(text.indexOf('Time to detect'))
    expect(text.indexOf('Time to detect')).toBeLessThan(text.indexOf('Phases —'))
    expect(text).toContain('  • 429-storm: error rate 60.0 % > 1.0 % (http_429 ×30); retries ×1.50')
    expect(text).toMatch(/429-storm\s+1\.0 s \(drill time 4\.0 min\)\s+error rate 60\.0 % > 1\.0 %\s+1\.0 s \(drill time 4\.0 min\)/)
    expect(text).toMatch(/baseline\s+0\.0–5\.0 s\s+50\s+400 ms\s+2\.0 s\s+0\.0 %\s+0\.0 %\s+×1\.00\s+\$0\.0200\s+\$0\.0000\s+pass/)
  })
})

describe('drill charts and page', () => {
  it('plots each bucket’s p95 against constant band and SLO lines, phases shaded', () => {
    const { document, summary } = drillDocument()
    const charts = buildDrillCharts(document, summary)
    expect(charts.charts.map((chart) => chart.id)).toEqual(['drill-ttft', 'drill-e2e', 'drill-failures', 'outcomes'])
    const ttft = charts.charts[0]
    expect(ttft?.x).toHaveLength(16)
    expect(ttft?.series.find((s) => s.label === 'p95 per bucket')?.values).toEqual(new Array(16).fill(400))
    expect(ttft?.series.find((s) => s.label === 'baseline band')?.values).toEqual(new Array(16).fill(600))
    expect(ttft?.series.find((s) => s.label === 'SLO')?.values).toEqual(new Array(16).fill(2_000))
    const errors = charts.charts[2]?.series.find((s) => s.label === 'errors')?.values
    expect(errors?.slice(4, 12)).toEqual([0, 60, 60, 60, 60, 60, 60, 0])
    expect(charts.phases.map((p) => [p.name, p.from, p.to])).toEqual([
      ['baseline', 0, 5],
      ['429-storm', 5, 10],
      ['recovery', 10, 15],
    ])
  })

  it('renders a self-contained page with the verdict on top', () => {
    const { document, summary } = drillDocument()
    const html = renderDrillHtml(document, summary)
    expect(html).toContain('<section class="verdict verdict-degraded" id="verdict"><p class="verdict-headline">DEGRADED</p>')
    expect(html).toContain('60 % of requests get a 429')
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
  })
})

describe('drill JUnit cases and flags', () => {
  it('one case per phase verdict and recovery, and the verdict', () => {
    const { document } = drillDocument()
    const cases = drillJunitCases(document)
    expect(cases.map((c) => [c.name, c.pass])).toEqual([
      ['phase baseline: SLOs', true],
      ['phase 429-storm: SLOs', false],
      ['phase recovery: SLOs', false],
      ['recovered after 429-storm', true],
      ['drill verdict', true],
    ])
    expect(cases[1]?.message).toBe('error rate 60.0 % > 1.0 %')
  })

  it('--drift parses each limit and rejects unknown keys', () => {
    expect(parseDriftFlag('latency=0.3,errors=0.02,min=50')).toEqual({ latencyP95: 0.3, errorRate: 0.02, minRequests: 50 })
    expect(() => parseDriftFlag('speed=2')).toThrow(/--drift 'speed=2' is not one of/)
  })
})
