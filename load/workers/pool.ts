// `--workers N`: the run's thread keeps the mock, the proxy, progress and Ctrl-C; N worker threads
// each run their users' share of the traffic (load/workers/worker.ts) into <run>/workers/<i>/;
// at the end the folders are merged exactly (counts re-aggregated from every record, latency from
// merged HDR histograms) into the run folder, and the workers' self-checks are combined.
//
//   run thread ── start ──► worker 1..N: run(userShare i/N) ─ progress, samples ─► run thread
//              ◄─ ready ──                                  ─ done ────────────► merge, summary
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Worker } from 'node:worker_threads'
import type { ChaosProxy } from '../../chaos/proxy.js'
import { GauntletError, UserError, type ErrorCode } from '../../core/errors.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { judgeClientHealth, type ClientHealthFigures } from '../../results/client-health.js'
import { mergeHistogramFiles, mergeRuns } from '../../results/merge.js'
import { createRecorder } from '../../results/recorder.js'
import { RECORDS_SCHEMA_VERSION } from '../../results/sinks/jsonl.js'
import type { Slo, Summary } from '../../results/summary.js'
import { summaryMetric } from '../../results/summary-metrics.js'
import { evaluateThresholds, type Threshold } from '../../results/thresholds.js'
import { type RunOptions, type RunProgress, type RunResult } from '../run.js'
import { createSchedule } from '../schedules/registry.js'
import type { ScheduleSpec } from '../schedules/types.js'
import { userShareOf, type TrafficSource, type TrafficSourceOptions } from '../traffic-source.js'
import { workerEntry } from './entry.js'
import { epochNow, type FromWorker, type ToWorker, type WorkerInput, type WorkerRunOptions } from './messages.js'
import { recoverRunFolder } from './recover.js'
import type { WorkerCount } from './sizing.js'
import { formatDuration, round } from '../../core/format.js'

