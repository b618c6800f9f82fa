// Server-sent events framing: raw body bytes in, `{event, data, id}` records out, for any vendor.
//
//   Uint8Array chunks ──TextDecoder(stream)──► text ──eventsource-parser──► SseEvent[]
//
// Chunks may split anywhere (mid-line, mid-CRLF, mid-UTF-8 character): the streaming decoder
// holds partial characters and the parser holds partial lines. Line scanning happens inside
// eventsource-parser (indexOf over whole chunks), so there is no per-byte work here.
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser'
import { AdapterError } from '../core/errors.js'

export interface SseEvent {
  /** The `event:` field; absent when the server sent none (OpenAI streams). */
  event?: string
  data: string
  id?: string
}

export interface SseDecoder {
  /**
   * Feeds one body chunk and returns the events it completed (often none). The returned array
   * belongs to the caller; an empty result is a shared frozen array.
   */
  push(chunk: Uint8Array): readonly SseEvent[]
  /**
   * Ends the stream. Flushes a dangling partial UTF-8 sequence (as U+FFFD). As the SSE spec
   * says, an event whose closing blank line never arrived is discarded, so a stream cut short
   * looks cut short to the caller.
   */
  end(): readonly SseEvent[]
}

export interface SseDecoderOptions {
  /**
   * Most characters one unfinished line or event may buffer; beyond it the stream is
   * `ADAPTER_STREAM_MALFORMED` instead of an unbounded memory sink. Default 8 Mi characters.
   */
  maxBufferChars?: number
}

const NO_EVENTS: readonly SseEvent[] = Object.freeze([])
const DEFAULT_MAX_BUFFER_CHARS = 8 * 1024 * 1024

/** Feeds body chunks; completed events go to the reader's callback as they complete. */
export interface SseReader {
  push(chunk: Uint8Array): void
  /** Ends the stream, as `SseDecoder.end`. */
  end(): void
}

/**
 * The callback form of the decoder, for the engine's hot path: each completed event is handed
 * over as the parser made it (no copy, no array). Its `event`/`id` may be present as undefined.
 */
export function createSseReader(onEvent: (event: SseEvent) => void, options: SseDecoderOptions = {}): SseReader {
  const maxBufferChars = options.maxBufferChars ?? DEFAULT_MAX_BUFFER_CHARS
  const decoder = new TextDecoder('utf-8')
  // A CR at the very end may be the first half of CRLF, so the parser holds it; at end of stream
  // it is a line end in its own right and must be completed.
  let endsWithCr = false
  const parser: EventSourceParser = createParser({
    onEvent: onEvent as (message: EventSourceMessage) => void,
    onError: (error) => {
      // Unknown fields and bad `retry:` values are ignorable by the spec; only the buffer cap
      // means the stream cannot be SSE.
      if (error.type === 'max-buffer-size-exceeded') {
        throw new AdapterError(
          'ADAPTER_STREAM_MALFORMED',
          `SSE stream: one line or event grew past ${maxBufferChars} characters without ending; the body is not a well-formed event stream`,
        )
      }
    },
    maxBufferSize: maxBufferChars,
  })
  const feed = (text: string): void => {
    if (text.length === 0) return
    parser.feed(text)
    endsWithCr = text.charCodeAt(text.length - 1) === 13
  }
  return {
    push: (chunk) => feed(decoder.decode(chunk, { stream: true })),
    end() {
      feed(decoder.decode())
      if (endsWithCr) parser.feed('\n')
      parser.reset()
    },
  }
}

export function createSseDecoder(options: SseDecoderOptions = {}): SseDecoder {
  let completed: SseEvent[] | undefined
  const reader = createSseReader((message) => {
    // A fresh object with only the fields that are present, so events compare equal whatever
    // the parser left as `undefined`.
    const event: SseEvent = { data: message.data }
    if (message.event !== undefined) event.event = message.event
    if (message.id !== undefined) event.id = message.id
    if (completed === undefined) completed = [event]
    else completed.push(event)
  }, options)
  const take = (): readonly SseEvent[] => {
    const events = completed
    completed = undefined
    return events ?? NO_EVENTS
  }
  return {
    push(chunk) {
      reader.push(chunk)
      return take()
    },
    end() {
      reader.end()
      return take()
    },
  }
}

/** Events of a whole body at once (fixtures, non-streaming fallbacks). */
export function decodeSse(body: Uint8Array | string, options: SseDecoderOptions = {}): SseEvent[] {
  const decoder = createSseDecoder(options)
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  return [...decoder.push(bytes), ...decoder.end()]
}

/** Events from a stream of body chunks, as they complete. */
export async function* decodeSseStream(
  chunks: AsyncIterable<Uint8Array>,
  options: SseDecoderOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const decoder = createSseDecoder(options)
  for await (const chunk of chunks) yield* decoder.push(chunk)
  yield* decoder.end()
}
