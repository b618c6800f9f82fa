// The HTML report's text parts: verdict, key figures and every table. Plain HTML, so the
// report reads (and prints) without JavaScript; every cell is escaped.
import { displayUrl } from '../../core/url.js'
import type { GroupStats, LatencyMetric, Summary, ThresholdResult } from '../summary.js'
import { formatCount, formatDuration, formatMsValue, formatNumber, formatPercent, formatUsd } from './format.js'
import { escapeHtml } from './html-escape.js'
import { handlingLabel, outcomeGroup, outcomeLabel } from './html-labels.js'
import { describeThreshold } from './html-thresholds.js'

export type VerdictStatus = 'pass' | 'fail' | 'none'

export interface Verdict {
  status: VerdictStatus
  headline: string
  failed: ThresholdResult[]
}

export function verdictOf(summary: Summary): Verdict {
  const failed = summary.thresholds.filter((row) => !row.pass)
  const total = summary.thresholds.length
  if (total === 0) return { status: 'none', headline: 'No pass/fail thresholds were set for this run', failed }
  if (failed.length === 0) return { status: 'pass', headline: `Passed: all ${total} thresholds met`, failed }
  return { status: 'fail', headline: `Failed: ${failed.length} of ${total} thresholds not met`, failed }
}

const e = escapeHtml

export function cell(text: string, className?: string): string {
  return className === undefined ? `<td>${e(text)}</td>` : `<td class="${className}">${e(text)}</td>`
}

/** Column titles; `numeric` picks the columns of numbers, whose titles align right like them. */
function headerRow(titles: string[], numeric: (index: number) => boolean): string {
  return `<tr>${titles.map((title, index) => `<th scope="col"${numeric(index) ? ' class="num"' : ''}>${e(title)}</th>`).join('')}</tr>`
}

export function tableHtml(caption: string, titles: string[], rows: string[], options: { className?: string; numeric?: (index: number) => boolean } = {}): string {
  const head = headerRow(titles, options.numeric ?? (() => false))
  return `<table class="${options.className ?? 'data'}"><caption>${e(caption)}</caption><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`
}

