// Runs recorded bytes through the same SSE decoder and protocol parser the adapters use, with
// no sockets: the unit-test twin of http.ts `exchange()` for a 200 streaming answer.
import { AdapterError } from '../../core/errors.js'
import type { WireProtocol } from '../../adapters/protocol.js'
import { createSseDecoder } from '../../adapters/sse.js'
import type { EventSink, StreamEvent } from '../../adapters/types.js'

export type StreamOutcome = { events: StreamEvent[]; error?: AdapterError }

/** A sink that appends the calls it gets as StreamEvents. */
export function eventCollector(events: StreamEvent[]): EventSink {
  return {
    onTextDelta: (text) => events.push({ type: 'text-delta', text }),
    onReasoningDelta: (text) => events.push({ type: 'reasoning-delta', text }),
    onUsage: (usage) => events.push({ type: 'usage', usage }),
    onStreamEnd: (finishReason, rawFinishReason) =>
      events.push(rawFinishReason === undefined ? { type: 'stream-end', finishReason } : { type: 'stream-end', finishReason, rawFinishReason }),
  }
}

/** Events (and the AdapterError, if any) from a body delivered as `chunks`. */
export function streamEventsFromChunks(protocol: WireProtocol, chunks: Iterable<Uint8Array>): StreamOutcome {
  const decoder = createSseDecoder()
  const parser = protocol.createStreamParser()
  const events: StreamEvent[] = []
  const sink = eventCollector(events)
  try {
    for (const chunk of chunks) {
      for (const event of decoder.push(chunk)) if (parser.push(event, sink)) return { events }
    }
    for (const event of decoder.end()) if (parser.push(event, sink)) return { events }
    parser.end(sink)
    return { events }
  } catch (error) {
    if (error instanceof AdapterError) return { events, error }
    throw error
  }
}

/** Events of a whole non-streaming body. */
export function bodyEvents(protocol: WireProtocol, text: string): StreamOutcome {
  const events: StreamEvent[] = []
  try {
    protocol.parseBody(text, eventCollector(events))
    return { events }
  } catch (error) {
    if (error instanceof AdapterError) return { events, error }
    throw error
  }
}

/** Concatenated text of one delta type. */
export function joined(events: readonly StreamEvent[], type: 'text-delta' | 'reasoning-delta'): string {
  let text = ''
  for (const event of events) if (event.type === type) text += event.text
  return text
}

/** Drains an adapter stream into its events, or the error it threw. */
export async function collect(stream: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error?: unknown }> {
  const events: StreamEvent[] = []
  try {
    for await (const event of stream) events.push(event)
    return { events }
  } catch (error) {
    return { events, error }
  }
}
