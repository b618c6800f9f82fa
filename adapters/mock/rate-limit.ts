// Per-key rate limits as continuously refilled token buckets (requests and tokens per minute),
// with the headers OpenAI (`x-ratelimit-*`) and Anthropic (`anthropic-ratelimit-*`) send.
import type { MockRateLimits } from './types.js'

const MINUTE_MS = 60_000

export interface RateLimitDecision {
  allowed: boolean
  /** Which budget ran out, when refused. */
  exceeded?: 'requests' | 'tokens'
  /** Time until the refused request would fit, ms. */
  retryAfterMs?: number
  /** OpenAI-style headers (also sent on Anthropic routes). */
  headers: Record<string, string>
  /** Anthropic-style headers. */
  anthropicHeaders: Record<string, string>
}

export interface RateLimiter {
  /** Takes one request and `tokens` tokens from `key`'s buckets, or refuses without taking any. */
  take(key: string, tokens: number): RateLimitDecision
}

interface Bucket {
  level: number
  updatedAtMs: number
}

interface Buckets {
  requests: Bucket
  tokens: Bucket
}

/** `now` is monotonic ms; `wallNow` (epoch ms) only labels the Anthropic reset timestamps. */
export function createRateLimiter(
  limits: MockRateLimits,
  now: () => number = () => performance.now(),
  wallNow: () => number = () => Date.now(),
): RateLimiter {
  const keys = new Map<string, Buckets>()
  const refill = (bucket: Bucket, limit: number, at: number): void => {
    bucket.level = Math.min(limit, bucket.level + ((at - bucket.updatedAtMs) * limit) / MINUTE_MS)
    bucket.updatedAtMs = at
  }
  return {
    take(key, tokens) {
      const at = now()
      let buckets = keys.get(key)
      if (buckets === undefined) {
        buckets = {
          requests: { level: limits.requestsPerMinute ?? 0, updatedAtMs: at },
          tokens: { level: limits.tokensPerMinute ?? 0, updatedAtMs: at },
        }
        keys.set(key, buckets)
      }
      const requestLimit = limits.requestsPerMinute
      const tokenLimit = limits.tokensPerMinute
      if (requestLimit !== undefined) refill(buckets.requests, requestLimit, at)
      if (tokenLimit !== undefined) refill(buckets.tokens, tokenLimit, at)
      let exceeded: 'requests' | 'tokens' | undefined
      let retryAfterMs: number | undefined
      if (requestLimit !== undefined && buckets.requests.level < 1) {
        exceeded = 'requests'
        retryAfterMs = ((1 - buckets.requests.level) * MINUTE_MS) / requestLimit
      } else if (tokenLimit !== undefined && buckets.tokens.level < tokens) {
        exceeded = 'tokens'
        // A request larger than the whole budget never fits; say so with a full minute.
        retryAfterMs = tokens > tokenLimit ? MINUTE_MS : ((tokens - buckets.tokens.level) * MINUTE_MS) / tokenLimit
      }
      if (exceeded === undefined) {
        if (requestLimit !== undefined) buckets.requests.level -= 1
        if (tokenLimit !== undefined) buckets.tokens.level -= tokens
      }
      const headers: Record<string, string> = {}
      const anthropicHeaders: Record<string, string> = {}
      const describe = (name: 'requests' | 'tokens', limit: number | undefined, bucket: Bucket): void => {
        if (limit === undefined) return
        const remaining = Math.max(0, Math.floor(bucket.level))
        const resetMs = ((limit - bucket.level) * MINUTE_MS) / limit
        headers[`x-ratelimit-limit-${name}`] = String(limit)
        headers[`x-ratelimit-remaining-${name}`] = String(remaining)
        headers[`x-ratelimit-reset-${name}`] = formatResetDuration(resetMs)
        anthropicHeaders[`anthropic-ratelimit-${name}-limit`] = String(limit)
        anthropicHeaders[`anthropic-ratelimit-${name}-remaining`] = String(remaining)
        anthropicHeaders[`anthropic-ratelimit-${name}-reset`] = new Date(wallNow() + Math.ceil(resetMs)).toISOString()
      }
      describe('requests', requestLimit, buckets.requests)
      describe('tokens', tokenLimit, buckets.tokens)
      const decision: RateLimitDecision = { allowed: exceeded === undefined, headers, anthropicHeaders }
      if (exceeded !== undefined) decision.exceeded = exceeded
      if (retryAfterMs !== undefined) decision.retryAfterMs = retryAfterMs
      return decision
    },
  }
}

/** OpenAI's reset format: `0s`, `120ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(durationMs: number): string {
  const ms = Math.max(0, Math.ceil(durationMs))
  if (ms === 0) return '0s'
  if (ms < 1000) return `${ms}ms`
  const hours = Math.floor(ms / 3_600_000)
  const minutes = Math.floor((ms % 3_600_000) / 60_000)
  const seconds = (ms % 60_000) / 1000
  const secondsText = `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(3))}s`
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`
  if (minutes > 0) return `${minutes}m${secondsText}`
  return secondsText
}
