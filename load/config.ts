// The config file (`gauntlet.config.ts|js|mjs|json`): targets, thresholds, patience, retries,
// chaos, and plugins (a user's own adapters, faults and sinks, registered through our registries).
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { registerAdapter } from '../adapters/registry.js'
import type { CreateAdapter } from '../adapters/types.js'
import { registerFault } from '../chaos/registry.js'
import { UserError } from '../core/errors.js'
import type { Slo } from '../results/summary.js'
import type { Sink } from '../results/types.js'

export interface GauntletConfig {
  /** Default target for `run`: `adapter:model[@baseURL]` or `mock:PROFILE`. */
  target?: string
  /** Targets for `compare`. */
  targets?: string[]
  /** Default traffic file. */
  traffic?: string
  /** Default preset when no traffic file is given. */
  preset?: { name: string; employees?: number }
  thresholds?: string[]
  slo?: Slo
  /** `--patience` syntax, e.g. 'ttft=4s,e2e=10s,quit=3/5' or 'off'. */
  patience?: string
  retries?: 'off' | 'sdk' | number
  maxSpendUsd?: number
  /** Fault timeline file. */
  chaos?: string
  /** Run folder. */
  out?: string
  /** Price table override (JSON). */
  prices?: string
  seed?: number
  /** Your own sinks (e.g. push each record to a metrics system). */
  sinks?: Sink[]
  plugins?: {
    /** name -> factory; used as `--target name:model[@baseURL]`. */
    adapters?: Record<string, CreateAdapter>
    /** fault type -> factory; used by type name in timelines and `--faults`. */
    faults?: Record<string, Parameters<typeof registerFault>[1]>
  }
}

/** Typed helper for `gauntlet.config.ts`. */
export function defineConfig(config: GauntletConfig): GauntletConfig {
  return config
}

const CONFIG_NAMES = ['gauntlet.config.ts', 'gauntlet.config.mjs', 'gauntlet.config.js', 'gauntlet.config.json']

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

/** Loads, validates and applies (plugin registration) a config; `{}` when there is none. */
export async function loadConfig(path?: string, cwd = process.cwd()): Promise<GauntletConfig> {
  let file: string | undefined
  if (path !== undefined) {
    file = resolve(cwd, path)
    if (!existsSync(file)) throw new UserError('FILE_NOT_FOUND', `--config ${path}: no such file; check the path`)
  } else {
    file = CONFIG_NAMES.map((name) => join(cwd, name)).find((candidate) => existsSync(candidate))
  }
  if (file === undefined) return {}
  const raw = await importConfig(file)
  const config = validateConfig(raw, file)
  for (const [name, create] of Object.entries(config.plugins?.adapters ?? {})) registerAdapter(name, create)
  for (const [type, create] of Object.entries(config.plugins?.faults ?? {})) registerFault(type, create)
  return config
}

async function importConfig(file: string): Promise<unknown> {
  const extension = extname(file)
  try {
    if (extension === '.json') {
      const { readFile } = await import('node:fs/promises')
      const text = await readFile(file, 'utf8')
      try {
        return JSON.parse(text) as unknown
      } catch (error) {
        throw new UserError('CONFIG_INVALID', `${file}: is not valid JSON (${(error as Error).message}); fix the syntax (no trailing commas or comments in JSON), or write gauntlet.config.ts instead`, { cause: error })
      }
    }
    if (extension === '.ts') {
      // Compile the TypeScript config to a temporary ES module with esbuild (no loader needed).
      const { build } = await import('esbuild')
      // Written beside the config so that its imports resolve from the user's project.
      const out = join(dirname(file), `.gauntlet.config.${process.pid}.mjs`)
      try {
        await build({ entryPoints: [file], outfile: out, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent', target: 'node20' })
        const module = (await import(pathToFileURL(out).href)) as { default?: unknown }
        return module.default
      } finally {
        await rm(out, { force: true })
      }
    }
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown }
    return module.default
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError('CONFIG_INVALID', `${file}: could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); it must export a config object (export default defineConfig({...}))`, { cause: error })
  }
}
