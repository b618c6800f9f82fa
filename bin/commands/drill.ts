// `gauntlet drill`: the weekend maintenance drill — a soak with a fault timeline, judged phase by
// phase, with time to detect and recover and drift against the last drill. Exit 99 on FAIL.
import type { Command } from 'commander'
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'
import { runDrill, type DrillOptions } from '../../load/drill.js'
import { describeCheck, type DrillDocument, type DriftThresholds } from '../../results/drill/index.js'
import { writeDrillHtml } from '../../results/reports/drill-html.js'
import { renderDrillTerminal } from '../../results/reports/drill-terminal.js'
import { writeHtmlReport } from '../../results/reports/html.js'
import { writeJunit, type JunitCase } from '../../results/reports/junit.js'
import { confirmOnTty, createLiveRunChrome, parseNumberFlag } from '../cli-helpers.js'
import { addLiveOutputOptions, prepareLiveOutputs, type LiveOutputFlags, type LiveOutputs } from '../live-outputs.js'
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLDS_FAILED, type SetExitCode } from '../exit-codes.js'
import { parseRecordsMaxMb, parseSlo } from '../run-options.js'

interface DrillFlags {
  resume?: string
  preset?: string
  employees?: string
  timeScale?: string
  startHour?: string
  allRequests?: boolean
  timeline?: string
  tail?: string
  target?: string
  mock?: string
  baseline?: string
  baselinePhase?: string
  slo?: string
  maxErrorRate?: string
  maxAbandonRate?: string
  band?: string
  drift?: string
  retries?: string
  patience?: string
  seed?: string
  out?: string
  recordsMaxMb?: string
  junit?: string
  prices?: string
  priceAs?: string
  yes?: boolean
  maxSpend?: string
  report: boolean
  quiet?: boolean
}

const DRIFT_KEYS: Record<string, keyof DriftThresholds> = {
  latency: 'latencyP95',
  tokens: 'outputTokensPerRequest',
  spend: 'spendPerRequest',
  errors: 'errorRate',
  min: 'minRequests',
}

export function parseDriftFlag(text: string): Partial<DriftThresholds> {
  const thresholds: Partial<DriftThresholds> = {}
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [key, value] = part.split('=')
    const field = key === undefined ? undefined : DRIFT_KEYS[key]
    if (field === undefined || value === undefined) {
      throw new UserError('USAGE_INVALID', `--drift '${part}' is not one of latency=R, tokens=R, spend=R, errors=R, min=N; e.g. --drift latency=0.2,errors=0.01`)
    }
    thresholds[field] = parseNumberFlag(`--drift ${key}`, value, field === 'minRequests' ? { min: 1, integer: true } : { min: 0 })
  }
  return thresholds
}

