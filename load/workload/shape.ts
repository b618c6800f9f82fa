// Fixed-shape traffic in one line, as users of GuideLLM and vLLM's bench expect:
// `rate=50,input=512,output=128,duration=60s` is 50 req/s for 60 s, each prompt exactly 512 input
// tokens and each answer asked for 128 output tokens (the mock honours it; real endpoints get
// max_tokens 128). Arrivals are evenly spaced (`arrivals=constant`) or a seeded Poisson process.
// The flag form (`--rate 50 --input-tokens 512 ...`, load/workload/shape-flags.ts) gives the same shape.
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'
import { createRandom } from '../../core/random.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { MAX_SPREAD, spreadTokens } from './spread.js'

export interface TrafficShape {
  /** Arrivals per second; 0 for a closed-loop shape (`concurrency`), whose offsets are all 0. */
  ratePerSecond: number
  /** How long arrivals go on, ms (with `requests`, the time that many take at the rate). */
  durationMs: number
  /** Exactly this many requests (`requests=N`): the count, not the duration, ends the arrivals. */
  requests?: number
  inputTokens: number
  outputTokens: number
  /** Relative spread of each size, uniform ±S around it (load/workload/spread.ts); absent: exact. */
  inputSpread?: number
  outputSpread?: number
  arrivals: 'constant' | 'poisson'
  /** Distinct simulated users the requests are spread over (round robin); default 1 per request. */
  users?: number
  /** Closed loop (`--concurrency C`): meant for the closed schedule with C users (`run --users C`). */
  concurrency?: number
}

const KEYS = ['rate', 'input', 'output', 'duration', 'requests', 'arrivals', 'users', 'input-spread', 'output-spread'] as const
const EXAMPLE = "e.g. --shape 'rate=50,input=512,output=128,duration=60s'"
/** Short prompts cannot carry the task text around the filler; below this the count is not exact. */
export const MIN_SHAPE_INPUT_TOKENS = 16

function positive(flag: string, key: string, text: string, integer: boolean): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UserError('USAGE_INVALID', `${flag} ${key}=${text}: expected ${integer ? 'a whole number' : 'a number'} > 0; ${EXAMPLE}`)
  }
  return value
}

/** Parses `rate=R,input=N,output=M,duration=D|requests=K[,arrivals=constant|poisson][,users=U][,input-spread=S][,output-spread=S]`. */
export function parseShape(text: string, flag = '--shape'): TrafficShape {
  const fields = new Map<string, string>()
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [key, value, extra] = part.split('=')
    if (key === undefined || value === undefined || extra !== undefined || !(KEYS as readonly string[]).includes(key)) {
      throw new UserError('USAGE_INVALID', `${flag} '${part}': expected key=value with a key of ${KEYS.join(', ')}; ${EXAMPLE}`)
    }
    fields.set(key, value)
  }
  const missing = ['rate', 'input', 'output'].filter((key) => !fields.has(key))
  if (missing.length > 0) throw new UserError('USAGE_INVALID', `${flag} '${text}': ${missing.join(', ')} missing; ${EXAMPLE}`)
  const ratePerSecond = positive(flag, 'rate', fields.get('rate') as string, false)
  const inputTokens = positive(flag, 'input', fields.get('input') as string, true)
  if (inputTokens < MIN_SHAPE_INPUT_TOKENS) {
    throw new UserError('USAGE_INVALID', `${flag} input=${inputTokens}: prompts are at least ${MIN_SHAPE_INPUT_TOKENS} tokens; give input=${MIN_SHAPE_INPUT_TOKENS} or more`)
  }
  const outputTokens = positive(flag, 'output', fields.get('output') as string, true)
  const durationText = fields.get('duration')
  const requestsText = fields.get('requests')
  if ((durationText === undefined) === (requestsText === undefined)) {
    throw new UserError('USAGE_INVALID', `${flag} '${text}': give duration=TIME or requests=N (one of them); ${EXAMPLE}`)
  }
  let durationMs: number
  let requests: number | undefined
  if (durationText !== undefined) {
    const ms = parseDurationMs(durationText)
    if (ms === undefined || ms <= 0) throw new UserError('USAGE_INVALID', `${flag} duration=${durationText}: not a duration; e.g. duration=60s or duration=10m`)
    durationMs = ms
  } else {
    requests = positive(flag, 'requests', requestsText as string, true)
    durationMs = (requests / ratePerSecond) * 1000
  }
  const arrivals = fields.get('arrivals') ?? 'constant'
  if (arrivals !== 'constant' && arrivals !== 'poisson') {
    throw new UserError('USAGE_INVALID', `${flag} arrivals=${arrivals}: expected constant or poisson; e.g. arrivals=poisson`)
  }
  const shape: TrafficShape = { ratePerSecond, durationMs, inputTokens, outputTokens, arrivals }
  if (requests !== undefined) shape.requests = requests
  const users = fields.get('users')
  if (users !== undefined) shape.users = positive(flag, 'users', users, true)
  for (const [key, field] of [['input-spread', 'inputSpread'], ['output-spread', 'outputSpread']] as const) {
    const text = fields.get(key)
    if (text !== undefined) shape[field] = parseSpread(`${flag} ${key}=`, text)
  }
  return shape
}

