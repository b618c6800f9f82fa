// The drill's figures as text: drill time, failed checks and drift rows (shares and durations: core/format.ts).
import { formatDuration, formatPercent } from '../../core/format.js'
import type { DriftMetric, DriftRow } from './drift.js'
import type { PhaseCheck } from './phase-verdict.js'


/** Drill time for a run-time duration: the timeline was compressed by `timeScale`. */
export function drillTime(runMs: number, timeScale: number): string {
  return timeScale === 1 || runMs === 0 ? formatDuration(runMs) : `${formatDuration(runMs)} (drill time ${formatDuration(runMs * timeScale)})`
}

export function describeCheck(check: PhaseCheck): string {
  const name = check.metric === 'ttft_p95' ? 'TTFT p95' : check.metric === 'e2e_p95' ? 'e2e p95' : check.metric === 'error_rate' ? 'error rate' : 'abandon rate'
  const isRate = check.metric === 'error_rate' || check.metric === 'abandon_rate'
  const format = (value: number): string => (isRate ? formatPercent(value) : formatDuration(value))
  if (check.actual === null) return `${name}: no request completed (limit ${format(check.limit)})`
  return `${name} ${format(check.actual)} ${check.pass ? '≤' : '>'} ${format(check.limit)}`
}

export const DRIFT_LABELS: Record<DriftMetric, string> = {
  ttft_p95_ms: 'TTFT p95',
  e2e_p95_ms: 'e2e p95',
  output_tokens_per_request: 'output tokens per request',
  spend_per_request_usd: 'spend per request',
  error_rate: 'error rate',
}

export function formatDriftValue(metric: DriftMetric, value: number | null): string {
  if (value === null) return '–'
  if (metric === 'error_rate') return formatPercent(value, 2)
  if (metric === 'spend_per_request_usd') return `$${value.toPrecision(3)}`
  if (metric === 'output_tokens_per_request') return value.toFixed(1)
  return formatDuration(value)
}

export function formatDriftChange(row: DriftRow): string {
  if (row.change === null) return '–'
  const sign = row.change >= 0 ? '+' : '−'
  return row.kind === 'absolute' ? `${sign}${(Math.abs(row.change) * 100).toFixed(2)} pp` : `${sign}${(Math.abs(row.change) * 100).toFixed(1)} %`
}

export function formatDriftThreshold(row: DriftRow): string {
  const amount = row.kind === 'absolute' ? `${(row.threshold * 100).toFixed(2)} pp` : `${(row.threshold * 100).toFixed(0)} %`
  return row.direction === 'both' ? `±${amount}` : `+${amount}`
}
