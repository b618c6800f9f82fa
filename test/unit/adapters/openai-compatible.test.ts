// OpenAI-compatible wire format: request building and parsing of recorded answers.
import { describe, expect, it } from 'vitest'
import {
  buildChatCompletionsBody,
  buildChatCompletionsHeaders,
  createOpenAiProtocol,
  isRetryableOpenAiError,
  mapOpenAiFinishReason,
  parseOpenAiErrorBody,
  parseOpenAiUsage,
} from '../../../adapters/openai-compatible/index.js'
import type { ChatRequest } from '../../../adapters/types.js'
import { createRandom } from '../../../core/random.js'
import { bodyEvents, joined, streamEventsFromChunks } from '../../helpers/adapter-events.js'
import { readFixture, splitBytes } from '../../helpers/fixture-server.js'

const protocol = createOpenAiProtocol('OpenAI-compatible')
const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
const sse = (...datas: string[]): Uint8Array[] => datas.map((data) => encode(`data: ${data}\n\n`))

const request: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Summarise Q3.' },
  ],
  maxOutputTokens: 256,
}

describe('request body', () => {
  it('streams with usage by default, using the chosen max-tokens field', () => {
    expect(buildChatCompletionsBody(request, { maxTokensField: 'max_tokens' })).toEqual({
      model: 'gpt-4o-mini',
      messages: request.messages,
      max_tokens: 256,
      stream: true,
      stream_options: { include_usage: true },
    })
    const body = buildChatCompletionsBody(request, { maxTokensField: 'max_completion_tokens' })
    expect(body['max_completion_tokens']).toBe(256)
    expect(body).not.toHaveProperty('max_tokens')
  })

  it('non-streaming: no stream fields; temperature and JSON mode when asked', () => {
    const body = buildChatCompletionsBody({ ...request, stream: false, temperature: 0.2, responseFormat: 'json' }, { maxTokensField: 'max_tokens' })
    expect(body).not.toHaveProperty('stream')
    expect(body).not.toHaveProperty('stream_options')
    expect(body['temperature']).toBe(0.2)
    expect(body['response_format']).toEqual({ type: 'json_object' })
  })
})

describe('request headers', () => {
  it('sends bearer auth, the output-length hint and request headers; user config wins', () => {
    const headers = buildChatCompletionsHeaders(
      { ...request, targetOutputTokens: 321, headers: { 'X-Gauntlet-Task': 'summarise', Authorization: 'Bearer from-traffic' } },
      { auth: { authorization: 'Bearer sk-key' }, settingsHeaders: { 'X-Team': 'platform' } },
    )
    expect(headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-gauntlet-output-tokens': '321',
      'x-gauntlet-task': 'summarise',
      authorization: 'Bearer sk-key',
      'x-team': 'platform',
    })
  })

  it('asks for JSON when not streaming and sends no auth without a key', () => {
    const headers = buildChatCompletionsHeaders({ ...request, stream: false }, { auth: {} })
    expect(headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' })
  })
})

