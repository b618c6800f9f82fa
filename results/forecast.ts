// Workforce forecast from a measured run: the run's per-task token profile × the price table →
// spend per day, month and year; the peak-hour request rate (the workload model's busiest hour)
// → concurrent streams by Little's law; and, given a sweep, the latency expected at that rate.
// Pure: the caller reads the files and computes the busiest hour's share from the workload model.
//
//   requests/day = employees × adoption × queries/day          spend = requests × $/request
//   peak rate    = requests/day × busiest-hour share / 3600 s   streams = peak rate × mean stream time
import { forecastSpend, type ForecastTask, type TokenPrices } from './cost.js'
import type { GroupStats, Usd } from './summary.js'
import { formatLoad, type SweepDocument, type SweepStep } from './sweep.js'
import { round } from '../core/format.js'
import type { ConversationForecast } from './conversations/forecast.js'

export const FORECAST_SCHEMA_VERSION = 1

export interface TaskProfileRow {
  name: string
  /** Share of the run's logical requests that were this task. */
  share: number
  requests: number
  ok: number
  /** Means over the task's completed requests. */
  meanInputTokens: number
  meanOutputTokens: number
  /** At the forecast's price; null when unpriced. */
  perRequestUsd: number | null
}

export interface TaskProfile {
  rows: TaskProfileRow[]
  /** Tasks with no completed request: their token sizes are unknown, so they are left out. */
  dropped: { name: string; share: number }[]
  completed: number
}

/** Mean tokens per completed request of each task, and the task mix by share of requests. */
export function taskProfileOf(tasks: Record<string, GroupStats>): TaskProfile {
  const total = Object.values(tasks).reduce((sum, task) => sum + task.requests, 0)
  const rows: TaskProfileRow[] = []
  const dropped: TaskProfile['dropped'] = []
  let completed = 0
  for (const [name, task] of Object.entries(tasks).sort((a, b) => b[1].requests - a[1].requests || a[0].localeCompare(b[0]))) {
    const share = total === 0 ? 0 : task.requests / total
    const ok = task.byOutcome['ok'] ?? 0
    if (ok === 0) {
      dropped.push({ name, share })
      continue
    }
    completed += ok
    rows.push({ name, share, requests: task.requests, ok, meanInputTokens: task.ok_input_tokens / ok, meanOutputTokens: task.ok_output_tokens / ok, perRequestUsd: null })
  }
  return { rows, dropped, completed }
}

export type RateStatus = 'within' | 'below' | 'beyond'

export interface LatencyAtRate {
  status: RateStatus
  ratePerSecond: number
  /** The sweep steps bracketing the rate (the nearest one when below or beyond). */
  lowerLoad: number | null
  upperLoad: number | null
  ttftP50Ms: number | null
  ttftP95Ms: number | null
  e2eP50Ms: number | null
  e2eP95Ms: number | null
  e2eServiceMeanMs: number | null
  /** The sweep's highest load meeting the SLOs, in req/s (rate sweeps; users sweeps: its served rate). */
  maxRateMeetingSlo: number | null
  /** maxRateMeetingSlo / rate; above 1 the rate is within what met the SLOs. */
  headroom: number | null
  note: string
}

/** The rate axis of a sweep: offered rate (rate mode) or served throughput (users mode). */
function rateOf(step: SweepStep, mode: SweepDocument['mode']): number | null {
  return mode === 'rate' ? step.load : step.throughputPerSecond
}

function lerp(x0: number, v0: number | null, x1: number, v1: number | null, x: number): number | null {
  if (v0 === null || v1 === null) return null
  if (x1 === x0) return v0
  return v0 + ((v1 - v0) * (x - x0)) / (x1 - x0)
}

