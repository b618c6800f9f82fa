// `runDrill`: the weekend maintenance drill as a library call. A soak of preset traffic through
// the chaos proxy with a fault timeline, both compressed by the same factor so the phases line
// up; then the drill verdict (results/drill/) written beside the run as drill.json.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../core/atomic-write.js'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadTimeline, parseTimeline, type Timeline } from '../chaos/timeline.js'
import { UserError } from '../core/errors.js'
import {
  analyzeDrill,
  drillBucketsFrom,
  chooseBucketMs,
  DEFAULT_DRILL_LIMITS,
  driftStatsOf,
  driftStatsOfSummary,
  type AnalyzeDrillInput,
  type BandOptions,
  type DrillDocument,
  type DrillLimits,
  type DrillPhase,
  type DriftThresholds,
} from '../results/drill/index.js'
import type { Summary } from '../results/summary.js'
import { createTimeSeries, type TimeSeries } from '../results/accumulate/timeseries.js'
import type { Sink } from '../results/types.js'
import { finalSamples, readCheckpoint } from './resume.js'
import { run, type RunProgress } from './run.js'
import { planTraffic } from './workload/generate.js'
import { getPreset } from './workload/presets.js'

const HOUR_MS = 3_600_000

export interface DrillOptions {
  /** `adapter:model[@baseURL]` or `mock:PROFILE`. */
  target: string
  /** Workload preset (default `weekend`). */
  preset?: string
  employees?: number
  /** Compress the drill by this factor (timeline and traffic alike). Default 1. */
  timeScale?: number
  /** Hours from the preset's start at which the drill begins (default 0). */
  startHour?: number
  /**
   * true (default): a compressed drill keeps the real request rate by simulating 1/k of the
   * employees; false: every request of the window is sent, k times faster.
   */
  keepRate?: boolean
  /** Timeline file or object (default chaos/examples/drill.json). */
  timeline?: string | Timeline
  /**
   * Drill time of calm traffic after the timeline (a `steady-tail` phase), so recovery from the
   * last fault can be seen. Default: a tenth of the timeline; 0 for none.
   */
  tailMs?: number
  /** An earlier drill's (or run's) folder to measure drift against. */
  baselineDir?: string
  /** The calm reference phase (default `baseline`, else the first phase without faults). */
  baselinePhase?: string
  limits?: Partial<DrillLimits>
  band?: Partial<BandOptions>
  drift?: Partial<DriftThresholds>
  retries?: string
  patience?: string
  seed?: number
  /** Run folder (default results/runs/<time>-drill). */
  outDir?: string
  /** records.jsonl rotates past this size (as `run --records-max-mb`). */
  recordsMaxBytes?: number
  /** Continue the killed or interrupted drill recorded in this folder (as `run --resume`). */
  resume?: string
  pricesPath?: string
  priceAs?: string
  maxInFlight?: number
  /** Stop new sends before the spend would pass this (USD). */
  maxSpendUsd?: number
  /** Allow a non-loopback endpoint without asking. */
  yes?: boolean
  /** Asked before sending to a non-loopback endpoint when `yes` is not set. */
  confirm?: (message: string) => Promise<boolean>
  signal?: AbortSignal
  onProgress?: (progress: RunProgress) => void
  /** More sinks for the drill's samples (live metrics, OTLP), beside its own. */
  sinks?: Sink[]
  log?: (line: string) => void
}

export interface DrillResult {
  document: DrillDocument
  summary: Summary
  outDir: string
  interrupted: boolean
}

/** The bundled drill timeline, found from the source tree and from dist/ alike. */
export function defaultTimelinePath(): string {
  const candidates = ['../chaos/examples/drill.json', '../../chaos/examples/drill.json'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string)
}

