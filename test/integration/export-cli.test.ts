// `gauntlet export` on a real run folder (a quick run against the embedded mock): CSV parsed back
// against records.jsonl and summary.json, JSON lines and Prometheus text, one-line errors.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseExposition, sumOf } from '../helpers/prometheus-text.js'
import { readRecords } from '../../results/sinks/jsonl.js'
import type { Summary } from '../../results/summary.js'
import type { Sample } from '../../results/types.js'
import { runCli } from '../helpers/cli.js'

const QUICK = ['--preset', 'peak-hour', '--employees', '40', '--time-scale', '360', '--max-requests', '20', '--max-output-tokens', '20', '--mock', 'exact', '--quiet', '--no-report']

describe('gauntlet export (CLI)', () => {
  let dir = ''
  let samples: Sample[] = []
  let summary: Summary

  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'gauntlet-export-')), 'run')
    const result = await runCli(['run', ...QUICK, '--out', dir])
    expect(result.code, result.stderr).toBe(0)
    samples = (await readRecords(join(dir, 'records.jsonl'))).samples
    summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary
  })

  it('csv: records.csv has one row per attempt with the records’ fields, and the outcome table equals the summary', async () => {
    const result = await runCli(['export', dir, '--format', 'csv'])
    expect(result.code, result.stderr).toBe(0)
    const exportDir = join(dir, 'export')
    expect(readdirSync(exportDir).sort()).toEqual([
      'records.csv', 'summary-latency.csv', 'summary-outcomes.csv', 'summary-phases.csv', 'summary-tasks.csv', 'summary-timeseries.csv', 'summary-totals.csv',
    ])
    expect(result.stdout).toContain(join(exportDir, 'records.csv'))
    const rows = parse(await readFile(join(exportDir, 'records.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(samples.length)
    for (const [index, sample] of samples.entries()) {
      const row = rows[index] as Record<string, string>
      expect(row['requestId']).toBe(sample.requestId)
      expect(row['outcome']).toBe(sample.outcome)
      expect(row['task']).toBe(sample.task)
      expect(Number(row['scheduledAtMs'])).toBe(sample.scheduledAtMs)
      expect(row['outputTokens']).toBe(sample.outputTokens === undefined ? '' : String(sample.outputTokens))
    }
    const outcomes = parse(await readFile(join(exportDir, 'summary-outcomes.csv'), 'utf8'), { columns: true, cast: true }) as { outcome: string; requests: number }[]
    expect(Object.fromEntries(outcomes.map((row) => [row.outcome, row.requests]))).toEqual(summary.requests.byOutcome)
    const latency = parse(await readFile(join(exportDir, 'summary-latency.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(Number(latency.find((row) => row['metric'] === 'e2e_ms')?.['p95'])).toBe(summary.latency.e2e_ms.p95)
    const buckets = parse(await readFile(join(exportDir, 'summary-timeseries.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(buckets).toHaveLength(summary.timeseries.buckets.length)
    // Nothing half-written is left beside the files.
    expect(readdirSync(exportDir).some((name) => name.includes('.partial-'))).toBe(false)
  })

  it('jsonl and prom: the records without their header, and final figures under the live metric names', async () => {
    const out = join(dir, 'elsewhere')
    expect((await runCli(['export', dir, '--format', 'jsonl', '--out', out])).code).toBe(0)
    const lines = (await readFile(join(out, 'records.jsonl'), 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(samples.length)
    expect((JSON.parse(lines[0] as string) as Sample).requestId).toBe(samples[0]?.requestId)

    expect((await runCli(['export', dir, '--format', 'prom', '--out', out])).code).toBe(0)
    const exposition = parseExposition(await readFile(join(out, 'metrics.prom'), 'utf8'))
    for (const [outcome, count] of Object.entries(summary.requests.byOutcome)) expect(sumOf(exposition, 'gauntlet_requests_total', { outcome })).toBe(count)
    expect(sumOf(exposition, 'gauntlet_output_tokens_total')).toBe(summary.tokens.output)
    expect(sumOf(exposition, 'gauntlet_elapsed_seconds')).toBeCloseTo(summary.durationMs / 1000, 6)
  })

  it.each([
    ['a missing folder', (root: string) => [join(root, 'nope'), '--format', 'csv'], /no such folder/],
    ['a folder without records.jsonl', (root: string) => [root, '--format', 'csv'], /records\.jsonl: missing/],
    ['a cut-off summary.json', (root: string) => {
      const cut = join(root, 'cut')
      mkdirSync(cut)
      writeFileSync(join(cut, 'records.jsonl'), '{"type":"header","schemaVersion":1}\n')
      writeFileSync(join(cut, 'summary.json'), '{"schemaVersion":')
      return [cut, '--format', 'csv']
    }, /summary\.json: not valid JSON/],
    ['an unknown format', (root: string) => [root, '--format', 'xlsx'], /--format 'xlsx' is not csv, jsonl, prom/],
  ])('%s exits 2 with one line and writes nothing', async (_, args, message) => {
    const root = mkdtempSync(join(tmpdir(), 'gauntlet-export-bad-'))
    const result = await runCli(['export', ...args(root)])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
    expect(readdirSync(root, { recursive: true }).some((name) => String(name).endsWith('export'))).toBe(false)
  })
})
