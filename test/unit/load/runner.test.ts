// The runner on virtual time with the scripted test adapter: schedules, the in-flight cap,
// retries and backoff, the spend cap, users quitting and interrupts, each checked against the
// traffic and the script.
import { describe, expect, it } from 'vitest'
import { createRandom } from '../../../core/random.js'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { createBudget } from '../../../load/budget.js'
import { createPatience, DEFAULT_PATIENCE, type PatienceOptions } from '../../../load/patience.js'
import { NO_RETRIES, retryDelayMs, SDK_RETRIES } from '../../../load/retry.js'
import { createRunner, type RunnerOptions, type TokenUsage } from '../../../load/runner.js'
import type { Sample } from '../../../results/types.js'
import { createTestAdapter, type TestAdapter, type TestScript } from '../../helpers/test-adapter.js'
import { createVirtualTime, type VirtualTime } from '../../helpers/virtual-time.js'

const RUN_START_MS = 5_000

function line(id: string, offsetMs: number, extra: Partial<TrafficRequest> = {}): TrafficRequest {
  return { id, offsetMs, userId: 'u1', task: 'chat', inputTokens: 100, maxOutputTokens: 100, ...extra }
}

async function* traffic(lines: readonly TrafficRequest[]): AsyncIterable<TrafficRequest> {
  yield* lines
}

/** $0.001 per input token, $0.002 per output token. */
const spendOf = (usage: TokenUsage): number => (usage.inputTokens ?? 0) * 0.001 + (usage.outputTokens ?? 0) * 0.002

const NO_PATIENCE: PatienceOptions = { ...DEFAULT_PATIENCE, enabled: false }

interface Setup {
  time: VirtualTime
  adapter: TestAdapter
  samples: Sample[]
  options: RunnerOptions
}

function setup(script: TestScript, lines: readonly TrafficRequest[], overrides: Partial<RunnerOptions> = {}): Setup {
  const time = createVirtualTime(RUN_START_MS)
  const adapter = createTestAdapter(script, { clock: time.clock })
  const samples: Sample[] = []
  const options: RunnerOptions = {
    adapter,
    requests: traffic(lines),
    expand: () => [{ role: 'user', content: 'hello' }],
    schedule: { type: 'open' },
    maxInFlight: 100,
    patience: createPatience(NO_PATIENCE),
    retry: NO_RETRIES,
    random: createRandom(7),
    budget: createBudget(undefined),
    spendOf,
    clock: time.clock,
    runStartMs: RUN_START_MS,
    signal: new AbortController().signal,
    record: (sample) => void samples.push(sample),
    encoding: 'o200k_base',
    stream: true,
    ...overrides,
  }
  return { time, adapter, samples, options }
}

async function run(s: Setup): Promise<void> {
  await s.time.run(() => createRunner(s.options).run())
}

/** Runs, and aborts `controller` `afterMs` into the run. */
async function runAndAbort(s: Setup, controller: AbortController, afterMs: number): Promise<void> {
  await s.time.run(async () => {
    const running = createRunner(s.options).run()
    await s.time.clock.sleep(afterMs)
    controller.abort()
    await running
  })
}

const byId = (samples: readonly Sample[]): Map<string, Sample[]> => {
  const map = new Map<string, Sample[]>()
  for (const sample of samples) map.set(sample.requestId, [...(map.get(sample.requestId) ?? []), sample])
  return map
}

/** Headers after 20 ms, two chunks 10 ms apart: 40 ms in all, 100 in / 50 out ($0.2). */
const OK = { afterMs: 20, text: ['a', 'b'], chunkMs: 10, usage: { inputTokens: 100, outputTokens: 50 } } as const

