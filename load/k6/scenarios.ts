// Traffic offsets -> the k6 scenario that starts iteration n (which sends request n) near the
// request's offset. Pure: used by export.ts, and its arrival formula is checked in tests.
//
// rate  (default)  ramping-arrival-rate, rate held constant per window:
//
//   count/window  3 ┤   ┌──┐
//                 1 ┤───┘  └──┐  ┌─ tail: area ½, catches a float shortfall, starts no extra request
//                 0 ┤         └──┘
//                    w0  w1  w2  w3
//   Stages jump (0 s stage) to each window's count, hold it for the window (timeUnit = window),
//   so window k starts exactly as many iterations as the traffic has requests in it, evenly
//   spaced: every request is sent within one window of its offset. k6 allocates VUs and counts
//   iterations it could not start (`dropped_iterations`).
//
// exact           shared-iterations: each iteration sleeps until its own offset, so sends are
//   exact while VUs last; with all VUs busy, later sends are late (measured as llm_schedule_lag,
//   and latency is measured from the intended time, so lateness is not hidden).
import { UserError } from '../../core/errors.js'
import type { K6ScheduleMode } from './scripts/lib/plan.js'

export interface K6Stage {
  duration: string
  target: number
}

export interface RampingArrivalRateScenario {
  executor: 'ramping-arrival-rate'
  startRate: number
  timeUnit: string
  stages: K6Stage[]
  preAllocatedVUs: number
  maxVUs: number
  gracefulStop: string
}

export interface SharedIterationsScenario {
  executor: 'shared-iterations'
  vus: number
  iterations: number
  maxDuration: string
  gracefulStop: string
}

export type K6Scenario = RampingArrivalRateScenario | SharedIterationsScenario

export interface ScenarioOptions {
  mode: K6ScheduleMode
  /** Rate mode: window the rate is constant over (default 1000 ms, at least 10). */
  windowMs?: number
  /** Per-request limit; sizes VUs and how long in-flight requests may finish. */
  requestTimeoutMs: number
  /** Rate mode: VUs initialised up front; exact mode: the VUs. */
  vus?: number
  /** Rate mode: VU ceiling. */
  maxVUs?: number
}

export const DEFAULT_WINDOW_MS = 1000
const MIN_WINDOW_MS = 10
/** A typical LLM answer time, only to size VUs when the user gives none. */
const TYPICAL_LATENCY_S = 10
const VU_CAP = 5000

/** A k6 duration string (`1500ms`): k6 syntax, not a display format. */
export function k6Duration(ms: number): string {
  return `${Math.round(ms)}ms`
}

/** Parses k6 durations we write (`1500ms`, `0s`, `2m`, `1h30m`) back to ms. */
export function parseK6DurationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  let total = 0
  let rest = text.trim()
  if (rest === '') throw new RangeError(`empty k6 duration`)
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest)
    if (match === null) throw new RangeError(`not a k6 duration: '${text}'`)
    total += Number(match[1]) * (units[match[2] as string] as number)
    rest = rest.slice(match[0].length)
  }
  return total
}

function checkOffsets(offsetsMs: readonly number[]): void {
  for (let i = 0; i < offsetsMs.length; i++) {
    const offset = offsetsMs[i] as number
    if (!Number.isFinite(offset) || offset < 0) throw new RangeError(`offset ${i} is ${offset}: offsets must be finite and ≥ 0`)
    if (i > 0 && offset < (offsetsMs[i - 1] as number)) throw new RangeError(`offsets must be sorted: offset ${i} (${offset}) < offset ${i - 1}`)
  }
}

/** Requests per window: `counts[k]` = offsets in [k·w, (k+1)·w). */
export function windowCounts(offsetsMs: readonly number[], windowMs: number): number[] {
  checkOffsets(offsetsMs)
  if (offsetsMs.length === 0) return []
  const last = offsetsMs[offsetsMs.length - 1] as number
  const counts = new Array<number>(Math.floor(last / windowMs) + 1).fill(0)
  for (const offset of offsetsMs) counts[Math.floor(offset / windowMs)] = (counts[Math.floor(offset / windowMs)] as number) + 1
  return counts
}

