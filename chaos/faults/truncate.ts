// truncate: the stream ends cleanly (a proper end of body, no error) but early: before `[DONE]` /
// `message_stop`, or after `after_events` events. Clients that wait for the end marker must notice.
import { z } from 'zod'
import { classifyFrame, sseFrames } from '../sse-frames.js'
import type { CreateFault } from '../types.js'

export const truncateParams = z.strictObject({
  /** End after this many SSE events instead of just before the end marker. */
  after_events: z.number().int().min(0).optional(),
})

export type TruncateParams = z.output<typeof truncateParams>

export const createTruncateFault: CreateFault<TruncateParams> = (params) => ({
  type: 'truncate',
  async *pipe(body, context) {
    if (context.response?.eventStream !== true) {
      yield* body
      return
    }
    let passed = 0
    for await (const frame of sseFrames(body)) {
      if (!context.interrupted && (passed === params.after_events || classifyFrame(frame) === 'done')) return
      passed += 1
      yield frame.raw
    }
  },
})
