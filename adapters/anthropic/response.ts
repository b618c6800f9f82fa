// Anthropic Messages answers → normalised events: the SSE event sequence, or one JSON body.
//
//   message_start        usage.input_tokens (+ cache reads/creations)          → (held)
//   content_block_start  text / thinking block (initial text, usually empty)   → text-delta | reasoning-delta
//   content_block_delta  text_delta → text-delta; thinking_delta → reasoning-delta; signature/json deltas ignored
//   message_delta        stop_reason, cumulative usage.output_tokens            → (held)
//   message_stop         terminator                                            → usage, stream-end
//   ping                 ignored;  error → ADAPTER_STREAM_ERROR
import { AdapterError, truncate } from '../../core/errors.js'
import { countField, isRecord, parseJson, recordField, stringField, type JsonRecord } from '../json-fields.js'
import type { StreamParser } from '../protocol.js'
import type { SseEvent } from '../sse.js'
import type { EventSink, FinishReason, Usage } from '../types.js'
import { createAnthropicStreamError, readAnthropicError } from './errors.js'

const STOP_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'refusal',
  tool_use: 'tool-calls',
}

export function mapAnthropicStopReason(raw: string | undefined): FinishReason {
  if (raw === undefined) return 'other'
  return STOP_REASONS[raw] ?? 'other'
}

/**
 * Anthropic's counts, kept as reported; `toUsage` converts them. `input_tokens` there excludes
 * cache reads and cache writes, which are billed (and counted here) as input too.
 */
export interface AnthropicUsageCounts {
  input?: number
  cacheRead?: number
  cacheCreation?: number
  output?: number
}

/** Later reports (message_delta) override earlier ones (message_start) field by field. */
export function mergeAnthropicUsage(counts: AnthropicUsageCounts, value: unknown): void {
  if (!isRecord(value)) return
  const input = countField(value, 'input_tokens')
  const cacheRead = countField(value, 'cache_read_input_tokens')
  const cacheCreation = countField(value, 'cache_creation_input_tokens')
  const output = countField(value, 'output_tokens')
  if (input !== undefined) counts.input = input
  if (cacheRead !== undefined) counts.cacheRead = cacheRead
  if (cacheCreation !== undefined) counts.cacheCreation = cacheCreation
  if (output !== undefined) counts.output = output
}

/**
 * In our Usage (OpenAI's convention), `inputTokens` is the whole prompt and `cachedInputTokens`
 * the part read from cache: input = input_tokens + cache_read + cache_creation; cached =
 * cache_read; cache writes = cache_creation (priced apart). Anthropic does not report thinking
 * tokens apart: `reasoningTokens` stays undefined.
 */
export function toUsage(counts: AnthropicUsageCounts): Usage | undefined {
  const usage: Usage = {}
  if (counts.input !== undefined) usage.inputTokens = counts.input + (counts.cacheRead ?? 0) + (counts.cacheCreation ?? 0)
  if (counts.cacheRead !== undefined) usage.cachedInputTokens = counts.cacheRead
  if (counts.cacheCreation !== undefined) usage.cacheWriteInputTokens = counts.cacheCreation
  if (counts.output !== undefined) usage.outputTokens = counts.output
  return Object.keys(usage).length === 0 ? undefined : usage
}

function malformed(data: string, why: string): AdapterError {
  return new AdapterError('ADAPTER_STREAM_MALFORMED', `Anthropic stream: ${why}: ${truncate(JSON.stringify(data), 200)}`, { body: data })
}

function pushBlockText(block: JsonRecord | undefined, sink: EventSink): void {
  const type = stringField(block, 'type')
  if (type === 'text') {
    const text = stringField(block, 'text')
    if (text !== undefined && text !== '') sink.onTextDelta(text)
  } else if (type === 'thinking') {
    const thinking = stringField(block, 'thinking')
    if (thinking !== undefined && thinking !== '') sink.onReasoningDelta(thinking)
  }
}

