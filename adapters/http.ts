// POST a JSON body over an injected undici Dispatcher and stream the answer back as normalised
// events; every transport failure becomes a typed AdapterError, and API keys never leave.
//
//   postJson ─► response-start ─┬─ 2xx, SSE  ─► sse.ts ─► protocol.createStreamParser() ─► events
//                               ├─ 2xx, JSON ─► protocol.parseBody()                    ─► events
//                               └─ non-2xx   ─► protocol.parseErrorBody() ─► throw ADAPTER_HTTP_STATUS
//
// Connection refused / DNS → ADAPTER_CONNECTION; reset or closed mid-body → ADAPTER_RESET;
// headers or idle-body timeout → ADAPTER_TIMEOUT; our signal fired → ADAPTER_ABORTED (the
// runner knows whether that was a patient user giving up or Ctrl-C).
import { getGlobalDispatcher, request, type Dispatcher } from 'undici'
import { AdapterError, UserError, truncate, type ErrorCode } from '../core/errors.js'
import { createSseDecoder, type SseEvent } from './sse.js'
import type { StreamEvent } from './types.js'

/** Defaults shorter than undici's 300 s: an LLM that sends nothing for a minute has failed. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000
export const DEFAULT_BODY_TIMEOUT_MS = 60_000
/** An error body is read this far to parse the vendor error; AdapterError keeps 2 KiB of it. */
export const ERROR_BODY_READ_LIMIT_BYTES = 64 * 1024
/** A non-streaming answer larger than this is treated as malformed rather than buffered. */
export const JSON_BODY_READ_LIMIT_BYTES = 32 * 1024 * 1024

export interface HttpTransport {
  readonly dispatcher: Dispatcher
  readonly headersTimeoutMs: number
  readonly bodyTimeoutMs: number
}

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

export interface JsonPost {
  url: string
  headers: Record<string, string>
  body: unknown
  signal: AbortSignal
  /** Strings that must never appear in errors or events (API keys); scrubbed wherever seen. */
  secrets: readonly string[]
}

export interface HttpResponse {
  status: number
  /** Lower-cased names; repeated headers joined with `, `; secrets scrubbed. */
  headers: Record<string, string>
  body: Dispatcher.ResponseData['body']
}

/** What a vendor's error body says, as far as it could be read. */
export interface VendorErrorInfo {
  message?: string
  type?: string
  code?: string
}

/** Turns one SSE stream into events. One instance per response: it holds the stream's state. */
export interface StreamParser {
  /**
   * Appends the events for one SSE event to `out`. Returns true once the protocol's terminator
   * (`[DONE]`, `message_stop`) has been handled. Throws ADAPTER_STREAM_ERROR or
   * ADAPTER_STREAM_MALFORMED.
   */
  push(event: SseEvent, out: StreamEvent[]): boolean
  /** The body ended before the terminator: throws ADAPTER_STREAM_TRUNCATED. */
  end(out: StreamEvent[]): void
}

/** The vendor-specific half of an exchange. */
export interface WireProtocol {
  /** For messages, e.g. `OpenAI-compatible`, `Anthropic`. */
  readonly vendor: string
  parseErrorBody(text: string): VendorErrorInfo | undefined
  createStreamParser(): StreamParser
  /** A complete non-streaming JSON body → events (after `response-start`). */
  parseBody(text: string, out: StreamEvent[]): void
}

/**
 * One request/response. Yields `response-start` for every HTTP answer (errors too, so the runner
 * can time headers), then the protocol's events, or throws AdapterError.
 */
export async function* exchange(
  transport: HttpTransport,
  post: JsonPost,
  protocol: WireProtocol,
  streaming: boolean,
): AsyncGenerator<StreamEvent, void, undefined> {
  try {
    yield* exchangeUnscrubbed(transport, post, protocol, streaming)
  } catch (error) {
    // One choke point: whatever the server echoed (a key in an in-stream error, say) is
    // scrubbed from every error before it reaches records.
    throw error instanceof AdapterError ? scrubAdapterError(error, post.secrets) : error
  }
}

