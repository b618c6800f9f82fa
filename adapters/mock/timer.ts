// Timer seam of the serving simulator: real timers in the server, a virtual clock in unit tests.

export interface MockTimer {
  /** Monotonic ms. */
  now(): number
  set(callback: () => void, delayMs: number): unknown
  clear(handle: unknown): void
}

type SystemHandle = { immediate: ReturnType<typeof setImmediate> } | { timeout: ReturnType<typeof setTimeout> }

/** Real timers; a zero delay runs on the next turn of the event loop (setTimeout would wait ≥ 1 ms). */
export const systemMockTimer: MockTimer = {
  now: () => performance.now(),
  set: (callback, delayMs): SystemHandle =>
    delayMs <= 0 ? { immediate: setImmediate(callback) } : { timeout: setTimeout(callback, delayMs) },
  clear: (handle) => {
    const system = handle as SystemHandle
    if ('immediate' in system) clearImmediate(system.immediate)
    else clearTimeout(system.timeout)
  },
}
