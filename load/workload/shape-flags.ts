// The flag form of a fixed shape, as `vllm bench serve` and AIPerf spell it: `--rate R | --concurrency C`,
// `--duration D | --requests N`, `--input-tokens N --output-tokens M` -> the TrafficShape that
// `--shape` gives (load/workload/shape.ts), so both forms generate the same lines. Pure; every
// error is one line naming the flags and the fix.
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'
import { MIN_SHAPE_INPUT_TOKENS, parseSpread, type TrafficShape } from './shape.js'

/** The values as commander gives them (camel-cased keys, text values). */
export interface ShapeFlagValues {
  rate?: string
  concurrency?: string
  duration?: string
  requests?: string
  inputTokens?: string
  outputTokens?: string
  inputSpread?: string
  outputSpread?: string
  arrivals?: string
  users?: string
}

export interface ShapeFlag {
  flag: string
  key: keyof ShapeFlagValues
  description: string
}

/** Every shape flag, for the commands that offer them (run leaves out `--users`, its closed schedule's). */
export const SHAPE_FLAGS: readonly ShapeFlag[] = [
  { flag: '--rate <r>', key: 'rate', description: 'fixed shape, open loop: r requests a second (with --duration or --requests, --input-tokens, --output-tokens)' },
  { flag: '--concurrency <c>', key: 'concurrency', description: 'fixed shape, closed loop: c requests in flight, the next sent as one ends (with --requests)' },
  { flag: '--duration <time>', key: 'duration', description: 'fixed shape: how long arrivals go on, e.g. 60s' },
  { flag: '--requests <n>', key: 'requests', description: 'fixed shape: how many requests' },
  { flag: '--input-tokens <n>', key: 'inputTokens', description: `fixed shape: prompt tokens of each request (exact; ≥ ${MIN_SHAPE_INPUT_TOKENS})` },
  { flag: '--output-tokens <n>', key: 'outputTokens', description: 'fixed shape: output tokens asked of each request' },
  { flag: '--input-spread <s>', key: 'inputSpread', description: 'fixed shape: input sizes drawn uniformly within ±s of --input-tokens (0.2: ±20 %; default 0)' },
  { flag: '--output-spread <s>', key: 'outputSpread', description: 'fixed shape: output sizes drawn uniformly within ±s of --output-tokens (default 0)' },
  { flag: '--arrivals <kind>', key: 'arrivals', description: 'fixed shape with --rate: constant (default, evenly spaced) or poisson (seeded)' },
  { flag: '--users <n>', key: 'users', description: 'fixed shape: spread the requests over n simulated users (default: one each)' },
]

const EXAMPLE = 'e.g. --rate 50 --duration 60s --input-tokens 512 --output-tokens 128'

export function flagName(flag: ShapeFlag): string {
  return flag.flag.split(' ')[0] as string
}

/** The shape flags given (`--rate`, ...), in the order above. */
export function givenShapeFlags(values: ShapeFlagValues): string[] {
  return SHAPE_FLAGS.filter((flag) => values[flag.key] !== undefined).map(flagName)
}

function fail(message: string): never {
  throw new UserError('USAGE_INVALID', message)
}

function count(flag: string, text: string, min = 1): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < min) fail(`${flag} '${text}' must be a whole number ≥ ${min}; ${EXAMPLE}`)
  return value
}

/** The shape the flags describe; throws one `USAGE_INVALID` line on the first problem. */
export function shapeFromFlags(values: ShapeFlagValues): TrafficShape {
  const given = givenShapeFlags(values)
  if (values.rate !== undefined && values.concurrency !== undefined) {
    fail('--rate and --concurrency both given: --rate R sends R requests a second (open loop), --concurrency C keeps C in flight (closed loop); give one')
  }
  if (values.rate === undefined && values.concurrency === undefined) fail(`${given.join(', ')} given without --rate R or --concurrency C; ${EXAMPLE}`)
  const pace = values.rate === undefined ? '--concurrency' : '--rate'
  if (values.duration !== undefined && values.requests !== undefined) {
    fail('--duration and --requests both given; give one: --duration D (how long arrivals go on) or --requests N (how many)')
  }
  if (values.concurrency !== undefined && values.duration !== undefined) {
    fail('--concurrency sends a fixed count: give --requests N instead of --duration (on run, add --max-duration D to stop after a time)')
  }
  if (values.concurrency !== undefined && values.arrivals !== undefined) {
    fail('--arrivals applies to --rate; a --concurrency loop sends each request as one ends, drop --arrivals')
  }
  if (values.duration === undefined && values.requests === undefined) fail(`${pace} needs --duration D or --requests N (how long, or how many); ${EXAMPLE}`)
  const missing = (['inputTokens', 'outputTokens'] as const).filter((key) => values[key] === undefined).map((key) => (key === 'inputTokens' ? '--input-tokens' : '--output-tokens'))
  if (missing.length > 0) fail(`${missing.join(' and ')} missing: a fixed shape needs both sizes; e.g. --input-tokens 512 --output-tokens 128`)
  const inputTokens = count('--input-tokens', values.inputTokens as string, MIN_SHAPE_INPUT_TOKENS)
  const outputTokens = count('--output-tokens', values.outputTokens as string)
  const arrivals = values.arrivals ?? 'constant'
  if (arrivals !== 'constant' && arrivals !== 'poisson') fail(`--arrivals '${arrivals}' is not constant or poisson; e.g. --arrivals poisson`)
  let shape: TrafficShape
  if (values.concurrency !== undefined) {
    shape = { ratePerSecond: 0, durationMs: 0, requests: count('--requests', values.requests as string), inputTokens, outputTokens, arrivals, concurrency: count('--concurrency', values.concurrency) }
  } else {
    const ratePerSecond = Number(values.rate)
    if ((values.rate as string).trim() === '' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) fail(`--rate '${values.rate}' must be a number > 0 (requests a second); ${EXAMPLE}`)
    if (values.requests !== undefined) {
      const requests = count('--requests', values.requests)
      shape = { ratePerSecond, durationMs: (requests / ratePerSecond) * 1000, inputTokens, outputTokens, arrivals, requests }
    } else {
      const durationMs = parseDurationMs(values.duration as string)
      if (durationMs === undefined || durationMs <= 0) fail(`--duration '${values.duration}' is not a duration; e.g. --duration 60s or 10m`)
      shape = { ratePerSecond, durationMs, inputTokens, outputTokens, arrivals }
    }
  }
  if (values.users !== undefined) shape.users = count('--users', values.users)
  if (values.inputSpread !== undefined) shape.inputSpread = parseSpread('--input-spread ', values.inputSpread)
  if (values.outputSpread !== undefined) shape.outputSpread = parseSpread('--output-spread ', values.outputSpread)
  return shape
}
