// Anthropic adapter against a real loopback server replaying recorded answers.
import { inspect } from 'node:util'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnthropicAdapter } from '../../adapters/anthropic/index.js'
import type { ChatRequest } from '../../adapters/types.js'
import type { AdapterError } from '../../core/errors.js'
import { collect, joined } from '../helpers/adapter-events.js'
import { readFixture, splitBytes, startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js'

const KEY = 'sk-ant-test-GAUNTLET-secret-987654'
const request: ChatRequest = {
  model: 'claude-sonnet-4-5',
  messages: [
    { role: 'system', content: 'Be exact.' },
    { role: 'user', content: 'Do the invoices match?' },
  ],
  maxOutputTokens: 300,
}

let server: FixtureServer
let dispatcher: Agent

beforeAll(async () => {
  server = await startFixtureServer()
  dispatcher = new Agent()
})

afterAll(async () => {
  await dispatcher.close()
  await server.close()
})

const signal = (): AbortSignal => new AbortController().signal
// A trailing /v1 on the base URL is tolerated: the path is always {base}/v1/messages.
const adapter = () => createAnthropicAdapter({ model: 'claude-sonnet-4-5', baseUrl: `${server.url}/v1`, apiKey: KEY, dispatcher, env: {} })

describe('anthropic over HTTP', () => {
  it('streams the recorded text answer in 23-byte chunks and sends the right request', async () => {
    server.reply({ chunks: splitBytes(readFixture('anthropic-stream-text.chunks.txt'), 23) })
    const { events, error } = await collect(adapter().stream({ ...request, targetOutputTokens: 15 }, { signal: signal() }))
    expect(error).toBeUndefined()
    expect(events[0]).toMatchObject({ type: 'response-start', status: 200 })
    expect(joined(events, 'text-delta')).toBe('Invoice totals match — Zürich office ✓ 東京 🚀.')
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 2588, cachedInputTokens: 2048, cacheWriteInputTokens: 128, outputTokens: 15 } },
      { type: 'stream-end', finishReason: 'stop', rawFinishReason: 'end_turn' },
    ])
    const sent = server.requests.at(-1)
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/messages' })
    expect(sent?.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'x-gauntlet-output-tokens': '15' })
    expect(sent?.headers['authorization']).toBeUndefined()
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'Be exact.',
      messages: [{ role: 'user', content: 'Do the invoices match?' }],
      stream: true,
    })
  })

  it('thinking stream: reasoning apart from text', async () => {
    server.reply({ chunks: splitBytes(readFixture('anthropic-stream-thinking.chunks.txt'), 5) })
    const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(error).toBeUndefined()
    expect(joined(events, 'reasoning-delta')).toBe('Need the sum (Σ) of 17 and 25.\n17 + 25 = 42.')
    expect(joined(events, 'text-delta')).toBe('The total is 42.')
    expect(events.at(-1)).toEqual({ type: 'stream-end', finishReason: 'length', rawFinishReason: 'max_tokens' })
  })

  it('an overloaded_error event mid-stream → retryable ADAPTER_STREAM_ERROR', async () => {
    // Split in 50-byte pieces and in one piece: the text before the error arrives either way.
    for (const chunks of [splitBytes(readFixture('anthropic-stream-overloaded.chunks.txt'), 50), [readFixture('anthropic-stream-overloaded.chunks.txt')]]) {
      server.reply({ chunks })
      const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
      expect(joined(events, 'text-delta')).toBe('Starting')
      expect(error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'overloaded_error', retryable: true })
    }
  })

  it('529 overloaded with Retry-After → retryable ADAPTER_HTTP_STATUS after response-start', async () => {
    server.reply({ status: 529, body: readFixture('anthropic-error-529.json'), headers: { 'retry-after': '7' } })
    const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(events).toEqual([{ type: 'response-start', status: 529, headers: expect.objectContaining({ 'retry-after': '7' }) }])
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 529, vendorType: 'overloaded_error', retryable: true, retryAfterMs: 7000 })
    expect((error as AdapterError).message).toContain('Anthropic answered HTTP 529')
    expect((error as AdapterError).body).toContain('req_011CGauntlet529Overloaded')
  })

  it('429 rate_limit_error with an HTTP-date Retry-After', async () => {
    const at = new Date(Date.now() + 5_000).toUTCString()
    server.reply({ status: 429, body: readFixture('anthropic-error-429.json'), headers: { 'retry-after': at } })
    const { error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 429, vendorType: 'rate_limit_error', retryable: true })
    // HTTP dates have 1 s resolution.
    expect((error as AdapterError).retryAfterMs).toBeGreaterThan(3_000)
    expect((error as AdapterError).retryAfterMs).toBeLessThanOrEqual(5_000)
  })

  it('non-streaming body', async () => {
    server.reply({ body: readFixture('anthropic-nonstream.json') })
    const { events, error } = await collect(adapter().stream({ ...request, stream: false }, { signal: signal() }))
    expect(error).toBeUndefined()
    expect(events.map((event) => event.type)).toEqual(['response-start', 'reasoning-delta', 'text-delta', 'usage', 'stream-end'])
    expect(JSON.parse(server.requests.at(-1)?.body ?? '')).not.toHaveProperty('stream')
    expect(server.requests.at(-1)?.headers['accept']).toBe('application/json')
  })

  it('the key echoed in a 401 never reaches the error', async () => {
    server.reply({ status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } }) })
    const { error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 401, vendorType: 'authentication_error', retryable: false })
    expect(inspect(error, { depth: 10 })).not.toContain(KEY)
  })

  it('anthropic-version can be overridden', async () => {
    server.reply({ body: readFixture('anthropic-nonstream.json') })
    const custom = createAnthropicAdapter({ model: 'c', baseUrl: server.url, apiKey: KEY, dispatcher, env: {}, apiVersion: '2099-01-01' })
    await collect(custom.stream({ ...request, stream: false }, { signal: signal() }))
    expect(server.requests.at(-1)?.headers['anthropic-version']).toBe('2099-01-01')
  })
})
