// The shapes of a comparison: rows, verdicts, targets, the workforce a projection assumes, inputs and options.
import type { Summary } from '../summary.js'
import type { TargetData } from './collector.js'
import type { Distribution } from './distribution.js'

export const COMPARISON_SCHEMA_VERSION = 1

/** The workforce a monthly projection assumes: employees × adoption × queries a day × working days. */
export interface WorkforceAssumption {
  employees: number
  /** Share of employees who use the tool, 0..1. */
  adoption: number
  /** Queries per active user per working day. */
  queriesPerDay: number
  workingDaysPerMonth: number
}

export const DEFAULT_WORKFORCE: WorkforceAssumption = { employees: 10_000, adoption: 0.75, queriesPerDay: 30, workingDaysPerMonth: 21 }

export type CompareSection = 'spend' | 'latency' | 'throughput' | 'errors' | 'users' | 'messy-input' | 'accuracy'
export type RowUnit = 'usd' | 'ms' | 'tokens_per_s' | 'share'

export type Verdict =
  | { kind: 'winner'; target: string }
  /** The best target and every target whose difference from it is within noise. */
  | { kind: 'tie'; targets: string[] }
  | { kind: 'none'; reason: string }

/** The best target's value minus another's, with the bootstrap interval of that difference. */
export interface RowDifference {
  target: string
  against: string
  difference: number
  low: number
  high: number
}

export interface CompareRow {
  id: string
  section: CompareSection
  label: string
  /** How the value is measured, in one sentence. */
  definition: string
  unit: RowUnit
  better: 'lower' | 'higher'
  /** One per target, in the targets' order; null when the target has no value. */
  values: (number | null)[]
  /** Values (or trials) behind each target's figure. */
  counts: number[]
  /** A breakdown per target, e.g. how messy input was handled. */
  details?: (string | null)[]
  verdict: Verdict
  differences: RowDifference[]
  /** Bootstrap resamples behind the intervals (0 when no interval was needed). */
  resamples: number
}

export interface ComparisonTarget {
  label: string
  adapter: string
  model: string
  pricedAs: string | null
  /** Who counts this target's tokens: tokens of different families are not comparable. */
  tokenizer: string
  tokensEstimatedShare: number
  requests: { scheduled: number; sent: number; completed: number }
  thresholds: { total: number; failed: number }
  partial: boolean
  scheduleLagP99Ms: number | null
  /** Exact percentiles of completed requests' raw TTFT and e2e (ms), for the report's charts. */
  latency: { ttft_ms: Distribution; e2e_ms: Distribution }
  /** The target's run folder, relative to the comparison's folder; null when nothing was written. */
  folder: string | null
}

export interface Comparison {
  schemaVersion: number
  createdAt: string
  mode: 'concurrent' | 'sequential'
  traffic: Summary['traffic']
  targets: ComparisonTarget[]
  rows: CompareRow[]
  /** Rows each target won outright, by label. */
  wins: Record<string, number>
  ties: number
  undecided: number
  method: { summary: string; resamples: number; confidence: number; seed: number; minValues: number }
  workforce: WorkforceAssumption & { requestsPerMonth: number }
  /** What a reader must know: tokenizers, estimated tokens, partial runs. */
  notes: string[]
  /** Problems with the measurement itself, e.g. a saturated client. */
  warnings: string[]
}

export interface CompareInput {
  label: string
  summary: Summary
  data: TargetData
  /** Run folder relative to the comparison's folder. */
  folder?: string | null
}

export interface ComparisonOptions {
  seed?: number
  resamples?: number
  confidence?: number
  workforce?: Partial<WorkforceAssumption>
  mode?: 'concurrent' | 'sequential'
  createdAt?: string
  warnings?: string[]
}
