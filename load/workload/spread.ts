// Token sizes spread around a target, as vLLM bench's `--random-range-ratio`: a whole number drawn
// uniformly from [N × (1 − S), N × (1 + S)], clamped to a floor. Uniform rather than lognormal so
// that S reads as a bound ("±20 %") and the mean stays N; the seeded stream makes it reproducible.
import type { Random } from '../../core/random.js'

/** Largest spread accepted: at 1 the low end would be 0 tokens. */
export const MAX_SPREAD = 0.99

/** One size around `target` (±`spread`, relative) from `random`; exactly `target` when spread is 0. */
export function spreadTokens(target: number, spread: number, random: Random, floor: number): number {
  if (spread === 0) return Math.max(floor, target)
  const low = Math.ceil(target * (1 - spread))
  const high = Math.floor(target * (1 + spread))
  return Math.max(floor, low + random.int(high - low + 1))
}
