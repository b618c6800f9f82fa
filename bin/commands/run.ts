// `gauntlet run`: traffic x target -> run folder, terminal summary, exit code from thresholds.
import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { loadConfig, type GauntletConfig } from '../../load/config.js'
import { parseDurationMs } from '../../core/duration.js'
import { run, type RunOptions } from '../../load/run.js'
import { parseSegment } from '../../load/traffic.js'
import type { TrafficSourceOptions } from '../../load/traffic-source.js'
import { writeHtmlReport } from '../../results/reports/html.js'
import { writeJunit } from '../../results/reports/junit.js'
import { renderProgressLine, renderTerminalSummary } from '../../results/reports/terminal.js'
import type { Slo } from '../../results/summary.js'
import { collect, confirmOnTty, createCliRunChrome, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_THRESHOLDS_FAILED } from '../exit-codes.js'
import type { SetExitCode } from './index.js'

interface RunFlags {
  config?: string
  traffic?: string
  preset?: string
  employees?: string
  timeScale?: string
  window?: string
  maxRequests?: string
  maxOutputTokens?: string
  target?: string
  mock?: string
  threshold?: string[]
  slo?: string
  out?: string
  maxSpend?: string
  retries?: string
  patience?: string
  segment?: string
  chaos?: string
  users?: string
  thinkTime?: string
  maxInFlight?: string
  maxDuration?: string
  onCap?: string
  seed?: string
  yes?: boolean
  prices?: string
  priceAs?: string
  stream: boolean
  keepItl?: boolean
  headersTimeout?: string
  bodyTimeout?: string
  junit?: string
  report: boolean
  quiet?: boolean
  name?: string
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('run')
    .description('Replay traffic against an endpoint and record tail latency, spend and abandonment')
    .option('--config <file>', 'config file (default: gauntlet.config.{ts,js,mjs,json} in the current folder)')
    .option('--traffic <file>', 'traffic file (JSONL) to replay')
    .option('--preset <name>', 'generate traffic on the fly: peak-hour, workday, weekend')
    .option('--employees <n>', 'with --preset: workforce size')
    .option('--time-scale <k>', 'compress time by k (60: an hour in a minute)')
    .option('--window <hours>', 'with --preset: hours to keep, e.g. 9-10')
    .option('--max-requests <n>', 'stop the traffic after n requests')
    .option('--max-output-tokens <n>', 'cap every request’s output tokens (cost control, quick runs)')
    .option('--target <spec>', 'adapter:model[@baseURL], e.g. openai:gpt-4o-mini, mock:typical-cloud')
    .option('--mock <profile>', 'start the embedded mock endpoint in-process with this profile')
    .option('--threshold <expr>', "pass/fail rule, repeatable: 'ttft_ms.p95<2000'", collect)
    .option('--slo <list>', 'SLOs for goodput: ttft_ms=2000,e2e_ms=10000,tpot_ms=100')
    .option('--out <dir>', 'run folder (default results/runs/<time>-<name>)')
    .option('--max-spend <usd>', 'hard spend cap: stop new sends before it would be passed')
    .option('--retries <policy>', 'off (default), sdk (2 retries like the official SDKs), or a number')
    .option('--patience <spec>', "simulated users: 'ttft=4s,e2e=10s,sigma=0.5,quit=3/5' or 'off'")
    .option('--segment <i/n>', 'run only segment i of n of the traffic')
    .option('--chaos <file>', 'fault timeline (JSON) applied through an in-process proxy')
    .option('--users <n>', 'closed model: n virtual users instead of the traffic times')
    .option('--think-time <ms>', 'closed model: pause between a user’s requests')
    .option('--max-in-flight <n>', 'open model: drop requests past this many in flight (default 2000)')
    .option('--max-duration <time>', 'stop sending after this long, e.g. 90s or 10m (in-flight requests finish)')
    .option('--on-cap <mode>', 'open model past the in-flight cap: drop (default, counted) or queue (sent late, lag measured)')
    .option('--seed <n>', 'seed for generation, patience and jitter (default 1)')
    .option('--yes', 'allow a non-loopback endpoint without asking')
    .option('--prices <file>', 'your own price table (JSON), merged over the built-in one')
    .option('--price-as <model>', 'price the run as this model')
    .option('--no-stream', 'send non-streaming requests')
    .option('--keep-itl', 'keep every inter-token gap in records.jsonl')
    .option('--headers-timeout <ms>', 'give up waiting for response headers after this (default 60000)')
    .option('--body-timeout <ms>', 'give up when the stream is idle this long (default 60000)')
    .option('--junit <file>', 'write thresholds as JUnit XML for CI')
    .option('--no-report', 'do not write report.html')
    .option('--name <name>', 'label of the run')
    .option('--quiet', 'no live progress')
    .action(async (flags: RunFlags) => {
      const config = await loadConfig(flags.config)
      const options = buildRunOptions(flags, config)
      let lastLine: string | undefined
      const chrome = createCliRunChrome(() => lastLine ?? '', 'interrupted: stopping sends, aborting in-flight requests, writing a partial summary')
      if (flags.quiet !== true) {
        options.onProgress = (progress) => {
          lastLine = renderProgressLine(progress)
          chrome.progress()
        }
      }
      options.log = chrome.log
      options.signal = chrome.signal
      options.confirm = confirmOnTty
      try {
        const result = await run(options)
        chrome.done()
        if (result.outDir !== null && flags.report) await writeHtmlReport(result.summary, result.outDir)
        if (flags.junit !== undefined) await writeJunit(flags.junit, [{ name: result.summary.name, summary: result.summary }])
        process.stdout.write(`${renderTerminalSummary(result.summary, { outDir: result.outDir })}\n`)
        setExitCode(result.interrupted ? EXIT_INTERRUPTED : result.thresholdsPassed ? EXIT_OK : EXIT_THRESHOLDS_FAILED)
      } finally {
        chrome.dispose()
      }
    })
}

