// A capacity sweep's analysis: which steps met the SLOs, the highest load that did, where the
// endpoint saturated, and the knee. Pure: steps in, verdicts out.
//
//   latency p95 │                    ╱  ← more than 2× per doubling of load: past the knee
//               │              ___╱
//               │ ____________╱
//               └──┬────┬────┬────┬── offered load (log scale)
//                  1    2    4    8
//                            ^ knee: the last step before latency explodes or throughput stalls
import type { Slo, Usd } from './summary.js'
import { formatPercent } from '../core/format.js'

export const SWEEP_SCHEMA_VERSION = 1

export type SweepMode = 'rate' | 'users'

export interface StepLatency {
  p50: number | null
  p95: number | null
  p99: number | null
  mean: number | null
}

/** One step of a sweep, measured by one run. */
export interface SweepStep {
  index: number
  /** The load the step offered: requests per second (rate mode) or concurrent users (users mode). */
  load: number
  /** Planned length of the step's sending (rate mode); null for users mode (a request count). */
  durationMs: number | null
  /** Whole run, including the wait for the last answers. */
  runDurationMs: number
  scheduled: number
  sent: number
  ok: number
  errors: number
  abandoned: number
  /**
   * The rate the endpoint served: completed-ok requests per second between the first and the
   * last first token of the step's ok requests ((ok − 1) / span). At a load it keeps up with,
   * the offered rate; past saturation, the rate slots freed up. Null with fewer than 2 ok.
   */
  throughputPerSecond: number | null
  ttftMs: StepLatency
  e2eMs: StepLatency
  /** Mean time a stream was open, from send to end (for Little's law). */
  e2eServiceMeanMs: number | null
  errorRate: number
  abandonRate: number
  /** Share of sent requests that completed within every SLO. */
  goodputShare: number
  spendUsd: Usd
  outDir: string | null
  /** The run's summary notes (e.g. the traffic ran out). */
  notes: string[]
}

/**
 * When a step meets the SLOs, and when the load has gone past the knee.
 * - meets: goodput share ≥ `minGoodputShare` and error rate ≤ `maxErrorRate`;
 * - latency knee: p95 TTFT grows more than `latencyGrowthPerDoubling`× per doubling of load;
 * - saturation: throughput rose by less than `minThroughputGain` of the load's rise (for a
 *   doubling: less than +10 %).
 */
export interface SweepCriteria {
  minGoodputShare: number
  maxErrorRate: number
  latencyGrowthPerDoubling: number
  minThroughputGain: number
}

export const DEFAULT_SWEEP_CRITERIA: SweepCriteria = { minGoodputShare: 0.9, maxErrorRate: 0.01, latencyGrowthPerDoubling: 2, minThroughputGain: 0.1 }

export interface StepVerdict {
  index: number
  load: number
  meetsSlo: boolean
  /** Why not, e.g. `goodput 71.0 % < 90.0 %`. */
  reasons: string[]
  /** p95 TTFT growth per doubling of load from the previous step; null for the first step or without data. */
  latencyGrowthPerDoubling: number | null
  /** Throughput rise as a share of the load's rise from the previous step (1 = kept pace). */
  throughputGain: number | null
  /** This step's latency grew past the limit from the previous step. */
  latencyExploded: boolean
  /** This step added load but hardly any throughput. */
  saturated: boolean
}

export interface SweepAnalysis {
  steps: StepVerdict[]
  /** The highest load in the run of SLO-meeting steps from the lowest step up; null if the first failed. */
  maxLoadMeetingSlo: number | null
  /** The last step before latency exploded or throughput stalled; null if neither happened. */
  knee: { load: number; index: number; nextLoad: number; reason: string } | null
  saturatedAt: number | null
  /** The most completed-ok requests per second any step served (the capacity, once saturated). */
  maxThroughputPerSecond: number | null
  /** One sentence for the top of the report. */
  headline: string
}

export function stepMeetsSlo(step: SweepStep, criteria: SweepCriteria): { pass: boolean; reasons: string[] } {
  const reasons: string[] = []
  if (step.sent === 0) reasons.push('no request was sent')
  if (step.goodputShare < criteria.minGoodputShare) reasons.push(`goodput ${formatPercent(step.goodputShare)} < ${formatPercent(criteria.minGoodputShare)}`)
  if (step.errorRate > criteria.maxErrorRate) reasons.push(`error rate ${formatPercent(step.errorRate)} > ${formatPercent(criteria.maxErrorRate)}`)
  return { pass: reasons.length === 0, reasons }
}

/** Growth of `value` per doubling of `load` between two steps: (v1/v0)^(1/log2(l1/l0)). */
export function growthPerDoubling(load0: number, value0: number, load1: number, value1: number): number | null {
  if (!(load1 > load0) || !(load0 > 0) || !(value0 > 0) || !(value1 > 0)) return null
  return Math.pow(value1 / value0, 1 / Math.log2(load1 / load0))
}

/** (t1/t0 − 1) / (l1/l0 − 1): 1 when throughput kept pace with the added load, 0 when it stalled. */
export function throughputGain(load0: number, throughput0: number | null, load1: number, throughput1: number | null): number | null {
  if (!(load1 > load0) || !(load0 > 0) || throughput0 === null || throughput1 === null || !(throughput0 > 0)) return null
  return (throughput1 / throughput0 - 1) / (load1 / load0 - 1)
}

