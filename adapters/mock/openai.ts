// OpenAI Chat Completions as the mock speaks it: request parsing, error bodies, chunk framing.
import { missing, parseMessages, wrongType } from './openai-messages.js'
import {
  isPlainObject,
  jsonTypeName,
  type AnswerFramer,
  type FailureKind,
  type FramerContext,
  type MockFailure,
  type ParsedChat,
  type ProtocolCodec,
} from './protocol.js'

const STATUS_BY_KIND: Record<FailureKind, number> = {
  invalid_request: 400,
  context_length: 400,
  auth: 401,
  permission: 403,
  not_found: 404,
  model_not_found: 404,
  method_not_allowed: 405,
  timeout: 408,
  too_large: 413,
  rate_limit: 429,
  queue_full: 429,
  internal: 500,
  unavailable: 503,
}

function typeFor(failure: MockFailure): string {
  switch (failure.kind) {
    case 'rate_limit':
      return failure.budget ?? 'requests'
    case 'queue_full':
      return 'requests'
    case 'internal':
    case 'unavailable':
    case 'timeout':
      return 'server_error'
    default:
      return 'invalid_request_error'
  }
}

function codeFor(failure: MockFailure): string | null {
  if (failure.code !== undefined) return failure.code
  switch (failure.kind) {
    case 'context_length':
      return 'context_length_exceeded'
    case 'auth':
      return 'invalid_api_key'
    case 'model_not_found':
      return 'model_not_found'
    case 'too_large':
      return 'request_too_large'
    case 'rate_limit':
    case 'queue_full':
      return 'rate_limit_exceeded'
    default:
      return null
  }
}

