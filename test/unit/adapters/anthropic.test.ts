// Anthropic Messages wire format: request building and parsing of recorded answers.
import { describe, expect, it } from 'vitest'
import {
  ANTHROPIC_JSON_INSTRUCTION,
  anthropicProtocol,
  buildMessagesBody,
  buildMessagesHeaders,
  isRetryableAnthropicError,
  mapAnthropicStopReason,
  parseAnthropicErrorBody,
  toUsage,
} from '../../../adapters/anthropic/index.js'
import type { ChatRequest } from '../../../adapters/types.js'
import { bodyEvents, joined, streamEventsFromChunks } from '../../helpers/adapter-events.js'
import { readFixture } from '../../helpers/fixture-server.js'

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const event = (name: string, data: unknown): Uint8Array => encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)

const request: ChatRequest = {
  model: 'claude-sonnet-4-5',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Check the invoice.' },
    { role: 'assistant', content: 'Which one?' },
    { role: 'system', content: 'Use EUR.' },
    { role: 'user', content: 'INV-7.' },
  ],
  maxOutputTokens: 512,
}

describe('request body', () => {
  it('moves system messages to `system`, keeps the rest in order, always sends max_tokens', () => {
    expect(buildMessagesBody(request)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      system: 'You are terse.\n\nUse EUR.',
      messages: [
        { role: 'user', content: 'Check the invoice.' },
        { role: 'assistant', content: 'Which one?' },
        { role: 'user', content: 'INV-7.' },
      ],
      stream: true,
    })
  })

  it('non-streaming without system; JSON mode becomes an instruction; temperature passes through', () => {
    const body = buildMessagesBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 5, stream: false, responseFormat: 'json', temperature: 0 })
    expect(body).not.toHaveProperty('stream')
    expect(body['system']).toBe(ANTHROPIC_JSON_INSTRUCTION)
    expect(body['temperature']).toBe(0)
    expect(buildMessagesBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 5 })).not.toHaveProperty('system')
  })

  it('headers: x-api-key, anthropic-version, output-length hint; user config wins', () => {
    expect(
      buildMessagesHeaders({ ...request, targetOutputTokens: 99, headers: { 'X-Gauntlet-Task': 'invoice' } }, {
        auth: { 'x-api-key': 'sk-ant-key' },
        version: '2023-06-01',
        settingsHeaders: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
      }),
    ).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'anthropic-version': '2023-06-01',
      'x-gauntlet-output-tokens': '99',
      'x-gauntlet-task': 'invoice',
      'x-api-key': 'sk-ant-key',
      'anthropic-beta': 'prompt-caching-2024-07-31',
    })
  })
})

describe('stream parsing (recorded fixtures)', () => {
  it('text stream: text, usage with cache reads and writes counted as input, finish stop', () => {
    const { events, error } = streamEventsFromChunks(anthropicProtocol, [readFixture('anthropic-stream-text.chunks.txt')])
    expect(error).toBeUndefined()
    expect(joined(events, 'text-delta')).toBe('Invoice totals match — Zürich office ✓ 東京 🚀.')
    expect(events.slice(-2)).toEqual([
      // input = 412 uncached + 2048 cache reads + 128 cache writes; cached = the reads.
      { type: 'usage', usage: { inputTokens: 2588, cachedInputTokens: 2048, cacheWriteInputTokens: 128, outputTokens: 15 } },
      { type: 'stream-end', finishReason: 'stop', rawFinishReason: 'end_turn' },
    ])
  })

  it('thinking stream: thinking deltas are reasoning, the signature is ignored, max_tokens → length', () => {
    const { events, error } = streamEventsFromChunks(anthropicProtocol, [readFixture('anthropic-stream-thinking.chunks.txt')])
    expect(error).toBeUndefined()
    expect(joined(events, 'reasoning-delta')).toBe('Need the sum (Σ) of 17 and 25.\n17 + 25 = 42.')
    expect(joined(events, 'text-delta')).toBe('The total is 42.')
    expect(JSON.stringify(events)).not.toContain('RXVn')
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 96, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 64 } },
      { type: 'stream-end', finishReason: 'length', rawFinishReason: 'max_tokens' },
    ])
  })

  it('overloaded_error event → ADAPTER_STREAM_ERROR, retryable, after the text already received', () => {
    const { events, error } = streamEventsFromChunks(anthropicProtocol, [readFixture('anthropic-stream-overloaded.chunks.txt')])
    expect(joined(events, 'text-delta')).toBe('Starting')
    expect(error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'overloaded_error', retryable: true })
    expect(error?.message).toContain('Overloaded')
  })

  it('every split of every recorded stream gives identical normalised events', () => {
    for (const name of ['anthropic-stream-text.chunks.txt', 'anthropic-stream-thinking.chunks.txt', 'anthropic-stream-overloaded.chunks.txt']) {
      const bytes = new Uint8Array(readFixture(name))
      const reference = JSON.stringify(streamEventsFromChunks(anthropicProtocol, [bytes]))
      for (let cut = 0; cut <= bytes.length; cut++) {
        const outcome = JSON.stringify(streamEventsFromChunks(anthropicProtocol, [bytes.subarray(0, cut), bytes.subarray(cut)]))
        if (outcome !== reference) expect({ name, cut, outcome }).toEqual({ name, cut, outcome: reference })
      }
    }
  })

  it('an initial text in content_block_start counts; unknown event types are ignored', () => {
    const { events } = streamEventsFromChunks(anthropicProtocol, [
      event('message_start', { type: 'message_start', message: { usage: { input_tokens: 3, output_tokens: 1 } } }),
      event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hi' } }),
      event('future_event', { type: 'future_event', whatever: true }),
      event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: {} } }),
      event('message_delta', { type: 'message_delta', delta: { stop_reason: 'refusal' }, usage: { output_tokens: 2 } }),
      event('message_stop', { type: 'message_stop' }),
    ])
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hi' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 2 } },
      { type: 'stream-end', finishReason: 'refusal', rawFinishReason: 'refusal' },
    ])
  })
})

