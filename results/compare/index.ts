// The vendor bake-off's public API. Per-target summaries and per-request values -> comparison
// rows, each naming a winner, or a tie when a bootstrap confidence interval of the difference
// holds 0. Pure: no I/O, no clock; the bootstrap's randomness comes from the seed.
//
//   Samples ─► createCompareCollector() ─► TargetData ┐
//   Summary ───────────────────────────────────────────┴─► buildComparison() ─► rows + verdicts
export { buildComparison } from './build.js'
export { collectTargetData, createCompareCollector, emptyTargetData, type CompareCollector, type TargetData } from './collector.js'
export { MIN_VALUES } from './decide.js'
export { distributionOf, type Distribution, type DistributionKey } from './distribution.js'
export { tokenizerFamily } from './tokenizer.js'
export {
  COMPARISON_SCHEMA_VERSION,
  DEFAULT_WORKFORCE,
  type CompareInput,
  type CompareRow,
  type CompareSection,
  type Comparison,
  type ComparisonOptions,
  type ComparisonTarget,
  type RowDifference,
  type RowUnit,
  type Verdict,
  type WorkforceAssumption,
} from './types.js'
