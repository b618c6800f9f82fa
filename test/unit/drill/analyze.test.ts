// The drill analysis against hand-made summaries: phase verdicts, the band, detect and recover
// times from known buckets, drift thresholds and the verdict.
import { describe, expect, it } from 'vitest'
import {
  analyzeDrill,
  chooseBucketMs,
  compareDrift,
  computeBand,
  DEFAULT_BAND,
  DEFAULT_DRIFT,
  drillBucketsFrom,
  drillBucketsOf,
  findIncidents,
  judgeBucket,
  rateLimitFor,
  type DrillPhase,
  type DriftStats,
} from '../../../results/drill/index.js'
import type { GroupStats, LatencyStats, Summary, TimeBucket } from '../../../results/summary.js'
import { createTimeSeries } from '../../../results/accumulate/timeseries.js'
import type { Sample } from '../../../results/types.js'

function latency(p95: number | null): LatencyStats {
  return { count: p95 === null ? 0 : 100, p50: p95 === null ? null : p95 / 2, p90: p95, p95, p99: p95, p999: p95, max: p95, mean: p95 === null ? null : p95 / 2, min: 0 }
}

function group(options: { requests?: number; ok?: number; errors?: number; abandoned?: number; ttftP95?: number | null; e2eP95?: number | null; retry?: number; spend?: number; okOutput?: number } = {}): GroupStats {
  const requests = options.requests ?? 100
  const errors = options.errors ?? 0
  const abandoned = options.abandoned ?? 0
  const ok = options.ok ?? requests - errors - abandoned
  const byOutcome: Record<string, number> = {}
  if (ok > 0) byOutcome['ok'] = ok
  if (errors > 0) byOutcome['http_429'] = errors
  if (abandoned > 0) byOutcome['abandoned'] = abandoned
  return {
    requests,
    byOutcome,
    error_rate: requests === 0 ? 0 : errors / requests,
    abandon_rate: requests === 0 ? 0 : abandoned / requests,
    ttft_ms: latency(options.ttftP95 === undefined ? 400 : options.ttftP95),
    e2e_ms: latency(options.e2eP95 === undefined ? 4_000 : options.e2eP95),
    spend_usd: options.spend ?? 0.1,
    retry_amplification: options.retry ?? 1,
    wasted_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    ok_output_tokens: options.okOutput ?? ok * 300,
    ok_input_tokens: ok * 100,
  }
}

/** A one-second bucket: `sent` requests, of which `errors` failed, ttft p95 as given. */
function bucket(t: number, options: { sent?: number; errors?: number; abandoned?: number; ttft?: number | null; e2e?: number | null } = {}): TimeBucket {
  const sent = options.sent ?? 10
  const errors = options.errors ?? 0
  const abandoned = options.abandoned ?? 0
  return {
    t,
    scheduled: sent,
    ok: sent - errors - abandoned,
    errors,
    abandoned,
    dropped: 0,
    lost_demand: 0,
    byOutcome: { ok: sent - errors - abandoned },
    ttft_p50: null,
    ttft_p95: options.ttft === undefined ? 400 : options.ttft,
    ttft_p99: null,
    e2e_p50: null,
    e2e_p95: options.e2e === undefined ? 4_000 : options.e2e,
    e2e_p99: null,
    in_flight_max: 0,
    spend_usd: 0,
    output_tokens: 0,
    active_users: 0,
  }
}

function summaryOf(phases: Record<string, GroupStats>, buckets: TimeBucket[], partial = false): Summary {
  return {
    partial,
    timeseries: { bucketMs: 1_000, buckets },
    phases: Object.fromEntries(Object.entries(phases).map(([name, stats]) => [name, { ...stats, fromMs: 0, toMs: 0 }])),
  } as unknown as Summary
}

const one = (row: TimeBucket) => drillBucketsOf([row])[0] as ReturnType<typeof drillBucketsOf>[number]

const phase = (name: string, fromMs: number, toMs: number, faults: string[] = [], fading = false): DrillPhase => ({ name, fromMs, toMs, faults, fading })

