// The test helpers the engine tests stand on: virtual time is exact and concurrent, and the
// scripted adapter plays one script the same way through stream() and send().
import { describe, expect, it } from 'vitest'
import type { ExchangeHandler, StreamEvent } from '../../../adapters/types.js'
import { isAdapterError } from '../../../core/errors.js'
import { collect } from '../../helpers/adapter-events.js'
import { createTestAdapter, stepTimes, type TestStep } from '../../helpers/test-adapter.js'
import { createVirtualTime } from '../../helpers/virtual-time.js'

const REQUEST = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], maxOutputTokens: 8 }

describe('virtual time', () => {
  it('ends concurrent sleeps at their own times, and fires global timeouts on the same queue', async () => {
    const time = createVirtualTime(100)
    const ends: [string, number][] = []
    await time.run(async () => {
      setTimeout(() => ends.push(['timeout', time.peek()]), 150)
      const cleared = setTimeout(() => ends.push(['cleared', time.peek()]), 10)
      clearTimeout(cleared)
      await Promise.all([
        time.clock.sleep(100).then(() => ends.push(['a', time.peek()])),
        time.clock.sleep(200).then(() => ends.push(['b', time.peek()])),
      ])
    })
    expect(ends).toEqual([
      ['a', 200],
      ['timeout', 250],
      ['b', 300],
    ])
  })

  it('rejects a sleep when its signal aborts, at the abort time', async () => {
    const time = createVirtualTime()
    const controller = new AbortController()
    const result = await time.run(async () => {
      setTimeout(() => controller.abort(new Error('stop')), 40)
      return time.clock.sleep(1_000, controller.signal).then(
        () => 'slept',
        (error: Error) => `${error.message} at ${time.peek()}`,
      )
    })
    expect(result).toBe('stop at 40')
  })

  it('lets a poller that yields to the loop see every millisecond up to its due time', async () => {
    const time = createVirtualTime()
    const seen = await time.run(async () => {
      const readings: number[] = []
      while (time.clock.now() < 5) {
        readings.push(time.peek())
        await new Promise((resolve) => setImmediate(resolve))
      }
      return [...new Set(readings), time.peek()]
    })
    expect(seen).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('says so when the work waits for something that can never happen', async () => {
    const time = createVirtualTime()
    await expect(time.run(() => new Promise(() => undefined))).rejects.toThrow(/deadlock/)
  })
})

describe('test adapter', () => {
  const answer: TestStep = {
    afterMs: 10,
    headers: { 'x-a': '1' },
    text: ['a', { reasoning: 'r', afterMs: 3 }, { text: 'b', afterMs: 7 }],
    chunkMs: 5,
    usage: { outputTokens: 2 },
    rawFinishReason: 'end_turn',
  }

  it('streams the script with its delays and records the call', async () => {
    const time = createVirtualTime()
    const adapter = createTestAdapter(answer, { clock: time.clock })
    const timed: [number, StreamEvent['type']][] = []
    await time.run(async () => {
      for await (const event of adapter.stream(REQUEST, { signal: new AbortController().signal })) timed.push([time.peek(), event.type])
    })
    expect(timed).toEqual([
      [10, 'response-start'],
      [15, 'text-delta'],
      [18, 'reasoning-delta'],
      [25, 'text-delta'],
      [25, 'usage'],
      [25, 'stream-end'],
    ])
    expect(stepTimes(answer)).toEqual({ headersMs: 10, textMs: [15, 25], endMs: 25 })
    expect(adapter.calls).toEqual([{ index: 0, via: 'stream', request: REQUEST, step: answer, startedAtMs: 0, end: { type: 'settled', atMs: 25 } }])
    expect(adapter.inFlight).toBe(0)
  })

  it('delivers the same script as send() calls, and abort() settles at once with ADAPTER_ABORTED', async () => {
    const time = createVirtualTime()
    const adapter = createTestAdapter([answer, { hang: true }], { clock: time.clock })
    const calls: string[] = []
    const handler = (settled: (error: unknown) => void): ExchangeHandler => ({
      onResponseStart: (status) => calls.push(`start ${status} @${time.peek()}`),
      onTextDelta: (text) => calls.push(`text ${text} @${time.peek()}`),
      onReasoningDelta: (text) => calls.push(`reasoning ${text} @${time.peek()}`),
      onUsage: () => calls.push(`usage @${time.peek()}`),
      onStreamEnd: (finish, raw) => calls.push(`end ${finish}/${raw} @${time.peek()}`),
      onSettled: settled,
    })
    const errors = await time.run(async () => {
      const first = await new Promise((resolve) => adapter.send?.(REQUEST, handler(resolve)))
      let second: unknown
      const exchange = adapter.send?.(REQUEST, handler((error) => (second = error)))
      await time.clock.sleep(50)
      exchange?.abort(new Error('user gave up'))
      return [first, second]
    })
    expect(calls).toEqual(['start 200 @10', 'text a @15', 'reasoning r @18', 'text b @25', 'usage @25', 'end stop/end_turn @25'])
    expect(errors[0]).toBeUndefined()
    expect(isAdapterError(errors[1]) && errors[1].code).toBe('ADAPTER_ABORTED')
    expect(adapter.calls[1]?.end).toMatchObject({ type: 'aborted', atMs: 75 })
    expect(adapter.maxInFlight).toBe(1)
  })

  it('answers an HTTP error with its status first, then the AdapterError', async () => {
    const adapter = createTestAdapter({ error: { code: 'ADAPTER_HTTP_STATUS', status: 429, retryAfterMs: 2_000 } })
    const { events, error } = await collect(adapter.stream(REQUEST, { signal: new AbortController().signal }))
    expect(events).toEqual([{ type: 'response-start', status: 429, headers: {} }])
    expect(isAdapterError(error) && [error.status, error.retryable, error.retryAfterMs]).toEqual([429, true, 2_000])
  })

  it('takes a step per call or a function of the call, and fails loudly past the end of a list', async () => {
    const listed = createTestAdapter([{ text: ['one'] }])
    await collect(listed.stream(REQUEST, { signal: new AbortController().signal }))
    await expect(collect(listed.stream(REQUEST, { signal: new AbortController().signal }))).resolves.toMatchObject({
      error: expect.objectContaining({ message: 'test adapter: call 2 but the script has only 1 steps' }),
    })
    const byIndex = createTestAdapter((_request, index) => ({ text: [`call ${index}`] }))
    await collect(byIndex.stream(REQUEST, { signal: new AbortController().signal }))
    const { events } = await collect(byIndex.stream(REQUEST, { signal: new AbortController().signal }))
    expect(events).toContainEqual({ type: 'text-delta', text: 'call 1' })
  })

  it('exposes only stream() with lean: false', () => {
    expect(createTestAdapter({ text: [] }, { lean: false }).send).toBeUndefined()
    expect(createTestAdapter({ text: [] }).send).toBeTypeOf('function')
  })
})
