// Anthropic Messages as the mock speaks it: request parsing, error bodies, SSE event framing.
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
  type ProtocolCodec,
} from './protocol.js'

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

function wrongType(param: string, expected: string, value: unknown): MockFailure {
  return { kind: 'invalid_request', param, message: `${param}: Input should be ${expected} (got ${jsonTypeName(value)})` }
}

/** Text of a `content` / `system` value: a string or an array of blocks (only text blocks count). */
function textBlocks(content: unknown, param: string): string[] | MockFailure {
  if (typeof content === 'string') return [content]
  if (!Array.isArray(content)) return wrongType(param, 'a valid string or list of content blocks', content)
  const parts: string[] = []
  for (let i = 0; i < content.length; i++) {
    const block: unknown = content[i]
    if (!isPlainObject(block) || typeof block['type'] !== 'string') {
      return wrongType(`${param}.${i}`, 'an object with a string "type"', block)
    }
    if (block['type'] === 'text') {
      if (typeof block['text'] !== 'string') return wrongType(`${param}.${i}.text`, 'a valid string', block['text'])
      parts.push(block['text'])
    }
  }
  return parts
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
    const parts = textBlocks(message['content'], `messages.${i}.content`)
    if (!Array.isArray(parts)) return parts
    parsedMessages.push({ role, parts })
  }
  let system: string[] = []
  if (body['system'] !== undefined && body['system'] !== null) {
    const parts = textBlocks(body['system'], 'system')
    if (!Array.isArray(parts)) return parts
    system = parts
  }
  const stream = body['stream']
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return wrongType('stream', 'a valid boolean', stream)
  return { model, system, messages: parsedMessages, maxTokens, stream: stream === true, includeUsage: true }
}

const stopReason = (finish: FinishKind): string => (finish === 'length' ? 'max_tokens' : 'end_turn')

function usageJson(inputTokens: number, outputTokens: number): string {
  return `{"input_tokens":${inputTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":${outputTokens}}`
}

function framer(context: FramerContext): AnswerFramer {
  const model = JSON.stringify(context.model)
  const tokenHead = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":'
  const tokenTail = '}}\n\n'
  return {
    start: () =>
      `event: message_start\ndata: {"type":"message_start","message":{"id":"${context.id}","type":"message","role":"assistant",` +
      `"model":${model},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${usageJson(context.inputTokens, 0)}}}\n\n` +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: ping\ndata: {"type":"ping"}\n\n',
    token: (pieceJson) => tokenHead + pieceJson + tokenTail,
    end: (finish, outputTokens, omitTerminator) =>
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"${stopReason(finish)}","stop_sequence":null},` +
      `"usage":${usageJson(context.inputTokens, outputTokens)}}\n\n` +
      (omitTerminator ? '' : 'event: message_stop\ndata: {"type":"message_stop"}\n\n'),
    body: (text, finish, outputTokens) =>
      `{"id":"${context.id}","type":"message","role":"assistant","model":${model},` +
      `"content":[{"type":"text","text":${JSON.stringify(text)}}],"stop_reason":"${stopReason(finish)}","stop_sequence":null,` +
      `"usage":${usageJson(context.inputTokens, outputTokens)}}`,
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
