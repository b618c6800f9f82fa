// A drill's verdict from its run summary: per-phase SLO verdicts, time to detect and to recover
// against the baseline phase's band, retry amplification and waste per phase, and drift against
// an earlier drill. Pure: no I/O, no clock; every number comes from the summary given.
//
//   phases   baseline | latency-spike | 429-storm | … | outage | recovery (fading)
//   buckets  ▁▁▁▁▁▁▁▁▁|▁▂▅▇█▇█▇███▇▇|██████…      |   |███████|▇▅▃▁▁▁▁▁
//                      ^ detect: first bucket outside the band      ^ recover: first of K healthy
//                                                                  buckets after the fault ended
import type { GroupStats, LatencyStats, Slo, Summary, TimeBucket, Usd } from './summary.js'

export const DRILL_SCHEMA_VERSION = 1

export type DrillStatus = 'PASS' | 'DEGRADED' | 'FAIL'

/** Absolute limits every phase is judged against. */
export interface DrillLimits {
  slo: Slo
  /** Share of sent requests that failed (endpoint errors). */
  maxErrorRate: number
  /** Share of sent requests the simulated user gave up on. */
  maxAbandonRate: number
}

export const DEFAULT_DRILL_LIMITS: DrillLimits = {
  slo: { ttft_ms: 2_000, e2e_ms: 10_000 },
  maxErrorRate: 0.01,
  maxAbandonRate: 0.05,
}

/**
 * The baseline band: a time bucket is healthy when its p95 latencies are at most
 * `latencyFactor` × the baseline phase's p95 and its error and abandon rates are at most the
 * baseline phase's rates + `rateMargin` (absolute, 0.01 = 1 percentage point) — or, when larger,
 * + `noiseSigmas` standard errors of a share of the bucket's size (√(p(1−p)/n)): ten requests
 * cannot tell a 19 % abandon rate from 25 %.
 */
export interface BandOptions {
  latencyFactor: number
  rateMargin: number
  noiseSigmas: number
  /** A bucket with fewer sent requests is not judged (too few to say anything). */
  minRequests: number
  /** Recovered: this many judged buckets in a row inside the band. */
  recoverBuckets: number
}

export const DEFAULT_BAND: BandOptions = { latencyFactor: 1.5, rateMargin: 0.01, noiseSigmas: 2, minRequests: 3, recoverBuckets: 3 }

/** Drift limits: relative for latency, tokens and spend (0.2 = ±20 %), absolute for the error rate. */
export interface DriftThresholds {
  latencyP95: number
  outputTokensPerRequest: number
  spendPerRequest: number
  errorRate: number
  /** Fewer completed requests on either side: too few to judge. */
  minRequests: number
}

export const DEFAULT_DRIFT: DriftThresholds = { latencyP95: 0.2, outputTokensPerRequest: 0.2, spendPerRequest: 0.2, errorRate: 0.01, minRequests: 20 }

/** A phase of the (already time-scaled) fault timeline, in ms of run time. */
export interface DrillPhase {
  name: string
  fromMs: number
  toMs: number
  /** Fault types in force; empty for a calm phase. */
  faults: string[]
  /** Toxicity ramps down over the phase: part of the recovery, not a new incident. */
  fading: boolean
  description?: string
}

export type CheckMetric = 'ttft_p95' | 'e2e_p95' | 'error_rate' | 'abandon_rate'

export interface PhaseCheck {
  metric: CheckMetric
  /** ms for latencies, a share 0..1 for rates; null when there was nothing to measure. */
  actual: number | null
  limit: number
  pass: boolean
}

export interface PhaseVerdict {
  name: string
  fromMs: number
  toMs: number
  faults: string[]
  fading: boolean
  description?: string
  /** Logical requests due in the phase. */
  requests: number
  sent: number
  ok: number
  /** No request was due in the phase: nothing to judge (counts as a failed check). */
  noData: boolean
  checks: PhaseCheck[]
  pass: boolean
  ttftP95Ms: number | null
  e2eP95Ms: number | null
  errorRate: number
  abandonRate: number
  /** Attempts / logical requests sent. */
  retryAmplification: number
  spendUsd: Usd
  /** Spend that bought no answer: see `DrillReport.wastedBasis`. */
  wastedUsd: Usd
  /** The most frequent non-ok outcomes, e.g. `http_429`, with counts. */
  topProblems: { outcome: string; count: number }[]
}

