// The config file (`gauntlet.config.ts|js|mjs|json`): targets, thresholds, patience, retries,
// chaos, and plugins (a user's own adapters, faults and sinks, registered through our registries).
// Its schema (zod) and the chaos registry are imported only when there is a config file: a run
// without one loads neither.
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { registerAdapter } from '../adapters/registry.js'
import type { CreateAdapter } from '../adapters/types.js'
import type { registerFault } from '../chaos/registry.js'
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
  const config = (await import('./config-schema.js')).validateConfig(raw, file)
  for (const [name, create] of Object.entries(config.plugins?.adapters ?? {})) registerAdapter(name, create)
  const faults = Object.entries(config.plugins?.faults ?? {})
  if (faults.length > 0) {
    const registry = await import('../chaos/registry.js')
    for (const [type, create] of faults) registry.registerFault(type, create)
  }
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
