// Anthropic Messages as the mock speaks it: request parsing, error bodies, SSE event framing.
import { promptBlocks, wrongType } from './anthropic-blocks.js'
import { kindForStatus } from './openai.js'
import {
  isPlainObject,
  jsonTypeName,
  type AnswerFramer,
  type FailureKind,
  type FinishKind,
  type FramerContext,
  type MockFailure,
  type ParsedChat,
  type PromptBlock,
  type ProtocolCodec,
} from './protocol.js'

/** Anthropic refuses requests with more `cache_control` blocks than this. */
const MAX_BREAKPOINTS = 4

const ERRORS: Record<FailureKind, { status: number; type: string }> = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  context_length: { status: 400, type: 'invalid_request_error' },
  auth: { status: 401, type: 'authentication_error' },
  permission: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  timeout: { status: 408, type: 'timeout_error' },
  too_large: { status: 413, type: 'request_too_large' },
  rate_limit: { status: 429, type: 'rate_limit_error' },
  queue_full: { status: 529, type: 'overloaded_error' },
  internal: { status: 500, type: 'api_error' },
  unavailable: { status: 503, type: 'api_error' },
}

function required(param: string): MockFailure {
  return { kind: 'invalid_request', param, message: `${param}: Field required` }
}

function parse(body: unknown): ParsedChat | MockFailure {
  if (!isPlainObject(body)) {
    return { kind: 'invalid_request', message: `The request body must be a JSON object, but got ${jsonTypeName(body)}.` }
  }
  const model = body['model']
  if (model === undefined) return required('model')
  if (typeof model !== 'string' || model.length === 0) return wrongType('model', 'a valid string', model)
  const maxTokens = body['max_tokens']
  if (maxTokens === undefined) return required('max_tokens')
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) return wrongType('max_tokens', 'a valid integer', maxTokens)
  if (maxTokens < 1) return { kind: 'invalid_request', param: 'max_tokens', message: `max_tokens: Input should be greater than or equal to 1 (got ${maxTokens})` }
  const messages = body['messages']
  if (messages === undefined) return required('messages')
  if (!Array.isArray(messages)) return wrongType('messages', 'a valid list', messages)
  if (messages.length === 0) return { kind: 'invalid_request', param: 'messages', message: 'messages: at least one message is required' }
  let blocks: PromptBlock[] = []
  const parsedMessages: ParsedChat['messages'] = []
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i]
    if (!isPlainObject(message)) return wrongType(`messages.${i}`, 'a valid dictionary', message)
    const role = message['role']
    if (role === undefined) return required(`messages.${i}.role`)
    if (role !== 'user' && role !== 'assistant') {
      return { kind: 'invalid_request', param: `messages.${i}.role`, message: `messages.${i}.role: Input should be 'user' or 'assistant'` }
    }
    if (message['content'] === undefined) return required(`messages.${i}.content`)
    const messageBlocks = promptBlocks(role, message['content'], `messages.${i}.content`)
    if (!Array.isArray(messageBlocks)) return messageBlocks
    for (const block of messageBlocks) blocks.push(block)
    parsedMessages.push({ role, parts: messageBlocks.flatMap((block) => block.parts) })
  }
  const system: string[] = []
  if (body['system'] !== undefined && body['system'] !== null) {
    // The system blocks come first in the prompt, so first in the cache's chain.
    const systemBlocks = promptBlocks('system', body['system'], 'system')
    if (!Array.isArray(systemBlocks)) return systemBlocks
    blocks = systemBlocks.concat(blocks)
    for (const block of systemBlocks) system.push(...block.parts)
  }
  const breakpoints = blocks.filter((block) => block.breakpoint).length
  if (breakpoints > MAX_BREAKPOINTS) {
    return { kind: 'invalid_request', message: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.` }
  }
  const stream = body['stream']
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return wrongType('stream', 'a valid boolean', stream)
  return { model, system, messages: parsedMessages, blocks, maxTokens, stream: stream === true, includeUsage: true }
}

const stopReason = (finish: FinishKind): string => (finish === 'length' ? 'max_tokens' : 'end_turn')

/** Anthropic's `input_tokens` excludes cache reads and writes: together they are the whole prompt. */
function usageJson(context: FramerContext, outputTokens: number): string {
  const { inputTokens, cachedInputTokens: read, cacheWriteInputTokens: write } = context
  return `{"input_tokens":${inputTokens - read - write},"cache_creation_input_tokens":${write},"cache_read_input_tokens":${read},"output_tokens":${outputTokens}}`
}

function framer(context: FramerContext): AnswerFramer {
  const model = JSON.stringify(context.model)
  const tokenHead = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":'
  const tokenTail = '}}\n\n'
  return {
    start: () =>
      `event: message_start\ndata: {"type":"message_start","message":{"id":"${context.id}","type":"message","role":"assistant",` +
      `"model":${model},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${usageJson(context, 0)}}}\n\n` +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: ping\ndata: {"type":"ping"}\n\n',
    token: (pieceJson) => tokenHead + pieceJson + tokenTail,
    end: (finish, outputTokens, omitTerminator) =>
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"${stopReason(finish)}","stop_sequence":null},` +
      `"usage":${usageJson(context, outputTokens)}}\n\n` +
      (omitTerminator ? '' : 'event: message_stop\ndata: {"type":"message_stop"}\n\n'),
    body: (text, finish, outputTokens) =>
      `{"id":"${context.id}","type":"message","role":"assistant","model":${model},` +
      `"content":[{"type":"text","text":${JSON.stringify(text)}}],"stop_reason":"${stopReason(finish)}","stop_sequence":null,` +
      `"usage":${usageJson(context, outputTokens)}}`,
  }
}

export const anthropicCodec: ProtocolCodec = {
  protocol: 'anthropic',
  requestIdHeader: 'request-id',
  parse,
  failure(failure, requestId) {
    const shape = ERRORS[failure.kind]
    const message =
      failure.kind === 'context_length' && failure.inputTokens !== undefined && failure.contextWindow !== undefined
        ? `prompt is too long: ${failure.inputTokens} tokens > ${failure.contextWindow} maximum`
        : failure.kind === 'queue_full'
          ? 'Overloaded'
          : failure.message
    const body = { type: 'error', error: { type: shape.type, message }, request_id: requestId }
    return { status: shape.status, body: JSON.stringify(body) }
  },
  failureForStatus(status) {
    return { kind: kindForStatus(status), message: `Scripted ${status} from the gauntlet mock.` }
  },
  framer,
  answerId: (index) => `msg_gauntlet${index.toString(36).padStart(12, '0')}`,
  modelList: (models) =>
    JSON.stringify({
      data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
      has_more: false,
      first_id: models[0] ?? null,
      last_id: models[models.length - 1] ?? null,
    }),
  modelInfo: (model) => JSON.stringify({ type: 'model', id: model, display_name: model, created_at: '2025-01-01T00:00:00Z' }),
}
