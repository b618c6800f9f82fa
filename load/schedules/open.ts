// Open model: each request is sent at its offset whatever the endpoint is doing; a late send is
// schedule lag (measured), and past the in-flight cap a request is dropped (counted), never queued.
import type { Clock } from '../../core/clock.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { waitUntil } from './pacer.js'
import type { Dispatch, Drop } from './types.js'

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
