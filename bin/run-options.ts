// `gauntlet run` flags (and config) -> RunOptions, and the --slo parser: shared by the run, compare,
// drill and sweep commands, so no command imports another. Imports no command.
import { UserError } from '../core/errors.js'
import { parseDurationMs } from '../core/duration.js'
import type { GauntletConfig } from '../load/config.js'
import type { RunOptions } from '../load/run.js'
import { scheduleCliOptions, scheduleFromFlags } from '../load/schedules/registry.js'
import { parseSegment } from '../load/traffic-segment.js'
import { parseShape } from '../load/workload/shape.js'
import { flagName, givenShapeFlags, SHAPE_FLAGS, shapeFromFlags, type ShapeFlag, type ShapeFlagValues } from '../load/workload/shape-flags.js'
import type { TrafficSourceOptions } from '../load/traffic-source.js'
import type { Slo } from '../results/summary.js'
import { parseNumberFlag } from './cli-helpers.js'

/** The flags of `gauntlet run` (commander camel-cases them); compare and sweep build a subset. */
export interface RunFlags extends ShapeFlagValues {
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
  shape?: string
  resume?: string
  chaos?: string
  users?: string
  thinkTime?: string
  maxInFlight?: string
  workers?: string
  tokenizer?: string
  maxDuration?: string
  grace?: string
  requestTimeout?: string
  onCap?: string
  seed?: string
  yes?: boolean
  prices?: string
  priceAs?: string
  stream: boolean
  keepItl?: boolean
  recordsMaxMb?: string
  history?: string
  headersTimeout?: string
  bodyTimeout?: string
  junit?: string
  report: boolean
  quiet?: boolean
  name?: string
}

