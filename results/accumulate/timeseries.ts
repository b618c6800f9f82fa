// The run's time series: one bucket per `bucketMs` of scheduled time, raw TTFT/e2e values kept per
// bucket and summarised (nearest rank) only when the summary is written.
import { round } from '../../core/format.js'
import { nearestRank } from '../../core/stats.js'
import type { TimeBucket } from '../summary.js'

export interface Bucket {
  scheduled: number
  ok: number
  errors: number
  abandoned: number
  dropped: number
  lostDemand: number
  byOutcome: Map<string, number>
  /** Raw values, summarised when the summary is written (cheaper than a histogram per bucket). */
  ttft: number[]
  e2e: number[]
  inFlightMax: number
  spendUsd: number
  outputTokens: number
  /** Distinct users of the bucket; dropped (count kept) once the run has moved well past it. */
  users: Set<string> | undefined
  activeUsers: number
  phase: string | undefined
}

/** Samples arrive by completion, so a bucket can still grow for a while after its time. */
const OPEN_BUCKETS_BEHIND = 120

export interface TimeSeries {
  /** The bucket of a time (ms from run start), created with those before it when new. */
  at(atMs: number): Bucket
  rows(): TimeBucket[]
}

export function createTimeSeries(bucketMs: number): TimeSeries {
  const buckets: Bucket[] = []
  const at = (atMs: number): Bucket => {
    const index = Math.max(0, Math.floor(atMs / bucketMs))
    while (buckets.length <= index) {
      buckets.push({
        scheduled: 0,
        ok: 0,
        errors: 0,
        abandoned: 0,
        dropped: 0,
        lostDemand: 0,
        byOutcome: new Map(),
        ttft: [],
        e2e: [],
        inFlightMax: 0,
        spendUsd: 0,
        outputTokens: 0,
        users: new Set(),
        activeUsers: 0,
        phase: undefined,
      })
      // Keep memory flat on long runs: freeze the user count of buckets far behind.
      const frozen = buckets[buckets.length - 1 - OPEN_BUCKETS_BEHIND]
      if (frozen !== undefined && frozen.users !== undefined) {
        frozen.activeUsers = frozen.users.size
        frozen.users = undefined
      }
    }
    return buckets[index] as Bucket
  }

  function bucketRow(bucket: Bucket, t: number): TimeBucket {
    const ttft = [...bucket.ttft].sort((a, b) => a - b)
    const e2e = [...bucket.e2e].sort((a, b) => a - b)
    // Nearest rank on the bucket's exact values.
    const pct = (sorted: number[], p: number): number | null => {
      const value = nearestRank(sorted, p)
      return value === null ? null : round(value, 1)
    }
    const row: TimeBucket = {
      t,
      scheduled: bucket.scheduled,
      ok: bucket.ok,
      errors: bucket.errors,
      abandoned: bucket.abandoned,
      dropped: bucket.dropped,
      lost_demand: bucket.lostDemand,
      byOutcome: Object.fromEntries(bucket.byOutcome),
      ttft_p50: pct(ttft, 50),
      ttft_p95: pct(ttft, 95),
      ttft_p99: pct(ttft, 99),
      e2e_p50: pct(e2e, 50),
      e2e_p95: pct(e2e, 95),
      e2e_p99: pct(e2e, 99),
      in_flight_max: bucket.inFlightMax,
      spend_usd: round(bucket.spendUsd, 6),
      output_tokens: bucket.outputTokens,
      active_users: bucket.users?.size ?? bucket.activeUsers,
    }
    if (bucket.phase !== undefined) row.phase = bucket.phase
    return row
  }

  return { at, rows: () => buckets.map((bucket, index) => bucketRow(bucket, index * bucketMs)) }
}
