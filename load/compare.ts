// `compare`: the vendor bake-off as a library call. Replays the same traffic against every
// target — by default all at once, each request sent to every target at the same scheduled
// moment — then compares them row by row and writes one folder:
//
//   OUT/compare.json, OUT/compare.html
//   OUT/targets/<slug>/  records.jsonl, histograms.json, summary.json, report.html   (one per target)
//
// Concurrent mode multiplies the client's load by the number of targets; when the client's own
// schedule lag (p99) passes 50 ms it looks saturated and the comparison says so. Sequential mode
// runs the targets one after another: no extra client load, but each meets its endpoint at a
// different time of day. A spend cap (`maxSpendUsd`) applies to each target on its own.
import { mkdir } from 'node:fs/promises'
import { writeFileAtomic } from '../core/atomic-write.js'
import { join, resolve } from 'node:path'
import { defaultBaseUrl } from '../adapters/registry.js'
import { isLoopbackUrl, parseTarget } from '../adapters/target.js'
import { UserError } from '../core/errors.js'
import { buildComparison, createCompareCollector, type CompareCollector, type Comparison, type ComparisonOptions, type WorkforceAssumption } from '../results/compare/index.js'
import { writeCompareHtml } from '../results/reports/compare-html.js'
import { writeHtmlReport } from '../results/reports/html.js'
import type { Sink } from '../results/types.js'
import { run, type RunOptions, type RunProgress, type RunResult } from './run.js'
import { openTraffic } from './traffic-source.js'
import { fileStamp } from '../core/format.js'

export type CompareMode = 'concurrent' | 'sequential'

/** Schedule lag p99 above this means the client, not the endpoint, is late. */
export const SATURATION_LAG_MS = 50

export interface CompareOptions
  extends Omit<RunOptions, 'target' | 'outDir' | 'name' | 'adapter' | 'onProgress' | 'confirm' | 'log' | 'sinks'> {
  /** Two or more targets: `adapter:model[@baseURL]`, `mock:PROFILE`, or `NAME=spec` to label one. */
  targets: string[]
  /** `concurrent` (default): all targets at once, same scheduled times. `sequential`: one after another. */
  mode?: CompareMode
  /** Comparison folder (default results/runs/<time>-compare). null: write nothing. */
  outDir?: string | null
  /** Workforce for the monthly projection (default 10,000 × 75 % × 30 a day × 21 days). */
  workforce?: Partial<WorkforceAssumption>
  /** Bootstrap resamples per row (default 2,000). */
  resamples?: number
  /** Write each target's report.html and compare.html (default true). */
  reports?: boolean
  /** Asked once, before any request, when a target is not a loopback endpoint and `yes` is not set. */
  confirm?: (message: string) => Promise<boolean>
  log?: (line: string) => void
  onProgress?: (label: string, progress: RunProgress) => void
  /** Your own sinks for one target's run (started and stopped with it); its samples carry `target`. */
  sinksFor?: (label: string) => Sink[]
}

export interface CompareTargetResult {
  label: string
  /** Folder name under OUT/targets/. */
  slug: string
  result: RunResult
}

export interface CompareResult {
  comparison: Comparison
  targets: CompareTargetResult[]
  outDir: string | null
  /** Every target passed every threshold. */
  thresholdsPassed: boolean
  interrupted: boolean
}

export interface CompareTargetSpec {
  label: string
  /** The target spec without its label. */
  target: string
}

/**
 * `NAME=spec` or `spec`. A target spec always starts with `adapter:`, so text before the first
 * `=` that holds no `:` is a label (`=` may appear later, in a URL's query).
 */
export function parseCompareTarget(text: string, env?: Record<string, string | undefined>): CompareTargetSpec {
  const trimmed = text.trim()
  const equals = trimmed.indexOf('=')
  const colon = trimmed.indexOf(':')
  let label: string | undefined
  let target = trimmed
  if (equals > 0 && (colon < 0 || equals < colon)) {
    label = trimmed.slice(0, equals).trim()
    target = trimmed.slice(equals + 1).trim()
    if (label === '') {
      throw new UserError('USAGE_INVALID', `--target '${text}': the label before '=' is empty; write NAME=adapter:model, e.g. --target fast=mock:fast`)
    }
  }
  const spec = parseTarget(target, env === undefined ? {} : { env })
  return { label: label ?? spec.label, target }
}

