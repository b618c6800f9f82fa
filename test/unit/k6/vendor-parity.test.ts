// k6's vendor.ts is a second, plain-JS copy of the adapters' wire formats (k6 cannot import Node
// code). These tests hold the two equal: the same traffic through the adapters' builders (and a
// real adapter, via an undici MockAgent) and through vendor.ts gives the same URL, headers and
// body bytes; every recorded fixture, and a table of edge cases, parses to the same text, usage
// and finish reason (the finish reason the runner records: the vendor's raw one).
import { readdirSync } from 'node:fs'
import { MockAgent } from 'undici'
import { afterAll, describe, expect, it } from 'vitest'
import { anthropicProtocol } from '../../../adapters/anthropic/index.js'
import { ANTHROPIC_DEFAULT_VERSION, buildMessagesBody, buildMessagesHeaders } from '../../../adapters/anthropic/request.js'
import { buildAzureChatUrl } from '../../../adapters/azure/index.js'
import type { WireProtocol } from '../../../adapters/http.js'
import { createOpenAiProtocol } from '../../../adapters/openai-compatible/index.js'
import { buildChatCompletionsBody, buildChatCompletionsHeaders } from '../../../adapters/openai-compatible/request.js'
import { createAdapterFromTarget } from '../../../adapters/registry.js'
import { createSseDecoder } from '../../../adapters/sse.js'
import { parseTarget } from '../../../adapters/target.js'
import type { ChatRequest, StreamEvent, Usage } from '../../../adapters/types.js'
import type { K6Target, K6TrafficEntry } from '../../../load/k6/scripts/lib/plan.js'
import { buildVendorRequest, createStreamState, parseJsonResponse, type ParsedResponse, type ParsedUsage } from '../../../load/k6/scripts/lib/vendor.js'
import { resolveK6Target } from '../../../load/k6/target.js'
import { collect, type StreamOutcome, bodyEvents, joined, streamEventsFromChunks } from '../../helpers/adapter-events.js'
import { readFixture } from '../../helpers/fixture-server.js'

const entries: Record<string, K6TrafficEntry> = {
  'system + multi-turn + json + target length': {
    id: 'r1',
    offsetMs: 0,
    userId: 'u1',
    task: 'extract',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Extract the invoice number.' },
      { role: 'assistant', content: 'Which invoice?' },
      { role: 'user', content: 'INV-7' },
    ],
    maxOutputTokens: 300,
    targetOutputTokens: 42,
    inputTokens: 20,
    json: true,
  },
  'one user turn, no hints': {
    id: 'r2',
    offsetMs: 5,
    userId: 'u2',
    task: 'chat',
    messages: [{ role: 'user', content: 'Résumé du café ☕ — "quoted" \\ back\nslash' }],
    maxOutputTokens: 64,
    inputTokens: 12,
  },
  'two system messages, interleaved, json false': {
    id: 'r3',
    offsetMs: 9,
    userId: 'u3',
    task: 'summarise',
    messages: [
      { role: 'system', content: 'You are a clerk.' },
      { role: 'user', content: 'Summarise.' },
      { role: 'system', content: 'Use bullet points.' },
    ],
    maxOutputTokens: 1,
    targetOutputTokens: 0,
    inputTokens: 8,
    json: false,
  },
}

/** The ChatRequest the engine builds from a traffic entry (load/runner.ts). */
function chatRequest(entry: K6TrafficEntry, model: string, stream: boolean): ChatRequest {
  return {
    model,
    messages: entry.messages,
    maxOutputTokens: entry.maxOutputTokens,
    ...(entry.targetOutputTokens === undefined ? {} : { targetOutputTokens: entry.targetOutputTokens }),
    stream,
    ...(entry.json === true ? { responseFormat: 'json' as const } : {}),
  }
}

