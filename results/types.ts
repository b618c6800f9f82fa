// Results seam: one Sample per attempt, fanned out to Sinks, aggregated into a Summary.

/**
 * What happened to one attempt. `http` carries its status in `Sample.status`.
 * `dropped`: not sent, the in-flight cap was full. `lost-demand`: not sent, its user had quit.
 * `budget-stopped`: not sent, the spend cap was reached. `interrupted`: aborted by Ctrl-C.
 */
export type Outcome =
  | 'ok'
  | 'http'
  | 'timeout'
  | 'request-timeout'
  | 'reset'
  | 'connection'
  | 'malformed-stream'
  | 'truncated'
  | 'stream-error'
  | 'abandoned'
  | 'dropped'
  | 'lost-demand'
  | 'budget-stopped'
  | 'interrupted'


export interface Sample {
  requestId: string
  /** 1 for the first try, 2.. for retries. */
  attempt: number
  userId: string
  task: string
  tags?: string[]
  /** Fault timeline phase in force at the scheduled time. */
  phase?: string
  /** Faults the chaos layer applied to this attempt. */
  faults?: string[]
  outcome: Outcome
  status?: number
  errorCode?: string
  errorMessage?: string
  vendorType?: string
  /** Times in ms from the run's start (monotonic clock). */
  scheduledAtMs: number
  sentAtMs?: number
  headersAtMs?: number
  firstTokenAtMs?: number
  endAtMs?: number
  /** sent − scheduled. */
  scheduleLagMs?: number
  /** First content token − scheduled (the user's view). */
  ttftMs?: number
  /** First content token − sent (the server's view). */
  ttftServiceMs?: number
  /** End − scheduled. */
  e2eMs?: number
  /** End − sent. */
  e2eServiceMs?: number
  /** (e2e − TTFT) / (output tokens − 1). */
  tpotMs?: number
  /** Gaps between content chunks. Kept in records only when asked (`keepItl`). */
  itlMs?: number[]
  /** Number of content chunks received. */
  chunks?: number
  inputTokens?: number
  /** Read from the prompt cache (part of inputTokens). */
  cachedInputTokens?: number
  /** Written to the prompt cache (Anthropic cache writes; part of inputTokens). */
  cacheWriteInputTokens?: number
  outputTokens?: number
  reasoningTokens?: number
  /** True when any token count was estimated with tiktoken rather than reported by the server. */
  tokensEstimated?: boolean
  /** USD; null when the model is not priced. Abandoned attempts: the spend wasted. */
  spendUsd?: number | null
  /** What the same tokens would have cost with no prompt cache; only when cache tokens were reported. */
  uncachedSpendUsd?: number | null
  /** Conversations and agent tasks: the traffic line this request is a turn of. */
  conversationId?: string
  /** Conversations and agent tasks: 1-based turn (call) number within the line. */
  turn?: number
  /** Agent tasks: this call is one step of a task the user waits for as a whole. */
  agent?: boolean
  finishReason?: string
  /** Abandoned: which patience ran out. */
  abandonReason?: 'ttft' | 'e2e'
  /** Extraction tasks: the answer parsed as JSON and matched the schema. */
  answerValid?: boolean
  /** Malformed inputs: how the endpoint handled it (clean-4xx, 5xx, timeout, reset, answered, …). */
  handling?: string
  /** This attempt failed and another attempt of the same logical request follows. */
  willRetry?: boolean
  /** Target label in a comparison. */
  target?: string
  /** Questions over the user's files (traffic `expected`): shared by a question's clean and dirty versions. */
  questionId?: string
  /** Which version of the table the prompt embedded. */
  variant?: 'clean' | 'dirty'
  /** The file the embedded table came from. */
  source?: string
  /** The answer matched the expected one after normalisation (results/accuracy/score.ts). */
  correct?: boolean
  /** A wrong answer that said it was unsure, could not find it, or refused. */
  hedged?: boolean
  /** `match`, `mismatch`, `hedged` or `empty`. */
  scoreDetail?: string
  /** The answer part of the reply, at most 120 characters. */
  answerText?: string
}

export interface RunInfo {
  runId: string
  name: string
  startedAt: string
  /** Config without secrets. */
  config: Record<string, unknown>
}

export interface Sink {
  readonly name: string
  start?(run: RunInfo): Promise<void>
  /** Never blocks or throws. */
  record(sample: Sample): void
  /** Flush and close. */
  stop?(): Promise<void>
}
