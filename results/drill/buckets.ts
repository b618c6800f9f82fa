// Time buckets as the band judges them: from the summary's time series or from a series of the drill's own, sized for its rate.
import type { TimeSeries } from '../accumulate/timeseries.js'
import type { TimeBucket } from '../summary.js'

/** Logical requests of a bucket that reached the endpoint. */
export function bucketSent(bucket: TimeBucket): number {
  return bucket.scheduled - bucket.dropped - bucket.lost_demand - (bucket.byOutcome['budget-stopped'] ?? 0)
}

/** A time bucket as the band judges it: requests sent by when they were due, and how they ended. */
export interface DrillBucket {
  /** Bucket start, ms of run time (by scheduled time). */
  t: number
  sent: number
  ok: number
  errors: number
  abandoned: number
  /** Over the bucket's completed requests; null when none completed. */
  ttft_p95: number | null
  e2e_p95: number | null
}

export function drillBucketsOf(buckets: readonly TimeBucket[]): DrillBucket[] {
  return buckets.map((bucket) => ({ t: bucket.t, sent: bucketSent(bucket), ok: bucket.ok, errors: bucket.errors, abandoned: bucket.abandoned, ttft_p95: bucket.ttft_p95, e2e_p95: bucket.e2e_p95 }))
}

/**
 * Rows of `widthMs` from a time series the drill fed with its own requests (the same accumulator
 * as the summary's, so counts and percentiles follow one rule), covering at least `endMs`.
 */
export function drillBucketsFrom(series: TimeSeries, widthMs: number, endMs: number): DrillBucket[] {
  return drillBucketsOf(series.rows(widthMs, endMs))
}

/**
 * Bucket width for judging: whole seconds, at least `minMs`, wide enough that a bucket holds
 * about `perBucket` requests at the expected rate (a 1-second bucket of a quiet weekend holds none),
 * in whole multiples of `stepMs` (the width of the series the rows are made from).
 */
export function chooseBucketMs(expectedRatePerSecond: number, minMs: number, perBucket = 8, stepMs = 1_000): number {
  const wanted = expectedRatePerSecond > 0 ? (perBucket / expectedRatePerSecond) * 1000 : minMs
  return Math.ceil(Math.max(minMs, wanted, 1) / stepMs) * stepMs
}
