// The live terminal view for a TTY: a progress bar with ETA, then the live figures (rate,
// outcomes, TTFT/e2e percentiles, spend, the drill phase) on three lines redrawn in place.
// Without a TTY the one-line progress (terminal.ts renderProgressLine) is printed instead.
import { formatDuration } from '../../core/format.js'
import type { Usd } from '../summary.js'
import { formatMsValue, formatNumber, formatUsd } from './format.js'

export interface LiveFigures {
  elapsedMs: number
  plannedMs: number | null
  sent: number
  inFlight: number
  completed: number
  errors: number
  abandoned: number
  dropped: number
  ttftP50Ms: number | null
  ttftP95Ms: number | null
  e2eP95Ms: number | null
  spendUsd: Usd
  phase: string | undefined
}

const BAR_WIDTH = 24

/** `[█████████░░░░░░] 41 %` of the planned time; a spinner-free counter when nothing is planned. */
export function progressBar(elapsedMs: number, plannedMs: number | null, width = BAR_WIDTH): string {
  if (plannedMs === null || plannedMs <= 0) return `[${'·'.repeat(width)}] ${formatDuration(elapsedMs)}`
  const share = Math.min(1, Math.max(0, elapsedMs / plannedMs))
  const filled = Math.round(share * width)
  const eta = Math.max(0, plannedMs - elapsedMs)
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(share * 100)} %  ${formatDuration(elapsedMs)} / ${formatDuration(plannedMs)}  ETA ${formatDuration(eta)}`
}

const ms = (value: number | null): string => (value === null ? '–' : `${formatMsValue(value)} ms`)

export function renderLiveView(p: LiveFigures): string {
  // `sent` counts finished requests that were sent; the ones in flight were sent too.
  const started = p.sent + p.inFlight
  const rate = p.elapsedMs > 0 ? (started / p.elapsedMs) * 1000 : 0
  return [
    `${progressBar(p.elapsedMs, p.plannedMs)}${p.phase === undefined ? '' : `  phase ${p.phase}`}`,
    `sent ${formatNumber(started)} (${rate.toFixed(1)} req/s)  in flight ${formatNumber(p.inFlight)}  ok ${formatNumber(p.completed)}  errors ${formatNumber(p.errors)}  abandoned ${formatNumber(p.abandoned)}${p.dropped > 0 ? `  dropped ${formatNumber(p.dropped)}` : ''}`,
    `TTFT p50 ${ms(p.ttftP50Ms)}  p95 ${ms(p.ttftP95Ms)}  e2e p95 ${ms(p.e2eP95Ms)}  spend ${formatUsd(p.spendUsd)}`,
  ].join('\n')
}
