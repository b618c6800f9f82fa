// The k6/probe wire formats must match the engine's adapters byte for byte (same traffic, same
// request), and k6's spend must equal results/cost.ts for the same usage and price.
import { describe, expect, it } from 'vitest'
import { buildMessagesBody, buildMessagesHeaders } from '../../../adapters/anthropic/request.js'
import { ANTHROPIC_JSON_INSTRUCTION } from '../../../adapters/anthropic/request.js'
import { buildChatCompletionsBody, buildChatCompletionsHeaders } from '../../../adapters/openai-compatible/request.js'
import type { ChatRequest } from '../../../adapters/types.js'
import { spendUsd as engineSpendUsd, type TokenPrices } from '../../../results/cost.js'
import type { K6Target, K6TrafficEntry } from '../../../load/k6/scripts/lib/plan.js'
import { buildVendorRequest, createStreamState, parseJsonResponse, spendUsd, type ParsedUsage } from '../../../load/k6/scripts/lib/vendor.js'

const entry: K6TrafficEntry = {
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
}

function chatRequest(model: string, stream: boolean): ChatRequest {
  return {
    model,
    messages: entry.messages,
    maxOutputTokens: entry.maxOutputTokens,
    targetOutputTokens: 42,
    stream,
    responseFormat: 'json',
  }
}

describe('buildVendorRequest matches the adapters', () => {
  for (const stream of [false, true]) {
    it(`OpenAI-compatible, stream=${stream}`, () => {
      const target: K6Target = { vendor: 'openai', model: 'llama3', baseUrl: 'http://127.0.0.1:8000/v1/', keyEnv: 'OPENAI_API_KEY', keyRequired: false, maxTokensField: 'max_tokens' }
      const built = buildVendorRequest(target, entry, { stream, apiKey: 'k' })
      expect(built.url).toBe('http://127.0.0.1:8000/v1/chat/completions')
      expect(JSON.parse(built.body)).toEqual(buildChatCompletionsBody(chatRequest('llama3', stream), { maxTokensField: 'max_tokens' }))
      expect(built.headers).toEqual(buildChatCompletionsHeaders(chatRequest('llama3', stream), { auth: { authorization: 'Bearer k' } }))
    })
    it(`Anthropic, stream=${stream}`, () => {
      const target: K6Target = {
        vendor: 'anthropic',
        model: 'claude-x',
        baseUrl: 'https://api.anthropic.com',
        keyEnv: 'ANTHROPIC_API_KEY',
        keyRequired: true,
        apiVersion: '2023-06-01',
        jsonInstruction: ANTHROPIC_JSON_INSTRUCTION,
      }
      const built = buildVendorRequest(target, entry, { stream, apiKey: 'k' })
      expect(built.url).toBe('https://api.anthropic.com/v1/messages')
      expect(JSON.parse(built.body)).toEqual(buildMessagesBody(chatRequest('claude-x', stream)))
      expect(built.headers).toEqual(buildMessagesHeaders(chatRequest('claude-x', stream), { auth: { 'x-api-key': 'k' }, version: '2023-06-01' }))
    })
  }
  it('Azure: deployment URL, api-version, api-key header, max_completion_tokens', () => {
    const target: K6Target = {
      vendor: 'azure',
      model: 'prod chat',
      baseUrl: 'https://res.openai.azure.com',
      keyEnv: 'AZURE_OPENAI_API_KEY',
      keyRequired: true,
      apiVersion: '2024-10-21',
      maxTokensField: 'max_completion_tokens',
    }
    const built = buildVendorRequest(target, entry, { stream: false, apiKey: 'az' })
    expect(built.url).toBe('https://res.openai.azure.com/openai/deployments/prod%20chat/chat/completions?api-version=2024-10-21')
    expect(built.headers['api-key']).toBe('az')
    expect(built.headers['authorization']).toBeUndefined()
    expect(JSON.parse(built.body)).toEqual(buildChatCompletionsBody(chatRequest('prod chat', false), { maxTokensField: 'max_completion_tokens' }))
  })
  it('sends no auth header without a key', () => {
    const target: K6Target = { vendor: 'openai', model: 'm', baseUrl: 'http://127.0.0.1:1/v1', keyEnv: 'OPENAI_API_KEY', keyRequired: false }
    const headers = buildVendorRequest(target, entry, { stream: false }).headers
    expect(Object.keys(headers).sort()).toEqual(['accept', 'content-type', 'x-gauntlet-output-tokens'])
  })
})

