// The flag form of a fixed shape (--rate/--concurrency, --duration/--requests, --input-tokens,
// --output-tokens, spreads): the same TrafficShape as --shape, one-line errors by flag, and
// seeded uniform spreads whose quantiles sit where ±S puts them.
import { describe, expect, it } from 'vitest'
import { countMessageTokens } from '../../../chaos/inputs/messages.js'
import { GauntletError } from '../../../core/errors.js'
import { expandMessages } from '../../../load/traffic.js'
import { describeShape, parseShape, shapeRequests } from '../../../load/workload/shape.js'
import { shapeFromFlags, type ShapeFlagValues } from '../../../load/workload/shape-flags.js'
import { headerSchedule, shapeHeader } from '../../../load/workload/shape-header.js'

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

describe('shape flags -> the shape --shape gives', () => {
  it.each<[ShapeFlagValues, string]>([
    [{ rate: '50', duration: '10s', inputTokens: '512', outputTokens: '128' }, 'rate=50,input=512,output=128,duration=10s'],
    [{ rate: '20', requests: '40', inputTokens: '100', outputTokens: '10', arrivals: 'poisson', users: '8' }, 'rate=20,input=100,output=10,requests=40,arrivals=poisson,users=8'],
    [{ rate: '2.5', duration: '1m', inputTokens: '64', outputTokens: '8', inputSpread: '0.2', outputSpread: '0.5' }, 'rate=2.5,input=64,output=8,duration=1m,input-spread=0.2,output-spread=0.5'],
  ])('%o equals --shape %s, and generates the same lines', (flags, spec) => {
    const shape = shapeFromFlags(flags)
    expect(shape).toEqual(parseShape(spec))
    expect(describeShape(shape)).toBe(describeShape(parseShape(spec)))
    expect([...shapeRequests(shape, 5)]).toEqual([...shapeRequests(parseShape(spec), 5)])
  })

  it('maps --concurrency C --requests N to a closed-loop shape: N requests, every offset 0', () => {
    const shape = shapeFromFlags({ concurrency: '4', requests: '20', inputTokens: '64', outputTokens: '8' })
    expect(shape).toMatchObject({ concurrency: 4, requests: 20, ratePerSecond: 0 })
    const requests = [...shapeRequests(shape, 1)]
    expect(requests).toHaveLength(20)
    expect(new Set(requests.map((request) => request.offsetMs))).toEqual(new Set([0]))
    expect(describeShape(shape)).toBe('shape:concurrency=4,input=64,output=8,requests=20')
  })

  it('writes the closed schedule into the header, and reads it back checked', () => {
    const header = { ...shapeHeader(shapeFromFlags({ concurrency: '4', requests: '20', inputTokens: '64', outputTokens: '8' }), 1, undefined), requestCount: 20, spanMs: 0 }
    expect(header.source).toBe('shape:concurrency=4,input=64,output=8,requests=20')
    expect(headerSchedule(header, 'c.jsonl')).toEqual({ type: 'closed', users: 4, thinkTimeMs: 0 })
    const open = { ...shapeHeader(shapeFromFlags({ rate: '5', requests: '5', inputTokens: '64', outputTokens: '8' }), 1, undefined), requestCount: 5, spanMs: 800 }
    expect(headerSchedule(open, 'o.jsonl')).toBeUndefined()
    expect(() => headerSchedule({ ...open, parameters: { schedule: { type: 'closed', users: 0 } } }, 'bad.jsonl')).toThrow(/bad\.jsonl header parameters\.schedule.*regenerate the file/)
  })

  it('gives exactly `requests` requests, Poisson arrivals included', () => {
    expect([...shapeRequests(shapeFromFlags({ rate: '3', requests: '10', inputTokens: '32', outputTokens: '4' }), 1)]).toHaveLength(10)
    expect([...shapeRequests(shapeFromFlags({ rate: '3', requests: '10', inputTokens: '32', outputTokens: '4', arrivals: 'poisson' }), 9)]).toHaveLength(10)
  })
})