export function parseSlo(text: string): Slo {
  const slo: Slo = {}
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [key, value] = part.split('=')
    if ((key !== 'ttft_ms' && key !== 'e2e_ms' && key !== 'tpot_ms') || value === undefined) {
      throw new UserError('USAGE_INVALID', `--slo '${part}' is not ttft_ms=N, e2e_ms=N or tpot_ms=N; e.g. --slo ttft_ms=2000,e2e_ms=10000`)
    }
    slo[key] = parseNumberFlag(`--slo ${key}`, value, { min: 0 })
  }
  return slo
}

export function buildRunOptions(flags: RunFlags, config: GauntletConfig = {}): RunOptions {
  const seed = flags.seed === undefined ? (config.seed ?? 1) : parseNumberFlag('--seed', flags.seed, { integer: true, min: 0 })
  let target = flags.target ?? (flags.mock === undefined ? config.target : `mock:${flags.mock}`)
  if (flags.target !== undefined && flags.mock !== undefined) {
    throw new UserError('USAGE_INVALID', '--target and --mock both given; use one (--mock P is short for --target mock:P)')
  }
  if (target === undefined) {
    throw new UserError('USAGE_INVALID', 'no endpoint: pass --target adapter:model[@baseURL] (e.g. openai:gpt-4o-mini) or --mock typical-cloud')
  }
  target = target.trim()
  const segment = flags.segment === undefined ? undefined : parseSegment(flags.segment)
  const timeScale = flags.timeScale === undefined ? undefined : parseNumberFlag('--time-scale', flags.timeScale, { min: 0.001 })
  const maxRequests = flags.maxRequests === undefined ? undefined : parseNumberFlag('--max-requests', flags.maxRequests, { integer: true, min: 1 })
  let traffic: TrafficSourceOptions
  const trafficPath = flags.traffic ?? (flags.preset === undefined ? config.traffic : undefined)
  if (flags.traffic !== undefined && flags.preset !== undefined) {
    throw new UserError('USAGE_INVALID', '--traffic and --preset both given; replay a file or generate one, not both')
  }
  if (trafficPath !== undefined) {
    traffic = { type: 'file', path: trafficPath }
  } else {
    const preset = flags.preset ?? config.preset?.name
    if (preset === undefined) {
      throw new UserError('USAGE_INVALID', 'no traffic: pass --traffic FILE (from `gauntlet traffic generate`) or --preset peak-hour')
    }
    traffic = { type: 'preset', preset }
    const employees = flags.employees ?? (config.preset?.employees === undefined ? undefined : String(config.preset.employees))
    if (employees !== undefined) traffic.employees = parseNumberFlag('--employees', employees, { integer: true, min: 1 })
    if (flags.window !== undefined) traffic.window = flags.window
  }
  if (segment !== undefined) traffic.segment = segment
  if (maxRequests !== undefined) traffic.maxRequests = maxRequests
  if (flags.maxOutputTokens !== undefined) {
    traffic.maxOutputTokens = parseNumberFlag('--max-output-tokens', flags.maxOutputTokens, { integer: true, min: 1 })
  }
  // Generated traffic is compressed at generation (it then carries scaled offsets); files are scaled at replay.
  let replayScale = 1
  if (timeScale !== undefined) {
    if (traffic.type === 'preset') traffic.timeScale = timeScale
    else replayScale = timeScale
  }
  const options: RunOptions = { traffic, target, seed, stream: flags.stream }
  if (flags.users !== undefined) {
    options.schedule = {
      type: 'closed',
      users: parseNumberFlag('--users', flags.users, { integer: true, min: 1 }),
      thinkTimeMs: flags.thinkTime === undefined ? 0 : parseNumberFlag('--think-time', flags.thinkTime, { min: 0 }),
    }
  } else {
    if (flags.onCap !== undefined && flags.onCap !== 'drop' && flags.onCap !== 'queue') {
      throw new UserError('USAGE_INVALID', `--on-cap '${flags.onCap}' must be drop or queue; e.g. --on-cap queue`)
    }
    options.schedule = { type: 'open', timeScale: replayScale }
    if (flags.onCap === 'queue' || flags.onCap === 'drop') options.schedule.overflow = flags.onCap
  }
  const thresholds = [...(config.thresholds ?? []), ...(flags.threshold ?? [])]
  if (thresholds.length > 0) options.thresholds = thresholds
  const slo = flags.slo === undefined ? config.slo : parseSlo(flags.slo)
  if (slo !== undefined) options.slo = slo
  if (flags.out !== undefined) options.outDir = flags.out
  else if (config.out !== undefined) options.outDir = config.out
  const maxSpend = flags.maxSpend ?? (config.maxSpendUsd === undefined ? undefined : String(config.maxSpendUsd))
  if (maxSpend !== undefined) options.maxSpendUsd = parseNumberFlag('--max-spend', maxSpend, { min: 0 })
  const retries = flags.retries ?? (config.retries === undefined ? undefined : String(config.retries))
  if (retries !== undefined) options.retries = retries
  const patience = flags.patience ?? config.patience
  if (patience !== undefined) options.patience = patience
  const chaos = flags.chaos ?? config.chaos
  if (chaos !== undefined) options.chaos = chaos
  if (flags.maxInFlight !== undefined) options.maxInFlight = parseNumberFlag('--max-in-flight', flags.maxInFlight, { integer: true, min: 1 })
  if (flags.maxDuration !== undefined) {
    const ms = parseDurationMs(flags.maxDuration)
    if (ms === undefined || ms <= 0) throw new UserError('USAGE_INVALID', `--max-duration '${flags.maxDuration}' is not a duration; e.g. --max-duration 90s or 10m`)
    options.maxDurationMs = ms
  }
  if (flags.yes === true) options.yes = true
  const prices = flags.prices ?? config.prices
  if (prices !== undefined) options.pricesPath = prices
  if (flags.priceAs !== undefined) options.priceAs = flags.priceAs
  if (flags.keepItl === true) options.keepItl = true
  if (flags.headersTimeout !== undefined) options.headersTimeoutMs = parseNumberFlag('--headers-timeout', flags.headersTimeout, { min: 1 })
  if (flags.bodyTimeout !== undefined) options.bodyTimeoutMs = parseNumberFlag('--body-timeout', flags.bodyTimeout, { min: 1 })
  if (flags.name !== undefined) options.name = flags.name
  if (config.sinks !== undefined) options.sinks = config.sinks
  return options
}
