// OpenAI-compatible and Azure adapters against a real loopback server replaying recorded answers.
import { inspect } from 'node:util'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAzureAdapter } from '../../adapters/azure/index.js'
import { createOpenAiCompatibleAdapter } from '../../adapters/openai-compatible/index.js'
import type { ChatRequest, StreamEvent } from '../../adapters/types.js'
import { AdapterError } from '../../core/errors.js'
import { collect, joined } from '../helpers/adapter-events.js'
import { readFixture, splitBytes, startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js'

const KEY = 'sk-test-GAUNTLET-secret-0123456789'
const request: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Summarise Q3 — café sales.' }],
  maxOutputTokens: 64,
  targetOutputTokens: 11,
}

let server: FixtureServer
let dispatcher: Agent

beforeAll(async () => {
  server = await startFixtureServer()
  dispatcher = new Agent({ keepAliveTimeout: 10_000 })
})

afterAll(async () => {
  await dispatcher.close()
  await server.close()
})

const signal = (): AbortSignal => new AbortController().signal
const adapter = (extra: { bodyTimeoutMs?: number } = {}) =>
  createOpenAiCompatibleAdapter({ model: 'gpt-4o-mini', baseUrl: `${server.url}/v1`, apiKey: KEY, dispatcher, env: {}, ...extra })

function expectNoSecret(value: unknown): void {
  expect(inspect(value, { depth: 10 })).not.toContain(KEY)
  expect(JSON.stringify(value)).not.toContain(KEY)
}

describe('openai-compatible over HTTP', () => {
  it('streams a recorded answer split into small chunks, and sends the right request', async () => {
    server.reply({ chunks: splitBytes(readFixture('openai-stream-usage.chunks.txt'), 37), headers: { 'x-request-id': 'req-1' } })
    const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(error).toBeUndefined()
    expect(events[0]).toMatchObject({ type: 'response-start', status: 200, headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req-1' } })
    expect(joined(events, 'text-delta')).toBe('Quarterly revenue rose 12% — café ☕ naïve 🚀 日本語.')
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 1234, cachedInputTokens: 1024, outputTokens: 11, reasoningTokens: 0 } },
      { type: 'stream-end', finishReason: 'stop', rawFinishReason: 'stop' },
    ])
    const sent = server.requests.at(-1)
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/chat/completions' })
    expect(sent?.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'x-gauntlet-output-tokens': '11', accept: 'text/event-stream', 'content-type': 'application/json' })
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages: request.messages,
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    })
  })

  it('yields events as they arrive, not when the body ends', async () => {
    const events = new TextDecoder().decode(readFixture('openai-stream-usage.chunks.txt')).split(/(?<=\n\n)/)
    server.reply({ chunks: events, chunkDelayMs: 15 })
    const arrivals: Array<{ type: StreamEvent['type']; atMs: number }> = []
    const started = performance.now()
    for await (const event of adapter().stream(request, { signal: signal() })) arrivals.push({ type: event.type, atMs: performance.now() - started })
    const firstText = arrivals.find((arrival) => arrival.type === 'text-delta')?.atMs ?? Number.NaN
    const end = arrivals.at(-1)?.atMs ?? Number.NaN
    // 15 events 15 ms apart: the first text comes ~2 gaps in, the end ~14 gaps in.
    expect(end - firstText).toBeGreaterThan(100)
  })

  it('reuses the keep-alive connection after [DONE]', async () => {
    // The body's end comes 10 ms after [DONE], when the adapter has already finished.
    server.reply({ chunks: [readFixture('openai-stream-usage.chunks.txt')], chunkDelayMs: 10 })
    await collect(adapter().stream(request, { signal: signal() }))
    const before = server.connectionCount()
    for (let i = 0; i < 3; i++) {
      // A moment for the chunked-encoding end to arrive after [DONE]; without the background
      // drain the socket would be destroyed instead and every request would open a new one.
      await new Promise((resolve) => setTimeout(resolve, 20))
      const { error } = await collect(adapter().stream(request, { signal: signal() }))
      expect(error).toBeUndefined()
    }
    expect(server.connectionCount()).toBe(before)
  })

  it('text that precedes an in-stream error in the same network chunk is still delivered', async () => {
    server.reply({ chunks: [readFixture('openai-stream-error.chunks.txt')] })
    const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(joined(events, 'text-delta')).toBe('Partial answer')
    expect(error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR', vendorType: 'server_error', retryable: true })
  })

  it('non-streaming, and a server that answers JSON to a streaming request', async () => {
    server.reply({ body: readFixture('openai-nonstream.json') })
    for (const stream of [false, true]) {
      const { events, error } = await collect(adapter().stream({ ...request, stream }, { signal: signal() }))
      expect(error).toBeUndefined()
      expect(events.map((event) => event.type)).toEqual(['response-start', 'text-delta', 'usage', 'stream-end'])
      expect(joined(events, 'text-delta')).toBe('Revenue rose 12% — driven by café sales ☕.')
    }
    expect(JSON.parse(server.requests.at(-2)?.body ?? '')).not.toHaveProperty('stream')
  })

  it('429 with Retry-After: response-start first, then a retryable ADAPTER_HTTP_STATUS', async () => {
    server.reply({ status: 429, body: readFixture('openai-error-429.json'), headers: { 'retry-after': '2', 'x-ratelimit-remaining-requests': '0' } })
    const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(events).toEqual([{ type: 'response-start', status: 429, headers: expect.objectContaining({ 'retry-after': '2', 'x-ratelimit-remaining-requests': '0' }) }])
    expect(error).toBeInstanceOf(AdapterError)
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 429, vendorType: 'requests', vendorCode: 'rate_limit_exceeded', retryable: true, retryAfterMs: 2000 })
    expect((error as AdapterError).body).toContain('Rate limit reached')
    expect((error as AdapterError).message).toMatch(/HTTP 429 .* requests\/rate_limit_exceeded: Rate limit reached/)
  })

  it('400 context_length_exceeded is not retryable; retry-after-ms and x-should-retry are honoured', async () => {
    server.reply({ status: 400, body: readFixture('openai-error-400-context.json') })
    const plain = await collect(adapter().stream(request, { signal: signal() }))
    expect(plain.error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 400, vendorCode: 'context_length_exceeded', retryable: false })
    server.reply({ status: 400, body: readFixture('openai-error-400-context.json'), headers: { 'x-should-retry': 'true', 'retry-after-ms': '120' } })
    const forced = await collect(adapter().stream(request, { signal: signal() }))
    expect(forced.error).toMatchObject({ retryable: true, shouldRetry: true, retryAfterMs: 120 })
    server.reply({ status: 503, body: 'upstream connect error', headers: { 'x-should-retry': 'false' } })
    const refused = await collect(adapter().stream(request, { signal: signal() }))
    expect(refused.error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 503, retryable: false, shouldRetry: false, body: 'upstream connect error' })
  })

  it('keeps at most 2 KiB of a huge error body', async () => {
    server.reply({ status: 500, body: 'x'.repeat(200_000) })
    const { error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 500, retryable: true })
    expect((error as AdapterError).body?.length).toBeLessThan(2100)
  })

  it('an API key echoed by the server never reaches events or errors', async () => {
    server.reply((received) => ({
      status: 401,
      headers: { 'x-echo': String(received.headers['authorization']) },
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
    }))
    const { events, error } = await collect(adapter().stream(request, { signal: signal() }))
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 401, vendorCode: 'invalid_api_key', retryable: false })
    expect((error as AdapterError).message).toContain('Incorrect API key provided: [redacted]')
    expect(events[0]).toMatchObject({ headers: { 'x-echo': 'Bearer [redacted]' } })
    expectNoSecret(error)
    expectNoSecret(events)
    server.reply({ chunks: [`data: {"choices":[{"index":0,"delta":{"content":"${KEY}"}}]}\n\n`, `data: {"error":{"message":"bad key ${KEY}","type":"server_error"}}\n\n`] })
    const inStream = await collect(adapter().stream(request, { signal: signal() }))
    expect(inStream.error).toMatchObject({ code: 'ADAPTER_STREAM_ERROR' })
    expectNoSecret(inStream.error)
  })
})

