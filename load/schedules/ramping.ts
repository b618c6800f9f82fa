// Ramping rate: requests are taken from the traffic in order and given send times so that the
// rate follows piecewise-linear stages (as k6's ramping-arrival-rate), ignoring their offsets.

export interface RampStage {
  durationMs: number
  targetRatePerSecond: number
}

/**
 * Send time (ms) of the k-th arrival (k = 0, 1, …) when the rate ramps through `stages`
 * starting at `startRatePerSecond`; undefined once the stages are over.
 */
export function createRampClock(startRatePerSecond: number, stages: readonly RampStage[]): (k: number) => number | undefined {
  // Cumulative arrivals at the end of each stage, for a linear rate r(t) = r0 + (r1 − r0)·t/T.
  const bounds: { startMs: number; durationMs: number; r0: number; r1: number; before: number; count: number }[] = []
  let startMs = 0
  let before = 0
  let rate = startRatePerSecond
  for (const stage of stages) {
    const count = ((rate + stage.targetRatePerSecond) / 2) * (stage.durationMs / 1000)
    bounds.push({ startMs, durationMs: stage.durationMs, r0: rate, r1: stage.targetRatePerSecond, before, count })
    startMs += stage.durationMs
    before += count
    rate = stage.targetRatePerSecond
  }
  return (k: number) => {
    const target = k + 0.5 // centre each arrival in its unit of cumulative count
    for (const b of bounds) {
      if (target > b.before + b.count) continue
      const n = target - b.before
      const T = b.durationMs / 1000
      const slope = (b.r1 - b.r0) / T
      // Solve r0·t + slope·t²/2 = n for t.
      const t = Math.abs(slope) < 1e-12 ? n / b.r0 : (-b.r0 + Math.sqrt(b.r0 * b.r0 + 2 * slope * n)) / slope
      return b.startMs + t * 1000
    }
    return undefined
  }
}
