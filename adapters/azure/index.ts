// Azure OpenAI adapter: the Chat Completions protocol on a deployment URL with an `api-key` header.
//
//   POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version={version}
//   endpoint: target @URL or AZURE_OPENAI_ENDPOINT   key: AZURE_OPENAI_API_KEY
//   version:  settings.apiVersion, OPENAI_API_VERSION, or AZURE_DEFAULT_API_VERSION
// The target's model is the deployment name. Entra ID (bearer token) auth is not supported yet.
import { UserError } from '../../core/errors.js'
import { createHttpTransport, displayUrl, redactUrl } from '../http.js'
import { createOpenAiChatAdapter, type OpenAiCompatibleSettings } from '../openai-compatible/index.js'
import { collectSecrets, envValue, requireModel, resolveApiKey, resolveBaseUrl } from '../settings.js'
import type { Adapter } from '../types.js'

/** The latest GA data-plane version when this was written; it accepts `max_completion_tokens`. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21'
export const AZURE_API_KEY_ENV = 'AZURE_OPENAI_API_KEY'
export const AZURE_ENDPOINT_ENV = 'AZURE_OPENAI_ENDPOINT'
export const AZURE_API_VERSION_ENV = 'OPENAI_API_VERSION'

export function buildAzureChatUrl(endpoint: string, deployment: string, apiVersion: string): string {
  return `${endpoint}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${encodeURIComponent(apiVersion)}`
}

export function createAzureAdapter(settings: OpenAiCompatibleSettings): Adapter {
  const env = settings.env ?? process.env
  const deployment = requireModel(settings.model, 'azure', 'deployment')
  const target = `azure:${deployment}`
  // People paste the endpoint with or without `/openai`; the path is ours to add.
  const endpoint = resolveBaseUrl({
    explicit: settings.baseUrl,
    envVar: AZURE_ENDPOINT_ENV,
    env,
    target,
    missingFix: `append @https://RESOURCE.openai.azure.com (e.g. azure:${deployment}@https://my-resource.openai.azure.com) or set ${AZURE_ENDPOINT_ENV}`,
  }).replace(/\/openai$/, '')
  if (new URL(endpoint).search !== '') {
    throw new UserError('TARGET_INVALID', `target ${target}: endpoint '${redactUrl(endpoint)}' has a query string; give only https://RESOURCE.openai.azure.com (the api-version comes from ${AZURE_API_VERSION_ENV})`)
  }
  const apiVersion = settings.apiVersion ?? envValue(env, AZURE_API_VERSION_ENV) ?? AZURE_DEFAULT_API_VERSION
  const apiKey = resolveApiKey({
    explicit: settings.apiKey,
    envVar: AZURE_API_KEY_ENV,
    env,
    required: settings.requireKey ?? true,
    target,
    baseUrl: endpoint,
  })
  return createOpenAiChatAdapter({
    name: 'azure',
    model: deployment,
    url: buildAzureChatUrl(endpoint, deployment, apiVersion),
    displayBaseUrl: displayUrl(endpoint),
    auth: apiKey === undefined ? {} : { 'api-key': apiKey },
    secrets: collectSecrets(apiKey, settings.headers),
    transport: createHttpTransport(settings),
    settingsHeaders: settings.headers,
    maxTokensField: settings.maxTokensField ?? 'max_completion_tokens',
    vendor: 'Azure OpenAI',
  })
}
