// What the registry knows about `azure`: how to create it, where it sends without `@URL`, and
// that a target must name the resource endpoint when AZURE_OPENAI_ENDPOINT is unset.
import { envValue } from '../settings.js'
import type { AdapterDefinition } from '../types.js'
import { AZURE_ENDPOINT_ENV, createAzureAdapter } from './index.js'

export const azureDefinition: AdapterDefinition = {
  create: createAzureAdapter,
  defaultBaseUrl: (env) => envValue(env, AZURE_ENDPOINT_ENV),
  baseUrlRequired: {
    problem: 'azure needs its resource endpoint',
    fix: (model) => `append @https://RESOURCE.openai.azure.com (e.g. azure:${model}@https://my-resource.openai.azure.com) or set ${AZURE_ENDPOINT_ENV}`,
  },
}
