// analyzeDrill: a run summary and its phases -> the drill report (phase verdicts, band, incidents, drift, verdict).
import { computeBand, DEFAULT_BAND, judgeBucket, type Band, type BandOptions } from './band.js'
import { drillBucketsOf } from './buckets.js'
import { compareDrift, DEFAULT_DRIFT, driftStatsOf, driftStatsOfSummary, type Drift, type DriftThresholds } from './drift.js'
import { formatDuration } from '../../core/format.js'
import { describeCheck, DRIFT_LABELS, drillTime, formatDriftChange, formatDriftThreshold, formatDriftValue } from './format.js'
import { findIncidents, type Incident } from './incidents.js'
import { DEFAULT_DRILL_LIMITS, phaseVerdict, type DrillPhase, type PhaseVerdict } from './phase-verdict.js'
import { DRILL_SCHEMA_VERSION, type AnalyzeDrillInput, type DrillReport, type DrillStatus } from './report.js'

function problemText(problems: PhaseVerdict['topProblems']): string {
  return problems.length === 0 ? '' : ` (${problems.map((p) => `${p.outcome} ×${p.count}`).join(', ')})`
}

export function pickBaselinePhase(phases: readonly DrillPhase[], wanted?: string): DrillPhase | undefined {
  if (wanted !== undefined) return phases.find((phase) => phase.name === wanted)
  return phases.find((phase) => phase.name === 'baseline') ?? [...phases].sort((a, b) => a.fromMs - b.fromMs).find((phase) => phase.faults.length === 0)
}

