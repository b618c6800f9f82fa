// One attempt against an endpoint: sends it, takes every timestamp where the adapter's calls
// arrive (the same event-loop turn that read the bytes), applies the user's patience, and turns
// the result (or the failure) into a Sample. Never throws.
//
//   adapter.send(request, attempt) ──► onResponseStart ─► onTextDelta* ─► onUsage ─► onStreamEnd ─► onSettled ─► Sample
//   (adapters without `send`: their stream() events are fed to the same methods)
import type { Adapter, ChatRequest, Exchange, ExchangeHandler, FinishReason, Usage } from '../adapters/types.js'
import type { Clock } from '../core/clock.js'
import { isAdapterError } from '../core/errors.js'
import { countTokens, type EncodingName } from '../core/tokens.js'
import { OUTCOME_BY_ERROR_CODE } from '../results/outcomes.js'
import type { Outcome, Sample } from '../results/types.js'
import { createAbortGroup, RunCutOff, type AbortGroup, type Abortable } from './abort-group.js'

/** The fields of a Sample that come from the traffic line, not from the attempt. */
export type SampleBase = Pick<Sample, 'requestId' | 'userId' | 'task' | 'tags' | 'phase' | 'target' | 'conversationId' | 'turn' | 'agent'>

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
  /** Total time an attempt may take from its send (`--request-timeout`): past it, `request-timeout`. */
  requestTimeoutMs?: number
  /** Input tokens counted at generation, used when the server reports none. */
  fallbackInputTokens?: number
  /** Encoding for estimating output tokens when the server reports no usage. */
  encoding: EncodingName
  /** Keep the answer text (answer validation). */
  keepText?: boolean
  /** Copied into the Sample (default: empty identity fields). */
  base?: SampleBase
  /** 1 for the first try (default). */
  attempt?: number
}

export interface AttemptResult {
  sample: Sample
  /** The answer text when asked for. */
  text?: string
  /** Milliseconds the server asked us to wait before retrying. */
  retryAfterMs?: number
  /** The adapter's retry hint (status 408/409/429/5xx, connection errors) and `x-should-retry`. */
  retryable: boolean
  shouldRetry?: boolean
}

export function runAttempt(options: AttemptOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    new Attempt(options, resolve).start()
  })
}

const NO_BASE: SampleBase = { requestId: '', userId: '', task: '' }

