// Retries as the official SDKs do them: off by default, `sdk` = 2 retries, exponential backoff
// with jitter, honouring Retry-After and x-should-retry.
import { createRandom, type Random } from '../core/random.js'

export interface RetryPolicy {
  maxRetries: number
  initialDelayMs: number
  maxDelayMs: number
  /** Largest Retry-After we wait for; longer ones fall back to backoff (the SDKs cap at 60 s). */
  maxRetryAfterMs: number
}

export const NO_RETRIES: RetryPolicy = { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 }
export const SDK_RETRIES: RetryPolicy = { maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 }

export interface RetryDecisionInput {
  /** Retries made so far for this logical request. */
  retriesSoFar: number
  retryable: boolean
  shouldRetry?: boolean
  retryAfterMs?: number
}

/** Milliseconds to wait before the next try, or undefined when no retry is due. */
export function retryDelayMs(policy: RetryPolicy, input: RetryDecisionInput, random: Random): number | undefined {
  if (input.retriesSoFar >= policy.maxRetries) return undefined
  const wanted = input.shouldRetry ?? input.retryable
  if (!wanted) return undefined
  if (input.retryAfterMs !== undefined && input.retryAfterMs >= 0 && input.retryAfterMs <= policy.maxRetryAfterMs) {
    return input.retryAfterMs
  }
  const base = Math.min(policy.initialDelayMs * 2 ** input.retriesSoFar, policy.maxDelayMs)
  // The SDKs take off up to 25 % at random so that clients do not retry in lockstep.
  return base * (1 - random.next() * 0.25)
}

export function parseRetries(text: string): RetryPolicy | undefined {
  if (text === 'off' || text === 'none' || text === '0') return NO_RETRIES
  if (text === 'sdk') return SDK_RETRIES
  const n = Number(text)
  if (Number.isInteger(n) && n >= 0 && n <= 10) return { ...SDK_RETRIES, maxRetries: n }
  return undefined
}

export function createRetryRandom(seed: number): Random {
  return createRandom(seed).fork('retry')
}
