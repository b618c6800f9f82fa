// What the parts of one mock server share: settings, scheduler, rate limiter, prefix cache, counters, exchange.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MockPrefixCacheState } from './prompt-cache.js'
import type { ProtocolCodec } from './protocol.js'
import type { RateLimiter } from './rate-limit.js'
import type { MockScheduler } from './scheduler.js'
import type { MockProfile, MockServerOptions, MockStats } from './types.js'

/** The server's own counts behind `mock.stats()`; the scheduler keeps the rest. */
export type MockCounters = Pick<
  MockStats,
  | 'requests'
  | 'chatRequests'
  | 'completed'
  | 'rejectedQueueFull'
  | 'rejectedRateLimit'
  | 'errors'
  | 'cancelled'
  | 'inputTokens'
  | 'cachedInputTokens'
  | 'cacheWriteInputTokens'
  | 'outputTokens'
  | 'tokensStreamed'
  | 'openStreams'
  | 'peakConcurrentStreams'
>

/** One HTTP request and its answer, as the gates and the stream writer see it. */
export interface MockExchange {
  request: IncomingMessage
  response: ServerResponse
  /** The protocol of the route (or of the `anthropic-version` header): shapes every answer. */
  codec: ProtocolCodec
  requestId: string
  /** `performance.now()` on arrival; TTFT counts from here. */
  arrivedAtMs: number
}

export interface MockContext {
  profile: MockProfile
  /** Seeds the output text. */
  seed: number
  /** Accepted keys; `undefined` accepts any key, or none. */
  apiKeys: Set<string> | undefined
  /** `profile.models`, looked up for `strictModels`. */
  modelSet: Set<string>
  script: MockServerOptions['script']
  scheduler: MockScheduler
  limiter: RateLimiter | undefined
  /** This server's prefix cache; undefined when the profile has `prefixCache: false`. */
  prefixCache: MockPrefixCacheState | undefined
  counters: MockCounters
  /** Delayed scripted answers not sent yet; `close()` clears them. */
  pendingTimers: Set<ReturnType<typeof setTimeout>>
}

export function createMockCounters(): MockCounters {
  return {
    requests: 0,
    chatRequests: 0,
    completed: 0,
    rejectedQueueFull: 0,
    rejectedRateLimit: 0,
    errors: 0,
    cancelled: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    tokensStreamed: 0,
    openStreams: 0,
    peakConcurrentStreams: 0,
  }
}
