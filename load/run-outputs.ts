// A run's outputs wired before it starts: the run folder, the aggregator behind the summary,
// records.jsonl streamed to disk as the run goes (and its guard), your sinks, the config recorded.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { displayUrl } from '../adapters/http.js'
import { fileStamp } from '../core/format.js'
import { VERSION } from '../core/version.js'
import { createAggregator, type Aggregator } from '../results/aggregate.js'
import { createRecorder, type Recorder } from '../results/recorder.js'
import { createJsonlSink } from '../results/sinks/jsonl.js'
import { createRecordsGuard, type RecordsGuard } from '../results/sinks/records-guard.js'
import type { Sink } from '../results/types.js'
import type { RunEndpoint } from './run-endpoint.js'
import type { RunPlan, RunSettings } from './run-plan.js'
import type { RunOptions } from './run.js'

/** records.jsonl rotates past this unless --records-max-mb says otherwise: a day-long soak stays in files a viewer opens. */
export const DEFAULT_RECORDS_MAX_BYTES = 256 * 1024 * 1024

export interface RunOutputs {
  startedAtWall: Date
  name: string
  runId: string
  /** The run folder; null: write nothing. */
  outDir: string | null
  bucketMs: number
  phases: { name: string; fromMs: number; toMs: number }[]
  aggregator: Aggregator
  recordsGuard: RecordsGuard
  recorder: Recorder
  /** The run's config as recorded in records.jsonl's header. */
  config: Record<string, unknown>
}

export async function openRunOutputs(options: RunOptions, settings: RunSettings, plan: RunPlan, endpoint: RunEndpoint, plannedMs: number | null): Promise<RunOutputs> {
  const { clock, log } = settings
  const { checkpoint, spec, timeline } = plan
  const { adapter, pricedAs } = endpoint
  const startedAtWall = checkpoint === undefined ? new Date(clock.wallNow()) : new Date(checkpoint.startedAt)
  const name = checkpoint?.name ?? options.name ?? (spec.adapter === 'mock' ? `mock-${spec.profile}` : adapter.model)
  const runId = checkpoint?.runId ?? `${fileStamp(startedAtWall)}-${slug(name)}`
  const outDir = checkpoint?.dir ?? (options.outDir === null ? null : resolve(options.outDir ?? join('results', 'runs', runId)))
  if (outDir !== null) await mkdir(outDir, { recursive: true })
  const bucketMs = Math.max(1_000, Math.ceil((plannedMs ?? 60_000) / 240 / 1_000) * 1_000)
  const phases = timeline?.phases.map((phase) => ({ name: phase.name, fromMs: phase.fromMs, toMs: phase.toMs })) ?? options.chaosPhases ?? []
  const aggregator = createAggregator({ bucketMs, slo: settings.slo, phases })
  const sinks: Sink[] = [{ name: 'summary', record: (sample) => aggregator.add(sample) }, ...(options.sinks ?? [])]
  // A records.jsonl write error stops new sends; the summary sink above still has every sample.
  const recordsGuard = createRecordsGuard(outDir === null ? 'records.jsonl' : join(outDir, 'records.jsonl'), log)
  if (outDir !== null) {
    sinks.push(
      createJsonlSink({
        path: join(outDir, 'records.jsonl'),
        keepItl: options.keepItl === true,
        append: checkpoint !== undefined,
        rotateBytes: options.recordsMaxBytes ?? DEFAULT_RECORDS_MAX_BYTES,
        onFailure: (error) => recordsGuard.fail(error),
      }),
    )
  }
  const recorder = createRecorder(sinks)
  const config = {
    generator: `llm-gauntlet ${VERSION}`,
    target: { label: options.target, adapter: adapter.name, model: adapter.model, baseUrl: displayUrl(adapter.baseUrl), pricedAs },
    traffic: plan.traffic.describe(),
    schedule: plan.schedule,
    maxInFlight: plan.maxInFlight,
    patience: settings.patienceOptions,
    retries: settings.retry,
    maxSpendUsd: options.maxSpendUsd ?? null,
    thresholds: settings.thresholds.map((t) => t.text),
    chaos: timeline === undefined ? null : timeline.phases.map((phase) => phase.name),
    seed: settings.seed,
    stream: options.stream ?? true,
  }
  return { startedAtWall, name, runId, outDir, bucketMs, phases, aggregator, recordsGuard, recorder, config }
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60)
}
