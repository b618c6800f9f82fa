// Fixed-shape traffic in one line, as users of GuideLLM and vLLM's bench expect:
// `rate=50,input=512,output=128,duration=60s` is 50 req/s for 60 s, each prompt exactly 512 input
// tokens and each answer asked for 128 output tokens (the mock honours it; real endpoints get
// max_tokens 128). Arrivals are evenly spaced (`arrivals=constant`) or a seeded Poisson process.
import { parseDurationMs } from '../../core/duration.js'
import { UserError } from '../../core/errors.js'
import { createRandom } from '../../core/random.js'
import type { TrafficRequest } from '../../core/traffic-types.js'

export interface TrafficShape {
  ratePerSecond: number
  /** How long arrivals go on, ms (or `requests` many, whichever the spec gives). */
  durationMs: number
  inputTokens: number
  outputTokens: number
  arrivals: 'constant' | 'poisson'
  /** Distinct simulated users the requests are spread over (round robin); default 1 per request. */
  users?: number
}

const KEYS = ['rate', 'input', 'output', 'duration', 'requests', 'arrivals', 'users'] as const
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

/** Parses `rate=R,input=N,output=M,duration=D|requests=K[,arrivals=constant|poisson][,users=U]`. */
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
  if (durationText !== undefined) {
    const ms = parseDurationMs(durationText)
    if (ms === undefined || ms <= 0) throw new UserError('USAGE_INVALID', `${flag} duration=${durationText}: not a duration; e.g. duration=60s or duration=10m`)
    durationMs = ms
  } else {
    durationMs = (positive(flag, 'requests', requestsText as string, true) / ratePerSecond) * 1000
  }
  const arrivals = fields.get('arrivals') ?? 'constant'
  if (arrivals !== 'constant' && arrivals !== 'poisson') {
    throw new UserError('USAGE_INVALID', `${flag} arrivals=${arrivals}: expected constant or poisson; e.g. arrivals=poisson`)
  }
  const shape: TrafficShape = { ratePerSecond, durationMs, inputTokens, outputTokens, arrivals }
  const users = fields.get('users')
  if (users !== undefined) shape.users = positive(flag, 'users', users, true)
  return shape
}

/** The shape's requests in time order; the same seed gives the same arrivals and prompts. */
export function* shapeRequests(shape: TrafficShape, seed: number): Generator<TrafficRequest> {
  const random = createRandom(seed).fork('shape')
  const gapMs = 1000 / shape.ratePerSecond
  let offsetMs = 0
  for (let index = 0; ; index++) {
    if (shape.arrivals === 'poisson') {
      if (index > 0) offsetMs += random.exponential(gapMs)
    } else {
      offsetMs = index * gapMs
    }
    if (offsetMs >= shape.durationMs) return
    const user = shape.users === undefined ? index : index % shape.users
    yield {
      id: `s${String(index).padStart(7, '0')}`,
      offsetMs: Math.round(offsetMs * 1000) / 1000,
      userId: `u${String(user).padStart(6, '0')}`,
      task: 'fixed-shape',
      // A chat-like prompt of exactly `inputTokens` tokens (load/workload/prompts.ts), seeded per request.
      prompt: { task: 'chat', tokens: shape.inputTokens, seed: (seed * 1_000_003 + index) >>> 0 },
      inputTokens: shape.inputTokens,
      maxOutputTokens: shape.outputTokens,
      targetOutputTokens: shape.outputTokens,
    }
  }
}

/** `rate=50,input=512,output=128,duration=60s,arrivals=constant` (the source label). */
export function describeShape(shape: TrafficShape): string {
  return `shape:rate=${shape.ratePerSecond},input=${shape.inputTokens},output=${shape.outputTokens},duration=${Math.round(shape.durationMs)}ms,arrivals=${shape.arrivals}`
}
