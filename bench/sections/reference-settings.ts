// The reference section's fixed settings, shared by its roles, its runs and its report: the mock's
// exact timing, stream lengths, rates, user counts and the goals.

export const EXACT = { ttftMs: 200, itlMs: 20 }
export const STREAM_TOKENS = 64
/** One exact stream: first token at 200 ms, then 63 more 20 ms apart. */
export const STREAM_LENGTH_MS = EXACT.ttftMs + (STREAM_TOKENS - 1) * EXACT.itlMs
export const SHORT_TOKENS = 16
export const OPEN_RATE_PER_S = 1_000
export const PACER_RATE_PER_S = 200
export const CPU_USERS = 32
export const WORKERS_USERS = 64
export const RSS_GOAL_MB = 80
export const PACER_GOAL_CORES = 0.1
export const PACER_WARMUP_REQUESTS = 2_000