export function section(id: string, title: string, body: string, intro?: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>${intro === undefined ? '' : `<p class="intro">${e(intro)}</p>`}${body}</section>`
}

export function renderVerdict(summary: Summary): string {
  const verdict = verdictOf(summary)
  const lines: string[] = []
  for (const row of verdict.failed) {
    const words = describeThreshold(row)
    lines.push(
      `<li><strong>${e(words.meaning)}</strong>: was ${e(words.actual)}${row.reason === undefined ? '' : ` (${e(row.reason)})`} <code>${e(row.text)}</code></li>`,
    )
  }
  const partial = summary.partial
    ? '<p class="partial-marker"><strong>Partial run:</strong> it was interrupted before its traffic ended; the figures cover only what was recorded.</p>'
    : ''
  return (
    `<section id="verdict" class="verdict verdict-${verdict.status}" role="status">` +
    `<p class="verdict-headline">${e(verdict.headline)}</p>${partial}` +
    (lines.length > 0 ? `<ul class="verdict-failures">${lines.join('')}</ul>` : '') +
    '</section>'
  )
}

export function renderKeyFigures(summary: Summary): string {
  const cards: [string, string, string][] = [
    ['Total spend', formatUsd(summary.spend.usd), `${formatUsd(summary.spend.per_1k_requests_usd)} per 1,000 requests`],
    ['Wait for first word (p95)', summary.latency.ttft_ms.p95 === null ? '–' : formatDuration(summary.latency.ttft_ms.p95), '95 % of answers started sooner'],
    ['Wait for full answer (p95)', summary.latency.e2e_ms.p95 === null ? '–' : formatDuration(summary.latency.e2e_ms.p95), '95 % of answers finished sooner'],
    ['Users gave up', formatPercent(summary.abandonment.rate), `${formatNumber(summary.abandonment.abandoned)} requests, ${formatUsd(summary.abandonment.wasted_usd)} wasted`],
    ['Failed requests', formatPercent(summary.errors.rate), `${formatNumber(summary.requests.sent)} sent`],
    ['Within the SLO', formatPercent(summary.goodput.share), `${formatNumber(summary.goodput.requests_per_s, 2)} good requests/s`],
  ]
  return `<div class="cards">${cards
    .map(([title, value, detail]) => `<div class="card"><div class="card-title">${e(title)}</div><div class="card-value">${e(value)}</div><div class="card-detail">${e(detail)}</div></div>`)
    .join('')}</div>`
}

function sloText(summary: Summary): string {
  const parts = Object.entries(summary.goodput.slo).map(([key, value]) => `${key.replace(/_ms$/, '')} ≤ ${formatNumber(value)} ms`)
  return parts.length === 0 ? 'no SLO set: every ok request counts' : parts.join(', ')
}

export function renderSummaryTable(summary: Summary): string {
  const r = summary.requests
  const verdict = verdictOf(summary)
  const notOk = Object.entries(r.byOutcome)
    .filter(([key]) => key !== 'ok')
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${outcomeLabel(key)} ${formatNumber(count)}`)
  const ttft = summary.latency.ttft_ms
  const e2e = summary.latency.e2e_ms
  const a = summary.abandonment
  const t = summary.tokens
  const rows: [string, string, string][] = [
    ['Verdict', verdict.headline, summary.thresholds.length === 0 ? 'set thresholds to get a pass/fail verdict' : 'details in the thresholds table'],
    ['Run', summary.partial ? 'partial: interrupted before the traffic ended' : 'complete', `${formatDuration(summary.durationMs)}${summary.plannedDurationMs === null ? '' : ` of ${formatDuration(summary.plannedDurationMs)} planned`}`],
    ['Requests', `${formatNumber(r.scheduled)} due, ${formatNumber(r.sent)} sent, ${formatNumber(r.completed)} ok`, notOk.length === 0 ? 'every request ended ok' : notOk.join('; ')],
    ['Throughput', `${formatNumber(summary.throughput.requests_per_s, 2)} requests/s`, `${formatNumber(summary.throughput.output_tokens_per_s)} output tokens/s`],
    ['Within the SLO (goodput)', formatPercent(summary.goodput.share), `${formatNumber(summary.goodput.requests)} of the sent requests ended ok within ${sloText(summary)}`],
    ['Time to first token', `p50 ${formatMsValue(ttft.p50)} ms, p95 ${formatMsValue(ttft.p95)} ms, p99 ${formatMsValue(ttft.p99)} ms`, 'from when each request was due, so client delays count too'],
    ['Time to full answer', `p50 ${formatMsValue(e2e.p50)} ms, p95 ${formatMsValue(e2e.p95)} ms, p99 ${formatMsValue(e2e.p99)} ms`, 'p95: 95 % of answers were faster'],
    ['Failed requests', formatPercent(summary.errors.rate, 2), Object.entries(summary.errors.byCode).map(([code, count]) => `${code} ${formatNumber(count)}`).join(', ') || 'none'],
    ['Users gave up', `${formatPercent(a.rate)} of sent requests (${formatNumber(a.abandoned)})`, `${formatNumber(a.abandoned_before_first_token)} before the first word; ${formatUsd(a.wasted_usd)} spent on them`],
    ['Users', `${formatNumber(a.users)} active, ${formatNumber(a.users_quit)} quit`, `${formatNumber(a.lost_demand)} requests never sent because their user had quit`],
    ['Retries', `×${summary.retries.amplification.toFixed(2)} attempts per request`, `${formatNumber(summary.retries.attempts)} attempts for ${formatNumber(summary.retries.logical)} requests`],
    ['Tokens', `${formatCount(t.input)} in (${formatCount(t.cached_input)} cached), ${formatCount(t.output)} out`, t.estimated_share > 0 ? `${formatPercent(t.estimated_share)} estimated with tiktoken` : 'as reported by the server'],
    ['Spend', `${formatUsd(summary.spend.usd)} total, ${formatUsd(summary.spend.per_1k_requests_usd)} per 1,000 requests`, summary.target.pricedAs === null ? 'model not priced' : `priced as ${summary.target.pricedAs}`],
  ]
  const body = rows.map(([label, value, detail]) => `<tr><th scope="row">${e(label)}</th>${cell(value)}${cell(detail, 'detail')}</tr>`)
  return section('summary', 'Summary', tableHtml('The run in figures', ['', 'value', 'what it means'], body, { className: 'data summary-table' }))
}

