// Latency histograms: HDR (3 significant digits) over whole microseconds, read in ms, mergeable across run segments.
//
//   record(12.3456 ms) ─► 12346 µs ─► HDR bucket (±0.1%) ─► percentile(p) in ms
//   encode() ─► compressed base64 (HdrHistogram V2, readable by other HDR tools) ─► decodeHistogram()
//
// The pure-JS build of hdr-histogram-js is used: the WASM one needs an async init and an explicit
// destroy() per histogram, and recording is not our hot path. Its modules are loaded one by one
// (the package's index also loads the WASM build, ~10 MB of a small run's memory): the histogram
// classes at first use, the V2 encoding (and pako, its browser fallback) at the first encode/decode.
import { createRequire } from 'node:module'
import type * as hdr from 'hdr-histogram-js'

type HistogramClass = new (lowestDiscernibleValue: number, highestTrackableValue: number, numberOfSignificantValueDigits: number) => hdr.Histogram
interface HdrModules {
  constructorFromBucketSize(bitBucketSize: 'packed' | 64): HistogramClass
}
interface HdrEncoding {
  /** The V2 compressed base64 of a JS histogram (the method the module adds to JsHistogram). */
  encode(histogram: hdr.Histogram): string
  decompress(data: Uint8Array): Uint8Array
  doDecode(data: Uint8Array, bitBucketSize?: 64, minBarForHighestTrackableValue?: number): hdr.Histogram
}

const requireHdr = createRequire(import.meta.url)
let modules: HdrModules | undefined
let encoding: HdrEncoding | undefined

function hdrModules(): HdrModules {
  modules ??= requireHdr('hdr-histogram-js/dist/JsHistogramFactory.js') as HdrModules
  return modules
}

