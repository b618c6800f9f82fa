// reset: the connection dies with a TCP RST (Toxiproxy's reset_peer). With no parameter, before
// any header is sent and without contacting the upstream; with `after_events`, after that many
// SSE events; with `limit_data`, after exactly that many body bytes; with `timeout`, that many ms
// after the request arrived, wherever the exchange then is.
import { z } from 'zod'
import { sseFrames } from '../sse-frames.js'
import type { CreateFault } from '../types.js'

export const resetParams = z
  .strictObject({
    /** SSE events passed through before the reset. */
    after_events: z.number().int().min(0).optional(),
    /** Body bytes passed through before the reset (Toxiproxy's limit_data). */
    limit_data: z.number().int().min(0).optional(),
    /** Reset this many ms after the request arrived. */
    timeout: z.number().min(0).optional(),
  })
  .superRefine((params, context) => {
    const given = [params.after_events, params.limit_data, params.timeout].filter((value) => value !== undefined)
    if (given.length > 1) {
      context.addIssue({ code: 'custom', path: [], message: 'more than one of after_events, limit_data, timeout given; fix: keep one (or none: reset before headers)' })
    }
  })

export type ResetParams = z.output<typeof resetParams>

export const createResetFault: CreateFault<ResetParams> = (params) => {
  const { after_events: afterEvents, limit_data: limitData, timeout } = params
  const beforeHeaders = afterEvents === undefined && limitData === undefined && timeout === undefined
  return {
    type: 'reset',
    async onRequest(context) {
      if (beforeHeaders) {
        context.reset()
        return undefined
      }
      if (timeout !== undefined) {
        // Not awaited: the exchange goes on until the timer fires (a no-op once it has ended).
        context.sleep(timeout).then(
          (elapsed) => {
            if (elapsed) context.reset()
          },
          () => undefined,
        )
      }
      return undefined
    },
    async *pipe(body, context) {
      if (afterEvents !== undefined && context.response?.eventStream === true) {
        let passed = 0
        for await (const frame of sseFrames(body)) {
          if (passed === afterEvents && !context.interrupted) {
            context.reset()
            return
          }
          passed += 1
          yield frame.raw
        }
        return
      }
      if (limitData !== undefined) {
        let passed = 0
        for await (const chunk of body) {
          if (context.interrupted) {
            yield chunk
            continue
          }
          const room = limitData - passed
          if (chunk.length >= room) {
            if (room > 0) yield chunk.subarray(0, room)
            context.reset()
            return
          }
          passed += chunk.length
          yield chunk
        }
        return
      }
      yield* body
    },
  }
}