describe('parseJsonResponse', () => {
  it('reads OpenAI text, usage (cached, reasoning) and finish reason', () => {
    const body = JSON.stringify({
      choices: [{ message: { content: 'hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } },
    })
    expect(parseJsonResponse('openai', body)).toEqual({
      text: 'hi',
      finishReason: 'stop',
      usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 },
    })
  })
  it('folds Anthropic cache reads and writes into the input total', () => {
    const body = JSON.stringify({
      content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, cache_read_input_tokens: 30, cache_creation_input_tokens: 5, output_tokens: 7 },
    })
    expect(parseJsonResponse('anthropic', body)).toEqual({
      text: 'ab',
      finishReason: 'end_turn',
      usage: { inputTokens: 45, cachedInputTokens: 30, cacheWriteInputTokens: 5, outputTokens: 7 },
    })
  })
  it('returns undefined for bodies that are not the vendor shape', () => {
    expect(parseJsonResponse('openai', 'nope')).toBeUndefined()
    expect(parseJsonResponse('openai', '{"content":[]}')).toBeUndefined()
    expect(parseJsonResponse('anthropic', '{"choices":[]}')).toBeUndefined()
  })
})

describe('createStreamState', () => {
  it('flags an error event and unparseable chunks', () => {
    const openai = createStreamState('openai')
    expect(openai.onEvent('', '{"error":{"message":"overloaded"}}')).toEqual({ content: false, done: true, error: 'overloaded' })
    expect(openai.onEvent('', 'garbage').error).toBe('unparseable chunk')
    const anthropic = createStreamState('anthropic')
    expect(anthropic.onEvent('error', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')).toEqual({
      content: false,
      done: true,
      error: 'Overloaded',
    })
  })
})

describe('spendUsd equals results/cost.ts', () => {
  const prices: TokenPrices[] = [
    { inputUsdPerMTok: 2.5, outputUsdPerMTok: 10 },
    { inputUsdPerMTok: 2.5, cachedInputUsdPerMTok: 1.25, outputUsdPerMTok: 10, reasoningUsdPerMTok: 12 },
    {
      inputUsdPerMTok: 3,
      cachedInputUsdPerMTok: 0.3,
      cacheWriteUsdPerMTok: 3.75,
      outputUsdPerMTok: 15,
      longContext: { aboveInputTokens: 200_000, inputUsdPerMTok: 6, outputUsdPerMTok: 22.5, cacheWriteUsdPerMTok: 7.5 },
    },
  ]
  const usages: ParsedUsage[] = [
    { inputTokens: 1000, outputTokens: 200 },
    { inputTokens: 1000, cachedInputTokens: 600, outputTokens: 200, reasoningTokens: 50 },
    { inputTokens: 250_000, cachedInputTokens: 100_000, cacheWriteInputTokens: 20_000, outputTokens: 4000 },
    { inputTokens: 10, cachedInputTokens: 50, outputTokens: 1 },
    { outputTokens: 9 },
    { inputTokens: 9 },
  ]
  for (const [p, price] of prices.entries()) {
    for (const [u, usage] of usages.entries()) {
      it(`price ${p}, usage ${u}`, () => {
        expect(spendUsd(usage, price)).toBe(engineSpendUsd(usage, price) ?? undefined)
      })
    }
  }
  it('is undefined when unpriced or nothing was reported', () => {
    expect(spendUsd({ inputTokens: 1, outputTokens: 1 }, null)).toBeUndefined()
    expect(spendUsd({}, { inputUsdPerMTok: 1, outputUsdPerMTok: 1 })).toBeUndefined()
  })
})
