// The bake-off as one self-contained HTML page: who won what first, then the rows side by side
// with winners marked, latency curves per target (uPlot, inlined, drawn by the run report's own
// page script), spend and error bars (inline SVG), the method, and links to each target's report.
// Like the run report it loads nothing from the network: its Content-Security-Policy forbids it.
import type { CompareRow, Comparison, ComparisonTarget, DistributionKey } from '../compare/index.js'
import { formatNumber } from './format.js'
import { PERCENTILE_TICKS, type Chart, type ChartSeries, type ChartsData } from './html-charts.js'
import { escapeHtml } from './html-escape.js'
import { renderReportPage, renderToc, writeReportPage } from './html-page.js'
import { formatDifference, formatRowValue, isMarked, SECTION_ORDER, sectionTitle, trafficRequests } from './compare-terminal.js'

/** One colour per target, in order; the same colour in every chart and bar. */
export const TARGET_COLORS = ['#3a7dc0', '#e07b1f', '#3f8f5f', '#8e5bb5', '#d1495b', '#2a9d8f', '#b8336a', '#7a8b2f']

export function targetColor(index: number): string {
  return TARGET_COLORS[index % TARGET_COLORS.length] as string
}


const COMPARE_STYLE = `
table.compare-table thead th, #targets thead th { white-space: nowrap; }
table.compare-table td.value { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.compare-table td.win { background: #e9f5ed; font-weight: 700; color: #1f5f36; }
table.compare-table td.tie { background: #f1f3f5; }
table.compare-table td.winner-cell { font-weight: 600; min-width: 9ch; max-width: 22ch; overflow-wrap: anywhere; }
table.compare-table td.winner-cell .tied { display: block; font-weight: 400; color: var(--muted); font-size: .8rem; }
table.compare-table td.diff { color: var(--muted); font-size: .8rem; min-width: 24ch; }
table.compare-table td.diff span { display: block; white-space: nowrap; }
table.compare-table tr.section th { background: #fafbfc; font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
table.compare-table th.row-label { font-weight: 600; min-width: 24ch; }
table.compare-table th.row-label .definition { display: block; font-weight: 400; color: var(--muted); font-size: .76rem; max-width: 46ch; }
.mark { font-weight: 700; margin-left: 4px; }
.card a { font-size: .82rem; }
.tally { margin: 6px 0 0; padding-left: 20px; }
`




function series(label: string, color: string, values: (number | null)[], dash = false): ChartSeries {
  return { label, color, values, axis: 'left', fill: false, dash, points: true, prefix: '', digits: 1, suffix: ' ms' }
}

/** Latency percentile curves, one line per target: the page script draws them like the run report's. */
export function compareCharts(comparison: Comparison): ChartsData {
  const charts: Chart[] = []
  for (const [metric, id, title, caption] of [
    ['ttft_ms', 'compare-ttft', 'Time to first token, per target', 'Percentiles of completed requests: p95 = 95 % of answers started sooner. The further right, the rarer; lower lines are better.'],
    ['e2e_ms', 'compare-e2e', 'Time to full answer, per target', 'Percentiles of completed requests, end to end from the scheduled send time; lower lines are better.'],
  ] as const) {
    const withValues = comparison.targets.some((target) => target.latency[metric].count > 0)
    if (!withValues) continue
    charts.push({
      id,
      kind: 'percentile',
      title,
      caption,
      x: PERCENTILE_TICKS.map((tick) => tick.at),
      xLabel: 'percentile (log scale)',
      xTicks: PERCENTILE_TICKS.map(({ at, label }) => ({ at, label })),
      leftLabel: 'milliseconds',
      leftIntegers: false,
      rightIntegers: false,
      stepped: false,
      stacked: false,
      series: comparison.targets.map((target, index) =>
        series(
          target.label,
          targetColor(index),
          PERCENTILE_TICKS.map((tick) => target.latency[metric][tick.key as DistributionKey]),
        ),
      ),
    })
  }
  return { timeUnit: 's', phases: [], charts }
}

const BAR_WIDTH = 760
const BAR_LABEL = 220
const BAR_MAX = 380
const BAR_ROW = 22
const BAR_HEIGHT = 15

interface BarGroup {
  row: CompareRow
}

