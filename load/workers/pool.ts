// `--workers N`: the run's thread keeps the mock, the proxy, progress and Ctrl-C; N worker threads
// each run their users' share of the traffic (load/workers/worker.ts) into <run>/workers/<i>/;
// at the end the folders are merged exactly (counts re-aggregated from every record, latency from
// merged HDR histograms) into the run folder, and the workers' self-checks are combined.
//
//   run thread ── start ──► worker 1..N: run(userShare i/N) ─ progress, samples ─► run thread
//              ◄─ ready ──                                  ─ done ────────────► merge, summary
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ChaosProxy } from '../../chaos/proxy.js'
import { GauntletError } from '../../core/errors.js'
import { judgeClientHealth, type ClientHealthFigures } from '../../results/client-health.js'
import { mergeHistogramFiles, mergeRuns } from '../../results/merge.js'
import { createRecorder } from '../../results/recorder.js'
import type { Summary } from '../../results/summary.js'
import { summaryMetric } from '../../results/summary-metrics.js'
import { evaluateThresholds, type Threshold } from '../../results/thresholds.js'
import type { RunOptions, RunProgress, RunResult } from '../run.js'
import type { ScheduleSpec } from '../schedules/types.js'
import type { TrafficSource } from '../traffic-source.js'
import { epochNow, type FromWorker, type ToWorker, type WorkerInput, type WorkerRunOptions } from './messages.js'
import type { WorkerCount } from './sizing.js'

export interface PoolRun {
  options: RunOptions
  workers: WorkerCount
  traffic: TrafficSource
  runId: string
  name: string
  outDir: string | null
  plannedMs: number | null
  phases: { name: string; fromMs: number; toMs: number }[]
  proxy: ChaosProxy | undefined
  thresholds: Threshold[]
  config: Record<string, unknown>
  /** The resolved endpoint (mock or proxy URL included) as a target spec string. */
  workerTarget: string
  pricedAs: string
  target: Summary['target']
}

/** Lead time between "all ready" and the common start, so every worker is asleep on it. */
const START_LEAD_MS = 20