export function renderThresholdsTable(summary: Summary): string {
  if (summary.thresholds.length === 0) {
    return section('thresholds', 'Thresholds', '<p>No thresholds were set. Pass <code>--threshold \'ttft_ms.p95&lt;2000\'</code> (repeatable) to get a pass/fail verdict.</p>')
  }
  const rows = summary.thresholds.map((row) => {
    const words = describeThreshold(row)
    return (
      `<tr class="${row.pass ? 'pass' : 'fail'}">` +
      `<td class="result">${row.pass ? 'pass' : 'FAIL'}</td>${cell(words.meaning)}<td><code>${e(row.text)}</code></td>${cell(words.actual, 'num')}${cell(row.reason ?? '', 'detail')}</tr>`
    )
  })
  return section('thresholds', 'Thresholds', tableHtml('Each pass/fail rule against the actual value', ['result', 'rule', 'as written', 'actual', 'reason'], rows, { numeric: (index) => index === 3 }))
}

const LATENCY_ROWS: [LatencyMetric, string][] = [
  ['ttft_ms', 'time to first token'],
  ['e2e_ms', 'time to full answer'],
  ['tpot_ms', 'time per output token'],
  ['itl_ms', 'gap between tokens'],
  ['ttft_service_ms', 'first token, from send'],
  ['e2e_service_ms', 'full answer, from send'],
  ['schedule_lag_ms', 'client send lag'],
]

export function renderLatencyTable(summary: Summary): string {
  const rows = LATENCY_ROWS.filter(([metric]) => summary.latency[metric].count > 0).map(([metric, label]) => {
    const s = summary.latency[metric]
    return `<tr><th scope="row">${e(label)}</th>${[s.p50, s.p90, s.p95, s.p99, s.p999, s.max].map((value) => cell(formatMsValue(value), 'num')).join('')}${cell(formatNumber(s.count), 'num')}</tr>`
  })
  if (rows.length === 0) return section('latency', 'Latency', '<p>No request completed, so there is no latency to show.</p>')
  return section(
    'latency',
    'Latency',
    tableHtml('Percentiles over the whole run, in milliseconds', ['', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'requests'], rows, { numeric: (index) => index >= 1 }),
    'Measured from when each request was due; the "from send" rows leave out delays on the testing side.',
  )
}

function groupCells(group: GroupStats): string {
  return [
    cell(formatNumber(group.requests), 'num'),
    cell(formatMsValue(group.ttft_ms.p95), 'num'),
    cell(formatMsValue(group.e2e_ms.p95), 'num'),
    cell(formatPercent(group.error_rate), 'num'),
    cell(formatPercent(group.abandon_rate), 'num'),
    cell(`×${group.retry_amplification.toFixed(2)}`, 'num'),
    cell(formatUsd(group.spend_usd), 'num'),
    cell(formatUsd(group.wasted_usd), 'num'),
  ].join('')
}

const GROUP_TITLES = ['requests', 'first token p95 (ms)', 'full answer p95 (ms)', 'failed', 'gave up', 'attempts per request', 'spend', 'wasted']

export function renderTasksTable(summary: Summary): string {
  const tasks = Object.entries(summary.tasks).sort((a, b) => b[1].requests - a[1].requests)
  if (tasks.length === 0) return ''
  const rows = tasks.map(([task, group]) => `<tr><th scope="row">${e(task)}</th>${groupCells(group)}</tr>`)
  return section('tasks', 'By task', tableHtml('Each kind of work users asked for', ['task', ...GROUP_TITLES], rows, { numeric: (index) => index >= 1 }), '"Wasted" is spend on answers users gave up waiting for.')
}

/** `20–30 min`, `0–45 s`: both ends in one unit. */
export function windowText(fromMs: number, toMs: number): string {
  const [unitMs, unit] = toMs >= 120_000 ? [60_000, 'min'] : [1_000, 's']
  const value = (ms: number): string => formatNumber(ms / unitMs, Number.isInteger(ms / unitMs) ? 0 : 1)
  return `${value(fromMs)}–${value(toMs)} ${unit}`
}

