// Closed model: V virtual users, each sending its next request when the previous one ended
// plus a think time. p-limit bounds the concurrency; the queue in front of it stays short.
import { setImmediate as nextLoopTurn } from 'node:timers/promises'
import pLimit from 'p-limit'
import type { Clock } from '../../core/clock.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import type { Dispatch } from './types.js'

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
