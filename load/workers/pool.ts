// `--workers N`: the run's thread keeps the mock, the proxy, progress and Ctrl-C; N worker threads
// each run their users' share of the traffic (load/workers/worker.ts) into <run>/workers/<i>/;
// at the end the folders are merged exactly (counts re-aggregated from every record, latency from
// merged HDR histograms) into the run folder, and the workers' self-checks are combined.
//
//   run thread ── start ──► worker 1..N: run(userShare i/N) ─ progress, samples ─► run thread
//              ◄─ ready ──                                  ─ done ────────────► merge, summary
//
// A worker's share (requests, options, schedule) is share.ts, the summed progress progress.ts,
// the merge of the folders merge.ts.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { writeFileAtomic } from '../../core/atomic-write.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { ChaosProxy } from '../../chaos/proxy.js'
import { GauntletError, UserError, type ErrorCode } from '../../core/errors.js'
import { createRecorder } from '../../results/recorder.js'
import type { Slo, Summary } from '../../results/summary.js'
import { summaryMetric } from '../../results/summary-metrics.js'
import { evaluateThresholds, type Threshold } from '../../results/thresholds.js'
import { type RunOptions, type RunProgress, type RunResult } from '../run.js'
import type { ScheduleSpec } from '../schedules/types.js'
import type { TrafficSource } from '../traffic-source.js'
import { workerEntry } from './entry.js'
import { mergeWorkers } from './merge.js'
import { epochNow, type FromWorker, type ToWorker, type WorkerInput } from './messages.js'
import { reportProgress } from './progress.js'
import { recoverRunFolder } from './recover.js'
import { splitRequests, workerOptions } from './share.js'
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