describe('runner: open schedule', () => {
  it('schedules each request at offset / timeScale and sends it then', async () => {
    const offsets = [0, 100, 250, 1_000, 3_000]
    const s = setup(OK, offsets.map((offset, i) => line(`r${i}`, offset)), { schedule: { type: 'open', timeScale: 2 } })
    await run(s)
    const expected = offsets.map((offset) => offset / 2)
    expect(s.samples.map((sample) => sample.scheduledAtMs)).toEqual(expected)
    expect(s.samples.map((sample) => sample.sentAtMs)).toEqual(expected)
    expect(s.samples.map((sample) => sample.scheduleLagMs)).toEqual(expected.map(() => 0))
    expect(s.adapter.calls.map((call) => call.startedAtMs - RUN_START_MS)).toEqual(expected)
    expect(s.samples.every((sample) => sample.outcome === 'ok' && sample.e2eMs === 40)).toBe(true)
    // The request the adapter got: model from the adapter, the traffic's max tokens, streaming.
    expect(s.adapter.calls[0]?.request).toMatchObject({ model: 'test-model', maxOutputTokens: 100, stream: true })
  })

  it('drops requests due while the in-flight cap is full, and counts them', async () => {
    const lines = [line('r0', 0), line('r1', 10), line('r2', 20), line('r3', 30), line('r4', 150)]
    const s = setup({ ...OK, afterMs: 80 }, lines, { maxInFlight: 2 })
    await run(s)
    const dropped = s.samples.filter((sample) => sample.outcome === 'dropped')
    expect(dropped).toEqual([
      { requestId: 'r2', userId: 'u1', task: 'chat', attempt: 1, outcome: 'dropped', scheduledAtMs: 20 },
      { requestId: 'r3', userId: 'u1', task: 'chat', attempt: 1, outcome: 'dropped', scheduledAtMs: 30 },
    ])
    expect(s.adapter.calls.map((call) => call.startedAtMs - RUN_START_MS)).toEqual([0, 10, 150])
    expect(s.adapter.maxInFlight).toBe(2)
  })

  it('with overflow: queue, sends late instead of dropping and measures the lag', async () => {
    const lines = [line('r0', 0), line('r1', 10)]
    const s = setup({ ...OK, afterMs: 80 }, lines, { maxInFlight: 1, schedule: { type: 'open', overflow: 'queue' } })
    await run(s)
    const r1 = byId(s.samples).get('r1')?.[0]
    // r0 ends at 100 (80 + 2 × 10); r1 then takes its own 100.
    expect(r1).toMatchObject({ outcome: 'ok', scheduledAtMs: 10, sentAtMs: 100, scheduleLagMs: 90, e2eMs: 190, e2eServiceMs: 100 })
  })

  it('stopSignal stops sending but lets the request in flight finish', async () => {
    const stop = new AbortController()
    const s = setup({ ...OK, afterMs: 300 }, [line('r0', 0), line('r1', 500)], { stopSignal: stop.signal })
    await runAndAbort(s, stop, 100)
    expect(s.samples).toHaveLength(1)
    expect(s.samples[0]).toMatchObject({ requestId: 'r0', outcome: 'ok', endAtMs: 320 })
  })
})

describe('runner: closed schedule', () => {
  it('never has more than N requests in flight, and sends every request', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => line(`r${i}`, 0))
    // Durations vary with the call so that users fall out of step.
    const script: TestScript = (_request, index) => ({ afterMs: 30 + (index % 4) * 25, text: ['x'], usage: { outputTokens: 1 } })
    const s = setup(script, lines, { schedule: { type: 'closed', users: 3 } })
    let peak = 0
    const runner = createRunner(s.options)
    const record = s.options.record
    s.options.record = (sample) => {
      peak = Math.max(peak, runner.inFlight)
      record(sample)
    }
    await s.time.run(() => runner.run())
    expect(s.samples).toHaveLength(12)
    expect(s.samples.every((sample) => sample.outcome === 'ok')).toBe(true)
    expect(s.adapter.maxInFlight).toBe(3)
    expect(peak).toBeLessThanOrEqual(3)
    // A closed-model user wants the answer when they send: no schedule lag.
    for (const sample of s.samples) expect(sample.scheduleLagMs).toBe(0)
  })

  it('waits the think time between a user’s requests', async () => {
    const lines = Array.from({ length: 3 }, (_, i) => line(`r${i}`, 0))
    const s = setup({ afterMs: 100, text: ['x'], usage: { outputTokens: 1 } }, lines, { schedule: { type: 'closed', users: 1, thinkTimeMs: 50 } })
    await run(s)
    expect(s.samples.map((sample) => sample.scheduledAtMs)).toEqual([0, 150, 300])
  })
})