/** Horizontal bars per target for a few rows, drawn on the server (shows and prints without JavaScript). */
function renderBars(id: string, title: string, groups: BarGroup[], labels: string[]): string {
  const usable = groups.filter((group) => group.row.values.some((value) => value !== null && Number.isFinite(value)))
  if (usable.length === 0) return ''
  const groupHeight = 24 + labels.length * BAR_ROW + 10
  const height = usable.length * groupHeight + 6
  const parts = [
    `<svg class="bars compare-bars" id="${id}" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${BAR_WIDTH} ${height}" width="${BAR_WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<title id="${id}-title">${escapeHtml(title)}</title>`,
  ]
  usable.forEach((group, groupIndex) => {
    const { row } = group
    const top = groupIndex * groupHeight
    const finite = row.values.filter((value): value is number => value !== null && Number.isFinite(value))
    const largest = Math.max(...finite.map((value) => Math.abs(value)), 0)
    const scale = largest > 0 ? BAR_MAX / largest : 0
    parts.push(`<text x="0" y="${top + 16}" font-weight="600">${escapeHtml(row.label)}${row.better === 'lower' ? ' (lower is better)' : ' (higher is better)'}</text>`)
    labels.forEach((label, index) => {
      const value = row.values[index] ?? null
      const y = top + 24 + index * BAR_ROW
      const middle = y + BAR_HEIGHT / 2 + 4
      const mark = isMarked(row, label)
      parts.push(`<g class="bar-row"><title>${escapeHtml(`${label}: ${formatRowValue(row.unit, value)}`)}</title>`)
      parts.push(`<text x="${BAR_LABEL}" y="${middle}" text-anchor="end">${escapeHtml(shorten(label))}</text>`)
      if (value === null || !Number.isFinite(value)) {
        parts.push(`<text x="${BAR_LABEL + 10}" y="${middle}" fill="#555">no value</text></g>`)
        return
      }
      const width = Math.max(value > 0 ? 1 : 0, Math.abs(value) * scale)
      parts.push(`<rect class="bar" x="${BAR_LABEL + 10}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${targetColor(index)}"/>`)
      const text = `${formatRowValue(row.unit, value)}${mark === 'win' ? '  ✓ winner' : mark === 'tie' ? '  = tie' : ''}`
      parts.push(`<text x="${(BAR_LABEL + 16 + width).toFixed(1)}" y="${middle}"${mark === 'win' ? ' font-weight="700"' : ''}>${escapeHtml(text)}</text></g>`)
    })
  })
  parts.push('</svg>')
  return parts.join('\n')
}

function shorten(text: string): string {
  const chars = [...text]
  return chars.length <= 30 ? text : `${chars.slice(0, 29).join('')}…`
}

function chartBlock(chart: Chart): string {
  return (
    `<figure class="chart" id="figure-${chart.id}"><h3>${escapeHtml(chart.title)}</h3>` +
    `<p class="caption">${escapeHtml(chart.caption)}</p>` +
    `<div class="chart-area" id="chart-${chart.id}"><p class="chart-fallback">This chart needs JavaScript; the table above holds the same percentiles.</p></div></figure>`
  )
}

function reportLink(target: ComparisonTarget): string {
  return target.folder === null ? '' : `<a href="${escapeHtml(`${target.folder}/report.html`)}">${escapeHtml(target.label)}’s own report</a>`
}