function hdrEncoding(): HdrEncoding {
  if (encoding === undefined) {
    const loaded = requireHdr('hdr-histogram-js/dist/JsHistogram.encoding.js') as Omit<HdrEncoding, 'encode'>
    encoding = { ...loaded, encode: (histogram) => (histogram as hdr.Histogram & { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64() }
  }
  return encoding
}

const MICROS_PER_MS = 1000
/** 1 h in µs; histograms grow past it on their own (autoResize). */
const INITIAL_HIGHEST_US = 3_600_000_000
const SIGNIFICANT_DIGITS = 3
/** Float noise from subtracting two clock readings; anything more negative is a bug. */
const NEGATIVE_NOISE_MS = 0.001

export interface LatencyHistogram {
  /** Records a latency in ms (rounded to whole µs), `count` times. */
  record(ms: number, count?: number): void
  /**
   * The value (ms) that p% of recorded values are at or below (nearest rank), within 0.1%:
   * HDR reports the top of the value's bucket, kept within the exact min..max when known.
   * NaN when nothing was recorded.
   */
  percentile(p: number): number
  readonly count: number
  /** ms; exact for values recorded here, within 0.1% after decode or merge with a decoded one. NaN when empty. */
  readonly mean: number
  /** ms; same precision as `mean`. NaN when empty. */
  readonly max: number
  readonly min: number
  /** HdrHistogram V2 compressed, base64. */
  encode(): string
  /** The HDR histogram itself, for merging; do not record into it directly. */
  readonly raw: hdr.Histogram
}

interface ExactStats {
  sumUs: number
  minUs: number
  maxUs: number
}

/** Exact sum/min/max of histograms made here; decoded ones have none. */
const exactStats = new WeakMap<LatencyHistogram, ExactStats>()

export interface LatencyHistogramOptions {
  /** 1–5; default 3 (±0.1 %). Time-series buckets use 2 (±1 %) to stay small. */
  significantDigits?: 1 | 2 | 3 | 4 | 5
  /** Sparse (packed) counts: memory grows with distinct values, not the range. For many small histograms. */
  packed?: boolean
}

function newHdr(options: LatencyHistogramOptions = {}): hdr.Histogram {
  const Histogram = hdrModules().constructorFromBucketSize(options.packed === true ? 'packed' : 64)
  const histogram = new Histogram(1, INITIAL_HIGHEST_US, options.significantDigits ?? SIGNIFICANT_DIGITS)
  histogram.autoResize = true
  return histogram
}

function toMicros(ms: number): number {
  if (!Number.isFinite(ms) || ms < -NEGATIVE_NOISE_MS) throw new RangeError(`latency must be a finite number of ms >= 0, got ${ms}`)
  return Math.max(0, Math.round(ms * MICROS_PER_MS))
}

/** `exact` is undefined once the histogram holds values whose exact min/max/sum we never saw. */
function wrap(histogram: hdr.Histogram, exact: ExactStats | undefined): LatencyHistogram {
  const stats = exact
  const empty = (): boolean => histogram.totalCount === 0
  const wrapped: LatencyHistogram = {
    raw: histogram,
    record(ms, count = 1) {
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`record count must be a whole number >= 1, got ${count}`)
      const micros = toMicros(ms)
      histogram.recordValueWithCount(micros, count)
      if (stats !== undefined) {
        stats.sumUs += micros * count
        if (micros < stats.minUs) stats.minUs = micros
        if (micros > stats.maxUs) stats.maxUs = micros
      }
    },
    percentile(p) {
      if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`)
      if (empty()) return Number.NaN
      // HDR answers with the top of a bucket; no percentile lies outside the exact min..max.
      let micros = histogram.getValueAtPercentile(p)
      if (stats !== undefined) micros = Math.min(Math.max(micros, stats.minUs), stats.maxUs)
      return micros / MICROS_PER_MS
    },
    get count() {
      return histogram.totalCount
    },
    get mean() {
      if (empty()) return Number.NaN
      return (stats === undefined ? histogram.mean : stats.sumUs / histogram.totalCount) / MICROS_PER_MS
    },
    get max() {
      if (empty()) return Number.NaN
      return (stats === undefined ? histogram.getValueAtPercentile(100) : stats.maxUs) / MICROS_PER_MS
    },
    get min() {
      if (empty()) return Number.NaN
      return (stats === undefined ? histogram.getValueAtPercentile(0) : stats.minUs) / MICROS_PER_MS
    },
    encode() {
      return hdrEncoding().encode(histogram)
    },
  }
  if (stats !== undefined) exactStats.set(wrapped, stats)
  return wrapped
}

export function createLatencyHistogram(options: LatencyHistogramOptions = {}): LatencyHistogram {
  return wrap(newHdr(options), { sumUs: 0, minUs: Number.POSITIVE_INFINITY, maxUs: 0 })
}

/** Reads `encode()`'s output (or any HdrHistogram V2 compressed base64 in µs). */
export function decodeHistogram(text: string): LatencyHistogram {
  let decoded: hdr.Histogram
  try {
    const { decompress, doDecode } = hdrEncoding()
    decoded = doDecode(decompress(Buffer.from(text.trim(), 'base64')), 64)
  } catch (error) {
    throw new RangeError(`not an encoded HDR histogram: ${error instanceof Error ? error.message : String(error)}`)
  }
  const histogram = newHdr()
  histogram.add(decoded)
  return wrap(histogram, undefined)
}

/**
 * A new histogram holding both: counts add exactly, percentiles are those of the union within
 * 0.1%. Min/max/mean stay exact when both inputs were recorded here (not decoded).
 */
export function merge(a: LatencyHistogram, b: LatencyHistogram): LatencyHistogram {
  const histogram = newHdr()
  histogram.add(a.raw)
  histogram.add(b.raw)
  const exactA = exactOf(a)
  const exactB = exactOf(b)
  const exact =
    exactA === undefined || exactB === undefined
      ? undefined
      : { sumUs: exactA.sumUs + exactB.sumUs, minUs: Math.min(exactA.minUs, exactB.minUs), maxUs: Math.max(exactA.maxUs, exactB.maxUs) }
  return wrap(histogram, exact)
}

function exactOf(histogram: LatencyHistogram): ExactStats | undefined {
  if (histogram.count === 0) return { sumUs: 0, minUs: Number.POSITIVE_INFINITY, maxUs: 0 }
  return exactStats.get(histogram)
}