describe('requests: vendor.ts equals the adapters builders', () => {
  for (const [name, entry] of Object.entries(entries)) {
    for (const stream of [false, true]) {
      for (const apiKey of ['sk-test', undefined]) {
        const label = `${name}, stream=${stream}, key=${apiKey !== undefined}`
        it(`openai-compatible: ${label}`, () => {
          for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
            const target: K6Target = { vendor: 'openai', model: 'llama3', baseUrl: 'http://127.0.0.1:8000/v1', keyEnv: 'OPENAI_API_KEY', keyRequired: false, maxTokensField: field }
            const built = buildVendorRequest(target, entry, { stream, ...(apiKey === undefined ? {} : { apiKey }) })
            const request = chatRequest(entry, 'llama3', stream)
            expect(built.url).toBe('http://127.0.0.1:8000/v1/chat/completions')
            expect(built.body).toBe(JSON.stringify(buildChatCompletionsBody(request, { maxTokensField: field })))
            expect(built.headers).toEqual(buildChatCompletionsHeaders(request, { auth: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` } }))
          }
        })
        it(`azure: ${label}`, () => {
          const target: K6Target = {
            vendor: 'azure',
            model: 'prod chat/v2',
            baseUrl: 'https://res.openai.azure.com',
            keyEnv: 'AZURE_OPENAI_API_KEY',
            keyRequired: true,
            apiVersion: '2025-01-01-preview',
            maxTokensField: 'max_completion_tokens',
          }
          const built = buildVendorRequest(target, entry, { stream, ...(apiKey === undefined ? {} : { apiKey }) })
          const request = chatRequest(entry, 'prod chat/v2', stream)
          expect(built.url).toBe(buildAzureChatUrl('https://res.openai.azure.com', 'prod chat/v2', '2025-01-01-preview'))
          expect(built.body).toBe(JSON.stringify(buildChatCompletionsBody(request, { maxTokensField: 'max_completion_tokens' })))
          expect(built.headers).toEqual(buildChatCompletionsHeaders(request, { auth: apiKey === undefined ? {} : { 'api-key': apiKey } }))
        })
        it(`anthropic: ${label}`, () => {
          const target: K6Target = resolveK6Target('anthropic:claude-x@https://api.anthropic.com', {}).target
          const built = buildVendorRequest(target, entry, { stream, ...(apiKey === undefined ? {} : { apiKey }) })
          const request = chatRequest(entry, 'claude-x', stream)
          expect(built.url).toBe('https://api.anthropic.com/v1/messages')
          expect(built.body).toBe(JSON.stringify(buildMessagesBody(request)))
          expect(built.headers).toEqual(
            buildMessagesHeaders(request, { auth: apiKey === undefined ? {} : { 'x-api-key': apiKey }, version: ANTHROPIC_DEFAULT_VERSION }),
          )
        })
      }
    }
  }
})

// The same target spec through `gauntlet k6 export` (resolveK6Target + vendor.ts) and through
// `gauntlet run` (parseTarget + createAdapterFromTarget): the request on the wire must match.
describe('requests: vendor.ts equals what a real adapter sends', () => {
  const agent = new MockAgent()
  agent.disableNetConnect()
  afterAll(() => agent.close())

  const cases: Array<{ spec: string; env: Record<string, string>; keyEnv: string }> = [
    { spec: 'openai:gpt-4o-mini', env: { OPENAI_API_KEY: 'sk-openai' }, keyEnv: 'OPENAI_API_KEY' },
    { spec: 'openai-compatible:llama3:8b@http://127.0.0.1:8000/v1/', env: {}, keyEnv: 'OPENAI_API_KEY' },
    { spec: 'openai-compatible:llama3', env: { OPENAI_BASE_URL: 'http://10.0.0.5:8000/v1', OPENAI_API_KEY: 'sk-local' }, keyEnv: 'OPENAI_API_KEY' },
    { spec: 'anthropic:claude-sonnet-4-5', env: { ANTHROPIC_API_KEY: 'sk-ant' }, keyEnv: 'ANTHROPIC_API_KEY' },
    { spec: 'anthropic:claude-3-5-sonnet@20240620@https://gw.example.com/v1', env: { ANTHROPIC_API_KEY: 'sk-ant' }, keyEnv: 'ANTHROPIC_API_KEY' },
    { spec: 'azure:prod/chat-v2@https://res.openai.azure.com/openai', env: { AZURE_OPENAI_API_KEY: 'az-key', OPENAI_API_VERSION: '2025-01-01-preview' }, keyEnv: 'AZURE_OPENAI_API_KEY' },
    { spec: 'azure:dep', env: { AZURE_OPENAI_ENDPOINT: 'https://res2.openai.azure.com', AZURE_OPENAI_API_KEY: 'az-key' }, keyEnv: 'AZURE_OPENAI_API_KEY' },
  ]
  const entry = entries['system + multi-turn + json + target length'] as K6TrafficEntry
  for (const { spec, env, keyEnv } of cases) {
    for (const stream of [false, true]) {
      it(`${spec}, stream=${stream}`, async () => {
        const { target } = resolveK6Target(spec, env)
        expect(target.keyEnv).toBe(keyEnv)
        const apiKey = env[keyEnv]
        const built = buildVendorRequest(target, entry, { stream, ...(apiKey === undefined ? {} : { apiKey }) })

        const sent: Array<{ url: string; headers: unknown; body: unknown }> = []
        const anthropic = target.vendor === 'anthropic'
        const fixture = anthropic ? (stream ? 'anthropic-stream-text.chunks.txt' : 'anthropic-nonstream.json') : stream ? 'openai-stream-usage.chunks.txt' : 'openai-nonstream.json'
        const url = new URL(built.url)
        agent
          .get(url.origin)
          .intercept({ path: () => true, method: 'POST' })
          .reply(
            200,
            (options) => {
              sent.push({ url: `${url.origin}${options.path}`, headers: options.headers, body: options.body })
              return readFixture(fixture)
            },
            { headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' } },
          )
        const adapter = createAdapterFromTarget(parseTarget(spec, { env }), { env, dispatcher: agent })
        const { events, error } = await collect(adapter.stream(chatRequest(entry, target.model, stream), { signal: new AbortController().signal }))
        expect(error).toBeUndefined()
        expect(sent).toHaveLength(1)
        expect(sent[0]?.url).toBe(built.url)
        expect(sent[0]?.headers).toEqual(built.headers)
        expect(sent[0]?.body).toBe(built.body)
        // And the answer the adapter parsed is the answer k6 would record.
        const k6 = stream ? streamFixtureThroughVendor(target.vendor, readFixture(fixture)) : parseJsonResponse(target.vendor, readFixture(fixture).toString('utf8'))
        expect(k6 === undefined ? k6 : k6View(k6)).toEqual(engineView({ events }))
      })
    }
  }
})

/**
 * What the runner records from adapter events (load/attempt.ts): text, usage, and the vendor's raw
 * finish reason. The runner falls back to the mapped one (`other`) when the vendor sent none;
 * k6 keeps only the raw one, so that case compares as absent.
 */
function engineView(outcome: StreamOutcome): { text: string; usage: Usage; finishReason?: string } {
  const usage: Usage = {}
  let finishReason: string | undefined
  for (const event of outcome.events as StreamEvent[]) {
    if (event.type === 'usage') Object.assign(usage, event.usage)
    if (event.type === 'stream-end') finishReason = event.rawFinishReason
  }
  return { text: joined(outcome.events, 'text-delta'), usage, ...(finishReason === undefined ? {} : { finishReason }) }
}

/** vendor.ts's view in the engine's shape. */
function k6View(parsed: ParsedResponse): { text: string; usage: Usage; finishReason?: string } {
  const usage: ParsedUsage = parsed.usage
  return { text: parsed.text, usage, ...(parsed.finishReason === undefined ? {} : { finishReason: parsed.finishReason }) }
}

type StreamRun = ParsedResponse & { done: boolean; error?: string; contentEvents: number }

/** Bytes → SSE events (the adapters' decoder stands in for xk6-sse's) → vendor.ts stream state. */
function streamFixtureThroughVendor(vendor: K6Target['vendor'], bytes: Uint8Array): StreamRun {
  const decoder = createSseDecoder()
  const state = createStreamState(vendor)
  let done = false
  let error: string | undefined
  for (const event of [...decoder.push(bytes), ...decoder.end()]) {
    const step = state.onEvent(event.event ?? '', event.data)
    if (step.error !== undefined) {
      error = step.error
      break
    }
    if (step.done) {
      done = true
      break
    }
  }
  const run: StreamRun = { text: state.text, usage: state.usage, done, contentEvents: state.contentEvents }
  if (state.finishReason !== undefined) run.finishReason = state.finishReason
  if (error !== undefined) run.error = error
  return run
}

function protocolFor(name: string): { vendor: K6Target['vendor']; protocol: WireProtocol } {
  return name.startsWith('anthropic') ? { vendor: 'anthropic', protocol: anthropicProtocol } : { vendor: 'openai', protocol: createOpenAiProtocol('OpenAI-compatible') }
}

function expectSameStream(vendor: K6Target['vendor'], protocol: WireProtocol, bytes: Uint8Array): void {
  const engine = streamEventsFromChunks(protocol, [bytes])
  const k6 = streamFixtureThroughVendor(vendor, bytes)
  // A stream the adapter rejects (error event, malformed, truncated) is not an ok answer in k6 either.
  expect({ failed: k6.error !== undefined || !k6.done }).toEqual({ failed: engine.error !== undefined })
  if (engine.error === undefined) {
    expect(k6View(k6)).toEqual(engineView(engine))
  } else {
    // Up to the failure both saw the same text.
    expect(k6.text).toBe(joined(engine.events, 'text-delta'))
  }
  // One content event per text-delta: the first one is TTFT on both sides.
  expect(k6.contentEvents).toBe(engine.events.filter((event) => event.type === 'text-delta').length)
}

const fixtureNames = readdirSync(new URL('../../fixtures/', import.meta.url)).filter((name) => /^(openai|anthropic)-.*\.(chunks\.txt|json)$/.test(name))

describe('responses: every recorded fixture parses the same in vendor.ts and the adapters', () => {
  it('finds the fixtures', () => {
    expect(fixtureNames.filter((name) => name.endsWith('.chunks.txt')).length).toBeGreaterThanOrEqual(7)
    expect(fixtureNames.filter((name) => name.endsWith('.json')).length).toBeGreaterThanOrEqual(6)
  })
  for (const name of fixtureNames.filter((fixture) => fixture.endsWith('.chunks.txt'))) {
    it(`stream ${name}`, () => {
      const { vendor, protocol } = protocolFor(name)
      expectSameStream(vendor, protocol, readFixture(name))
    })
  }
  for (const name of fixtureNames.filter((fixture) => fixture.endsWith('.json'))) {
    it(`body ${name}`, () => {
      const { vendor, protocol } = protocolFor(name)
      const text = readFixture(name).toString('utf8')
      const engine = bodyEvents(protocol, text)
      const k6 = parseJsonResponse(vendor, text)
      if (engine.error !== undefined) expect(k6).toBeUndefined()
      else expect(k6 === undefined ? k6 : k6View(k6)).toEqual(engineView(engine))
    })
  }
})

const sse = (...events: Array<[name: string | undefined, data: unknown]>): Uint8Array =>
  new TextEncoder().encode(
    events.map(([name, data]) => `${name === undefined ? '' : `event: ${name}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`).join(''),
  )

describe('responses: edge cases parse the same in vendor.ts and the adapters', () => {
  const openaiStreams: Record<string, Uint8Array> = {
    'keep-alive empty data lines': sse([undefined, ''], [undefined, { choices: [{ index: 0, delta: { content: 'a' } }] }], [undefined, ''], [undefined, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }], [undefined, '[DONE]']),
    'error: null is no error': sse([undefined, { error: null, choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: 'stop' }] }], [undefined, '[DONE]']),
    'choice index 1 before index 0 (n > 1)': sse(
      [undefined, { choices: [{ index: 1, delta: { content: 'other' } }, { index: 0, delta: { content: 'mine' } }] }],
      [undefined, { choices: [{ index: 1, delta: {}, finish_reason: 'length' }] }],
      [undefined, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }],
      [undefined, '[DONE]'],
    ),
    'refusal deltas are text': sse([undefined, { choices: [{ index: 0, delta: { refusal: 'No.' } }] }], [undefined, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }], [undefined, '[DONE]']),
    'usage reported twice: the last wins whole': sse(
      [undefined, { choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 2 } } }],
      [undefined, { choices: [], usage: { prompt_tokens: 6, completion_tokens: 2 } }],
      [undefined, '[DONE]'],
    ),
    'reasoning is not text': sse([undefined, { choices: [{ index: 0, delta: { reasoning_content: 'hmm' } }] }], [undefined, { choices: [{ index: 0, delta: { content: 'A' }, finish_reason: 'stop' }] }], [undefined, '[DONE]']),
    'an error event': sse([undefined, { choices: [{ index: 0, delta: { content: 'half' } }] }], ['error', { error: { message: 'overloaded' } }]),
    'truncated: no [DONE]': sse([undefined, { choices: [{ index: 0, delta: { content: 'cut' } }] }]),
  }
  for (const [name, bytes] of Object.entries(openaiStreams)) {
    it(`openai stream: ${name}`, () => expectSameStream('openai', createOpenAiProtocol('OpenAI-compatible'), bytes))
  }

  const anthropicStreams: Record<string, Uint8Array> = {
    'content_block_start carries initial text': sse(
      ['message_start', { type: 'message_start', message: { usage: { input_tokens: 10, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hello' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ', world' } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }],
      ['message_stop', { type: 'message_stop' }],
    ),
    'message_delta reports input and cache counts too': sse(
      ['message_start', { type: 'message_start', message: { usage: { input_tokens: 0, output_tokens: 0 } } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { input_tokens: 40, cache_read_input_tokens: 100, cache_creation_input_tokens: 7, output_tokens: 9 } }],
      ['message_stop', { type: 'message_stop' }],
    ),
    'thinking is not text; empty data ignored': sse(
      ['message_start', { type: 'message_start', message: { usage: { input_tokens: 3 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: 'hmm' } }],
      ['ping', ''],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'A' } }],
      ['message_stop', { type: 'message_stop' }],
    ),
    'an error event': sse(['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]),
    'truncated: no message_stop': sse(['message_start', { type: 'message_start', message: { usage: { input_tokens: 3 } } }], ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'cut' } }]),
  }
  for (const [name, bytes] of Object.entries(anthropicStreams)) {
    it(`anthropic stream: ${name}`, () => expectSameStream('anthropic', anthropicProtocol, bytes))
  }

  const bodies: Array<[K6Target['vendor'], string, unknown]> = [
    ['openai', 'refusal only', { choices: [{ index: 0, message: { content: null, refusal: 'I cannot.' }, finish_reason: 'stop' }] }],
    ['openai', 'choice index 0 after index 1', { choices: [{ index: 1, message: { content: 'no' } }, { index: 0, message: { content: 'yes' }, finish_reason: 'stop' }] }],
    ['openai', 'no choices', { choices: [] }],
    ['openai', 'an error in a 200', { error: { message: 'boom', type: 'server_error' } }],
    ['openai', 'error: null', { error: null, choices: [{ index: 0, message: { content: 'fine' }, finish_reason: 'stop' }] }],
    ['anthropic', 'text and thinking blocks', { type: 'message', content: [{ type: 'thinking', thinking: 'hmm' }, { type: 'text', text: 'a' }, { type: 'text', text: 'b' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } }],
    ['anthropic', 'an error in a 200', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
  ]
  for (const [vendor, name, body] of bodies) {
    it(`${vendor} body: ${name}`, () => {
      const text = JSON.stringify(body)
      const engine = bodyEvents(vendor === 'anthropic' ? anthropicProtocol : createOpenAiProtocol('OpenAI-compatible'), text)
      const k6 = parseJsonResponse(vendor, text)
      if (engine.error !== undefined) expect(k6).toBeUndefined()
      else expect(k6 === undefined ? k6 : k6View(k6)).toEqual(engineView(engine))
    })
  }
})