function positiveInteger(body: Record<string, unknown>, param: string): number | undefined | MockFailure {
  const value = body[param]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType(param, 'an integer', value)
  if (value < 1) {
    return {
      kind: 'invalid_request',
      param,
      code: 'integer_below_min_value',
      message: `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
    }
  }
  return value
}

function parse(body: unknown): ParsedChat | MockFailure {
  if (!isPlainObject(body)) {
    return { kind: 'invalid_request', message: `The request body must be a JSON object, but got ${jsonTypeName(body)}.` }
  }
  const model = body['model']
  if (model === undefined || model === null) return missing('model')
  if (typeof model !== 'string' || model.length === 0) return wrongType('model', 'a non-empty string', model)
  const messages = body['messages']
  if (messages === undefined || messages === null) return missing('messages')
  if (!Array.isArray(messages)) return wrongType('messages', 'an array', messages)
  if (messages.length === 0) {
    return {
      kind: 'invalid_request',
      param: 'messages',
      code: 'empty_array',
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    }
  }
  const parsedMessages = parseMessages(messages)
  if ('kind' in parsedMessages) return parsedMessages
  const tools = body['tools']
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) return wrongType('tools', 'an array', tools)
  const maxCompletionTokens = positiveInteger(body, 'max_completion_tokens')
  if (typeof maxCompletionTokens === 'object') return maxCompletionTokens
  const maxTokens = positiveInteger(body, 'max_tokens')
  if (typeof maxTokens === 'object') return maxTokens
  const stream = body['stream']
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return wrongType('stream', 'a boolean', stream)
  const streamOptions = body['stream_options']
  let includeUsage = false
  if (streamOptions !== undefined && streamOptions !== null) {
    if (stream !== true) {
      return {
        kind: 'invalid_request',
        param: 'stream_options',
        code: 'invalid_value',
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      }
    }
    if (!isPlainObject(streamOptions)) return wrongType('stream_options', 'an object', streamOptions)
    const include = streamOptions['include_usage']
    if (include !== undefined && include !== null && typeof include !== 'boolean') {
      return wrongType('stream_options.include_usage', 'a boolean', include)
    }
    includeUsage = include === true
  }
  const n = body['n']
  if (n !== undefined && n !== null && n !== 1) {
    return { kind: 'invalid_request', param: 'n', code: 'invalid_value', message: `Invalid 'n': the mock generates one choice; got ${JSON.stringify(n)}.` }
  }
  const parsed: ParsedChat = { model, system: [], ...parsedMessages, stream: stream === true, includeUsage }
  const limit = maxCompletionTokens ?? maxTokens
  if (limit !== undefined) parsed.maxTokens = limit
  return parsed
}

/** `prompt_tokens` is the whole prompt; `cached_tokens` the part of it read from the prefix cache. */
function usageJson(context: FramerContext, outputTokens: number): string {
  const { inputTokens } = context
  return (
    `{"prompt_tokens":${inputTokens},"completion_tokens":${outputTokens},"total_tokens":${inputTokens + outputTokens},` +
    `"prompt_tokens_details":{"cached_tokens":${context.cachedInputTokens},"audio_tokens":0},` +
    `"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  )
}

function framer(context: FramerContext): AnswerFramer {
  const envelope =
    `{"id":"${context.id}","object":"chat.completion.chunk","created":${context.created},` +
    `"model":${JSON.stringify(context.model)},"system_fingerprint":"fp_gauntlet_mock"`
  const usageNull = context.includeUsage ? ',"usage":null' : ''
  const head = `data: ${envelope},"choices":[{"index":0,"delta":`
  const tail = `,"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`
  const tokenHead = `${head}{"content":`
  const tokenTail = `}${tail}`
  return {
    start: () => `${head}{"role":"assistant","content":"","refusal":null}${tail}`,
    token: (pieceJson) => tokenHead + pieceJson + tokenTail,
    end: (finish, outputTokens, omitTerminator) => {
      let text = `${head}{},"logprobs":null,"finish_reason":"${finish}"}]${usageNull}}\n\n`
      if (context.includeUsage) {
        text += `data: ${envelope},"choices":[],"usage":${usageJson(context, outputTokens)}}\n\n`
      }
      if (!omitTerminator) text += 'data: [DONE]\n\n'
      return text
    },
    body: (text, finish, outputTokens) =>
      `{"id":"${context.id}","object":"chat.completion","created":${context.created},"model":${JSON.stringify(context.model)},` +
      `"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(text)},"refusal":null,"annotations":[]},` +
      `"logprobs":null,"finish_reason":"${finish}"}],"usage":${usageJson(context, outputTokens)},` +
      `"service_tier":"default","system_fingerprint":"fp_gauntlet_mock"}`,
  }
}

export const openaiCodec: ProtocolCodec = {
  protocol: 'openai',
  requestIdHeader: 'x-request-id',
  parse,
  failure(failure) {
    const message =
      failure.kind === 'context_length' && failure.inputTokens !== undefined && failure.contextWindow !== undefined
        ? `This model's maximum context length is ${failure.contextWindow} tokens. However, your messages resulted in ${failure.inputTokens} tokens. Please reduce the length of the messages.`
        : failure.message
    const param = failure.param ?? (failure.kind === 'context_length' ? 'messages' : null)
    const body = { error: { message, type: typeFor(failure), param, code: codeFor(failure) } }
    return { status: STATUS_BY_KIND[failure.kind], body: JSON.stringify(body) }
  },
  failureForStatus(status) {
    const kind = kindForStatus(status)
    return { kind, message: `Scripted ${status} from the gauntlet mock.` }
  },
  framer,
  answerId: (index) => `chatcmpl-gauntlet${index.toString(36).padStart(8, '0')}`,
  modelList: (models) =>
    JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'gauntlet-mock' })) }),
  modelInfo: (model) => JSON.stringify({ id: model, object: 'model', created: 1_700_000_000, owned_by: 'gauntlet-mock' }),
}

/** The failure kind a bare HTTP status stands for (scripted errors). */
export function kindForStatus(status: number): FailureKind {
  if (status === 401) return 'auth'
  if (status === 403) return 'permission'
  if (status === 404) return 'not_found'
  if (status === 405) return 'method_not_allowed'
  if (status === 408) return 'timeout'
  if (status === 413) return 'too_large'
  if (status === 429) return 'rate_limit'
  if (status === 529) return 'queue_full'
  if (status === 503) return 'unavailable'
  if (status >= 500) return 'internal'
  return 'invalid_request'
}