async function* exchangeUnscrubbed(
  transport: HttpTransport,
  post: JsonPost,
  protocol: WireProtocol,
  streaming: boolean,
): AsyncGenerator<StreamEvent, void, undefined> {
  const response = await postJson(transport, post)
  // `settled`: the body was read to its end or handed to the background drain; otherwise it is
  // destroyed on the way out (consumer stopped early, error) so the socket is not left reading.
  let settled = false
  try {
    yield { type: 'response-start', status: response.status, headers: response.headers }
    if (response.status < 200 || response.status > 299) {
      const { text } = await readBodyText(response, post, transport, ERROR_BODY_READ_LIMIT_BYTES, true)
      throw createStatusError(response, text, protocol, post)
    }
    const contentType = response.headers['content-type'] ?? ''
    // Some OpenAI-compatible servers ignore `stream: true` and answer with plain JSON.
    const isJson = /\bjson\b/i.test(contentType) && !/event-stream/i.test(contentType)
    const out: StreamEvent[] = []
    if (!streaming || isJson) {
      const { text, complete } = await readBodyText(response, post, transport, JSON_BODY_READ_LIMIT_BYTES, false)
      if (!complete) {
        throw new AdapterError(
          'ADAPTER_STREAM_MALFORMED',
          `${protocol.vendor} answer from ${redactUrl(post.url)} is larger than ${JSON_BODY_READ_LIMIT_BYTES} bytes; not a chat completion body`,
          { status: response.status },
        )
      }
      settled = true
      protocol.parseBody(scrubSecrets(text, post.secrets), out)
      yield* out
      return
    }
    const decoder = createSseDecoder()
    const parser = protocol.createStreamParser()
    let done = false
    // A parser error (in-stream error event, bad JSON) is thrown only after the events that
    // preceded it in the same network chunk have been yielded: the runner saw them arrive.
    let failure: { error: unknown } | undefined
    const feed = (events: readonly SseEvent[]): void => {
      try {
        for (const event of events) {
          done = parser.push(event, out)
          if (done) return
        }
      } catch (error) {
        failure = { error }
      }
    }
    // destroyOnReturn: false — leaving the loop at the terminator must not kill the socket.
    const chunks = response.body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>
    try {
      for await (const chunk of chunks) {
        try {
          feed(decoder.push(chunk))
        } catch (error) {
          failure = { error }
        }
        if (out.length > 0) {
          yield* out
          out.length = 0
        }
        if (failure !== undefined) throw failure.error
        if (done) break
      }
    } catch (error) {
      throw mapTransportError(error, post, transport, 'body')
    }
    if (done) {
      // The terminator arrived: drain the few trailing bytes in the background so a keep-alive
      // connection is reused, without making the caller wait for (or fail on) a lingering body.
      settled = true
      drainInBackground(response.body, ERROR_BODY_READ_LIMIT_BYTES)
      return
    }
    settled = true
    try {
      feed(decoder.end())
      if (failure === undefined && !done) parser.end(out)
    } catch (error) {
      failure = { error }
    }
    yield* out
    if (failure !== undefined) throw failure.error
  } finally {
    if (!settled) discardBody(response.body)
  }
}

/** Sends the POST; resolves when response headers arrive. Failures become AdapterError. */
export async function postJson(transport: HttpTransport, post: JsonPost): Promise<HttpResponse> {
  let data: Dispatcher.ResponseData
  try {
    data = await request(post.url, {
      method: 'POST',
      headers: post.headers,
      body: JSON.stringify(post.body),
      signal: post.signal,
      dispatcher: transport.dispatcher,
      headersTimeout: transport.headersTimeoutMs,
      bodyTimeout: transport.bodyTimeoutMs,
    })
  } catch (error) {
    throw mapTransportError(error, post, transport, 'headers')
  }
  return { status: data.statusCode, headers: normaliseHeaders(data.headers, post.secrets), body: data.body }
}

/**
 * Reads the body as UTF-8 text, keeping at most `limitBytes`. `complete` says whether the body
 * ended within the limit. With `tolerant`, a transport failure mid-read returns what arrived
 * (an error body half-read still leaves the status worth reporting).
 */
export async function readBodyText(
  response: HttpResponse,
  post: JsonPost,
  transport: HttpTransport,
  limitBytes: number,
  tolerant: boolean,
): Promise<{ text: string; complete: boolean }> {
  const decoder = new TextDecoder('utf-8')
  let text = ''
  let bytes = 0
  let complete = true
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      if (bytes + chunk.byteLength > limitBytes) {
        text += decoder.decode(chunk.subarray(0, limitBytes - bytes), { stream: true })
        complete = false
        discardBody(response.body)
        break
      }
      bytes += chunk.byteLength
      text += decoder.decode(chunk, { stream: true })
    }
  } catch (error) {
    if (!tolerant) throw mapTransportError(error, post, transport, 'body')
    complete = false
  }
  return { text: text + decoder.decode(), complete }
}

