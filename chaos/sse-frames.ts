// Splits an SSE byte stream into events that keep their exact bytes, and tells content, usage and
// end-of-stream events apart for OpenAI and Anthropic shapes. Faults re-emit `raw` untouched
// unless altering it is their job, so a stream through a harmless fault is byte-identical.

const LF = 0x0a
const CR = 0x0d

export interface SseFrame {
  /** The event's bytes, including its terminating blank line. */
  readonly raw: Uint8Array
  /** `event:` field, when present. */
  readonly event: string | undefined
  /** `data:` lines joined with `\n`; undefined when the event has no data line. */
  readonly data: string | undefined
  /** False for trailing bytes at the end of the stream that no blank line closed. */
  readonly complete: boolean
}

export type FrameKind = 'content' | 'usage' | 'done' | 'other'

const decoder = new TextDecoder('utf-8')

/** Parses the fields of one event (SSE rules: `:` comments, one optional space after the colon). */
export function parseFrame(raw: Uint8Array, complete = true): SseFrame {
  const text = decoder.decode(raw)
  let event: string | undefined
  let data: string[] | undefined
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') event = value
    else if (field === 'data') (data ??= []).push(value)
  }
  return { raw, event, data: data?.join('\n'), complete }
}

/**
 * Yields one frame per SSE event. An event ends at an empty line; CRLF, LF and CR all end lines.
 * Bytes are never copied more than once per chunk and never re-encoded.
 */
export async function* sseFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseFrame> {
  let buffer: Uint8Array = new Uint8Array(0)
  let scanFrom = 0
  let lineLength = 0
  for await (const chunk of body) {
    buffer = buffer.length === 0 ? chunk : concatBytes(buffer, chunk)
    let frameStart = 0
    let index = scanFrom
    while (index < buffer.length) {
      const byte = buffer[index] as number
      if (byte !== LF && byte !== CR) {
        lineLength += 1
        index += 1
        continue
      }
      let end = index + 1
      if (byte === CR) {
        // A CR at the end of the chunk may be the first half of a CRLF: decide on the next chunk.
        if (end >= buffer.length) break
        if (buffer[end] === LF) end += 1
      }
      if (lineLength === 0) {
        yield parseFrame(buffer.subarray(frameStart, end))
        frameStart = end
      }
      lineLength = 0
      index = end
    }
    buffer = buffer.subarray(frameStart)
    scanFrom = index - frameStart
  }
  if (buffer.length > 0) {
    const closedByCr = lineLength === 0 && buffer[buffer.length - 1] === CR
    yield parseFrame(buffer, closedByCr)
  }
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length)
  joined.set(a, 0)
  joined.set(b, a.length)
  return joined
}

/** The event's data as JSON, or undefined when it is not a JSON object. */
export function frameJson(frame: SseFrame): Record<string, unknown> | undefined {
  const data = frame.data
  if (data === undefined || data.length === 0 || (data[0] !== '{' && data.trimStart()[0] !== '{')) return undefined
  try {
    const value: unknown = JSON.parse(data)
    return isRecord(value) ? value : undefined
  } catch {
    // Not JSON: the caller treats the event as opaque.
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The output text an event carries (OpenAI chat/completions/responses, Anthropic), if any. */
export function contentText(frame: SseFrame): string | undefined {
  const json = frameJson(frame)
  if (json === undefined) return undefined
  const type = json['type']
  if (type === 'content_block_delta') {
    const delta = json['delta']
    if (!isRecord(delta)) return undefined
    for (const key of ['text', 'thinking', 'partial_json']) {
      const value = delta[key]
      if (typeof value === 'string' && value.length > 0) return value
    }
    return undefined
  }
  if (type === 'response.output_text.delta') {
    const delta = json['delta']
    return typeof delta === 'string' && delta.length > 0 ? delta : undefined
  }
  const choices = json['choices']
  if (!Array.isArray(choices)) return undefined
  let text = ''
  for (const choice of choices) {
    if (!isRecord(choice)) continue
    const delta = choice['delta']
    if (isRecord(delta)) {
      for (const key of ['content', 'reasoning_content', 'reasoning']) {
        const value = delta[key]
        if (typeof value === 'string') text += value
      }
    } else if (typeof choice['text'] === 'string') {
      text += choice['text']
    }
  }
  return text.length > 0 ? text : undefined
}

/**
 * content: carries output text. usage: the OpenAI usage chunk (usage set, no choices) or the
 * Anthropic `message_delta` (which carries the output token count). done: `[DONE]` or
 * `message_stop`. Everything else (role chunks, pings, block starts, comments): other.
 */
export function classifyFrame(frame: SseFrame): FrameKind {
  if (frame.data === '[DONE]' || frame.event === 'message_stop') return 'done'
  const json = frameJson(frame)
  if (json === undefined) return 'other'
  const type = json['type']
  if (type === 'message_stop') return 'done'
  if (contentText(frame) !== undefined) return 'content'
  if (type === 'message_delta' && isRecord(json['usage'])) return 'usage'
  const choices = json['choices']
  if (isRecord(json['usage']) && (!Array.isArray(choices) || choices.length === 0)) return 'usage'
  return 'other'
}

/** True for a `content-type` that announces an SSE stream. */
export function isEventStreamType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().includes('text/event-stream')
}