function renderHeadline(comparison: Comparison): string {
  const { targets } = comparison
  const failing = targets.filter((target) => target.thresholds.failed > 0)
  const withThresholds = targets.some((target) => target.thresholds.total > 0)
  const status = failing.length > 0 ? 'fail' : withThresholds ? 'pass' : 'none'
  const ranked = [...targets].sort((a, b) => (comparison.wins[b.label] ?? 0) - (comparison.wins[a.label] ?? 0))
  const leader = ranked[0]
  const leaderWins = leader === undefined ? 0 : (comparison.wins[leader.label] ?? 0)
  const second = ranked[1] === undefined ? 0 : (comparison.wins[(ranked[1] as ComparisonTarget).label] ?? 0)
  const rowsHeadline =
    leader === undefined || leaderWins === 0
      ? `No target won a row outright: ${comparison.ties} of ${comparison.rows.length} rows tie within noise`
      : leaderWins === second
        ? `Even: ${ranked.filter((t) => (comparison.wins[t.label] ?? 0) === leaderWins).map((t) => t.label).join(' and ')} each won ${leaderWins} rows`
        : `${leader.label} won ${leaderWins} of ${comparison.rows.length} rows`
  // Thresholds are pass/fail rules the user set: when one fails, that leads.
  const headline =
    failing.length > 0 ? `Thresholds failed for ${failing.map((t) => t.label).join(', ')}. ${rowsHeadline}.` : withThresholds ? `Every target passed its thresholds. ${rowsHeadline}.` : rowsHeadline
  const tally = targets.map((target) => `<li>${escapeHtml(target.label)}: ${comparison.wins[target.label] ?? 0} rows won</li>`)
  tally.push(`<li>${comparison.ties} rows tied within noise; ${comparison.undecided} without a verdict</li>`)
  const thresholdLines = withThresholds
    ? targets.map(
        (target) =>
          `<li>${escapeHtml(target.label)}: ${target.thresholds.total === 0 ? 'no thresholds' : target.thresholds.failed === 0 ? `all ${target.thresholds.total} thresholds passed` : `<strong>${target.thresholds.failed} of ${target.thresholds.total} thresholds failed</strong>`}</li>`,
      )
    : []
  const warnings = comparison.warnings.map((warning) => `<p class="partial-marker">Warning: ${escapeHtml(warning)}</p>`)
  return (
    `<section class="verdict verdict-${status}" id="verdict"><p class="verdict-headline">${escapeHtml(headline)}</p>` +
    `<ul class="tally">${[...tally, ...thresholdLines].join('')}</ul>${warnings.join('')}</section>`
  )
}

function renderCards(comparison: Comparison): string {
  const row = (id: string): CompareRow | undefined => comparison.rows.find((r) => r.id === id)
  const cards = comparison.targets.map((target, index) => {
    const pick = (id: string): string => {
      const found = row(id)
      return found === undefined ? '–' : formatRowValue(found.unit, found.values[index] ?? null)
    }
    return (
      `<div class="card" style="border-top: 4px solid ${targetColor(index)}"><div class="card-title">${escapeHtml(target.label)}</div>` +
      `<div class="card-value">${escapeHtml(pick('ttft_ms.p95'))}</div><div class="card-detail">TTFT p95 · e2e p95 ${escapeHtml(pick('e2e_ms.p95'))}</div>` +
      `<div class="card-detail">${escapeHtml(pick('spend_per_1k_requests_usd'))} per 1k requests · errors ${escapeHtml(pick('error_rate'))}</div>` +
      `<div class="card-detail">${reportLink(target)}</div></div>`
    )
  })
  return `<div class="cards">${cards.join('')}</div>`
}

function valueCell(row: CompareRow, index: number, label: string): string {
  const mark = isMarked(row, label)
  const text = escapeHtml(formatRowValue(row.unit, row.values[index] ?? null))
  const symbol = mark === 'win' ? '<span class="mark" title="winner">✓</span>' : mark === 'tie' ? '<span class="mark" title="tied within noise">=</span>' : ''
  const count = row.counts[index] ?? 0
  return `<td class="value${mark === undefined ? '' : ` ${mark}`}" title="n = ${count}">${text}${symbol}</td>`
}

function winnerCell(row: CompareRow): string {
  switch (row.verdict.kind) {
    case 'winner':
      return escapeHtml(row.verdict.target)
    case 'tie':
      return `tie<span class="tied">${row.verdict.targets.map(escapeHtml).join(' = ')}</span>`
    case 'none':
      return 'no verdict'
  }
}

