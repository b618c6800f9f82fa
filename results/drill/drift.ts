// Drift against an earlier drill: the same figures before and now, each judged against its threshold.
import type { GroupStats, Summary, Usd } from '../summary.js'

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
