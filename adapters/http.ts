// POST a JSON body through an injected undici Dispatcher and hand the answer over as calls,
// where its bytes arrive: one dispatch() handler per exchange, no stream objects, no async
// iteration on the way (the engine's hot path). `exchange()` turns the same calls into the
// AsyncIterable of events that `Adapter.stream()` returns.
//
//   dispatch ─► onResponseStart ─┬─ 2xx, SSE  ─► sse.ts reader ─► protocol parser ─► sink calls
//                                ├─ 2xx, JSON ─► protocol.parseBody()             ─► sink calls
//                                └─ non-2xx   ─► protocol.parseErrorBody() ─► settled(ADAPTER_HTTP_STATUS)
//
// Connection refused / DNS → ADAPTER_CONNECTION; reset or closed mid-body → ADAPTER_RESET;
// headers or idle-body timeout → ADAPTER_TIMEOUT; Exchange.abort or the post's signal →
// ADAPTER_ABORTED (the runner knows whether that was a patient user giving up or Ctrl-C).
import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import { getGlobalDispatcher } from '../core/undici.js'
import { AdapterError, UserError } from '../core/errors.js'
import { createStatusError, mapTransportError, redactUrl, scrubAdapterError, scrubSecrets } from './http-errors.js'
import type { HttpTransport, JsonPost, StreamParser, WireProtocol } from './protocol.js'
import { createSseReader, type SseEvent, type SseReader } from './sse.js'
import type { Exchange, ExchangeHandler, FinishReason, StreamEvent, Usage } from './types.js'

export * from './http-errors.js'
export type { HttpTransport, JsonPost, StreamParser, VendorErrorInfo, WireProtocol } from './protocol.js'

/** Defaults shorter than undici's 300 s: an LLM that sends nothing for a minute has failed. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000
export const DEFAULT_BODY_TIMEOUT_MS = 60_000
/** An error body is read this far to parse the vendor error; AdapterError keeps 2 KiB of it. */
export const ERROR_BODY_READ_LIMIT_BYTES = 64 * 1024
/** A non-streaming answer larger than this is treated as malformed rather than buffered. */
export const JSON_BODY_READ_LIMIT_BYTES = 32 * 1024 * 1024

export interface HttpTransportSettings {
  dispatcher?: Dispatcher
  headersTimeoutMs?: number
  bodyTimeoutMs?: number
}

/** Validates the timeouts once, at adapter creation. Default dispatcher: undici's global one. */
export function createHttpTransport(settings: HttpTransportSettings = {}): HttpTransport {
  const check = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback
    if (!Number.isFinite(value) || value <= 0) {
      throw new UserError(
        'CONFIG_INVALID',
        `adapter setting ${name}: expected a positive number of milliseconds, received ${String(value)}; e.g. ${name}: ${fallback}`,
      )
    }
    return value
  }
  return {
    dispatcher: settings.dispatcher ?? getGlobalDispatcher(),
    headersTimeoutMs: check('headersTimeoutMs', settings.headersTimeoutMs, DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: check('bodyTimeoutMs', settings.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS),
  }
}

/**
 * Starts one request/response. `handler.onResponseStart` comes for every HTTP answer (errors
 * too, so the runner can time headers), then the protocol's calls, then `onSettled` once.
 */
export function startExchange(
  transport: HttpTransport,
  post: JsonPost,
  protocol: WireProtocol,
  streaming: boolean,
  handler: ExchangeHandler,
): Exchange {
  const run = new DispatchExchange(transport, post, protocol, streaming, handler)
  const { origin, path } = splitUrl(post.url)
  try {
    transport.dispatcher.dispatch(
      {
        origin,
        path,
        method: 'POST',
        headers: post.headers,
        body: JSON.stringify(post.body),
        headersTimeout: transport.headersTimeoutMs,
        bodyTimeout: transport.bodyTimeoutMs,
      },
      run,
    )
  } catch (error) {
    // A closed or destroyed dispatcher throws at once instead of calling the handler.
    run.onResponseError(undefined, error instanceof Error ? error : new Error(String(error)))
  }
  return run
}

