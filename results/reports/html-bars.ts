// Spend by task as an inline SVG bar chart: drawn on the server, so it shows and prints
// without JavaScript, and long task names get their own column instead of a crowded axis.
import type { Summary, Usd } from '../summary.js'
import { formatUsd } from './format.js'
import { escapeHtml } from './html-escape.js'
import { COLORS } from './html-labels.js'

const WIDTH = 760
const LABEL_WIDTH = 200
const BAR_X = LABEL_WIDTH + 10
const BAR_MAX = 360
const ROW = 26
const BAR_HEIGHT = 16
const TOP = 30
const MAX_LABEL_CHARS = 28

export interface TaskSpendRow {
  task: string
  spendUsd: Usd
  wastedUsd: Usd
}

/** Tasks by spend, largest first; tasks with unknown spend last. */
export function taskSpendRows(summary: Summary): TaskSpendRow[] {
  const tasks = new Set([...Object.keys(summary.spend.per_task), ...Object.keys(summary.tasks)])
  const rows = [...tasks].map((task) => ({
    task,
    spendUsd: summary.spend.per_task[task] ?? summary.tasks[task]?.spend_usd ?? 0,
    wastedUsd: summary.tasks[task]?.wasted_usd ?? 0,
  }))
  const value = (usd: Usd): number => (usd === 'unknown' ? -1 : usd)
  return rows.sort((a, b) => value(b.spendUsd) - value(a.spendUsd) || a.task.localeCompare(b.task))
}

function shorten(text: string): string {
  const chars = [...text]
  return chars.length <= MAX_LABEL_CHARS ? text : `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`
}

export function renderSpendBars(summary: Summary): string {
  const rows = taskSpendRows(summary)
  if (rows.length === 0) return ''
  const largest = Math.max(...rows.map((row) => (row.spendUsd === 'unknown' ? 0 : row.spendUsd)))
  const scale = largest > 0 ? BAR_MAX / largest : 0
  const height = TOP + rows.length * ROW + 8
  const parts: string[] = [
    `<svg class="bars" role="img" aria-labelledby="spend-bars-title" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="13">`,
    '<title id="spend-bars-title">Spend by task, in US dollars</title>',
    `<rect x="${BAR_X}" y="6" width="12" height="12" fill="${COLORS.spend}"/><text x="${BAR_X + 18}" y="16">spend (USD)</text>`,
    `<rect x="${BAR_X + 130}" y="6" width="12" height="12" fill="${COLORS.wasted}"/><text x="${BAR_X + 148}" y="16">of which wasted on abandoned requests</text>`,
  ]
  rows.forEach((row, index) => {
    const y = TOP + index * ROW
    const middle = y + BAR_HEIGHT / 2 + 4
    parts.push(`<g class="bar-row"><title>${escapeHtml(row.task)}: ${escapeHtml(formatUsd(row.spendUsd))} spent, ${escapeHtml(formatUsd(row.wastedUsd))} wasted</title>`)
    parts.push(`<text x="${LABEL_WIDTH}" y="${middle}" text-anchor="end">${escapeHtml(shorten(row.task))}</text>`)
    if (row.spendUsd === 'unknown') {
      parts.push(`<text x="${BAR_X}" y="${middle}" fill="#555">unknown (model not priced)</text></g>`)
      return
    }
    const barWidth = Math.max(row.spendUsd > 0 ? 1 : 0, row.spendUsd * scale)
    parts.push(`<rect class="bar" x="${BAR_X}" y="${y}" width="${barWidth.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS.spend}"/>`)
    if (row.wastedUsd !== 'unknown' && row.wastedUsd > 0) {
      const wastedWidth = Math.min(barWidth, Math.max(1, row.wastedUsd * scale))
      parts.push(`<rect class="bar-wasted" x="${(BAR_X + barWidth - wastedWidth).toFixed(1)}" y="${y}" width="${wastedWidth.toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS.wasted}"/>`)
    }
    const wasted = row.wastedUsd === 'unknown' || row.wastedUsd > 0 ? ` (${formatUsd(row.wastedUsd)} wasted)` : ''
    parts.push(`<text x="${(BAR_X + barWidth + 6).toFixed(1)}" y="${middle}">${escapeHtml(formatUsd(row.spendUsd) + wasted)}</text></g>`)
  })
  parts.push('</svg>')
  return parts.join('\n')
}