describe('shape flag errors', () => {
  const sizes = { inputTokens: '64', outputTokens: '8' }
  it.each<[ShapeFlagValues, RegExp]>([
    [{ rate: '5', concurrency: '2', duration: '1s', ...sizes }, /^--rate and --concurrency both given: .*give one$/],
    [{ duration: '1s', ...sizes }, /^--duration, --input-tokens, --output-tokens given without --rate R or --concurrency C; e\.g\. --rate 50/],
    [{ rate: '5', ...sizes }, /^--rate needs --duration D or --requests N/],
    [{ concurrency: '2', ...sizes }, /^--concurrency needs --duration D or --requests N/],
    [{ rate: '5', duration: '1s', requests: '3', ...sizes }, /^--duration and --requests both given; give one/],
    [{ concurrency: '2', duration: '1s', ...sizes }, /^--concurrency sends a fixed count: give --requests N instead of --duration/],
    [{ concurrency: '2', requests: '4', arrivals: 'poisson', ...sizes }, /^--arrivals applies to --rate/],
    [{ rate: '5', duration: '1s', inputTokens: '64' }, /^--output-tokens missing: a fixed shape needs both sizes/],
    [{ rate: '0', duration: '1s', ...sizes }, /^--rate '0' must be a number > 0/],
    [{ rate: '5', duration: 'soon', ...sizes }, /^--duration 'soon' is not a duration; e\.g\. --duration 60s/],
    [{ rate: '5', duration: '1s', inputTokens: '8', outputTokens: '8' }, /^--input-tokens '8' must be a whole number ≥ 16/],
    [{ rate: '5', requests: '2.5', ...sizes }, /^--requests '2\.5' must be a whole number ≥ 1/],
    [{ rate: '5', duration: '1s', arrivals: 'bursty', ...sizes }, /^--arrivals 'bursty' is not constant or poisson/],
    [{ rate: '5', duration: '1s', inputSpread: '1.5', ...sizes }, /^--input-spread 1\.5: expected a relative spread from 0 to 0\.99/],
    [{ rate: '5', duration: '1s', outputSpread: '-0.1', ...sizes }, /^--output-spread -0\.1: expected a relative spread/],
  ])('%o', (flags, pattern) => {
    let error: unknown
    try {
      shapeFromFlags(flags)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(GauntletError)
    expect((error as GauntletError).code).toBe('USAGE_INVALID')
    expect((error as Error).message).toMatch(pattern)
    expect((error as Error).message.split('\n')).toHaveLength(1)
  })
})

describe('size spread', () => {
  const spread = shapeFromFlags({ rate: '100', requests: '4000', inputTokens: '512', outputTokens: '128', inputSpread: '0.2', outputSpread: '0.5' })

  it('is uniform within ±S: quantiles where the spread puts them, bounds kept', () => {
    const requests = [...shapeRequests(spread, 7)]
    const inputs = requests.map((request) => request.inputTokens).sort((a, b) => a - b)
    const outputs = requests.map((request) => request.maxOutputTokens).sort((a, b) => a - b)
    // Uniform on [410, 614]: the q-quantile is 410 + q × 205 (± a few tokens at n = 4000).
    for (const [q, expected] of [[0.1, 430.5], [0.5, 512.5], [0.9, 594.5]] as const) expect(Math.abs(quantile(inputs, q) - expected)).toBeLessThan(6)
    expect(inputs[0]).toBeGreaterThanOrEqual(410)
    expect(inputs.at(-1)).toBeLessThanOrEqual(614)
    // Uniform on [64, 192].
    for (const [q, expected] of [[0.1, 77], [0.5, 128.5], [0.9, 180]] as const) expect(Math.abs(quantile(outputs, q) - expected)).toBeLessThan(5)
    expect(requests.every((request) => request.targetOutputTokens === request.maxOutputTokens && request.prompt?.tokens === request.inputTokens)).toBe(true)
  })

  it('is the same for the same seed, different for another, and leaves the arrivals alone', () => {
    const a = [...shapeRequests(spread, 7)]
    expect([...shapeRequests(spread, 7)]).toEqual(a)
    expect([...shapeRequests(spread, 8)].map((request) => request.inputTokens)).not.toEqual(a.map((request) => request.inputTokens))
    const exact = [...shapeRequests({ ...spread, inputSpread: undefined, outputSpread: undefined }, 7)]
    expect(a.map((request) => request.offsetMs)).toEqual(exact.map((request) => request.offsetMs))
  })

  it('clamps at the floors: 16 input tokens (the shortest exact prompt), 1 output token', () => {
    const low = [...shapeRequests(shapeFromFlags({ rate: '100', requests: '500', inputTokens: '20', outputTokens: '2', inputSpread: '0.9', outputSpread: '0.9' }), 3)]
    expect(Math.min(...low.map((request) => request.inputTokens))).toBe(16)
    expect(Math.min(...low.map((request) => request.maxOutputTokens))).toBe(1)
  })

  it('expands every spread prompt to exactly its input tokens', () => {
    for (const request of [...shapeRequests(spread, 7)].slice(0, 8)) expect(countMessageTokens(expandMessages(request), 'o200k_base')).toBe(request.inputTokens)
  })
})
