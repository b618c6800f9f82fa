// Samples -> Summary: histograms, counts, tokens, spend, abandonment, per task, per phase,
// per malformed-input kind, and a time series for the report. Pure: no I/O, no clock.
import { createLatencyHistogram, type LatencyHistogram } from './histogram.js'
import {
  LATENCY_METRICS,
  SUMMARY_SCHEMA_VERSION,
  type GroupStats,
  type LatencyMetric,
  type LatencyStats,
  type Slo,
  type Summary,
  type TimeBucket,
  type Usd,
} from './summary.js'
import { ERROR_OUTCOMES, isWastedAttempt, outcomeKey, retryAmplification, UNSENT_OUTCOMES } from './outcomes.js'
import type { Sample } from './types.js'
import { round } from '../core/format.js'
import { nearestRank } from '../core/stats.js'


export interface AggregatorOptions {
  /** Width of a time-series bucket. */
  bucketMs: number
  slo: Slo
  /** Phase windows (from the fault timeline), for the summary's phases section. */
  phases?: { name: string; fromMs: number; toMs: number }[]
}

export interface FinishInfo {
  runId: string
  name: string
  partial: boolean
  startedAt: string
  endedAt: string
  durationMs: number
  plannedDurationMs: number | null
  target: Summary['target']
  traffic: Summary['traffic']
  /** Simulated users who quit (from the patience model). */
  usersQuit?: number
  notes?: string[]
}

interface SpendTotal {
  usd: number
  unknown: boolean
}

interface Group {
  requests: number
  attempts: number
  byOutcome: Map<string, number>
  errors: number
  abandoned: number
  sent: number
  ttft: LatencyHistogram
  e2e: LatencyHistogram
  spend: SpendTotal
  wasted: SpendTotal
  inputTokens: number
  outputTokens: number
  okInputTokens: number
  okOutputTokens: number
}

interface Bucket {
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

export interface Aggregator {
  add(sample: Sample): void
  /** In-flight gauge, sampled by the runner. */
  gauge(atMs: number, inFlight: number): void
  /** Live figures for the progress line. */
  live(): LiveStats
  /** Serialised histograms for exact merging across segments. */
  histograms(): Record<string, string>
  finish(info: FinishInfo): Summary
}

export interface LiveStats {
  scheduled: number
  sent: number
  completed: number
  errors: number
  abandoned: number
  dropped: number
  ttftP95Ms: number | null
  spendUsd: Usd
}

export { outcomeKey } from './outcomes.js'

function addSpend(total: SpendTotal, usd: number | null | undefined): void {
  if (usd === null) total.unknown = true
  else if (usd !== undefined) total.usd += usd
}

function usd(total: SpendTotal): Usd {
  // Nano-dollar precision: a cheap model's spend per request is far below a cent.
  return total.unknown ? 'unknown' : round(total.usd, 9)
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by)
}

function newGroup(): Group {
  return {
    requests: 0,
    attempts: 0,
    byOutcome: new Map(),
    errors: 0,
    abandoned: 0,
    sent: 0,
    ttft: createLatencyHistogram(),
    e2e: createLatencyHistogram(),
    spend: { usd: 0, unknown: false },
    wasted: { usd: 0, unknown: false },
    inputTokens: 0,
    outputTokens: 0,
    okInputTokens: 0,
    okOutputTokens: 0,
  }
}

export function latencyStats(histogram: LatencyHistogram): LatencyStats {
  if (histogram.count === 0) {
    return { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null }
  }
  const at = (p: number): number => round(histogram.percentile(p), 3)
  return {
    count: histogram.count,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: round(histogram.max, 3),
    mean: round(histogram.mean, 3),
    min: round(histogram.min, 3),
  }
}

