// One attempt against the scripted test adapter on virtual time: every Sample time is checked
// against the script's ground truth, on the lean send() path and on the stream() fallback.
import { describe, expect, it } from 'vitest'
import type { Adapter, ChatRequest } from '../../../adapters/types.js'
import { countTokens } from '../../../core/tokens.js'
import { createAbortGroup, RunCutOff } from '../../../load/abort-group.js'
import { runAttempt, type AttemptOptions, type AttemptResult } from '../../../load/attempt.js'
import type { Sample } from '../../../results/types.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { createTestAdapter, stepTimes, type TestAnswer, type TestStep } from '../../helpers/test-adapter.js'
import { createVirtualTime, type VirtualTime } from '../../helpers/virtual-time.js'

const RUN_START_MS = 1_000
const REQUEST: ChatRequest = { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 64 }
const PATHS = [
  { path: 'send', lean: true },
  { path: 'stream() fallback', lean: false },
] as const

type Overrides = Partial<Omit<AttemptOptions, 'adapter' | 'clock' | 'runStartMs'>>

/** Runs one attempt on virtual time; `delayMs` after the run's start it is sent. */
async function attemptOn(time: VirtualTime, adapter: Adapter, overrides: Overrides = {}, delayMs = 0): Promise<AttemptResult> {
  return time.run(async () => {
    await time.clock.sleep(delayMs)
    return runAttempt({
      adapter,
      request: REQUEST,
      clock: time.clock,
      runStartMs: RUN_START_MS,
      scheduledAtMs: 0,
      runSignal: new AbortController().signal,
      encoding: 'o200k_base',
      ...overrides,
    })
  })
}

/** The same step on the send() path and on the stream() fallback, each on fresh virtual time. */
async function both(step: TestStep | TestStep[], overrides: Overrides = {}, delayMs = 0): Promise<[AttemptResult, AttemptResult]> {
  const results: AttemptResult[] = []
  for (const { lean } of PATHS) {
    const time = createVirtualTime(RUN_START_MS)
    const adapter = createTestAdapter(step, { clock: time.clock, lean })
    results.push(await attemptOn(time, adapter, overrides, delayMs))
    expect(adapter.calls.map((call) => call.via)).toEqual([lean ? 'send' : 'stream'])
  }
  return results as [AttemptResult, AttemptResult]
}

const ANSWER: TestAnswer = {
  afterMs: 120,
  headers: { 'x-gauntlet-faults': 'latency,slow-tokens' },
  text: [
    { text: 'Hello', afterMs: 30 },
    { text: ', wor', afterMs: 15 },
    { text: 'ld', afterMs: 40 },
  ],
  usage: { inputTokens: 12, cachedInputTokens: 4, outputTokens: 3, reasoningTokens: 1 },
  rawFinishReason: 'end_turn',
  endAfterMs: 5,
}

