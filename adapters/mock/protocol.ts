// What the server needs from a wire protocol: parse a chat body, shape errors, frame answers.
import type { MockProtocol } from './types.js'

/** A vendor-neutral failure; each protocol turns it into its own status, type and body. */
export type FailureKind =
  | 'invalid_request'
  | 'context_length'
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'too_large'
  | 'rate_limit'
  | 'queue_full'
  | 'timeout'
  | 'internal'
  | 'unavailable'

export interface MockFailure {
  kind: FailureKind
  message: string
  /** The offending field (OpenAI `param`). */
  param?: string
  /** OpenAI `code` (e.g. `missing_required_parameter`). */
  code?: string
  /** Rate limits: which budget ran out. */
  budget?: 'requests' | 'tokens'
  /** Context length failures: the numbers the vendor message quotes. */
  inputTokens?: number
  contextWindow?: number
}

/**
 * One block of the prompt as the prefix cache sees it: an OpenAI message, or one Anthropic system
 * or content block. Its `parts` are the texts counted as input tokens.
 */
export interface PromptBlock {
  /** What identifies it besides its text: role, block type, tool name. */
  identity: string
  parts: string[]
  /** Anthropic `cache_control` on this block. */
  breakpoint: boolean
}

export interface ParsedChat {
  model: string
  /** Anthropic top-level `system` text parts. */
  system: string[]
  /** Each message's text parts (tool call arguments and tool results too), in order. */
  messages: { role: string; parts: string[] }[]
  /** Every counted part in prompt order, grouped into cache blocks (system first for Anthropic). */
  blocks: PromptBlock[]
  maxTokens?: number
  stream: boolean
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean
}

export type FinishKind = 'stop' | 'length'

export interface FramerContext {
  id: string
  model: string
  /** Epoch seconds. */
  created: number
  /** The whole prompt, cache reads and writes included. */
  inputTokens: number
  /** Read from the prefix cache (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`). */
  cachedInputTokens: number
  /** Written to it (Anthropic `cache_creation_input_tokens`; always 0 for OpenAI). */
  cacheWriteInputTokens: number
  includeUsage: boolean
}

/** Builds the bytes of one answer; the hot path (`token`) only concatenates precomputed strings. */
export interface AnswerFramer {
  /** First bytes of a stream, sent with the headers (role chunk / message_start…ping). */
  start(): string
  /** One content token; `pieceJson` is the token's JSON string literal. */
  token(pieceJson: string): string
  /** Closing events: finish reason, usage, terminator (unless `omitTerminator`). */
  end(finish: FinishKind, outputTokens: number, omitTerminator: boolean): string
  /** Whole non-streaming JSON body. */
  body(text: string, finish: FinishKind, outputTokens: number): string
}

export interface ProtocolCodec {
  readonly protocol: MockProtocol
  /** Header carrying the request id (`x-request-id` / `request-id`). */
  readonly requestIdHeader: string
  /** Valid body → ParsedChat; otherwise the first problem found. */
  parse(body: unknown): ParsedChat | MockFailure
  failure(failure: MockFailure, requestId: string): { status: number; body: string }
  /** The failure a scripted status stands for (its default body). */
  failureForStatus(status: number): MockFailure
  framer(context: FramerContext): AnswerFramer
  answerId(index: number): string
  /** `GET /v1/models` body. */
  modelList(models: readonly string[]): string
  /** `GET /v1/models/{id}` body. */
  modelInfo(model: string): string
}

export function isFailure(value: ParsedChat | MockFailure): value is MockFailure {
  return 'kind' in value
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `typeof`, but arrays and null named as JSON would. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