export function renderPhasesTable(summary: Summary, colors: ReadonlyMap<string, string>): string {
  const phases = Object.entries(summary.phases).sort((a, b) => a[1].fromMs - b[1].fromMs)
  if (phases.length === 0) return ''
  const rows = phases.map(([name, group]) => {
    const top = Object.entries(group.byOutcome)
      .filter(([key]) => key !== 'ok')
      .sort((x, y) => y[1] - x[1])[0]
    const color = colors.get(name)
    const swatch = color === undefined ? '' : `<span class="swatch" style="background:${e(color)}"></span>`
    const window = group.toMs > group.fromMs ? windowText(group.fromMs, group.toMs) : '–'
    return `<tr><th scope="row">${swatch}${e(name)}</th>${cell(window)}${groupCells(group)}${cell(top === undefined ? '–' : `${outcomeLabel(top[0])} ${formatNumber(top[1])}`)}</tr>`
  })
  return section(
    'phases',
    'By fault phase',
    tableHtml('Each phase of the fault timeline (shaded in the charts)', ['phase', 'from – to', ...GROUP_TITLES, 'most common problem'], rows, {
      numeric: (index) => index >= 2 && index < 2 + GROUP_TITLES.length,
    }),
  )
}

export function renderMalformedTable(summary: Summary): string {
  const kinds = Object.entries(summary.malformed)
  if (kinds.length === 0) return ''
  const handlingTotals = new Map<string, number>()
  for (const [, counts] of kinds) for (const [handling, count] of Object.entries(counts)) handlingTotals.set(handling, (handlingTotals.get(handling) ?? 0) + count)
  const handlings = [...handlingTotals].sort((a, b) => b[1] - a[1]).map(([handling]) => handling)
  const rows = kinds
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([kind, counts]) => {
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0)
      const cells = handlings.map((handling) => {
        const count = counts[handling] ?? 0
        return cell(count === 0 ? '–' : `${formatNumber(count)} (${formatPercent(total === 0 ? 0 : count / total, 0)})`, 'num')
      })
      return `<tr><th scope="row">${e(kind)}</th>${cells.join('')}${cell(formatNumber(total), 'num')}</tr>`
    })
  return section(
    'malformed',
    'Messy input handling',
    tableHtml('How the endpoint answered each kind of malformed input', ['input kind', ...handlings.map(handlingLabel), 'total'], rows, { numeric: (index) => index >= 1 }),
    'Production data is misspelt, mis-encoded and duplicated. A clean rejection is easy to handle; a hang, a server error or a confident answer to garbage is not.',
  )
}

export function renderOutcomesTable(summary: Summary): string {
  const outcomes = Object.entries(summary.requests.byOutcome).sort((a, b) => b[1] - a[1])
  if (outcomes.length === 0) return ''
  const total = summary.requests.scheduled
  const groupWords: Record<string, string> = {
    ok: 'answered',
    error: 'endpoint error',
    abandoned: 'user gave up',
    dropped: 'not sent',
    'lost-demand': 'not sent',
    other: 'other',
  }
  const rows = outcomes.map(
    ([key, count]) =>
      `<tr><th scope="row">${e(outcomeLabel(key))}</th>${cell(groupWords[outcomeGroup(key)] ?? '')}${cell(formatNumber(count), 'num')}${cell(formatPercent(total === 0 ? 0 : count / total), 'num')}<td><code>${e(key)}</code></td></tr>`,
  )
  return section('outcomes', 'How requests ended', tableHtml('Final outcome of every request that came due', ['outcome', 'kind', 'requests', 'share of due', 'code'], rows, { numeric: (index) => index === 2 || index === 3 }))
}

export function renderNotes(summary: Summary): string {
  if (summary.notes.length === 0) return ''
  return section('notes', 'Notes', `<ul class="notes">${summary.notes.map((note) => `<li>${e(note)}</li>`).join('')}</ul>`)
}


export function renderRunDetails(summary: Summary): string {
  const rows: [string, string][] = [
    ['run id', summary.runId],
    ['name', summary.name],
    ['target', summary.target.label],
    ['protocol', summary.target.adapter],
    ['model', summary.target.model],
    ['endpoint', displayUrl(summary.target.baseUrl)],
    ['priced as', summary.target.pricedAs ?? 'not priced'],
    ['traffic', `${summary.traffic.source}${summary.traffic.requests === null ? '' : `, ${formatNumber(summary.traffic.requests)} requests`}${summary.traffic.seed === null ? '' : `, seed ${summary.traffic.seed}`}${summary.traffic.segment === null ? '' : `, segment ${summary.traffic.segment}`}`],
    ['started', summary.startedAt],
    ['ended', summary.endedAt],
    ['chart buckets', formatDuration(summary.timeseries.bucketMs)],
  ]
  return section('run', 'Run details', `<table class="data details"><tbody>${rows.map(([label, value]) => `<tr><th scope="row">${e(label)}</th>${cell(value)}</tr>`).join('')}</tbody></table>`)
}
