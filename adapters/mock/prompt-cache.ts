// How each protocol reads and writes the mock's prefix cache (prefix-cache.ts), and its settings.
//
//   OpenAI (automatic):  cached = longest cached run of leading blocks; then every block is inserted
//   Anthropic (marked):  read  = longest cached run of leading blocks, up to the last breakpoint
//                        write = the rest up to the last breakpoint (inserted); no breakpoint: nothing
//   a prompt (Anthropic: the part up to the last breakpoint) under minTokens is neither read nor written
import { chainBlocks, createPrefixCache, type PrefixCache } from './prefix-cache.js'
import type { PromptBlock } from './protocol.js'
import type { MockProfile, MockProtocol } from './types.js'

export interface PrefixCacheSettings {
  capacityTokens: number
  minTokens: number
  cachedPrefillFactor: number
}

/** Every profile's cache unless it says otherwise: OpenAI's 1024-token minimum, reads at 10% prefill cost. */
export const DEFAULT_PREFIX_CACHE: PrefixCacheSettings = { capacityTokens: 2_000_000, minTokens: 1024, cachedPrefillFactor: 0.1 }

/** One server's cache with its settings; undefined when the profile turns it off. */
export interface MockPrefixCacheState {
  cache: PrefixCache
  settings: PrefixCacheSettings
}

export function createMockPrefixCache(profile: Pick<MockProfile, 'prefixCache'>): MockPrefixCacheState | undefined {
  if (profile.prefixCache === false) return undefined
  const settings: PrefixCacheSettings = { ...DEFAULT_PREFIX_CACHE }
  const given = profile.prefixCache ?? {}
  if (given.capacityTokens !== undefined) settings.capacityTokens = given.capacityTokens
  if (given.minTokens !== undefined) settings.minTokens = given.minTokens
  if (given.cachedPrefillFactor !== undefined) settings.cachedPrefillFactor = given.cachedPrefillFactor
  return { cache: createPrefixCache(settings.capacityTokens), settings }
}

/** Tokens read from the cache and written to it; both are part of the prompt's input tokens. */
export interface CacheUse {
  cachedInputTokens: number
  cacheWriteInputTokens: number
}

const NO_USE: CacheUse = { cachedInputTokens: 0, cacheWriteInputTokens: 0 }

/** Looks the prompt up and stores it, as the protocol does; `blockTokens[i]` is block i's input tokens. */
export function usePrefixCache(
  state: MockPrefixCacheState | undefined,
  protocol: MockProtocol,
  model: string,
  blocks: readonly PromptBlock[],
  blockTokens: readonly number[],
): CacheUse {
  if (state === undefined) return NO_USE
  let end = blocks.length
  if (protocol === 'anthropic') {
    end = blocks.findLastIndex((block) => block.breakpoint) + 1
    if (end === 0) return NO_USE
  }
  let prefixTokens = 0
  for (let i = 0; i < end; i++) prefixTokens += blockTokens[i] ?? 0
  if (prefixTokens < state.settings.minTokens || prefixTokens === 0) return NO_USE
  const chain = chainBlocks(blocks.slice(0, end), blockTokens)
  const read = state.cache.match(model, chain).tokens
  state.cache.insert(model, chain)
  return protocol === 'anthropic' ? { cachedInputTokens: read, cacheWriteInputTokens: prefixTokens - read } : { cachedInputTokens: read, cacheWriteInputTokens: 0 }
}

/** Prompt tokens the prefill pays for: cached ones cost `cachedPrefillFactor` of an uncached one. */
export function prefillTokensOf(state: MockPrefixCacheState | undefined, inputTokens: number, cachedInputTokens: number): number {
  if (state === undefined || cachedInputTokens === 0) return inputTokens
  return inputTokens - cachedInputTokens + state.settings.cachedPrefillFactor * cachedInputTokens
}