/** Phases of a (scaled) timeline as the analysis sees them. */
export function drillPhases(timeline: Timeline): DrillPhase[] {
  return timeline.phases.map((phase) => {
    const entry: DrillPhase = {
      name: phase.name,
      fromMs: phase.fromMs,
      toMs: phase.toMs,
      faults: phase.faults.map((fault) => fault.name ?? fault.type),
      fading: phase.ramp !== undefined && phase.ramp.toxicityTo < phase.ramp.toxicityFrom,
    }
    if (phase.description !== undefined) entry.description = phase.description
    return entry
  })
}

/** The timeline with a calm `steady-tail` phase of `tailMs` appended (unchanged when 0). */
export function withTail(timeline: Timeline, tailMs: number): Timeline {
  if (tailMs <= 0) return timeline
  const names = new Set(timeline.phases.map((phase) => phase.name))
  let name = 'steady-tail'
  for (let i = 2; names.has(name); i++) name = `steady-tail-${i}`
  const phases: Record<string, unknown>[] = timeline.phases.map((phase) => {
    const raw: Record<string, unknown> = { name: phase.name, fromS: phase.fromS, toS: phase.toS, faults: phase.faults }
    if (phase.description !== undefined) raw['description'] = phase.description
    if (phase.ramp !== undefined) raw['ramp'] = phase.ramp
    return raw
  })
  const endS = timeline.durationMs / 1000
  phases.push({ name, fromS: endS, toS: endS + tailMs / 1000, description: 'no faults: calm traffic after the drill, to see the endpoint recover' })
  return parseTimeline({ phases }, timeline.source)
}

async function readJson(path: string, flag: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new UserError('FILE_NOT_FOUND', `${flag}: cannot read ${path}; point ${flag} at an earlier drill's run folder (it holds ${what})`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UserError('CONFIG_INVALID', `${flag}: ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); point ${flag} at an untouched run folder`)
  }
}

/** An earlier drill's figures for drift: its baseline phase when it has one, else the whole run. */
export async function readDrillBaseline(dir: string, phaseName: string): Promise<NonNullable<AnalyzeDrillInput['before']>> {
  const summaryPath = join(dir, 'summary.json')
  const summary = (await readJson(summaryPath, '--baseline', 'summary.json')) as Partial<Summary>
  if (typeof summary !== 'object' || summary === null || summary.latency === undefined || summary.requests === undefined || summary.errors === undefined || summary.tasks === undefined) {
    throw new UserError('CONFIG_INVALID', `--baseline: ${summaryPath} is not a run summary (fields latency, requests, errors, tasks missing); point --baseline at a run folder written by gauntlet drill or run`)
  }
  const full = summary as Summary
  let earlierPhase = phaseName
  const drillPath = join(dir, 'drill.json')
  if (existsSync(drillPath)) {
    const drill = (await readJson(drillPath, '--baseline', 'drill.json')) as Partial<DrillDocument>
    if (typeof drill.band?.baselinePhase === 'string') earlierPhase = drill.band.baselinePhase
  }
  const group = full.phases?.[earlierPhase]
  if (group !== undefined) {
    return { source: resolve(dir), runId: full.runId, stats: driftStatsOf(group), scope: `baseline phases (then '${earlierPhase}', now '${phaseName}')` }
  }
  return { source: resolve(dir), runId: full.runId, stats: driftStatsOfSummary(full), scope: `the earlier run as a whole against this drill's '${phaseName}' phase` }
}

/** The drill's own time series of every attempt, to judge buckets sized for the rate it had. */
function createRequestSeries(): { sink: Sink; series: TimeSeries; requests: () => number } {
  const series = createTimeSeries(1_000)
  let requests = 0
  return {
    series,
    requests: () => requests,
    sink: {
      name: 'drill',
      record(sample) {
        series.add(sample)
        if (sample.willRetry !== true) requests++
      },
    },
  }
}