export function createStatusError(
  response: HttpResponse,
  bodyText: string,
  protocol: WireProtocol,
  post: JsonPost,
): AdapterError {
  const body = scrubSecrets(bodyText, post.secrets)
  let vendor: VendorErrorInfo | undefined
  try {
    vendor = protocol.parseErrorBody(body)
  } catch {
    // An unparsable error body is still an HTTP error; the status and raw body say enough.
    vendor = undefined
  }
  const shouldRetryHeader = response.headers['x-should-retry']
  const shouldRetry = shouldRetryHeader === 'true' ? true : shouldRetryHeader === 'false' ? false : undefined
  const retryAfterMs = parseRetryAfterMs(response.headers)
  const label = [vendor?.type, vendor?.code].filter((part) => part !== undefined && part !== '').join('/')
  const detail = vendor?.message === undefined ? '' : `: ${truncate(vendor.message, 300)}`
  const retryNote = retryAfterMs === undefined ? '' : ` (retry after ${Math.round(retryAfterMs)} ms)`
  return new AdapterError(
    'ADAPTER_HTTP_STATUS',
    `${protocol.vendor} answered HTTP ${response.status} to POST ${redactUrl(post.url)}${label === '' ? '' : ` ${label}`}${detail}${retryNote}`,
    {
      status: response.status,
      ...(vendor?.type === undefined ? {} : { vendorType: vendor.type }),
      ...(vendor?.code === undefined ? {} : { vendorCode: vendor.code }),
      retryable: shouldRetry ?? isRetryableStatus(response.status),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(shouldRetry === undefined ? {} : { shouldRetry }),
      body,
    },
  )
}

/** Statuses the official SDKs retry: 408, 409, 429 and every 5xx (Anthropic's 529 included). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` first (OpenAI, Anthropic), then
 * `Retry-After` as delta-seconds or an HTTP-date (relative to `nowEpochMs`, never negative).
 */
export function parseRetryAfterMs(headers: Record<string, string>, nowEpochMs: number = Date.now()): number | undefined {
  const milliseconds = headers['retry-after-ms']?.trim()
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds)
  const value = headers['retry-after']?.trim()
  if (value === undefined || value === '') return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowEpochMs)
}

type TransportPhase = 'headers' | 'body'

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_DESTROYED',
  'UND_ERR_CLOSED',
])
const RESET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_ABORT', 'ABORT_ERR'])
const MALFORMED_CODES = new Set(['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_INFO'])

function errorCodeOf(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code !== '') return code
    current = current.cause
  }
  return undefined
}

/** Maps an undici/Node failure to the AdapterError the runner records. Unknown errors are bugs. */
export function mapTransportError(
  error: unknown,
  post: JsonPost,
  transport: HttpTransport,
  phase: TransportPhase,
): unknown {
  if (error instanceof AdapterError) return error
  const url = redactUrl(post.url)
  const where = phase === 'headers' ? 'before the response headers' : 'while reading the response body'
  if (post.signal.aborted) {
    const reason: unknown = post.signal.reason
    const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined
    return new AdapterError(
      'ADAPTER_ABORTED',
      `request to ${url} aborted by its signal ${where}${why === undefined || why === '' ? '' : ` (${scrubSecrets(why, post.secrets)})`}`,
      { cause: error },
    )
  }
  const code = errorCodeOf(error)
  const message = scrubSecrets(error instanceof Error ? error.message : String(error), post.secrets)
  const build = (adapterCode: ErrorCode, text: string, retryable: boolean): AdapterError =>
    new AdapterError(adapterCode, text, { cause: error, retryable })
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return build('ADAPTER_TIMEOUT', `no response headers from ${url} within ${transport.headersTimeoutMs} ms (headersTimeoutMs)`, true)
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return build('ADAPTER_TIMEOUT', `response body from ${url} idle for more than ${transport.bodyTimeoutMs} ms (bodyTimeoutMs)`, true)
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) return build('ADAPTER_TIMEOUT', `timed out on ${url}: ${message}`, true)
  if (code !== undefined && RESET_CODES.has(code)) {
    return build('ADAPTER_RESET', `connection to ${url} reset or closed ${where} (${code}: ${message})`, true)
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return build('ADAPTER_CONNECTION', `cannot connect to ${url} (${code}: ${message})`, true)
  }
  if ((code !== undefined && ABORT_CODES.has(code)) || (error instanceof Error && error.name === 'AbortError')) {
    return build('ADAPTER_ABORTED', `request to ${url} aborted ${where} (${message})`, false)
  }
  if ((code !== undefined && MALFORMED_CODES.has(code)) || code?.startsWith('HPE_') === true) {
    return build('ADAPTER_STREAM_MALFORMED', `invalid HTTP response from ${url} (${code}: ${message})`, false)
  }
  if (/other side closed|socket hang up/i.test(message)) {
    return build('ADAPTER_RESET', `connection to ${url} closed ${where} (${message})`, true)
  }
  // TLS and other system-level connect failures carry an errno-style or ERR_TLS/CERT code.
  if (code !== undefined && /^(E[A-Z]+|ERR_TLS_.*|ERR_SSL_.*|.*CERT.*)$/.test(code)) {
    return build('ADAPTER_CONNECTION', `cannot talk to ${url} (${code}: ${message})`, true)
  }
  return error
}

