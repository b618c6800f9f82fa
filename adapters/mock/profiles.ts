// Named mock profiles (instant, fast, typical-cloud, overloaded, exact) and validation of custom ones.
import { z } from 'zod'
import { UserError } from '../../core/errors.js'
import type { MockProfile } from './types.js'

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'mock-model']

const ZERO_TIMING = {
  overheadMs: 0,
  overheadJitter: 0,
  prefillMsPerToken: 0,
  maxPrefillTokensPerStep: 1_000_000,
  decodeBaseMs: 0,
  decodeMsPerSequence: 0,
}

const INSTANT: MockProfile = {
  name: 'instant',
  description: 'no delays, no capacity limit: each answer is written at once (benchmarks of the client side)',
  models: ['mock-instant', ...DEFAULT_MODELS],
  strictModels: false,
  priceAs: 'gpt-4o-mini',
  contextWindow: 128_000,
  defaultOutputTokens: 64,
  capacity: 1_000_000,
  maxQueue: 0,
  timing: ZERO_TIMING,
  exact: { ttftMs: 0, itlMs: 0 },
  retryAfterSeconds: 1,
  maxBodyBytes: 8 * 1024 * 1024,
}

export const MOCK_PROFILES: Record<string, MockProfile> = {
  instant: INSTANT,
  fast: {
    name: 'fast',
    description: 'a fast local server: TTFT ~10 ms, ~500 tokens/s per stream, 256 sequences',
    models: ['mock-fast', ...DEFAULT_MODELS],
    strictModels: false,
    priceAs: 'gpt-4o-mini',
    contextWindow: 128_000,
    defaultOutputTokens: 64,
    capacity: 256,
    maxQueue: 1024,
    timing: {
      overheadMs: 5,
      overheadJitter: 0,
      prefillMsPerToken: 0.002,
      maxPrefillTokensPerStep: 16_384,
      decodeBaseMs: 2,
      decodeMsPerSequence: 0.01,
    },
    retryAfterSeconds: 1,
    maxBodyBytes: 8 * 1024 * 1024,
  },
  'typical-cloud': {
    name: 'typical-cloud',
    description:
      'a hosted small model (GPT-4o-mini class) at a department peak: TTFT ~0.3 s idle, ~90 tokens/s per stream idle and ~60 at capacity, 64 sequences, queue of 64',
    models: ['mock-typical-cloud', ...DEFAULT_MODELS],
    strictModels: false,
    priceAs: 'gpt-4o-mini',
    contextWindow: 128_000,
    defaultOutputTokens: 256,
    capacity: 64,
    maxQueue: 64,
    timing: {
      overheadMs: 250,
      overheadJitter: 0.25,
      prefillMsPerToken: 0.02,
      maxPrefillTokensPerStep: 2048,
      decodeBaseMs: 11,
      decodeMsPerSequence: 0.08,
    },
    rateLimits: { requestsPerMinute: 5000, tokensPerMinute: 4_000_000 },
    retryAfterSeconds: 1,
    maxBodyBytes: 8 * 1024 * 1024,
  },
  overloaded: {
    name: 'overloaded',
    description: 'an endpoint past its limits: 8 sequences, queue of 8, slow decode, tight per-key rate limits',
    models: ['mock-overloaded', ...DEFAULT_MODELS],
    strictModels: false,
    priceAs: 'gpt-4o-mini',
    contextWindow: 128_000,
    defaultOutputTokens: 256,
    capacity: 8,
    maxQueue: 8,
    timing: {
      overheadMs: 400,
      overheadJitter: 0.4,
      prefillMsPerToken: 0.08,
      maxPrefillTokensPerStep: 2048,
      decodeBaseMs: 30,
      decodeMsPerSequence: 4,
    },
    rateLimits: { requestsPerMinute: 120, tokensPerMinute: 200_000 },
    retryAfterSeconds: 2,
    maxBodyBytes: 8 * 1024 * 1024,
  },
  // Instant's limits with exact timings.
  exact: {
    ...INSTANT,
    name: 'exact',
    description: 'ground truth for the engine: TTFT exactly 200 ms and 20 ms between tokens, whatever the load',
    models: ['mock-exact', ...DEFAULT_MODELS],
    defaultOutputTokens: 32,
    exact: { ttftMs: 200, itlMs: 20 },
  },
  // Instant, but it reads the table in the prompt (adapters/mock/oracle.ts); last, so the list keeps its order.
  oracle: {
    ...INSTANT,
    name: 'oracle',
    description: 'answers table questions in the prompt with a naive CSV reader (split on newlines and commas), at once: answer accuracy tests',
    models: ['mock-oracle', ...DEFAULT_MODELS],
    behaviour: 'oracle',
  },
}

const nonNegative = z.number().finite().nonnegative()
const positiveInt = z.number().int().positive()

const prefixCacheSchema = z.union([
  z.literal(false),
  z.strictObject({
    capacityTokens: z.number().int().nonnegative().optional(),
    minTokens: z.number().int().nonnegative().optional(),
    cachedPrefillFactor: z.number().finite().min(0).max(1).optional(),
  }),
])

const profileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  models: z.array(z.string().min(1)).min(1),
  strictModels: z.boolean(),
  priceAs: z.string().min(1),
  contextWindow: positiveInt,
  defaultOutputTokens: z.number().int().nonnegative(),
  capacity: positiveInt,
  maxQueue: z.number().int().nonnegative(),
  timing: z.strictObject({
    overheadMs: nonNegative,
    overheadJitter: nonNegative,
    prefillMsPerToken: nonNegative,
    maxPrefillTokensPerStep: positiveInt,
    decodeBaseMs: nonNegative,
    decodeMsPerSequence: nonNegative,
  }),
  exact: z.strictObject({ ttftMs: nonNegative, itlMs: nonNegative }).optional(),
  rateLimits: z
    .strictObject({ requestsPerMinute: positiveInt.optional(), tokensPerMinute: positiveInt.optional() })
    .optional(),
  retryAfterSeconds: nonNegative,
  maxBodyBytes: positiveInt,
  prefixCache: prefixCacheSchema.optional(),
  behaviour: z.enum(['oracle']).optional(),
})

/** A named profile. Unknown names are a CONFIG_INVALID error listing the known ones. */
export function getMockProfile(name: string): MockProfile {
  const profile = Object.hasOwn(MOCK_PROFILES, name) ? MOCK_PROFILES[name] : undefined
  if (profile === undefined) {
    throw new UserError(
      'CONFIG_INVALID',
      `mock profile: unknown profile "${name}"; expected one of ${Object.keys(MOCK_PROFILES).join(', ')}`,
    )
  }
  return profile
}

/** A name or a custom profile object, validated (every problem listed, unknown keys rejected). */
export function resolveMockProfile(profile: string | MockProfile): MockProfile {
  if (typeof profile === 'string') return getMockProfile(profile)
  const parsed = profileSchema.safeParse(profile)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    throw new UserError(
      'CONFIG_INVALID',
      `mock profile "${String((profile as { name?: unknown }).name)}": ${problems.join('; ')} (see adapters/mock/README.md for every field)`,
    )
  }
  return parsed.data
}
