// Closed model: V virtual users, each sending its next request when the previous one ended
// plus a think time. p-limit bounds the concurrency; the queue in front of it stays short.
import { setImmediate as nextLoopTurn } from 'node:timers/promises'
import pLimit from 'p-limit'
import type { Clock } from '../../core/clock.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import type { Dispatch, ScheduleDefinition } from './types.js'

export interface ClosedScheduleSpec {
  type: 'closed'
  users: number
  /** Pause between a user's requests, ms; default 0. */
  thinkTimeMs?: number
}

export interface ClosedScheduleOptions {
  clock: Clock
  runStartMs: number
  users: number
  thinkTimeMs: number
  signal: AbortSignal
}

export async function runClosedSchedule(
  requests: AsyncIterable<TrafficRequest>,
  options: ClosedScheduleOptions,
  dispatch: Dispatch,
): Promise<void> {
  const limit = pLimit(options.users)
  const pending = new Set<Promise<void>>()
  let slotFreed: (() => void) | undefined
  for await (const request of requests) {
    if (options.signal.aborted) break
    // Keep at most one request waiting per user, so a million-line file is never queued.
    while (limit.activeCount + limit.pendingCount >= options.users * 2 && !options.signal.aborted) {
      await new Promise<void>((resolve) => {
        slotFreed = resolve
      })
    }
    const task = limit(async () => {
      if (options.signal.aborted) return
      // The user is ready now: that is when they want their answer.
      const scheduledAtMs = options.clock.now() - options.runStartMs
      await dispatch(request, scheduledAtMs)
      if (options.thinkTimeMs > 0 && !options.signal.aborted) {
        try {
          await options.clock.sleep(options.thinkTimeMs, options.signal)
        } catch {
          // Interrupted while thinking: nothing to record.
        }
      } else {
        // undici frees a finished response's socket one loop turn later: a user with no think
        // time waits for that turn, so the next request goes out on the same connection at once
        // instead of waiting in the pool (which would count as the endpoint's latency).
        await nextLoopTurn()
      }
    }).finally(() => {
      pending.delete(task)
      const wake = slotFreed
      slotFreed = undefined
      wake?.()
    })
    pending.add(task)
  }
  await Promise.all(pending)
}

export const closedSchedule: ScheduleDefinition<ClosedScheduleSpec> = {
  type: 'closed',
  summary: "closed model: N virtual users, each sending its next request when the previous one ended (plus think time); the traffic's offsets are unused",
  fields: ['users', 'thinkTimeMs'],
  options: [
    { flag: '--users <n>', field: 'users', description: 'closed model: n virtual users instead of the traffic times', selects: true },
    { flag: '--think-time <ms>', field: 'thinkTimeMs', description: 'closed model: pause between a user’s requests' },
  ],
  fromCli: (fields) => ({ ...fields, thinkTimeMs: fields['thinkTimeMs'] ?? 0 }),
  parse(read) {
    const spec: ClosedScheduleSpec = { type: 'closed', users: read.number('users', { integer: true, min: 1, required: true, example: 8 }) }
    const thinkTimeMs = read.number('thinkTimeMs', { min: 0, example: 500 })
    if (thinkTimeMs !== undefined) spec.thinkTimeMs = thinkTimeMs
    return spec
  },
  create(spec) {
    const thinkTimeMs = spec.thinkTimeMs ?? 0
    return {
      timeScale: 1,
      // The user is ready when the previous answer ended: there is no planned time to be late for.
      lagMeasured: false,
      describe: () => `closed schedule: ${spec.users} virtual user${spec.users === 1 ? '' : 's'}, ${thinkTimeMs === 0 ? 'no think time' : `${thinkTimeMs} ms think time`}`,
      plannedDurationMs: () => null,
      // A closed model never has more than its users in flight; with more connections allowed,
      // undici's pool opens a new one whenever a finished response's socket is not yet free
      // again (it is reused one loop turn later), and set-up time leaks into latency.
      connections: () => spec.users,
      run: (requests, context, dispatch) =>
        runClosedSchedule(requests, { clock: context.clock, runStartMs: context.runStartMs, users: spec.users, thinkTimeMs, signal: context.signal }, dispatch),
    }
  },
}