describe('azure over HTTP', () => {
  it('posts to the deployment URL with api-version and the api-key header', async () => {
    server.reply({ chunks: splitBytes(readFixture('openai-stream-usage.chunks.txt'), 64) })
    const azure = createAzureAdapter({ model: 'gpt4o-prod', baseUrl: `${server.url}/openai/`, apiKey: KEY, dispatcher, env: { OPENAI_API_VERSION: '2024-06-01' } })
    expect(azure).toMatchObject({ name: 'azure', model: 'gpt4o-prod', baseUrl: server.url })
    const { events, error } = await collect(azure.stream({ ...request, model: 'gpt4o-prod' }, { signal: signal() }))
    expect(error).toBeUndefined()
    expect(joined(events, 'text-delta')).toContain('café')
    const sent = server.requests.at(-1)
    expect(sent?.url).toBe('/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-06-01')
    expect(sent?.headers['api-key']).toBe(KEY)
    expect(sent?.headers['authorization']).toBeUndefined()
    expect(JSON.parse(sent?.body ?? '')).toMatchObject({ max_completion_tokens: 64, stream: true })
  })

  it('defaults the api-version and reads the endpoint and key from the environment', async () => {
    server.reply({ body: readFixture('openai-nonstream.json') })
    const azure = createAzureAdapter({ model: 'dep', dispatcher, env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_API_KEY: 'azure-key-123456' } })
    const { error } = await collect(azure.stream({ ...request, stream: false }, { signal: signal() }))
    expect(error).toBeUndefined()
    expect(server.requests.at(-1)?.url).toBe('/openai/deployments/dep/chat/completions?api-version=2024-10-21')
    expect(server.requests.at(-1)?.headers['api-key']).toBe('azure-key-123456')
  })
})
