// What an exported k6 script runs: the plan (embedded at bundle time) and one traffic entry.
// Shared by the k6 scripts and the Node side, so it stays plain data with no imports.
// Neither ever holds a secret: keys are read from k6's __ENV at run time by variable name.

export type K6Vendor = 'openai' | 'anthropic' | 'azure'

/** Prices in USD per million tokens: the fields of the pricing table's `ModelPrice` that spend needs. */
export interface K6PriceRates {
  inputUsdPerMTok: number
  /** Cache reads; plain input price when absent. */
  cachedInputUsdPerMTok?: number
  /** Cache writes (Anthropic); plain input price when absent. */
  cacheWriteUsdPerMTok?: number
  outputUsdPerMTok: number
}

export interface K6Price extends K6PriceRates {
  /** Hidden reasoning output, when billed apart; output price when absent. */
  reasoningUsdPerMTok?: number
  /** Rates for the whole request once its input (cached included) passes `aboveInputTokens`. */
  longContext?: K6PriceRates & { aboveInputTokens: number }
}

export interface K6Target {
  vendor: K6Vendor
  /** Vendor model id (Azure: deployment name). */
  model: string
  /** OpenAI/Azure style includes `/v1` where the vendor has it; Anthropic's excludes it (as the SDKs do). */
  baseUrl: string
  /** Environment variable that holds the key, read from `__ENV`; null when the endpoint takes none. */
  keyEnv: string | null
  /** The script refuses to start without the key (vendor APIs); false for local servers. */
  keyRequired: boolean
  /** `anthropic-version` or Azure `api-version`. */
  apiVersion?: string
  /** Chat Completions max-tokens field: OpenAI's own API and Azure want `max_completion_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens'
  /** Anthropic has no JSON mode: this system line asks for JSON (same text as the adapter's). */
  jsonInstruction?: string
}

/** One request of the traffic file, prompts already expanded to literal messages. */
export interface K6TrafficEntry {
  id: string
  offsetMs: number
  userId: string
  task: string
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>
  maxOutputTokens: number
  targetOutputTokens?: number
  /** Counted at generation (estimate for non-OpenAI tokenizers); only informative here. */
  inputTokens: number
  /** Ask for a JSON answer (extraction tasks). */
  json?: boolean
  /** Simulated user's patience from the scheduled time (drawn at export, same model as `gauntlet run`). */
  patienceTtftMs?: number
  patienceE2eMs?: number
}

/** How iterations are started: see load/k6/README.md for the fidelity trade-off. */
export type K6ScheduleMode = 'rate' | 'exact'

export interface K6Plan {
  schema: 'gauntlet-k6-plan/1'
  generatorVersion: string
  target: K6Target
  stream: boolean
  schedule: K6ScheduleMode
  /** Window the arrival rate is held constant over (rate mode). */
  windowMs: number
  requestCount: number
  spanMs: number
  /** Hard limit per request, ms (k6 `timeout`). */
  requestTimeoutMs: number
  price: K6Price | null
  /** Where the traffic came from (traffic header `source`, seed), for the report. */
  trafficSource: string
  trafficSeed: number | null
  /** Threshold expressions as the user wrote them, beside their k6 form in `options.thresholds`. */
  thresholdSources: Array<{ text: string; metric: string; expression: string }>
  /** k6 `options`: scenarios, thresholds, summaryTrendStats. */
  options: Record<string, unknown>
}

export const K6_SUMMARY_SCHEMA = 'gauntlet-k6-summary/1'

/** Trend stats every export asks k6 for, so the import has p50..p99. */
export const K6_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count']

/** Metric names of the exported scripts; the Node side maps them back in import-summary.ts. */
export const K6_METRICS = {
  requests: 'llm_requests',
  e2e: 'llm_e2e',
  e2eService: 'llm_e2e_service',
  ttft: 'llm_ttft',
  ttftService: 'llm_ttft_service',
  tpot: 'llm_tpot',
  scheduleLag: 'llm_schedule_lag',
  inputTokens: 'llm_input_tokens',
  cachedInputTokens: 'llm_cached_input_tokens',
  outputTokens: 'llm_output_tokens',
  spendUsd: 'llm_spend_usd',
  errors: 'llm_errors',
  abandoned: 'llm_abandoned',
  unpriced: 'llm_unpriced',
} as const

/**
 * How one request ended in k6. Each is counted as `llm_requests{outcome:<name>}`, a submetric
 * that the export makes visible in the summary with an always-true threshold (`count>=0`).
 */
export const K6_OUTCOMES = ['ok', 'http', 'timeout', 'connection', 'malformed-stream', 'truncated', 'stream-error', 'abandoned'] as const
export type K6Outcome = (typeof K6_OUTCOMES)[number]

/** The always-true threshold that only exists to surface a submetric in the summary. */
export const K6_SURFACE_THRESHOLD = 'count>=0'
