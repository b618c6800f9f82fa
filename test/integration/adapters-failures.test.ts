// Transport failures end as typed AdapterErrors, promptly, with no key in them: resets, stalls,
// timeouts, aborts, refused connections, truncated and malformed streams.
import { createServer } from 'node:net'
import { inspect } from 'node:util'
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnthropicAdapter } from '../../adapters/anthropic/index.js'
import { createOpenAiCompatibleAdapter } from '../../adapters/openai-compatible/index.js'
import type { Adapter, ChatRequest } from '../../adapters/types.js'
import { AdapterError } from '../../core/errors.js'
import { collect } from '../helpers/adapter-events.js'
import { readFixture, splitBytes, startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js'

const KEY = 'sk-test-FAILURES-secret-abcdef'
const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 16 }
const openAiStream = readFixture('openai-stream-usage.chunks.txt')
const anthropicStream = readFixture('anthropic-stream-text.chunks.txt')

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

type Vendor = 'openai' | 'anthropic'
function adapterFor(vendor: Vendor, timeouts: { headersTimeoutMs?: number; bodyTimeoutMs?: number } = {}, baseUrl = server.url): Adapter {
  return vendor === 'openai'
    ? createOpenAiCompatibleAdapter({ model: 'm', baseUrl: `${baseUrl}/v1`, apiKey: KEY, dispatcher, env: {}, ...timeouts })
    : createAnthropicAdapter({ model: 'm', baseUrl, apiKey: KEY, dispatcher, env: {}, ...timeouts })
}
const half = (vendor: Vendor): Uint8Array[] => splitBytes((vendor === 'openai' ? openAiStream : anthropicStream).subarray(0, 700), 100)

async function failure(adapter: Adapter, signal: AbortSignal = new AbortController().signal): Promise<{ error: AdapterError; elapsedMs: number; types: string[] }> {
  const started = performance.now()
  const { events, error } = await collect(adapter.stream(request, { signal }))
  const elapsedMs = performance.now() - started
  expect(error).toBeInstanceOf(AdapterError)
  expect(inspect(error, { depth: 10 })).not.toContain(KEY)
  return { error: error as AdapterError, elapsedMs, types: events.map((event) => event.type) }
}

describe.each(['openai', 'anthropic'] as const)('%s adapter', (vendor) => {
  it('socket reset (RST) mid-stream → ADAPTER_RESET after the events already received', async () => {
    server.reply({ chunks: half(vendor), chunkDelayMs: 5, after: 'reset' })
    const { error, types } = await failure(adapterFor(vendor))
    expect(error).toMatchObject({ code: 'ADAPTER_RESET', retryable: true })
    expect(types[0]).toBe('response-start')
    expect(types).toContain('text-delta')
    expect(types).not.toContain('stream-end')
  })

  it('socket closed (FIN) mid chunked body → ADAPTER_RESET', async () => {
    server.reply({ chunks: half(vendor), after: 'close' })
    expect((await failure(adapterFor(vendor))).error.code).toBe('ADAPTER_RESET')
  })

  it('reset before any response → ADAPTER_RESET', async () => {
    server.reply({ before: 'reset' })
    expect((await failure(adapterFor(vendor))).error.code).toBe('ADAPTER_RESET')
  })

  it('a stall past the body timeout → ADAPTER_TIMEOUT, soon after the timeout', async () => {
    server.reply({ chunks: half(vendor), after: 'stall' })
    const { error, elapsedMs, types } = await failure(adapterFor(vendor, { bodyTimeoutMs: 300 }))
    expect(error).toMatchObject({ code: 'ADAPTER_TIMEOUT', retryable: true })
    expect(error.message).toContain('300 ms (bodyTimeoutMs)')
    expect(types).toContain('text-delta')
    expect(elapsedMs).toBeGreaterThan(250)
    expect(elapsedMs).toBeLessThan(3_000)
  })

  it('no headers within the headers timeout → ADAPTER_TIMEOUT', async () => {
    server.reply({ before: 'stall' })
    const { error, elapsedMs, types } = await failure(adapterFor(vendor, { headersTimeoutMs: 300 }))
    expect(error).toMatchObject({ code: 'ADAPTER_TIMEOUT' })
    expect(error.message).toContain('headersTimeoutMs')
    expect(types).toEqual([])
    expect(elapsedMs).toBeLessThan(3_000)
  })

  it('abort mid-stream via the signal → ADAPTER_ABORTED promptly, with the reason', async () => {
    server.reply({ chunks: half(vendor), after: 'stall' })
    const controller = new AbortController()
    const adapter = adapterFor(vendor)
    let abortedAt = 0
    const stream = adapter.stream(request, { signal: controller.signal })
    const events: string[] = []
    let caught: unknown
    try {
      for await (const event of stream) {
        events.push(event.type)
        if (event.type === 'text-delta' && abortedAt === 0) {
          setTimeout(() => {
            abortedAt = performance.now()
            controller.abort(new Error('patience ran out'))
          }, 50)
        }
      }
    } catch (error) {
      caught = error
    }
    const lagMs = performance.now() - abortedAt
    expect(caught).toMatchObject({ code: 'ADAPTER_ABORTED', retryable: false })
    expect((caught as Error).message).toContain('patience ran out')
    expect(lagMs).toBeLessThan(500)
  })

  it('abort while waiting for headers → ADAPTER_ABORTED promptly', async () => {
    server.reply({ before: 'stall' })
    const { error, elapsedMs } = await failure(adapterFor(vendor), AbortSignal.timeout(150))
    expect(error.code).toBe('ADAPTER_ABORTED')
    expect(elapsedMs).toBeLessThan(1_000)
  })

  it('a stream that ends cleanly without its terminator → ADAPTER_STREAM_TRUNCATED', async () => {
    server.reply({ chunks: half(vendor).slice(0, 5) })
    expect((await failure(adapterFor(vendor))).error.code).toBe('ADAPTER_STREAM_TRUNCATED')
  })

  it('unparsable JSON in a data line → ADAPTER_STREAM_MALFORMED', async () => {
    server.reply({ chunks: ['event: message_start\ndata: {"type":"message_start","message":{\n\n'] })
    expect((await failure(adapterFor(vendor))).error.code).toBe('ADAPTER_STREAM_MALFORMED')
  })
})

describe('connection failures', () => {
  it('connection refused → ADAPTER_CONNECTION', async () => {
    // A port that was just free: bind, note it, close.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as { port: number }).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const { error } = await failure(adapterFor('openai', {}, `http://127.0.0.1:${port}`))
    expect(error).toMatchObject({ code: 'ADAPTER_CONNECTION', retryable: true })
    expect(error.message).toContain('ECONNREFUSED')
  })

  it('a consumer that stops early releases the connection', async () => {
    server.reply({ chunks: splitBytes(openAiStream, 50), chunkDelayMs: 20 })
    const open = server.openConnections()
    for await (const event of adapterFor('openai').stream(request, { signal: new AbortController().signal })) {
      if (event.type === 'text-delta') break
    }
    const deadline = performance.now() + 2_000
    while (server.openConnections() > open && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(server.openConnections()).toBeLessThanOrEqual(open)
  })
})
