// mutateTraffic: the seeded decision per request, the mutated share against the rate, kinds
// drawn evenly, determinism, and option errors.
import { describe, expect, it } from 'vitest'
import type { TrafficRequest } from '../../../core/traffic-types.js'
import { countMessageTokens } from '../../../chaos/inputs/messages.js'
import { createTrafficMutator, mutateTraffic } from '../../../chaos/inputs/mutate.js'
import { INPUT_KINDS } from '../../../chaos/inputs/registry.js'
import { malformedKinds } from '../../../chaos/inputs/classify.js'

const LIGHT_KINDS = INPUT_KINDS.filter((kind) => !['context-overflow', 'oversized-json', 'dirty-table'].includes(kind))

function makeRequests(count: number): TrafficRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const messages = [{ role: 'user' as const, content: `Request ${i}: please check invoice ${1000 + i} against the March statement.` }]
    return { id: `r-${i}`, offsetMs: i * 10, userId: `u-${i % 7}`, task: 'qa', messages, inputTokens: countMessageTokens(messages, 'o200k_base'), maxOutputTokens: 128 }
  })
}

async function collect(requests: AsyncIterable<TrafficRequest>): Promise<TrafficRequest[]> {
  const out: TrafficRequest[] = []
  for await (const request of requests) out.push(request)
  return out
}

async function* stream(requests: readonly TrafficRequest[]): AsyncIterable<TrafficRequest> {
  yield* requests
}

describe('mutateTraffic', () => {
  const requests = makeRequests(4_000)

  it('mutates a share of requests close to the rate, with kinds drawn evenly', async () => {
    for (const rate of [0.05, 0.3]) {
      const out = await collect(mutateTraffic(stream(requests), { rate, seed: 42, kinds: LIGHT_KINDS }))
      expect(out).toHaveLength(requests.length)
      const mutated = out.filter((request) => malformedKinds(request.tags).length > 0)
      // Binomial: 4 standard deviations either side.
      const sigma = Math.sqrt((rate * (1 - rate)) / requests.length)
      expect(Math.abs(mutated.length / requests.length - rate)).toBeLessThan(4 * sigma)
      if (rate === 0.3) {
        const perKind = new Map<string, number>()
        for (const request of mutated) for (const kind of malformedKinds(request.tags)) perKind.set(kind, (perKind.get(kind) ?? 0) + 1)
        expect([...perKind.keys()].sort()).toEqual([...LIGHT_KINDS].sort())
        const expected = mutated.length / LIGHT_KINDS.length
        for (const count of perKind.values()) expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected))
      }
      // Untouched requests are passed through as they were.
      const clean = out.filter((request) => malformedKinds(request.tags).length === 0)
      for (const request of clean.slice(0, 50)) expect(request).toEqual(requests[Number(request.id.slice(2))])
    }
  })

  it('mutates nothing at rate 0 and everything at rate 1', async () => {
    const few = requests.slice(0, 200)
    const none = await collect(mutateTraffic(stream(few), { rate: 0, seed: 1 }))
    expect(none).toEqual(few)
    const all = await collect(mutateTraffic(stream(few), { rate: 1, seed: 1, kinds: ['typos', 'bom'] }))
    expect(all.every((request) => malformedKinds(request.tags).length === 1)).toBe(true)
  })

  it('is deterministic for a seed, differs across seeds, and decides per request', async () => {
    const few = requests.slice(0, 300)
    const options = { rate: 0.5, seed: 7, kinds: LIGHT_KINDS }
    const first = await collect(mutateTraffic(stream(few), options))
    const second = await collect(mutateTraffic(stream(structuredClone(few)), options))
    expect(second).toEqual(first)
    const other = await collect(mutateTraffic(stream(few), { ...options, seed: 8 }))
    expect(other).not.toEqual(first)
    // A request's fate depends on its id and the seed only: a segment mutates the same.
    const odd = await collect(mutateTraffic(stream(few.filter((_, i) => i % 2 === 1)), options))
    expect(odd).toEqual(first.filter((_, i) => i % 2 === 1))
  })

  it('applies several kinds per request when asked, empty-prompt always alone', () => {
    const mutate = createTrafficMutator({ rate: 1, seed: 3, kindsPerRequest: 3, kinds: LIGHT_KINDS })
    let alone = 0
    for (const request of requests.slice(0, 300)) {
      const out = mutate(request)
      const kinds = malformedKinds(out.tags)
      if (kinds.includes('empty-prompt')) {
        expect(kinds).toEqual(['empty-prompt'])
        alone++
      } else {
        expect(new Set(kinds).size).toBe(3)
        // Applied in registry order, each tagged once.
        expect(kinds).toEqual(INPUT_KINDS.filter((kind) => kinds.includes(kind)))
      }
      expect(out.inputTokens).toBe(countMessageTokens(out.messages!, 'o200k_base'))
    }
    expect(alone).toBeGreaterThan(0)
  })

  it('counts inputTokens in the traffic encoding', () => {
    const mutate = createTrafficMutator({ rate: 1, seed: 3, kinds: ['naughty-strings'], encoding: 'cl100k_base' })
    const out = mutate(requests[0]!)
    expect(out.inputTokens).toBe(countMessageTokens(out.messages!, 'cl100k_base'))
  })

  it('rejects unknown kinds up front, listing the known ones', () => {
    const call = (): unknown => mutateTraffic(stream([]), { rate: 0.1, seed: 1, kinds: ['typos', 'gremlins'] })
    expect(call).toThrow(expect.objectContaining({ name: 'UserError', code: 'USAGE_INVALID' }))
    expect(call).toThrow(/unknown input kind "gremlins".*typos, .*empty-prompt/u)
    expect(() => mutateTraffic(stream([]), { rate: 0.1, seed: 1, kinds: [' ', ''] })).toThrow(/at least one input kind/u)
  })

  it.each([
    [{ rate: 1.5, seed: 1 }, /--rate/u],
    [{ rate: Number.NaN, seed: 1 }, /--rate/u],
    [{ rate: 0.1, seed: -1 }, /--seed/u],
    [{ rate: 0.1, seed: 1.5 }, /--seed/u],
    [{ rate: 0.1, seed: 1, kindsPerRequest: 0 }, /--kinds-per-request/u],
    [{ rate: 0.1, seed: 1, contextTokens: -5 }, /--context-tokens/u],
    [{ rate: 0.1, seed: 1, oversizedBytes: 0.5 }, /--oversized-bytes/u],
  ])('rejects bad options %j', (options, message) => {
    expect(() => mutateTraffic(stream([]), options)).toThrow(message)
    expect(() => mutateTraffic(stream([]), options)).toThrow(expect.objectContaining({ code: 'USAGE_INVALID' }))
  })
})