describe('phase verdicts', () => {
  it('judges each phase on TTFT/e2e p95 against the SLOs and error/abandon rates against the limits', () => {
    const summary = summaryOf(
      {
        baseline: group({ ttftP95: 400, e2eP95: 4_000 }),
        storm: group({ requests: 100, errors: 40, retry: 1.8 }),
        slow: group({ ttftP95: 2_500, abandoned: 10 }),
      },
      [],
    )
    const report = analyzeDrill({
      summary,
      phases: [phase('baseline', 0, 10_000), phase('storm', 10_000, 20_000, ['status']), phase('slow', 20_000, 30_000, ['latency']), phase('empty', 30_000, 40_000, ['reset'])],
      limits: { slo: { ttft_ms: 2_000, e2e_ms: 10_000 }, maxErrorRate: 0.01, maxAbandonRate: 0.05 },
    })
    const byName = Object.fromEntries(report.phases.map((verdict) => [verdict.name, verdict]))
    expect(byName['baseline']?.pass).toBe(true)
    expect(byName['storm']?.pass).toBe(false)
    expect(byName['storm']?.checks.find((c) => c.metric === 'error_rate')).toEqual({ metric: 'error_rate', actual: 0.4, limit: 0.01, pass: false })
    expect(byName['storm']?.retryAmplification).toBe(1.8)
    expect(byName['storm']?.topProblems).toEqual([{ outcome: 'http_429', count: 40 }])
    const slow = byName['slow']
    expect(slow?.checks.filter((c) => !c.pass).map((c) => c.metric)).toEqual(['ttft_p95', 'abandon_rate'])
    expect(byName['empty']?.noData).toBe(true)
    expect(byName['empty']?.pass).toBe(false)
    expect(report.wastedBasis).toBe('abandoned')
    expect(report.broke.some((line) => line.startsWith('storm: error rate 40.0 % > 1.0 %'))).toBe(true)
  })

  it('a phase with traffic but no completed request fails its latency checks (nothing met the SLO)', () => {
    const summary = summaryOf({ baseline: group(), outage: group({ requests: 20, errors: 20, ttftP95: null, e2eP95: null }) }, [])
    const report = analyzeDrill({ summary, phases: [phase('baseline', 0, 1_000), phase('outage', 1_000, 2_000, ['status'])] })
    const outage = report.phases.find((v) => v.name === 'outage')
    expect(outage?.checks.find((c) => c.metric === 'ttft_p95')).toEqual({ metric: 'ttft_p95', actual: null, limit: 2_000, pass: false })
  })
})

describe('the baseline band', () => {
  it('is 1.5 × the baseline p95s and its rates + 1 pp', () => {
    const band = computeBand(group({ ttftP95: 400, e2eP95: 4_000, errors: 2, abandoned: 3 }), 'baseline', DEFAULT_BAND)
    expect(band.ttftP95LimitMs).toBe(600)
    expect(band.e2eP95LimitMs).toBe(6_000)
    expect(band.errorRateLimit).toBeCloseTo(0.03, 12)
    expect(band.abandonRateLimit).toBeCloseTo(0.04, 12)
  })

  it('judges a bucket on each limit, and not at all below the minimum request count', () => {
    const band = computeBand(group({ ttftP95: 400, e2eP95: 4_000 }), 'baseline', DEFAULT_BAND)
    expect(judgeBucket(one(bucket(0, { ttft: 600 })), band).healthy).toBe(true)
    expect(judgeBucket(one(bucket(0, { ttft: 601 })), band)).toEqual({ judged: true, healthy: false, reasons: ['TTFT p95 601 ms > 600 ms'] })
    expect(judgeBucket(one(bucket(0, { e2e: 6_500 })), band).reasons).toEqual(['e2e p95 6.5 s > 6.0 s'])
    // 1 error in 100 = 1 %: inside (≤ 0 % + 1 pp); 2 in 100: outside.
    expect(judgeBucket(one(bucket(0, { sent: 100, errors: 1 })), band).healthy).toBe(true)
    expect(judgeBucket(one(bucket(0, { sent: 100, errors: 2 })), band).reasons).toEqual(['error rate 2.0 % > 1.0 %'])
    expect(judgeBucket(one(bucket(0, { sent: 10, abandoned: 1 })), band).reasons).toEqual(['abandon rate 10.0 % > 1.0 %'])
    expect(judgeBucket(one(bucket(0, { sent: 2, errors: 2 })), band)).toEqual({ judged: false, healthy: true, reasons: [] })
  })
})

