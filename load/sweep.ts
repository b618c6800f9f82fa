// `runSweep`: the capacity sweep as a library call. Steps of increasing load, each one run()
// (a constant-rate ramping stage, or a closed model of N users), until the SLOs break or the
// endpoint saturates; sweep.json is rewritten after every step so an interrupted sweep keeps
// what it measured.
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../core/atomic-write.js'
import { join, resolve } from 'node:path'
import { UserError } from '../core/errors.js'
import {
  analyzeSweep,
  DEFAULT_SWEEP_CRITERIA,
  formatLoad,
  stopReason,
  SWEEP_SCHEMA_VERSION,
  type SweepCriteria,
  type SweepDocument,
  type SweepMode,
  type SweepStep,
} from '../results/sweep.js'
import { isErrorKey } from '../results/outcomes.js'
import type { Slo, Summary } from '../results/summary.js'
import type { Sink } from '../results/types.js'
import { DEFAULT_PATIENCE, type PatienceOptions } from './patience.js'
import { run, type RunProgress } from './run.js'
import type { ScheduleSpec } from './schedules/types.js'
import type { TrafficSourceOptions } from './traffic-source.js'
import { fileStamp, round } from '../core/format.js'

export interface SweepOptions {
  target: string
  /** Default: the peak-hour preset (its requests in order; their offsets are ignored). */
  traffic?: TrafficSourceOptions
  /** Requests per second, one step each (rate mode). */
  rates?: number[]
  /** Concurrent users, one step each (closed model). */
  users?: number[]
  /** Rate mode: how long each step sends (default 20 s). */
  stepDurationMs?: number
  /** Users mode: requests per step (default 5 per user). */
  stepRequests?: number
  thinkTimeMs?: number
  slo?: Slo
  criteria?: Partial<SweepCriteria>
  /**
   * Default: users give up waiting for the first token (median 4 s) but not on a long answer
   * that is streaming, and nobody quits, so every step offers its full load.
   */
  patience?: string | PatienceOptions
  retries?: string
  seed?: number
  /** Sweep folder (default results/sweeps/<time>): sweep.json and one run folder per step. */
  outDir?: string
  /** Run every planned step even after the SLOs broke. */
  allSteps?: boolean
  pricesPath?: string
  priceAs?: string
  maxInFlight?: number
  /** Per step: stop new sends before the step's spend would pass this (USD). */
  maxSpendUsd?: number
  /** Allow a non-loopback endpoint without asking. */
  yes?: boolean
  /** Asked once, before the first step, for a non-loopback endpoint when `yes` is not set. */
  confirm?: (message: string) => Promise<boolean>
  signal?: AbortSignal
  log?: (line: string) => void
  onProgress?: (step: { index: number; load: number; of: number }, progress: RunProgress) => void
  /** Called after each step with the document so far. */
  onStep?: (step: SweepStep, document: SweepDocument) => void
  now?: () => Date
}

/**
 * Load-sensitive SLOs: the first token within 2 s and at least 10 tokens a second after it
 * (faster than people read). End-to-end time grows with the answer's length, not the load, so a
 * long answer at idle would count against capacity.
 */
export const DEFAULT_SWEEP_SLO: Slo = { ttft_ms: 2_000, tpot_ms: 100 }

export interface SweepResult {
  document: SweepDocument
  outDir: string
  interrupted: boolean
}


/**
 * First and last first token of a step's completed requests, for its served throughput. First
 * tokens, not ends: an answer's length spreads its end by tens of seconds, the start of its
 * answer only by the wait for a slot — which is what saturation stretches.
 */
function createThroughputSink(): { sink: Sink; throughput(): number | null } {
  let count = 0
  let first = Number.POSITIVE_INFINITY
  let last = Number.NEGATIVE_INFINITY
  return {
    sink: {
      name: 'sweep-throughput',
      record(sample) {
        if (sample.outcome !== 'ok' || sample.willRetry === true || sample.firstTokenAtMs === undefined) return
        count++
        if (sample.firstTokenAtMs < first) first = sample.firstTokenAtMs
        if (sample.firstTokenAtMs > last) last = sample.firstTokenAtMs
      },
    },
    throughput: () => (count < 2 || !(last > first) ? null : (count - 1) / ((last - first) / 1000)),
  }
}

