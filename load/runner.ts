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
import { createHistory, prefixMessages, turnCount, turnLimits, turnRequestId, type HistoryMode } from './chain/history.js'
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
  validateAnswer?: (text: string, schema: Record<string, unknown>) => boolean | Promise<boolean>
  /** Malformed inputs: how the endpoint handled it. */
  classifyHandling?: (sample: Sample) => string
  targetLabel?: string
  /** Extra request headers (hints for the embedded mock). */
  headers?: Record<string, string>
  /** Send `x-gauntlet-request-id: <id>#<attempt>` (read by the chaos proxy). */
  sendRequestId?: boolean
  /** Conversations: what earlier answers are re-sent as (default `stand-in`: the same on every target). */
  history?: HistoryMode
  /** Resuming: the first turn of a chain still to send (turns before it were recorded). */
  resumeFromTurn?: (request: TrafficRequest) => number
}

interface LogicalJob {
  request: TrafficRequest
  /** 0 for a single-turn line, else the turn number. */
  turn: number
  scheduledAtMs: number
  limits: { ttftDeadlineMs?: number; e2eDeadlineMs?: number }
  chatRequest: ChatRequest
  sampleBase: SampleBase & QuestionFields
  /** From the traffic file: the fallback count and the spend cap's worst case. */
  inputTokens: number
  keepText: boolean
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

  const base = (request: TrafficRequest, scheduledAtMs: number, turn?: number): SampleBase & QuestionFields => {
    const sample: SampleBase & QuestionFields = { requestId: turn === undefined ? request.id : turnRequestId(request.id, turn), userId: request.userId, task: request.task }
    if (turn !== undefined) {
      sample.conversationId = request.id
      sample.turn = turn
      if (request.agent === true) sample.agent = true
    }
    if (request.tags !== undefined && request.tags.length > 0) sample.tags = request.tags
    const phase = options.phaseAt?.(scheduledAtMs)
    if (phase !== undefined) sample.phase = phase
    if (options.targetLabel !== undefined) sample.target = options.targetLabel
    addQuestionFields(sample, request)
    return sample
  }

  const unsent = (request: TrafficRequest, scheduledAtMs: number, outcome: Outcome, turn?: number): void => {
    options.record({ ...base(request, scheduledAtMs, turn), attempt: 1, outcome, scheduledAtMs })
  }

