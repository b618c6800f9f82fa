// The OpenTelemetry metrics a run pushes with `--otlp`: GenAI semantic-convention names where one
// exists, `gauntlet.*` for the rest, each with its unit and buckets. One list, for the code, the
// README table and the tests alike.
import { LAG_BUCKETS_SECONDS } from './names.js'

/** OpenTelemetry GenAI conventions (development status), docs/gen-ai/gen-ai-metrics.md. */
const GENAI_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
const GENAI_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
const GENAI_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
const GENAI_TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5]

export interface OtlpMetricSpec {
  readonly name: string
  readonly kind: 'counter' | 'histogram' | 'gauge'
  readonly unit: string
  readonly description: string
  readonly buckets?: readonly number[]
  /** Whole numbers (exported as asInt). */
  readonly integer?: boolean
}

const spec = (name: string, kind: OtlpMetricSpec['kind'], unit: string, description: string, buckets?: readonly number[]): OtlpMetricSpec =>
  buckets === undefined ? { name, kind, unit, description } : { name, kind, unit, description, buckets }
const count = (metric: OtlpMetricSpec): OtlpMetricSpec => ({ ...metric, integer: true })

/** Latencies are measured from the scheduled time, as on /metrics and in summary.json. */
export const OTLP_METRICS = {
  duration: spec('gen_ai.client.operation.duration', 'histogram', 's', 'End-to-end duration of each logical request that was sent (error.type set when it failed)', GENAI_DURATION_BUCKETS),
  tokens: count(spec('gen_ai.client.token.usage', 'histogram', '{token}', 'Input and output tokens of every attempt (gen_ai.token.type)', GENAI_TOKEN_BUCKETS)),
  ttft: spec('gen_ai.server.time_to_first_token', 'histogram', 's', 'Time to first token of completed requests', GENAI_TTFT_BUCKETS),
  tpot: spec('gen_ai.server.time_per_output_token', 'histogram', 's', 'Time per output token after the first, completed requests', GENAI_TPOT_BUCKETS),
  itl: spec('gen_ai.client.operation.time_per_output_chunk', 'histogram', 's', 'Gaps between streamed content chunks', GENAI_DURATION_BUCKETS),
  requests: count(spec('gauntlet.requests', 'counter', '{request}', 'Logical requests by final outcome (gauntlet.outcome; http_<status> for HTTP failures)')),
  attempts: count(spec('gauntlet.attempts', 'counter', '{attempt}', 'Attempts sent to the endpoint (retries included), by outcome')),
  abandoned: count(spec('gauntlet.abandoned_requests', 'counter', '{request}', 'Requests the simulated user gave up on (gauntlet.abandon.reason: ttft, e2e)')),
  spend: spec('gauntlet.spend', 'counter', '{USD}', 'USD spent on tokens, every attempt (unpriced attempts excluded)'),
  unpriced: count(spec('gauntlet.unpriced_attempts', 'counter', '{attempt}', 'Attempts whose model has no price: spend is then incomplete')),
  scheduleLag: spec('gauntlet.schedule_lag', 'histogram', 's', 'Sent minus scheduled time of first attempts (the client running late)', LAG_BUCKETS_SECONDS),
  active: count(spec('gauntlet.active_requests', 'gauge', '{request}', 'Requests in flight')),
  elapsed: spec('gauntlet.elapsed', 'gauge', 's', 'Seconds since the run started'),
  phase: spec('gauntlet.phase', 'gauge', '1', 'The chaos phase of the latest scheduled request: 1 for it, 0 for earlier ones (gauntlet.phase.name)'),
} as const satisfies Record<string, OtlpMetricSpec>

/** Attribute keys: GenAI and general conventions first, then ours. */
export const OTLP_ATTRIBUTES = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  model: 'gen_ai.request.model',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',
  outcome: 'gauntlet.outcome',
  abandonReason: 'gauntlet.abandon.reason',
  phase: 'gauntlet.phase.name',
} as const

/** Resource attributes: who pushed the figures. */
export const OTLP_RESOURCE = {
  serviceName: 'llm-gauntlet',
  runId: 'gauntlet.run.id',
  runName: 'gauntlet.run.name',
} as const