/** One attempt's state: the ExchangeHandler the adapter calls, and the run group's member. */
class Attempt implements ExchangeHandler, Abortable {
  private readonly options: AttemptOptions
  private readonly resolve: (result: AttemptResult) => void
  private exchange: Exchange | undefined
  private leaveGroup: (() => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private settled = false
  /** Set when we aborted the exchange: a patient user ('ttft'/'e2e'), the request limit, or the run. */
  private abortedBy: 'ttft' | 'e2e' | 'limit' | 'run' | undefined
  /** The run's reason when it cut the attempt (Ctrl-C, or the end of `--grace`). */
  private runReason: Error | undefined
  /** When the request limit (`requestTimeoutMs` after the send) falls, ms from run start. */
  private limitAtMs: number | undefined
  /** What the one timer is set for: the earlier of the user's deadline and the request limit. */
  private timerAtMs: number | undefined
  private timerFor: 'ttft' | 'e2e' | 'limit' | undefined
  private sentAtMs = 0
  private status: number | undefined
  private headersAtMs: number | undefined
  private firstTokenAtMs: number | undefined
  private lastChunkAtMs: number | undefined
  private faults: string[] | undefined
  private finishReason: string | undefined
  private chunks = 0
  private readonly itlMs: number[] = []
  private readonly texts: string[] = []
  private usage: Usage | undefined

  constructor(options: AttemptOptions, resolve: (result: AttemptResult) => void) {
    this.options = options
    this.resolve = resolve
  }

  private elapsed(): number {
    return this.options.clock.now() - this.options.runStartMs
  }

  start(): void {
    const { options } = this
    this.sentAtMs = this.elapsed()
    if (options.requestTimeoutMs !== undefined) this.limitAtMs = this.sentAtMs + options.requestTimeoutMs
    if (options.ttftDeadlineMs !== undefined) this.arm(options.ttftDeadlineMs, 'ttft')
    else this.arm(options.e2eDeadlineMs, 'e2e')
    const adapter = options.adapter
    try {
      this.exchange = adapter.send === undefined ? this.streamFallback(adapter) : adapter.send(options.request, this)
    } catch (error) {
      // A plugin's send() that throws before it returns is an adapter bug, recorded like one.
      this.onSettled(error)
      return
    }
    if (!this.settled) this.leaveGroup = (options.abortGroup ?? createAbortGroup(options.runSignal)).add(this)
  }

  /** The run's group aborts every attempt on Ctrl-C. */
  abort(reason: Error): void {
    if (this.settled) return
    if (this.abortedBy === undefined) {
      this.abortedBy = 'run'
      this.runReason = reason
    }
    this.exchange?.abort(reason)
  }

  /**
   * One timer per attempt (the hot path): set for the earlier of the user's deadline (none:
   * `undefined`) and the request limit; kept as it is when that does not change.
   */
  private arm(deadlineMs: number | undefined, reason: 'ttft' | 'e2e'): void {
    let atMs = deadlineMs
    let why: 'ttft' | 'e2e' | 'limit' = reason
    if (this.limitAtMs !== undefined && (atMs === undefined || this.limitAtMs < atMs)) {
      atMs = this.limitAtMs
      why = 'limit'
    }
    if (this.timer !== undefined && this.timerAtMs === atMs && this.timerFor === why) return
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.timerAtMs = atMs
    this.timerFor = why
    if (atMs === undefined) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (this.settled || this.abortedBy !== undefined) return
      this.abortedBy = why
      this.exchange?.abort(new Error(why === 'limit' ? 'request timeout' : `user gave up waiting (${why})`))
    }, Math.max(0, atMs - this.elapsed()))
  }

  onResponseStart(status: number, headers: Record<string, string>): void {
    this.headersAtMs = this.elapsed()
    this.status = status
    const applied = headers['x-gauntlet-faults']
    if (applied !== undefined && applied !== '') this.faults = applied.split(',')
  }

  onTextDelta(text: string): void {
    if (text.length === 0 || this.settled) return
    const now = this.elapsed()
    if (this.firstTokenAtMs === undefined) {
      this.firstTokenAtMs = now
      // The TTFT deadline is met: from here only the e2e deadline (if any) and the limit count.
      if (this.options.ttftDeadlineMs !== undefined) this.arm(this.options.e2eDeadlineMs, 'e2e')
    } else if (this.lastChunkAtMs !== undefined) {
      this.itlMs.push(now - this.lastChunkAtMs)
    }
    this.lastChunkAtMs = now
    this.chunks++
    this.texts.push(text)
  }

  onReasoningDelta(): void {
    // Reasoning is not output content: it neither starts TTFT nor counts as a chunk.
  }

  onUsage(usage: Usage): void {
    const merged: Usage = this.usage ?? {}
    if (usage.inputTokens !== undefined) merged.inputTokens = usage.inputTokens
    if (usage.cachedInputTokens !== undefined) merged.cachedInputTokens = usage.cachedInputTokens
    if (usage.cacheWriteInputTokens !== undefined) merged.cacheWriteInputTokens = usage.cacheWriteInputTokens
    if (usage.outputTokens !== undefined) merged.outputTokens = usage.outputTokens
    if (usage.reasoningTokens !== undefined) merged.reasoningTokens = usage.reasoningTokens
    this.usage = merged
  }

  onStreamEnd(finishReason: FinishReason, rawFinishReason: string | undefined): void {
    this.finishReason = rawFinishReason ?? finishReason
  }

  onSettled(error: unknown): void {
    if (this.settled) return
    this.settled = true
    const endAtMs = this.elapsed()
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.leaveGroup?.()
    this.resolve(this.result(endAtMs, error))
  }

  /** Adapters without `send`: iterate their stream() into the same methods. */
  private streamFallback(adapter: Adapter): Exchange {
    const controller = new AbortController()
    const consume = async (): Promise<void> => {
      try {
        for await (const event of adapter.stream(this.options.request, { signal: controller.signal })) {
          if (event.type === 'response-start') this.onResponseStart(event.status, event.headers)
          else if (event.type === 'text-delta') this.onTextDelta(event.text)
          else if (event.type === 'usage') this.onUsage(event.usage)
          else if (event.type === 'stream-end') this.onStreamEnd(event.finishReason, event.rawFinishReason)
        }
        this.onSettled(undefined)
      } catch (error) {
        this.onSettled(error)
      }
    }
    void consume()
    return { abort: (reason) => controller.abort(reason) }
  }

  private result(endAtMs: number, error: unknown): AttemptResult {
    const { options } = this
    const { scheduledAtMs } = options
    let outcome: Outcome = 'ok'
    let errorCode: string | undefined
    let errorMessage: string | undefined
    let vendorType: string | undefined
    let retryAfterMs: number | undefined
    let retryable = false
    let shouldRetry: boolean | undefined
    let status = this.status
    // Aborted by us counts whether the exchange then failed or (a plugin stream) quietly returned.
    if (this.abortedBy === 'limit') {
      // The endpoint's fault, like a timeout: counted as an error and retryable.
      outcome = 'request-timeout'
      errorCode = 'REQUEST_TIMEOUT'
      errorMessage = `no complete answer within the request timeout of ${options.requestTimeoutMs} ms`
      retryable = true
    } else if (this.abortedBy !== undefined) {
      outcome = this.abortedBy === 'run' ? 'interrupted' : 'abandoned'
      errorCode = 'ADAPTER_ABORTED'
      if (this.runReason instanceof RunCutOff) {
        errorCode = 'RUN_GRACE_EXPIRED'
        errorMessage = this.runReason.message
      }
    } else if (error !== undefined) {
      if (isAdapterError(error)) {
        outcome = OUTCOME_BY_ERROR_CODE[error.code] ?? 'connection'
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
    }

    // Tokens are billed only once the endpoint accepted the request (a 2xx response started):
    // a 429 or a refused connection costs nothing; an abandoned stream costs what it streamed.
    const accepted = status !== undefined && status >= 200 && status < 300
    const usage = this.usage
    let tokensEstimated = false
    let inputTokens = usage?.inputTokens
    if (inputTokens === undefined && accepted && options.fallbackInputTokens !== undefined) {
      inputTokens = options.fallbackInputTokens
      tokensEstimated = true
    }
    let outputTokens = usage?.outputTokens
    // The tokenizer loads on first use: only answers without usage ever need it.
    let text: string | undefined
    if (outputTokens === undefined && accepted) {
      text = this.texts.join('')
      outputTokens = countTokens(text, options.encoding)
      tokensEstimated = true
    }

    // Fields copied one by one: a spread followed by more properties sends V8 into slow
    // dictionary-mode objects (~30 µs per sample on Node 20, measured).
    const base = options.base ?? NO_BASE
    const sample: Sample = {
      requestId: base.requestId,
      attempt: options.attempt ?? 1,
      userId: base.userId,
      task: base.task,
      outcome,
      scheduledAtMs,
      sentAtMs: this.sentAtMs,
      endAtMs,
      scheduleLagMs: this.sentAtMs - scheduledAtMs,
      e2eMs: endAtMs - scheduledAtMs,
      e2eServiceMs: endAtMs - this.sentAtMs,
      chunks: this.chunks,
    }
    if (base.tags !== undefined) sample.tags = base.tags
    if (base.phase !== undefined) sample.phase = base.phase
    if (base.target !== undefined) sample.target = base.target
    if (base.conversationId !== undefined) sample.conversationId = base.conversationId
    if (base.turn !== undefined) sample.turn = base.turn
    if (base.agent === true) sample.agent = true
    if (status !== undefined) sample.status = status
    if (this.headersAtMs !== undefined) sample.headersAtMs = this.headersAtMs
    const firstTokenAtMs = this.firstTokenAtMs
    if (firstTokenAtMs !== undefined) {
      sample.firstTokenAtMs = firstTokenAtMs
      sample.ttftMs = firstTokenAtMs - scheduledAtMs
      sample.ttftServiceMs = firstTokenAtMs - this.sentAtMs
      if (outputTokens !== undefined && outputTokens > 1 && outcome === 'ok') {
        sample.tpotMs = (endAtMs - firstTokenAtMs) / (outputTokens - 1)
      }
    }
    if (this.itlMs.length > 0) sample.itlMs = this.itlMs
    if (this.faults !== undefined) sample.faults = this.faults
    if (this.finishReason !== undefined) sample.finishReason = this.finishReason
    if (outcome === 'abandoned' && (this.abortedBy === 'ttft' || this.abortedBy === 'e2e')) sample.abandonReason = this.abortedBy
    if (errorCode !== undefined) sample.errorCode = errorCode
    if (errorMessage !== undefined) sample.errorMessage = errorMessage
    if (vendorType !== undefined) sample.vendorType = vendorType
    if (inputTokens !== undefined) sample.inputTokens = inputTokens
    if (usage?.cachedInputTokens !== undefined) sample.cachedInputTokens = usage.cachedInputTokens
    if (usage?.cacheWriteInputTokens !== undefined) sample.cacheWriteInputTokens = usage.cacheWriteInputTokens
    if (outputTokens !== undefined) sample.outputTokens = outputTokens
    if (usage?.reasoningTokens !== undefined) sample.reasoningTokens = usage.reasoningTokens
    if (tokensEstimated) sample.tokensEstimated = true

    const result: AttemptResult = { sample, retryable }
    if (options.keepText === true) result.text = text ?? this.texts.join('')
    if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs
    if (shouldRetry !== undefined) result.shouldRetry = shouldRetry
    return result
  }
}
