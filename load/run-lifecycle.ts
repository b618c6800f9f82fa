// A run's lifecycle in this thread: its signals (Ctrl-C, the time limit and its grace), a resumed
// run's earlier records counted, the clock started, the runner driven, progress reported.
import { setMaxListeners } from 'node:events'
import type { validateAnswer } from '../chaos/inputs/validate-answer.js'
import { classifyHandling } from '../chaos/inputs/classify.js'
import { systemClock } from '../core/clock.js'
import { formatDuration } from '../core/format.js'
import { createRandom } from '../core/random.js'
import { UNSENT_OUTCOMES } from '../results/outcomes.js'
import { RunCutOff } from './abort-group.js'
import { createBudget, type Budget } from './budget.js'
import { firstOpenTurn } from './chain/history.js'
import { createPatience, type Patience } from './patience.js'
import { finalSamples } from './resume.js'
import type { RunEndpoint } from './run-endpoint.js'
import type { RunOutputs } from './run-outputs.js'
import type { RunPlan, RunSettings } from './run-plan.js'
import type { RunOptions } from './run.js'
import { createRunner } from './runner.js'
import { preparePacer } from './schedules/pacer.js'
import { startSelfCheck, type SelfCheck } from './self-check.js'
import { warmEngine } from './warm-up.js'

/** Everything resolved and opened before the run clock starts. */
export interface PreparedRun {
  options: RunOptions
  settings: RunSettings
  plan: RunPlan
  endpoint: RunEndpoint
  outputs: RunOutputs
  plannedMs: number | null
}

/** How the run went, for its summary; the recorder is stopped by then. */
export interface RunEnd {
  durationMs: number
  /** The run's own signal: aborted by Ctrl-C / `signal`, or by the grace cut-off. */
  runSignal: AbortSignal
  timedOut: boolean
  cutOff: boolean
  graceMs: number
  /** Run time already used before a resume picked up (0 for a fresh run). */
  shiftMs: number
  resumed: ReturnType<typeof finalSamples> | undefined
  budget: Budget
  patience: Patience
  selfCheck: SelfCheck
}

/** As the OpenAI and Anthropic SDKs: no attempt takes longer than 10 minutes. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 600_000
/** As k6's gracefulStop: in-flight requests get 30 s after the time limit. */
export const DEFAULT_GRACE_MS = 30_000
/** Runs this large warm the HTTP client first (load/warm-up.ts): below it no tail rests on the first sends. */
const WARM_UP_MIN_REQUESTS = 100

/** Runs until the traffic ends or the run is interrupted. */
export async function runInThread(prepared: PreparedRun): Promise<RunEnd> {
  const { options, settings, plan, endpoint, outputs, plannedMs } = prepared
  const { clock, seed } = settings
  const { checkpoint, estimate, plannedSchedule, timeScale, timeline, traffic } = plan
  const { aggregator, recorder, recordsGuard } = outputs
  const proxy = endpoint.proxy
  const controller = new AbortController()
  const stopSending = new AbortController()
  recordsGuard.onFailure(() => stopSending.abort())
  // Every in-flight attempt listens on the run's signal: thousands, by design.
  setMaxListeners(0, controller.signal)
  const onAbort = (): void => controller.abort()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted === true) controller.abort()
  const patience = createPatience(settings.patienceOptions)
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
  // Before the clock: the pacer's ticker thread starts and the engine's hot path (adapter, HTTP
  // client, attempt, aggregator) is warmed on a local server of our own, so neither start-up
  // delays the first sends (load/warm-up.ts).
  // (Traffic all due at once never waits: it starts no ticker thread, ~10 MB RSS saved.)
  if (plannedSchedule.lagMeasured && estimate.spanMs > 0) await preparePacer(clock)
  // Only where the first sends can reach a p99 (a one-request run would pay ~10 MB RSS for nothing).
  if (options.adapter === undefined && clock === systemClock && estimate.requests >= WARM_UP_MIN_REQUESTS) {
    await warmEngine({ target: endpoint.adapterTarget, adapter: endpoint.adapter, stream: options.stream ?? true, encoding: endpoint.encoding })
  }
  // Resumed: the clock picks up where the traffic stopped (open: the first request not yet done
  // is due now; closed: after the last record), so old and new records share one time axis.
  const shiftMs = checkpoint === undefined ? 0 : plannedSchedule.lagMeasured ? estimate.firstOffsetMs / timeScale : checkpoint.lastMs
  const runStartMs = (options.runStart === undefined ? clock.now() : await options.runStart()) - shiftMs
  proxy?.startTimeline(runStartMs)
  let validator: typeof validateAnswer | undefined
  const runnerOptions: Parameters<typeof createRunner>[0] = {
    adapter: endpoint.adapter,
    requests: traffic.requests(),
    expand: traffic.expand,
    schedule: plan.schedule,
    maxInFlight: plan.maxInFlight,
    patience,
    retry: settings.retry,
    random: createRandom(seed).fork('retry'),
    budget,
    spendOf: endpoint.spendOf,
    clock,
    runStartMs,
    signal: controller.signal,
    stopSignal: stopSending.signal,
    record: (sample) => recorder.record(sample),
    encoding: endpoint.encoding,
    requestTimeoutMs: options.requestTimeoutMs === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : options.requestTimeoutMs,
    stream: options.stream ?? true,
    // The answer checker (and zod under it) is loaded by the first answer that has a schema.
    validateAnswer: async (text, schema) => {
      validator ??= (await import('../chaos/inputs/validate-answer.js')).validateAnswer
      return validator(text, schema).valid
    },
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
  return { durationMs, runSignal: controller.signal, timedOut, cutOff, graceMs, shiftMs, resumed, budget, patience, selfCheck }
}