export function analyzeSweep(steps: readonly SweepStep[], criteria: SweepCriteria = DEFAULT_SWEEP_CRITERIA, mode: SweepMode = 'rate'): SweepAnalysis {
  const sorted = [...steps].sort((a, b) => a.load - b.load)
  const verdicts: StepVerdict[] = sorted.map((step, i) => {
    const { pass, reasons } = stepMeetsSlo(step, criteria)
    const previous = i === 0 ? undefined : sorted[i - 1]
    let latencyGrowth: number | null = null
    let gain: number | null = null
    let latencyExploded = false
    let saturated = false
    if (previous !== undefined) {
      const p0 = previous.ttftMs.p95
      const p1 = step.ttftMs.p95
      if (p0 !== null && p1 !== null) {
        latencyGrowth = growthPerDoubling(previous.load, p0, step.load, p1)
        latencyExploded = latencyGrowth !== null && latencyGrowth > criteria.latencyGrowthPerDoubling
      } else if (p0 !== null && p1 === null && step.sent > 0) {
        // Nothing completed any more: latency has no finite value at this load.
        latencyExploded = true
      }
      gain = throughputGain(previous.load, previous.throughputPerSecond, step.load, step.throughputPerSecond)
      saturated = gain !== null && gain < criteria.minThroughputGain
      if (gain === null && previous.throughputPerSecond !== null && previous.throughputPerSecond > 0 && step.throughputPerSecond === null) saturated = true
    }
    return { index: step.index, load: step.load, meetsSlo: pass, reasons, latencyGrowthPerDoubling: latencyGrowth, throughputGain: gain, latencyExploded, saturated }
  })
  let maxLoadMeetingSlo: number | null = null
  for (const verdict of verdicts) {
    if (!verdict.meetsSlo) break
    maxLoadMeetingSlo = verdict.load
  }
  const unit = mode === 'rate' ? 'req/s' : 'users'
  let knee: SweepAnalysis['knee'] = null
  for (let i = 1; i < verdicts.length; i++) {
    const verdict = verdicts[i] as StepVerdict
    if (!verdict.latencyExploded && !verdict.saturated) continue
    const before = verdicts[i - 1] as StepVerdict
    const reasons: string[] = []
    if (verdict.latencyExploded) {
      reasons.push(
        verdict.latencyGrowthPerDoubling === null
          ? `no request completed at ${formatLoad(verdict.load)} ${unit}`
          : `p95 TTFT grew ${verdict.latencyGrowthPerDoubling.toFixed(1)}× per doubling of load (limit ${criteria.latencyGrowthPerDoubling}×)`,
      )
    }
    if (verdict.saturated) {
      reasons.push(
        verdict.throughputGain === null
          ? 'throughput fell to nothing'
          : `throughput rose by only ${(verdict.throughputGain * 100).toFixed(0)} % of the added load (limit ${(criteria.minThroughputGain * 100).toFixed(0)} %)`,
      )
    }
    knee = { load: before.load, index: before.index, nextLoad: verdict.load, reason: `from ${formatLoad(before.load)} to ${formatLoad(verdict.load)} ${unit}: ${reasons.join('; ')}` }
    break
  }
  const saturatedAt = verdicts.find((verdict) => verdict.saturated)?.load ?? null
  let maxThroughputPerSecond: number | null = null
  for (const step of sorted) {
    if (step.throughputPerSecond !== null && (maxThroughputPerSecond === null || step.throughputPerSecond > maxThroughputPerSecond)) maxThroughputPerSecond = step.throughputPerSecond
  }
  const parts: string[] = []
  parts.push(
    maxLoadMeetingSlo === null
      ? `no step met the SLOs (the lowest, ${formatLoad(verdicts[0]?.load ?? 0)} ${unit}, already failed)`
      : `the endpoint met the SLOs up to ${formatLoad(maxLoadMeetingSlo)} ${unit}${maxLoadMeetingSlo === verdicts[verdicts.length - 1]?.load ? ' (the highest step measured)' : ''}`,
  )
  parts.push(knee === null ? 'no knee within the steps measured' : `the knee is at ${formatLoad(knee.load)} ${unit}`)
  if (saturatedAt !== null && maxThroughputPerSecond !== null) parts.push(`it served at most ${maxThroughputPerSecond.toFixed(2)} req/s`)
  const headline = `${parts.join('; ')}.`
  return { steps: verdicts, maxLoadMeetingSlo, knee, saturatedAt, maxThroughputPerSecond, headline: headline.charAt(0).toUpperCase() + headline.slice(1) }
}

export function formatLoad(load: number): string {
  return Number.isInteger(load) ? String(load) : load < 1 ? load.toPrecision(2) : load.toFixed(2).replace(/0$/, '')
}

/** Whether a sweep should stop after its latest step: SLOs broken or the endpoint saturated. */
export function stopReason(steps: readonly SweepStep[], criteria: SweepCriteria, mode: SweepMode): string | null {
  const analysis = analyzeSweep(steps, criteria, mode)
  const last = analysis.steps[analysis.steps.length - 1]
  if (last === undefined) return null
  const unit = mode === 'rate' ? 'req/s' : 'users'
  if (!last.meetsSlo) return `the SLOs broke at ${formatLoad(last.load)} ${unit} (${last.reasons.join('; ')})`
  if (last.saturated) return `the endpoint saturated at ${formatLoad(last.load)} ${unit}: throughput stopped rising`
  return null
}

/** The content of `sweep.json`, read back by `gauntlet forecast --sweep`. */
export interface SweepDocument {
  schemaVersion: number
  kind: 'sweep'
  createdAt: string
  target: { label: string; model: string; pricedAs: string | null }
  traffic: string
  mode: SweepMode
  slo: Slo
  criteria: SweepCriteria
  /** Rate mode: planned seconds per step. Users mode: requests per step. */
  stepDurationMs: number | null
  stepRequests: number | null
  steps: SweepStep[]
  analysis: SweepAnalysis
  /** Why the sweep stopped before its last planned step, if it did. */
  stoppedEarly: string | null
  plannedLoads: number[]
}
