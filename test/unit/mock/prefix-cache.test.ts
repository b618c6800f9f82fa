// The mock's prefix cache without sockets: chain keys, LRU eviction (tail first), each protocol's
// read/write rule, the minimum, and the prefill discount on a virtual clock.
import { describe, expect, it } from 'vitest'
import { chainBlocks, createPrefixCache } from '../../../adapters/mock/prefix-cache.js'
import { createMockPrefixCache, DEFAULT_PREFIX_CACHE, prefillTokensOf, usePrefixCache } from '../../../adapters/mock/prompt-cache.js'
import { resolveMockProfile, getMockProfile } from '../../../adapters/mock/profiles.js'
import type { PromptBlock } from '../../../adapters/mock/protocol.js'
import { createMockScheduler } from '../../../adapters/mock/scheduler.js'
import { createVirtualTimer } from '../../helpers/virtual-time.js'

const block = (text: string, breakpoint = false, identity = 'user'): PromptBlock => ({ identity, parts: [text], breakpoint })

describe('prefix cache store', () => {
  const blocks = [block('S', false, 'system'), block('D'), block('Q1')]
  const tokens = [300, 1000, 200]

  it('a block hits only when everything before it is identical', () => {
    const cache = createPrefixCache(1_000_000)
    cache.insert('m', chainBlocks(blocks, tokens))
    expect(cache.match('m', chainBlocks(blocks, tokens))).toEqual({ blocks: 3, tokens: 1500 })
    expect(cache.match('m', chainBlocks([block('S', false, 'system'), block('D'), block('Q2')], tokens))).toEqual({ blocks: 2, tokens: 1300 })
    // Same text, other role: another block. Other model: another cache.
    expect(cache.match('m', chainBlocks([block('S', false, 'user')], tokens))).toEqual({ blocks: 0, tokens: 0 })
    expect(cache.match('other', chainBlocks(blocks, tokens))).toEqual({ blocks: 0, tokens: 0 })
    // A changed head misses everything after it, even identical later blocks.
    expect(cache.match('m', chainBlocks([block('S2', false, 'system'), block('D'), block('Q1')], tokens)).tokens).toBe(0)
  })

  it('evicts least recent first, and within a prompt its tail first, so what stays is a prefix', () => {
    const cache = createPrefixCache(1299)
    cache.insert('m', chainBlocks(blocks, tokens))
    // Q1 (200) then D (1000) go: 300 left.
    expect(cache.match('m', chainBlocks(blocks, tokens))).toEqual({ blocks: 1, tokens: 300 })
    const roomy = createPrefixCache(1300)
    roomy.insert('m', chainBlocks(blocks, tokens))
    expect(roomy.match('m', chainBlocks(blocks, tokens))).toEqual({ blocks: 2, tokens: 1300 })
    // A newer prompt pushes the older one's blocks out.
    roomy.insert('m', chainBlocks([block('X', false, 'system')], [1000]))
    expect(roomy.match('m', chainBlocks(blocks, tokens))).toEqual({ blocks: 1, tokens: 300 })
  })
})

