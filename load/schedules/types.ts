// How traffic is turned into send times: open (arrival times), closed (virtual users), ramping.
import type { TrafficRequest } from '../../core/traffic-types.js'

export type ScheduleSpec =
  | { type: 'open'; timeScale?: number; overflow?: 'drop' | 'queue' }
  | { type: 'closed'; users: number; thinkTimeMs?: number }
  | { type: 'ramping'; startRatePerSecond: number; stages: { durationMs: number; targetRatePerSecond: number }[] }

/**
 * Starts one logical request at `scheduledAtMs` (ms from run start) and returns when it is
 * done (including retries). The schedule never awaits it in open mode.
 */
export type Dispatch = (request: TrafficRequest, scheduledAtMs: number) => Promise<void>

/** Records a request that was due but not sent (in-flight cap full). */
export type Drop = (request: TrafficRequest, scheduledAtMs: number) => void
