// `run`: the main job end to end, as a library call. Resolves the target (starting the
// embedded mock or the chaos proxy in-process when asked), opens the traffic, states the
// estimated spend, runs, and writes the run folder: records.jsonl, histograms.json, summary.json.
//
//   run-plan.ts       options resolved; target, resume and traffic checked
//   run-endpoint.ts   mock / chaos proxy / adapter / price; the spend stated and confirmed
//   run-outputs.ts    run folder, aggregator, records.jsonl, sinks, config
//   then either workers/pool.ts (--workers N: N threads, merged) or, in this thread:
//   run-lifecycle.ts  signals, time limit and grace, the runner, progress
//   run-summary.ts    notes, client health, thresholds, the run folder written
import type { Adapter } from '../adapters/types.js'
import { displayUrl } from '../adapters/http.js'
import type { TargetSpec } from '../adapters/target.js'
import type { Timeline } from '../chaos/timeline.js'
import type { Clock } from '../core/clock.js'
import type { LiveStats } from '../results/aggregate.js'
import type { WriteFailure } from '../results/sinks/write-failure.js'
import type { Slo, Summary } from '../results/summary.js'
import type { Sink } from '../results/types.js'
import type { HistoryMode } from './chain/history.js'
import type { PatienceOptions } from './patience.js'
import type { RetryPolicy } from './retry.js'
import { confirmSpend, openEndpoint } from './run-endpoint.js'
import { runInThread } from './run-lifecycle.js'
import { openRunOutputs } from './run-outputs.js'
import { planRun, resolveRunSettings } from './run-plan.js'
import { finishRun } from './run-summary.js'
import type { ScheduleSpec } from './schedules/types.js'
import type { TrafficSourceOptions } from './traffic-source.js'
import { resolveWorkerCount } from './workers/sizing.js'

export interface RunOptions {
  /** Label of the run (folder name suffix). */
  name?: string
  /** Where the traffic comes from: a file or a preset generated on the fly. */
  traffic: TrafficSourceOptions
  /** `adapter:model[@baseURL]`, or `mock:PROFILE` to start the embedded endpoint in-process. */
  target: string
  schedule?: ScheduleSpec
  /**
   * Continue the killed or interrupted run recorded in this folder (load/resume.ts): the same
   * options as the first run; requests already recorded are not sent again, records are appended,
   * and the summary covers the whole run.
   */
  resume?: string
  /** Stop sending after this long; in-flight requests get `graceMs` more, then are cut (summary partial). */
  maxDurationMs?: number
  /** After `maxDurationMs`, in-flight requests may finish for this long, then are aborted and recorded (default 30 s). */
  graceMs?: number
  /** Total time one attempt may take from its send, recorded as `request-timeout` (default 10 min); null: no limit. */
  requestTimeoutMs?: number | null
  /** Open model: in-flight cap (default 2,000). */
  maxInFlight?: number
  /** k6-like expressions: `ttft_ms.p95<2000`. */
  thresholds?: string[]
  /** SLOs for goodput (default: TTFT ≤ 2 s, e2e ≤ 10 s). */
  slo?: Slo
  patience?: PatienceOptions | string
  retries?: RetryPolicy | string
  /** Stop new sends when spent + worst case in flight would pass this. */
  maxSpendUsd?: number
  /** Allow a non-loopback endpoint without asking. */
  yes?: boolean
  /** Asked before a run against a non-loopback endpoint when `yes` is not set; false stops. */
  confirm?: (message: string) => Promise<boolean>
  /**
   * Chaos timeline file or object, applied through an in-process proxy. Its times are traffic
   * time: it is compressed with the traffic (`--time-scale`) unless `chaosTimeScale` says otherwise.
   */
  chaos?: string | Timeline
  chaosTimeScale?: number
  /** Run folder (default results/runs/<time>-<name>). null: write nothing. */
  outDir?: string | null
  /** Your own sinks, beside the JSONL records. */
  sinks?: Sink[]
  /** Price table override (JSON file). */
  pricesPath?: string
  /** Model name to price as (default: the target's model, or the mock profile's). */
  priceAs?: string
  /** Stream answers (default true). */
  stream?: boolean
  /** Conversations: earlier answers re-sent as their stand-ins (default: the same on every target) or as received. */
  history?: HistoryMode
  seed?: number
  env?: Record<string, string | undefined>
  signal?: AbortSignal
  /** Called about every `progressIntervalMs` with live figures. */
  onProgress?: (progress: RunProgress) => void
  progressIntervalMs?: number
  /** Lines for the user (estimated spend, where results go). */
  log?: (line: string) => void
  keepItl?: boolean
  /**
   * Past this size records.jsonl is closed as a gzipped segment (records-000N.jsonl.gz) and a new
   * one begins; default 256 MiB, 0: never.
   */
  recordsMaxBytes?: number
  headersTimeoutMs?: number
  bodyTimeoutMs?: number
  clock?: Clock
  /** Use this adapter instead of building one from `target` (library use). */
  adapter?: Adapter
  /**
   * `lazy` (default): load tiktoken only when an answer lacks server-reported usage. `eager`:
   * load it before the run clock starts (for endpoints that report no usage).
   */
  tokenizer?: 'lazy' | 'eager'
  /**
   * Worker threads sharing the run (`--workers`): 1 (default) runs in this thread; N > 1 splits the
   * traffic by user over N threads, each with its own connections and event loop, merged exactly
   * at the end; `auto` sizes it from the traffic (load/workers/README.md).
   */
  workers?: number | 'auto'
  /**
   * Phases of a fault timeline applied by a proxy the caller runs (worker threads share the
   * parent's): samples are labelled by phase and carry request ids; no proxy is started here.
   */
  chaosPhases?: { name: string; fromMs: number; toMs: number }[]
  /**
   * Awaited just before the run clock starts; resolves to the run's start on `clock`'s time (a
   * start shared by worker threads). Default: now.
   */
  runStart?: () => Promise<number>
}

