// The adapter seam: a logical chat request in, normalised stream events out.
//
//   ChatRequest ──► Adapter.stream() ──► response-start ─► (text-delta | reasoning-delta)* ─► usage? ─► stream-end
//                                   └─► throws AdapterError (HTTP status, reset, timeout, malformed or truncated stream)
//
// Adapters never take timestamps: the runner does, as events arrive.
import type { Dispatcher } from 'undici'

export type ChatRole = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: ChatRole
  content: string
}

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
