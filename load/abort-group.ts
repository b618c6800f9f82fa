// One listener on the run's signal for every in-flight attempt: a listener per attempt would
// make each removal scan thousands of others when many requests are in flight.
export interface AbortGroup {
  /** Aborts `controller` when the group's signal aborts; call the returned function when done. */
  add(controller: AbortController): () => void
}

export function createAbortGroup(signal: AbortSignal): AbortGroup {
  const members = new Set<AbortController>()
  signal.addEventListener(
    'abort',
    () => {
      for (const controller of members) controller.abort(new Error('run interrupted'))
      members.clear()
    },
    { once: true },
  )
  return {
    add(controller) {
      if (signal.aborted) {
        controller.abort(new Error('run interrupted'))
        return () => undefined
      }
      members.add(controller)
      return () => void members.delete(controller)
    },
  }
}