function errorsOf(summary: Summary): number {
  let errors = 0
  for (const [outcome, count] of Object.entries(summary.requests.byOutcome)) {
    if (isErrorKey(outcome)) errors += count
  }
  return errors
}

function roundOrNull(value: number | null, digits = 3): number | null {
  return value === null ? null : round(value, digits)
}

export function stepFromSummary(index: number, load: number, durationMs: number | null, summary: Summary, throughputPerSecond: number | null, outDir: string | null): SweepStep {
  const latency = (stats: Summary['latency']['ttft_ms']): SweepStep['ttftMs'] => ({ p50: stats.p50, p95: stats.p95, p99: stats.p99, mean: stats.mean })
  return {
    index,
    load,
    durationMs,
    runDurationMs: summary.durationMs,
    scheduled: summary.requests.scheduled,
    sent: summary.requests.sent,
    ok: summary.requests.completed,
    errors: errorsOf(summary),
    abandoned: summary.abandonment.abandoned,
    throughputPerSecond: roundOrNull(throughputPerSecond),
    ttftMs: latency(summary.latency.ttft_ms),
    e2eMs: latency(summary.latency.e2e_ms),
    e2eServiceMeanMs: summary.latency.e2e_service_ms.mean,
    errorRate: summary.errors.rate,
    abandonRate: summary.abandonment.rate,
    goodputShare: summary.goodput.share,
    spendUsd: summary.spend.usd,
    outDir,
    notes: summary.notes,
  }
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const log = options.log ?? (() => {})
  if ((options.rates === undefined) === (options.users === undefined)) {
    throw new UserError('USAGE_INVALID', 'sweep: give either rates (--rates or --start/--factor/--max) or --users, not both and not neither; e.g. --rates 1,2,4,8')
  }
  const mode: SweepMode = options.rates !== undefined ? 'rate' : 'users'
  const loads = [...((options.rates ?? options.users) as number[])]
  if (loads.length === 0 || loads.some((load) => !(Number.isFinite(load) && load > 0))) {
    throw new UserError('USAGE_INVALID', `sweep: every step's load must be a number > 0 (got ${loads.join(',') || 'none'}); e.g. --rates 1,2,4,8`)
  }
  for (let i = 1; i < loads.length; i++) {
    if (!((loads[i] as number) > (loads[i - 1] as number))) {
      throw new UserError('USAGE_INVALID', `sweep: steps must increase (got ${loads.join(',')}); list them from the lowest load up, e.g. --rates 1,2,4,8`)
    }
  }
  const stepDurationMs = options.stepDurationMs ?? 20_000
  if (!(stepDurationMs >= 1_000)) throw new UserError('USAGE_INVALID', `--step-duration must be at least 1s (got ${stepDurationMs} ms); e.g. --step-duration 20s`)
  const criteria: SweepCriteria = { ...DEFAULT_SWEEP_CRITERIA, ...options.criteria }
  const slo: Slo = options.slo ?? DEFAULT_SWEEP_SLO
  const traffic: TrafficSourceOptions = options.traffic ?? { type: 'preset', preset: 'peak-hour' }
  const now = options.now ?? (() => new Date())
  const outDir = resolve(options.outDir ?? join('results', 'sweeps', fileStamp(now())))
  await mkdir(outDir, { recursive: true })
  const patience = options.patience ?? { ...DEFAULT_PATIENCE, seed: options.seed ?? 1, e2e: { type: 'none' as const }, quit: null }
  const stepRequests = (users: number): number => options.stepRequests ?? users * 5

  const document: SweepDocument = {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    kind: 'sweep',
    createdAt: now().toISOString(),
    target: { label: options.target, model: '', pricedAs: null },
    traffic: traffic.type === 'file' ? traffic.path : traffic.type === 'preset' ? `preset:${traffic.preset}` : 'requests',
    mode,
    slo,
    criteria,
    stepDurationMs: mode === 'rate' ? stepDurationMs : null,
    stepRequests: mode === 'users' ? (options.stepRequests ?? null) : null,
    steps: [],
    analysis: analyzeSweep([], criteria, mode),
    stoppedEarly: null,
    plannedLoads: loads,
  }
  const save = async (): Promise<void> => {
    document.analysis = analyzeSweep(document.steps, criteria, mode)
    await writeFileAtomic(join(outDir, 'sweep.json'), `${JSON.stringify(document, null, 2)}\n`)
  }
  const unit = mode === 'rate' ? 'req/s' : 'users'
  let interrupted = false
  let confirmed = false
  for (const [i, load] of loads.entries()) {
    if (options.signal?.aborted === true) {
      interrupted = true
      break
    }
    const index = i + 1
    const schedule: ScheduleSpec =
      mode === 'rate'
        ? { type: 'ramping', startRatePerSecond: load, stages: [{ durationMs: stepDurationMs, targetRatePerSecond: load }] }
        : { type: 'closed', users: load, thinkTimeMs: options.thinkTimeMs ?? 0 }
    const maxRequests = mode === 'rate' ? Math.ceil((load * stepDurationMs) / 1000) : stepRequests(load)
    const stepDir = join(outDir, `step-${String(index).padStart(2, '0')}-${formatLoad(load)}${mode === 'rate' ? 'rps' : 'users'}`)
    log(
      mode === 'rate'
        ? `step ${index}/${loads.length}: ${formatLoad(load)} req/s for ${(stepDurationMs / 1000).toFixed(0)} s (${maxRequests} requests)`
        : `step ${index}/${loads.length}: ${load} users, ${maxRequests} requests`,
    )
    const throughput = createThroughputSink()
    const runOptions: Parameters<typeof run>[0] = {
      name: `sweep-${formatLoad(load)}${mode === 'rate' ? 'rps' : 'users'}`,
      traffic: { ...traffic, maxRequests },
      target: options.target,
      schedule,
      slo,
      patience,
      seed: options.seed ?? 1,
      outDir: stepDir,
      sinks: [throughput.sink],
      log: (line) => {
        if (index === 1) log(`  ${line}`)
      },
    }
    if (options.retries !== undefined) runOptions.retries = options.retries
    if (options.pricesPath !== undefined) runOptions.pricesPath = options.pricesPath
    if (options.priceAs !== undefined) runOptions.priceAs = options.priceAs
    if (options.maxInFlight !== undefined) runOptions.maxInFlight = options.maxInFlight
    if (options.maxSpendUsd !== undefined) runOptions.maxSpendUsd = options.maxSpendUsd
    // Asked once: a yes for the first step stands for the sweep.
    if (options.yes === true || confirmed) runOptions.yes = true
    else if (options.confirm !== undefined) {
      const ask = options.confirm
      runOptions.confirm = async (message) => (confirmed = await ask(`${message} (the first of ${loads.length} sweep steps)`))
    }
    if (options.signal !== undefined) runOptions.signal = options.signal
    const onProgress = options.onProgress
    if (onProgress !== undefined) runOptions.onProgress = (progress) => onProgress({ index, load, of: loads.length }, progress)
    const result = await run(runOptions)
    const { summary } = result
    document.target = { label: options.target, model: summary.target.model, pricedAs: summary.target.pricedAs }
    const step = stepFromSummary(index, load, mode === 'rate' ? stepDurationMs : null, summary, throughput.throughput(), result.outDir)
    if (mode === 'rate' && summary.requests.scheduled < Math.floor((load * stepDurationMs) / 1000)) {
      step.notes = [...step.notes, `the traffic ran out: ${summary.requests.scheduled} of ${Math.floor((load * stepDurationMs) / 1000)} requests were sent; give a larger traffic file`]
    }
    document.steps.push(step)
    await save()
    options.onStep?.(step, document)
    if (result.interrupted) {
      interrupted = true
      document.stoppedEarly = `interrupted during the ${formatLoad(load)} ${unit} step`
      break
    }
    const reason = stopReason(document.steps, criteria, mode)
    if (reason !== null && options.allSteps !== true && index < loads.length) {
      document.stoppedEarly = `${reason}; the higher steps (${loads.slice(index).map(formatLoad).join(', ')} ${unit}) were not run`
      break
    }
  }
  await save()
  return { document, outDir, interrupted }
}