/** Spread-free max: traffic can have hundreds of thousands of windows. */
function maxOf(values: readonly number[]): number {
  let max = 0
  for (const value of values) if (value > max) max = value
  return max
}

function defaultVUs(peakPerSecond: number, requestTimeoutMs: number): { preAllocated: number; max: number } {
  const preAllocated = Math.min(1000, Math.max(10, Math.ceil(peakPerSecond * TYPICAL_LATENCY_S)))
  const max = Math.min(VU_CAP, Math.max(preAllocated, Math.ceil((peakPerSecond * requestTimeoutMs) / 1000)))
  return { preAllocated, max }
}

function validateWindow(windowMs: number): void {
  if (!Number.isInteger(windowMs) || windowMs < MIN_WINDOW_MS) {
    throw new UserError('USAGE_INVALID', `--window-ms ${windowMs}: expected an integer ≥ ${MIN_WINDOW_MS} (ms the k6 arrival rate is held constant over); e.g. --window-ms 1000`)
  }
}

/** Rate mode: ramping-arrival-rate stages that start exactly `counts[k]` iterations in window k. */
export function rateScenario(offsetsMs: readonly number[], options: ScenarioOptions): RampingArrivalRateScenario {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS
  validateWindow(windowMs)
  const counts = windowCounts(offsetsMs, windowMs)
  if (counts.length === 0) throw new RangeError('no requests to schedule')
  // Durations are merged while the count repeats, then formatted once.
  const raw: Array<{ durationMs: number; target: number }> = []
  for (let k = 0; k < counts.length; k++) {
    const count = counts[k] as number
    const last = raw[raw.length - 1]
    if (last !== undefined && last.target === count && last.durationMs > 0) {
      last.durationMs += windowMs
      continue
    }
    if (k > 0) raw.push({ durationMs: 0, target: count })
    raw.push({ durationMs: windowMs, target: count })
  }
  // Tail of area ½: rate 1/window for half a window (see the diagram above).
  raw.push({ durationMs: 0, target: 1 }, { durationMs: Math.ceil(windowMs / 2), target: 1 })
  const peakPerSecond = (maxOf(counts) * 1000) / windowMs
  const sized = defaultVUs(peakPerSecond, options.requestTimeoutMs)
  const preAllocatedVUs = options.vus ?? sized.preAllocated
  const maxVUs = Math.max(preAllocatedVUs, options.maxVUs ?? sized.max)
  return {
    executor: 'ramping-arrival-rate',
    startRate: counts[0] as number,
    timeUnit: k6Duration(windowMs),
    stages: raw.map((stage) => ({ duration: k6Duration(stage.durationMs), target: stage.target })),
    preAllocatedVUs,
    maxVUs,
    gracefulStop: k6Duration(options.requestTimeoutMs + 5000),
  }
}

/** Exact mode: every request sleeps until its own offset; VUs bound how many wait or run at once. */
export function exactScenario(offsetsMs: readonly number[], options: ScenarioOptions): SharedIterationsScenario {
  checkOffsets(offsetsMs)
  if (offsetsMs.length === 0) throw new RangeError('no requests to schedule')
  const spanMs = offsetsMs[offsetsMs.length - 1] as number
  const counts = windowCounts(offsetsMs, DEFAULT_WINDOW_MS)
  const peakPerSecond = maxOf(counts)
  const vus = Math.min(offsetsMs.length, options.vus ?? defaultVUs(peakPerSecond, options.requestTimeoutMs).max)
  return {
    executor: 'shared-iterations',
    vus,
    iterations: offsetsMs.length,
    // shared-iterations stops at maxDuration (default 10m): leave room for the last answer.
    maxDuration: k6Duration(spanMs + options.requestTimeoutMs + 10_000),
    gracefulStop: k6Duration(options.requestTimeoutMs + 5000),
  }
}

/**
 * A rate ramp in requests per second (the ramping schedule) -> ramping-arrival-rate. k6 rates are
 * whole numbers per `timeUnit`, so fractional rates are given per 1000 s (ms resolution).
 */
