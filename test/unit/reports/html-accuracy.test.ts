// The report's accuracy section shows the summary's figures, and is absent without questions.
import { describe, expect, it } from 'vitest'
import { renderAccuracyTable } from '../../../results/reports/html-accuracy.js'
import { renderHtmlReport } from '../../../results/reports/html.js'
import type { AccuracySummary } from '../../../results/accuracy/types.js'
import { tinySummary } from './summaries.js'

const group = (answered: number, correct: number, hedged = 0) => ({ questions: answered, answered, correct, hedged, accuracy: answered === 0 ? null : correct / answered })
const ACCURACY: AccuracySummary = {
  overall: group(8, 6, 1),
  clean: group(4, 4),
  dirty: { ...group(4, 2, 1), clean_accuracy: 1, drop: 0.5 },
  drop: 0.5,
  by_kind: { 'dirty-table': { ...group(4, 2, 1), clean_accuracy: 1, drop: 0.5 } },
  by_source: { 'beers/clean.csv': group(4, 4) },
  confident_wrong: 1,
  confident_wrong_share: 0.5,
  spend_usd: 0.006,
  spend_per_correct_usd: 0.001,
}

describe('report: answer accuracy', () => {
  it('lists clean, dirty, each kind and source with the drop, and the confident-wrong line', () => {
    const summary = { ...tinySummary(), accuracy: ACCURACY }
    const html = renderAccuracyTable(summary)
    expect(html).toContain('id="accuracy"')
    expect(html).toMatch(/<th scope="row">dirty tables<\/th><td class="num">4<\/td><td class="num">2<\/td><td class="num">50\.0 %<\/td><td class="num">100\.0 %<\/td><td class="num">50\.0 %<\/td>/)
    expect(html).toContain('malformed:dirty-table')
    expect(html).toContain('beers/clean.csv')
    expect(html).toContain('1 wrong answers came without any hedge (50.0 % of the wrong ones)')
    expect(renderHtmlReport(summary)).toContain('href="#accuracy"')
  })

  it('is left out when the run asked no questions with expected answers', () => {
    expect(renderAccuracyTable(tinySummary())).toBe('')
    expect(renderHtmlReport(tinySummary())).not.toContain('id="accuracy"')
  })
})
