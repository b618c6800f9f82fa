// blackhole: the connection is accepted and the request read, then nothing: no headers, no bytes.
// With `timeout` > 0 the connection is closed (FIN, no response) after that many ms, as
// Toxiproxy's timeout toxic; with 0 it stays open until the client gives up. The upstream is
// never contacted. If the fault is removed meanwhile, the held request is forwarded.
import { z } from 'zod'
import type { CreateFault } from '../types.js'

export const blackholeParams = z.strictObject({
  /** Close the connection after this many ms; 0 keeps it open until the client leaves. */
  timeout: z.number().min(0).default(0),
})

export type BlackholeParams = z.output<typeof blackholeParams>

export const createBlackholeFault: CreateFault<BlackholeParams> = (params) => ({
  type: 'blackhole',
  async onRequest(context) {
    const elapsed = await context.sleep(params.timeout > 0 ? params.timeout : Number.POSITIVE_INFINITY)
    if (elapsed) context.close()
    return undefined
  },
})
