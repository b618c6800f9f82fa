// slow-tokens: stretches the gaps between content events, either by a fixed delay per event or by
// capping the rate at `tokens_per_second` (tokens counted with tiktoken o200k_base, at least one
// per content event). The first content event is not held: TTFT is first-token-delay's job.
import { z } from 'zod'
import { classifyFrame, contentText, sseFrames } from '../sse-frames.js'
import type { CreateFault } from '../types.js'

export const slowTokensParams = z
  .strictObject({
    /** Extra wait before each content event after the first, ms. */
    delay_ms: z.number().min(0).optional(),
    /** Uniform ± spread around `delay_ms`, ms. */
    jitter_ms: z.number().min(0).default(0),
    /** Cap on the output rate: content events are released no faster than this. */
    tokens_per_second: z.number().positive().optional(),
  })
  .superRefine((params, context) => {
    if ((params.delay_ms === undefined) === (params.tokens_per_second === undefined)) {
      context.addIssue({ code: 'custom', path: [], message: `${params.delay_ms === undefined ? 'neither' : 'both'} of delay_ms and tokens_per_second given; fix: give exactly one` })
    }
  })

export type SlowTokensParams = z.output<typeof slowTokensParams>

type CountTokens = (text: string) => number

export const createSlowTokensFault: CreateFault<SlowTokensParams> = (params) => {
  // Loading the tokenizer costs a few hundred ms of CPU: start it when the fault is created,
  // not on the first streamed event.
  const counter: Promise<CountTokens> | undefined =
    params.tokens_per_second === undefined
      ? undefined
      : import('../../core/tokens.js').then((tokens) => {
          tokens.countTokens('warm up')
          return (text: string) => tokens.countTokens(text)
        })
  counter?.catch(() => undefined)
  return {
    type: 'slow-tokens',
    async *pipe(body, context) {
      if (context.response?.eventStream !== true) {
        yield* body
        return
      }
      const count = counter === undefined ? undefined : await counter
      let firstAtMs: number | undefined
      let tokensBefore = 0
      for await (const frame of sseFrames(body)) {
        if (classifyFrame(frame) !== 'content' || context.interrupted) {
          yield frame.raw
          continue
        }
        if (firstAtMs === undefined) {
          firstAtMs = context.clock.now()
        } else if (params.tokens_per_second !== undefined) {
          // Release at the time the tokens sent so far take at the capped rate (no drift).
          const dueAtMs = firstAtMs + (tokensBefore * 1000) / params.tokens_per_second
          const waitMs = dueAtMs - context.clock.now()
          if (waitMs > 0) await context.sleep(waitMs)
        } else {
          const jitter = params.jitter_ms > 0 ? context.random.uniform(-params.jitter_ms, params.jitter_ms) : 0
          await context.sleep(Math.max(0, (params.delay_ms ?? 0) + jitter))
        }
        if (count !== undefined) tokensBefore += Math.max(1, count(contentText(frame) ?? ''))
        yield frame.raw
      }
    },
  }
}
