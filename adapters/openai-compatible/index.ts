// OpenAI Chat Completions adapter (`openai`, `openai-compatible`), and the core Azure reuses.
//
//   POST {baseUrl}/chat/completions     baseUrl includes /v1, as in the OpenAI SDK and OPENAI_BASE_URL
//   Authorization: Bearer $OPENAI_API_KEY   (omitted when no key is set and none is needed)
import { createHttpTransport, displayUrl, exchange, startExchange, type HttpTransport, type JsonPost, type WireProtocol } from '../http.js'
import { collectSecrets, requireModel, resolveApiKey, resolveBaseUrl } from '../settings.js'
import type { Adapter, AdapterSettings, ChatRequest, Exchange, ExchangeHandler, StreamEvent, StreamOptions } from '../types.js'
import { isPrivateNetworkUrl } from '../urls.js'
import { parseOpenAiErrorBody } from './errors.js'
import { buildChatCompletionsBody, buildChatCompletionsHeaders, type MaxTokensField } from './request.js'
import { createOpenAiStreamParser, parseOpenAiBody } from './response.js'

export * from './errors.js'
export * from './request.js'
export * from './response.js'

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1'
export const OPENAI_API_KEY_ENV = 'OPENAI_API_KEY'
export const OPENAI_BASE_URL_ENV = 'OPENAI_BASE_URL'

export interface OpenAiCompatibleSettings extends AdapterSettings {
  /**
   * Name of the max-tokens field. Default: `max_completion_tokens` for api.openai.com (its
   * reasoning models reject `max_tokens`), `max_tokens` for every other server.
   */
  maxTokensField?: MaxTokensField
}

export function createOpenAiProtocol(vendor: string): WireProtocol {
  return {
    vendor,
    parseErrorBody: parseOpenAiErrorBody,
    createStreamParser: () => createOpenAiStreamParser(vendor),
    parseBody: (text, out) => parseOpenAiBody(text, out, vendor),
  }
}

/** Everything a Chat Completions adapter needs once settings are resolved (Azure builds its own). */
export interface OpenAiChatAdapterConfig {
  name: string
  model: string
  /** Full endpoint URL, query included. */
  url: string
  /** Shown in records: no secrets. */
  displayBaseUrl: string
  auth: Record<string, string>
  secrets: readonly string[]
  transport: HttpTransport
  settingsHeaders?: Record<string, string> | undefined
  maxTokensField: MaxTokensField
  vendor: string
}

export function createOpenAiChatAdapter(config: OpenAiChatAdapterConfig): Adapter {
  const protocol = createOpenAiProtocol(config.vendor)
  const postOf = (request: ChatRequest): JsonPost => ({
    url: config.url,
    headers: buildChatCompletionsHeaders(request, { auth: config.auth, settingsHeaders: config.settingsHeaders }),
    body: buildChatCompletionsBody(request, { maxTokensField: config.maxTokensField }),
    secrets: config.secrets,
  })
  return {
    name: config.name,
    model: config.model,
    baseUrl: config.displayBaseUrl,
    stream(request: ChatRequest, options: StreamOptions): AsyncIterable<StreamEvent> {
      return exchange(config.transport, { ...postOf(request), signal: options.signal }, protocol, request.stream !== false)
    },
    send(request: ChatRequest, handler: ExchangeHandler): Exchange {
      return startExchange(config.transport, postOf(request), protocol, request.stream !== false, handler)
    },
  }
}

function createOpenAiFlavour(settings: OpenAiCompatibleSettings, name: 'openai' | 'openai-compatible'): Adapter {
  const env = settings.env ?? process.env
  const model = requireModel(settings.model, name)
  const target = `${name}:${model}`
  const baseUrl = resolveBaseUrl({
    explicit: settings.baseUrl,
    envVar: OPENAI_BASE_URL_ENV,
    ...(name === 'openai' ? { fallback: OPENAI_DEFAULT_BASE_URL } : {}),
    env,
    target,
    missingFix: `append @http://HOST:PORT/v1 to the target (e.g. openai-compatible:${model}@http://127.0.0.1:8000/v1) or set ${OPENAI_BASE_URL_ENV}`,
  })
  // Self-hosted servers on a private network usually run without keys; vendor APIs never do.
  const required = settings.requireKey ?? (name === 'openai' || !isPrivateNetworkUrl(baseUrl))
  const apiKey = resolveApiKey({ explicit: settings.apiKey, envVar: OPENAI_API_KEY_ENV, env, required, target, baseUrl })
  const host = new URL(baseUrl).hostname
  return createOpenAiChatAdapter({
    name,
    model,
    url: `${baseUrl}/chat/completions`,
    displayBaseUrl: displayUrl(baseUrl),
    auth: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
    secrets: collectSecrets(apiKey, settings.headers),
    transport: createHttpTransport(settings),
    settingsHeaders: settings.headers,
    maxTokensField: settings.maxTokensField ?? (host === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens'),
    vendor: host === 'api.openai.com' ? 'OpenAI' : 'OpenAI-compatible server',
  })
}

/** Any Chat Completions server; base URL from the target or OPENAI_BASE_URL (required). */
export function createOpenAiCompatibleAdapter(settings: OpenAiCompatibleSettings): Adapter {
  return createOpenAiFlavour(settings, 'openai-compatible')
}

/** OpenAI itself: base URL defaults to OPENAI_BASE_URL or https://api.openai.com/v1; key required. */
export function createOpenAiAdapter(settings: OpenAiCompatibleSettings): Adapter {
  return createOpenAiFlavour(settings, 'openai')
}