export function buildDrillOptions(flags: DrillFlags): DrillOptions {
  if (flags.target !== undefined && flags.mock !== undefined) {
    throw new UserError('USAGE_INVALID', '--target and --mock both given; use one (--mock P is short for --target mock:P)')
  }
  const options: DrillOptions = { target: flags.target ?? `mock:${flags.mock ?? 'typical-cloud'}` }
  if (flags.preset !== undefined) options.preset = flags.preset
  if (flags.employees !== undefined) options.employees = parseNumberFlag('--employees', flags.employees, { integer: true, min: 1 })
  if (flags.timeScale !== undefined) options.timeScale = parseNumberFlag('--time-scale', flags.timeScale, { min: 0.001 })
  if (flags.startHour !== undefined) options.startHour = parseNumberFlag('--start-hour', flags.startHour, { min: 0 })
  if (flags.allRequests === true) options.keepRate = false
  if (flags.timeline !== undefined) options.timeline = flags.timeline
  if (flags.tail !== undefined) {
    const tailMs = flags.tail === '0' ? 0 : parseDurationMs(flags.tail)
    if (tailMs === undefined) throw new UserError('USAGE_INVALID', `--tail '${flags.tail}' is not a duration; e.g. --tail 6m (drill time), or --tail 0 for none`)
    options.tailMs = tailMs
  }
  if (flags.baseline !== undefined) options.baselineDir = flags.baseline
  if (flags.baselinePhase !== undefined) options.baselinePhase = flags.baselinePhase
  const limits: DrillOptions['limits'] = {}
  if (flags.slo !== undefined) limits.slo = parseSlo(flags.slo)
  if (flags.maxErrorRate !== undefined) limits.maxErrorRate = parseNumberFlag('--max-error-rate', flags.maxErrorRate, { min: 0, max: 1 })
  if (flags.maxAbandonRate !== undefined) limits.maxAbandonRate = parseNumberFlag('--max-abandon-rate', flags.maxAbandonRate, { min: 0, max: 1 })
  options.limits = limits
  if (flags.band !== undefined) options.band = { latencyFactor: parseNumberFlag('--band', flags.band, { min: 1 }) }
  if (flags.drift !== undefined) options.drift = parseDriftFlag(flags.drift)
  if (flags.retries !== undefined) options.retries = flags.retries
  if (flags.patience !== undefined) options.patience = flags.patience
  if (flags.seed !== undefined) options.seed = parseNumberFlag('--seed', flags.seed, { integer: true, min: 0 })
  if (flags.out !== undefined) options.outDir = flags.out
  if (flags.recordsMaxMb !== undefined) options.recordsMaxBytes = parseRecordsMaxMb(flags.recordsMaxMb)
  if (flags.resume !== undefined) options.resume = flags.resume
  if (flags.prices !== undefined) options.pricesPath = flags.prices
  if (flags.priceAs !== undefined) options.priceAs = flags.priceAs
  if (flags.yes === true) options.yes = true
  if (flags.maxSpend !== undefined) options.maxSpendUsd = parseNumberFlag('--max-spend', flags.maxSpend, { min: 0 })
  return options
}

/** Each phase verdict, each recovery and each drift figure as a JUnit test case. */
export function drillJunitCases(document: DrillDocument): JunitCase[] {
  const cases: JunitCase[] = []
  for (const phase of document.phases) {
    const entry: JunitCase = { name: `phase ${phase.name}: SLOs`, pass: phase.pass }
    if (!phase.pass) entry.message = phase.noData ? 'no request was due in this phase' : phase.checks.filter((check) => !check.pass).map(describeCheck).join('; ')
    cases.push(entry)
  }
  for (const incident of document.incidents) {
    if (incident.recovery === 'not-measurable') continue
    const entry: JunitCase = { name: `recovered after ${incident.phase}`, pass: incident.recovery === 'recovered' }
    if (!entry.pass) entry.message = incident.note ?? 'not back inside the baseline band'
    cases.push(entry)
  }
  for (const row of document.drift?.rows ?? []) {
    if (row.status === 'insufficient') continue
    const entry: JunitCase = { name: `drift ${row.metric}`, pass: row.status === 'ok' }
    if (!entry.pass) entry.message = `changed ${row.change === null ? '?' : `${(row.change * 100).toFixed(1)} ${row.kind === 'absolute' ? 'pp' : '%'}`}, limit ${(row.threshold * 100).toFixed(1)}`
    cases.push(entry)
  }
  cases.push({ name: 'drill verdict', pass: document.verdict.status !== 'FAIL', message: document.verdict.sentence })
  return cases
}

