// first-token-delay: headers and preamble events arrive on time, then the first event that carries
// output text (and so everything after it) is held: TTFT grows, inter-token gaps do not.
import { z } from 'zod'
import { classifyFrame, sseFrames } from '../sse-frames.js'
import type { CreateFault } from '../types.js'

export const firstTokenDelayParams = z.strictObject({
  /** How long the first content event is held, ms. */
  delay_ms: z.number().min(0),
  /** Uniform ± spread around `delay_ms`, ms. */
  jitter_ms: z.number().min(0).default(0),
})

export type FirstTokenDelayParams = z.output<typeof firstTokenDelayParams>

export const createFirstTokenDelayFault: CreateFault<FirstTokenDelayParams> = (params) => ({
  type: 'first-token-delay',
  async *pipe(body, context) {
    if (context.response?.eventStream !== true) {
      yield* body
      return
    }
    let held = false
    for await (const frame of sseFrames(body)) {
      if (!held && classifyFrame(frame) === 'content') {
        held = true
        const jitter = params.jitter_ms > 0 ? context.random.uniform(-params.jitter_ms, params.jitter_ms) : 0
        await context.sleep(Math.max(0, params.delay_ms + jitter))
      }
      yield frame.raw
    }
  },
})
