// A row's verdict: the best target, and whether a bootstrap interval of each difference from it excludes 0.
import { createRandom, type Random } from '../../core/random.js'
import { includesZero, type BootstrapOptions, type DifferenceEstimate } from '../bootstrap.js'
import type { TargetData } from './collector.js'
import type { CompareRow } from './types.js'

/** Fewer values than this on a side: no verdict for that target in that row. */
export const MIN_VALUES = 5

/** Fewer resamples for very large runs, so one row stays around a second of work. */
function resamplesFor(requested: number, totalValues: number): number {
  return Math.max(200, Math.min(requested, Math.floor(40_000_000 / Math.max(1, totalValues))))
}

/** What a row builder gives `decide`: the row's own fields (see CompareRow) and how to judge it. */
export interface RowSpec extends Pick<CompareRow, 'id' | 'section' | 'label' | 'definition' | 'unit' | 'better' | 'values' | 'counts' | 'details'> {
  /** Why a target cannot take part, by index (e.g. spend unknown). */
  excluded?: Map<number, string>
  /** All targets out, with this reason. */
  noVerdict?: string
  /** Size of the values the bootstrap resamples, per target (for the resample budget). */
  sizes: number[]
  difference: (best: number, other: number, resamples: number, random: Random) => DifferenceEstimate
  /** Scales the difference and its interval (monthly projection from per-request spend). */
  scale?: number
  /** Shares the random stream of another row, so linked rows reach the same verdict. */
  streamId?: string
}

export function decide(spec: RowSpec, labels: string[], options: { seed: number; resamples: number; confidence: number }): CompareRow {
  const row: CompareRow = {
    id: spec.id,
    section: spec.section,
    label: spec.label,
    definition: spec.definition,
    unit: spec.unit,
    better: spec.better,
    values: spec.values,
    counts: spec.counts,
    verdict: { kind: 'none', reason: '' },
    differences: [],
    resamples: 0,
  }
  if (spec.details !== undefined) row.details = spec.details
  const eligible: number[] = []
  const reasons: string[] = []
  spec.values.forEach((value, index) => {
    const excluded = spec.excluded?.get(index)
    if (excluded !== undefined) reasons.push(`${labels[index]}: ${excluded}`)
    else if (value === null || !Number.isFinite(value) || (spec.counts[index] ?? 0) < MIN_VALUES) {
      reasons.push(`${labels[index]}: ${spec.counts[index] ?? 0} values, fewer than ${MIN_VALUES}`)
    } else eligible.push(index)
  })
  if (spec.noVerdict !== undefined) {
    row.verdict = { kind: 'none', reason: spec.noVerdict }
    return row
  }
  if (eligible.length < 2) {
    row.verdict = { kind: 'none', reason: reasons.join('; ') || 'fewer than two targets have values' }
    return row
  }
  const sign = spec.better === 'lower' ? 1 : -1
  let best = eligible[0] as number
  for (const index of eligible) if (sign * (spec.values[index] as number) < sign * (spec.values[best] as number)) best = index
  const total = eligible.reduce((sum, index) => sum + (spec.sizes[index] ?? 0), 0)
  const resamples = resamplesFor(options.resamples, total)
  row.resamples = resamples
  const tied = [labels[best] as string]
  const scale = spec.scale ?? 1
  for (const other of eligible) {
    if (other === best) continue
    const random = createRandom(options.seed).fork(`${spec.streamId ?? spec.id}|${labels[best]}|${labels[other]}`)
    const estimate = spec.difference(best, other, resamples, random)
    const scaled = { difference: estimate.difference * scale, low: estimate.low * scale, high: estimate.high * scale }
    row.differences.push({ target: labels[best] as string, against: labels[other] as string, ...scaled })
    if (includesZero(estimate)) tied.push(labels[other] as string)
  }
  row.verdict = tied.length === 1 ? { kind: 'winner', target: tied[0] as string } : { kind: 'tie', targets: tied }
  return row
}

/** What the row builders share: the targets' values, and `decide` bound to the options. */
export interface RowContext {
  data: TargetData[]
  decide(spec: RowSpec): CompareRow
  bootstrap(resamples: number, random: Random): BootstrapOptions
}
