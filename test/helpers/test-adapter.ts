// A scripted Adapter for engine unit tests: one script drives both the lean `send()` path and
// the `stream()` seam, its delays run on an injected Clock (exact under test/helpers/virtual-time.ts),
// and every call is recorded with how it ended (after vercel/ai's mock language model).
//
//   call ─► afterMs ─► response-start ─► (chunk afterMs ─► text/reasoning delta)* ─┬─► usage ─► stream-end ─► settled
//                                                                                  ├─► then: 'hang' (until aborted)
//                                                                                  └─► then: { error } (after its afterMs)
//   { error }  ─► afterMs ─► response-start(status) when it has one ─► AdapterError
//   { hang }   ─► never answers until aborted          { throws } ─► afterMs ─► that value (an adapter bug)
import type { Adapter, ChatRequest, Exchange, ExchangeHandler, FinishReason, StreamEvent, Usage } from '../../adapters/types.js'
import { systemClock, type Clock } from '../../core/clock.js'
import { AdapterError, type ErrorCode } from '../../core/errors.js'

/** One content chunk: a bare string waits `chunkMs` before it; the object form its own `afterMs`. */
export type TestChunk = string | { text: string; afterMs?: number } | { reasoning: string; afterMs?: number }

export interface TestErrorSpec {
  code: ErrorCode
  status?: number
  message?: string
  retryAfterMs?: number
  /** Default as the real adapters: 408/409/429/5xx, connection, reset and timeout errors. */
  retryable?: boolean
  shouldRetry?: boolean
  vendorType?: string
}

export interface TestAnswer {
  status?: number
  headers?: Record<string, string>
  /** Call → response headers. */
  afterMs?: number
  text?: readonly TestChunk[]
  /** Gap before each bare-string chunk (default 0). */
  chunkMs?: number
  /** Reported after the last chunk; omit to make the engine estimate. */
  usage?: Usage
  /** Default 'stop'; null sends no stream-end. */
  finish?: FinishReason | null
  rawFinishReason?: string
  /** Last chunk → usage, stream-end and settling. */
  endAfterMs?: number
  /** After the chunks, instead of ending: stall until aborted, or fail mid-stream. */
  then?: 'hang' | { error: TestErrorSpec; afterMs?: number }
}

export interface TestFailure {
  error: TestErrorSpec
  headers?: Record<string, string>
  afterMs?: number
}

export interface TestHang {
  hang: true
}

export interface TestThrow {
  /** Thrown (stream) or settled with (send) as is: an adapter bug, not an AdapterError. */
  throws: unknown
  afterMs?: number
}

export type TestStep = TestAnswer | TestFailure | TestHang | TestThrow

/** One step for every call, a step per call (in order), or a function of the request and call index. */
export type TestScript = TestStep | readonly TestStep[] | ((request: ChatRequest, index: number) => TestStep)

export type TestCallEnd =
  | { type: 'settled'; atMs: number; error?: unknown }
  | { type: 'aborted'; atMs: number; reason: unknown }

export interface TestCall {
  index: number
  via: 'send' | 'stream'
  request: ChatRequest
  step: TestStep
  /** clock.now() at the call. */
  startedAtMs: number
  end?: TestCallEnd
}

export interface TestAdapterOptions {
  clock?: Clock
  /** false: no `send`, so the engine takes its stream() fallback. Default true. */
  lean?: boolean
  name?: string
  model?: string
}

export interface TestAdapter extends Adapter {
  readonly calls: readonly TestCall[]
  /** Calls started and not yet ended. */
  readonly inFlight: number
  /** The most calls in flight at once. */
  readonly maxInFlight: number
}

export function defaultRetryable(spec: TestErrorSpec): boolean {
  if (spec.status !== undefined) return spec.status === 408 || spec.status === 409 || spec.status === 429 || spec.status >= 500
  return spec.code === 'ADAPTER_CONNECTION' || spec.code === 'ADAPTER_RESET' || spec.code === 'ADAPTER_TIMEOUT'
}

export function toAdapterError(spec: TestErrorSpec): AdapterError {
  const options: ConstructorParameters<typeof AdapterError>[2] = { retryable: spec.retryable ?? defaultRetryable(spec) }
  if (spec.status !== undefined) options.status = spec.status
  if (spec.retryAfterMs !== undefined) options.retryAfterMs = spec.retryAfterMs
  if (spec.shouldRetry !== undefined) options.shouldRetry = spec.shouldRetry
  if (spec.vendorType !== undefined) options.vendorType = spec.vendorType
  return new AdapterError(spec.code, spec.message ?? `scripted ${spec.code}${spec.status === undefined ? '' : ` ${spec.status}`}`, options)
}

/** The script's ground truth: when each event of a step comes, in ms from the call. */
export interface StepTimes {
  headersMs?: number
  /** Content (text) chunks only: reasoning does not count. */
  textMs: number[]
  /** Settling, when the step settles on its own (undefined: it hangs). */
  endMs?: number
}

export function stepTimes(step: TestStep): StepTimes {
  if ('hang' in step) return { textMs: [] }
  if ('throws' in step) return { textMs: [], endMs: step.afterMs ?? 0 }
  if ('error' in step) {
    const at = step.afterMs ?? 0
    return step.error.status === undefined ? { textMs: [], endMs: at } : { headersMs: at, textMs: [], endMs: at }
  }
  let at = step.afterMs ?? 0
  const times: StepTimes = { headersMs: at, textMs: [] }
  for (const chunk of step.text ?? []) {
    at += chunkDelay(step, chunk)
    if (typeof chunk === 'string' || 'text' in chunk) times.textMs.push(at)
  }
  if (step.then === 'hang') return times
  if (step.then !== undefined) return { ...times, endMs: at + (step.then.afterMs ?? 0) }
  return { ...times, endMs: at + (step.endAfterMs ?? 0) }
}

