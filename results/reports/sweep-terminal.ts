// The capacity sweep as text: the highest load that met the SLOs and the knee first, then a row per step.
import { formatLoad, type SweepDocument, type StepVerdict } from '../sweep.js'
import { formatMsValue, formatNumber, formatPercent, table } from './format.js'

export function sweepLoadUnit(document: Pick<SweepDocument, 'mode'>): string {
  return document.mode === 'rate' ? 'req/s' : 'users'
}

export function sloText(document: SweepDocument): string {
  const parts = Object.entries(document.slo).map(([key, value]) => `${key.replace('_ms', '')} ≤ ${formatNumber(value as number)} ms`)
  return `${parts.join(', ')} per request; a step meets the SLOs with goodput ≥ ${formatPercent(document.criteria.minGoodputShare)} and errors ≤ ${formatPercent(document.criteria.maxErrorRate)}`
}

export function stepVerdictText(verdict: StepVerdict | undefined): string {
  if (verdict === undefined) return '–'
  const flags: string[] = []
  if (verdict.latencyExploded) flags.push('latency exploded')
  if (verdict.saturated) flags.push('saturated')
  const base = verdict.meetsSlo ? 'meets SLOs' : `FAILS: ${verdict.reasons.join('; ')}`
  return flags.length === 0 ? base : `${base} (${flags.join(', ')})`
}

export function renderSweepTerminal(document: SweepDocument, options: { outDir?: string } = {}): string {
  const unit = sweepLoadUnit(document)
  const lines: string[] = []
  lines.push(document.analysis.headline)
  if (document.analysis.knee !== null) lines.push(`knee: ${document.analysis.knee.reason}`)
  if (document.stoppedEarly !== null) lines.push(`stopped early: ${document.stoppedEarly}`)
  lines.push('')
  const what =
    document.mode === 'rate'
      ? `constant-rate steps of ${formatNumber((document.stepDurationMs ?? 0) / 1000)} s`
      : `closed-model steps of ${document.stepRequests === null ? '5 requests per user' : `${document.stepRequests} requests`}`
  lines.push(`sweep of ${document.target.label} with ${document.traffic}: ${what}; SLOs ${sloText(document)}`)
  const rows = [[`load (${unit})`, 'sent', 'TTFT p50', 'TTFT p95', 'e2e p50', 'e2e p95', 'served/s', 'goodput', 'errors', 'abandoned', 'verdict']]
  const verdicts = new Map(document.analysis.steps.map((verdict) => [verdict.index, verdict]))
  for (const step of document.steps) {
    rows.push([
      formatLoad(step.load),
      formatNumber(step.sent),
      formatMsValue(step.ttftMs.p50),
      formatMsValue(step.ttftMs.p95),
      formatMsValue(step.e2eMs.p50),
      formatMsValue(step.e2eMs.p95),
      step.throughputPerSecond === null ? '–' : formatNumber(step.throughputPerSecond, 2),
      formatPercent(step.goodputShare),
      formatPercent(step.errorRate),
      formatPercent(step.abandonRate),
      stepVerdictText(verdicts.get(step.index)),
    ])
  }
  lines.push(table(rows, ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']).replace(/^/gm, '  '))
  lines.push(
    `  latencies in ms from the scheduled send; served/s = completed-ok requests per second between the first and the last of their first tokens; ` +
      `knee = the last step before p95 TTFT grew more than ${document.criteria.latencyGrowthPerDoubling}× per doubling of load, or throughput rose by less than ${formatPercent(document.criteria.minThroughputGain, 0)} of the added load`,
  )
  const stepNotes = document.steps.flatMap((step) => step.notes.filter((note) => note.startsWith('the traffic ran out')).map((note) => `step ${formatLoad(step.load)} ${unit}: ${note}`))
  for (const note of stepNotes) lines.push(`  note: ${note}`)
  if (options.outDir !== undefined) lines.push('', `results: ${options.outDir} (sweep.html, sweep.json, one run folder per step)`)
  return lines.join('\n')
}
