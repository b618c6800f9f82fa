// What a plausible list price is, and the check that drops an implausible source or field (a 10^5
// slip, a unit error in the output/input ratio, a cache or long-context price out of line).
import { roundPrice, SOURCE_LABEL, type Candidate } from './price-candidates.js'

/**
 * Plausible list prices, USD per million tokens. LiteLLM's wandb/* rows are off by 10^5
 * (input $135,000/M); the most expensive real rows are o1-pro ($150 in / $600 out).
 */
export const PRICE_BOUNDS = {
  minUsdPerMTok: 0.001,
  maxInputUsdPerMTok: 200,
  maxOutputUsdPerMTok: 1000,
  /** output / input: real models sit between 0.5 and 12; a row outside [0.2, 25] has a unit slip. */
  minOutputToInputRatio: 0.2,
  maxOutputToInputRatio: 25,
  /** A long-context tier costs more than the base price, but never more than 4×. */
  maxTierToBaseRatio: 4,
  /** A cache write costs at most 3× a plain input token (Anthropic: 1.25×, 2× for 1 h). */
  maxCacheWriteToInputRatio: 3,
} as const

/** Drops what is implausible from a candidate; returns why the whole candidate is unusable, if it is. */
export function boundCheck(candidate: Candidate, rejected: string[]): string | undefined {
  const label = SOURCE_LABEL[candidate.source]
  const { input, output } = candidate
  const b = PRICE_BOUNDS
  if (input === undefined || output === undefined) return `${label}: no input or output price`
  if (input < b.minUsdPerMTok || input > b.maxInputUsdPerMTok) {
    return `${label}: input $${input}/M outside [${b.minUsdPerMTok}, ${b.maxInputUsdPerMTok}]`
  }
  if (output < b.minUsdPerMTok || output > b.maxOutputUsdPerMTok) {
    return `${label}: output $${output}/M outside [${b.minUsdPerMTok}, ${b.maxOutputUsdPerMTok}]`
  }
  const ratio = output / input
  if (ratio < b.minOutputToInputRatio || ratio > b.maxOutputToInputRatio) {
    return `${label}: output/input ratio ${roundPrice(ratio)} outside [${b.minOutputToInputRatio}, ${b.maxOutputToInputRatio}] ($${input} in, $${output} out)`
  }
  if (candidate.cached !== undefined && candidate.cached > input) {
    rejected.push(`${label}: cached input $${candidate.cached}/M above input $${input}/M, dropped`)
    delete candidate.cached
  }
  if (candidate.cacheWrite !== undefined && (candidate.cacheWrite < input || candidate.cacheWrite > input * b.maxCacheWriteToInputRatio)) {
    rejected.push(`${label}: cache write $${candidate.cacheWrite}/M not within [1, ${b.maxCacheWriteToInputRatio}]× input, dropped`)
    delete candidate.cacheWrite
  }
  if (candidate.reasoning !== undefined) {
    if (candidate.reasoning === output) delete candidate.reasoning
    else if (candidate.reasoning < b.minUsdPerMTok || candidate.reasoning > b.maxOutputUsdPerMTok) {
      rejected.push(`${label}: reasoning $${candidate.reasoning}/M out of bounds, dropped`)
      delete candidate.reasoning
    }
  }
  const tier = candidate.longContext
  if (tier !== undefined) {
    const within = (value: number | undefined, base: number | undefined): boolean =>
      value === undefined || base === undefined || (value >= base && value <= base * b.maxTierToBaseRatio)
    if (tier.input === undefined || tier.output === undefined || !within(tier.input, input) || !within(tier.output, output)) {
      rejected.push(
        `${label}: long-context tier above ${tier.aboveInputTokens} (in $${tier.input}/M, out $${tier.output}/M) not within [1, ${b.maxTierToBaseRatio}]× base, dropped`,
      )
      delete candidate.longContext
    } else {
      if (!within(tier.cached, candidate.cached)) delete tier.cached
      if (!within(tier.cacheWrite, candidate.cacheWrite)) delete tier.cacheWrite
    }
  }
  return undefined
}
