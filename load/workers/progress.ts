// The workers' live progress summed into one line for the run thread's onProgress: counts added,
// percentiles the worst worker's (a bound for the live view; the merged summary has the exact ones).
import type { RunOptions, RunProgress } from '../run.js'

/** Reports the sum of the progress each worker last posted; nothing before the first. */
export function reportProgress(options: RunOptions, states: readonly { progress: RunProgress | undefined }[], elapsedMs: number, plannedMs: number | null): void {
  if (options.onProgress === undefined) return
  const known = states.map((state) => state.progress).filter((entry): entry is RunProgress => entry !== undefined)
  if (known.length === 0) return
  const sum = (pick: (entry: RunProgress) => number): number => known.reduce((total, entry) => total + pick(entry), 0)
  const spends = known.map((entry) => entry.spendUsd)
  const worst = (pick: (entry: RunProgress) => number | null): number | null => {
    const values = known.map(pick).filter((value): value is number => value !== null)
    return values.length === 0 ? null : Math.max(...values)
  }
  options.onProgress({
    scheduled: sum((entry) => entry.scheduled),
    sent: sum((entry) => entry.sent),
    completed: sum((entry) => entry.completed),
    errors: sum((entry) => entry.errors),
    abandoned: sum((entry) => entry.abandoned),
    dropped: sum((entry) => entry.dropped),
    // The worst worker's percentiles: a bound for the live view, not the merged figure (the summary has that).
    ttftP95Ms: worst((entry) => entry.ttftP95Ms),
    ttftP50Ms: worst((entry) => entry.ttftP50Ms),
    e2eP95Ms: worst((entry) => entry.e2eP95Ms),
    phase: known.find((entry) => entry.phase !== undefined)?.phase,
    spendUsd: spends.includes('unknown') ? 'unknown' : spends.reduce<number>((total, usd) => total + (usd as number), 0),
    elapsedMs,
    plannedMs,
    inFlight: sum((entry) => entry.inFlight),
  })
}
