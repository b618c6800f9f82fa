// records.csv and summary-*.csv from known Samples: stable columns, joined lists, parse back.
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { createAggregator } from '../../../results/aggregate.js'
import { RECORD_COLUMNS, recordsCsv } from '../../../results/export/records-csv.js'
import { summaryCsvFiles } from '../../../results/export/summary-csv.js'
import { recordsJsonl } from '../../../results/export/records-jsonl.js'
import type { Sample } from '../../../results/types.js'

const SAMPLES: Sample[] = [
  { requestId: 'A', attempt: 1, userId: 'u1', task: 'chat', tags: ['malformed:typos', 'vip'], outcome: 'ok', scheduledAtMs: 0, ttftMs: 120.5, itlMs: [10, 12.5], faults: ['latency'], inputTokens: 10, outputTokens: 3, spendUsd: 0.0001, errorMessage: 'said "hi", then, left' },
  { requestId: 'B', attempt: 1, userId: 'u2', task: 'summarize', outcome: 'http', status: 503, willRetry: true, scheduledAtMs: 5, spendUsd: null, phase: 'outage' },
  { requestId: 'B', attempt: 2, userId: 'u2', task: 'summarize', outcome: 'dropped', scheduledAtMs: 5, phase: 'outage' },
]

describe('export csv', () => {
  it('writes one row per attempt, columns in schema order, lists joined with ;', () => {
    const rows = parse(recordsCsv(SAMPLES), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(3)
    expect(Object.keys(rows[0] ?? {})).toEqual([...RECORD_COLUMNS])
    expect(RECORD_COLUMNS.slice(0, 4)).toEqual(['requestId', 'attempt', 'willRetry', 'userId'])
    expect(rows[0]).toMatchObject({ requestId: 'A', tags: 'malformed:typos;vip', itlMs: '10;12.5', faults: 'latency', ttftMs: '120.5', spendUsd: '0.0001', willRetry: '', errorMessage: 'said "hi", then, left' })
    expect(rows[1]).toMatchObject({ outcome: 'http', status: '503', willRetry: 'true', spendUsd: 'unknown', phase: 'outage' })
  })

  it('writes the summary tables: outcomes equal byOutcome, latency per metric, tasks with outcome columns', () => {
    const aggregator = createAggregator({ bucketMs: 1_000, slo: { ttft_ms: 2_000 } })
    for (const s of SAMPLES) aggregator.add(s)
    const summary = aggregator.finish({
      runId: 'r', name: 'n', partial: false, startedAt: 'a', endedAt: 'b', durationMs: 1_000, plannedDurationMs: null,
      target: { label: 'mock:exact', adapter: 'mock', model: 'm', baseUrl: 'http://127.0.0.1', pricedAs: null },
      traffic: { source: 's', requests: 2, seed: 1, segment: null },
    })
    const files = summaryCsvFiles(summary)
    expect(Object.keys(files).sort()).toEqual(['summary-latency.csv', 'summary-outcomes.csv', 'summary-phases.csv', 'summary-tasks.csv', 'summary-timeseries.csv', 'summary-totals.csv'])
    const outcomes = parse(files['summary-outcomes.csv'] ?? '', { columns: true, cast: true }) as { outcome: string; requests: number }[]
    expect(Object.fromEntries(outcomes.map((row) => [row.outcome, row.requests]))).toEqual(summary.requests.byOutcome)
    const latency = parse(files['summary-latency.csv'] ?? '', { columns: true }) as Record<string, string>[]
    expect(latency.map((row) => row['metric'])).toContain('ttft_ms')
    expect(latency.find((row) => row['metric'] === 'ttft_ms')).toMatchObject({ count: '1', p50: String(summary.latency.ttft_ms.p50) })
    const tasks = parse(files['summary-tasks.csv'] ?? '', { columns: true }) as Record<string, string>[]
    expect(tasks.find((row) => row['task'] === 'summarize')).toMatchObject({ requests: '1', outcome_dropped: '1', outcome_ok: '0' })
    const totals = parse(files['summary-totals.csv'] ?? '', { columns: true }) as { name: string; value: string }[]
    expect(totals.find((row) => row.name === 'requests.attempts')?.value).toBe(String(summary.requests.attempts))
    // No phases were declared: an empty table keeps its header.
    expect(files['summary-phases.csv']?.split('\n')[0]).toMatch(/^phase,fromMs,toMs,requests/)
  })

  it('writes records as JSON lines without a header', () => {
    const lines = recordsJsonl(SAMPLES).trimEnd().split('\n')
    expect(lines.map((line) => (JSON.parse(line) as Sample).requestId)).toEqual(['A', 'B', 'B'])
  })
})
