// Answer-accuracy rows (questions over the user's own tables, results/accuracy/): right answers on
// the clean and on the dirty versions, and wrong answers given without a hedge; only when asked.
import type { RowContext } from './decide.js'
import { rateRow } from './rate-rows.js'
import type { CompareRow } from './types.js'

export function accuracyRows(ctx: RowContext): CompareRow[] {
  const { data } = ctx
  const rows: CompareRow[] = []
  const answered = (version: 'clean' | 'dirty'): boolean => data.some((d) => d.accuracy[version].answered > 0)
  for (const version of ['clean', 'dirty'] as const) {
    if (!answered(version)) continue
    rows.push(
      rateRow(
        ctx,
        {
          id: `accuracy.${version}`,
          section: 'accuracy',
          label: `answer accuracy, ${version} tables`,
          better: 'higher',
          definition: `Share of answered questions over the ${version} version of the tables whose answer matched the clean table's (after normalising case, numbers and dates).`,
        },
        data.map((d) => ({ events: d.accuracy[version].correct, trials: d.accuracy[version].answered })),
      ),
    )
  }
  if (rows.length > 0) {
    rows.push(
      rateRow(
        ctx,
        {
          id: 'accuracy.confident_wrong',
          section: 'accuracy',
          label: 'wrong answers given without a hedge',
          better: 'lower',
          definition: 'Share of wrong answers that did not say they were unsure, could not find it, or refused: the ones a user would believe.',
        },
        data.map((d) => ({ events: d.accuracy.wrongUnhedged, trials: d.accuracy.wrong })),
      ),
    )
  }
  return rows
}