/** A relative spread S in [0, 0.99]: sizes are drawn uniformly from N × [1 − S, 1 + S]. */
export function parseSpread(flag: string, text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > MAX_SPREAD) {
    throw new UserError('USAGE_INVALID', `${flag}${text}: expected a relative spread from 0 to ${MAX_SPREAD} (0.2: sizes uniform within ±20 %)`)
  }
  return value
}

/** The shape's requests in time order; the same seed gives the same arrivals and prompts. */
export function* shapeRequests(shape: TrafficShape, seed: number): Generator<TrafficRequest> {
  const root = createRandom(seed)
  const random = root.fork('shape')
  // Own streams for the sizes: a spread never moves the arrivals a seed gives.
  const inputRandom = root.fork('shape-input-spread')
  const outputRandom = root.fork('shape-output-spread')
  const gapMs = shape.concurrency === undefined ? 1000 / shape.ratePerSecond : 0
  let offsetMs = 0
  for (let index = 0; ; index++) {
    if (shape.concurrency !== undefined) {
      offsetMs = 0
    } else if (shape.arrivals === 'poisson') {
      if (index > 0) offsetMs += random.exponential(gapMs)
    } else {
      offsetMs = index * gapMs
    }
    if (shape.requests === undefined ? offsetMs >= shape.durationMs : index >= shape.requests) return
    const user = shape.users === undefined ? index : index % shape.users
    const inputTokens = spreadTokens(shape.inputTokens, shape.inputSpread ?? 0, inputRandom, MIN_SHAPE_INPUT_TOKENS)
    const outputTokens = spreadTokens(shape.outputTokens, shape.outputSpread ?? 0, outputRandom, 1)
    yield {
      id: `s${String(index).padStart(7, '0')}`,
      offsetMs: Math.round(offsetMs * 1000) / 1000,
      userId: `u${String(user).padStart(6, '0')}`,
      task: 'fixed-shape',
      // A chat-like prompt of exactly `inputTokens` tokens (load/workload/prompts.ts), seeded per request.
      prompt: { task: 'chat', tokens: inputTokens, seed: (seed * 1_000_003 + index) >>> 0 },
      inputTokens,
      maxOutputTokens: outputTokens,
      targetOutputTokens: outputTokens,
    }
  }
}

/** `shape:rate=50,input=512,output=128,duration=60000ms,arrivals=constant` (the source label). */
export function describeShape(shape: TrafficShape): string {
  const pace = shape.concurrency === undefined ? `rate=${shape.ratePerSecond}` : `concurrency=${shape.concurrency}`
  const spread = (key: string, value: number | undefined): string => (value === undefined || value === 0 ? '' : `,${key}=${value}`)
  const length = shape.requests === undefined ? `duration=${Math.round(shape.durationMs)}ms` : `requests=${shape.requests}`
  const arrivals = shape.concurrency === undefined ? `,arrivals=${shape.arrivals}` : ''
  return `shape:${pace},input=${shape.inputTokens}${spread('input-spread', shape.inputSpread)},output=${shape.outputTokens}${spread('output-spread', shape.outputSpread)},${length}${arrivals}`
}
