// The sample summaries (test/fixtures/summaries/*.json), type-checked against Summary.
//
// TypeScript types a JSON array of objects with differing keys as a union whose missing keys
// are `?: undefined`, which no `Record<string, number>` accepts; so the buckets' `byOutcome`
// maps are left out of the compile-time check here and checked at run time in fixtures.test.ts.
import type { Summary, TimeBucket } from '../../../results/summary.js'
import peakHourJson from '../../fixtures/summaries/peak-hour.json' with { type: 'json' }
import tinyJson from '../../fixtures/summaries/tiny.json' with { type: 'json' }

type FixtureShape = Omit<Summary, 'timeseries'> & { timeseries: { bucketMs: number; buckets: Omit<TimeBucket, 'byOutcome'>[] } }

// Compile-time checks: a fixture that drifts from the Summary type fails `tsc`.
const peakHourChecked: FixtureShape = peakHourJson
const tinyChecked: FixtureShape = tinyJson

/** A fresh copy of the peak-hour fixture: 60 one-minute buckets, four phases, six thresholds (four failing). */
export function peakHourSummary(): Summary {
  return structuredClone(peakHourChecked) as Summary
}

/** A fresh copy of the tiny fixture: one bucket, one task, no phases, no thresholds. */
export function tinySummary(): Summary {
  return structuredClone(tinyChecked) as Summary
}
