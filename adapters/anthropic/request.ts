// ChatRequest → Anthropic Messages body and headers.
//
//   system (cache?)           → `system`: a joined string, or text blocks when a kept mark is on one
//   user / assistant (cache?) → a string, or blocks with `cache_control` on the marked one
//   assistant + toolCall      → [{type: 'tool_use', id, name, input}]
//   tool + toolCallId         → a user turn [{type: 'tool_result', tool_use_id, content}]
//   consecutive same-role turns merge into one message (Anthropic wants user/assistant alternation)
import type { ChatMessage, ChatRequest } from '../types.js'
import { OUTPUT_TOKENS_HEADER, mergeHeaders } from '../settings.js'

export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01'

/** Messages has no JSON mode: `responseFormat: 'json'` becomes this system instruction. */
export const ANTHROPIC_JSON_INSTRUCTION = 'Respond with a single valid JSON object and nothing else.'

/** Anthropic refuses more than this many `cache_control` blocks in one request. */
export const ANTHROPIC_MAX_CACHE_BREAKPOINTS = 4

const EPHEMERAL = { type: 'ephemeral' } as const

type ContentBlock = { cache_control?: typeof EPHEMERAL } & (
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string }
)

interface MessageParam {
  role: 'user' | 'assistant'
  content: string | ContentBlock[]
}

/**
 * System messages move to the top-level `system` field (in order); the rest keep their order.
 * `max_tokens` is required by the API, so it is always sent. Of the `cache` marks only the last
 * ANTHROPIC_MAX_CACHE_BREAKPOINTS are kept.
 */
export function buildMessagesBody(request: ChatRequest): Record<string, unknown> {
  const marked = keptBreakpoints(request.messages)
  const system: { text: string; cache: boolean }[] = []
  const turns: { role: 'user' | 'assistant'; blocks: ContentBlock[] }[] = []
  request.messages.forEach((message, index) => {
    const cache = marked.has(index)
    if (message.role === 'system') {
      system.push({ text: message.content, cache })
      return
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user'
    const block = contentBlock(message)
    if (cache) block.cache_control = EPHEMERAL
    const last = turns.at(-1)
    if (last !== undefined && last.role === role) last.blocks.push(block)
    else turns.push({ role, blocks: [block] })
  })
  if (request.responseFormat === 'json') system.push({ text: ANTHROPIC_JSON_INSTRUCTION, cache: false })
  const messages: MessageParam[] = turns.map(({ role, blocks }) => ({ role, content: plainText(blocks) ?? blocks }))
  const body: Record<string, unknown> = { model: request.model, max_tokens: request.maxOutputTokens, messages }
  if (system.length > 0) {
    body['system'] = system.some((part) => part.cache)
      ? system.map((part) => (part.cache ? { type: 'text', text: part.text, cache_control: EPHEMERAL } : { type: 'text', text: part.text }))
      : system.map((part) => part.text).join('\n\n')
  }
  const tools = toolDefinitions(request.messages)
  if (tools.length > 0) body['tools'] = tools
  if (request.temperature !== undefined) body['temperature'] = request.temperature
  if (request.stream !== false) body['stream'] = true
  return body
}

/** Indexes of the messages whose `cache` mark is sent: the last four marked ones. */
function keptBreakpoints(messages: readonly ChatMessage[]): Set<number> {
  const marked: number[] = []
  messages.forEach((message, index) => {
    if (message.cache === true) marked.push(index)
  })
  return new Set(marked.slice(-ANTHROPIC_MAX_CACHE_BREAKPOINTS))
}

function contentBlock(message: ChatMessage): ContentBlock {
  if (message.role === 'assistant' && message.toolCall !== undefined) {
    return { type: 'tool_use', id: message.toolCall.id, name: message.toolCall.name, input: toolInput(message.content) }
  }
  if (message.role === 'tool') return { type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content }
  return { type: 'text', text: message.content }
}

/** `input` must be an object: the arguments parsed, or `{}` when they are not a JSON object. */
function toolInput(content: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // Not JSON: the call had no usable arguments; `{}` keeps the request valid.
  }
  return {}
}

/** A turn of one unmarked text block is sent as a plain string (the shape before blocks existed). */
function plainText(blocks: readonly ContentBlock[]): string | undefined {
  const only = blocks.length === 1 ? blocks[0] : undefined
  return only?.type === 'text' && only.cache_control === undefined ? only.text : undefined
}

/**
 * Anthropic rejects `tool_use` / `tool_result` blocks in a request without `tools`: one
 * permissive definition per distinct tool name called, in order of first call.
 */
function toolDefinitions(messages: readonly ChatMessage[]): Record<string, unknown>[] {
  const names = new Set<string>()
  for (const message of messages) if (message.role === 'assistant' && message.toolCall !== undefined) names.add(message.toolCall.name)
  return [...names].map((name) => ({ name, input_schema: { type: 'object' } }))
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
