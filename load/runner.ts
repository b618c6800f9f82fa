// Traffic x adapter -> Samples. Schedules each logical request, runs its attempts (with
// retries), applies the simulated user's patience and the spend cap, and owns the AbortSignals.
import type { Adapter, ChatMessage, ChatRequest } from '../adapters/types.js'
import type { Clock } from '../core/clock.js'
import type { Random } from '../core/random.js'
import type { EncodingName } from '../core/tokens.js'
import { isMalformed, RETRYABLE_OUTCOMES } from '../results/outcomes.js'
import { scoreAnswer } from '../results/accuracy/score.js'
import type { Outcome, Sample } from '../results/types.js'
import { createAbortGroup } from './abort-group.js'
import { runAttempt, type AttemptOptions, type SampleBase } from './attempt.js'
import type { Budget } from './budget.js'
import type { Patience } from './patience.js'
import { retryDelayMs, type RetryPolicy } from './retry.js'
import { createSchedule } from './schedules/registry.js'
import type { ScheduleSpec } from './schedules/types.js'
import type { TrafficRequest } from '../core/traffic-types.js'

export interface TokenUsage {
  inputTokens?: number
  cachedInputTokens?: number
  outputTokens?: number
  reasoningTokens?: number
}

export interface RunnerOptions {
  adapter: Adapter
  requests: AsyncIterable<TrafficRequest>
  /** Literal or expanded messages of a traffic request. */
  expand: (request: TrafficRequest) => ChatMessage[]
  schedule: ScheduleSpec
  /** Open model: past this many requests in flight, new ones are dropped. */
  maxInFlight: number
  patience: Patience
  retry: RetryPolicy
  random: Random
  budget: Budget
  /** USD for the tokens of one attempt; null when the model is not priced. */
  spendOf: (usage: TokenUsage) => number | null
  clock: Clock
  runStartMs: number
  /** Aborts in-flight attempts (recorded as interrupted) and stops sending. */
  signal: AbortSignal
  /** Stops sending new requests only; in-flight ones finish (a time limit). */
  stopSignal?: AbortSignal
  record: (sample: Sample) => void
  encoding: EncodingName
  /** Total time per attempt from its send (`request-timeout` past it); null: none. */
  requestTimeoutMs?: number | null
  stream: boolean
  phaseAt?: (elapsedMs: number) => string | undefined
  /** Extraction tasks: does the answer parse and match the schema? */
  validateAnswer?: (text: string, schema: Record<string, unknown>) => boolean
  /** Malformed inputs: how the endpoint handled it. */
  classifyHandling?: (sample: Sample) => string
  targetLabel?: string
  /** Extra request headers (hints for the embedded mock). */
  headers?: Record<string, string>
  /** Send `x-gauntlet-request-id: <id>#<attempt>` (read by the chaos proxy). */
  sendRequestId?: boolean
}

export interface Runner {
  run(): Promise<void>
  readonly inFlight: number
}

type QuestionFields = Pick<Sample, 'questionId' | 'variant' | 'source'>

/** Questions over the user's files: the fields that let the summary pair clean and dirty answers. */
function addQuestionFields(sample: QuestionFields, request: TrafficRequest): void {
  if (request.expected !== undefined) sample.questionId = request.expected.questionId
  if (request.variant !== undefined) sample.variant = request.variant
  if (request.source !== undefined) sample.source = request.source
}