type Mode = 'headers' | 'error' | 'json' | 'sse' | 'drain'

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>

/** The dispatch() handler of one exchange: parses where bytes arrive and calls the handler. */
class DispatchExchange implements Dispatcher.DispatchHandler, Exchange {
  private controller: Dispatcher.DispatchController | undefined
  private settled = false
  /** Set when the exchange settled with an error: the request is to be aborted (socket dropped). */
  private stopReason: Error | undefined
  private mode: Mode = 'headers'
  private status = 0
  private headers = NO_HEADERS
  private parts: Buffer[] = []
  private bytes = 0
  private reader: SseReader | undefined
  private parser: StreamParser | undefined
  private done = false

  private readonly transport: HttpTransport
  private readonly post: JsonPost
  private readonly protocol: WireProtocol
  private readonly streaming: boolean
  private readonly handler: ExchangeHandler

  constructor(transport: HttpTransport, post: JsonPost, protocol: WireProtocol, streaming: boolean, handler: ExchangeHandler) {
    this.transport = transport
    this.post = post
    this.protocol = protocol
    this.streaming = streaming
    this.handler = handler
  }

  abort(reason: Error): void {
    if (this.settled) return
    const why = reason.message === '' ? '' : ` (${scrubSecrets(reason.message, this.post.secrets)})`
    const where = this.mode === 'headers' ? 'before the response headers' : 'while reading the response body'
    this.settle(new AdapterError('ADAPTER_ABORTED', `request to ${redactUrl(this.post.url)} aborted by its signal ${where}${why}`, { cause: reason }))
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    // Aborted while queued for a connection: never send it.
    if (this.stopReason !== undefined) controller.abort(this.stopReason)
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (this.settled || statusCode < 200) return // 1xx informational answers carry nothing for us
    this.status = statusCode
    this.headers = normaliseHeaders(headers, this.post.secrets)
    if (statusCode > 299) this.mode = 'error'
    else {
      const contentType = this.headers['content-type'] ?? ''
      // Some OpenAI-compatible servers ignore `stream: true` and answer with plain JSON.
      const isJson = /\bjson\b/i.test(contentType) && !/event-stream/i.test(contentType)
      if (!this.streaming || isJson) this.mode = 'json'
      else {
        this.mode = 'sse'
        const parser = this.protocol.createStreamParser()
        this.parser = parser
        this.reader = createSseReader((event: SseEvent) => {
          if (!this.done) this.done = parser.push(event, this.handler)
        })
      }
    }
    try {
      this.handler.onResponseStart(statusCode, this.headers)
    } catch (error) {
      this.settle(error)
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) {
      // After the terminator: read the few trailing bytes so the keep-alive connection is
      // reused; past the limit the socket is dropped instead.
      if (this.mode === 'drain') {
        this.bytes += chunk.byteLength
        if (this.bytes > ERROR_BODY_READ_LIMIT_BYTES) controller.abort(new Error('too many bytes after the stream terminator'))
      }
      return
    }
    if (this.mode === 'sse') {
      try {
        ;(this.reader as SseReader).push(chunk)
      } catch (error) {
        // A parser error (in-stream error event, bad JSON) after the calls that preceded it.
        this.settle(error)
        return
      }
      if (this.done) {
        this.mode = 'drain'
        this.bytes = 0
        this.settle(undefined)
      }
      return
    }
    const limit = this.mode === 'error' ? ERROR_BODY_READ_LIMIT_BYTES : JSON_BODY_READ_LIMIT_BYTES
    if (this.bytes + chunk.byteLength > limit) {
      this.parts.push(chunk.subarray(0, limit - this.bytes))
      this.bytes = limit
      if (this.mode === 'error') this.settle(this.statusError())
      else {
        this.settle(
          new AdapterError(
            'ADAPTER_STREAM_MALFORMED',
            `${this.protocol.vendor} answer from ${redactUrl(this.post.url)} is larger than ${JSON_BODY_READ_LIMIT_BYTES} bytes; not a chat completion body`,
            { status: this.status },
          ),
        )
      }
      return
    }
    this.parts.push(chunk)
    this.bytes += chunk.byteLength
  }

