// The run summary: what `summary.json` holds (documented in results/SCHEMA.md).
import type { AccuracySummary } from './accuracy/types.js'
import type { CachingSummary, ConversationSummary } from './conversations/types.js'

export const SUMMARY_SCHEMA_VERSION = 1

export interface LatencyStats {
  count: number
  p50: number | null
  p90: number | null
  p95: number | null
  p99: number | null
  p999: number | null
  max: number | null
  mean: number | null
  min: number | null
}

export type LatencyMetric = 'ttft_ms' | 'ttft_service_ms' | 'itl_ms' | 'tpot_ms' | 'e2e_ms' | 'e2e_service_ms' | 'schedule_lag_ms'
export const LATENCY_METRICS: readonly LatencyMetric[] = [
  'ttft_ms',
  'ttft_service_ms',
  'itl_ms',
  'tpot_ms',
  'e2e_ms',
  'e2e_service_ms',
  'schedule_lag_ms',
]

/** USD, or 'unknown' when any part of it came from an unpriced model. */
export type Usd = number | 'unknown'

export interface Slo {
  ttft_ms?: number
  e2e_ms?: number
  tpot_ms?: number
}

export interface GroupStats {
  /** Logical requests whose final attempt fell in this group. */
  requests: number
  byOutcome: Record<string, number>
  error_rate: number
  abandon_rate: number
  ttft_ms: LatencyStats
  e2e_ms: LatencyStats
  spend_usd: Usd
  /** Attempts / logical requests. */
  retry_amplification: number
  wasted_usd: Usd
  /** Tokens of every attempt in the group (server-reported or estimated). */
  input_tokens: number
  output_tokens: number
  /** Output tokens of the group's completed requests, for per-request means. */
  ok_output_tokens: number
  ok_input_tokens: number
}

export interface TimeBucket {
  /** Bucket start, ms from run start (by scheduled time). */
  t: number
  scheduled: number
  ok: number
  errors: number
  abandoned: number
  dropped: number
  lost_demand: number
  /** Per-status or per-outcome counts of the bucket's final attempts. */
  byOutcome: Record<string, number>
  ttft_p50: number | null
  ttft_p95: number | null
  ttft_p99: number | null
  e2e_p50: number | null
  e2e_p95: number | null
  e2e_p99: number | null
  /** Largest number of requests in flight seen in the bucket. */
  in_flight_max: number
  spend_usd: number
  output_tokens: number
  /** Distinct users who sent a request in this bucket. */
  active_users: number
  phase?: string
}

export interface ThresholdResult {
  text: string
  actual: number | null
  pass: boolean
  reason?: string
}

/** The client's own health in a run (judged in client-health.ts). */
export interface ClientHealthFigures {
  /** Event-loop delay over the run (perf_hooks.monitorEventLoopDelay), ms. */
  eventLoopDelayP50Ms: number | null
  eventLoopDelayP99Ms: number | null
  eventLoopDelayMaxMs: number | null
  /** Client CPU (user + system) ÷ wall time: 1.0 is one core, the whole of one event loop. */
  cpuCores: number
  /**
   * How long the self-check watched, ms (the longest worker's). CPU over a shorter window than
   * MIN_WATCH_FOR_CPU_MS is mostly start-up (compiling, first connections) and is not judged.
   * Absent in summaries written before it was recorded.
   */
  watchedMs?: number
  /** Worker threads or processes the traffic ran on (1: one event loop). */
  workers: number
  pacer: { waits: number; wakeups: number; yieldMs: number }
  /** Tokenizer loads that fell inside the run (each pauses the loop), ms from run start and duration. */
  tokenizerLoads: { atMs: number; durationMs: number }[]
  /** Open model: p99 of sent − scheduled, ms. */
  scheduleLagP99Ms: number | null
}

export type ClientVerdict = 'ok' | 'busy' | 'saturated'

export interface ClientHealth extends ClientHealthFigures {
  verdict: ClientVerdict
  /** One line each: what may be off and why. */
  warnings: string[]
  /** Figures the client may have distorted: marked wherever they are shown. */
  distorted: LatencyMetric[]
}

export interface Summary {
  schemaVersion: number
  runId: string
  name: string
  /** True when the run was interrupted or stopped before its traffic ended. */
  partial: boolean
  startedAt: string
  endedAt: string
  durationMs: number
  plannedDurationMs: number | null
  target: { label: string; adapter: string; model: string; baseUrl: string; pricedAs: string | null }
  traffic: { source: string; requests: number | null; seed: number | null; segment: string | null }
  requests: {
    /** Logical requests that came due. */
    scheduled: number
    /** Logical requests sent at least once. */
    sent: number
    attempts: number
    completed: number
    /** Final outcome of each logical request; HTTP failures as `http_<status>`. */
    byOutcome: Record<string, number>
  }
  latency: Record<LatencyMetric, LatencyStats>
  throughput: { requests_per_s: number; output_tokens_per_s: number; input_tokens_per_s: number }
  goodput: { slo: Slo; requests: number; requests_per_s: number; share: number }
  tokens: { input: number; cached_input: number; output: number; reasoning: number; estimated_share: number }
  spend: { usd: Usd; per_1k_requests_usd: Usd; per_task: Record<string, Usd>; wasted_usd: Usd }
  abandonment: {
    rate: number
    abandoned: number
    abandoned_before_first_token: number
    wasted_usd: Usd
    users: number
    users_quit: number
    lost_demand: number
  }
  retries: { logical: number; attempts: number; amplification: number }
  errors: { rate: number; byCode: Record<string, number> }
  tasks: Record<string, GroupStats>
  phases: Record<string, GroupStats & { fromMs: number; toMs: number }>
  /** Malformed-input kind → how the endpoint answered → count. */
  malformed: Record<string, Record<string, number>>
  timeseries: { bucketMs: number; buckets: TimeBucket[] }
  thresholds: ThresholdResult[]
  /** The client's own health during the run (absent in summaries written before it existed). */
  client?: ClientHealth
  /** Answers over the user's own tables scored against the clean truth (absent without such requests). */
  accuracy?: AccuracySummary
  /** Conversations and agent tasks: by turn and per chain (absent without multi-turn traffic). */
  conversations?: ConversationSummary
  /** The prompt cache: tokens read and written, and the spend it saved (absent when no cache tokens were reported). */
  caching?: CachingSummary
  /** Notes a reader must know (estimated tokens, unpriced model, interrupted …). */
  notes: string[]
}
