// The vendor bake-off's table: per-target summaries and per-request values -> comparison rows,
// each naming a winner, or a tie when a bootstrap confidence interval of the difference holds 0.
// Pure: no I/O, no clock; the bootstrap's randomness comes from the seed.
//
//   Samples ─► createCompareCollector() ─► TargetData ┐
//   Summary ───────────────────────────────────────────┴─► buildComparison() ─► rows + verdicts
import { createRandom, type Random } from '../core/random.js'
import { encodingForModel, isExactEncoding } from '../core/tokens.js'
import {
  bootstrapMeanDifference,
  bootstrapPercentileDifference,
  bootstrapRateDifference,
  bootstrapRatioDifference,
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  includesZero,
  mean,
  percentile,
  percentileOfSorted,
  ratioOfSums,
  type BootstrapOptions,
  type DifferenceEstimate,
  type RateCounts,
  type RatioValues,
} from './bootstrap.js'
import { forecastSpend } from './cost.js'
import type { Summary } from './summary.js'
import { UNSENT_OUTCOMES, type Sample, type Sink } from './types.js'

export const COMPARISON_SCHEMA_VERSION = 1

/** Final outcomes that count as errors of the endpoint (as in results/aggregate.ts). */
const ERROR_OUTCOMES = new Set(['http', 'timeout', 'reset', 'connection', 'malformed-stream', 'truncated', 'stream-error'])

/** Fewer values than this on a side: no verdict for that target in that row. */
export const MIN_VALUES = 5

/** Per-request values of one target, compact enough for 100,000s of requests. */
export interface TargetData {
  /** Completed requests (final attempt ok): TTFT and e2e from the scheduled time, ms. */
  ttftMs: number[]
  e2eMs: number[]
  /** Completed requests with ≥ 2 output tokens: (output tokens − 1) / (e2e − TTFT), tokens per second. */
  outputTokensPerS: number[]
  /** One entry per logical request that reached the endpoint: its spend over all its attempts, USD. */
  requestSpendUsd: number[]
  /** Same order as `requestSpendUsd`: 1 when the request completed ok, else 0. */
  requestCompleted: number[]
  /** True when any attempt's spend was unknown (a model without a price). */
  spendUnknown: boolean
  /** Logical requests whose final attempt was sent, and of them errors and abandoned. */
  sent: number
  errors: number
  abandoned: number
  /** Attempts sent, and of them answered HTTP 429. */
  attempts: number
  rateLimited: number
  /** Malformed-input kind → how the endpoint handled it → final attempts. */
  malformed: Record<string, Record<string, number>>
}

export function emptyTargetData(): TargetData {
  return {
    ttftMs: [],
    e2eMs: [],
    outputTokensPerS: [],
    requestSpendUsd: [],
    requestCompleted: [],
    spendUnknown: false,
    sent: 0,
    errors: 0,
    abandoned: 0,
    attempts: 0,
    rateLimited: 0,
    malformed: {},
  }
}

export interface CompareCollector extends Sink {
  data(): TargetData
}

/**
 * A sink that keeps what the comparison needs from each Sample. Attempts of one logical request
 * are summed until its final attempt (the one without `willRetry`) arrives.
 */
export function createCompareCollector(): CompareCollector {
  const data = emptyTargetData()
  const open = new Map<string, { spendUsd: number; sent: boolean }>()
  return {
    name: 'compare',
    record(sample) {
      addSample(data, open, sample)
    },
    data: () => data,
  }
}

export function collectTargetData(samples: Iterable<Sample>): TargetData {
  const collector = createCompareCollector()
  for (const sample of samples) collector.record(sample)
  return collector.data()
}

