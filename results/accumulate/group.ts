// One group of samples (a task, a fault phase): counts, latency histograms, spend and wasted
// spend, tokens. The accumulator run, drill, merge and the reports read through the Summary.
import { round } from '../../core/format.js'
import { createLatencyHistogram, type LatencyHistogram } from '../histogram.js'
import { isWastedAttempt, retryAmplification } from '../outcomes.js'
import type { GroupStats, LatencyStats, Usd } from '../summary.js'
import type { Sample } from '../types.js'

export interface SpendTotal {
  usd: number
  unknown: boolean
}

export interface Group {
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

export function addSpend(total: SpendTotal, usd: number | null | undefined): void {
  if (usd === null) total.unknown = true
  else if (usd !== undefined) total.usd += usd
}

export function usd(total: SpendTotal): Usd {
  // Nano-dollar precision: a cheap model's spend per request is far below a cent.
  return total.unknown ? 'unknown' : round(total.usd, 9)
}

export function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by)
}

export function newGroup(): Group {
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

/** Every attempt of the group's samples: attempts, tokens, spend, wasted spend. */
export function addAttempt(group: Group, sample: Sample, unsent: boolean): void {
  if (!unsent) group.attempts++
  group.inputTokens += sample.inputTokens ?? 0
  group.outputTokens += sample.outputTokens ?? 0
  addSpend(group.spend, sample.spendUsd)
  if (isWastedAttempt(sample)) addSpend(group.wasted, sample.spendUsd)
}

/** A logical request, by its final attempt (`key` from outcomeKey). */
export function addFinal(group: Group, sample: Sample, key: string, wasSent: boolean, isError: boolean): void {
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

export function groupStats(group: Group): GroupStats {
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