export function analyzeDrill(input: AnalyzeDrillInput): DrillReport {
  const { summary } = input
  const limits = input.limits ?? DEFAULT_DRILL_LIMITS
  const bandOptions: BandOptions = { ...DEFAULT_BAND, ...input.band }
  const timeScale = input.timeScale ?? 1
  const bucketMs = input.buckets?.bucketMs ?? summary.timeseries.bucketMs
  const buckets = input.buckets?.rows ?? drillBucketsOf(summary.timeseries.buckets)
  const phases = [...input.phases].sort((a, b) => a.fromMs - b.fromMs)
  const notes: string[] = []
  const verdicts = phases.map((phase) => phaseVerdict(phase, summary.phases[phase.name], limits, input.wastedByPhase?.[phase.name]))

  const baselinePhase = pickBaselinePhase(phases, input.baselinePhase)
  let band: Band | null = null
  let incidents: Incident[] = []
  const baselineGroup = baselinePhase === undefined ? undefined : summary.phases[baselinePhase.name]
  if (baselinePhase === undefined) {
    notes.push(
      input.baselinePhase === undefined
        ? 'the timeline has no calm phase to serve as the baseline: detect and recover times need one'
        : `the baseline phase '${input.baselinePhase}' is not in the timeline`,
    )
  } else if (baselineGroup === undefined || (baselineGroup.byOutcome['ok'] ?? 0) === 0) {
    notes.push(`the baseline phase '${baselinePhase.name}' completed no request: there is no band to compare with`)
  } else {
    const core = computeBand(baselineGroup, baselinePhase.name, bandOptions)
    let judged = 0
    let outside = 0
    for (const bucket of buckets) {
      const middle = bucket.t + bucketMs / 2
      if (middle < baselinePhase.fromMs || middle >= baselinePhase.toMs) continue
      const judgement = judgeBucket(bucket, core)
      if (!judgement.judged) continue
      judged++
      if (!judgement.healthy) outside++
    }
    band = { ...core, noise: { judged, outside } }
    if (judged > 0 && outside / judged > 0.1) {
      notes.push(`${outside} of ${judged} baseline buckets fell outside the band on their own: detection times are less certain (use longer buckets, i.e. a longer drill, or more traffic)`)
    }
    incidents = findIncidents(phases, buckets, bucketMs, core)
  }

  let drift: Drift | null = null
  if (input.before !== undefined) {
    const thresholds: DriftThresholds = { ...DEFAULT_DRIFT, ...input.driftThresholds }
    const now = baselineGroup === undefined ? driftStatsOfSummary(summary) : driftStatsOf(baselineGroup)
    drift = { source: input.before.source, runId: input.before.runId, scope: input.before.scope, rows: compareDrift(input.before.stats, now, thresholds), thresholds }
    if (drift.rows.some((row) => row.status === 'insufficient')) {
      notes.push(`drift: fewer than ${thresholds.minRequests} completed requests on one side, or a figure missing: those rows are not judged`)
    }
  }

  // What broke, worst first: a broken baseline, no recovery, fault phases, drift.
  const broke: string[] = []
  // Calm phases before the first fault are the reference; calm phases after one are part of a recovery.
  const firstFaultMs = phases.find((phase) => phase.faults.length > 0)?.fromMs ?? Number.POSITIVE_INFINITY
  const calmFailures = verdicts.filter((verdict) => verdict.faults.length === 0 && verdict.fromMs < firstFaultMs && !verdict.pass)
  for (const verdict of calmFailures) {
    broke.push(
      verdict.noData
        ? `${verdict.name} (no faults): no request was due in this phase, nothing to judge`
        : `${verdict.name} (no faults): ${verdict.checks.filter((c) => !c.pass).map(describeCheck).join('; ')}${problemText(verdict.topProblems)}`,
    )
  }
  const lastIncident = incidents[incidents.length - 1]
  const endedUnrecovered = lastIncident !== undefined && lastIncident.recovery === 'not-recovered' && lastIncident.windowEndMs >= buckets.length * bucketMs
  if (endedUnrecovered && lastIncident !== undefined) {
    broke.push(`not recovered: after ${lastIncident.phase} ended, buckets were still outside the baseline band when the drill ended`)
  }
  for (const incident of incidents) {
    if (incident !== lastIncident && incident.recovery === 'not-recovered') broke.push(`not recovered after ${incident.phase}: ${incident.note ?? ''}`.trim())
  }
  const faultFailures = verdicts.filter((verdict) => !verdict.pass && !calmFailures.includes(verdict))
  for (const verdict of faultFailures) {
    const retries = verdict.retryAmplification > 1.005 ? `; retries ×${verdict.retryAmplification.toFixed(2)}` : ''
    broke.push(
      verdict.noData
        ? `${verdict.name}: no request was due in this phase`
        : `${verdict.name}: ${verdict.checks.filter((c) => !c.pass).map(describeCheck).join('; ')}${problemText(verdict.topProblems)}${retries}`,
    )
  }
  const drifted = drift?.rows.filter((row) => row.status === 'drift') ?? []
  for (const row of drifted) {
    broke.push(
      `drift since ${drift?.runId ?? 'the baseline'}: ${DRIFT_LABELS[row.metric]} ${formatDriftValue(row.metric, row.before)} → ${formatDriftValue(row.metric, row.now)} (${formatDriftChange(row)}, limit ${formatDriftThreshold(row)})`,
    )
  }

  let status: DrillStatus
  let sentence: string
  const failedPhases = verdicts.filter((verdict) => !verdict.pass).length
  const recovered = lastIncident?.recovery === 'recovered' ? lastIncident : undefined
  const recoveryText = recovered === undefined || recovered.recoverMs === null ? '' : `, and the endpoint was back within the baseline band ${drillTime(recovered.recoverMs, timeScale)} after ${recovered.phase} ended`
  if (summary.partial) {
    status = 'FAIL'
    sentence = 'FAIL — the drill was interrupted before its timeline ended, so it proves nothing about recovery.'
  } else if (baselinePhase === undefined || band === null) {
    status = 'FAIL'
    sentence = `FAIL — there is no working baseline to judge the faults against (${notes[notes.length - 1] ?? 'no baseline'}).`
  } else if (calmFailures.length > 0) {
    status = 'FAIL'
    sentence = `FAIL — even without faults the endpoint broke its SLOs (${calmFailures.map((v) => v.name).join(', ')}): fix that before reading the fault phases.`
  } else if (endedUnrecovered) {
    status = 'FAIL'
    sentence = `FAIL — the endpoint had not recovered when the drill ended: after ${lastIncident?.phase ?? 'the last fault'} ended it stayed outside the baseline band.`
  } else if (failedPhases > 0 || drifted.length > 0 || incidents.some((incident) => incident.recovery === 'not-recovered')) {
    status = 'DEGRADED'
    const parts: string[] = []
    if (failedPhases > 0) parts.push(`${failedPhases} of ${verdicts.length} phases broke their SLOs during or after faults (${faultFailures.map((v) => v.name).join(', ')})`)
    if (drifted.length > 0) parts.push(`${drifted.length} figure${drifted.length === 1 ? '' : 's'} drifted since the last drill`)
    sentence = `DEGRADED — the baseline held, but ${parts.join(' and ')}${recoveryText}.`
  } else {
    status = 'PASS'
    sentence = `PASS — every phase met its SLOs, faults included${recoveryText}.`
  }
  if (buckets.length > 0) {
    notes.push(`detect and recover times are measured in ${formatDuration(bucketMs)} buckets of run time, by when requests were due: they are accurate to one bucket`)
    const shortest = Math.min(...phases.filter((phase) => phase.faults.length > 0).map((phase) => phase.toMs - phase.fromMs))
    if (Number.isFinite(shortest) && shortest < 3 * bucketMs) {
      notes.push(`the shortest fault phase lasts ${formatDuration(shortest)}, under three ${formatDuration(bucketMs)} buckets: detection is coarse; send more traffic (--employees) or play the drill slower (--time-scale)`)
    }
  }
  return {
    schemaVersion: DRILL_SCHEMA_VERSION,
    verdict: { status, sentence },
    broke,
    phases: verdicts,
    band,
    incidents,
    drift,
    limits,
    wastedBasis: input.wastedByPhase === undefined ? 'abandoned' : 'failed-attempts',
    timeScale,
    bucketMs,
    buckets,
    notes,
  }
}
