// Samples -> Summary: histograms, counts, tokens, spend, abandonment, per task, per phase,
// per malformed-input kind, and a time series for the report. Pure: no I/O, no clock.
// The per-group and per-bucket accumulators are in results/accumulate/.
import { createLatencyHistogram, type LatencyHistogram } from './histogram.js'
import {
  LATENCY_METRICS,
  SUMMARY_SCHEMA_VERSION,
  type LatencyMetric,
  type LatencyStats,
  type Slo,
  type Summary,
  type Usd,
} from './summary.js'
import { addAttempt, addFinal, addSpend, groupStats, increment, latencyStats, newGroup, usd, type Group, type SpendTotal } from './accumulate/group.js'
import { createTimeSeries } from './accumulate/timeseries.js'
import { ERROR_OUTCOMES, isWastedAttempt, malformedKinds, outcomeKey, retryAmplification, UNSENT_OUTCOMES } from './outcomes.js'
import type { Sample } from './types.js'
import { round } from '../core/format.js'
import { accuracySection, createAccuracyAccumulator } from './accuracy/accumulate.js'
import { createCachingAccumulator } from './accumulate/caching.js'
import { createConversationAccumulator } from './conversations/accumulate.js'


export interface AggregatorOptions {
  /** Width of a time-series bucket at first (doubled each time the run outgrows MAX_BUCKETS). */
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





function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

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
  ttftP50Ms: number | null
  e2eP95Ms: number | null
  spendUsd: Usd
  /** Fault phase of the latest recorded request's scheduled time. */
  phase: string | undefined
}

export { outcomeKey } from './outcomes.js'
export { latencyStats } from './accumulate/group.js'







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
  const series = createTimeSeries(options.bucketMs)
  const accuracy = createAccuracyAccumulator()
  const chains = createConversationAccumulator()
  const caching = createCachingAccumulator()
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
  let lastPhase: string | undefined
  const tokens = { input: 0, cached: 0, output: 0, reasoning: 0, attemptsWithTokens: 0, estimated: 0 }


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
    accuracy.add(sample)
    chains.add(sample)
    caching.add(sample)
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

    series.add(sample)
    if (sample.phase !== undefined) lastPhase = sample.phase
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
      addAttempt(group, sample, unsent)
      groups.push(group)
    }
    if (!final) return

    // From here on: one logical request, by its final attempt.
    const key = outcomeKey(sample)
    scheduled++
    increment(byOutcome, key)
    const wasSent = !unsent
    if (wasSent) {
      sent++
      users.add(sample.userId)
    }
    if (sample.outcome === 'dropped') {
      dropped++
    } else if (sample.outcome === 'lost-demand') {
      lostDemand++
    }
    const isError = ERROR_OUTCOMES.has(sample.outcome)
    if (isError) {
      errors++
      increment(byCode, sample.errorCode ?? key)
    }
    if (sample.outcome === 'abandoned') {
      abandoned++
      if (sample.firstTokenAtMs === undefined) abandonedBeforeFirstToken++
    }
    if (sample.outcome === 'ok') {
      completed++
      if (sample.ttftMs !== undefined) histograms.ttft_ms.record(sample.ttftMs)
      if (sample.ttftServiceMs !== undefined) histograms.ttft_service_ms.record(sample.ttftServiceMs)
      if (sample.tpotMs !== undefined) histograms.tpot_ms.record(sample.tpotMs)
      if (sample.e2eMs !== undefined) histograms.e2e_ms.record(sample.e2eMs)
      if (sample.e2eServiceMs !== undefined) histograms.e2e_service_ms.record(sample.e2eServiceMs)
      if (meetsSlo(sample)) goodRequests++
    }
    for (const group of groups) addFinal(group, sample, key, wasSent, isError)
    if (sample.handling !== undefined) {
      for (const kind of malformedKinds(sample.tags)) {
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
    gauge: series.gauge,
    live: () => ({
      scheduled,
      sent,
      completed,
      errors,
      abandoned,
      dropped,
      ttftP95Ms: histograms.ttft_ms.count === 0 ? null : histograms.ttft_ms.percentile(95),
      ttftP50Ms: histograms.ttft_ms.count === 0 ? null : histograms.ttft_ms.percentile(50),
      e2eP95Ms: histograms.e2e_ms.count === 0 ? null : histograms.e2e_ms.percentile(95),
      spendUsd: usd(spend),
      phase: lastPhase,
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
        timeseries: { bucketMs: series.bucketMs(), buckets: series.rows() },
        thresholds: [],
        ...accuracySection(accuracy),
        ...optional('conversations', chains.conversations()),
        ...optional('caching', caching.summary()),
        notes,
      }
    },
  }

}
