// Percentile rows: TTFT and e2e p50, p95 and p99 (and any other per-request percentile).
import { bootstrapPercentileDifference, percentile } from '../bootstrap.js'
import type { RowContext, RowSpec } from './decide.js'
import type { CompareRow } from './types.js'

export function percentileRow(
  ctx: RowContext,
  values: number[][],
  spec: Pick<RowSpec, 'id' | 'section' | 'label' | 'definition' | 'unit' | 'better'> & { p: number; noVerdict?: string },
): CompareRow {
  const { p, noVerdict, ...rest } = spec
  const row: RowSpec = {
    ...rest,
    values: values.map((list) => (list.length === 0 ? null : percentile(list, p))),
    counts: values.map((list) => list.length),
    sizes: values.map((list) => list.length),
    difference: (best, other, resamples, random) =>
      bootstrapPercentileDifference(values[best] as number[], values[other] as number[], p, ctx.bootstrap(resamples, random)),
  }
  if (noVerdict !== undefined) row.noVerdict = noVerdict
  return ctx.decide(row)
}

export function latencyRows(ctx: RowContext): CompareRow[] {
  const rows: CompareRow[] = []
  for (const [metric, name, what, values] of [
    ['ttft_ms', 'TTFT', 'the first token of an answer', ctx.data.map((d) => d.ttftMs)],
    ['e2e_ms', 'e2e', 'the end of an answer', ctx.data.map((d) => d.e2eMs)],
  ] as const) {
    for (const p of [50, 95, 99]) {
      rows.push(
        percentileRow(ctx, values, {
          id: `${metric}.p${p}`,
          section: 'latency',
          label: `${name} p${p}`,
          definition: `Time to ${what}, from the scheduled send time; p${p} of completed requests.`,
          unit: 'ms',
          better: 'lower',
          p,
        }),
      )
    }
  }
  return rows
}
