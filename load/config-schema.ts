// The config file's schema: every field of GauntletConfig, and the one-line-per-problem errors.
// Loaded by load/config.ts only when a config file exists.
import { z } from 'zod'
import type { CreateAdapter } from '../adapters/types.js'
import type { registerFault } from '../chaos/registry.js'
import { UserError } from '../core/errors.js'
import type { Sink } from '../results/types.js'
import type { GauntletConfig } from './config.js'

const sinkSchema = z.custom<Sink>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Sink).name === 'string' && typeof (value as Sink).record === 'function',
  { message: 'must be an object with a name and a record(sample) function' },
)

const configSchema = z.strictObject({
  target: z.string().min(1).optional(),
  targets: z.array(z.string().min(1)).optional(),
  traffic: z.string().min(1).optional(),
  preset: z.strictObject({ name: z.string().min(1), employees: z.number().int().positive().optional() }).optional(),
  thresholds: z.array(z.string().min(1)).optional(),
  slo: z.strictObject({ ttft_ms: z.number().positive().optional(), e2e_ms: z.number().positive().optional(), tpot_ms: z.number().positive().optional() }).optional(),
  patience: z.string().optional(),
  retries: z.union([z.literal('off'), z.literal('sdk'), z.number().int().min(0).max(10)]).optional(),
  maxSpendUsd: z.number().min(0).optional(),
  chaos: z.string().optional(),
  out: z.string().optional(),
  prices: z.string().optional(),
  seed: z.number().int().min(0).optional(),
  sinks: z.array(sinkSchema).optional(),
  plugins: z
    .strictObject({
      adapters: z.record(z.string(), z.custom<CreateAdapter>((v) => typeof v === 'function', { message: 'must be a function (settings) => Adapter' })).optional(),
      faults: z.record(z.string(), z.custom<Parameters<typeof registerFault>[1]>((v) => typeof v === 'function', { message: 'must be a function (spec) => Fault' })).optional(),
    })
    .optional(),
})

/** Every problem at once, one per line, each naming the file and field. */
export function validateConfig(value: unknown, file: string): GauntletConfig {
  const parsed = configSchema.safeParse(value)
  if (parsed.success) return parsed.data as GauntletConfig
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.') || '(top level)'
    if (issue.code === 'unrecognized_keys') {
      return `${file}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${[...issue.path, k].join('.')}'`).join(', ')}; remove it or check the spelling (known: ${Object.keys(configSchema.shape).join(', ')})`
    }
    return `${file}: field '${field}' ${issue.message}`
  })
  throw new UserError('CONFIG_INVALID', problems.join('\n'))
}
