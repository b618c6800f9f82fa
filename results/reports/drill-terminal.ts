// The drill report as text for the person on call: verdict, then what broke, then detail.
import { formatPercent, formatDuration } from '../../core/format.js'
import {
  drillTime,
  DRIFT_LABELS,
  formatDriftChange,
  formatDriftThreshold,
  formatDriftValue,
  type DrillDocument,
  type Incident,
} from '../drill/index.js'
import { formatUsd, table } from './format.js'

function windowText(fromMs: number, toMs: number): string {
  const unit = toMs >= 120_000 ? 60_000 : 1_000
  const suffix = unit === 60_000 ? ' min' : ' s'
  const value = (x: number): string => (x / unit).toFixed(unit === 1_000 && toMs < 20_000 ? 1 : 0)
  return `${value(fromMs)}–${value(toMs)}${suffix}`
}

export function incidentDetectText(incident: Incident, timeScale: number): string {
  if (incident.detectMs === null) return 'not detected: stayed inside the band'
  return drillTime(incident.detectMs, timeScale)
}

export function incidentRecoverText(incident: Incident, timeScale: number): string {
  if (incident.recovery === 'recovered' && incident.recoverMs !== null) {
    return `${drillTime(incident.recoverMs, timeScale)}${incident.note === null ? '' : ` (${incident.note})`}`
  }
  if (incident.recovery === 'not-recovered') return `NOT RECOVERED — ${incident.note ?? ''}`.trim()
  return `not measurable: ${incident.note ?? 'no data'}`
}

export function renderDrillTerminal(document: DrillDocument): string {
  const lines: string[] = []
  const { run, timeScale } = document
  lines.push(document.verdict.sentence)
  lines.push(
    `drill ${run.runId} against ${run.target.label}: ${run.timeline.phases.length} phases, ${formatDuration(run.durationMs)} of run time` +
      (timeScale === 1 ? '' : ` (the ${formatDuration(run.timeline.durationMs)} drill compressed ×${timeScale})`) +
      (run.timeline.tailMs > 0 ? `; the last ${formatDuration(run.timeline.tailMs / timeScale)} are a calm tail to see recovery` : ''),
  )
  lines.push('')
  if (document.broke.length > 0) {
    lines.push('What broke')
    for (const line of document.broke) lines.push(`  • ${line}`)
    lines.push('')
  }

  const band = document.band
  if (band !== null) {
    const limits = [
      band.ttftP95LimitMs === null ? null : `TTFT p95 ≤ ${formatDuration(band.ttftP95LimitMs)}`,
      band.e2eP95LimitMs === null ? null : `e2e p95 ≤ ${formatDuration(band.e2eP95LimitMs)}`,
      `errors ≤ ${formatPercent(band.errorRateLimit)}`,
      `abandoned ≤ ${formatPercent(band.abandonRateLimit)} (more for buckets with few requests)`,
    ].filter((part): part is string => part !== null)
    lines.push(`Time to detect and to recover — baseline band from '${band.baselinePhase}': ${limits.join(', ')}`)
    lines.push(
      `  (${band.options.latencyFactor}× the baseline's p95 latencies, its rates + ${(band.options.rateMargin * 100).toFixed(0)} pp, or + ${band.options.noiseSigmas} standard errors for a bucket's size when larger; detected by = the end of the first ${formatDuration(document.bucketMs)} bucket outside the band; recovered = the start of ${band.options.recoverBuckets} buckets in a row inside it; ` +
        `${band.noise.outside} of ${band.noise.judged} baseline buckets fell outside it by chance)`,
    )
    const rows = [['fault', 'detected by', 'first bucket outside the band', 'recovered after the fault ended']]
    for (const incident of document.incidents) {
      rows.push([incident.phase, incidentDetectText(incident, timeScale), incident.detectReasons.join(', ') || '–', incidentRecoverText(incident, timeScale)])
    }
    lines.push(table(rows, ['l', 'r', 'l', 'l']).replace(/^/gm, '  '))
    lines.push('')
  }

  const slo = document.limits.slo
  const sloParts = [
    slo.ttft_ms === undefined ? null : `TTFT p95 ≤ ${formatDuration(slo.ttft_ms)}`,
    slo.e2e_ms === undefined ? null : `e2e p95 ≤ ${formatDuration(slo.e2e_ms)}`,
    `errors ≤ ${formatPercent(document.limits.maxErrorRate)}`,
    `abandoned ≤ ${formatPercent(document.limits.maxAbandonRate)}`,
  ].filter((part): part is string => part !== null)
  lines.push(`Phases — SLOs: ${sloParts.join(', ')} (run time)`)
  const phaseRows = [['phase', 'window', 'requests', 'TTFT p95', 'e2e p95', 'errors', 'abandoned', 'retries', 'spend', 'wasted', 'verdict']]
  for (const phase of document.phases) {
    phaseRows.push([
      phase.name,
      windowText(phase.fromMs, phase.toMs),
      String(phase.requests),
      phase.ttftP95Ms === null ? '–' : formatDuration(phase.ttftP95Ms),
      phase.e2eP95Ms === null ? '–' : formatDuration(phase.e2eP95Ms),
      phase.noData ? '–' : formatPercent(phase.errorRate),
      phase.noData ? '–' : formatPercent(phase.abandonRate),
      phase.noData ? '–' : `×${phase.retryAmplification.toFixed(2)}`,
      formatUsd(phase.spendUsd),
      formatUsd(phase.wastedUsd),
      phase.noData ? 'NO DATA' : phase.pass ? 'pass' : 'FAIL',
    ])
  }
  lines.push(table(phaseRows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']).replace(/^/gm, '  '))
  lines.push(
    `  wasted = ${document.wastedBasis === 'failed-attempts' ? 'spend on attempts that delivered no answer (errors mid-stream, retried and abandoned attempts)' : 'spend on answers users abandoned'}; retries = attempts per request sent`,
  )
  lines.push('')

  const drift = document.drift
  if (drift !== null) {
    lines.push(`Drift since ${drift.runId} (${drift.scope})`)
    const rows = [['figure', 'before', 'now', 'change', 'limit', 'status']]
    for (const row of drift.rows) {
      rows.push([
        DRIFT_LABELS[row.metric],
        formatDriftValue(row.metric, row.before),
        formatDriftValue(row.metric, row.now),
        formatDriftChange(row),
        formatDriftThreshold(row),
        row.status === 'drift' ? 'DRIFT' : row.status === 'insufficient' ? 'too few requests' : 'ok',
      ])
    }
    lines.push(table(rows, ['l', 'r', 'r', 'r', 'r', 'l']).replace(/^/gm, '  '))
    lines.push('')
  }
  if (document.notes.length > 0) {
    lines.push('Notes')
    for (const note of document.notes) lines.push(`  - ${note}`)
    lines.push('')
  }
  if (run.outDir !== null) lines.push(`results: ${run.outDir} (drill.html, drill.json, report.html, summary.json, records.jsonl)`)
  return lines.join('\n').trimEnd()
}
