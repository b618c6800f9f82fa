// Ramping rate: requests are taken from the traffic in order and given send times so that the
// rate follows piecewise-linear stages (as k6's ramping-arrival-rate), ignoring their offsets.
import type { TrafficRequest } from '../../core/traffic-types.js'
import { rampScenario } from '../k6/scenarios.js'
import { runOpenSchedule } from './open.js'
import type { ScheduleDefinition } from './types.js'

export interface RampStage {
  durationMs: number
  targetRatePerSecond: number
}

export interface RampingScheduleSpec {
  type: 'ramping'
  startRatePerSecond: number
  stages: RampStage[]
}

/**
 * Send time (ms) of the k-th arrival (k = 0, 1, …) when the rate ramps through `stages`
 * starting at `startRatePerSecond`; undefined once the stages are over.
 */
export function createRampClock(startRatePerSecond: number, stages: readonly RampStage[]): (k: number) => number | undefined {
  // Cumulative arrivals at the end of each stage, for a linear rate r(t) = r0 + (r1 − r0)·t/T.
  const bounds: { startMs: number; durationMs: number; r0: number; r1: number; before: number; count: number }[] = []
  let startMs = 0
  let before = 0
  let rate = startRatePerSecond
  for (const stage of stages) {
    const count = ((rate + stage.targetRatePerSecond) / 2) * (stage.durationMs / 1000)
    bounds.push({ startMs, durationMs: stage.durationMs, r0: rate, r1: stage.targetRatePerSecond, before, count })
    startMs += stage.durationMs
    before += count
    rate = stage.targetRatePerSecond
  }
  return (k: number) => {
    const target = k + 0.5 // centre each arrival in its unit of cumulative count
    for (const b of bounds) {
      if (target > b.before + b.count) continue
      const n = target - b.before
      const T = b.durationMs / 1000
      const slope = (b.r1 - b.r0) / T
      // Solve r0·t + slope·t²/2 = n for t.
      const t = Math.abs(slope) < 1e-12 ? n / b.r0 : (-b.r0 + Math.sqrt(b.r0 * b.r0 + 2 * slope * n)) / slope
      return b.startMs + t * 1000
    }
    return undefined
  }
}

/** The traffic cut to the arrivals the ramp has room for, each with its send time in `offsets`. */
async function* takeWhileScheduled(
  requests: AsyncIterable<TrafficRequest>,
  rampAt: (k: number) => number | undefined,
  offsets: Map<string, number>,
): AsyncIterable<TrafficRequest> {
  let k = 0
  for await (const request of requests) {
    const at = rampAt(k++)
    if (at === undefined) return
    offsets.set(request.id, at)
    yield request
    offsets.delete(request.id)
  }
}

const STAGE_EXAMPLE: RampStage = { durationMs: 60_000, targetRatePerSecond: 10 }

export const rampingSchedule: ScheduleDefinition<RampingScheduleSpec> = {
  type: 'ramping',
  summary: "ramping arrival rate: requests in traffic order at a rate ramped linearly through stages (k6's ramping-arrival-rate); their offsets are unused",
  fields: ['startRatePerSecond', 'stages'],
  parse(read) {
    const startRatePerSecond = read.number('startRatePerSecond', { min: 0, required: true, example: 1 })
    const stages = read.list('stages', { minItems: 1, fields: ['durationMs', 'targetRatePerSecond'], example: [STAGE_EXAMPLE] }, (stage) => ({
      durationMs: stage.number('durationMs', { above: 0, required: true, example: 60_000 }),
      targetRatePerSecond: stage.number('targetRatePerSecond', { min: 0, required: true, example: 10 }),
    }))
    if (stages.length > 0 && startRatePerSecond === 0 && stages.every((stage) => stage.targetRatePerSecond === 0)) {
      read.problem('stages', `every rate is 0, so nothing would be sent; give a stage a targetRatePerSecond above 0, e.g. ${JSON.stringify(STAGE_EXAMPLE)}`)
    }
    return { type: 'ramping', startRatePerSecond, stages }
  },
  create(spec) {
    const durationMs = spec.stages.reduce((total, stage) => total + stage.durationMs, 0)
    return {
      timeScale: 1,
      lagMeasured: true,
      describe: () =>
        `ramping schedule: ${[spec.startRatePerSecond, ...spec.stages.map((stage) => stage.targetRatePerSecond)].join(' → ')} req/s over ${(durationMs / 1000).toFixed(1)} s`,
      plannedDurationMs: () => durationMs,
      connections: (maxInFlight) => maxInFlight,
      k6: ({ options }) => ({ scenario: rampScenario(spec.startRatePerSecond, spec.stages, options), mode: 'rate', followsOffsets: false }),
      run(requests, context, dispatch, drop) {
        const offsets = new Map<string, number>()
        return runOpenSchedule(
          takeWhileScheduled(requests, createRampClock(spec.startRatePerSecond, spec.stages), offsets),
          {
            clock: context.clock,
            runStartMs: context.runStartMs,
            timeScale: 1,
            maxInFlight: context.maxInFlight,
            signal: context.signal,
            offsetOf: (request) => offsets.get(request.id) ?? request.offsetMs,
          },
          dispatch,
          drop,
        )
      },
    }
  },
}
