// The raw bytes on the wire (what `curl -N` shows): well-formed SSE ending in `data: [DONE]` /
// `event: message_stop`, from the typical-cloud profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTokens } from '../../core/tokens.js'
import { readMockStream, startMock, type StartedMock } from '../helpers/start-mock.js'

let mock: StartedMock

beforeAll(async () => {
  mock = await startMock({ profile: 'typical-cloud' })
})

afterAll(async () => {
  await mock.close()
})

/** Splits a body into SSE blocks; every block must end with a blank line. */
function blocks(raw: string): string[][] {
  expect(raw.endsWith('\n\n')).toBe(true)
  return raw
    .slice(0, -2)
    .split('\n\n')
    .map((block) => block.split('\n'))
}

describe('raw SSE from the mock', () => {
  it('OpenAI: one `data:` line per event, valid JSON chunks, ending in data: [DONE]', async () => {
    const result = await readMockStream(
      mock.url,
      'openai',
      { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Status of the Q3 report?' }] },
      { 'x-gauntlet-output-tokens': '12' },
    )
    expect(result.status).toBe(200)
    expect(result.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    const events = blocks(result.raw)
    for (const lines of events) {
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^data: /)
    }
    expect(result.raw.endsWith('data: [DONE]\n\n')).toBe(true)
    const chunks = events.slice(0, -1).map((lines) => JSON.parse((lines[0] as string).slice(6)) as Record<string, unknown>)
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4o-mini' })
    const usageChunk = chunks.at(-1) as { choices: unknown[]; usage: Record<string, number> }
    expect(usageChunk.choices).toEqual([])
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: countTokens('Status of the Q3 report?'), completion_tokens: 12 })
    expect(result.tokenAtMs).toHaveLength(12)
    expect(countTokens(result.text)).toBe(12)
    // typical-cloud: ~250 ms overhead before the first token
    expect(result.tokenAtMs[0]).toBeGreaterThan(100)
  })

  it('Anthropic: `event:` names match the data type, in order, ending in event: message_stop', async () => {
    const result = await readMockStream(
      mock.url,
      'anthropic',
      { model: 'claude-haiku-4-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'Status of the Q3 report?' }] },
      { 'x-gauntlet-output-tokens': '8' },
    )
    expect(result.status).toBe(200)
    const types: string[] = []
    for (const lines of blocks(result.raw)) {
      expect(lines).toHaveLength(2)
      const name = /^event: (\w+)$/.exec(lines[0] as string)?.[1]
      expect(lines[1]).toMatch(/^data: /)
      const data = JSON.parse((lines[1] as string).slice(6)) as { type: string }
      expect(data.type).toBe(name)
      types.push(data.type)
    }
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array.from({ length: 8 }, () => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(result.raw.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true)
    const start = JSON.parse(result.events[0]?.data ?? '{}') as { message: { usage: { input_tokens: number } } }
    expect(start.message.usage.input_tokens).toBe(countTokens('Status of the Q3 report?'))
    const delta = JSON.parse(result.events.at(-2)?.data ?? '{}') as { delta: { stop_reason: string }; usage: { output_tokens: number } }
    expect(delta).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 8 } })
  })
})
