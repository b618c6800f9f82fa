// summary-*.csv: the summary's tables flat, one file each: totals, outcomes, latency per metric,
// tasks, phases and time-series buckets. Per-outcome counts become `outcome_<key>` columns.
import { stringify } from 'csv-stringify/sync'
import { LATENCY_METRICS, type GroupStats, type LatencyStats, type Summary } from '../summary.js'

type Cell = string | number | boolean | null | undefined
type Row = Record<string, Cell>

const STATS = ['count', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'min'] as const satisfies readonly (keyof LatencyStats)[]

/** File name → CSV text. */
export function summaryCsvFiles(summary: Summary): Record<string, string> {
  return {
    'summary-totals.csv': table(['name', 'value'], totalsRows(summary)),
    'summary-outcomes.csv': table(['outcome', 'requests'], Object.entries(summary.requests.byOutcome).map(([outcome, requests]) => ({ outcome, requests }))),
    'summary-latency.csv': table(['metric', ...STATS], LATENCY_METRICS.map((metric) => ({ metric, ...pick(summary.latency[metric]) }))),
    'summary-tasks.csv': table(['task', 'requests'], Object.entries(summary.tasks).map(([task, group]) => ({ task, ...groupRow(group) }))),
    'summary-phases.csv': table(
      ['phase', 'fromMs', 'toMs', 'requests'],
      Object.entries(summary.phases).map(([phase, group]) => ({ phase, fromMs: group.fromMs, toMs: group.toMs, ...groupRow(group) })),
    ),
    'summary-timeseries.csv': table(
      ['t', 'scheduled'],
      summary.timeseries.buckets.map((bucket) => {
        const { byOutcome, ...rest } = bucket
        return { ...rest, ...outcomeColumns(byOutcome) }
      }),
    ),
  }
}

function totalsRows(summary: Summary): Row[] {
  const sections = {
    requests: { ...summary.requests, byOutcome: undefined },
    throughput: summary.throughput,
    goodput: { requests: summary.goodput.requests, requests_per_s: summary.goodput.requests_per_s, share: summary.goodput.share },
    tokens: summary.tokens,
    spend: { usd: summary.spend.usd, per_1k_requests_usd: summary.spend.per_1k_requests_usd, wasted_usd: summary.spend.wasted_usd },
    abandonment: summary.abandonment,
    retries: summary.retries,
    errors: { rate: summary.errors.rate },
  }
  const rows: Row[] = [
    { name: 'run', value: summary.name },
    { name: 'partial', value: summary.partial },
    { name: 'duration_ms', value: summary.durationMs },
  ]
  for (const [section, fields] of Object.entries(sections)) {
    for (const [field, value] of Object.entries(fields)) if (value !== undefined) rows.push({ name: `${section}.${field}`, value: value as Cell })
  }
  return rows
}

function pick(stats: LatencyStats): Row {
  return Object.fromEntries(STATS.map((stat) => [stat, stats[stat]]))
}

function groupRow(group: GroupStats): Row {
  const row: Row = {
    requests: group.requests,
    error_rate: group.error_rate,
    abandon_rate: group.abandon_rate,
    spend_usd: group.spend_usd,
    wasted_usd: group.wasted_usd,
    retry_amplification: group.retry_amplification,
    input_tokens: group.input_tokens,
    output_tokens: group.output_tokens,
    ok_input_tokens: group.ok_input_tokens,
    ok_output_tokens: group.ok_output_tokens,
  }
  for (const metric of ['ttft_ms', 'e2e_ms'] as const) for (const stat of ['p50', 'p95', 'p99'] as const) row[`${metric}_${stat}`] = group[metric][stat]
  return { ...row, ...outcomeColumns(group.byOutcome) }
}

function outcomeColumns(byOutcome: Record<string, number>): Row {
  return Object.fromEntries(Object.entries(byOutcome).map(([key, count]) => [`outcome_${key}`, count]))
}

/**
 * Columns: `first`, then every other key of the rows in first-seen order (an empty table keeps
 * its header). Absent cells stay empty, absent outcome counts are 0.
 */
function table(first: readonly string[], rows: readonly Row[]): string {
  const columns: string[] = [...first]
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  const cells = rows.map((row) => columns.map((column) => cell(row[column], column)))
  return stringify(cells, { header: true, columns })
}

function cell(value: Cell, column: string): string {
  if (value === undefined || value === null) return column.startsWith('outcome_') ? '0' : ''
  return String(value)
}
