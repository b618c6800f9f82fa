// `gauntlet k6 import`: a k6 end-of-test summary -> gauntlet's summary shape. Reads the
// `summary.json` our exported scripts write (k6 data wrapped with the plan), k6's own
// handleSummary data, and k6's legacy `--summary-export` file (flat metrics, rate as `value`,
// thresholds as `true` = failed). The mapping is one pure function, k6SummaryToSummary().
import { readFile, mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { join } from 'node:path'
import { UserError } from '../../core/errors.js'
import type { LatencyStats } from '../../results/summary.js'
import { K6_METRICS, K6_OUTCOMES, K6_SUMMARY_SCHEMA, K6_SURFACE_THRESHOLD } from './scripts/lib/plan.js'

export type K6SummaryFormat = 'gauntlet' | 'k6-handle-summary' | 'k6-summary-export'

/** Like the engine's LatencyStats, but `count` is null when k6 was not asked for it. */
export type K6LatencyStats = Omit<LatencyStats, 'count'> & { count: number | null }

export type K6LatencyMetric = 'ttft_ms' | 'ttft_service_ms' | 'tpot_ms' | 'e2e_ms' | 'e2e_service_ms' | 'schedule_lag_ms'

const LATENCY_SOURCES: ReadonlyArray<[K6LatencyMetric, string]> = [
  ['ttft_ms', K6_METRICS.ttft],
  ['ttft_service_ms', K6_METRICS.ttftService],
  ['tpot_ms', K6_METRICS.tpot],
  ['e2e_ms', K6_METRICS.e2e],
  ['e2e_service_ms', K6_METRICS.e2eService],
  ['schedule_lag_ms', K6_METRICS.scheduleLag],
]

export interface K6ImportedSummary {
  source: 'k6'
  format: K6SummaryFormat
  /** From the export's plan; null for summaries of other scripts or the legacy export. */
  target: { vendor: string; model: string; baseUrl: string } | null
  traffic: { source: string; requests: number; seed: number | null } | null
  stream: boolean | null
  schedule: string | null
  durationMs: number | null
  requests: {
    /** Requests in the exported traffic. */
    scheduled: number | null
    /** Requests k6 sent (`llm_requests`). */
    sent: number | null
    /** Sent and answered completely (`llm_requests{outcome:ok}`). */
    completed: number | null
    /** Final outcome of each sent request, plus `dropped` (iterations k6 could not start). */
    byOutcome: Record<string, number>
    per_s: number | null
  }
  latency: Record<K6LatencyMetric, K6LatencyStats>
  tokens: { input: number | null; cached_input: number | null; output: number | null }
  spend: { usd: number | 'unknown'; answers_without_spend: number | null }
  errors: { rate: number | null; count: number | null }
  abandonment: { rate: number | null; abandoned: number | null }
  checks: { passes: number; fails: number } | null
  thresholds: Array<{ metric: string; expression: string; text: string | null; pass: boolean }>
  /** k6's own HTTP metrics (service time without connection setup), for comparison. */
  http: { requests: number | null; failed_rate: number | null; duration_ms: K6LatencyStats }
  notes: string[]
}

type Values = Record<string, number>

interface NormalizedMetric {
  values: Values
  /** expression -> passed */
  thresholds: Record<string, boolean>
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function numericValues(record: Record<string, unknown>): Values {
  const values: Values = {}
  for (const [key, value] of Object.entries(record)) if (typeof value === 'number' && Number.isFinite(value)) values[key] = value
  return values
}

/** Brings both k6 metric shapes to { values, thresholds: expression -> passed }. */
function normalizeMetric(raw: unknown, legacy: boolean): NormalizedMetric | undefined {
  if (!isRecord(raw)) return undefined
  const thresholds: Record<string, boolean> = {}
  if (isRecord(raw['thresholds'])) {
    for (const [expression, result] of Object.entries(raw['thresholds'])) {
      // handleSummary: { ok: true }; legacy export: true means the threshold FAILED.
      if (isRecord(result) && typeof result['ok'] === 'boolean') thresholds[expression] = result['ok']
      else if (typeof result === 'boolean') thresholds[expression] = !result
    }
  }
  if (!legacy && isRecord(raw['values'])) return { values: numericValues(raw['values']), thresholds }
  const values = numericValues(raw)
  // The legacy export renames a rate's `rate` to `value`.
  if (values['rate'] === undefined && values['value'] !== undefined && values['passes'] !== undefined) values['rate'] = values['value']
  return { values, thresholds }
}

interface Unwrapped {
  format: K6SummaryFormat
  data: Record<string, unknown>
  plan: Record<string, unknown> | null
}

function unwrap(input: unknown, source: string): Unwrapped {
  const fail = (problem: string): never => {
    throw new UserError(
      'K6_SUMMARY_INVALID',
      `${source}: ${problem}; expected the summary.json written by a \`gauntlet k6 export\` script, k6 handleSummary data, or a k6 --summary-export file`,
    )
  }
  if (!isRecord(input)) return fail('is not a JSON object')
  if (input['schema'] === K6_SUMMARY_SCHEMA) {
    if (!isRecord(input['k6'])) return fail("has no 'k6' object")
    return { format: 'gauntlet', data: input['k6'], plan: isRecord(input['plan']) ? input['plan'] : null }
  }
  if (typeof input['schema'] === 'string' && input['schema'].startsWith('gauntlet-k6-summary/')) {
    return fail(`has schema '${input['schema']}', which this version does not read (it reads ${K6_SUMMARY_SCHEMA})`)
  }
  if (!isRecord(input['metrics'])) return fail("has no 'metrics' object")
  const metrics = Object.values(input['metrics'])
  const nested = metrics.some((metric) => isRecord(metric) && isRecord(metric['values']))
  return { format: nested ? 'k6-handle-summary' : 'k6-summary-export', data: input, plan: null }
}

function stats(values: Values | undefined): K6LatencyStats {
  const pick = (...keys: string[]): number | null => {
    if (values === undefined) return null
    for (const key of keys) if (values[key] !== undefined) return values[key] as number
    return null
  }
  const count = pick('count')
  // A trend with no samples: k6 reports zeros, which are not latencies.
  if (count === 0) return { count: 0, p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, min: null }
  return {
    count,
    p50: pick('p(50)', 'med'),
    p90: pick('p(90)'),
    p95: pick('p(95)'),
    p99: pick('p(99)'),
    p999: pick('p(99.9)'),
    max: pick('max'),
    mean: pick('avg'),
    min: pick('min'),
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/**
 * Maps a k6 summary (any of the three shapes) to gauntlet's summary shape. Counts k6 did not
 * record stay null, never 0. `source` names the file in error messages.
 */
export function k6SummaryToSummary(input: unknown, source: string = 'k6 summary'): K6ImportedSummary {
  const { format, data, plan } = unwrap(input, source)
  const legacy = format === 'k6-summary-export'
  const rawMetrics = data['metrics'] as Record<string, unknown>
  const metrics = new Map<string, NormalizedMetric>()
  for (const [name, raw] of Object.entries(rawMetrics)) {
    const metric = normalizeMetric(raw, legacy)
    if (metric !== undefined) metrics.set(name, metric)
  }
  const values = (name: string): Values | undefined => metrics.get(name)?.values
  const countOf = (name: string): number | null => values(name)?.['count'] ?? null
  const notes: string[] = []

  const byOutcome: Record<string, number> = {}
  for (const outcome of K6_OUTCOMES) {
    const count = countOf(`${K6_METRICS.requests}{outcome:${outcome}}`)
    if (count !== null && count > 0) byOutcome[outcome] = count
  }
  const dropped = countOf('dropped_iterations')
  if (dropped !== null && dropped > 0) {
    byOutcome['dropped'] = dropped
    notes.push(`k6 could not start ${dropped} iterations (dropped_iterations): raise --max-vus or use more k6 instances`)
  }
  const sent = countOf(K6_METRICS.requests)
  const outcomesKnown = [...metrics.keys()].some((name) => name.startsWith(`${K6_METRICS.requests}{outcome:`))
  const completed = outcomesKnown ? (byOutcome['ok'] ?? 0) : null
  if (sent !== null && !outcomesKnown) notes.push('per-outcome counts are missing (the llm_requests{outcome:…} submetrics were not in the summary)')

  const planRecord = plan ?? {}
  const target = isRecord(planRecord['target'])
    ? { vendor: str(planRecord['target']['vendor']) ?? '', model: str(planRecord['target']['model']) ?? '', baseUrl: str(planRecord['target']['baseUrl']) ?? '' }
    : null
  const scheduled = typeof planRecord['requestCount'] === 'number' ? planRecord['requestCount'] : null
  const traffic =
    plan === null
      ? null
      : {
          source: str(planRecord['trafficSource']) ?? '',
          requests: scheduled ?? 0,
          seed: typeof planRecord['trafficSeed'] === 'number' ? planRecord['trafficSeed'] : null,
        }
  if (scheduled !== null && sent !== null && dropped === null && sent < scheduled) {
    notes.push(`${scheduled - sent} of ${scheduled} planned requests were not sent (test stopped early, or abandoned before sending)`)
  }

  const latency = {} as Record<K6LatencyMetric, K6LatencyStats>
  for (const [name, metric] of LATENCY_SOURCES) latency[name] = stats(values(metric))
  if (plan !== null && planRecord['stream'] === false) notes.push('non-streaming replay: TTFT is not measured (core k6 buffers bodies)')

  const spendCount = countOf(K6_METRICS.spendUsd)
  const withoutSpend = countOf(K6_METRICS.unpriced)
  const priced = typeof planRecord['priced'] === 'boolean' ? planRecord['priced'] : null
  let usd: number | 'unknown'
  if (priced === false) {
    usd = 'unknown'
    notes.push('the model was not priced at export: spend is unknown')
  } else if (spendCount !== null && (spendCount > 0 || (withoutSpend ?? 0) === 0)) {
    usd = spendCount
  } else usd = 'unknown'
  if (usd !== 'unknown' && withoutSpend !== null && withoutSpend > 0) {
    notes.push(`${withoutSpend} answers reported no token usage and are not in spend`)
  }

  const errors = values(K6_METRICS.errors)
  const abandoned = values(K6_METRICS.abandoned)
  const checks = values('checks')
  const plannedThresholds = Array.isArray(planRecord['thresholds']) ? (planRecord['thresholds'] as unknown[]) : []
  const thresholds: K6ImportedSummary['thresholds'] = []
  for (const [name, metric] of metrics) {
    for (const [expression, pass] of Object.entries(metric.thresholds)) {
      if (expression === K6_SURFACE_THRESHOLD && name.startsWith(`${K6_METRICS.requests}{`)) continue
      const planned = plannedThresholds.find((t) => isRecord(t) && t['metric'] === name && t['expression'] === expression)
      thresholds.push({ metric: name, expression, text: isRecord(planned) ? str(planned['text']) : null, pass })
    }
  }
  const state = isRecord(data['state']) ? data['state'] : {}
  const durationMs = typeof state['testRunDurationMs'] === 'number' ? state['testRunDurationMs'] : null

  return {
    source: 'k6',
    format,
    target,
    traffic,
    stream: typeof planRecord['stream'] === 'boolean' ? planRecord['stream'] : null,
    schedule: str(planRecord['schedule']),
    durationMs,
    requests: {
      scheduled,
      sent,
      completed,
      byOutcome,
      per_s: values(K6_METRICS.requests)?.['rate'] ?? null,
    },
    latency,
    tokens: {
      input: countOf(K6_METRICS.inputTokens),
      cached_input: countOf(K6_METRICS.cachedInputTokens),
      output: countOf(K6_METRICS.outputTokens),
    },
    spend: { usd, answers_without_spend: withoutSpend },
    errors: { rate: errors?.['rate'] ?? null, count: errors?.['passes'] ?? null },
    abandonment: { rate: abandoned?.['rate'] ?? null, abandoned: abandoned?.['passes'] ?? null },
    checks: checks === undefined ? null : { passes: checks['passes'] ?? 0, fails: checks['fails'] ?? 0 },
    thresholds,
    http: {
      requests: countOf('http_reqs'),
      failed_rate: values('http_req_failed')?.['rate'] ?? null,
      duration_ms: stats(values('http_req_duration')),
    },
    notes,
  }
}

/** Reads a k6 summary file, maps it and writes `<outDir>/summary.json`. */
export async function importK6Summary(file: string, outDir: string): Promise<{ summary: K6ImportedSummary; path: string }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UserError('FILE_NOT_FOUND', `k6 import: cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? 'error'}); give the summary.json k6 wrote`, {
      cause: error,
    })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UserError('K6_SUMMARY_INVALID', `${file}: not valid JSON (${(error as Error).message}); give the summary.json k6 wrote`, { cause: error })
  }
  const summary = k6SummaryToSummary(parsed, file)
  await mkdir(outDir, { recursive: true })
  const path = join(outDir, 'summary.json')
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`)
  return { summary, path }
}

/** A table cell of milliseconds (no unit, no thousands separator), as the k6 summary table prints. */
function msCell(value: number | null): string {
  return value === null ? '-' : value >= 100 ? value.toFixed(0) : value.toFixed(1)
}

/** A short terminal table of an imported summary. */
export function formatK6Summary(summary: K6ImportedSummary): string {
  const lines: string[] = []
  const target = summary.target === null ? '' : ` ${summary.target.vendor}:${summary.target.model}`
  lines.push(`k6 summary (${summary.format})${target}${summary.durationMs === null ? '' : `, ${(summary.durationMs / 1000).toFixed(1)} s`}`)
  const outcomes = Object.entries(summary.requests.byOutcome)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ')
  lines.push(`  requests   ${summary.requests.sent ?? '-'} sent${summary.requests.scheduled === null ? '' : ` of ${summary.requests.scheduled}`}${outcomes === '' ? '' : ` (${outcomes})`}`)
  lines.push('  latency ms       p50      p90      p95      p99      max     n')
  for (const metric of ['ttft_ms', 'e2e_ms', 'e2e_service_ms', 'schedule_lag_ms'] as const) {
    const s = summary.latency[metric]
    if (s.count === 0 || (s.count === null && s.p50 === null)) continue
    lines.push(`  ${metric.padEnd(15)} ${[s.p50, s.p90, s.p95, s.p99, s.max].map((v) => msCell(v).padStart(8)).join(' ')} ${String(s.count ?? '-').padStart(5)}`)
  }
  lines.push(`  tokens     input ${summary.tokens.input ?? '-'}, output ${summary.tokens.output ?? '-'}`)
  lines.push(`  spend      ${summary.spend.usd === 'unknown' ? 'unknown' : `$${summary.spend.usd.toFixed(6)}`}`)
  const rate = (value: number | null): string => (value === null ? '-' : `${(value * 100).toFixed(2)}%`)
  lines.push(`  errors     ${rate(summary.errors.rate)}   abandoned ${rate(summary.abandonment.rate)}`)
  for (const threshold of summary.thresholds) lines.push(`  ${threshold.pass ? 'PASS' : 'FAIL'} ${threshold.text ?? `${threshold.metric} ${threshold.expression}`}`)
  for (const note of summary.notes) lines.push(`  note: ${note}`)
  return `${lines.join('\n')}\n`
}
