// Adapter names → create functions, and target specs → ready adapters. The plugin seam: a
// user's config can `registerAdapter('my-gateway', create)` and then use `my-gateway:model`.
import { GauntletError, UserError } from '../core/errors.js'
import { ANTHROPIC_BASE_URL_ENV, ANTHROPIC_DEFAULT_BASE_URL, createAnthropicAdapter } from './anthropic/index.js'
import { AZURE_ENDPOINT_ENV, createAzureAdapter } from './azure/index.js'
import {
  OPENAI_BASE_URL_ENV,
  OPENAI_DEFAULT_BASE_URL,
  createOpenAiAdapter,
  createOpenAiCompatibleAdapter,
} from './openai-compatible/index.js'
import { envValue } from './settings.js'
import { allowTargetAdapterName, BUILTIN_ADAPTERS, mockEndpointTarget, type TargetSpec } from './target.js'
import type { Adapter, AdapterSettings, CreateAdapter } from './types.js'

const factories = new Map<string, CreateAdapter>([
  ['openai', createOpenAiAdapter],
  ['openai-compatible', createOpenAiCompatibleAdapter],
  ['anthropic', createAnthropicAdapter],
  ['azure', createAzureAdapter],
])

export interface RegisterAdapterOptions {
  /** Replace an adapter already registered under this name (built-ins included). */
  replace?: boolean
}

/**
 * Adds an adapter under `name` (lower-case letters, digits, dashes; not `mock`). Registering the
 * same function again is a no-op; a different one needs `{ replace: true }`.
 */
export function registerAdapter(name: string, create: CreateAdapter, options: RegisterAdapterOptions = {}): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name === 'mock') {
    throw new UserError('CONFIG_INVALID', `adapter name '${name}': expected lower-case letters, digits and dashes (not 'mock'); e.g. 'my-gateway'`)
  }
  if (typeof create !== 'function') {
    throw new UserError('CONFIG_INVALID', `adapter '${name}': expected a create function (settings) => Adapter, received ${typeof create}`)
  }
  // Loading the same config twice registers the same function again: that is not a clash.
  if (factories.get(name) === create) return
  if (factories.has(name) && options.replace !== true) {
    throw new UserError('CONFIG_INVALID', `adapter '${name}' is already registered; pick another name or pass { replace: true }`)
  }
  factories.set(name, create)
  allowTargetAdapterName(name)
}

export function getAdapterFactory(name: string): CreateAdapter | undefined {
  return factories.get(name)
}

/** Registered names, built-ins first. */
export function listAdapters(): string[] {
  const builtins: readonly string[] = BUILTIN_ADAPTERS
  return [...builtins, ...[...factories.keys()].filter((name) => !builtins.includes(name))]
}

/** Settings shared by every target of a run (a target spec supplies adapter, model, base URL). */
export type TargetAdapterOptions = Omit<AdapterSettings, 'model' | 'baseUrl'> & {
  /** Root URL of the started embedded mock (`http://127.0.0.1:PORT`), for `mock:` targets. */
  mockBaseUrl?: string
}

/**
 * Creates the adapter a target names. Raises `ADAPTER_MISSING_KEY` (before anything is sent)
 * when a real vendor's key is missing, `TARGET_INVALID` for bad endpoints. A `mock` spec needs
 * the started mock's root URL (`options.mockBaseUrl`, or the spec's `baseUrl`).
 */
export function createAdapterFromTarget(spec: TargetSpec, options: TargetAdapterOptions = {}): Adapter {
  const { mockBaseUrl, ...settings } = options
  if (spec.adapter === 'mock') {
    const root = mockBaseUrl ?? spec.baseUrl
    if (root === undefined) {
      throw new GauntletError('INTERNAL', `target ${spec.label}: createAdapterFromTarget needs mockBaseUrl (start the mock first)`)
    }
    return createAdapterFromTarget(mockEndpointTarget(spec, root), settings)
  }
  const create = factories.get(spec.adapter)
  if (create === undefined) {
    throw new UserError('TARGET_INVALID', `target ${spec.label}: unknown adapter '${spec.adapter}' (expected one of ${listAdapters().join(', ')}, mock); register it with registerAdapter() first`)
  }
  return create({ ...settings, model: spec.model, ...(spec.baseUrl === undefined ? {} : { baseUrl: spec.baseUrl }) })
}

/**
 * Where a built-in adapter sends requests when the target names no base URL (for a chaos
 * proxy put in front of it). Undefined when there is none (openai-compatible/azure unset).
 */
export function defaultBaseUrl(adapter: string, env: Record<string, string | undefined> = process.env): string | undefined {
  switch (adapter) {
    case 'openai':
      return envValue(env, OPENAI_BASE_URL_ENV) ?? OPENAI_DEFAULT_BASE_URL
    case 'openai-compatible':
      return envValue(env, OPENAI_BASE_URL_ENV)
    case 'anthropic':
      return envValue(env, ANTHROPIC_BASE_URL_ENV) ?? ANTHROPIC_DEFAULT_BASE_URL
    case 'azure':
      return envValue(env, AZURE_ENDPOINT_ENV)
    default:
      return undefined
  }
}
