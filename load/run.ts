// `run`: the main job end to end, as a library call. Resolves the target (starting the
// embedded mock or the chaos proxy in-process when asked), opens the traffic, states the
// estimated spend, runs, and writes the run folder: records.jsonl, histograms.json, summary.json.
import { firstOpenTurn, type HistoryMode } from './chain/history.js'
import { setMaxListeners } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Agent } from 'undici'
import type { Adapter } from '../adapters/types.js'
import { displayUrl } from '../adapters/http.js'
import { createAdapterFromTarget, defaultBaseUrl } from '../adapters/registry.js'
import { isLoopbackUrl, mockEndpointTarget, parseTarget, type TargetSpec } from '../adapters/target.js'
import type { MockServer } from '../adapters/mock/index.js'
import { findPrice, loadPriceTable, type ModelPrice } from '../adapters/pricing/index.js'
import type { ChaosProxy } from '../chaos/proxy.js'
import type { Timeline } from '../chaos/timeline.js'
import { validateAnswer } from '../chaos/inputs/validate-answer.js'
import { classifyHandling } from '../chaos/inputs/classify.js'
import { systemClock, type Clock } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import { createRandom } from '../core/random.js'
import { encodingForModel, getEncoder } from '../core/tokens.js'
import { VERSION } from '../core/version.js'
import { createAggregator, type LiveStats } from '../results/aggregate.js'
import { judgeClientHealth } from '../results/client-health.js'
import { spendUsd } from '../results/cost.js'
import { createRecorder } from '../results/recorder.js'
import { UNSENT_OUTCOMES } from '../results/outcomes.js'
import { createJsonlSink } from '../results/sinks/jsonl.js'
import { createRecordsGuard } from '../results/sinks/records-guard.js'
import type { WriteFailure } from '../results/sinks/write-failure.js'
import { writeRunFiles } from '../results/run-files.js'
import type { Slo, Summary } from '../results/summary.js'
import { summaryMetric } from '../results/summary-metrics.js'
import { evaluateThresholds, parseThreshold } from '../results/thresholds.js'
import type { Sink } from '../results/types.js'
import { RunCutOff } from './abort-group.js'
import { createBudget } from './budget.js'
import { checkSameRun, finalSamples, readCheckpoint } from './resume.js'
import { createPatience, DEFAULT_PATIENCE, parsePatience, type PatienceOptions } from './patience.js'
import { NO_RETRIES, parseRetries, type RetryPolicy } from './retry.js'
import { createRunner } from './runner.js'
import { startSelfCheck } from './self-check.js'
import { preparePacer } from './schedules/pacer.js'
import { warmHttpClient } from './warm-up.js'
import { createSchedule, DEFAULT_SCHEDULE } from './schedules/registry.js'
import type { ScheduleSpec } from './schedules/types.js'
import { openTraffic, type TrafficSourceOptions } from './traffic-source.js'
import { resolveWorkerCount } from './workers/sizing.js'
import { fileStamp, formatDuration } from '../core/format.js'

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

const DEFAULT_SLO: Slo = { ttft_ms: 2_000, e2e_ms: 10_000 }
/** As the OpenAI and Anthropic SDKs: no attempt takes longer than 10 minutes. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 600_000
/** As k6's gracefulStop: in-flight requests get 30 s after the time limit. */
export const DEFAULT_GRACE_MS = 30_000
/** Runs this large warm the HTTP client first (load/warm-up.ts): below it no tail rests on the first sends. */
const WARM_UP_MIN_REQUESTS = 100

