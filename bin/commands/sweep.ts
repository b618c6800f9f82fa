// `gauntlet sweep`: steps of increasing load until the SLOs break or the endpoint saturates;
// reports the highest load that met the SLOs and the knee, with a chart and sweep.json.
import type { Command } from 'commander'
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'
import { runSweep, type SweepOptions } from '../../load/sweep.js'
import type { TrafficSourceOptions } from '../../load/traffic-source.js'
import { writeSweepHtml } from '../../results/reports/sweep-html.js'
import { renderSweepTerminal } from '../../results/reports/sweep-terminal.js'
import { renderProgressLine } from '../../results/reports/terminal.js'
import { formatLoad, type SweepCriteria } from '../../results/sweep.js'
import { confirmOnTty, createCliRunChrome, parseNumberFlag } from '../cli-helpers.js'
import { EXIT_INTERRUPTED, EXIT_OK, type SetExitCode } from '../exit-codes.js'
import { parseSlo } from '../run-options.js'

interface SweepFlags {
  target?: string
  mock?: string
  traffic?: string
  preset?: string
  employees?: string
  rates?: string
  start?: string
  factor?: string
  max?: string
  users?: string
  stepDuration?: string
  stepRequests?: string
  thinkTime?: string
  slo?: string
  minGoodput?: string
  maxErrorRate?: string
  kneeGrowth?: string
  minGain?: string
  patience?: string
  retries?: string
  seed?: string
  out?: string
  allSteps?: boolean
  prices?: string
  priceAs?: string
  yes?: boolean
  maxSpend?: string
  maxInFlight?: string
  report: boolean
  quiet?: boolean
}

const MAX_STEPS = 30

export function parseLoadList(flag: string, text: string, integer: boolean): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '')
  if (parts.length === 0) throw new UserError('USAGE_INVALID', `${flag} '${text}' lists no step; e.g. ${flag} ${integer ? '8,16,32' : '1,2,4,8'}`)
  return parts.map((part) => parseNumberFlag(flag, part, integer ? { integer: true, min: 1 } : { min: 0.001 }))
}

/** `--start R --factor F --max M`: R, R·F, R·F², … up to M. */
export function geometricRates(start: number, factor: number, max: number): number[] {
  if (!(factor > 1)) throw new UserError('USAGE_INVALID', `--factor must be a number > 1 (got ${factor}); e.g. --factor 2 doubles the rate at each step`)
  if (!(max >= start)) throw new UserError('USAGE_INVALID', `--max ${max} is below --start ${start}; give --max at least the starting rate`)
  const rates: number[] = []
  for (let rate = start; rate <= max * (1 + 1e-9); rate *= factor) {
    rates.push(Math.round(rate * 1000) / 1000)
    if (rates.length > MAX_STEPS) throw new UserError('USAGE_INVALID', `--start ${start} --factor ${factor} --max ${max} makes more than ${MAX_STEPS} steps; raise --factor or lower --max`)
  }
  return rates
}

