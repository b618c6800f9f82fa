// `gauntlet compare`: the same traffic against two or more targets -> a side-by-side report
// (terminal, compare.json, compare.html) naming a winner or a tie per row; exit 99 when any
// target fails a threshold.
import type { Command } from 'commander'
import { compareTargets, resolveCompareTargets, type CompareMode, type CompareOptions } from '../../load/compare.js'
import type { RunProgress } from '../../load/run.js'
import { UserError } from '../../core/errors.js'
import type { WorkforceAssumption } from '../../results/compare/index.js'
import { renderCompareTerminal } from '../../results/reports/compare-terminal.js'
import { formatDuration, formatMsValue, formatNumber } from '../../results/reports/format.js'
import { writeJunit } from '../../results/reports/junit.js'
import { collect, confirmOnTty, createCliRunChrome, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLDS_FAILED, type SetExitCode } from '../exit-codes.js'
import { buildRunOptions } from '../run-options.js'

export interface CommandOutput {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

const processOutput: CommandOutput = { stdout: process.stdout, stderr: process.stderr }

export interface CompareFlags {
  traffic?: string
  preset?: string
  shape?: string
  employees?: string
  timeScale?: string
  window?: string
  maxRequests?: string
  target?: string[]
  mode?: string
  out?: string
  threshold?: string[]
  slo?: string
  patience?: string
  retries?: string
  maxSpend?: string
  maxInFlight?: string
  yes?: boolean
  junit?: string
  seed?: string
  prices?: string
  stream: boolean
  headersTimeout?: string
  bodyTimeout?: string
  requestTimeout?: string
  employeesForecast?: string
  adoption?: string
  queriesPerDay?: string
  workingDays?: string
  resamples?: string
  report: boolean
  quiet?: boolean
}

export function register(program: Command, setExitCode: SetExitCode, output: CommandOutput = processOutput): void {
  program
    .command('compare')
    .description('Vendor bake-off: replay the same traffic against several targets and compare cost, latency, errors and abandonment side by side')
    .option('--traffic <file>', 'traffic file (JSONL) to replay against every target')
    .option('--preset <name>', 'generate the traffic on the fly: peak-hour, workday, weekend')
    .option('--shape <spec>', "fixed-shape traffic for every target: 'rate=50,input=512,output=128,duration=60s'")
    .option('--employees <n>', 'with --preset: workforce size of the generated traffic')
    .option('--time-scale <k>', 'compress time by k (60: an hour in a minute)')
    .option('--window <hours>', 'with --preset: hours to keep, e.g. 9-10')
    .option('--max-requests <n>', 'stop the traffic after n requests')
    .option('--target <spec>', 'a target, repeat for each: adapter:model[@baseURL], mock:PROFILE, or NAME=spec to label it', collect)
    .option('--mode <mode>', 'concurrent (default: every target gets each request at the same moment) or sequential (one after another)')
    .option('--out <dir>', 'comparison folder (default results/runs/<time>-compare)')
    .option('--threshold <expr>', "pass/fail rule for every target, repeatable: 'ttft_ms.p95<2000'", collect)
    .option('--slo <list>', 'SLOs for goodput: ttft_ms=2000,e2e_ms=10000')
    .option('--patience <spec>', "simulated users: 'ttft=4s,e2e=10s,sigma=0.5,quit=3/5' or 'off'")
    .option('--retries <policy>', 'off (default), sdk, or a number')
    .option('--max-spend <usd>', 'hard spend cap per target (the total can reach targets × cap)')
    .option('--max-in-flight <n>', 'per target: drop requests past this many in flight (default 2000)')
    .option('--yes', 'allow non-loopback endpoints without asking')
    .option('--junit <file>', 'write JUnit XML for CI: one suite per target')
    .option('--seed <n>', 'seed for generation, patience, jitter and the bootstrap (default 1)')
    .option('--prices <file>', 'your own price table (JSON), merged over the built-in one')
    .option('--no-stream', 'send non-streaming requests')
    .option('--headers-timeout <ms>', 'give up waiting for response headers after this (default 60000)')
    .option('--body-timeout <ms>', 'give up when a stream is idle this long (default 60000)')
    .option('--request-timeout <time>', "total limit per attempt from its send, e.g. 2m, or 'off' (default 10m)")
    .option('--employees-forecast <n>', 'monthly projection: employees (default 10000)')
    .option('--adoption <share>', 'monthly projection: share of employees using the tool, 0–1 (default 0.75)')
    .option('--queries-per-day <n>', 'monthly projection: queries per active user per working day (default 30)')
    .option('--working-days <n>', 'monthly projection: working days a month (default 21)')
    .option('--resamples <n>', 'bootstrap resamples per row (default 2000)')
    .option('--no-report', 'do not write compare.html and the targets’ report.html')
    .option('--quiet', 'no live progress')
    .action(async (flags: CompareFlags) => {
      const options = buildCompareOptions(flags)
      const latest = new Map<string, RunProgress>()
      const chrome = createCliRunChrome(
        () => renderCompareProgress(latest),
        'interrupted: stopping sends on every target, writing partial summaries',
        output.stderr,
      )
      if (flags.quiet !== true) {
        options.onProgress = (label, progress) => {
          latest.set(label, progress)
          chrome.progress()
        }
      }
      options.log = chrome.log
      options.signal = chrome.signal
      options.confirm = confirmOnTty
      try {
        const result = await compareTargets(options)
        chrome.done()
        if (flags.junit !== undefined) {
          await writeJunit(
            flags.junit,
            result.targets.map((target) => ({ name: target.label, summary: target.result.summary })),
          )
        }
        output.stdout.write(`${renderCompareTerminal(result.comparison, { outDir: result.outDir })}\n`)
        setExitCode(result.interrupted ? EXIT_INTERRUPTED : result.thresholdsPassed ? EXIT_OK : EXIT_THRESHOLDS_FAILED)
      } finally {
        chrome.dispose()
      }
    })
}

/** Flags -> compare options; every bad flag is a one-line UserError naming it. */
export function buildCompareOptions(flags: CompareFlags): CompareOptions {
  const texts = flags.target ?? []
  // Checked first, so a missing or duplicate target is reported before anything else.
  resolveCompareTargets(texts)
  let mode: CompareMode = 'concurrent'
  if (flags.mode !== undefined) {
    if (flags.mode !== 'concurrent' && flags.mode !== 'sequential') {
      throw new UserError('USAGE_INVALID', `--mode '${flags.mode}' must be concurrent or sequential; e.g. --mode sequential`)
    }
    mode = flags.mode
  }
  const runFlags: Parameters<typeof buildRunOptions>[0] = { target: texts[0] as string, stream: flags.stream, report: flags.report }
  for (const key of [
    'traffic',
    'preset',
    'shape',
    'employees',
    'timeScale',
    'window',
    'maxRequests',
    'threshold',
    'slo',
    'patience',
    'retries',
    'maxSpend',
    'maxInFlight',
    'yes',
    'seed',
    'prices',
    'headersTimeout',
    'bodyTimeout',
    'requestTimeout',
  ] as const) {
    if (flags[key] !== undefined) (runFlags as unknown as Record<string, unknown>)[key] = flags[key]
  }
  // The run options every target shares; target, folder and callbacks are set per target.
  const { target: _target, outDir: _outDir, name: _name, onProgress: _onProgress, log: _log, confirm: _confirm, adapter: _adapter, sinks: _sinks, ...shared } = buildRunOptions(runFlags)
  const options: CompareOptions = { ...shared, targets: texts, mode, reports: flags.report }
  if (flags.out !== undefined) options.outDir = flags.out
  const workforce: Partial<WorkforceAssumption> = {}
  if (flags.employeesForecast !== undefined) workforce.employees = parseNumberFlag('--employees-forecast', flags.employeesForecast, { integer: true, min: 1 })
  if (flags.adoption !== undefined) workforce.adoption = parseNumberFlag('--adoption', flags.adoption, { min: 0, max: 1 })
  if (flags.queriesPerDay !== undefined) workforce.queriesPerDay = parseNumberFlag('--queries-per-day', flags.queriesPerDay, { min: 0 })
  if (flags.workingDays !== undefined) workforce.workingDaysPerMonth = parseNumberFlag('--working-days', flags.workingDays, { min: 0, max: 31 })
  if (Object.keys(workforce).length > 0) options.workforce = workforce
  if (flags.resamples !== undefined) options.resamples = parseNumberFlag('--resamples', flags.resamples, { integer: true, min: 100, max: 100_000 })
  return options
}

/** One line for all targets: `12.0 s  A: 40 ok, TTFT p95 120 ms, 0 errors │ B: …`. */
export function renderCompareProgress(latest: ReadonlyMap<string, RunProgress>): string {
  let elapsedMs = 0
  const parts: string[] = []
  for (const [label, p] of latest) {
    elapsedMs = Math.max(elapsedMs, p.elapsedMs)
    parts.push(
      `${label}: ${formatNumber(p.completed)} ok/${formatNumber(p.sent)} sent, TTFT p95 ${p.ttftP95Ms === null ? '–' : `${formatMsValue(p.ttftP95Ms)} ms`}, ${formatNumber(p.errors)} errors, ${formatNumber(p.abandoned)} abandoned`,
    )
  }
  return `${formatDuration(elapsedMs)}  ${parts.join(' │ ')}`
}