export async function run(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => {})
  const env = options.env ?? process.env
  const seed = options.seed ?? 1
  const clock = options.clock ?? systemClock
  const thresholds = (options.thresholds ?? []).map((text) => parseThreshold(text))
  const patienceOptions: PatienceOptions =
    typeof options.patience === 'string'
      ? parsePatience(options.patience, { ...DEFAULT_PATIENCE, seed })
      : (options.patience ?? { ...DEFAULT_PATIENCE, seed })
  let retry: RetryPolicy = NO_RETRIES
  if (typeof options.retries === 'string') {
    const parsed = parseRetries(options.retries)
    if (parsed === undefined) {
      throw new UserError('USAGE_INVALID', `--retries '${options.retries}' is not off, sdk or a number 0–10; e.g. --retries sdk`)
    }
    retry = parsed
  } else if (options.retries !== undefined) retry = options.retries
  // The mock and the chaos layer are imported only when a run uses them: a plain run's client
  // stays small (RSS is part of what the bench measures).
  const loadedTimeline =
    typeof options.chaos === 'string' ? await (await import('../chaos/timeline.js')).loadTimeline(options.chaos, '--chaos') : options.chaos
  const priceTable = loadPriceTable(options.pricesPath)

  const cleanups: (() => Promise<void>)[] = []
  const cleanup = async (): Promise<void> => {
    for (const task of cleanups.reverse()) await task().catch(() => undefined)
  }
  try {
    // 1. Target and traffic are checked before any server starts.
    const spec = parseTarget(options.target)
    if (spec.kind === 'mock' && spec.profile !== undefined) {
      const { MOCK_PROFILES } = await import('../adapters/mock/profiles.js')
      if (!Object.hasOwn(MOCK_PROFILES, spec.profile)) {
        throw new UserError(
          'TARGET_INVALID',
          `--target '${options.target}': unknown mock profile '${spec.profile}' (expected one of ${Object.keys(MOCK_PROFILES).join(', ')}); e.g. --target mock:typical-cloud, or --mock typical-cloud`,
        )
      }
    }
    const checkpoint = options.resume === undefined ? undefined : await readCheckpoint(options.resume)
    if (checkpoint !== undefined && options.outDir !== undefined && options.outDir !== null && resolve(options.outDir) !== checkpoint.dir) {
      throw new UserError('USAGE_INVALID', `--resume ${options.resume} and --out ${options.outDir} name different folders; a resumed run writes into its own folder, drop --out`)
    }
    const traffic = await openTraffic(checkpoint === undefined ? options.traffic : { ...options.traffic, skipIds: checkpoint.doneIds }, seed)
    const schedule: ScheduleSpec = options.schedule ?? DEFAULT_SCHEDULE
    const plannedSchedule = createSchedule(schedule)
    const timeScale = plannedSchedule.timeScale
    // Reads every traffic line once (kept for the run): a bad line is reported before any server starts.
    const estimate = await traffic.estimate()
    if (checkpoint !== undefined) {
      if (schedule.type === 'ramping') throw new UserError('USAGE_INVALID', `--resume ${options.resume}: a ramping schedule cannot be resumed (its rate depends on the requests before); start a new run`)
      if (options.workers !== undefined && options.workers !== 1) throw new UserError('USAGE_INVALID', `--resume ${options.resume}: resume with --workers 1 (the default)`)
      checkSameRun(checkpoint, { target: options.target, traffic: traffic.describe().source, seed, schedule, stream: options.stream ?? true }, options.resume as string)
    }
    // A timeline is written in traffic time; generated traffic was compressed at generation.
    const trafficCompression = (options.traffic.type === 'preset' ? (options.traffic.timeScale ?? 1) : 1) * timeScale
    const chaosScale = options.chaosTimeScale ?? trafficCompression
    const timeline = loadedTimeline === undefined || chaosScale === 1 ? loadedTimeline : loadedTimeline.scale(chaosScale)
    let mock: MockServer | undefined
    let pricedAs = options.priceAs
    const maxInFlight = options.maxInFlight ?? 2_000
    const dispatcher = new Agent({
      // No more than the schedule can use (closed: its users): see each schedule's connections().
      connections: plannedSchedule.connections(maxInFlight),
      keepAliveTimeout: 30_000,
      headersTimeout: options.headersTimeoutMs ?? 60_000,
      bodyTimeout: options.bodyTimeoutMs ?? 60_000,
    })
    // destroy, not close: by now every attempt has settled, and close() would wait for a request
    // still queued for a connection (aborted before it started) to get one first.
    cleanups.push(() => dispatcher.destroy())
    let adapterTarget = spec
    if (spec.adapter === 'mock') {
      mock = await (await import('../adapters/mock/index.js')).createMockServer({ profile: spec.profile, port: 0, seed })
      cleanups.push(() => (mock as MockServer).close())
      adapterTarget = mockEndpointTarget(spec, mock.url)
      pricedAs ??= mock.profile.priceAs
      log(`embedded mock '${mock.profile.name}' listening on ${mock.url}`)
    }
    // 2. Chaos: an in-process fault proxy in front of the endpoint.
    let proxy: ChaosProxy | undefined
    if (timeline !== undefined) {
      const base = adapterTarget.baseUrl ?? defaultBaseUrl(adapterTarget.adapter, env)
      if (base === undefined) {
        throw new UserError('TARGET_INVALID', `--target ${options.target}: --chaos needs the endpoint's base URL; write it as adapter:model@URL`)
      }
      const upstream = new URL(base)
      proxy = await (await import('../chaos/proxy.js')).createChaosProxy({ upstream: upstream.origin, timeline, seed, clock })
      cleanups.push(() => (proxy as ChaosProxy).close())
      adapterTarget = { ...adapterTarget, baseUrl: `${proxy.url}${upstream.pathname.replace(/\/$/, '')}` }
      log(`chaos proxy ${proxy.url} -> ${upstream.origin} with ${timeline.phases.length} phases`)
    }
    const adapter =
      options.adapter ??
      createAdapterFromTarget(adapterTarget, {
        env,
        dispatcher,
        headersTimeoutMs: options.headersTimeoutMs ?? 60_000,
        bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
      })
    pricedAs ??= adapter.model
    const price: ModelPrice | undefined = findPrice(priceTable, pricedAs)
    const spendOf = (usage: Parameters<typeof spendUsd>[0]): number | null => spendUsd(usage, price)
    const encoding = encodingForModel(pricedAs)
    // The tokenizer (~70 MB, up to a second or two of CPU) is loaded only when an answer lacks
    // usage, unless asked for up front (an endpoint known to report none); a load inside the run
    // is reported by the self-check, since it pauses the client.
    if (options.tokenizer === 'eager') getEncoder(encoding)

    // 3. The spend the traffic would cost.
    const plannedMs = plannedSchedule.plannedDurationMs(estimate)
    const estimatedUsd = spendOf({ inputTokens: estimate.inputTokens, outputTokens: estimate.outputTokens })
    const loopback = isLoopbackUrl(adapter.baseUrl)
    log(
      `traffic: ${estimate.requests} requests ${plannedMs === null ? `sent by the ${plannedSchedule.describe()} (their offsets unused)` : `over ${formatDuration(plannedMs)}`}, ${estimate.inputTokens.toLocaleString('en-US')} input and ~${estimate.outputTokens.toLocaleString('en-US')} output tokens; ` +
        `estimated spend ${estimatedUsd === null ? `unknown (no price for '${pricedAs}')` : `$${estimatedUsd.toFixed(4)}`} as ${pricedAs}` +
        (options.maxSpendUsd === undefined ? '' : `; hard cap $${options.maxSpendUsd}`),
    )
    if (!loopback && options.yes !== true) {
      const question = `This sends ${estimate.requests} requests to ${adapter.baseUrl} (estimated ${estimatedUsd === null ? 'unknown spend' : `$${estimatedUsd.toFixed(2)}`}). Continue?`
      const ok = options.confirm === undefined ? false : await options.confirm(question)
      if (!ok) {
        throw new UserError(
          'SPEND_NOT_CONFIRMED',
          `--target ${options.target} is not a loopback endpoint and the run was not confirmed; pass --yes (and consider --max-spend USD) to send real traffic`,
        )
      }
    }

    // 4. Results: records streamed to disk as the run goes.
    const startedAtWall = checkpoint === undefined ? new Date(clock.wallNow()) : new Date(checkpoint.startedAt)
    const name = checkpoint?.name ?? options.name ?? (spec.adapter === 'mock' ? `mock-${spec.profile}` : adapter.model)
    const runId = checkpoint?.runId ?? `${fileStamp(startedAtWall)}-${slug(name)}`
    const outDir = checkpoint?.dir ?? (options.outDir === null ? null : resolve(options.outDir ?? join('results', 'runs', runId)))
    if (outDir !== null) await mkdir(outDir, { recursive: true })
    const bucketMs = Math.max(1_000, Math.ceil((plannedMs ?? 60_000) / 240 / 1_000) * 1_000)
    const phases = timeline?.phases.map((phase) => ({ name: phase.name, fromMs: phase.fromMs, toMs: phase.toMs })) ?? options.chaosPhases ?? []
    const aggregator = createAggregator({ bucketMs, slo: options.slo ?? DEFAULT_SLO, phases })
    const sinks: Sink[] = [{ name: 'summary', record: (sample) => aggregator.add(sample) }, ...(options.sinks ?? [])]
    // A records.jsonl write error stops new sends; the summary sink above still has every sample.
    const recordsGuard = createRecordsGuard(outDir === null ? 'records.jsonl' : join(outDir, 'records.jsonl'), log)
    if (outDir !== null) {
      sinks.push(createJsonlSink({ path: join(outDir, 'records.jsonl'), keepItl: options.keepItl === true, append: checkpoint !== undefined, onFailure: (error) => recordsGuard.fail(error) }))
    }
    const recorder = createRecorder(sinks)
    const config = {
      generator: `llm-gauntlet ${VERSION}`,
      target: { label: options.target, adapter: adapter.name, model: adapter.model, baseUrl: displayUrl(adapter.baseUrl), pricedAs },
      traffic: traffic.describe(),
      schedule,
      maxInFlight,
      patience: patienceOptions,
      retries: retry,
      maxSpendUsd: options.maxSpendUsd ?? null,
      thresholds: thresholds.map((t) => t.text),
      chaos: timeline === undefined ? null : timeline.phases.map((phase) => phase.name),
      seed,
      stream: options.stream ?? true,
    }
    // Worker threads: this thread keeps the mock, the proxy and the progress; each worker runs
    // its users' share through this same function and the run folder is their exact merge.
    const workers = resolveWorkerCount(options, { estimate, schedule, timeScale, inProcessServers: mock !== undefined || proxy !== undefined })
    if (workers.note !== undefined) log(workers.note)
    if (workers.count > 1) {
      const { runOnWorkers } = await import('./workers/pool.js')
      return await runOnWorkers({
        options, workers, traffic, runId, name, outDir, plannedMs, bucketMs, phases, proxy, thresholds,
        schedule, maxInFlight, slo: options.slo ?? DEFAULT_SLO,
        config: { ...config, workers: workers.count },
        workerTarget: workerTargetOf(adapterTarget),
        pricedAs,
        target: { label: options.target, adapter: adapter.name, model: adapter.model, baseUrl: displayUrl(adapter.baseUrl), pricedAs: price === undefined ? null : pricedAs },
      })
    }
    await recorder.start({ runId, name, startedAt: startedAtWall.toISOString(), config })

    // 5. Run, until the traffic ends or the run is interrupted.
    const controller = new AbortController()
    const stopSending = new AbortController()
    recordsGuard.onFailure(() => stopSending.abort())
    // Every in-flight attempt listens on the run's signal: thousands, by design.
    setMaxListeners(0, controller.signal)
    const onAbort = (): void => controller.abort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted === true) controller.abort()
    const patience = createPatience(patienceOptions)
    const budget = createBudget(options.maxSpendUsd)
    // A resumed run counts what was recorded before: figures, users who quit, spend against the cap.
    const resumed = checkpoint === undefined ? undefined : finalSamples(checkpoint)
    if (resumed !== undefined) {
      for (const sample of resumed.samples) {
        aggregator.add(sample)
        if (sample.spendUsd !== undefined && sample.spendUsd !== null) budget.settle(0, sample.spendUsd)
        if (sample.willRetry !== true && sample.outcome !== 'interrupted' && !UNSENT_OUTCOMES.has(sample.outcome)) patience.observe(sample.userId, sample.outcome === 'abandoned')
      }
    }
    // Before the clock: the pacer's ticker thread starts and the HTTP client is warmed on a local
    // server of our own, so neither start-up delays the first sends (load/warm-up.ts).
    // (Traffic all due at once never waits: it starts no ticker thread, ~10 MB RSS saved.)
    if (plannedSchedule.lagMeasured && estimate.spanMs > 0) await preparePacer(clock)
    // Only where the first sends can reach a p99 (a one-request run would pay ~10 MB RSS for nothing).
    if (options.adapter === undefined && clock === systemClock && estimate.requests >= WARM_UP_MIN_REQUESTS) await warmHttpClient()
    // Resumed: the clock picks up where the traffic stopped (open: the first request not yet done
    // is due now; closed: after the last record), so old and new records share one time axis.
    const shiftMs = checkpoint === undefined ? 0 : plannedSchedule.lagMeasured ? estimate.firstOffsetMs / timeScale : checkpoint.lastMs
    const runStartMs = (options.runStart === undefined ? clock.now() : await options.runStart()) - shiftMs
    proxy?.startTimeline(runStartMs)
    const runnerOptions: Parameters<typeof createRunner>[0] = {
      adapter,
      requests: traffic.requests(),
      expand: traffic.expand,
      schedule,
      maxInFlight,
      patience,
      retry,
      random: createRandom(seed).fork('retry'),
      budget,
      spendOf,
      clock,
      runStartMs,
      signal: controller.signal,
      stopSignal: stopSending.signal,
      record: (sample) => recorder.record(sample),
      encoding,
      requestTimeoutMs: options.requestTimeoutMs === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : options.requestTimeoutMs,
      stream: options.stream ?? true,
      validateAnswer: (text, schema) => validateAnswer(text, schema).valid,
      classifyHandling,
    }
    if (options.history !== undefined) runnerOptions.history = options.history
    if (checkpoint !== undefined) runnerOptions.resumeFromTurn = (request) => firstOpenTurn(request, checkpoint.doneIds)
    if (timeline === undefined && options.chaosPhases !== undefined) {
      const windows = options.chaosPhases
      runnerOptions.phaseAt = (elapsedMs) => windows.find((phase) => elapsedMs >= phase.fromMs && elapsedMs < phase.toMs)?.name
      runnerOptions.sendRequestId = true
    }
    if (timeline !== undefined) {
      runnerOptions.phaseAt = (elapsedMs) => timeline.phaseAt(elapsedMs)
      // Fault decisions keyed on the request, not on arrival order: the same seed, the same faults.
      runnerOptions.sendRequestId = true
    }
    const runner = createRunner(runnerOptions)
    // The in-flight gauge is sampled every 250 ms; progress is reported every interval.
    const progressEveryMs = options.progressIntervalMs ?? 1_000
    let lastProgressMs = 0
    const tick = (force = false): void => {
      const elapsedMs = clock.now() - runStartMs
      aggregator.gauge(elapsedMs, runner.inFlight)
      if (options.onProgress !== undefined && (force || elapsedMs - lastProgressMs >= progressEveryMs)) {
        lastProgressMs = elapsedMs
        options.onProgress({ ...aggregator.live(), elapsedMs, plannedMs, inFlight: runner.inFlight })
      }
    }
    const ticker = setInterval(tick, Math.min(progressEveryMs, 250))
    let timedOut = false
    let cutOff = false
    let graceTimer: NodeJS.Timeout | undefined
    const graceMs = options.graceMs ?? DEFAULT_GRACE_MS
    const deadline =
      options.maxDurationMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            stopSending.abort()
            // Streams that never end must not hold the run: past the grace they are cut and recorded.
            graceTimer = setTimeout(() => {
              cutOff = true
              controller.abort(new RunCutOff(`still in flight at the end of --max-duration ${formatDuration(options.maxDurationMs ?? 0)} + --grace ${formatDuration(graceMs)}`))
            }, graceMs)
            // A resumed run has already used the time up to where it picks up.
          }, Math.max(0, options.maxDurationMs - shiftMs))
    const selfCheck = startSelfCheck()
    try {
      await runner.run()
    } finally {
      clearInterval(ticker)
      if (deadline !== undefined) clearTimeout(deadline)
      if (graceTimer !== undefined) clearTimeout(graceTimer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    const durationMs = clock.now() - runStartMs
    tick(true)
    await recorder.stop()

    // 6. Summary, thresholds and the run folder.
    const interrupted = controller.signal.aborted && !cutOff
    const notes = [...recorder.problems, ...recordsGuard.notes()]
    if (timedOut) notes.push(`stopped sending at the --max-duration of ${formatDuration(options.maxDurationMs ?? 0)}; requests due later were not sent`)
    if (cutOff) notes.push(`requests still in flight ${formatDuration(graceMs)} after the --max-duration were cut: 'interrupted' with errorCode RUN_GRACE_EXPIRED`)
    if (checkpoint !== undefined && resumed !== undefined) {
      const gapS = Math.max(0, (clock.wallNow() - durationMs - Date.parse(checkpoint.startedAt)) / 1000)
      notes.push(
        `resumed from ${checkpoint.dir}: ${checkpoint.doneIds.size} requests recorded before the stop, this part picked up at ${formatDuration(shiftMs)} of run time` +
          ` after a wall-clock gap of about ${gapS.toFixed(0)} s, which the time axis leaves out` +
          (resumed.cutDuringRetry > 0 ? `; ${resumed.cutDuringRetry} requests were waiting to retry at the stop, their last attempt stands` : '') +
          '; requests in flight at the stop left no record and were sent again' +
          (checkpoint.tornLines > 0 ? '; a last line cut by the stop was dropped' : ''),
      )
    }
    if (budget.stopped) notes.push(`the spend cap of $${options.maxSpendUsd} stopped new sends; unsent requests are 'budget-stopped'`)
    const summary = aggregator.finish({
      runId,
      name,
      partial: interrupted || timedOut || recordsGuard.failure !== undefined,
      startedAt: startedAtWall.toISOString(),
      endedAt: new Date(clock.wallNow()).toISOString(),
      durationMs,
      plannedDurationMs: plannedMs,
      target: { label: options.target, adapter: adapter.name, model: adapter.model, baseUrl: displayUrl(adapter.baseUrl), pricedAs: price === undefined ? null : pricedAs },
      traffic: traffic.describe(),
      usersQuit: patience.usersQuit,
      notes,
    })
    const lag = summary.latency.schedule_lag_ms
    summary.client = judgeClientHealth(selfCheck.stop({ scheduleLagP99Ms: plannedSchedule.lagMeasured ? lag.p99 : null }))
    summary.notes.push(...summary.client.warnings)
    summary.thresholds = evaluateThresholds(thresholds, (metric, stat) => summaryMetric(summary, metric, stat))
    const thresholdsPassed = summary.thresholds.every((row) => row.pass)
    const writeFailures = [...(recordsGuard.failure === undefined ? [] : [recordsGuard.failure]), ...(outDir === null ? [] : await writeRunFiles(outDir, summary, aggregator.histograms(), log))]
    return { summary, outDir, thresholdsPassed, interrupted, ...(writeFailures.length > 0 ? { writeFailures } : {}) }
  } finally {
    await cleanup()
  }
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60)
}

/** The resolved endpoint as a target spec a worker thread can parse again (mock or proxy URL in). */
function workerTargetOf(spec: TargetSpec): string {
  return spec.baseUrl === undefined ? `${spec.adapter}:${spec.model}` : `${spec.adapter}:${spec.model}@${spec.baseUrl}`
}
