// The one percentile rule every figure uses (as HDR histograms read them): nearest rank.

/**
 * Nearest-rank percentile of ascending values: the smallest value with at least p % of the values
 * at or below it, the value at rank ceil(p/100 × n) clamped to [1, n]. p in [0, 100]; null when
 * there are no values (callers say what an empty set shows: '–', 0 or NaN).
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length
  if (n === 0) return null
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)))
  return sorted[rank - 1] as number
}

/** Ascending copy of `values` (numeric order, not the default string order). */
export function sortedNumbers(values: Iterable<number>): Float64Array {
  return Float64Array.from(values).sort()
}
