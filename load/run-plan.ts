// A run's options resolved and its plan checked before any server starts: thresholds, patience,
// retries, the chaos timeline and prices parsed; the target, a resumed run and the traffic checked.
import { resolve } from 'node:path'
import { parseTarget, type TargetSpec } from '../adapters/target.js'
import { loadPriceTable, type PriceTable } from '../adapters/pricing/index.js'
import type { Timeline } from '../chaos/timeline.js'
import { systemClock, type Clock } from '../core/clock.js'
import { UserError } from '../core/errors.js'
import type { Slo } from '../results/summary.js'
import { parseThreshold, type Threshold } from '../results/thresholds.js'
import { checkSameRun, readCheckpoint, type Checkpoint } from './resume.js'
import { DEFAULT_PATIENCE, parsePatience, type PatienceOptions } from './patience.js'
import { NO_RETRIES, parseRetries, type RetryPolicy } from './retry.js'
import type { RunOptions } from './run.js'
import { createSchedule, DEFAULT_SCHEDULE } from './schedules/registry.js'
import type { Schedule, ScheduleSpec } from './schedules/types.js'
import { openTraffic, type TrafficEstimate, type TrafficSource } from './traffic-source.js'

/** The options a run reads everywhere, defaults filled in and text forms parsed. */
export interface RunSettings {
  log: (line: string) => void
  env: Record<string, string | undefined>
  seed: number
  clock: Clock
  slo: Slo
  thresholds: Threshold[]
  patienceOptions: PatienceOptions
  retry: RetryPolicy
  /** The chaos timeline as given (in traffic time, not yet scaled). */
  loadedTimeline: Timeline | undefined
  priceTable: PriceTable
}

/** What the run will send, where to, and (resumed) where it picks up; all checked. */
export interface RunPlan {
  spec: TargetSpec
  checkpoint: Checkpoint | undefined
  traffic: TrafficSource
  schedule: ScheduleSpec
  plannedSchedule: Schedule
  timeScale: number
  estimate: TrafficEstimate
  /** The chaos timeline on the run's time axis. */
  timeline: Timeline | undefined
  maxInFlight: number
}

const DEFAULT_SLO: Slo = { ttft_ms: 2_000, e2e_ms: 10_000 }

export async function resolveRunSettings(options: RunOptions): Promise<RunSettings> {
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
  return { log, env, seed, clock, slo: options.slo ?? DEFAULT_SLO, thresholds, patienceOptions, retry, loadedTimeline, priceTable }
}

/** Target and traffic are checked before any server starts; a bad traffic line is reported here. */
export async function planRun(options: RunOptions, settings: RunSettings): Promise<RunPlan> {
  const { seed } = settings
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
  const loadedTimeline = settings.loadedTimeline
  const timeline = loadedTimeline === undefined || chaosScale === 1 ? loadedTimeline : loadedTimeline.scale(chaosScale)
  const maxInFlight = options.maxInFlight ?? 2_000
  return { spec, checkpoint, traffic, schedule, plannedSchedule, timeScale, estimate, timeline, maxInFlight }
}