describe('attempt timings', () => {
  it('takes TTFT, ITL, e2e, TPOT and headers time exactly where the script puts them, on both paths', async () => {
    // Scheduled at 20 ms, sent at 25 ms (5 ms late).
    const [lean, fallback] = await both(ANSWER, { scheduledAtMs: 20 }, 25)
    const truth = stepTimes(ANSWER)
    expect(truth).toEqual({ headersMs: 120, textMs: [150, 165, 205], endMs: 210 })
    const sent = 25
    const first = sent + (truth.textMs[0] as number)
    const end = sent + (truth.endMs as number)
    const expected: Sample = {
      requestId: '',
      userId: '',
      task: '',
      attempt: 1,
      outcome: 'ok',
      status: 200,
      scheduledAtMs: 20,
      sentAtMs: sent,
      scheduleLagMs: 5,
      headersAtMs: sent + 120,
      firstTokenAtMs: first,
      ttftMs: first - 20,
      ttftServiceMs: first - sent,
      endAtMs: end,
      e2eMs: end - 20,
      e2eServiceMs: end - sent,
      tpotMs: (end - first) / (3 - 1),
      itlMs: [15, 40],
      chunks: 3,
      faults: ['latency', 'slow-tokens'],
      finishReason: 'end_turn',
      inputTokens: 12,
      cachedInputTokens: 4,
      outputTokens: 3,
      reasoningTokens: 1,
    }
    expect(lean.sample).toEqual(expected)
    expect(fallback.sample).toEqual(lean.sample)
    expect(lean.retryable).toBe(false)
  })

  it('copies the identity fields and the attempt number, and keeps the text when asked', async () => {
    const base = { requestId: 'r7', userId: 'u3', task: 'chat', tags: ['malformed:typos'], phase: 'calm', target: 'a' }
    for (const result of await both(ANSWER, { base, attempt: 2, keepText: true })) {
      expect(result.sample).toMatchObject({ ...base, attempt: 2 })
      expect(result.text).toBe('Hello, world')
    }
  })

  it('reports the finish reason the adapter normalised when there is no raw one', async () => {
    for (const result of await both({ text: ['x'], finish: 'length', usage: { outputTokens: 1 } })) {
      expect(result.sample.finishReason).toBe('length')
      // One output token: no TPOT.
      expect(result.sample.tpotMs).toBeUndefined()
    }
  })

  it('does not start TTFT (or count chunks) on reasoning deltas', async () => {
    const step: TestAnswer = {
      afterMs: 10,
      text: [
        { reasoning: 'Let me think', afterMs: 100 },
        { reasoning: ' harder', afterMs: 50 },
        { text: 'Answer', afterMs: 70 },
        { text: '.', afterMs: 10 },
      ],
      usage: { outputTokens: 2, reasoningTokens: 40 },
    }
    expect(stepTimes(step).textMs).toEqual([230, 240])
    const [lean, fallback] = await both(step)
    expect(lean.sample).toMatchObject({ firstTokenAtMs: 230, ttftMs: 230, chunks: 2, itlMs: [10], reasoningTokens: 40 })
    expect(fallback.sample).toEqual(lean.sample)
  })

  it('agrees with test/helpers/fake-clock.ts within its 0.05 ms per reading', async () => {
    const clock = createFakeClock(RUN_START_MS)
    const adapter = createTestAdapter(ANSWER, { clock })
    const { sample } = await runAttempt({
      adapter,
      request: REQUEST,
      clock,
      runStartMs: RUN_START_MS,
      scheduledAtMs: 0,
      runSignal: new AbortController().signal,
      encoding: 'o200k_base',
    })
    expect(sample.headersAtMs).toBeCloseTo(120, 0)
    expect(sample.ttftMs).toBeCloseTo(150, 0)
    expect(sample.e2eMs).toBeCloseTo(210, 0)
  })
})