function slugOf(label: string): string {
  const slug = label
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 60)
  return slug === '' ? 'target' : slug
}

/** Parses and checks every target before anything runs: at least two, labels unique. */
export function resolveCompareTargets(texts: readonly string[], env?: Record<string, string | undefined>): (CompareTargetSpec & { slug: string })[] {
  if (texts.length < 2) {
    throw new UserError(
      'USAGE_INVALID',
      `--target given ${texts.length === 0 ? 'no times' : 'once'}: compare needs at least two targets; e.g. --target mock:fast --target mock:overloaded`,
    )
  }
  const labels = new Map<string, string>()
  const slugs = new Set<string>()
  return texts.map((text) => {
    const parsed = parseCompareTarget(text, env)
    const earlier = labels.get(parsed.label)
    if (earlier !== undefined) {
      throw new UserError(
        'USAGE_INVALID',
        `--target '${text}': label '${parsed.label}' is already used by --target '${earlier}'; give each target its own label, e.g. --target a=${parsed.target} --target b=${parsed.target}`,
      )
    }
    labels.set(parsed.label, text)
    let slug = slugOf(parsed.label)
    for (let n = 2; slugs.has(slug); n++) slug = `${slugOf(parsed.label)}-${n}`
    slugs.add(slug)
    return { ...parsed, slug }
  })
}

/** A sink whose start() waits until every run has reached its start, so all clocks start together. */
function createStartBarrier(parties: number): { sink(): Sink; release(): void } {
  let arrived = 0
  let release: () => void = () => {}
  const ready = new Promise<void>((resolvePromise) => {
    release = resolvePromise
  })
  return {
    sink: () => ({
      name: 'start-together',
      async start() {
        arrived++
        if (arrived >= parties) release()
        await ready
      },
      record() {},
    }),
    release: () => release(),
  }
}

