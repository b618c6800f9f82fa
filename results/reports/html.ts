// The run report as one self-contained HTML file: verdict first, then charts (uPlot, inlined)
// and tables. No network access at all: scripts, styles and data are inside the file, and its
// Content-Security-Policy forbids loading anything else.
import { renderAccuracyTable } from './html-accuracy.js'
import { renderConversationsSection } from './html-conversations.js'
import { CONTENT_SECURITY_POLICY, uplotAssets } from './html-assets.js'
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { join } from 'node:path'
import type { Summary } from '../summary.js'
import { formatDuration } from './format.js'
import { renderSpendBars } from './html-bars.js'
import { buildCharts, type Chart } from './html-charts.js'
import { REPORT_SCRIPT } from './html-client.js'
import { escapeHtml, inlineSafe, jsonForScript } from './html-escape.js'
import { phaseColors } from './html-labels.js'
import { REPORT_STYLE } from './html-style.js'
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
  const { script, style } = uplotAssets()
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
  const toc = [
    ['summary', 'Summary'],
    ['thresholds', 'Thresholds'],
    ['charts-ttft', 'Charts'],
    ['tasks', 'Tasks'],
    ['phases', 'Phases'],
    ['malformed', 'Messy input'],
    ['accuracy', 'Accuracy'],
    ['notes', 'Notes'],
    ['run', 'Run details'],
  ].filter(([id]) => sections.some((part) => part.includes(`id="${id}"`)) || id === 'summary')
  return `<!doctype html>
<html lang="en" data-verdict="${verdict.status}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="generator" content="llm-gauntlet">
<title>${escapeHtml(title)}</title>
<style>${inlineSafe(style, 'style')}</style>
<style>${inlineSafe(REPORT_STYLE, 'style')}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="subtitle">${escapeHtml(subtitle(summary))}</p>
</header>
${renderVerdict(summary)}
${renderKeyFigures(summary)}
<nav class="toc">${toc.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>
${renderSummaryTable(summary)}
${sections.join('\n')}
<footer>Generated by llm-gauntlet from summary.json (schema ${summary.schemaVersion}). The data is embedded in this file; it loads nothing from the network.</footer>
</main>
<script type="application/json" id="gauntlet-summary">${jsonForScript(summary)}</script>
<script type="application/json" id="gauntlet-charts">${jsonForScript(charts)}</script>
<script>${inlineSafe(script, 'script')}</script>
<script>${inlineSafe(REPORT_SCRIPT, 'script')}</script>
</body>
</html>
`
}

/** Writes `outDir/report.html` and returns its path. */
export async function writeHtmlReport(summary: Summary, outDir: string, options: HtmlReportOptions = {}): Promise<string> {
  await mkdir(outDir, { recursive: true })
  const path = join(outDir, 'report.html')
  await writeFileAtomic(path, renderHtmlReport(summary, options))
  return path
}