export interface Band {
  baselinePhase: string
  ttftP95LimitMs: number | null
  e2eP95LimitMs: number | null
  /** The baseline phase's rates. */
  errorRate: number
  abandonRate: number
  /** Rate + margin: the limit for a large bucket (small buckets get the noise allowance on top). */
  errorRateLimit: number
  abandonRateLimit: number
  options: BandOptions
  /** Baseline buckets judged, and how many of them fell outside the band anyway (noise). */
  noise: { judged: number; outside: number }
}

export type RecoveryStatus = 'recovered' | 'not-recovered' | 'not-measurable'

export interface Incident {
  /** The fault phase. */
  phase: string
  fromMs: number
  toMs: number
  /**
   * From the fault's start to the end of the first bucket outside the band — when a monitor with
   * buckets this wide could first have seen it; null: never.
   */
  detectMs: number | null
  /** Which limits that bucket broke, e.g. `error rate 40.0 % > 1.0 %`. */
  detectReasons: string[]
  recovery: RecoveryStatus
  /** Start of the first of `recoverBuckets` healthy buckets, minus the phase end; null unless recovered. */
  recoverMs: number | null
  /** Where the search for recovery stopped: the next fault phase's start, or the end of the data. */
  windowEndMs: number
  note: string | null
}

export type DriftMetric = 'ttft_p95_ms' | 'e2e_p95_ms' | 'output_tokens_per_request' | 'spend_per_request_usd' | 'error_rate'

export interface DriftRow {
  metric: DriftMetric
  before: number | null
  now: number | null
  /** Relative change (0.25 = +25 %) or, for the error rate, absolute (0.02 = +2 pp). */
  change: number | null
  threshold: number
  kind: 'relative' | 'absolute'
  /** Which way counts as drift: `up` (worse when higher) or `both`. */
  direction: 'up' | 'both'
  status: 'ok' | 'drift' | 'insufficient'
}

export interface Drift {
  source: string
  runId: string
  /** What was compared: the same phase on both sides, or whole runs. */
  scope: string
  rows: DriftRow[]
  thresholds: DriftThresholds
}

/** The figures drift compares, taken from a phase's GroupStats or a whole summary. */
export interface DriftStats {
  ok: number
  requests: number
  ttftP95Ms: number | null
  e2eP95Ms: number | null
  okOutputTokens: number | null
  spendUsd: Usd
  errorRate: number
}

export interface DrillReport {
  schemaVersion: number
  verdict: { status: DrillStatus; sentence: string }
  /** What broke, one line each, worst first: for the person on call. */
  broke: string[]
  phases: PhaseVerdict[]
  band: Band | null
  incidents: Incident[]
  drift: Drift | null
  limits: DrillLimits
  /** `failed-attempts`: spend of every attempt that delivered no answer; `abandoned`: abandoned requests only. */
  wastedBasis: 'failed-attempts' | 'abandoned'
  /** Run time × this = drill time (the timeline was compressed by it). */
  timeScale: number
  bucketMs: number
  /** The buckets the band judged (also what drill.html plots). */
  buckets: DrillBucket[]
  notes: string[]
}

export interface AnalyzeDrillInput {
  summary: Summary
  phases: DrillPhase[]
  /** Name of the calm reference phase (default: `baseline`, else the first phase without faults). */
  baselinePhase?: string
  limits?: DrillLimits
  band?: Partial<BandOptions>
  timeScale?: number
  /** Spend of attempts that delivered no answer, per phase (from the drill's own sink). */
  wastedByPhase?: Record<string, Usd>
  /** Buckets to judge (default: the summary's time series). */
  buckets?: { bucketMs: number; rows: DrillBucket[] }
  /** An earlier drill to compare with. */
  before?: { source: string; runId: string; stats: DriftStats; scope: string }
  driftThresholds?: Partial<DriftThresholds>
}

const EMPTY_LATENCY: LatencyStats = { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null }

/** Logical requests of a bucket that reached the endpoint. */
export function bucketSent(bucket: TimeBucket): number {
  return bucket.scheduled - bucket.dropped - bucket.lost_demand - (bucket.byOutcome['budget-stopped'] ?? 0)
}

/** A time bucket as the band judges it: requests sent by when they were due, and how they ended. */
export interface DrillBucket {
  /** Bucket start, ms of run time (by scheduled time). */
  t: number
  sent: number
  ok: number
  errors: number
  abandoned: number
  /** Over the bucket's completed requests; null when none completed. */
  ttft_p95: number | null
  e2e_p95: number | null
}

export function drillBucketsOf(buckets: readonly TimeBucket[]): DrillBucket[] {
  return buckets.map((bucket) => ({ t: bucket.t, sent: bucketSent(bucket), ok: bucket.ok, errors: bucket.errors, abandoned: bucket.abandoned, ttft_p95: bucket.ttft_p95, e2e_p95: bucket.e2e_p95 }))
}