describe('runner: retries', () => {
  it('records every attempt with its number and willRetry, and honours Retry-After exactly', async () => {
    const script: TestScript = [
      { error: { code: 'ADAPTER_HTTP_STATUS', status: 429, retryAfterMs: 1_500 }, afterMs: 20 },
      { error: { code: 'ADAPTER_HTTP_STATUS', status: 503 }, afterMs: 10 },
      OK,
    ]
    const s = setup(script, [line('r0', 100)], { retry: SDK_RETRIES, random: createRandom(7) })
    await run(s)
    const [first, second, third] = s.samples as [Sample, Sample, Sample]
    expect(s.samples.map((sample) => [sample.attempt, sample.outcome, sample.status, sample.willRetry])).toEqual([
      [1, 'http', 429, true],
      [2, 'http', 503, true],
      [3, 'ok', 200, undefined],
    ])
    expect(first).toMatchObject({ sentAtMs: 100, endAtMs: 120, scheduleLagMs: 0 })
    // Retry-After: the next try goes out exactly 1.5 s after the 429.
    expect(second.sentAtMs).toBe(120 + 1_500)
    // No Retry-After: SDK backoff, 1 s less up to 25 % jitter from the run's seeded random (the
    // Retry-After above drew nothing from it).
    const backoff = retryDelayMs(SDK_RETRIES, { retriesSoFar: 1, retryable: true }, createRandom(7)) as number
    expect(backoff).toBeGreaterThanOrEqual(750)
    expect(backoff).toBeLessThanOrEqual(1_000)
    expect(third.sentAtMs).toBeCloseTo((second.endAtMs as number) + backoff, 9)
    // Every attempt keeps the logical request's schedule; only the first carries lag.
    for (const sample of s.samples) expect(sample.scheduledAtMs).toBe(100)
    expect(second.scheduleLagMs).toBeUndefined()
    expect(third.scheduleLagMs).toBeUndefined()
    expect(third.e2eMs).toBeCloseTo((third.endAtMs as number) - 100, 9)
    // The 429 and the 503 cost nothing; the answer was billed.
    expect(first.spendUsd).toBeUndefined()
    expect(third.spendUsd).toBeCloseTo(0.2, 12)
  })

  it('stops after the SDK’s two retries: the third attempt is final', async () => {
    const s = setup({ error: { code: 'ADAPTER_HTTP_STATUS', status: 429, retryAfterMs: 100 } }, [line('r0', 0)], { retry: SDK_RETRIES })
    await run(s)
    expect(s.samples.map((sample) => [sample.attempt, sample.willRetry])).toEqual([
      [1, true],
      [2, true],
      [3, undefined],
    ])
    expect(s.samples.map((sample) => sample.sentAtMs)).toEqual([0, 100, 200])
  })

  it('does not retry a non-retryable error, nor anything with retries off', async () => {
    const bad = setup({ error: { code: 'ADAPTER_HTTP_STATUS', status: 400 } }, [line('r0', 0)], { retry: SDK_RETRIES })
    await run(bad)
    expect(bad.samples).toHaveLength(1)
    const off = setup({ error: { code: 'ADAPTER_HTTP_STATUS', status: 429 } }, [line('r0', 0)])
    await run(off)
    expect(off.samples).toHaveLength(1)
    expect(off.samples[0]?.willRetry).toBeUndefined()
  })

  it('keeps the failed attempt as the final sample when the spend cap refuses its retry', async () => {
    // r0 gets a 429 and waits 200 ms; meanwhile r1 reserves the rest of the budget, so r0's retry
    // is refused: its 429 must stay its final sample (aggregate counts a request by the sample
    // without willRetry), or r0 would vanish from `scheduled` and `byOutcome`.
    const script: TestScript = (request) =>
      request.messages[0]?.content === 'first'
        ? { error: { code: 'ADAPTER_HTTP_STATUS', status: 429, retryAfterMs: 200 }, afterMs: 10 }
        : { ...OK, afterMs: 500 }
    const lines = [line('r0', 0), line('r1', 20)]
    const s = setup(script, lines, {
      retry: SDK_RETRIES,
      budget: createBudget(0.5), // worst case of one request: 100 × 0.001 + 100 × 0.002 = 0.3
      expand: (request) => [{ role: 'user', content: request.id === 'r0' ? 'first' : 'second' }],
    })
    await run(s)
    const finals = s.samples.filter((sample) => sample.willRetry !== true).map((sample) => sample.requestId)
    expect(finals.sort()).toEqual(['r0', 'r1'])
  })

  it('keeps the failed attempt as the final sample when the run is interrupted during backoff', async () => {
    const controller = new AbortController()
    const s = setup({ error: { code: 'ADAPTER_HTTP_STATUS', status: 429, retryAfterMs: 1_000 }, afterMs: 10 }, [line('r0', 0)], {
      retry: SDK_RETRIES,
      signal: controller.signal,
    })
    await runAndAbort(s, controller, 100)
    expect(s.samples.filter((sample) => sample.willRetry !== true)).toHaveLength(1)
  })
})

