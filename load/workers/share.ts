// A worker's share of the run: its users' requests (when given in code), its options with its
// part of the caps, and its part of the schedule (a closed model's users, a ramp's rates).
import type { TrafficRequest } from '../../core/traffic-types.js'
import type { ScheduleSpec } from '../schedules/types.js'
import { userShareOf, type TrafficSource, type TrafficSourceOptions } from '../traffic-source.js'
import type { WorkerRunOptions } from './messages.js'
import type { PoolRun } from './pool.js'

/** In-code requests cannot be re-read in a worker: each worker is handed its users' requests. */
export async function splitRequests(traffic: TrafficSource, count: number): Promise<TrafficRequest[][]> {
  const shares: TrafficRequest[][] = Array.from({ length: count }, () => [])
  for await (const request of traffic.requests()) shares[userShareOf(request.userId, count) - 1]?.push(request)
  return shares
}

/** A worker's options: its users' share, its part of the caps, the endpoint already resolved. */
export function workerOptions(pool: PoolRun, index: number, dir: string, requests: TrafficRequest[] | undefined): WorkerRunOptions {
  const { options, workers } = pool
  const count = workers.count
  const {
    signal: _signal,
    onProgress: _onProgress,
    log: _log,
    confirm: _confirm,
    sinks: _sinks,
    clock: _clock,
    adapter: _adapter,
    runStart: _runStart,
    chaos: _chaos,
    workers: _workers,
    ...plain
  } = options
  const userShare = { index: index + 1, count }
  // In-code requests arrive already segmented, capped and limited: only the share is left to say.
  const traffic: TrafficSourceOptions =
    requests === undefined
      ? { ...options.traffic, userShare }
      : { type: 'requests', requests, source: pool.traffic.describe().source, userShare }
  const result: WorkerRunOptions = {
    ...plain,
    name: `${pool.name}-worker-${index + 1}`,
    target: pool.workerTarget,
    traffic,
    schedule: shareSchedule(pool.schedule, index, count),
    maxInFlight: Math.max(1, Math.ceil(pool.maxInFlight / count)),
    outDir: dir,
    thresholds: [],
    yes: true,
    priceAs: pool.pricedAs,
  }
  if (options.maxSpendUsd !== undefined) result.maxSpendUsd = options.maxSpendUsd / count
  if (pool.proxy !== undefined && pool.phases.length > 0) result.chaosPhases = pool.phases
  return result
}

/**
 * A worker's part of the schedule: an open model keeps its times (each worker sends its users'
 * requests at their offsets), a closed model divides its users, a ramp divides its rates.
 */
export function shareSchedule(schedule: ScheduleSpec, index: number, count: number): ScheduleSpec {
  if (schedule.type === 'closed') {
    const users = Math.floor(schedule.users / count) + (index < schedule.users % count ? 1 : 0)
    return { ...schedule, users: Math.max(1, users) }
  }
  if (schedule.type === 'ramping') {
    return {
      ...schedule,
      startRatePerSecond: schedule.startRatePerSecond / count,
      stages: schedule.stages.map((stage) => ({ ...stage, targetRatePerSecond: stage.targetRatePerSecond / count })),
    }
  }
  return schedule
}
