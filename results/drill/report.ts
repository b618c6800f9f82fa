// The shapes of a drill's verdict: what analyzeDrill takes and returns, and what drill.json carries.
import type { Summary, Usd } from '../summary.js'
import type { Band, BandOptions } from './band.js'
import type { DrillBucket } from './buckets.js'
import type { Drift, DriftStats, DriftThresholds } from './drift.js'
import type { Incident } from './incidents.js'
import type { DrillLimits, DrillPhase, PhaseVerdict } from './phase-verdict.js'

export const DRILL_SCHEMA_VERSION = 1

export type DrillStatus = 'PASS' | 'DEGRADED' | 'FAIL'

export interface DrillReport {
  schemaVersion: number
  verdict: { status: DrillStatus; sentence: string }
  /** What broke, one line each, worst first: for the person on call. */
  broke: string[]
  phases: PhaseVerdict[]
  band: Band | null
  incidents: Incident[]
  drift: Drift | null
  limits: DrillLimits
  /** `failed-attempts`: spend of every attempt that delivered no answer; `abandoned`: abandoned requests only. */
  wastedBasis: 'failed-attempts' | 'abandoned'
  /** Run time × this = drill time (the timeline was compressed by it). */
  timeScale: number
  bucketMs: number
  /** The buckets the band judged (also what drill.html plots). */
  buckets: DrillBucket[]
  notes: string[]
}

export interface AnalyzeDrillInput {
  summary: Summary
  phases: DrillPhase[]
  /** Name of the calm reference phase (default: `baseline`, else the first phase without faults). */
  baselinePhase?: string
  limits?: DrillLimits
  band?: Partial<BandOptions>
  timeScale?: number
  /** Spend of attempts that delivered no answer, per phase (from the drill's own sink). */
  wastedByPhase?: Record<string, Usd>
  /** Buckets to judge (default: the summary's time series). */
  buckets?: { bucketMs: number; rows: DrillBucket[] }
  /** An earlier drill to compare with. */
  before?: { source: string; runId: string; stats: DriftStats; scope: string }
  driftThresholds?: Partial<DriftThresholds>
}

/** How the drill was run: what `drill.json` carries beside the report. */
export interface DrillRunInfo {
  runId: string
  startedAt: string
  durationMs: number
  partial: boolean
  target: Summary['target']
  /** The run folder (summary.json, records.jsonl, report.html). */
  outDir: string | null
  preset: string
  /** Employees asked for, and simulated (fewer when a compressed drill keeps the real rate). */
  employees: number
  simulatedEmployees: number
  /** Hours from the preset's start the drill begins at. */
  startHour: number
  keepRate: boolean
  expectedRatePerSecond: number
  /** Phases in run time; `durationMs` (drill time) includes the calm tail of `tailMs`. */
  timeline: { source: string; durationMs: number; phases: DrillPhase[]; tailMs: number }
  retries: string
  baselineDir: string | null
  /** The folder a `drill --resume` continued (null for a drill run in one go). */
  resumedFrom: string | null
}

/** The content of `drill.json`. */
export interface DrillDocument extends DrillReport {
  kind: 'drill'
  run: DrillRunInfo
}
