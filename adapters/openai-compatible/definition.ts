// What the registry knows about `openai` and `openai-compatible`: how to create them, where they
// send without `@URL`, and (openai-compatible) that a target must name a base URL.
import { envValue } from '../settings.js'
import type { AdapterDefinition } from '../types.js'
import { createOpenAiAdapter, createOpenAiCompatibleAdapter, OPENAI_BASE_URL_ENV, OPENAI_DEFAULT_BASE_URL } from './index.js'

export const openAiDefinition: AdapterDefinition = {
  create: createOpenAiAdapter,
  defaultBaseUrl: (env) => envValue(env, OPENAI_BASE_URL_ENV) ?? OPENAI_DEFAULT_BASE_URL,
}

export const openAiCompatibleDefinition: AdapterDefinition = {
  create: createOpenAiCompatibleAdapter,
  defaultBaseUrl: (env) => envValue(env, OPENAI_BASE_URL_ENV),
  baseUrlRequired: {
    problem: 'openai-compatible needs a base URL',
    fix: (model) => `append @http://HOST:PORT/v1 (e.g. openai-compatible:${model}@http://127.0.0.1:8000/v1) or set ${OPENAI_BASE_URL_ENV}`,
  },
}
