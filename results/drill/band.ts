// The baseline band, and whether a time bucket lies inside it.
import type { GroupStats } from '../summary.js'
import type { DrillBucket } from './buckets.js'
import { formatPercent, formatDuration } from '../../core/format.js'

/**
 * The baseline band: a time bucket is healthy when its p95 latencies are at most
 * `latencyFactor` × the baseline phase's p95 and its error and abandon rates are at most the
 * baseline phase's rates + `rateMargin` (absolute, 0.01 = 1 percentage point) — or, when larger,
 * + `noiseSigmas` standard errors of a share of the bucket's size (√(p(1−p)/n)): ten requests
 * cannot tell a 19 % abandon rate from 25 %.
 */
export interface BandOptions {
  latencyFactor: number
  rateMargin: number
  noiseSigmas: number
  /** A bucket with fewer sent requests is not judged (too few to say anything). */
  minRequests: number
  /** Recovered: this many judged buckets in a row inside the band. */
  recoverBuckets: number
}

export const DEFAULT_BAND: BandOptions = { latencyFactor: 1.5, rateMargin: 0.01, noiseSigmas: 2, minRequests: 3, recoverBuckets: 3 }

export interface Band {
  baselinePhase: string
  ttftP95LimitMs: number | null
  e2eP95LimitMs: number | null
  /** The baseline phase's rates. */
  errorRate: number
  abandonRate: number
  /** Rate + margin: the limit for a large bucket (small buckets get the noise allowance on top). */
  errorRateLimit: number
  abandonRateLimit: number
  options: BandOptions
  /** Baseline buckets judged, and how many of them fell outside the band anyway (noise). */
  noise: { judged: number; outside: number }
}

export interface BucketJudgement {
  judged: boolean
  healthy: boolean
  reasons: string[]
}

export function computeBand(baseline: GroupStats, baselinePhase: string, options: BandOptions): Omit<Band, 'noise'> {
  return {
    baselinePhase,
    ttftP95LimitMs: baseline.ttft_ms.p95 === null ? null : baseline.ttft_ms.p95 * options.latencyFactor,
    e2eP95LimitMs: baseline.e2e_ms.p95 === null ? null : baseline.e2e_ms.p95 * options.latencyFactor,
    errorRate: baseline.error_rate,
    abandonRate: baseline.abandon_rate,
    errorRateLimit: baseline.error_rate + options.rateMargin,
    abandonRateLimit: baseline.abandon_rate + options.rateMargin,
    options,
  }
}

/** The most a bucket of `sent` requests may show of a share that is `base` in the baseline. */
export function rateLimitFor(base: number, sent: number, options: BandOptions): number {
  const noise = sent > 0 ? options.noiseSigmas * Math.sqrt((base * (1 - base)) / sent) : 0
  return base + Math.max(options.rateMargin, noise)
}

export function judgeBucket(bucket: DrillBucket, band: Omit<Band, 'noise'>): BucketJudgement {
  const sent = bucket.sent
  if (sent < band.options.minRequests) return { judged: false, healthy: true, reasons: [] }
  const reasons: string[] = []
  const errorRate = bucket.errors / sent
  const abandonRate = bucket.abandoned / sent
  const errorLimit = rateLimitFor(band.errorRate, sent, band.options)
  const abandonLimit = rateLimitFor(band.abandonRate, sent, band.options)
  if (errorRate > errorLimit + 1e-12) reasons.push(`error rate ${formatPercent(errorRate)} > ${formatPercent(errorLimit)}`)
  if (abandonRate > abandonLimit + 1e-12) reasons.push(`abandon rate ${formatPercent(abandonRate)} > ${formatPercent(abandonLimit)}`)
  if (band.ttftP95LimitMs !== null && bucket.ttft_p95 !== null && bucket.ttft_p95 > band.ttftP95LimitMs) {
    reasons.push(`TTFT p95 ${formatDuration(bucket.ttft_p95)} > ${formatDuration(band.ttftP95LimitMs)}`)
  }
  if (band.e2eP95LimitMs !== null && bucket.e2e_p95 !== null && bucket.e2e_p95 > band.e2eP95LimitMs) {
    reasons.push(`e2e p95 ${formatDuration(bucket.e2e_p95)} > ${formatDuration(band.e2eP95LimitMs)}`)
  }
  return { judged: true, healthy: reasons.length === 0, reasons }
}
