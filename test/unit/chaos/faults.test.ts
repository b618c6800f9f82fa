// Every fault's effect on the bytes and on time, run without sockets on a virtual clock: sleeps
// advance the clock exactly, so schedules can be checked to the millisecond.
import { describe, expect, it } from 'vitest'
import type { Clock } from '../../../core/clock.js'
import { createRandom } from '../../../core/random.js'
import { compileMatch, detectProtocol, sleepUnlessInterrupted } from '../../../chaos/proxy.js'
import { createFault, parseFaultSpec } from '../../../chaos/registry.js'
import { drawLatencyMs, latencyParams } from '../../../chaos/faults/latency.js'
import { breakJson, dropUsage, garbageFrame, utf8SplitPoint } from '../../../chaos/faults/malformed-sse.js'
import { parseFrame } from '../../../chaos/sse-frames.js'
import type { FaultContext, FaultSpec, Protocol, RequestInfo } from '../../../chaos/types.js'
import { countTokens } from '../../../core/tokens.js'
import { anthropicEvents, DEFAULT_TOKENS, openAiEvents } from '../../helpers/sse-upstream.js'

interface Harness {
  context: FaultContext
  log: string[]
  sleeps: number[]
  now: () => number
}

function harness(options: { eventStream?: boolean; protocol?: Protocol; elapsedMs?: number; sleepResult?: boolean; model?: string } = {}): Harness {
  let nowMs = 0
  const log: string[] = []
  const sleeps: number[] = []
  const clock: Clock = {
    now: () => nowMs,
    wallNow: () => nowMs,
    sleep: async (ms) => {
      nowMs += ms
    },
  }
  const request: RequestInfo = { method: 'POST', path: '/v1/chat/completions', headers: {}, model: options.model, stream: true, sequence: 0, key: '#0' }
  const context: FaultContext = {
    signal: new AbortController().signal,
    random: createRandom(11),
    request,
    protocol: options.protocol ?? 'openai',
    elapsedMs: options.elapsedMs ?? 0,
    phase: undefined,
    clock,
    response: { status: 200, headers: {}, eventStream: options.eventStream ?? true },
    interrupted: false,
    reset: () => log.push('reset'),
    close: () => log.push('close'),
    sleep: async (ms) => {
      sleeps.push(ms)
      log.push(`sleep ${Number.isFinite(ms) ? Math.round(ms) : ms}`)
      if (Number.isFinite(ms)) nowMs += ms
      return options.sleepResult ?? true
    },
  }
  return { context, log, sleeps, now: () => nowMs }
}

