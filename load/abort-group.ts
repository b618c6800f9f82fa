// One listener on the run's signal for every in-flight attempt: a listener per attempt would
// make each removal scan thousands of others when many requests are in flight.
/** The run's reason for cutting in-flight attempts at the end of `--max-duration` plus `--grace`. */
export class RunCutOff extends Error {
  override readonly name = 'RunCutOff'
}

export interface Abortable {
  abort(reason: Error): void
}

export interface AbortGroup {
  /** Aborts `member` when the group's signal aborts; call the returned function when done. */
  add(member: Abortable): () => void
}

export function createAbortGroup(signal: AbortSignal): AbortGroup {
  const members = new Set<Abortable>()
  // The signal's own reason when it is an Error (RunCutOff), else a plain interruption.
  const interrupted = (): Error => (signal.reason instanceof RunCutOff ? signal.reason : new Error('run interrupted'))
  signal.addEventListener(
    'abort',
    () => {
      for (const member of members) member.abort(interrupted())
      members.clear()
    },
    { once: true },
  )
  const leave = (member: Abortable): (() => void) => () => void members.delete(member)
  return {
    add(member) {
      if (signal.aborted) {
        member.abort(interrupted())
        return () => undefined
      }
      members.add(member)
      return leave(member)
    },
  }
}
