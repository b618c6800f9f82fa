// The serving simulator on a virtual clock: step arithmetic, capacity, queue, cancel, exact lane.
import { describe, expect, it } from 'vitest'
import { createMockScheduler, type SequenceTiming } from '../../../adapters/mock/scheduler.js'
import type { MockTiming } from '../../../adapters/mock/types.js'
import { createVirtualTimer } from '../../helpers/virtual-time.js'

interface Trace {
  startedAt?: number
  queueMs?: number
  tokens: number[]
  endedAt?: number
  rejected: boolean
}

const TIMING: MockTiming = {
  overheadMs: 100,
  overheadJitter: 0,
  prefillMsPerToken: 0.1,
  maxPrefillTokensPerStep: 1000,
  decodeBaseMs: 10,
  decodeMsPerSequence: 2,
}

function setup(capacity: number, maxQueue: number, timing: MockTiming = TIMING) {
  const timer = createVirtualTimer()
  const scheduler = createMockScheduler({ profile: { capacity, maxQueue, timing }, timer })
  const submit = (inputTokens: number, outputTokens: number, sequenceTiming: SequenceTiming = { kind: 'simulated' }) => {
    const trace: Trace = { tokens: [], rejected: false }
    const handle = scheduler.submit({
      inputTokens,
      outputTokens,
      timing: sequenceTiming,
      callbacks: {
        onStart: (queueMs) => {
          trace.startedAt = timer.now()
          trace.queueMs = queueMs
        },
        onToken: (index) => {
          expect(index).toBe(trace.tokens.length)
          trace.tokens.push(timer.now())
        },
        onEnd: () => {
          trace.endedAt = timer.now()
        },
        onReject: () => {
          trace.rejected = true
        },
      },
    })
    return { trace, handle }
  }
  return { timer, scheduler, submit }
}

const gaps = (times: number[]): number[] => times.slice(1).map((time, i) => time - (times[i] as number))

describe('mock scheduler, simulated lane', () => {
  it('times a lone request: overhead, one prefill step, then a token per decode step', () => {
    const { timer, submit } = setup(4, 4)
    const { trace } = submit(500, 4)
    timer.advance(10_000)
    // overhead 100 + first step (10 base + 0 decoding + 500 × 0.1 prefill) = 160
    expect(trace.startedAt).toBe(100)
    expect(trace.tokens[0]).toBeCloseTo(160, 9)
    // then one sequence decoding: 10 + 2 × 1 = 12 ms per step
    for (const gap of gaps(trace.tokens)) expect(gap).toBeCloseTo(12, 9)
    expect(trace.endedAt).toBeCloseTo(160 + 3 * 12, 9)
  })

  it('slows every stream as more sequences decode together (one step for all)', () => {
    const { timer, scheduler, submit } = setup(8, 0)
    const traces = Array.from({ length: 4 }, () => submit(0, 20).trace)
    timer.advance(10_000)
    for (const trace of traces) {
      expect(trace.tokens).toHaveLength(20)
      // four sequences decode in each step: 10 + 2 × 4 = 18 ms
      for (const gap of gaps(trace.tokens)) expect(gap).toBeCloseTo(18, 9)
    }
    // one step timer for all streams: 1 prefill step + 19 decode steps
    expect(scheduler.stats().steps).toBe(20)
    expect(scheduler.stats().tokens).toBe(80)
  })

  it('spreads a long prompt over chunked prefill steps', () => {
    const { timer, submit } = setup(4, 0, { ...TIMING, overheadMs: 0 })
    const { trace } = submit(2500, 1)
    timer.advance(10_000)
    // steps of 1000, 1000, 500 prompt tokens: (10 + 100) + (10 + 100) + (10 + 50)
    expect(trace.tokens[0]).toBeCloseTo(280, 9)
  })

  it('queues beyond capacity, rejects when the queue is full, and admits in order as slots free', () => {
    const { timer, scheduler, submit } = setup(2, 1, { ...TIMING, overheadMs: 0 })
    const a = submit(0, 3).trace
    const b = submit(0, 3).trace
    const c = submit(0, 3).trace
    const d = submit(0, 3).trace
    expect(scheduler.stats()).toMatchObject({ running: 2, queued: 1, rejectedQueueFull: 1 })
    expect(d.rejected).toBe(true)
    expect(c.startedAt).toBeUndefined()
    timer.advance(10_000)
    expect(a.tokens).toHaveLength(3)
    expect(b.tokens).toHaveLength(3)
    // c waits for a and b to finish (prefill step 10, two decode steps of 14)
    expect(c.startedAt).toBeCloseTo(10 + 14 + 14, 9)
    expect(c.queueMs).toBeCloseTo(38, 9)
    expect(c.tokens[0]).toBeGreaterThan(a.endedAt as number)
    expect(scheduler.stats()).toMatchObject({ running: 0, queued: 0, completed: 3, peakQueued: 1, peakActive: 2 })
    expect(timer.pending()).toBe(0)
  })

  it('grows TTFT with load past capacity (the knee)', () => {
    const { timer, submit } = setup(4, 100, { ...TIMING, overheadMs: 0 })
    const traces = Array.from({ length: 12 }, () => submit(100, 10).trace)
    timer.advance(60_000)
    const ttfts = traces.map((trace) => trace.tokens[0] as number)
    // the first wave shares one prefill step; later waves wait for slots
    expect(ttfts.slice(0, 4).every((ttft) => ttft === ttfts[0])).toBe(true)
    expect(ttfts[4]).toBeGreaterThan((ttfts[0] as number) * 3)
    expect(ttfts[8]).toBeGreaterThan(ttfts[4] as number)
  })

  it('frees the slot of a cancelled sequence and admits the next', () => {
    const { timer, scheduler, submit } = setup(1, 1, { ...TIMING, overheadMs: 0 })
    const first = submit(0, 100)
    const second = submit(0, 2)
    timer.advance(50)
    expect(second.trace.startedAt).toBeUndefined()
    first.handle.cancel()
    expect(second.trace.startedAt).toBe(50)
    timer.advance(1000)
    expect(second.trace.tokens).toHaveLength(2)
    expect(first.trace.endedAt).toBeUndefined()
    expect(scheduler.stats()).toMatchObject({ cancelled: 1, completed: 1, running: 0 })
  })

  it('cancels during the overhead delay without leaving a timer', () => {
    const { timer, scheduler, submit } = setup(1, 1)
    const { handle, trace } = submit(0, 2)
    handle.cancel()
    timer.advance(1000)
    expect(trace.startedAt).toBeUndefined()
    expect(timer.pending()).toBe(0)
    expect(scheduler.stats()).toMatchObject({ arriving: 0, cancelled: 1 })
  })

  it('ends a zero-token answer after prefill without tokens', () => {
    const { timer, submit } = setup(1, 0, { ...TIMING, overheadMs: 0 })
    const { trace } = submit(10, 0)
    timer.advance(100)
    expect(trace.tokens).toHaveLength(0)
    expect(trace.endedAt).toBeCloseTo(11, 9)
  })
})

