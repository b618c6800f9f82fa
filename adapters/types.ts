// The adapter seam: a logical chat request in, normalised stream events out.
//
//   ChatRequest ──► Adapter.stream() ──► response-start ─► (text-delta | reasoning-delta)* ─► usage? ─► stream-end
//                                   └─► throws AdapterError (HTTP status, reset, timeout, malformed or truncated stream)
//   ChatRequest ──► Adapter.send?()  ──► the same, as calls on an ExchangeHandler (the engine's hot path)
//
// Adapters never take timestamps: the runner does, as events arrive.
import type { Dispatcher } from 'undici'
import type { ChatMessage } from '../core/messages.js'

export type { ChatMessage, ChatRole } from '../core/messages.js'

export interface ChatRequest {
  /** Vendor model id (or Azure deployment name). */
  model: string
  messages: ChatMessage[]
  /** Sent as the vendor's max-tokens field. */
  maxOutputTokens: number
  /**
   * Desired output length. Sent to the embedded mock as the `x-gauntlet-output-tokens` header
   * so replayed traces keep their real lengths; real vendors ignore it.
   */
  targetOutputTokens?: number
  /** Stream the answer (default true). */
  stream?: boolean
  temperature?: number
  /** Ask for a JSON answer (OpenAI `response_format: json_object`; Anthropic: instruction only). */
  responseFormat?: 'text' | 'json'
  /** Extra request headers (e.g. `x-gauntlet-*` hints for the mock). Never secrets. */
  headers?: Record<string, string>
}

export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'refusal' | 'error' | 'other'

/** Token counts as the server reported them; a count the vendor does not report stays undefined. */
export interface Usage {
  inputTokens?: number
  cachedInputTokens?: number
  /** Written to the prompt cache by this request (Anthropic `cache_creation_input_tokens`; part of inputTokens). */
  cacheWriteInputTokens?: number
  outputTokens?: number
  reasoningTokens?: number
}

export type StreamEvent =
  | { type: 'response-start'; status: number; headers: Record<string, string> }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'stream-end'; finishReason: FinishReason; rawFinishReason?: string }

export interface StreamOptions {
  signal: AbortSignal
}

/** The content of one answer as calls: what a protocol parser reports, without event objects. */
export interface EventSink {
  onTextDelta(text: string): void
  onReasoningDelta(text: string): void
  onUsage(usage: Usage): void
  onStreamEnd(finishReason: FinishReason, rawFinishReason: string | undefined): void
}

/**
 * One exchange as calls, for the engine's lean path: `onResponseStart` for every HTTP answer,
 * then the EventSink calls, then `onSettled` exactly once — with `undefined` when the answer ended
 * well, else the AdapterError (or, for a bug, any error). Calls arrive where bytes arrive, on the
 * event loop's turn that read them, so the receiver can take its timestamps there.
 */
export interface ExchangeHandler extends EventSink {
  onResponseStart(status: number, headers: Record<string, string>): void
  onSettled(error: unknown): void
}

/** A started exchange. `abort` settles it at once with ADAPTER_ABORTED (the reason in the message). */
export interface Exchange {
  abort(reason: Error): void
}

/**
 * One wire protocol. `stream` yields `response-start` for every HTTP response (also for
 * errors, so the runner can time headers), then throws `AdapterError` for non-2xx answers,
 * broken or truncated streams, resets and timeouts. Non-streaming requests yield the same
 * events from the JSON body (one `text-delta`).
 */
export interface Adapter {
  readonly name: string
  readonly model: string
  /** Base URL without secrets, for records and reports. */
  readonly baseUrl: string
  stream(request: ChatRequest, options: StreamOptions): AsyncIterable<StreamEvent>
  /**
   * Optional lean path: the same exchange as `stream`, its events delivered as calls on `handler`
   * (no async iteration, no event objects). The engine uses it when present; `stream` stays the
   * seam every adapter must have.
   */
  send?(request: ChatRequest, handler: ExchangeHandler): Exchange
}

export interface AdapterSettings {
  model: string
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8000/v1`. */
  baseUrl?: string
  /** Resolved key; when absent the adapter reads its vendor's environment variable. */
  apiKey?: string
  /** Environment to read keys and endpoints from (default `process.env`). */
  env?: Record<string, string | undefined>
  /** undici Dispatcher (pool/agent) to send through; default a shared Agent. */
  dispatcher?: Dispatcher
  /** Time to wait for response headers (default 60 s). */
  headersTimeoutMs?: number
  /** Max idle gap between body chunks (default 60 s). */
  bodyTimeoutMs?: number
  /** Extra headers on every request (never logged). */
  headers?: Record<string, string>
  /** Azure `api-version`, Anthropic `anthropic-version`. */
  apiVersion?: string
  /** When false, the adapter does not require a key (local servers). Default: true for vendor hosts. */
  requireKey?: boolean
}

export type CreateAdapter = (settings: AdapterSettings) => Adapter

/**
 * What the registry holds per adapter name: how to create it, plus what target parsing and the
 * chaos proxy need to know before one exists. A built-in exports one from its `index.ts`;
 * a plugin's `registerAdapter(name, create)` makes one with `create` alone.
 */
export interface AdapterDefinition {
  create: CreateAdapter
  /** Where it sends when the target names no base URL; undefined when nothing is configured. */
  defaultBaseUrl?: (env: Record<string, string | undefined>) => string | undefined
  /** Set when a target without `@URL` and without a default base URL cannot work: the message. */
  baseUrlRequired?: { problem: string; fix: (model: string) => string }
}