export async function compareTargets(options: CompareOptions): Promise<CompareResult> {
  const { targets: targetTexts, mode = 'concurrent', outDir: outOption, workforce, resamples, reports = true, confirm, log = () => {}, onProgress, sinksFor, signal, ...shared } = options
  if (mode !== 'concurrent' && mode !== 'sequential') {
    throw new UserError('USAGE_INVALID', `--mode '${String(mode)}' must be concurrent or sequential; e.g. --mode sequential`)
  }
  const env = shared.env ?? process.env
  const seed = shared.seed ?? 1
  const targets = resolveCompareTargets(targetTexts, env)

  // One question for every paid endpoint, before any request goes out.
  let yes = shared.yes === true
  if (!yes) {
    const remote = targets.filter((entry) => {
      const spec = parseTarget(entry.target, { env })
      if (spec.kind === 'mock') return false
      const base = spec.baseUrl ?? defaultBaseUrl(spec.adapter, env)
      return base === undefined || !isLoopbackUrl(base)
    })
    if (remote.length > 0) {
      const estimate = await (await openTraffic(shared.traffic, seed)).estimate()
      const question = `This sends ${estimate.requests} requests to each of ${remote.map((entry) => entry.label).join(', ')}${shared.maxSpendUsd === undefined ? '' : ` (spend cap $${shared.maxSpendUsd} per target)`}. Continue?`
      const ok = confirm === undefined ? false : await confirm(question)
      if (!ok) {
        throw new UserError(
          'SPEND_NOT_CONFIRMED',
          `--target ${remote.map((entry) => entry.label).join(', ')}: not a loopback endpoint and the comparison was not confirmed; pass --yes (and consider --max-spend USD, which applies per target) to send real traffic`,
        )
      }
      yes = true
    }
  }

  const createdAt = new Date(shared.clock?.wallNow() ?? Date.now())
  const outDir = outOption === null ? null : resolve(outOption ?? join('results', 'runs', `${fileStamp(createdAt)}-compare`))
  if (outDir !== null) await mkdir(outDir, { recursive: true })
  const cap = shared.maxSpendUsd === undefined ? '' : `; the spend cap of $${shared.maxSpendUsd} applies to each target (up to $${(shared.maxSpendUsd * targets.length).toFixed(2)} in all)`
  log(
    mode === 'concurrent'
      ? `comparing ${targets.length} targets concurrently: each request goes to every target at the same scheduled moment, so this client sends ${targets.length}× the traffic's load${cap}`
      : `comparing ${targets.length} targets one after another (time of day differs between them)${cap}`,
  )

  const controllers = targets.map(() => new AbortController())
  const abortAll = (): void => {
    for (const controller of controllers) controller.abort()
  }
  signal?.addEventListener('abort', abortAll, { once: true })
  if (signal?.aborted === true) abortAll()
  const barrier = mode === 'concurrent' ? createStartBarrier(targets.length) : undefined
  const collectors = targets.map(() => createCompareCollector())
  const runOne = (index: number): Promise<RunResult> => {
    const entry = targets[index] as (typeof targets)[number]
    // First, so every later sink (records.jsonl included) sees which target a sample belongs to.
    const label: Sink = { name: 'target-label', record: (sample) => void (sample.target = entry.label) }
    const sinks: Sink[] = [label, ...(sinksFor?.(entry.label) ?? []), collectors[index] as Sink]
    if (barrier !== undefined) sinks.push(barrier.sink())
    const runOptions: RunOptions = {
      ...shared,
      name: entry.label,
      target: entry.target,
      outDir: outDir === null ? null : join(outDir, 'targets', entry.slug),
      sinks,
      seed,
      env,
      yes,
      signal: (controllers[index] as AbortController).signal,
      log: (line) => log(`[${entry.label}] ${line}`),
    }
    if (onProgress !== undefined) runOptions.onProgress = (progress) => onProgress(entry.label, progress)
    return run(runOptions)
  }

  const results: RunResult[] = []
  try {
    if (mode === 'concurrent') {
      let failure: { error: unknown } | undefined
      const settled = await Promise.allSettled(
        targets.map((_, index) =>
          runOne(index).catch((error: unknown) => {
            // One target failed to start (or crashed): stop the others rather than leave them at the barrier.
            failure ??= { error }
            abortAll()
            barrier?.release()
            throw error
          }),
        ),
      )
      if (failure !== undefined) throw failure.error
      for (const outcome of settled) if (outcome.status === 'fulfilled') results.push(outcome.value)
    } else {
      for (let index = 0; index < targets.length; index++) results.push(await runOne(index))
    }
  } finally {
    signal?.removeEventListener('abort', abortAll)
  }

  const finished = results.map((result, index) => ({ ...(targets[index] as (typeof targets)[number]), result, collector: collectors[index] as CompareCollector }))
  const warnings: string[] = []
  for (const { label, result } of finished) {
    const lag = result.summary.latency.schedule_lag_ms.p99
    if (lag !== null && lag > SATURATION_LAG_MS) {
      warnings.push(
        mode === 'concurrent'
          ? `the client looks saturated: schedule lag p99 was ${lag.toFixed(1)} ms for ${label} (over ${SATURATION_LAG_MS} ms), so requests went out late and latency from the scheduled time is inflated; use --mode sequential, fewer targets, a smaller --time-scale, or a bigger machine`
          : `the client fell behind its schedule for ${label}: schedule lag p99 ${lag.toFixed(1)} ms (over ${SATURATION_LAG_MS} ms); latency from the scheduled time is inflated`,
      )
    }
  }
  const comparisonOptions: ComparisonOptions = { seed, mode, createdAt: createdAt.toISOString(), warnings }
  if (workforce !== undefined) comparisonOptions.workforce = workforce
  if (resamples !== undefined) comparisonOptions.resamples = resamples
  const comparison = buildComparison(
    finished.map(({ label, slug, result, collector }) => ({ label, summary: result.summary, data: collector.data(), folder: outDir === null ? null : `targets/${slug}` })),
    comparisonOptions,
  )
  for (const warning of warnings) log(`warning: ${warning}`)

  if (outDir !== null) {
    if (reports) {
      for (const result of results) if (result.outDir !== null) await writeHtmlReport(result.summary, result.outDir)
    }
    await writeFileAtomic(join(outDir, 'compare.json'), `${JSON.stringify(comparison, null, 2)}\n`)
    if (reports) await writeCompareHtml(comparison, outDir)
  }
  return {
    comparison,
    targets: finished.map(({ label, slug, result }) => ({ label, slug, result })),
    outDir,
    thresholdsPassed: results.every((result) => result.thresholdsPassed),
    interrupted: results.some((result) => result.interrupted),
  }
}