describe('attempt tokens', () => {
  it('estimates output tokens with tiktoken and takes input tokens from the traffic when the server reports none', async () => {
    const text = ['The quick brown fox ', 'jumps over the lazy dog, ', 'twice.']
    const step: TestAnswer = { afterMs: 5, text, chunkMs: 10 }
    for (const result of await both(step, { fallbackInputTokens: 321 })) {
      expect(result.sample.outcome).toBe('ok')
      expect(result.sample.tokensEstimated).toBe(true)
      expect(result.sample.inputTokens).toBe(321)
      expect(result.sample.outputTokens).toBe(countTokens(text.join(''), 'o200k_base'))
      expect(result.sample.outputTokens).toBeGreaterThan(3)
    }
  })

  it('uses what the server reported and estimates only what it left out', async () => {
    const text = ['one two three four']
    const [full] = await both({ text, usage: { inputTokens: 50, outputTokens: 4 } }, { fallbackInputTokens: 999 })
    expect(full.sample).toMatchObject({ inputTokens: 50, outputTokens: 4 })
    expect(full.sample.tokensEstimated).toBeUndefined()
    const [partial] = await both({ text, usage: { inputTokens: 50 } }, { fallbackInputTokens: 999 })
    expect(partial.sample).toMatchObject({ inputTokens: 50, outputTokens: countTokens(text[0] as string), tokensEstimated: true })
  })

  it('merges usage reported in parts', async () => {
    // Anthropic reports input tokens at message-start and output tokens at the end.
    const adapter: Adapter = {
      name: 'parts',
      model: 'm',
      baseUrl: 'test://parts',
      async *stream() {
        yield { type: 'response-start', status: 200, headers: {} }
        yield { type: 'usage', usage: { inputTokens: 30, cachedInputTokens: 10 } }
        yield { type: 'text-delta', text: 'hi' }
        yield { type: 'usage', usage: { outputTokens: 1 } }
        yield { type: 'stream-end', finishReason: 'stop' }
      },
    }
    const { sample } = await attemptOn(createVirtualTime(RUN_START_MS), adapter, { fallbackInputTokens: 999 })
    expect(sample).toMatchObject({ inputTokens: 30, cachedInputTokens: 10, outputTokens: 1 })
    expect(sample.tokensEstimated).toBeUndefined()
  })

  it('charges no tokens for a 429 and carries its Retry-After and retry hint', async () => {
    const step: TestStep = { error: { code: 'ADAPTER_HTTP_STATUS', status: 429, retryAfterMs: 1_500, vendorType: 'rate_limit_error' }, afterMs: 40 }
    const [lean, fallback] = await both(step, { fallbackInputTokens: 200 })
    expect(lean.sample).toEqual({
      requestId: '',
      userId: '',
      task: '',
      attempt: 1,
      outcome: 'http',
      status: 429,
      errorCode: 'ADAPTER_HTTP_STATUS',
      errorMessage: 'scripted ADAPTER_HTTP_STATUS 429',
      vendorType: 'rate_limit_error',
      scheduledAtMs: 0,
      sentAtMs: 0,
      scheduleLagMs: 0,
      headersAtMs: 40,
      endAtMs: 40,
      e2eMs: 40,
      e2eServiceMs: 40,
      chunks: 0,
    })
    expect(fallback.sample).toEqual(lean.sample)
    for (const result of [lean, fallback]) {
      expect(result.retryAfterMs).toBe(1_500)
      expect(result.retryable).toBe(true)
    }
  })

  it('passes retryable: false and x-should-retry through', async () => {
    const [result] = await both({ error: { code: 'ADAPTER_HTTP_STATUS', status: 503, retryable: false, shouldRetry: true } })
    expect(result.retryable).toBe(false)
    expect(result.shouldRetry).toBe(true)
    expect(result.retryAfterMs).toBeUndefined()
  })

  it('records a connection error with no status and no tokens', async () => {
    for (const result of await both({ error: { code: 'ADAPTER_CONNECTION' }, afterMs: 3 }, { fallbackInputTokens: 10 })) {
      expect(result.sample).toMatchObject({ outcome: 'connection', errorCode: 'ADAPTER_CONNECTION', endAtMs: 3 })
      expect(result.sample.status).toBeUndefined()
      expect(result.sample.headersAtMs).toBeUndefined()
      expect(result.sample.inputTokens).toBeUndefined()
      expect(result.sample.outputTokens).toBeUndefined()
      expect(result.retryable).toBe(true)
    }
  })

  it('counts the tokens a 200 streamed before it broke off', async () => {
    const step: TestAnswer = { text: ['partial ', 'answer'], chunkMs: 20, then: { error: { code: 'ADAPTER_RESET' }, afterMs: 30 } }
    for (const result of await both(step, { fallbackInputTokens: 77 })) {
      expect(result.sample).toMatchObject({
        outcome: 'reset',
        status: 200,
        endAtMs: 70,
        chunks: 2,
        inputTokens: 77,
        outputTokens: countTokens('partial answer'),
        tokensEstimated: true,
      })
      expect(result.sample.tpotMs).toBeUndefined()
    }
  })
})

