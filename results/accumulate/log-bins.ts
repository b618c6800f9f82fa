// A compact, mergeable latency sketch for old time buckets: counts in logarithmic bins 0.1 % wide
// (sorted typed arrays), so a bucket's memory is bounded by its spread of values, not its count.
//
//   values (ms) ─► bin k = floor(ln(µs) / ln(1.001)) ─► (keys[], counts[]) ─► nearest rank p
//   read back as the bin's upper edge, kept within the exact min..max: at most 0.1 % above the
//   exact nearest-rank value, like the run's HDR histograms.

const RELATIVE_WIDTH = 0.001
const LOG_STEP = Math.log1p(RELATIVE_WIDTH)

export interface LogBins {
  /** Ascending bin numbers, `size` of them in use. */
  keys: Int32Array
  counts: Float64Array
  size: number
  total: number
  /** Exact, ms. */
  min: number
  max: number
}

function binOf(ms: number): number {
  const micros = Math.max(1, ms * 1000)
  return Math.floor(Math.log(micros) / LOG_STEP)
}

function upperEdgeMs(bin: number): number {
  return Math.exp((bin + 1) * LOG_STEP) / 1000
}

export function emptyLogBins(): LogBins {
  return { keys: new Int32Array(0), counts: new Float64Array(0), size: 0, total: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }
}

/** The sketch of a list of values (ms); the list is left alone. */
export function logBinsOf(values: readonly number[]): LogBins {
  const bins = Int32Array.from(values, binOf).sort()
  const keys = new Int32Array(bins.length)
  const counts = new Float64Array(bins.length)
  let size = 0
  for (const bin of bins) {
    if (size > 0 && keys[size - 1] === bin) counts[size - 1] = (counts[size - 1] as number) + 1
    else {
      keys[size] = bin
      counts[size] = 1
      size++
    }
  }
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const value of values) {
    if (value < min) min = value
    if (value > max) max = value
  }
  return { keys: keys.slice(0, size), counts: counts.slice(0, size), size, total: values.length, min, max }
}

/** Adds one value in place (a late answer for an old bucket: rare, so an insert is fine). */
export function addToLogBins(bins: LogBins, ms: number): void {
  const bin = binOf(ms)
  let low = 0
  let high = bins.size
  while (low < high) {
    const mid = (low + high) >>> 1
    if ((bins.keys[mid] as number) < bin) low = mid + 1
    else high = mid
  }
  if (low < bins.size && bins.keys[low] === bin) bins.counts[low] = (bins.counts[low] as number) + 1
  else {
    if (bins.size === bins.keys.length) {
      const capacity = Math.max(8, bins.size * 2)
      const keys = new Int32Array(capacity)
      const counts = new Float64Array(capacity)
      keys.set(bins.keys.subarray(0, bins.size))
      counts.set(bins.counts.subarray(0, bins.size))
      bins.keys = keys
      bins.counts = counts
    }
    bins.keys.copyWithin(low + 1, low, bins.size)
    bins.counts.copyWithin(low + 1, low, bins.size)
    bins.keys[low] = bin
    bins.counts[low] = 1
    bins.size++
  }
  bins.total++
  if (ms < bins.min) bins.min = ms
  if (ms > bins.max) bins.max = ms
}

/** A new sketch holding both: counts add exactly. */
export function mergeLogBins(a: LogBins, b: LogBins): LogBins {
  const keys = new Int32Array(a.size + b.size)
  const counts = new Float64Array(a.size + b.size)
  let i = 0
  let j = 0
  let size = 0
  while (i < a.size || j < b.size) {
    const ka = i < a.size ? (a.keys[i] as number) : Number.POSITIVE_INFINITY
    const kb = j < b.size ? (b.keys[j] as number) : Number.POSITIVE_INFINITY
    keys[size] = Math.min(ka, kb)
    counts[size] = (ka <= kb ? (a.counts[i++] as number) : 0) + (kb <= ka ? (b.counts[j++] as number) : 0)
    size++
  }
  return { keys: keys.slice(0, size), counts: counts.slice(0, size), size, total: a.total + b.total, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) }
}

/**
 * Nearest-rank percentiles (p in 0..100, ascending) in one pass: the upper edge of the bin holding
 * rank ceil(p/100 × n), kept within min..max. null for each when the sketch is empty.
 */
export function logBinsPercentiles(bins: LogBins, ps: readonly number[]): (number | null)[] {
  if (bins.total === 0) return ps.map(() => null)
  const out: (number | null)[] = []
  let index = 0
  let cumulative = 0
  for (const p of ps) {
    const rank = Math.min(bins.total, Math.max(1, Math.ceil((p / 100) * bins.total)))
    while (index < bins.size && cumulative + (bins.counts[index] as number) < rank) cumulative += bins.counts[index++] as number
    const edge = upperEdgeMs(bins.keys[Math.min(index, bins.size - 1)] as number)
    out.push(Math.min(bins.max, Math.max(bins.min, edge)))
  }
  return out
}