describe('protocol rules', () => {
  const state = () => createMockPrefixCache({})
  const tokens = [600, 1500, 20, 30, 25]

  it('defaults: on, 2M tokens, 1024 minimum, prefill factor 0.1; false turns it off', () => {
    expect(state()?.settings).toEqual({ capacityTokens: 2_000_000, minTokens: 1024, cachedPrefillFactor: 0.1 })
    expect(DEFAULT_PREFIX_CACHE).toEqual({ capacityTokens: 2_000_000, minTokens: 1024, cachedPrefillFactor: 0.1 })
    expect(createMockPrefixCache({ prefixCache: { minTokens: 0 } })?.settings).toEqual({ ...DEFAULT_PREFIX_CACHE, minTokens: 0 })
    expect(createMockPrefixCache({ prefixCache: false })).toBeUndefined()
    expect(usePrefixCache(undefined, 'openai', 'm', [block('a')], [5000])).toEqual({ cachedInputTokens: 0, cacheWriteInputTokens: 0 })
  })

  it('openai: cached = the longest cached leading run; every block is stored', () => {
    const cache = state()
    const first = [block('S', false, 'system'), block('D'), block('Q1')]
    const second = [...first, block('A1', false, 'assistant'), block('Q2')]
    expect(usePrefixCache(cache, 'openai', 'm', first, tokens)).toEqual({ cachedInputTokens: 0, cacheWriteInputTokens: 0 })
    expect(usePrefixCache(cache, 'openai', 'm', second, tokens)).toEqual({ cachedInputTokens: 2120, cacheWriteInputTokens: 0 })
    expect(usePrefixCache(cache, 'openai', 'm', second, tokens)).toEqual({ cachedInputTokens: 2175, cacheWriteInputTokens: 0 })
  })

  it('anthropic: read up to the last breakpoint, write the rest of it; no breakpoint, no caching', () => {
    const cache = state()
    const first = [block('S', true, 'system'), block('D', true), block('Q1')]
    const second = [block('S', true, 'system'), block('D', true), block('Q1'), block('A1', false, 'assistant'), block('Q2', true)]
    expect(usePrefixCache(cache, 'anthropic', 'm', first, tokens)).toEqual({ cachedInputTokens: 0, cacheWriteInputTokens: 2100 })
    // Q1 was past the last breakpoint: not stored.
    expect(usePrefixCache(cache, 'anthropic', 'm', second, tokens)).toEqual({ cachedInputTokens: 2100, cacheWriteInputTokens: 75 })
    expect(usePrefixCache(cache, 'anthropic', 'm', second, tokens)).toEqual({ cachedInputTokens: 2175, cacheWriteInputTokens: 0 })
    const unmarked = second.map((entry) => ({ ...entry, breakpoint: false }))
    expect(usePrefixCache(cache, 'anthropic', 'm', unmarked, tokens)).toEqual({ cachedInputTokens: 0, cacheWriteInputTokens: 0 })
  })

  it('below minTokens nothing is read or written (Anthropic: the part up to the last breakpoint)', () => {
    const cache = state()
    const small = [block('S', false, 'system'), block('Q')]
    for (let i = 0; i < 2; i++) expect(usePrefixCache(cache, 'openai', 'm', small, [1000, 23])).toEqual({ cachedInputTokens: 0, cacheWriteInputTokens: 0 })
    const marked = [block('S', true, 'system'), block('Q')]
    expect(usePrefixCache(cache, 'anthropic', 'm', marked, [1000, 5000])).toEqual({ cachedInputTokens: 0, cacheWriteInputTokens: 0 })
    const any = createMockPrefixCache({ prefixCache: { minTokens: 0 } })
    usePrefixCache(any, 'openai', 'm', small, [10, 3])
    expect(usePrefixCache(any, 'openai', 'm', small, [10, 3])).toEqual({ cachedInputTokens: 13, cacheWriteInputTokens: 0 })
  })

  it('profiles accept prefixCache settings and false, and reject bad ones', () => {
    const base = getMockProfile('fast')
    expect(resolveMockProfile({ ...base, prefixCache: false }).prefixCache).toBe(false)
    expect(resolveMockProfile({ ...base, prefixCache: { minTokens: 0, capacityTokens: 10 } }).prefixCache).toEqual({ minTokens: 0, capacityTokens: 10 })
    expect(() => resolveMockProfile({ ...base, prefixCache: { cachedPrefillFactor: 2, ttl: 5 } as never })).toThrow(/prefixCache\.cachedPrefillFactor.*prefixCache/)
  })
})

describe('prefill of cached tokens', () => {
  it('charges uncached + cachedPrefillFactor × cached', () => {
    const state = createMockPrefixCache({})
    expect(prefillTokensOf(state, 10_000, 8_000)).toBeCloseTo(2_000 + 800, 9)
    expect(prefillTokensOf(state, 10_000, 0)).toBe(10_000)
    expect(prefillTokensOf(undefined, 10_000, 8_000)).toBe(10_000)
  })

  it('shortens TTFT in the serving simulator by exactly the discounted prefill', () => {
    const ttftOf = (prefillTokens: number | undefined): number => {
      const timer = createVirtualTimer()
      const timing = { overheadMs: 0, overheadJitter: 0, prefillMsPerToken: 0.02, maxPrefillTokensPerStep: 1_000_000, decodeBaseMs: 11, decodeMsPerSequence: 0 }
      const scheduler = createMockScheduler({ profile: { capacity: 4, maxQueue: 4, timing }, timer })
      let firstAt = -1
      scheduler.submit({
        inputTokens: 10_000,
        ...(prefillTokens === undefined ? {} : { prefillTokens }),
        outputTokens: 1,
        timing: { kind: 'simulated' },
        callbacks: { onStart: () => undefined, onToken: () => void (firstAt = timer.now()), onEnd: () => undefined, onReject: () => undefined },
      })
      timer.run()
      return firstAt
    }
    // One step: decodeBaseMs + prefillMsPerToken × prefill tokens.
    expect(ttftOf(undefined)).toBeCloseTo(11 + 0.02 * 10_000, 6)
    expect(ttftOf(2_800)).toBeCloseTo(11 + 0.02 * 2_800, 6)
  })
})