/** What the drill keeps of each logical request (its final attempt) to bucket it afresh. */
export interface DrillSample {
  scheduledAtMs: number
  outcome: string
  ttftMs?: number
  e2eMs?: number
}

const ERROR_OUTCOMES = new Set(['http', 'timeout', 'reset', 'connection', 'malformed-stream', 'truncated', 'stream-error'])
const UNSENT = new Set(['dropped', 'lost-demand', 'budget-stopped'])

/** Nearest-rank percentile of sorted values. */
function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** Buckets of `bucketMs` from the requests themselves: exact counts, nearest-rank p95s. */
export function bucketDrillSamples(samples: readonly DrillSample[], bucketMs: number, endMs: number): DrillBucket[] {
  const count = Math.max(1, Math.ceil(endMs / bucketMs))
  const rows = Array.from({ length: count }, (_, i) => ({ t: i * bucketMs, sent: 0, ok: 0, errors: 0, abandoned: 0, ttft: [] as number[], e2e: [] as number[] }))
  for (const sample of samples) {
    const index = Math.max(0, Math.floor(sample.scheduledAtMs / bucketMs))
    while (rows.length <= index) rows.push({ t: rows.length * bucketMs, sent: 0, ok: 0, errors: 0, abandoned: 0, ttft: [], e2e: [] })
    const row = rows[index] as (typeof rows)[number]
    if (UNSENT.has(sample.outcome)) continue
    row.sent++
    if (ERROR_OUTCOMES.has(sample.outcome)) row.errors++
    else if (sample.outcome === 'abandoned') row.abandoned++
    else if (sample.outcome === 'ok') {
      row.ok++
      if (sample.ttftMs !== undefined) row.ttft.push(sample.ttftMs)
      if (sample.e2eMs !== undefined) row.e2e.push(sample.e2eMs)
    }
  }
  return rows.map((row) => ({
    t: row.t,
    sent: row.sent,
    ok: row.ok,
    errors: row.errors,
    abandoned: row.abandoned,
    ttft_p95: nearestRank(row.ttft.sort((a, b) => a - b), 95),
    e2e_p95: nearestRank(row.e2e.sort((a, b) => a - b), 95),
  }))
}

/**
 * Bucket width for judging: whole seconds, at least `minMs`, wide enough that a bucket holds
 * about `perBucket` requests at the expected rate (a 1-second bucket of a quiet weekend holds none).
 */
export function chooseBucketMs(expectedRatePerSecond: number, minMs: number, perBucket = 8): number {
  const wanted = expectedRatePerSecond > 0 ? (perBucket / expectedRatePerSecond) * 1000 : minMs
  return Math.max(minMs, Math.ceil(Math.max(wanted, 1) / 1000) * 1000)
}

function emptyGroup(): GroupStats {
  return {
    requests: 0,
    byOutcome: {},
    error_rate: 0,
    abandon_rate: 0,
    ttft_ms: EMPTY_LATENCY,
    e2e_ms: EMPTY_LATENCY,
    spend_usd: 0,
    retry_amplification: 0,
    wasted_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    ok_output_tokens: 0,
    ok_input_tokens: 0,
  }
}

function sentOf(group: GroupStats): number {
  let sent = 0
  for (const [outcome, count] of Object.entries(group.byOutcome)) {
    if (outcome !== 'dropped' && outcome !== 'lost-demand' && outcome !== 'budget-stopped') sent += count
  }
  return sent
}

