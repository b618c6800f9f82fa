// Merges run folders (segments i/n of one traffic, run on several machines) into one summary:
// counts are exact sums (every record is re-aggregated) and latency percentiles come from the
// segments' merged HDR histograms (which also hold the inter-token gaps records leave out).
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { UserError } from '../core/errors.js'
import { createAggregator, latencyStats } from './aggregate.js'
import { decodeHistogram, merge as mergeHistograms, type LatencyHistogram } from './histogram.js'
import { LATENCY_METRICS, type LatencyMetric, type Summary } from './summary.js'
import type { Sample } from './types.js'
import { RECORDS_FILE, recordFiles, recordLines } from './sinks/record-files.js'

export interface MergeOptions {
  runId: string
  name: string
}

async function readJson<T>(path: string, what: string): Promise<T> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new UserError('FILE_NOT_FOUND', `${path}: no ${what}; is this a run folder written by 'gauntlet run'?`)
  }
  try {
    return JSON.parse(text) as T
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)}); the run may have been cut off`)
  }
}

export async function mergeRuns(dirs: readonly string[], options: MergeOptions): Promise<Summary> {
  if (dirs.length === 0) throw new UserError('USAGE_INVALID', 'merge needs at least one run folder; e.g. gauntlet merge results/segment-* --out results/merged')
  const summaries: Summary[] = []
  for (const dir of dirs) summaries.push(await readJson<Summary>(join(dir, 'summary.json'), 'summary.json'))
  const first = summaries[0] as Summary
  const bucketMs = Math.max(...summaries.map((s) => s.timeseries.bucketMs))
  const phases = new Map<string, { name: string; fromMs: number; toMs: number }>()
  for (const summary of summaries) {
    for (const [name, phase] of Object.entries(summary.phases)) phases.set(name, { name, fromMs: phase.fromMs, toMs: phase.toMs })
  }
  const aggregator = createAggregator({ bucketMs, slo: first.goodput.slo, phases: [...phases.values()] })
  for (const dir of dirs) {
    const path = join(dir, RECORDS_FILE)
    if (recordFiles(path).length === 0) throw new UserError('FILE_NOT_FOUND', `${path}: cannot be read (no such file); is this a run folder?`)
    try {
      for await (const { line, header } of recordLines(path)) {
        if (header) continue
        let sample: Sample
        try {
          sample = JSON.parse(line) as Sample
        } catch {
          // A run killed mid-write can leave a torn last line; everything before it counts.
          continue
        }
        aggregator.add(sample)
      }
    } catch (error) {
      throw new UserError('FILE_NOT_FOUND', `${path}: cannot be read (${error instanceof Error ? error.message : String(error)}); is this a run folder?`)
    }
  }
  const merged = await mergeHistogramFiles(dirs)
  const summary = aggregator.finish({
    runId: options.runId,
    name: options.name,
    partial: summaries.some((s) => s.partial),
    startedAt: summaries.map((s) => s.startedAt).sort()[0] ?? first.startedAt,
    endedAt: summaries.map((s) => s.endedAt).sort().at(-1) ?? first.endedAt,
    durationMs: Math.max(...summaries.map((s) => s.durationMs)),
    plannedDurationMs: first.plannedDurationMs,
    target: first.target,
    traffic: { ...first.traffic, segment: `merged ${summaries.map((s) => s.traffic.segment ?? 'all').join(' + ')}` },
    usersQuit: summaries.reduce((total, s) => total + s.abandonment.users_quit, 0),
    notes: [`merged from ${dirs.length} run folders: counts re-aggregated from every record, latency percentiles from merged histograms`],
  })
  for (const metric of LATENCY_METRICS) {
    const histogram = merged.get(metric)
    if (histogram !== undefined) summary.latency[metric] = latencyStats(histogram)
  }
  const targets = new Set(summaries.map((s) => s.target.label))
  if (targets.size > 1) summary.notes.push(`the folders ran against different targets (${[...targets].join(', ')}): merging them mixes endpoints`)
  return summary
}

/** The run folders' histograms.json merged metric by metric (HDR merges exactly). */
export async function mergeHistogramFiles(dirs: readonly string[]): Promise<Map<LatencyMetric, LatencyHistogram>> {
  const merged = new Map<LatencyMetric, LatencyHistogram>()
  for (const dir of dirs) {
    const file = await readJson<{ histograms: Record<string, string> }>(join(dir, 'histograms.json'), 'histograms.json')
    for (const metric of LATENCY_METRICS) {
      const encoded = file.histograms[metric]
      if (encoded === undefined) continue
      const histogram = decodeHistogram(encoded)
      const previous = merged.get(metric)
      merged.set(metric, previous === undefined ? histogram : mergeHistograms(previous, histogram))
    }
  }
  return merged
}