describe('time to detect and to recover', () => {
  const band = computeBand(group({ ttftP95: 400, e2eP95: 4_000 }), 'baseline', DEFAULT_BAND)

  it('detect: the end of the first bucket outside the band after the fault starts; recover: the first of 3 healthy buckets after it ends', () => {
    const buckets: TimeBucket[] = []
    for (let s = 0; s < 40; s++) {
      const t = s * 1_000
      let options: Parameters<typeof bucket>[1] = {}
      if (s >= 13 && s < 24) options = { ttft: 2_000 } // the spike shows 3 s into its phase, lasts 4 s past its end
      if (s === 22) options = {} // one good bucket inside the tail: not yet recovered
      if (s === 25) options = { sent: 1, errors: 1 } // too few requests: not judged
      buckets.push(bucket(t, options))
    }
    const incidents = findIncidents([phase('baseline', 0, 10_000), phase('spike', 10_000, 20_000, ['latency']), phase('after', 20_000, 40_000)], drillBucketsOf(buckets), 1_000, band)
    expect(incidents).toHaveLength(1)
    const spike = incidents[0]
    // The first bucket outside the band is 13–14 s: seen by 4 s after the fault began at 10 s.
    expect(spike?.detectMs).toBe(4_000)
    expect(spike?.detectReasons).toEqual(['TTFT p95 2.0 s > 600 ms'])
    expect(spike?.recovery).toBe('recovered')
    // Buckets 24, 26, 27 are the first three judged healthy in a row (25 is not judged).
    expect(spike?.recoverMs).toBe(4_000)
    expect(spike?.windowEndMs).toBe(40_000)
  })

  it('a fault followed at once by another is not separable; a fading phase belongs to the recovery', () => {
    const buckets = Array.from({ length: 40 }, (_, s) => bucket(s * 1_000, s >= 10 && s < 33 ? { sent: 10, errors: 5 } : {}))
    const incidents = findIncidents(
      [phase('baseline', 0, 10_000), phase('storm', 10_000, 20_000, ['status']), phase('outage', 20_000, 30_000, ['status']), phase('recovery', 30_000, 40_000, ['status'], true)],
      drillBucketsOf(buckets),
      1_000,
      band,
    )
    expect(incidents.map((incident) => incident.phase)).toEqual(['storm', 'outage'])
    expect(incidents[0]?.recovery).toBe('not-measurable')
    expect(incidents[0]?.note).toContain('outage began as storm ended')
    expect(incidents[0]?.detectMs).toBe(1_000)
    expect(incidents[1]?.recovery).toBe('recovered')
    expect(incidents[1]?.recoverMs).toBe(3_000)
  })

  it('not back inside the band by the end: not recovered, and the drill FAILs', () => {
    const buckets = Array.from({ length: 30 }, (_, s) => bucket(s * 1_000, s >= 10 ? { sent: 10, errors: 5 } : {}))
    const phases = [phase('baseline', 0, 10_000), phase('outage', 10_000, 20_000, ['status']), phase('after', 20_000, 30_000)]
    const summary = summaryOf({ baseline: group(), outage: group({ errors: 50 }), after: group({ errors: 50 }) }, buckets)
    const report = analyzeDrill({ summary, phases })
    expect(report.incidents[0]?.recovery).toBe('not-recovered')
    expect(report.verdict.status).toBe('FAIL')
    expect(report.verdict.sentence).toMatch(/^FAIL — the endpoint had not recovered/)
    expect(report.broke[0]).toMatch(/^not recovered: after outage ended/)
  })
})