export function createAnthropicStreamParser(): StreamParser {
  const counts: AnthropicUsageCounts = {}
  let rawStopReason: string | undefined
  let started = false
  return {
    push(event: SseEvent, sink: EventSink): boolean {
      const data = event.data
      if (data === '' && event.event !== 'error') return false
      const parsed = parseJson(data)
      if (!parsed.ok) {
        if (event.event === 'error') throw createAnthropicStreamError({ message: data }, data)
        throw malformed(data, 'a data line is not JSON')
      }
      if (!isRecord(parsed.value)) throw malformed(data, 'a data line is not a JSON object')
      const payload = parsed.value
      // The JSON `type` is authoritative; the SSE `event:` name is a fallback for terse servers.
      const type = stringField(payload, 'type') ?? event.event
      switch (type) {
        case 'message_start':
          started = true
          mergeAnthropicUsage(counts, recordField(recordField(payload, 'message'), 'usage'))
          return false
        case 'content_block_start':
          pushBlockText(recordField(payload, 'content_block'), sink)
          return false
        case 'content_block_delta': {
          const delta = recordField(payload, 'delta')
          const deltaType = stringField(delta, 'type')
          if (deltaType === 'text_delta') {
            const text = stringField(delta, 'text')
            if (text !== undefined && text !== '') sink.onTextDelta(text)
          } else if (deltaType === 'thinking_delta') {
            const thinking = stringField(delta, 'thinking')
            if (thinking !== undefined && thinking !== '') sink.onReasoningDelta(thinking)
          }
          return false
        }
        case 'message_delta': {
          const stopReason = stringField(recordField(payload, 'delta'), 'stop_reason')
          if (stopReason !== undefined) rawStopReason = stopReason
          mergeAnthropicUsage(counts, recordField(payload, 'usage'))
          return false
        }
        case 'message_stop': {
          const usage = toUsage(counts)
          if (usage !== undefined) sink.onUsage(usage)
          sink.onStreamEnd(mapAnthropicStopReason(rawStopReason), rawStopReason)
          return true
        }
        case 'error':
          throw createAnthropicStreamError(readAnthropicError(payload) ?? {}, data)
        default:
          // content_block_stop, ping, and event types added after this was written (Anthropic's
          // versioning policy allows new ones): nothing to measure.
          return false
      }
    },
    end(): void {
      const seen = !started ? 'before message_start' : rawStopReason === undefined ? 'before message_delta' : `after stop_reason '${rawStopReason}'`
      throw new AdapterError('ADAPTER_STREAM_TRUNCATED', `Anthropic stream ended without message_stop (${seen})`)
    },
  }
}

/** A non-streaming `message` body → reasoning-delta?, text-delta?, usage?, stream-end. */
export function parseAnthropicBody(text: string, sink: EventSink): void {
  const parsed = parseJson(text)
  if (!parsed.ok || !isRecord(parsed.value)) throw malformed(text, 'the answer is not a JSON object')
  const body = parsed.value
  if (stringField(body, 'type') === 'error') throw createAnthropicStreamError(readAnthropicError(body) ?? {}, text)
  const content = body['content']
  if (!Array.isArray(content)) throw malformed(text, 'the answer has no content array')
  let answer = ''
  let reasoning = ''
  for (const block of content) {
    if (!isRecord(block)) continue
    const type = stringField(block, 'type')
    if (type === 'text') answer += stringField(block, 'text') ?? ''
    else if (type === 'thinking') reasoning += stringField(block, 'thinking') ?? ''
  }
  if (reasoning !== '') sink.onReasoningDelta(reasoning)
  if (answer !== '') sink.onTextDelta(answer)
  const counts: AnthropicUsageCounts = {}
  mergeAnthropicUsage(counts, body['usage'])
  const usage = toUsage(counts)
  if (usage !== undefined) sink.onUsage(usage)
  const rawStopReason = stringField(body, 'stop_reason')
  sink.onStreamEnd(mapAnthropicStopReason(rawStopReason), rawStopReason)
}
