// The run report as one self-contained HTML file: verdict first, then charts (uPlot, inlined)
// and tables. No network access at all: scripts, styles and data are inside the file, and its
// Content-Security-Policy forbids loading anything else.
import type { Summary } from '../summary.js'
import { formatDuration } from './format.js'
import { renderAccuracyTable } from './html-accuracy.js'
import { renderSpendBars } from './html-bars.js'
import { buildCharts, type Chart } from './html-charts.js'
import { renderConversationsSection } from './html-conversations.js'
import { escapeHtml } from './html-escape.js'
import { phaseColors } from './html-labels.js'
import { renderReportPage, renderToc, writeReportPage } from './html-page.js'
import {
  renderKeyFigures,
  renderLatencyTable,
  renderMalformedTable,
  renderNotes,
  renderOutcomesTable,
  renderPhasesTable,
  renderRunDetails,
  renderSummaryTable,
  renderTasksTable,
  renderThresholdsTable,
  renderVerdict,
  verdictOf,
} from './html-tables.js'

export interface HtmlReportOptions {
  /** Page title; default `<run name> — LLM load test report`. */
  title?: string
}

const CHART_GROUPS: { title: string; ids: string[] }[] = [
  { title: 'Latency over time', ids: ['ttft', 'e2e'] },
  { title: 'Load over time', ids: ['rate', 'outcomes'] },
  { title: 'Users', ids: ['users'] },
  { title: 'Spend', ids: ['spend'] },
  { title: 'Latency distribution', ids: ['distribution'] },
]

function chartBlock(chart: Chart): string {
  return (
    `<figure class="chart" id="figure-${chart.id}"><h3>${escapeHtml(chart.title)}</h3>` +
    `<p class="caption">${escapeHtml(chart.caption)}</p>` +
    `<div class="chart-area" id="chart-${chart.id}"><p class="chart-fallback">This chart needs JavaScript; the tables below hold the same figures.</p></div></figure>`
  )
}

function renderCharts(charts: Chart[], summary: Summary): string {
  const byId = new Map(charts.map((chart) => [chart.id, chart]))
  const parts: string[] = []
  for (const group of CHART_GROUPS) {
    const blocks = group.ids.flatMap((id) => {
      const chart = byId.get(id)
      return chart === undefined ? [] : [chartBlock(chart)]
    })
    if (group.title === 'Spend') {
      const bars = renderSpendBars(summary)
      if (bars !== '') {
        blocks.push(
          `<figure class="chart" id="figure-spend-by-task"><h3>Spend by task</h3><p class="caption">Where the money went, per kind of work, with the part spent on answers users gave up waiting for.</p>${bars}</figure>`,
        )
      }
    }
    if (blocks.length > 0) parts.push(`<section class="charts" id="charts-${group.ids[0] ?? ''}"><h2>${escapeHtml(group.title)}</h2>${blocks.join('\n')}</section>`)
  }
  return parts.join('\n')
}

function subtitle(summary: Summary): string {
  const when = summary.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')
  return `${summary.target.label} (${summary.target.model}) · ${when} · ${formatDuration(summary.durationMs)}${summary.partial ? ' · partial run' : ''}`
}

export function renderHtmlReport(summary: Summary, options: HtmlReportOptions = {}): string {
  const charts = buildCharts(summary)
  const title = options.title ?? `${summary.name} — LLM load test report`
  const verdict = verdictOf(summary)
  const colors = phaseColors(charts.phases.map((phase) => phase.name))
  const sections = [
    renderThresholdsTable(summary),
    renderCharts(charts.charts, summary),
    renderLatencyTable(summary),
    renderTasksTable(summary),
    renderPhasesTable(summary, colors),
    renderMalformedTable(summary),
    renderAccuracyTable(summary),
    renderConversationsSection(summary),
    renderOutcomesTable(summary),
    renderNotes(summary),
    renderRunDetails(summary),
  ].filter((part) => part !== '')
  const toc = ([
    ['summary', 'Summary'],
    ['thresholds', 'Thresholds'],
    ['charts-ttft', 'Charts'],
    ['tasks', 'Tasks'],
    ['phases', 'Phases'],
    ['malformed', 'Messy input'],
    ['accuracy', 'Accuracy'],
    ['notes', 'Notes'],
    ['run', 'Run details'],
  ] as const).filter(([id]) => sections.some((part) => part.includes(`id="${id}"`)) || id === 'summary')
  const body = [renderVerdict(summary), renderKeyFigures(summary), renderToc(toc), renderSummaryTable(summary), sections.join('\n')].join('\n')
  return renderReportPage({
    title,
    subtitle: subtitle(summary),
    verdict: verdict.status,
    body,
    source: `summary.json (schema ${summary.schemaVersion})`,
    data: { 'gauntlet-summary': summary, 'gauntlet-charts': charts },
  })
}

/** Writes `outDir/report.html` and returns its path. */
export async function writeHtmlReport(summary: Summary, outDir: string, options: HtmlReportOptions = {}): Promise<string> {
  return writeReportPage(outDir, 'report.html', renderHtmlReport(summary, options))
}
