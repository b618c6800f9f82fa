// Rate rows: error, 429 and abandonment rates (and any other share of trials).
import { bootstrapRateDifference, type RateCounts } from '../bootstrap.js'
import type { RowContext, RowSpec } from './decide.js'
import type { CompareRow } from './types.js'

export function rateRow(ctx: RowContext, spec: Pick<RowSpec, 'id' | 'section' | 'label' | 'definition' | 'better' | 'details'>, counts: RateCounts[]): CompareRow {
  return ctx.decide({
    ...spec,
    unit: 'share',
    values: counts.map((c) => (c.trials === 0 ? null : c.events / c.trials)),
    counts: counts.map((c) => c.trials),
    sizes: counts.map((c) => c.trials),
    difference: (best, other, resamples, random) => bootstrapRateDifference(counts[best] as RateCounts, counts[other] as RateCounts, ctx.bootstrap(resamples, random)),
  })
}

export function reliabilityRows(ctx: RowContext): CompareRow[] {
  const { data } = ctx
  return [
    rateRow(
      ctx,
      { id: 'error_rate', section: 'errors', label: 'error rate', better: 'lower', definition: 'Share of sent requests whose final attempt failed (HTTP error, timeout, reset, broken stream).' },
      data.map((d) => ({ events: d.errors, trials: d.sent })),
    ),
    rateRow(
      ctx,
      { id: 'rate_limited_rate', section: 'errors', label: '429 rate', better: 'lower', definition: 'Share of sent attempts (retries included) answered HTTP 429 Too Many Requests.' },
      data.map((d) => ({ events: d.rateLimited, trials: d.attempts })),
    ),
    rateRow(
      ctx,
      { id: 'abandon_rate', section: 'users', label: 'abandonment rate', better: 'lower', definition: 'Share of sent requests the simulated user gave up on because the answer was too slow.' },
      data.map((d) => ({ events: d.abandoned, trials: d.sent })),
    ),
  ]
}