function renderRowsTable(comparison: Comparison): string {
  const labels = comparison.targets.map((target) => target.label)
  const confidence = comparison.method.confidence
  const head = `<thead><tr><th>measure</th>${labels.map((label, index) => `<th class="num"><span class="swatch" style="background:${targetColor(index)}"></span>${escapeHtml(label)}</th>`).join('')}<th>winner</th><th>difference, best vs other (${Math.round(confidence * 100)} % CI)</th></tr></thead>`
  const body: string[] = []
  for (const section of SECTION_ORDER) {
    const rows = comparison.rows.filter((row) => row.section === section)
    if (rows.length === 0) continue
    body.push(`<tr class="section"><th colspan="${labels.length + 3}">${escapeHtml(sectionTitle(section))}</th></tr>`)
    for (const row of rows) {
      const difference =
        row.verdict.kind === 'none'
          ? escapeHtml(row.verdict.reason)
          : row.differences
              .map((d) =>
                labels.length > 2
                  ? `<span>vs ${escapeHtml(d.against)}: ${escapeHtml(formatDifference(row.unit, d, false))}</span>`
                  : `<span>${escapeHtml(formatDifference(row.unit, d, false))}</span>`,
              )
              .join('')
      body.push(
        `<tr data-row="${escapeHtml(row.id)}" data-verdict="${row.verdict.kind}"><th class="row-label">${escapeHtml(row.label)}<span class="definition">${escapeHtml(row.definition)}</span></th>` +
          `${labels.map((label, index) => valueCell(row, index, label)).join('')}<td class="winner-cell">${winnerCell(row)}</td><td class="diff">${difference}</td></tr>`,
      )
    }
  }
  return (
    `<section id="rows"><h2>Side by side</h2><p class="intro">Every target replayed the same traffic. ✓ marks the winner of a row; = marks targets tied within noise (the ${Math.round(confidence * 100)} % confidence interval of their difference includes 0). Hover a value for the number of requests behind it.</p>` +
    `<table class="data compare-table">${head}<tbody>${body.join('\n')}</tbody></table></section>`
  )
}

