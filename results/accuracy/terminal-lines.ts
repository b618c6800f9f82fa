// The terminal report's accuracy block: clean vs dirty, per kind, confident-wrong share, spend per correct.
import { formatPercent as percent } from '../../core/format.js'
import type { AccuracyGroup, AccuracySummary, PairedGroup } from './types.js'

const counts = (group: AccuracyGroup): string => `${group.correct}/${group.answered} right (${percent(group.accuracy)})`

export function accuracyLines(accuracy: AccuracySummary): string[] {
  const lines = ['', 'answer accuracy (expected answers from the clean tables):']
  lines.push(`  overall                  ${counts(accuracy.overall)}`)
  lines.push(`  clean                    ${counts(accuracy.clean)}`)
  if (accuracy.dirty.questions > 0) {
    lines.push(`  dirty                    ${counts(accuracy.dirty)}; the same questions clean ${percent(accuracy.dirty.clean_accuracy)}`)
  }
  for (const [kind, group] of Object.entries(accuracy.by_kind) as [string, PairedGroup][]) {
    lines.push(`  ${`malformed:${kind}`.padEnd(24)} ${counts(group)}, drop ${percent(group.drop)}`)
  }
  const spend = accuracy.spend_per_correct_usd
  lines.push(
    `  confident wrong          ${accuracy.confident_wrong} (${percent(accuracy.confident_wrong_share)} of wrong answers had no hedge); ` +
      `spend per correct answer ${spend === null ? '–' : spend === 'unknown' ? 'unknown' : `$${spend.toFixed(6)}`}`,
  )
  return lines
}
