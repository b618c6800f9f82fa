// Open model: each request is sent at its offset whatever the endpoint is doing; a late send is
// schedule lag (measured), and past the in-flight cap a request is dropped (counted), never queued.
import type { Clock } from '../../core/clock.js'
import { UserError } from '../../core/errors.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { trafficScenario } from '../k6/scenarios.js'
import { waitUntil } from './pacer.js'
import type { Dispatch, Drop, ScheduleDefinition } from './types.js'

export interface OpenScheduleSpec {
  type: 'open'
  /** Offsets are divided by this (2 = twice as fast); default 1. */
  timeScale?: number
  /** Past the in-flight cap: drop (default) or queue. */
  overflow?: 'drop' | 'queue'
}

const OVERFLOWS = ['drop', 'queue'] as const

export interface OpenScheduleOptions {
  clock: Clock
  runStartMs: number
  /** Offsets are divided by this (2 = twice as fast). */
  timeScale: number
  maxInFlight: number
  signal: AbortSignal
  /**
   * Past the cap: `drop` (default) records the request as dropped; `queue` waits for a slot and
   * sends it late — its latency from the scheduled time then includes the client-side wait.
   */
  overflow?: 'drop' | 'queue'
  /** Offsets from a transform (ramping) instead of the traffic's own. */
  offsetOf?: (request: TrafficRequest) => number
}

export async function runOpenSchedule(
  requests: AsyncIterable<TrafficRequest>,
  options: OpenScheduleOptions,
  dispatch: Dispatch,
  drop: Drop,
): Promise<void> {
  const inFlight = new Set<Promise<void>>()
  for await (const request of requests) {
    if (options.signal.aborted) break
    const offsetMs = options.offsetOf === undefined ? request.offsetMs : options.offsetOf(request)
    const scheduledAtMs = offsetMs / options.timeScale
    await waitUntil(options.clock, options.runStartMs + scheduledAtMs, options.signal)
    if (options.signal.aborted) break
    if (inFlight.size >= options.maxInFlight) {
      if (options.overflow !== 'queue') {
        drop(request, scheduledAtMs)
        continue
      }
      while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight)
    }
    const pending = dispatch(request, scheduledAtMs).finally(() => inFlight.delete(pending))
    inFlight.add(pending)
  }
  await Promise.all(inFlight)
}

export const openSchedule: ScheduleDefinition<OpenScheduleSpec> = {
  type: 'open',
  summary: 'open model: each request at its offset (÷ timeScale) whatever the endpoint does; late sends are lag, past the in-flight cap dropped or queued',
  fields: ['timeScale', 'overflow'],
  options: [
    { flag: '--on-cap <mode>', field: 'overflow', description: 'open model past the in-flight cap: drop (default, counted) or queue (sent late, lag measured)' },
  ],
  fromCli: (fields, context) => ({ timeScale: context.replayTimeScale, ...fields }),
  parse(read) {
    const spec: OpenScheduleSpec = { type: 'open' }
    const timeScale = read.number('timeScale', { above: 0, example: 60 })
    if (timeScale !== undefined) spec.timeScale = timeScale
    const overflow = read.choice('overflow', OVERFLOWS, { example: 'queue' })
    if (overflow !== undefined) spec.overflow = overflow
    return spec
  },
  create(spec) {
    const timeScale = spec.timeScale ?? 1
    return {
      timeScale,
      lagMeasured: true,
      describe: () =>
        `open schedule: requests at their offsets${timeScale === 1 ? '' : ` ${timeScale}× faster`}, ${spec.overflow === 'queue' ? 'queued' : 'dropped'} past the in-flight cap`,
      plannedDurationMs: (estimate) => estimate.spanMs / timeScale,
      connections: (maxInFlight) => maxInFlight,
      k6({ offsetsMs, options }) {
        if (timeScale !== 1) {
          throw new UserError('USAGE_INVALID', `schedule.timeScale ${timeScale}: k6 export replays the offsets as recorded; export with timeScale 1 (or write the traffic with scaled offsets)`)
        }
        return { scenario: trafficScenario(offsetsMs, options), mode: options.mode, followsOffsets: true }
      },
      run(requests, context, dispatch, drop) {
        const options: OpenScheduleOptions = { clock: context.clock, runStartMs: context.runStartMs, timeScale, maxInFlight: context.maxInFlight, signal: context.signal }
        if (spec.overflow !== undefined) options.overflow = spec.overflow
        return runOpenSchedule(requests, options, dispatch, drop)
      },
    }
  },
}