describe('drift against an earlier drill', () => {
  const before: DriftStats = { ok: 100, requests: 100, ttftP95Ms: 1_000, e2eP95Ms: 10_000, okOutputTokens: 30_000, spendUsd: 1, errorRate: 0.01 }

  it('flags each figure past its threshold, in the direction that matters', () => {
    const now: DriftStats = { ok: 100, requests: 100, ttftP95Ms: 1_250, e2eP95Ms: 11_000, okOutputTokens: 22_500, spendUsd: 1.199, errorRate: 0.025 }
    const rows = Object.fromEntries(compareDrift(before, now, DEFAULT_DRIFT).map((row) => [row.metric, row]))
    expect(rows['ttft_p95_ms']?.change).toBeCloseTo(0.25, 12)
    expect(rows['ttft_p95_ms']?.status).toBe('drift')
    expect(rows['e2e_p95_ms']?.status).toBe('ok')
    // 300 → 225 output tokens per request: −25 %, drift both ways.
    expect(rows['output_tokens_per_request']?.before).toBe(300)
    expect(rows['output_tokens_per_request']?.now).toBe(225)
    expect(rows['output_tokens_per_request']?.status).toBe('drift')
    expect(rows['spend_per_request_usd']?.change).toBeCloseTo(0.199, 12)
    expect(rows['spend_per_request_usd']?.status).toBe('ok')
    expect(rows['error_rate']?.change).toBeCloseTo(0.015, 12)
    expect(rows['error_rate']?.status).toBe('drift')
  })

  it('lower latency is not drift; fewer than 20 completed requests on a side is not judged', () => {
    const faster: DriftStats = { ...before, ttftP95Ms: 500 }
    expect(compareDrift(before, faster, DEFAULT_DRIFT).find((row) => row.metric === 'ttft_p95_ms')?.status).toBe('ok')
    const few: DriftStats = { ...before, ok: 19, requests: 19, ttftP95Ms: 5_000 }
    expect(compareDrift(before, few, DEFAULT_DRIFT).every((row) => row.status === 'insufficient')).toBe(true)
  })

  it('drift makes a drill that otherwise passed DEGRADED', () => {
    const summary = summaryOf({ baseline: group({ ttftP95: 1_300, e2eP95: 4_000, okOutput: 30_000 }) }, Array.from({ length: 10 }, (_, s) => bucket(s * 1_000, { ttft: 1_300 })))
    const report = analyzeDrill({ summary, phases: [phase('baseline', 0, 10_000)], before: { source: '/runs/last', runId: 'last-week', stats: before, scope: 'baseline phases' } })
    expect(report.drift?.rows.find((row) => row.metric === 'ttft_p95_ms')?.status).toBe('drift')
    expect(report.verdict.status).toBe('DEGRADED')
    expect(report.broke).toContain('drift since last-week: TTFT p95 1.0 s → 1.3 s (+30.0 %, limit +20 %)')
  })
})

describe('the verdict', () => {
  it('PASS when every phase held and the endpoint came back; DEGRADED when faults broke SLOs; FAIL when the baseline broke', () => {
    const phases = [phase('baseline', 0, 10_000), phase('spike', 10_000, 20_000, ['latency']), phase('calm', 20_000, 30_000)]
    const buckets = Array.from({ length: 30 }, (_, s) => bucket(s * 1_000, s >= 12 && s < 20 ? { ttft: 900 } : {}))
    const pass = analyzeDrill({ summary: summaryOf({ baseline: group(), spike: group({ ttftP95: 900 }), calm: group() }, buckets), phases })
    expect(pass.verdict.status).toBe('PASS')
    expect(pass.verdict.sentence).toBe('PASS — every phase met its SLOs, faults included, and the endpoint was back within the baseline band 0 ms after spike ended.')
    expect(pass.incidents[0]?.detectMs).toBe(3_000)

    const degraded = analyzeDrill({ summary: summaryOf({ baseline: group(), spike: group({ ttftP95: 2_500 }), calm: group() }, buckets), phases, timeScale: 60 })
    expect(degraded.verdict.status).toBe('DEGRADED')
    expect(degraded.verdict.sentence).toContain('1 of 3 phases broke their SLOs during or after faults (spike)')
    expect(degraded.broke).toEqual(['spike: TTFT p95 2.5 s > 2.0 s'])

    const failed = analyzeDrill({ summary: summaryOf({ baseline: group({ e2eP95: 12_000 }), spike: group(), calm: group() }, buckets), phases })
    expect(failed.verdict.status).toBe('FAIL')
    expect(failed.broke[0]).toBe('baseline (no faults): e2e p95 12.0 s > 10.0 s')
  })

  it('reports drill time beside run time for a compressed drill, and FAILs an interrupted one', () => {
    const phases = [phase('baseline', 0, 10_000), phase('spike', 10_000, 20_000, ['latency']), phase('calm', 20_000, 30_000)]
    const buckets = Array.from({ length: 30 }, (_, s) => bucket(s * 1_000, s >= 12 && s < 22 ? { ttft: 900 } : {}))
    const report = analyzeDrill({ summary: summaryOf({ baseline: group(), spike: group(), calm: group() }, buckets), phases, timeScale: 60 })
    expect(report.incidents[0]?.recoverMs).toBe(2_000)
    expect(report.verdict.sentence).toContain('2.0 s (drill time 2.0 min) after spike ended')
    const interrupted = analyzeDrill({ summary: summaryOf({ baseline: group() }, buckets, true), phases })
    expect(interrupted.verdict.status).toBe('FAIL')
  })
})

