// How an endpoint handled a (malformed) input, from a finished attempt: the category the summary's
// "malformed input handling" section counts per malformed kind.
//
//   outcome / error code / status / answer validity ──► one MalformedHandling category
import type { Outcome } from '../../results/types.js'

/**
 * - `clean-4xx`: rejected with a 4xx other than 429 (400, 413, 422, …): the endpoint noticed and said so.
 * - `rate-limited`: 429; says nothing about the input, counted apart so it does not pass as a rejection.
 * - `5xx`: a server error (500, 502, 503, 504, Anthropic's 529).
 * - `timeout`: no headers or no progress in time: the hang case.
 * - `reset`: the connection was reset, closed or refused without an answer.
 * - `broken-stream`: a 2xx whose stream broke: malformed events, truncated, or an in-stream error.
 * - `answered`: a complete 2xx answer; for extraction tasks, one that parsed and matched the schema.
 * - `answered-invalid`: a complete 2xx answer to an extraction task that did not parse or match.
 * - `abandoned`: the simulated user gave up before the answer ended.
 * - `not-sent`: never reached the endpoint (dropped, lost demand, spend cap, interrupted).
 * - `other`: anything else (an informational or redirect status, an unknown error code).
 */
export type MalformedHandling =
  | 'clean-4xx'
  | 'rate-limited'
  | '5xx'
  | 'timeout'
  | 'reset'
  | 'broken-stream'
  | 'answered'
  | 'answered-invalid'
  | 'abandoned'
  | 'not-sent'
  | 'other'

export const MALFORMED_HANDLINGS: readonly MalformedHandling[] = [
  'clean-4xx',
  'rate-limited',
  '5xx',
  'timeout',
  'reset',
  'broken-stream',
  'answered',
  'answered-invalid',
  'abandoned',
  'not-sent',
  'other',
]

export interface FinishedAttempt {
  outcome?: Outcome
  status?: number
  /** An `ErrorCode`, e.g. `ADAPTER_TIMEOUT`, when `outcome` is not known. */
  errorCode?: string
  /** Extraction tasks: whether the answer parsed and matched (undefined: no schema to check). */
  answerValid?: boolean
}

function byStatus(status: number | undefined): MalformedHandling {
  if (status === undefined) return 'other'
  if (status === 429) return 'rate-limited'
  if (status >= 400 && status < 500) return 'clean-4xx'
  if (status >= 500) return '5xx'
  return 'other'
}

function answered(attempt: FinishedAttempt): MalformedHandling {
  return attempt.answerValid === false ? 'answered-invalid' : 'answered'
}

function byOutcome(attempt: FinishedAttempt, outcome: Outcome): MalformedHandling {
  switch (outcome) {
    case 'ok':
      return answered(attempt)
    case 'http':
      return byStatus(attempt.status)
    case 'timeout':
    case 'request-timeout':
      return 'timeout'
    case 'reset':
    case 'connection':
      return 'reset'
    case 'malformed-stream':
    case 'truncated':
    case 'stream-error':
      return 'broken-stream'
    case 'abandoned':
      return 'abandoned'
    case 'dropped':
    case 'lost-demand':
    case 'budget-stopped':
    case 'interrupted':
      return 'not-sent'
  }
}

function byErrorCode(attempt: FinishedAttempt): MalformedHandling {
  switch (attempt.errorCode) {
    case undefined:
      return attempt.status === undefined || (attempt.status >= 200 && attempt.status < 300) ? answered(attempt) : byStatus(attempt.status)
    case 'ADAPTER_HTTP_STATUS':
      return byStatus(attempt.status)
    case 'ADAPTER_TIMEOUT':
    case 'REQUEST_TIMEOUT':
      return 'timeout'
    case 'ADAPTER_RESET':
    case 'ADAPTER_CONNECTION':
      return 'reset'
    case 'ADAPTER_STREAM_MALFORMED':
    case 'ADAPTER_STREAM_TRUNCATED':
    case 'ADAPTER_STREAM_ERROR':
      return 'broken-stream'
    case 'ADAPTER_ABORTED':
      return 'abandoned'
    default:
      return 'other'
  }
}

/**
 * The category of one finished attempt: by `outcome` when known, else by error code and status.
 * Takes a `Sample` as it is (the runner sets `Sample.handling` with it).
 */
export function classifyHandling(attempt: FinishedAttempt): MalformedHandling {
  return attempt.outcome === undefined ? byErrorCode(attempt) : byOutcome(attempt, attempt.outcome)
}

export { malformedKinds } from '../../core/malformed-tags.js'
