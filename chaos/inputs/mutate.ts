// Clean traffic in, production-shaped traffic out: per request a seeded decision whether to
// mutate (probability `rate`) and with which kinds. Deterministic for a seed, and per request:
// each request's draws come from a stream forked by its id, so a request's fate does not
// depend on the requests before it (a segment mutates the same as the whole file).
import { UserError } from '../../core/errors.js'
import { createRandom, type Random } from '../../core/random.js'
import { DEFAULT_ENCODING, type EncodingName } from '../../core/tokens.js'
import type { TrafficRequest } from '../../core/traffic-types.js'
import { EXCLUSIVE_KINDS, createInputMutators, resolveKinds } from './registry.js'
import { pickDistinct } from './text.js'
import type { ExpandMessages, InputMutator, InputMutatorOptions, MutationContext } from './types.js'

export interface MutateTrafficOptions extends InputMutatorOptions {
  /** Probability in [0, 1] that a request is mutated. */
  rate: number
  /** Kinds to draw from (default: every kind). */
  kinds?: string[]
  /** Seed of every draw; an integer in [0, 2^32). */
  seed: number
  /** Distinct kinds applied to a mutated request (default 1). `empty-prompt` is always applied alone. */
  kindsPerRequest?: number
  /** Encoding `inputTokens` are counted in: the traffic header's (default o200k_base). */
  encoding?: EncodingName
  /** Expands requests that only carry a `prompt` spec (load/traffic.ts `expandMessages`). */
  expand?: ExpandMessages
}

/** Checks the options once, up front; throws `UserError('USAGE_INVALID')` naming the flag. */
export function validateMutateOptions(options: MutateTrafficOptions): { kinds: string[]; kindsPerRequest: number } {
  const { rate, seed } = options
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new UserError('USAGE_INVALID', `--rate: expected a probability between 0 and 1, received ${String(rate)}; e.g. --rate 0.05 mutates about 5 % of requests`)
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UserError('USAGE_INVALID', `--seed: expected an integer from 0 to 4294967295, received ${String(seed)}`)
  }
  const kindsPerRequest = options.kindsPerRequest ?? 1
  if (!Number.isInteger(kindsPerRequest) || kindsPerRequest < 1) {
    throw new UserError('USAGE_INVALID', `--kinds-per-request: expected a positive integer, received ${String(kindsPerRequest)}`)
  }
  return { kinds: resolveKinds(options.kinds), kindsPerRequest }
}

/** The kinds one request gets (empty: left clean), drawn from its own stream. */
export function drawKinds(random: Random, rate: number, kinds: readonly string[], kindsPerRequest: number): string[] {
  if (!random.chance(rate)) return []
  const chosen = pickDistinct(kinds, kindsPerRequest, random)
  const exclusive = chosen.find((kind) => EXCLUSIVE_KINDS.has(kind))
  return exclusive === undefined ? chosen : [exclusive]
}

/** A synchronous per-request mutator built from validated options, for callers without streams. */
export function createTrafficMutator(options: MutateTrafficOptions): (request: TrafficRequest) => TrafficRequest {
  const { kinds, kindsPerRequest } = validateMutateOptions(options)
  const mutators = createInputMutators(options)
  const context: MutationContext = {
    encoding: options.encoding ?? DEFAULT_ENCODING,
    ...(options.expand === undefined ? {} : { expand: options.expand }),
  }
  const root = createRandom(options.seed)
  return (request) => {
    const random = root.fork(`request:${request.id}`)
    let out = request
    for (const kind of drawKinds(random, options.rate, kinds, kindsPerRequest)) {
      out = (mutators.get(kind) as InputMutator).mutate(out, random.fork(kind), context)
    }
    return out
  }
}

/**
 * Mutates a traffic stream. Options are checked when called (not on first iteration), so an
 * unknown kind fails before any file is written.
 */
export function mutateTraffic(requests: AsyncIterable<TrafficRequest>, options: MutateTrafficOptions): AsyncIterable<TrafficRequest> {
  const mutate = createTrafficMutator(options)
  return (async function* () {
    for await (const request of requests) yield mutate(request)
  })()
}
