// One attempt against an endpoint: sends it, takes every timestamp as events arrive, applies
// the user's patience, and turns the result (or the failure) into a Sample. Never throws.
import type { Adapter, ChatRequest, Usage } from '../adapters/types.js'
import type { Clock } from '../core/clock.js'
import { isAdapterError } from '../core/errors.js'
import { countTokens, type EncodingName } from '../core/tokens.js'
import type { Outcome, Sample } from '../results/types.js'
import { createAbortGroup, type AbortGroup } from './abort-group.js'

export interface AttemptOptions {
  adapter: Adapter
  request: ChatRequest
  clock: Clock
  /** Monotonic time of the run's start; every Sample time is relative to it. */
  runStartMs: number
  /** When the user wanted the answer (ms from run start): the origin of user-facing latency. */
  scheduledAtMs: number
  /** Aborts every attempt (Ctrl-C, fault): recorded as `interrupted`. */
  runSignal: AbortSignal
  /** Shares one listener on `runSignal` among all attempts (default: a listener of its own). */
  abortGroup?: AbortGroup
  /** Absolute deadlines, ms from run start: past them the user gives up. */
  ttftDeadlineMs?: number
  e2eDeadlineMs?: number
  /** Input tokens counted at generation, used when the server reports none. */
  fallbackInputTokens?: number
  /** Encoding for estimating output tokens when the server reports no usage. */
  encoding: EncodingName
  /** Keep the answer text (answer validation). */
  keepText?: boolean
}

export interface AttemptResult {
  sample: Omit<Sample, 'requestId' | 'attempt' | 'userId' | 'task' | 'tags' | 'phase'>
  /** The answer text when asked for. */
  text?: string
  /** Milliseconds the server asked us to wait before retrying. */
  retryAfterMs?: number
  /** The adapter's retry hint (status 408/409/429/5xx, connection errors) and `x-should-retry`. */
  retryable: boolean
  shouldRetry?: boolean
}

const OUTCOME_BY_CODE: Record<string, Outcome> = {
  ADAPTER_HTTP_STATUS: 'http',
  ADAPTER_CONNECTION: 'connection',
  ADAPTER_RESET: 'reset',
  ADAPTER_TIMEOUT: 'timeout',
  ADAPTER_STREAM_MALFORMED: 'malformed-stream',
  ADAPTER_STREAM_TRUNCATED: 'truncated',
  ADAPTER_STREAM_ERROR: 'stream-error',
}