function checkPositive(flag: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new UserError('USAGE_INVALID', `${flag} must be a number > 0 (got ${String(value)}); e.g. ${flag} 60`)
  }
}

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => {})
  const presetName = options.preset ?? 'weekend'
  const preset = getPreset(presetName)
  const timeScale = options.timeScale ?? 1
  checkPositive('--time-scale', timeScale)
  const startHour = options.startHour ?? 0
  if (!(Number.isFinite(startHour) && startHour >= 0)) {
    throw new UserError('USAGE_INVALID', `--start-hour must be hours ≥ 0 from the preset's start (got ${String(startHour)}); e.g. --start-hour 10`)
  }
  const loaded = typeof options.timeline === 'object' ? options.timeline : await loadTimeline(options.timeline ?? defaultTimelinePath())
  const tailMs = options.tailMs ?? Math.round(loaded.durationMs / 10)
  if (!(Number.isFinite(tailMs) && tailMs >= 0)) throw new UserError('USAGE_INVALID', `--tail must be a duration ≥ 0 (got ${String(tailMs)}); e.g. --tail 6m, or --tail 0 for none`)
  const timeline = withTail(loaded, tailMs)
  const timelineHours = timeline.durationMs / HOUR_MS
  if (startHour + timelineHours > preset.durationHours + 1e-9) {
    throw new UserError(
      'USAGE_INVALID',
      `--start-hour ${startHour}: the ${timelineHours.toFixed(2)} h timeline would run past the end of preset '${presetName}' (${preset.durationHours} h); use --start-hour ${Math.max(0, Math.floor(preset.durationHours - timelineHours))} or less`,
    )
  }
  const keepRate = options.keepRate ?? true
  const employees = options.employees ?? preset.population.employees
  const simulatedEmployees = keepRate && timeScale !== 1 ? Math.max(1, Math.round(employees / timeScale)) : employees
  const seed = options.seed ?? 1
  const window = `${Math.round(startHour * HOUR_MS)}ms-${Math.round(startHour * HOUR_MS + timeline.durationMs)}ms`
  const plan = planTraffic({ preset: presetName, seed, employees: simulatedEmployees, window, timeScale })
  const runSeconds = timeline.durationMs / timeScale / 1000
  const expectedRatePerSecond = plan.expectedRequests / runSeconds
  const scaled = timeline.scale(timeScale)
  // The earlier drill is read before anything starts: a wrong --baseline fails at once.
  let baseline: AnalyzeDrillInput['before']
  const phases = drillPhases(scaled)
  if (options.baselinePhase !== undefined && !phases.some((phase) => phase.name === options.baselinePhase)) {
    throw new UserError('USAGE_INVALID', `--baseline-phase '${options.baselinePhase}' is not a phase of ${timeline.source}; use one of ${phases.map((phase) => phase.name).join(', ')}`)
  }
  const baselinePhaseName = options.baselinePhase ?? phases.find((phase) => phase.name === 'baseline')?.name ?? phases.find((phase) => phase.faults.length === 0)?.name ?? 'baseline'
  if (options.baselineDir !== undefined) baseline = await readDrillBaseline(options.baselineDir, baselinePhaseName)
  log(
    `drill: ${timeline.phases.length} phases over ${(timeline.durationMs / 60_000).toFixed(1)} min` +
      (timeScale === 1 ? '' : `, played ×${timeScale} faster in ${runSeconds.toFixed(1)} s`) +
      `; preset ${presetName} from hour ${startHour}, ${simulatedEmployees.toLocaleString('en-US')} employees` +
      (simulatedEmployees === employees ? '' : ` (1/${timeScale} of ${employees.toLocaleString('en-US')}, to keep their real request rate)`) +
      `: ≈ ${expectedRatePerSecond.toFixed(2)} requests/s, ≈ ${Math.round(plan.expectedRequests)} requests`,
  )


  const limits: DrillLimits = {
    slo: options.limits?.slo ?? DEFAULT_DRILL_LIMITS.slo,
    maxErrorRate: options.limits?.maxErrorRate ?? DEFAULT_DRILL_LIMITS.maxErrorRate,
    maxAbandonRate: options.limits?.maxAbandonRate ?? DEFAULT_DRILL_LIMITS.maxAbandonRate,
  }
  const sampler = createRequestSeries()
  const runOptions: Parameters<typeof run>[0] = {
    name: 'drill',
    traffic: { type: 'preset', preset: presetName, employees: simulatedEmployees, timeScale, window },
    target: options.target,
    // Already compressed: the run must not compress it again with the traffic.
    chaos: scaled,
    chaosTimeScale: 1,
    slo: limits.slo,
    seed,
    sinks: [sampler.sink, ...(options.sinks ?? [])],
  }
  if (options.retries !== undefined) runOptions.retries = options.retries
  if (options.patience !== undefined) runOptions.patience = options.patience
  if (options.outDir !== undefined) runOptions.outDir = options.outDir
  if (options.resume !== undefined) {
    // The drill's own buckets count the requests recorded before the stop too.
    runOptions.resume = options.resume
    for (const sample of finalSamples(await readCheckpoint(options.resume)).samples) sampler.sink.record(sample)
  }
  if (options.pricesPath !== undefined) runOptions.pricesPath = options.pricesPath
  if (options.recordsMaxBytes !== undefined) runOptions.recordsMaxBytes = options.recordsMaxBytes
  if (options.priceAs !== undefined) runOptions.priceAs = options.priceAs
  if (options.maxInFlight !== undefined) runOptions.maxInFlight = options.maxInFlight
  if (options.maxSpendUsd !== undefined) runOptions.maxSpendUsd = options.maxSpendUsd
  if (options.yes !== undefined) runOptions.yes = options.yes
  if (options.confirm !== undefined) runOptions.confirm = options.confirm
  if (options.signal !== undefined) runOptions.signal = options.signal
  if (options.onProgress !== undefined) runOptions.onProgress = options.onProgress
  runOptions.log = log
  const result = await run(runOptions)
  const { summary } = result
  const outDir = result.outDir as string

  // Buckets wide enough to hold a few requests each at the rate the drill actually had.
  const bucketMs = chooseBucketMs(sampler.requests() / (scaled.durationMs / 1000), summary.timeseries.bucketMs, 8, sampler.series.bucketMs())
  const buckets = { bucketMs, rows: drillBucketsFrom(sampler.series, bucketMs, scaled.durationMs) }
  const wastedByPhase = Object.fromEntries(Object.entries(summary.phases).map(([phase, group]) => [phase, group.wasted_usd]))
  const input: AnalyzeDrillInput = { summary, phases, limits, timeScale, wastedByPhase, buckets }
  if (options.baselinePhase !== undefined) input.baselinePhase = options.baselinePhase
  if (options.band !== undefined) input.band = options.band
  if (options.drift !== undefined) input.driftThresholds = options.drift
  if (baseline !== undefined) input.before = baseline
  const report = analyzeDrill(input)
  // A resumed drill says so first: its figures cover both parts, its time axis leaves the gap out.
  const resumedNote = options.resume === undefined ? undefined : summary.notes.find((note) => note.startsWith('resumed from '))
  if (resumedNote !== undefined) report.notes.unshift(resumedNote)
  const document: DrillDocument = {
    kind: 'drill',
    ...report,
    run: {
      runId: summary.runId,
      startedAt: summary.startedAt,
      durationMs: summary.durationMs,
      partial: summary.partial,
      target: summary.target,
      outDir,
      preset: presetName,
      employees,
      simulatedEmployees,
      startHour,
      keepRate,
      expectedRatePerSecond: Math.round(expectedRatePerSecond * 1000) / 1000,
      timeline: { source: timeline.source, durationMs: timeline.durationMs, phases, tailMs },
      retries: options.retries ?? 'off',
      baselineDir: options.baselineDir === undefined ? null : resolve(options.baselineDir),
      resumedFrom: options.resume === undefined ? null : resolve(options.resume),
    },
  }
  await writeFileAtomic(join(outDir, 'drill.json'), `${JSON.stringify(document, null, 2)}\n`)
  return { document, summary, outDir, interrupted: result.interrupted }
}
