// The drill verdict's public API. A drill's verdict comes from its run summary: per-phase SLO
// verdicts, time to detect and to recover against the baseline phase's band, retry amplification
// and waste per phase, and drift against an earlier drill. Pure: no I/O, no clock; every number
// comes from the summary given.
//
//   phases   baseline | latency-spike | 429-storm | … | outage | recovery (fading)
//   buckets  ▁▁▁▁▁▁▁▁▁|▁▂▅▇█▇█▇███▇▇|██████…      |   |███████|▇▅▃▁▁▁▁▁
//                      ^ detect: first bucket outside the band      ^ recover: first of K healthy
//                                                                  buckets after the fault ended
export { analyzeDrill, pickBaselinePhase } from './analyze.js'
export { computeBand, DEFAULT_BAND, judgeBucket, rateLimitFor, type Band, type BandOptions } from './band.js'
export { bucketSent, chooseBucketMs, drillBucketsFrom, drillBucketsOf, type DrillBucket } from './buckets.js'
export {
  compareDrift,
  DEFAULT_DRIFT,
  driftStatsOf,
  driftStatsOfSummary,
  type Drift,
  type DriftMetric,
  type DriftRow,
  type DriftStats,
  type DriftThresholds,
} from './drift.js'
export { describeCheck, DRIFT_LABELS, drillTime, formatDriftChange, formatDriftThreshold, formatDriftValue } from './format.js'
export { findIncidents, type Incident, type RecoveryStatus } from './incidents.js'
export { DEFAULT_DRILL_LIMITS, type CheckMetric, type DrillLimits, type DrillPhase, type PhaseCheck, type PhaseVerdict } from './phase-verdict.js'
export { DRILL_SCHEMA_VERSION, type AnalyzeDrillInput, type DrillDocument, type DrillReport, type DrillRunInfo, type DrillStatus } from './report.js'
