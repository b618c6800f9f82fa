// ChatRequest → Chat Completions body and headers (OpenAI, vLLM, Ollama /v1, LiteLLM, TGI, llama.cpp).
import type { ChatMessage, ChatRequest } from '../types.js'
import { OUTPUT_TOKENS_HEADER, mergeHeaders } from '../settings.js'

/**
 * OpenAI renamed `max_tokens` to `max_completion_tokens` (required by its reasoning models);
 * most compatible servers still read `max_tokens`, some only that.
 */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens'

export interface ChatCompletionsBodyOptions {
  maxTokensField: MaxTokensField
}

export function buildChatCompletionsBody(request: ChatRequest, options: ChatCompletionsBodyOptions): Record<string, unknown> {
  const streaming = request.stream !== false
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(renderMessage),
    [options.maxTokensField]: request.maxOutputTokens,
  }
  const tools = toolDefinitions(request.messages)
  if (tools.length > 0) body['tools'] = tools
  if (request.temperature !== undefined) body['temperature'] = request.temperature
  if (request.responseFormat === 'json') body['response_format'] = { type: 'json_object' }
  if (streaming) {
    body['stream'] = true
    // Without it no usage arrives in a stream, and spend would have to be estimated.
    body['stream_options'] = { include_usage: true }
  }
  return body
}

/**
 * Plain messages keep the `{role, content}` shape. A tool call becomes an assistant message with
 * `tool_calls` (its content is the JSON arguments); a tool result carries `tool_call_id`.
 * `cache` marks are dropped: OpenAI caches prefixes automatically.
 */
function renderMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'assistant' && message.toolCall !== undefined) {
    const { id, name } = message.toolCall
    return { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: message.content } }] }
  }
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content }
  return { role: message.role, content: message.content }
}

/**
 * OpenAI rejects tool messages in a request without `tools`: one permissive function definition
 * per distinct tool name called in the conversation, in order of first call.
 */
function toolDefinitions(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  const names = new Set<string>()
  for (const message of messages) if (message.toolCall !== undefined) names.add(message.toolCall.name)
  return [...names].map((name) => ({ type: 'function', function: { name, parameters: { type: 'object' } } }))
}

export interface ChatCompletionsHeaderOptions {
  /** Authentication headers (Bearer for OpenAI, `api-key` for Azure); empty without a key. */
  auth: Record<string, string>
  /** The user's configured headers: applied last, they win. */
  settingsHeaders?: Record<string, string> | undefined
}

/** Headers for one request. Order of precedence: defaults < request hints < auth < user config. */
export function buildChatCompletionsHeaders(request: ChatRequest, options: ChatCompletionsHeaderOptions): Record<string, string> {
  const streaming = request.stream !== false
  const defaults: Record<string, string> = {
    'content-type': 'application/json',
    accept: streaming ? 'text/event-stream' : 'application/json',
  }
  if (request.targetOutputTokens !== undefined) defaults[OUTPUT_TOKENS_HEADER] = String(request.targetOutputTokens)
  return mergeHeaders(defaults, request.headers, options.auth, options.settingsHeaders)
}