describe('broken streams give typed errors, never a hang', () => {
  const start = event('message_start', { type: 'message_start', message: { usage: { input_tokens: 3 } } })
  it.each([
    ['no message_stop', [start, event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' } })], 'ADAPTER_STREAM_TRUNCATED'],
    ['empty body', [], 'ADAPTER_STREAM_TRUNCATED'],
    ['unparsable JSON', [start, encode('event: content_block_delta\ndata: {"type":"content_block_delta",\n\n')], 'ADAPTER_STREAM_MALFORMED'],
    ['error event with plain text', [encode('event: error\ndata: upstream died\n\n')], 'ADAPTER_STREAM_ERROR'],
  ])('%s → %s', (_name, chunks, code) => {
    expect(streamEventsFromChunks(anthropicProtocol, chunks).error?.code).toBe(code)
  })

  it('the recorded stream cut at any byte before message_stop never completes', () => {
    const bytes = new Uint8Array(readFixture('anthropic-stream-text.chunks.txt'))
    const stop = new TextDecoder().decode(bytes).indexOf('event: message_stop')
    const stopBytes = new TextEncoder().encode(new TextDecoder().decode(bytes).slice(0, stop)).length
    for (let cut = 0; cut < stopBytes + 40; cut++) {
      const { error, events } = streamEventsFromChunks(anthropicProtocol, [bytes.subarray(0, cut)])
      expect(error?.code).toMatch(/^ADAPTER_STREAM_(TRUNCATED|MALFORMED)$/)
      expect(events.some((item) => item.type === 'stream-end')).toBe(false)
    }
  })
})

describe('non-streaming body and errors', () => {
  it('gives reasoning, one text delta, usage and the finish reason', () => {
    const { events, error } = bodyEvents(anthropicProtocol, readFixture('anthropic-nonstream.json').toString('utf8'))
    expect(error).toBeUndefined()
    expect(events).toEqual([
      { type: 'reasoning-delta', text: 'Check the ledger first.' },
      { type: 'text-delta', text: 'The ledger balances: €1 204,50 ✓' },
      { type: 'usage', usage: { inputTokens: 1350, cachedInputTokens: 1000, cacheWriteInputTokens: 50, outputTokens: 42 } },
      { type: 'stream-end', finishReason: 'stop', rawFinishReason: 'end_turn' },
    ])
  })

  it('an error-typed body, or one without content, is a typed error', () => {
    expect(bodyEvents(anthropicProtocol, readFixture('anthropic-error-529.json').toString()).error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'overloaded_error', retryable: true })
    expect(bodyEvents(anthropicProtocol, '{"type":"message"}').error?.code).toBe('ADAPTER_STREAM_MALFORMED')
  })

  it('reads the recorded 529 and 429 bodies', () => {
    expect(parseAnthropicErrorBody(readFixture('anthropic-error-529.json').toString())).toEqual({ type: 'overloaded_error', message: 'Overloaded' })
    expect(parseAnthropicErrorBody(readFixture('anthropic-error-429.json').toString())).toMatchObject({ type: 'rate_limit_error' })
    expect(parseAnthropicErrorBody('Bad Gateway')).toBeUndefined()
  })

  it('retryable error types and stop reasons', () => {
    expect(['overloaded_error', 'api_error', 'rate_limit_error'].map(isRetryableAnthropicError)).toEqual([true, true, true])
    expect(['invalid_request_error', 'authentication_error', undefined].map(isRetryableAnthropicError)).toEqual([false, false, false])
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'refusal', 'tool_use', 'pause_turn', undefined].map(mapAnthropicStopReason)).toEqual([
      'stop',
      'stop',
      'length',
      'refusal',
      'tool-calls',
      'other',
      'other',
    ])
  })

  it('usage without counts is no usage', () => {
    expect(toUsage({})).toBeUndefined()
    expect(toUsage({ output: 4 })).toEqual({ outputTokens: 4 })
  })
})