function renderMalformed(comparison: Comparison): string {
  const rows = comparison.rows.filter((row) => row.section === 'messy-input')
  if (rows.length === 0) return ''
  const labels = comparison.targets.map((target) => target.label)
  const body = rows.map(
    (row) =>
      `<tr><th>${escapeHtml(row.label.replace(/^messy input: /, ''))}</th>${labels.map((_, index) => `<td>${escapeHtml(row.details?.[index] ?? '–')}</td>`).join('')}</tr>`,
  )
  return (
    `<section id="malformed"><h2>Messy input, how each target handled it</h2><p class="intro">A clean 4xx means the endpoint noticed the bad input and said so; a 5xx, a hang, a broken stream or a confident answer means the problem reached the user. “Hang or gave up” counts timeouts and requests the simulated user abandoned; “answered … invalid” counts answers that failed the task's schema. Rate-limited and unsent requests say nothing about the input and are left out.</p>` +
    `<table class="data"><thead><tr><th>kind</th>${labels.map((label) => `<th>${escapeHtml(label)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></section>`
  )
}

function renderMethod(comparison: Comparison): string {
  const w = comparison.workforce
  const mode =
    comparison.mode === 'concurrent'
      ? `Concurrent: every target received each request at the same scheduled moment, so time-of-day effects hit all alike. The client therefore sent ${comparison.targets.length}× the traffic's load; it warns when its own schedule lag (p99) passes 50 ms.`
      : 'Sequential: the targets ran one after another, so each met the endpoints at a different time of day.'
  const items = [
    `<li><strong>Winners and ties.</strong> ${escapeHtml(comparison.method.summary)} Seed ${comparison.method.seed}.</li>`,
    `<li><strong>Monthly projection.</strong> ${escapeHtml(`${formatNumber(w.employees)} employees × ${formatNumber(w.adoption * 100, 0)} % adoption × ${formatNumber(w.queriesPerDay)} queries a day × ${formatNumber(w.workingDaysPerMonth)} working days = ${formatNumber(w.requestsPerMonth)} requests a month, each at the target's measured spend per request.`)}</li>`,
    `<li><strong>Mode.</strong> ${escapeHtml(mode)}</li>`,
    '<li><strong>Tokens.</strong> Vendors count tokens with their own tokenizers, so the same prompt is a different number of tokens at each: compare spend and time, not raw token counts.</li>',
    ...comparison.notes.map((note) => `<li>${escapeHtml(note)}</li>`),
  ]
  return `<section id="method"><h2>How to read this</h2><ul>${items.join('')}</ul></section>`
}

function renderTargets(comparison: Comparison): string {
  const body = comparison.targets.map(
    (target, index) =>
      `<tr><th><span class="swatch" style="background:${targetColor(index)}"></span>${escapeHtml(target.label)}</th><td>${escapeHtml(target.adapter)}</td><td>${escapeHtml(target.model)}</td><td>${escapeHtml(target.pricedAs ?? 'not priced')}</td><td>${escapeHtml(target.tokenizer)}</td>` +
      `<td class="num">${formatNumber(target.requests.sent)} / ${formatNumber(target.requests.completed)}</td><td class="num">${target.scheduleLagP99Ms === null ? '–' : `${formatNumber(target.scheduleLagP99Ms, 1)} ms`}</td><td>${reportLink(target) || '–'}</td></tr>`,
  )
  return (
    `<section id="targets"><h2>Targets</h2><table class="data"><thead><tr><th>target</th><th>adapter</th><th>model</th><th>priced as</th><th>tokenizer</th><th class="num">sent / completed</th><th class="num">schedule lag p99</th><th>report</th></tr></thead>` +
    `<tbody>${body.join('')}</tbody></table></section>`
  )
}

function rowsById(comparison: Comparison, ids: string[]): BarGroup[] {
  return ids.flatMap((id) => {
    const row = comparison.rows.find((r) => r.id === id)
    return row === undefined ? [] : [{ row }]
  })
}

export interface CompareHtmlOptions {
  title?: string
}

export function renderCompareHtml(comparison: Comparison, options: CompareHtmlOptions = {}): string {
  const labels = comparison.targets.map((target) => target.label)
  const title = options.title ?? `Vendor comparison: ${labels.join(' vs ')}`
  const charts = compareCharts(comparison)
  const when = comparison.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')
  const requests = trafficRequests(comparison)
  const subtitle = `${comparison.traffic.source}${requests === null ? '' : ` · ${formatNumber(requests)} requests`} · ${comparison.mode} · ${when}`
  const spendBars = renderBars('bars-spend', 'Spend per target, in US dollars', rowsById(comparison, ['spend_per_1k_requests_usd', 'spend_per_1k_answers_usd', 'spend_per_month_usd']), labels)
  const errorBars = renderBars('bars-errors', 'Errors, rate limits and abandonment per target', rowsById(comparison, ['error_rate', 'rate_limited_rate', 'abandon_rate']), labels)
  const chartSection =
    charts.charts.length === 0 ? '' : `<section class="charts" id="charts"><h2>Latency per target</h2>${charts.charts.map(chartBlock).join('\n')}</section>`
  const barsSection = [
    spendBars === '' ? '' : `<figure class="chart" id="figure-spend"><h3>Spend</h3><p class="caption">What the same traffic cost at each target, with the monthly projection for the workforce below.</p>${spendBars}</figure>`,
    errorBars === '' ? '' : `<figure class="chart" id="figure-errors"><h3>Errors and users giving up</h3><p class="caption">Share of requests that failed, attempts answered 429, and requests the simulated user abandoned.</p>${errorBars}</figure>`,
  ].join('')
  const toc: [string, string][] = [
    ['rows', 'Side by side'],
    ['charts', 'Latency'],
    ['figures', 'Spend and errors'],
    ['malformed', 'Messy input'],
    ['method', 'How to read this'],
    ['targets', 'Targets'],
  ]
  const sections = [
    renderRowsTable(comparison),
    chartSection,
    barsSection === '' ? '' : `<section class="charts" id="figures"><h2>Spend and errors per target</h2>${barsSection}</section>`,
    renderMalformed(comparison),
    renderMethod(comparison),
    renderTargets(comparison),
  ].filter((part) => part !== '')
  const shownToc = toc.filter(([id]) => sections.some((part) => part.includes(`id="${id}"`)))
  const body = [renderHeadline(comparison), renderCards(comparison), renderToc(shownToc), sections.join('\n')].join('\n')
  return renderReportPage({
    title,
    subtitle,
    extraStyles: [COMPARE_STYLE],
    body,
    source: `compare.json (schema ${comparison.schemaVersion})`,
    data: { 'gauntlet-comparison': comparison, 'gauntlet-charts': charts },
  })
}

/** Writes `outDir/compare.html` and returns its path. */
export async function writeCompareHtml(comparison: Comparison, outDir: string, options: CompareHtmlOptions = {}): Promise<string> {
  return writeReportPage(outDir, 'compare.html', renderCompareHtml(comparison, options))
}
