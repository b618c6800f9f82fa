// The run's time series by scheduled time, with memory bounded however long and fast the run:
// buckets of the last 2 min keep raw TTFT/e2e values (exact nearest rank) up to
// RAW_VALUES_PER_BUCKET each; older or fuller ones hold 0.1 % log bins (log-bins.ts) instead, and
// old ones a user count; past MAX_BUCKETS the width doubles, pairs merged.
// The run's aggregator and the drill's own judging buckets both feed one through add().
import { round } from '../../core/format.js'
import { nearestRank } from '../../core/stats.js'
import { ERROR_OUTCOMES, outcomeKey, UNSENT_OUTCOMES } from '../outcomes.js'
import type { TimeBucket } from '../summary.js'
import type { Sample } from '../types.js'
import { addToLogBins, logBinsOf, logBinsPercentiles, mergeLogBins, type LogBins } from './log-bins.js'
import { UserBits, UserIndex } from './user-bits.js'

export interface Bucket {
  scheduled: number
  ok: number
  errors: number
  abandoned: number
  dropped: number
  lostDemand: number
  byOutcome: Map<string, number>
  /** Raw values while the bucket is recent (a push is the cheapest record on the send path). */
  ttft: number[]
  e2e: number[]
  /** Set once the bucket is frozen; later values (late answers) go here. */
  ttftBins: LogBins | undefined
  e2eBins: LogBins | undefined
  inFlightMax: number
  spendUsd: number
  outputTokens: number
  /** Distinct users of the bucket; dropped (count kept) once the bucket is frozen. */
  users: UserBits | undefined
  activeUsers: number
  phase: string | undefined
}

/**
 * Samples arrive by completion, so a bucket can still grow for a while after its time: buckets
 * within this much run time of the newest stay raw (and count their users exactly).
 */
const OPEN_MS = 120_000
/**
 * Raw values a bucket keeps per metric before it bins them (0.1 %): every bucket is exact up to
 * 4,096 answers a bucket (LLM endpoints at up to ~4,000 requests/s with 1 s buckets), and the raw
 * window is bounded by count, not by rate × 2 min (a 1M-request run at 21k requests/s held 19 MB
 * of raw values, growing with the run).
 */
export const RAW_VALUES_PER_BUCKET = 4096
/** The most buckets kept: a longer run doubles the width (1 s buckets become 2 s after 24 min). */
export const MAX_BUCKETS = 1_440

export interface TimeSeries {
  /** Adds one attempt: spend and tokens for every attempt, counts and latencies for a final one. */
  add(sample: Sample): void
  /** In-flight gauge at a time of the run. */
  gauge(atMs: number, inFlight: number): void
  /** The current bucket width (the first width, doubled each time the run outgrew MAX_BUCKETS). */
  bucketMs(): number
  /**
   * Rows of `widthMs` (a whole multiple of bucketMs(); default bucketMs()), covering at least
   * `minEndMs` of run time.
   */
  rows(widthMs?: number, minEndMs?: number): TimeBucket[]
}

function newBucket(): Bucket {
  return {
    scheduled: 0,
    ok: 0,
    errors: 0,
    abandoned: 0,
    dropped: 0,
    lostDemand: 0,
    byOutcome: new Map(),
    ttft: [],
    e2e: [],
    ttftBins: undefined,
    e2eBins: undefined,
    inFlightMax: 0,
    spendUsd: 0,
    outputTokens: 0,
    users: new UserBits(),
    activeUsers: 0,
    phase: undefined,
  }
}

function freeze(bucket: Bucket): void {
  if (bucket.users !== undefined) {
    bucket.activeUsers = bucket.users.size
    bucket.users = undefined
  }
  binLatencies(bucket)
}

/** Raw latencies into log bins (a frozen bucket, or a full one); its users are left alone. */
function binLatencies(bucket: Bucket): void {
  if (bucket.ttftBins !== undefined) return
  bucket.ttftBins = logBinsOf(bucket.ttft)
  bucket.e2eBins = logBinsOf(bucket.e2e)
  bucket.ttft = []
  bucket.e2e = []
}