/**
 * Stops reading a body and frees its socket. undici's body emits an AbortError when destroyed
 * before its end; nobody is listening any more, so it is swallowed here rather than crashing.
 */
function discardBody(body: HttpResponse['body']): void {
  body.on('error', () => {
    // Expected: we are the ones abandoning the body.
  })
  if (!body.destroyed) body.destroy()
}

/**
 * Reads whatever follows the terminator (usually just the chunked-encoding end) so undici can
 * reuse the connection; more than `limitBytes` of trailing junk and the socket is dropped.
 * undici's own dump() counts bytes already consumed, so it would drop every long stream.
 */
function drainInBackground(body: HttpResponse['body'], limitBytes: number): void {
  if (body.readableEnded || body.destroyed) return
  let bytes = 0
  body.on('error', () => {
    // The answer is already complete; a failure after it only means the socket is not reused.
  })
  body.on('data', (chunk: Uint8Array) => {
    bytes += chunk.byteLength
    if (bytes > limitBytes) discardBody(body)
  })
  body.resume()
}

function normaliseHeaders(headers: Dispatcher.ResponseData['headers'], secrets: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(', ') : String(value)
    result[name.toLowerCase()] = scrubSecrets(text, secrets)
  }
  return result
}

/**
 * The same error with every secret scrubbed from its message and body. The original is not
 * kept as `cause` when it held a secret.
 */
export function scrubAdapterError(error: AdapterError, secrets: readonly string[]): AdapterError {
  const message = scrubSecrets(error.message, secrets)
  const body = error.body === undefined ? undefined : scrubSecrets(error.body, secrets)
  if (message === error.message && body === error.body) return error
  const scrubbed = new AdapterError(error.code, message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.vendorType === undefined ? {} : { vendorType: error.vendorType }),
    ...(error.vendorCode === undefined ? {} : { vendorCode: error.vendorCode }),
    retryable: error.retryable,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.shouldRetry === undefined ? {} : { shouldRetry: error.shouldRetry }),
    ...(body === undefined ? {} : { body }),
  })
  scrubbed.stack = `${scrubbed.name}: ${message}`
  return scrubbed
}

/** Secrets shorter than this are not scrubbed: replacing 2-letter strings would garble bodies. */
const MIN_SCRUBBED_SECRET_LENGTH = 6

/** Replaces every occurrence of each secret (servers echo keys in 401 bodies) with `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text
  for (const secret of secrets) {
    if (secret.length >= MIN_SCRUBBED_SECRET_LENGTH && result.includes(secret)) result = result.split(secret).join('[redacted]')
  }
  return result
}

const SECRET_QUERY_PARAMETER = /key|token|secret|sig|password|auth/i

/** The URL as it may appear in records and messages: no userinfo, no secret-looking query values. */
export function redactUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return '[invalid url]'
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = ''
    parsed.password = ''
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMETER.test(name)) parsed.searchParams.set(name, 'redacted')
  }
  return parsed.href
}
