// bandwidth: the response body flows at `rate` KB/s (KB = 1000 bytes, as in Toxiproxy), in slices
// of at most 100 ms worth of bytes. Acts on any body, SSE or not.
import { z } from 'zod'
import type { CreateFault } from '../types.js'

export const bandwidthParams = z.strictObject({
  /** KB/s, 1 KB = 1000 bytes. */
  rate: z.number().positive(),
})

export type BandwidthParams = z.output<typeof bandwidthParams>

export const createBandwidthFault: CreateFault<BandwidthParams> = (params) => ({
  type: 'bandwidth',
  async *pipe(body, context) {
    const bytesPerMs = params.rate
    const sliceBytes = Math.max(1, Math.floor(params.rate * 100))
    let startedAtMs: number | undefined
    let sentBytes = 0
    for await (const chunk of body) {
      startedAtMs ??= context.clock.now()
      for (let offset = 0; offset < chunk.length; offset += sliceBytes) {
        const slice = chunk.subarray(offset, Math.min(chunk.length, offset + sliceBytes))
        if (!context.interrupted) {
          // A slice leaves when the link would have finished carrying it: schedule-based, no drift.
          const dueAtMs = startedAtMs + (sentBytes + slice.length) / bytesPerMs
          const waitMs = dueAtMs - context.clock.now()
          if (waitMs > 0) await context.sleep(waitMs)
        }
        sentBytes += slice.length
        yield slice
      }
    }
  },
})
