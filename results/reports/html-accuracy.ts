// The report's answer-accuracy section (questions over the user's own tables, results/accuracy/):
// clean against dirty, each mutation kind and source file, confident wrong answers, spend per correct.
import type { AccuracyGroup, PairedGroup } from '../accuracy/types.js'
import type { Summary } from '../summary.js'
import { formatNumber, formatPercent, formatUsd } from './format.js'
import { escapeHtml } from './html-escape.js'
import { cell, section, tableHtml } from './html-tables.js'

function row(name: string, group: AccuracyGroup | PairedGroup): string {
  const paired = 'clean_accuracy' in group
  return (
    `<tr><th scope="row">${escapeHtml(name)}</th>${cell(formatNumber(group.answered), 'num')}${cell(formatNumber(group.correct), 'num')}` +
    `${cell(formatPercent(group.accuracy), 'num')}${cell(paired ? formatPercent(group.clean_accuracy) : '–', 'num')}${cell(paired ? formatPercent(group.drop) : '–', 'num')}` +
    `${cell(formatNumber(group.hedged), 'num')}</tr>`
  )
}

export function renderAccuracyTable(summary: Summary): string {
  const accuracy = summary.accuracy
  if (accuracy === undefined || accuracy.overall.questions === 0) return ''
  const rows = [row('overall', accuracy.overall), row('clean tables', accuracy.clean)]
  if (accuracy.dirty.questions > 0) rows.push(row('dirty tables', accuracy.dirty))
  for (const [kind, group] of Object.entries(accuracy.by_kind).sort((a, b) => a[0].localeCompare(b[0]))) rows.push(row(`malformed:${kind}`, group))
  for (const [source, group] of Object.entries(accuracy.by_source).sort((a, b) => a[0].localeCompare(b[0]))) rows.push(row(source, group))
  const spend = accuracy.spend_per_correct_usd
  const intro =
    `Answers scored against the clean tables. ${formatNumber(accuracy.confident_wrong)} wrong answers came without any hedge ` +
    `(${formatPercent(accuracy.confident_wrong_share)} of the wrong ones); spend per correct answer ${spend === null ? '–' : formatUsd(spend, 6)}.`
  return section(
    'accuracy',
    'Answer accuracy',
    tableHtml('Right answers over your own tables, clean and dirty', ['group', 'answered', 'right', 'accuracy', 'same questions clean', 'drop', 'hedged wrong'], rows, {
      numeric: (index) => index >= 1,
    }),
    intro,
  )
}
