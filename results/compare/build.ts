// buildComparison: per-target summaries and values -> the comparison (targets, rows with winners, method, notes).
import { DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES } from '../bootstrap.js'
import { forecastSpend } from '../cost.js'
import { decide, MIN_VALUES, type RowContext } from './decide.js'
import { distributionOf } from './distribution.js'
import { formatWhole } from './format.js'
import { latencyRows, percentileRow } from './latency-rows.js'
import { accuracyRows } from './accuracy-rows.js'
import { malformedRows } from './malformed-rows.js'
import { comparisonNotes } from './notes.js'
import { reliabilityRows } from './rate-rows.js'
import { spendRows } from './spend-rows.js'
import { tokenizerFamily } from './tokenizer.js'
import { COMPARISON_SCHEMA_VERSION, DEFAULT_WORKFORCE, type CompareInput, type Comparison, type ComparisonOptions, type ComparisonTarget, type WorkforceAssumption } from './types.js'

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
  const rows = [...spendRows(ctx, workforce, requestsPerMonth), ...latencyRows(ctx), speedRow, ...reliabilityRows(ctx), ...malformedRows(ctx), ...accuracyRows(ctx)]

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