/** Latency expected at `ratePerSecond`: linear between the two sweep steps around it; never extrapolated. */
export function interpolateSweep(sweep: SweepDocument, ratePerSecond: number): LatencyAtRate {
  const points = sweep.steps
    .map((step) => ({ step, rate: rateOf(step, sweep.mode) }))
    .filter((point): point is { step: SweepStep; rate: number } => point.rate !== null)
    .sort((a, b) => a.rate - b.rate)
  let maxRateMeetingSlo: number | null = null
  if (sweep.analysis.maxLoadMeetingSlo !== null) {
    if (sweep.mode === 'rate') maxRateMeetingSlo = sweep.analysis.maxLoadMeetingSlo
    else maxRateMeetingSlo = sweep.steps.find((step) => step.load === sweep.analysis.maxLoadMeetingSlo)?.throughputPerSecond ?? null
  }
  const headroom = maxRateMeetingSlo === null || ratePerSecond <= 0 ? null : maxRateMeetingSlo / ratePerSecond
  const base = { ratePerSecond, maxRateMeetingSlo, headroom }
  const first = points[0]
  const last = points[points.length - 1]
  const none = { ttftP50Ms: null, ttftP95Ms: null, e2eP50Ms: null, e2eP95Ms: null, e2eServiceMeanMs: null }
  if (first === undefined || last === undefined) {
    return { ...base, ...none, status: 'beyond', lowerLoad: null, upperLoad: null, note: 'the sweep has no step with a measured rate' }
  }
  const sloText =
    maxRateMeetingSlo === null
      ? 'no sweep step met the SLOs'
      : ratePerSecond <= maxRateMeetingSlo
        ? `within the ${formatLoad(round(maxRateMeetingSlo, 3))} req/s that met the SLOs (headroom ×${(headroom ?? 0).toFixed(1)})`
        : `above the ${formatLoad(round(maxRateMeetingSlo, 3))} req/s that met the SLOs`
  if (ratePerSecond > last.rate) {
    return {
      ...base,
      ...none,
      status: 'beyond',
      lowerLoad: last.rate,
      upperLoad: null,
      note: `beyond the highest step measured (${formatLoad(round(last.rate, 3))} req/s): not measured, so no latency is given; ${sloText}`,
    }
  }
  if (ratePerSecond < first.rate) {
    const s = first.step
    return {
      ...base,
      status: 'below',
      lowerLoad: null,
      upperLoad: first.rate,
      ttftP50Ms: s.ttftMs.p50,
      ttftP95Ms: s.ttftMs.p95,
      e2eP50Ms: s.e2eMs.p50,
      e2eP95Ms: s.e2eMs.p95,
      e2eServiceMeanMs: s.e2eServiceMeanMs,
      note: `below the lowest step measured (${formatLoad(round(first.rate, 3))} req/s): its latency is shown, a lighter load should be no slower; ${sloText}`,
    }
  }
  let lower = first
  let upper = last
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as { step: SweepStep; rate: number }
    const b = points[i + 1] as { step: SweepStep; rate: number }
    if (ratePerSecond >= a.rate && ratePerSecond <= b.rate) {
      lower = a
      upper = b
      break
    }
  }
  const at = (pick: (step: SweepStep) => number | null): number | null => lerp(lower.rate, pick(lower.step), upper.rate, pick(upper.step), ratePerSecond)
  return {
    ...base,
    status: 'within',
    lowerLoad: lower.rate,
    upperLoad: upper.rate,
    ttftP50Ms: at((s) => s.ttftMs.p50),
    ttftP95Ms: at((s) => s.ttftMs.p95),
    e2eP50Ms: at((s) => s.e2eMs.p50),
    e2eP95Ms: at((s) => s.e2eMs.p95),
    e2eServiceMeanMs: at((s) => s.e2eServiceMeanMs),
    note:
      lower.rate === upper.rate
        ? `measured at the ${formatLoad(round(lower.rate, 3))} req/s step; ${sloText}`
        : `interpolated between the ${formatLoad(round(lower.rate, 3))} and ${formatLoad(round(upper.rate, 3))} req/s steps; ${sloText}`,
  }
}

export interface ScenarioInput {
  label: string
  employees: number
  adoption: number
  /** The busiest hour's share of a working day's requests, from the workload model. */
  peakHourShare: number
}

export interface ScenarioForecast {
  label: string
  employees: number
  adoption: number
  activeUsers: number
  requestsPerDay: number
  requestsPerMonth: number
  requestsPerYear: number
  perDayUsd: number | null
  perMonthUsd: number | null
  perYearUsd: number | null
  peakHourShare: number
  peakRequestsPerHour: number
  peakRatePerSecond: number
  /** Little's law: peak rate × mean stream time (send to end). */
  concurrentStreams: number | null
  /** Where the mean stream time came from. */
  streamTimeMs: number | null
  streamTimeBasis: 'sweep' | 'run' | null
  latencyAtPeak: LatencyAtRate | null
}

export interface ForecastInput {
  tasks: Record<string, GroupStats>
  price: TokenPrices | undefined
  queriesPerDay: number
  workingDaysPerMonth: number
  scenarios: ScenarioInput[]
  /** The run's mean time from send to the end of a completed stream. */
  runStreamTimeMs: number | null
  sweep?: SweepDocument
}