describe('stream parsing (recorded fixtures)', () => {
  it('text stream with usage: text, usage incl. cached tokens, finish stop', () => {
    const { events, error } = streamEventsFromChunks(protocol, [readFixture('openai-stream-usage.chunks.txt')])
    expect(error).toBeUndefined()
    expect(joined(events, 'text-delta')).toBe('Quarterly revenue rose 12% — café ☕ naïve 🚀 日本語.')
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(11)
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 1234, cachedInputTokens: 1024, outputTokens: 11, reasoningTokens: 0 } },
      { type: 'stream-end', finishReason: 'stop', rawFinishReason: 'stop' },
    ])
  })

  it('reasoning stream: reasoning_content kept apart from text', () => {
    const { events, error } = streamEventsFromChunks(protocol, [readFixture('openai-stream-reasoning.chunks.txt')])
    expect(error).toBeUndefined()
    expect(joined(events, 'reasoning-delta')).toBe('The user asks for the total: 17 + 25 = 42 ✓')
    expect(joined(events, 'text-delta')).toBe('The total is **42**.')
    // All reasoning precedes the first text delta, as it did on the wire.
    const firstText = events.findIndex((event) => event.type === 'text-delta')
    expect(events.slice(firstText).some((event) => event.type === 'reasoning-delta')).toBe(false)
    expect(events.find((event) => event.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 58, cachedInputTokens: 0, outputTokens: 96, reasoningTokens: 87 },
    })
  })

  it('refusal stream: the refusal is the answer text and the finish becomes refusal', () => {
    const { events, error } = streamEventsFromChunks(protocol, [readFixture('openai-stream-refusal.chunks.txt')])
    expect(error).toBeUndefined()
    expect(joined(events, 'text-delta')).toBe("I'm sorry, I can't help with that request — désolé.")
    expect(events.at(-1)).toEqual({ type: 'stream-end', finishReason: 'refusal', rawFinishReason: 'stop' })
  })

  it('an error object inside the stream → ADAPTER_STREAM_ERROR, after the text already received', () => {
    const { events, error } = streamEventsFromChunks(protocol, [readFixture('openai-stream-error.chunks.txt')])
    expect(joined(events, 'text-delta')).toBe('Partial answer')
    expect(error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'server_error', retryable: true })
    expect(error?.message).toContain('The server had an error')
  })

  it('OpenRouter-style `reasoning` deltas and vLLM numeric error codes', () => {
    const reasoning = streamEventsFromChunks(protocol, sse('{"choices":[{"index":0,"delta":{"reasoning":"hmm"}}]}', '{"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"length"}]}', '[DONE]'))
    expect(reasoning.events).toEqual([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'text-delta', text: 'ok' },
      { type: 'stream-end', finishReason: 'length', rawFinishReason: 'length' },
    ])
    const vllm = streamEventsFromChunks(protocol, sse('{"error":{"object":"error","message":"engine dead","type":"InternalServerError","param":null,"code":500}}'))
    expect(vllm.error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'InternalServerError', vendorCode: '500', retryable: true })
    const tgi = streamEventsFromChunks(protocol, sse('{"error":"Input validation error: too long","error_type":"validation"}'))
    expect(tgi.error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'validation', retryable: false })
  })

  it('usage counts a server does not send stay undefined; no usage event without usage', () => {
    expect(parseOpenAiUsage({ prompt_tokens: 10, completion_tokens: 3 })).toEqual({ inputTokens: 10, outputTokens: 3 })
    expect(parseOpenAiUsage(null)).toBeUndefined()
    expect(parseOpenAiUsage({ prompt_tokens: -1, completion_tokens: 'x' })).toEqual({})
    const { events } = streamEventsFromChunks(protocol, sse('{"choices":[{"delta":{"content":"hi"},"finish_reason":"stop"}]}', '[DONE]'))
    expect(events.some((event) => event.type === 'usage')).toBe(false)
  })

  it('keeps the last usage when a server reports it on every chunk (vLLM continuous usage)', () => {
    const { events } = streamEventsFromChunks(
      protocol,
      sse(
        '{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}}',
        '{"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
        '[DONE]',
      ),
    )
    expect(events.filter((event) => event.type === 'usage')).toEqual([{ type: 'usage', usage: { inputTokens: 5, outputTokens: 2 } }])
  })

  it('ignores choices other than index 0 and bare keep-alive data lines', () => {
    const { events } = streamEventsFromChunks(
      protocol,
      [encode('data:\n\n'), ...sse('{"choices":[{"index":1,"delta":{"content":"other"}},{"index":0,"delta":{"content":"mine"}}]}', '[DONE]')],
    )
    expect(joined(events, 'text-delta')).toBe('mine')
  })
})