export function rampScenario(
  startRatePerSecond: number,
  stages: readonly { durationMs: number; targetRatePerSecond: number }[],
  options: Pick<ScenarioOptions, 'requestTimeoutMs' | 'vus' | 'maxVUs'>,
): RampingArrivalRateScenario {
  const rates = [startRatePerSecond, ...stages.map((stage) => stage.targetRatePerSecond)]
  const unitS = rates.every((rate) => Number.isInteger(rate)) ? 1 : 1000
  const sized = defaultVUs(maxOf(rates), options.requestTimeoutMs)
  const preAllocatedVUs = options.vus ?? sized.preAllocated
  return {
    executor: 'ramping-arrival-rate',
    startRate: Math.round(startRatePerSecond * unitS),
    timeUnit: k6Duration(unitS * 1000),
    stages: stages.map((stage) => ({ duration: k6Duration(stage.durationMs), target: Math.round(stage.targetRatePerSecond * unitS) })),
    preAllocatedVUs,
    maxVUs: Math.max(preAllocatedVUs, options.maxVUs ?? sized.max),
    gracefulStop: k6Duration(options.requestTimeoutMs + 5000),
  }
}

export function trafficScenario(offsetsMs: readonly number[], options: ScenarioOptions): K6Scenario {
  return options.mode === 'exact' ? exactScenario(offsetsMs, options) : rateScenario(offsetsMs, options)
}

/**
 * When k6's ramping-arrival-rate executor starts each iteration, in ms from the scenario start,
 * for one instance. Follows k6's documented arrival formula (lib/executor/ramping_arrival_rate.go
 * `cal`): iteration i (1-based) starts when the area under the rate curve reaches i, with linear
 * ramps between stage targets and instant jumps for 0 s stages. In float64, like k6.
 */
export function plannedStartsMs(scenario: RampingArrivalRateScenario): number[] {
  const nsPerMs = 1e6
  const timeUnitNs = parseK6DurationMs(scenario.timeUnit) * nsPerMs
  const starts: number[] = []
  let stageStartNs = 0
  let doneSoFar = 0
  let endCount = 0
  let from = scenario.startRate / timeUnitNs
  let i = 1
  for (const stage of scenario.stages) {
    const to = stage.target / timeUnitNs
    const durationNs = parseK6DurationMs(stage.duration) * nsPerMs
    if (from !== to) {
      endCount += durationNs * ((to - from) / 2 + from)
      for (; i <= endCount; i++) {
        const root = Math.sqrt(Math.max(0, durationNs * (from * from * durationNs + 2 * (i - doneSoFar) * (to - from))))
        const x = (from * durationNs - root) / (from - to)
        starts.push((x + stageStartNs) / nsPerMs)
      }
    } else {
      endCount += durationNs * to
      for (; i <= endCount; i++) starts.push(((i - doneSoFar) / to + stageStartNs) / nsPerMs)
    }
    doneSoFar = endCount
    from = to
    stageStartNs += durationNs
  }
  return starts
}

/** Total length of a scenario's stages, ms. */
export function stagesDurationMs(scenario: RampingArrivalRateScenario): number {
  return scenario.stages.reduce((sum, stage) => sum + parseK6DurationMs(stage.duration), 0)
}

export interface ScheduleFidelity {
  /** Requests the schedule starts (must equal the traffic's). */
  planned: number
  /** Largest |start − offset|, ms. */
  maxDeviationMs: number
  meanAbsDeviationMs: number
}

/** How far planned starts fall from the traffic's offsets (request n ↔ start n). */
export function scheduleFidelity(offsetsMs: readonly number[], startsMs: readonly number[]): ScheduleFidelity {
  const n = Math.min(offsetsMs.length, startsMs.length)
  let max = 0
  let sum = 0
  for (let i = 0; i < n; i++) {
    const deviation = Math.abs((startsMs[i] as number) - (offsetsMs[i] as number))
    max = Math.max(max, deviation)
    sum += deviation
  }
  return { planned: startsMs.length, maxDeviationMs: max, meanAbsDeviationMs: n === 0 ? 0 : sum / n }
}