describe('mock scheduler, exact lane', () => {
  it('gives fixed TTFT and gaps whatever the load, bypassing capacity', () => {
    const { timer, scheduler, submit } = setup(1, 0)
    const traces = Array.from({ length: 50 }, () => submit(1000, 5, { kind: 'exact', ttftMs: 200, itlMs: 20 }).trace)
    expect(scheduler.stats()).toMatchObject({ timed: 50, running: 0, rejectedQueueFull: 0 })
    timer.advance(5000)
    for (const trace of traces) {
      expect(trace.startedAt).toBe(0)
      expect(trace.tokens).toEqual([200, 220, 240, 260, 280])
      expect(trace.endedAt).toBe(280)
    }
  })

  it('writes an instant answer synchronously, without a timer', () => {
    const { timer, submit } = setup(1, 0)
    const { trace } = submit(10, 1000, { kind: 'exact', ttftMs: 0, itlMs: 0 })
    expect(trace.tokens).toHaveLength(1000)
    expect(trace.endedAt).toBe(0)
    expect(timer.pending()).toBe(0)
  })

  it('stops a sequence whose onToken returns false, also inside submit() (instant)', () => {
    const timer = createVirtualTimer()
    const scheduler = createMockScheduler({ profile: { capacity: 1, maxQueue: 0, timing: TIMING }, timer })
    const seen: string[] = []
    const stopAtTwo = (label: string) => ({
      onStart: () => undefined,
      onToken: (index: number) => {
        seen.push(`${label}${index}`)
        return index < 1
      },
      onEnd: () => seen.push(`${label}-end`),
      onReject: () => undefined,
    })
    scheduler.submit({ inputTokens: 0, outputTokens: 10, timing: { kind: 'exact', ttftMs: 0, itlMs: 0 }, callbacks: stopAtTwo('i') })
    scheduler.submit({ inputTokens: 0, outputTokens: 10, timing: { kind: 'simulated' }, callbacks: stopAtTwo('s') })
    timer.advance(10_000)
    expect(seen).toEqual(['i0', 'i1', 's0', 's1'])
    expect(scheduler.stats()).toMatchObject({ timed: 0, running: 0, cancelled: 2 })
    expect(timer.pending()).toBe(0)
  })

  it('removes a cancelled timed sequence from the heap', () => {
    const { timer, scheduler, submit } = setup(1, 0)
    const a = submit(0, 10, { kind: 'exact', ttftMs: 10, itlMs: 10 })
    const b = submit(0, 3, { kind: 'exact', ttftMs: 15, itlMs: 10 })
    timer.advance(30)
    a.handle.cancel()
    timer.advance(1000)
    expect(a.trace.tokens).toEqual([10, 20, 30])
    expect(b.trace.tokens).toEqual([15, 25, 35])
    expect(scheduler.stats()).toMatchObject({ timed: 0, cancelled: 1, completed: 1 })
  })
})
