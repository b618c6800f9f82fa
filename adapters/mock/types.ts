// The embedded mock endpoint's public types: profiles, server options, per-request script hook, stats.
import type { IncomingHttpHeaders } from 'node:http'

/** Wire protocol of a request: OpenAI Chat Completions or Anthropic Messages. */
export type MockProtocol = 'openai' | 'anthropic'

/**
 * Serving-simulator timing (continuous batching). One decode loop steps every running sequence
 * together; a step lasts `decodeBaseMs + decodeMsPerSequence × decoding + prefillMsPerToken ×
 * prefill tokens in the step`, and every decoding sequence emits one token at its end.
 */
export interface MockTiming {
  /** Fixed latency before a request reaches the scheduler (network, gateway, auth). */
  overheadMs: number
  /** Log-space sigma applied to `overheadMs` (0 = fixed). Seeded. */
  overheadJitter: number
  /** Prefill cost per input token, paid inside decode steps. */
  prefillMsPerToken: number
  /** Chunked prefill: at most this many prompt tokens are prefilled per step. */
  maxPrefillTokensPerStep: number
  /** Step time with no sequences decoding (the model's forward pass floor). */
  decodeBaseMs: number
  /** Added to the step time per decoding sequence: why TPOT grows with load. */
  decodeMsPerSequence: number
}

/** Fixed TTFT and inter-token gap for every request, whatever the load: the engine's ground truth. */
export interface MockExactTiming {
  ttftMs: number
  itlMs: number
}

/** Per-key budgets (token buckets refilled continuously over a minute). */
export interface MockRateLimits {
  requestsPerMinute?: number
  tokensPerMinute?: number
}

/**
 * The simulated prefix cache (README "Prefix cache"). Each unset field takes its default.
 * `false` in a profile turns caching off.
 */
export interface MockPrefixCache {
  /** Tokens kept per model, LRU over blocks. Default 2,000,000. */
  capacityTokens?: number
  /** A prompt with fewer input tokens is neither read from nor written to the cache. Default 1024. */
  minTokens?: number
  /** Prefill cost of a cached token relative to an uncached one. Default 0.1. */
  cachedPrefillFactor?: number
}

export interface MockProfile {
  name: string
  description: string
  /** Listed by `GET /v1/models`. */
  models: string[]
  /** When true, a model not in `models` gets 404; otherwise any model name is served. */
  strictModels: boolean
  /** Model whose price a run uses for spend (e.g. `gpt-4o-mini`). */
  priceAs: string
  /** Max input tokens; more is a 400 `context_length_exceeded`. Output is capped at the room left. */
  contextWindow: number
  /** Output length when neither the request header nor the script sets one. */
  defaultOutputTokens: number
  /** Concurrent sequences (prefill + decode). */
  capacity: number
  /** Requests waiting beyond capacity; a full queue answers 429 (OpenAI) / 529 (Anthropic). */
  maxQueue: number
  timing: MockTiming
  /** When set, every request gets exactly this timing and capacity/queue are not simulated. */
  exact?: MockExactTiming
  rateLimits?: MockRateLimits
  /** `Retry-After` sent with queue-full rejections, seconds. */
  retryAfterSeconds: number
  /** Larger request bodies get 413. */
  maxBodyBytes: number
  /** Prefix caching (default: on, with the defaults of `MockPrefixCache`); `false` turns it off. */
  prefixCache?: MockPrefixCache | false
  /** `oracle`: answer table questions in the prompt with a naive CSV reader (oracle.ts) instead of filler text. */
  behaviour?: 'oracle'
}

/** What a script hook sees about a valid chat request (before rate limits and scheduling). */
export interface MockRequestInfo {
  protocol: MockProtocol
  /** 0-based order of valid chat requests since the server started. */
  index: number
  model: string
  /** Anthropic `system` text (joined); OpenAI system messages stay in `messages`. */
  system?: string
  /** Messages with their text content joined (non-text parts dropped). */
  messages: { role: string; content: string }[]
  /** Counted as documented in README.md (sum of tiktoken counts of every text part). */
  inputTokens: number
  /** `max_tokens` / `max_completion_tokens`, when sent. */
  maxTokens?: number
  stream: boolean
  headers: IncomingHttpHeaders
  /** The key the request carried (Bearer or x-api-key), if any. */
  apiKey?: string
  body: Record<string, unknown>
}

/** Per-request override returned by `MockServerOptions.script`; unset fields keep the defaults. */
export interface MockScript {
  /** Exact time to first token (ms from request arrival); bypasses capacity and queue. */
  ttftMs?: number
  /** Exact gap between tokens; bypasses capacity and queue. */
  itlMs?: number
  /** Target output length (still capped by max_tokens and the context window). */
  outputTokens?: number
  /** Answer with this HTTP status instead of generating (after `ttftMs` when set). */
  status?: number
  /** Body for `status`: an object (sent as JSON) or a raw string. Default: a vendor-shaped error. */
  errorBody?: unknown
  /** Extra response headers. */
  headers?: Record<string, string>
  /** Destroy the connection after this many content tokens (a mid-stream reset). */
  resetAfterTokens?: number
  /** End the stream without its terminator (`data: [DONE]` / `message_stop`). */
  omitTerminator?: boolean
}

export interface MockServerOptions {
  /** Default `127.0.0.1`: loopback unless told otherwise. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** A profile name or object. Default `typical-cloud`. */
  profile?: string | MockProfile
  /** Seeds output text and timing jitter. Default 1. */
  seed?: number
  /** When set, requests without one of these keys get 401 in the vendor's shape. */
  apiKeys?: string[]
  /** Test hook: per-request override. */
  script?: (request: MockRequestInfo) => MockScript | undefined
}

export interface MockStats {
  /** HTTP requests received, every route. */
  requests: number
  /** Valid chat requests (passed validation). */
  chatRequests: number
  /** Chat requests answered in full. */
  completed: number
  /** Sequences holding a slot (prefill + decode) plus exact-timing sequences in flight. */
  activeSequences: number
  /** Waiting for a slot. */
  queued: number
  /** 429/529 answers: queue full plus rate limited. */
  rejected: number
  rejectedQueueFull: number
  rejectedRateLimit: number
  /** Other error answers (4xx/5xx), scripted ones included. */
  errors: number
  /** Clients that went away before the end. */
  cancelled: number
  /** Input tokens of the requests that were scheduled. */
  inputTokens: number
  /** The part of them read from the prefix cache. */
  cachedInputTokens: number
  /** The part of them written to it (Anthropic breakpoints). */
  cacheWriteInputTokens: number
  /** Output tokens generated (streaming and not). */
  outputTokens: number
  /** Output tokens written to SSE streams. */
  tokensStreamed: number
  /** Streaming responses open now (headers sent, not ended). */
  openStreams: number
  peakConcurrentStreams: number
  peakActiveSequences: number
  peakQueued: number
}

export interface MockServer {
  /** `http://127.0.0.1:PORT` (no trailing slash; OpenAI clients use `${url}/v1`). */
  url: string
  port: number
  profile: MockProfile
  stats(): MockStats
  close(): Promise<void>
}