export function register(program: Command, setExitCode: SetExitCode): void {
  const command = program
    .command('drill')
    .description('Weekend maintenance drill: a soak with a fault timeline, per-phase SLO verdicts, time to detect and recover, drift')
    .option('--preset <name>', 'workload preset (default weekend)')
    .option('--employees <n>', 'workforce size (default: the preset’s 10000)')
    .option('--time-scale <k>', 'play the drill k times faster: timeline and traffic alike (default 1)')
    .option('--start-hour <h>', 'hours from the preset’s start (Saturday 00:00 UTC for weekend) the drill begins at (default 0)')
    .option('--all-requests', 'with --time-scale: send every request of the window k times faster (default: keep the real rate by simulating 1/k of the employees)')
    .option('--timeline <file>', 'fault timeline JSON (default chaos/examples/drill.json)')
    .option('--tail <time>', 'calm traffic after the timeline to see recovery, in drill time, e.g. 6m (default: a tenth of the timeline; 0 for none)')
    .option('--target <spec>', 'adapter:model[@baseURL], e.g. openai:gpt-4o-mini')
    .option('--mock <profile>', 'the embedded mock endpoint (default typical-cloud)')
    .option('--baseline <dir>', 'an earlier drill’s run folder: report drift against it')
    .option('--baseline-phase <name>', 'the calm reference phase (default baseline)')
    .option('--slo <list>', 'per-phase SLOs on p95: ttft_ms=2000,e2e_ms=10000 (default)')
    .option('--max-error-rate <r>', 'per-phase limit on the error rate, 0..1 (default 0.01)')
    .option('--max-abandon-rate <r>', 'per-phase limit on the abandon rate, 0..1 (default 0.05)')
    .option('--band <factor>', 'baseline band: p95 latency up to factor × the baseline’s (default 1.5)')
    .option('--drift <list>', 'drift limits: latency=0.2,tokens=0.2,spend=0.2 (relative), errors=0.01 (absolute), min=20 requests')
    .option('--retries <policy>', 'off (default), sdk (2 retries like the official SDKs), or a number')
    .option('--patience <spec>', "simulated users: 'ttft=4s,e2e=10s,sigma=0.5,quit=3/5' or 'off'")
    .option('--seed <n>', 'seed for traffic, patience and faults (default 1)')
    .option('--out <dir>', 'run folder (default results/runs/<time>-drill)')
    .option('--records-max-mb <n>', 'past this size records.jsonl is gzipped as records-000N.jsonl.gz and a new one begins (default 256; 0: never)')
    .option('--resume <dir>', 'continue the killed or interrupted drill in DIR: give the same flags as the first time')
    .option('--junit <file>', 'write each phase verdict as a JUnit test case')
    .option('--prices <file>', 'your own price table (JSON)')
    .option('--price-as <model>', 'price the run as this model')
    .option('--yes', 'allow a non-loopback endpoint without asking')
    .option('--max-spend <usd>', 'hard spend cap: stop new sends before it would be passed')
    .option('--no-report', 'do not write drill.html and report.html')
    .option('--quiet', 'no live progress')
  addLiveOutputOptions(command).action(async (flags: DrillFlags & LiveOutputFlags) => {
      const options = buildDrillOptions(flags)
      const liveOutputs = prepareLiveOutputs(flags)
      const { chrome, onProgress } = createLiveRunChrome('interrupted: stopping the drill and writing a partial report', flags.quiet === true)
      if (onProgress !== undefined) options.onProgress = onProgress
      options.log = chrome.log
      options.signal = chrome.signal
      options.confirm = confirmOnTty
      let outputs: LiveOutputs | undefined
      let finished = false
      try {
        outputs = await liveOutputs.start(options, chrome.log)
        const result = await runDrill(options)
        chrome.done()
        if (flags.report) {
          await writeHtmlReport(result.summary, result.outDir)
          await writeDrillHtml(result.document, result.summary, result.outDir)
        }
        if (flags.junit !== undefined) await writeJunit(flags.junit, [{ name: 'drill', summary: result.summary, cases: drillJunitCases(result.document) }])
        process.stdout.write(`${renderDrillTerminal(result.document)}\n`)
        setExitCode(result.interrupted ? EXIT_INTERRUPTED : result.document.verdict.status === 'FAIL' ? EXIT_THRESHOLDS_FAILED : EXIT_OK)
        finished = true
      } finally {
        await outputs?.close(finished, chrome.signal)
        chrome.dispose()
      }
    })
}