export function createRunner(options: RunnerOptions): Runner {
  const { clock, runStartMs, signal, patience, budget } = options
  const abortGroup = createAbortGroup(signal)
  const schedule = createSchedule(options.schedule)
  let inFlight = 0

  const base = (request: TrafficRequest, scheduledAtMs: number): SampleBase & QuestionFields => {
    const sample: SampleBase & QuestionFields = { requestId: request.id, userId: request.userId, task: request.task }
    if (request.tags !== undefined && request.tags.length > 0) sample.tags = request.tags
    const phase = options.phaseAt?.(scheduledAtMs)
    if (phase !== undefined) sample.phase = phase
    if (options.targetLabel !== undefined) sample.target = options.targetLabel
    addQuestionFields(sample, request)
    return sample
  }

  const unsent = (request: TrafficRequest, scheduledAtMs: number, outcome: Outcome): void => {
    options.record({ ...base(request, scheduledAtMs), attempt: 1, outcome, scheduledAtMs })
  }

  const worstCaseUsd = (request: TrafficRequest): number =>
    options.spendOf({ inputTokens: request.inputTokens, outputTokens: request.maxOutputTokens }) ?? 0

  const dispatch = async (request: TrafficRequest, scheduledAtMs: number): Promise<void> => {
    if (patience.hasQuit(request.userId)) return unsent(request, scheduledAtMs, 'lost-demand')
    const limits = patience.limitsFor(request.id)
    const chatRequest: ChatRequest = {
      model: options.adapter.model,
      messages: options.expand(request),
      maxOutputTokens: request.maxOutputTokens,
      stream: options.stream,
    }
    if (request.targetOutputTokens !== undefined) chatRequest.targetOutputTokens = request.targetOutputTokens
    if (request.responseSchema !== undefined) chatRequest.responseFormat = 'json'
    if (options.headers !== undefined) chatRequest.headers = options.headers
    const keepText = (request.responseSchema !== undefined && options.validateAnswer !== undefined) || request.expected !== undefined
    const sampleBase = base(request, scheduledAtMs)
    let retries = 0
    // A failed attempt that would be retried is held until the retry is really sent: a retry
    // refused (spend cap, Ctrl-C) leaves it as the request's final sample, so no request vanishes.
    let pending: Sample | undefined
    const finish = (sample: Sample): void => {
      options.record(sample)
      if (sample.outcome !== 'interrupted') patience.observe(request.userId, sample.outcome === 'abandoned')
    }
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) {
        if (pending !== undefined) finish(pending)
        else unsent(request, scheduledAtMs, 'interrupted')
        return
      }
      const worst = worstCaseUsd(request)
      if (!budget.tryReserve(worst)) {
        if (pending !== undefined) finish(pending)
        else unsent(request, scheduledAtMs, 'budget-stopped')
        return
      }
      if (pending !== undefined) {
        pending.willRetry = true
        options.record(pending)
        pending = undefined
      }
      if (options.sendRequestId === true) {
        chatRequest.headers = { ...options.headers, 'x-gauntlet-request-id': `${request.id}#${attempt}` }
      }
      inFlight++
      let result
      try {
        const attemptOptions: AttemptOptions = {
          adapter: options.adapter,
          request: chatRequest,
          clock,
          runStartMs,
          scheduledAtMs,
          runSignal: signal,
          abortGroup,
          encoding: options.encoding,
          fallbackInputTokens: request.inputTokens,
          keepText,
          base: sampleBase,
          attempt,
        }
        if (limits.ttftMs !== undefined) attemptOptions.ttftDeadlineMs = scheduledAtMs + limits.ttftMs
        if (limits.e2eMs !== undefined) attemptOptions.e2eDeadlineMs = scheduledAtMs + limits.e2eMs
        if (options.requestTimeoutMs !== undefined && options.requestTimeoutMs !== null) attemptOptions.requestTimeoutMs = options.requestTimeoutMs
        result = await runAttempt(attemptOptions)
      } finally {
        inFlight--
      }
      const sample: Sample = result.sample
      addQuestionFields(sample, request)
      // Only the first attempt's send can be late against the schedule; later ones wait on purpose.
      if (attempt > 1) delete sample.scheduleLagMs
      const spent = sample.inputTokens === undefined && sample.outputTokens === undefined ? 0 : options.spendOf(sample)
      if (sample.inputTokens !== undefined || sample.outputTokens !== undefined) sample.spendUsd = spent
      budget.settle(worst, spent ?? 0)
      if (keepText && sample.outcome === 'ok' && result.text !== undefined && request.responseSchema !== undefined) {
        sample.answerValid = options.validateAnswer?.(result.text, request.responseSchema) ?? false
      }
      if (request.expected !== undefined && sample.outcome === 'ok' && result.text !== undefined) {
        const score = scoreAnswer(result.text, request.expected)
        sample.correct = score.correct
        sample.hedged = score.hedged
        sample.scoreDetail = score.detail
        sample.answerText = score.answer
      }
      if (options.classifyHandling !== undefined && isMalformed(request.tags)) {
        sample.handling = options.classifyHandling(sample)
      }
      let delay: number | undefined
      if (RETRYABLE_OUTCOMES.has(sample.outcome) && !signal.aborted) {
        const input: Parameters<typeof retryDelayMs>[1] = { retriesSoFar: retries, retryable: result.retryable }
        if (result.shouldRetry !== undefined) input.shouldRetry = result.shouldRetry
        if (result.retryAfterMs !== undefined) input.retryAfterMs = result.retryAfterMs
        delay = retryDelayMs(options.retry, input, options.random)
      }
      if (delay === undefined) return finish(sample)
      pending = sample
      retries++
      try {
        await clock.sleep(delay, signal)
      } catch {
        // Interrupted during backoff: the held attempt is the request's last.
        return finish(sample)
      }
    }
  }

  return {
    get inFlight() {
      return inFlight
    },
    async run() {
      const scheduleSignal = options.stopSignal === undefined ? signal : AbortSignal.any([signal, options.stopSignal])
      await schedule.run(options.requests, { clock, runStartMs, signal: scheduleSignal, maxInFlight: options.maxInFlight }, dispatch, (request, scheduledAtMs) =>
        unsent(request, scheduledAtMs, 'dropped'),
      )
    },
  }
}