function addSample(data: TargetData, open: Map<string, { spendUsd: number; sent: boolean }>, sample: Sample): void {
  const unsent = UNSENT_OUTCOMES.has(sample.outcome)
  let request = open.get(sample.requestId)
  if (request === undefined) {
    request = { spendUsd: 0, sent: false }
    open.set(sample.requestId, request)
  }
  if (!unsent) {
    data.attempts++
    request.sent = true
    if (sample.outcome === 'http' && sample.status === 429) data.rateLimited++
  }
  if (sample.spendUsd === null) data.spendUnknown = true
  else if (sample.spendUsd !== undefined) request.spendUsd += sample.spendUsd
  if (sample.willRetry === true) return

  open.delete(sample.requestId)
  // A request whose earlier attempt was sent keeps its spend even if the retry never went out.
  if (request.sent) {
    data.requestSpendUsd.push(request.spendUsd)
    data.requestCompleted.push(sample.outcome === 'ok' ? 1 : 0)
  }
  if (unsent) return
  data.sent++
  if (ERROR_OUTCOMES.has(sample.outcome)) data.errors++
  if (sample.outcome === 'abandoned') data.abandoned++
  if (sample.outcome === 'ok') {
    if (sample.ttftMs !== undefined) data.ttftMs.push(sample.ttftMs)
    if (sample.e2eMs !== undefined) data.e2eMs.push(sample.e2eMs)
    if (sample.ttftMs !== undefined && sample.e2eMs !== undefined && sample.outputTokens !== undefined && sample.outputTokens >= 2) {
      // The first token arrives at TTFT: the time after it carries the other n − 1 tokens.
      const decodeMs = sample.e2eMs - sample.ttftMs
      if (decodeMs > 0) data.outputTokensPerS.push(((sample.outputTokens - 1) * 1000) / decodeMs)
    }
  }
  if (sample.handling !== undefined && sample.tags !== undefined) {
    for (const tag of sample.tags) {
      if (!tag.startsWith('malformed:')) continue
      const kind = tag.slice('malformed:'.length)
      const counts = (data.malformed[kind] ??= {})
      counts[sample.handling] = (counts[sample.handling] ?? 0) + 1
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

/** The workforce a monthly projection assumes: employees × adoption × queries a day × working days. */
export interface WorkforceAssumption {
  employees: number
  /** Share of employees who use the tool, 0..1. */
  adoption: number
  /** Queries per active user per working day. */
  queriesPerDay: number
  workingDaysPerMonth: number
}

export const DEFAULT_WORKFORCE: WorkforceAssumption = { employees: 10_000, adoption: 0.75, queriesPerDay: 30, workingDaysPerMonth: 21 }

export type CompareSection = 'spend' | 'latency' | 'throughput' | 'errors' | 'users' | 'messy-input'
export type RowUnit = 'usd' | 'ms' | 'tokens_per_s' | 'share'

export type Verdict =
  | { kind: 'winner'; target: string }
  /** The best target and every target whose difference from it is within noise. */
  | { kind: 'tie'; targets: string[] }
  | { kind: 'none'; reason: string }

/** The best target's value minus another's, with the bootstrap interval of that difference. */
export interface RowDifference {
  target: string
  against: string
  difference: number
  low: number
  high: number
}

export interface CompareRow {
  id: string
  section: CompareSection
  label: string
  /** How the value is measured, in one sentence. */
  definition: string
  unit: RowUnit
  better: 'lower' | 'higher'
  /** One per target, in the targets' order; null when the target has no value. */
  values: (number | null)[]
  /** Values (or trials) behind each target's figure. */
  counts: number[]
  /** A breakdown per target, e.g. how messy input was handled. */
  details?: (string | null)[]
  verdict: Verdict
  differences: RowDifference[]
  /** Bootstrap resamples behind the intervals (0 when no interval was needed). */
  resamples: number
}

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

export interface ComparisonTarget {
  label: string
  adapter: string
  model: string
  pricedAs: string | null
  /** Who counts this target's tokens: tokens of different families are not comparable. */
  tokenizer: string
  tokensEstimatedShare: number
  requests: { scheduled: number; sent: number; completed: number }
  thresholds: { total: number; failed: number }
  partial: boolean
  scheduleLagP99Ms: number | null
  /** Exact percentiles of completed requests' raw TTFT and e2e (ms), for the report's charts. */
  latency: { ttft_ms: Distribution; e2e_ms: Distribution }
  /** The target's run folder, relative to the comparison's folder; null when nothing was written. */
  folder: string | null
}

export interface Comparison {
  schemaVersion: number
  createdAt: string
  mode: 'concurrent' | 'sequential'
  traffic: Summary['traffic']
  targets: ComparisonTarget[]
  rows: CompareRow[]
  /** Rows each target won outright, by label. */
  wins: Record<string, number>
  ties: number
  undecided: number
  method: { summary: string; resamples: number; confidence: number; seed: number; minValues: number }
  workforce: WorkforceAssumption & { requestsPerMonth: number }
  /** What a reader must know: tokenizers, estimated tokens, partial runs. */
  notes: string[]
  /** Problems with the measurement itself, e.g. a saturated client. */
  warnings: string[]
}

export interface CompareInput {
  label: string
  summary: Summary
  data: TargetData
  /** Run folder relative to the comparison's folder. */
  folder?: string | null
}

export interface ComparisonOptions {
  seed?: number
  resamples?: number
  confidence?: number
  workforce?: Partial<WorkforceAssumption>
  mode?: 'concurrent' | 'sequential'
  createdAt?: string
  warnings?: string[]
}

/**
 * A tokenizer family for a model name. OpenAI models are counted exactly (tiktoken); other
 * vendors' tokenizers are their own, named by vendor, so two targets of different families
 * count the same text as different numbers of tokens.
 */
export function tokenizerFamily(model: string): string {
  // A provider prefix (`openai/gpt-4o-mini`, `groq/llama-3.3-70b`) says who bills, not who tokenizes.
  const bare = model.replace(/^[a-z0-9_-]+\//i, '')
  if (isExactEncoding(bare)) return `openai ${encodingForModel(bare)}`
  const name = bare.toLowerCase()
  const families: [RegExp, string][] = [
    [/claude/, 'anthropic'],
    [/gemini|gemma/, 'google'],
    [/llama/, 'meta llama'],
    [/mistral|mixtral|codestral|ministral/, 'mistral'],
    [/qwen/, 'qwen'],
    [/deepseek/, 'deepseek'],
    [/phi-/, 'microsoft phi'],
    [/command/, 'cohere'],
  ]
  for (const [pattern, family] of families) if (pattern.test(name)) return family
  return `unknown (${model})`
}

/** Fewer resamples for very large runs, so one row stays around a second of work. */
function resamplesFor(requested: number, totalValues: number): number {
  return Math.max(200, Math.min(requested, Math.floor(40_000_000 / Math.max(1, totalValues))))
}

interface RowSpec {
  id: string
  section: CompareSection
  label: string
  definition: string
  unit: RowUnit
  better: 'lower' | 'higher'
  values: (number | null)[]
  counts: number[]
  details?: (string | null)[]
  /** Why a target cannot take part, by index (e.g. spend unknown). */
  excluded?: Map<number, string>
  /** All targets out, with this reason. */
  noVerdict?: string
  /** Size of the values the bootstrap resamples, per target (for the resample budget). */
  sizes: number[]
  difference: (best: number, other: number, resamples: number, random: Random) => DifferenceEstimate
  /** Scales the difference and its interval (monthly projection from per-request spend). */
  scale?: number
  /** Shares the random stream of another row, so linked rows reach the same verdict. */
  streamId?: string
}

function decide(spec: RowSpec, labels: string[], options: { seed: number; resamples: number; confidence: number }): CompareRow {
  const row: CompareRow = {
    id: spec.id,
    section: spec.section,
    label: spec.label,
    definition: spec.definition,
    unit: spec.unit,
    better: spec.better,
    values: spec.values,
    counts: spec.counts,
    verdict: { kind: 'none', reason: '' },
    differences: [],
    resamples: 0,
  }
  if (spec.details !== undefined) row.details = spec.details
  const eligible: number[] = []
  const reasons: string[] = []
  spec.values.forEach((value, index) => {
    const excluded = spec.excluded?.get(index)
    if (excluded !== undefined) reasons.push(`${labels[index]}: ${excluded}`)
    else if (value === null || !Number.isFinite(value) || (spec.counts[index] ?? 0) < MIN_VALUES) {
      reasons.push(`${labels[index]}: ${spec.counts[index] ?? 0} values, fewer than ${MIN_VALUES}`)
    } else eligible.push(index)
  })
  if (spec.noVerdict !== undefined) {
    row.verdict = { kind: 'none', reason: spec.noVerdict }
    return row
  }
  if (eligible.length < 2) {
    row.verdict = { kind: 'none', reason: reasons.join('; ') || 'fewer than two targets have values' }
    return row
  }
  const sign = spec.better === 'lower' ? 1 : -1
  let best = eligible[0] as number
  for (const index of eligible) if (sign * (spec.values[index] as number) < sign * (spec.values[best] as number)) best = index
  const total = eligible.reduce((sum, index) => sum + (spec.sizes[index] ?? 0), 0)
  const resamples = resamplesFor(options.resamples, total)
  row.resamples = resamples
  const tied = [labels[best] as string]
  const scale = spec.scale ?? 1
  for (const other of eligible) {
    if (other === best) continue
    const random = createRandom(options.seed).fork(`${spec.streamId ?? spec.id}|${labels[best]}|${labels[other]}`)
    const estimate = spec.difference(best, other, resamples, random)
    const scaled = { difference: estimate.difference * scale, low: estimate.low * scale, high: estimate.high * scale }
    row.differences.push({ target: labels[best] as string, against: labels[other] as string, ...scaled })
    if (includesZero(estimate)) tied.push(labels[other] as string)
  }
  row.verdict = tied.length === 1 ? { kind: 'winner', target: tied[0] as string } : { kind: 'tie', targets: tied }
  return row
}

const HANDLING_GROUPS: [string, string[]][] = [
  ['4xx', ['clean-4xx']],
  ['5xx', ['5xx']],
  ['hang or gave up', ['timeout', 'abandoned']],
  ['answered', ['answered', 'answered-invalid']],
  ['broken', ['reset', 'broken-stream', 'other']],
]

/** Handling that says nothing about the input: rate limits and requests never sent. */
const HANDLING_IGNORED = new Set(['rate-limited', 'not-sent'])

function malformedCounts(counts: Record<string, number> | undefined): { clean: number; trials: number; detail: string } {
  if (counts === undefined) return { clean: 0, trials: 0, detail: 'not sent' }
  let trials = 0
  for (const [handling, count] of Object.entries(counts)) if (!HANDLING_IGNORED.has(handling)) trials += count
  const parts = HANDLING_GROUPS.map(([name, keys]) => {
    const count = keys.reduce((sum, key) => sum + (counts[key] ?? 0), 0)
    const invalid = name === 'answered' && (counts['answered-invalid'] ?? 0) > 0 ? ` (${counts['answered-invalid']} invalid)` : ''
    return `${name} ${count}${invalid}`
  })
  const unknown = Object.keys(counts).filter((key) => !HANDLING_IGNORED.has(key) && !HANDLING_GROUPS.some(([, keys]) => keys.includes(key)))
  const otherCount = unknown.reduce((sum, key) => sum + (counts[key] ?? 0), 0)
  if (otherCount > 0) parts.push(`other ${otherCount}`)
  const ignored = (counts['rate-limited'] ?? 0) + (counts['not-sent'] ?? 0)
  return {
    clean: counts['clean-4xx'] ?? 0,
    trials,
    detail: `${parts.join(', ')} of ${trials}${ignored > 0 ? ` (+${ignored} rate-limited or not sent, left out)` : ''}`,
  }
}

/** What the row builders share: the targets' values, and `decide` bound to the options. */
interface RowContext {
  data: TargetData[]
  decide(spec: RowSpec): CompareRow
  bootstrap(resamples: number, random: Random): BootstrapOptions
}

function spendRows(ctx: RowContext, workforce: WorkforceAssumption, requestsPerMonth: number): CompareRow[] {
  const { data } = ctx
  const excluded = new Map<number, string>()
  data.forEach((d, index) => {
    if (d.spendUnknown) excluded.set(index, 'spend unknown (model not priced)')
  })
  const perRequest = data.map((d, index) => (excluded.has(index) || d.requestSpendUsd.length === 0 ? null : mean(d.requestSpendUsd)))
  const requests = data.map((d) => d.requestSpendUsd.length)
  // Both rows built on spend per request share one random stream, so they always agree.
  const meanSpend = (best: number, other: number, resamples: number, random: Random): DifferenceEstimate =>
    bootstrapMeanDifference((data[best] as TargetData).requestSpendUsd, (data[other] as TargetData).requestSpendUsd, ctx.bootstrap(resamples, random))
  const perAnswer = data.map((d, index) => {
    if (excluded.has(index) || d.requestSpendUsd.length === 0) return null
    const ratio = ratioOfSums({ numerators: d.requestSpendUsd, denominators: d.requestCompleted })
    return Number.isFinite(ratio) ? ratio * 1000 : null
  })
  const answered = (d: TargetData): RatioValues => ({ numerators: d.requestSpendUsd, denominators: d.requestCompleted })
  return [
    ctx.decide({
      id: 'spend_per_1k_requests_usd',
      section: 'spend',
      label: 'spend per 1k requests',
      definition: 'USD per 1,000 requests that reached the endpoint, every attempt included (retries, abandoned streams).',
      unit: 'usd',
      better: 'lower',
      values: perRequest.map((value) => (value === null ? null : value * 1000)),
      counts: requests,
      excluded,
      sizes: requests,
      difference: meanSpend,
      scale: 1000,
      streamId: 'spend.per_request',
    }),
    ctx.decide({
      id: 'spend_per_1k_answers_usd',
      section: 'spend',
      label: 'spend per 1k completed answers',
      definition: 'USD per 1,000 requests answered in full; what failed and abandoned attempts cost is carried by the answers.',
      unit: 'usd',
      better: 'lower',
      values: perAnswer,
      counts: data.map((d) => d.requestCompleted.reduce((sum, value) => sum + value, 0)),
      excluded,
      sizes: requests,
      difference: (best, other, resamples, random) =>
        bootstrapRatioDifference(answered(data[best] as TargetData), answered(data[other] as TargetData), ctx.bootstrap(resamples, random)),
      scale: 1000,
    }),
    ctx.decide({
      id: 'spend_per_month_usd',
      section: 'spend',
      label: 'projected spend per month',
      definition: `Spend per request × ${formatWhole(requestsPerMonth)} requests a month (${formatWhole(workforce.employees)} employees × ${Math.round(workforce.adoption * 100)} % adoption × ${workforce.queriesPerDay} queries a day × ${workforce.workingDaysPerMonth} working days).`,
      unit: 'usd',
      better: 'lower',
      values: perRequest.map((value) => (value === null ? null : value * requestsPerMonth)),
      counts: requests,
      excluded,
      sizes: requests,
      difference: meanSpend,
      scale: requestsPerMonth,
      streamId: 'spend.per_request',
    }),
  ]
}

function percentileRow(
  ctx: RowContext,
  values: number[][],
  spec: Pick<RowSpec, 'id' | 'section' | 'label' | 'definition' | 'unit' | 'better'> & { p: number; noVerdict?: string },
): CompareRow {
  const { p, noVerdict, ...rest } = spec
  const row: RowSpec = {
    ...rest,
    values: values.map((list) => (list.length === 0 ? null : percentile(list, p))),
    counts: values.map((list) => list.length),
    sizes: values.map((list) => list.length),
    difference: (best, other, resamples, random) =>
      bootstrapPercentileDifference(values[best] as number[], values[other] as number[], p, ctx.bootstrap(resamples, random)),
  }
  if (noVerdict !== undefined) row.noVerdict = noVerdict
  return ctx.decide(row)
}

function latencyRows(ctx: RowContext): CompareRow[] {
  const rows: CompareRow[] = []
  for (const [metric, name, what, values] of [
    ['ttft_ms', 'TTFT', 'the first token of an answer', ctx.data.map((d) => d.ttftMs)],
    ['e2e_ms', 'e2e', 'the end of an answer', ctx.data.map((d) => d.e2eMs)],
  ] as const) {
    for (const p of [50, 95, 99]) {
      rows.push(
        percentileRow(ctx, values, {
          id: `${metric}.p${p}`,
          section: 'latency',
          label: `${name} p${p}`,
          definition: `Time to ${what}, from the scheduled send time; p${p} of completed requests.`,
          unit: 'ms',
          better: 'lower',
          p,
        }),
      )
    }
  }
  return rows
}

function rateRow(ctx: RowContext, spec: Pick<RowSpec, 'id' | 'section' | 'label' | 'definition' | 'better' | 'details'>, counts: RateCounts[]): CompareRow {
  return ctx.decide({
    ...spec,
    unit: 'share',
    values: counts.map((c) => (c.trials === 0 ? null : c.events / c.trials)),
    counts: counts.map((c) => c.trials),
    sizes: counts.map((c) => c.trials),
    difference: (best, other, resamples, random) => bootstrapRateDifference(counts[best] as RateCounts, counts[other] as RateCounts, ctx.bootstrap(resamples, random)),
  })
}

function reliabilityRows(ctx: RowContext): CompareRow[] {
  const { data } = ctx
  return [
    rateRow(
      ctx,
      { id: 'error_rate', section: 'errors', label: 'error rate', better: 'lower', definition: 'Share of sent requests whose final attempt failed (HTTP error, timeout, reset, broken stream).' },
      data.map((d) => ({ events: d.errors, trials: d.sent })),
    ),
    rateRow(
      ctx,
      { id: 'rate_limited_rate', section: 'errors', label: '429 rate', better: 'lower', definition: 'Share of sent attempts (retries included) answered HTTP 429 Too Many Requests.' },
      data.map((d) => ({ events: d.rateLimited, trials: d.attempts })),
    ),
    rateRow(
      ctx,
      { id: 'abandon_rate', section: 'users', label: 'abandonment rate', better: 'lower', definition: 'Share of sent requests the simulated user gave up on because the answer was too slow.' },
      data.map((d) => ({ events: d.abandoned, trials: d.sent })),
    ),
  ]
}

/** One row per malformed-input kind any target saw. */
function malformedRows(ctx: RowContext): CompareRow[] {
  const kinds = [...new Set(ctx.data.flatMap((d) => Object.keys(d.malformed)))].sort()
  return kinds.map((kind) => {
    const counts = ctx.data.map((d) => malformedCounts(d.malformed[kind]))
    return rateRow(
      ctx,
      {
        id: `malformed.${kind}`,
        section: 'messy-input',
        label: `messy input: ${kind}`,
        definition: `Share of requests with '${kind}' input rejected cleanly with a 4xx, rather than a 5xx, a hang, a broken stream or an answer; rate limits and unsent requests left out.`,
        better: 'higher',
        details: counts.map((c) => c.detail),
      },
      counts.map((c) => ({ events: c.clean, trials: c.trials })),
    )
  })
}

function comparisonTarget(input: CompareInput, tokenizer: string): ComparisonTarget {
  const s = input.summary
  return {
    label: input.label,
    adapter: s.target.adapter,
    model: s.target.model,
    pricedAs: s.target.pricedAs,
    tokenizer,
    tokensEstimatedShare: s.tokens.estimated_share,
    requests: { scheduled: s.requests.scheduled, sent: s.requests.sent, completed: s.requests.completed },
    thresholds: { total: s.thresholds.length, failed: s.thresholds.filter((row) => !row.pass).length },
    partial: s.partial,
    scheduleLagP99Ms: s.latency.schedule_lag_ms.p99,
    latency: { ttft_ms: distributionOf(input.data.ttftMs), e2e_ms: distributionOf(input.data.e2eMs) },
    folder: input.folder ?? null,
  }
}

function comparisonNotes(targets: ComparisonTarget[], data: TargetData[], mixedTokenizers: boolean): string[] {
  const notes: string[] = []
  if (mixedTokenizers) {
    notes.push(
      `The targets count tokens with different tokenizers (${targets.map((t) => `${t.label}: ${t.tokenizer}`).join('; ')}): the same text is a different number of tokens for each, so compare spend and time, not raw token counts or tokens per second.`,
    )
  }
  targets.forEach((target, index) => {
    const d = data[index] as TargetData
    const lost = d.sent === 0 ? 0 : (d.errors + d.abandoned) / d.sent
    if (lost >= 0.05) {
      notes.push(
        `${target.label}: ${(lost * 100).toFixed(1)} % of sent requests failed or were abandoned. Its latency percentiles cover only the requests that completed, which flatters it, and a failed request costs little, so its spend per request understates what an answer costs: read its error and abandonment rates and its spend per completed answer beside them.`,
      )
    }
  })
  for (const target of targets) {
    if (target.tokensEstimatedShare > 0) {
      notes.push(`${target.label}: ${(target.tokensEstimatedShare * 100).toFixed(1)} % of attempts had no server-reported usage; their tokens (and spend) are tiktoken estimates.`)
    }
    if (target.pricedAs === null) notes.push(`${target.label}: the model has no price in the table, so its spend is unknown (pass --prices FILE).`)
    if (target.partial) notes.push(`${target.label}: partial run (interrupted); its figures cover what was recorded.`)
  }
  return notes
}

/** Per-target summaries and values -> the comparison: rows with winners, method and notes. */
export function buildComparison(inputs: readonly CompareInput[], options: ComparisonOptions = {}): Comparison {
  const seed = options.seed ?? 1
  const requested = options.resamples ?? DEFAULT_RESAMPLES
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE
  const workforce: WorkforceAssumption = { ...DEFAULT_WORKFORCE, ...options.workforce }
  const { requestsPerMonth } = forecastSpend({ perRequestUsd: null, ...workforce })
  const labels = inputs.map((input) => input.label)
  const data = inputs.map((input) => input.data)
  const ctx: RowContext = {
    data,
    decide: (spec) => decide(spec, labels, { seed, resamples: requested, confidence }),
    bootstrap: (resamples, random) => ({ resamples, confidence, random }),
  }
  const tokenizers = inputs.map((input) => tokenizerFamily(input.summary.target.pricedAs ?? input.summary.target.model))
  const mixedTokenizers = new Set(tokenizers).size > 1
  const speedRow = percentileRow(
    ctx,
    data.map((d) => d.outputTokensPerS),
    {
      id: 'output_tokens_per_s.p50',
      section: 'throughput',
      label: 'output tokens/s per request (median)',
      definition: 'Per completed request: (output tokens − 1) / (e2e − TTFT), the streaming speed after the first token; the median over requests.',
      unit: 'tokens_per_s',
      better: 'higher',
      p: 50,
      ...(mixedTokenizers ? { noVerdict: 'the targets count tokens with different tokenizers: compare time and spend instead' } : {}),
    },
  )
  const rows = [...spendRows(ctx, workforce, requestsPerMonth), ...latencyRows(ctx), speedRow, ...reliabilityRows(ctx), ...malformedRows(ctx)]

  const wins: Record<string, number> = Object.fromEntries(labels.map((label) => [label, 0]))
  let ties = 0
  let undecided = 0
  for (const row of rows) {
    if (row.verdict.kind === 'winner') wins[row.verdict.target] = (wins[row.verdict.target] ?? 0) + 1
    else if (row.verdict.kind === 'tie') ties++
    else undecided++
  }
  const targets = inputs.map((input, index) => comparisonTarget(input, tokenizers[index] as string))
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    createdAt: options.createdAt ?? inputs[0]?.summary.startedAt ?? new Date(0).toISOString(),
    mode: options.mode ?? 'concurrent',
    traffic: inputs[0]?.summary.traffic ?? { source: 'none', requests: null, seed: null, segment: null },
    targets,
    rows,
    wins,
    ties,
    undecided,
    method: {
      summary:
        `Each row names a winner only when a seeded bootstrap ${Math.round(confidence * 100)} % confidence interval of the difference between the best target and each other target excludes 0; otherwise the targets within noise tie. ` +
        `Percentiles and means resample per-request values, rates resample outcomes, spend per answer resamples requests; each target is resampled on its own (${formatWhole(requested)} resamples, fewer for very large runs). ` +
        `Rows need at least ${MIN_VALUES} values per target. Percentiles here are exact nearest-rank values over raw requests; each target's own report reads them from HDR histograms (3 significant digits).`,
      resamples: requested,
      confidence,
      seed,
      minValues: MIN_VALUES,
    },
    workforce: { ...workforce, requestsPerMonth },
    notes: comparisonNotes(targets, data, mixedTokenizers),
    warnings: [...(options.warnings ?? [])],
  }
}

function formatWhole(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}
