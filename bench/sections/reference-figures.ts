// The reference section's pure arithmetic: the goal test against the reference client, the
// pacer's share of an open-model run's CPU, and whether `run()` has a `workers` option yet.

/** ours ≤ factor × reference; when the reference's figure is ≤ 0 (no error to scale), ours ≤ it. */
export function withinFactor(ours: number, reference: number, factor: number): boolean {
  if (!Number.isFinite(ours) || !Number.isFinite(reference)) return false
  return reference > 0 ? ours <= factor * reference : ours <= reference
}

export interface PacerShare {
  /** CPU s ÷ wall s of the open-model run. */
  totalCores: number
  /** The requests' own work: CPU per request (closed-model run) × requests completed ÷ wall s. */
  requestCores: number
  /** What is left: the pacer, timers and idle wake-ups. */
  pacerCores: number
}

/** Splits an open-model run's CPU into the requests' own work and the rest (the pacer's share). */
export function pacerShare(open: { cpuS: number; wallS: number; completed: number }, cpuPerRequestS: number): PacerShare {
  const totalCores = open.cpuS / open.wallS
  const requestCores = (cpuPerRequestS * open.completed) / open.wallS
  return { totalCores, requestCores, pacerCores: totalCores - requestCores }
}

/** Whether `RunOptions` in load/run.ts declares a `workers` option (another change adds `--workers N`). */
export function runOptionsHaveWorkers(source: string): boolean {
  const start = source.indexOf('export interface RunOptions')
  if (start === -1) return false
  const end = source.indexOf('\n}', start)
  return /^\s*(readonly\s+)?workers\??\s*:/m.test(source.slice(start, end === -1 ? undefined : end))
}
