// A phase of the drill's timeline, and its verdict against the absolute limits (SLOs, error and abandon rates).
import type { GroupStats, LatencyStats, Slo, Usd } from '../summary.js'

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

const EMPTY_LATENCY: LatencyStats = { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null }

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

export function phaseVerdict(phase: DrillPhase, group: GroupStats | undefined, limits: DrillLimits, wasted: Usd | undefined): PhaseVerdict {
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