function groupStats(group: Group): GroupStats {
  return {
    requests: group.requests,
    byOutcome: Object.fromEntries(group.byOutcome),
    error_rate: group.sent === 0 ? 0 : round(group.errors / group.sent, 6),
    abandon_rate: group.sent === 0 ? 0 : round(group.abandoned / group.sent, 6),
    ttft_ms: latencyStats(group.ttft),
    e2e_ms: latencyStats(group.e2e),
    spend_usd: usd(group.spend),
    retry_amplification: round(retryAmplification(group.attempts, group.sent), 4),
    wasted_usd: usd(group.wasted),
    input_tokens: group.inputTokens,
    output_tokens: group.outputTokens,
    ok_input_tokens: group.okInputTokens,
    ok_output_tokens: group.okOutputTokens,
  }
}

export function createAggregator(options: AggregatorOptions): Aggregator {
  const histograms = Object.fromEntries(LATENCY_METRICS.map((metric) => [metric, createLatencyHistogram()])) as Record<
    LatencyMetric,
    LatencyHistogram
  >
  const byOutcome = new Map<string, number>()
  const byCode = new Map<string, number>()
  const tasks = new Map<string, Group>()
  const phases = new Map<string, Group>()
  const malformed = new Map<string, Map<string, number>>()
  const buckets: Bucket[] = []
  const users = new Set<string>()
  const spend: SpendTotal = { usd: 0, unknown: false }
  const wasted: SpendTotal = { usd: 0, unknown: false }
  const abandonedSpend: SpendTotal = { usd: 0, unknown: false }
  const perTaskSpend = new Map<string, SpendTotal>()
  let scheduled = 0
  let sent = 0
  let attempts = 0
  let completed = 0
  let errors = 0
  let abandoned = 0
  let abandonedBeforeFirstToken = 0
  let dropped = 0
  let lostDemand = 0
  let goodRequests = 0
  const tokens = { input: 0, cached: 0, output: 0, reasoning: 0, attemptsWithTokens: 0, estimated: 0 }

  const bucketAt = (atMs: number): Bucket => {
    const index = Math.max(0, Math.floor(atMs / options.bucketMs))
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

  const meetsSlo = (sample: Sample): boolean => {
    if (sample.outcome !== 'ok') return false
    const { slo } = options
    if (slo.ttft_ms !== undefined && (sample.ttftMs === undefined || sample.ttftMs > slo.ttft_ms)) return false
    if (slo.e2e_ms !== undefined && (sample.e2eMs === undefined || sample.e2eMs > slo.e2e_ms)) return false
    if (slo.tpot_ms !== undefined && sample.tpotMs !== undefined && sample.tpotMs > slo.tpot_ms) return false
    return true
  }

  const add = (sample: Sample): void => {
    const unsent = UNSENT_OUTCOMES.has(sample.outcome)
    const final = sample.willRetry !== true
    if (!unsent) attempts++
    // Tokens and spend are booked per attempt: a retried attempt that streamed tokens cost money.
    if (sample.inputTokens !== undefined || sample.outputTokens !== undefined) {
      tokens.input += sample.inputTokens ?? 0
      tokens.cached += sample.cachedInputTokens ?? 0
      tokens.output += sample.outputTokens ?? 0
      tokens.reasoning += sample.reasoningTokens ?? 0
      tokens.attemptsWithTokens++
      if (sample.tokensEstimated === true) tokens.estimated++
    }
    addSpend(spend, sample.spendUsd)
    let taskSpend = perTaskSpend.get(sample.task)
    if (taskSpend === undefined) {
      taskSpend = { usd: 0, unknown: false }
      perTaskSpend.set(sample.task, taskSpend)
    }
    addSpend(taskSpend, sample.spendUsd)
    if (isWastedAttempt(sample)) addSpend(wasted, sample.spendUsd)
    if (sample.outcome === 'abandoned') addSpend(abandonedSpend, sample.spendUsd)

    const bucket = bucketAt(sample.scheduledAtMs)
    if (sample.spendUsd !== undefined && sample.spendUsd !== null) bucket.spendUsd += sample.spendUsd
    bucket.outputTokens += sample.outputTokens ?? 0
    if (sample.phase !== undefined) bucket.phase = sample.phase
    if (sample.itlMs !== undefined) for (const gap of sample.itlMs) histograms.itl_ms.record(gap)
    if (!unsent && sample.attempt === 1 && sample.scheduleLagMs !== undefined) {
      histograms.schedule_lag_ms.record(Math.max(0, sample.scheduleLagMs))
    }

    const groups: Group[] = []
    for (const [map, key] of [
      [tasks, sample.task],
      [phases, sample.phase],
    ] as const) {
      if (key === undefined) continue
      let group = map.get(key)
      if (group === undefined) {
        group = newGroup()
        map.set(key, group)
      }
      if (!unsent) group.attempts++
      group.inputTokens += sample.inputTokens ?? 0
      group.outputTokens += sample.outputTokens ?? 0
      addSpend(group.spend, sample.spendUsd)
      if (isWastedAttempt(sample)) addSpend(group.wasted, sample.spendUsd)
      groups.push(group)
    }
    if (!final) return

    // From here on: one logical request, by its final attempt.
    const key = outcomeKey(sample)
    scheduled++
    increment(byOutcome, key)
    increment(bucket.byOutcome, key)
    bucket.scheduled++
    const wasSent = !unsent
    if (wasSent) {
      sent++
      users.add(sample.userId)
      if (bucket.users !== undefined) bucket.users.add(sample.userId)
    }
    if (sample.outcome === 'dropped') {
      dropped++
      bucket.dropped++
    } else if (sample.outcome === 'lost-demand') {
      lostDemand++
      bucket.lostDemand++
    }
    const isError = ERROR_OUTCOMES.has(sample.outcome)
    if (isError) {
      errors++
      bucket.errors++
      increment(byCode, sample.errorCode ?? key)
    }
    if (sample.outcome === 'abandoned') {
      abandoned++
      bucket.abandoned++
      if (sample.firstTokenAtMs === undefined) abandonedBeforeFirstToken++
    }
    if (sample.outcome === 'ok') {
      completed++
      bucket.ok++
      if (sample.ttftMs !== undefined) histograms.ttft_ms.record(sample.ttftMs)
      if (sample.ttftServiceMs !== undefined) histograms.ttft_service_ms.record(sample.ttftServiceMs)
      if (sample.tpotMs !== undefined) histograms.tpot_ms.record(sample.tpotMs)
      if (sample.e2eMs !== undefined) histograms.e2e_ms.record(sample.e2eMs)
      if (sample.e2eServiceMs !== undefined) histograms.e2e_service_ms.record(sample.e2eServiceMs)
      if (sample.ttftMs !== undefined) bucket.ttft.push(sample.ttftMs)
      if (sample.e2eMs !== undefined) bucket.e2e.push(sample.e2eMs)
      if (meetsSlo(sample)) goodRequests++
    }
    for (const group of groups) {
      group.requests++
      increment(group.byOutcome, key)
      if (wasSent) group.sent++
      if (isError) group.errors++
      if (sample.outcome === 'abandoned') group.abandoned++
      if (sample.outcome === 'ok') {
        if (sample.ttftMs !== undefined) group.ttft.record(sample.ttftMs)
        if (sample.e2eMs !== undefined) group.e2e.record(sample.e2eMs)
        group.okInputTokens += sample.inputTokens ?? 0
        group.okOutputTokens += sample.outputTokens ?? 0
      }
    }
    if (sample.handling !== undefined && sample.tags !== undefined) {
      for (const tag of sample.tags) {
        if (!tag.startsWith('malformed:')) continue
        const kind = tag.slice('malformed:'.length)
        let byHandling = malformed.get(kind)
        if (byHandling === undefined) {
          byHandling = new Map()
          malformed.set(kind, byHandling)
        }
        increment(byHandling, sample.handling)
      }
    }
  }

  return {
    add,
    gauge(atMs, inFlight) {
      const bucket = bucketAt(atMs)
      if (inFlight > bucket.inFlightMax) bucket.inFlightMax = inFlight
    },
    live: () => ({
      scheduled,
      sent,
      completed,
      errors,
      abandoned,
      dropped,
      ttftP95Ms: histograms.ttft_ms.count === 0 ? null : histograms.ttft_ms.percentile(95),
      spendUsd: usd(spend),
    }),
    histograms: () => Object.fromEntries(LATENCY_METRICS.map((metric) => [metric, histograms[metric].encode()])),
    finish(info) {
      const durationS = Math.max(info.durationMs, 1) / 1000
      const usersQuit = info.usersQuit ?? 0
      const spendUsd = usd(spend)
      const notes = [...(info.notes ?? [])]
      const estimatedShare = tokens.attemptsWithTokens === 0 ? 0 : tokens.estimated / tokens.attemptsWithTokens
      if (estimatedShare > 0) {
        notes.push(`${(estimatedShare * 100).toFixed(1)} % of attempts had no server-reported usage: their tokens are tiktoken estimates`)
      }
      if (spendUsd === 'unknown') notes.push('spend is unknown: the model has no price in the table (pass --prices FILE)')
      if (info.partial) notes.push('partial run: interrupted before the traffic ended; figures cover what was recorded')
      if (usersQuit > 0) notes.push(`${usersQuit} simulated users quit after repeated abandonment; their later requests are lost demand`)
      const phaseWindows = new Map((options.phases ?? []).map((p) => [p.name, p]))
      return {
        schemaVersion: SUMMARY_SCHEMA_VERSION,
        runId: info.runId,
        name: info.name,
        partial: info.partial,
        startedAt: info.startedAt,
        endedAt: info.endedAt,
        durationMs: round(info.durationMs, 1),
        plannedDurationMs: info.plannedDurationMs,
        target: info.target,
        traffic: info.traffic,
        requests: { scheduled, sent, attempts, completed, byOutcome: Object.fromEntries(byOutcome) },
        latency: Object.fromEntries(LATENCY_METRICS.map((metric) => [metric, latencyStats(histograms[metric])])) as Record<
          LatencyMetric,
          LatencyStats
        >,
        throughput: {
          requests_per_s: round(completed / durationS, 3),
          output_tokens_per_s: round(tokens.output / durationS, 3),
          input_tokens_per_s: round(tokens.input / durationS, 3),
        },
        goodput: {
          slo: options.slo,
          requests: goodRequests,
          requests_per_s: round(goodRequests / durationS, 3),
          share: sent === 0 ? 0 : round(goodRequests / sent, 6),
        },
        tokens: {
          input: tokens.input,
          cached_input: tokens.cached,
          output: tokens.output,
          reasoning: tokens.reasoning,
          estimated_share: round(estimatedShare, 6),
        },
        spend: {
          usd: spendUsd,
          per_1k_requests_usd: spendUsd === 'unknown' ? 'unknown' : sent === 0 ? 0 : round((spendUsd / sent) * 1000, 9),
          per_task: Object.fromEntries([...perTaskSpend].map(([task, total]) => [task, usd(total)])),
          wasted_usd: usd(wasted),
        },
        abandonment: {
          rate: sent === 0 ? 0 : round(abandoned / sent, 6),
          abandoned,
          abandoned_before_first_token: abandonedBeforeFirstToken,
          wasted_usd: usd(abandonedSpend),
          users: users.size,
          users_quit: usersQuit,
          lost_demand: lostDemand,
        },
        retries: { logical: sent, attempts, amplification: round(retryAmplification(attempts, sent), 4) },
        errors: { rate: sent === 0 ? 0 : round(errors / sent, 6), byCode: Object.fromEntries(byCode) },
        tasks: Object.fromEntries([...tasks].map(([task, group]) => [task, groupStats(group)])),
        phases: Object.fromEntries(
          [...phases].map(([name, group]) => {
            const window = phaseWindows.get(name)
            return [name, { ...groupStats(group), fromMs: window?.fromMs ?? 0, toMs: window?.toMs ?? 0 }]
          }),
        ),
        malformed: Object.fromEntries([...malformed].map(([kind, counts]) => [kind, Object.fromEntries(counts)])),
        timeseries: { bucketMs: options.bucketMs, buckets: buckets.map((bucket, index) => bucketRow(bucket, index * options.bucketMs)) },
        thresholds: [],
        notes,
      }
    },
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
}