export interface PoolRun {
  options: RunOptions
  workers: WorkerCount
  traffic: TrafficSource
  runId: string
  name: string
  outDir: string | null
  plannedMs: number | null
  bucketMs: number
  schedule: ScheduleSpec
  maxInFlight: number
  slo: Slo
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
/** How often the run's thread samples the workers' summed in-flight count (as run() does). */
const GAUGE_EVERY_MS = 250

interface WorkerState {
  dir: string
  ready: boolean
  exited: boolean
  done: boolean
  interrupted: boolean
  failure: string | undefined
  userFailure: { code: string | undefined; message: string } | undefined
  progress: RunProgress | undefined
}

export async function runOnWorkers(pool: PoolRun): Promise<RunResult> {
  if (pool.outDir !== null) return runInFolder(pool, pool.outDir)
  // Without a run folder the workers still need theirs: a temporary one, removed at the end.
  const temporary = await mkdtemp(join(tmpdir(), 'gauntlet-run-workers-'))
  try {
    return await runInFolder(pool, temporary)
  } finally {
    await rm(temporary, { recursive: true, force: true })
  }
}

async function runInFolder(pool: PoolRun, outDir: string): Promise<RunResult> {
  const { options, workers } = pool
  const count = workers.count
  const states: WorkerState[] = Array.from({ length: count }, (_, index) => ({
    dir: join(outDir, 'workers', String(index + 1)),
    ready: false,
    exited: false,
    done: false,
    interrupted: false,
    failure: undefined,
    userFailure: undefined,
    progress: undefined,
  }))
  await mkdir(join(outDir, 'workers'), { recursive: true })
  const forwardSamples = (options.sinks ?? []).length > 0
  const recorder = createRecorder(options.sinks ?? [])
  await recorder.start({ runId: pool.runId, name: pool.name, startedAt: new Date().toISOString(), config: pool.config })

  const entry = await workerEntry()
  const shares = pool.options.traffic.type === 'requests' ? await splitRequests(pool.traffic, count) : undefined
  const threads: Worker[] = []
  let interrupted = options.signal?.aborted === true
  let startEpochMs: number | undefined
  const broadcast = (message: ToWorker): void => {
    for (const [index, thread] of threads.entries()) if (states[index]?.exited !== true) thread.postMessage(message)
  }
  // The start is given once every worker still alive is ready (one that died before is left out).
  const maybeStart = (): void => {
    if (startEpochMs !== undefined || !states.every((state) => state.ready || state.exited)) return
    if (!states.some((state) => state.ready && !state.exited)) return
    startEpochMs = epochNow() + START_LEAD_MS
    pool.proxy?.startTimeline(startEpochMs - performance.timeOrigin)
    broadcast({ type: 'start', epochMs: startEpochMs })
  }
  // In flight, summed over the workers, by second of the run: the merged time series' gauge.
  const inFlightBySecond = new Map<number, number>()
  const elapsedMs = (): number => (startEpochMs === undefined ? 0 : epochNow() - startEpochMs)
  const gauge = setInterval(() => {
    if (startEpochMs === undefined) return
    const second = Math.max(0, Math.floor(elapsedMs() / 1000))
    const inFlight = states.reduce((total, state) => total + (state.progress?.inFlight ?? 0), 0)
    if (inFlight > (inFlightBySecond.get(second) ?? 0)) inFlightBySecond.set(second, inFlight)
  }, GAUGE_EVERY_MS)
  const progressEveryMs = options.progressIntervalMs ?? 1_000
  const ticker = setInterval(() => reportProgress(options, states, elapsedMs(), pool.plannedMs), progressEveryMs)

  const exits = states.map(
    (state, index) =>
      new Promise<void>((resolve) => {
        const input: WorkerInput = { index: index + 1, count, options: workerOptions(pool, index, state.dir, shares?.[index]), forwardSamples }
        const thread = new Worker(entry, { workerData: input })
        threads.push(thread)
        thread.on('message', (message: FromWorker) => {
          if (message.type === 'ready') {
            state.ready = true
            maybeStart()
          } else if (message.type === 'progress') state.progress = message.progress
          else if (message.type === 'samples') for (const sample of message.samples) recorder.record(sample)
          else if (message.type === 'done') {
            state.done = true
            state.interrupted = message.interrupted
          } else if (message.type === 'failed') {
            state.failure = `worker ${index + 1} of ${count} failed: ${message.message}`
            if (message.user) state.userFailure = { code: message.code, message: message.message }
          }
        })
        thread.on('error', (error) => {
          state.failure = `worker ${index + 1} of ${count} crashed: ${error.message}`
        })
        thread.on('exit', (code) => {
          state.exited = true
          if (!state.done && state.failure === undefined) state.failure = `worker ${index + 1} of ${count} exited (code ${code}) before it finished`
          maybeStart()
          resolve()
        })
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
  } catch (error) {
    // A worker that could not even start: stop the others rather than leave them running.
    await Promise.all(threads.map((thread) => thread.terminate()))
    throw error
  } finally {
    clearInterval(gauge)
    clearInterval(ticker)
    options.signal?.removeEventListener('abort', onAbort)
  }
  reportProgress(options, states, elapsedMs(), pool.plannedMs)
  await recorder.stop()

  // A bad input that stopped every worker is the run's own error (as it would be in one thread).
  const firstUser = states.find((state) => state.userFailure !== undefined)?.userFailure
  if (states.every((state) => !state.done) && firstUser !== undefined) {
    const hint = firstUser.code === 'TARGET_INVALID' ? ' (in a worker thread: plugin adapters from a config file are registered in the run thread only; use --workers 1)' : ''
    throw new UserError((firstUser.code ?? 'USAGE_INVALID') as ErrorCode, `${firstUser.message}${hint}`)
  }
  const failed = states.filter((state) => !state.done)
  const recovered: string[] = []
  for (const [index, state] of states.entries()) {
    if (state.done) continue
    const ok = await recoverRunFolder(state.dir, {
      bucketMs: pool.bucketMs,
      slo: pool.slo,
      phases: pool.phases,
      finish: {
        runId: `${pool.runId}-worker-${index + 1}`,
        name: `${pool.name}-worker-${index + 1}`,
        startedAt: new Date(startEpochMs ?? epochNow()).toISOString(),
        endedAt: new Date().toISOString(),
        durationMs: elapsedMs(),
        plannedDurationMs: pool.plannedMs,
        target: pool.target,
        traffic: pool.traffic.describe(),
      },
    })
    if (ok) recovered.push(state.dir)
  }
  const folders = states.filter((state) => state.done).map((state) => state.dir)
  folders.push(...recovered)
  if (folders.length === 0) {
    throw new GauntletError('INTERNAL', `no worker of ${count} left records (${states.map((state) => state.failure).filter((line) => line !== undefined).join('; ')})`)
  }
  const summary = await mergeWorkers(pool, folders, new Set(recovered), outDir, inFlightBySecond)
  const notes = [
    `ran on ${count} worker threads, the traffic split by user (a stable hash of userId); each had its own connections, event loop and folder (workers/<i>); ` +
      `the spend cap and the in-flight cap (and a closed model's users or a ramp's rates) were divided evenly among them; counts re-aggregated from every record, latency from merged histograms`,
  ]
  for (const state of failed) {
    notes.push(`${state.failure ?? 'a worker failed'}; ${recovered.includes(state.dir) ? 'its records so far are counted' : 'it left no records'}, the rest of its users' requests were not sent`)
  }
  const finished = states.filter((state) => state.done)
  const parts = await Promise.all(finished.map(async (state) => JSON.parse(await readFile(join(state.dir, 'summary.json'), 'utf8')) as Summary))
  // A worker's summary is partial when it was interrupted or stopped at --max-duration.
  const timedOut = parts.some((part, index) => part.partial && finished[index]?.interrupted === false)
  if (timedOut) notes.push(`stopped sending at the --max-duration of ${formatDuration(options.maxDurationMs ?? 0)}; requests due later were not sent`)
  if ((summary.requests.byOutcome['budget-stopped'] ?? 0) > 0 && options.maxSpendUsd !== undefined) {
    notes.push(`the spend cap of $${options.maxSpendUsd} ($${round(options.maxSpendUsd / count, 6)} per worker) stopped new sends; unsent requests are 'budget-stopped'`)
  }
  for (const part of parts) for (const note of part.notes) if (note.startsWith("sink '")) notes.push(`worker: ${note}`)
  notes.push(...recorder.problems)
  // The merge's own line is replaced by the workers' one; its other notes (partial, estimates) stay.
  summary.notes = [...notes, ...summary.notes.filter((note) => !note.startsWith('merged from '))]
  if (summary.client !== undefined) summary.notes.push(...summary.client.warnings)
  if (interrupted || failed.length > 0 || timedOut) summary.partial = true
  if (summary.partial && !summary.notes.some((note) => note.startsWith('partial run'))) {
    summary.notes.push('partial run: interrupted before the traffic ended; figures cover what was recorded')
  }
  summary.thresholds = evaluateThresholds(pool.thresholds, (metric, stat) => summaryMetric(summary, metric, stat))
  await writeFileAtomic(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
  return { summary, outDir: pool.outDir, thresholdsPassed: summary.thresholds.every((row) => row.pass), interrupted }
}

/** In-code requests cannot be re-read in a worker: each worker is handed its users' requests. */
async function splitRequests(traffic: TrafficSource, count: number): Promise<TrafficRequest[][]> {
  const shares: TrafficRequest[][] = Array.from({ length: count }, () => [])
  for await (const request of traffic.requests()) shares[userShareOf(request.userId, count) - 1]?.push(request)
  return shares
}

/** A worker's options: its users' share, its part of the caps, the endpoint already resolved. */
function workerOptions(pool: PoolRun, index: number, dir: string, requests: TrafficRequest[] | undefined): WorkerRunOptions {
  const { options, workers } = pool
  const count = workers.count
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
  const userShare = { index: index + 1, count }
  // In-code requests arrive already segmented, capped and limited: only the share is left to say.
  const traffic: TrafficSourceOptions =
    requests === undefined
      ? { ...options.traffic, userShare }
      : { type: 'requests', requests, source: pool.traffic.describe().source, userShare }
  const result: WorkerRunOptions = {
    ...plain,
    name: `${pool.name}-worker-${index + 1}`,
    target: pool.workerTarget,
    traffic,
    schedule: shareSchedule(pool.schedule, index, count),
    maxInFlight: Math.max(1, Math.ceil(pool.maxInFlight / count)),
    outDir: dir,
    thresholds: [],
    yes: true,
    priceAs: pool.pricedAs,
  }
  if (options.maxSpendUsd !== undefined) result.maxSpendUsd = options.maxSpendUsd / count
  if (pool.proxy !== undefined && pool.phases.length > 0) result.chaosPhases = pool.phases
  return result
}

/**
 * A worker's part of the schedule: an open model keeps its times (each worker sends its users'
 * requests at their offsets), a closed model divides its users, a ramp divides its rates.
 */
export function shareSchedule(schedule: ScheduleSpec, index: number, count: number): ScheduleSpec {
  if (schedule.type === 'closed') {
    const users = Math.floor(schedule.users / count) + (index < schedule.users % count ? 1 : 0)
    return { ...schedule, users: Math.max(1, users) }
  }
  if (schedule.type === 'ramping') {
    return {
      ...schedule,
      startRatePerSecond: schedule.startRatePerSecond / count,
      stages: schedule.stages.map((stage) => ({ ...stage, targetRatePerSecond: stage.targetRatePerSecond / count })),
    }
  }
  return schedule
}

function reportProgress(options: RunOptions, states: readonly WorkerState[], elapsedMs: number, plannedMs: number | null): void {
  if (options.onProgress === undefined) return
  const known = states.map((state) => state.progress).filter((entry): entry is RunProgress => entry !== undefined)
  if (known.length === 0) return
  const sum = (pick: (entry: RunProgress) => number): number => known.reduce((total, entry) => total + pick(entry), 0)
  const spends = known.map((entry) => entry.spendUsd)
  const worst = (pick: (entry: RunProgress) => number | null): number | null => {
    const values = known.map(pick).filter((value): value is number => value !== null)
    return values.length === 0 ? null : Math.max(...values)
  }
  options.onProgress({
    scheduled: sum((entry) => entry.scheduled),
    sent: sum((entry) => entry.sent),
    completed: sum((entry) => entry.completed),
    errors: sum((entry) => entry.errors),
    abandoned: sum((entry) => entry.abandoned),
    dropped: sum((entry) => entry.dropped),
    // The worst worker's percentiles: a bound for the live view, not the merged figure (the summary has that).
    ttftP95Ms: worst((entry) => entry.ttftP95Ms),
    ttftP50Ms: worst((entry) => entry.ttftP50Ms),
    e2eP95Ms: worst((entry) => entry.e2eP95Ms),
    phase: known.find((entry) => entry.phase !== undefined)?.phase,
    spendUsd: spends.includes('unknown') ? 'unknown' : spends.reduce<number>((total, usd) => total + (usd as number), 0),
    elapsedMs,
    plannedMs,
    inFlight: sum((entry) => entry.inFlight),
  })
}

/** Merged summary, records.jsonl and histograms.json in the run folder; the workers' health combined. */
async function mergeWorkers(
  pool: PoolRun,
  dirs: readonly string[],
  recovered: ReadonlySet<string>,
  outDir: string,
  inFlightBySecond: ReadonlyMap<number, number>,
): Promise<Summary> {
  const summary = await mergeRuns(dirs, { runId: pool.runId, name: pool.name })
  summary.target = pool.target
  summary.traffic = pool.traffic.describe()
  summary.plannedDurationMs = pool.plannedMs
  // Records carry no in-flight gauge: the time series gets the workers' summed one.
  const { bucketMs, buckets } = summary.timeseries
  for (const [second, inFlight] of inFlightBySecond) {
    const bucket = buckets[Math.floor((second * 1000) / bucketMs)]
    if (bucket !== undefined && inFlight > bucket.in_flight_max) bucket.in_flight_max = inFlight
  }
  const histograms = await mergeHistogramFiles(dirs)
  await writeFileAtomic(
    join(outDir, 'histograms.json'),
    `${JSON.stringify({ unit: 'us', histograms: Object.fromEntries([...histograms].map(([metric, histogram]) => [metric, histogram.encode()])) })}\n`,
  )
  await concatRecords(pool, dirs, recovered, join(outDir, 'records.jsonl'), summary.startedAt)
  const clients: ClientHealthFigures[] = []
  for (const dir of dirs) {
    const part = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary
    if (part.client !== undefined) clients.push(part.client)
  }
  if (clients.length > 0) summary.client = judgeClientHealth(combineClients(clients, pool.workers.count, createSchedule(pool.schedule).lagMeasured ? summary.latency.schedule_lag_ms.p99 : null))
  return summary
}

/**
 * The workers' self-checks as one: CPU summed (cores used in all), event-loop delay the worst
 * worker's, so the verdict (judged on CPU per worker) flags any one loop that fell behind.
 */
export function combineClients(clients: readonly ClientHealthFigures[], workers: number, scheduleLagP99Ms: number | null): ClientHealthFigures {
  const worst = (pick: (client: ClientHealthFigures) => number | null): number | null => {
    const values = clients.map(pick).filter((value): value is number => value !== null)
    return values.length === 0 ? null : Math.max(...values)
  }
  const total = (pick: (client: ClientHealthFigures) => number): number => clients.reduce((sum, client) => sum + pick(client), 0)
  return {
    eventLoopDelayP50Ms: worst((client) => client.eventLoopDelayP50Ms),
    eventLoopDelayP99Ms: worst((client) => client.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: worst((client) => client.eventLoopDelayMaxMs),
    cpuCores: round(total((client) => client.cpuCores), 3),
    workers,
    pacer: {
      waits: total((client) => client.pacer.waits),
      wakeups: total((client) => client.pacer.wakeups),
      yieldMs: round(total((client) => client.pacer.yieldMs), 1),
    },
    tokenizerLoads: clients.flatMap((client) => client.tokenizerLoads),
    scheduleLagP99Ms,
  }
}

/** One records.jsonl: the run's header, then every worker's records (their headers left out). */
async function concatRecords(pool: PoolRun, dirs: readonly string[], recovered: ReadonlySet<string>, path: string, startedAt: string): Promise<void> {
  const out = createWriteStream(path)
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve)
    out.on('error', reject)
  })
  out.write(`${JSON.stringify({ type: 'header', schemaVersion: RECORDS_SCHEMA_VERSION, runId: pool.runId, name: pool.name, startedAt, config: pool.config })}\n`)
  for (const dir of dirs) {
    const file = join(dir, 'records.jsonl')
    if (!existsSync(file)) continue
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
    const check = recovered.has(dir)
    let first = true
    for await (const line of lines) {
      if (first) {
        first = false
        continue
      }
      if (line === '' || (check && !isJsonLine(line))) continue
      if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
  }
  out.end()
  await done
}

/** A crashed worker can leave a torn last line; it must not tear the merged file. */
function isJsonLine(line: string): boolean {
  if (!line.endsWith('}')) return false
  try {
    JSON.parse(line)
    return true
  } catch {
    return false
  }
}

