// Anthropic Messages adapter.
//
//   POST {baseUrl}/v1/messages     baseUrl WITHOUT /v1, as in the official SDK and ANTHROPIC_BASE_URL
//                                  (a trailing /v1 is tolerated and dropped, so both spellings work)
//   x-api-key: $ANTHROPIC_API_KEY, anthropic-version: 2023-06-01 (settings.apiVersion overrides)
import { createHttpTransport, displayUrl, exchange, startExchange, type JsonPost, type WireProtocol } from '../http.js'
import { collectSecrets, requireModel, resolveApiKey, resolveBaseUrl } from '../settings.js'
import type { Adapter, AdapterSettings, ChatRequest, Exchange, ExchangeHandler, StreamEvent, StreamOptions } from '../types.js'
import { parseAnthropicErrorBody } from './errors.js'
import { ANTHROPIC_DEFAULT_VERSION, buildMessagesBody, buildMessagesHeaders } from './request.js'
import { createAnthropicStreamParser, parseAnthropicBody } from './response.js'

export * from './errors.js'
export * from './request.js'
export * from './response.js'

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com'
export const ANTHROPIC_API_KEY_ENV = 'ANTHROPIC_API_KEY'
export const ANTHROPIC_BASE_URL_ENV = 'ANTHROPIC_BASE_URL'

export const anthropicProtocol: WireProtocol = {
  vendor: 'Anthropic',
  parseErrorBody: parseAnthropicErrorBody,
  createStreamParser: createAnthropicStreamParser,
  parseBody: parseAnthropicBody,
}

export function createAnthropicAdapter(settings: AdapterSettings): Adapter {
  const env = settings.env ?? process.env
  const model = requireModel(settings.model, 'anthropic')
  const target = `anthropic:${model}`
  const baseUrl = resolveBaseUrl({
    explicit: settings.baseUrl,
    envVar: ANTHROPIC_BASE_URL_ENV,
    fallback: ANTHROPIC_DEFAULT_BASE_URL,
    env,
    target,
    missingFix: `append @https://HOST to the target or set ${ANTHROPIC_BASE_URL_ENV}`,
  }).replace(/\/v1$/, '')
  const apiKey = resolveApiKey({
    explicit: settings.apiKey,
    envVar: ANTHROPIC_API_KEY_ENV,
    env,
    required: settings.requireKey ?? true,
    target,
    baseUrl,
  })
  const transport = createHttpTransport(settings)
  const url = `${baseUrl}/v1/messages`
  const auth: Record<string, string> = apiKey === undefined ? {} : { 'x-api-key': apiKey }
  const secrets = collectSecrets(apiKey, settings.headers)
  const version = settings.apiVersion ?? ANTHROPIC_DEFAULT_VERSION
  const postOf = (request: ChatRequest): JsonPost => ({
    url,
    headers: buildMessagesHeaders(request, { auth, version, settingsHeaders: settings.headers }),
    body: buildMessagesBody(request),
    secrets,
  })
  return {
    name: 'anthropic',
    model,
    baseUrl: displayUrl(baseUrl),
    stream(request: ChatRequest, options: StreamOptions): AsyncIterable<StreamEvent> {
      return exchange(transport, { ...postOf(request), signal: options.signal }, anthropicProtocol, request.stream !== false)
    },
    send(request: ChatRequest, handler: ExchangeHandler): Exchange {
      return startExchange(transport, postOf(request), anthropicProtocol, request.stream !== false, handler)
    },
  }
}