  onResponseEnd(): void {
    if (this.settled) return
    try {
      if (this.mode === 'error') {
        this.settle(this.statusError())
      } else if (this.mode === 'json') {
        this.protocol.parseBody(scrubSecrets(this.bodyText(), this.post.secrets), this.handler)
        this.settle(undefined)
      } else if (this.mode === 'sse') {
        ;(this.reader as SseReader).end()
        if (!this.done) (this.parser as StreamParser).end(this.handler)
        this.settle(undefined)
      }
    } catch (error) {
      this.settle(error)
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return
    // A half-read error body still leaves the status worth reporting.
    if (this.mode === 'error') this.settle(this.statusError())
    else this.settle(mapTransportError(error, this.post, this.transport, this.mode === 'headers' ? 'headers' : 'body'))
  }

  private bodyText(): string {
    const text = this.parts.length === 1 ? (this.parts[0] as Buffer).toString('utf8') : Buffer.concat(this.parts).toString('utf8')
    this.parts = []
    return text
  }

  private statusError(): AdapterError {
    return createStatusError({ status: this.status, headers: this.headers }, this.bodyText(), this.protocol, this.post)
  }

  private settle(error: unknown): void {
    if (this.settled) return
    this.settled = true
    if (error !== undefined) {
      this.stopReason = error instanceof Error ? error : new Error(String(error))
      this.controller?.abort(this.stopReason)
    }
    // One choke point: whatever the server echoed (a key in an in-stream error, say) is
    // scrubbed from every error before it reaches records.
    this.handler.onSettled(error instanceof AdapterError ? scrubAdapterError(error, this.post.secrets) : error)
  }
}

/**
 * One request/response as an AsyncIterable: yields `response-start` for every HTTP answer, then
 * the protocol's events, or throws AdapterError. Stopping early aborts the exchange.
 */
export async function* exchange(
  transport: HttpTransport,
  post: JsonPost,
  protocol: WireProtocol,
  streaming: boolean,
): AsyncGenerator<StreamEvent, void, undefined> {
  const queue: StreamEvent[] = []
  let finished = false
  let failure: unknown
  let wake: (() => void) | undefined
  const push = (event: StreamEvent): void => {
    queue.push(event)
    const resume = wake
    wake = undefined
    resume?.()
  }
  const control = startExchange(transport, post, protocol, streaming, {
    onResponseStart: (status, headers) => push({ type: 'response-start', status, headers }),
    onTextDelta: (text) => push({ type: 'text-delta', text }),
    onReasoningDelta: (text) => push({ type: 'reasoning-delta', text }),
    onUsage: (usage: Usage) => push({ type: 'usage', usage }),
    onStreamEnd: (finishReason: FinishReason, rawFinishReason: string | undefined) =>
      push(rawFinishReason === undefined ? { type: 'stream-end', finishReason } : { type: 'stream-end', finishReason, rawFinishReason }),
    onSettled: (error) => {
      finished = true
      failure = error
      const resume = wake
      wake = undefined
      resume?.()
    },
  })
  const signal = post.signal
  const onAbort = (): void => {
    const reason: unknown = signal?.reason
    control.abort(reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : ''))
  }
  if (signal !== undefined) {
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  }
  try {
    for (let next = 0; ; ) {
      while (next < queue.length) yield queue[next++] as StreamEvent
      queue.length = 0
      next = 0
      if (finished) break
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
    if (failure !== undefined) throw failure
  } finally {
    signal?.removeEventListener('abort', onAbort)
    if (!finished) control.abort(new Error('the consumer stopped reading'))
  }
}

function normaliseHeaders(headers: IncomingHttpHeaders, secrets: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(', ') : String(value)
    result[name.toLowerCase()] = secrets.length === 0 ? text : scrubSecrets(text, secrets)
  }
  return result
}

let lastUrl = ''
let lastSplit = { origin: '', path: '' }

/** origin + path of a URL; adapters post to one URL, so the last one is kept. */
function splitUrl(url: string): { origin: string; path: string } {
  if (url !== lastUrl) {
    const parsed = new URL(url)
    lastSplit = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }
    lastUrl = url
  }
  return lastSplit
}