/**
 * Both buckets in one (a new object; raw lists concatenated while both are recent). A frozen
 * half has only its user count, so the merged count is the larger half's: a lower bound.
 */
function mergeBuckets(a: Bucket, b: Bucket): Bucket {
  const merged = newBucket()
  merged.scheduled = a.scheduled + b.scheduled
  merged.ok = a.ok + b.ok
  merged.errors = a.errors + b.errors
  merged.abandoned = a.abandoned + b.abandoned
  merged.dropped = a.dropped + b.dropped
  merged.lostDemand = a.lostDemand + b.lostDemand
  merged.byOutcome = new Map(a.byOutcome)
  for (const [key, count] of b.byOutcome) merged.byOutcome.set(key, (merged.byOutcome.get(key) ?? 0) + count)
  if (a.ttftBins === undefined && b.ttftBins === undefined) {
    merged.ttft = a.ttft.concat(b.ttft)
    merged.e2e = a.e2e.concat(b.e2e)
  } else {
    merged.ttftBins = mergeLogBins(a.ttftBins ?? logBinsOf(a.ttft), b.ttftBins ?? logBinsOf(b.ttft))
    merged.e2eBins = mergeLogBins(a.e2eBins ?? logBinsOf(a.e2e), b.e2eBins ?? logBinsOf(b.e2e))
  }
  merged.inFlightMax = Math.max(a.inFlightMax, b.inFlightMax)
  merged.spendUsd = a.spendUsd + b.spendUsd
  merged.outputTokens = a.outputTokens + b.outputTokens
  if (a.users !== undefined && b.users !== undefined) merged.users = a.users.union(b.users)
  else {
    merged.users = undefined
    merged.activeUsers = Math.max(a.users?.size ?? a.activeUsers, b.users?.size ?? b.activeUsers)
  }
  merged.phase = b.phase ?? a.phase
  return merged
}

function pushLatency(bucket: Bucket, ttftMs: number | undefined, e2eMs: number | undefined): void {
  if (bucket.ttftBins === undefined) {
    if (ttftMs !== undefined) bucket.ttft.push(ttftMs)
    if (e2eMs !== undefined) bucket.e2e.push(e2eMs)
    if (bucket.ttft.length >= RAW_VALUES_PER_BUCKET || bucket.e2e.length >= RAW_VALUES_PER_BUCKET) binLatencies(bucket)
    return
  }
  if (ttftMs !== undefined) addToLogBins(bucket.ttftBins, ttftMs)
  if (e2eMs !== undefined) addToLogBins(bucket.e2eBins as LogBins, e2eMs)
}

const PERCENTILES = [50, 95, 99] as const

/** p50/p95/p99, rounded to 0.1 ms: exact for raw values, within 0.1 % for frozen ones. */
function percentilesOf(raw: number[], bins: LogBins | undefined): (number | null)[] {
  if (bins !== undefined) return logBinsPercentiles(bins, PERCENTILES).map((value) => (value === null ? null : round(value, 1)))
  const sorted = Float64Array.from(raw).sort()
  return PERCENTILES.map((p) => {
    const value = nearestRank(sorted, p)
    return value === null ? null : round(value, 1)
  })
}

function bucketRow(bucket: Bucket, t: number): TimeBucket {
  const [ttftP50, ttftP95, ttftP99] = percentilesOf(bucket.ttft, bucket.ttftBins)
  const [e2eP50, e2eP95, e2eP99] = percentilesOf(bucket.e2e, bucket.e2eBins)
  const row: TimeBucket = {
    t,
    scheduled: bucket.scheduled,
    ok: bucket.ok,
    errors: bucket.errors,
    abandoned: bucket.abandoned,
    dropped: bucket.dropped,
    lost_demand: bucket.lostDemand,
    byOutcome: Object.fromEntries(bucket.byOutcome),
    ttft_p50: ttftP50 ?? null,
    ttft_p95: ttftP95 ?? null,
    ttft_p99: ttftP99 ?? null,
    e2e_p50: e2eP50 ?? null,
    e2e_p95: e2eP95 ?? null,
    e2e_p99: e2eP99 ?? null,
    in_flight_max: bucket.inFlightMax,
    spend_usd: round(bucket.spendUsd, 6),
    output_tokens: bucket.outputTokens,
    active_users: bucket.users?.size ?? bucket.activeUsers,
  }
  if (bucket.phase !== undefined) row.phase = bucket.phase
  return row
}