export async function runOnWorkers(pool: PoolRun): Promise<RunResult> {
  const { options, workers } = pool
  const count = workers.count
  const outDir = pool.outDir ?? join(process.cwd(), 'results', 'runs', `.workers-${pool.runId}`)
  const workerDirs = Array.from({ length: count }, (_, index) => join(outDir, 'workers', String(index + 1)))
  await mkdir(join(outDir, 'workers'), { recursive: true })
  const forwardSamples = (options.sinks ?? []).length > 0
  const recorder = createRecorder(options.sinks ?? [])
  await recorder.start({ runId: pool.runId, name: pool.name, startedAt: new Date().toISOString(), config: pool.config })

  const entry = workerEntry()
  const threads: Worker[] = []
  const progress: (RunProgress | undefined)[] = new Array<RunProgress | undefined>(count).fill(undefined)
  const failures: string[] = []
  let interrupted = false
  let ready = 0
  const broadcast = (message: ToWorker): void => {
    for (const thread of threads) thread.postMessage(message)
  }
  let runStartMs = 0
  const exits = workerDirs.map(
    (dir, index) =>
      new Promise<void>((resolve) => {
        const input: WorkerInput = { index: index + 1, count, options: workerOptions(pool, index, dir), forwardSamples }
        const thread = new Worker(entry, { workerData: input })
        threads.push(thread)
        thread.on('message', (message: FromWorker) => {
          if (message.type === 'ready') {
            ready++
            if (ready === count) {
              const epochMs = epochNow() + START_LEAD_MS
              runStartMs = epochMs - performance.timeOrigin
              pool.proxy?.startTimeline(runStartMs)
              broadcast({ type: 'start', epochMs })
            }
          } else if (message.type === 'progress') {
            progress[index] = message.progress
            reportProgress(options, progress)
          } else if (message.type === 'samples') {
            for (const sample of message.samples) recorder.record(sample)
          } else if (message.type === 'done') {
            if (message.interrupted) interrupted = true
          } else if (message.type === 'failed') {
            failures.push(`worker ${index + 1} of ${count} failed: ${message.message}`)
          }
        })
        thread.on('error', (error) => failures.push(`worker ${index + 1} of ${count} crashed: ${error.message}`))
        thread.on('exit', () => resolve())
      }),
  )
  const onAbort = (): void => {
    interrupted = true
    broadcast({ type: 'abort' })
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted === true) onAbort()
  try {
    await Promise.all(exits)
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
  await recorder.stop()
  const finished = workerDirs.filter((dir) => existsSync(join(dir, 'summary.json')))
  if (finished.length === 0) {
    throw new GauntletError('INTERNAL', `no worker finished its share of the run (${failures.join('; ') || 'no reason given'})`)
  }
  const summary = await mergeWorkers(pool, finished, outDir)
  summary.notes.push(...failures, ...recorder.problems)
  summary.notes.push(`ran on ${count} worker threads, the traffic split by user; the spend cap, in-flight cap and closed-model users are divided among them`)
  if (interrupted) summary.partial = true
  summary.thresholds = evaluateThresholds(pool.thresholds, (metric, stat) => summaryMetric(summary, metric, stat))
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
  if (pool.outDir === null) await rm(outDir, { recursive: true, force: true })
  return { summary, outDir: pool.outDir, thresholdsPassed: summary.thresholds.every((row) => row.pass), interrupted }
}

/** The compiled entry: beside this module in dist/, or dist/ under the working folder (bundles, tests). */
function workerEntry(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url))
  if (existsSync(beside)) return beside
  const built = join(process.cwd(), 'dist', 'load', 'workers', 'worker.js')
  if (existsSync(built)) return built
  throw new GauntletError('INTERNAL', `--workers needs the compiled worker entry (${beside} or ${built}); run 'make build' first`)
}

/** A worker's options: its users' share, its part of the caps, the endpoint already resolved. */
function workerOptions(pool: PoolRun, index: number, dir: string): WorkerRunOptions {
  const { options, workers } = pool
  const count = workers.count
  const share = (total: number): number => Math.floor(total / count) + (index < total % count ? 1 : 0)
  const {
    signal: _signal,
    onProgress: _onProgress,
    log: _log,
    confirm: _confirm,
    sinks: _sinks,
    clock: _clock,
    adapter: _adapter,
    runStart: _runStart,
    chaos: _chaos,
    workers: _workers,
    ...plain
  } = options
  const schedule: ScheduleSpec | undefined =
    options.schedule?.type === 'closed' ? { ...options.schedule, users: Math.max(1, share(options.schedule.users)) } : options.schedule
  const result: WorkerRunOptions = {
    ...plain,
    name: `${pool.name}-worker-${index + 1}`,
    target: pool.workerTarget,
    traffic: { ...options.traffic, userShare: { index: index + 1, count } },
    outDir: dir,
    thresholds: [],
    yes: true,
    priceAs: pool.pricedAs,
  }
  if (schedule !== undefined) result.schedule = schedule
  if (options.maxInFlight !== undefined) result.maxInFlight = Math.max(1, Math.ceil(options.maxInFlight / count))
  if (options.maxSpendUsd !== undefined) result.maxSpendUsd = options.maxSpendUsd / count
  if (pool.proxy !== undefined && pool.phases.length > 0) result.chaosPhases = pool.phases
  return result
}

