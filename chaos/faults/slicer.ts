// slicer: cuts the response body into small writes (Toxiproxy's slicer), optionally paced, so a
// client's framing must cope with events and UTF-8 characters split anywhere. Bytes unchanged.
import { z } from 'zod'
import type { CreateFault } from '../types.js'

export const slicerParams = z
  .strictObject({
    /** Mean slice size, bytes. */
    average_size: z.number().int().min(1).default(16),
    /** Slices vary uniformly by ± this many bytes. */
    size_variation: z.number().int().min(0).default(0),
    /** Pause between slices, microseconds (as in Toxiproxy). */
    delay: z.number().min(0).default(0),
  })
  .superRefine((params, context) => {
    if (params.size_variation >= params.average_size) {
      context.addIssue({ code: 'custom', path: ['size_variation'], message: `must be < average_size (${params.average_size}), received ${params.size_variation}; fix: lower it` })
    }
  })

export type SlicerParams = z.output<typeof slicerParams>

export const createSlicerFault: CreateFault<SlicerParams> = (params) => ({
  type: 'slicer',
  async *pipe(body, context) {
    for await (const chunk of body) {
      let offset = 0
      while (offset < chunk.length) {
        if (context.interrupted) {
          yield chunk.subarray(offset)
          break
        }
        const variation = params.size_variation === 0 ? 0 : context.random.int(2 * params.size_variation + 1) - params.size_variation
        const size = Math.max(1, params.average_size + variation)
        yield chunk.subarray(offset, offset + size)
        offset += size
        if (params.delay > 0 && offset < chunk.length) await context.sleep(params.delay / 1000)
      }
    }
  },
})
