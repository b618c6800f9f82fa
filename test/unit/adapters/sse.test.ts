// SSE framing: field parsing, and the property that where the bytes are split never changes the events.
import { describe, expect, it } from 'vitest'
import { createSseDecoder, decodeSse, decodeSseStream, type SseEvent } from '../../../adapters/sse.js'
import { createRandom } from '../../../core/random.js'
import { readFixture } from '../../helpers/fixture-server.js'

const STREAM_FIXTURES = [
  'openai-stream-usage.chunks.txt',
  'openai-stream-reasoning.chunks.txt',
  'openai-stream-refusal.chunks.txt',
  'openai-stream-error.chunks.txt',
  'anthropic-stream-text.chunks.txt',
  'anthropic-stream-thinking.chunks.txt',
  'anthropic-stream-overloaded.chunks.txt',
]

function decodePieces(pieces: readonly Uint8Array[]): SseEvent[] {
  const decoder = createSseDecoder()
  const events: SseEvent[] = []
  for (const piece of pieces) events.push(...decoder.push(piece))
  events.push(...decoder.end())
  return events
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = []
  let start = 0
  for (const cut of cuts) {
    pieces.push(bytes.subarray(start, cut))
    start = cut
  }
  pieces.push(bytes.subarray(start))
  return pieces
}

/** Offsets that fall inside a multi-byte UTF-8 character (continuation bytes). */
function midCharacterOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = []
  for (let i = 0; i < bytes.length; i++) if (((bytes[i] as number) & 0xc0) === 0x80) offsets.push(i)
  return offsets
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('SSE fields', () => {
  it('reads event, data and id, and ignores comments and unknown fields', () => {
    const events = decodeSse(': ping\nevent: update\nid: 7\nretry: 10\nfoo: bar\ndata: {"a":1}\n\ndata: plain\n\n')
    expect(events).toEqual([{ event: 'update', id: '7', data: '{"a":1}' }, { data: 'plain' }])
  })

  it('joins multi-line data with newlines and keeps a value without the optional space', () => {
    expect(decodeSse('data: first\ndata:second\ndata:  third\n\n')).toEqual([{ data: 'first\nsecond\n third' }])
  })

  it('accepts CRLF, CR and LF line endings alike', () => {
    const lf = decodeSse('event: a\ndata: 1\n\ndata: 2\n\n')
    expect(decodeSse('event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n')).toEqual(lf)
    expect(decodeSse('event: a\rdata: 1\r\rdata: 2\r\r')).toEqual(lf)
  })

  it('drops a leading byte-order mark', () => {
    expect(decodeSse(new Uint8Array([0xef, 0xbb, 0xbf, ...encode('data: x\n\n')]))).toEqual([{ data: 'x' }])
  })

  it('discards an event whose closing blank line never came (a cut stream looks cut)', () => {
    expect(decodeSse('data: complete\n\ndata: [DONE]\n')).toEqual([{ data: 'complete' }])
    expect(decodeSse('data: complete\n\ndata: {"choices":[{"del')).toEqual([{ data: 'complete' }])
  })

  it('returns no events for a chunk that completes none', () => {
    const decoder = createSseDecoder()
    expect(decoder.push(encode('data: par'))).toHaveLength(0)
    expect(decoder.push(encode('tial\n\n'))).toEqual([{ data: 'partial' }])
  })

  it('rejects a line that never ends past the buffer cap as ADAPTER_STREAM_MALFORMED', () => {
    const decoder = createSseDecoder({ maxBufferChars: 1024 })
    expect(() => decoder.push(encode(`data: ${'x'.repeat(2048)}`))).toThrow(expect.objectContaining({ code: 'ADAPTER_STREAM_MALFORMED' }))
  })

  it('streams events from an async iterable of chunks', async () => {
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield encode('data: a\n')
      yield encode('\ndata: b\n\n')
    }
    const events: SseEvent[] = []
    for await (const event of decodeSseStream(chunks())) events.push(event)
    expect(events).toEqual([{ data: 'a' }, { data: 'b' }])
  })
})

describe('SSE split property: any split of a recorded stream gives the same events', () => {
  for (const name of STREAM_FIXTURES) {
    const bytes = new Uint8Array(readFixture(name))
    const reference = decodePieces([bytes])

    it(`${name}: decodes to events`, () => {
      expect(reference.length).toBeGreaterThan(2)
      // The fixtures hold multi-byte characters, so some split points fall mid-character.
      if (!name.includes('overloaded') && !name.includes('error')) expect(midCharacterOffsets(bytes).length).toBeGreaterThan(0)
    })

    it(`${name}: every single split point`, () => {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const events = decodePieces(splitAt(bytes, [cut]))
        if (JSON.stringify(events) !== JSON.stringify(reference)) expect({ cut, events }).toEqual({ cut, events: reference })
      }
    })

    it(`${name}: random multi-splits, byte-by-byte, and CRLF line endings`, () => {
      const random = createRandom(`sse-${name}`)
      for (let round = 0; round < 200; round++) {
        const count = 1 + random.int(12)
        const cuts = Array.from({ length: count }, () => random.int(bytes.length + 1)).sort((a, b) => a - b)
        expect(decodePieces(splitAt(bytes, cuts))).toEqual(reference)
      }
      // Every cut inside a character at once.
      expect(decodePieces(splitAt(bytes, midCharacterOffsets(bytes)))).toEqual(reference)
      expect(decodePieces(Array.from(bytes, (byte) => new Uint8Array([byte])))).toEqual(reference)
      const crlf = encode(new TextDecoder().decode(bytes).replace(/\n/g, '\r\n'))
      expect(decodePieces([crlf])).toEqual(reference)
      for (let round = 0; round < 100; round++) {
        const cuts = Array.from({ length: 1 + random.int(8) }, () => random.int(crlf.length + 1)).sort((a, b) => a - b)
        expect(decodePieces(splitAt(crlf, cuts))).toEqual(reference)
      }
    })
  }
})
