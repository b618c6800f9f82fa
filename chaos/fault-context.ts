// What one fault sees of one exchange (`FaultContext`), and the interruptible sleep it waits with.
import type { Clock } from '../core/clock.js'
import type { Random } from '../core/random.js'
import type { FaultContext, Protocol, RequestInfo, ResponseInfo } from './types.js'

export interface MakeContextInput {
  signal: AbortSignal
  random: Random
  request: RequestInfo
  protocol: Protocol
  elapsedMs: number
  phase: string | undefined
  clock: Clock
  interrupt: AbortSignal
  response: () => ResponseInfo | undefined
  reset: () => void
  close: () => void
}

export function makeContext(input: MakeContextInput): FaultContext {
  const { signal, interrupt, clock } = input
  return {
    signal,
    random: input.random,
    request: input.request,
    protocol: input.protocol,
    elapsedMs: input.elapsedMs,
    phase: input.phase,
    clock,
    get response() {
      return input.response()
    },
    get interrupted() {
      return interrupt.aborted
    },
    reset: input.reset,
    close: input.close,
    sleep: (ms) => sleepUnlessInterrupted(clock, ms, signal, interrupt),
  }
}

/** Sleeps on `clock`: true when the time passed, false on interrupt, rejects when `signal` aborts. */
export async function sleepUnlessInterrupted(clock: Clock, ms: number, signal: AbortSignal, interrupt: AbortSignal): Promise<boolean> {
  if (signal.aborted) throw abortReason(signal)
  if (interrupt.aborted) return false
  if (!(ms > 0)) return true
  const local = new AbortController()
  const onAbort = (): void => local.abort()
  signal.addEventListener('abort', onAbort, { once: true })
  interrupt.addEventListener('abort', onAbort, { once: true })
  try {
    if (ms === Number.POSITIVE_INFINITY) {
      await new Promise<never>((_, reject) => {
        local.signal.addEventListener('abort', () => reject(abortReason(local.signal)), { once: true })
      })
    } else {
      await clock.sleep(ms, local.signal)
    }
    return true
  } catch (error) {
    if (signal.aborted) throw abortReason(signal)
    if (interrupt.aborted) return false
    throw error
  } finally {
    signal.removeEventListener('abort', onAbort)
    interrupt.removeEventListener('abort', onAbort)
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted')
}