describe('runner: spend cap', () => {
  it('stops sending at the cap, records the rest as budget-stopped, and never passes it', async () => {
    // Worst case 0.3 per request, real spend 0.2: 0 → 0.2 → 0.4 → 0.6 → 0.8, then 0.8 + 0.3 > 1.
    const lines = Array.from({ length: 7 }, (_, i) => line(`r${i}`, i * 1_000))
    const budget = createBudget(1)
    const s = setup(OK, lines, { budget })
    await run(s)
    expect(s.samples.map((sample) => sample.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'budget-stopped', 'budget-stopped', 'budget-stopped'])
    expect(s.adapter.calls).toHaveLength(4)
    expect(budget.stopped).toBe(true)
    const spent = s.samples.reduce((sum, sample) => sum + (sample.spendUsd ?? 0), 0)
    expect(spent).toBeCloseTo(0.8, 12)
    expect(budget.spentUsd).toBeCloseTo(0.8, 12)
    expect(s.samples[4]).toEqual({ requestId: 'r4', userId: 'u1', task: 'chat', attempt: 1, outcome: 'budget-stopped', scheduledAtMs: 4_000 })
  })

  it('reserves the worst case of everything in flight, so concurrent sends cannot pass the cap either', async () => {
    // All due at once: 3 × 0.3 = 0.9 reserved, the 4th would make 1.2.
    const lines = Array.from({ length: 6 }, (_, i) => line(`r${i}`, 0))
    // Each answer spends its worst case: 100 in, 100 out.
    const s = setup({ ...OK, usage: { inputTokens: 100, outputTokens: 100 } }, lines, { budget: createBudget(1) })
    await run(s)
    expect(s.adapter.calls).toHaveLength(3)
    const spent = s.samples.reduce((sum, sample) => sum + (sample.spendUsd ?? 0), 0)
    expect(spent).toBeCloseTo(0.9, 12)
    expect(spent).toBeLessThanOrEqual(1)
    expect(s.samples.filter((sample) => sample.outcome === 'budget-stopped')).toHaveLength(3)
  })
})

describe('runner: patience', () => {
  it('abandons at the patience deadline and loses the demand of users who quit', async () => {
    const patience = createPatience({
      enabled: true,
      ttft: { type: 'fixed', ms: 300 },
      e2e: { type: 'none' },
      quit: { abandons: 2, window: 2 },
      seed: 1,
    })
    // u1's requests never get a first token in time; u2's are answered in 40 ms.
    const script: TestScript = (request) => (request.messages[0]?.content === 'u1' ? { afterMs: 50, text: [{ text: 'x', afterMs: 5_000 }] } : OK)
    const lines = [0, 1_000, 2_000, 3_000].flatMap((offset, i) => [line(`a${i}`, offset), line(`b${i}`, offset + 10, { userId: 'u2' })])
    const s = setup(script, lines, { patience, expand: (request) => [{ role: 'user', content: request.userId }] })
    await run(s)
    const outcomes = Object.fromEntries(s.samples.map((sample) => [sample.requestId, sample.outcome]))
    expect(outcomes).toEqual({
      a0: 'abandoned',
      a1: 'abandoned',
      a2: 'lost-demand',
      a3: 'lost-demand',
      b0: 'ok',
      b1: 'ok',
      b2: 'ok',
      b3: 'ok',
    })
    const a1 = byId(s.samples).get('a1')?.[0]
    expect(a1).toMatchObject({ abandonReason: 'ttft', scheduledAtMs: 1_000, endAtMs: 1_300, headersAtMs: 1_050 })
    expect(a1?.ttftMs).toBeUndefined()
    expect(byId(s.samples).get('a2')?.[0]).toEqual({ requestId: 'a2', userId: 'u1', task: 'chat', attempt: 1, outcome: 'lost-demand', scheduledAtMs: 2_000 })
    expect(s.adapter.calls.filter((call) => call.request.messages[0]?.content === 'u1')).toHaveLength(2)
    expect(patience.usersQuit).toBe(1)
  })
})

describe('runner: interrupts', () => {
  it('records in-flight attempts as interrupted at the abort, and a request waiting for a slot as unsent interrupted', async () => {
    const controller = new AbortController()
    const lines = [line('r0', 0), line('r1', 10), line('r2', 500)]
    const s = setup({ hang: true }, lines, {
      maxInFlight: 1,
      schedule: { type: 'open', overflow: 'queue' },
      signal: controller.signal,
    })
    await runAndAbort(s, controller, 100)
    expect(s.samples).toEqual([
      expect.objectContaining({ requestId: 'r0', outcome: 'interrupted', sentAtMs: 0, endAtMs: 100, errorCode: 'ADAPTER_ABORTED' }),
      { requestId: 'r1', userId: 'u1', task: 'chat', attempt: 1, outcome: 'interrupted', scheduledAtMs: 10 },
    ])
    // r2 was not due yet: an interrupted run stops sending and records nothing for it.
    expect(s.adapter.calls).toHaveLength(1)
    expect(s.adapter.calls[0]?.end).toMatchObject({ type: 'aborted', atMs: RUN_START_MS + 100 })
  })

  it('an interrupted attempt does not count against its user’s patience', async () => {
    const controller = new AbortController()
    const patience = createPatience({ enabled: true, ttft: { type: 'fixed', ms: 10_000 }, e2e: { type: 'none' }, quit: { abandons: 1, window: 1 }, seed: 1 })
    const s = setup({ hang: true }, [line('r0', 0)], { patience, signal: controller.signal })
    await runAndAbort(s, controller, 50)
    expect(s.samples[0]?.outcome).toBe('interrupted')
    expect(patience.usersQuit).toBe(0)
  })
})