  /** One logical request (a single line, or one turn of a chain) with its retries; resolves to its final sample. */
  const runLogical = async (job: LogicalJob): Promise<{ sample: Sample; text?: string }> => {
    const { request, scheduledAtMs, limits, chatRequest, sampleBase, keepText } = job
    const worstCaseUsd = options.spendOf({ inputTokens: job.inputTokens, outputTokens: chatRequest.maxOutputTokens }) ?? 0
    let retries = 0
    // A failed attempt that would be retried is held until the retry is really sent: a retry
    // refused (spend cap, Ctrl-C) leaves it as the request's final sample, so no request vanishes.
    let pending: Sample | undefined
    const finish = (sample: Sample, text?: string): { sample: Sample; text?: string } => {
      options.record(sample)
      if (sample.outcome !== 'interrupted') patience.observe(request.userId, sample.outcome === 'abandoned')
      return text === undefined ? { sample } : { sample, text }
    }
    const notSent = (outcome: Outcome): { sample: Sample } => {
      const sample: Sample = { ...sampleBase, attempt: 1, outcome, scheduledAtMs }
      options.record(sample)
      return { sample }
    }
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return pending !== undefined ? finish(pending) : notSent('interrupted')
      if (!budget.tryReserve(worstCaseUsd)) return pending !== undefined ? finish(pending) : notSent('budget-stopped')
      if (pending !== undefined) {
        pending.willRetry = true
        options.record(pending)
        pending = undefined
      }
      if (options.sendRequestId === true) {
        chatRequest.headers = { ...options.headers, 'x-gauntlet-request-id': `${sampleBase.requestId}#${attempt}` }
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
          fallbackInputTokens: job.inputTokens,
          keepText,
          base: sampleBase,
          attempt,
        }
        if (limits.ttftDeadlineMs !== undefined) attemptOptions.ttftDeadlineMs = limits.ttftDeadlineMs
        if (limits.e2eDeadlineMs !== undefined) attemptOptions.e2eDeadlineMs = limits.e2eDeadlineMs
        if (options.requestTimeoutMs !== undefined && options.requestTimeoutMs !== null) attemptOptions.requestTimeoutMs = options.requestTimeoutMs
        result = await runAttempt(attemptOptions)
      } finally {
        inFlight--
      }
      const sample: Sample = result.sample
      addQuestionFields(sample, request)
      // Only the first attempt's send can be late against the schedule; later ones wait on purpose.
      if (attempt > 1) delete sample.scheduleLagMs
      const hasTokens = sample.inputTokens !== undefined || sample.outputTokens !== undefined
      const spent = hasTokens ? options.spendOf(sample) : 0
      if (hasTokens) sample.spendUsd = spent
      if ((sample.cachedInputTokens ?? 0) > 0 || (sample.cacheWriteInputTokens ?? 0) > 0) {
        sample.uncachedSpendUsd = options.spendOf({ inputTokens: sample.inputTokens, outputTokens: sample.outputTokens, reasoningTokens: sample.reasoningTokens })
      }
      budget.settle(worstCaseUsd, spent ?? 0)
      if (keepText && sample.outcome === 'ok' && result.text !== undefined && request.responseSchema !== undefined && job.turn <= 1) {
        sample.answerValid = (await options.validateAnswer?.(result.text, request.responseSchema)) ?? false
      }
      if (request.expected !== undefined && sample.outcome === 'ok' && result.text !== undefined && job.turn <= 1) {
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
      if (delay === undefined) return finish(sample, result.text)
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

  const chatRequestFor = (messages: ChatMessage[], maxOutputTokens: number, targetOutputTokens: number | undefined, request: TrafficRequest): ChatRequest => {
    const chatRequest: ChatRequest = { model: options.adapter.model, messages, maxOutputTokens, stream: options.stream }
    if (targetOutputTokens !== undefined) chatRequest.targetOutputTokens = targetOutputTokens
    if (request.responseSchema !== undefined) chatRequest.responseFormat = 'json'
    if (options.headers !== undefined) chatRequest.headers = options.headers
    return chatRequest
  }

  const deadlines = (limits: { ttftMs?: number; e2eMs?: number }, fromMs: number): LogicalJob['limits'] => {
    const out: LogicalJob['limits'] = {}
    if (limits.ttftMs !== undefined) out.ttftDeadlineMs = fromMs + limits.ttftMs
    if (limits.e2eMs !== undefined) out.e2eDeadlineMs = fromMs + limits.e2eMs
    return out
  }

  const dispatchSingle = async (request: TrafficRequest, scheduledAtMs: number): Promise<void> => {
    if (patience.hasQuit(request.userId)) return unsent(request, scheduledAtMs, 'lost-demand')
    const keepText = (request.responseSchema !== undefined && options.validateAnswer !== undefined) || request.expected !== undefined
    const messages = request.prefix === undefined ? options.expand(request) : [...prefixMessages(request.prefix), ...options.expand(request)]
    await runLogical({
      request,
      turn: 0,
      scheduledAtMs,
      limits: deadlines(patience.limitsFor(request.id), scheduledAtMs),
      chatRequest: chatRequestFor(messages, request.maxOutputTokens, request.targetOutputTokens, request),
      sampleBase: base(request, scheduledAtMs),
      inputTokens: request.inputTokens,
      keepText,
    })
  }

  /**
   * A conversation or agent task: turn k + 1 is sent only after turn k answered and the think time
   * passed. A turn that ends without an answer ends the chain: its later turns are recorded as
   * `lost-demand` (the user left), or with the cause when nothing was sent at all.
   */
  const dispatchChain = async (request: TrafficRequest, scheduledAtMs: number, fromTurn: number): Promise<void> => {
    const total = turnCount(request)
    const rest = (from: number, atMs: number, outcome: Outcome): void => {
      for (let turn = from; turn <= total; turn++) unsent(request, atMs, outcome, turn)
    }
    if (patience.hasQuit(request.userId)) return rest(fromTurn, scheduledAtMs, 'lost-demand')
    const history = createHistory(request, options.expand(request), options.history ?? 'stand-in')
    for (let turn = 1; turn < fromTurn; turn++) history.answered(turn, undefined)
    // An agent task is one wait for the user: patience runs from the task's first send.
    const chainLimits = request.agent === true ? patience.limitsFor(request.id) : undefined
    let at = scheduledAtMs
    for (let turn = fromTurn; turn <= total; turn++) {
      const limits = turnLimits(request, turn)
      if (turn > fromTurn) {
        try {
          await clock.sleep(limits.thinkMs, chainSignal)
        } catch {
          return
        }
        at = clock.now() - runStartMs
      }
      if (turn > 1 && patience.hasQuit(request.userId)) return rest(turn, at, 'lost-demand')
      const keepText = options.history === 'actual'
      let turnDeadlines: LogicalJob['limits']
      if (chainLimits === undefined) turnDeadlines = deadlines(patience.limitsFor(turnRequestId(request.id, turn)), at)
      else {
        turnDeadlines = deadlines(chainLimits, scheduledAtMs)
        if (turn < total) delete turnDeadlines.ttftDeadlineMs
      }
      const { sample, text } = await runLogical({
        request,
        turn,
        scheduledAtMs: at,
        limits: turnDeadlines,
        chatRequest: chatRequestFor(history.messagesFor(turn), limits.maxOutputTokens, limits.targetOutputTokens, request),
        sampleBase: base(request, at, turn),
        inputTokens: limits.inputTokens,
        keepText,
      })
      if (sample.outcome === 'interrupted') return
      const endMs = sample.endAtMs ?? at
      if (sample.outcome !== 'ok') return rest(turn + 1, endMs, sample.outcome === 'budget-stopped' ? 'budget-stopped' : 'lost-demand')
      history.answered(turn, text)
    }
  }

  let chainSignal: AbortSignal = signal

  const dispatch = (request: TrafficRequest, scheduledAtMs: number): Promise<void> => {
    if (request.turns === undefined) return dispatchSingle(request, scheduledAtMs)
    return dispatchChain(request, scheduledAtMs, options.resumeFromTurn?.(request) ?? 1)
  }

  return {
    get inFlight() {
      return inFlight
    },
    async run() {
      const scheduleSignal = options.stopSignal === undefined ? signal : AbortSignal.any([signal, options.stopSignal])
      chainSignal = scheduleSignal
      await schedule.run(options.requests, { clock, runStartMs, signal: scheduleSignal, maxInFlight: options.maxInFlight }, dispatch, (request, scheduledAtMs) => {
        if (request.turns === undefined) unsent(request, scheduledAtMs, 'dropped')
        else for (let turn = options.resumeFromTurn?.(request) ?? 1; turn <= turnCount(request); turn++) unsent(request, scheduledAtMs, 'dropped', turn)
      })
    },
  }
}
