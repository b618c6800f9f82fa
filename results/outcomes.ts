// What happened to an attempt, in one place: the outcome sets and groups, the outcome of each
// adapter error code, the summary key of an outcome (`http_429`), and the `malformed:` tags.
import type { Outcome, Sample } from './types.js'

/** Outcomes that never reached the endpoint. */
export const UNSENT_OUTCOMES: ReadonlySet<Outcome> = new Set(['dropped', 'lost-demand', 'budget-stopped'])

/** Final outcomes that count as errors of the endpoint (not of the user or the harness). */
export const ERROR_OUTCOMES: ReadonlySet<Outcome> = new Set([
  'http',
  'timeout',
  'request-timeout',
  'reset',
  'connection',
  'malformed-stream',
  'truncated',
  'stream-error',
])

/**
 * Wasted spend, the one definition: the spend of every attempt that delivered no answer (errors
 * mid-stream, retried attempts, abandoned ones, cut ones). `abandonment.wasted_usd` is its
 * abandoned part.
 */
export function isWastedAttempt(sample: Pick<Sample, 'outcome'>): boolean {
  return sample.outcome !== 'ok'
}

/** Retry amplification, the one formula: attempts sent ÷ logical requests sent (0 when none). */
export function retryAmplification(attempts: number, sent: number): number {
  return sent === 0 ? 0 : attempts / sent
}

/** Outcomes after which a retry may be due (the adapter's retryable flag decides). */
export const RETRYABLE_OUTCOMES: ReadonlySet<Outcome> = new Set(['http', 'connection', 'reset', 'timeout', 'request-timeout', 'stream-error'])

/** The outcome of an attempt that failed with this AdapterError code. */
export const OUTCOME_BY_ERROR_CODE: Readonly<Record<string, Outcome>> = {
  ADAPTER_HTTP_STATUS: 'http',
  ADAPTER_CONNECTION: 'connection',
  ADAPTER_RESET: 'reset',
  ADAPTER_TIMEOUT: 'timeout',
  ADAPTER_STREAM_MALFORMED: 'malformed-stream',
  ADAPTER_STREAM_TRUNCATED: 'truncated',
  ADAPTER_STREAM_ERROR: 'stream-error',
}

/** The key an outcome is counted under in summaries: `http` carries its status (`http_429`). */
export function outcomeKey(sample: Pick<Sample, 'outcome' | 'status'>): string {
  return sample.outcome === 'http' ? `http_${sample.status ?? 'unknown'}` : sample.outcome
}

export type OutcomeGroup = 'ok' | 'error' | 'abandoned' | 'unsent' | 'interrupted'

/** The group of an outcome key (`ok`, `http_503`, `dropped`, …), for colours and roll-ups. */
export function outcomeGroup(key: string): OutcomeGroup {
  if (key === 'ok') return 'ok'
  if (key === 'abandoned') return 'abandoned'
  if (key === 'interrupted') return 'interrupted'
  if (key.startsWith('http_') || ERROR_OUTCOMES.has(key as Outcome)) return 'error'
  return 'unsent'
}

/** True when an outcome key (as in `byOutcome`) is an endpoint error. */
export function isErrorKey(key: string): boolean {
  return outcomeGroup(key) === 'error'
}

export { isMalformed, MALFORMED_TAG_PREFIX, malformedKinds } from '../core/malformed-tags.js'
