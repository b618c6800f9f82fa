// Segments i/n of a traffic file: parsing `--segment`, checking one, and counting its requests.
// The k-th request (0-based) belongs to segment (k mod n) + 1.
import { UserError } from '../core/errors.js'

export interface Segment {
  /** 1-based. */
  index: number
  count: number
}

/** Parses `i/n` (1 ≤ i ≤ n), e.g. "2/4" -> {index: 2, count: 4}. */
export function parseSegment(text: string): Segment {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = match === null ? NaN : Number(match[1])
  const count = match === null ? NaN : Number(match[2])
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new UserError('USAGE_INVALID', `--segment '${text}' must be i/n with 1 ≤ i ≤ n; e.g. --segment 2/4 for the second of four segments`)
  }
  return { index, count }
}

/** Throws USAGE_INVALID unless 1 ≤ index ≤ count. */
export function checkSegment(segment: Segment): void {
  if (!Number.isSafeInteger(segment.index) || !Number.isSafeInteger(segment.count) || segment.count < 1 || segment.index < 1 || segment.index > segment.count) {
    throw new UserError('USAGE_INVALID', `segment ${segment.index}/${segment.count} must be i/n with 1 ≤ i ≤ n; e.g. 2/4`)
  }
}

/** How many of `total` requests fall in `segment` (k-th request -> segment (k mod n) + 1). */
export function segmentRequestCount(total: number, segment: Segment): number {
  return total >= segment.index ? Math.floor((total - segment.index) / segment.count) + 1 : 0
}
