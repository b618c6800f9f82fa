// Our adapters against the embedded mock, both protocols, streaming and not: exact usage
// (ground truth recomputed with tiktoken) and the mock's scripted failures as typed errors.
import { Agent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer, type MockScript, type MockServer } from '../../adapters/mock/index.js'
import { createAdapterFromTarget } from '../../adapters/registry.js'
import { parseTarget } from '../../adapters/target.js'
import type { Adapter, ChatRequest } from '../../adapters/types.js'
import { countTokens } from '../../core/tokens.js'
import { collect, joined } from '../helpers/adapter-events.js'

const KEY = 'mock-key-0123456789'
const messages: ChatRequest['messages'] = [
  { role: 'system', content: 'You summarise invoices.' },
  { role: 'user', content: 'Summarise INV-7: €1 204,50, due 2025-03-01, café supplies.' },
]
// The mock counts input as the sum of tiktoken counts of every text part (its README).
const expectedInputTokens = messages.reduce((sum, message) => sum + countTokens(message.content), 0)

let mock: MockServer
let dispatcher: Agent
let script: MockScript | undefined

beforeAll(async () => {
  mock = await createMockServer({ profile: 'instant', seed: 11, apiKeys: [KEY], script: () => script })
  dispatcher = new Agent()
})

afterAll(async () => {
  await dispatcher.close()
  await mock.close()
})

// A short idle timeout: a misbehaving mock fails the test in seconds instead of hanging it.
function adapterFor(spec: string, apiKey: string = KEY): Adapter {
  return createAdapterFromTarget(parseTarget(spec, { env: {} }), { mockBaseUrl: mock.url, dispatcher, apiKey, env: {}, bodyTimeoutMs: 2_000 })
}

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'mock-instant', messages, maxOutputTokens: 64, targetOutputTokens: 20, ...extra })
const signal = (): AbortSignal => new AbortController().signal

describe.each(['mock:instant', 'mock:instant/anthropic'])('%s', (spec) => {
  it.each([true, false])('stream=%s: text, exact usage, finish stop', async (stream) => {
    script = undefined
    const { events, error } = await collect(adapterFor(spec).stream(request({ stream }), { signal: signal() }))
    expect(error).toBeUndefined()
    expect(events[0]).toMatchObject({ type: 'response-start', status: 200 })
    const text = joined(events, 'text-delta')
    const usage = events.find((event) => event.type === 'usage')
    expect(usage).toEqual({ type: 'usage', usage: expect.objectContaining({ inputTokens: expectedInputTokens, outputTokens: 20 }) })
    expect(countTokens(text)).toBe(20)
    expect(events.at(-1)).toMatchObject({ type: 'stream-end', finishReason: 'stop' })
  })

  it('max tokens below the target: cut at max, finish length', async () => {
    script = undefined
    const { events } = await collect(adapterFor(spec).stream(request({ maxOutputTokens: 5 }), { signal: signal() }))
    expect(events.find((event) => event.type === 'usage')).toMatchObject({ usage: { outputTokens: 5 } })
    expect(events.at(-1)).toMatchObject({ type: 'stream-end', finishReason: 'length' })
  })

  it('scripted resetAfterTokens → ADAPTER_RESET', async () => {
    script = { resetAfterTokens: 3 }
    const { error } = await collect(adapterFor(spec).stream(request(), { signal: signal() }))
    expect(error).toMatchObject({ code: 'ADAPTER_RESET' })
  })

  it.each([
    [{ omitTerminator: true }, 'ADAPTER_STREAM_TRUNCATED'],
    [{ status: 429, headers: { 'retry-after': '3' } }, 'ADAPTER_HTTP_STATUS'],
  ] as const)('scripted %j → %s', async (scripted, code) => {
    script = scripted
    const { error } = await collect(adapterFor(spec).stream(request(), { signal: signal() }))
    expect(error).toMatchObject({ code })
    if (code === 'ADAPTER_HTTP_STATUS') expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 3000 })
  })

  it('a wrong key is a vendor-shaped 401 that does not leak the key', async () => {
    script = undefined
    const wrong = 'wrong-key-abcdefgh'
    const { error } = await collect(adapterFor(spec, wrong).stream(request(), { signal: signal() }))
    expect(error).toMatchObject({ code: 'ADAPTER_HTTP_STATUS', status: 401, retryable: false })
    expect((error as { vendorType?: string }).vendorType).toBeDefined()
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain(wrong)
  })
})
