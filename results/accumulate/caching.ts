// Samples -> the summary's `caching` section: tokens read from and written to the prompt cache,
// and what the same attempts would have cost uncached. Pure, no I/O.
import { round } from '../../core/format.js'
import type { CachingSummary } from '../conversations/types.js'
import type { Sample } from '../types.js'
import { addSpend, usd, type SpendTotal } from './group.js'

export interface CachingAccumulator {
  add(sample: Sample): void
  /** Undefined when no attempt reported cache tokens. */
  summary(): CachingSummary | undefined
}

export function createCachingAccumulator(): CachingAccumulator {
  const cache = { input: 0, cached: 0, written: 0, reported: false }
  const spend: SpendTotal = { usd: 0, unknown: false }
  const uncached: SpendTotal = { usd: 0, unknown: false }
  return {
    add(sample) {
      if (sample.inputTokens === undefined && sample.outputTokens === undefined) return
      cache.input += sample.inputTokens ?? 0
      cache.cached += sample.cachedInputTokens ?? 0
      cache.written += sample.cacheWriteInputTokens ?? 0
      if ((sample.cachedInputTokens ?? 0) > 0 || (sample.cacheWriteInputTokens ?? 0) > 0) cache.reported = true
      addSpend(spend, sample.spendUsd)
      addSpend(uncached, sample.uncachedSpendUsd === undefined ? sample.spendUsd : sample.uncachedSpendUsd)
    },
    summary() {
      if (!cache.reported) return undefined
      const spent = usd(spend)
      const without = usd(uncached)
      const saving = spent === 'unknown' || without === 'unknown' ? 'unknown' : round(without - spent, 9)
      return {
        input_tokens: cache.input,
        cached_input_tokens: cache.cached,
        cache_write_tokens: cache.written,
        cached_share: cache.input === 0 ? 0 : round(cache.cached / cache.input, 6),
        spend_usd: spent,
        uncached_spend_usd: without,
        saving_usd: saving,
        saving_share: saving === 'unknown' || without === 'unknown' || without === 0 ? null : round(saving / without, 6),
      }
    },
  }
}