function reportProgress(options: RunOptions, progress: readonly (RunProgress | undefined)[]): void {
  if (options.onProgress === undefined) return
  const known = progress.filter((entry): entry is RunProgress => entry !== undefined)
  if (known.length === 0) return
  const sum = (pick: (entry: RunProgress) => number): number => known.reduce((total, entry) => total + pick(entry), 0)
  const spends = known.map((entry) => entry.spendUsd)
  const ttfts = known.map((entry) => entry.ttftP95Ms).filter((value): value is number => value !== null)
  options.onProgress({
    scheduled: sum((entry) => entry.scheduled),
    sent: sum((entry) => entry.sent),
    completed: sum((entry) => entry.completed),
    errors: sum((entry) => entry.errors),
    abandoned: sum((entry) => entry.abandoned),
    dropped: sum((entry) => entry.dropped),
    // The worst worker's p95: a bound, not the merged figure (the summary has that).
    ttftP95Ms: ttfts.length === 0 ? null : Math.max(...ttfts),
    spendUsd: spends.includes('unknown') ? 'unknown' : spends.reduce<number>((total, usd) => total + (usd as number), 0),
    elapsedMs: Math.max(...known.map((entry) => entry.elapsedMs)),
    plannedMs: known[0]?.plannedMs ?? null,
    inFlight: sum((entry) => entry.inFlight),
  })
}

/** Merged summary, records.jsonl and histograms.json in the run folder; the workers' health combined. */
async function mergeWorkers(pool: PoolRun, dirs: readonly string[], outDir: string): Promise<Summary> {
  const summary = await mergeRuns(dirs, { runId: pool.runId, name: pool.name })
  summary.target = pool.target
  summary.traffic = pool.traffic.describe()
  summary.plannedDurationMs = pool.plannedMs
  const histograms = await mergeHistogramFiles(dirs)
  await writeFile(
    join(outDir, 'histograms.json'),
    `${JSON.stringify({ unit: 'us', histograms: Object.fromEntries([...histograms].map(([metric, histogram]) => [metric, histogram.encode()])) })}\n`,
  )
  await concatRecords(pool, dirs, join(outDir, 'records.jsonl'))
  const clients: ClientHealthFigures[] = []
  for (const dir of dirs) {
    const part = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary
    if (part.client !== undefined) clients.push(part.client)
  }
  if (clients.length > 0) {
    const worst = (pick: (client: ClientHealthFigures) => number | null): number | null => {
      const values = clients.map(pick).filter((value): value is number => value !== null)
      return values.length === 0 ? null : Math.max(...values)
    }
    summary.client = judgeClientHealth({
      eventLoopDelayP50Ms: worst((client) => client.eventLoopDelayP50Ms),
      eventLoopDelayP99Ms: worst((client) => client.eventLoopDelayP99Ms),
      eventLoopDelayMaxMs: worst((client) => client.eventLoopDelayMaxMs),
      cpuCores: Math.round(clients.reduce((total, client) => total + client.cpuCores, 0) * 1000) / 1000,
      workers: pool.workers.count,
      pacer: {
        waits: clients.reduce((total, client) => total + client.pacer.waits, 0),
        wakeups: clients.reduce((total, client) => total + client.pacer.wakeups, 0),
        yieldMs: Math.round(clients.reduce((total, client) => total + client.pacer.yieldMs, 0) * 10) / 10,
      },
      tokenizerLoads: clients.flatMap((client) => client.tokenizerLoads),
      scheduleLagP99Ms: pool.options.schedule?.type === 'closed' ? null : summary.latency.schedule_lag_ms.p99,
    })
    summary.notes.push(...summary.client.warnings)
  }
  return summary
}

/** One records.jsonl: the run's header, then every worker's records (their headers left out). */
async function concatRecords(pool: PoolRun, dirs: readonly string[], path: string): Promise<void> {
  const out = createWriteStream(path)
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve)
    out.on('error', reject)
  })
  out.write(`${JSON.stringify({ type: 'header', schemaVersion: 1, runId: pool.runId, name: pool.name, startedAt: new Date().toISOString(), config: pool.config })}\n`)
  for (const dir of dirs) {
    const lines = createInterface({ input: createReadStream(join(dir, 'records.jsonl')), crlfDelay: Infinity })
    let first = true
    for await (const line of lines) {
      if (first) {
        first = false
        continue
      }
      if (line !== '' && !out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
  }
  out.end()
  await done
}