function chunkDelay(step: TestAnswer, chunk: TestChunk): number {
  return typeof chunk === 'string' ? (step.chunkMs ?? 0) : (chunk.afterMs ?? 0)
}

export function createTestAdapter(script: TestScript, options: TestAdapterOptions = {}): TestAdapter {
  const clock = options.clock ?? systemClock
  const calls: TestCall[] = []
  let inFlight = 0
  let maxInFlight = 0

  const stepFor = (request: ChatRequest, index: number): TestStep => {
    if (typeof script === 'function') return script(request, index)
    if (!Array.isArray(script)) return script as TestStep
    const step = (script as readonly TestStep[])[index]
    if (step === undefined) throw new Error(`test adapter: call ${index + 1} but the script has only ${script.length} steps`)
    return step
  }

  const begin = (via: TestCall['via'], request: ChatRequest): TestCall => {
    const index = calls.length
    const call: TestCall = { index, via, request, step: stepFor(request, index), startedAtMs: clock.now() }
    calls.push(call)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    return call
  }
  const end = (call: TestCall, outcome: TestCallEnd): void => {
    if (call.end !== undefined) return
    call.end = outcome
    inFlight--
  }

  const wait = async (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) throw signal.reason
    if (ms > 0) await clock.sleep(ms, signal)
  }
  const hang = (signal: AbortSignal): Promise<never> =>
    new Promise<never>((_, reject) => {
      if (signal.aborted) return reject(signal.reason)
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })

  async function* play(step: TestStep, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined> {
    if ('hang' in step) return void (await hang(signal))
    if ('throws' in step) {
      await wait(step.afterMs ?? 0, signal)
      throw step.throws
    }
    if ('error' in step) {
      await wait(step.afterMs ?? 0, signal)
      if (step.error.status !== undefined) yield { type: 'response-start', status: step.error.status, headers: step.headers ?? {} }
      throw toAdapterError(step.error)
    }
    await wait(step.afterMs ?? 0, signal)
    yield { type: 'response-start', status: step.status ?? 200, headers: step.headers ?? {} }
    for (const chunk of step.text ?? []) {
      await wait(chunkDelay(step, chunk), signal)
      if (typeof chunk === 'string') yield { type: 'text-delta', text: chunk }
      else if ('text' in chunk) yield { type: 'text-delta', text: chunk.text }
      else yield { type: 'reasoning-delta', text: chunk.reasoning }
    }
    if (step.then === 'hang') return void (await hang(signal))
    if (step.then !== undefined) {
      await wait(step.then.afterMs ?? 0, signal)
      throw toAdapterError(step.then.error)
    }
    await wait(step.endAfterMs ?? 0, signal)
    if (step.usage !== undefined) yield { type: 'usage', usage: { ...step.usage } }
    if (step.finish !== null) {
      const finishReason = step.finish ?? 'stop'
      yield step.rawFinishReason === undefined
        ? { type: 'stream-end', finishReason }
        : { type: 'stream-end', finishReason, rawFinishReason: step.rawFinishReason }
    }
  }

  const aborted = (reason: unknown): AdapterError =>
    new AdapterError('ADAPTER_ABORTED', `scripted request aborted (${reason instanceof Error ? reason.message : String(reason)})`, {
      cause: reason,
    })

  const adapter: TestAdapter = {
    name: options.name ?? 'test',
    model: options.model ?? 'test-model',
    baseUrl: 'test://scripted',
    get calls() {
      return calls
    },
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    async *stream(request, streamOptions) {
      const call = begin('stream', request)
      try {
        for await (const event of play(call.step, streamOptions.signal)) yield event
        end(call, { type: 'settled', atMs: clock.now() })
      } catch (error) {
        if (streamOptions.signal.aborted) {
          end(call, { type: 'aborted', atMs: clock.now(), reason: streamOptions.signal.reason })
          throw aborted(streamOptions.signal.reason)
        }
        end(call, { type: 'settled', atMs: clock.now(), error })
        throw error
      } finally {
        // The consumer stopped reading early (break / return()).
        end(call, { type: 'aborted', atMs: clock.now(), reason: new Error('the consumer stopped reading') })
      }
    },
  }

  if (options.lean !== false) {
    adapter.send = (request: ChatRequest, handler: ExchangeHandler): Exchange => {
      const call = begin('send', request)
      const controller = new AbortController()
      let settled = false
      const settle = (error: unknown): void => {
        if (settled) return
        settled = true
        end(call, error === undefined ? { type: 'settled', atMs: clock.now() } : { type: 'settled', atMs: clock.now(), error })
        handler.onSettled(error)
      }
      void (async () => {
        try {
          for await (const event of play(call.step, controller.signal)) {
            if (settled) return
            if (event.type === 'response-start') handler.onResponseStart(event.status, event.headers)
            else if (event.type === 'text-delta') handler.onTextDelta(event.text)
            else if (event.type === 'reasoning-delta') handler.onReasoningDelta(event.text)
            else if (event.type === 'usage') handler.onUsage(event.usage)
            else handler.onStreamEnd(event.finishReason, event.rawFinishReason)
          }
          settle(undefined)
        } catch (error) {
          // Aborted: abort() below has settled already.
          if (!controller.signal.aborted) settle(error)
        }
      })()
      return {
        abort(reason) {
          if (settled) return
          end(call, { type: 'aborted', atMs: clock.now(), reason })
          controller.abort(reason)
          settle(aborted(reason))
        },
      }
    }
  }
  return adapter
}
