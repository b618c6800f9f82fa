// Chat Completions answers → normalised events: SSE chunks (streaming) or one JSON body.
//
//   data: {"choices":[{"delta":{"reasoning_content":"…"}}]}   → reasoning-delta  (vLLM, DeepSeek; `reasoning`: OpenRouter)
//   data: {"choices":[{"delta":{"content":"…"}}]}             → text-delta
//   data: {"choices":[{"delta":{"refusal":"…"}}]}             → text-delta, and the finish becomes `refusal`
//   data: {"choices":[{"delta":{},"finish_reason":"stop"}]}   → (held)
//   data: {"choices":[],"usage":{…}}                          → (held)
//   data: [DONE]                                               → usage, stream-end
import { AdapterError, truncate } from '../../core/errors.js'
import { countField, isRecord, parseJson, recordField, stringField, type JsonRecord } from '../json-fields.js'
import type { StreamParser } from '../protocol.js'
import type { SseEvent } from '../sse.js'
import type { EventSink, FinishReason, Usage } from '../types.js'
import { createOpenAiStreamError, readOpenAiError } from './errors.js'

export const OPENAI_STREAM_TERMINATOR = '[DONE]'

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
}

export function mapOpenAiFinishReason(raw: string | undefined): FinishReason {
  if (raw === undefined) return 'other'
  return FINISH_REASONS[raw] ?? 'other'
}

/**
 * `usage` → Usage. `prompt_tokens` already includes `cached_tokens`, and `completion_tokens`
 * includes `reasoning_tokens` (OpenAI's convention; cost.ts relies on it). Counts the server
 * does not send stay undefined.
 */
export function parseOpenAiUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined
  const usage: Usage = {}
  const input = countField(value, 'prompt_tokens')
  const output = countField(value, 'completion_tokens')
  const cached = countField(recordField(value, 'prompt_tokens_details'), 'cached_tokens')
  const reasoning = countField(recordField(value, 'completion_tokens_details'), 'reasoning_tokens')
  if (input !== undefined) usage.inputTokens = input
  if (cached !== undefined) usage.cachedInputTokens = cached
  if (output !== undefined) usage.outputTokens = output
  if (reasoning !== undefined) usage.reasoningTokens = reasoning
  return usage
}

/** The choice with index 0 (n > 1 answers are not measured), or the first one. */
function firstChoice(body: JsonRecord): JsonRecord | undefined {
  const choices = body['choices']
  if (!Array.isArray(choices)) return undefined
  for (const choice of choices) {
    if (isRecord(choice) && (choice['index'] === undefined || choice['index'] === 0)) return choice
  }
  return undefined
}

/** Reasoning text under either name servers use; `reasoning_content` wins when both are sent. */
function reasoningText(message: JsonRecord | undefined): string | undefined {
  const text = stringField(message, 'reasoning_content') ?? stringField(message, 'reasoning')
  return text === '' ? undefined : text
}

function malformed(vendor: string, data: string, why: string): AdapterError {
  return new AdapterError('ADAPTER_STREAM_MALFORMED', `${vendor} stream: ${why}: ${truncate(JSON.stringify(data), 200)}`, { body: data })
}

export function createOpenAiStreamParser(vendor: string = 'OpenAI-compatible'): StreamParser {
  let rawFinishReason: string | undefined
  let usage: Usage | undefined
  let refused = false
  return {
    push(event: SseEvent, sink: EventSink): boolean {
      const data = event.data
      if (data === OPENAI_STREAM_TERMINATOR) {
        if (usage !== undefined) sink.onUsage(usage)
        sink.onStreamEnd(refused ? 'refusal' : mapOpenAiFinishReason(rawFinishReason), rawFinishReason)
        return true
      }
      // A bare `data:` line is a keep-alive some proxies send.
      if (data === '' && event.event === undefined) return false
      const parsed = parseJson(data)
      if (!parsed.ok) {
        if (event.event === 'error') throw createOpenAiStreamError({ message: data }, data, vendor)
        throw malformed(vendor, data, 'a data line is not JSON')
      }
      if (!isRecord(parsed.value)) throw malformed(vendor, data, 'a data line is not a JSON object')
      const chunk = parsed.value
      const error = chunk['error'] !== undefined && chunk['error'] !== null ? readOpenAiError(chunk) : undefined
      if (error !== undefined || event.event === 'error') throw createOpenAiStreamError(error ?? {}, data, vendor)
      const chunkUsage = parseOpenAiUsage(chunk['usage'])
      if (chunkUsage !== undefined) usage = chunkUsage
      const choice = firstChoice(chunk)
      if (choice === undefined) return false
      const delta = recordField(choice, 'delta')
      const reasoning = reasoningText(delta)
      if (reasoning !== undefined) sink.onReasoningDelta(reasoning)
      const content = stringField(delta, 'content')
      if (content !== undefined && content !== '') sink.onTextDelta(content)
      const refusal = stringField(delta, 'refusal')
      if (refusal !== undefined && refusal !== '') {
        refused = true
        sink.onTextDelta(refusal)
      }
      const finish = stringField(choice, 'finish_reason')
      if (finish !== undefined) rawFinishReason = finish
      return false
    },
    end(): void {
      const seen = rawFinishReason === undefined ? 'before any finish_reason' : `after finish_reason '${rawFinishReason}'`
      throw new AdapterError('ADAPTER_STREAM_TRUNCATED', `${vendor} stream ended without data: [DONE] (${seen})`)
    },
  }
}

/** A non-streaming `chat.completion` body → reasoning-delta?, text-delta?, usage?, stream-end. */
export function parseOpenAiBody(text: string, sink: EventSink, vendor: string = 'OpenAI-compatible'): void {
  const parsed = parseJson(text)
  if (!parsed.ok || !isRecord(parsed.value)) throw malformed(vendor, text, 'the answer is not a JSON object')
  const body = parsed.value
  if (body['error'] !== undefined && body['error'] !== null) throw createOpenAiStreamError(readOpenAiError(body) ?? {}, text, vendor)
  const choice = firstChoice(body)
  if (choice === undefined) throw malformed(vendor, text, 'the answer has no choices')
  const message = recordField(choice, 'message')
  const reasoning = reasoningText(message)
  if (reasoning !== undefined) sink.onReasoningDelta(reasoning)
  const content = stringField(message, 'content')
  const refusal = stringField(message, 'refusal')
  const answer = content !== undefined && content !== '' ? content : refusal
  if (answer !== undefined && answer !== '') sink.onTextDelta(answer)
  const usage = parseOpenAiUsage(body['usage'])
  if (usage !== undefined) sink.onUsage(usage)
  const rawFinishReason = stringField(choice, 'finish_reason')
  const refused = refusal !== undefined && refusal !== '' && (content === undefined || content === '')
  sink.onStreamEnd(refused ? 'refusal' : mapOpenAiFinishReason(rawFinishReason), rawFinishReason)
}