/** `--records-max-mb N` as bytes (0: never rotate). */
export function parseRecordsMaxMb(text: string): number {
  return Math.round(parseNumberFlag('--records-max-mb', text, { min: 0 }) * 1024 * 1024)
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

/**
 * The fixed-shape flags `run` offers (`--rate`, ...): those no schedule claims, so `--users` stays
 * the closed schedule's and a plugin schedule's own `--rate` keeps its meaning.
 */
export function runShapeFlags(): ShapeFlag[] {
  const claimed = new Set(scheduleCliOptions().map((option) => option.flag.split(' ')[0]))
  return SHAPE_FLAGS.filter((flag) => !claimed.has(flagName(flag)))
}

function shapeFlagValues(flags: RunFlags): ShapeFlagValues {
  const values: ShapeFlagValues = {}
  for (const { key } of runShapeFlags()) if (flags[key] !== undefined) values[key] = flags[key]
  return values
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
  if (flags.shape !== undefined && (flags.traffic !== undefined || flags.preset !== undefined)) {
    throw new UserError('USAGE_INVALID', `--shape and ${flags.traffic !== undefined ? '--traffic' : '--preset'} both given; a fixed shape is the whole traffic, drop one`)
  }
  const shapeValues = shapeFlagValues(flags)
  const shapeFlags = givenShapeFlags(shapeValues)
  const whole = flags.traffic !== undefined ? '--traffic' : flags.preset !== undefined ? '--preset' : flags.shape !== undefined ? '--shape' : undefined
  if (shapeFlags.length > 0 && whole !== undefined) {
    throw new UserError('USAGE_INVALID', `${whole} and ${shapeFlags.join(', ')} both given: ${whole} is the whole traffic, the flags describe a fixed shape; drop ${whole} or the shape flags`)
  }
  let closedUsers: number | undefined
  if (flags.shape !== undefined) {
    traffic = { type: 'shape', shape: parseShape(flags.shape) }
  } else if (shapeFlags.length > 0) {
    const shape = shapeFromFlags(shapeValues)
    traffic = { type: 'shape', shape }
    closedUsers = shape.concurrency
    if (flags.users !== undefined) {
      throw new UserError(
        'USAGE_INVALID',
        closedUsers === undefined
          ? `--rate and --users both given: --users runs the closed schedule, which ignores the rate; for a closed loop give --concurrency C instead of --rate`
          : `--concurrency and --users both given: both set the closed loop's users; give one`,
      )
    }
  } else if (trafficPath !== undefined) {
    traffic = { type: 'file', path: trafficPath }
  } else {
    const preset = flags.preset ?? config.preset?.name
    if (preset === undefined) {
      throw new UserError('USAGE_INVALID', "no traffic: pass --traffic FILE (from `gauntlet traffic generate`), --preset peak-hour, --shape 'rate=50,input=512,output=128,duration=60s', or --rate 50 --duration 60s --input-tokens 512 --output-tokens 128")
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
  // Each schedule owns its flags (load/schedules/*.ts): --users picks closed, else open.
  // --concurrency C is the closed schedule with C users, as if --users C were given.
  const scheduleFlags = closedUsers === undefined ? flags : { ...flags, users: String(closedUsers) }
  options.schedule = scheduleFromFlags(scheduleFlags as unknown as Record<string, unknown>, { replayTimeScale: replayScale })
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
  if (flags.workers !== undefined) {
    options.workers = flags.workers === 'auto' ? 'auto' : parseNumberFlag('--workers', flags.workers, { integer: true, min: 1 })
  }
  if (flags.tokenizer !== undefined) {
    if (flags.tokenizer !== 'lazy' && flags.tokenizer !== 'eager') {
      throw new UserError('USAGE_INVALID', `--tokenizer '${flags.tokenizer}' is not lazy or eager; e.g. --tokenizer eager for an endpoint that reports no usage`)
    }
    options.tokenizer = flags.tokenizer
  }
  if (flags.maxDuration !== undefined) {
    const ms = parseDurationMs(flags.maxDuration)
    if (ms === undefined || ms <= 0) throw new UserError('USAGE_INVALID', `--max-duration '${flags.maxDuration}' is not a duration; e.g. --max-duration 90s or 10m`)
    options.maxDurationMs = ms
  }
  if (flags.grace !== undefined) {
    if (flags.maxDuration === undefined) throw new UserError('USAGE_INVALID', `--grace applies after --max-duration; give --max-duration too, e.g. --max-duration 10m --grace 30s`)
    const ms = parseDurationMs(flags.grace)
    if (ms === undefined) throw new UserError('USAGE_INVALID', `--grace '${flags.grace}' is not a duration; e.g. --grace 30s (0 cuts in-flight requests at once)`)
    options.graceMs = ms
  }
  if (flags.requestTimeout !== undefined) {
    const ms = flags.requestTimeout === 'off' ? null : parseDurationMs(flags.requestTimeout)
    if (ms === undefined || ms === 0) throw new UserError('USAGE_INVALID', `--request-timeout '${flags.requestTimeout}' is not a duration; e.g. --request-timeout 2m, or off for no limit`)
    options.requestTimeoutMs = ms
  }
  if (flags.yes === true) options.yes = true
  if (flags.resume !== undefined) options.resume = flags.resume
  const prices = flags.prices ?? config.prices
  if (prices !== undefined) options.pricesPath = prices
  if (flags.priceAs !== undefined) options.priceAs = flags.priceAs
  if (flags.keepItl === true) options.keepItl = true
  if (flags.recordsMaxMb !== undefined) options.recordsMaxBytes = parseRecordsMaxMb(flags.recordsMaxMb)
  if (flags.history !== undefined) {
    if (flags.history !== 'stand-in' && flags.history !== 'actual') throw new UserError('USAGE_INVALID', `--history ${flags.history}: expected 'stand-in' (earlier answers re-sent as synthesized text of their length, the same on every target) or 'actual' (the answers received)`)
    options.history = flags.history
  }
  if (flags.headersTimeout !== undefined) options.headersTimeoutMs = parseNumberFlag('--headers-timeout', flags.headersTimeout, { min: 1 })
  if (flags.bodyTimeout !== undefined) options.bodyTimeoutMs = parseNumberFlag('--body-timeout', flags.bodyTimeout, { min: 1 })
  if (flags.name !== undefined) options.name = flags.name
  if (config.sinks !== undefined) options.sinks = config.sinks
  return options
}
