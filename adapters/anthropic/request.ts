// ChatRequest → Anthropic Messages body and headers.
import type { ChatRequest } from '../types.js'
import { OUTPUT_TOKENS_HEADER, mergeHeaders } from '../settings.js'

export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01'

/** Messages has no JSON mode: `responseFormat: 'json'` becomes this system instruction. */
export const ANTHROPIC_JSON_INSTRUCTION = 'Respond with a single valid JSON object and nothing else.'

/**
 * System messages move to the top-level `system` field (joined by blank lines, in order); the
 * rest keep their order. `max_tokens` is required by the API, so it is always sent.
 */
export function buildMessagesBody(request: ChatRequest): Record<string, unknown> {
  const system: string[] = []
  const messages: Array<{ role: 'user' | 'assistant'; content: string }> = []
  for (const message of request.messages) {
    if (message.role === 'system') system.push(message.content)
    else messages.push({ role: message.role, content: message.content })
  }
  if (request.responseFormat === 'json') system.push(ANTHROPIC_JSON_INSTRUCTION)
  const body: Record<string, unknown> = { model: request.model, max_tokens: request.maxOutputTokens, messages }
  if (system.length > 0) body['system'] = system.join('\n\n')
  if (request.temperature !== undefined) body['temperature'] = request.temperature
  if (request.stream !== false) body['stream'] = true
  return body
}

export interface MessagesHeaderOptions {
  /** `x-api-key`; empty without a key. */
  auth: Record<string, string>
  /** `anthropic-version` header value. */
  version: string
  settingsHeaders?: Record<string, string> | undefined
}

/** Headers for one request. Order of precedence: defaults < request hints < auth < user config. */
export function buildMessagesHeaders(request: ChatRequest, options: MessagesHeaderOptions): Record<string, string> {
  const defaults: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream === false ? 'application/json' : 'text/event-stream',
    'anthropic-version': options.version,
  }
  if (request.targetOutputTokens !== undefined) defaults[OUTPUT_TOKENS_HEADER] = String(request.targetOutputTokens)
  return mergeHeaders(defaults, request.headers, options.auth, options.settingsHeaders)
}