export function createTimeSeries(firstBucketMs: number): TimeSeries {
  let bucketMs = firstBucketMs
  let buckets: Bucket[] = []
  const userIndex = new UserIndex()

  const widen = (): void => {
    const pairs: Bucket[] = []
    for (let i = 0; i < buckets.length; i += 2) {
      const a = buckets[i] as Bucket
      const b = buckets[i + 1]
      pairs.push(b === undefined ? a : mergeBuckets(a, b))
    }
    buckets = pairs
    bucketMs *= 2
  }

  const at = (atMs: number): Bucket => {
    let index = Math.max(0, Math.floor(atMs / bucketMs))
    while (index >= MAX_BUCKETS) {
      widen()
      index = Math.max(0, Math.floor(atMs / bucketMs))
    }
    while (buckets.length <= index) {
      buckets.push(newBucket())
      // Keep memory flat on long runs: freeze buckets far behind.
      const frozen = buckets[buckets.length - 1 - Math.max(2, Math.ceil(OPEN_MS / bucketMs))]
      if (frozen !== undefined) freeze(frozen)
    }
    return buckets[index] as Bucket
  }

  const add = (sample: Sample): void => {
    const bucket = at(sample.scheduledAtMs)
    if (sample.spendUsd !== undefined && sample.spendUsd !== null) bucket.spendUsd += sample.spendUsd
    bucket.outputTokens += sample.outputTokens ?? 0
    if (sample.phase !== undefined) bucket.phase = sample.phase
    if (sample.willRetry === true) return
    // One logical request, by its final attempt.
    const key = outcomeKey(sample)
    bucket.byOutcome.set(key, (bucket.byOutcome.get(key) ?? 0) + 1)
    bucket.scheduled++
    if (!UNSENT_OUTCOMES.has(sample.outcome) && bucket.users !== undefined) bucket.users.add(userIndex.numberOf(sample.userId))
    if (sample.outcome === 'dropped') bucket.dropped++
    else if (sample.outcome === 'lost-demand') bucket.lostDemand++
    if (ERROR_OUTCOMES.has(sample.outcome)) bucket.errors++
    if (sample.outcome === 'abandoned') bucket.abandoned++
    if (sample.outcome === 'ok') {
      bucket.ok++
      pushLatency(bucket, sample.ttftMs, sample.e2eMs)
    }
  }

  const rows = (widthMs = bucketMs, minEndMs = 0): TimeBucket[] => {
    const factor = widthMs / bucketMs
    if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`row width ${widthMs} ms is not a whole multiple of the bucket width ${bucketMs} ms`)
    const count = Math.max(Math.ceil(buckets.length / factor), Math.ceil(minEndMs / widthMs))
    const out: TimeBucket[] = []
    for (let row = 0; row < count; row++) {
      let merged: Bucket | undefined
      for (let i = row * factor; i < (row + 1) * factor && i < buckets.length; i++) {
        const bucket = buckets[i] as Bucket
        merged = merged === undefined ? bucket : mergeBuckets(merged, bucket)
      }
      out.push(bucketRow(merged ?? newBucket(), row * widthMs))
    }
    return out
  }

  return {
    add,
    gauge(atMs, inFlight) {
      const bucket = at(atMs)
      if (inFlight > bucket.inFlightMax) bucket.inFlightMax = inFlight
    },
    bucketMs: () => bucketMs,
    rows,
  }
}
