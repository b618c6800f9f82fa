// The client's own health in a run, and the verdict on it: a load tester whose event loop is
// late or whose core is full reports part of its own slowness as the endpoint's (k6 warns about
// dropped iterations for the same reason). Pure: the figures come from load/self-check.ts.
import type { ClientHealth, ClientHealthFigures, ClientVerdict, LatencyMetric } from './summary.js'

export type { ClientHealth, ClientHealthFigures, ClientVerdict } from './summary.js'

/** Event-loop delay p99 past which latency figures are marked: a few ms is a busy but fine loop. */
export const BUSY_LOOP_DELAY_MS = 10
export const SATURATED_LOOP_DELAY_MS = 50
/** CPU per event loop past which the client, not the endpoint, may be the bottleneck. */
export const BUSY_CPU_PER_LOOP = 0.7
export const SATURATED_CPU_PER_LOOP = 0.9
/**
 * CPU share is judged only over at least this long a run: a run of a few requests spends its
 * short life compiling code and opening connections (a one-request run of 17 ms measured 133 %
 * of a core), which says nothing about the load the client can carry.
 */
export const MIN_WATCH_FOR_CPU_MS = 1000
/** Open-model sends later than this at p99 mean the schedule was not kept. */
export const LATE_SENDS_P99_MS = 10

const LATENCY_FROM_SCHEDULE: LatencyMetric[] = ['ttft_ms', 'e2e_ms', 'itl_ms', 'tpot_ms', 'ttft_service_ms', 'e2e_service_ms']

export function judgeClientHealth(figures: ClientHealthFigures): ClientHealth {
  const warnings: string[] = []
  const loopP99 = figures.eventLoopDelayP99Ms ?? 0
  const cpuPerLoop = figures.cpuCores / Math.max(1, figures.workers)
  let verdict: ClientVerdict = 'ok'
  const raise = (to: ClientVerdict): void => {
    if (to === 'saturated' || (to === 'busy' && verdict === 'ok')) verdict = to
  }
  if (loopP99 > SATURATED_LOOP_DELAY_MS) raise('saturated')
  else if (loopP99 > BUSY_LOOP_DELAY_MS) raise('busy')
  if (cpuJudged(figures)) {
    if (cpuPerLoop >= SATURATED_CPU_PER_LOOP) raise('saturated')
    else if (cpuPerLoop >= BUSY_CPU_PER_LOOP) raise('busy')
  }
  if (verdict !== 'ok') {
    warnings.push(
      `the client was ${verdict === 'saturated' ? 'the bottleneck' : 'busy'}: event-loop delay p99 ${round(loopP99, 1)} ms, ${round(cpuPerLoop * 100, 0)} % of a core per event loop; ` +
        `latency tails may be partly the client's own (try --workers, fewer streams per process, or a bigger machine)`,
    )
  }
  const lag = figures.scheduleLagP99Ms
  if (lag !== null && lag > LATE_SENDS_P99_MS) {
    warnings.push(`sends were late against the schedule (lag p99 ${round(lag, 1)} ms): the offered load was lower than planned at the peaks`)
    raise('busy')
  }
  for (const load of figures.tokenizerLoads) {
    warnings.push(
      `the tokenizer loaded mid-run at ${round(load.atMs / 1000, 1)} s (an answer without usage), pausing the client ${round(load.durationMs, 0)} ms; pass --tokenizer eager for endpoints that report no usage`,
    )
    if (load.durationMs > SATURATED_LOOP_DELAY_MS) raise('busy')
  }
  const distorted = verdict === 'ok' ? [] : [...LATENCY_FROM_SCHEDULE]
  if (lag !== null && lag > LATE_SENDS_P99_MS && !distorted.includes('ttft_ms')) distorted.push('ttft_ms', 'e2e_ms')
  return { ...figures, verdict, warnings, distorted }
}

/** False when the run was too short for its CPU share to mean anything (see MIN_WATCH_FOR_CPU_MS). */
export function cpuJudged(figures: Pick<ClientHealthFigures, 'watchedMs'>): boolean {
  return figures.watchedMs === undefined || figures.watchedMs >= MIN_WATCH_FOR_CPU_MS
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
