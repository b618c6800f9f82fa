// Virtual time for engine unit tests: an exact Clock and the global setTimeout/clearTimeout
// (load/attempt.ts arms patience deadlines with them) on one timer queue, moved on only while the
// code under test waits, so every scripted delay and every deadline lands on its exact
// millisecond and a 10 s scenario takes milliseconds.
//
// Why not test/helpers/fake-clock.ts: each of its readings moves time on by 0.05 ms (so times are
// never exact), its sleep() moves time for everyone at once (two concurrent 100 ms sleeps end at
// 200 ms), and it does not drive the global setTimeout the attempt's deadlines use.
//
//   run(work) ─► loop: two real event-loop turns (microtasks drain, one-shot yields finish)
//                      ├─ a timer due now ─► fire it (one per loop, like Node)
//                      ├─ nobody read the clock ─► jump to the next timer
//                      └─ someone read it (maybe a poller, e.g. the pacer's yield loop) ─► step to
//                         the next timer or the next whole millisecond, whichever is first
//
// So a poller waiting for a whole-millisecond due time sees it exactly; one waiting for a
// fractional time sees it up to 1 ms late. Outside run() the global timers are the real ones;
// timers left pending when run() ends never fire.
//
// Also createVirtualTimer(): the embedded mock's MockTimer seam on virtual time for its
// synchronous scheduler tests, moved on by hand (`advance`, `run`) rather than by waiting.
import { setImmediate as realTurn } from 'node:timers/promises'
import { vi } from 'vitest'
import type { MockTimer } from '../../adapters/mock/timer.js'
import type { Clock } from '../../core/clock.js'

interface Timer {
  atMs: number
  seq: number
  fire: () => void
  cancelled: boolean
}

export interface VirtualTime {
  /** The injectable clock; `now()` starts at `startMs`. */
  readonly clock: Clock
  /** Current virtual time without counting as a reading (for assertions). */
  peek(): number
  /** Timers waiting to fire (clock sleeps and global timeouts). */
  readonly pending: number
  /**
   * Runs `work` to completion with the global timers virtual, moving time on whenever everything
   * waits. Throws when virtual time passes `maxMs` or nothing is left that could ever happen.
   */
  run<T>(work: () => Promise<T>, options?: { maxMs?: number }): Promise<T>
}

/** Idle loops with no timer and no clock reading before run() gives up (a deadlock in the test). */
const IDLE_LIMIT = 200

export function createVirtualTime(startMs = 0): VirtualTime {
  let now = startMs
  let reads = 0
  let seq = 0
  const queue: Timer[] = []

  const schedule = (delayMs: number, fire: () => void): Timer => {
    const timer: Timer = { atMs: now + Math.max(0, delayMs), seq: seq++, fire, cancelled: false }
    let index = queue.length
    while (index > 0 && (queue[index - 1] as Timer).atMs > timer.atMs) index--
    queue.splice(index, 0, timer)
    return timer
  }
  const cancel = (timer: Timer): void => {
    timer.cancelled = true
    const index = queue.indexOf(timer)
    if (index >= 0) queue.splice(index, 1)
  }

  const clock: Clock = {
    now: () => {
      reads++
      return now
    },
    wallNow: () => 1_700_000_000_000 + now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) return reject(signal.reason)
        // systemClock resolves at once for ms <= 0; so does this one.
        if (!(ms > 0)) return resolve()
        const onAbort = (): void => {
          cancel(timer)
          reject(signal?.reason)
        }
        const timer = schedule(ms, () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        })
        signal?.addEventListener('abort', onAbort, { once: true })
      }),
  }

  // Stand-ins for the global timers; handles shaped enough like NodeJS.Timeout for our code.
  const handles = new WeakMap<object, Timer>()
  const realClearTimeout = globalThis.clearTimeout
  const fakeSetTimeout = (callback: (...args: unknown[]) => void, delayMs?: number, ...args: unknown[]): object => {
    const timer = schedule(Number(delayMs ?? 0) || 0, () => callback(...args))
    const handle = {
      ref: () => handle,
      unref: () => handle,
      hasRef: () => true,
      refresh: () => handle,
      [Symbol.toPrimitive]: () => timer.seq,
    }
    handles.set(handle, timer)
    return handle
  }
  const fakeClearTimeout = (handle: unknown): void => {
    const timer = typeof handle === 'object' && handle !== null ? handles.get(handle) : undefined
    if (timer !== undefined) cancel(timer)
    else realClearTimeout(handle as NodeJS.Timeout)
  }

  return {
    clock,
    peek: () => now,
    get pending() {
      return queue.length
    },
    async run(work, options = {}) {
      const maxMs = options.maxMs ?? 3_600_000
      vi.stubGlobal('setTimeout', fakeSetTimeout)
      vi.stubGlobal('clearTimeout', fakeClearTimeout)
      let done = false
      const promise = Promise.resolve().then(work)
      promise.then(
        () => (done = true),
        () => (done = true),
      )
      try {
        let idle = 0
        while (!done) {
          const readsBefore = reads
          await realTurn()
          await realTurn()
          if (done) break
          const next = queue[0]
          if (next !== undefined && next.atMs <= now) {
            queue.shift()
            if (!next.cancelled) next.fire()
            idle = 0
            continue
          }
          const busy = reads !== readsBefore
          if (next === undefined && !busy) {
            if (++idle > IDLE_LIMIT) throw new Error(`virtual time: nothing pending at ${now} ms and the work has not finished (deadlock)`)
            continue
          }
          idle = 0
          const target = busy ? Math.min(next?.atMs ?? Infinity, Math.floor(now) + 1) : (next as Timer).atMs
          if (target - startMs > maxMs) throw new Error(`virtual time passed ${maxMs} ms and the work has not finished`)
          now = target
        }
        return await promise
      } finally {
        vi.unstubAllGlobals()
      }
    },
  }
}

export interface VirtualTimer extends MockTimer {
  /** Fires, in time order, every callback due within `ms` (ties in the order they were set), then sets the time to now + ms. */
  advance(ms: number): void
  /** Fires every callback, however far ahead, in time order (also those set while it runs); time stops at the last. */
  run(): void
  /** Callbacks set and not yet fired or cleared. */
  pending(): number
}

/** A MockTimer whose time (from 0) moves only when `advance` or `run` is called. */
export function createVirtualTimer(): VirtualTimer {
  let now = 0
  let nextId = 0
  const timers = new Map<number, { atMs: number; callback: () => void }>()
  const fireUntil = (endMs: number): void => {
    for (;;) {
      let earliest: [number, { atMs: number; callback: () => void }] | undefined
      for (const entry of timers) if (entry[1].atMs <= endMs && (earliest === undefined || entry[1].atMs < earliest[1].atMs)) earliest = entry
      if (earliest === undefined) return
      timers.delete(earliest[0])
      now = Math.max(now, earliest[1].atMs)
      earliest[1].callback()
    }
  }
  return {
    now: () => now,
    set(callback, delayMs) {
      nextId++
      timers.set(nextId, { atMs: now + Math.max(0, delayMs), callback })
      return nextId
    },
    clear(handle) {
      timers.delete(handle as number)
    },
    advance(ms) {
      const end = now + ms
      fireUntil(end)
      now = end
    },
    run: () => fireUntil(Infinity),
    pending: () => timers.size,
  }
}
