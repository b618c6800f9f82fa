// latency: holds the request before it is forwarded, so the client waits longer for headers.
// `latency` ± `jitter` (uniform, as in Toxiproxy) or a drawn distribution.
import { z } from 'zod'
import type { CreateFault, FaultContext } from '../types.js'

const nonNegativeMs = z.number().min(0)

const distribution = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('lognormal'), median_ms: z.number().positive(), sigma: z.number().min(0) }),
  z.strictObject({ type: z.literal('exponential'), mean_ms: z.number().positive() }),
  z.strictObject({ type: z.literal('uniform'), min_ms: nonNegativeMs, max_ms: nonNegativeMs }),
  z.strictObject({ type: z.literal('normal'), mean_ms: nonNegativeMs, stddev_ms: nonNegativeMs }),
])

export const latencyParams = z
  .strictObject({
    /** Fixed delay, ms. */
    latency: nonNegativeMs.default(0),
    /** Uniform ± spread around `latency`, ms. */
    jitter: nonNegativeMs.default(0),
    /** Draw the delay from a distribution instead of `latency` ± `jitter`. */
    distribution: distribution.optional(),
    /** Upper bound on a drawn delay, ms (distributions have long tails). */
    max_ms: nonNegativeMs.optional(),
  })
  .superRefine((params, context) => {
    if (params.distribution !== undefined && (params.latency !== 0 || params.jitter !== 0)) {
      context.addIssue({ code: 'custom', path: ['distribution'], message: 'both latency/jitter and distribution given; fix: keep one of them' })
    }
    const d = params.distribution
    if (d?.type === 'uniform' && d.max_ms < d.min_ms) {
      context.addIssue({ code: 'custom', path: ['distribution', 'max_ms'], message: `must be ≥ min_ms (${d.min_ms}), received ${d.max_ms}; fix: swap or raise it` })
    }
  })

export type LatencyParams = z.output<typeof latencyParams>

/** The delay for one request, ms (never negative, capped by `max_ms`). */
export function drawLatencyMs(params: LatencyParams, context: Pick<FaultContext, 'random'>): number {
  const random = context.random
  const d = params.distribution
  let delay: number
  if (d === undefined) delay = params.latency + (params.jitter > 0 ? random.uniform(-params.jitter, params.jitter) : 0)
  else if (d.type === 'lognormal') delay = random.lognormal(d.median_ms, d.sigma)
  else if (d.type === 'exponential') delay = random.exponential(d.mean_ms)
  else if (d.type === 'uniform') delay = random.uniform(d.min_ms, d.max_ms)
  else delay = d.mean_ms + d.stddev_ms * random.normal()
  delay = Math.max(0, delay)
  return params.max_ms === undefined ? delay : Math.min(delay, params.max_ms)
}

export const createLatencyFault: CreateFault<LatencyParams> = (params) => ({
  type: 'latency',
  async onRequest(context) {
    await context.sleep(drawLatencyMs(params, context))
    return undefined
  },
})
