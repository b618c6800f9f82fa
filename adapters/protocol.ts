// The types one HTTP exchange is made of: the transport, the POST, and the vendor-specific half
// (a WireProtocol: error bodies, the SSE stream parser, the non-streaming body).
import type { Dispatcher } from 'undici'
import type { SseEvent } from './sse.js'
import type { EventSink } from './types.js'

export interface HttpTransport {
  readonly dispatcher: Dispatcher
  readonly headersTimeoutMs: number
  readonly bodyTimeoutMs: number
}

export interface JsonPost {
  url: string
  headers: Record<string, string>
  body: unknown
  /** Aborts the exchange (the `stream()` path); the engine's path aborts through `Exchange.abort`. */
  signal?: AbortSignal
  /** Strings that must never appear in errors or events (API keys); scrubbed wherever seen. */
  secrets: readonly string[]
}

/** What a vendor's error body says, as far as it could be read. */
export interface VendorErrorInfo {
  message?: string
  type?: string
  code?: string
}

/** Turns one SSE stream into calls on a sink. One instance per response: it holds the stream's state. */
export interface StreamParser {
  /**
   * Handles one SSE event, calling `sink` for what it carries. Returns true once the protocol's
   * terminator (`[DONE]`, `message_stop`) has been handled. Throws ADAPTER_STREAM_ERROR or
   * ADAPTER_STREAM_MALFORMED.
   */
  push(event: SseEvent, sink: EventSink): boolean
  /** The body ended before the terminator: throws ADAPTER_STREAM_TRUNCATED. */
  end(sink: EventSink): void
}

/** The vendor-specific half of an exchange. */
export interface WireProtocol {
  /** For messages, e.g. `OpenAI-compatible`, `Anthropic`. */
  readonly vendor: string
  parseErrorBody(text: string): VendorErrorInfo | undefined
  createStreamParser(): StreamParser
  /** A complete non-streaming JSON body → calls on `sink` (after the response start). */
  parseBody(text: string, sink: EventSink): void
}
