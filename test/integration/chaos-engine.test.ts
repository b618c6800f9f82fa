// Every stream-breaking fault through the proxy into our own adapters (the engine's client):
// each ends in a typed outcome — a completed stream or an AdapterError with its code — never a
// crash or a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAdapterFromTarget } from '../../adapters/registry.js'
import { parseTarget } from '../../adapters/target.js'
import type { StreamEvent } from '../../adapters/types.js'
import { isAdapterError } from '../../core/errors.js'
import { createChaosProxy } from '../../chaos/proxy.js'
import type { FaultSpec } from '../../chaos/types.js'
import { DEFAULT_TOKENS, startSseUpstream, type SseUpstream } from '../helpers/sse-upstream.js'

let upstream: SseUpstream

beforeAll(async () => {
  upstream = await startSseUpstream()
})
afterAll(async () => {
  await upstream.close()
})

interface Outcome {
  code: string
  status?: number
  text: string
  usage: boolean
}

async function drive(protocol: 'openai' | 'anthropic', fault: FaultSpec): Promise<Outcome> {
  const proxy = await createChaosProxy({ upstream: upstream.url, faults: [fault], seed: 2 })
  try {
    const target = protocol === 'openai' ? `openai-compatible:gpt-4o-mini@${proxy.url}/v1` : `anthropic:claude-test@${proxy.url}`
    const adapter = createAdapterFromTarget(parseTarget(target), { apiKey: 'test-key', headersTimeoutMs: 400, bodyTimeoutMs: 400 })
    let text = ''
    let usage = false
    try {
      for await (const event of adapter.stream({ model: adapter.model, messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 50 }, { signal: AbortSignal.timeout(5_000) }) as AsyncIterable<StreamEvent>) {
        if (event.type === 'text-delta') text += event.text
        if (event.type === 'usage' && event.usage.outputTokens !== undefined) usage = true
      }
      return { code: 'ok', text, usage }
    } catch (error) {
      if (!isAdapterError(error)) throw error
      return { code: error.code, ...(error.status === undefined ? {} : { status: error.status }), text, usage }
    }
  } finally {
    await proxy.close()
  }
}

const full = DEFAULT_TOKENS.join('')

describe.each(['openai', 'anthropic'] as const)('%s adapter through the proxy', (protocol) => {
  it.each<[string, FaultSpec, Partial<Outcome>]>([
    ['no fault', { type: 'latency', params: { latency: 0 } }, { code: 'ok', text: full, usage: true }],
    ['reset before headers', { type: 'reset' }, { code: 'ADAPTER_RESET', text: '' }],
    ['reset mid-stream', { type: 'reset', params: { after_events: 5 } }, { code: 'ADAPTER_RESET' }],
    ['truncate', { type: 'truncate' }, { code: 'ADAPTER_STREAM_TRUNCATED' }],
    ['stall (hang)', { type: 'stall', params: { after_events: 3, then: 'hang' } }, { code: 'ADAPTER_TIMEOUT' }],
    ['blackhole', { type: 'blackhole' }, { code: 'ADAPTER_TIMEOUT', text: '' }],
    ['status 429', { type: 'status', params: { status: 429 } }, { code: 'ADAPTER_HTTP_STATUS', status: 429, text: '' }],
    ['malformed-sse broken-json', { type: 'malformed-sse', params: { variant: 'broken-json' } }, { code: 'ADAPTER_STREAM_MALFORMED' }],
    ['malformed-sse garbage-bytes', { type: 'malformed-sse', params: { variant: 'garbage-bytes' } }, { code: 'ok', text: full }],
    ['malformed-sse split-utf8', { type: 'malformed-sse', params: { variant: 'split-utf8' } }, { code: 'ok', text: full }],
    ['malformed-sse duplicate-event', { type: 'malformed-sse', params: { variant: 'duplicate-event' } }, { code: 'ok', text: `${DEFAULT_TOKENS[0]}${full}` }],
    ['malformed-sse drop-usage', { type: 'malformed-sse', params: { variant: 'drop-usage' } }, { code: 'ok', text: full, usage: false }],
  ])('%s', async (_label, fault, expected) => {
    expect(await drive(protocol, fault)).toMatchObject(expected)
  })
})