export interface ForecastResult {
  profile: TaskProfile
  /** Mix-weighted spend of one completed request; null when unpriced. */
  perRequestUsd: number | null
  scenarios: ScenarioForecast[]
  notes: string[]
}

export function forecastWorkforce(input: ForecastInput): ForecastResult {
  const profile = taskProfileOf(input.tasks)
  const notes: string[] = []
  if (profile.rows.length === 0) {
    return { profile, perRequestUsd: null, scenarios: [], notes: ['the run completed no request: there is no token profile to forecast from'] }
  }
  if (profile.dropped.length > 0) {
    notes.push(`left out (no completed request to measure): ${profile.dropped.map((task) => `${task.name} (${(task.share * 100).toFixed(1)} % of requests)`).join(', ')}; the other tasks' shares are scaled up to fill the mix`)
  }
  const tasks: ForecastTask[] = profile.rows.map((row) => ({ name: row.name, share: row.share, inputTokens: row.meanInputTokens, outputTokens: row.meanOutputTokens }))
  const scenarios = input.scenarios.map((scenario): ScenarioForecast => {
    const options: Parameters<typeof forecastSpend>[0] = {
      tasks,
      employees: scenario.employees,
      adoption: scenario.adoption,
      queriesPerDay: input.queriesPerDay,
      workingDaysPerMonth: input.workingDaysPerMonth,
    }
    if (input.price !== undefined) options.price = input.price
    const spend = forecastSpend(options)
    const peakRequestsPerHour = spend.requestsPerDay * scenario.peakHourShare
    const peakRatePerSecond = peakRequestsPerHour / 3600
    const latencyAtPeak = input.sweep === undefined ? null : interpolateSweep(input.sweep, peakRatePerSecond)
    let streamTimeMs: number | null = null
    let streamTimeBasis: ScenarioForecast['streamTimeBasis'] = null
    if (latencyAtPeak !== null && latencyAtPeak.status === 'within' && latencyAtPeak.e2eServiceMeanMs !== null) {
      streamTimeMs = latencyAtPeak.e2eServiceMeanMs
      streamTimeBasis = 'sweep'
    } else if (input.runStreamTimeMs !== null) {
      streamTimeMs = input.runStreamTimeMs
      streamTimeBasis = 'run'
    }
    return {
      label: scenario.label,
      employees: scenario.employees,
      adoption: scenario.adoption,
      activeUsers: spend.activeUsers,
      requestsPerDay: spend.requestsPerDay,
      requestsPerMonth: spend.requestsPerMonth,
      requestsPerYear: spend.requestsPerYear,
      perDayUsd: spend.perDayUsd,
      perMonthUsd: spend.perMonthUsd,
      perYearUsd: spend.perYearUsd,
      peakHourShare: scenario.peakHourShare,
      peakRequestsPerHour,
      peakRatePerSecond,
      concurrentStreams: streamTimeMs === null ? null : peakRatePerSecond * (streamTimeMs / 1000),
      streamTimeMs,
      streamTimeBasis,
      latencyAtPeak,
    }
  })
  const first = input.scenarios[0]
  const perTask =
    first === undefined
      ? undefined
      : forecastSpend({ tasks, employees: 1, adoption: 1, queriesPerDay: 1, workingDaysPerMonth: input.workingDaysPerMonth, ...(input.price === undefined ? {} : { price: input.price }) })
  const perRequestUsd = perTask?.perRequestUsd ?? null
  if (perTask !== undefined) {
    for (const row of profile.rows) row.perRequestUsd = perTask.perTask.find((task) => task.name === row.name)?.perRequestUsd ?? null
  }
  if (input.price === undefined) notes.push('no price for the model: spend is unknown (pass --price-as MODEL or --prices FILE)')
  return { profile, perRequestUsd, scenarios, notes }
}

/** The content of `forecast.json`. */
export interface ForecastDocument extends ForecastResult {
  schemaVersion: number
  kind: 'forecast'
  createdAt: string
  run: { dir: string; runId: string; target: string; completed: number }
  pricedAs: string | null
  priceTableAsOf: string | null
  assumptions: {
    queriesPerDay: number
    workingDaysPerMonth: number
    /** Where the busiest-hour share came from. */
    peakModel: string
    streamTime: string
  }
  sweep: { dir: string; target: string; mode: SweepDocument['mode']; maxLoadMeetingSlo: number | null; knee: number | null } | null
  /** The run's own spend per request sent (retries, errors and abandoned answers included), for comparison. */
  runSpendPerRequestUsd: Usd | null
  /** Conversations, agent tasks and the prompt cache, when the run had them. */
  conversations?: ConversationForecast
}
