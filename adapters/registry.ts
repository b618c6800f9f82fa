// Adapter names → definitions (create function, default base URL), the one list of names: target
// parsing asks it which adapters exist. The plugin seam: a user's config can
// `registerAdapter('my-gateway', create)` and then use `my-gateway:model`.
// A built-in is its folder plus one line in `definitions` below.
import { GauntletError, UserError } from '../core/errors.js'
import { anthropicDefinition } from './anthropic/definition.js'
import { azureDefinition } from './azure/definition.js'
import { openAiCompatibleDefinition, openAiDefinition } from './openai-compatible/definition.js'
import { mockEndpointTarget, type TargetSpec } from './target-spec.js'
import type { Adapter, AdapterDefinition, AdapterSettings, CreateAdapter } from './types.js'

const definitions = new Map<string, AdapterDefinition>([
  ['openai', openAiDefinition],
  ['openai-compatible', openAiCompatibleDefinition],
  ['anthropic', anthropicDefinition],
  ['azure', azureDefinition],
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
  if (definitions.get(name)?.create === create) return
  if (definitions.has(name) && options.replace !== true) {
    throw new UserError('CONFIG_INVALID', `adapter '${name}' is already registered; pick another name or pass { replace: true }`)
  }
  definitions.set(name, { create })
}

export function getAdapterDefinition(name: string): AdapterDefinition | undefined {
  return definitions.get(name)
}

export function getAdapterFactory(name: string): CreateAdapter | undefined {
  return definitions.get(name)?.create
}

/** Registered names, built-ins first (a replaced built-in keeps its place). */
export function listAdapters(): string[] {
  return [...definitions.keys()]
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
  const create = getAdapterFactory(spec.adapter)
  if (create === undefined) {
    throw new UserError('TARGET_INVALID', `target ${spec.label}: unknown adapter '${spec.adapter}' (expected one of ${listAdapters().join(', ')}, mock); register it with registerAdapter() first`)
  }
  return create({ ...settings, model: spec.model, ...(spec.baseUrl === undefined ? {} : { baseUrl: spec.baseUrl }) })
}

/**
 * Where an adapter sends requests when the target names no base URL (for a chaos proxy put in
 * front of it). Undefined when there is none (openai-compatible/azure unset, most plugins).
 */
export function defaultBaseUrl(adapter: string, env: Record<string, string | undefined> = process.env): string | undefined {
  return definitions.get(adapter)?.defaultBaseUrl?.(env)
}