describe('broken streams give typed errors, never a hang', () => {
  const usageFixture = new Uint8Array(readFixture('openai-stream-usage.chunks.txt'))

  it.each([
    ['no [DONE]', sse('{"choices":[{"delta":{"content":"a"},"finish_reason":"stop"}]}'), 'ADAPTER_STREAM_TRUNCATED'],
    ['empty body', [], 'ADAPTER_STREAM_TRUNCATED'],
    ['[DONE] without its blank line', [encode('data: {"choices":[]}\n\ndata: [DONE]\n')], 'ADAPTER_STREAM_TRUNCATED'],
    ['unparsable JSON', sse('{"choices":[{"delta":{"content":"a"}}'), 'ADAPTER_STREAM_MALFORMED'],
    ['JSON that is not an object', sse('[1,2]'), 'ADAPTER_STREAM_MALFORMED'],
    ['HTML instead of SSE', [encode('<html><body>502 Bad Gateway</body></html>')], 'ADAPTER_STREAM_TRUNCATED'],
    ['an `event: error` with plain text', [encode('event: error\ndata: upstream died\n\n')], 'ADAPTER_STREAM_ERROR'],
  ])('%s → %s', (_name, chunks, code) => {
    expect(streamEventsFromChunks(protocol, chunks).error?.code).toBe(code)
  })

  it('the recorded stream cut at any byte before [DONE] is truncated or malformed, never complete', () => {
    const done = new TextDecoder().decode(usageFixture).indexOf('data: [DONE]')
    const random = createRandom('openai-cuts')
    for (let round = 0; round < 300; round++) {
      const cut = random.int(done + 13)
      const { error, events } = streamEventsFromChunks(protocol, splitBytes(usageFixture.subarray(0, cut), 7))
      expect(error?.code).toMatch(/^ADAPTER_STREAM_(TRUNCATED|MALFORMED)$/)
      expect(events.some((event) => event.type === 'stream-end')).toBe(false)
    }
  })

  it('every split of every recorded stream gives identical normalised events', () => {
    for (const name of ['openai-stream-usage.chunks.txt', 'openai-stream-reasoning.chunks.txt', 'openai-stream-refusal.chunks.txt', 'openai-stream-error.chunks.txt']) {
      const bytes = new Uint8Array(readFixture(name))
      const reference = JSON.stringify(streamEventsFromChunks(protocol, [bytes]))
      for (let cut = 0; cut <= bytes.length; cut++) {
        const outcome = JSON.stringify(streamEventsFromChunks(protocol, [bytes.subarray(0, cut), bytes.subarray(cut)]))
        if (outcome !== reference) expect({ name, cut, outcome }).toEqual({ name, cut, outcome: reference })
      }
    }
  })
})

describe('non-streaming body', () => {
  it('gives one text delta, usage and the finish reason', () => {
    const { events, error } = bodyEvents(protocol, readFixture('openai-nonstream.json').toString('utf8'))
    expect(error).toBeUndefined()
    expect(events).toEqual([
      { type: 'text-delta', text: 'Revenue rose 12% — driven by café sales ☕.' },
      { type: 'usage', usage: { inputTokens: 812, cachedInputTokens: 512, outputTokens: 14, reasoningTokens: 0 } },
      { type: 'stream-end', finishReason: 'length', rawFinishReason: 'length' },
    ])
  })

  it('reasoning, refusal, error objects and garbage', () => {
    const reasoning = bodyEvents(protocol, '{"choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"think"},"finish_reason":"stop"}]}')
    expect(reasoning.events.slice(0, 2)).toEqual([
      { type: 'reasoning-delta', text: 'think' },
      { type: 'text-delta', text: '42' },
    ])
    const refusal = bodyEvents(protocol, '{"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"No."},"finish_reason":"stop"}]}')
    expect(refusal.events).toEqual([
      { type: 'text-delta', text: 'No.' },
      { type: 'stream-end', finishReason: 'refusal', rawFinishReason: 'stop' },
    ])
    expect(bodyEvents(protocol, readFixture('openai-error-429.json').toString()).error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorCode: 'rate_limit_exceeded', retryable: true })
    expect(bodyEvents(protocol, '{"id":"x"}').error?.code).toBe('ADAPTER_STREAM_MALFORMED')
    expect(bodyEvents(protocol, 'not json').error?.code).toBe('ADAPTER_STREAM_MALFORMED')
  })
})

describe('error bodies and finish reasons', () => {
  it('reads the recorded 429 and 400 bodies', () => {
    expect(parseOpenAiErrorBody(readFixture('openai-error-429.json').toString())).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' })
    expect(parseOpenAiErrorBody(readFixture('openai-error-400-context.json').toString())).toMatchObject({
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      message: expect.stringContaining('maximum context length'),
    })
    expect(parseOpenAiErrorBody('{"message":"model not found","type":"not_found"}')).toEqual({ message: 'model not found', type: 'not_found' })
    expect(parseOpenAiErrorBody('<html>')).toBeUndefined()
  })

  it('judges in-stream retryability by type or code', () => {
    expect(isRetryableOpenAiError({ type: 'server_error' })).toBe(true)
    expect(isRetryableOpenAiError({ code: 'rate_limit_exceeded' })).toBe(true)
    expect(isRetryableOpenAiError({ code: '503' })).toBe(true)
    expect(isRetryableOpenAiError({ code: '400' })).toBe(false)
    expect(isRetryableOpenAiError({ type: 'invalid_request_error', code: 'context_length_exceeded' })).toBe(false)
  })

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['eos', 'other'],
    [undefined, 'other'],
  ] as const)('finish_reason %s → %s', (raw, expected) => {
    expect(mapOpenAiFinishReason(raw)).toBe(expected)
  })
})
