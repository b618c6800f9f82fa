// stall: the stream stops mid-way with the socket open (no bytes, no close), after `after_events`
// SSE events, for `duration_ms`; then it continues, or with `then: "hang"` never resumes.
import { z } from 'zod'
import { sseFrames } from '../sse-frames.js'
import type { CreateFault } from '../types.js'

export const stallParams = z
  .strictObject({
    /** SSE events passed through before the stall (every event counts, content or not). */
    after_events: z.number().int().min(0).default(1),
    /** Length of the stall, ms. Required unless `then` is `hang`. */
    duration_ms: z.number().min(0).optional(),
    /** After the stall: pass the rest on, or hold the socket open until the client gives up. */
    then: z.enum(['continue', 'hang']).default('continue'),
  })
  .superRefine((params, context) => {
    if (params.then === 'continue' && params.duration_ms === undefined) {
      context.addIssue({ code: 'custom', path: ['duration_ms'], message: 'missing; fix: give duration_ms, or set then: "hang" to stall until the client gives up' })
    }
  })

export type StallParams = z.output<typeof stallParams>

export const createStallFault: CreateFault<StallParams> = (params) => ({
  type: 'stall',
  async *pipe(body, context) {
    if (context.response?.eventStream !== true) {
      yield* body
      return
    }
    let passed = 0
    for await (const frame of sseFrames(body)) {
      if (passed === params.after_events && !context.interrupted) {
        await context.sleep(params.then === 'hang' ? Number.POSITIVE_INFINITY : (params.duration_ms ?? 0))
      }
      passed += 1
      yield frame.raw
    }
  },
})