export function pct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)} %`
}

export function ms(value: number): string {
  if (value < 1_000) return `${Math.round(value)} ms`
  if (value < 120_000) return `${(value / 1000).toFixed(1)} s`
  return `${(value / 60_000).toFixed(1)} min`
}

function phaseVerdict(phase: DrillPhase, group: GroupStats | undefined, limits: DrillLimits, wasted: Usd | undefined): PhaseVerdict {
  const stats = group ?? emptyGroup()
  const sent = sentOf(stats)
  const ok = stats.byOutcome['ok'] ?? 0
  const noData = stats.requests === 0
  const checks: PhaseCheck[] = []
  const latencyCheck = (metric: 'ttft_p95' | 'e2e_p95', actual: number | null, limit: number | undefined): void => {
    if (limit === undefined) return
    // No completed request in a phase with traffic: the latency SLO cannot have been met.
    checks.push({ metric, actual, limit, pass: actual !== null && actual <= limit })
  }
  latencyCheck('ttft_p95', stats.ttft_ms.p95, limits.slo.ttft_ms)
  latencyCheck('e2e_p95', stats.e2e_ms.p95, limits.slo.e2e_ms)
  checks.push({ metric: 'error_rate', actual: noData ? null : stats.error_rate, limit: limits.maxErrorRate, pass: !noData && stats.error_rate <= limits.maxErrorRate })
  checks.push({ metric: 'abandon_rate', actual: noData ? null : stats.abandon_rate, limit: limits.maxAbandonRate, pass: !noData && stats.abandon_rate <= limits.maxAbandonRate })
  const topProblems = Object.entries(stats.byOutcome)
    .filter(([outcome]) => outcome !== 'ok')
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([outcome, count]) => ({ outcome, count }))
  const verdict: PhaseVerdict = {
    name: phase.name,
    fromMs: phase.fromMs,
    toMs: phase.toMs,
    faults: phase.faults,
    fading: phase.fading,
    requests: stats.requests,
    sent,
    ok,
    noData,
    checks,
    pass: !noData && checks.every((check) => check.pass),
    ttftP95Ms: stats.ttft_ms.p95,
    e2eP95Ms: stats.e2e_ms.p95,
    errorRate: stats.error_rate,
    abandonRate: stats.abandon_rate,
    retryAmplification: stats.retry_amplification,
    spendUsd: stats.spend_usd,
    wastedUsd: wasted ?? stats.wasted_usd,
    topProblems,
  }
  if (phase.description !== undefined) verdict.description = phase.description
  return verdict
}

export function describeCheck(check: PhaseCheck): string {
  const name = check.metric === 'ttft_p95' ? 'TTFT p95' : check.metric === 'e2e_p95' ? 'e2e p95' : check.metric === 'error_rate' ? 'error rate' : 'abandon rate'
  const isRate = check.metric === 'error_rate' || check.metric === 'abandon_rate'
  const format = (value: number): string => (isRate ? pct(value) : ms(value))
  if (check.actual === null) return `${name}: no request completed (limit ${format(check.limit)})`
  return `${name} ${format(check.actual)} ${check.pass ? '≤' : '>'} ${format(check.limit)}`
}

// ------------------------------------------------------------------ band, detect, recover

interface BucketJudgement {
  judged: boolean
  healthy: boolean
  reasons: string[]
}

export function computeBand(baseline: GroupStats, baselinePhase: string, options: BandOptions): Omit<Band, 'noise'> {
  return {
    baselinePhase,
    ttftP95LimitMs: baseline.ttft_ms.p95 === null ? null : baseline.ttft_ms.p95 * options.latencyFactor,
    e2eP95LimitMs: baseline.e2e_ms.p95 === null ? null : baseline.e2e_ms.p95 * options.latencyFactor,
    errorRate: baseline.error_rate,
    abandonRate: baseline.abandon_rate,
    errorRateLimit: baseline.error_rate + options.rateMargin,
    abandonRateLimit: baseline.abandon_rate + options.rateMargin,
    options,
  }
}

/** The most a bucket of `sent` requests may show of a share that is `base` in the baseline. */
export function rateLimitFor(base: number, sent: number, options: BandOptions): number {
  const noise = sent > 0 ? options.noiseSigmas * Math.sqrt((base * (1 - base)) / sent) : 0
  return base + Math.max(options.rateMargin, noise)
}

export function judgeBucket(bucket: DrillBucket, band: Omit<Band, 'noise'>): BucketJudgement {
  const sent = bucket.sent
  if (sent < band.options.minRequests) return { judged: false, healthy: true, reasons: [] }
  const reasons: string[] = []
  const errorRate = bucket.errors / sent
  const abandonRate = bucket.abandoned / sent
  const errorLimit = rateLimitFor(band.errorRate, sent, band.options)
  const abandonLimit = rateLimitFor(band.abandonRate, sent, band.options)
  if (errorRate > errorLimit + 1e-12) reasons.push(`error rate ${pct(errorRate)} > ${pct(errorLimit)}`)
  if (abandonRate > abandonLimit + 1e-12) reasons.push(`abandon rate ${pct(abandonRate)} > ${pct(abandonLimit)}`)
  if (band.ttftP95LimitMs !== null && bucket.ttft_p95 !== null && bucket.ttft_p95 > band.ttftP95LimitMs) {
    reasons.push(`TTFT p95 ${ms(bucket.ttft_p95)} > ${ms(band.ttftP95LimitMs)}`)
  }
  if (band.e2eP95LimitMs !== null && bucket.e2e_p95 !== null && bucket.e2e_p95 > band.e2eP95LimitMs) {
    reasons.push(`e2e p95 ${ms(bucket.e2e_p95)} > ${ms(band.e2eP95LimitMs)}`)
  }
  return { judged: true, healthy: reasons.length === 0, reasons }
}

function isIncident(phase: DrillPhase): boolean {
  return phase.faults.length > 0 && !phase.fading
}

export function findIncidents(phases: readonly DrillPhase[], buckets: readonly DrillBucket[], bucketMs: number, band: Omit<Band, 'noise'>): Incident[] {
  const sorted = [...phases].sort((a, b) => a.fromMs - b.fromMs)
  const judgements = buckets.map((bucket) => judgeBucket(bucket, band))
  const dataEndMs = buckets.length * bucketMs
  const incidents: Incident[] = []
  sorted.forEach((phase, index) => {
    if (!isIncident(phase)) return
    // Detect: the first judged bucket, centred in the phase, outside the band.
    let detectMs: number | null = null
    let detectReasons: string[] = []
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as DrillBucket
      const middle = bucket.t + bucketMs / 2
      if (middle < phase.fromMs || middle >= phase.toMs) continue
      const judgement = judgements[i] as BucketJudgement
      if (judgement.judged && !judgement.healthy) {
        detectMs = Math.max(0, bucket.t + bucketMs - phase.fromMs)
        detectReasons = judgement.reasons
        break
      }
    }
    // Recover: from the phase end, until the next fresh fault (calm and fading phases belong
    // to the recovery), the first run of `recoverBuckets` judged buckets inside the band.
    const next = sorted.slice(index + 1).find(isIncident)
    const windowEndMs = Math.min(next?.fromMs ?? Number.POSITIVE_INFINITY, dataEndMs)
    const incident: Incident = {
      phase: phase.name,
      fromMs: phase.fromMs,
      toMs: phase.toMs,
      detectMs,
      detectReasons,
      recovery: 'not-measurable',
      recoverMs: null,
      windowEndMs,
      note: null,
    }
    if (next !== undefined && next.fromMs - phase.toMs < bucketMs) {
      incident.note = `${next.name} began as ${phase.name} ended: no time in between to recover`
      incidents.push(incident)
      return
    }
    let runStart: number | undefined
    let runLength = 0
    let judgedInWindow = 0
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i] as DrillBucket
      if (bucket.t < phase.toMs || bucket.t + bucketMs > windowEndMs) continue
      const judgement = judgements[i] as BucketJudgement
      if (!judgement.judged) continue
      judgedInWindow++
      if (!judgement.healthy) {
        runStart = undefined
        runLength = 0
        continue
      }
      runStart ??= bucket.t
      runLength++
      if (runLength >= band.options.recoverBuckets) break
    }
    if (judgedInWindow === 0) {
      incident.note = 'no bucket with enough requests after the fault ended'
    } else if (runStart !== undefined) {
      incident.recovery = 'recovered'
      incident.recoverMs = runStart - phase.toMs
      if (runLength < band.options.recoverBuckets) {
        incident.note = `only ${runLength} judged bucket${runLength === 1 ? '' : 's'} inside the band before the ${next === undefined ? 'data ended' : `${next.name} began`}`
      }
    } else {
      incident.recovery = 'not-recovered'
      incident.note = next === undefined ? 'still outside the band when the drill ended' : `still outside the band when ${next.name} began`
    }
    incidents.push(incident)
  })
  return incidents
}

// ------------------------------------------------------------------------------ drift

export function driftStatsOf(group: GroupStats): DriftStats {
  return {
    ok: group.byOutcome['ok'] ?? 0,
    requests: group.requests,
    ttftP95Ms: group.ttft_ms.p95,
    e2eP95Ms: group.e2e_ms.p95,
    okOutputTokens: typeof group.ok_output_tokens === 'number' ? group.ok_output_tokens : null,
    spendUsd: group.spend_usd,
    errorRate: group.error_rate,
  }
}

/** Whole-run figures, for an earlier run without the phase (a plain `gauntlet run`). */
export function driftStatsOfSummary(summary: Summary): DriftStats {
  let okOutputTokens: number | null = 0
  for (const task of Object.values(summary.tasks)) {
    if (typeof task.ok_output_tokens !== 'number') okOutputTokens = null
    else if (okOutputTokens !== null) okOutputTokens += task.ok_output_tokens
  }
  return {
    ok: summary.requests.completed,
    requests: summary.requests.scheduled,
    ttftP95Ms: summary.latency.ttft_ms.p95,
    e2eP95Ms: summary.latency.e2e_ms.p95,
    okOutputTokens,
    spendUsd: summary.spend.usd,
    errorRate: summary.errors.rate,
  }
}

export function compareDrift(before: DriftStats, now: DriftStats, thresholds: DriftThresholds): DriftRow[] {
  const enough = before.ok >= thresholds.minRequests && now.ok >= thresholds.minRequests
  const relative = (metric: DriftMetric, a: number | null, b: number | null, threshold: number, direction: 'up' | 'both'): DriftRow => {
    const change = a === null || b === null || a <= 0 ? null : b / a - 1
    let status: DriftRow['status'] = 'ok'
    if (!enough || change === null) status = 'insufficient'
    else if (direction === 'up' ? change > threshold : Math.abs(change) > threshold) status = 'drift'
    return { metric, before: a, now: b, change, threshold, kind: 'relative', direction, status }
  }
  const perRequest = (stats: DriftStats, value: number | null): number | null => (value === null || stats.ok === 0 ? null : value / stats.ok)
  const spendPer = (stats: DriftStats): number | null => (stats.spendUsd === 'unknown' || stats.requests === 0 ? null : stats.spendUsd / stats.requests)
  const errorChange = now.errorRate - before.errorRate
  return [
    relative('ttft_p95_ms', before.ttftP95Ms, now.ttftP95Ms, thresholds.latencyP95, 'up'),
    relative('e2e_p95_ms', before.e2eP95Ms, now.e2eP95Ms, thresholds.latencyP95, 'up'),
    relative('output_tokens_per_request', perRequest(before, before.okOutputTokens), perRequest(now, now.okOutputTokens), thresholds.outputTokensPerRequest, 'both'),
    relative('spend_per_request_usd', spendPer(before), spendPer(now), thresholds.spendPerRequest, 'up'),
    {
      metric: 'error_rate',
      before: before.errorRate,
      now: now.errorRate,
      change: errorChange,
      threshold: thresholds.errorRate,
      kind: 'absolute',
      direction: 'up',
      status: !enough ? 'insufficient' : errorChange > thresholds.errorRate ? 'drift' : 'ok',
    },
  ]
}

export const DRIFT_LABELS: Record<DriftMetric, string> = {
  ttft_p95_ms: 'TTFT p95',
  e2e_p95_ms: 'e2e p95',
  output_tokens_per_request: 'output tokens per request',
  spend_per_request_usd: 'spend per request',
  error_rate: 'error rate',
}

export function formatDriftValue(metric: DriftMetric, value: number | null): string {
  if (value === null) return '–'
  if (metric === 'error_rate') return pct(value, 2)
  if (metric === 'spend_per_request_usd') return `$${value.toPrecision(3)}`
  if (metric === 'output_tokens_per_request') return value.toFixed(1)
  return ms(value)
}

export function formatDriftChange(row: DriftRow): string {
  if (row.change === null) return '–'
  const sign = row.change >= 0 ? '+' : '−'
  return row.kind === 'absolute' ? `${sign}${(Math.abs(row.change) * 100).toFixed(2)} pp` : `${sign}${(Math.abs(row.change) * 100).toFixed(1)} %`
}

export function formatDriftThreshold(row: DriftRow): string {
  const amount = row.kind === 'absolute' ? `${(row.threshold * 100).toFixed(2)} pp` : `${(row.threshold * 100).toFixed(0)} %`
  return row.direction === 'both' ? `±${amount}` : `+${amount}`
}

// ------------------------------------------------------------------------------ verdict

/** Drill time for a run-time duration: the timeline was compressed by `timeScale`. */
export function drillTime(runMs: number, timeScale: number): string {
  return timeScale === 1 || runMs === 0 ? ms(runMs) : `${ms(runMs)} (drill time ${ms(runMs * timeScale)})`
}

function problemText(problems: PhaseVerdict['topProblems']): string {
  return problems.length === 0 ? '' : ` (${problems.map((p) => `${p.outcome} ×${p.count}`).join(', ')})`
}

export function pickBaselinePhase(phases: readonly DrillPhase[], wanted?: string): DrillPhase | undefined {
  if (wanted !== undefined) return phases.find((phase) => phase.name === wanted)
  return phases.find((phase) => phase.name === 'baseline') ?? [...phases].sort((a, b) => a.fromMs - b.fromMs).find((phase) => phase.faults.length === 0)
}

export function analyzeDrill(input: AnalyzeDrillInput): DrillReport {
  const { summary } = input
  const limits = input.limits ?? DEFAULT_DRILL_LIMITS
  const bandOptions: BandOptions = { ...DEFAULT_BAND, ...input.band }
  const timeScale = input.timeScale ?? 1
  const bucketMs = input.buckets?.bucketMs ?? summary.timeseries.bucketMs
  const buckets = input.buckets?.rows ?? drillBucketsOf(summary.timeseries.buckets)
  const phases = [...input.phases].sort((a, b) => a.fromMs - b.fromMs)
  const notes: string[] = []
  const verdicts = phases.map((phase) => phaseVerdict(phase, summary.phases[phase.name], limits, input.wastedByPhase?.[phase.name]))

  const baselinePhase = pickBaselinePhase(phases, input.baselinePhase)
  let band: Band | null = null
  let incidents: Incident[] = []
  const baselineGroup = baselinePhase === undefined ? undefined : summary.phases[baselinePhase.name]
  if (baselinePhase === undefined) {
    notes.push(
      input.baselinePhase === undefined
        ? 'the timeline has no calm phase to serve as the baseline: detect and recover times need one'
        : `the baseline phase '${input.baselinePhase}' is not in the timeline`,
    )
  } else if (baselineGroup === undefined || (baselineGroup.byOutcome['ok'] ?? 0) === 0) {
    notes.push(`the baseline phase '${baselinePhase.name}' completed no request: there is no band to compare with`)
  } else {
    const core = computeBand(baselineGroup, baselinePhase.name, bandOptions)
    let judged = 0
    let outside = 0
    for (const bucket of buckets) {
      const middle = bucket.t + bucketMs / 2
      if (middle < baselinePhase.fromMs || middle >= baselinePhase.toMs) continue
      const judgement = judgeBucket(bucket, core)
      if (!judgement.judged) continue
      judged++
      if (!judgement.healthy) outside++
    }
    band = { ...core, noise: { judged, outside } }
    if (judged > 0 && outside / judged > 0.1) {
      notes.push(`${outside} of ${judged} baseline buckets fell outside the band on their own: detection times are less certain (use longer buckets, i.e. a longer drill, or more traffic)`)
    }
    incidents = findIncidents(phases, buckets, bucketMs, core)
  }

  let drift: Drift | null = null
  if (input.before !== undefined) {
    const thresholds: DriftThresholds = { ...DEFAULT_DRIFT, ...input.driftThresholds }
    const now = baselineGroup === undefined ? driftStatsOfSummary(summary) : driftStatsOf(baselineGroup)
    drift = { source: input.before.source, runId: input.before.runId, scope: input.before.scope, rows: compareDrift(input.before.stats, now, thresholds), thresholds }
    if (drift.rows.some((row) => row.status === 'insufficient')) {
      notes.push(`drift: fewer than ${thresholds.minRequests} completed requests on one side, or a figure missing: those rows are not judged`)
    }
  }

  // What broke, worst first: a broken baseline, no recovery, fault phases, drift.
  const broke: string[] = []
  // Calm phases before the first fault are the reference; calm phases after one are part of a recovery.
  const firstFaultMs = phases.find((phase) => phase.faults.length > 0)?.fromMs ?? Number.POSITIVE_INFINITY
  const calmFailures = verdicts.filter((verdict) => verdict.faults.length === 0 && verdict.fromMs < firstFaultMs && !verdict.pass)
  for (const verdict of calmFailures) {
    broke.push(
      verdict.noData
        ? `${verdict.name} (no faults): no request was due in this phase, nothing to judge`
        : `${verdict.name} (no faults): ${verdict.checks.filter((c) => !c.pass).map(describeCheck).join('; ')}${problemText(verdict.topProblems)}`,
    )
  }
  const lastIncident = incidents[incidents.length - 1]
  const endedUnrecovered = lastIncident !== undefined && lastIncident.recovery === 'not-recovered' && lastIncident.windowEndMs >= buckets.length * bucketMs
  if (endedUnrecovered && lastIncident !== undefined) {
    broke.push(`not recovered: after ${lastIncident.phase} ended, buckets were still outside the baseline band when the drill ended`)
  }
  for (const incident of incidents) {
    if (incident !== lastIncident && incident.recovery === 'not-recovered') broke.push(`not recovered after ${incident.phase}: ${incident.note ?? ''}`.trim())
  }
  const faultFailures = verdicts.filter((verdict) => !verdict.pass && !calmFailures.includes(verdict))
  for (const verdict of faultFailures) {
    const retries = verdict.retryAmplification > 1.005 ? `; retries ×${verdict.retryAmplification.toFixed(2)}` : ''
    broke.push(
      verdict.noData
        ? `${verdict.name}: no request was due in this phase`
        : `${verdict.name}: ${verdict.checks.filter((c) => !c.pass).map(describeCheck).join('; ')}${problemText(verdict.topProblems)}${retries}`,
    )
  }
  const drifted = drift?.rows.filter((row) => row.status === 'drift') ?? []
  for (const row of drifted) {
    broke.push(
      `drift since ${drift?.runId ?? 'the baseline'}: ${DRIFT_LABELS[row.metric]} ${formatDriftValue(row.metric, row.before)} → ${formatDriftValue(row.metric, row.now)} (${formatDriftChange(row)}, limit ${formatDriftThreshold(row)})`,
    )
  }

  let status: DrillStatus
  let sentence: string
  const failedPhases = verdicts.filter((verdict) => !verdict.pass).length
  const recovered = lastIncident?.recovery === 'recovered' ? lastIncident : undefined
  const recoveryText = recovered === undefined || recovered.recoverMs === null ? '' : `, and the endpoint was back within the baseline band ${drillTime(recovered.recoverMs, timeScale)} after ${recovered.phase} ended`
  if (summary.partial) {
    status = 'FAIL'
    sentence = 'FAIL — the drill was interrupted before its timeline ended, so it proves nothing about recovery.'
  } else if (baselinePhase === undefined || band === null) {
    status = 'FAIL'
    sentence = `FAIL — there is no working baseline to judge the faults against (${notes[notes.length - 1] ?? 'no baseline'}).`
  } else if (calmFailures.length > 0) {
    status = 'FAIL'
    sentence = `FAIL — even without faults the endpoint broke its SLOs (${calmFailures.map((v) => v.name).join(', ')}): fix that before reading the fault phases.`
  } else if (endedUnrecovered) {
    status = 'FAIL'
    sentence = `FAIL — the endpoint had not recovered when the drill ended: after ${lastIncident?.phase ?? 'the last fault'} ended it stayed outside the baseline band.`
  } else if (failedPhases > 0 || drifted.length > 0 || incidents.some((incident) => incident.recovery === 'not-recovered')) {
    status = 'DEGRADED'
    const parts: string[] = []
    if (failedPhases > 0) parts.push(`${failedPhases} of ${verdicts.length} phases broke their SLOs during or after faults (${faultFailures.map((v) => v.name).join(', ')})`)
    if (drifted.length > 0) parts.push(`${drifted.length} figure${drifted.length === 1 ? '' : 's'} drifted since the last drill`)
    sentence = `DEGRADED — the baseline held, but ${parts.join(' and ')}${recoveryText}.`
  } else {
    status = 'PASS'
    sentence = `PASS — every phase met its SLOs, faults included${recoveryText}.`
  }
  if (buckets.length > 0) {
    notes.push(`detect and recover times are measured in ${ms(bucketMs)} buckets of run time, by when requests were due: they are accurate to one bucket`)
    const shortest = Math.min(...phases.filter((phase) => phase.faults.length > 0).map((phase) => phase.toMs - phase.fromMs))
    if (Number.isFinite(shortest) && shortest < 3 * bucketMs) {
      notes.push(`the shortest fault phase lasts ${ms(shortest)}, under three ${ms(bucketMs)} buckets: detection is coarse; send more traffic (--employees) or play the drill slower (--time-scale)`)
    }
  }
  return {
    schemaVersion: DRILL_SCHEMA_VERSION,
    verdict: { status, sentence },
    broke,
    phases: verdicts,
    band,
    incidents,
    drift,
    limits,
    wastedBasis: input.wastedByPhase === undefined ? 'abandoned' : 'failed-attempts',
    timeScale,
    bucketMs,
    buckets,
    notes,
  }
}

/** How the drill was run: what `drill.json` carries beside the report. */
export interface DrillRunInfo {
  runId: string
  startedAt: string
  durationMs: number
  partial: boolean
  target: Summary['target']
  /** The run folder (summary.json, records.jsonl, report.html). */
  outDir: string | null
  preset: string
  /** Employees asked for, and simulated (fewer when a compressed drill keeps the real rate). */
  employees: number
  simulatedEmployees: number
  /** Hours from the preset's start the drill begins at. */
  startHour: number
  keepRate: boolean
  expectedRatePerSecond: number
  /** Phases in run time; `durationMs` (drill time) includes the calm tail of `tailMs`. */
  timeline: { source: string; durationMs: number; phases: DrillPhase[]; tailMs: number }
  retries: string
  baselineDir: string | null
}

/** The content of `drill.json`. */
export interface DrillDocument extends DrillReport {
  kind: 'drill'
  run: DrillRunInfo
}
