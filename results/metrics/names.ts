// The Prometheus series a run exports (live on /metrics and in `gauntlet export --format prom`)
// and their histogram buckets: one list, so the dashboard and its test can be checked against it.

/** Every metric name the run registry exports (histograms add _bucket, _sum and _count). */
export const METRIC_NAMES = {
  requests: 'gauntlet_requests_total',
  attempts: 'gauntlet_attempts_total',
  abandoned: 'gauntlet_abandoned_total',
  inputTokens: 'gauntlet_input_tokens_total',
  outputTokens: 'gauntlet_output_tokens_total',
  spend: 'gauntlet_spend_usd_total',
  unpriced: 'gauntlet_unpriced_attempts_total',
  ttft: 'gauntlet_ttft_seconds',
  e2e: 'gauntlet_e2e_seconds',
  itl: 'gauntlet_itl_seconds',
  scheduleLag: 'gauntlet_schedule_lag_seconds',
  inFlight: 'gauntlet_in_flight_requests',
  elapsed: 'gauntlet_elapsed_seconds',
  phase: 'gauntlet_phase_info',
} as const

/** TTFT and end-to-end latency of LLM requests: 50 ms to 2 minutes. */
export const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120]

/** Gaps between streamed chunks are tens of ms; a stall shows in the upper buckets. */
export const ITL_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** The client's own lateness in sending: healthy is under a millisecond. */
export const LAG_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
