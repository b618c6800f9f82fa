// Arrival times: a non-homogeneous process following a piecewise-constant rate, by time
// rescaling. A unit-rate renewal process runs in "operational time" s = Λ(t) = ∫ rate; each
// point maps back to t = Λ⁻¹(s). Exponential gaps give a Poisson process; gamma gaps with a
// coefficient of variation cv > 1 give bursts (cv < 1: more regular), as in ServeGen's fits.
//
//   rate │    ┌──┐
//        │ ┌──┘  └─┐         Λ(t) is linear inside each segment, so Λ⁻¹ is one division.
//        └─┴───────┴── t
import type { Random } from '../../core/random.js'

export interface RateSegment {
  startMs: number
  endMs: number
  /** Requests per ms in this segment. */
  rate: number
}

/** Expected number of arrivals over the segments. */
export function expectedArrivals(segments: readonly RateSegment[]): number {
  let total = 0
  for (const segment of segments) total += segment.rate * (segment.endMs - segment.startMs)
  return total
}

/** A gap sampler with mean 1 and the given coefficient of variation. */
export function unitGaps(cv: number, random: Random): () => number {
  if (!(cv > 0)) throw new RangeError(`burstiness cv must be > 0 (got ${cv})`)
  if (Math.abs(cv - 1) < 1e-12) return () => random.exponential(1)
  const shape = 1 / (cv * cv)
  return () => random.gamma(shape, 1 / shape)
}

export interface Arrival {
  timeMs: number
  /** Index of the segment the arrival falls in. */
  segment: number
}

/** Arrival times in increasing order over the segments (which must be sorted and disjoint). */
export function* arrivals(segments: readonly RateSegment[], cv: number, random: Random): Generator<Arrival> {
  const gap = unitGaps(cv, random)
  let index = 0
  let segmentStartS = 0
  let s = gap()
  while (index < segments.length) {
    const segment = segments[index] as RateSegment
    const massS = segment.rate * (segment.endMs - segment.startMs)
    if (segment.rate > 0 && s < segmentStartS + massS) {
      const timeMs = segment.startMs + (s - segmentStartS) / segment.rate
      // Float rounding can land exactly on the end; keep it inside the segment.
      yield { timeMs: Math.min(timeMs, segment.endMs - Number.EPSILON * segment.endMs), segment: index }
      s += gap()
      continue
    }
    segmentStartS += massS
    index++
  }
}
