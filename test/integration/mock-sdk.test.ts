// The official openai and @anthropic-ai/sdk clients against the mock: text and exact usage, streaming and not.
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mockText, mockTextKey } from '../../adapters/mock/index.js'
import { countTokens } from '../../core/tokens.js'
import { startMock, type StartedMock } from '../helpers/start-mock.js'

const SEED = 42
const SYSTEM = 'You are a concise analyst. Answer in plain English.'
const QUESTION = 'Summarise the Q3 incident report: 3 outages, 2 in EMEA, mean time to recover 47 minutes.'
const expectedInput = (...texts: string[]): number => texts.reduce((sum, text) => sum + countTokens(text, 'o200k_base'), 0)

let mock: StartedMock
let openai: OpenAI
let anthropic: Anthropic

beforeAll(async () => {
  mock = await startMock({ profile: 'fast', seed: SEED, apiKeys: ['sk-test'] })
  openai = new OpenAI({ apiKey: 'sk-test', baseURL: mock.openaiBaseUrl, maxRetries: 0 })
  anthropic = new Anthropic({ apiKey: 'sk-test', baseURL: mock.anthropicBaseUrl, maxRetries: 0 })
})

afterAll(async () => {
  await mock.close()
})

describe('openai SDK against the mock', () => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: QUESTION },
  ]
  const expectedText = (count: number, natural: boolean): string =>
    mockText(SEED, mockTextKey('gpt-4o-mini', [SYSTEM, QUESTION]), count, natural)

  it('answers a non-streaming request with the deterministic text and exact usage', async () => {
    const completion = await openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      { headers: { 'x-gauntlet-output-tokens': '30' } },
    )
    const choice = completion.choices[0]
    expect(choice?.message.content).toBe(expectedText(30, true))
    expect(choice?.finish_reason).toBe('stop')
    expect(completion.usage).toMatchObject({
      prompt_tokens: expectedInput(SYSTEM, QUESTION),
      completion_tokens: 30,
      total_tokens: expectedInput(SYSTEM, QUESTION) + 30,
    })
    expect(countTokens(choice?.message.content ?? '')).toBe(30)
  })

  it('streams one token per chunk, then the usage chunk, and cuts at max_tokens with finish_reason length', async () => {
    const stream = await openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true }, max_tokens: 25 },
      { headers: { 'x-gauntlet-output-tokens': '40' } },
    )
    let text = ''
    let contentChunks = 0
    let finishReason: string | null | undefined
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content
      if (delta !== undefined && delta !== null && delta !== '') {
        text += delta
        contentChunks++
      }
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason
      if (chunk.usage) usage = chunk.usage
    }
    expect(text).toBe(expectedText(25, false))
    expect(contentChunks).toBe(25)
    expect(finishReason).toBe('length')
    expect(usage).toMatchObject({ prompt_tokens: expectedInput(SYSTEM, QUESTION), completion_tokens: 25 })
  })

  it('works with the stream helper and the final completion', async () => {
    const runner = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages, stream_options: { include_usage: true } })
    const final = await runner.finalChatCompletion()
    expect(final.choices[0]?.message.content).toBe(expectedText(64, true))
    expect(final.usage?.completion_tokens).toBe(64)
  })

  it('lists models and rejects a wrong key with the SDK error class', async () => {
    const models = await openai.models.list()
    expect(models.data.map((model) => model.id)).toContain('gpt-4o-mini')
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: mock.openaiBaseUrl, maxRetries: 0 })
    const error: unknown = await wrong.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key')
  })
})

describe('@anthropic-ai/sdk against the mock', () => {
  const expectedText = (count: number, natural: boolean): string =>
    mockText(SEED, mockTextKey('claude-mock', [SYSTEM, QUESTION]), count, natural)

  it('answers a non-streaming request with the deterministic text and exact usage', async () => {
    const message = await anthropic.messages.create(
      { model: 'claude-mock', max_tokens: 100, system: SYSTEM, messages: [{ role: 'user', content: QUESTION }] },
      { headers: { 'x-gauntlet-output-tokens': '30' } },
    )
    const block = message.content[0]
    expect(block?.type).toBe('text')
    expect(block?.type === 'text' ? block.text : undefined).toBe(expectedText(30, true))
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage.input_tokens).toBe(expectedInput(SYSTEM, QUESTION))
    expect(message.usage.output_tokens).toBe(30)
  })

  it('streams message_start … message_stop and the final message carries exact usage', async () => {
    const stream = anthropic.messages.stream(
      { model: 'claude-mock', max_tokens: 20, system: [{ type: 'text', text: SYSTEM }], messages: [{ role: 'user', content: QUESTION }] },
      { headers: { 'x-gauntlet-output-tokens': '50' } },
    )
    const events: string[] = []
    let text = ''
    stream.on('streamEvent', (event) => events.push(event.type))
    stream.on('text', (delta) => {
      text += delta
    })
    const final = await stream.finalMessage()
    expect(text).toBe(expectedText(20, false))
    expect(final.stop_reason).toBe('max_tokens')
    expect(final.usage.input_tokens).toBe(expectedInput(SYSTEM, QUESTION))
    expect(final.usage.output_tokens).toBe(20)
    expect(events[0]).toBe('message_start')
    expect(events.at(-1)).toBe('message_stop')
    expect(events.filter((type) => type === 'content_block_delta')).toHaveLength(20)
  })

  it('rejects a wrong key with the SDK error class', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-wrong', baseURL: mock.anthropicBaseUrl, maxRetries: 0 })
    const error: unknown = await wrong.messages
      .create({ model: 'claude-mock', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError)
  })
})