describe('attempt patience and aborts', () => {
  it('abandons at exactly the TTFT deadline when no token came', async () => {
    for (const { lean } of PATHS) {
      const time = createVirtualTime(RUN_START_MS)
      const adapter = createTestAdapter({ afterMs: 100, text: [{ text: 'late', afterMs: 800 }] }, { clock: time.clock, lean })
      const { sample } = await attemptOn(time, adapter, { scheduledAtMs: 10, ttftDeadlineMs: 510, e2eDeadlineMs: 5_000, fallbackInputTokens: 9 }, 10)
      expect(sample).toMatchObject({ outcome: 'abandoned', abandonReason: 'ttft', errorCode: 'ADAPTER_ABORTED', endAtMs: 510, e2eMs: 500, headersAtMs: 110 })
      expect(sample.firstTokenAtMs).toBeUndefined()
      // The response had started (a 200): the input was billed, nothing was streamed.
      expect(sample).toMatchObject({ inputTokens: 9, outputTokens: 0, chunks: 0 })
      expect(adapter.calls[0]?.end).toMatchObject({ type: 'aborted', atMs: RUN_START_MS + 510 })
    }
  })

  it('abandons a request that never answers at the deadline, with no tokens', async () => {
    const [lean, fallback] = await both({ hang: true }, { ttftDeadlineMs: 4_000, fallbackInputTokens: 9 })
    expect(lean.sample).toMatchObject({ outcome: 'abandoned', abandonReason: 'ttft', endAtMs: 4_000 })
    expect(lean.sample.inputTokens).toBeUndefined()
    expect(fallback.sample).toEqual(lean.sample)
  })

  it('reasoning does not satisfy TTFT patience', async () => {
    const step: TestAnswer = { text: [{ reasoning: 'thinking', afterMs: 100 }, { text: 'ok', afterMs: 300 }] }
    for (const result of await both(step, { ttftDeadlineMs: 200 })) {
      expect(result.sample).toMatchObject({ outcome: 'abandoned', abandonReason: 'ttft', endAtMs: 200, chunks: 0 })
    }
  })

  it('after the first token, abandons at the e2e deadline and counts what was streamed', async () => {
    const text = ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon ', 'zeta ']
    const step: TestAnswer = { afterMs: 50, text, chunkMs: 100, usage: { outputTokens: 6 } }
    expect(stepTimes(step).textMs).toEqual([150, 250, 350, 450, 550, 650])
    const [lean, fallback] = await both(step, { ttftDeadlineMs: 400, e2eDeadlineMs: 420, fallbackInputTokens: 5 })
    expect(lean.sample).toMatchObject({
      outcome: 'abandoned',
      abandonReason: 'e2e',
      endAtMs: 420,
      firstTokenAtMs: 150,
      chunks: 3,
      itlMs: [100, 100],
      inputTokens: 5,
      outputTokens: countTokens('alpha beta gamma '),
      tokensEstimated: true,
    })
    expect(lean.sample.tpotMs).toBeUndefined()
    expect(fallback.sample).toEqual(lean.sample)
  })

  it('arms the e2e deadline at the send when there is no TTFT deadline', async () => {
    for (const result of await both({ text: ['a', 'b', 'c'], chunkMs: 100 }, { e2eDeadlineMs: 250 })) {
      expect(result.sample).toMatchObject({ outcome: 'abandoned', abandonReason: 'e2e', endAtMs: 250, chunks: 2 })
    }
  })

  it('finishes normally when the answer beats both deadlines', async () => {
    for (const result of await both({ text: ['a', 'b'], chunkMs: 100, usage: { outputTokens: 2 } }, { ttftDeadlineMs: 150, e2eDeadlineMs: 250 })) {
      expect(result.sample).toMatchObject({ outcome: 'ok', endAtMs: 200 })
      expect(result.sample.abandonReason).toBeUndefined()
    }
  })

  it('ends an answer that streams forever at the request timeout from its send, as request-timeout', async () => {
    for (const { lean } of PATHS) {
      const time = createVirtualTime(RUN_START_MS)
      const adapter = createTestAdapter({ afterMs: 50, text: ['a', 'b'], chunkMs: 100, then: 'hang' }, { clock: time.clock, lean })
      // Sent 20 ms after the run's start with a 400 ms limit: it ends at 420, whatever the patience.
      const { sample, retryable } = await attemptOn(time, adapter, { requestTimeoutMs: 400, e2eDeadlineMs: 10_000 }, 20)
      expect(sample).toMatchObject({ outcome: 'request-timeout', errorCode: 'REQUEST_TIMEOUT', sentAtMs: 20, endAtMs: 420, chunks: 2 })
      expect(retryable).toBe(true)
    }
  })

  it('lets the patient user give up first when the deadline comes before the request timeout', async () => {
    const time = createVirtualTime(RUN_START_MS)
    const adapter = createTestAdapter({ afterMs: 50, then: 'hang' }, { clock: time.clock })
    const { sample } = await attemptOn(time, adapter, { requestTimeoutMs: 400, ttftDeadlineMs: 300 })
    expect(sample).toMatchObject({ outcome: 'abandoned', abandonReason: 'ttft', endAtMs: 300 })
  })

  it('records an attempt cut at the end of the run grace as interrupted / RUN_GRACE_EXPIRED', async () => {
    const time = createVirtualTime(RUN_START_MS)
    const adapter = createTestAdapter({ afterMs: 50, then: 'hang' }, { clock: time.clock })
    const controller = new AbortController()
    const { sample } = await time.run(async () => {
      const attempt = runAttempt({
        adapter,
        request: REQUEST,
        clock: time.clock,
        runStartMs: RUN_START_MS,
        scheduledAtMs: 0,
        runSignal: controller.signal,
        abortGroup: createAbortGroup(controller.signal),
        encoding: 'o200k_base',
      })
      await time.clock.sleep(250)
      controller.abort(new RunCutOff('still in flight at the end of the grace'))
      return attempt
    })
    expect(sample).toMatchObject({ outcome: 'interrupted', errorCode: 'RUN_GRACE_EXPIRED', errorMessage: 'still in flight at the end of the grace', endAtMs: 250 })
  })

  it('records an attempt aborted by the run signal as interrupted, at the abort time', async () => {
    for (const { lean } of PATHS) {
      const time = createVirtualTime(RUN_START_MS)
      const adapter = createTestAdapter({ text: ['a', 'b', 'c'], chunkMs: 200 }, { clock: time.clock, lean })
      const controller = new AbortController()
      const { sample } = await time.run(async () => {
        const attempt = runAttempt({
          adapter,
          request: REQUEST,
          clock: time.clock,
          runStartMs: RUN_START_MS,
          scheduledAtMs: 0,
          runSignal: controller.signal,
          abortGroup: createAbortGroup(controller.signal),
          ttftDeadlineMs: 10_000,
          encoding: 'o200k_base',
        })
        await time.clock.sleep(300)
        controller.abort()
        return attempt
      })
      expect(sample).toMatchObject({ outcome: 'interrupted', errorCode: 'ADAPTER_ABORTED', endAtMs: 300, chunks: 1, outputTokens: 1 })
      expect(sample.abandonReason).toBeUndefined()
      expect(adapter.calls[0]?.end?.type).toBe('aborted')
    }
  })

  it('interrupts at once when the run signal has already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    for (const result of await both({ hang: true }, { runSignal: controller.signal })) {
      expect(result.sample).toMatchObject({ outcome: 'interrupted', endAtMs: 0 })
    }
  })

  it('records an adapter that throws a non-AdapterError as stream-error / INTERNAL', async () => {
    for (const result of await both({ throws: new TypeError('cannot read properties of undefined'), afterMs: 15 })) {
      expect(result.sample).toMatchObject({
        outcome: 'stream-error',
        errorCode: 'INTERNAL',
        errorMessage: 'cannot read properties of undefined',
        endAtMs: 15,
      })
      expect(result.retryable).toBe(false)
    }
  })

  it('records a send() that throws synchronously as stream-error / INTERNAL', async () => {
    // "Never throws" holds for the lean path too: a plugin send() that throws before returning
    // an Exchange is an adapter bug, recorded like one (and the runner's dispatch goes on).
    const adapter: Adapter = {
      name: 'broken',
      model: 'm',
      baseUrl: 'test://broken',
      async *stream() {
        throw new TypeError('unreachable')
      },
      send() {
        throw new TypeError('send exploded')
      },
    }
    const { sample } = await attemptOn(createVirtualTime(RUN_START_MS), adapter)
    expect(sample).toMatchObject({ outcome: 'stream-error', errorCode: 'INTERNAL' })
  })

  it('records a stream() that returns quietly once aborted as abandoned, not ok', async () => {
    // A plugin adapter whose stream simply returns once its signal aborts (a common async-iterator
    // pattern): the user who gave up at the deadline is still abandoned, not an `ok` sample.
    const time = createVirtualTime(RUN_START_MS)
    const adapter: Adapter = {
      name: 'quiet',
      model: 'm',
      baseUrl: 'test://quiet',
      async *stream(_request, { signal }) {
        yield { type: 'response-start', status: 200, headers: {} }
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
      },
    }
    const { sample } = await attemptOn(time, adapter, { ttftDeadlineMs: 100 })
    expect(sample).toMatchObject({ outcome: 'abandoned', abandonReason: 'ttft', endAtMs: 100 })
  })
})