describe('buckets sized for the drill', () => {
  it('counts each request in the bucket of its scheduled time, with nearest-rank p95s of the completed ones', () => {
    const samples = [
      ...Array.from({ length: 20 }, (_, i) => ({ scheduledAtMs: 100 + i, outcome: 'ok', ttftMs: (i + 1) * 10, e2eMs: (i + 1) * 100 })),
      { scheduledAtMs: 500, outcome: 'http', ttftMs: undefined },
      { scheduledAtMs: 600, outcome: 'abandoned' },
      { scheduledAtMs: 700, outcome: 'dropped' },
      { scheduledAtMs: 2_500, outcome: 'reset' },
    ].map((sample) => ({ userId: 'u', task: 't', attempt: 1, ...Object.fromEntries(Object.entries(sample).filter(([, value]) => value !== undefined)) }) as unknown as Sample)
    const series = createTimeSeries(1_000)
    for (const sample of samples) series.add(sample)
    const rows = drillBucketsFrom(series, 2_000, 3_000)
    // 20 ok ttfts 10..200: the 95th percentile by nearest rank is the 19th, 190 ms.
    expect(rows).toEqual([
      { t: 0, sent: 22, ok: 20, errors: 1, abandoned: 1, ttft_p95: 190, e2e_p95: 1_900 },
      { t: 2_000, sent: 1, ok: 0, errors: 1, abandoned: 0, ttft_p95: null, e2e_p95: null },
    ])
  })

  it('widens buckets to hold about 8 requests at the drill’s rate, in whole seconds', () => {
    expect(chooseBucketMs(0.85, 1_000)).toBe(10_000)
    expect(chooseBucketMs(4, 1_000)).toBe(2_000)
    expect(chooseBucketMs(50, 1_000)).toBe(1_000)
    expect(chooseBucketMs(50, 15_000)).toBe(15_000)
    // From a series whose buckets widened to 4 s: a whole multiple of them.
    expect(chooseBucketMs(1.2, 1_000, 8, 4_000)).toBe(8_000)
  })
})

describe('the band’s allowance for small buckets', () => {
  it('is the larger of 1 pp and two standard errors of the bucket’s share', () => {
    // 19 % abandoned in the baseline, 10 requests in the bucket: 0.19 + 2 × √(0.19 × 0.81 / 10).
    expect(rateLimitFor(0.19, 10, DEFAULT_BAND)).toBeCloseTo(0.19 + 2 * Math.sqrt((0.19 * 0.81) / 10), 12)
    // No errors in the baseline: a single error in a bucket of any size is outside the band.
    expect(rateLimitFor(0, 10, DEFAULT_BAND)).toBe(0.01)
    // A large bucket: the 1 pp margin.
    expect(rateLimitFor(0.01, 1_000_000, DEFAULT_BAND)).toBeCloseTo(0.02, 12)
    const band = computeBand(group({ abandoned: 19 }), 'baseline', DEFAULT_BAND)
    expect(judgeBucket({ t: 0, sent: 10, ok: 6, errors: 0, abandoned: 4, ttft_p95: 400, e2e_p95: 4_000 }, band).healthy).toBe(true)
    expect(judgeBucket({ t: 0, sent: 10, ok: 5, errors: 0, abandoned: 5, ttft_p95: 400, e2e_p95: 4_000 }, band).reasons).toEqual(['abandon rate 50.0 % > 43.8 %'])
  })
})
