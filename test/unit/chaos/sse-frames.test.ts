// The byte-level SSE splitter: exact bytes back, whatever the chunking and line endings.
import { describe, expect, it } from 'vitest'
import { classifyFrame, contentText, sseFrames, type SseFrame } from '../../../chaos/sse-frames.js'
import { anthropicEvents, openAiEvents } from '../../helpers/sse-upstream.js'

const encoder = new TextEncoder()

async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0
  let i = 0
  while (offset < bytes.length) {
    const size = sizes[i % sizes.length] as number
    i += 1
    yield bytes.subarray(offset, offset + size)
    offset += size
  }
}

async function frames(bytes: Uint8Array, sizes: number[]): Promise<SseFrame[]> {
  const out: SseFrame[] = []
  for await (const frame of sseFrames(chunked(bytes, sizes))) out.push(frame)
  return out
}

const decode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

describe('sseFrames', () => {
  const text = 'event: a\ndata: one\n\n: comment\r\ndata: two\r\ndata: 2b\r\n\r\ndata: three\r\rdata: é€😀\n\n'
  const bytes = encoder.encode(text)

  it.each([[1], [2], [3], [7], [bytes.length], [5, 1, 9]])('re-emits exact bytes and fields with chunks of %s bytes', async (...sizes) => {
    const out = await frames(bytes, sizes)
    expect(out.map((frame) => decode(frame.raw))).toEqual(['event: a\ndata: one\n\n', ': comment\r\ndata: two\r\ndata: 2b\r\n\r\n', 'data: three\r\r', 'data: é€😀\n\n'])
    expect(out.map((frame) => [frame.event, frame.data])).toEqual([
      ['a', 'one'],
      [undefined, 'two\n2b'],
      [undefined, 'three'],
      [undefined, 'é€😀'],
    ])
    expect(Buffer.concat(out.map((frame) => frame.raw)).equals(Buffer.from(bytes))).toBe(true)
  })

  it('yields trailing bytes without a blank line as an incomplete frame', async () => {
    const out = await frames(encoder.encode('data: a\n\ndata: partial'), [4])
    expect(out.map((frame) => [decode(frame.raw), frame.complete])).toEqual([
      ['data: a\n\n', true],
      ['data: partial', false],
    ])
  })

  it('classifies OpenAI and Anthropic events', async () => {
    const openai = await frames(encoder.encode(openAiEvents(['Hi', '!'], 'm').join('')), [64])
    expect(openai.map(classifyFrame)).toEqual(['other', 'content', 'content', 'other', 'usage', 'done'])
    expect(openai.map(contentText)).toEqual([undefined, 'Hi', '!', undefined, undefined, undefined])
    const anthropic = await frames(encoder.encode(anthropicEvents(['Hi'], 'm').join('')), [64])
    expect(anthropic.map(classifyFrame)).toEqual(['other', 'other', 'other', 'content', 'other', 'usage', 'done'])
  })
})