export function buildSweepOptions(flags: SweepFlags): SweepOptions {
  if (flags.target !== undefined && flags.mock !== undefined) {
    throw new UserError('USAGE_INVALID', '--target and --mock both given; use one (--mock P is short for --target mock:P)')
  }
  const target = flags.target ?? (flags.mock === undefined ? undefined : `mock:${flags.mock}`)
  if (target === undefined) throw new UserError('USAGE_INVALID', 'no endpoint: pass --target adapter:model[@baseURL] or --mock overloaded')
  if (flags.traffic !== undefined && flags.preset !== undefined) throw new UserError('USAGE_INVALID', '--traffic and --preset both given; replay a file or generate one, not both')
  let traffic: TrafficSourceOptions
  if (flags.traffic !== undefined) traffic = { type: 'file', path: flags.traffic }
  else {
    traffic = { type: 'preset', preset: flags.preset ?? 'peak-hour' }
    if (flags.employees !== undefined) traffic.employees = parseNumberFlag('--employees', flags.employees, { integer: true, min: 1 })
  }
  const options: SweepOptions = { target, traffic }
  const geometric = flags.start !== undefined || flags.max !== undefined || flags.factor !== undefined
  const given = [flags.rates !== undefined, geometric, flags.users !== undefined].filter(Boolean).length
  if (given > 1) throw new UserError('USAGE_INVALID', 'give one of --rates LIST, --start R --max R [--factor F], or --users LIST')
  if (flags.users !== undefined) {
    options.users = parseLoadList('--users', flags.users, true)
    if (flags.stepRequests !== undefined) options.stepRequests = parseNumberFlag('--step-requests', flags.stepRequests, { integer: true, min: 1 })
    if (flags.thinkTime !== undefined) options.thinkTimeMs = parseNumberFlag('--think-time', flags.thinkTime, { min: 0 })
  } else if (geometric) {
    if (flags.start === undefined || flags.max === undefined) throw new UserError('USAGE_INVALID', '--start and --max go together (with an optional --factor, default 2); e.g. --start 1 --max 16')
    options.rates = geometricRates(
      parseNumberFlag('--start', flags.start, { min: 0.001 }),
      flags.factor === undefined ? 2 : parseNumberFlag('--factor', flags.factor, { min: 1.01 }),
      parseNumberFlag('--max', flags.max, { min: 0.001 }),
    )
  } else {
    options.rates = flags.rates === undefined ? [1, 2, 4, 8, 16] : parseLoadList('--rates', flags.rates, false)
  }
  if (flags.stepDuration !== undefined) {
    const durationMs = parseDurationMs(flags.stepDuration)
    if (durationMs === undefined || durationMs < 1_000) throw new UserError('USAGE_INVALID', `--step-duration '${flags.stepDuration}' must be a duration of at least 1s, e.g. 20s, 90s or 2m`)
    options.stepDurationMs = durationMs
  }
  if (flags.slo !== undefined) options.slo = parseSlo(flags.slo)
  const criteria: Partial<SweepCriteria> = {}
  if (flags.minGoodput !== undefined) criteria.minGoodputShare = parseNumberFlag('--min-goodput', flags.minGoodput, { min: 0, max: 1 })
  if (flags.maxErrorRate !== undefined) criteria.maxErrorRate = parseNumberFlag('--max-error-rate', flags.maxErrorRate, { min: 0, max: 1 })
  if (flags.kneeGrowth !== undefined) criteria.latencyGrowthPerDoubling = parseNumberFlag('--knee-growth', flags.kneeGrowth, { min: 1 })
  if (flags.minGain !== undefined) criteria.minThroughputGain = parseNumberFlag('--min-gain', flags.minGain, { min: 0, max: 1 })
  options.criteria = criteria
  if (flags.patience !== undefined) options.patience = flags.patience
  if (flags.retries !== undefined) options.retries = flags.retries
  if (flags.seed !== undefined) options.seed = parseNumberFlag('--seed', flags.seed, { integer: true, min: 0 })
  if (flags.out !== undefined) options.outDir = flags.out
  if (flags.allSteps === true) options.allSteps = true
  if (flags.prices !== undefined) options.pricesPath = flags.prices
  if (flags.priceAs !== undefined) options.priceAs = flags.priceAs
  if (flags.yes === true) options.yes = true
  if (flags.maxSpend !== undefined) options.maxSpendUsd = parseNumberFlag('--max-spend', flags.maxSpend, { min: 0 })
  if (flags.maxInFlight !== undefined) options.maxInFlight = parseNumberFlag('--max-in-flight', flags.maxInFlight, { integer: true, min: 1 })
  return options
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command('sweep')
    .description('Capacity sweep: steps of increasing load until the SLOs break or the endpoint saturates; the highest rate meeting the SLOs and the knee')
    .option('--target <spec>', 'adapter:model[@baseURL], e.g. openai:gpt-4o-mini')
    .option('--mock <profile>', 'the embedded mock endpoint, e.g. overloaded')
    .option('--traffic <file>', 'traffic file: its requests in order (offsets ignored)')
    .option('--preset <name>', 'generate the traffic from a preset (default peak-hour)')
    .option('--employees <n>', 'with --preset: workforce size')
    .option('--rates <list>', 'requests per second, one step each (default 1,2,4,8,16)')
    .option('--start <r>', 'first rate of a geometric series (with --max)')
    .option('--factor <f>', 'rate multiplier between steps (default 2)')
    .option('--max <r>', 'last rate of a geometric series')
    .option('--users <list>', 'closed model instead: concurrent users, one step each, e.g. 8,16,32')
    .option('--step-duration <time>', 'how long each rate step sends, e.g. 20s (default 20s)')
    .option('--step-requests <n>', 'with --users: requests per step (default 5 per user)')
    .option('--think-time <ms>', 'with --users: pause between a user’s requests')
    .option('--slo <list>', 'per-request SLOs for goodput (default ttft_ms=2000,tpot_ms=100: they move with load; e2e moves with answer length)')
    .option('--min-goodput <share>', 'a step meets the SLOs with at least this share of requests within them (default 0.9)')
    .option('--max-error-rate <r>', 'and at most this error rate (default 0.01)')
    .option('--knee-growth <x>', 'knee: p95 TTFT growing more than x per doubling of load (default 2)')
    .option('--min-gain <share>', 'saturated: throughput rising by less than this share of the added load (default 0.1)')
    .option('--patience <spec>', "simulated users (default: give up after a median 4 s without a first token, never on a streaming answer, nobody quits); 'off' waits forever")
    .option('--retries <policy>', 'off (default), sdk, or a number')
    .option('--seed <n>', 'seed (default 1)')
    .option('--out <dir>', 'sweep folder (default results/sweeps/<time>)')
    .option('--all-steps', 'run every step even after the SLOs broke')
    .option('--prices <file>', 'your own price table (JSON)')
    .option('--price-as <model>', 'price the steps as this model')
    .option('--max-in-flight <n>', 'drop requests past this many in flight (default 2000)')
    .option('--yes', 'allow a non-loopback endpoint without asking')
    .option('--max-spend <usd>', 'hard spend cap per step: stop new sends before it would be passed')
    .option('--no-report', 'do not write sweep.html')
    .option('--quiet', 'no live progress')
    .action(async (flags: SweepFlags) => {
      const options = buildSweepOptions(flags)
      let lastLine: string | undefined
      const chrome = createCliRunChrome(() => lastLine ?? '', 'interrupted: finishing the current step as a partial run and writing the sweep so far')
      if (flags.quiet !== true) {
        options.onProgress = (step, progress) => {
          lastLine = `[${step.index}/${step.of}] ${renderProgressLine(progress)}`
          chrome.progress()
        }
      }
      options.log = chrome.log
      options.onStep = (step) => {
        const p95 = step.ttftMs.p95 === null ? '–' : `${Math.round(step.ttftMs.p95)} ms`
        chrome.log(
          `  ${formatLoad(step.load)}${options.users === undefined ? ' req/s' : ' users'}: ${step.ok} ok of ${step.sent} sent, TTFT p95 ${p95}, goodput ${(step.goodputShare * 100).toFixed(1)} %, errors ${(step.errorRate * 100).toFixed(1)} %`,
        )
      }
      options.signal = chrome.signal
      options.confirm = confirmOnTty
      try {
        const result = await runSweep(options)
        chrome.done()
        if (flags.report) await writeSweepHtml(result.document, result.outDir)
        process.stdout.write(`${renderSweepTerminal(result.document, { outDir: result.outDir })}\n`)
        setExitCode(result.interrupted ? EXIT_INTERRUPTED : EXIT_OK)
      } finally {
        chrome.dispose()
      }
    })
}