async function* source(parts: readonly (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part
}

async function runPipe(spec: FaultSpec, parts: readonly (string | Uint8Array)[], h: Harness): Promise<Buffer[]> {
  const fault = createFault(parseFaultSpec(spec, 'test'))
  if (fault.pipe === undefined) throw new Error('no pipe')
  const out: Buffer[] = []
  for await (const chunk of fault.pipe(source(parts), h.context)) {
    h.log.push(`chunk ${chunk.length}`)
    out.push(Buffer.from(chunk))
  }
  return out
}

const OPENAI = openAiEvents(DEFAULT_TOKENS, 'm')
const ANTHROPIC = anthropicEvents(DEFAULT_TOKENS, 'm')
const joined = (chunks: Buffer[]): string => Buffer.concat(chunks).toString()

describe('latency', () => {
  it('draws latency ± jitter deterministically, within bounds', () => {
    const params = latencyParams.parse({ latency: 1000, jitter: 200 })
    const a = Array.from({ length: 200 }, (_, i) => drawLatencyMs(params, { random: createRandom(i) }))
    const b = Array.from({ length: 200 }, (_, i) => drawLatencyMs(params, { random: createRandom(i) }))
    expect(a).toEqual(b)
    expect(Math.min(...a)).toBeGreaterThanOrEqual(800)
    expect(Math.max(...a)).toBeLessThan(1200)
    const mean = a.reduce((sum, v) => sum + v, 0) / a.length
    expect(Math.abs(mean - 1000)).toBeLessThan(40)
  })

  it('caps a drawn distribution at max_ms and never goes negative', () => {
    const params = latencyParams.parse({ distribution: { type: 'normal', mean_ms: 10, stddev_ms: 100 }, max_ms: 50 })
    const draws = Array.from({ length: 300 }, (_, i) => drawLatencyMs(params, { random: createRandom(i) }))
    expect(Math.min(...draws)).toBe(0)
    expect(Math.max(...draws)).toBe(50)
  })

  it('sleeps the drawn delay before the request goes on', async () => {
    const h = harness()
    const fault = createFault(parseFaultSpec({ type: 'latency', params: { latency: 250 } }, 'test'))
    expect(await fault.onRequest?.(h.context)).toBeUndefined()
    expect(h.sleeps).toEqual([250])
  })
})

describe('first-token-delay', () => {
  it('holds only the first content event, passing the preamble first', async () => {
    const h = harness()
    const out = await runPipe({ type: 'first-token-delay', params: { delay_ms: 700 } }, [OPENAI.join('')], h)
    expect(joined(out)).toBe(OPENAI.join(''))
    expect(h.log.slice(0, 3)).toEqual([`chunk ${Buffer.byteLength(OPENAI[0] as string)}`, 'sleep 700', `chunk ${Buffer.byteLength(OPENAI[1] as string)}`])
    expect(h.sleeps).toEqual([700])
  })

  it('leaves a non-SSE body alone', async () => {
    const h = harness({ eventStream: false })
    const out = await runPipe({ type: 'first-token-delay', params: { delay_ms: 700 } }, ['{"a":1}'], h)
    expect(joined(out)).toBe('{"a":1}')
    expect(h.sleeps).toEqual([])
  })
})

describe('slow-tokens', () => {
  it('delay_ms: one delay before each content event after the first', async () => {
    const h = harness({ protocol: 'anthropic' })
    const out = await runPipe({ type: 'slow-tokens', params: { delay_ms: 60 } }, [ANTHROPIC.join('')], h)
    expect(joined(out)).toBe(ANTHROPIC.join(''))
    expect(h.sleeps).toEqual(Array.from({ length: DEFAULT_TOKENS.length - 1 }, () => 60))
  })

  it('tokens_per_second: the last content event leaves when the earlier tokens have taken their time', async () => {
    const h = harness()
    const out = await runPipe({ type: 'slow-tokens', params: { tokens_per_second: 10 } }, OPENAI, h)
    expect(joined(out)).toBe(OPENAI.join(''))
    const tokensBeforeLast = DEFAULT_TOKENS.slice(0, -1).reduce((sum, text) => sum + Math.max(1, countTokens(text)), 0)
    expect(h.now()).toBeCloseTo(tokensBeforeLast * 100, 6)
  })
})

describe('stall', () => {
  it('pauses after N events, then continues', async () => {
    const h = harness()
    const out = await runPipe({ type: 'stall', params: { after_events: 2, duration_ms: 5000 } }, OPENAI, h)
    expect(joined(out)).toBe(OPENAI.join(''))
    expect(h.log.indexOf('sleep 5000')).toBe(2)
  })

  it('then: hang waits forever (until interrupted or the client leaves)', async () => {
    const h = harness()
    await runPipe({ type: 'stall', params: { after_events: 1, then: 'hang' } }, OPENAI, h)
    expect(h.sleeps).toEqual([Number.POSITIVE_INFINITY])
  })
})

describe('bandwidth', () => {
  it('releases 100 ms slices on schedule: 25,000 B at 50 KB/s take 500 ms', async () => {
    const h = harness({ eventStream: false })
    const out = await runPipe({ type: 'bandwidth', params: { rate: 50 } }, [Buffer.alloc(12_000), Buffer.alloc(13_000)], h)
    expect(out.map((chunk) => chunk.length)).toEqual([5_000, 5_000, 2_000, 5_000, 5_000, 3_000])
    expect(h.now()).toBeCloseTo(500, 6)
  })
})

describe('reset', () => {
  it('with no parameter resets before headers', async () => {
    const h = harness()
    const fault = createFault(parseFaultSpec({ type: 'reset' }, 'test'))
    await fault.onRequest?.(h.context)
    expect(h.log).toEqual(['reset'])
  })

  it('after_events passes N events, then resets', async () => {
    const h = harness()
    const out = await runPipe({ type: 'reset', params: { after_events: 3 } }, [OPENAI.join('')], h)
    expect(joined(out)).toBe(OPENAI.slice(0, 3).join(''))
    expect(h.log.at(-1)).toBe('reset')
  })

  it('limit_data passes exactly that many bytes, then resets', async () => {
    const h = harness({ eventStream: false })
    const out = await runPipe({ type: 'reset', params: { limit_data: 150 } }, [Buffer.alloc(100), Buffer.alloc(100)], h)
    expect(out.map((chunk) => chunk.length)).toEqual([100, 50])
    expect(h.log.at(-1)).toBe('reset')
  })
})

describe('slicer', () => {
  it('cuts the body into seeded slices with pauses, bytes unchanged', async () => {
    const h = harness({ eventStream: false })
    const out = await runPipe({ type: 'slicer', params: { average_size: 10, size_variation: 3, delay: 2000 } }, [Buffer.from('x'.repeat(100))], h)
    expect(Buffer.concat(out).toString()).toBe('x'.repeat(100))
    expect(out.slice(0, -1).every((chunk) => chunk.length >= 7 && chunk.length <= 13)).toBe(true)
    expect(new Set(out.map((chunk) => chunk.length)).size).toBeGreaterThan(1)
    expect(h.sleeps).toEqual(Array.from({ length: out.length - 1 }, () => 2))
  })
})

describe('truncate', () => {
  it('drops the end marker and what follows, or ends after N events', async () => {
    expect(joined(await runPipe({ type: 'truncate' }, OPENAI, harness()))).toBe(OPENAI.slice(0, -1).join(''))
    expect(joined(await runPipe({ type: 'truncate' }, ANTHROPIC, harness()))).toBe(ANTHROPIC.slice(0, -1).join(''))
    expect(joined(await runPipe({ type: 'truncate', params: { after_events: 2 } }, OPENAI, harness()))).toBe(OPENAI.slice(0, 2).join(''))
  })
})

describe('blackhole', () => {
  it('waits forever without timeout; closes after timeout; lets the request through when interrupted', async () => {
    const forever = harness()
    await createFault(parseFaultSpec({ type: 'blackhole' }, 'test')).onRequest?.(forever.context)
    expect(forever.sleeps).toEqual([Number.POSITIVE_INFINITY])
    const timed = harness()
    await createFault(parseFaultSpec({ type: 'blackhole', params: { timeout: 3000 } }, 'test')).onRequest?.(timed.context)
    expect(timed.log).toEqual(['sleep 3000', 'close'])
    const interrupted = harness({ sleepResult: false })
    expect(await createFault(parseFaultSpec({ type: 'blackhole' }, 'test')).onRequest?.(interrupted.context)).toBeUndefined()
    expect(interrupted.log).not.toContain('close')
  })
})

describe('status', () => {
  it.each([
    ['openai', 429, { error: { type: 'requests', code: 'rate_limit_exceeded', param: null } }, '1'],
    ['openai', 500, { error: { type: 'server_error', code: null } }, undefined],
    ['anthropic', 429, { type: 'error', error: { type: 'rate_limit_error' } }, '1'],
    ['anthropic', 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, '1'],
    ['anthropic', 504, { type: 'error', error: { type: 'timeout_error' } }, undefined],
    ['unknown', 503, { error: { type: 'server_error' } }, '1'],
  ] as const)('%s %i is vendor-shaped', async (protocol, status, shape, retryAfter) => {
    const h = harness({ protocol, model: 'gpt-4o-mini' })
    const answer = await createFault(parseFaultSpec({ type: 'status', params: { status } }, 'test')).onRequest?.(h.context)
    expect(answer?.status).toBe(status)
    expect(JSON.parse(String(answer?.body))).toMatchObject(shape)
    expect(answer?.headers?.['retry-after']).toBe(retryAfter)
    expect(answer?.headers?.['content-type']).toBe('application/json')
  })

  it('honours retry_after_s (null: no header), message and body overrides', async () => {
    const h = harness()
    const make = async (params: Record<string, unknown>) => createFault(parseFaultSpec({ type: 'status', params }, 'test')).onRequest?.(h.context)
    expect((await make({ retry_after_s: 2.5 }))?.headers).toMatchObject({ 'retry-after': '3', 'retry-after-ms': '2500' })
    expect((await make({ retry_after_s: null }))?.headers?.['retry-after']).toBeUndefined()
    expect(JSON.parse(String((await make({ message: 'slow down' }))?.body)).error.message).toBe('slow down')
    expect((await make({ status: 502, body: '<html>bad gateway</html>' }))?.body).toBe('<html>bad gateway</html>')
  })

  it('is active only inside burst windows', () => {
    const fault = createFault(parseFaultSpec({ type: 'status', params: { burst: { every_ms: 1000, length_ms: 100, offset_ms: 50 } } }, 'test'))
    const at = (elapsedMs: number): boolean | undefined => fault.active?.(harness({ elapsedMs }).context)
    expect([0, 49, 50, 149, 150, 1049, 1100, 1200].map(at)).toEqual([false, false, true, true, false, false, true, false])
  })
})

describe('malformed-sse', () => {
  const variant = (name: string, extra: Record<string, unknown> = {}): FaultSpec => ({ type: 'malformed-sse', params: { variant: name, ...extra } })

  it('broken-json cuts the data line in half and keeps CRLF line ends', () => {
    const frame = parseFrame(Buffer.from('event: x\r\ndata: {"abcd":12}\r\n\r\n'))
    expect(Buffer.from(breakJson(frame)).toString()).toBe('event: x\r\ndata: {"abc\r\n\r\n')
  })

  it('split-utf8 splits after the lead byte of the first multi-byte character, or mid-event', () => {
    expect(utf8SplitPoint(Buffer.from('data: aé'))).toBe(8)
    expect(utf8SplitPoint(Buffer.from('data: 😀'))).toBe(7)
    expect(utf8SplitPoint(Buffer.from('abcdef'))).toBe(3)
  })

  it('split-utf8 emits the target in two writes with a pause, bytes unchanged', async () => {
    const h = harness({ protocol: 'anthropic' })
    const out = await runPipe(variant('split-utf8', { split_pause_ms: 30 }), [ANTHROPIC.join('')], h)
    expect(joined(out)).toBe(ANTHROPIC.join(''))
    const target = Buffer.from(ANTHROPIC[3] as string)
    const split = target.indexOf(0xc3) + 1
    expect(out[3]?.equals(target.subarray(0, split))).toBe(true)
    expect(out[4]?.equals(target.subarray(split))).toBe(true)
    expect(h.log[h.log.indexOf(`chunk ${split}`) + 1]).toBe('sleep 30')
  })

  it('garbage-bytes is seeded and never contains CR or LF', () => {
    const a = garbageFrame(4096, createRandom(5).next)
    const b = garbageFrame(4096, createRandom(5).next)
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    const noise = a.subarray(0, 4096)
    expect(noise.includes(0x0a) || noise.includes(0x0d)).toBe(false)
    expect(new Set(noise).size).toBe(254)
    expect(Buffer.from(a.subarray(4096)).toString()).toBe('\n\n')
  })

  it('duplicate-event, and at_event', async () => {
    const out = await runPipe(variant('duplicate-event', { at_event: 4 }), [ANTHROPIC.join('')], harness())
    expect(joined(out)).toBe([...ANTHROPIC.slice(0, 5), ANTHROPIC[4], ...ANTHROPIC.slice(5)].join(''))
  })

  it('drop-usage removes a usage field riding on a chunk with choices', () => {
    const frame = parseFrame(Buffer.from('data: {"choices":[{"delta":{}}],"usage":{"total_tokens":3}}\n\n'))
    expect(Buffer.from(dropUsage(frame) ?? new Uint8Array()).toString()).toBe('data: {"choices":[{"delta":{}}]}\n\n')
    expect(dropUsage(parseFrame(Buffer.from(OPENAI.at(-2) as string)))).toBeUndefined()
    const untouched = Buffer.from(OPENAI[1] as string)
    expect(dropUsage(parseFrame(untouched))).toBe(untouched)
  })

  it('every variant stops altering once interrupted', async () => {
    for (const name of ['broken-json', 'garbage-bytes', 'split-utf8', 'duplicate-event', 'drop-usage']) {
      const h = harness()
      ;(h.context as { interrupted: boolean }).interrupted = true
      expect(joined(await runPipe(variant(name), OPENAI, h))).toBe(OPENAI.join(''))
    }
  })
})

describe('proxy helpers', () => {
  const info = (path: string, model?: string, headers: Record<string, string> = {}): RequestInfo => ({ method: 'POST', path, headers, model, stream: undefined, sequence: 0, key: '#0' })

  it('matches paths (query ignored), models and headers with * wildcards', () => {
    const matches = compileMatch({ path: '/v1/*', model: 'gpt-4o*', header: { 'X-Tenant': 'b*' } })
    expect(matches(info('/v1/chat/completions?x=1', 'gpt-4o-mini', { 'x-tenant': 'blue' }))).toBe(true)
    expect(matches(info('/v2/chat/completions', 'gpt-4o-mini', { 'x-tenant': 'blue' }))).toBe(false)
    expect(matches(info('/v1/chat/completions', undefined, { 'x-tenant': 'blue' }))).toBe(false)
    expect(matches(info('/v1/chat/completions', 'gpt-4o-mini', {}))).toBe(false)
    expect(compileMatch({ model: 'a.b' })(info('/', 'axb'))).toBe(false)
    expect(compileMatch(undefined)(info('/'))).toBe(true)
  })

  it('detects the protocol from path, headers or body', () => {
    expect(detectProtocol('/v1/messages', {}, undefined)).toBe('anthropic')
    expect(detectProtocol('/openai/deployments/x/chat/completions?api-version=1', {}, undefined)).toBe('openai')
    expect(detectProtocol('/custom', { 'anthropic-version': '2023-06-01' }, undefined)).toBe('anthropic')
    expect(detectProtocol('/custom', {}, true)).toBe('anthropic')
    expect(detectProtocol('/custom', {}, false)).toBe('unknown')
  })

  it('sleepUnlessInterrupted: true when elapsed, false on interrupt, rejects when the exchange ends', async () => {
    const clock: Clock = { now: () => 0, wallNow: () => 0, sleep: (ms, signal) => new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms)
      signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(signal.reason)
      })
    }) }
    const exchange = new AbortController()
    const interrupt = new AbortController()
    expect(await sleepUnlessInterrupted(clock, 5, exchange.signal, interrupt.signal)).toBe(true)
    const interrupted = sleepUnlessInterrupted(clock, Number.POSITIVE_INFINITY, exchange.signal, interrupt.signal)
    interrupt.abort()
    expect(await interrupted).toBe(false)
    expect(await sleepUnlessInterrupted(clock, 1000, exchange.signal, interrupt.signal)).toBe(false)
    const ended = sleepUnlessInterrupted(clock, 1000, exchange.signal, new AbortController().signal)
    exchange.abort(new Error('gone'))
    await expect(ended).rejects.toThrow('gone')
  })
})
