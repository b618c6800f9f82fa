// Exact nearest-rank percentiles of a target's raw values, for the report's charts.
import { percentileOfSorted } from '../bootstrap.js'

export type DistributionKey = 'min' | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max'
export type Distribution = Record<DistributionKey, number | null> & { count: number }

/** Nearest-rank percentiles of raw values (null when there are none). */
export function distributionOf(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, min: null, p50: null, p90: null, p95: null, p99: null, p999: null, max: null }
  const sorted = Float64Array.from(values).sort()
  const at = (p: number): number => percentileOfSorted(sorted, p)
  return {
    count: sorted.length,
    min: sorted[0] as number,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: sorted[sorted.length - 1] as number,
  }
}
