// What the registry knows about `anthropic`: how to create it and where it sends without `@URL`.
import { envValue } from '../settings.js'
import type { AdapterDefinition } from '../types.js'
import { ANTHROPIC_BASE_URL_ENV, ANTHROPIC_DEFAULT_BASE_URL, createAnthropicAdapter } from './index.js'

export const anthropicDefinition: AdapterDefinition = {
  create: createAnthropicAdapter,
  defaultBaseUrl: (env) => envValue(env, ANTHROPIC_BASE_URL_ENV) ?? ANTHROPIC_DEFAULT_BASE_URL,
}