export async function runAttempt(options: AttemptOptions): Promise<AttemptResult> {
  const { adapter, clock, runStartMs, scheduledAtMs, runSignal } = options
  const elapsed = (): number => clock.now() - runStartMs
  const controller = new AbortController()
  let abandonReason: 'ttft' | 'e2e' | undefined
  let timer: NodeJS.Timeout | undefined
  const arm = (deadlineMs: number | undefined, reason: 'ttft' | 'e2e'): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (deadlineMs === undefined) return
    timer = setTimeout(() => {
      abandonReason = reason
      controller.abort(new Error(`user gave up waiting (${reason})`))
    }, Math.max(0, deadlineMs - elapsed()))
  }
  const leaveGroup = (options.abortGroup ?? createAbortGroup(runSignal)).add(controller)

  const sentAtMs = elapsed()
  arm(options.ttftDeadlineMs ?? options.e2eDeadlineMs, options.ttftDeadlineMs === undefined ? 'e2e' : 'ttft')

  let status: number | undefined
  let headersAtMs: number | undefined
  let firstTokenAtMs: number | undefined
  let lastChunkAtMs: number | undefined
  let faults: string[] | undefined
  let finishReason: string | undefined
  let chunks = 0
  const itlMs: number[] = []
  const textParts: string[] = []
  const usage: Usage = {}
  let outcome: Outcome = 'ok'
  let errorCode: string | undefined
  let errorMessage: string | undefined
  let vendorType: string | undefined
  let retryAfterMs: number | undefined
  let retryable = false
  let shouldRetry: boolean | undefined

  try {
    for await (const event of adapter.stream(options.request, { signal: controller.signal })) {
      switch (event.type) {
        case 'response-start': {
          headersAtMs = elapsed()
          status = event.status
          const applied = event.headers['x-gauntlet-faults']
          if (applied !== undefined && applied !== '') faults = applied.split(',')
          break
        }
        case 'text-delta': {
          if (event.text.length === 0) break
          const now = elapsed()
          if (firstTokenAtMs === undefined) {
            firstTokenAtMs = now
            if (options.ttftDeadlineMs !== undefined) arm(options.e2eDeadlineMs, 'e2e')
          } else if (lastChunkAtMs !== undefined) {
            itlMs.push(now - lastChunkAtMs)
          }
          lastChunkAtMs = now
          chunks++
          textParts.push(event.text)
          break
        }
        case 'reasoning-delta':
          break
        case 'usage':
          Object.assign(usage, definedOnly(event.usage))
          break
        case 'stream-end':
          finishReason = event.rawFinishReason ?? event.finishReason
          break
      }
    }
  } catch (error) {
    if (controller.signal.aborted) {
      outcome = abandonReason !== undefined ? 'abandoned' : 'interrupted'
      errorCode = 'ADAPTER_ABORTED'
    } else if (isAdapterError(error)) {
      outcome = OUTCOME_BY_CODE[error.code] ?? 'connection'
      errorCode = error.code
      errorMessage = error.message
      vendorType = error.vendorType ?? error.vendorCode
      if (error.status !== undefined) status = error.status
      retryAfterMs = error.retryAfterMs
      retryable = error.retryable
      shouldRetry = error.shouldRetry
    } else {
      // An adapter bug must not stop the run: record it so it can be found.
      outcome = 'stream-error'
      errorCode = 'INTERNAL'
      errorMessage = error instanceof Error ? error.message : String(error)
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    leaveGroup()
  }
  const endAtMs = elapsed()

  const text = textParts.join('')
  // Tokens are billed only once the endpoint accepted the request (a 2xx response started):
  // a 429 or a refused connection costs nothing; an abandoned stream costs what it streamed.
  const accepted = status !== undefined && status >= 200 && status < 300
  let tokensEstimated = false
  let inputTokens = usage.inputTokens
  if (inputTokens === undefined && accepted && options.fallbackInputTokens !== undefined) {
    inputTokens = options.fallbackInputTokens
    tokensEstimated = true
  }
  let outputTokens = usage.outputTokens
  if (outputTokens === undefined && accepted) {
    outputTokens = countTokens(text, options.encoding)
    tokensEstimated = true
  }

  const sample: AttemptResult['sample'] = {
    outcome,
    scheduledAtMs,
    sentAtMs,
    endAtMs,
    scheduleLagMs: sentAtMs - scheduledAtMs,
    e2eMs: endAtMs - scheduledAtMs,
    e2eServiceMs: endAtMs - sentAtMs,
    chunks,
  }
  if (status !== undefined) sample.status = status
  if (headersAtMs !== undefined) sample.headersAtMs = headersAtMs
  if (firstTokenAtMs !== undefined) {
    sample.firstTokenAtMs = firstTokenAtMs
    sample.ttftMs = firstTokenAtMs - scheduledAtMs
    sample.ttftServiceMs = firstTokenAtMs - sentAtMs
    if (outputTokens !== undefined && outputTokens > 1 && lastChunkAtMs !== undefined && outcome === 'ok') {
      sample.tpotMs = (endAtMs - firstTokenAtMs) / (outputTokens - 1)
    }
  }
  if (itlMs.length > 0) sample.itlMs = itlMs
  if (faults !== undefined) sample.faults = faults
  if (finishReason !== undefined) sample.finishReason = finishReason
  if (abandonReason !== undefined && outcome === 'abandoned') sample.abandonReason = abandonReason
  if (errorCode !== undefined) sample.errorCode = errorCode
  if (errorMessage !== undefined) sample.errorMessage = errorMessage
  if (vendorType !== undefined) sample.vendorType = vendorType
  if (inputTokens !== undefined) sample.inputTokens = inputTokens
  if (usage.cachedInputTokens !== undefined) sample.cachedInputTokens = usage.cachedInputTokens
  if (outputTokens !== undefined) sample.outputTokens = outputTokens
  if (usage.reasoningTokens !== undefined) sample.reasoningTokens = usage.reasoningTokens
  if (tokensEstimated) sample.tokensEstimated = true

  const result: AttemptResult = { sample, retryable }
  if (options.keepText === true) result.text = text
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs
  if (shouldRetry !== undefined) result.shouldRetry = shouldRetry
  return result
}

function definedOnly(usage: Usage): Usage {
  const out: Usage = {}
  if (usage.inputTokens !== undefined) out.inputTokens = usage.inputTokens
  if (usage.cachedInputTokens !== undefined) out.cachedInputTokens = usage.cachedInputTokens
  if (usage.outputTokens !== undefined) out.outputTokens = usage.outputTokens
  if (usage.reasoningTokens !== undefined) out.reasoningTokens = usage.reasoningTokens
  return out
}
