// Time buckets as the band judges them: from the summary's time series or afresh from the drill's own samples.
import { ERROR_OUTCOMES, UNSENT_OUTCOMES } from '../outcomes.js'
import type { TimeBucket } from '../summary.js'
import type { Outcome } from '../types.js'
import { nearestRank } from '../../core/stats.js'

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

/** What the drill keeps of each logical request (its final attempt) to bucket it afresh. */
export interface DrillSample {
  scheduledAtMs: number
  outcome: string
  ttftMs?: number
  e2eMs?: number
}


/** Buckets of `bucketMs` from the requests themselves: exact counts, nearest-rank p95s. */
export function bucketDrillSamples(samples: readonly DrillSample[], bucketMs: number, endMs: number): DrillBucket[] {
  const count = Math.max(1, Math.ceil(endMs / bucketMs))
  const rows = Array.from({ length: count }, (_, i) => ({ t: i * bucketMs, sent: 0, ok: 0, errors: 0, abandoned: 0, ttft: [] as number[], e2e: [] as number[] }))
  for (const sample of samples) {
    const index = Math.max(0, Math.floor(sample.scheduledAtMs / bucketMs))
    while (rows.length <= index) rows.push({ t: rows.length * bucketMs, sent: 0, ok: 0, errors: 0, abandoned: 0, ttft: [], e2e: [] })
    const row = rows[index] as (typeof rows)[number]
    if (UNSENT_OUTCOMES.has(sample.outcome as Outcome)) continue
    row.sent++
    if (ERROR_OUTCOMES.has(sample.outcome as Outcome)) row.errors++
    else if (sample.outcome === 'abandoned') row.abandoned++
    else if (sample.outcome === 'ok') {
      row.ok++
      if (sample.ttftMs !== undefined) row.ttft.push(sample.ttftMs)
      if (sample.e2eMs !== undefined) row.e2e.push(sample.e2eMs)
    }
  }
  return rows.map((row) => ({
    t: row.t,
    sent: row.sent,
    ok: row.ok,
    errors: row.errors,
    abandoned: row.abandoned,
    ttft_p95: nearestRank(row.ttft.sort((a, b) => a - b), 95),
    e2e_p95: nearestRank(row.e2e.sort((a, b) => a - b), 95),
  }))
}

/**
 * Bucket width for judging: whole seconds, at least `minMs`, wide enough that a bucket holds
 * about `perBucket` requests at the expected rate (a 1-second bucket of a quiet weekend holds none).
 */
export function chooseBucketMs(expectedRatePerSecond: number, minMs: number, perBucket = 8): number {
  const wanted = expectedRatePerSecond > 0 ? (perBucket / expectedRatePerSecond) * 1000 : minMs
  return Math.max(minMs, Math.ceil(Math.max(wanted, 1) / 1000) * 1000)
}
