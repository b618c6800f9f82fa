// The run summary as text for a terminal or a CI log: verdict first, then the detail.
import type { LiveFigures } from './live-view.js'
import { accuracyLines } from '../accuracy/terminal-lines.js'
import { cachingLine, conversationLines } from '../conversations/terminal-lines.js'
import type { LatencyMetric, Summary } from '../summary.js'
import { cpuJudged } from '../client-health.js'
import { formatCount, formatDuration, formatMsValue, formatNumber, formatPercent, formatUsd, table } from './format.js'

const LATENCY_ROWS: [LatencyMetric, string][] = [
  ['ttft_ms', 'TTFT'],
  ['e2e_ms', 'e2e'],
  ['tpot_ms', 'TPOT'],
  ['itl_ms', 'ITL'],
  ['ttft_service_ms', 'TTFT (from send)'],
  ['e2e_service_ms', 'e2e (from send)'],
  ['schedule_lag_ms', 'schedule lag'],
]

/** `files`: what the command wrote in `outDir` (default: a run folder's summary, records and histograms). */
export function renderTerminalSummary(summary: Summary, options: { outDir?: string | null; files?: readonly string[] } = {}): string {
  const lines: string[] = []
  const r = summary.requests
  const failedThresholds = summary.thresholds.filter((row) => !row.pass)
  const verdict =
    summary.thresholds.length === 0
      ? 'no thresholds set'
      : failedThresholds.length === 0
        ? `all ${summary.thresholds.length} thresholds passed`
        : `${failedThresholds.length} of ${summary.thresholds.length} thresholds FAILED`
  lines.push(
    `${summary.partial ? 'PARTIAL ' : ''}run ${summary.runId} against ${summary.target.label} — ${formatDuration(summary.durationMs)}; ${verdict}`,
  )
  const outcomes = Object.entries(r.byOutcome)
    .filter(([key]) => key !== 'ok')
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key} ${formatNumber(count)}`)
  lines.push(
    `requests    ${formatNumber(r.scheduled)} due, ${formatNumber(r.sent)} sent, ${formatNumber(r.completed)} ok` +
      (outcomes.length > 0 ? `; ${outcomes.join(', ')}` : '') +
      (summary.retries.amplification > 1 ? `; ${formatNumber(r.attempts)} attempts (×${summary.retries.amplification.toFixed(2)})` : ''),
  )
  lines.push('')
  const rows = [['latency (ms)', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'n']]
  const distorted = new Set(summary.client?.distorted ?? [])
  for (const [metric, label] of LATENCY_ROWS) {
    const s = summary.latency[metric]
    if (s.count === 0) continue
    rows.push([distorted.has(metric) ? `${label} *` : label, formatMsValue(s.p50), formatMsValue(s.p90), formatMsValue(s.p95), formatMsValue(s.p99), formatMsValue(s.p999), formatMsValue(s.max), formatCount(s.count)])
  }
  lines.push(table(rows))
  lines.push('(TTFT and e2e are measured from the scheduled send time; "from send" excludes client-side lag)')
  const client = summary.client
  if (client !== undefined) {
    const loop = client.eventLoopDelayP99Ms === null ? 'n/a' : `${formatNumber(client.eventLoopDelayP99Ms, 1)} ms`
    lines.push(
      `client      ${client.verdict === 'ok' ? 'ok' : client.verdict.toUpperCase()}: event-loop delay p99 ${loop}, ${formatPercent(client.cpuCores)} of a core` +
        (client.workers > 1 ? ` over ${client.workers} workers` : '') +
        (cpuJudged(client) ? '' : ` (over ${formatNumber(client.watchedMs ?? 0)} ms: too short to judge)`) +
        (distorted.size > 0 ? '; * = may be distorted by the client itself (see notes)' : ''),
    )
  }
  lines.push('')
  const slo = Object.entries(summary.goodput.slo)
    .map(([key, value]) => `${key} ≤ ${formatNumber(value)}`)
    .join(', ')
  lines.push(
    `throughput  ${formatNumber(summary.throughput.requests_per_s, 2)} req/s, ${formatNumber(summary.throughput.output_tokens_per_s, 0)} output tokens/s; goodput ${formatNumber(summary.goodput.requests_per_s, 2)} req/s (${formatPercent(summary.goodput.share)} of sent within ${slo})`,
  )
  const t = summary.tokens
  lines.push(
    `tokens      ${formatCount(t.input)} input (${formatCount(t.cached_input)} cached), ${formatCount(t.output)} output${t.reasoning > 0 ? ` (${formatCount(t.reasoning)} reasoning)` : ''}; ${formatPercent(t.estimated_share)} estimated`,
  )
  lines.push(
    `spend       ${formatUsd(summary.spend.usd)} total, ${formatUsd(summary.spend.per_1k_requests_usd)} per 1k requests${summary.target.pricedAs === null ? '' : ` (priced as ${summary.target.pricedAs})`}`,
  )
  if (summary.caching !== undefined) lines.push(cachingLine(summary.caching))
  const a = summary.abandonment
  lines.push(
    `users       ${formatPercent(a.rate)} abandoned (${formatNumber(a.abandoned)}, ${formatNumber(a.abandoned_before_first_token)} before the first token), wasted ${formatUsd(a.wasted_usd)}; ${formatNumber(a.users_quit)} of ${formatNumber(a.users)} users quit, ${formatNumber(a.lost_demand)} requests of lost demand`,
  )
  lines.push(`errors      ${formatPercent(summary.errors.rate, 2)}${Object.keys(summary.errors.byCode).length > 0 ? ` (${Object.entries(summary.errors.byCode).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`)
  const taskRows = Object.entries(summary.tasks)
  if (taskRows.length > 1) {
    lines.push('')
    const rowsByTask = [['task', 'requests', 'TTFT p95', 'e2e p95', 'errors', 'abandoned', 'spend']]
    for (const [task, g] of taskRows.sort((x, y) => y[1].requests - x[1].requests)) {
      rowsByTask.push([task, formatNumber(g.requests), formatMsValue(g.ttft_ms.p95), formatMsValue(g.e2e_ms.p95), formatPercent(g.error_rate), formatPercent(g.abandon_rate), formatUsd(g.spend_usd)])
    }
    lines.push(table(rowsByTask))
  }
  const phaseRows = Object.entries(summary.phases)
  if (phaseRows.length > 0) {
    lines.push('')
    const rowsByPhase = [['phase', 'requests', 'TTFT p95', 'e2e p95', 'errors', 'abandoned', 'retry ×', 'top outcome']]
    for (const [phase, g] of phaseRows.sort((x, y) => x[1].fromMs - y[1].fromMs)) {
      const top = Object.entries(g.byOutcome).filter(([k]) => k !== 'ok').sort((x, y) => y[1] - x[1])[0]
      rowsByPhase.push([phase, formatNumber(g.requests), formatMsValue(g.ttft_ms.p95), formatMsValue(g.e2e_ms.p95), formatPercent(g.error_rate), formatPercent(g.abandon_rate), g.retry_amplification.toFixed(2), top === undefined ? '–' : `${top[0]} ${top[1]}`])
    }
    lines.push(table(rowsByPhase))
  }
  const malformed = Object.entries(summary.malformed)
  if (malformed.length > 0) {
    lines.push('')
    lines.push('malformed input handling:')
    for (const [kind, counts] of malformed) {
      lines.push(`  ${kind.padEnd(24)} ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    }
  }
  if (summary.accuracy !== undefined) lines.push(...accuracyLines(summary.accuracy))
  if (summary.conversations !== undefined) lines.push(...conversationLines(summary.conversations))
  if (summary.thresholds.length > 0) {
    lines.push('')
    const rowsThresholds = [['threshold', 'actual', 'result']]
    for (const row of summary.thresholds) {
      rowsThresholds.push([row.text, row.actual === null ? '–' : formatNumber(row.actual, row.actual < 10 ? 4 : 1), row.pass ? 'pass' : `FAIL${row.reason === undefined ? '' : ` (${row.reason})`}`])
    }
    lines.push(table(rowsThresholds, ['l', 'r', 'l']))
  }
  for (const note of summary.notes) lines.push(`note: ${note}`)
  if (options.outDir !== undefined && options.outDir !== null) {
    lines.push('')
    const files = options.files ?? ['summary.json', 'records.jsonl', 'histograms.json']
    lines.push(`results in ${options.outDir}/ (${files.join(', ')})`)
  }
  return lines.join('\n')
}

/** One status line for live progress. */
export function renderProgressLine(p: Omit<LiveFigures, 'ttftP50Ms' | 'e2eP95Ms' | 'phase'>): string {
  const rate = p.elapsedMs > 0 ? (p.sent / p.elapsedMs) * 1000 : 0
  return (
    `${formatDuration(p.elapsedMs)}${p.plannedMs === null ? '' : ` / ${formatDuration(p.plannedMs)}`}  sent ${formatNumber(p.sent)}  in flight ${formatNumber(p.inFlight)}  ` +
    `${rate.toFixed(1)} req/s  ok ${formatNumber(p.completed)}  TTFT p95 ${p.ttftP95Ms === null ? '–' : `${formatMsValue(p.ttftP95Ms)} ms`}  errors ${formatNumber(p.errors)}  abandoned ${formatNumber(p.abandoned)}` +
    `${p.dropped > 0 ? `  dropped ${formatNumber(p.dropped)}` : ''}  spend ${formatUsd(p.spendUsd)}`
  )
}