export interface RunProgress extends LiveStats {
  elapsedMs: number
  plannedMs: number | null
  inFlight: number
}

export interface RunResult {
  summary: Summary
  outDir: string | null
  thresholdsPassed: boolean
  interrupted: boolean
  /** Run files that could not be written (the summary says so and is partial); absent when all were. */
  writeFailures?: WriteFailure[]
}

export async function run(options: RunOptions): Promise<RunResult> {
  const settings = await resolveRunSettings(options)
  const { log } = settings
  const cleanups: (() => Promise<void>)[] = []
  const cleanup = async (): Promise<void> => {
    for (const task of cleanups.reverse()) await task().catch(() => undefined)
  }
  try {
    // 1. Target and traffic are checked before any server starts.
    const plan = await planRun(options, settings)
    // 2. The endpoint: the embedded mock and the chaos proxy (in-process fault proxy) when asked.
    const endpoint = await openEndpoint(options, settings, plan, cleanups)
    const { adapter, adapterTarget, mock, proxy, pricedAs, price } = endpoint

    // 3. The spend the traffic would cost.
    const plannedMs = plan.plannedSchedule.plannedDurationMs(plan.estimate)
    await confirmSpend(options, plan, endpoint, plannedMs, log)

    // 4. Results: records streamed to disk as the run goes.
    const outputs = await openRunOutputs(options, settings, plan, endpoint, plannedMs)
    const { runId, name, outDir, bucketMs, phases, config } = outputs
    // Worker threads: this thread keeps the mock, the proxy and the progress; each worker runs
    // its users' share through this same function and the run folder is their exact merge.
    const { estimate, schedule, timeScale, traffic, maxInFlight } = plan
    const workers = resolveWorkerCount(options, { estimate, schedule, timeScale, inProcessServers: mock !== undefined || proxy !== undefined })
    if (workers.note !== undefined) log(workers.note)
    if (workers.count > 1) {
      const { runOnWorkers } = await import('./workers/pool.js')
      return await runOnWorkers({
        options, workers, traffic, runId, name, outDir, plannedMs, bucketMs, phases, proxy, thresholds: settings.thresholds,
        schedule, maxInFlight, slo: settings.slo,
        config: { ...config, workers: workers.count },
        workerTarget: workerTargetOf(adapterTarget),
        pricedAs,
        target: { label: options.target, adapter: adapter.name, model: adapter.model, baseUrl: displayUrl(adapter.baseUrl), pricedAs: price === undefined ? null : pricedAs },
      })
    }
    await outputs.recorder.start({ runId, name, startedAt: outputs.startedAtWall.toISOString(), config })

    // 5. Run, until the traffic ends or the run is interrupted.
    const prepared = { options, settings, plan, endpoint, outputs, plannedMs }
    const end = await runInThread(prepared)

    // 6. Summary, thresholds and the run folder.
    return await finishRun(prepared, end)
  } finally {
    await cleanup()
  }
}

/** The resolved endpoint as a target spec a worker thread can parse again (mock or proxy URL in). */
function workerTargetOf(spec: TargetSpec): string {
  return spec.baseUrl === undefined ? `${spec.adapter}:${spec.model}` : `${spec.adapter}:${spec.model}@${spec.baseUrl}`
}
